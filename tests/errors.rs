//! Errors said truthfully, through the real binary and kubectl against the sandbox:
//! a kubeconfig list that names nothing, a namespace that does not exist, one JSON
//! document on every `--json` exit path, `--save-plan` that says what it (did not)
//! save, relative scaling that never removes more than asked, and a journal that
//! holds only runs that applied or tried to apply.

mod common;

use common::*;
use serde_json::{Value, json};

// ---- relative scaling (item 17) ---------------------------------------------

#[test]
fn scaling_past_the_ceiling_by_a_relative_count_is_a_usage_error() {
    let env = TestEnv::healthy();
    let out = env
        .plugin()
        .args(["scale", "web", "up", "by", "999", "--yes"])
        .output()
        .unwrap();
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("1001") && err.contains("ceiling"), "{err}");
    assert_eq!(env.replicas("default", "web"), 2);
    assert!(env.writes().is_empty(), "{:?}", env.writes());
}

#[test]
fn a_percentage_decrease_never_removes_more_than_asked() {
    let env = TestEnv::healthy();
    // 10% of 2 replicas is 0.2 of a replica: none is removed.
    let out = env
        .plugin()
        .args(["scale", "web", "down", "by", "10%", "--yes", "--json"])
        .output()
        .unwrap();
    assert_success(&out);
    let report = json_stdout(&out);
    assert_eq!(report["status"], "no-change", "{report:#}");
    assert_eq!(env.replicas("default", "web"), 2);
    // 50% of 2 is exactly 1.
    let out = env
        .plugin()
        .args(["scale", "web", "down", "by", "50%", "--yes"])
        .output()
        .unwrap();
    assert_success(&out);
    assert_eq!(env.replicas("default", "web"), 1);
    // An increase rounds the added count up: 10% of 1 adds one.
    let out = env
        .plugin()
        .args(["scale", "web", "up", "by", "10%", "--yes"])
        .output()
        .unwrap();
    assert_success(&out);
    assert_eq!(env.replicas("default", "web"), 2);
}

// ---- the journal (item 21) ----------------------------------------------------

fn plan(op: Value) -> Value {
    json!({ "operations": [op] })
}

/// The journal in a folder that does not exist yet, inside the test HOME.
fn journal_in(env: &TestEnv) -> std::path::PathBuf {
    env.home()
        .join("state")
        .join("kubectl-ai")
        .join("journal.jsonl")
}

