//! Adversarial input through the real binary: bad plan files, hostile sentences,
//! bad flags and environment, a broken or hostile kubectl, a failing cluster, and
//! cluster text carrying terminal escape sequences.
//!
//! The contract under test: bad input gets one clear `error:` line that names the
//! bad value and says what to do, and changes nothing. No panics, no backtraces,
//! no partial change left unreported, and no escape sequence from outside reaches
//! the terminal through the plugin's own output.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;
use kube_sandbox::Fault;
use serde_json::{Value, json};

// ---- helpers ---------------------------------------------------------------

/// No panic, no backtrace, nothing that looks like a Rust crash.
fn assert_no_crash(out: &Output) {
    let err = stderr(out);
    for bad in [
        "panicked",
        "RUST_BACKTRACE",
        "stack backtrace",
        "thread 'main'",
    ] {
        assert!(!err.contains(bad), "stderr shows a crash ({bad}):\n{err}");
    }
    // A signal (a crash of our own) leaves no exit code.
    assert!(
        out.status.code().is_some(),
        "killed by a signal\nstderr:\n{err}"
    );
}

/// Control characters other than newline and tab: escape sequences start with one.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| c.is_control() && *c != '\n' && *c != '\t')
        .collect()
}

fn assert_no_raw_controls(what: &str, text: &str) {
    let found = raw_controls(text);
    assert!(
        found.is_empty(),
        "{what} carries raw control characters {found:?}:\n{}",
        text.escape_debug()
    );
}

/// A refusal: exit `code`, a first line `error: ...` containing every needle,
/// nothing on stdout, no crash, no raw control characters on stderr.
fn assert_refused(out: &Output, code: i32, needles: &[&str]) {
    assert_no_crash(out);
    assert_exit(out, code);
    let err = stderr(out);
    assert!(
        err.starts_with("error: "),
        "stderr does not start with `error: `:\n{err}"
    );
    for needle in needles {
        assert!(
            err.contains(needle),
            "stderr does not mention {needle:?}:\n{err}"
        );
    }
    assert_no_raw_controls("stderr", &err);
    assert!(
        stdout(out).is_empty(),
        "a refusal printed on stdout:\n{}",
        stdout(out)
    );
}

/// Requests that changed the cluster: anything but GET, and not a dry run.
fn real_writes(env: &TestEnv) -> Vec<String> {
    env.cluster
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET" && !r.query.contains("dryRun"))
        .map(|r| format!("{} {}?{}", r.method, r.path, r.query))
        .collect()
}

fn assert_nothing_changed(env: &TestEnv) {
    let writes = real_writes(env);
    assert!(writes.is_empty(), "the cluster was changed: {writes:#?}");
}

