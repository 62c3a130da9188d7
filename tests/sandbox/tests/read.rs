//! Discovery and reads with the real kubectl: version, resource types,
//! tables, output formats, selectors, logs, metrics, watches.

mod common;

use common::*;
use kube_sandbox::{Sandbox, SandboxOptions};
use serde_json::Value;

#[test]
fn version_reports_a_1_32_server() {
    let sb = Sandbox::start().unwrap();
    let out = ok(&sb, &["version"]);
    assert!(out.contains("Server Version: v1.32"), "{out}");
}

#[test]
fn unknown_resource_type_is_reported_like_a_real_server() {
    let sb = Sandbox::start().unwrap();
    let err = kubectl(&sb, &["get", "foo"]).failure();
    assert!(
        err.contains(r#"error: the server doesn't have a resource type "foo""#),
        "{err}"
    );
}

#[test]
fn api_resources_have_short_names_and_groups() {
    let sb = Sandbox::start().unwrap();
    let out = ok(&sb, &["api-resources"]);
    for needle in [
        "deploy",
        "hpa",
        "cj",
        "netpol",
        "metrics.k8s.io/v1beta1",
        "rbac.authorization.k8s.io/v1",
    ] {
        assert!(out.contains(needle), "{needle} missing in\n{out}");
    }
    let out = ok(
        &sb,
        &[
            "get",
            "po,deploy,svc,rs,sts,ds,cm,ns,no,pvc,hpa,ing,ep,sa,cj",
            "-A",
        ],
    );
    assert!(out.contains("namespace/default"), "{out}");
    assert!(out.contains("service/kubernetes"), "{out}");
}

#[test]
fn default_objects_exist() {
    let sb = Sandbox::start().unwrap();
    let out = ok(&sb, &["get", "ns"]);
    for ns in ["default", "kube-system", "kube-public"] {
        assert!(out.contains(ns), "{out}");
    }
    let out = ok(&sb, &["get", "sa", "-n", "kube-system"]);
    assert!(out.contains("default"), "{out}");
}

const BROKEN: &str = "apiVersion: v1
kind: Pod
metadata: {name: crashy, namespace: default, labels: {app: crashy}}
spec:
  containers: [{name: app, image: app:1}]
status:
  phase: Running
  containerStatuses:
  - name: app
    ready: false
    restartCount: 7
    image: app:1
    state: {waiting: {reason: CrashLoopBackOff, message: back-off}}
    lastState: {terminated: {exitCode: 1, reason: Error, finishedAt: '2024-01-01T00:00:00Z'}}
---
apiVersion: v1
kind: Pod
metadata: {name: oom, namespace: default}
spec:
  containers: [{name: app, image: app:1}]
status:
  phase: Running
  containerStatuses:
  - {name: app, ready: false, restartCount: 1, image: app:1, state: {terminated: {exitCode: 137, reason: OOMKilled}}}
---
apiVersion: v1
kind: Pod
metadata: {name: evicted, namespace: default}
spec:
  containers: [{name: app, image: app:1}]
status: {phase: Failed, reason: Evicted, message: low on memory}
---
apiVersion: v1
kind: Pod
metadata: {name: pending, namespace: default}
spec:
  containers: [{name: app, image: app:1}]
status: {phase: Pending}
---
apiVersion: sandbox.kubectl-ai.dev/v1
kind: PodLogs
metadata: {namespace: default, name: crashy}
containers:
  app:
    current: \"line 1\\nline 2\\nline 3\\n\"
    previous: \"panic: boom\\n\"
";

#[test]
fn pod_table_status_reasons() {
    let sb = Sandbox::start_with(SandboxOptions {
        objects: yaml(BROKEN),
        ..Default::default()
    })
    .unwrap();
    let out = ok(&sb, &["get", "pods"]);
    let line = |name: &str| {
        out.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_default()
            .to_string()
    };
    assert!(out.starts_with("NAME"), "{out}");
    assert!(
        line("crashy").contains("0/1") && line("crashy").contains("CrashLoopBackOff"),
        "{out}"
    );
    assert!(line("crashy").contains("7 ("), "{out}");
    assert!(line("oom").contains("OOMKilled"), "{out}");
    assert!(line("evicted").contains("Evicted"), "{out}");
    assert!(line("pending").contains("Pending"), "{out}");
    let wide = ok(&sb, &["get", "pods", "-o", "wide"]);
    assert!(wide.contains("NOMINATED NODE"), "{wide}");
    let shown = ok(&sb, &["get", "pods", "--show-labels"]);
    assert!(shown.contains("app=crashy"), "{shown}");
}

#[test]
fn seeded_status_is_kept() {
    let sb = Sandbox::start_with(SandboxOptions {
        objects: yaml(BROKEN),
        ..Default::default()
    })
    .unwrap();
    let pod = sb.get("v1", "Pod", Some("default"), "crashy").unwrap();
    assert_eq!(
        pod["status"]["containerStatuses"][0]["state"]["waiting"]["reason"],
        "CrashLoopBackOff"
    );
}

#[test]
fn logs_with_tail_previous_and_container() {
    let sb = Sandbox::start_with(SandboxOptions {
        objects: yaml(BROKEN),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(ok(&sb, &["logs", "crashy"]), "line 1\nline 2\nline 3\n");
    assert_eq!(ok(&sb, &["logs", "crashy", "--tail=1"]), "line 3\n");
    assert_eq!(ok(&sb, &["logs", "crashy", "-p"]), "panic: boom\n");
    assert_eq!(
        ok(&sb, &["logs", "crashy", "-c", "app", "--tail=2"]),
        "line 2\nline 3\n"
    );
    let ts = ok(&sb, &["logs", "crashy", "--timestamps", "--tail=1"]);
    assert!(ts.ends_with("Z line 3\n"), "{ts}");
    let err = kubectl(&sb, &["logs", "crashy", "-c", "nope"]).failure();
    assert!(
        err.contains("container nope is not valid for pod crashy"),
        "{err}"
    );
    let err = kubectl(&sb, &["logs", "pending", "-p"]).failure();
    assert!(
        err.contains(r#"previous terminated container "app" in pod "pending" not found"#),
        "{err}"
    );
}

#[test]
fn output_formats() {
    let sb = with_web();
    let json: Value =
        serde_json::from_str(&ok(&sb, &["get", "deploy", "web", "-o", "json"])).unwrap();
    assert_eq!(json["kind"], "Deployment");
    assert_eq!(json["metadata"]["generation"], 1);
    assert!(
        json["metadata"]["uid"]
            .as_str()
            .is_some_and(|u| !u.is_empty())
    );
    let yaml = ok(&sb, &["get", "svc", "web", "-o", "yaml"]);
    assert!(yaml.contains("clusterIP:"), "{yaml}");
    assert_eq!(
        ok(&sb, &["get", "deploy", "-o", "name"]),
        "deployment.apps/web\n"
    );
    let jp = ok(
        &sb,
        &["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"],
    );
    assert_eq!(jp, "2");
    let sorted = ok(
        &sb,
        &["get", "pods", "--sort-by=.metadata.name", "-o", "name"],
    );
    let names: Vec<&str> = sorted.lines().collect();
    let mut copy = names.clone();
    copy.sort();
    assert_eq!(names, copy);
    let table = ok(&sb, &["get", "deploy"]);
    assert!(
        table.starts_with("NAME   READY   UP-TO-DATE   AVAILABLE   AGE"),
        "{table}"
    );
    assert!(table.contains("web    2/2     2            2"), "{table}");
}

#[test]
fn label_and_field_selectors() {
    let sb = with_web();
    apply(
        &sb,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: solo, labels: {tier: db}}\nspec: {containers: [{name: c, image: pg}]}\n",
    );
    let by_label = ok(&sb, &["get", "pods", "-l", "app=web", "-o", "name"]);
    assert_eq!(by_label.lines().count(), 2, "{by_label}");
    let not = ok(&sb, &["get", "pods", "-l", "app!=web", "-o", "name"]);
    assert_eq!(not.trim(), "pod/solo");
    let set = ok(
        &sb,
        &["get", "pods", "-l", "tier in (db,cache),!app", "-o", "name"],
    );
    assert_eq!(set.trim(), "pod/solo");
    let exists = ok(&sb, &["get", "pods", "-l", "tier", "-o", "name"]);
    assert_eq!(exists.trim(), "pod/solo");
    let field = ok(
        &sb,
        &[
            "get",
            "pods",
            "--field-selector",
            "metadata.name=solo",
            "-o",
            "name",
        ],
    );
    assert_eq!(field.trim(), "pod/solo");
    let phase = ok(
        &sb,
        &[
            "get",
            "pods",
            "-A",
            "--field-selector",
            "status.phase!=Running",
            "-o",
            "name",
        ],
    );
    assert_eq!(phase.trim(), "");
    let err = kubectl(&sb, &["get", "pods", "--field-selector", "spec.bogus=1"]).failure();
    assert!(
        err.contains("BadRequest") && err.contains("field label not supported: spec.bogus"),
        "{err}"
    );
}

#[test]
fn all_namespaces_listing() {
    let sb = with_web();
    ok(&sb, &["create", "namespace", "other"]);
    apply(
        &sb,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c1, namespace: other}\ndata: {a: b}\n",
    );
    let out = ok(&sb, &["get", "cm", "-A"]);
    assert!(out.contains("other") && out.contains("c1"), "{out}");
    assert!(out.starts_with("NAMESPACE"), "{out}");
}

const METRICS: &str = "apiVersion: v1
kind: Node
metadata: {name: node-1}
---
apiVersion: v1
kind: Pod
metadata: {name: busy, namespace: default}
spec: {containers: [{name: app, image: app:1}]}
---
apiVersion: metrics.k8s.io/v1beta1
kind: PodMetrics
metadata: {name: busy, namespace: default}
containers:
- name: app
  usage: {cpu: 250m, memory: 64Mi}
---
apiVersion: metrics.k8s.io/v1beta1
kind: NodeMetrics
metadata: {name: node-1}
usage: {cpu: 1500m, memory: 2Gi}
";

#[test]
fn top_pods_and_nodes() {
    let sb = Sandbox::start_with(SandboxOptions {
        objects: yaml(METRICS),
        ..Default::default()
    })
    .unwrap();
    let pods = ok(&sb, &["top", "pods"]);
    assert!(
        pods.contains("busy") && pods.contains("250m") && pods.contains("64Mi"),
        "{pods}"
    );
    let nodes = ok(&sb, &["top", "nodes"]);
    assert!(
        nodes.contains("node-1") && nodes.contains("1500m"),
        "{nodes}"
    );
}

#[test]
fn events_table_and_field_selector() {
    let events = "apiVersion: v1
kind: Event
metadata: {name: web.1, namespace: default}
involvedObject: {kind: Pod, name: web-1, namespace: default}
reason: BackOff
type: Warning
message: Back-off restarting failed container
count: 3
lastTimestamp: '2024-01-01T00:00:00Z'
firstTimestamp: '2024-01-01T00:00:00Z'
---
apiVersion: v1
kind: Event
metadata: {name: db.1, namespace: default}
involvedObject: {kind: Pod, name: db-1, namespace: default}
reason: Pulled
type: Normal
message: pulled
";
    let sb = Sandbox::start_with(SandboxOptions {
        objects: yaml(events),
        ..Default::default()
    })
    .unwrap();
    let out = ok(&sb, &["get", "events"]);
    assert!(
        out.contains("LAST SEEN")
            && out.contains("pod/web-1")
            && out.contains("Back-off restarting"),
        "{out}"
    );
    let warn = ok(
        &sb,
        &[
            "get",
            "events",
            "--field-selector",
            "type=Warning,involvedObject.name=web-1",
            "-o",
            "name",
        ],
    );
    assert_eq!(warn.trim(), "event/web.1");
}

#[test]
fn rollout_status_and_watch_terminate() {
    let sb = with_web();
    let out = ok(
        &sb,
        &["rollout", "status", "deployment/web", "--timeout=20s"],
    );
    assert!(out.contains("successfully rolled out"), "{out}");
    let out = ok(
        &sb,
        &[
            "wait",
            "--for=condition=Available",
            "deployment/web",
            "--timeout=20s",
        ],
    );
    assert!(out.contains("condition met"), "{out}");
    let out = ok(&sb, &["get", "pods", "--watch", "--request-timeout=2s"]);
    assert!(out.contains("web-"), "{out}");
}

#[test]
fn explain_uses_openapi_v3() {
    let sb = Sandbox::start().unwrap();
    let out = ok(&sb, &["explain", "deployment"]);
    assert!(
        out.contains("KIND:       Deployment") && out.contains("spec"),
        "{out}"
    );
    let out = ok(&sb, &["explain", "deployment.spec.replicas"]);
    assert!(out.contains("Number of desired pods"), "{out}");
}

#[test]
fn contexts_include_staging() {
    let sb = Sandbox::start().unwrap();
    let out = ok(&sb, &["config", "get-contexts", "-o", "name"]);
    assert_eq!(out, "sandbox\nstaging\n");
    assert_eq!(ok(&sb, &["config", "current-context"]), "sandbox\n");
}

/// GET `path` with `accept` over plain HTTP/1.1: (status, content type, body).
fn raw_get(sb: &Sandbox, path: &str, accept: &str) -> (u16, String, Vec<u8>) {
    use std::io::{Read, Write};
    let addr = sb.url().trim_start_matches("http://").to_string();
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: sandbox\r\nAccept: {accept}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head[9..12].parse().unwrap();
    let content_type = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type: ")
                .map(str::to_string)
        })
        .unwrap_or_default();
    (status, content_type, raw[split + 4..].to_vec())
}