fn journal_lines(path: &std::path::Path) -> Vec<Value> {
    match std::fs::read_to_string(path) {
        Ok(text) => text
            .lines()
            .map(|l| serde_json::from_str(l).expect("a journal line is JSON"))
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn runs_that_sent_no_change_are_not_journaled() {
    let env = TestEnv::healthy();
    let journal = journal_in(&env);
    let scale = plan(json!({"op": "scale", "name": "web", "replicas": {"to": 3}}));
    // (Which non-zero code a missing context gives is another matter: issue 10, item 13.)
    let runs: Vec<(&str, Vec<&str>, Option<i32>)> = vec![
        (
            "a dry run whose preview fails",
            vec!["--dry-run", "--context", "nosuch"],
            None,
        ),
        (
            "a preview that fails",
            vec!["--yes", "--context", "nosuch"],
            None,
        ),
        ("a dry run", vec!["--dry-run"], Some(0)),
        ("no terminal and no --yes", vec![], Some(3)),
    ];
    for (what, flags, code) in runs {
        let path = env.plan_file(&scale);
        let out = env
            .plugin()
            .env("KUBECTL_AI_JOURNAL", &journal)
            .arg("--plan")
            .arg(&path)
            .args(&flags)
            .output()
            .unwrap();
        match code {
            Some(code) => assert_exit(&out, code),
            None => assert!(!out.status.success(), "{what}: {}", stderr(&out)),
        }
        assert!(
            journal_lines(&journal).is_empty(),
            "{what} was journaled: {:?}",
            std::fs::read_to_string(&journal)
        );
    }
    let out = env
        .plugin()
        .env("KUBECTL_AI_JOURNAL", &journal)
        .args(["delete", "namespace", "x", "--dry-run"])
        .output()
        .unwrap();
    assert_exit(&out, 2);
    assert!(
        journal_lines(&journal).is_empty(),
        "a failed dry run of a delete was journaled"
    );
    assert_eq!(env.replicas("default", "web"), 2);
}

#[test]
fn applied_and_failed_applies_are_journaled_with_rfc3339_times_in_private_files() {
    let env = TestEnv::healthy();
    let journal = journal_in(&env);
    let out = env
        .plugin()
        .env("KUBECTL_AI_JOURNAL", &journal)
        .args(["scale", "web", "to", "3", "--yes"])
        .output()
        .unwrap();
    assert_success(&out);
    // An apply the server refuses after a clean preview is journaled as failed.
    let refusing = env.kubectl_shim(
        "kubectl",
        "case \"$*\" in replace*) echo 'Error from server: refused' >&2; exit 1;; esac",
    );
    let out = env
        .plugin()
        .env("KUBECTL_AI_JOURNAL", &journal)
        .env("KUBECTL_PATH", &refusing)
        .args(["scale", "web", "to", "4", "--yes"])
        .output()
        .unwrap();
    assert_exit(&out, 1);
    let lines = journal_lines(&journal);
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert_eq!(lines[0]["operations"][0]["status"], "applied");
    assert_eq!(lines[1]["operations"][0]["status"], "failed");
    for line in &lines {
        let time = line["time"].as_str().expect("the time is a string");
        let b = time.as_bytes();
        assert!(
            b.len() == 20
                && time.starts_with("20")
                && b[4] == b'-'
                && b[7] == b'-'
                && b[10] == b'T'
                && b[13] == b':'
                && b[16] == b':'
                && time.ends_with('Z')
                && time.chars().filter(|c| c.is_ascii_digit()).count() == 14,
            "not RFC 3339 UTC: {time}"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&journal), 0o600, "the journal file");
        assert_eq!(
            mode(journal.parent().unwrap()),
            0o700,
            "the journal's folder"
        );
    }
}

// ---- --save-plan (item 16) ----------------------------------------------------

#[test]
fn a_health_question_saves_no_plan_and_says_so() {
    let env = TestEnv::healthy();
    let saved = env.home().join("f.json");
    let out = env
        .plugin()
        .args([
            "are",
            "my",
            "pods",
            "healthy",
            "in",
            "default?",
            "--save-plan",
        ])
        .arg(&saved)
        .output()
        .unwrap();
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains("nothing saved") && err.contains("health question") && err.contains("f.json"),
        "{err}"
    );
    assert!(!saved.exists());
}

#[test]
fn an_existing_plan_file_is_replaced_only_with_force() {
    let env = TestEnv::healthy();
    let saved = env.home().join("f.json");
    std::fs::write(&saved, "my notes\n").unwrap();
    let save = |sentence: &str, force: bool| {
        let mut cmd = env.plugin();
        cmd.args(["--explain", sentence, "--save-plan"]).arg(&saved);
        if force {
            cmd.arg("--force");
        }
        cmd.output().unwrap()
    };
    let out = save("scale web to 3", false);
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains("already exists") && err.contains("--force") && err.contains("nothing saved"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&saved).unwrap(), "my notes\n");
    let out = save("scale web to 3", true);
    assert_success(&out);
    assert!(stderr(&out).contains("replaced"), "{}", stderr(&out));
    let plan: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!(plan["operations"][0]["replicas"]["to"], 3);
    // Nothing is left beside it.
    let entries: Vec<_> = std::fs::read_dir(env.home())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("f.json"))
        .collect();
    assert_eq!(entries, ["f.json"]);
    // A new file needs no --force.
    let fresh = env.home().join("g.json");
    let out = env
        .plugin()
        .args(["--explain", "scale web to 4", "--save-plan"])
        .arg(&fresh)
        .output()
        .unwrap();
    assert_success(&out);
    assert!(stderr(&out).contains("plan saved to"), "{}", stderr(&out));
    assert!(fresh.exists());
}

// ---- KUBECONFIG (item 14a) -----------------------------------------------------

