//! Diagnose never says "healthy" when it does not know, through the built plugin
//! and the real kubectl against the sandbox:
//!
//! - a namespace or a target that does not exist is an error (exit 2) naming
//!   it, with did-you-mean from the live names, never "No problems found" — and
//!   costs at most one extra call, only when the namespace held nothing;
//! - "No problems found" says what was looked at (the namespace or target, the
//!   counts), in the human line and in `--json`, and names what could not be read;
//! - `--explain` contacts nothing (no kubectl, no model) for diagnose, and for
//!   every other command kubectl is never run;
//! - a read that kubectl refuses keeps kubectl's reason whole in the notes.

mod common;

use common::{TestEnv, assert_exit, json_stdout, logged_calls, stderr, stdout};
use kube_sandbox::model::FakeModel;
use serde_json::{Value, json};

/// The plugin with a kubectl that logs its calls; `--offline` unless a model is wanted.
/// The calls are logged without the context every call is pinned to (checked once here).
fn run_logged(env: &TestEnv, args: &[&str]) -> (std::process::Output, Vec<String>) {
    const PINNED: &str = " --context sandbox --cluster sandbox --user sandbox";
    let (kubectl, log) = env.logging_kubectl();
    let out = env
        .plugin()
        .env("KUBECTL_PATH", &kubectl)
        .args(args)
        .output()
        .unwrap();
    let calls = logged_calls(&log)
        .into_iter()
        .map(|call| {
            assert!(call.ends_with(PINNED), "not pinned: {call}");
            call.trim_end_matches(PINNED).to_string()
        })
        .collect();
    (out, calls)
}

fn assert_no_healthy_claim(out: &std::process::Output) {
    let text = format!("{}{}", stdout(out), stderr(out));
    for claim in ["No problems found", "No suggested fix", "\"healthy\""] {
        assert!(!text.contains(claim), "claims {claim:?}:\n{text}");
    }
}

// ---- item 18: what does not exist is an error, with did-you-mean ------------

#[test]
fn a_namespace_that_does_not_exist_is_an_error_with_the_closest_names() {
    let env = TestEnv::with(&["healthy", "crashloop"]);
    let (out, calls) = run_logged(&env, &["diagnose", "-n", "crashloo", "--offline"]);
    assert_exit(&out, 2);
    assert_no_healthy_claim(&out);
    let err = stderr(&out);
    assert!(
        err.contains("namespace \"crashloo\" does not exist")
            && err.contains("did you mean crashloop?"),
        "{err}"
    );
    // The namespace held nothing, so exactly one more call, and only that one.
    assert_eq!(
        calls
            .iter()
            .filter(|c| c.starts_with("get namespaces"))
            .count(),
        1,
        "{calls:?}"
    );
    assert_eq!(calls.len(), 4, "{calls:?}");

    // Nothing close: the live names are listed instead.
    let (out, _) = run_logged(&env, &["diagnose", "-n", "doesnotexist", "--offline"]);
    assert_exit(&out, 2);
    assert_no_healthy_claim(&out);
    let err = stderr(&out);
    assert!(
        err.contains("namespace \"doesnotexist\" does not exist"),
        "{err}"
    );
    assert!(
        err.contains("namespaces: ") && err.contains("shop"),
        "{err}"
    );

    // Same with --json: an error, never a "healthy" document.
    let (out, _) = run_logged(
        &env,
        &["diagnose", "-n", "doesnotexist", "--offline", "--json"],
    );
    assert_exit(&out, 2);
    assert_no_healthy_claim(&out);
}

#[test]
fn a_populated_namespace_costs_no_extra_call_and_an_empty_one_is_said_to_be_empty() {
    let env = TestEnv::healthy();
    let (out, calls) = run_logged(&env, &["diagnose", "-n", "shop", "--offline"]);
    assert_exit(&out, 0);
    assert!(
        !calls.iter().any(|c| c.contains("namespace")),
        "what collection read shows the namespace exists: {calls:?}"
    );
    assert_eq!(calls.len(), 3, "{calls:?}");

    // kube-public exists and holds nothing diagnose checks: one extra call says so.
    let (out, calls) = run_logged(&env, &["diagnose", "-n", "kube-public", "--offline"]);
    assert_exit(&out, 0);
    assert_eq!(calls.len(), 4, "{calls:?}");
    assert_eq!(
        stdout(&out),
        "No problems found in namespace kube-public (it holds no pods, workloads, services, \
         volume claims or ingresses; looked at 2 nodes).\n"
    );
}

