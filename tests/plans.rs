//! Every operation of the plan vocabulary, end to end: a plan file run by the real
//! binary with the real kubectl against the sandbox. Each change checks the argv,
//! the preview diff, the apply, and the invariant that the live object afterwards
//! equals the previewed one.

mod common;

use common::{TestEnv, assert_success, json_stdout, stderr, stdout};
use serde_json::{Value, json};

fn plan(op: Value) -> Value {
    json!({ "operations": [op] })
}

/// After an apply, every previewed "after" is what the cluster now holds.
fn assert_preview_is_result(env: &TestEnv, report: &Value) {
    for op in report["operations"].as_array().unwrap() {
        for preview in op["preview"].as_array().into_iter().flatten() {
            let object = preview["object"].as_str().unwrap();
            if object.starts_with("kubeconfig/") {
                continue;
            }
            let mut args = vec![object.to_string()];
            if let Some(ns) = preview["namespace"].as_str() {
                args.extend(["-n".to_string(), ns.to_string()]);
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let live = env.live(&args);
            match preview["after"].as_object() {
                Some(_) => {
                    let live =
                        live.unwrap_or_else(|| panic!("{object} should exist after the apply"));
                    assert_eq!(
                        kubectl_ai::preview::normalize(&live),
                        preview["after"],
                        "live {object} differs from its preview"
                    );
                }
                None => assert!(live.is_none(), "{object} should be gone after the apply"),
            }
        }
    }
}

fn only_op(report: &Value) -> &Value {
    let ops = report["operations"].as_array().unwrap();
    assert_eq!(ops.len(), 1, "{report:#}");
    &ops[0]
}

fn apply_and_check(env: &TestEnv, op: Value) -> Value {
    let report = env.apply(&plan(op));
    assert_eq!(report["status"], "ok", "{report:#}");
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["source"]["kind"], "plan_file");
    assert_preview_is_result(env, &report);
    report
}

#[test]
fn scale_to_a_count() {
    let env = TestEnv::healthy();
    let report = apply_and_check(
        &env,
        json!({"op": "scale", "name": "web", "namespace": "shop", "replicas": {"to": 5}}),
    );
    let op = only_op(&report);
    assert_eq!(op["status"], "applied");
    assert!(
        op["equivalent_command"]
            .as_str()
            .unwrap()
            .starts_with("kubectl scale deployment/web -n shop --replicas=5")
    );
    // The apply sends the previewed object itself, with its resourceVersion.
    assert_eq!(op["argv"][0], "replace");
    let diff = op["preview"][0]["diff"].as_str().unwrap();
    assert!(diff.contains("-  replicas: 2\n+  replicas: 5"), "{diff}");
    let live = env.live(&["deployment", "web", "-n", "shop"]).unwrap();
    assert_eq!(live["spec"]["replicas"], 5);
    let pods = env.live(&["pods", "-n", "shop", "-l", "app=web"]).unwrap();
    assert_eq!(pods["items"].as_array().unwrap().len(), 5);
}

#[test]
fn scale_by_a_relative_amount_counts_from_the_live_object() {
    let env = TestEnv::healthy();
    apply_and_check(
        &env,
        json!({"op": "scale", "name": "web", "replicas": {"by": 2}}),
    );
    assert_eq!(
        env.live(&["deployment", "web"]).unwrap()["spec"]["replicas"],
        4
    );
    apply_and_check(
        &env,
        json!({"op": "scale", "name": "web", "replicas": {"by_percent": -50}}),
    );
    assert_eq!(
        env.live(&["deployment", "web"]).unwrap()["spec"]["replicas"],
        2
    );
}

#[test]
fn a_change_that_changes_nothing_says_so_and_does_not_ask() {
    let env = TestEnv::healthy();
    let out = env.run_plan(
        &plan(json!({"op": "scale", "name": "web", "replicas": {"to": 2}})),
        &[],
    );
    assert_success(&out);
    assert!(stdout(&out).contains("no change"), "{}", stdout(&out));
}