#[test]
fn a_kubeconfig_list_naming_no_file_that_exists_is_refused() {
    let env = TestEnv::healthy();
    let missing = env.home().join("nonexistent");
    let also = env.home().join("nope");
    let list = std::env::join_paths([&missing, &also]).unwrap();
    for (value, needles) in [
        (
            missing.clone().into_os_string(),
            vec!["nonexistent\" does not exist"],
        ),
        (list, vec!["nonexistent\" and ", "nope\" do not exist"]),
    ] {
        for args in [
            &["get", "pods", "in", "default"][..],
            &["scale", "web", "to", "3", "--yes"],
            &["diagnose"],
        ] {
            let out = env
                .plugin()
                .env("KUBECONFIG", &value)
                .args(args)
                .output()
                .unwrap();
            assert_exit(&out, 2);
            let err = stderr(&out);
            assert!(
                err.starts_with("error: KUBECONFIG names no kubeconfig file"),
                "{args:?}: {err}"
            );
            for needle in &needles {
                assert!(err.contains(needle), "{args:?}: {err}");
            }
            assert!(
                !err.contains("memcache") && !err.contains("8080 was refused"),
                "{err}"
            );
        }
    }
    assert_eq!(env.replicas("default", "web"), 2);
}

#[test]
fn a_missing_file_beside_one_that_exists_is_a_warning_and_the_flag_beats_the_list() {
    let env = TestEnv::healthy();
    let missing = env.home().join("nonexistent");
    let list = std::env::join_paths([missing.as_path(), env.cluster.kubeconfig()]).unwrap();
    let out = env
        .plugin()
        .env("KUBECONFIG", &list)
        .args(["get", "deployments", "in", "default"])
        .output()
        .unwrap();
    assert_success(&out);
    assert!(stdout(&out).contains("web"), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("warning: KUBECONFIG lists")
            && err.contains("nonexistent")
            && err.contains("does not exist"),
        "{err}"
    );
    // --kubeconfig replaces the list, as it does for kubectl: nothing to say about it.
    let out = env
        .plugin()
        .env("KUBECONFIG", &missing)
        .arg("--kubeconfig")
        .arg(env.cluster.kubeconfig())
        .args(["get", "deployments", "in", "default"])
        .output()
        .unwrap();
    assert_success(&out);
    assert!(!stderr(&out).contains("KUBECONFIG"), "{}", stderr(&out));
}

// ---- a namespace that does not exist (item 14b) -------------------------------

#[test]
fn a_read_in_a_namespace_that_does_not_exist_says_so_with_close_names() {
    let env = TestEnv::healthy();
    let out = env
        .plugin()
        .args(["get", "pods", "in", "shoop"])
        .output()
        .unwrap();
    assert_exit(&out, 2);
    let err = stderr(&out);
    // kubectl's own line still passes through, then what it means.
    assert!(
        err.contains("No resources found in shoop namespace."),
        "{err}"
    );
    assert!(
        err.contains("error: namespace \"shoop\" does not exist; did you mean shop?"),
        "{err}"
    );
    let out = env
        .plugin()
        .args(["show", "warning", "events", "in", "kube-sytem"])
        .output()
        .unwrap();
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("did you mean kube-system?"),
        "{}",
        stderr(&out)
    );
    // With --json: the report says it, on the read, and the run failed.
    let out = env
        .plugin()
        .args(["--json", "get", "pods", "in", "shoop"])
        .output()
        .unwrap();
    assert_exit(&out, 2);
    let report = json_stdout(&out);
    assert_eq!(report["status"], "failed", "{report:#}");
    assert_eq!(statuses(&report), ["failed"]);
    let op_err = report["operations"][0]["stderr"].as_str().unwrap();
    assert!(
        op_err.contains("namespace \"shoop\" does not exist; did you mean shop?"),
        "{op_err}"
    );
}

