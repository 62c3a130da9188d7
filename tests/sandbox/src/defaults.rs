//! Defaulting as the apiserver does it on every write, so server-side dry-run
//! diffs and `-o yaml` show the fields a real cluster fills in (replicas,
//! strategies, imagePullPolicy, protocols, clusterIP...).

use serde_json::{Map, Value, json};

use crate::resources::ResourceType;
use crate::util::random;

fn obj_mut<'a>(v: &'a mut Value, key: &str) -> Option<&'a mut Map<String, Value>> {
    let m = v.as_object_mut()?;
    let e = m.entry(key.to_string()).or_insert_with(|| json!({}));
    if !e.is_object() {
        *e = json!({});
    }
    e.as_object_mut()
}

fn default(m: &mut Map<String, Value>, key: &str, value: Value) {
    if m.get(key).is_none_or(Value::is_null) {
        m.insert(key.to_string(), value);
    }
}

fn container(c: &mut Value) {
    let Some(m) = c.as_object_mut() else { return };
    let image = m
        .get("image")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let tag = image.rsplit('/').next().unwrap_or("");
    let policy = if !tag.contains(':') && !tag.contains('@') || tag.ends_with(":latest") {
        "Always"
    } else {
        "IfNotPresent"
    };
    default(m, "imagePullPolicy", json!(policy));
    default(m, "resources", json!({}));
    default(m, "terminationMessagePath", json!("/dev/termination-log"));
    default(m, "terminationMessagePolicy", json!("File"));
    if let Some(ports) = m.get_mut("ports").and_then(Value::as_array_mut) {
        for p in ports.iter_mut().filter_map(Value::as_object_mut) {
            default(p, "protocol", json!("TCP"));
        }
    }
}

/// Pod spec defaults (also used inside templates).
pub fn pod_spec(spec: &mut Value) {
    for key in ["containers", "initContainers"] {
        if let Some(list) = spec.get_mut(key).and_then(Value::as_array_mut) {
            list.iter_mut().for_each(container);
        }
    }
    let Some(m) = spec.as_object_mut() else {
        return;
    };
    default(m, "restartPolicy", json!("Always"));
    default(m, "terminationGracePeriodSeconds", json!(30));
    default(m, "dnsPolicy", json!("ClusterFirst"));
    default(m, "securityContext", json!({}));
    default(m, "schedulerName", json!("default-scheduler"));
}

fn template(obj: &mut Value, path: &[&str]) {
    let mut cur = obj;
    for p in path {
        match cur.get_mut(*p) {
            Some(next) => cur = next,
            None => return,
        }
    }
    if let Some(meta) = cur.as_object_mut() {
        default(meta, "metadata", json!({}));
    }
    if let Some(spec) = cur.get_mut("spec") {
        pod_spec(spec);
    }
}

fn rolling(percent: bool) -> Value {
    if percent {
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}})
    } else {
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}})
    }
}