#[test]
fn set_image_env_and_resources() {
    let env = TestEnv::healthy();
    let report = apply_and_check(
        &env,
        json!({"op": "set_image", "name": "web", "image": "nginx:1.27"}),
    );
    assert!(
        only_op(&report)["preview"][0]["diff"]
            .as_str()
            .unwrap()
            .contains("+      - image: nginx:1.27")
    );
    apply_and_check(
        &env,
        json!({"op": "set_env", "name": "web", "set": [{"key": "LOG_LEVEL", "value": "debug"}]}),
    );
    let report = apply_and_check(
        &env,
        json!({"op": "set_resources", "name": "web", "limits": {"memory": "512Mi"}, "requests": {"cpu": "250m"}}),
    );
    assert!(
        only_op(&report)["preview"][0]["diff"]
            .as_str()
            .unwrap()
            .contains("memory: 512Mi")
    );
    let live = env.live(&["deployment", "web"]).unwrap();
    let container = &live["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["image"], "nginx:1.27");
    assert_eq!(container["resources"]["limits"]["memory"], "512Mi");
}

#[test]
fn credential_env_values_are_masked_everywhere() {
    let env = TestEnv::healthy();
    let report = apply_and_check(
        &env,
        json!({"op": "set_env", "name": "web", "set": [{"key": "DB_PASSWORD", "value": "hunter2-hunter2"}]}),
    );
    let text = report.to_string();
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("DB_PASSWORD=***"), "{text}");
    // Nor in logs, nor in human output.
    let out = env.run_plan(
        &plan(json!({"op": "set_env", "name": "api", "set": [{"key": "API_TOKEN", "value": "tok-hunter3-hunter3"}]})),
        &["--yes", "-vv"],
    );
    assert_success(&out);
    let all = stdout(&out) + &stderr(&out);
    assert!(all.contains("running kubectl"), "the logs were on: {all}");
    assert!(!all.contains("hunter3"), "{all}");
}

#[test]
fn rollout_restart_and_undo() {
    let env = TestEnv::healthy();
    let report = apply_and_check(&env, json!({"op": "rollout_restart", "name": "web"}));
    assert!(
        only_op(&report)["preview"][0]["diff"]
            .as_str()
            .unwrap()
            .contains("kubectl.kubernetes.io/restartedAt")
    );
    apply_and_check(
        &env,
        json!({"op": "set_image", "name": "web", "image": "nginx:1.27"}),
    );
    apply_and_check(&env, json!({"op": "rollout_undo", "name": "web"}));
    let live = env.live(&["deployment", "web"]).unwrap();
    assert!(live["spec"]["template"]["spec"]["containers"][0]["image"] != "nginx:1.27");
}

#[test]
fn creates_diff_against_nothing() {
    let env = TestEnv::healthy();
    let report = apply_and_check(
        &env,
        json!({"op": "create_deployment", "name": "api2", "image": "nginx:1.25", "replicas": 3, "port": 80}),
    );
    let op = only_op(&report);
    assert_eq!(
        op["equivalent_command"],
        "kubectl create deployment api2 --image=nginx:1.25 --replicas=3 --port=80"
    );
    assert!(
        op["preview"][0]["diff"]
            .as_str()
            .unwrap()
            .starts_with("--- /dev/null")
    );
    assert!(env.live(&["deployment", "api2"]).is_some());
    apply_and_check(
        &env,
        json!({"op": "run_pod", "name": "one-off", "image": "busybox:1.36"}),
    );
    apply_and_check(&env, json!({"op": "create_namespace", "name": "staging"}));
    apply_and_check(
        &env,
        json!({"op": "create_config_map", "name": "app-config", "data": [{"key": "color", "value": "blue"}]}),
    );
    assert_eq!(
        env.live(&["configmap", "app-config"]).unwrap()["data"]["color"],
        "blue"
    );
}

