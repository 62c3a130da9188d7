//! The promises of the preview, attacked over the whole vocabulary of changes,
//! through the real binary and the real kubectl against the sandbox:
//!
//! - applying a change twice: the second run is "no change", asks nothing,
//!   writes nothing, journals nothing, and never shows a deletion;
//! - the object changed between the preview and the apply: the apply fails with
//!   "changed since the preview" and writes nothing (the server refuses the stale
//!   `resourceVersion`); a status-only update in between is not a change;
//! - a delete by selector deletes exactly the objects its preview listed.

mod common;

use common::{TestEnv, assert_exit, json_stdout, statuses, stderr, stdout};
use serde_json::{Value, json};

/// One change of each kind the vocabulary has, on objects of the healthy scenario.
fn idempotent_changes() -> Vec<(&'static str, Value)> {
    vec![
        (
            "create_deployment",
            json!({"op": "create_deployment", "name": "shopfront", "namespace": "shop", "image": "nginx:1.27", "replicas": 2, "port": 80}),
        ),
        (
            "run_pod",
            json!({"op": "run_pod", "name": "toolbox", "namespace": "shop", "image": "busybox:1.36"}),
        ),
        (
            "create_namespace",
            json!({"op": "create_namespace", "name": "team-a"}),
        ),
        (
            "create_config_map",
            json!({"op": "create_config_map", "name": "settings", "namespace": "shop", "data": [{"key": "mode", "value": "fast"}]}),
        ),
        (
            "create_secret",
            json!({"op": "create_secret", "name": "db", "namespace": "shop", "data": [{"key": "password", "value": "Xq9-not-shown"}]}),
        ),
        (
            "autoscale",
            json!({"op": "autoscale", "kind": "deployment", "name": "web", "namespace": "shop", "min": 2, "max": 5, "cpu_percent": 80}),
        ),
        (
            "apply",
            json!({"op": "apply", "namespace": "shop", "objects": [
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "flags"}, "data": {"beta": "on"}}]}),
        ),
        (
            "apply (existing object)",
            json!({"op": "apply", "namespace": "shop", "objects": [
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "api-config"}, "data": {"extra": "1"}}]}),
        ),
        (
            "scale",
            json!({"op": "scale", "kind": "deployment", "name": "web", "namespace": "shop", "replicas": {"to": 4}}),
        ),
        (
            "set_image",
            json!({"op": "set_image", "kind": "deployment", "name": "web", "namespace": "shop", "container": "nginx", "image": "nginx:1.27"}),
        ),
        (
            "set_env",
            json!({"op": "set_env", "kind": "deployment", "name": "web", "namespace": "shop", "set": [{"key": "FOO", "value": "bar"}]}),
        ),
        (
            "set_resources",
            json!({"op": "set_resources", "kind": "deployment", "name": "web", "namespace": "shop", "limits": {"memory": "512Mi"}}),
        ),
        (
            "expose",
            json!({"op": "expose", "kind": "deployment", "name": "web", "namespace": "shop", "port": 8080, "service_name": "web-public"}),
        ),
        (
            "label",
            json!({"op": "label", "kind": "deployment", "name": "web", "namespace": "shop", "set": [{"key": "tier", "value": "front"}]}),
        ),
        (
            "label by selector",
            json!({"op": "label", "kind": "pod", "selector": "app=web", "namespace": "shop", "set": [{"key": "tier", "value": "front"}]}),
        ),
        (
            "annotate",
            json!({"op": "annotate", "kind": "deployment", "name": "web", "namespace": "shop", "set": [{"key": "owner", "value": "me"}]}),
        ),
        ("cordon", json!({"op": "cordon", "node": "worker-1"})),
        ("uncordon", json!({"op": "uncordon", "node": "worker-2"})),
        (
            "taint",
            json!({"op": "taint", "node": "worker-1", "key": "dedicated", "value": "gpu", "effect": "NoSchedule"}),
        ),
        (
            "taint removal",
            json!({"op": "taint", "node": "worker-1", "key": "nothing-here", "effect": "NoSchedule", "remove": true}),
        ),
        (
            "patch",
            json!({"op": "patch", "kind": "deployment", "name": "web", "namespace": "shop", "patch_type": "merge", "patch": {"spec": {"minReadySeconds": 5}}}),
        ),
        (
            "use_context",
            json!({"op": "use_context", "context": "staging"}),
        ),
    ]
}