/// Applies defaults in place for the given type.
pub fn apply(t: &ResourceType, obj: &mut Value) {
    match (t.storage_group, t.plural) {
        ("", "pods") => {
            if let Some(spec) = obj.get_mut("spec") {
                pod_spec(spec);
                if let Some(m) = spec.as_object_mut() {
                    default(m, "serviceAccountName", json!("default"));
                    default(m, "serviceAccount", json!("default"));
                    default(m, "enableServiceLinks", json!(true));
                    default(m, "preemptionPolicy", json!("PreemptLowerPriority"));
                    default(m, "priority", json!(0));
                }
            }
        }
        ("apps", "deployments") => {
            if let Some(spec) = obj_mut(obj, "spec") {
                default(spec, "replicas", json!(1));
                default(spec, "strategy", rolling(true));
                default(spec, "revisionHistoryLimit", json!(10));
                default(spec, "progressDeadlineSeconds", json!(600));
            }
            template(obj, &["spec", "template"]);
        }
        ("apps", "replicasets") | ("", "replicationcontrollers") => {
            if let Some(spec) = obj_mut(obj, "spec") {
                default(spec, "replicas", json!(1));
            }
            template(obj, &["spec", "template"]);
        }
        ("apps", "statefulsets") => {
            if let Some(spec) = obj_mut(obj, "spec") {
                default(spec, "replicas", json!(1));
                default(spec, "podManagementPolicy", json!("OrderedReady"));
                default(
                    spec,
                    "updateStrategy",
                    json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}),
                );
                default(spec, "revisionHistoryLimit", json!(10));
                default(
                    spec,
                    "persistentVolumeClaimRetentionPolicy",
                    json!({"whenDeleted": "Retain", "whenScaled": "Retain"}),
                );
            }
            template(obj, &["spec", "template"]);
        }
        ("apps", "daemonsets") => {
            if let Some(spec) = obj_mut(obj, "spec") {
                default(spec, "updateStrategy", rolling(false));
                default(spec, "revisionHistoryLimit", json!(10));
            }
            template(obj, &["spec", "template"]);
        }
        ("batch", "jobs") => {
            if let Some(spec) = obj_mut(obj, "spec") {
                default(spec, "completions", json!(1));
                default(spec, "parallelism", json!(1));
                default(spec, "backoffLimit", json!(6));
                default(spec, "completionMode", json!("NonIndexed"));
                default(spec, "suspend", json!(false));
            }
            template(obj, &["spec", "template"]);
            if let Some(rp) = obj.pointer_mut("/spec/template/spec/restartPolicy")
                && rp == "Always"
            {
                *rp = json!("Never");
            }
        }
        ("batch", "cronjobs") => {
            if let Some(spec) = obj_mut(obj, "spec") {
                default(spec, "concurrencyPolicy", json!("Allow"));
                default(spec, "suspend", json!(false));
                default(spec, "successfulJobsHistoryLimit", json!(3));
                default(spec, "failedJobsHistoryLimit", json!(1));
            }
            template(obj, &["spec", "jobTemplate", "spec", "template"]);
        }
        ("", "services") => {
            let Some(spec) = obj_mut(obj, "spec") else {
                return;
            };
            default(spec, "type", json!("ClusterIP"));
            default(spec, "sessionAffinity", json!("None"));
            let ty = spec
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("ClusterIP")
                .to_string();
            if ty != "ExternalName" {
                let ip = format!("10.96.{}.{}", random() % 250 + 1, random() % 250 + 1);
                default(spec, "clusterIP", json!(ip));
                let ip = spec.get("clusterIP").cloned().unwrap_or(json!(ip));
                default(spec, "clusterIPs", json!([ip]));
                default(spec, "ipFamilies", json!(["IPv4"]));
                default(spec, "ipFamilyPolicy", json!("SingleStack"));
                default(spec, "internalTrafficPolicy", json!("Cluster"));
            }
            if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
                for p in ports.iter_mut().filter_map(Value::as_object_mut) {
                    default(p, "protocol", json!("TCP"));
                    let port = p.get("port").cloned().unwrap_or(Value::Null);
                    default(p, "targetPort", port);
                    if (ty == "NodePort" || ty == "LoadBalancer") && p.get("nodePort").is_none() {
                        p.insert("nodePort".into(), json!(30000 + random() % 2767));
                    }
                }
            }
            if ty == "NodePort" || ty == "LoadBalancer" {
                default(spec, "externalTrafficPolicy", json!("Cluster"));
            }
        }
        ("", "namespaces") => {
            let name = crate::util::name_of(obj).to_string();
            if let Some(meta) = obj_mut(obj, "metadata") {
                let labels = meta.entry("labels").or_insert_with(|| json!({}));
                if let Some(l) = labels.as_object_mut() {
                    l.insert("kubernetes.io/metadata.name".into(), json!(name));
                }
            }
            if let Some(spec) = obj_mut(obj, "spec") {
                default(spec, "finalizers", json!(["kubernetes"]));
            }
            if let Some(status) = obj_mut(obj, "status") {
                default(status, "phase", json!("Active"));
            }
        }
        ("", "secrets") => {
            if let Some(m) = obj.as_object_mut() {
                default(m, "type", json!("Opaque"));
                // stringData is write-only: merge it into data, base64-encoded.
                if let Some(Value::Object(sd)) = m.remove("stringData") {
                    let data = m.entry("data").or_insert_with(|| json!({}));
                    if let Some(d) = data.as_object_mut() {
                        for (k, v) in sd {
                            d.insert(k, json!(base64(v.as_str().unwrap_or("").as_bytes())));
                        }
                    }
                }
            }
        }
        ("", "persistentvolumeclaims") => {
            if let Some(spec) = obj_mut(obj, "spec") {
                default(spec, "volumeMode", json!("Filesystem"));
            }
        }
        _ => {}
    }
}

/// Standard base64 encoding (secrets' stringData).
pub fn base64(input: &[u8]) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = ((b[0] as u32) << 16) | ((b[1] as u32) << 8) | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn b64() {
        assert_eq!(super::base64(b"hello"), "aGVsbG8=");
        assert_eq!(super::base64(b"ab"), "YWI=");
        assert_eq!(super::base64(b"abc"), "YWJj");
    }
}
