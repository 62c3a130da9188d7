//! `kubectl apply` (client-side: get + create, then get + strategic merge
//! patch with the last-applied annotation) for the kinds kubectl-ai plans
//! touch, `kubectl diff`, and the typed `kubectl create` commands that
//! send protobuf.

mod common;

use common::*;
use kube_sandbox::Sandbox;

const KINDS: &str = "apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {mode: fast}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader}
rules:
- apiGroups: ['']
  resources: [pods]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader}
subjects:
- {kind: ServiceAccount, name: default, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - name: pg
        image: postgres:16
        volumeMounts: [{name: data, mountPath: /var/lib/postgresql}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 2Gi}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  ingressClassName: nginx
  rules:
  - host: web.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: web, port: {number: 80}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 6
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 75}}
";

#[test]
fn apply_creates_then_patches_every_kind() {
    let sb = Sandbox::start().unwrap();
    let all = format!("{WEB}---\n{KINDS}");
    let out = apply(&sb, &all);
    for line in [
        "deployment.apps/web created",
        "service/web created",
        "configmap/settings created",
        "persistentvolumeclaim/data created",
        "networkpolicy.networking.k8s.io/deny-all created",
        "role.rbac.authorization.k8s.io/reader created",
        "rolebinding.rbac.authorization.k8s.io/reader created",
        "statefulset.apps/db created",
        "ingress.networking.k8s.io/web created",
        "horizontalpodautoscaler.autoscaling/web created",
    ] {
        assert!(out.contains(line), "{line} missing in\n{out}");
    }
    // Unchanged on a second apply.
    let out = apply(&sb, &all);
    assert!(out.contains("deployment.apps/web unchanged"), "{out}");
    assert!(out.contains("statefulset.apps/db unchanged"), "{out}");
    // A changed image is patched (strategic merge, sidecar kept).
    let changed = all
        .replace("nginx:1.25", "nginx:1.27")
        .replace("postgres:16", "postgres:17")
        .replace("mode: fast", "mode: safe");
    let out = apply(&sb, &changed);
    assert!(out.contains("deployment.apps/web configured"), "{out}");
    assert!(out.contains("statefulset.apps/db configured"), "{out}");
    assert!(out.contains("configmap/settings configured"), "{out}");
    let patches: Vec<_> = sb
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .collect();
    assert!(
        patches
            .iter()
            .any(|r| r.content_type == "application/strategic-merge-patch+json"),
        "{patches:?}"
    );
    let d = sb
        .get("apps/v1", "Deployment", Some("default"), "web")
        .unwrap();
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.27"
    );
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][1]["image"],
        "busybox:1.36"
    );
    assert_eq!(d["metadata"]["generation"], 2);
    assert_eq!(sb.list("apps/v1", "ReplicaSet", Some("default")).len(), 2);
    // StatefulSet pods are ordinal, run the new image, and have their claims.
    let pods = ok(&sb, &["get", "pods", "-l", "app=db", "-o", "name"]);
    assert_eq!(pods, "pod/db-0\npod/db-1\n");
    let pod = sb.get("v1", "Pod", Some("default"), "db-1").unwrap();
    assert_eq!(pod["spec"]["containers"][0]["image"], "postgres:17");
    let pvcs = ok(&sb, &["get", "pvc"]);
    assert!(
        pvcs.contains("data-db-0") && pvcs.contains("data-db-1") && pvcs.contains("Bound"),
        "{pvcs}"
    );
    ok(
        &sb,
        &["rollout", "status", "statefulset/db", "--timeout=10s"],
    );
    let hpa = ok(&sb, &["get", "hpa"]);
    assert!(
        hpa.contains("Deployment/web") && hpa.contains("cpu: <unknown>/75%"),
        "{hpa}"
    );
    let cm = sb
        .get("v1", "ConfigMap", Some("default"), "settings")
        .unwrap();
    assert_eq!(cm["data"]["mode"], "safe");
}

#[test]
fn apply_removes_fields_dropped_from_the_manifest() {
    let sb = Sandbox::start().unwrap();
    let with_env = WEB.replace(
        "image: nginx:1.25",
        "image: nginx:1.25\n        env: [{name: A, value: '1'}, {name: B, value: '2'}]",
    );
    apply(&sb, &with_env);
    let fewer = WEB.replace(
        "image: nginx:1.25",
        "image: nginx:1.25\n        env: [{name: B, value: '2'}]",
    );
    apply(&sb, &fewer);
    let d = sb
        .get("apps/v1", "Deployment", Some("default"), "web")
        .unwrap();
    let env = &d["spec"]["template"]["spec"]["containers"][0]["env"];
    assert_eq!(env.as_array().map(Vec::len), Some(1), "{env}");
    assert_eq!(env[0]["name"], "B");
}