/// Writes raw bytes as a plan file.
fn raw_plan(env: &TestEnv, name: &str, bytes: &[u8]) -> PathBuf {
    let path = env.home().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn run_plan_path(env: &TestEnv, path: &Path, flags: &[&str]) -> Output {
    env.plugin()
        .arg("--plan")
        .arg(path)
        .args(flags)
        .output()
        .unwrap()
}

fn plan(op: Value) -> Value {
    json!({ "operations": [op] })
}

fn scale_web(to: i64) -> Value {
    plan(json!({"op": "scale", "name": "web", "replicas": {"to": to}}))
}

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

// ---- plan files --------------------------------------------------------------

#[test]
fn unreadable_and_malformed_plan_files_are_refused_naming_the_file() {
    let env = TestEnv::healthy();
    let cases: Vec<(&str, Vec<u8>, Vec<&str>)> = vec![
        (
            "truncated.json",
            b"{\"operations\": [".to_vec(),
            vec!["truncated.json", "not a valid plan"],
        ),
        (
            "bad.yaml",
            b"operations: [\n".to_vec(),
            vec!["bad.yaml", "not a valid plan"],
        ),
        ("empty.json", b"".to_vec(), vec!["empty.json", "empty"]),
        (
            "blank.json",
            b"  \n\t\n".to_vec(),
            vec!["blank.json", "empty"],
        ),
        (
            "array.json",
            b"[]".to_vec(),
            vec!["array.json", "not a valid plan"],
        ),
        (
            "null.json",
            b"null".to_vec(),
            vec!["null.json", "not a valid plan"],
        ),
        (
            "binary.json",
            b"\xff\xfe\x00{\"operations\":[]}".to_vec(),
            vec!["binary.json", "UTF-8"],
        ),
        (
            "escape.json",
            b"\x1b[31m{\"operations\":[]}\x1b]0;pwned\x07".to_vec(),
            vec!["escape.json", "not a valid plan"],
        ),
    ];
    for (name, bytes, needles) in cases {
        let path = raw_plan(&env, name, &bytes);
        let out = run_plan_path(&env, &path, &["--yes"]);
        assert_refused(&out, 2, &needles);
    }
    // A directory and a missing file.
    let dir = env.home().join("plans");
    std::fs::create_dir_all(&dir).unwrap();
    let out = run_plan_path(&env, &dir, &["--yes"]);
    assert_refused(&out, 2, &["plans", "directory"]);
    let out = run_plan_path(&env, &env.home().join("missing.json"), &["--yes"]);
    assert_refused(&out, 2, &["missing.json", "No such file"]);
    assert_nothing_changed(&env);
}

#[test]
fn plans_with_bad_values_are_refused_naming_the_value() {
    let env = TestEnv::healthy();
    let long = "a".repeat(100_000);
    let mut nested = json!({"x": 1});
    for _ in 0..200 {
        nested = json!({ "a": nested });
    }
    let cases: Vec<(Value, Vec<&str>)> = vec![
        // Numbers out of range or of the wrong type.
        (scale_web(i64::MAX), vec!["9223372036854775807", "replica"]),
        (scale_web(-1), vec!["-1", "negative"]),
        (
            plan(json!({"op": "scale", "name": "web", "replicas": {"to": 1e30}})),
            vec!["1e+30", "not a valid plan"],
        ),
        (
            plan(
                json!({"op": "scale", "name": "web", "replicas": {"to": 9_223_372_036_854_775_808u64}}),
            ),
            vec!["9223372036854775808", "not a valid plan"],
        ),
        (
            plan(json!({"op": "scale", "name": "web", "replicas": {"by": i64::MIN}})),
            vec!["-9223372036854775808", "out of range"],
        ),
        (
            plan(json!({"op": "scale", "name": "web", "replicas": {"by_percent": i64::MAX}})),
            vec!["9223372036854775807", "out of range"],
        ),
        (
            plan(json!({"op": "scale", "name": "web", "replicas": "3"})),
            vec!["not a valid plan"],
        ),
        (
            plan(json!({"op": "scale", "name": 7, "replicas": {"to": 3}})),
            vec!["not a valid plan", "string"],
        ),
        (
            plan(json!({"op": "expose", "name": "web", "port": 70000})),
            vec!["70000", "1-65535"],
        ),
        (
            plan(json!({"op": "logs", "name": "web", "tail": -5})),
            vec!["-5"],
        ),
        // Unknown operations and fields, empty and wrong shapes.
        (plan(json!({"op": "shell", "cmd": "sh"})), vec!["shell"]),
        (
            plan(json!({"op": "cordon", "node": "worker-1", "argv": ["--all"]})),
            vec!["argv"],
        ),
        (json!({"operations": [], "extra": true}), vec!["extra"]),
        (json!({"operations": []}), vec!["empty"]),
        (json!({"operations": {}}), vec!["not a valid plan"]),
        // Values that would become flags, or leave the vocabulary.
        (
            plan(json!({"op": "scale", "name": "-web", "replicas": {"to": 1}})),
            vec!["\"-web\"", "'-'"],
        ),
        (
            plan(json!({"op": "get", "kinds": ["pods"], "name": "--all-namespaces"})),
            vec!["--all-namespaces"],
        ),
        (
            plan(json!({"op": "get", "kinds": ["--raw=/"]})),
            vec!["--raw=/"],
        ),
        (
            plan(json!({"op": "delete", "kind": "pod", "selector": "--all"})),
            vec!["--all"],
        ),
        (
            plan(json!({"op": "use_context", "context": "--kubeconfig=/etc/passwd"})),
            vec!["--kubeconfig=/etc/passwd"],
        ),
        (
            plan(json!({"op": "set_image", "name": "web", "image": "--help"})),
            vec!["--help"],
        ),
        (
            plan(json!({"op": "scale", "name": "--", "replicas": {"to": 1}})),
            vec!["\"--\""],
        ),
        (
            plan(json!({"op": "logs", "name": "web", "since": "--x"})),
            vec!["--x"],
        ),
        // Path traversal and shell syntax in names.
        (
            plan(json!({"op": "scale", "name": "../../etc/passwd", "replicas": {"to": 1}})),
            vec!["../../etc/passwd"],
        ),
        (
            plan(json!({"op": "create_namespace", "name": "x;rm -rf /"})),
            vec!["x;rm -rf /"],
        ),
        (
            plan(json!({"op": "set_image", "name": "web", "image": "nginx:$(reboot)"})),
            vec!["nginx:$(reboot)"],
        ),
        // Escape sequences and other control characters in every kind of string.
        (
            plan(json!({"op": "scale", "name": "web\u{1b}[31m", "replicas": {"to": 1}})),
            vec!["web\\u{1b}[31m", "control characters"],
        ),
        (
            plan(
                json!({"op": "scale", "name": "web", "namespace": "\u{1b}]0;t\u{7}", "replicas": {"to": 1}}),
            ),
            vec!["control characters"],
        ),
        (
            plan(
                json!({"op": "scale", "kind": "deploy\u{1b}[2J", "name": "web", "replicas": {"to": 1}}),
            ),
            vec!["kind", "control characters"],
        ),
        (
            plan(json!({"op": "set_image", "name": "web", "image": "nginx\u{9b}31m:1"})),
            vec!["image"],
        ),
        (
            plan(
                json!({"op": "set_env", "name": "web", "set": [{"key": "A", "value": "x\u{1b}[31m"}]}),
            ),
            vec!["A", "control characters"],
        ),
        (
            plan(
                json!({"op": "annotate", "kind": "deployment", "name": "web", "set": [{"key": "note", "value": "\u{1b}[31mred"}]}),
            ),
            vec!["note", "control characters"],
        ),
        (
            plan(
                json!({"op": "label", "kind": "deployment", "name": "web", "set": [{"key": "a", "value": "x\u{202e}y"}]}),
            ),
            vec!["label value"],
        ),
        (
            plan(json!({"op": "get", "kinds": ["pods"], "jsonpath": "{.items}\u{1b}[31m"})),
            vec!["jsonpath", "control characters"],
        ),
        (
            plan(json!({"op": "scale", "name": "web\u{202e}bew", "replicas": {"to": 1}})),
            vec!["\\u{202e}"],
        ),
        (
            plan(
                json!({"op": "apply", "objects": [{"apiVersion": "v1", "kind": "Conf\u{1b}[31mig"}]}),
            ),
            vec!["kind"],
        ),
        (
            plan(
                json!({"op": "apply", "objects": [{"apiVersion": "v1", "kind": "X\u{1b}[31mList"}]}),
            ),
            vec!["kind"],
        ),
        (
            plan(
                json!({"op": "apply", "objects": [{"apiVersion": "v1", "kind": "--force", "metadata": {"name": "x"}}]}),
            ),
            vec!["--force"],
        ),
        (
            plan(
                json!({"op": "apply", "objects": [{"apiVersion": "v1\u{1b}[31m", "kind": "ConfigMap", "metadata": {"name": "x"}}]}),
            ),
            vec!["apiVersion"],
        ),
        // Deep nesting, and very long strings.
        (
            plan(json!({"op": "patch", "kind": "deployment", "name": "web", "patch": nested})),
            vec!["not a valid plan"],
        ),
        (
            plan(json!({"op": "scale", "name": long, "replicas": {"to": 1}})),
            vec!["aaaa", "100000 characters"],
        ),
        (
            plan(json!({"op": "set_image", "name": "web", "image": format!("nginx:{long}")})),
            vec!["nginx:aaaa", "100006 characters"],
        ),
    ];
    for (plan_json, needles) in cases {
        let out = env.run_plan(&plan_json, &["--yes"]);
        assert_refused(&out, 2, &needles);
        // One clear line: a long value is cut, never echoed whole.
        let first = stderr(&out).lines().next().unwrap_or_default().to_string();
        assert!(
            first.chars().count() < 1000,
            "the error line is {} characters long",
            first.chars().count()
        );
    }
    assert_nothing_changed(&env);
}

#[test]
fn a_bad_operation_among_many_refuses_the_whole_plan() {
    let env = TestEnv::healthy();
    // As many operations as a plan may hold (20).
    let mut ops: Vec<Value> = (0..20)
        .map(|_| json!({"op": "scale", "name": "web", "replicas": {"to": 3}}))
        .collect();
    let out = env.run_plan(&json!({ "operations": ops }), &["--explain", "--json"]);
    assert_success(&out);
    assert_eq!(
        json_stdout(&out)["operations"].as_array().unwrap().len(),
        20
    );
    // One bad one anywhere refuses all of them, naming it.
    ops[18] = json!({"op": "scale", "name": "-x", "replicas": {"to": 3}});
    let out = env.run_plan(&json!({ "operations": ops }), &["--yes"]);
    assert_refused(&out, 2, &["operation 19", "\"-x\""]);
    assert_nothing_changed(&env);
    assert_eq!(env.replicas("default", "web"), 2);
}

// ---- sentences ---------------------------------------------------------------

const GRAMMAR: &[&str] = &[
    "get",
    "show",
    "me",
    "list",
    "describe",
    "delete",
    "scale",
    "restart",
    "roll",
    "back",
    "set",
    "image",
    "env",
    "create",
    "deployment",
    "deploy",
    "run",
    "expose",
    "label",
    "annotate",
    "cordon",
    "drain",
    "taint",
    "logs",
    "of",
    "events",
    "top",
    "pods",
    "nodes",
    "services",
    "web",
    "api",
    "to",
    "by",
    "in",
    "namespace",
    "shop",
    "-n",
    "replicas",
    "3",
    "-1",
    "50%",
    "nginx:1.27",
    "port",
    "80",
    "since",
    "5m",
    "tail",
    "100",
    "previous",
    "healthy",
    "why",
    "is",
    "failing",
    "diagnose",
    "fix",
    "all",
    "namespaces",
    "and",
    "then",
    "tier=web",
    "app!=db",
    "cpu",
    "memory",
    "250m",
    "512Mi",
    "node",
    "worker-1",
];

const HOSTILE: &[&str] = &[
    ";",
    "|",
    "&&",
    "$(reboot)",
    "`id`",
    ">",
    "<",
    "--all",
    "--kubeconfig=/etc/passwd",
    "-A",
    "--",
    "'",
    "\"",
    "\\",
    "../../etc",
    "*",
    "~",
    "#",
    "{",
    "}",
    "\u{1b}[31m",
    "\u{1b}]0;pwn\u{7}",
    "\u{1b}[2J",
    "\u{9b}1m",
    "\u{7}",
    "\u{8}",
    "\r",
    "\u{0}",
    "\u{7f}",
    "\u{202e}",
    "\u{200b}",
    "ünïcödé",
    "名前",
    "🙂",
    "\u{fffd}",
    "x\u{1b}P1;2q\u{1b}\\",
    "9999999999999999999999",
    "-9223372036854775808",
    "1e30",
    "NaN",
];

fn sentence(rng: &mut Rng) -> String {
    let words = 1 + rng.below(10);
    let mut out = Vec::with_capacity(words);
    for _ in 0..words {
        let word = match rng.below(10) {
            0..=5 => rng.pick(GRAMMAR).to_string(),
            6..=8 => rng.pick(HOSTILE).to_string(),
            // A grammar word with something hostile glued on.
            _ => format!("{}{}", rng.pick(GRAMMAR), rng.pick(HOSTILE)),
        };
        out.push(word);
    }
    let mut s = out.join(" ");
    if rng.below(40) == 0 {
        s = s.repeat(2000 / s.len().max(1) + 1);
    }
    s
}

#[test]
fn hostile_sentences_never_panic_the_rules() {
    use kubectl_ai::understand::rules::{Understood, understand};
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for _ in 0..3000 {
        let input = sentence(&mut rng);
        let result = std::panic::catch_unwind(|| understand(&input));
        let understood =
            result.unwrap_or_else(|_| panic!("the rules panicked on {:?}", input.escape_debug()));
        if let Understood::Plan(plan) = understood {
            // Anything the rules accept validates, or the binary refuses it cleanly.
            let _ = kubectl_ai::plan::validate::validate(&plan, &Default::default());
        }
    }
}

#[test]
fn hostile_sentences_through_the_binary_exit_0_or_2_and_print_no_escapes() {
    let env = TestEnv::healthy();
    let mut rng = Rng(0x0bad_cafe_f00d_0002);
    let mut inputs: Vec<String> = (0..240).map(|_| sentence(&mut rng)).collect();
    // Very long inputs, in one argument and in many.
    inputs.push(format!("scale {} to 3", "a".repeat(100_000)));
    inputs.push(format!("get pods in {}", "b".repeat(100_000)));
    inputs.push("scale web to 3 ".repeat(5_000));
    inputs.push(format!("why is {}\u{1b}[31m failing", "c".repeat(50_000)));
    inputs.push("are my pods healthy in sh\u{1b}[31mop?".into());
    let inputs = std::sync::Arc::new(inputs);
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let inputs = inputs.clone();
            let kubeconfig = env.cluster.kubeconfig().to_path_buf();
            let home = env.home().to_path_buf();
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                for input in inputs.iter().skip(t).step_by(8) {
                    // Nul bytes can't be passed as an argument at all.
                    if input.contains('\0') {
                        continue;
                    }
                    let sandbox = Sandbox {
                        home: tempfile::tempdir_in(&home).unwrap(),
                        path: std::env::var_os("PATH").unwrap_or_default(),
                    };
                    let mut cmd = sandbox.kubectl_ai();
                    cmd.env("KUBECONFIG", &kubeconfig);
                    let mut args = vec!["--offline", "--explain"];
                    if input.len() % 2 == 0 {
                        args.push("--json");
                    }
                    let out = cmd.args(&args).arg("--").arg(input).output().unwrap();
                    let problem = check_sentence_output(&out, args.contains(&"--json"));
                    if let Some(problem) = problem {
                        failures.push(format!(
                            "{problem} for {:?}\nstdout:\n{}\nstderr:\n{}",
                            input.chars().take(300).collect::<String>(),
                            stdout(&out).escape_debug(),
                            stderr(&out)
                                .chars()
                                .take(2000)
                                .collect::<String>()
                                .escape_debug()
                        ));
                    }
                }
                failures
            })
        })
        .collect();
    let failures: Vec<String> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    assert!(
        failures.is_empty(),
        "{} failures; the first:\n{}",
        failures.len(),
        failures[0]
    );
    assert!(
        env.cluster.requests().is_empty(),
        "--explain contacted the cluster"
    );
}