#[test]
fn secrets_are_created_but_never_shown() {
    let env = TestEnv::healthy();
    let report = apply_and_check(
        &env,
        json!({"op": "create_secret", "name": "db", "data": [{"key": "password", "value": "hunter2"}]}),
    );
    let text = report.to_string();
    assert!(
        !text.contains("hunter2") && !text.contains("aHVudGVyMg"),
        "{text}"
    );
    let live = env.live(&["secret", "db"]).unwrap();
    assert_eq!(live["data"]["password"], "aHVudGVyMg==");
}

#[test]
fn expose_and_autoscale() {
    let env = TestEnv::healthy();
    let report = apply_and_check(
        &env,
        json!({"op": "expose", "name": "web", "port": 8080, "target_port": 80, "service_name": "web-public", "service_type": "NodePort"}),
    );
    assert!(
        only_op(&report)["preview"][0]["diff"]
            .as_str()
            .unwrap()
            .contains("+  type: NodePort")
    );
    apply_and_check(
        &env,
        json!({"op": "autoscale", "name": "web", "min": 2, "max": 10, "cpu_percent": 70}),
    );
    let hpa = env.live(&["hpa", "web"]).unwrap();
    assert_eq!(hpa["spec"]["maxReplicas"], 10);
}

#[test]
fn label_and_annotate_by_name_and_selector() {
    let env = TestEnv::healthy();
    apply_and_check(
        &env,
        json!({"op": "label", "kind": "deployment", "name": "web", "set": [{"key": "tier", "value": "frontend"}]}),
    );
    assert_eq!(
        env.live(&["deployment", "web"]).unwrap()["metadata"]["labels"]["tier"],
        "frontend"
    );
    apply_and_check(
        &env,
        json!({"op": "label", "kind": "deployment", "name": "web", "remove": ["tier"]}),
    );
    assert!(
        env.live(&["deployment", "web"]).unwrap()["metadata"]["labels"]
            .get("tier")
            .is_none()
    );
    let report = apply_and_check(
        &env,
        json!({"op": "annotate", "kind": "pods", "selector": "app=web", "set": [{"key": "owner", "value": "team-a"}]}),
    );
    assert_eq!(only_op(&report)["preview"].as_array().unwrap().len(), 2);
}

#[test]
fn delete_by_name_and_by_selector() {
    let env = TestEnv::healthy();
    let report = apply_and_check(
        &env,
        json!({"op": "delete", "kind": "service", "name": "web"}),
    );
    assert!(
        only_op(&report)["preview"][0]["diff"]
            .as_str()
            .unwrap()
            .contains("+++ /dev/null")
    );
    let report = apply_and_check(
        &env,
        json!({"op": "delete", "kind": "pods", "selector": "app=api"}),
    );
    assert_eq!(only_op(&report)["preview"].as_array().unwrap().len(), 2);
}

#[test]
fn nodes_cordon_uncordon_taint_drain() {
    let env = TestEnv::healthy();
    apply_and_check(&env, json!({"op": "cordon", "node": "worker-1"}));
    assert_eq!(
        env.live(&["node", "worker-1"]).unwrap()["spec"]["unschedulable"],
        true
    );
    apply_and_check(&env, json!({"op": "uncordon", "node": "worker-1"}));
    assert!(
        env.live(&["node", "worker-1"]).unwrap()["spec"]
            .get("unschedulable")
            .is_none()
    );
    apply_and_check(
        &env,
        json!({"op": "taint", "node": "worker-1", "key": "dedicated", "value": "gpu", "effect": "NoSchedule"}),
    );
    assert_eq!(
        env.live(&["node", "worker-1"]).unwrap()["spec"]["taints"][0]["key"],
        "dedicated"
    );
    let report = apply_and_check(&env, json!({"op": "drain", "node": "worker-2"}));
    assert!(
        only_op(&report)["preview_text"]
            .as_str()
            .unwrap()
            .contains("server dry run")
    );
}