#[test]
fn an_empty_namespace_that_exists_costs_one_more_call_and_a_read_that_found_something_none() {
    let env = TestEnv::healthy();
    assert_success(
        &env.kubectl()
            .args(["create", "namespace", "empty"])
            .output()
            .unwrap(),
    );
    let (kubectl, log) = env.logging_kubectl();
    let out = env
        .plugin()
        .env("KUBECTL_PATH", &kubectl)
        .args(["get", "pods", "in", "empty"])
        .output()
        .unwrap();
    assert_success(&out);
    assert!(
        stderr(&out).contains("No resources found in empty namespace."),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("error"), "{}", stderr(&out));
    let calls = logged_calls(&log);
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(calls[1].starts_with("get namespaces"), "{calls:?}");
    std::fs::write(&log, "").unwrap();
    let out = env
        .plugin()
        .env("KUBECTL_PATH", &kubectl)
        .args(["get", "pods", "in", "kube-system"])
        .output()
        .unwrap();
    assert_success(&out);
    assert_eq!(logged_calls(&log).len(), 1, "{:?}", logged_calls(&log));
    // Across all namespaces there is no namespace to doubt.
    std::fs::write(&log, "").unwrap();
    let out = env
        .plugin()
        .env("KUBECTL_PATH", &kubectl)
        .args(["get", "jobs", "-A"])
        .output()
        .unwrap();
    assert_success(&out);
    assert_eq!(logged_calls(&log).len(), 1, "{:?}", logged_calls(&log));
}

// ---- --json: one document on every exit path (item 15) ----------------------

/// Every JSON document on stdout; panics unless stdout is nothing but documents.
fn documents(out: &std::process::Output) -> Vec<Value> {
    serde_json::Deserializer::from_slice(&out.stdout)
        .into_iter::<Value>()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON documents ({e}):\n{}\nstderr:\n{}",
                stdout(out),
                stderr(out)
            )
        })
}

/// Exactly one document on stdout, whose `exit_code` (for an error document) is the
/// process's; returns it.
fn one_document(what: &str, out: &std::process::Output) -> Value {
    let docs = documents(out);
    assert_eq!(
        docs.len(),
        1,
        "{what}: {} documents on stdout:\n{}",
        docs.len(),
        stdout(out)
    );
    docs.into_iter().next().unwrap()
}

/// What is tried, the arguments, extra environment, the exit code, a needle of the message.
type Case<'a> = (&'a str, Vec<&'a str>, Vec<(&'a str, &'a str)>, i32, &'a str);

#[test]
fn errors_before_a_report_print_one_error_document_with_the_exit_code() {
    let env = TestEnv::healthy();
    let existing = env.home().join("exists.json");
    std::fs::write(&existing, "{}").unwrap();
    let bad_plan = env.home().join("bad-plan.json");
    std::fs::write(
        &bad_plan,
        r#"{"operations": [{"op": "shell", "command": "sh"}]}"#,
    )
    .unwrap();
    let missing = env.home().join("nonexistent").display().to_string();
    let existing = existing.display().to_string();
    let bad_plan = bad_plan.display().to_string();
    let cases: Vec<Case> = vec![
        ("validation", vec!["scale Web to 3"], vec![], 2, "\"Web\""),
        (
            "an unknown flag",
            vec!["--bogus", "x"],
            vec![],
            2,
            "--bogus",
        ),
        (
            "a bad flag value",
            vec!["--color", "sometimes", "x"],
            vec![],
            2,
            "sometimes",
        ),
        ("no request", vec![], vec![], 2, "no request given"),
        (
            "a bad subcommand argument",
            vec!["completion", "tcsh"],
            vec![],
            2,
            "tcsh",
        ),
        (
            "no model configured",
            vec!["make everything faster please"],
            vec![],
            1,
            "no model is configured",
        ),
        (
            "offline and not understood",
            vec!["--offline", "make everything faster please"],
            vec![],
            2,
            "--offline",
        ),
        (
            "a bad plan file",
            vec!["--plan", &bad_plan],
            vec![],
            2,
            "shell",
        ),
        (
            "a plan file that is not there",
            vec!["--plan", &missing],
            vec![],
            2,
            "could not read the plan file",
        ),
        (
            "a missing --kubeconfig",
            vec!["--kubeconfig", &missing, "get", "pods"],
            vec![],
            2,
            "does not exist",
        ),
        (
            "a KUBECONFIG naming nothing",
            vec!["get", "pods"],
            vec![("KUBECONFIG", missing.as_str())],
            2,
            "KUBECONFIG",
        ),
        (
            "no kubectl",
            vec!["get", "pods"],
            vec![("KUBECTL_PATH", missing.as_str())],
            1,
            "kubectl was not found",
        ),
        (
            "--save-plan over a file",
            vec!["scale web to 3", "--save-plan", &existing],
            vec![],
            2,
            "already exists",
        ),
        (
            "--save-plan with a health question",
            vec!["are my pods healthy?", "--save-plan", &missing],
            vec![],
            2,
            "health question",
        ),
        (
            "a model key in the message is masked",
            vec![
                "--offline",
                "set env OPENAI_API_KEY=sk-abcdefghijklmnopqrstuvwxyz0123 on everything somehow",
            ],
            vec![],
            2,
            "--offline",
        ),
    ];
    for (what, args, vars, code, needle) in cases {
        let mut cmd = env.plugin();
        cmd.arg("--json").args(&args);
        for (key, value) in &vars {
            cmd.env(key, value);
        }
        let out = cmd.output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{what}: stderr:\n{}",
            stderr(&out)
        );
        let doc = one_document(what, &out);
        assert_eq!(doc["status"], "error", "{what}: {doc:#}");
        assert_eq!(doc["exit_code"], code, "{what}: {doc:#}");
        assert!(doc["schema_version"].is_u64(), "{what}: {doc:#}");
        let message = doc["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: {doc:#}"));
        assert!(message.contains(needle), "{what}: {message}");
        assert!(
            !message.contains("sk-abcdefghijklmnop"),
            "{what}: a key in the document: {message}"
        );
        assert!(!message.starts_with("error:"), "{what}: {message}");
        // People still read the error on stderr.
        assert!(stderr(&out).contains("error:"), "{what}: {}", stderr(&out));
    }
}

