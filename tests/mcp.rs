//! `kubectl ai mcp` driven by a client this project did not write: the official
//! MCP Python SDK (`mcp` on PyPI), installed by `.ci/run` into `target/mcp-venv`.
//!
//! Each test starts a sandbox cluster and runs one case of
//! `tests/mcp_client/client.py` against the real binary; the script's checks
//! say what failed. Without the client installed the tests fail and say how to
//! install it: they never skip.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{TestEnv, assert_exit, bin, real_kubectl, root, stderr};

/// The Python with the MCP SDK: `MCP_TEST_PYTHON`, else `target/mcp-venv/bin/python`.
fn python() -> PathBuf {
    if let Some(path) = std::env::var_os("MCP_TEST_PYTHON") {
        return PathBuf::from(path);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    let python = target.join("mcp-venv").join("bin").join("python");
    let installed = python.exists()
        && Command::new(&python)
            .args(["-c", "import mcp"])
            .output()
            .is_ok_and(|o| o.status.success());
    assert!(
        installed,
        "the MCP test client is not installed at {}: run `bash .ci/run`, or \
         `python3 -m venv target/mcp-venv && target/mcp-venv/bin/pip install mcp==2.3.0` \
         (or point MCP_TEST_PYTHON at a Python that has the `mcp` package)",
        python.display()
    );
    python
}

/// Runs one case of the client script against the sandbox; panics with its output on failure.
fn run_case(env: &TestEnv, case: &str, kubectl: Option<&std::path::Path>) {
    let journal = env.home().join("journal.jsonl");
    let kubectl_dir = real_kubectl().parent().unwrap().to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(kubectl_dir).chain(std::env::split_paths(&env.env.path)),
    )
    .unwrap();
    let mut cmd = Command::new(python());
    cmd.arg(root().join("tests/mcp_client/client.py"))
        .arg(case)
        .env_clear()
        .env("PATH", path)
        .env("HOME", env.home())
        .env("KUBECACHEDIR", env.home().join("cache"))
        .env("KUBECONFIG", env.cluster.kubeconfig())
        .env("KUBECTL_AI_BIN", bin())
        .env("KUBECTL_AI_JOURNAL", &journal)
        .env("NO_COLOR", "1")
        .current_dir(env.home());
    if let Some(kubectl) = kubectl {
        cmd.env("KUBECTL_PATH", kubectl);
    }
    let out = cmd.output().expect("the client script runs");
    assert!(
        out.status.success(),
        "MCP client case {case} failed ({}):\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn initialize_and_list_tools_without_apply_unless_allowed() {
    run_case(&TestEnv::healthy(), "initialize", None);
}

#[test]
fn every_read_is_a_tool_and_its_output_is_redacted() {
    run_case(&TestEnv::healthy(), "reads", None);
}

#[test]
fn diagnose_returns_the_findings_of_a_broken_namespace() {
    run_case(&TestEnv::with(&["healthy", "crashloop"]), "diagnose", None);
}

#[test]
fn preview_changes_nothing_and_apply_changes_exactly_that() {
    let env = TestEnv::healthy();
    run_case(&env, "preview_apply", None);
}

#[test]
fn a_stale_plan_id_is_refused_after_a_concurrent_change() {
    run_case(&TestEnv::healthy(), "stale", None);
}

#[test]
fn hostile_input_is_a_tool_error_and_the_server_lives_on() {
    run_case(&TestEnv::healthy(), "hostile", None);
}

#[test]
fn streamable_http_on_loopback() {
    run_case(&TestEnv::healthy(), "http", None);
}

#[test]
fn a_client_that_leaves_mid_apply_leaves_a_journal_that_matches_the_cluster() {
    let env = TestEnv::healthy();
    let slow = env.kubectl_shim(
        "kubectl",
        "case \" $* \" in *' replace '*) sleep 1.5 ;; esac",
    );
    run_case(&env, "disconnect", Some(&slow));
}

/// A kubectl whose `replace` (the apply) takes 6 s, and which writes down any
/// Ctrl-C or SIGTERM that reaches it.
fn slow_apply_noting_signals(env: &TestEnv) -> std::path::PathBuf {
    env.kubectl_shim(
        "kubectl",
        "case \" $* \" in *' replace '*)\n  trap 'echo INT >> \"$HOME/kubectl-signals\"' INT\n  trap 'echo TERM >> \"$HOME/kubectl-signals\"' TERM\n  sleep 6 & wait $!\n;; esac",
    )
}

#[test]
fn an_apply_that_outlives_the_clients_shutdown_is_ended_and_journaled_as_unknown() {
    let env = TestEnv::healthy();
    let slow = slow_apply_noting_signals(&env);
    run_case(&env, "outlived", Some(&slow));
}

#[test]
fn ctrl_c_mid_apply_never_reaches_kubectl_and_the_server_ends_and_journals_the_apply() {
    let env = TestEnv::healthy();
    let slow = slow_apply_noting_signals(&env);
    run_case(&env, "interrupted", Some(&slow));
}

#[test]
fn every_call_goes_to_the_context_pinned_at_the_start() {
    let env = TestEnv::healthy();
    let (kubectl, log) = env.logging_kubectl();
    run_case(&env, "pinned", Some(&kubectl));
    let calls = common::logged_calls(&log);
    assert!(!calls.is_empty());
    for call in &calls {
        assert!(
            call.contains("--context sandbox"),
            "a kubectl call without the pinned context: {call}\nall calls:\n{}",
            calls.join("\n")
        );
    }
}

#[test]
fn a_non_loopback_address_is_refused_without_allow_remote() {
    let env = TestEnv::healthy();
    let out = env
        .plugin()
        .args(["mcp", "--http", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("not a loopback address") && stderr(&out).contains("--allow-remote"),
        "{}",
        stderr(&out)
    );
    let out = env
        .plugin()
        .args(["mcp", "--allow-remote"])
        .output()
        .unwrap();
    assert_exit(&out, 2);
}

#[test]
fn cli_flags_that_mean_nothing_to_a_server_are_refused() {
    let env = TestEnv::healthy();
    let out = env.plugin().args(["mcp", "--yes"]).output().unwrap();
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("--allow-changes"), "{}", stderr(&out));
    for flag in ["--json", "--dry-run", "--explain"] {
        let out = env.plugin().args(["mcp", flag]).output().unwrap();
        assert_exit(&out, 2);
        assert!(
            stderr(&out).contains(&format!("{flag} does not apply to mcp")),
            "{}",
            stderr(&out)
        );
    }
}