#[test]
fn patch_and_apply_manifest() {
    let env = TestEnv::healthy();
    apply_and_check(
        &env,
        json!({"op": "patch", "kind": "deployment", "name": "web", "patch_type": "merge", "patch": {"spec": {"minReadySeconds": 5}}}),
    );
    let policy = json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": "allow-frontend"},
        "spec": {"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "frontend"}}}]}]}});
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, "data": {"a": "1"}});
    let report = apply_and_check(&env, json!({"op": "apply", "objects": [policy, cm]}));
    assert_eq!(only_op(&report)["preview"].as_array().unwrap().len(), 2);
}

#[test]
fn use_context_switches_the_kubeconfig() {
    let env = TestEnv::healthy();
    let report = apply_and_check(&env, json!({"op": "use_context", "context": "staging"}));
    assert!(
        only_op(&report)["preview"][0]["diff"]
            .as_str()
            .unwrap()
            .contains("+current-context: staging")
    );
    let out = env
        .kubectl()
        .args(["config", "current-context"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out).trim(), "staging");
}

#[test]
fn reads_pass_kubectl_output_through() {
    let env = TestEnv::healthy();
    let out = env.run_plan(
        &plan(json!({"op": "get", "kinds": ["pods"], "namespace": "shop"})),
        &[],
    );
    assert_success(&out);
    let direct = env
        .kubectl()
        .args(["get", "pods", "-n", "shop"])
        .output()
        .unwrap();
    // AGE may tick between the two runs; compare names and statuses.
    let first_column = |s: String| {
        s.lines()
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
    };
    assert_eq!(first_column(stdout(&out)), first_column(stdout(&direct)));
    for op in [
        json!({"op": "describe", "kind": "deployment", "name": "web"}),
        json!({"op": "logs", "name": "web", "kind": "deployment", "tail": 5}),
        json!({"op": "events", "namespace": "shop"}),
        json!({"op": "top", "resource": "nodes"}),
        json!({"op": "rollout_status", "name": "web"}),
        json!({"op": "rollout_history", "name": "web"}),
        json!({"op": "endpoints", "service": "web"}),
        json!({"op": "contexts"}),
        json!({"op": "contexts", "current_only": true}),
        json!({"op": "api_resources"}),
        json!({"op": "explain", "field": "deployment.spec.replicas"}),
        json!({"op": "events", "warnings_only": true, "object": {"kind": "deployment", "name": "web"}}),
    ] {
        let out = env.run_plan(&plan(op.clone()), &["--json"]);
        assert_success(&out);
        let report = json_stdout(&out);
        assert_eq!(
            report["operations"][0]["status"], "read",
            "{op}: {report:#}"
        );
        // The healthy scenario has no warning events: kubectl prints nothing for them.
        let warnings_only = op["warnings_only"] == true;
        assert_eq!(
            report["operations"][0]["stdout"]
                .as_str()
                .unwrap()
                .is_empty(),
            warnings_only,
            "{op}: {report:#}"
        );
    }
}

#[test]
fn no_terminal_and_no_yes_changes_nothing_and_exits_3() {
    let env = TestEnv::healthy();
    let out = env.run_plan(
        &plan(json!({"op": "scale", "name": "web", "replicas": {"to": 4}})),
        &[],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("+  replicas: 4"),
        "the preview is still shown: {}",
        stdout(&out)
    );
    assert_eq!(
        env.live(&["deployment", "web"]).unwrap()["spec"]["replicas"],
        2
    );
}

#[test]
fn dry_run_previews_and_never_applies() {
    let env = TestEnv::healthy();
    let out = env.run_plan(
        &plan(json!({"op": "delete", "kind": "deployment", "name": "web"})),
        &["--dry-run", "--yes", "--json"],
    );
    assert_success(&out);
    let report = json_stdout(&out);
    assert_eq!(report["status"], "previewed");
    assert_eq!(report["operations"][0]["status"], "previewed");
    assert!(env.live(&["deployment", "web"]).is_some());
}

