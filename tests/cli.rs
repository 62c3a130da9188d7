//! The command-line contract, tested through the built binary with a scrubbed
//! environment: help, version, parsing, subcommands vs sentences, exit codes,
//! completions, and discovery by kubectl as `kubectl ai`.

mod common;

use common::{Sandbox, bin, real_kubectl, root};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Run with debug logs and return the logged resolved configuration.
fn resolved(args: &[&str]) -> String {
    let sandbox = Sandbox::new();
    let out = sandbox
        .kubectl_ai()
        .env("KUBECTL_AI_LOG", "kubectl_ai=debug")
        .args(args)
        .output()
        .unwrap();
    let err = stderr(&out);
    err.lines()
        .find(|l| l.contains("resolved configuration"))
        .unwrap_or_else(|| panic!("no configuration logged for {args:?}; stderr:\n{err}"))
        .to_string()
}

#[test]
fn help_has_examples_safety_and_every_flag() {
    let out = Sandbox::new().kubectl_ai().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = stdout(&out);
    for needle in [
        "Usage: kubectl ai",
        "Examples:",
        "Safety:",
        "Exit codes:",
        "diagnose",
        "completion",
        "--explain",
        "--dry-run",
        "--yes",
        "--json",
        "--offline",
        "--model",
        "--plan",
        "--save-plan",
        "--quiet",
        "--verbose",
        "--color",
        "--namespace",
        "--all-namespaces",
        "--context",
        "--kubeconfig",
        "--cluster",
        "--user",
        "--as",
        "--request-timeout",
    ] {
        assert!(help.contains(needle), "--help lacks {needle:?}:\n{help}");
    }
    let short = Sandbox::new().kubectl_ai().arg("-h").output().unwrap();
    assert!(short.status.success());
    assert!(stdout(&short).contains("Examples:"));
    assert!(stderr(&short).is_empty());
}

