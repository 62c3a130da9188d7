//! Simulated controllers and kubelet, run synchronously inside each write:
//! Deployments own one ReplicaSet per pod template, ReplicaSets,
//! StatefulSets, DaemonSets and Jobs own Pods, Services get Endpoints, and
//! every pod a controller makes is scheduled and Running/Ready at once.
//!
//! Seeded objects are left as given: reconciling starts only when an API
//! write changes a workload (or, after seeding, for a Deployment that has
//! no ReplicaSet at all).

use serde_json::{Value, json};

use crate::ops::{WriteOpts, owned_by};
use crate::resources::{self, ResourceType};
use crate::selectors::LabelSelector;
use crate::store::Store;
use crate::util::{
    arr_at, canonical, name_of, now_rfc3339, ns_of, random, random_suffix, str_at, template_hash,
    uid, uid_of,
};

const REVISION: &str = "deployment.kubernetes.io/revision";
const HASH: &str = "pod-template-hash";
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

fn rt(group: &str, plural: &str) -> &'static ResourceType {
    resources::TYPES
        .iter()
        .find(|t| t.storage_group == group && t.plural == plural)
        .unwrap_or(&resources::TYPES[0])
}

fn pods_t() -> &'static ResourceType {
    rt("", "pods")
}

/// Fills uid/creationTimestamp/generation and stores an object made by a controller.
fn insert(store: &mut Store, t: &ResourceType, mut obj: Value) -> Value {
    if let Some(m) = obj.as_object_mut() {
        m.insert("apiVersion".into(), json!(t.api_version()));
        m.insert("kind".into(), json!(t.kind));
        m.entry("metadata").or_insert_with(|| json!({}));
    }
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("uid".into(), json!(uid()));
        meta.insert("creationTimestamp".into(), json!(now_rfc3339()));
        if t.plural != "pods" && t.plural != "endpoints" && t.plural != "persistentvolumeclaims" {
            meta.insert("generation".into(), json!(1));
        }
    }
    crate::defaults::apply(t, &mut obj);
    store.put(t, obj)
}

fn owner_ref(owner: &Value) -> Value {
    json!({
        "apiVersion": owner.get("apiVersion").cloned().unwrap_or(json!("apps/v1")),
        "kind": owner.get("kind").cloned().unwrap_or(json!("")),
        "name": name_of(owner),
        "uid": uid_of(owner),
        "controller": true,
        "blockOwnerDeletion": true,
    })
}

fn controller_of(obj: &Value) -> Option<(String, String)> {
    arr_at(obj, &["metadata", "ownerReferences"])
        .iter()
        .find(|r| r.get("controller").and_then(Value::as_bool).unwrap_or(true))
        .map(|r| {
            (
                r.get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                r.get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            )
        })
}

fn is_ready(pod: &Value) -> bool {
    arr_at(pod, &["status", "conditions"]).iter().any(|c| {
        c.get("type").and_then(Value::as_str) == Some("Ready")
            && c.get("status").and_then(Value::as_str) == Some("True")
    })
}

fn is_terminating(obj: &Value) -> bool {
    obj.pointer("/metadata/deletionTimestamp").is_some()
}

/// Nodes that take new pods (Ready and not cordoned, as the scheduler's
/// not-ready taints would have it), least loaded first.
fn pick_node(store: &Store) -> Option<String> {
    let nodes = store.list(rt("", "nodes"), None);
    let pods = store.list(pods_t(), None);
    nodes
        .iter()
        .filter(|n| {
            !n.pointer("/spec/unschedulable")
                .and_then(Value::as_bool)
                .unwrap_or(false)
                && is_ready(n)
        })
        .map(|n| {
            let name = name_of(n).to_string();
            let load = pods
                .iter()
                .filter(|p| str_at(p, &["spec", "nodeName"]) == Some(&name))
                .count();
            (load, name)
        })
        .min()
        .map(|(_, n)| n)
}

fn node_ip(store: &Store, node: &str) -> String {
    store
        .get(rt("", "nodes"), "", node)
        .and_then(|n| {
            arr_at(n, &["status", "addresses"])
                .iter()
                .find(|a| a.get("type").and_then(Value::as_str) == Some("InternalIP"))
                .and_then(|a| a.get("address").and_then(Value::as_str).map(str::to_string))
        })
        .unwrap_or_else(|| "10.0.0.10".to_string())
}

/// The simulated kubelet: schedules and starts a pod (Running, Ready).
pub fn run_pod(store: &Store, pod: &mut Value) {
    if str_at(pod, &["spec", "nodeName"]).unwrap_or("").is_empty()
        && let Some(node) = pick_node(store)
    {
        crate::util::set_at(pod, &["spec", "nodeName"], json!(node));
    }
    let node = str_at(pod, &["spec", "nodeName"]).unwrap_or("").to_string();
    let now = now_rfc3339();
    let ip = format!("10.244.{}.{}", random() % 250 + 1, random() % 250 + 2);
    let host_ip = if node.is_empty() {
        "10.0.0.10".to_string()
    } else {
        node_ip(store, &node)
    };
    let statuses = |key: &str, init: bool| -> Vec<Value> {
        arr_at(pod, &["spec", key])
            .iter()
            .map(|c| {
                let image = c.get("image").and_then(Value::as_str).unwrap_or("");
                let state = if init {
                    json!({"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": now, "finishedAt": now, "containerID": format!("containerd://{:016x}", random())}})
                } else {
                    json!({"running": {"startedAt": now}})
                };
                json!({
                    "name": c.get("name"),
                    "state": state,
                    "lastState": {},
                    "ready": !init,
                    "restartCount": 0,
                    "image": image,
                    "imageID": format!("docker.io/library/{image}@sha256:{:016x}", random()),
                    "containerID": format!("containerd://{:016x}{:016x}", random(), random()),
                    "started": !init,
                })
            })
            .collect()
    };
    let containers = statuses("containers", false);
    let inits = statuses("initContainers", true);
    let cond = |t: &str| json!({"type": t, "status": "True", "lastProbeTime": null, "lastTransitionTime": now});
    let mut status = json!({
        "phase": "Running",
        "conditions": [cond("PodReadyToStartContainers"), cond("Initialized"), cond("Ready"), cond("ContainersReady"), cond("PodScheduled")],
        "hostIP": host_ip,
        "hostIPs": [{"ip": host_ip}],
        "podIP": ip,
        "podIPs": [{"ip": ip}],
        "startTime": now,
        "containerStatuses": containers,
        "qosClass": qos_class(pod),
    });
    if !inits.is_empty() {
        status["initContainerStatuses"] = Value::Array(inits);
    }
    if let Some(m) = pod.as_object_mut() {
        m.insert("status".into(), status);
    }
}

