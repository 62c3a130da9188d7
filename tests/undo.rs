//! `kubectl ai undo`, through the real binary and kubectl against the sandbox:
//!
//! - every change operation of the vocabulary, applied then undone, leaves each
//!   object it changed in its normalized state from before (or the undo refuses
//!   for the documented reason and changes nothing); the list of operations is
//!   read from the vocabulary itself, so a new operation without a case fails;
//! - an undo after a concurrent change refuses, naming the object;
//! - an undo is previewed, asked for and reported like any plan (`--dry-run`,
//!   `--json`), is journaled, and can itself be undone;
//! - "undo the last change" / "revert that" route to it offline.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use common::{TestEnv, assert_exit, json_stdout, stderr, stdout};
use serde_json::{Value, json};

fn journal(env: &TestEnv) -> PathBuf {
    env.home().join("journal.jsonl")
}

fn plugin(env: &TestEnv) -> assert_cmd::Command {
    let mut cmd = env.plugin();
    cmd.env("KUBECTL_AI_JOURNAL", journal(env));
    cmd
}

fn run_plan(env: &TestEnv, op: &Value, flags: &[&str]) -> std::process::Output {
    let path = env.plan_file(&json!({ "operations": [op] }));
    plugin(env)
        .arg("--plan")
        .arg(&path)
        .args(flags)
        .output()
        .unwrap()
}

fn undo(env: &TestEnv, args: &[&str]) -> std::process::Output {
    plugin(env).arg("undo").args(args).output().unwrap()
}

fn entries(env: &TestEnv) -> Vec<Value> {
    std::fs::read_to_string(journal(env))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a journal line is JSON"))
        .collect()
}

type Key = (String, String, String);

/// Every object of the kinds the vocabulary changes, normalized as the preview shows them.
fn snapshot(env: &TestEnv) -> BTreeMap<Key, Value> {
    let list = env
        .live(&[
            "deployments,pods,services,configmaps,secrets,namespaces,nodes,horizontalpodautoscalers",
            "-A",
        ])
        .expect("the sandbox lists its objects");
    kubectl_ai::preview::objects(list)
        .iter()
        .map(|o| {
            let (kind, ns, name) = kubectl_ai::preview::object_key(o);
            ((kind, ns, name), kubectl_ai::preview::normalize(o))
        })
        .collect()
}

/// The objects a journal entry says it changed.
fn changed(entry: &Value) -> Vec<Key> {
    entry["operations"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|op| op["objects"].as_array().cloned().unwrap_or_default())
        .map(|o| {
            let text = |k: &str| o[k].as_str().unwrap_or_default().to_string();
            (text("kind"), text("namespace"), text("name"))
        })
        .collect()
}