fn check_sentence_output(out: &Output, json: bool) -> Option<String> {
    let err = stderr(out);
    for bad in ["panicked", "RUST_BACKTRACE", "stack backtrace"] {
        if err.contains(bad) {
            return Some(format!("a crash ({bad})"));
        }
    }
    match out.status.code() {
        Some(0) => {
            if json && serde_json::from_slice::<Value>(&out.stdout).is_err() {
                return Some("stdout is not one JSON document".into());
            }
        }
        Some(2) => {
            if !err.starts_with("error: ") {
                return Some("exit 2 without an `error:` line".into());
            }
            if err.lines().next().unwrap_or_default().chars().count() > 1000 {
                return Some("an error line longer than 1000 characters".into());
            }
        }
        other => return Some(format!("exit {other:?}")),
    }
    if !raw_controls(&stdout(out)).is_empty() {
        return Some("raw control characters on stdout".into());
    }
    if !raw_controls(&err).is_empty() {
        return Some("raw control characters on stderr".into());
    }
    None
}

#[test]
fn a_sanitized_value_is_not_shown_as_if_it_were_valid() {
    let env = TestEnv::healthy();
    let out = env
        .plugin()
        .args([
            "--offline",
            "--explain",
            "are my pods healthy in sh\u{1b}[31mop?",
        ])
        .output()
        .unwrap();
    // The message must show the value as typed (escaped), not a cleaned "shop"
    // that would look valid.
    assert_refused(&out, 2, &["sh\\u{1b}[31mop", "namespace"]);
}

