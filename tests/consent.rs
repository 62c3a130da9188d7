//! Consent at a real terminal: the plugin runs under a pseudo-terminal (util-linux
//! `script`, part of every Debian system) and a person's keystrokes are typed into it.

mod common;

use common::{TestEnv, bin, stdout};
use serde_json::json;

/// Runs `kubectl-ai --plan FILE` under a pseudo-terminal, typing `keys`.
fn at_terminal(env: &TestEnv, plan: &serde_json::Value, keys: &str) -> std::process::Output {
    let path = env.plan_file(plan);
    let command = format!(
        "{} --plan {} --color never",
        bin().display(),
        path.display()
    );
    env.env
        .command("script")
        .args(["-qefc", &command, "/dev/null"])
        .env("KUBECONFIG", env.cluster.kubeconfig())
        .env("TERM", "xterm")
        .write_stdin(keys)
        .output()
        .expect("script runs")
}

fn scale_web(to: i64) -> serde_json::Value {
    json!({"operations": [{"op": "scale", "name": "web", "replicas": {"to": to}}]})
}

#[test]
fn yes_at_the_prompt_applies() {
    let env = TestEnv::healthy();
    let out = at_terminal(&env, &scale_web(4), "y\n");
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains(
            "Apply scale deployment/web to 4 replicas to context sandbox (namespace default)?"
        ),
        "{text}"
    );
    assert!(
        text.contains("applied: scale deployment/web to 4 replicas"),
        "{text}"
    );
    assert_eq!(
        env.live(&["deployment", "web"]).unwrap()["spec"]["replicas"],
        4
    );
}

#[test]
fn enter_at_the_prompt_means_no() {
    let env = TestEnv::healthy();
    let out = at_terminal(&env, &scale_web(4), "\n");
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    assert_eq!(
        env.live(&["deployment", "web"]).unwrap()["spec"]["replicas"],
        2
    );
}

#[test]
fn no_at_the_prompt_changes_nothing() {
    let env = TestEnv::healthy();
    let out = at_terminal(&env, &scale_web(4), "n\n");
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("nothing was changed"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        env.live(&["deployment", "web"]).unwrap()["spec"]["replicas"],
        2
    );
}

#[test]
fn a_misspelt_target_can_be_corrected_at_the_prompt() {
    let env = TestEnv::healthy();
    let plan = json!({"operations": [{"op": "scale", "name": "wbe", "replicas": {"to": 4}}]});
    // Enter picks the closest name (web); then y applies.
    let out = at_terminal(&env, &plan, "\ny\n");
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("deployment wbe not found"), "{text}");
    assert!(
        text.contains("applied: scale deployment/web to 4 replicas"),
        "{text}"
    );
    assert_eq!(
        env.live(&["deployment", "web"]).unwrap()["spec"]["replicas"],
        4
    );
}

#[test]
fn cancelling_the_correction_changes_nothing_and_exits_2() {
    let env = TestEnv::healthy();
    let plan = json!({"operations": [{"op": "scale", "name": "wbe", "replicas": {"to": 4}}]});
    // q (or Escape) cancels the choice.
    let out = at_terminal(&env, &plan, "q");
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert_eq!(
        env.live(&["deployment", "web"]).unwrap()["spec"]["replicas"],
        2
    );
}