#[test]
fn a_target_that_does_not_exist_is_an_error_naming_the_live_names_of_its_kind() {
    let env = TestEnv::with(&["healthy", "crashloop"]);
    let (out, calls) = run_logged(
        &env,
        &[
            "diagnose",
            "-n",
            "crashloop",
            "--target",
            "deployment/nothere",
            "--offline",
        ],
    );
    assert_exit(&out, 2);
    assert_no_healthy_claim(&out);
    let err = stderr(&out);
    assert!(
        err.contains("deployment \"nothere\" not found in namespace crashloop")
            && err.contains("deployments there: orders"),
        "{err}"
    );
    assert!(
        !calls.iter().any(|c| c.contains("namespace")),
        "the deployments were already listed: {calls:?}"
    );

    let (out, _) = run_logged(
        &env,
        &[
            "diagnose",
            "-n",
            "crashloop",
            "--target",
            "deploy/ordrs",
            "--offline",
            "--json",
        ],
    );
    assert_exit(&out, 2);
    assert_no_healthy_claim(&out);
    assert!(
        stderr(&out).contains("did you mean orders?"),
        "{}",
        stderr(&out)
    );

    // A pod target is checked against the pods.
    let (out, _) = run_logged(
        &env,
        &["diagnose", "-n", "shop", "--target", "pod/web", "--offline"],
    );
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains(
            "pod \"web\" not found in namespace shop, so nothing was diagnosed; did you mean web-"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn health_sentences_about_a_misspelt_object_say_so_instead_of_healthy() {
    let env = TestEnv::with(&["healthy", "crashloop"]);
    for sentence in [
        "what's wrong with deployment ordrs in crashloop",
        "fix the deployment ordrs in crashloop",
    ] {
        let (out, _) = run_logged(&env, &["--offline", "--yes", sentence]);
        assert_exit(&out, 2);
        assert_no_healthy_claim(&out);
        assert!(
            stderr(&out).contains("deployment \"ordrs\" not found in namespace crashloop")
                && stderr(&out).contains("did you mean orders?"),
            "{sentence}: {}",
            stderr(&out)
        );
    }
    assert_eq!(env.writes(), Vec::<String>::new(), "nothing was changed");
    // Spelt right, the crash loop is found.
    let (out, _) = run_logged(
        &env,
        &[
            "--offline",
            "what's wrong with deployment orders in crashloop",
        ],
    );
    assert_exit(&out, 4);
    assert!(
        stdout(&out).contains("CRITICAL deployment/orders"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_target_of_a_kind_diagnose_does_not_read_is_refused_before_any_call() {
    let env = TestEnv::healthy();
    for target in [
        "configmap/web",
        "secret/web",
        "endpoints/web",
        "namespace/shop",
    ] {
        let (out, calls) = run_logged(
            &env,
            &["diagnose", "-n", "shop", "--target", target, "--offline"],
        );
        assert_exit(&out, 2);
        assert_no_healthy_claim(&out);
        let err = stderr(&out);
        assert!(err.contains("diagnose does not look at"), "{target}: {err}");
        assert!(
            err.contains("--target takes one of: pod, deployment"),
            "{err}"
        );
        assert_eq!(calls, Vec::<String>::new(), "{target}");
    }
}

// ---- item 18: "healthy" only of what was looked at ---------------------------

#[test]
fn no_problems_found_says_what_was_looked_at_in_text_and_json() {
    let env = TestEnv::healthy();
    let (out, _) = run_logged(&env, &["diagnose", "-n", "shop", "--offline"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "No problems found in namespace shop (looked at 4 pods, 2 deployments, 2 services, 2 nodes and "
        ) && text.ends_with(" events).\n"),
        "{text}"
    );

    // A target: the line names it.
    let (out, _) = run_logged(
        &env,
        &[
            "diagnose",
            "-n",
            "shop",
            "--target",
            "deploy/web",
            "--offline",
            "--json",
        ],
    );
    assert_exit(&out, 0);
    let doc = json_stdout(&out);
    assert_eq!(doc["status"], "healthy");
    assert_eq!(doc["namespace"], "shop");
    assert_eq!(
        doc["target"],
        json!({"kind": "Deployment", "namespace": "shop", "name": "web"})
    );
    assert_eq!(doc["not_read"], json!([]));
    assert_eq!(doc["checked"]["pods"], 4);
    assert!(
        doc["summary"].as_str().unwrap().starts_with(
            "No problems found with deployment/web in namespace shop (looked at 4 pods"
        ),
        "{doc:#}"
    );

    // No -n: the namespace looked at is named (the context's, from the kubeconfig).
    let (out, calls) = run_logged(&env, &["diagnose", "--offline", "--json"]);
    assert_exit(&out, 0);
    let doc = json_stdout(&out);
    assert_eq!(doc["namespace"], "default", "{doc:#}");
    assert!(
        doc["summary"]
            .as_str()
            .unwrap()
            .starts_with("No problems found in namespace default (looked at "),
        "{doc:#}"
    );
    assert!(calls[0].ends_with("-n default"), "{calls:?}");
}

#[test]
fn what_could_not_be_read_is_never_called_healthy() {
    let env = TestEnv::healthy();
    env.cluster.forbid("list", "pods");
    let (out, _) = run_logged(&env, &["diagnose", "-n", "shop", "--offline", "--json"]);
    assert_exit(&out, 0);
    let doc = json_stdout(&out);
    assert_eq!(doc["status"], "incomplete", "{doc:#}");
    assert_eq!(doc["not_read"], json!(["pods"]));
    assert_eq!(
        doc["checked"]["pods"],
        Value::Null,
        "not read, so not counted"
    );
    let summary = doc["summary"].as_str().unwrap();
    assert!(
        summary.starts_with(
            "No problems found in what could be read in namespace shop (looked at 2 deployments"
        ) && summary.ends_with("; could not read pods, see the notes below)."),
        "{summary}"
    );

    // A target of a kind that could not be read: nothing can be said about it.
    let (out, _) = run_logged(
        &env,
        &[
            "diagnose",
            "-n",
            "shop",
            "--target",
            "pod/web-1",
            "--offline",
        ],
    );
    assert_exit(&out, 1);
    assert_no_healthy_claim(&out);
    assert!(
        stderr(&out).contains("pod/web-1 was not looked at: pods could not be read"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_namespace_whose_existence_cannot_be_checked_is_not_called_healthy() {
    let env = TestEnv::healthy();
    env.cluster.forbid("list", "namespaces");
    env.cluster.forbid("get", "namespaces");
    let (out, calls) = run_logged(&env, &["diagnose", "-n", "nosuch", "--offline", "--json"]);
    assert_exit(&out, 0);
    let doc = json_stdout(&out);
    assert_eq!(doc["status"], "incomplete", "{doc:#}");
    assert!(
        doc["summary"]
            .as_str()
            .unwrap()
            .starts_with("Nothing to diagnose in namespace nosuch: it holds nothing diagnose could read, and whether it exists could not be checked"),
        "{doc:#}"
    );
    assert!(
        doc["notes"].to_string().contains("(Forbidden)"),
        "kubectl's reason: {doc:#}"
    );
    assert_eq!(
        calls.len(),
        5,
        "list, then get the one namespace: {calls:?}"
    );

    // Listing refused, but the namespace itself can be asked for: it does not exist.
    let env = TestEnv::healthy();
    env.cluster.forbid("list", "namespaces");
    let (out, _) = run_logged(&env, &["diagnose", "-n", "nosuch", "--offline"]);
    assert_exit(&out, 2);
    assert_no_healthy_claim(&out);
    assert!(
        stderr(&out).contains("namespace \"nosuch\" does not exist"),
        "{}",
        stderr(&out)
    );
}

// ---- item 19: --explain contacts nothing -------------------------------------

#[test]
fn diagnose_explain_contacts_neither_kubectl_nor_the_model_and_says_what_it_would_read() {
    let env = TestEnv::with(&["healthy", "crashloop"]);
    let fake = FakeModel::start().unwrap();
    let (kubectl, log) = env.logging_kubectl();
    let before = env.cluster.requests().len();
    let out = env
        .with_model_at(&fake.base_url())
        .env("KUBECTL_PATH", &kubectl)
        .args([
            "diagnose",
            "why is orders crashing",
            "-n",
            "crashloop",
            "--target",
            "deployment/orders",
            "--explain",
            "--fix",
        ])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    assert_eq!(logged_calls(&log), Vec::<String>::new(), "no kubectl call");
    assert_eq!(
        env.cluster.requests().len(),
        before,
        "no request to the cluster"
    );
    assert!(fake.requests().is_empty(), "no request to the model");
    let text = stdout(&out);
    assert!(
        text.starts_with("Diagnose, not run (nothing was contacted):\n"),
        "{text}"
    );
    assert!(
        text.contains("it would look at namespace crashloop in context sandbox, and report on deployment/orders only"),
        "{text}"
    );
    assert!(
        text.contains("     kubectl get events -o json -n crashloop\n"),
        "{text}"
    );
    assert!(
        text.contains("The model gpt-4.1-mini would be asked"),
        "{text}"
    );
    assert!(
        text.contains("--fix: each problem's suggested fix would be previewed"),
        "{text}"
    );
    assert!(!text.contains("Fix:"), "no lone Fix: heading: {text}");

    // The reads it names are the reads a real run makes.
    let (out, calls) = run_logged(&env, &["diagnose", "-n", "crashloop", "--offline"]);
    assert_exit(&out, 4);
    for call in calls.iter().filter(|c| c.starts_with("get ")) {
        assert!(
            text.contains(&format!("     kubectl {call}\n")),
            "{call} is explained:\n{text}"
        );
    }
}

#[test]
fn diagnose_explain_with_json_is_one_document_and_contacts_nothing() {
    let env = TestEnv::healthy();
    let (out, calls) = run_logged(
        &env,
        &["diagnose", "-A", "--explain", "--json", "--offline"],
    );
    assert_exit(&out, 0);
    assert_eq!(calls, Vec::<String>::new());
    let doc = json_stdout(&out);
    assert_eq!(doc["status"], "explained");
    assert_eq!(doc["all_namespaces"], true);
    assert_eq!(doc["model"], Value::Null, "--offline: no model");
    assert_eq!(doc["reads"][0]["when"], "always");
    assert!(
        doc["reads"][0]["command"]
            .as_str()
            .unwrap()
            .ends_with("-o json -A"),
        "{doc:#}"
    );
    // A model would be asked only when one is configured.
    let (out, _) = run_logged(&env, &["diagnose", "--explain", "--json"]);
    assert_exit(&out, 0);
    assert_eq!(json_stdout(&out)["model"], Value::Null, "none configured");
}

#[test]
fn explain_runs_no_kubectl_for_any_command() {
    let env = TestEnv::healthy();
    let plan = env.plan_file(&json!({"operations": [
        {"op": "get", "kinds": ["pods"], "namespace": "shop"},
        {"op": "scale", "kind": "deployment", "name": "web", "namespace": "shop", "replicas": {"to": 3}},
        {"op": "delete", "kind": "pod", "name": "web-1", "namespace": "shop"},
    ]}));
    let plan = plan.to_str().unwrap();
    let fake = FakeModel::start().unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["get pods in shop"],
        vec!["logs of web-1 in shop"],
        vec!["scale web to 3 in shop"],
        vec!["delete pod web-1 in shop"],
        vec!["cordon worker-1"],
        vec!["are my pods healthy in shop?"],
        vec!["fix the deployment web in shop"],
        vec!["--plan", plan],
        vec!["--plan", plan, "--json"],
        vec!["diagnose", "-n", "shop"],
        vec!["diagnose", "-n", "shop", "--fix", "--yes"],
        vec!["diagnose", "-A", "--json"],
    ];
    let before = env.cluster.requests().len();
    for args in cases {
        let (kubectl, log) = env.logging_kubectl();
        let out = env
            .with_model_at(&fake.base_url())
            .env("KUBECTL_PATH", &kubectl)
            .arg("--explain")
            .args(&args)
            .output()
            .unwrap();
        assert_exit(&out, 0);
        assert_eq!(logged_calls(&log), Vec::<String>::new(), "{args:?}");
    }
    assert_eq!(
        env.cluster.requests().len(),
        before,
        "no request to the cluster"
    );
    assert!(
        fake.requests().is_empty(),
        "the rules understood every sentence, and diagnose never asks under --explain"
    );
}

// ---- item 20: kubectl's reason, whole ----------------------------------------

#[test]
fn a_forbidden_read_keeps_kubectls_reason_whole() {
    let env = TestEnv::healthy();
    env.cluster.forbid("list", "pods");
    env.cluster.forbid("list", "events");
    let reason = |resource: &str| {
        format!(
            "Error from server (Forbidden): {resource} is forbidden: User \"sandbox\" cannot list \
             resource \"{resource}\" in API group \"\" in the namespace \"shop\""
        )
    };
    let (out, _) = run_logged(&env, &["diagnose", "-n", "shop", "--offline"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    for resource in ["pods", "events"] {
        assert!(
            text.contains(&format!(
                "note: {resource} could not be read: {}\n",
                reason(resource)
            )),
            "{text}"
        );
    }
    let (out, _) = run_logged(&env, &["diagnose", "-n", "shop", "--offline", "--json"]);
    let doc = json_stdout(&out);
    assert!(
        doc["notes"].as_array().unwrap().contains(&json!(format!(
            "pods could not be read: {}",
            reason("pods")
        ))),
        "{doc:#}"
    );
    assert_eq!(doc["not_read"], json!(["pods", "events"]));

    // Nodes (cluster-scoped, often not readable by a namespace's users).
    let env = TestEnv::healthy();
    env.cluster.forbid("list", "nodes");
    let (out, _) = run_logged(&env, &["diagnose", "-n", "shop", "--offline"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains(
            "note: nodes could not be read: Error from server (Forbidden): nodes is forbidden: \
             User \"sandbox\" cannot list resource \"nodes\" in API group \"\" at the cluster scope\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("could not read nodes and storageclasses"),
        "{text}"
    );
}