#[test]
fn runs_with_a_report_print_only_the_report_and_its_stderr_says_things_once() {
    let env = TestEnv::healthy();
    let cases: Vec<(&str, Vec<&str>, i32, &str)> = vec![
        (
            "declined (no terminal)",
            vec!["scale web to 3"],
            3,
            "declined",
        ),
        (
            "a target that does not exist",
            vec!["scale nosuch to 3", "--yes"],
            2,
            "failed",
        ),
        (
            "a namespace that does not exist",
            vec!["get pods in shoop"],
            2,
            "failed",
        ),
        (
            "a dry run",
            vec!["scale web to 3", "--dry-run"],
            0,
            "previewed",
        ),
        (
            "explained",
            vec!["scale web to 3", "--explain"],
            0,
            "explained",
        ),
    ];
    for (what, args, code, status) in cases {
        let out = env.plugin().arg("--json").args(&args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{what}: stderr:\n{}",
            stderr(&out)
        );
        let doc = one_document(what, &out);
        assert_eq!(doc["status"], status, "{what}: {doc:#}");
        for op in doc["operations"].as_array().unwrap() {
            let Some(text) = op["stderr"].as_str() else {
                continue;
            };
            // No line, and no ": "-separated part, says the same thing twice.
            let parts: Vec<&str> = text
                .lines()
                .flat_map(|l| l.split(": "))
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            let mut seen = std::collections::HashSet::new();
            for part in &parts {
                assert!(
                    seen.insert(*part),
                    "{what}: {part:?} repeated in stderr {text:?}"
                );
            }
        }
    }
    // The repeated message the report used to carry.
    let out = env
        .plugin()
        .args(["--json", "scale", "nosuch", "to", "3", "--yes"])
        .output()
        .unwrap();
    let doc = one_document("not found", &out);
    let text = doc["operations"][0]["stderr"].as_str().unwrap();
    assert_eq!(
        text.matches("deployment nosuch not found").count(),
        1,
        "{text}"
    );
}

#[test]
fn without_json_nothing_goes_to_stdout_on_an_error() {
    let env = TestEnv::healthy();
    for args in [&["scale Web to 3"][..], &["--bogus"], &["--", "--json"]] {
        let out = env.plugin().args(args).output().unwrap();
        assert!(!out.status.success(), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: {}", stdout(&out));
    }
}