fn plan(op: &Value) -> Value {
    json!({ "operations": [op] })
}

/// Requests that wrote to the sandbox (server dry runs, asked for in the query
/// or in a delete's body, excluded).
fn real_writes(env: &TestEnv) -> Vec<String> {
    env.cluster
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET" && !r.query.contains("dryRun") && !r.body.contains("dryRun"))
        .map(|r| format!("{} {}?{}", r.method, r.path, r.query))
        .collect()
}

fn journal_lines(env: &TestEnv) -> usize {
    std::fs::read_to_string(env.home().join("journal.jsonl"))
        .map(|t| t.lines().count())
        .unwrap_or(0)
}

fn run(env: &TestEnv, plan: &Value, flags: &[&str]) -> std::process::Output {
    run_with(env, plan, flags, None)
}

/// Runs a plan, with another kubectl when given (`KUBECTL_PATH`).
fn run_with(
    env: &TestEnv,
    plan: &Value,
    flags: &[&str],
    kubectl: Option<&std::path::Path>,
) -> std::process::Output {
    let path = env.plan_file(plan);
    let mut cmd = env.plugin();
    if let Some(kubectl) = kubectl {
        cmd.env("KUBECTL_PATH", kubectl);
    }
    cmd.env("KUBECTL_AI_JOURNAL", env.home().join("journal.jsonl"))
        .arg("--plan")
        .arg(&path)
        .args(flags)
        .output()
        .expect("plugin runs")
}

