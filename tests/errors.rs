//! Errors said truthfully, through the real binary and kubectl against the sandbox:
//! a kubeconfig list that names nothing, a namespace that does not exist, one JSON
//! document on every `--json` exit path, `--save-plan` that says what it (did not)
//! save, relative scaling that never removes more than asked, and a journal that
//! holds only runs that applied or tried to apply.

mod common;

use common::*;

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