fn qos_class(pod: &Value) -> &'static str {
    let cs = arr_at(pod, &["spec", "containers"]);
    let has = |c: &Value, s: &str| {
        c.pointer(&format!("/resources/{s}"))
            .and_then(Value::as_object)
            .is_some_and(|m| !m.is_empty())
    };
    if cs.iter().all(|c| !has(c, "requests") && !has(c, "limits")) {
        "BestEffort"
    } else if cs.iter().all(|c| {
        has(c, "limits")
            && ["cpu", "memory"].iter().all(|r| {
                let l = c.pointer(&format!("/resources/limits/{r}"));
                l.is_some()
                    && c.pointer(&format!("/resources/requests/{r}"))
                        .is_none_or(|q| Some(q) == l)
            })
    }) {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// Completed (Succeeded) status for job pods.
fn complete_pod(pod: &mut Value) {
    let now = now_rfc3339();
    let cs: Vec<Value> = arr_at(pod, &["spec", "containers"])
        .iter()
        .map(|c| {
            json!({
                "name": c.get("name"), "ready": false, "restartCount": 0, "started": false,
                "image": c.get("image"), "imageID": "", "lastState": {},
                "state": {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": now, "finishedAt": now}},
            })
        })
        .collect();
    if let Some(status) = pod.get_mut("status").and_then(Value::as_object_mut) {
        status.insert("phase".into(), json!("Succeeded"));
        status.insert("containerStatuses".into(), Value::Array(cs));
        status.insert(
            "conditions".into(),
            json!([{"type": "Ready", "status": "False", "reason": "PodCompleted"}, {"type": "PodScheduled", "status": "True"}]),
        );
    }
}

/// Called by `ops::create` before storing (also for dry runs).
pub fn on_create(store: &mut Store, t: &ResourceType, obj: &mut Value, opts: WriteOpts) {
    let keep = opts.seed && obj.get("status").is_some();
    match (t.storage_group, t.plural) {
        ("", "pods") if !keep => run_pod(store, obj),
        ("", "nodes") if !keep => node_status(obj),
        ("", "persistentvolumeclaims") if !keep => {
            let size = obj
                .pointer("/spec/resources/requests/storage")
                .cloned()
                .unwrap_or(json!("1Gi"));
            let modes = obj
                .pointer("/spec/accessModes")
                .cloned()
                .unwrap_or(json!(["ReadWriteOnce"]));
            let vol = format!("pvc-{}", uid_of(obj));
            if let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) {
                spec.entry("volumeName").or_insert(json!(vol));
                spec.entry("storageClassName").or_insert(json!("standard"));
            }
            if let Some(m) = obj.as_object_mut() {
                m.insert(
                    "status".into(),
                    json!({"phase": "Bound", "accessModes": modes, "capacity": {"storage": size}}),
                );
            }
        }
        ("batch", "jobs") if !opts.seed || obj.pointer("/spec/selector").is_none() => {
            let id = uid_of(obj).to_string();
            let name = name_of(obj).to_string();
            let manual = obj
                .pointer("/spec/manualSelector")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if !manual {
                crate::util::set_at(
                    obj,
                    &["spec", "selector"],
                    json!({"matchLabels": {"batch.kubernetes.io/controller-uid": id}}),
                );
                for (k, v) in [
                    ("batch.kubernetes.io/controller-uid", &id),
                    ("batch.kubernetes.io/job-name", &name),
                    ("controller-uid", &id),
                    ("job-name", &name),
                ] {
                    crate::util::set_at(
                        obj,
                        &["spec", "template", "metadata", "labels", k],
                        json!(v),
                    );
                }
            }
        }
        ("metrics.k8s.io", _) => {
            if let Some(m) = obj.as_object_mut() {
                m.entry("timestamp").or_insert(json!(now_rfc3339()));
                m.entry("window").or_insert(json!("10.062s"));
            }
        }
        _ => {}
    }
}

fn node_status(node: &mut Value) {
    let now = now_rfc3339();
    let ip = format!("10.0.0.{}", random() % 200 + 10);
    let cond = |t: &str, s: &str, r: &str, m: &str| json!({"type": t, "status": s, "reason": r, "message": m, "lastHeartbeatTime": now, "lastTransitionTime": now});
    let name = name_of(node).to_string();
    if let Some(m) = node.as_object_mut() {
        m.insert(
            "status".into(),
            json!({
                "capacity": {"cpu": "4", "memory": "16393216Ki", "pods": "110", "ephemeral-storage": "102350Mi"},
                "allocatable": {"cpu": "4", "memory": "16290816Ki", "pods": "110", "ephemeral-storage": "102350Mi"},
                "conditions": [
                    cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                    cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                    cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
                ],
                "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
                "nodeInfo": {
                    "kubeletVersion": "v1.32.4", "kubeProxyVersion": "v1.32.4", "containerRuntimeVersion": "containerd://1.7.24",
                    "osImage": "Debian GNU/Linux 12 (bookworm)", "kernelVersion": "6.1.0-sandbox", "operatingSystem": "linux", "architecture": "amd64",
                    "machineID": "", "systemUUID": "", "bootID": ""
                },
            }),
        );
    }
}

/// The default ServiceAccount and root CA ConfigMap every namespace gets.
fn ensure_namespace_defaults(store: &mut Store, name: &str) {
    let sa = rt("", "serviceaccounts");
    if !store.exists(sa, name, "default") {
        insert(
            store,
            sa,
            json!({"metadata": {"name": "default", "namespace": name}}),
        );
    }
    let cm = rt("", "configmaps");
    if !store.exists(cm, name, "kube-root-ca.crt") {
        insert(
            store,
            cm,
            json!({"metadata": {"name": "kube-root-ca.crt", "namespace": name}, "data": {"ca.crt": "-----BEGIN CERTIFICATE-----\nsandbox\n-----END CERTIFICATE-----\n"}}),
        );
    }
}

/// After an API create/update of `new` (old is None for creates).
pub fn after_write(store: &mut Store, t: &ResourceType, old: Option<&Value>, new: &Value) {
    let ns = ns_of(new).to_string();
    let name = name_of(new).to_string();
    let spec_changed = old.is_none_or(|o| {
        o.get("spec") != new.get("spec")
            || o.pointer("/metadata/generation") != new.pointer("/metadata/generation")
    });
    match (t.storage_group, t.plural) {
        ("", "namespaces") if old.is_none() => ensure_namespace_defaults(store, &name),
        ("", "nodes") if old.is_none() => {
            for ds in store.list(rt("apps", "daemonsets"), None) {
                reconcile_daemonset(store, ns_of(&ds), name_of(&ds));
            }
        }
        ("apps", "deployments") if spec_changed => reconcile_deployment(store, &ns, &name),
        ("apps", "replicasets") if spec_changed => {
            reconcile_replicaset(store, &ns, &name);
            refresh_owner(store, &ns, new);
        }
        ("apps", "statefulsets") if spec_changed => reconcile_statefulset(store, &ns, &name),
        ("apps", "daemonsets") if spec_changed => reconcile_daemonset(store, &ns, &name),
        ("batch", "jobs") if old.is_none() => run_job(store, &ns, &name),
        ("", "pods") => refresh_owner(store, &ns, new),
        _ => {}
    }
    if matches!(
        t.plural,
        "pods" | "services" | "deployments" | "replicasets" | "statefulsets" | "daemonsets"
    ) {
        sync_endpoints(store, &ns);
    }
}

/// After an API delete of `obj` (its dependents are already gone).
pub fn after_delete(store: &mut Store, t: &ResourceType, obj: &Value) {
    let ns = ns_of(obj).to_string();
    match (t.storage_group, t.plural) {
        ("", "pods") => {
            if let Some((kind, owner)) = controller_of(obj) {
                match kind.as_str() {
                    "ReplicaSet" => {
                        reconcile_replicaset(store, &ns, &owner);
                        if let Some(rs) = store.get(rt("apps", "replicasets"), &ns, &owner).cloned()
                        {
                            refresh_owner(store, &ns, &rs);
                        }
                    }
                    "StatefulSet" => reconcile_statefulset(store, &ns, &owner),
                    "DaemonSet" => reconcile_daemonset(store, &ns, &owner),
                    _ => {}
                }
            }
            sync_endpoints(store, &ns);
        }
        ("", "services") => {
            store.remove(rt("", "endpoints"), &ns, name_of(obj));
        }
        ("", "nodes") => {
            for ds in store.list(rt("apps", "daemonsets"), None) {
                reconcile_daemonset(store, ns_of(&ds), name_of(&ds));
            }
        }
        _ => {}
    }
}

/// After seeding: name owners by uid, start Deployments that have no
/// ReplicaSet, compute missing statuses and Endpoints.
pub fn after_seed(store: &mut Store) {
    fill_owner_uids(store);
    let rs_t = rt("apps", "replicasets");
    for d in store.list(rt("apps", "deployments"), None) {
        let ns = ns_of(&d).to_string();
        let has_rs = store
            .list(rs_t, Some(&ns))
            .iter()
            .any(|rs| owned_by(rs, &d));
        if !has_rs {
            reconcile_deployment(store, &ns, name_of(&d));
        } else if d.get("status").is_none() {
            refresh_deployment_status(store, &ns, name_of(&d));
        }
    }
    for (group, plural) in [("apps", "statefulsets"), ("apps", "daemonsets")] {
        for o in store.list(rt(group, plural), None) {
            let has_pods = store
                .list(pods_t(), Some(ns_of(&o)))
                .iter()
                .any(|p| owned_by(p, &o));
            if !has_pods {
                match plural {
                    "statefulsets" => reconcile_statefulset(store, ns_of(&o), name_of(&o)),
                    _ => reconcile_daemonset(store, ns_of(&o), name_of(&o)),
                }
            }
        }
    }
    let namespaces: Vec<String> = store
        .list(rt("", "namespaces"), None)
        .iter()
        .map(|n| name_of(n).to_string())
        .collect();
    for ns in namespaces {
        ensure_namespace_defaults(store, &ns);
        sync_endpoints(store, &ns);
    }
}

/// Scenario files name an owner by kind and name only (they cannot know its
/// uid); a real API server has the uid in every ownerReference, and kubectl
/// matches owners by uid (`rollout undo`/`history` find a Deployment's
/// ReplicaSets that way). Fills each missing uid from the owner in the
/// same namespace.
fn fill_owner_uids(store: &mut Store) {
    let mut fixes = Vec::new();
    for (key, obj) in store.all() {
        let refs = arr_at(&obj, &["metadata", "ownerReferences"]);
        if refs.iter().all(|r| r.get("uid").is_some()) {
            continue;
        }
        let ns = ns_of(&obj).to_string();
        let uids: Vec<Option<String>> = refs
            .iter()
            .map(|r| {
                if r.get("uid").is_some() {
                    return None;
                }
                let t = resources::by_kind(str_at(r, &["apiVersion"])?, str_at(r, &["kind"])?)?;
                let owner_ns = if t.namespaced { ns.as_str() } else { "" };
                let owner = store.get(t, owner_ns, str_at(r, &["name"])?)?;
                Some(uid_of(owner).to_string()).filter(|u| !u.is_empty())
            })
            .collect();
        fixes.push((key, ns, name_of(&obj).to_string(), uids));
    }
    for (key, ns, name, uids) in fixes {
        store.amend_seeded(&key, &ns, &name, |obj| {
            let refs = obj
                .pointer_mut("/metadata/ownerReferences")
                .and_then(Value::as_array_mut);
            for (r, uid) in refs.into_iter().flatten().zip(uids) {
                if let (Some(uid), Some(m)) = (uid, r.as_object_mut()) {
                    m.insert("uid".into(), json!(uid));
                }
            }
        });
    }
}

fn template_without_hash(tpl: &Value) -> Value {
    let mut t = tpl.clone();
    if let Some(l) = t
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        l.remove(HASH);
        if l.is_empty()
            && let Some(meta) = t.get_mut("metadata").and_then(Value::as_object_mut)
        {
            meta.remove("labels");
        }
    }
    if let Some(meta) = t.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("creationTimestamp");
    }
    t
}

