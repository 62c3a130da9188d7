//! Seeding rules, live watches, access reviews, raw HTTP answers and the
//! `kube-sandbox` binary.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use kube_sandbox::{Sandbox, SandboxOptions};
use serde_json::Value;

/// A raw HTTP/1.1 request; returns (status code, body).
fn raw(sb: &Sandbox, method: &str, path: &str, content_type: &str, body: &str) -> (u16, Value) {
    let addr = sb.url().trim_start_matches("http://").to_string();
    let mut s = TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let code: u16 = text.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
    (code, serde_json::from_str(body).unwrap_or(Value::Null))
}

#[test]
fn invalid_dry_run_and_field_validation_values_are_rejected() {
    let sb = Sandbox::start().unwrap();
    let cm = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}"#;
    let (code, status) = raw(
        &sb,
        "POST",
        "/api/v1/namespaces/default/configmaps?dryRun=Bogus",
        "application/json",
        cm,
    );
    assert_eq!(code, 422, "{status}");
    assert!(
        status["message"]
            .as_str()
            .unwrap()
            .contains("dryRun: Unsupported value"),
        "{status}"
    );
    let (code, _) = raw(
        &sb,
        "POST",
        "/api/v1/namespaces/default/configmaps?fieldValidation=Loose",
        "application/json",
        cm,
    );
    assert_eq!(code, 422);
    let (code, obj) = raw(
        &sb,
        "POST",
        "/api/v1/namespaces/default/configmaps?dryRun=All&fieldValidation=Strict&fieldManager=t",
        "application/json",
        cm,
    );
    assert_eq!(code, 201);
    assert_eq!(obj["metadata"]["name"], "x");
    assert!(sb.get("v1", "ConfigMap", Some("default"), "x").is_none());
    let (code, _) = raw(
        &sb,
        "DELETE",
        "/api/v1/namespaces/default/configmaps/kube-root-ca.crt",
        "application/json",
        r#"{"dryRun":["All"]}"#,
    );
    assert_eq!(code, 200);
    assert!(
        sb.get("v1", "ConfigMap", Some("default"), "kube-root-ca.crt")
            .is_some()
    );
    let (code, status) = raw(
        &sb,
        "POST",
        "/api/v1/namespaces/default/pods/x/log",
        "application/json",
        "{}",
    );
    assert_eq!(code, 405, "{status}");
    assert_eq!(status["reason"], "MethodNotAllowed");
    let (code, _) = raw(
        &sb,
        "GET",
        "/apis/apps/v1/namespaces/default/nothings",
        "",
        "",
    );
    assert_eq!(code, 404);
}

#[test]
fn generate_name_and_metadata() {
    let sb = Sandbox::start().unwrap();
    let cm = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"job-"}}"#;
    let (code, obj) = raw(
        &sb,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        "application/json",
        cm,
    );
    assert_eq!(code, 201);
    let name = obj["metadata"]["name"].as_str().unwrap();
    assert!(name.starts_with("job-") && name.len() == 9, "{name}");
    assert!(
        obj["metadata"]["resourceVersion"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .is_ok()
    );
    assert!(
        obj["metadata"]["creationTimestamp"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
}

const SEEDED: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api:bad}]}
status: {replicas: 1, unavailableReplicas: 1, observedGeneration: 1}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: api-1
  namespace: shop
  labels: {app: api}
  annotations: {deployment.kubernetes.io/revision: '1'}
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: api, controller: true}]
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api:bad}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: api-1-abcde
  namespace: shop
  labels: {app: api}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: api-1, controller: true}]
spec: {containers: [{name: api, image: api:bad}]}
status:
  phase: Pending
  containerStatuses:
  - {name: api, ready: false, restartCount: 0, image: api:bad, state: {waiting: {reason: ImagePullBackOff}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: fresh, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: fresh}}
  template:
    metadata: {labels: {app: fresh}}
    spec: {containers: [{name: c, image: fresh:1}]}
";

#[test]
fn seeding_keeps_given_state_and_starts_bare_deployments() {
    let sb = Sandbox::start_with(SandboxOptions {
        objects: yaml(SEEDED),
        ..Default::default()
    })
    .unwrap();
    // The seeded deployment keeps its broken pod, and gets no duplicate ReplicaSet.
    let pods = ok(&sb, &["get", "pods", "-n", "shop", "-l", "app=api"]);
    assert!(
        pods.contains("ImagePullBackOff") && pods.lines().count() == 2,
        "{pods}"
    );
    assert_eq!(
        sb.list("apps/v1", "ReplicaSet", Some("shop"))
            .iter()
            .filter(|r| r["metadata"]["name"].as_str().unwrap().starts_with("api"))
            .count(),
        1
    );
    let d = sb
        .get("apps/v1", "Deployment", Some("shop"), "api")
        .unwrap();
    assert_eq!(d["status"]["unavailableReplicas"], 1);
    // A deployment seeded alone is started.
    let fresh = ok(&sb, &["get", "deploy", "fresh", "-n", "shop"]);
    assert!(fresh.contains("2/2"), "{fresh}");
    // Fixing the image through the API rolls the broken pods away.
    ok(
        &sb,
        &["set", "image", "deploy/api", "api=api:good", "-n", "shop"],
    );
    let pods = ok(&sb, &["get", "pods", "-n", "shop", "-l", "app=api"]);
    assert!(
        !pods.contains("ImagePullBackOff") && pods.contains("Running"),
        "{pods}"
    );
    let rs = sb
        .get("apps/v1", "ReplicaSet", Some("shop"), "api-1")
        .unwrap();
    assert_eq!(rs["spec"]["replicas"], 0);
}