enum Expect {
    /// The undo puts every changed object back.
    Restored,
    /// The undo refuses with this reason, and changes nothing.
    Refused(&'static str),
}

/// A change of each operation of the vocabulary (some after a setup), and what its undo does.
fn cases() -> Vec<(&'static str, Option<Value>, Value, Expect)> {
    use Expect::*;
    let ns = "shop";
    vec![
        (
            "create_deployment",
            None,
            json!({"op": "create_deployment", "name": "shopfront", "namespace": ns, "image": "nginx:1.27", "replicas": 2}),
            Restored,
        ),
        (
            "run_pod",
            None,
            json!({"op": "run_pod", "name": "toolbox", "namespace": ns, "image": "busybox:1.36"}),
            Restored,
        ),
        (
            "apply",
            Some(
                json!({"op": "create_config_map", "name": "base", "namespace": ns, "data": [{"key": "mode", "value": "slow"}]}),
            ),
            json!({"op": "apply", "namespace": ns, "objects": [
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "flags"}, "data": {"beta": "on"}},
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "base"}, "data": {"mode": "fast", "extra": "1"}}]}),
            Restored,
        ),
        (
            "scale",
            None,
            json!({"op": "scale", "kind": "deployment", "name": "web", "namespace": ns, "replicas": {"to": 4}}),
            Restored,
        ),
        (
            "autoscale",
            None,
            json!({"op": "autoscale", "kind": "deployment", "name": "web", "namespace": ns, "min": 2, "max": 5, "cpu_percent": 80}),
            Restored,
        ),
        (
            "set_image",
            None,
            json!({"op": "set_image", "kind": "deployment", "name": "web", "namespace": ns, "container": "nginx", "image": "nginx:1.27"}),
            Restored,
        ),
        (
            "set_env",
            None,
            json!({"op": "set_env", "kind": "deployment", "name": "web", "namespace": ns, "set": [{"key": "LOG_LEVEL", "value": "debug"}]}),
            Restored,
        ),
        (
            "set_resources",
            None,
            json!({"op": "set_resources", "kind": "deployment", "name": "web", "namespace": ns, "limits": {"memory": "512Mi"}}),
            Restored,
        ),
        (
            "rollout_restart",
            None,
            json!({"op": "rollout_restart", "kind": "deployment", "name": "web", "namespace": ns}),
            Restored,
        ),
        (
            "rollout_undo",
            Some(
                json!({"op": "set_image", "kind": "deployment", "name": "web", "namespace": ns, "container": "nginx", "image": "nginx:1.27"}),
            ),
            json!({"op": "rollout_undo", "kind": "deployment", "name": "web", "namespace": ns}),
            Restored,
        ),
        (
            "expose",
            None,
            json!({"op": "expose", "kind": "deployment", "name": "web", "namespace": ns, "port": 8080, "service_name": "web-public"}),
            Restored,
        ),
        (
            "label",
            None,
            json!({"op": "label", "kind": "pod", "selector": "app=web", "namespace": ns, "set": [{"key": "tier", "value": "front"}]}),
            Restored,
        ),
        (
            "annotate",
            None,
            json!({"op": "annotate", "kind": "deployment", "name": "web", "namespace": ns, "set": [{"key": "owner", "value": "me"}]}),
            Restored,
        ),
        (
            "delete",
            Some(json!({"op": "apply", "namespace": ns, "objects": [
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "labels": {"team": "x"}}, "data": {"k": "1"}},
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b", "labels": {"team": "x"}}, "data": {"k": "2"}}]})),
            json!({"op": "delete", "kind": "configmap", "selector": "team=x", "namespace": ns}),
            Restored,
        ),
        (
            "create_namespace",
            None,
            json!({"op": "create_namespace", "name": "team-a"}),
            Restored,
        ),
        (
            "create_config_map",
            None,
            json!({"op": "create_config_map", "name": "settings", "namespace": ns, "data": [{"key": "mode", "value": "fast"}]}),
            Restored,
        ),
        (
            "create_secret",
            None,
            json!({"op": "create_secret", "name": "db", "namespace": ns, "data": [{"key": "password", "value": "Xq9-not-shown"}]}),
            Restored,
        ),
        (
            "cordon",
            None,
            json!({"op": "cordon", "node": "worker-1"}),
            Restored,
        ),
        (
            "uncordon",
            Some(json!({"op": "cordon", "node": "worker-2"})),
            json!({"op": "uncordon", "node": "worker-2"}),
            Restored,
        ),
        (
            "drain",
            None,
            json!({"op": "drain", "node": "worker-1"}),
            Refused("a drain evicts the node's pods"),
        ),
        (
            "taint",
            None,
            json!({"op": "taint", "node": "worker-1", "key": "dedicated", "value": "gpu", "effect": "NoSchedule"}),
            Restored,
        ),
        (
            "patch",
            None,
            json!({"op": "patch", "kind": "deployment", "name": "web", "namespace": ns, "patch_type": "merge", "patch": {"spec": {"minReadySeconds": 5}}}),
            Restored,
        ),
        (
            "use_context",
            None,
            json!({"op": "use_context", "context": "staging"}),
            Restored,
        ),
        (
            "use_namespace",
            None,
            json!({"op": "use_namespace", "namespace": ns}),
            Restored,
        ),
        // The sandbox serves no exec: a kubectl that says it ran the command.
        (
            "exec",
            None,
            json!({"op": "exec", "name": "web", "kind": "deployment", "namespace": ns, "command": ["touch", "/tmp/x"]}),
            Refused("ran a command inside a container"),
        ),
        // Filled in with web's live state and version when it runs.
        ("restore", None, json!({"op": "restore"}), Restored),
        // What cannot be taken back, and says why.
        (
            "delete (a namespace)",
            Some(json!({"op": "create_namespace", "name": "team-b"})),
            json!({"op": "delete", "kind": "namespace", "name": "team-b"}),
            Refused("deleting a namespace deletes everything in it"),
        ),
        (
            "set_env (an object holding secret values)",
            None,
            json!({"op": "set_env", "kind": "deployment", "name": "api", "namespace": ns, "set": [{"key": "LOG_LEVEL", "value": "debug"}]}),
            Refused("holds secret values"),
        ),
    ]
}

/// A restore of web with 5 replicas, at its live version.
fn restore_of_web(env: &TestEnv) -> Value {
    let live = env.live(&["deployment", "web", "-n", "shop"]).unwrap();
    let mut state = kubectl_ai::preview::normalize(&live);
    state["spec"]["replicas"] = json!(5);
    json!({"op": "restore", "kind": "Deployment", "name": "web", "namespace": "shop",
           "state": state, "resource_version": live["metadata"]["resourceVersion"]})
}

