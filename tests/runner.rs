//! The kubectl runner against fake kubectl scripts (bat-style): argv as
//! received, stdin closed or fed, non-zero exits carrying stderr, timeouts.

mod common;

use std::time::{Duration, Instant};

use common::write_script;
use kubectl_ai::config::KubeFlags;
use kubectl_ai::kubectl::{Kubectl, KubectlError};

fn flags() -> KubeFlags {
    KubeFlags {
        namespace: Some("shop".into()),
        context: Some("staging".into()),
        ..KubeFlags::default()
    }
}

fn fake(body: &str) -> (tempfile::TempDir, Kubectl) {
    let dir = tempfile::tempdir().unwrap();
    let path = write_script(dir.path(), "kubectl", body);
    let kubectl = Kubectl::new(path, flags(), Duration::from_secs(20));
    (dir, kubectl)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn argv_reaches_kubectl_unchanged_with_forwarded_flags() {
    let (_dir, kubectl) = fake(r#"for a in "$@"; do printf '[%s]' "$a"; done"#);
    let out = runtime()
        .block_on(kubectl.run_checked(&["get", "pods", "$(touch pwned)", "a b;c"], None))
        .unwrap();
    assert_eq!(
        out.stdout_str(),
        "[get][pods][$(touch pwned)][a b;c][--context][staging][-n][shop]"
    );
    let out = runtime()
        .block_on(kubectl.run_without_namespace(&["config", "view"], None))
        .unwrap();
    assert_eq!(out.stdout_str(), "[config][view][--context][staging]");
}

#[test]
fn stdin_is_closed_unless_given() {
    let (_dir, kubectl) = fake("cat");
    let rt = runtime();
    let out = rt
        .block_on(kubectl.run(&["apply", "-f", "-"], None))
        .unwrap();
    assert!(out.success() && out.stdout.is_empty());
    let big = "x".repeat(1 << 20).into_bytes();
    let out = rt
        .block_on(kubectl.run(&["apply", "-f", "-"], Some(big.clone())))
        .unwrap();
    assert_eq!(out.stdout, big);
}

#[test]
fn non_zero_exit_carries_stderr_status_and_command() {
    let (_dir, kubectl) = fake(
        r#"echo 'Error from server (NotFound): deployments.apps "web" not found' >&2; exit 7"#,
    );
    let rt = runtime();
    let captured = rt
        .block_on(kubectl.run(&["get", "deploy", "web"], None))
        .unwrap();
    assert_eq!(captured.status, 7);
    assert!(captured.stderr.contains("NotFound"));

    let err = rt
        .block_on(kubectl.run_checked(&["get", "deploy", "web"], None))
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("`kubectl get deploy web --context staging -n shop`"),
        "{msg}"
    );
    assert!(msg.contains("exit status 7"), "{msg}");
    assert!(msg.contains(r#"deployments.apps "web" not found"#), "{msg}");
    match err.downcast_ref::<KubectlError>() {
        Some(KubectlError::Failed {
            status: 7, stderr, ..
        }) => assert!(stderr.contains("NotFound")),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn timeout_kills_kubectl_and_says_what_to_do() {
    let (dir, kubectl) = fake("echo started > \"$0.started\"; exec sleep 30");
    let kubectl = kubectl.with_timeout(Some(Duration::from_millis(300)));
    let start = Instant::now();
    let err = runtime()
        .block_on(kubectl.run(&["get", "pods"], None))
        .unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(10));
    assert!(dir.path().join("kubectl.started").exists());
    let msg = err.to_string();
    assert!(msg.contains("timed out after 300ms"), "{msg}");
    assert!(msg.contains("KUBECTL_AI_TIMEOUT"), "{msg}");
    assert!(matches!(
        err.downcast_ref::<KubectlError>(),
        Some(KubectlError::TimedOut { .. })
    ));

    let err = runtime()
        .block_on(kubectl.stream(&["logs", "-f", "web"]))
        .unwrap_err();
    assert!(err.to_string().contains("timed out"));
}

#[test]
fn stream_returns_the_exit_status() {
    let (_dir, kubectl) = fake("echo streamed; exit 3");
    let status = runtime()
        .block_on(kubectl.stream(&["get", "pods"]))
        .unwrap();
    assert_eq!(status, 3);
}

#[test]
fn a_kubectl_that_vanished_is_not_found() {
    let (dir, kubectl) = fake("exit 0");
    std::fs::remove_file(dir.path().join("kubectl")).unwrap();
    let err = runtime()
        .block_on(kubectl.run(&["version"], None))
        .unwrap_err();
    assert!(matches!(
        err.downcast_ref::<KubectlError>(),
        Some(KubectlError::NotFound { .. })
    ));
    assert!(err.to_string().contains("install kubectl"));
}
