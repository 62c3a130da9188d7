//! The README stays in step with the binary: its stable headings, every flag
//! and subcommand, and the exit codes.

use clap::CommandFactory;
use kubectl_ai::cli::Cli;
use kubectl_ai::exit::ExitCode;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

#[test]
fn stable_headings() {
    let readme = readme();
    for heading in [
        "Install",
        "First run",
        "Usage",
        "Flags",
        "Diagnose",
        "Configuration",
        "Safety",
        "Exit codes",
        "JSON output",
        "Development",
        "Benchmarks",
    ] {
        assert!(
            readme.lines().any(|l| l == format!("## {heading}")),
            "README lacks '## {heading}'"
        );
    }
}

#[test]
fn every_flag_and_subcommand_is_documented() {
    let readme = readme();
    let cmd = Cli::command();
    let mut commands = vec![&cmd];
    commands.extend(cmd.get_subcommands());
    for c in commands {
        for arg in c.get_arguments() {
            if let Some(long) = arg.get_long() {
                assert!(
                    readme.contains(&format!("--{long}")),
                    "README lacks --{long}"
                );
            }
        }
    }
    for sub in cmd.get_subcommands() {
        assert!(readme.contains(&format!("kubectl ai {}", sub.get_name())));
    }
}

#[test]
fn exit_codes_are_documented() {
    let readme = readme();
    for code in [
        ExitCode::Success,
        ExitCode::Failure,
        ExitCode::Usage,
        ExitCode::Declined,
        ExitCode::ProblemsFound,
        ExitCode::Interrupted,
    ] {
        assert!(
            readme.contains(&format!("| {} |", code.code())),
            "README's exit code table lacks {code}"
        );
    }
}