#[test]
fn openapi_v2_is_served_as_protobuf_or_json_as_asked() {
    let sb = Sandbox::start().unwrap();
    // kubectl 1.27 and 1.28 ask for gnostic protobuf under its deprecated name.
    for accept in [
        "application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
        "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
        "application/json;q=0.5, application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
    ] {
        let (status, ct, body) = raw_get(&sb, "/openapi/v2", accept);
        assert_eq!(status, 200, "{accept}");
        assert_eq!(
            ct, "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
            "{accept}"
        );
        // Document.swagger (field 1) = "2.0", then Document.info (field 2).
        assert_eq!(&body[..6], b"\x0a\x032.0\x12", "{accept}");
    }
    for accept in ["application/json", "*/*", "", "application/*"] {
        let (status, ct, body) = raw_get(&sb, "/openapi/v2", accept);
        assert_eq!(
            (status, ct.as_str()),
            (200, "application/json"),
            "{accept:?}"
        );
        let doc: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(doc["swagger"], "2.0");
        // PATCH advertises fieldValidation (so kubectl lets the server
        // validate fields) and no strategic merge patch (as in v3).
        let patch =
            &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
        assert_eq!(
            patch["x-kubernetes-group-version-kind"]["kind"],
            "Deployment"
        );
        assert!(
            patch["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "fieldValidation"
                    && p["in"] == "query"
                    && p["type"] == "string"),
            "{patch}"
        );
        let consumes = patch["consumes"].to_string();
        assert!(!consumes.contains("strategic"), "{consumes}");
        let dep = &doc["definitions"]["io.k8s.api.apps.v1.Deployment"];
        assert_eq!(
            dep["properties"]["metadata"]["$ref"],
            "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
        );
    }
    let (status, ..) = raw_get(&sb, "/openapi/v2", "text/html");
    assert_eq!(
        status, 406,
        "kube-openapi answers 406 to a type it cannot serve"
    );
}