// ---- flags and environment ---------------------------------------------------

#[test]
fn bad_flags_are_refused_naming_the_value() {
    let env = TestEnv::healthy();
    let path = env.plan_file(&scale_web(3));
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (
            vec!["--color", "purple", "get", "pods"],
            vec!["purple", "auto, always, never"],
        ),
        (vec!["--color=", "get", "pods"], vec!["--color"]),
        (
            vec!["-n", "BAD_NS", "get", "pods"],
            vec!["\"BAD_NS\"", "namespace"],
        ),
        (vec!["-n", "", "get", "pods"], vec!["namespace \"\""]),
        (
            vec!["-n", "a\u{1b}[31m", "get", "pods"],
            vec!["a\\u{1b}[31m"],
        ),
        (vec!["--namespace=-x", "get", "pods"], vec!["-x"]),
        (
            vec!["--context=-x", "get", "pods"],
            vec!["--context", "\"-x\""],
        ),
        (
            vec!["--context", "prod\u{1b}[31m", "get", "pods"],
            vec!["--context", "prod\\u{1b}[31m"],
        ),
        (
            vec!["--user", "\u{1b}]0;x\u{7}", "get", "pods"],
            vec!["--user"],
        ),
        (
            vec!["--cluster=-x", "get", "pods"],
            vec!["--cluster", "\"-x\""],
        ),
        (vec!["--as=--x", "get", "pods"], vec!["--as", "\"--x\""]),
        (
            vec!["--request-timeout", "abc", "get", "pods"],
            vec!["--request-timeout", "\"abc\""],
        ),
        (
            vec!["--request-timeout=-1", "get", "pods"],
            vec!["--request-timeout", "\"-1\""],
        ),
        (
            vec!["--kubeconfig", "/nonexistent/kubeconfig", "get", "pods"],
            vec!["/nonexistent/kubeconfig"],
        ),
        (
            vec!["--plan", path.to_str().unwrap(), "scale", "web", "to", "3"],
            vec!["--plan", "not both"],
        ),
        (vec!["--plan"], vec!["--plan"]),
        (vec!["--bogus-flag", "get", "pods"], vec!["--bogus-flag"]),
        (
            vec!["diagnose", "--target", "deployment/-x"],
            vec!["deployment/-x"],
        ),
        (vec!["diagnose", "-n", "NOPE"], vec!["\"NOPE\""]),
        (vec!["completion", "cmd.exe"], vec!["cmd.exe"]),
    ];
    for (args, needles) in cases {
        let out = env.plugin().args(&args).output().unwrap();
        assert_no_crash(&out);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}\nstderr:\n{}",
            stderr(&out)
        );
        let err = stderr(&out);
        assert!(err.starts_with("error: "), "{args:?}:\n{err}");
        for needle in needles {
            assert!(err.contains(needle), "{args:?}: no {needle:?} in:\n{err}");
        }
        assert_no_raw_controls("stderr", &err);
    }
    assert!(
        env.cluster.requests().is_empty(),
        "a refused command reached the cluster"
    );
}

