//! Every kubectl users run: each `kubectl.1.NN` installed beside the real
//! kubectl (1.27 … 1.33 on the `.ci/run` machines), end to end against a
//! fresh sandbox. Each kind of request the plugin sends — a create, an apply,
//! a patch, a change kubectl makes itself, a label, a delete by name, reads
//! and a dry run — runs through the real binary with `KUBECTL_PATH` set to
//! that kubectl, and the live result is checked in the sandbox. The requests
//! an apply with resourceVersion preconditions needs (`replace -f -` of a
//! fetched object, `delete --raw … -f -` with DeleteOptions preconditions)
//! run directly with each kubectl, fresh and stale.
//!
//! Versions run in threads (one sandbox each); a failure names its version.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{TestEnv, assert_success, json_stdout, kubectl_versions, statuses, stderr, stdout};
use serde_json::{Value, json};

/// Runs `check` for every version in its own thread; panics listing each
/// version that failed with its message.
fn for_each_version(check: fn(&Path)) {
    let versions = kubectl_versions();
    let handles: Vec<(PathBuf, std::thread::JoinHandle<()>)> = versions
        .into_iter()
        .map(|kubectl| {
            let name = kubectl
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let path = kubectl.clone();
            let handle = std::thread::Builder::new()
                .name(name)
                .spawn(move || check(&path))
                .expect("spawn a thread per kubectl version");
            (kubectl, handle)
        })
        .collect();
    let mut failures = Vec::new();
    let mut passed = Vec::new();
    for (kubectl, handle) in handles {
        let name = kubectl.display().to_string();
        match handle.join() {
            Ok(()) => passed.push(name),
            Err(panic) => {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "(no message)".to_string());
                failures.push(format!("{name}:\n{message}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} kubectl version(s) failed (passed: {passed:?}):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// `kubectl ai --plan` with `KUBECTL_PATH=kubectl` and `flags`.
fn run_plan(env: &TestEnv, kubectl: &Path, operations: Value, flags: &[&str]) -> Output {
    let path = env.plan_file(&json!({ "operations": operations }));
    env.plugin()
        .env("KUBECTL_PATH", kubectl)
        .arg("--plan")
        .arg(&path)
        .args(flags)
        .output()
        .expect("the plugin runs")
}

/// `--yes --json`: exit 0, report "ok", every operation with `status`.
fn apply(env: &TestEnv, kubectl: &Path, operations: Value, status: &str) -> Value {
    let out = run_plan(env, kubectl, operations.clone(), &["--yes", "--json"]);
    assert_success(&out);
    let report = json_stdout(&out);
    assert_eq!(report["status"], "ok", "{operations}: {report:#}");
    let n = operations.as_array().map_or(0, Vec::len);
    assert_eq!(
        statuses(&report),
        vec![status; n],
        "{operations}: {report:#}"
    );
    report
}

fn deployment(env: &TestEnv, ns: &str, name: &str) -> Option<Value> {
    env.cluster.get("apps/v1", "Deployment", Some(ns), name)
}

fn web(env: &TestEnv) -> Value {
    deployment(env, "shop", "web").expect("deployment shop/web exists")
}

fn plugin_requests(kubectl: &Path) {
    let env = TestEnv::healthy();

    // Creates: kubectl create -f - of the objects the plugin builds.
    apply(
        &env,
        kubectl,
        json!([
            {"op": "create_deployment", "name": "api2", "namespace": "shop", "image": "nginx:1.25", "replicas": 2},
            {"op": "create_config_map", "name": "app-config", "namespace": "shop", "data": [{"key": "color", "value": "blue"}]},
            {"op": "create_namespace", "name": "staging"},
        ]),
        "applied",
    );
    let api2 = deployment(&env, "shop", "api2").expect("api2 was created");
    assert_eq!(api2["spec"]["replicas"], 2);
    assert_eq!(
        api2["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.25"
    );
    let cm = env
        .cluster
        .get("v1", "ConfigMap", Some("shop"), "app-config")
        .expect("app-config was created");
    assert_eq!(cm["data"]["color"], "blue");
    assert!(
        env.cluster
            .get("v1", "Namespace", None, "staging")
            .is_some()
    );

    // An apply of an object.
    apply(
        &env,
        kubectl,
        json!([{"op": "apply", "namespace": "shop", "objects": [
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, "data": {"mode": "fast"}},
        ]}]),
        "applied",
    );
    let settings = env
        .cluster
        .get("v1", "ConfigMap", Some("shop"), "settings")
        .expect("settings was applied");
    assert_eq!(settings["data"]["mode"], "fast");

    // One dry run: previewed, nothing changed.
    let before = web(&env);
    let out = run_plan(
        &env,
        kubectl,
        json!([{"op": "scale", "name": "web", "namespace": "shop", "replicas": {"to": 7}}]),
        &["--dry-run", "--json"],
    );
    assert_success(&out);
    let report = json_stdout(&out);
    assert_eq!(statuses(&report), ["previewed"], "{report:#}");
    assert!(
        report["operations"][0]["preview"][0]["diff"]
            .as_str()
            .unwrap_or("")
            .contains("+  replicas: 7"),
        "{report:#}"
    );
    assert_eq!(web(&env), before, "a dry run changes nothing");

    // A patch-based change.
    apply(
        &env,
        kubectl,
        json!([{"op": "scale", "name": "web", "namespace": "shop", "replicas": {"to": 3}}]),
        "applied",
    );
    assert_eq!(web(&env)["spec"]["replicas"], 3);

    // Changes kubectl makes itself (set image, set env).
    apply(
        &env,
        kubectl,
        json!([{"op": "set_image", "name": "web", "namespace": "shop", "image": "nginx:1.27"}]),
        "applied",
    );
    assert_eq!(
        web(&env)["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.27"
    );
    apply(
        &env,
        kubectl,
        json!([{"op": "set_env", "name": "web", "namespace": "shop", "set": [{"key": "LOG_LEVEL", "value": "debug"}]}]),
        "applied",
    );
    assert_eq!(
        web(&env)["spec"]["template"]["spec"]["containers"][0]["env"],
        json!([{"name": "LOG_LEVEL", "value": "debug"}])
    );

    // A label.
    apply(
        &env,
        kubectl,
        json!([{"op": "label", "kind": "deployment", "name": "web", "namespace": "shop", "set": [{"key": "tier", "value": "frontend"}]}]),
        "applied",
    );
    assert_eq!(web(&env)["metadata"]["labels"]["tier"], "frontend");

    // A delete by name.
    apply(
        &env,
        kubectl,
        json!([{"op": "delete", "kind": "deployment", "name": "api", "namespace": "shop"}]),
        "applied",
    );
    assert!(deployment(&env, "shop", "api").is_none(), "api was deleted");

    // Reads: kubectl's output passed through.
    let report = apply(
        &env,
        kubectl,
        json!([{"op": "get", "kinds": ["deployments"], "namespace": "shop"}]),
        "read",
    );
    let table = report["operations"][0]["stdout"].as_str().unwrap_or("");
    assert!(
        table.starts_with("NAME ") && table.contains("\napi2 ") && table.contains("\nweb "),
        "{table}"
    );
    assert!(!table.contains("\napi "), "{table}");
    let report = apply(
        &env,
        kubectl,
        json!([{"op": "logs", "kind": "deployment", "name": "web", "namespace": "default", "tail": 2}]),
        "read",
    );
    let logs = report["operations"][0]["stdout"].as_str().unwrap_or("");
    assert_eq!(logs.lines().count(), 2, "{logs}");
    assert!(logs.contains("kube-probe/1.32"), "{logs}");
}

/// kubectl at `kubectl` on the sandbox with `args` and `stdin`.
fn kubectl_run(env: &TestEnv, kubectl: &Path, args: &[&str], stdin: &str) -> Output {
    env.kubectl_at(kubectl)
        .args(args)
        .write_stdin(stdin.as_bytes().to_vec())
        .output()
        .expect("kubectl runs")
}

fn assert_conflict(out: &Output, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(1),
        "{what}: exit code\nstdout:\n{}\nstderr:\n{}",
        stdout(out),
        stderr(out)
    );
    assert!(
        stderr(out).contains("Error from server (Conflict)"),
        "{what}: {}",
        stderr(out)
    );
}

fn resource_version(v: &Value) -> String {
    v["metadata"]["resourceVersion"]
        .as_str()
        .expect("a resourceVersion")
        .to_string()
}

fn preconditioned_requests(kubectl: &Path) {
    let env = TestEnv::healthy();

    // replace -f - of a fetched object (its resourceVersion kept).
    let fetched = kubectl_run(
        &env,
        kubectl,
        &["get", "deployment", "web", "-n", "shop", "-o", "json"],
        "",
    );
    assert_success(&fetched);
    let mut object = json_stdout(&fetched);
    let live_rv = resource_version(&object);
    object["spec"]["replicas"] = json!(4);
    let body = object.to_string();
    let dry = kubectl_run(
        &env,
        kubectl,
        &["replace", "-f", "-", "--dry-run=server", "-o", "json"],
        &body,
    );
    assert_success(&dry);
    let previewed = json_stdout(&dry);
    assert_eq!(previewed["spec"]["replicas"], 4);
    assert_eq!(
        resource_version(&previewed),
        live_rv,
        "a dry-run replace answers the live resourceVersion"
    );
    assert_eq!(
        web(&env)["spec"]["replicas"],
        2,
        "a dry run changes nothing"
    );
    let replaced = kubectl_run(&env, kubectl, &["replace", "-f", "-", "-o", "json"], &body);
    assert_success(&replaced);
    assert_eq!(web(&env)["spec"]["replicas"], 4);
    assert_ne!(resource_version(&web(&env)), live_rv);
    // The same body again: its resourceVersion is stale now.
    let stale = kubectl_run(&env, kubectl, &["replace", "-f", "-"], &body);
    assert_conflict(&stale, "replace with a stale resourceVersion");
    assert_eq!(
        web(&env)["spec"]["replicas"],
        4,
        "a refused replace changes nothing"
    );

    // delete --raw with DeleteOptions preconditions {uid, resourceVersion}.
    let pod = env
        .cluster
        .list("v1", "Pod", Some("shop"))
        .into_iter()
        .find(|p| {
            p["metadata"]["name"]
                .as_str()
                .unwrap_or("")
                .starts_with("api-")
        })
        .expect("a pod of shop/api");
    let name = pod["metadata"]["name"].as_str().unwrap().to_string();
    let uid = pod["metadata"]["uid"].as_str().unwrap().to_string();
    let rv = resource_version(&pod);
    let path = format!("/api/v1/namespaces/shop/pods/{name}");
    let options = |uid: &str, rv: &str| {
        json!({"kind": "DeleteOptions", "apiVersion": "v1",
               "preconditions": {"uid": uid, "resourceVersion": rv}})
        .to_string()
    };
    let exists = |env: &TestEnv| env.cluster.get("v1", "Pod", Some("shop"), &name).is_some();
    let stale_rv = kubectl_run(
        &env,
        kubectl,
        &["delete", "--raw", &path, "-f", "-"],
        &options(&uid, "1"),
    );
    assert_conflict(
        &stale_rv,
        "delete with a stale resourceVersion precondition",
    );
    assert!(
        stderr(&stale_rv).contains("Precondition failed: ResourceVersion in precondition: 1"),
        "{}",
        stderr(&stale_rv)
    );
    let stale_uid = kubectl_run(
        &env,
        kubectl,
        &["delete", "--raw", &path, "-f", "-"],
        &options("00000000-0000-0000-0000-000000000000", &rv),
    );
    assert_conflict(&stale_uid, "delete with another object's uid");
    assert!(exists(&env), "a refused delete deletes nothing");
    let mut dry_options: Value = serde_json::from_str(&options(&uid, &rv)).unwrap();
    dry_options["dryRun"] = json!(["All"]);
    let dry = kubectl_run(
        &env,
        kubectl,
        &["delete", "--raw", &path, "-f", "-"],
        &dry_options.to_string(),
    );
    assert_success(&dry);
    assert!(exists(&env), "a dry-run delete deletes nothing");
    let deleted = kubectl_run(
        &env,
        kubectl,
        &["delete", "--raw", &path, "-f", "-"],
        &options(&uid, &rv),
    );
    assert_success(&deleted);
    assert!(!exists(&env), "pod {name} was deleted");
}

const SHOP_DEPLOYMENT: &str = r#"{"apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "shopfront", "namespace": "shop"},
  "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "shopfront"}},
    "template": {"metadata": {"labels": {"app": "shopfront"}},
      "spec": {"containers": [{"name": "app", "image": "nginx:1.25"},
                              {"name": "proxy", "image": "envoy:1.30"}]}}}}"#;

/// What kubectl reads OpenAPI for (kubectl 1.27 and 1.28 read v2 as
/// protobuf, later ones v3): validation before `create -f`/`apply`, the
/// patch `apply` computes, `explain`; and discovery, metrics and rollouts.
fn openapi_and_discovery_requests(kubectl: &Path) {
    let env = TestEnv::healthy();
    let run = |args: &[&str], stdin: &str| {
        let out = kubectl_run(&env, kubectl, args, stdin);
        assert_success(&out);
        stdout(&out)
    };
    // Validation is the server's (fieldValidation=Strict), for every version.
    let bad =
        r#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "bad"}, "colour": "x"}"#;
    let out = kubectl_run(&env, kubectl, &["create", "-f", "-", "-n", "shop"], bad);
    assert!(
        stderr(&out).contains(r#"strict decoding error: unknown field "colour""#),
        "{}",
        stderr(&out)
    );
    run(&["apply", "-f", "-"], SHOP_DEPLOYMENT);
    // A change made outside the applied configuration (the proxy's env)…
    run(
        &[
            "set",
            "env",
            "deployment/shopfront",
            "-n",
            "shop",
            "-c",
            "proxy",
            "MODE=edge",
        ],
        "",
    );
    // …survives a re-apply that changes the other container: apply sends a
    // strategic merge patch (containers merged by name), not a merge patch.
    run(
        &["apply", "-f", "-"],
        &SHOP_DEPLOYMENT.replace("nginx:1.25", "nginx:1.27"),
    );
    let d = deployment(&env, "shop", "shopfront").expect("shopfront was applied");
    let containers = &d["spec"]["template"]["spec"]["containers"];
    assert_eq!(containers[0]["image"], "nginx:1.27", "{containers}");
    assert_eq!(
        containers[1]["env"],
        json!([{"name": "MODE", "value": "edge"}]),
        "{containers}"
    );
    let explained = run(&["explain", "deployment.spec.replicas"], "");
    assert!(explained.contains("Number of desired pods"), "{explained}");
    let resources = run(&["api-resources"], "");
    assert!(resources.contains("deployments"), "{resources}");
    let top = run(&["top", "pods", "-n", "default"], "");
    assert!(top.contains("CPU(cores)"), "{top}");
    run(&["rollout", "restart", "deployment/web", "-n", "shop"], "");
    let history = run(&["rollout", "history", "deployment/web", "-n", "shop"], "");
    assert!(
        history.contains("\n1 ") && history.contains("\n2 "),
        "{history}"
    );
    run(&["rollout", "undo", "deployment/web", "-n", "shop"], "");
}

#[test]
fn kubectl_reads_openapi_and_discovery_with_every_version() {
    for_each_version(openapi_and_discovery_requests);
}

#[test]
fn the_plugin_previews_applies_and_reads_with_every_kubectl_version() {
    for_each_version(plugin_requests);
}

#[test]
fn replace_and_preconditioned_delete_work_with_every_kubectl_version() {
    for_each_version(preconditioned_requests);
}