fn revision(obj: &Value) -> i64 {
    str_at(obj, &["metadata", "annotations", REVISION])
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn copied_annotations(d: &Value) -> serde_json::Map<String, Value> {
    let mut out = serde_json::Map::new();
    if let Some(a) = d
        .pointer("/metadata/annotations")
        .and_then(Value::as_object)
    {
        for (k, v) in a {
            if k != LAST_APPLIED && k != REVISION {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

/// Deployment controller: one ReplicaSet per template revision, old ones scaled to zero.
pub fn reconcile_deployment(store: &mut Store, ns: &str, name: &str) {
    let dt = rt("apps", "deployments");
    let rs_t = rt("apps", "replicasets");
    let Some(d) = store.get(dt, ns, name).cloned() else {
        return;
    };
    if d.pointer("/spec/paused")
        .and_then(Value::as_bool)
        .unwrap_or(false)
    {
        refresh_deployment_status(store, ns, name);
        return;
    }
    let template = template_without_hash(d.pointer("/spec/template").unwrap_or(&Value::Null));
    let hash = template_hash(&template);
    let replicas = d
        .pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let owned: Vec<Value> = store
        .list(rs_t, Some(ns))
        .into_iter()
        .filter(|rs| owned_by(rs, &d))
        .collect();
    let max_rev = owned.iter().map(revision).max().unwrap_or(0);
    let canon = canonical(&template);
    let current = owned.iter().find(|rs| {
        canonical(&template_without_hash(
            rs.pointer("/spec/template").unwrap_or(&Value::Null),
        )) == canon
    });
    let new_rs_name = match current {
        Some(rs) => {
            let mut rs = rs.clone();
            let mut annotations = copied_annotations(&d);
            let rev = if revision(&rs) < max_rev {
                max_rev + 1
            } else {
                revision(&rs).max(1)
            };
            annotations.insert(REVISION.into(), json!(rev.to_string()));
            annotations.insert(
                "deployment.kubernetes.io/desired-replicas".into(),
                json!(replicas.to_string()),
            );
            annotations.insert(
                "deployment.kubernetes.io/max-replicas".into(),
                json!((replicas + (replicas + 3) / 4).to_string()),
            );
            let changed = rs.pointer("/spec/replicas").and_then(Value::as_i64) != Some(replicas)
                || rs.pointer("/metadata/annotations") != Some(&Value::Object(annotations.clone()));
            crate::util::set_at(
                &mut rs,
                &["metadata", "annotations"],
                Value::Object(annotations),
            );
            crate::util::set_at(&mut rs, &["spec", "replicas"], json!(replicas));
            if changed {
                store.put(rs_t, rs.clone());
            }
            name_of(&rs).to_string()
        }
        None => {
            let rs_name = format!("{name}-{hash}");
            let mut tpl = template.clone();
            crate::util::set_at(&mut tpl, &["metadata", "labels", HASH], json!(hash));
            let mut selector = d.pointer("/spec/selector").cloned().unwrap_or(json!({}));
            crate::util::set_at(&mut selector, &["matchLabels", HASH], json!(hash));
            let mut labels = tpl
                .pointer("/metadata/labels")
                .cloned()
                .unwrap_or(json!({}));
            crate::util::set_at(&mut labels, &[HASH], json!(hash));
            let mut annotations = copied_annotations(&d);
            annotations.insert(REVISION.into(), json!((max_rev + 1).to_string()));
            annotations.insert(
                "deployment.kubernetes.io/desired-replicas".into(),
                json!(replicas.to_string()),
            );
            annotations.insert(
                "deployment.kubernetes.io/max-replicas".into(),
                json!((replicas + (replicas + 3) / 4).to_string()),
            );
            let rs = json!({
                "metadata": {"name": rs_name, "namespace": ns, "labels": labels, "annotations": annotations, "ownerReferences": [owner_ref(&d)]},
                "spec": {"replicas": replicas, "minReadySeconds": d.pointer("/spec/minReadySeconds").cloned().unwrap_or(json!(0)), "selector": selector, "template": tpl},
            });
            insert(store, rs_t, rs);
            rs_name
        }
    };
    for rs in &owned {
        if name_of(rs) != new_rs_name
            && rs.pointer("/spec/replicas").and_then(Value::as_i64) != Some(0)
        {
            let mut rs = rs.clone();
            crate::util::set_at(&mut rs, &["spec", "replicas"], json!(0));
            store.put(rs_t, rs);
        }
    }
    // Trim history beyond revisionHistoryLimit (oldest zero-replica sets first).
    let limit = d
        .pointer("/spec/revisionHistoryLimit")
        .and_then(Value::as_i64)
        .unwrap_or(10)
        .max(0) as usize;
    let mut old: Vec<Value> = store
        .list(rs_t, Some(ns))
        .into_iter()
        .filter(|rs| owned_by(rs, &d) && name_of(rs) != new_rs_name)
        .collect();
    old.sort_by_key(revision);
    while old.len() > limit {
        let rs = old.remove(0);
        reconcile_replicaset_to(store, ns, name_of(&rs), 0);
        store.remove(rs_t, ns, name_of(&rs));
    }
    let all: Vec<String> = store
        .list(rs_t, Some(ns))
        .iter()
        .filter(|rs| owned_by(rs, &d))
        .map(|rs| name_of(rs).to_string())
        .collect();
    for rs in all {
        reconcile_replicaset(store, ns, &rs);
    }
    let rev = store.get(rs_t, ns, &new_rs_name).map(revision).unwrap_or(1);
    if let Some(mut d) = store.get(dt, ns, name).cloned() {
        crate::util::set_at(
            &mut d,
            &["metadata", "annotations", REVISION],
            json!(rev.to_string()),
        );
        set_deployment_status(store, &mut d);
        store.put(dt, d);
    }
}

fn pods_of(store: &Store, ns: &str, owner: &Value) -> Vec<Value> {
    store
        .list(pods_t(), Some(ns))
        .into_iter()
        .filter(|p| owned_by(p, owner) && !is_terminating(p))
        .collect()
}

fn make_pod(
    store: &Store,
    owner: &Value,
    name: &str,
    template: &Value,
    extra_labels: &[(&str, String)],
) -> Value {
    let ns = ns_of(owner);
    let mut meta = template.get("metadata").cloned().unwrap_or(json!({}));
    if let Some(m) = meta.as_object_mut() {
        m.remove("creationTimestamp");
        m.insert("name".into(), json!(name));
        m.insert("namespace".into(), json!(ns));
        m.insert("ownerReferences".into(), json!([owner_ref(owner)]));
        if !extra_labels.is_empty() {
            let labels = m.entry("labels").or_insert_with(|| json!({}));
            for (k, v) in extra_labels {
                if let Some(l) = labels.as_object_mut() {
                    l.insert((*k).into(), json!(v));
                }
            }
        }
        if owner.get("kind").and_then(Value::as_str) == Some("ReplicaSet") {
            m.insert("generateName".into(), json!(format!("{}-", name_of(owner))));
        }
    }
    let mut pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": template.get("spec").cloned().unwrap_or(json!({}))});
    crate::defaults::apply(pods_t(), &mut pod);
    run_pod(store, &mut pod);
    pod
}

fn reconcile_replicaset(store: &mut Store, ns: &str, name: &str) {
    let Some(rs) = store.get(rt("apps", "replicasets"), ns, name) else {
        return;
    };
    let want = rs
        .pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    reconcile_replicaset_to(store, ns, name, want);
}

fn reconcile_replicaset_to(store: &mut Store, ns: &str, name: &str, want: i64) {
    let rs_t = rt("apps", "replicasets");
    let Some(rs) = store.get(rs_t, ns, name).cloned() else {
        return;
    };
    let mut pods = pods_of(store, ns, &rs);
    let want = want.max(0) as usize;
    let template = rs.pointer("/spec/template").cloned().unwrap_or(json!({}));
    while pods.len() < want {
        let pod_name = format!("{name}-{}", random_suffix(5));
        if store.exists(pods_t(), ns, &pod_name) {
            continue;
        }
        let pod = make_pod(store, &rs, &pod_name, &template, &[]);
        pods.push(insert(store, pods_t(), pod));
    }
    if pods.len() > want {
        // Delete not-ready pods first, then the newest.
        pods.sort_by_key(|p| {
            (
                is_ready(p),
                std::cmp::Reverse(
                    str_at(p, &["metadata", "creationTimestamp"])
                        .unwrap_or("")
                        .to_string(),
                ),
            )
        });
        for p in pods.iter().take(pods.len() - want) {
            store.remove(pods_t(), ns, name_of(p));
        }
    }
    refresh_replicaset_status(store, ns, name);
}

fn refresh_replicaset_status(store: &mut Store, ns: &str, name: &str) {
    let rs_t = rt("apps", "replicasets");
    let Some(mut rs) = store.get(rs_t, ns, name).cloned() else {
        return;
    };
    let pods = pods_of(store, ns, &rs);
    let ready = pods.iter().filter(|p| is_ready(p)).count();
    let status = json!({
        "replicas": pods.len(),
        "fullyLabeledReplicas": pods.len(),
        "readyReplicas": ready,
        "availableReplicas": ready,
        "observedGeneration": rs.pointer("/metadata/generation").cloned().unwrap_or(json!(1)),
    });
    if rs.get("status") != Some(&status) {
        crate::util::set_at(&mut rs, &["status"], status);
        store.put(rs_t, rs);
    }
}

/// Recomputes the status of whatever controls `child` (pod → RS → Deployment, etc.).
fn refresh_owner(store: &mut Store, ns: &str, child: &Value) {
    let Some((kind, owner)) = controller_of(child) else {
        return;
    };
    match kind.as_str() {
        "ReplicaSet" => {
            refresh_replicaset_status(store, ns, &owner);
            if let Some(rs) = store.get(rt("apps", "replicasets"), ns, &owner).cloned() {
                refresh_owner(store, ns, &rs);
            }
        }
        "Deployment" => refresh_deployment_status(store, ns, &owner),
        "StatefulSet" => refresh_statefulset_status(store, ns, &owner),
        "DaemonSet" => refresh_daemonset_status(store, ns, &owner),
        _ => {}
    }
}

fn refresh_deployment_status(store: &mut Store, ns: &str, name: &str) {
    let dt = rt("apps", "deployments");
    let Some(mut d) = store.get(dt, ns, name).cloned() else {
        return;
    };
    let before = d.get("status").cloned();
    set_deployment_status(store, &mut d);
    if d.get("status") != before.as_ref() {
        store.put(dt, d);
    }
}

fn condition(t: &str, ok: bool, reason: &str, message: &str, previous: Option<&Value>) -> Value {
    let now = now_rfc3339();
    let status = if ok { "True" } else { "False" };
    let transition = previous
        .and_then(|p| {
            arr_at(p, &["conditions"])
                .iter()
                .find(|c| c.get("type").and_then(Value::as_str) == Some(t))
                .cloned()
        })
        .filter(|c| c.get("status").and_then(Value::as_str) == Some(status))
        .and_then(|c| c.get("lastTransitionTime").cloned())
        .unwrap_or(json!(now));
    json!({"type": t, "status": status, "lastUpdateTime": now, "lastTransitionTime": transition, "reason": reason, "message": message})
}

fn set_deployment_status(store: &Store, d: &mut Value) {
    let ns = ns_of(d).to_string();
    let template = template_without_hash(d.pointer("/spec/template").unwrap_or(&Value::Null));
    let canon = canonical(&template);
    let desired = d
        .pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let (mut total, mut ready, mut updated) = (0i64, 0i64, 0i64);
    let mut new_rs = String::new();
    for rs in store
        .list(rt("apps", "replicasets"), Some(&ns))
        .iter()
        .filter(|rs| owned_by(rs, d))
    {
        let pods = pods_of(store, &ns, rs);
        total += pods.len() as i64;
        ready += pods.iter().filter(|p| is_ready(p)).count() as i64;
        if canonical(&template_without_hash(
            rs.pointer("/spec/template").unwrap_or(&Value::Null),
        )) == canon
        {
            updated += pods.len() as i64;
            new_rs = name_of(rs).to_string();
        }
    }
    let previous = d.get("status").cloned();
    let available_ok = ready >= desired || desired == 0;
    let done = updated == desired && total == desired && ready >= desired;
    let mut status = json!({
        "observedGeneration": d.pointer("/metadata/generation").cloned().unwrap_or(json!(1)),
        "replicas": total,
        "updatedReplicas": updated,
        "readyReplicas": ready,
        "availableReplicas": ready,
        "conditions": [
            if available_ok {
                condition("Available", true, "MinimumReplicasAvailable", "Deployment has minimum availability.", previous.as_ref())
            } else {
                condition("Available", false, "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", previous.as_ref())
            },
            if done {
                condition("Progressing", true, "NewReplicaSetAvailable", &format!("ReplicaSet \"{new_rs}\" has successfully progressed."), previous.as_ref())
            } else {
                condition("Progressing", true, "ReplicaSetUpdated", &format!("ReplicaSet \"{new_rs}\" is progressing."), previous.as_ref())
            },
        ],
    });
    let mut unavailable = total - ready;
    if unavailable < desired - ready {
        unavailable = desired - ready;
    }
    if let Some(m) = status.as_object_mut() {
        for (k, v) in [
            ("replicas", total),
            ("updatedReplicas", updated),
            ("readyReplicas", ready),
            ("availableReplicas", ready),
        ] {
            if v == 0 {
                m.remove(k);
            }
            let _ = v;
        }
        if unavailable > 0 {
            m.insert("unavailableReplicas".into(), json!(unavailable));
        }
    }
    crate::util::set_at(d, &["status"], status);
}

/// Ensures a ControllerRevision for the template of a StatefulSet/DaemonSet; returns its name.
fn controller_revision(store: &mut Store, owner: &Value) -> String {
    let cr_t = rt("apps", "controllerrevisions");
    let ns = ns_of(owner).to_string();
    let template = owner
        .pointer("/spec/template")
        .cloned()
        .unwrap_or(json!({}));
    let hash = template_hash(&template);
    let name = format!("{}-{hash}", name_of(owner));
    let owned: Vec<Value> = store
        .list(cr_t, Some(&ns))
        .into_iter()
        .filter(|c| owned_by(c, owner))
        .collect();
    let max = owned
        .iter()
        .filter_map(|c| c.get("revision").and_then(Value::as_i64))
        .max()
        .unwrap_or(0);
    match owned.iter().find(|c| name_of(c) == name) {
        Some(c) => {
            if c.get("revision").and_then(Value::as_i64).unwrap_or(0) < max {
                let mut c = c.clone();
                c["revision"] = json!(max + 1);
                store.put(cr_t, c);
            }
        }
        None => {
            let mut patch_tpl = template.clone();
            if let Some(m) = patch_tpl.as_object_mut() {
                m.insert("$patch".into(), json!("replace"));
            }
            let mut labels = owner
                .pointer("/spec/template/metadata/labels")
                .cloned()
                .unwrap_or(json!({}));
            crate::util::set_at(&mut labels, &["controller-revision-hash"], json!(hash));
            insert(
                store,
                cr_t,
                json!({
                    "metadata": {"name": name, "namespace": ns, "labels": labels, "ownerReferences": [owner_ref(owner)]},
                    "data": {"spec": {"template": patch_tpl}},
                    "revision": max + 1,
                }),
            );
        }
    }
    name
}

fn reconcile_statefulset(store: &mut Store, ns: &str, name: &str) {
    let st = rt("apps", "statefulsets");
    let Some(sts) = store.get(st, ns, name).cloned() else {
        return;
    };
    let revision = controller_revision(store, &sts);
    let replicas = sts
        .pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1)
        .max(0);
    let template = sts.pointer("/spec/template").cloned().unwrap_or(json!({}));
    let claims = arr_at(&sts, &["spec", "volumeClaimTemplates"]).to_vec();
    let pvc_t = rt("", "persistentvolumeclaims");
    for pod in pods_of(store, ns, &sts) {
        let ordinal = name_of(&pod)
            .rsplit('-')
            .next()
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(i64::MAX);
        let stale = str_at(&pod, &["metadata", "labels", "controller-revision-hash"])
            != Some(revision.as_str());
        if ordinal >= replicas || stale {
            store.remove(pods_t(), ns, name_of(&pod));
        }
    }
    for i in 0..replicas {
        let pod_name = format!("{name}-{i}");
        if store.exists(pods_t(), ns, &pod_name) {
            continue;
        }
        let mut tpl = template.clone();
        for c in &claims {
            let claim = format!("{}-{name}-{i}", name_of(c));
            if !store.exists(pvc_t, ns, &claim) {
                let mut pvc = json!({"metadata": {"name": claim, "namespace": ns, "labels": sts.pointer("/spec/selector/matchLabels").cloned().unwrap_or(json!({}))}, "spec": c.get("spec").cloned().unwrap_or(json!({}))});
                crate::defaults::apply(pvc_t, &mut pvc);
                on_create(store, pvc_t, &mut pvc, WriteOpts::default());
                insert(store, pvc_t, pvc);
            }
            if let Some(vols) = tpl.pointer_mut("/spec").and_then(Value::as_object_mut) {
                let list = vols.entry("volumes").or_insert_with(|| json!([]));
                if let Some(l) = list.as_array_mut() {
                    l.push(
                        json!({"name": name_of(c), "persistentVolumeClaim": {"claimName": claim}}),
                    );
                }
            }
        }
        if let Some(spec) = tpl.get_mut("spec").and_then(Value::as_object_mut) {
            spec.insert("hostname".into(), json!(pod_name));
            if let Some(svc) = sts.pointer("/spec/serviceName") {
                spec.insert("subdomain".into(), svc.clone());
            }
        }
        let pod = make_pod(
            store,
            &sts,
            &pod_name,
            &tpl,
            &[
                ("controller-revision-hash", revision.clone()),
                ("statefulset.kubernetes.io/pod-name", pod_name.clone()),
                ("apps.kubernetes.io/pod-index", i.to_string()),
            ],
        );
        insert(store, pods_t(), pod);
    }
    refresh_statefulset_status(store, ns, name);
}

fn refresh_statefulset_status(store: &mut Store, ns: &str, name: &str) {
    let st = rt("apps", "statefulsets");
    let Some(mut sts) = store.get(st, ns, name).cloned() else {
        return;
    };
    let hash = template_hash(&sts.pointer("/spec/template").cloned().unwrap_or(json!({})));
    let revision = format!("{name}-{hash}");
    let pods = pods_of(store, ns, &sts);
    let ready = pods.iter().filter(|p| is_ready(p)).count();
    let updated = pods
        .iter()
        .filter(|p| {
            str_at(p, &["metadata", "labels", "controller-revision-hash"])
                == Some(revision.as_str())
        })
        .count();
    let status = json!({
        "observedGeneration": sts.pointer("/metadata/generation").cloned().unwrap_or(json!(1)),
        "replicas": pods.len(),
        "readyReplicas": ready,
        "currentReplicas": updated,
        "updatedReplicas": updated,
        "availableReplicas": ready,
        "currentRevision": revision,
        "updateRevision": revision,
        "collisionCount": 0,
    });
    if sts.get("status") != Some(&status) {
        crate::util::set_at(&mut sts, &["status"], status);
        store.put(st, sts);
    }
}

fn reconcile_daemonset(store: &mut Store, ns: &str, name: &str) {
    let dst = rt("apps", "daemonsets");
    let Some(ds) = store.get(dst, ns, name).cloned() else {
        return;
    };
    let revision = controller_revision(store, &ds);
    let hash = revision.rsplit('-').next().unwrap_or("").to_string();
    let nodes: Vec<String> = store
        .list(rt("", "nodes"), None)
        .iter()
        .map(|n| name_of(n).to_string())
        .collect();
    let template = ds.pointer("/spec/template").cloned().unwrap_or(json!({}));
    let mut covered = Vec::new();
    for pod in pods_of(store, ns, &ds) {
        let node = str_at(&pod, &["spec", "nodeName"])
            .unwrap_or("")
            .to_string();
        let stale = str_at(&pod, &["metadata", "labels", "controller-revision-hash"])
            != Some(hash.as_str());
        if !nodes.contains(&node) || stale || covered.contains(&node) {
            store.remove(pods_t(), ns, name_of(&pod));
        } else {
            covered.push(node);
        }
    }
    for node in nodes.iter().filter(|n| !covered.contains(n)) {
        let mut tpl = template.clone();
        crate::util::set_at(&mut tpl, &["spec", "nodeName"], json!(node));
        let pod_name = format!("{name}-{}", random_suffix(5));
        let pod = make_pod(
            store,
            &ds,
            &pod_name,
            &tpl,
            &[
                ("controller-revision-hash", hash.clone()),
                ("pod-template-generation", "1".into()),
            ],
        );
        insert(store, pods_t(), pod);
    }
    refresh_daemonset_status(store, ns, name);
}

fn refresh_daemonset_status(store: &mut Store, ns: &str, name: &str) {
    let dst = rt("apps", "daemonsets");
    let Some(mut ds) = store.get(dst, ns, name).cloned() else {
        return;
    };
    let desired = store.list(rt("", "nodes"), None).len();
    let pods = pods_of(store, ns, &ds);
    let ready = pods.iter().filter(|p| is_ready(p)).count();
    let status = json!({
        "currentNumberScheduled": pods.len(),
        "desiredNumberScheduled": desired,
        "numberMisscheduled": 0,
        "numberReady": ready,
        "numberAvailable": ready,
        "updatedNumberScheduled": pods.len(),
        "observedGeneration": ds.pointer("/metadata/generation").cloned().unwrap_or(json!(1)),
    });
    if ds.get("status") != Some(&status) {
        crate::util::set_at(&mut ds, &["status"], status);
        store.put(dst, ds);
    }
}

fn run_job(store: &mut Store, ns: &str, name: &str) {
    let jt = rt("batch", "jobs");
    let Some(mut job) = store.get(jt, ns, name).cloned() else {
        return;
    };
    if job
        .pointer("/spec/suspend")
        .and_then(Value::as_bool)
        .unwrap_or(false)
    {
        return;
    }
    let completions = job
        .pointer("/spec/completions")
        .and_then(Value::as_i64)
        .unwrap_or(1)
        .clamp(0, 50);
    let template = job.pointer("/spec/template").cloned().unwrap_or(json!({}));
    for _ in 0..completions {
        let pod_name = format!("{name}-{}", random_suffix(5));
        let mut pod = make_pod(store, &job, &pod_name, &template, &[]);
        complete_pod(&mut pod);
        insert(store, pods_t(), pod);
    }
    let now = now_rfc3339();
    crate::util::set_at(
        &mut job,
        &["status"],
        json!({
            "startTime": now, "completionTime": now, "succeeded": completions, "ready": 0, "terminating": 0,
            "uncountedTerminatedPods": {},
            "conditions": [
                {"type": "SuccessCriteriaMet", "status": "True", "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods", "lastProbeTime": now, "lastTransitionTime": now},
                {"type": "Complete", "status": "True", "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods", "lastProbeTime": now, "lastTransitionTime": now},
            ],
        }),
    );
    store.put(jt, job);
}

/// Endpoints controller: one Endpoints object per selector-bearing Service.
pub fn sync_endpoints(store: &mut Store, ns: &str) {
    let ep_t = rt("", "endpoints");
    let pods = store.list(pods_t(), Some(ns));
    for svc in store.list(rt("", "services"), Some(ns)) {
        let Some(sel) = svc
            .pointer("/spec/selector")
            .filter(|s| s.as_object().is_some_and(|m| !m.is_empty()))
        else {
            continue;
        };
        let sel = LabelSelector::from_map(sel);
        let mut ready = Vec::new();
        let mut not_ready = Vec::new();
        let mut ports: Vec<Value> = Vec::new();
        for p in pods.iter().filter(|p| sel.matches(p) && !is_terminating(p)) {
            let Some(ip) = str_at(p, &["status", "podIP"]) else {
                continue;
            };
            let mut addr = json!({
                "ip": ip,
                "targetRef": {"kind": "Pod", "namespace": ns, "name": name_of(p), "uid": uid_of(p)},
            });
            if let Some(node) = str_at(p, &["spec", "nodeName"]).filter(|n| !n.is_empty()) {
                addr["nodeName"] = json!(node);
            }
            if is_ready(p) {
                ready.push(addr)
            } else {
                not_ready.push(addr)
            }
            if ports.is_empty() {
                for sp in arr_at(&svc, &["spec", "ports"]) {
                    let target = sp
                        .get("targetPort")
                        .or(sp.get("port"))
                        .cloned()
                        .unwrap_or(Value::Null);
                    let port = match &target {
                        Value::String(named) => arr_at(p, &["spec", "containers"])
                            .iter()
                            .flat_map(|c| arr_at(c, &["ports"]))
                            .find(|cp| cp.get("name").and_then(Value::as_str) == Some(named))
                            .and_then(|cp| cp.get("containerPort").cloned()),
                        other => Some(other.clone()),
                    };
                    if let Some(port) = port {
                        let mut ep = json!({"port": port, "protocol": sp.get("protocol").cloned().unwrap_or(json!("TCP"))});
                        if let Some(n) = sp.get("name") {
                            ep["name"] = n.clone();
                        }
                        ports.push(ep);
                    }
                }
            }
        }
        let mut subset = json!({});
        if !ready.is_empty() {
            subset["addresses"] = Value::Array(ready);
        }
        if !not_ready.is_empty() {
            subset["notReadyAddresses"] = Value::Array(not_ready);
        }
        let subsets = if subset.as_object().is_some_and(|m| m.is_empty()) {
            None
        } else {
            subset["ports"] = Value::Array(ports);
            Some(json!([subset]))
        };
        let name = name_of(&svc).to_string();
        sync_slice(store, &svc, subsets.as_ref());
        match store.get(ep_t, ns, &name).cloned() {
            Some(mut ep) => {
                if ep.get("subsets") != subsets.as_ref() {
                    match subsets {
                        Some(s) => crate::util::set_at(&mut ep, &["subsets"], s),
                        None => {
                            if let Some(m) = ep.as_object_mut() {
                                m.remove("subsets");
                            }
                        }
                    }
                    store.put(ep_t, ep);
                }
            }
            None => {
                let mut ep = json!({"metadata": {"name": name, "namespace": ns, "labels": svc.pointer("/metadata/labels").cloned().unwrap_or(json!({}))}});
                if let Some(s) = subsets {
                    ep["subsets"] = s;
                }
                insert(store, ep_t, ep);
            }
        }
    }
}

/// Mirrors a Service's Endpoints into one EndpointSlice (what `kubectl describe service` reads).
fn sync_slice(store: &mut Store, svc: &Value, subsets: Option<&Value>) {
    let slice_t = rt("discovery.k8s.io", "endpointslices");
    let ns = ns_of(svc).to_string();
    let svc_name = name_of(svc).to_string();
    let hash = template_hash(&json!(svc_name));
    let name = format!("{svc_name}-{}", &hash[..hash.len().min(5)]);
    let subset = subsets.and_then(|s| s.get(0)).cloned().unwrap_or(json!({}));
    let mut endpoints = Vec::new();
    for (key, ready) in [("addresses", true), ("notReadyAddresses", false)] {
        for a in arr_at(&subset, &[key]) {
            let mut e = json!({
                "addresses": [a.get("ip").cloned().unwrap_or(Value::Null)],
                "conditions": {"ready": ready, "serving": ready, "terminating": false},
                "targetRef": a.get("targetRef").cloned().unwrap_or(Value::Null),
            });
            if let Some(n) = a.get("nodeName") {
                e["nodeName"] = n.clone();
            }
            endpoints.push(e);
        }
    }
    // Real slices always carry a port name (kubectl dereferences it).
    let ports: Vec<Value> = arr_at(&subset, &["ports"])
        .iter()
        .map(|p| {
            let mut p = p.clone();
            if p.get("name").is_none() {
                p["name"] = json!("");
            }
            p
        })
        .collect();
    let existing = store.get(slice_t, &ns, &name).cloned();
    let body = json!({"endpoints": endpoints, "ports": ports});
    match existing {
        Some(mut s) => {
            if s.get("endpoints") != body.get("endpoints") || s.get("ports") != body.get("ports") {
                s["endpoints"] = body["endpoints"].clone();
                s["ports"] = body["ports"].clone();
                store.put(slice_t, s);
            }
        }
        None => {
            insert(
                store,
                slice_t,
                json!({
                    "metadata": {
                        "name": name,
                        "namespace": ns,
                        "generateName": format!("{svc_name}-"),
                        "labels": {"kubernetes.io/service-name": svc_name, "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"},
                        "ownerReferences": [owner_ref(svc)],
                    },
                    "addressType": "IPv4",
                    "endpoints": body["endpoints"],
                    "ports": body["ports"],
                }),
            );
        }
    }
}
