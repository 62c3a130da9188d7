//! A run stopped from outside — SIGTERM, SIGHUP, Ctrl-C, a closed stdout — at
//! each phase: the report, the journal and the exit code agree with the cluster,
//! and a partial apply never exits 0. Through the real binary and kubectl.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::{TestEnv, bin, json_stdout, real_kubectl, statuses, stderr};
use serde_json::{Value, json};

fn three_scales() -> Value {
    json!({"operations": [
        {"op": "scale", "name": "web", "replicas": {"to": 3}},
        {"op": "scale", "name": "api", "replicas": {"to": 3}},
        {"op": "scale", "name": "web", "namespace": "shop", "replicas": {"to": 3}}
    ]})
}

/// The replicas of default/web, default/api and shop/web.
fn live(env: &TestEnv) -> [i64; 3] {
    [
        env.replicas("default", "web"),
        env.replicas("default", "api"),
        env.replicas("shop", "web"),
    ]
}

/// The journal's entries (one per run that applied or tried to).
fn journal(env: &TestEnv) -> Vec<Value> {
    std::fs::read_to_string(env.home().join("journal.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a journal line is JSON"))
        .collect()
}

/// The plugin as a plain process (so it can be signalled and its stdout closed
/// under it), with a scrubbed environment, the sandbox and a private journal.
fn bare_plugin(env: &TestEnv) -> Command {
    let mut cmd = Command::new(bin());
    cmd.env_clear()
        .env("PATH", &env.env.path)
        .env("HOME", env.home())
        .env("KUBECACHEDIR", env.home().join("cache"))
        .env("KUBECONFIG", env.cluster.kubeconfig())
        .env("KUBECTL_AI_JOURNAL", env.home().join("journal.jsonl"));
    cmd
}

/// [`bare_plugin`] running a plan file through `kubectl`.
fn plugin(env: &TestEnv, kubectl: &std::path::Path, plan: &Value, flags: &[&str]) -> Command {
    let mut cmd = bare_plugin(env);
    cmd.env("KUBECTL_PATH", kubectl)
        .env("NO_COLOR", "1")
        .arg("--plan")
        .arg(env.plan_file(plan))
        .args(flags);
    cmd
}

/// A kubectl that sends `signal` to the plugin on its first real apply request,
/// then finishes that request.
fn signalling_kubectl(env: &TestEnv, signal: &str) -> std::path::PathBuf {
    let flag = env.home().join("signalled");
    env.kubectl_shim(
        "kubectl-signalling",
        &format!(
            "case \"$*\" in replace*) if [ ! -e '{}' ]; then touch '{}'; kill -{signal} $PPID; sleep 0.3; fi ;; esac",
            flag.display(),
            flag.display()
        ),
    )
}

