//! Large, deterministic synthetic clusters for benchmarks.
//!
//! The hand-written scenarios are small; `diagnose` and the store must also
//! stay fast on a big cluster (tens of thousands of pods, hundreds of
//! thousands of events). [`cluster`] builds one from three sizes, with no
//! randomness: everything derives from object indices through a fixed hash,
//! so two calls return identical objects. A small, fixed fraction of pods is
//! broken (about 1% each CrashLoopBackOff, ImagePullBackOff and Pending) so a
//! diagnosis has something to find; see [`Broken::of`].

use serde_json::{Value, json};

const NOW: &str = "2026-11-20T10:00:00Z";
const CREATED: &str = "2026-11-18T08:00:00Z";
const STARTED: &str = "2026-11-18T08:00:05Z";
const PODS_PER_DEPLOYMENT: usize = 5;
const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// How a generated pod is broken, decided by its global index alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Broken {
    Healthy,
    CrashLoop,
    ImagePull,
    Pending,
}

impl Broken {
    /// The state of the pod with this global index (about 1% each kind).
    pub fn of(pod_index: usize) -> Broken {
        match pod_index % 100 {
            37 => Broken::CrashLoop,
            61 => Broken::ImagePull,
            89 => Broken::Pending,
            _ => Broken::Healthy,
        }
    }
}

/// Number of nodes for a cluster of this many pods: a few dozen at most.
pub fn node_count(total_pods: usize) -> usize {
    (total_pods / 110 + 1).clamp(3, 48)
}

