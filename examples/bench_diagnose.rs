//! Benchmark: parse and analyze kubectl's JSON for 1k / 10k / 50k pods (two
//! events per pod), reporting wall time and peak memory (VmHWM).
//!
//! `cargo run --release --example bench_diagnose` runs every size, each in a
//! fresh child process so peaks do not mix; `... -- 10000` runs one size. The
//! target: 10,000 pods with 20,000 events in under 1 s and under 200 MB, input
//! bytes included (kubectl's output is in memory when diagnose parses it).
//!
//! The input imitates `kubectl get ... -o json`: realistic pods (managed fields,
//! probes, env, volumes, status), Deployments of 10 pods with their ReplicaSets,
//! a Service and Endpoints each, and 5% of the Deployments crash-looping.

use std::io::Write;
use std::time::Instant;

use kubectl_ai::diagnose::{Collected, analyze};
use serde_json::{Value, json};

const SIZES: &[usize] = &[1_000, 10_000, 50_000];
const PODS_PER_DEPLOYMENT: usize = 10;
const PODS_PER_NAMESPACE: usize = 1_000;

fn vm_hwm_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn ts(offset: usize) -> String {
    format!(
        "2024-05-01T{:02}:{:02}:{:02}Z",
        10 + (offset / 3600) % 2,
        (offset / 60) % 60,
        offset % 60
    )
}

fn pod(ns: &str, deploy: &str, rs: &str, i: usize, broken: bool) -> Value {
    let name = format!("{rs}-{i:05x}");
    let status = if broken {
        json!({"name": "app", "image": "shop/app:2.0", "ready": false, "restartCount": 12,
               "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container=app"}},
               "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": ts(i), "finishedAt": ts(i + 5)}}})
    } else {
        json!({"name": "app", "image": "shop/app:1.0", "imageID": "docker.io/shop/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
               "containerID": "containerd://0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
               "ready": true, "started": true, "restartCount": 0, "state": {"running": {"startedAt": ts(i)}}, "lastState": {}})
    };
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": name, "namespace": ns, "uid": format!("{ns}-{name}-0000-0000-000000000000"),
            "resourceVersion": "123456", "creationTimestamp": ts(i),
            "generateName": format!("{rs}-"),
            "labels": {"app": deploy, "pod-template-hash": "5c6b7d8f9", "tier": "backend", "team": "shop"},
            "annotations": {"kubectl.kubernetes.io/restartedAt": ts(i), "prometheus.io/scrape": "true", "prometheus.io/port": "9090"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs, "uid": format!("uid-{rs}"), "controller": true, "blockOwnerDeletion": true}],
            "managedFields": [
                {"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1", "time": ts(i), "fieldsType": "FieldsV1",
                 "fieldsV1": {"f:metadata": {"f:generateName": {}, "f:labels": {".": {}, "f:app": {}, "f:pod-template-hash": {}}, "f:ownerReferences": {".": {}, "k:{\"uid\":\"x\"}": {}}},
                              "f:spec": {"f:containers": {"k:{\"name\":\"app\"}": {".": {}, "f:env": {}, "f:image": {}, "f:imagePullPolicy": {}, "f:name": {}, "f:ports": {}, "f:readinessProbe": {}, "f:resources": {}}}}}},
                {"manager": "kubelet", "operation": "Update", "apiVersion": "v1", "time": ts(i), "fieldsType": "FieldsV1", "subresource": "status",
                 "fieldsV1": {"f:status": {"f:conditions": {"k:{\"type\":\"Ready\"}": {".": {}, "f:lastProbeTime": {}, "f:lastTransitionTime": {}, "f:status": {}, "f:type": {}}}, "f:containerStatuses": {}, "f:hostIP": {}, "f:phase": {}, "f:podIP": {}, "f:podIPs": {}, "f:startTime": {}}}}
            ]
        },
        "spec": {
            "containers": [{
                "name": "app", "image": if broken { "shop/app:2.0" } else { "shop/app:1.0" }, "imagePullPolicy": "IfNotPresent",
                "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}, {"name": "metrics", "containerPort": 9090, "protocol": "TCP"}],
                "env": [{"name": "DB_HOST", "value": "db.shop.svc"}, {"name": "LOG_LEVEL", "value": "info"}, {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}],
                "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}},
                "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"}, "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3},
                "volumeMounts": [{"name": "kube-api-access-abcde", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true}],
                "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"
            }],
            "nodeName": format!("node-{}", i % 50), "restartPolicy": "Always", "schedulerName": "default-scheduler",
            "serviceAccountName": "default", "dnsPolicy": "ClusterFirst", "priority": 0, "enableServiceLinks": true,
            "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}],
            "volumes": [{"name": "kube-api-access-abcde", "projected": {"defaultMode": 420, "sources": [{"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}]}}]
        },
        "status": {
            "phase": "Running", "hostIP": "10.1.0.5", "podIP": "10.244.1.7", "podIPs": [{"ip": "10.244.1.7"}], "qosClass": "Burstable", "startTime": ts(i),
            "conditions": [
                {"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": ts(i)},
                {"type": "Ready", "status": if broken { "False" } else { "True" }, "lastProbeTime": null, "lastTransitionTime": ts(i)},
                {"type": "ContainersReady", "status": if broken { "False" } else { "True" }, "lastProbeTime": null, "lastTransitionTime": ts(i)},
                {"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": ts(i)}
            ],
            "containerStatuses": [status]
        }
    })
}

fn event(ns: &str, pod: &str, i: usize, warning: bool) -> Value {
    let (reason, message, kind) = if warning {
        (
            "BackOff",
            "Back-off restarting failed container app in pod",
            "Warning",
        )
    } else {
        (
            "Pulled",
            "Container image \"shop/app:1.0\" already present on machine",
            "Normal",
        )
    };
    json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": format!("{pod}.{i:x}"), "namespace": ns, "uid": format!("ev-{pod}-{i}"), "resourceVersion": "1", "creationTimestamp": ts(i)},
        "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": pod, "namespace": ns, "uid": format!("{ns}-{pod}"), "fieldPath": "spec.containers{app}", "resourceVersion": "123"},
        "reason": reason, "message": message, "type": kind, "count": 3,
        "source": {"component": "kubelet", "host": "node-1"}, "firstTimestamp": ts(i), "lastTimestamp": ts(i + 1),
        "reportingComponent": "kubelet", "reportingInstance": "node-1"
    })
}