#[test]
fn bad_kubeconfigs_fail_with_kubectls_reason_and_change_nothing() {
    let env = TestEnv::healthy();
    let garbage = env.home().join("garbage-kubeconfig");
    std::fs::write(&garbage, "this is not yaml: [\u{1b}[31m").unwrap();
    let dir = env.home().join("kubeconfig-dir");
    std::fs::create_dir_all(&dir).unwrap();
    for kubeconfig in [&garbage, &dir] {
        let path = env.plan_file(&scale_web(3));
        let out = env
            .plugin()
            .arg("--kubeconfig")
            .arg(kubeconfig)
            .arg("--plan")
            .arg(&path)
            .arg("--yes")
            .output()
            .unwrap();
        assert_no_crash(&out);
        let code = out.status.code().unwrap();
        assert!(code == 1 || code == 2, "exit {code}:\n{}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("error: "), "{err}");
        assert!(
            err.contains(kubeconfig.file_name().unwrap().to_str().unwrap()),
            "the bad kubeconfig is not named:\n{err}"
        );
        assert_no_raw_controls("stderr", &err);
    }
    assert_nothing_changed(&env);
    assert_eq!(env.replicas("default", "web"), 2);
}

/// The plugin run with `KUBECTL_PATH` pointing at `kubectl`.
fn with_kubectl(env: &TestEnv, kubectl: &Path) -> assert_cmd::Command {
    let mut cmd = env.plugin();
    cmd.env("KUBECTL_PATH", kubectl)
        .env("KUBECTL_AI_TIMEOUT", "2");
    cmd
}

fn fake_kubectl(env: &TestEnv, name: &str, body: &str) -> PathBuf {
    let dir = env.home().join("fake-bin");
    std::fs::create_dir_all(&dir).unwrap();
    write_script(&dir, name, body)
}

#[test]
fn a_kubectl_that_cannot_run_is_named_with_what_to_do() {
    let env = TestEnv::healthy();
    let path = env.plan_file(&scale_web(3));
    let not_executable = env.home().join("kubectl-noexec");
    std::fs::write(&not_executable, "#!/bin/sh\necho hi\n").unwrap();
    let directory = env.home().join("kubectl-dir");
    std::fs::create_dir_all(&directory).unwrap();
    let not_a_program = env.home().join("kubectl-elf");
    std::fs::write(&not_a_program, b"\x7fELF garbage").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&not_a_program, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    for (kubectl, needle) in [
        (&not_executable, "KUBECTL_PATH"),
        (&directory, "KUBECTL_PATH"),
        (&not_a_program, "KUBECTL_PATH"),
        (&env.home().join("missing-kubectl"), "KUBECTL_PATH"),
    ] {
        for args in [
            vec!["--plan", path.to_str().unwrap(), "--yes"],
            vec!["get", "pods"],
            vec!["diagnose"],
        ] {
            let out = with_kubectl(&env, kubectl).args(&args).output().unwrap();
            assert_no_crash(&out);
            assert_exit(&out, 1);
            let err = stderr(&out);
            let name = kubectl.file_name().unwrap().to_str().unwrap();
            assert!(err.contains(name), "{args:?}: {name} not named:\n{err}");
            assert!(err.contains(needle), "{args:?}: no hint:\n{err}");
        }
    }
    assert_nothing_changed(&env);
}

#[test]
fn a_kubectl_printing_garbage_is_reported_with_what_it_printed() {
    let env = TestEnv::healthy();
    let garbage = fake_kubectl(
        &env,
        "kubectl-garbage",
        "echo 'not json \u{1b}[31mred'\necho 'oops \u{1b}[2J on stderr' >&2",
    );
    let path = env.plan_file(&scale_web(3));
    let out = with_kubectl(&env, &garbage)
        .args(["--plan", path.to_str().unwrap(), "--yes"])
        .output()
        .unwrap();
    assert_no_crash(&out);
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("not JSON"), "{err}");
    assert!(
        err.contains("not json"),
        "what kubectl printed is not shown:\n{err}"
    );
    assert!(
        err.contains("oops"),
        "kubectl's stderr is not shown:\n{err}"
    );
    assert_no_raw_controls("stderr", &err);
    assert_no_raw_controls("stdout", &stdout(&out));

    let out = with_kubectl(&env, &garbage)
        .arg("diagnose")
        .output()
        .unwrap();
    assert_no_crash(&out);
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains("not JSON") && err.contains("not json"),
        "{err}"
    );
    assert_no_raw_controls("stderr", &err);
    assert_no_raw_controls("stdout", &stdout(&out));
}

