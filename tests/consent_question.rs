//! The consent question at a real terminal (a pseudo-terminal from util-linux
//! `script`): it names the actions, the context and every namespace they land
//! in, and with several changes their summaries sit just above the prompt,
//! after every diff, so a long preview never scrolls the plan away unseen.

mod common;

use common::{TestEnv, bin, stdout};
use serde_json::{Value, json};

/// Runs `kubectl-ai --plan FILE` under a pseudo-terminal and answers `n`.
fn asked(env: &TestEnv, plan: &Value) -> String {
    let path = env.plan_file(plan);
    let command = format!(
        "{} --plan {} --color never",
        bin().display(),
        path.display()
    );
    let out = env
        .env
        .command("script")
        .args(["-qefc", &command, "/dev/null"])
        .env("KUBECONFIG", env.cluster.kubeconfig())
        .env("TERM", "xterm")
        .write_stdin("n\n")
        .output()
        .expect("script runs");
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    stdout(&out)
}

#[test]
fn one_change_is_named_in_the_question() {
    let env = TestEnv::healthy();
    let text = asked(
        &env,
        &json!({"operations": [{"op": "scale", "name": "web", "namespace": "shop", "replicas": {"to": 3}}]}),
    );
    assert!(
        text.contains(
            "Apply scale deployment/web to 3 replicas in shop to context sandbox (namespace shop)?"
        ),
        "{text}"
    );
}

#[test]
fn several_changes_are_listed_just_above_the_question_after_every_diff() {
    let env = TestEnv::healthy();
    let plan = json!({"operations": [
        {"op": "scale", "name": "web", "replicas": {"to": 4}},
        {"op": "create_config_map", "name": "settings", "namespace": "shop",
         "data": [{"key": "mode", "value": "fast"}]},
        {"op": "create_namespace", "name": "staging"},
    ]});
    let text = asked(&env, &plan);
    let header = "Apply 3 changes to context sandbox (namespaces default, shop):\r\n";
    let recap = format!("{header}  1. scale deployment/web to 4 replicas\r\n  2. ");
    let at = text
        .find(&recap)
        .unwrap_or_else(|| panic!("no recap of the 3 changes:\n{text}"));
    let after = &text[at..];
    assert!(
        after.contains("  3. create namespace/staging\r\n"),
        "{text}"
    );
    assert!(after.contains("Apply these 3 changes?"), "{text}");
    // Every diff was printed before the recap.
    let last_diff = text.rfind("+++ ").expect("a diff was shown");
    assert!(last_diff < at, "a diff after the recap:\n{text}");
}

#[test]
fn an_apply_names_the_namespace_its_objects_land_in() {
    let env = TestEnv::healthy();
    let plan = json!({"operations": [{"op": "apply", "objects": [{
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "tuning", "namespace": "kube-system"},
        "data": {"a": "b"}
    }]}]});
    let text = asked(&env, &plan);
    assert!(
        text.contains("to context sandbox (namespace kube-system)?"),
        "{text}"
    );
    assert!(!text.contains("(namespace default)"), "{text}");
}
