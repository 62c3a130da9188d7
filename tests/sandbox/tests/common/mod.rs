//! Runs the real kubectl against a Sandbox with a scrubbed environment.
#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Stdio};

use kube_sandbox::Sandbox;

pub struct Out {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Panics with both streams when the command failed.
    pub fn success(self) -> String {
        assert!(
            self.ok,
            "kubectl failed\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self.stdout
    }

    /// Panics when the command succeeded; returns stderr.
    pub fn failure(self) -> String {
        assert!(
            !self.ok,
            "kubectl unexpectedly succeeded\nstdout:\n{}",
            self.stdout
        );
        self.stderr
    }
}

pub fn kubectl_in(sb: &Sandbox, args: &[&str], stdin: Option<&str>) -> Out {
    let home = sb
        .kubeconfig()
        .parent()
        .expect("kubeconfig has a parent dir");
    let mut cmd = Command::new("kubectl");
    cmd.arg("--kubeconfig")
        .arg(sb.kubeconfig())
        .args(args)
        .env_remove("KUBECONFIG")
        .env("HOME", home)
        .env("KUBECACHEDIR", home.join("cache"))
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn kubectl");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(input.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("kubectl output");
    Out {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn kubectl(sb: &Sandbox, args: &[&str]) -> Out {
    kubectl_in(sb, args, None)
}

pub fn ok(sb: &Sandbox, args: &[&str]) -> String {
    kubectl(sb, args).success()
}

pub fn apply(sb: &Sandbox, yaml: &str) -> String {
    kubectl_in(sb, &["apply", "-f", "-"], Some(yaml)).success()
}

pub const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports: [{containerPort: 80}]
      - name: sidecar
        image: busybox:1.36
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
";

/// A sandbox with the `web` Deployment and Service applied.
pub fn with_web() -> Sandbox {
    let sb = Sandbox::start().expect("sandbox");
    apply(&sb, WEB);
    sb
}

pub fn yaml(s: &str) -> Vec<serde_json::Value> {
    serde_yaml::Deserializer::from_str(s)
        .map(|d| serde::Deserialize::deserialize(d).expect("yaml"))
        .collect()
}