/// The plan verbs, as the plan format lists them when asked for one it does not know.
fn vocabulary() -> BTreeSet<String> {
    let err = serde_json::from_str::<kubectl_ai::plan::Plan>(r#"{"operations":[{"op":"?"}]}"#)
        .unwrap_err()
        .to_string();
    let listed = err.split("expected one of").nth(1).expect(&err);
    listed
        .split(',')
        .map(|v| v.trim().trim_matches(|c| c == '`' || c == ' ').to_string())
        .map(|v| v.split('`').next().unwrap_or_default().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

const READS: &[&str] = &[
    "get",
    "describe",
    "logs",
    "events",
    "top",
    "rollout_status",
    "rollout_history",
    "endpoints",
    "contexts",
    "api_resources",
    "explain",
    "current_namespace",
    "version",
    "port_forward",
];

#[test]
fn every_change_operation_has_an_apply_then_undo_case() {
    let covered: BTreeSet<String> = cases()
        .iter()
        .map(|(_, _, op, _)| op["op"].as_str().unwrap().to_string())
        .collect();
    let changes: BTreeSet<String> = vocabulary()
        .into_iter()
        .filter(|v| !READS.contains(&v.as_str()))
        .collect();
    assert!(changes.len() > 20, "{changes:?}");
    let missing: Vec<_> = changes.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "no apply-then-undo case for {missing:?}"
    );
}

#[test]
fn every_change_applied_then_undone_is_back_to_its_state_before() {
    let mut failures = Vec::new();
    for (name, setup, op, expect) in cases() {
        let env = TestEnv::healthy();
        if let Some(setup) = &setup {
            let out = run_plan(&env, setup, &["--yes", "--json"]);
            if !out.status.success() {
                failures.push(format!("{name}: the setup failed: {}", stderr(&out)));
                continue;
            }
        }
        let op = if name == "restore" {
            restore_of_web(&env)
        } else {
            op
        };
        let before = snapshot(&env);
        let applied = if name == "exec" {
            let shim = env.kubectl_shim("kubectl", "[ \"$1\" = exec ] && exit 0");
            let path = env.plan_file(&json!({ "operations": [op] }));
            plugin(&env)
                .env("KUBECTL_PATH", shim)
                .arg("--plan")
                .arg(&path)
                .args(["--yes", "--json"])
                .output()
                .unwrap()
        } else {
            run_plan(&env, &op, &["--yes", "--json"])
        };
        if !applied.status.success() {
            failures.push(format!(
                "{name}: the apply failed: {}{}",
                stdout(&applied),
                stderr(&applied)
            ));
            continue;
        }
        let entry = entries(&env).pop().expect("the change was journaled");
        let objects = changed(&entry);
        // An exec changes no object the journal could record: it is recorded as run.
        if objects.is_empty() && name != "exec" {
            failures.push(format!("{name}: the journal records no object: {entry:#}"));
            continue;
        }
        let id = entry["id"].to_string();
        // A context switch is taken back in the context it was made in.
        let mut args = vec![id.as_str(), "--yes", "--json"];
        if name == "use_context" {
            args.extend(["--context", "sandbox"]);
        }
        let middle = snapshot(&env);
        let undone = undo(&env, &args);
        match expect {
            Expect::Restored => {
                if !undone.status.success() {
                    failures.push(format!(
                        "{name}: the undo failed: {}{}",
                        stdout(&undone),
                        stderr(&undone)
                    ));
                    continue;
                }
                let report = json_stdout(&undone);
                if report["source"] != json!({"kind": "undo", "run": entry["id"]}) {
                    failures.push(format!("{name}: the undo's report: {report:#}"));
                }
                let after = snapshot(&env);
                for key in &objects {
                    if key.0 == "Kubeconfig" {
                        let current = env
                            .kubectl()
                            .args(["config", "current-context"])
                            .output()
                            .unwrap();
                        if stdout(&current).trim() != "sandbox" {
                            failures.push(format!("{name}: the context is {}", stdout(&current)));
                        }
                        let namespace = env
                            .kubectl()
                            .args(["config", "view", "--minify", "-o", "jsonpath={..namespace}"])
                            .output()
                            .unwrap();
                        if !matches!(stdout(&namespace).trim(), "" | "default") {
                            failures
                                .push(format!("{name}: the namespace is {}", stdout(&namespace)));
                        }
                        continue;
                    }
                    if before.get(key) != after.get(key) {
                        failures.push(format!(
                            "{name}: {key:?} is not back:\nbefore: {:#}\nafter undo: {:#}",
                            before.get(key).unwrap_or(&Value::Null),
                            after.get(key).unwrap_or(&Value::Null)
                        ));
                    }
                }
            }
            Expect::Refused(reason) => {
                let text = stderr(&undone) + &stdout(&undone);
                if undone.status.code() != Some(2) || !text.contains(reason) {
                    failures.push(format!(
                        "{name}: expected a refusal ({reason}), got exit {:?}: {text}",
                        undone.status.code()
                    ));
                }
                if snapshot(&env) != middle {
                    failures.push(format!("{name}: the refused undo changed something"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn an_undo_after_a_concurrent_change_refuses_naming_the_object() {
    let env = TestEnv::healthy();
    let scale = json!({"op": "scale", "kind": "deployment", "name": "web", "namespace": "shop", "replicas": {"to": 4}});
    assert!(run_plan(&env, &scale, &["--yes"]).status.success());
    // Someone else changes web after the run.
    let out = env
        .kubectl()
        .args([
            "set",
            "image",
            "deployment/web",
            "nginx=nginx:1.29",
            "-n",
            "shop",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let before = snapshot(&env);

    let refused = undo(&env, &["--yes"]);
    assert_exit(&refused, 2);
    let text = stderr(&refused);
    assert!(
        text.contains("deployment/web changed since run 1") && text.contains("nothing was changed"),
        "{text}"
    );
    assert_eq!(snapshot(&env), before, "the refused undo changed something");
    assert_eq!(entries(&env).len(), 1, "the refused undo was journaled");

    // With --json, the refusal is the one document on stdout.
    let refused = undo(&env, &["--yes", "--json"]);
    assert_exit(&refused, 2);
    let document = json_stdout(&refused);
    assert!(
        document["error"]
            .as_str()
            .is_some_and(|e| e.contains("deployment/web changed since run 1")),
        "{document:#}"
    );
}

#[test]
fn a_status_update_since_the_run_does_not_block_the_undo() {
    let env = TestEnv::healthy();
    let scale = json!({"op": "scale", "kind": "deployment", "name": "web", "namespace": "shop", "replicas": {"to": 3}});
    assert!(run_plan(&env, &scale, &["--yes"]).status.success());
    let out = env
        .kubectl()
        .args([
            "patch",
            "deployment/web",
            "-n",
            "shop",
            "--subresource=status",
            "--type=merge",
            "-p",
            r#"{"status":{"observedGeneration":99}}"#,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let undone = undo(&env, &["--yes"]);
    assert!(undone.status.success(), "{}", stderr(&undone));
    assert_eq!(env.replicas("shop", "web"), 2);
}

#[test]
fn an_undo_is_previewed_asked_for_journaled_and_can_itself_be_undone() {
    let env = TestEnv::healthy();
    let scale = json!({"op": "scale", "kind": "deployment", "name": "web", "namespace": "shop", "replicas": {"to": 4}});
    assert!(run_plan(&env, &scale, &["--yes"]).status.success());

    // --dry-run: the diff back to 2 replicas, nothing applied, nothing journaled.
    let previewed = undo(&env, &["--dry-run"]);
    assert!(previewed.status.success(), "{}", stderr(&previewed));
    let text = stdout(&previewed);
    assert!(
        text.contains("restore deployment/web as it was before run 1")
            && text.contains("-  replicas: 4\n+  replicas: 2"),
        "{text}"
    );
    assert_eq!(env.replicas("shop", "web"), 4);
    // No terminal and no --yes: declined, exit 3.
    assert_exit(&undo(&env, &[]), 3);
    assert_eq!(env.replicas("shop", "web"), 4);
    assert_eq!(entries(&env).len(), 1);

    let undone = undo(&env, &["--yes", "--json"]);
    assert!(undone.status.success(), "{}", stderr(&undone));
    let report = json_stdout(&undone);
    assert_eq!(report["status"], "ok");
    assert_eq!(report["request"], "undo run 1");
    assert_eq!(report["operations"][0]["operation"]["op"], "restore");
    assert_eq!(env.replicas("shop", "web"), 2);
    let journaled = entries(&env);
    assert_eq!(journaled.len(), 2);
    assert_eq!(journaled[1]["source"], json!({"kind": "undo", "run": 1}));

    // The undo is the last change: undoing it again puts the change back.
    let redone = undo(&env, &["--yes"]);
    assert!(redone.status.success(), "{}", stderr(&redone));
    assert_eq!(env.replicas("shop", "web"), 4);
}

#[test]
fn undo_sentences_route_offline() {
    for sentence in ["undo the last change", "revert that"] {
        let env = TestEnv::healthy();
        let label = json!({"op": "label", "kind": "deployment", "name": "web", "namespace": "shop", "set": [{"key": "tier", "value": "front"}]});
        assert!(run_plan(&env, &label, &["--yes"]).status.success());
        // No model is configured: only the offline route can answer.
        let out = plugin(&env).args([sentence, "--yes"]).output().unwrap();
        assert!(out.status.success(), "{sentence}: {}", stderr(&out));
        let web = env.live(&["deployment", "web", "-n", "shop"]).unwrap();
        assert!(
            web["metadata"]["labels"].get("tier").is_none(),
            "{sentence}: {web:#}"
        );
    }
}

#[test]
fn a_run_from_another_context_or_a_missing_run_is_refused_with_what_to_do() {
    let env = TestEnv::healthy();
    let scale = json!({"op": "scale", "kind": "deployment", "name": "web", "namespace": "shop", "replicas": {"to": 4}});
    assert!(run_plan(&env, &scale, &["--yes"]).status.success());
    let out = undo(&env, &["1", "--context", "staging", "--yes"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("run 1 changed context sandbox")
            && stderr(&out).contains("--context sandbox"),
        "{}",
        stderr(&out)
    );
    let out = undo(&env, &["7"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("there is no run 7 in the journal; the latest runs are 1"),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.replicas("shop", "web"), 4);
}

#[test]
fn undo_explain_contacts_nothing() {
    let env = TestEnv::healthy();
    let scale = json!({"op": "scale", "kind": "deployment", "name": "web", "namespace": "shop", "replicas": {"to": 4}});
    assert!(run_plan(&env, &scale, &["--yes"]).status.success());
    let out = plugin(&env)
        .env("KUBECTL_PATH", env.home().join("no-kubectl-here"))
        .args(["undo", "--explain"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("1. restore deployment/web as it was before run 1")
            && text.contains("kubectl replace -f - -n shop"),
        "{text}"
    );
    assert_eq!(env.replicas("shop", "web"), 4);
}

#[test]
fn a_bare_undo_refuses_a_last_run_whose_outcome_is_unknown_rather_than_undo_an_earlier_one() {
    // Run 2 as a run killed mid-apply leaves it (status unknown), or as a run
    // that lost the cluster during its change (failed, the change unknown).
    for status in ["unknown", "failed"] {
        let env = TestEnv::healthy();
        let scale = json!({"op": "scale", "kind": "deployment", "name": "web", "namespace": "shop", "replicas": {"to": 4}});
        assert!(run_plan(&env, &scale, &["--yes"]).status.success());
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let cut = json!({"id": 2, "time": kubectl_ai::journal::rfc3339(now), "request": "scale api to 5",
            "source": {"kind": "rules"}, "context": "sandbox", "namespace": "shop", "status": status,
            "operations": [{"summary": "scale deployment/api to 5 replicas",
                            "equivalent_command": "kubectl scale deployment/api --replicas=5 -n shop",
                            "status": "unknown", "exit_code": null, "op": "scale",
                            "not_reversible": kubectl_ai::journal::CUT_OFF}]});
        let mut text = std::fs::read_to_string(journal(&env)).unwrap();
        text.push_str(&format!("{cut}\n"));
        std::fs::write(journal(&env), text).unwrap();
        let before = snapshot(&env);

        let refused = undo(&env, &["--yes"]);
        assert_exit(&refused, 2);
        let said = stderr(&refused);
        for needed in [
            "nothing was changed",
            "run 2",
            "may or may not have been applied",
            "kubectl ai history 2",
            "kubectl ai undo 1",
        ] {
            assert!(said.contains(needed), "{status}: no {needed:?} in {said}");
        }
        assert_eq!(
            snapshot(&env),
            before,
            "{status}: the refused undo changed something"
        );
        assert_eq!(
            entries(&env).len(),
            2,
            "{status}: the refused undo was journaled"
        );

        let refused = undo(&env, &["--yes", "--json"]);
        assert_exit(&refused, 2);
        let document = json_stdout(&refused);
        assert!(
            document["error"]
                .as_str()
                .is_some_and(|e| e.contains("run 2") && e.contains("kubectl ai history 2")),
            "{document:#}"
        );

        // Named, the earlier run is taken back.
        let undone = undo(&env, &["1", "--yes"]);
        assert!(undone.status.success(), "{status}: {}", stderr(&undone));
        assert_eq!(env.replicas("shop", "web"), 2);
    }
}