#[test]
fn a_kubectl_printing_nothing_is_not_taken_for_success() {
    let env = TestEnv::healthy();
    let silent = fake_kubectl(&env, "kubectl-silent", "exit 0");
    let path = env.plan_file(&scale_web(3));
    let out = with_kubectl(&env, &silent)
        .args(["--plan", path.to_str().unwrap(), "--yes", "--json"])
        .output()
        .unwrap();
    assert_no_crash(&out);
    assert_exit(&out, 1);
    let report = json_stdout(&out);
    assert_ne!(report["operations"][0]["status"], "applied", "{report:#}");
    assert!(stderr(&out).contains("printed nothing"), "{}", stderr(&out));

    let out = with_kubectl(&env, &silent)
        .arg("diagnose")
        .output()
        .unwrap();
    assert_no_crash(&out);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("printed nothing"),
        "an empty answer was taken for an empty cluster:\nstdout:\n{}\nstderr:\n{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn a_kubectl_killed_by_a_signal_says_so() {
    let env = TestEnv::healthy();
    let killed = fake_kubectl(&env, "kubectl-killed", "kill -9 $$");
    let path = env.plan_file(&scale_web(3));
    for args in [
        vec!["--plan", path.to_str().unwrap(), "--yes"],
        vec!["get", "pods"],
        vec!["diagnose"],
    ] {
        let out = with_kubectl(&env, &killed).args(&args).output().unwrap();
        assert_no_crash(&out);
        assert_exit(&out, 1);
        let err = stderr(&out);
        assert!(err.contains("signal 9"), "{args:?}:\n{err}");
        assert!(
            !err.trim_end().ends_with(':'),
            "{args:?}: a dangling colon:\n{err}"
        );
    }
}

#[test]
fn a_hanging_kubectl_is_stopped_once_and_named() {
    let env = TestEnv::healthy();
    let log = env.home().join("hang.log");
    let hang = fake_kubectl(
        &env,
        "kubectl-hang",
        &format!("echo \"$*\" >> '{}'\nexec sleep 30", log.display()),
    );
    let path = env.plan_file(&scale_web(3));
    for args in [
        vec!["--plan", path.to_str().unwrap(), "--yes"],
        vec!["get", "pods"],
        vec!["diagnose"],
    ] {
        std::fs::write(&log, "").unwrap();
        let out = with_kubectl(&env, &hang)
            .env("KUBECTL_AI_TIMEOUT", "1")
            .args(&args)
            .output()
            .unwrap();
        assert_no_crash(&out);
        assert_exit(&out, 1);
        let err = stderr(&out);
        assert!(err.contains("timed out after 1s"), "{args:?}:\n{err}");
        assert!(err.contains("KUBECTL_AI_TIMEOUT"), "{args:?}:\n{err}");
        // An unreachable cluster is not asked again kind by kind, each call
        // waiting out the limit: the first call that times out ends the run.
        let calls = logged_calls(&log);
        assert!(
            calls.len() <= 2,
            "{args:?}: {} calls after a timeout: {calls:#?}",
            calls.len()
        );
    }
}

// ---- cluster failures ----------------------------------------------------------

fn two_scales() -> Value {
    json!({"operations": [
        {"op": "scale", "name": "web", "replicas": {"to": 4}},
        {"op": "scale", "name": "api", "replicas": {"to": 3}},
    ]})
}

/// Resource requests (the ones faults apply to) a run makes.
fn resource_requests(env: &TestEnv) -> usize {
    env.cluster
        .requests()
        .iter()
        .filter(|r| kube_sandbox::api::is_resource_path(&r.path))
        .count()
}

#[test]
fn cluster_faults_during_the_preview_change_nothing_and_are_explained() {
    for fault in [Fault::Status(500), Fault::Status(503), Fault::Drop] {
        let env = TestEnv::healthy();
        env.cluster.fail_next(1, fault.clone());
        let out = env.run_plan(&two_scales(), &["--yes", "--json"]);
        assert_no_crash(&out);
        // kubectl may retry a dropped read and succeed; then the run succeeds.
        if out.status.success() {
            assert_eq!(env.replicas("default", "web"), 4);
            continue;
        }
        assert_exit(&out, 1);
        let report = json_stdout(&out);
        assert_eq!(report["status"], "failed", "{fault:?}: {report:#}");
        let err = stderr(&out);
        assert!(err.contains("error: "), "{err}");
        assert!(err.contains("nothing was changed"), "{fault:?}:\n{err}");
        // kubectl's own words are included.
        assert!(
            err.contains("caused by: `kubectl") || err.contains("exit status"),
            "{fault:?}: kubectl's failure is not shown:\n{err}"
        );
        assert_nothing_changed(&env);
    }
}