/// kubectl's three outputs: namespaced objects, events, nodes.
fn generate(pods: usize) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let mut objects = Vec::with_capacity(pods * 5000);
    let mut events = Vec::with_capacity(pods * 2 * 900);
    objects.extend_from_slice(b"{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[");
    events.extend_from_slice(b"{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[");
    let mut first = true;
    let mut first_event = true;
    let push = |buf: &mut Vec<u8>, v: &Value, first: &mut bool| {
        if !*first {
            buf.push(b',');
        }
        *first = false;
        serde_json::to_writer(&mut *buf, v).unwrap();
    };
    for d in 0..pods.div_ceil(PODS_PER_DEPLOYMENT) {
        let ns = format!("ns-{}", d * PODS_PER_DEPLOYMENT / PODS_PER_NAMESPACE);
        let deploy = format!("app-{d}");
        let rs = format!("{deploy}-5c6b7d8f9");
        let broken = d % 20 == 7;
        let labels = json!({"app": deploy});
        let available = if broken { 0 } else { PODS_PER_DEPLOYMENT };
        push(
            &mut objects,
            &json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": deploy, "namespace": ns, "uid": format!("uid-{deploy}"), "creationTimestamp": ts(0), "annotations": {"deployment.kubernetes.io/revision": "1"}},
            "spec": {"replicas": PODS_PER_DEPLOYMENT, "selector": {"matchLabels": labels}, "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "app", "image": "shop/app:1.0"}]}}},
            "status": {"replicas": PODS_PER_DEPLOYMENT, "availableReplicas": available, "readyReplicas": available, "updatedReplicas": PODS_PER_DEPLOYMENT,
                       "conditions": [{"type": "Available", "status": if broken { "False" } else { "True" }}, {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}]}}),
            &mut first,
        );
        push(
            &mut objects,
            &json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": rs, "namespace": ns, "uid": format!("uid-{rs}"), "creationTimestamp": ts(0), "annotations": {"deployment.kubernetes.io/revision": "1"},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": deploy, "controller": true}]},
            "spec": {"replicas": PODS_PER_DEPLOYMENT, "selector": {"matchLabels": labels}, "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "app", "image": "shop/app:1.0"}]}}},
            "status": {"replicas": PODS_PER_DEPLOYMENT, "availableReplicas": available}}),
            &mut first,
        );
        push(
            &mut objects,
            &json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": deploy, "namespace": ns, "creationTimestamp": ts(0)},
            "spec": {"selector": labels, "ports": [{"name": "http", "port": 80, "targetPort": 8080}], "type": "ClusterIP", "clusterIP": "10.96.0.10"}}),
            &mut first,
        );
        let mut names = Vec::new();
        for p in 0..PODS_PER_DEPLOYMENT.min(pods - d * PODS_PER_DEPLOYMENT) {
            let i = d * PODS_PER_DEPLOYMENT + p;
            let pod_value = pod(&ns, &deploy, &rs, i, broken);
            let name = pod_value["metadata"]["name"].as_str().unwrap().to_string();
            push(&mut objects, &pod_value, &mut first);
            push(
                &mut events,
                &event(&ns, &name, 2 * i, false),
                &mut first_event,
            );
            push(
                &mut events,
                &event(&ns, &name, 2 * i + 1, broken),
                &mut first_event,
            );
            names.push(name);
        }
        let addresses: Vec<Value> = names
            .iter()
            .map(|n| json!({"ip": "10.244.1.7", "targetRef": {"kind": "Pod", "name": n}}))
            .collect();
        let subset = if broken {
            json!({"notReadyAddresses": addresses})
        } else {
            json!({"addresses": addresses})
        };
        push(
            &mut objects,
            &json!({"apiVersion": "v1", "kind": "Endpoints",
            "metadata": {"name": deploy, "namespace": ns}, "subsets": [subset]}),
            &mut first,
        );
    }
    objects.extend_from_slice(b"]}");
    events.extend_from_slice(b"]}");
    let nodes: Vec<Value> = (0..50)
        .map(|i| {
            json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": format!("node-{i}")},
                        "status": {"conditions": [{"type": "Ready", "status": "True"}]}})
        })
        .collect();
    let nodes = serde_json::to_vec(&json!({"kind": "List", "items": nodes})).unwrap();
    (objects, events, nodes)
}