#[test]
fn version() {
    let out = Sandbox::new()
        .kubectl_ai()
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        stdout(&out).trim(),
        format!("kubectl-ai {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn no_sentence_prints_usage_and_exits_2() {
    for args in [&[][..], &["-n", "shop"][..], &["--yes", "--json"][..]] {
        let out = Sandbox::new().kubectl_ai().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        if args.contains(&"--json") {
            // With --json, stdout is one document on every exit path: the error's.
            let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(doc["status"], "error");
            assert_eq!(doc["exit_code"], 2);
        } else {
            assert!(out.stdout.is_empty());
        }
        let err = stderr(&out);
        assert!(err.contains("Usage: kubectl ai"), "{err}");
        assert!(
            err.contains("kubectl ai --explain \"scale web to 3\""),
            "{err}"
        );
    }
}

#[test]
fn flags_may_stand_anywhere() {
    let quoted = resolved(&["--offline", "--explain", "scale web to 3", "-n", "prod"]);
    let loose = resolved(&[
        "scale",
        "web",
        "-n",
        "prod",
        "to",
        "3",
        "--offline",
        "--explain",
    ]);
    for line in [&quoted, &loose] {
        assert!(line.contains(r#"Sentence("scale web to 3")"#), "{line}");
        assert!(line.contains(r#"namespace: Some("prod")"#), "{line}");
        assert!(
            line.contains("explain: true") && line.contains("offline: true"),
            "{line}"
        );
    }
}

#[test]
fn negative_numbers_reach_the_sentence() {
    let line = resolved(&[
        "scale",
        "web",
        "to",
        "-1",
        "-n",
        "prod",
        "--offline",
        "--explain",
    ]);
    assert!(line.contains(r#"Sentence("scale web to -1")"#), "{line}");
}

#[test]
fn forwarded_kubectl_flags_are_parsed() {
    let line = resolved(&[
        "get pods",
        "--context",
        "staging",
        "--kubeconfig",
        "/tmp/kc",
        "--cluster",
        "c1",
        "--user",
        "u1",
        "--as",
        "admin",
        "--request-timeout",
        "5s",
        "-A",
        "--offline",
        "--explain",
    ]);
    for needle in [
        r#"context: Some("staging")"#,
        r#"kubeconfig: Some("/tmp/kc")"#,
        r#"cluster: Some("c1")"#,
        r#"user: Some("u1")"#,
        r#"as_user: Some("admin")"#,
        r#"request_timeout: Some("5s")"#,
        "all_namespaces: true",
    ] {
        assert!(line.contains(needle), "{needle} not in {line}");
    }
}

#[test]
fn subcommand_only_as_first_word() {
    let line = resolved(&["show", "diagnose", "logs", "--offline", "--explain"]);
    assert!(line.contains(r#"Sentence("show diagnose logs")"#), "{line}");
    let line = resolved(&[
        "-n", "shop", "diagnose", "why", "is", "web", "down", "--fix",
    ]);
    assert!(
        line.contains(r#"Diagnose { question: Some("why is web down"), target: None, fix: true }"#),
        "{line}"
    );
    let line = resolved(&["scale", "completion", "to", "2", "--offline", "--explain"]);
    assert!(
        line.contains(r#"Sentence("scale completion to 2")"#),
        "{line}"
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["--no-such-flag", "x"][..],
        &["--color", "sometimes", "x"][..],
        &["-n", "Not_A_Namespace", "x"][..],
        &["--plan", "p.json", "scale", "web"][..],
        &["diagnose", "--target", "nonsense"][..],
        &["completion", "tcsh"][..],
        &["completion"][..],
    ] {
        let out = Sandbox::new().kubectl_ai().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("error"), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn missing_kubectl_is_a_clear_failure() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .kubectl_ai()
        .env("PATH", "")
        .args(["diagnose", "-n", "shop", "--offline"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.starts_with("error: kubectl was not found"), "{err}");
    assert!(err.contains("install kubectl"), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );

    let out = sandbox
        .kubectl_ai()
        .env("KUBECTL_PATH", "/nonexistent/kubectl")
        .args(["diagnose", "--offline"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("KUBECTL_PATH=/nonexistent/kubectl"));
}

#[test]
fn completion_scripts_match_the_shipped_files() {
    let files = [
        ("bash", "kubectl-ai.bash"),
        ("zsh", "_kubectl-ai"),
        ("fish", "kubectl-ai.fish"),
        ("powershell", "_kubectl-ai.ps1"),
    ];
    for (shell, file) in files {
        let out = Sandbox::new()
            .kubectl_ai()
            .args(["completion", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}");
        let path = root().join("completions").join(file);
        let shipped = std::fs::read(&path).unwrap_or_default();
        assert!(
            out.stdout == shipped,
            "{} differs from `kubectl-ai completion {shell}`; regenerate with .ci/completions",
            path.display()
        );
    }
    let out = Sandbox::new()
        .kubectl_ai()
        .args(["completion", "elvish"])
        .output()
        .unwrap();
    assert!(out.status.success() && !out.stdout.is_empty());
}

#[test]
fn kubectl_completion_shim() {
    let shim = root().join("completions/kubectl_complete-ai");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&shim).unwrap().permissions().mode();
        assert!(mode & 0o111 != 0, "kubectl_complete-ai must be executable");
    }
    let sandbox = Sandbox::new();
    let run = |args: &[&str]| {
        let out = sandbox.command(&shim).args(args).output().unwrap();
        assert!(out.status.success());
        stdout(&out)
    };
    assert_eq!(run(&["di"]), "diagnose\n:4\n");
    assert_eq!(run(&["diagnose", "--fi"]), "--fix\n:4\n");
    assert_eq!(run(&["completion", "z"]), "zsh\n:4\n");
    assert_eq!(run(&["--color", "n"]), "never\n:4\n");
    assert_eq!(run(&["scale", "--dry"]), "--dry-run\n:4\n");
    assert!(run(&["-n", "x", ""]).ends_with(":4\n"));
}

#[test]
fn kubectl_discovers_the_plugin() {
    let kubectl = real_kubectl();
    let dir = bin().parent().unwrap().to_path_buf();
    let sandbox = Sandbox::with_path_first(&dir);
    let out = sandbox
        .command(&kubectl)
        .args(["plugin", "list", "--name-only"])
        .output()
        .unwrap();
    assert!(
        stdout(&out).lines().any(|l| l.trim() == "kubectl-ai"),
        "kubectl plugin list:\n{}{}",
        stdout(&out),
        stderr(&out)
    );

    let out = sandbox
        .command(&kubectl)
        .args(["ai", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Usage: kubectl ai"));

    // kubectl passes everything after `ai` verbatim, exit code included.
    let out = sandbox.command(&kubectl).arg("ai").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Usage: kubectl ai"));
}
