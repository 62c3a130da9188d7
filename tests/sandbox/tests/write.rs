//! Writes with the real kubectl: apply, patch, scale, rollouts, dry runs,
//! deletes and the errors kubectl prints for a real server.

mod common;

use common::*;
use kube_sandbox::{Fault, Sandbox};
use serde_json::Value;

fn images(sb: &Sandbox) -> Vec<String> {
    let d = sb
        .get("apps/v1", "Deployment", Some("default"), "web")
        .unwrap();
    d["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["image"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn server_dry_run_changes_nothing() {
    let sb = with_web();
    let before = sb
        .get("apps/v1", "Deployment", Some("default"), "web")
        .unwrap();
    let pods_before = sb.list("v1", "Pod", Some("default")).len();
    let out = ok(
        &sb,
        &[
            "set",
            "image",
            "deployment/web",
            "nginx=nginx:9",
            "--dry-run=server",
        ],
    );
    assert!(out.contains("(server dry run)"), "{out}");
    ok(
        &sb,
        &[
            "scale",
            "deployment/web",
            "--replicas=7",
            "--dry-run=server",
        ],
    );
    ok(&sb, &["delete", "deployment/web", "--dry-run=server"]);
    let yaml = WEB.replace("web", "other");
    let out = kubectl_in(
        &sb,
        &["apply", "-f", "-", "--dry-run=server", "-o", "json"],
        Some(&yaml),
    )
    .success();
    assert!(
        out.contains("\"clusterIP\""),
        "defaults are filled in a dry run: {out}"
    );
    ok(
        &sb,
        &[
            "create",
            "configmap",
            "x",
            "--from-literal=a=b",
            "--dry-run=server",
        ],
    );
    let after = sb
        .get("apps/v1", "Deployment", Some("default"), "web")
        .unwrap();
    assert_eq!(before, after);
    assert_eq!(sb.list("v1", "Pod", Some("default")).len(), pods_before);
    assert!(
        sb.get("apps/v1", "Deployment", Some("default"), "other")
            .is_none()
    );
    assert!(sb.get("v1", "ConfigMap", Some("default"), "x").is_none());
    assert!(sb.requests().iter().any(|r| r.query.contains("dryRun=All")));
}

#[test]
fn invalid_dry_run_value_is_rejected() {
    let sb = with_web();
    let url = format!(
        "{}/apis/apps/v1/namespaces/default/deployments/web?dryRun=Bogus",
        sb.url()
    );
    let out = ok(
        &sb,
        &[
            "patch",
            "deployment",
            "web",
            "--type=merge",
            "-p",
            "{}",
            "--dry-run=server",
        ],
    );
    assert!(out.contains("patched"), "{out}");
    let err = kubectl(&sb, &["delete", "--raw", &url.replacen(sb.url(), "", 1)]).failure();
    assert!(err.contains("Invalid") || err.contains("dryRun"), "{err}");
}

#[test]
fn strategic_patch_of_one_container_keeps_the_others() {
    let sb = with_web();
    ok(
        &sb,
        &[
            "patch",
            "deployment",
            "web",
            "-p",
            r#"{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:1.37"}]}}}}"#,
        ],
    );
    assert_eq!(images(&sb), ["nginx:1.25", "busybox:1.37"]);
    ok(&sb, &["set", "image", "deployment/web", "nginx=nginx:1.26"]);
    assert_eq!(images(&sb), ["nginx:1.26", "busybox:1.37"]);
    ok(
        &sb,
        &["set", "env", "deployment/web", "-c", "nginx", "MODE=prod"],
    );
    ok(
        &sb,
        &[
            "set",
            "resources",
            "deployment/web",
            "-c",
            "nginx",
            "--limits=cpu=500m,memory=256Mi",
        ],
    );
    let d = sb
        .get("apps/v1", "Deployment", Some("default"), "web")
        .unwrap();
    let c = &d["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["env"][0]["name"], "MODE");
    assert_eq!(c["resources"]["limits"]["memory"], "256Mi");
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn json_and_merge_patches() {
    let sb = with_web();
    ok(
        &sb,
        &[
            "patch",
            "deployment",
            "web",
            "--type=json",
            "-p",
            r#"[{"op":"replace","path":"/spec/replicas","value":3}]"#,
        ],
    );
    ok(
        &sb,
        &[
            "patch",
            "deployment",
            "web",
            "--type=merge",
            "-p",
            r#"{"metadata":{"labels":{"team":"a"}}}"#,
        ],
    );
    let d = sb
        .get("apps/v1", "Deployment", Some("default"), "web")
        .unwrap();
    assert_eq!(d["spec"]["replicas"], 3);
    assert_eq!(d["metadata"]["labels"]["team"], "a");
    let err = kubectl(
        &sb,
        &[
            "patch",
            "deployment",
            "web",
            "--type=json",
            "-p",
            r#"[{"op":"remove","path":"/spec/nope"}]"#,
        ],
    )
    .failure();
    assert!(
        err.contains("The request is invalid") && err.contains("/spec/nope"),
        "{err}"
    );
}

#[test]
fn scale_then_get_shows_count_and_pods() {
    let sb = with_web();
    let out = ok(&sb, &["scale", "deployment/web", "--replicas=5"]);
    assert_eq!(out, "deployment.apps/web scaled\n");
    let table = ok(&sb, &["get", "deployment", "web"]);
    assert!(table.contains("5/5"), "{table}");
    let pods = ok(&sb, &["get", "pods", "-l", "app=web", "-o", "name"]);
    assert_eq!(pods.lines().count(), 5, "{pods}");
    ok(&sb, &["scale", "deployment/web", "--replicas=1"]);
    assert_eq!(sb.list("v1", "Pod", Some("default")).len(), 1);
    let rs = sb.list("apps/v1", "ReplicaSet", Some("default"));
    assert_eq!(rs.len(), 1);
    assert_eq!(rs[0]["status"]["readyReplicas"], 1);
}

#[test]
fn rollout_undo_restores_previous_image() {
    let sb = with_web();
    ok(&sb, &["set", "image", "deployment/web", "nginx=nginx:1.26"]);
    let history = ok(&sb, &["rollout", "history", "deployment/web"]);
    assert!(
        history.contains("1 ") && history.contains("2 "),
        "{history}"
    );
    assert_eq!(sb.list("apps/v1", "ReplicaSet", Some("default")).len(), 2);
    let out = ok(&sb, &["rollout", "undo", "deployment/web"]);
    assert!(out.contains("rolled back"), "{out}");
    assert_eq!(images(&sb)[0], "nginx:1.25");
    let d = sb
        .get("apps/v1", "Deployment", Some("default"), "web")
        .unwrap();
    assert_eq!(
        d["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "3"
    );
    // The pods now run the old template again.
    for p in sb.list("v1", "Pod", Some("default")) {
        assert_eq!(p["spec"]["containers"][0]["image"], "nginx:1.25");
    }
    ok(
        &sb,
        &["rollout", "status", "deployment/web", "--timeout=10s"],
    );
}

#[test]
fn rollout_restart_makes_a_new_replicaset() {
    let sb = with_web();
    ok(&sb, &["rollout", "restart", "deployment/web"]);
    assert_eq!(sb.list("apps/v1", "ReplicaSet", Some("default")).len(), 2);
    let d = sb
        .get("apps/v1", "Deployment", Some("default"), "web")
        .unwrap();
    assert_eq!(d["metadata"]["generation"], 2);
    assert_eq!(d["status"]["observedGeneration"], 2);
    assert_eq!(d["status"]["updatedReplicas"], 2);
}

#[test]
fn deleting_a_deployment_removes_replicasets_and_pods() {
    let sb = with_web();
    assert!(!sb.list("v1", "Pod", Some("default")).is_empty());
    let out = ok(&sb, &["delete", "deployment", "web"]);
    assert_eq!(out, "deployment.apps \"web\" deleted\n");
    assert!(sb.list("apps/v1", "ReplicaSet", Some("default")).is_empty());
    assert!(sb.list("v1", "Pod", Some("default")).is_empty());
    let ep = sb.get("v1", "Endpoints", Some("default"), "web").unwrap();
    assert!(ep.get("subsets").is_none(), "{ep}");
}

#[test]
fn deleting_a_namespace_deletes_its_contents() {
    let sb = Sandbox::start().unwrap();
    apply(
        &sb,
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n",
    );
    kubectl_in(&sb, &["apply", "-n", "team", "-f", "-"], Some(WEB)).success();
    assert_eq!(sb.list("v1", "Pod", Some("team")).len(), 2);
    ok(&sb, &["delete", "namespace", "team"]);
    assert!(sb.list("v1", "Pod", Some("team")).is_empty());
    assert!(sb.list("apps/v1", "Deployment", Some("team")).is_empty());
    let err = kubectl(&sb, &["get", "pods", "-n", "team", "-o", "name"]).success();
    assert_eq!(err, "");
}

#[test]
fn delete_by_label_selector() {
    let sb = with_web();
    apply(
        &sb,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: {x: 'y'}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, labels: {x: 'y'}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
    );
    let out = ok(&sb, &["delete", "cm", "-l", "x=y"]);
    assert!(
        out.contains("\"a\" deleted") && out.contains("\"b\" deleted"),
        "{out}"
    );
    assert!(sb.get("v1", "ConfigMap", Some("default"), "c").is_some());
}

#[test]
fn errors_print_like_a_real_server() {
    let sb = with_web();
    let err = kubectl(&sb, &["get", "pod", "nope"]).failure();
    assert_eq!(
        err.trim(),
        r#"Error from server (NotFound): pods "nope" not found"#
    );
    let err = kubectl(&sb, &["delete", "deployment", "nope"]).failure();
    assert_eq!(
        err.trim(),
        r#"Error from server (NotFound): deployments.apps "nope" not found"#
    );
    let err = kubectl_in(&sb, &["create", "-f", "-"], Some(WEB)).failure();
    assert!(err.contains(r#"Error from server (AlreadyExists): error when creating "STDIN": deployments.apps "web" already exists"#), "{err}");
    let bad = WEB.replace("name: web\n  labels", "name: Bad_Name\n  labels");
    let err = kubectl_in(&sb, &["apply", "-f", "-"], Some(&bad)).failure();
    assert!(err.contains(r#"The Deployment "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain"#), "{err}");
    let err = kubectl(&sb, &["scale", "deployment/web", "--replicas=-1"]).failure();
    assert!(
        err.contains("--replicas=COUNT") || err.contains("Invalid"),
        "{err}"
    );
    let err = kubectl(&sb, &["get", "pods", "-n", "missing", "nope"]).failure();
    assert!(err.contains("NotFound"), "{err}");
    let err = kubectl_in(&sb, &["apply", "-n", "missing", "-f", "-"], Some(WEB)).failure();
    assert!(err.contains(r#"namespaces "missing" not found"#), "{err}");
}

#[test]
fn invalid_resources_and_replicas_are_422() {
    let sb = with_web();
    let neg = WEB.replace("replicas: 2", "replicas: -2");
    let err = kubectl_in(&sb, &["apply", "-f", "-"], Some(&neg)).failure();
    assert!(
        err.contains("spec.replicas: Invalid value: -2: must be greater than or equal to 0"),
        "{err}"
    );
    let bad_q = WEB.replace(
        "image: busybox:1.36",
        "image: busybox:1.36\n        resources: {requests: {cpu: '2'}, limits: {cpu: '1'}}",
    );
    let err = kubectl_in(&sb, &["apply", "-f", "-"], Some(&bad_q)).failure();
    assert!(
        err.contains("Invalid") && err.contains("must be less than or equal to cpu limit"),
        "{err}"
    );
}

#[test]
fn forbidden_prints_rbac_message() {
    let sb = with_web();
    sb.forbid("patch", "deployments");
    // RBAC on deployments does not cover the scale subresource.
    ok(&sb, &["scale", "deployment/web", "--replicas=3"]);
    sb.forbid("patch", "deployments/scale");
    let err = kubectl(&sb, &["scale", "deployment/web", "--replicas=4"]).failure();
    assert!(
        err.contains(r#"cannot patch resource "deployments/scale" in API group "apps""#),
        "{err}"
    );
    let err = kubectl(&sb, &["label", "deployment/web", "a=b"]).failure();
    assert!(
        err.contains(r#"Error from server (Forbidden): deployments.apps "web" is forbidden: User "sandbox" cannot patch resource "deployments" in API group "apps" in the namespace "default""#),
        "{err}"
    );
    sb.forbid("list", "secrets");
    let err = kubectl(&sb, &["get", "secrets"]).failure();
    assert!(err.contains(r#"secrets is forbidden: User "sandbox" cannot list resource "secrets" in API group "" in the namespace "default""#), "{err}");
}

#[test]
fn fault_injection() {
    let sb = with_web();
    sb.fail_next(1, Fault::Status(500));
    let err = kubectl(&sb, &["get", "deployment", "web"]).failure();
    assert!(
        err.contains("InternalError") || err.contains("500"),
        "{err}"
    );
    ok(&sb, &["get", "deployment", "web"]);
    sb.fail_next(1, Fault::Delay(std::time::Duration::from_millis(300)));
    let start = std::time::Instant::now();
    ok(&sb, &["get", "deployment", "web"]);
    assert!(start.elapsed() >= std::time::Duration::from_millis(300));
}

#[test]
fn status_subresource_patch_injects_broken_state() {
    let sb = with_web();
    let pod = sb.list("v1", "Pod", Some("default"))[0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let patch = r#"{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"False"}],"containerStatuses":[{"name":"nginx","ready":false,"restartCount":4,"image":"nginx:1.25","imageID":"","state":{"waiting":{"reason":"CrashLoopBackOff"}}},{"name":"sidecar","ready":true,"restartCount":0,"image":"busybox:1.36","imageID":"","state":{"running":{}}}]}}"#;
    ok(
        &sb,
        &[
            "patch",
            "pod",
            &pod,
            "--subresource=status",
            "--type=merge",
            "-p",
            patch,
        ],
    );
    let out = ok(&sb, &["get", "pod", &pod]);
    assert!(
        out.contains("CrashLoopBackOff") && out.contains("1/2"),
        "{out}"
    );
    let d = sb
        .get("apps/v1", "Deployment", Some("default"), "web")
        .unwrap();
    assert_eq!(d["status"]["readyReplicas"], 1);
    let ep = sb.get("v1", "Endpoints", Some("default"), "web").unwrap();
    assert_eq!(
        ep["subsets"][0]["notReadyAddresses"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    ok(
        &sb,
        &[
            "patch",
            "deployment",
            "web",
            "--subresource=status",
            "--type=merge",
            "-p",
            r#"{"status":{"availableReplicas":0}}"#,
        ],
    );
    let d = sb
        .get("apps/v1", "Deployment", Some("default"), "web")
        .unwrap();
    assert_eq!(d["status"]["availableReplicas"], 0);
}

#[test]
fn replace_with_stale_resource_version_conflicts() {
    let sb = with_web();
    let json = ok(&sb, &["get", "deployment", "web", "-o", "json"]);
    ok(&sb, &["label", "deployment/web", "x=y"]);
    let err = kubectl_in(&sb, &["replace", "-f", "-"], Some(&json)).failure();
    assert!(
        err.contains(r#"Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again"#),
        "{err}"
    );
}

#[test]
fn cordon_and_drain() {
    let sb = Sandbox::start().unwrap();
    apply(
        &sb,
        "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n2}\n",
    );
    apply(&sb, &WEB.replace("replicas: 2", "replicas: 4"));
    ok(&sb, &["cordon", "n1"]);
    let nodes = ok(&sb, &["get", "nodes"]);
    assert!(nodes.contains("Ready,SchedulingDisabled"), "{nodes}");
    let out = kubectl(
        &sb,
        &["drain", "n1", "--ignore-daemonsets", "--timeout=20s"],
    );
    let text = format!("{}{}", out.stdout, out.stderr);
    assert!(out.ok, "{text}");
    assert!(text.contains("drained"), "{text}");
    let on_n1 = ok(
        &sb,
        &[
            "get",
            "pods",
            "--field-selector",
            "spec.nodeName=n1",
            "-o",
            "name",
        ],
    );
    assert_eq!(on_n1, "");
    assert_eq!(sb.list("v1", "Pod", Some("default")).len(), 4);
    ok(&sb, &["uncordon", "n1"]);
    let n1 = sb.get("v1", "Node", None, "n1").unwrap();
    assert!(n1["spec"]["unschedulable"].as_bool() != Some(true));
}

#[test]
fn daemonset_runs_one_pod_per_node_and_statefulset_ordinals() {
    let sb = Sandbox::start().unwrap();
    apply(
        &sb,
        "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n2}\n",
    );
    apply(
        &sb,
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec: {containers: [{name: a, image: agent:1}]}\n",
    );
    let pods = ok(&sb, &["get", "pods", "-l", "app=agent", "-o", "wide"]);
    assert!(pods.contains("n1") && pods.contains("n2"), "{pods}");
    ok(&sb, &["rollout", "status", "ds/agent", "--timeout=10s"]);
    let v: Value = serde_json::from_str(&ok(&sb, &["get", "pods", "-o", "json"])).unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
}

#[test]
fn dry_run_updates_and_patches_answer_the_live_resource_version() {
    let sb = with_web();
    let live = sb
        .get("apps/v1", "Deployment", Some("default"), "web")
        .unwrap();
    let rv = live["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    let rv_of = |out: &str| -> String {
        let v: Value = serde_json::from_str(out).expect("json");
        v["metadata"]["resourceVersion"]
            .as_str()
            .unwrap_or("<none>")
            .to_string()
    };
    let dry = ["--dry-run=server", "-o", "json"];
    for (what, args) in [
        (
            "merge patch",
            vec![
                "patch",
                "deployment/web",
                "--type=merge",
                "-p",
                r#"{"spec":{"replicas":5}}"#,
            ],
        ),
        (
            "strategic patch",
            vec![
                "patch",
                "deployment/web",
                "-p",
                r#"{"metadata":{"labels":{"x":"y"}}}"#,
            ],
        ),
        (
            "set image",
            vec!["set", "image", "deployment/web", "nginx=nginx:9"],
        ),
        ("label", vec!["label", "deployment/web", "x=y"]),
    ] {
        let out = ok(&sb, &[args.as_slice(), &dry].concat());
        assert_eq!(rv_of(&out), rv, "{what}: {out}");
    }
    // A PUT whose body has no resourceVersion (an unconditional replace).
    let mut body = live.clone();
    body["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("resourceVersion");
    body["spec"]["replicas"] = serde_json::json!(4);
    let out = kubectl_in(
        &sb,
        &["replace", "-f", "-", "--dry-run=server", "-o", "json"],
        Some(&body.to_string()),
    )
    .success();
    assert_eq!(rv_of(&out), rv, "replace: {out}");
    // The scale subresource answers a Scale with the same resourceVersion.
    let out = ok(
        &sb,
        &[
            &[
                "patch",
                "deployment/web",
                "--subresource=scale",
                "--type=merge",
                "-p",
                r#"{"spec":{"replicas":5}}"#,
            ][..],
            &dry,
        ]
        .concat(),
    );
    assert!(out.contains(r#""kind": "Scale""#), "{out}");
    assert_eq!(rv_of(&out), rv, "scale: {out}");
    let after = sb
        .get("apps/v1", "Deployment", Some("default"), "web")
        .unwrap();
    assert_eq!(after, live, "a dry run stores nothing");
}

#[test]
fn seeded_owner_references_get_the_owner_uid_so_rollout_undo_finds_the_history() {
    let sb = kube_sandbox::Sandbox::start_with(kube_sandbox::SandboxOptions {
        objects: kube_sandbox::scenario::load("healthy").unwrap(),
        ..Default::default()
    })
    .unwrap();
    let d = sb
        .get("apps/v1", "Deployment", Some("shop"), "web")
        .unwrap();
    let rs: Vec<Value> = sb
        .list("apps/v1", "ReplicaSet", Some("shop"))
        .into_iter()
        .filter(|r| r["metadata"]["name"].as_str().unwrap().starts_with("web-"))
        .collect();
    assert_eq!(rs.len(), 1);
    assert_eq!(
        rs[0]["metadata"]["ownerReferences"][0]["uid"], d["metadata"]["uid"],
        "{rs:?}"
    );
    let history = ok(&sb, &["rollout", "history", "deployment/web", "-n", "shop"]);
    assert!(history.contains("\n1 "), "{history}");
    ok(
        &sb,
        &[
            "set",
            "image",
            "deployment/web",
            "-n",
            "shop",
            "nginx=nginx:9",
        ],
    );
    let out = ok(
        &sb,
        &[
            "rollout",
            "undo",
            "deployment/web",
            "-n",
            "shop",
            "--dry-run=server",
        ],
    );
    assert!(out.contains("rolled back"), "{out}");
    ok(&sb, &["rollout", "undo", "deployment/web", "-n", "shop"]);
    let d = sb
        .get("apps/v1", "Deployment", Some("shop"), "web")
        .unwrap();
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.25"
    );
}
