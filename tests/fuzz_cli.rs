//! Property tests of the command line (`cli.rs` and `Config::resolve`, which
//! `Config::from_cli` calls with the process environment): any argv (flags in
//! any order, with any values, words, `--`, bytes that are not UTF-8) parses
//! or is refused by clap, never a panic; a parsed command line resolves to a
//! configuration or a usage error, never a panic; and the flags a resolved
//! configuration forwards to every kubectl call carry no value that reads as a
//! flag or holds a control character. The environment is fuzzed too, except
//! the config file, which is an empty file (no developer's config is read).

mod fuzz_support;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use fuzz_support::{atom, check, ensure, re};
use kubectl_ai::cli::{Cli, json_requested};
use kubectl_ai::config::{Config, Env};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// Every flag the plugin knows, long and short, from the clap definition.
fn flags() -> Vec<String> {
    let cmd = Cli::command_for_completion();
    let mut flags = Vec::new();
    let commands = std::iter::once(&cmd).chain(cmd.get_subcommands());
    for c in commands {
        for arg in c.get_arguments() {
            if let Some(long) = arg.get_long() {
                flags.push(format!("--{long}"));
            }
            if let Some(short) = arg.get_short() {
                flags.push(format!("-{short}"));
            }
        }
    }
    flags.extend(["-vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv".to_string(), "-yAqv".into(), "-vn".into()]);
    flags.sort();
    flags.dedup();
    flags
}

/// Values flags are given: durations (huge ones too), paths, names, colors, shells.
fn value() -> BoxedStrategy<String> {
    prop_oneof![
        3 => atom(),
        1 => proptest::sample::select(&[
            "18446744073709551615s", "18446744073709551615", "9999999999999h", "5124095576030431h",
            "307445734561825860m", "0", "0s", "10s", "1m", "-1s", "1.5s", "1e9", "",
            "always", "never", "auto", "bash", "zsh", "fish", "powershell", "elvish",
            "deployment/web", "deployment/-x", "/", "x/", "/nonexistent/plan.json", ".",
            "gpt-4.1-mini", "shop", "-n", "kube-system", "dev\u{1b}[31m",
        ][..]).prop_map(str::to_string),
        1 => re("[0-9]{1,25}(s|m|h|ms|)"),
    ]
    .boxed()
}

/// One or two argv elements: a flag, a flag and its value, flag=value, a
/// value, a word, or raw bytes.
fn element() -> BoxedStrategy<Vec<OsString>> {
    let flags = flags();
    let one = |s: String| vec![OsString::from(s)];
    prop_oneof![
        3 => proptest::sample::select(flags.clone()).prop_map(one),
        3 => (proptest::sample::select(flags.clone()), value())
            .prop_map(|(f, v)| vec![OsString::from(f), OsString::from(v)]),
        2 => value().prop_map(one),
        2 => (proptest::sample::select(flags), value()).prop_map(move |(f, v)| one(format!("{f}={v}"))),
        1 => proptest::sample::select(&["diagnose", "completion", "--", "-", "help", "scale", "web", "to", "3"][..])
            .prop_map(|w| vec![OsString::from(w)]),
        1 => proptest::collection::vec(any::<u8>(), 0..8).prop_map(|b| vec![OsString::from_vec(b)]),
    ]
    .boxed()
}

/// An environment: the variables the plugin reads, some set to hostile values;
/// the config file is always the given empty file.
fn environment(config_file: String) -> BoxedStrategy<Env> {
    let names = proptest::sample::select(
        &[
            "KUBECTL_AI_TIMEOUT",
            "KUBECTL_AI_MODEL",
            "KUBECTL_AI_LOG",
            "KUBECTL_AI_JOURNAL",
            "KUBECONFIG",
            "OPENAI_BASE_URL",
            "OPENAI_API_KEY",
            "OPENAI_API_VERSION",
            "NO_COLOR",
            "TERM",
            "KUBECTL_PATH",
            "AZURE_OPENAI_ENDPOINT",
            "AZURE_OPENAI_API_KEY",
            "AZURE_OPENAI_DEPLOYMENT",
            "AZURE_OPENAI_API_VERSION",
            "KUBECTL_AI_MODEL_TIMEOUT",
            "KUBECTL_AI_MODEL_CONNECT_TIMEOUT",
        ][..],
    );
    (
        proptest::collection::vec((names, value()), 0..4),
        any::<(bool, bool, bool)>(),
    )
        .prop_map(move |(vars, (stdin, stdout, stderr))| {
            let mut vars: BTreeMap<String, String> =
                vars.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            vars.insert("KUBECTL_AI_CONFIG".into(), config_file.clone());
            Env {
                vars,
                stdin_is_tty: stdin,
                stdout_is_tty: stdout,
                stderr_is_tty: stderr,
            }
        })
        .boxed()
}

fn run(argv: &[OsString], env: &Env) -> Result<(), TestCaseError> {
    let mut full = vec![OsString::from("kubectl-ai")];
    full.extend_from_slice(argv);
    let _ = json_requested(&full);
    let cli = match Cli::try_parse_argv(full) {
        Ok(cli) => cli,
        Err(e) => {
            // What main prints for a refused command line (help included).
            let _ = e.to_string();
            let _ = e.render();
            return Ok(());
        }
    };
    let Ok(config) = Config::resolve(cli, env) else {
        return Ok(());
    };
    let _ = format!("{config:?}");
    let args = config.kube.args();
    for pair in args.chunks(2) {
        let value = &pair[pair.len() - 1];
        ensure(
            pair.len() == 2 && !value.starts_with('-') && !value.chars().any(char::is_control),
            || format!("{argv:?}: the flags forwarded to kubectl are {args:?}"),
        )?;
    }
    ensure(!config.kubectl_timeout.is_zero(), || {
        format!("{argv:?}: no time at all for kubectl")
    })
}

#[test]
fn any_command_line_parses_or_is_refused_and_resolves_or_is_refused() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let config_file = dir.path().join("config.toml");
    std::fs::write(&config_file, "").expect("an empty config file");
    let config_file = config_file.display().to_string();
    let argv = proptest::collection::vec(element(), 0..8).prop_map(|e| e.concat());
    check(
        "cli",
        1_500,
        (argv, environment(config_file)),
        |(argv, env)| run(&argv, &env),
    );
}

#[test]
fn inputs_the_properties_found() {
    // --request-timeout plus the 5 s margin overflowed.
    let dir = tempfile::tempdir().expect("a temp dir");
    let config_file = dir.path().join("config.toml");
    std::fs::write(&config_file, "").expect("an empty config file");
    let env = Env {
        vars: BTreeMap::from([(
            "KUBECTL_AI_CONFIG".to_string(),
            config_file.display().to_string(),
        )]),
        ..Env::default()
    };
    for timeout in [
        "18446744073709551615s",
        "18446744073709551615",
        "5124095576030431h",
    ] {
        let argv = ["--request-timeout", timeout, "get", "pods"].map(OsString::from);
        run(&argv, &env).unwrap();
    }
}