#[test]
fn every_change_applied_twice_is_no_change_the_second_time() {
    let mut failures = Vec::new();
    for (name, op) in idempotent_changes() {
        let env = TestEnv::healthy();
        let first = run(&env, &plan(&op), &["--yes", "--json"]);
        if !first.status.success() {
            failures.push(format!(
                "{name}: the first apply failed: {}{}",
                stdout(&first),
                stderr(&first)
            ));
            continue;
        }
        let writes = real_writes(&env).len();
        let journaled = journal_lines(&env);

        // No --yes and no terminal: anything that needed consent would exit 3.
        let second = run(&env, &plan(&op), &["--json"]);
        let report = json_stdout(&second);
        let problems = [
            (second.status.code() != Some(0)).then(|| format!("exit {:?}", second.status.code())),
            (report["status"] != "no-change").then(|| format!("status {}", report["status"])),
            (statuses(&report) != ["no-change"]).then(|| format!("{:?}", statuses(&report))),
            (real_writes(&env).len() != writes)
                .then(|| format!("wrote {:?}", &real_writes(&env)[writes..])),
            (journal_lines(&env) != journaled).then(|| "journaled the no-op".to_string()),
        ];
        let problems: Vec<String> = problems.into_iter().flatten().collect();
        if !problems.is_empty() {
            failures.push(format!(
                "{name}: {}\n{report:#}\n{}",
                problems.join("; "),
                stderr(&second)
            ));
        }

        // Shown to a person: "no change", never a deletion.
        let shown = run(&env, &plan(&op), &["--dry-run"]);
        let text = stdout(&shown);
        if !shown.status.success() || text.contains("/dev/null") || !text.contains("no change") {
            failures.push(format!("{name}: shown as\n{text}{}", stderr(&shown)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_delete_applied_twice_changes_nothing_the_second_time() {
    let env = TestEnv::healthy();
    let op = json!({"op": "delete", "kind": "deployment", "name": "web", "namespace": "shop"});
    let first = run(&env, &plan(&op), &["--yes", "--json"]);
    assert_exit(&first, 0);
    let writes = real_writes(&env).len();
    let second = run(&env, &plan(&op), &["--yes", "--json"]);
    // Gone is gone: the second run says so (a misspelt name must not pass for "no change").
    assert_exit(&second, 2);
    assert!(stderr(&second).contains("not found"), "{}", stderr(&second));
    assert_eq!(
        real_writes(&env)[writes..],
        [] as [String; 0],
        "{:?}",
        real_writes(&env)
    );
}

/// A kubectl (for `KUBECTL_PATH`) that runs `sh` once, right before the first
/// request that writes for real (not a dry run, not a read).
fn meddling_kubectl(env: &TestEnv, sh: &str) -> std::path::PathBuf {
    let flag = env.home().join("meddled");
    let real = common::real_kubectl();
    env.kubectl_shim(
        "kubectl-meddling",
        &format!(
            "case \"$*\" in *dry-run*|get\\ *|config\\ *|version*|api-*) ;; *) \
             if [ ! -e '{flag}' ]; then touch '{flag}'; {sh}; fi ;; esac",
            flag = flag.display(),
            sh = sh.replace("kubectl ", &format!("'{}' ", real.display())),
        ),
    )
}

/// Changes of existing objects, each with the object it acts on.
fn changes_of_existing_objects() -> Vec<(&'static str, Value, &'static str)> {
    vec![
        (
            "scale",
            json!({"op": "scale", "kind": "deployment", "name": "web", "namespace": "shop", "replicas": {"to": 4}}),
            "deployment web -n shop",
        ),
        (
            "set_image",
            json!({"op": "set_image", "kind": "deployment", "name": "web", "namespace": "shop", "container": "nginx", "image": "nginx:1.27"}),
            "deployment web -n shop",
        ),
        (
            "set_env",
            json!({"op": "set_env", "kind": "deployment", "name": "web", "namespace": "shop", "set": [{"key": "FOO", "value": "bar"}]}),
            "deployment web -n shop",
        ),
        (
            "set_resources",
            json!({"op": "set_resources", "kind": "deployment", "name": "web", "namespace": "shop", "limits": {"memory": "512Mi"}}),
            "deployment web -n shop",
        ),
        (
            "rollout_restart",
            json!({"op": "rollout_restart", "kind": "deployment", "name": "web", "namespace": "shop"}),
            "deployment web -n shop",
        ),
        (
            "label",
            json!({"op": "label", "kind": "deployment", "name": "web", "namespace": "shop", "set": [{"key": "tier", "value": "front"}]}),
            "deployment web -n shop",
        ),
        (
            "annotate",
            json!({"op": "annotate", "kind": "deployment", "name": "web", "namespace": "shop", "set": [{"key": "owner", "value": "me"}]}),
            "deployment web -n shop",
        ),
        (
            "patch",
            json!({"op": "patch", "kind": "deployment", "name": "web", "namespace": "shop", "patch_type": "merge", "patch": {"spec": {"minReadySeconds": 5}}}),
            "deployment web -n shop",
        ),
        (
            "apply",
            json!({"op": "apply", "namespace": "shop", "objects": [
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "api-config"}, "data": {"extra": "1"}}]}),
            "configmap api-config -n shop",
        ),
        (
            "delete",
            json!({"op": "delete", "kind": "deployment", "name": "web", "namespace": "shop"}),
            "deployment web -n shop",
        ),
        (
            "cordon",
            json!({"op": "cordon", "node": "worker-1"}),
            "node worker-1",
        ),
        (
            "taint",
            json!({"op": "taint", "node": "worker-1", "key": "dedicated", "value": "gpu", "effect": "NoSchedule"}),
            "node worker-1",
        ),
    ]
}

#[test]
fn a_change_whose_object_moved_on_since_the_preview_is_refused() {
    let mut failures = Vec::new();
    for (name, op, target) in changes_of_existing_objects() {
        let env = TestEnv::healthy();
        let before = env.live(&target.split(' ').collect::<Vec<_>>());
        let kubectl = meddling_kubectl(
            &env,
            &format!("kubectl annotate {target} meddled=yes --overwrite >/dev/null"),
        );
        let out = run_with(&env, &plan(&op), &["--yes", "--json"], Some(&kubectl));
        let report = json_stdout(&out);
        let after = env.live(&target.split(' ').collect::<Vec<_>>());
        let mut problems = Vec::new();
        if out.status.code() != Some(1) {
            problems.push(format!("exit {:?}", out.status.code()));
        }
        if statuses(&report) != ["failed"] {
            problems.push(format!("{:?}", statuses(&report)));
        }
        if !stderr(&out).contains("changed since the preview; nothing more was applied") {
            problems.push("no 'changed since the preview' message".into());
        }
        // The meddling landed; the change did not.
        let meddled = after.as_ref().and_then(|a| {
            a.pointer("/metadata/annotations/meddled")
                .map(|v| v == "yes")
        });
        if meddled != Some(true) {
            problems.push("the object is gone or was not meddled with".into());
        }
        if let (Some(before), Some(after)) = (&before, &after) {
            let mut expected = before.clone();
            expected["metadata"]["annotations"]["meddled"] = json!("yes");
            for pointer in ["/spec", "/metadata/labels", "/data"] {
                if expected.pointer(pointer) != after.pointer(pointer) {
                    problems.push(format!("{pointer} changed after all"));
                }
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{name} (KUBECTL_PATH={}): {}\n{report:#}\n{}",
                kubectl.display(),
                problems.join("; "),
                stderr(&out)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_status_update_between_preview_and_apply_is_not_a_change() {
    let env = TestEnv::healthy();
    let kubectl = meddling_kubectl(
        &env,
        "kubectl patch deployment web -n shop --subresource=status --type=merge -p '{\"status\":{\"observedGeneration\":77}}' >/dev/null",
    );
    let out = env
        .plugin()
        .env("KUBECTL_PATH", &kubectl)
        .args(["--yes", "--json", "--plan"])
        .arg(env.plan_file(&plan(&json!(
            {"op": "scale", "kind": "deployment", "name": "web", "namespace": "shop", "replicas": {"to": 4}}
        ))))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    assert!(
        env.home().join("meddled").exists(),
        "the status was not updated in between"
    );
    assert_eq!(env.replicas("shop", "web"), 4);
}

#[test]
fn a_delete_by_selector_deletes_exactly_what_its_preview_listed() {
    let env = TestEnv::healthy();
    let listed: Vec<String> = pod_names(&env, "app=web");
    assert!(!listed.is_empty());
    // A pod with the same label appears while the prompt would be open.
    let kubectl = meddling_kubectl(
        &env,
        "kubectl run latecomer -n shop --image=nginx --labels=app=web >/dev/null",
    );
    let out = env
        .plugin()
        .env("KUBECTL_PATH", &kubectl)
        .args(["--yes", "--json", "--plan"])
        .arg(env.plan_file(&plan(&json!(
            {"op": "delete", "kind": "pod", "selector": "app=web", "namespace": "shop"}
        ))))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let report = json_stdout(&out);
    let previewed: Vec<String> = report["operations"][0]["preview"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["object"]
                .as_str()
                .unwrap()
                .trim_start_matches("pod/")
                .to_string()
        })
        .collect();
    assert_eq!(previewed, listed);
    let left = pod_names(&env, "app=web");
    assert!(left.contains(&"latecomer".to_string()), "{left:?}");
    for name in &listed {
        assert!(
            !left.contains(name) || env.live(&["pod", name, "-n", "shop"]).is_none(),
            "{name} survived: {left:?}"
        );
    }
}

fn pod_names(env: &TestEnv, selector: &str) -> Vec<String> {
    env.live(&["pods", "-n", "shop", "-l", selector]).unwrap()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_edit_without_overwrite_never_replaces_a_value() {
    let env = TestEnv::healthy();
    env.kubectl()
        .args(["taint", "node", "worker-1", "dedicated=gpu:NoSchedule"])
        .assert()
        .success();
    env.kubectl()
        .args(["annotate", "deployment", "web", "-n", "shop", "owner=alice"])
        .assert()
        .success();
    let refused = [
        (
            json!({"op": "label", "kind": "deployment", "name": "web", "namespace": "shop", "set": [{"key": "app", "value": "other"}]}),
            "label app=web",
        ),
        (
            json!({"op": "label", "kind": "pod", "selector": "app=web", "namespace": "shop", "set": [{"key": "app", "value": "other"}]}),
            "label app=web",
        ),
        (
            json!({"op": "annotate", "kind": "deployment", "name": "web", "namespace": "shop", "set": [{"key": "owner", "value": "bob"}]}),
            "annotation owner=alice",
        ),
        (
            json!({"op": "taint", "node": "worker-1", "key": "dedicated", "value": "cpu", "effect": "NoSchedule"}),
            "dedicated=gpu:NoSchedule",
        ),
    ];
    let setup = real_writes(&env).len();
    for (op, named) in refused {
        let out = run(&env, &plan(&op), &["--yes"]);
        assert_exit(&out, 2);
        assert!(stderr(&out).contains(named), "{op}: {}", stderr(&out));
        assert_eq!(real_writes(&env)[setup..], [] as [String; 0], "{op}");
    }
    // Asked for explicitly, the value is replaced, and the command shown says so.
    let mut op = json!({"op": "label", "kind": "deployment", "name": "web", "namespace": "shop", "set": [{"key": "app", "value": "other"}], "overwrite": true});
    let out = run(&env, &plan(&op), &["--yes", "--json"]);
    assert_exit(&out, 0);
    let report = json_stdout(&out);
    assert!(
        report["operations"][0]["equivalent_command"]
            .as_str()
            .unwrap()
            .contains("--overwrite"),
        "{report:#}"
    );
    let live = env.live(&["deployment", "web", "-n", "shop"]).unwrap();
    assert_eq!(live["metadata"]["labels"]["app"], "other");
    op["overwrite"] = json!(false);
    // The same value again is no change, with or without overwrite.
    let out = run(&env, &plan(&op), &["--json"]);
    assert_exit(&out, 0);
    assert_eq!(json_stdout(&out)["status"], "no-change");
}

#[test]
fn kubectl_failures_are_shown_as_kubectl_said_them_not_as_a_missing_object() {
    let env = TestEnv::healthy();
    for sentence in [
        "scale web to 3",
        "scale web up by 2",
        "delete deployment web",
    ] {
        let out = env
            .plugin()
            .args(sentence.split(' '))
            .args(["--context", "nosuch", "--yes"])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_exit(&out, 1);
        assert!(
            err.contains("context was not found for specified context: nosuch"),
            "{sentence}: {err}"
        );
        assert!(
            !err.contains("not found in") && !err.contains("did you mean"),
            "{sentence}: {err}"
        );
    }
    // The server's own refusal is shown whole.
    env.cluster.fail_next(1, kube_sandbox::Fault::Status(403));
    let out = env
        .plugin()
        .args(["scale", "web", "up", "by", "2", "--yes"])
        .output()
        .unwrap();
    assert_exit(&out, 1);
    assert!(stderr(&out).contains("Forbidden"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("did you mean"), "{}", stderr(&out));
    assert_eq!(env.replicas("default", "web"), 2);
}

#[test]
fn a_selector_that_matches_every_object_of_a_kind_deletes_nothing() {
    let env = TestEnv::healthy();
    let setup = real_writes(&env).len();
    for selector in [
        "app!=nothing-has-this",
        "kubernetes.io/metadata.name!=x",
        "app",
    ] {
        let op = json!({"op": "delete", "kind": "pod", "selector": selector, "namespace": "shop"});
        let out = run(&env, &plan(&op), &["--yes"]);
        assert_exit(&out, 2);
        assert!(
            stderr(&out).contains("matches every pod in namespace shop"),
            "{selector}: {}",
            stderr(&out)
        );
        assert_eq!(real_writes(&env)[setup..], [] as [String; 0], "{selector}");
    }
}

#[test]
fn the_preview_of_a_namespace_deletion_counts_what_goes_with_it() {
    let env = TestEnv::healthy();
    let op = json!({"op": "delete", "kind": "namespace", "name": "shop"});
    let out = run(&env, &plan(&op), &["--dry-run"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains("namespace shop holds ")
            && text.contains("deployment: 2")
            && text.contains("pod: 4")
            && text.contains("secret: 1")
            && text.contains("all of it is deleted with the namespace"),
        "{text}"
    );
}