fn run_one(pods: usize) {
    let (objects, events, nodes) = generate(pods);
    let input_mb = (objects.len() + events.len() + nodes.len()) as f64 / 1_048_576.0;
    let before = vm_hwm_mb();
    let start = Instant::now();
    let mut collected = Collected::from_json(&objects, &events, &nodes).expect("parse");
    collected.now = kubectl_ai::diagnose::objects::parse_time("2024-05-01T12:00:00Z").unwrap();
    let parsed = start.elapsed();
    let findings = analyze(&collected);
    let total = start.elapsed();
    let peak = vm_hwm_mb();
    println!(
        "{pods:>6} pods {:>6} events  input {input_mb:>6.1} MB  parse {:>7.1} ms  analyze {:>6.1} ms  total {:>7.1} ms  peak {peak:>6.1} MB (before parsing {before:.1} MB)  findings {}",
        collected.events.len(),
        parsed.as_secs_f64() * 1000.0,
        (total - parsed).as_secs_f64() * 1000.0,
        total.as_secs_f64() * 1000.0,
        findings.len(),
    );
    std::io::stdout().flush().ok();
}

fn main() {
    match std::env::args().nth(1).and_then(|a| a.parse().ok()) {
        Some(pods) => run_one(pods),
        None => {
            let exe = std::env::current_exe().expect("own path");
            for &pods in SIZES {
                let status = std::process::Command::new(&exe)
                    .arg(pods.to_string())
                    .status();
                if !status.is_ok_and(|s| s.success()) {
                    eprintln!("the {pods}-pod run failed");
                    std::process::exit(1);
                }
            }
        }
    }
}
