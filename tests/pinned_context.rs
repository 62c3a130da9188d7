//! Invariant 3, "where it was previewed": every kubectl call of a run goes to
//! the context resolved when the run started and named in the question.
//!
//! Two sandbox clusters behind one kubeconfig: context `sandbox` (current) on
//! the first, context `other` on the second. A kubectl shim changes the
//! kubeconfig right before the apply call, as a person in another terminal
//! could while the prompt is open; the change must still land on the first
//! cluster and nothing may reach the second.

mod common;

use std::path::PathBuf;

use common::*;
use serde_json::{Value, json};

/// The first cluster (`TestEnv`), a second one, and a kubeconfig naming both.
struct TwoClusters {
    env: TestEnv,
    second: kube_sandbox::Sandbox,
    kubeconfig: PathBuf,
}

impl TwoClusters {
    fn with(scenarios: &[&str]) -> TwoClusters {
        let env = TestEnv::with(scenarios);
        let second = kube_sandbox::Sandbox::start().expect("second sandbox starts");
        for name in scenarios {
            second
                .seed(kube_sandbox::scenario::load(name).expect("scenario loads"))
                .expect("scenario seeds");
        }
        let kubeconfig = env.home().join("two-clusters.kubeconfig");
        std::fs::write(
            &kubeconfig,
            format!(
                "apiVersion: v1
kind: Config
clusters:
- name: first
  cluster:
    server: {first}
- name: second
  cluster:
    server: {second}
users:
- name: sandbox
  user: {{}}
contexts:
- name: sandbox
  context:
    cluster: first
    user: sandbox
    namespace: default
- name: other
  context:
    cluster: second
    user: sandbox
    namespace: default
current-context: sandbox
preferences: {{}}
",
                first = env.cluster.url(),
                second = second.url(),
            ),
        )
        .unwrap();
        TwoClusters {
            env,
            second,
            kubeconfig,
        }
    }

    /// The plugin with the two-cluster kubeconfig.
    fn plugin(&self) -> assert_cmd::Command {
        let mut cmd = self.env.plugin();
        cmd.env("KUBECONFIG", &self.kubeconfig);
        cmd
    }

    /// A kubectl (for `KUBECTL_PATH`) that runs `change` (a kubectl command line
    /// against the same kubeconfig) right before each call that writes: a write
    /// verb without `--dry-run`.
    fn shim_changing_before_apply(&self, change: &str) -> PathBuf {
        let kubectl = real_kubectl();
        self.env.kubectl_shim(
            "kubectl",
            &format!(
                r#"case " $* " in
  *--dry-run*) ;;
  *) case "$1" in
       scale|apply|replace|patch|delete|create|label|annotate|set|rollout|expose|autoscale|cordon|uncordon|drain|taint)
         '{kubectl}' {change} >/dev/null 2>&1 ;;
     esac ;;
esac"#,
                kubectl = kubectl.display()
            ),
        )
    }

    fn current_context(&self) -> String {
        let out = self
            .env
            .env
            .command(real_kubectl())
            .env("KUBECONFIG", &self.kubeconfig)
            .args(["config", "current-context"])
            .output()
            .unwrap();
        stdout(&out).trim().to_string()
    }

    /// Requests to the second cluster that could change something.
    fn second_writes(&self) -> Vec<String> {
        self.second
            .requests()
            .into_iter()
            .filter(|r| r.method != "GET")
            .map(|r| format!("{} {}?{}", r.method, r.path, r.query))
            .collect()
    }

    fn second_replicas(&self, name: &str) -> Value {
        self.second
            .get("apps/v1", "Deployment", Some("default"), name)
            .expect("the deployment exists on the second cluster")["spec"]["replicas"]
            .clone()
    }
}

fn scale_web(to: i64) -> Value {
    json!({"op": "scale", "name": "web", "replicas": {"to": to}})
}

#[test]
fn switching_the_current_context_before_the_apply_changes_nothing() {
    let clusters = TwoClusters::with(&["healthy"]);
    let shim = clusters.shim_changing_before_apply("config use-context other");
    let path = clusters
        .env
        .plan_file(&json!({"operations": [scale_web(5)]}));
    let out = clusters
        .plugin()
        .env("KUBECTL_PATH", &shim)
        .args(["--plan", path.to_str().unwrap(), "--yes", "--json"])
        .output()
        .unwrap();
    assert_success(&out);
    // The shim did switch the kubeconfig's current context...
    assert_eq!(clusters.current_context(), "other");
    // ...and the change still landed where it was previewed, as the report says.
    assert_eq!(json_stdout(&out)["context"], "sandbox");
    assert_eq!(clusters.env.replicas("default", "web"), 5);
    assert_eq!(clusters.second_replicas("web"), 2);
    assert_eq!(clusters.second_writes(), Vec::<String>::new());
}