#[test]
fn not_found_targets_suggest_close_names_and_exit_2() {
    let env = TestEnv::healthy();
    let out = env.run_plan(
        &plan(json!({"op": "scale", "name": "wbe", "replicas": {"to": 3}})),
        &["--yes"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("deployment wbe not found") && err.contains("did you mean web?"),
        "{err}"
    );
}

#[test]
fn a_failed_apply_reports_what_was_applied_and_what_was_not_attempted() {
    let env = TestEnv::healthy();
    // Both previews pass; applying the first makes the second fail.
    let out = env.run_plan(
        &json!({"operations": [
            {"op": "delete", "kind": "deployment", "name": "api"},
            {"op": "set_image", "name": "api", "image": "nginx:1.27"},
            {"op": "create_namespace", "name": "never"}
        ]}),
        &["--yes", "--json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json_stdout(&out);
    assert_eq!(report["status"], "failed");
    let statuses = common::statuses(&report);
    assert_eq!(statuses, ["applied", "failed", "not-attempted"]);
    assert!(
        report["operations"][1]["stderr"]
            .as_str()
            .unwrap()
            .contains("not found"),
        "{report:#}"
    );
    assert!(env.live(&["namespace", "never"]).is_none());
}

#[test]
fn a_refused_preview_changes_nothing() {
    let env = TestEnv::healthy();
    env.cluster.forbid("patch", "nodes");
    let out = env.run_plan(
        &json!({"operations": [
            {"op": "scale", "name": "web", "replicas": {"to": 4}},
            {"op": "cordon", "node": "worker-1"},
            {"op": "create_namespace", "name": "never"}
        ]}),
        &["--yes", "--json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let report = json_stdout(&out);
    assert_eq!(report["status"], "failed");
    let statuses = common::statuses(&report);
    assert_eq!(statuses, ["not-attempted", "failed", "not-attempted"]);
    assert!(
        report["operations"][1]["stderr"]
            .as_str()
            .unwrap()
            .contains("forbidden"),
        "{report:#}"
    );
    assert_eq!(
        env.live(&["deployment", "web"]).unwrap()["spec"]["replicas"],
        2
    );
}

#[test]
fn explain_never_contacts_the_cluster() {
    let env = TestEnv::healthy();
    let path = env.plan_file(&plan(
        json!({"op": "scale", "name": "web", "replicas": {"to": 3}}),
    ));
    let out = env
        .plugin()
        .env("KUBECONFIG", "/nonexistent/kubeconfig")
        .args(["--explain", "--json", "--plan"])
        .arg(&path)
        .output()
        .unwrap();
    assert_success(&out);
    let report = json_stdout(&out);
    assert_eq!(report["status"], "explained");
    assert_eq!(report["operations"][0]["status"], "planned");
    assert_eq!(
        report["operations"][0]["equivalent_command"],
        "kubectl scale deployment/web --replicas=3"
    );
}

#[test]
fn save_plan_then_run_it() {
    let env = TestEnv::healthy();
    let saved = env.home().join("saved.json");
    let path = env.plan_file(&plan(
        json!({"op": "scale", "name": "web", "replicas": {"to": 3}}),
    ));
    let out = env
        .plugin()
        .args(["--explain", "--plan"])
        .arg(&path)
        .arg("--save-plan")
        .arg(&saved)
        .output()
        .unwrap();
    assert_success(&out);
    let report = env.apply(&serde_json::from_slice(&std::fs::read(&saved).unwrap()).unwrap());
    assert_eq!(report["operations"][0]["status"], "applied");
}

#[test]
fn invalid_plans_are_refused_naming_the_value() {
    let env = TestEnv::healthy();
    let out = env.run_plan(
        &plan(json!({"op": "scale", "name": "web", "replicas": {"to": -1}})),
        &["--yes"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("-1"), "{}", stderr(&out));
    let out = env.run_plan(&plan(json!({"op": "shell", "command": "sh"})), &["--yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("shell"), "{}", stderr(&out));
    assert_eq!(
        env.live(&["deployment", "web"]).unwrap()["spec"]["replicas"],
        2
    );
}

#[test]
fn a_plan_may_create_a_namespace_and_then_objects_in_it() {
    let env = TestEnv::healthy();
    let out = env.run_plan(
        &json!({"operations": [
            {"op": "create_namespace", "name": "staging"},
            {"op": "create_deployment", "name": "web", "namespace": "staging", "image": "nginx:1.27"}
        ]}),
        &["--yes", "--json"],
    );
    assert_success(&out);
    let report = json_stdout(&out);
    assert!(
        report["operations"][1]["preview_text"]
            .as_str()
            .unwrap()
            .contains("not checked by the server")
    );
    assert!(env.live(&["deployment", "web", "-n", "staging"]).is_some());
}

/// Runs a plan with a kubectl that logs each invocation; the logged argvs.
fn kubectl_calls(env: &TestEnv, plan_json: &Value, flags: &[&str]) -> Vec<String> {
    let (kubectl, log) = env.logging_kubectl();
    let path = env.plan_file(plan_json);
    let out = env
        .plugin()
        .env("KUBECTL_PATH", &kubectl)
        .arg("--plan")
        .arg(&path)
        .args(flags)
        .output()
        .unwrap();
    assert_success(&out);
    common::logged_calls(&log)
}

#[test]
fn a_change_costs_three_kubectl_calls_and_a_read_one() {
    let env = TestEnv::healthy();
    let calls = kubectl_calls(
        &env,
        &plan(json!({"op": "scale", "name": "web", "replicas": {"to": 3}})),
        &["--yes"],
    );
    assert_eq!(calls.len(), 3, "{calls:#?}");
    assert!(
        calls[0].starts_with("get deployments web") || calls[1].starts_with("get deployments web"),
        "{calls:#?}"
    );
    assert!(
        calls.iter().any(|c| c.contains("--dry-run=server")),
        "{calls:#?}"
    );
    assert!(
        calls[2].starts_with("replace --raw /apis/apps/v1/namespaces/default/deployments/web")
            && !calls[2].contains("--dry-run"),
        "{calls:#?}"
    );
    // A read is one call too, pinned like every call to the run's context.
    let pinned = "get pods --context sandbox --cluster sandbox --user sandbox";
    let calls = kubectl_calls(&env, &plan(json!({"op": "get", "kinds": ["pods"]})), &[]);
    assert_eq!(calls, [pinned]);
    let calls = kubectl_calls(
        &env,
        &plan(json!({"op": "get", "kinds": ["pods"]})),
        &["--json"],
    );
    assert_eq!(calls, [pinned]);
}

#[test]
fn ctrl_c_during_the_apply_finishes_the_call_in_flight_then_stops_and_reports() {
    let env = TestEnv::healthy();
    // A kubectl that, on the first real apply, interrupts kubectl-ai (as Ctrl-C at
    // the terminal would) and then completes its own work.
    let wrapper = env.kubectl_shim(
        "kubectl-interrupting",
        "case \"$*\" in replace*) kill -INT $PPID; sleep 0.3 ;; esac",
    );
    let path = env.plan_file(&json!({"operations": [
        {"op": "scale", "name": "web", "replicas": {"to": 3}},
        {"op": "scale", "name": "api", "replicas": {"to": 3}}
    ]}));
    let out = env
        .plugin()
        .env("KUBECTL_PATH", &wrapper)
        .arg("--plan")
        .arg(&path)
        .args(["--yes", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let report = json_stdout(&out);
    assert_eq!(report["status"], "interrupted");
    let statuses = common::statuses(&report);
    assert_eq!(statuses, ["applied", "not-attempted"]);
    assert_eq!(
        env.live(&["deployment", "web"]).unwrap()["spec"]["replicas"],
        3
    );
    assert_eq!(
        env.live(&["deployment", "api"]).unwrap()["spec"]["replicas"],
        2
    );
}

#[test]
fn ctrl_c_before_the_apply_changes_nothing() {
    let env = TestEnv::healthy();
    let wrapper = env.kubectl_shim(
        "kubectl-interrupting-early",
        "case \"$*\" in *dry-run*) kill -INT $PPID; sleep 0.3 ;; esac",
    );
    let path = env.plan_file(&plan(
        json!({"op": "scale", "name": "web", "replicas": {"to": 3}}),
    ));
    let out = env
        .plugin()
        .env("KUBECTL_PATH", &wrapper)
        .arg("--plan")
        .arg(&path)
        .arg("--yes")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert_eq!(
        env.live(&["deployment", "web"]).unwrap()["spec"]["replicas"],
        2
    );
}

#[test]
fn the_human_preview_reads_well() {
    let env = TestEnv::healthy();
    let out = env.run_plan(
        &plan(json!({"op": "scale", "name": "web", "namespace": "shop", "replicas": {"to": 3}})),
        &["--dry-run"],
    );
    assert_success(&out);
    let expected = "\
1. scale deployment/web to 3 replicas in shop
   kubectl scale deployment/web -n shop --replicas=3
--- deployment/web (live)
+++ deployment/web (after)
@@ -7,7 +7,7 @@
   namespace: shop
 spec:
   progressDeadlineSeconds: 600
-  replicas: 2
+  replicas: 3
   revisionHistoryLimit: 10
   selector:
     matchLabels:
";
    let text = stdout(&out);
    let (header, rest) = text.split_once('\n').unwrap();
    assert!(
        header.starts_with("Plan from the plan file ") && header.ends_with(".json:"),
        "{header}"
    );
    assert_eq!(rest, expected);
    assert_eq!(stderr(&out), "dry run: nothing was applied\n");
}

#[test]
fn secret_env_values_are_masked_in_diffs_yet_a_changed_one_is_marked() {
    let env = TestEnv::healthy();
    let report = apply_and_check(
        &env,
        json!({"op": "set_env", "name": "api", "namespace": "shop", "set": [
            {"key": "LOG_LEVEL", "value": "debug"},
            {"key": "DATABASE_PASSWORD", "value": "n3w-s3cr3t-value"}]}),
    );
    let diff = only_op(&report)["preview"][0]["diff"].as_str().unwrap();
    assert!(diff.contains("+          value: '*** (changed)'"), "{diff}");
    assert!(
        !diff.contains("s3cr3t-value") && !diff.contains("n3w-s3cr3t-value"),
        "{diff}"
    );
    // A plain value is shown, so the person can check what they typed.
    assert!(
        diff.contains("-          value: info\n+          value: debug"),
        "{diff}"
    );
    let live = env.live(&["deployment", "api", "-n", "shop"]).unwrap();
    let containers = live["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap();
    let log_level = containers
        .iter()
        .flat_map(|c| c["env"].as_array().into_iter().flatten())
        .find(|e| e["name"] == "LOG_LEVEL")
        .unwrap();
    assert_eq!(log_level["value"], "debug");
}

#[test]
fn applied_changes_are_journaled_without_secrets() {
    let env = TestEnv::healthy();
    let journal = env.home().join(".local/state/kubectl-ai/journal.jsonl");
    let out = env.run_plan(
        &plan(json!({"op": "scale", "name": "web", "replicas": {"to": 3}})),
        &["--dry-run"],
    );
    assert_success(&out);
    assert!(
        !journal.exists(),
        "a dry run applies nothing, so journals nothing"
    );
    env.apply(&plan(
        json!({"op": "set_env", "name": "web", "set": [{"key": "DB_PASSWORD", "value": "hunter5-hunter5"}]}),
    ));
    let text = std::fs::read_to_string(&journal).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert_eq!(lines[0]["operations"][0]["status"], "applied");
    assert_eq!(lines[0]["context"], "sandbox");
    assert!(
        lines[0]["operations"][0]["equivalent_command"]
            .as_str()
            .unwrap()
            .starts_with("kubectl set env")
    );
    assert!(!text.contains("hunter5"), "{text}");
    // Elsewhere, or off.
    let elsewhere = env.home().join("audit.jsonl");
    let path = env.plan_file(&plan(
        json!({"op": "scale", "name": "web", "replicas": {"to": 4}}),
    ));
    let out = env
        .plugin()
        .env("KUBECTL_AI_JOURNAL", &elsewhere)
        .arg("--plan")
        .arg(&path)
        .arg("--yes")
        .output()
        .unwrap();
    assert_success(&out);
    assert_eq!(
        std::fs::read_to_string(&elsewhere).unwrap().lines().count(),
        1
    );
    let path = env.plan_file(&plan(
        json!({"op": "scale", "name": "web", "replicas": {"to": 5}}),
    ));
    let out = env
        .plugin()
        .env("KUBECTL_AI_JOURNAL", "off")
        .arg("--plan")
        .arg(&path)
        .arg("--yes")
        .output()
        .unwrap();
    assert_success(&out);
    assert_eq!(
        std::fs::read_to_string(&journal).unwrap().lines().count(),
        1
    );
}

#[test]
fn a_namespace_the_plan_names_beats_the_command_line_for_preview_and_apply_alike() {
    let env = TestEnv::healthy();
    let path = env.plan_file(&plan(
        json!({"op": "scale", "name": "web", "namespace": "shop", "replicas": {"to": 4}}),
    ));
    let out = env
        .plugin()
        .args(["-n", "default", "--yes", "--plan"])
        .arg(&path)
        .output()
        .unwrap();
    assert_success(&out);
    assert_eq!(
        env.live(&["deployment", "web", "-n", "shop"]).unwrap()["spec"]["replicas"],
        4
    );
    assert_eq!(
        env.live(&["deployment", "web", "-n", "default"]).unwrap()["spec"]["replicas"],
        2
    );
}

#[test]
fn rollout_undo_of_statefulsets_and_daemonsets_uses_their_revisions() {
    let env = TestEnv::healthy();
    let labels = json!({"app": "db"});
    let sts = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
        "spec": {"serviceName": "db", "replicas": 1, "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "db", "image": "postgres:15"}]}}}});
    let agent_labels = json!({"app": "agent"});
    let ds = json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
        "spec": {"selector": {"matchLabels": agent_labels},
            "template": {"metadata": {"labels": agent_labels}, "spec": {"containers": [{"name": "agent", "image": "fluent-bit:3.0"}]}}}});
    apply_and_check(&env, json!({"op": "apply", "objects": [sts, ds]}));
    for (kind, name, new, old) in [
        ("statefulset", "db", "postgres:16", "postgres:15"),
        ("daemonset", "agent", "fluent-bit:3.1", "fluent-bit:3.0"),
    ] {
        apply_and_check(
            &env,
            json!({"op": "set_image", "kind": kind, "name": name, "image": new}),
        );
        let report = apply_and_check(
            &env,
            json!({"op": "rollout_undo", "kind": kind, "name": name}),
        );
        let diff = only_op(&report)["preview"][0]["diff"].as_str().unwrap();
        assert!(diff.contains(&format!("+      - image: {old}")), "{diff}");
        let live = env.live(&[kind, name]).unwrap();
        assert_eq!(
            live["spec"]["template"]["spec"]["containers"][0]["image"], old,
            "{kind}"
        );
    }
}

#[test]
fn explain_names_the_context_from_the_kubeconfig_without_contacting_it() {
    let env = TestEnv::healthy();
    let path = env.plan_file(&plan(
        json!({"op": "scale", "name": "web", "replicas": {"to": 3}}),
    ));
    let (kubectl, log) = env.logging_kubectl();
    let out = env
        .plugin()
        .env("KUBECTL_PATH", &kubectl)
        .args(["--explain", "--json", "-n", "shop", "--plan"])
        .arg(&path)
        .output()
        .unwrap();
    assert_success(&out);
    let report = json_stdout(&out);
    assert_eq!(report["context"], "sandbox");
    assert_eq!(report["namespace"], "shop");
    assert!(
        common::logged_calls(&log).is_empty(),
        "no kubectl call under --explain"
    );
}