#[test]
fn rollout_status_follows_a_live_watch() {
    let sb = with_web();
    // Break the deployment's status, then wait for it while it is fixed.
    ok(
        &sb,
        &[
            "patch",
            "deployment",
            "web",
            "--subresource=status",
            "--type=merge",
            "-p",
            r#"{"status":{"updatedReplicas":1}}"#,
        ],
    );
    let kc = sb.kubeconfig().to_path_buf();
    let home = kc.parent().unwrap().to_path_buf();
    let mut child = Command::new("kubectl")
        .args([
            "--kubeconfig",
            kc.to_str().unwrap(),
            "rollout",
            "status",
            "deployment/web",
            "--timeout=20s",
        ])
        .env_remove("KUBECONFIG")
        .env("HOME", &home)
        .env("KUBECACHEDIR", home.join("cache"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(
        first.contains("Waiting for deployment \"web\" rollout to finish"),
        "{first}"
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
            r#"{"status":{"updatedReplicas":2}}"#,
        ],
    );
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{first}{rest}");
    assert!(rest.contains("successfully rolled out"), "{rest}");
}

#[test]
fn get_watch_streams_changes() {
    let sb = with_web();
    let kc = sb.kubeconfig().to_path_buf();
    let home = kc.parent().unwrap().to_path_buf();
    let mut child = Command::new("kubectl")
        .args([
            "--kubeconfig",
            kc.to_str().unwrap(),
            "get",
            "deploy",
            "web",
            "--watch",
            "-o",
            "name",
        ])
        .env_remove("KUBECONFIG")
        .env("HOME", &home)
        .env("KUBECACHEDIR", home.join("cache"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "deployment.apps/web\n");
    std::thread::sleep(Duration::from_millis(200));
    ok(&sb, &["scale", "deploy/web", "--replicas=3"]);
    line.clear();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "deployment.apps/web\n");
    child.kill().unwrap();
    let _ = child.wait();
    assert!(sb.requests().iter().any(|r| r.query.contains("watch=true")));
}

#[test]
fn auth_can_i_follows_forbid() {
    let sb = Sandbox::start().unwrap();
    assert_eq!(
        ok(&sb, &["auth", "can-i", "delete", "deployments"]),
        "yes\n"
    );
    sb.forbid("delete", "deployments");
    let out = kubectl(&sb, &["auth", "can-i", "delete", "deployments"]);
    assert!(
        !out.ok && out.stdout == "no\n",
        "{} {}",
        out.stdout,
        out.stderr
    );
}

#[test]
fn describe_service_shows_endpoints() {
    let sb = with_web();
    let out = ok(&sb, &["describe", "service", "web"]);
    let line = out.lines().find(|l| l.starts_with("Endpoints:")).unwrap();
    assert!(line.contains(":80"), "{out}");
    let out = ok(&sb, &["describe", "deployment", "web"]);
    assert!(
        out.contains("2 desired | 2 updated | 2 total | 2 available | 0 unavailable"),
        "{out}"
    );
}

#[test]
fn binary_prints_ready_and_serves() {
    let dir = std::env::temp_dir().join(format!("kube-sandbox-bin-{}", std::process::id()));
    let kc = dir.join("kubeconfig");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kube-sandbox"))
        .args(["--kubeconfig", kc.to_str().unwrap()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("ready http://127.0.0.1:"), "{line}");
    let out = Command::new("kubectl")
        .args([
            "--kubeconfig",
            kc.to_str().unwrap(),
            "get",
            "ns",
            "-o",
            "name",
        ])
        .env_remove("KUBECONFIG")
        .env("HOME", &dir)
        .env("KUBECACHEDIR", dir.join("cache"))
        .output()
        .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(String::from_utf8_lossy(&out.stdout).contains("namespace/default"));
    let bad = Command::new(env!("CARGO_BIN_EXE_kube-sandbox"))
        .args(["--kubeconfig", "/dev/null/x", "--scenario", "nope"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
}