#[test]
fn editing_the_context_entry_before_the_apply_changes_nothing() {
    let clusters = TwoClusters::with(&["healthy"]);
    let shim = clusters.shim_changing_before_apply("config set-context sandbox --cluster=second");
    let out = clusters
        .plugin()
        .env("KUBECTL_PATH", &shim)
        .args(["--offline", "--yes", "scale web to 4"])
        .output()
        .unwrap();
    assert_success(&out);
    assert_eq!(clusters.env.replicas("default", "web"), 4);
    assert_eq!(clusters.second_replicas("web"), 2);
    assert_eq!(clusters.second_writes(), Vec::<String>::new());
}

#[test]
fn a_diagnose_fix_lands_where_the_diagnosis_looked() {
    let clusters = TwoClusters::with(&["healthy", "selector"]);
    let shim = clusters.shim_changing_before_apply("config use-context other");
    let out = clusters
        .plugin()
        .env("KUBECTL_PATH", &shim)
        .args([
            "diagnose",
            "-n",
            "selector",
            "--offline",
            "--fix",
            "--yes",
            "--json",
        ])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    assert_eq!(clusters.current_context(), "other");
    let fixed = clusters
        .env
        .live(&["service", "frontend", "-n", "selector"])
        .unwrap();
    assert_eq!(fixed["spec"]["selector"], json!({"app": "front-end"}));
    assert_eq!(clusters.second_writes(), Vec::<String>::new());
}

#[test]
fn every_kubectl_call_of_a_run_names_the_pinned_context_cluster_and_user() {
    let clusters = TwoClusters::with(&["healthy", "selector"]);
    let (kubectl, log) = clusters.env.logging_kubectl();
    let runs: [&[&str]; 4] = [
        &["--offline", "--yes", "scale web to 3"],
        &["--offline", "get pods"],
        &["--offline", "--dry-run", "scale wbe to 3"],
        &["diagnose", "-n", "selector", "--offline", "--fix", "--yes"],
    ];
    for args in runs {
        let out = clusters
            .plugin()
            .env("KUBECTL_PATH", &kubectl)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.code().is_some(), "{args:?}: {}", stderr(&out));
    }
    let calls = logged_calls(&log);
    assert!(calls.len() > 8, "{calls:#?}");
    for call in &calls {
        assert!(
            call.contains("--context sandbox --cluster first --user sandbox"),
            "a call not pinned to the run's context: {call}"
        );
    }
}

#[test]
fn what_was_typed_wins_over_the_pin() {
    let clusters = TwoClusters::with(&["healthy"]);
    let out = clusters
        .plugin()
        .args(["--offline", "--yes", "--context", "other", "scale web to 6"])
        .output()
        .unwrap();
    assert_success(&out);
    assert_eq!(clusters.second_replicas("web"), 6);
    assert_eq!(clusters.env.replicas("default", "web"), 2);
}

#[test]
fn a_plan_that_switches_context_in_the_middle_is_refused() {
    let clusters = TwoClusters::with(&["healthy"]);
    let plan = json!({"operations": [
        {"op": "use_context", "context": "other"},
        {"op": "delete", "kind": "deployment", "name": "web"},
    ]});
    let path = clusters.env.plan_file(&plan);
    let out = clusters
        .plugin()
        .args(["--plan", path.to_str().unwrap(), "--yes"])
        .output()
        .unwrap();
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains("operations after use_context would run in context other"),
        "{err}"
    );
    assert!(
        err.contains("put use_context last or split the plan"),
        "{err}"
    );
    assert_eq!(clusters.current_context(), "sandbox");
    assert_eq!(clusters.env.writes(), Vec::<String>::new());
    assert_eq!(clusters.second_writes(), Vec::<String>::new());
    assert_eq!(clusters.env.replicas("default", "web"), 2);
    assert_eq!(clusters.second_replicas("web"), 2);
}

#[test]
fn use_context_as_the_last_operation_still_runs() {
    let clusters = TwoClusters::with(&["healthy"]);
    let plan = json!({"operations": [scale_web(3), {"op": "use_context", "context": "other"}]});
    let path = clusters.env.plan_file(&plan);
    let out = clusters
        .plugin()
        .args(["--plan", path.to_str().unwrap(), "--yes"])
        .output()
        .unwrap();
    assert_success(&out);
    assert_eq!(clusters.env.replicas("default", "web"), 3);
    assert_eq!(clusters.second_replicas("web"), 2);
    assert_eq!(clusters.current_context(), "other");
}