/// A cluster of `namespaces` × `pods_per_namespace` pods with
/// `events_per_pod` events each, plus nodes, Namespaces, Deployments,
/// ReplicaSets, Services and Endpoints (one Deployment per five pods).
pub fn cluster(namespaces: usize, pods_per_namespace: usize, events_per_pod: usize) -> Vec<Value> {
    let nodes = node_count(namespaces * pods_per_namespace);
    let mut out: Vec<Value> = (0..nodes).map(node).collect();
    // Namespaces are independent, so build them on a few threads and join in
    // order: the result is the same as a sequential build.
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8)
        .min(namespaces.max(1));
    let per_thread = namespaces.div_ceil(threads).max(1);
    let parts: Vec<Vec<Value>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..namespaces)
            .step_by(per_thread)
            .map(|first| {
                let last = (first + per_thread).min(namespaces);
                scope.spawn(move || {
                    let mut part = Vec::new();
                    for n in first..last {
                        namespace_objects(&mut part, n, pods_per_namespace, events_per_pod, nodes);
                    }
                    part
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    out.reserve(parts.iter().map(Vec::len).sum());
    for part in parts {
        out.extend(part);
    }
    out
}

/// Everything in namespace number `n`; indices derive from `n` alone.
fn namespace_objects(
    out: &mut Vec<Value>,
    n: usize,
    pods_per_namespace: usize,
    events_per_pod: usize,
    nodes: usize,
) {
    let deployments = pods_per_namespace.div_ceil(PODS_PER_DEPLOYMENT);
    let ns = format!("team-{n:03}");
    out.push(namespace(&ns));
    let mut pod_index = n * pods_per_namespace;
    for d in 0..deployments {
        let replicas = PODS_PER_DEPLOYMENT.min(pods_per_namespace - d * PODS_PER_DEPLOYMENT);
        let app = Workload::new(&ns, d, replicas, pod_index, n * deployments + d);
        out.push(app.deployment());
        out.push(app.replicaset());
        let mut ready = Vec::new();
        let mut unready = Vec::new();
        for r in 0..replicas {
            let pod = app.pod(r, pod_index, nodes);
            let address = || Address {
                ip: pod_ip(pod_index),
                node: pod["spec"]["nodeName"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                pod: pod["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            };
            match Broken::of(pod_index) {
                Broken::Pending => {}
                Broken::Healthy => ready.push(address()),
                _ => unready.push(address()),
            }
            out.extend(events(&ns, &pod, pod_index, events_per_pod));
            out.push(pod);
            pod_index += 1;
        }
        out.push(app.service());
        out.push(app.endpoints(&ready, &unready));
    }
}

/// splitmix64: a fixed, well-mixed hash of an index.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// `len` characters in Kubernetes' random-suffix alphabet, from a seed.
fn suffix(seed: u64, len: usize) -> String {
    let mut h = mix(seed);
    (0..len)
        .map(|_| {
            let c = ALPHABET[(h % ALPHABET.len() as u64) as usize];
            h /= ALPHABET.len() as u64;
            if h == 0 {
                h = mix(seed ^ 0x5eed);
            }
            c as char
        })
        .collect()
}

fn pod_ip(i: usize) -> String {
    format!("10.{}.{}.{}", 128 + i / 65_536, (i / 256) % 256, i % 256)
}

fn node_name(i: usize) -> String {
    format!("node-{i:02}")
}

fn node_ip(i: usize) -> String {
    format!("10.0.{}.{}", i / 200, 10 + i % 200)
}

fn node(i: usize) -> Value {
    let name = node_name(i);
    let ip = node_ip(i);
    let cond = |t: &str, s: &str, reason: &str, msg: &str| json!({"lastHeartbeatTime": NOW, "lastTransitionTime": CREATED, "message": msg, "reason": reason, "status": s, "type": t});
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"creationTimestamp": CREATED, "labels": {
            "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
            "node.kubernetes.io/instance-type": "m5.4xlarge",
            "topology.kubernetes.io/zone": format!("eu-west-1{}", ['a', 'b', 'c'][i % 3]),
        }, "name": name},
        "spec": {"podCIDR": format!("10.244.{i}.0/24"), "podCIDRs": [format!("10.244.{i}.0/24")]},
        "status": {
            "addresses": [{"address": ip, "type": "InternalIP"}, {"address": name, "type": "Hostname"}],
            "allocatable": {"cpu": "16", "ephemeral-storage": "95551679124", "memory": "64221004Ki", "pods": "110"},
            "capacity": {"cpu": "16", "ephemeral-storage": "103680796Ki", "memory": "64323404Ki", "pods": "110"},
            "conditions": [
                cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "nodeInfo": {"architecture": "amd64", "containerRuntimeVersion": "containerd://1.7.24", "kernelVersion": "6.8.0-1019-aws",
                "kubeProxyVersion": "v1.32.0", "kubeletVersion": "v1.32.0", "operatingSystem": "linux", "osImage": "Ubuntu 22.04.5 LTS"},
        },
    })
}

fn namespace(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace",
        "metadata": {"creationTimestamp": CREATED, "labels": {"kubernetes.io/metadata.name": name}, "name": name},
        "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
}

/// Where an Endpoints address points.
struct Address {
    ip: String,
    node: String,
    pod: String,
}

/// One Deployment with its ReplicaSet, Service and Endpoints.
struct Workload<'a> {
    ns: &'a str,
    name: String,
    hash: String,
    replicas: usize,
    /// Pods of this workload that will be Ready.
    ready: usize,
    /// The pod spec's containers as in the Deployment template.
    containers: Value,
    /// A pod's spec before scheduling, built once and cloned per pod.
    pod_spec: Value,
    cluster_ip: String,
}

impl<'a> Workload<'a> {
    fn new(ns: &'a str, d: usize, replicas: usize, first_pod: usize, w: usize) -> Workload<'a> {
        let name = format!("svc-{d:04}");
        let seed = mix(first_pod as u64);
        let hash = suffix(seed, 10);
        let ready = (first_pod..first_pod + replicas)
            .filter(|i| Broken::of(*i) == Broken::Healthy)
            .count();
        let image = format!("ghcr.io/acme/{name}:1.{}.{}", seed % 20, seed % 7);
        let containers = json!([{
            "env": [{"name": "LOG_LEVEL", "value": "info"}],
            "image": image, "imagePullPolicy": "IfNotPresent", "name": "app",
            "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
            "readinessProbe": {"failureThreshold": 3, "httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"},
                "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1},
            "resources": {"limits": {"memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}},
            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
        }]);
        let w = w + 16;
        let cluster_ip = format!("10.{}.{}.{}", 96 + w / 65_536, (w / 256) % 256, w % 256);
        let mut w = Workload {
            ns,
            name,
            hash,
            replicas,
            ready,
            containers,
            cluster_ip,
            pod_spec: Value::Null,
        };
        let mut spec = w.template(true)["spec"].take();
        spec["serviceAccountName"] = json!("default");
        spec["tolerations"] = json!([
            {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
            {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300}]);
        w.pod_spec = spec;
        w
    }

    fn labels(&self, with_hash: bool) -> Value {
        if with_hash {
            json!({"app": self.name, "pod-template-hash": self.hash})
        } else {
            json!({"app": self.name})
        }
    }

    fn template(&self, with_hash: bool) -> Value {
        json!({"metadata": {"creationTimestamp": null, "labels": self.labels(with_hash)},
            "spec": {"containers": self.containers, "dnsPolicy": "ClusterFirst", "restartPolicy": "Always",
                "schedulerName": "default-scheduler", "securityContext": {}, "terminationGracePeriodSeconds": 30}})
    }

    fn deployment(&self) -> Value {
        let available = self.ready == self.replicas;
        let mut status = json!({
            "conditions": [
                {"lastTransitionTime": CREATED, "lastUpdateTime": CREATED, "message": if available { "Deployment has minimum availability." } else { "Deployment does not have minimum availability." },
                    "reason": if available { "MinimumReplicasAvailable" } else { "MinimumReplicasUnavailable" }, "status": if available { "True" } else { "False" }, "type": "Available"},
                {"lastTransitionTime": CREATED, "lastUpdateTime": STARTED, "message": format!("ReplicaSet \"{}-{}\" has successfully progressed.", self.name, self.hash),
                    "reason": "NewReplicaSetAvailable", "status": "True", "type": "Progressing"},
            ],
            "observedGeneration": 1, "replicas": self.replicas, "updatedReplicas": self.replicas,
        });
        if self.ready > 0 {
            status["availableReplicas"] = json!(self.ready);
            status["readyReplicas"] = json!(self.ready);
        }
        if self.ready < self.replicas {
            status["unavailableReplicas"] = json!(self.replicas - self.ready);
        }
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"annotations": {"deployment.kubernetes.io/revision": "1"}, "creationTimestamp": CREATED, "generation": 1,
                "labels": self.labels(false), "name": self.name, "namespace": self.ns},
            "spec": {"progressDeadlineSeconds": 600, "replicas": self.replicas, "revisionHistoryLimit": 10,
                "selector": {"matchLabels": self.labels(false)},
                "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}, "type": "RollingUpdate"},
                "template": self.template(false)},
            "status": status})
    }

    fn replicaset(&self) -> Value {
        let mut status = json!({"fullyLabeledReplicas": self.replicas, "observedGeneration": 1, "replicas": self.replicas});
        if self.ready > 0 {
            status["availableReplicas"] = json!(self.ready);
            status["readyReplicas"] = json!(self.ready);
        }
        json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"annotations": {"deployment.kubernetes.io/desired-replicas": self.replicas.to_string(),
                    "deployment.kubernetes.io/max-replicas": (self.replicas + 2).to_string(), "deployment.kubernetes.io/revision": "1"},
                "creationTimestamp": CREATED, "generation": 1, "labels": self.labels(true),
                "name": format!("{}-{}", self.name, self.hash), "namespace": self.ns,
                "ownerReferences": [{"apiVersion": "apps/v1", "blockOwnerDeletion": true, "controller": true, "kind": "Deployment", "name": self.name}]},
            "spec": {"replicas": self.replicas, "selector": {"matchLabels": self.labels(true)}, "template": self.template(true)},
            "status": status})
    }

    fn pod(&self, r: usize, index: usize, nodes: usize) -> Value {
        let rs = format!("{}-{}", self.name, self.hash);
        let name = format!("{rs}-{}", suffix(index as u64 ^ 0xa5a5, 5));
        let node_index = mix(index as u64 ^ 0x17) as usize % nodes;
        let node = node_name(node_index);
        let broken = Broken::of(index);
        let mut spec = self.pod_spec.clone();
        let image = self.containers[0]["image"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if broken == Broken::ImagePull {
            spec["containers"][0]["image"] = json!(format!("{image}-missing"));
        }
        if broken == Broken::Pending {
            spec["containers"][0]["resources"]["requests"]["cpu"] = json!("64");
        }
        let metadata = json!({"creationTimestamp": CREATED, "generateName": format!("{rs}-"), "labels": self.labels(true),
            "name": name, "namespace": self.ns,
            "ownerReferences": [{"apiVersion": "apps/v1", "blockOwnerDeletion": true, "controller": true, "kind": "ReplicaSet", "name": rs}]});
        let cond = |t: &str, ok: bool| {
            let mut c = json!({"lastProbeTime": null, "lastTransitionTime": STARTED, "status": if ok { "True" } else { "False" }, "type": t});
            if !ok && (t == "Ready" || t == "ContainersReady") {
                c["message"] = json!("containers with unready status: [app]");
                c["reason"] = json!("ContainersNotReady");
            }
            c
        };
        let status = if broken == Broken::Pending {
            json!({"conditions": [{"lastProbeTime": null, "lastTransitionTime": STARTED,
                "message": format!("0/{nodes} nodes are available: {nodes} Insufficient cpu. preemption: 0/{nodes} nodes are available: {nodes} No preemption victims found for incoming pod."),
                "reason": "Unschedulable", "status": "False", "type": "PodScheduled"}],
                "phase": "Pending", "qosClass": "Burstable"})
        } else {
            spec["nodeName"] = json!(node);
            let ok = broken == Broken::Healthy;
            let (state, last, restarts) = match broken {
                Broken::CrashLoop => (
                    json!({"waiting": {"message": format!("back-off 5m0s restarting failed container=app pod={name}_{}", self.ns), "reason": "CrashLoopBackOff"}}),
                    json!({"terminated": {"exitCode": 1, "finishedAt": "2026-11-20T09:55:10Z", "reason": "Error", "startedAt": "2026-11-20T09:55:02Z"}}),
                    12 + r,
                ),
                Broken::ImagePull => (
                    json!({"waiting": {"message": format!("Back-off pulling image \"{image}-missing\""), "reason": "ImagePullBackOff"}}),
                    json!({}),
                    0,
                ),
                _ => (json!({"running": {"startedAt": STARTED}}), json!({}), 0),
            };
            json!({"conditions": [cond("PodReadyToStartContainers", true), cond("Initialized", true), cond("Ready", ok), cond("ContainersReady", ok), cond("PodScheduled", true)],
                "containerStatuses": [{"image": if broken == Broken::ImagePull { format!("{image}-missing") } else { image.clone() },
                    "imageID": if broken == Broken::ImagePull { String::new() } else { format!("{image}@sha256:{:016x}{:016x}", mix(index as u64), mix(!(index as u64))) },
                    "lastState": last, "name": "app", "ready": ok, "restartCount": restarts, "started": ok, "state": state}],
                "hostIP": node_ip(node_index), "phase": "Running", "podIP": pod_ip(index), "podIPs": [{"ip": pod_ip(index)}],
                "qosClass": "Burstable", "startTime": STARTED})
        };
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": status})
    }

    fn service(&self) -> Value {
        json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"creationTimestamp": CREATED, "labels": self.labels(false), "name": self.name, "namespace": self.ns},
            "spec": {"clusterIP": self.cluster_ip, "clusterIPs": [self.cluster_ip], "internalTrafficPolicy": "Cluster",
                "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}],
                "selector": self.labels(false), "sessionAffinity": "None", "type": "ClusterIP"},
            "status": {"loadBalancer": {}}})
    }

    fn endpoints(&self, ready: &[Address], unready: &[Address]) -> Value {
        let addr = |a: &Address| json!({"ip": a.ip, "nodeName": a.node, "targetRef": {"kind": "Pod", "name": a.pod, "namespace": self.ns}});
        let mut ep = json!({"apiVersion": "v1", "kind": "Endpoints",
            "metadata": {"creationTimestamp": CREATED, "labels": self.labels(false), "name": self.name, "namespace": self.ns}});
        if !ready.is_empty() || !unready.is_empty() {
            let mut subset = json!({"ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]});
            if !ready.is_empty() {
                subset["addresses"] = ready.iter().map(addr).collect();
            }
            if !unready.is_empty() {
                subset["notReadyAddresses"] = unready.iter().map(addr).collect();
            }
            ep["subsets"] = json!([subset]);
        }
        ep
    }
}

/// `count` events about one pod: the normal start sequence, and for a broken
/// pod its characteristic warning first.
fn events(ns: &str, pod: &Value, index: usize, count: usize) -> Vec<Value> {
    let name = pod["metadata"]["name"].as_str().unwrap_or_default();
    let node = pod["spec"]["nodeName"].as_str().unwrap_or_default();
    let image = pod["spec"]["containers"][0]["image"]
        .as_str()
        .unwrap_or_default();
    let warning: Option<(&str, String, &str)> = match Broken::of(index) {
        Broken::Healthy => None,
        Broken::CrashLoop => Some((
            "BackOff",
            format!("Back-off restarting failed container app in pod {name}_{ns}"),
            "kubelet",
        )),
        Broken::ImagePull => Some((
            "Failed",
            format!(
                "Failed to pull image \"{image}\": rpc error: code = NotFound desc = failed to pull and unpack image \"{image}\": not found"
            ),
            "kubelet",
        )),
        Broken::Pending => Some((
            "FailedScheduling",
            pod["status"]["conditions"][0]["message"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            "default-scheduler",
        )),
    };
    let normal = [
        (
            "Scheduled",
            format!("Successfully assigned {ns}/{name} to {node}"),
            "default-scheduler",
        ),
        (
            "Pulled",
            format!("Container image \"{image}\" already present on machine"),
            "kubelet",
        ),
        ("Created", "Created container: app".to_string(), "kubelet"),
        ("Started", "Started container app".to_string(), "kubelet"),
    ];
    let mut out = Vec::with_capacity(count);
    for k in 0..count {
        let (kind, (reason, message, component)) = match (&warning, k) {
            (Some(w), 0) => ("Warning", w.clone()),
            // An unscheduled pod has nothing but scheduling failures.
            (Some(w), _) if Broken::of(index) == Broken::Pending => ("Warning", w.clone()),
            _ => ("Normal", normal[k % normal.len()].clone()),
        };
        let repeat = k / normal.len() + 1;
        let host = if component == "kubelet" { node } else { "" };
        out.push(json!({"apiVersion": "v1", "count": if kind == "Warning" { 17 } else { repeat },
            "eventTime": null, "firstTimestamp": STARTED,
            "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": name, "namespace": ns},
            "kind": "Event", "lastTimestamp": if kind == "Warning" { "2026-11-20T09:59:30Z" } else { STARTED },
            "message": message,
            "metadata": {"creationTimestamp": STARTED, "name": format!("{name}.{:016x}", mix((index as u64) << 8 | k as u64)), "namespace": ns},
            "reason": reason, "reportingComponent": component, "reportingInstance": host,
            "source": if host.is_empty() { json!({"component": component}) } else { json!({"component": component, "host": host}) },
            "type": kind}));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn count(objs: &[Value], kind: &str) -> usize {
        objs.iter().filter(|o| o["kind"] == kind).count()
    }

    #[test]
    fn counts() {
        let objs = cluster(3, 12, 2);
        assert_eq!(count(&objs, "Node"), 3);
        assert_eq!(count(&objs, "Namespace"), 3);
        assert_eq!(count(&objs, "Deployment"), 9);
        assert_eq!(count(&objs, "ReplicaSet"), 9);
        assert_eq!(count(&objs, "Service"), 9);
        assert_eq!(count(&objs, "Endpoints"), 9);
        assert_eq!(count(&objs, "Pod"), 36);
        assert_eq!(count(&objs, "Event"), 72);
        assert_eq!(objs.len(), 3 + 3 + 9 * 4 + 36 + 72);
        assert!(cluster(0, 10, 1).len() == 3);
        assert_eq!(count(&cluster(1, 0, 5), "Pod"), 0);
    }

    #[test]
    fn deterministic() {
        assert_eq!(cluster(2, 50, 3), cluster(2, 50, 3));
    }

    #[test]
    fn broken_fraction_and_consistency() {
        let objs = cluster(4, 250, 2);
        let pods: Vec<&Value> = objs.iter().filter(|o| o["kind"] == "Pod").collect();
        let waiting = |reason: &str| {
            pods.iter()
                .filter(|p| {
                    p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] == reason
                })
                .count()
        };
        assert_eq!(waiting("CrashLoopBackOff"), 10);
        assert_eq!(waiting("ImagePullBackOff"), 10);
        assert_eq!(
            pods.iter()
                .filter(|p| p["status"]["phase"] == "Pending")
                .count(),
            10
        );
        let warnings = objs
            .iter()
            .filter(|o| o["kind"] == "Event" && o["type"] == "Warning")
            .count();
        assert_eq!(warnings, 10 + 10 + 10 * 2);

        let mut names = BTreeSet::new();
        let mut ips = BTreeSet::new();
        for o in &objs {
            let key = format!(
                "{}/{}/{}",
                o["kind"], o["metadata"]["namespace"], o["metadata"]["name"]
            );
            assert!(names.insert(key.clone()), "duplicate {key}");
            if let Some(ip) = o["status"]["podIP"]
                .as_str()
                .or(o["spec"]["clusterIP"].as_str())
            {
                assert!(ips.insert(ip.to_string()), "duplicate ip {ip}");
            }
        }
        // Endpoints list exactly the pods of their workload that have an IP.
        let eps: usize = objs
            .iter()
            .filter(|o| o["kind"] == "Endpoints")
            .flat_map(|e| e["subsets"].as_array().cloned().unwrap_or_default())
            .map(|s| {
                s["addresses"].as_array().map_or(0, Vec::len)
                    + s["notReadyAddresses"].as_array().map_or(0, Vec::len)
            })
            .sum();
        assert_eq!(eps, 1000 - 10);
    }

    #[test]
    fn sizes_scale_with_the_arguments() {
        // The 50,000-pod size is measured by the diagnose benchmark, not timed here.
        let objs = cluster(10, 500, 2);
        assert_eq!(count(&objs, "Pod"), 5_000);
        assert_eq!(count(&objs, "Event"), 10_000);
        assert!(count(&objs, "Node") >= 3);
    }
}
