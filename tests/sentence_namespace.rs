//! A namespace named in the sentence and `-n` on the command line: neither
//! silently beats the other. When they differ the run stops before anything
//! runs (exit 2) with a message naming both; the same namespace twice is fine.
//! Held for the offline rules, health questions and plans from a model.

mod common;
mod model_support;

use common::*;
use kube_sandbox::model::{FakeModel, Reply};
use model_support::{op, plan_answer};
use serde_json::json;

fn assert_conflict_named(out: &std::process::Output) {
    assert_exit(out, 2);
    let err = stderr(out);
    assert!(
        err.contains("the sentence says namespace \"shop\" but -n says \"default\""),
        "{err}"
    );
    assert!(err.contains("nothing was run"), "{err}");
}

#[test]
fn a_sentence_namespace_that_differs_from_dash_n_is_refused_before_anything_runs() {
    let env = TestEnv::healthy();
    let (kubectl, log) = env.logging_kubectl();
    for args in [
        [
            "--offline",
            "--yes",
            "scale web to 3 in shop",
            "-n",
            "default",
        ],
        [
            "--offline",
            "--yes",
            "scale web to 3 in namespace shop",
            "-n",
            "default",
        ],
        [
            "--offline",
            "--yes",
            "are pods healthy in shop",
            "-n",
            "default",
        ],
    ] {
        let out = env
            .plugin()
            .env("KUBECTL_PATH", &kubectl)
            .args(args)
            .output()
            .unwrap();
        assert_conflict_named(&out);
    }
    assert_eq!(
        logged_calls(&log),
        Vec::<String>::new(),
        "kubectl never ran"
    );
    assert_eq!(env.writes(), Vec::<String>::new());
    assert_eq!(env.replicas("shop", "web"), 2);
}

#[test]
fn the_same_namespace_in_both_is_fine() {
    let env = TestEnv::healthy();
    let out = env
        .plugin()
        .args(["--offline", "--yes", "scale web to 3 in shop", "-n", "shop"])
        .output()
        .unwrap();
    assert_success(&out);
    assert_eq!(env.replicas("shop", "web"), 3);
    assert_eq!(env.replicas("default", "web"), 2);
}

#[test]
fn a_model_plan_in_another_namespace_than_dash_n_is_refused() {
    let env = TestEnv::healthy();
    let fake = FakeModel::start().expect("fake model");
    fake.push(Reply::Content(plan_answer(vec![op(
        "scale",
        json!({"kind": "deployment", "name": "web", "namespace": "shop", "change": "to", "replicas": 5}),
    )])));
    let out = env
        .with_model_at(&fake.base_url())
        .args([
            "--yes",
            "-n",
            "default",
            "give the web frontend in shop enough pods to survive the launch",
        ])
        .output()
        .unwrap();
    assert_conflict_named(&out);
    assert_eq!(env.writes(), Vec::<String>::new());
    assert_eq!(env.replicas("shop", "web"), 2);
}