#[test]
fn forbidden_reads_and_patches_are_named_and_change_nothing() {
    for (verb, resource) in [("get", "deployments"), ("patch", "deployments"), ("*", "*")] {
        let env = TestEnv::healthy();
        env.cluster.forbid(verb, resource);
        let out = env.run_plan(&two_scales(), &["--yes"]);
        assert_no_crash(&out);
        assert_exit(&out, 1);
        let err = stderr(&out);
        assert!(err.contains("forbidden"), "{verb} {resource}:\n{err}");
        assert!(
            err.contains("nothing was changed"),
            "{verb} {resource}:\n{err}"
        );
        assert_nothing_changed(&env);
    }
}

#[test]
fn a_fault_during_the_apply_is_reported_operation_by_operation() {
    // How many resource requests the previews make, and the whole run.
    let probe = TestEnv::healthy();
    assert_success(&probe.run_plan(&two_scales(), &["--dry-run", "--json"]));
    let previews = resource_requests(&probe);
    let probe = TestEnv::healthy();
    assert_success(&probe.run_plan(&two_scales(), &["--yes", "--json"]));
    let total = resource_requests(&probe);
    assert!(
        total > previews,
        "{previews} preview and {total} total requests"
    );

    for fault in [Fault::Status(500), Fault::Drop] {
        for skip in 0..(total - previews) {
            let env = TestEnv::healthy();
            if previews + skip > 0 {
                env.cluster
                    .fail_next(previews + skip, Fault::Delay(std::time::Duration::ZERO));
            }
            env.cluster.fail_next(1, fault.clone());
            let out = env.run_plan(&two_scales(), &["--yes", "--json"]);
            assert_no_crash(&out);
            let report = json_stdout(&out);
            let statuses = common::statuses(&report);
            // What the report says is what the cluster shows.
            let web = env.replicas("default", "web");
            let api = env.replicas("default", "api");
            let live = [web == 4, api == 3];
            for (i, status) in statuses.iter().enumerate() {
                match status.as_str() {
                    "applied" => assert!(
                        live[i],
                        "{fault:?}/{skip}: op {i} reported applied, not live: {report:#}"
                    ),
                    "failed" | "not-attempted" => {
                        assert!(
                            !live[i],
                            "{fault:?}/{skip}: op {i} reported {status} but live: {report:#}"
                        )
                    }
                    // The connection dropped mid-request: the report must not claim either way.
                    "unknown" => assert!(
                        matches!(fault, Fault::Drop),
                        "{fault:?}/{skip}: op {i} reported unknown for a definite answer: {report:#}"
                    ),
                    other => panic!("{fault:?}/{skip}: unexpected status {other}: {report:#}"),
                }
            }
            if out.status.success() {
                assert_eq!(statuses, ["applied", "applied"]);
            } else {
                assert_exit(&out, 1);
                assert_eq!(report["status"], "failed");
                let failed = report["operations"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|o| o["status"] == "failed" || o["status"] == "unknown")
                    .unwrap_or_else(|| panic!("exit 1 without a failed operation: {report:#}"));
                assert!(
                    failed["stderr"]
                        .as_str()
                        .is_some_and(|s| !s.trim().is_empty()),
                    "the failed operation carries no kubectl stderr: {report:#}"
                );
                assert!(stderr(&out).contains("error: "), "{}", stderr(&out));
            }
        }
    }
}

// ---- terminal safety -------------------------------------------------------------

const NASTY: &str = "\u{1b}[31mRED\u{1b}[0m \u{1b}]0;pwned\u{7} \u{1b}[2J \u{9b}1m \u{7}\u{8}\r";

#[test]
fn escape_sequences_in_cluster_objects_never_reach_the_terminal_from_previews() {
    let env = TestEnv::healthy();
    let mut web = env.live(&["deployment", "web"]).unwrap();
    web["metadata"]["annotations"] = json!({ "note": NASTY, "bidi": "a\u{202e}b" });
    web["spec"]["template"]["metadata"]["annotations"] = json!({ "note": NASTY });
    env.cluster.seed(vec![web]).unwrap();
    for flags in [
        vec!["--dry-run"],
        vec!["--yes"],
        vec!["--dry-run", "--json"],
    ] {
        let out = env.run_plan(&scale_web(5), &flags);
        assert_success(&out);
        assert_no_raw_controls("stdout", &stdout(&out));
        assert_no_raw_controls("stderr", &stderr(&out));
    }
    // A label change previews the whole object too.
    let out = env.run_plan(
        &plan(json!({"op": "label", "kind": "deployment", "name": "web", "set": [{"key": "tier", "value": "web"}]})),
        &["--dry-run"],
    );
    assert_success(&out);
    assert_no_raw_controls("stdout", &stdout(&out));
    assert_no_raw_controls("stderr", &stderr(&out));
}