#[test]
fn server_side_dry_run_apply_and_diff() {
    let sb = with_web();
    let changed = WEB.replace("replicas: 2", "replicas: 4");
    let out = kubectl_in(
        &sb,
        &["apply", "--dry-run=server", "-f", "-"],
        Some(&changed),
    )
    .success();
    assert!(
        out.contains("deployment.apps/web configured (server dry run)"),
        "{out}"
    );
    assert_eq!(
        sb.get("apps/v1", "Deployment", Some("default"), "web")
            .unwrap()["spec"]["replicas"],
        2
    );
    let diff = kubectl_in(&sb, &["diff", "-f", "-"], Some(&changed));
    assert!(
        !diff.ok,
        "diff exits 1 when there are differences: {}",
        diff.stderr
    );
    assert!(
        diff.stdout.contains("-  replicas: 2") && diff.stdout.contains("+  replicas: 4"),
        "{}",
        diff.stdout
    );
    assert_eq!(
        sb.get("apps/v1", "Deployment", Some("default"), "web")
            .unwrap()["spec"]["replicas"],
        2
    );
}

#[test]
fn server_side_apply_creates_and_updates() {
    let sb = Sandbox::start().unwrap();
    let out = kubectl_in(&sb, &["apply", "--server-side", "-f", "-"], Some(WEB)).success();
    assert!(
        out.contains("deployment.apps/web serverside-applied"),
        "{out}"
    );
    let changed = WEB.replace("replicas: 2", "replicas: 3");
    kubectl_in(&sb, &["apply", "--server-side", "-f", "-"], Some(&changed)).success();
    assert_eq!(sb.list("v1", "Pod", Some("default")).len(), 3);
}

#[test]
fn typed_create_commands_send_protobuf() {
    let sb = Sandbox::start().unwrap();
    ok(&sb, &["create", "namespace", "team"]);
    ok(
        &sb,
        &[
            "create",
            "deployment",
            "api",
            "--image=api:1",
            "--replicas=3",
            "--port=8080",
            "-n",
            "team",
        ],
    );
    ok(
        &sb,
        &[
            "create",
            "configmap",
            "cfg",
            "--from-literal=a=b",
            "-n",
            "team",
        ],
    );
    ok(
        &sb,
        &[
            "create",
            "secret",
            "generic",
            "pw",
            "--from-literal=password=hunter2",
            "-n",
            "team",
        ],
    );
    ok(
        &sb,
        &[
            "autoscale",
            "deployment",
            "api",
            "--min=2",
            "--max=4",
            "--cpu-percent=60",
            "-n",
            "team",
        ],
    );
    assert!(
        sb.requests()
            .iter()
            .any(|r| r.content_type == "application/vnd.kubernetes.protobuf")
    );
    let d = sb
        .get("apps/v1", "Deployment", Some("team"), "api")
        .unwrap();
    assert_eq!(d["spec"]["replicas"], 3);
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"],
        8080
    );
    assert_eq!(sb.list("v1", "Pod", Some("team")).len(), 3);
    let s = sb.get("v1", "Secret", Some("team"), "pw").unwrap();
    assert_eq!(s["data"]["password"], "aHVudGVyMg==");
    let cm = sb.get("v1", "ConfigMap", Some("team"), "cfg").unwrap();
    assert_eq!(cm["data"]["a"], "b");
    let hpa = sb
        .get(
            "autoscaling/v2",
            "HorizontalPodAutoscaler",
            Some("team"),
            "api",
        )
        .unwrap();
    assert_eq!(hpa["spec"]["maxReplicas"], 4);
    let err = kubectl(&sb, &["create", "deployment", "Bad_Name", "--image=x"]).failure();
    assert!(err.contains("Invalid value: \"Bad_Name\""), "{err}");
    let err = kubectl(&sb, &["create", "namespace", "team"]).failure();
    assert_eq!(
        err.trim(),
        r#"Error from server (AlreadyExists): namespaces "team" already exists"#
    );
}

#[test]
fn strict_field_validation_rejects_typos() {
    let sb = Sandbox::start().unwrap();
    let typo = WEB.replace("replicas: 2", "replica: 2");
    let err = kubectl_in(&sb, &["apply", "-f", "-"], Some(&typo)).failure();
    assert!(
        err.contains(r#"Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica""#),
        "{err}"
    );
    // --validate=false sends fieldValidation=Ignore.
    kubectl_in(&sb, &["apply", "--validate=false", "-f", "-"], Some(&typo)).success();
}