#[test]
fn sigterm_and_sighup_between_two_applies_stop_after_the_call_in_flight() {
    for (signal, code) in [("TERM", 143), ("HUP", 129)] {
        for json in [false, true] {
            let env = TestEnv::healthy();
            let kubectl = signalling_kubectl(&env, signal);
            let flags: &[&str] = if json {
                &["--yes", "--json"]
            } else {
                &["--yes"]
            };
            let out = plugin(&env, &kubectl, &three_scales(), flags)
                .output()
                .unwrap();
            let err = stderr(&out);
            let text = String::from_utf8_lossy(&out.stdout).into_owned() + &err;
            assert_eq!(
                out.status.code(),
                Some(code),
                "{signal} json={json}: {text}"
            );
            assert_eq!(live(&env), [3, 2, 2], "{signal} json={json}: {text}");
            if json {
                let report = json_stdout(&out);
                assert_eq!(report["status"], "interrupted");
                assert_eq!(
                    statuses(&report),
                    ["applied", "not-attempted", "not-attempted"]
                );
            } else {
                assert!(
                    err.contains(&format!(
                        "stopped by SIG{signal}: 1 change(s) were applied; nothing more was attempted"
                    )),
                    "{text}"
                );
                assert_eq!(text.matches("1. applied:").count(), 1, "{text}");
                assert!(text.contains("2. not attempted:"), "{text}");
            }
            let journal = journal(&env);
            assert_eq!(journal.len(), 1, "{journal:?}");
            let recorded: Vec<&str> = journal[0]["operations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["status"].as_str().unwrap())
                .collect();
            assert_eq!(recorded, ["applied", "not-attempted", "not-attempted"]);
        }
    }
}

#[test]
fn a_signal_during_the_preview_changes_nothing_and_says_so() {
    for (signal, code, said) in [
        ("TERM", 143, "stopped by SIGTERM: nothing was changed"),
        ("INT", 130, "interrupted: nothing was changed"),
        ("HUP", 129, "stopped by SIGHUP: nothing was changed"),
    ] {
        let env = TestEnv::healthy();
        let kubectl = env.kubectl_shim(
            "kubectl-signalling",
            &format!("case \"$*\" in *dry-run*) kill -{signal} $PPID; sleep 0.3 ;; esac"),
        );
        let out = plugin(&env, &kubectl, &three_scales(), &["--yes"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{signal}: {}", stderr(&out));
        assert!(stderr(&out).contains(said), "{signal}: {}", stderr(&out));
        assert_eq!(live(&env), [2, 2, 2]);
        assert!(journal(&env).is_empty());
    }
}

#[test]
fn ctrl_c_or_sigterm_while_the_model_is_asked_ends_the_run_at_once() {
    use kube_sandbox::model::{FakeModel, Reply};
    // A local model may take minutes; an interruption must not wait for it.
    for (signal, code) in [("TERM", 143), ("INT", 130)] {
        let env = TestEnv::healthy();
        let fake = FakeModel::start().expect("fake model");
        fake.push(Reply::slow(
            std::time::Duration::from_secs(20),
            Reply::Content("{}".into()),
        ));
        let config = env.config_file("retry_backoff_ms = 10\n");
        let child = bare_plugin(&env)
            .args(["--yes", "make", "the", "web", "thing", "beefier"])
            .env("OPENAI_BASE_URL", fake.base_url())
            .env("OPENAI_API_KEY", "sk-test")
            .env("KUBECTL_AI_CONFIG", config)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while fake.requests().is_empty() && started.elapsed().as_secs() < 10 {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert!(!fake.requests().is_empty(), "the model was never asked");
        Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{signal}: {}", stderr(&out));
        assert!(
            started.elapsed().as_secs() < 10,
            "{signal}: it waited for the model"
        );
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
        assert_eq!(live(&env), [2, 2, 2]);
        assert!(journal(&env).is_empty());
    }
}

#[test]
fn stdout_closed_before_the_apply_changes_nothing() {
    let env = TestEnv::healthy();
    let mut child = plugin(&env, &real_kubectl(), &three_scales(), &["--yes"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(141), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("stdout was closed before anything was applied"),
        "{}",
        stderr(&out)
    );
    assert_eq!(live(&env), [2, 2, 2]);
    assert!(journal(&env).is_empty());
}

#[test]
fn stdout_closed_during_the_apply_stops_and_reports_on_stderr() {
    let env = TestEnv::healthy();
    // Every apply takes a moment, so the reader is gone before the next line.
    let kubectl = env.kubectl_shim("kubectl-slow", "case \"$*\" in replace*) sleep 0.4 ;; esac");
    let mut child = plugin(&env, &kubectl, &three_scales(), &["--yes"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read up to the first outcome, then go away (`| sed '/applied:/q'`).
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while reader.read_line(&mut line).unwrap() > 0 && !line.contains("1. applied:") {
        line.clear();
    }
    drop(reader);
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(141), "{err}");
    assert_eq!(live(&env), [3, 3, 2], "{err}");
    assert!(
        err.contains("stopped: stdout was closed: 2 change(s) were applied"),
        "{err}"
    );
    assert!(
        err.contains("2. applied:") && err.contains("3. not attempted:"),
        "{err}"
    );
    let journal = journal(&env);
    assert_eq!(journal.len(), 1, "{journal:?}");
    assert_eq!(journal[0]["operations"][2]["status"], "not-attempted");
}

#[test]
fn diagnose_fix_with_stdout_closed_applies_nothing_and_does_not_exit_0() {
    let env = TestEnv::with(&["healthy", "oomkilled"]);
    let before = env.live(&["deployments", "-n", "oomkilled"]).unwrap();
    let mut child = bare_plugin(&env)
        .args(["diagnose", "-n", "oomkilled", "--fix", "--yes", "--offline"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(141), "{}", stderr(&out));
    let after = env.live(&["deployments", "-n", "oomkilled"]).unwrap();
    let specs = |list: &Value| -> Vec<Value> {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["spec"].clone())
            .collect()
    };
    assert_eq!(specs(&before), specs(&after), "a fix was applied");
    assert!(journal(&env).is_empty());
}

/// `kubectl ai ARGS` with the environment of [`plugin`] (for `history`).
fn plugin_args(env: &TestEnv, args: &[&str]) -> std::process::Output {
    bare_plugin(env)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn an_apply_killed_mid_way_stays_in_history_as_unknown() {
    let env = TestEnv::healthy();
    // The first real apply request waits a moment before it is sent: the plugin
    // is killed (SIGKILL: no handler, no report) while it waits.
    let flag = env.home().join("applying");
    let kubectl = env.kubectl_shim(
        "kubectl-slow-apply",
        &format!(
            "case \"$*\" in *dry-run*) ;; replace*) if [ ! -e '{0}' ]; then touch '{0}'; sleep 1; fi ;; esac",
            flag.display()
        ),
    );
    let scale = json!({"operations": [{"op": "scale", "name": "web", "replicas": {"to": 3}}]});
    let mut child = plugin(&env, &kubectl, &scale, &["--yes"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !flag.exists() && started.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(flag.exists(), "the apply never started");
    child.kill().unwrap();
    child.wait().unwrap();

    // One line, written before the change was sent: what may have changed.
    let lines = journal(&env);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["id"], 1);
    assert_eq!(lines[0]["status"], "unknown");
    let op = &lines[0]["operations"][0];
    assert_eq!(op["status"], "unknown", "{op}");
    assert!(
        op["not_reversible"]
            .as_str()
            .is_some_and(|r| r.contains("may or may not have been applied")),
        "{op}"
    );
    let list = plugin_args(&env, &["history"]);
    let text = String::from_utf8_lossy(&list.stdout);
    assert_eq!(list.status.code(), Some(0), "{}", stderr(&list));
    assert!(
        text.contains("outcome unknown") && text.contains("may or may not have been applied"),
        "{text}"
    );
    assert!(
        text.contains("unknown       scale deployment/web"),
        "{text}"
    );
    let one = plugin_args(&env, &["history", "1"]);
    let text = String::from_utf8_lossy(&one.stdout);
    assert!(text.contains("status:    unknown"), "{text}");
    assert!(text.contains("may or may not have been applied"), "{text}");
    assert!(text.contains("this run cannot be taken back"), "{text}");

    // The kubectl the plugin started outlives it and sends the change: hence "may".
    let started = std::time::Instant::now();
    while env.replicas("default", "web") != 3 && started.elapsed().as_secs() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(env.replicas("default", "web"), 3);

    // A run that ends journals one line, under the next number; a run refused
    // at consent journals nothing.
    let api = json!({"operations": [{"op": "scale", "name": "api", "replicas": {"to": 3}}]});
    let out = plugin(&env, &real_kubectl(), &api, &["--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let more = json!({"operations": [{"op": "scale", "name": "api", "replicas": {"to": 4}}]});
    let out = plugin(&env, &real_kubectl(), &more, &[]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let lines = journal(&env);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[1]["id"], 2);
    assert_eq!(lines[1]["status"], "ok");
    assert_eq!(lines[1]["operations"][0]["status"], "applied");
    let list = plugin_args(&env, &["history"]);
    let text = String::from_utf8_lossy(&list.stdout);
    assert_eq!(text.matches("scale deployment/api").count(), 1, "{text}");
    assert_eq!(text.matches("outcome unknown").count(), 1, "{text}");
}
