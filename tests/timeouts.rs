//! A kubectl call that takes too long is stopped together with everything it
//! started: kubectl may run helpers (an exec credential plugin, a shell it
//! spawned) and none of them may outlive the plugin. Held for each way a call
//! runs: captured (previews, `--json` reads) and streamed (human reads).

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use common::*;
use serde_json::json;

/// A kubectl that starts a helper `sleep` (its pid written to `pid_file`) and then
/// hangs. The helper's output goes to /dev/null so that it cannot keep the
/// plugin's pipes open: only whether it still runs is measured.
fn hanging_kubectl(env: &TestEnv, pid_file: &Path) -> PathBuf {
    let dir = env.home().join("fake-bin");
    std::fs::create_dir_all(&dir).unwrap();
    write_script(
        &dir,
        "kubectl-with-helper",
        &format!(
            "sleep 120 >/dev/null 2>&1 </dev/null &\necho $! > '{}'\nexec sleep 120",
            pid_file.display()
        ),
    )
}

/// Runs a plan with the hanging kubectl and a one-second limit per call.
fn run_with_hanging_kubectl(env: &TestEnv, plan: &serde_json::Value, flags: &[&str]) -> Output {
    let pid_file = env.home().join("helper.pid");
    let kubectl = hanging_kubectl(env, &pid_file);
    let path = env.plan_file(plan);
    env.plugin()
        .env("KUBECTL_PATH", &kubectl)
        .env("KUBECTL_AI_TIMEOUT", "1")
        .arg("--plan")
        .arg(&path)
        .args(flags)
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap()
}

/// Once the plugin has exited, the helper its kubectl started is not running
/// (gone, or a zombie waiting for its new parent to reap it).
fn assert_helper_gone(env: &TestEnv) {
    let pid_file = env.home().join("helper.pid");
    let pid = std::fs::read_to_string(&pid_file)
        .expect("the fake kubectl ran and wrote its helper's pid")
        .trim()
        .to_string();
    let alive = || {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            stat.rsplit(')')
                .next()
                .is_some_and(|rest| !rest.trim_start().starts_with('Z'))
        })
    };
    for _ in 0..30 {
        if !alive() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    // Don't leave it behind for the next test run either.
    let _ = std::process::Command::new("kill")
        .args(["-9", &pid])
        .status();
    panic!("the helper {pid} that kubectl started is still running after the plugin exited");
}

fn get_pods() -> serde_json::Value {
    json!({"operations": [{"op": "get", "kinds": ["pods"]}]})
}

#[test]
fn a_streamed_read_that_times_out_leaves_nothing_running() {
    let env = TestEnv::healthy();
    let out = run_with_hanging_kubectl(&env, &get_pods(), &[]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("timed out after 1s"),
        "{}",
        stderr(&out)
    );
    assert_helper_gone(&env);
}

#[test]
fn a_captured_read_that_times_out_leaves_nothing_running() {
    let env = TestEnv::healthy();
    let out = run_with_hanging_kubectl(&env, &get_pods(), &["--json"]);
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("timed out after 1s"),
        "{}",
        stdout(&out)
    );
    assert_helper_gone(&env);
}

#[test]
fn a_preview_that_times_out_leaves_nothing_running() {
    let env = TestEnv::healthy();
    let plan = json!({"operations": [{"op": "scale", "name": "web", "replicas": {"to": 3}}]});
    let out = run_with_hanging_kubectl(&env, &plan, &["--yes"]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("timed out after 1s"),
        "{}",
        stderr(&out)
    );
    assert_helper_gone(&env);
    assert_eq!(env.replicas("default", "web"), 2);
}

#[test]
fn a_helper_left_running_cannot_hold_the_output_open() {
    // Here the helper shares kubectl's stdout and stderr (the plugin's own, for a
    // streamed read): were it left running, `kubectl ai get pods | cat` would
    // wait for it.
    let env = TestEnv::healthy();
    let dir = env.home().join("fake-bin");
    std::fs::create_dir_all(&dir).unwrap();
    let kubectl = write_script(
        &dir,
        "kubectl-holding-stdout",
        "sleep 120 &\nexec sleep 120",
    );
    let path = env.plan_file(&get_pods());
    let started = std::time::Instant::now();
    let out = env
        .plugin()
        .env("KUBECTL_PATH", &kubectl)
        .env("KUBECTL_AI_TIMEOUT", "1")
        .arg("--plan")
        .arg(&path)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_exit(&out, 1);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the output stayed open for {:?}",
        started.elapsed()
    );
}

#[test]
fn a_streamed_read_prints_at_a_terminal_that_stops_background_writers() {
    // Streamed calls run in a process group of their own (so that a timeout can
    // stop all of it), which is a background group as far as the terminal is
    // concerned. With `stty tostop` the terminal stops background writers,
    // unless they ignore SIGTTOU: the read must print, not hang until the timeout.
    let env = TestEnv::healthy();
    let path = env.plan_file(&get_pods());
    let command = format!(
        "stty tostop; {} --plan {} --color never",
        bin().display(),
        path.display()
    );
    let started = std::time::Instant::now();
    let out = env
        .env
        .command("script")
        .args(["-qefc", &command, "/dev/null"])
        .env("KUBECONFIG", env.cluster.kubeconfig())
        .env("TERM", "xterm")
        .env("KUBECTL_AI_TIMEOUT", "20")
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let text = stdout(&out);
    assert_exit(&out, 0);
    assert!(text.contains("web-"), "{text}");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "took {:?}",
        started.elapsed()
    );
}