#[test]
fn escape_sequences_in_events_and_logs_never_reach_the_terminal_from_diagnose() {
    let env = TestEnv::with(&["crashloop"]);
    env.cluster
        .seed(vec![
            json!({
                "apiVersion": "sandbox.kubectl-ai.dev/v1", "kind": "PodLogs",
                "metadata": {"name": "orders-5c7d9f8b6d-rjtmz", "namespace": "crashloop"},
                "containers": {"orders": {
                    "current": format!("FATAL {NASTY} database refused\n"),
                    "previous": format!("FATAL {NASTY} before\n"),
                }},
            }),
            json!({
                "apiVersion": "v1", "kind": "Event",
                "metadata": {"name": "orders-5c7d9f8b6d-rjtmz.nasty", "namespace": "crashloop"},
                "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": "orders-5c7d9f8b6d-rjtmz", "namespace": "crashloop"},
                "reason": "BackOff", "type": "Warning", "count": 3,
                "message": format!("Back-off {NASTY} restarting"),
                "firstTimestamp": "2026-11-20T09:41:30Z", "lastTimestamp": "2026-11-20T09:59:36Z",
            }),
        ])
        .unwrap();
    for flags in [vec![], vec!["--json"], vec!["-A"]] {
        let out = env
            .plugin()
            .args(["diagnose", "-n", "crashloop"])
            .args(&flags)
            .output()
            .unwrap();
        assert_no_crash(&out);
        assert_exit(&out, 4);
        assert_no_raw_controls("stdout", &stdout(&out));
        assert_no_raw_controls("stderr", &stderr(&out));
        assert!(stdout(&out).contains("orders"), "{}", stdout(&out));
    }
}

#[test]
fn escape_sequences_in_kubectls_stderr_never_reach_the_terminal_from_errors() {
    let env = TestEnv::healthy();
    let hostile = fake_kubectl(
        &env,
        "kubectl-hostile",
        "echo 'Error from server (Forbidden): \u{1b}]0;pwned\u{7}\u{1b}[2J nope' >&2\nexit 1",
    );
    let path = env.plan_file(&scale_web(3));
    for args in [
        vec!["--plan", path.to_str().unwrap(), "--yes"],
        vec!["--plan", path.to_str().unwrap(), "--yes", "--json"],
        vec!["diagnose"],
    ] {
        let out = with_kubectl(&env, &hostile).args(&args).output().unwrap();
        assert_no_crash(&out);
        assert_exit(&out, 1);
        let err = stderr(&out);
        assert!(
            err.contains("Forbidden") && err.contains("nope"),
            "{args:?}:\n{err}"
        );
        assert_no_raw_controls("stderr", &err);
        assert_no_raw_controls("stdout", &stdout(&out));
    }
}

#[test]
fn a_call_that_does_not_finish_during_the_apply_keeps_the_report() {
    let probe = TestEnv::healthy();
    assert_success(&probe.run_plan(&two_scales(), &["--dry-run", "--json"]));
    let previews = resource_requests(&probe);
    let probe = TestEnv::healthy();
    assert_success(&probe.run_plan(&two_scales(), &["--yes", "--json"]));
    let per_apply = (resource_requests(&probe) - previews) / 2;

    // The second apply hangs past KUBECTL_AI_TIMEOUT: kubectl is stopped.
    let env = TestEnv::healthy();
    env.cluster.fail_next(
        previews + per_apply,
        Fault::Delay(std::time::Duration::ZERO),
    );
    env.cluster
        .fail_next(1, Fault::Delay(std::time::Duration::from_secs(2)));
    let path = env.plan_file(&two_scales());
    let out = env
        .plugin()
        .env("KUBECTL_AI_TIMEOUT", "1")
        .args(["--yes", "--json", "--plan"])
        .arg(&path)
        .output()
        .unwrap();
    assert_no_crash(&out);
    assert_exit(&out, 1);
    // stdout is still the one JSON report, saying what was applied.
    let report = json_stdout(&out);
    assert_eq!(report["status"], "failed", "{report:#}");
    assert_eq!(report["operations"][0]["status"], "applied", "{report:#}");
    // A call stopped mid-way may or may not have reached the server: "unknown", not "failed".
    assert_eq!(report["operations"][1]["status"], "unknown", "{report:#}");
    assert!(
        report["operations"][1]["stderr"]
            .as_str()
            .is_some_and(|s| s.contains("timed out")),
        "{report:#}"
    );
    let err = stderr(&out);
    assert!(err.contains("may or may not have been applied"), "{err}");
    assert!(err.contains("1 earlier change(s) were applied"), "{err}");
    assert_eq!(env.replicas("default", "web"), 4);
}

#[test]
fn what_a_timed_out_kubectl_started_is_stopped_too() {
    let env = TestEnv::healthy();
    // kubectl starts a helper (as an exec credential plugin would); when kubectl
    // is stopped for taking too long, its helper must not live on.
    let pid_file = env.home().join("helper.pid");
    let hang = fake_kubectl(
        &env,
        "kubectl-with-helper",
        &format!(
            "sleep 120 &\necho $! > '{}'\nexec sleep 120",
            pid_file.display()
        ),
    );
    let path = env.plan_file(&scale_web(3));
    let out = with_kubectl(&env, &hang)
        .env("KUBECTL_AI_TIMEOUT", "1")
        .args(["--plan", path.to_str().unwrap(), "--yes"])
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    assert_no_crash(&out);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("timed out after 1s"),
        "{}",
        stderr(&out)
    );
    let pid = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .to_string();
    // Gone, or a zombie waiting to be reaped; never still running.
    let alive = || {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            stat.rsplit(')')
                .next()
                .is_some_and(|rest| !rest.trim_start().starts_with('Z'))
        })
    };
    for _ in 0..50 {
        if !alive() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the helper {pid} that kubectl started is still running");
}
