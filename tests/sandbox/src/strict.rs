//! `fieldValidation=Strict` (kubectl's default for apply/create/replace):
//! unknown fields are a 400 BadRequest, worded like the apiserver's strict
//! decoder. Only the levels where typos are common and the field lists are
//! short are checked: the object's top level, metadata, workload specs and
//! containers. Anything deeper is accepted as is.

use serde_json::Value;

use crate::errors::{ApiError, ApiResult};
use crate::resources::ResourceType;

const META: &[&str] = &[
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
];
const CONTAINER: &[&str] = &[
    "name",
    "image",
    "command",
    "args",
    "workingDir",
    "ports",
    "envFrom",
    "env",
    "resources",
    "resizePolicy",
    "restartPolicy",
    "volumeMounts",
    "volumeDevices",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "imagePullPolicy",
    "securityContext",
    "stdin",
    "stdinOnce",
    "tty",
];
const DEPLOYMENT_SPEC: &[&str] = &[
    "replicas",
    "selector",
    "template",
    "strategy",
    "minReadySeconds",
    "revisionHistoryLimit",
    "paused",
    "progressDeadlineSeconds",
];
const STATEFULSET_SPEC: &[&str] = &[
    "replicas",
    "selector",
    "template",
    "volumeClaimTemplates",
    "serviceName",
    "podManagementPolicy",
    "updateStrategy",
    "revisionHistoryLimit",
    "minReadySeconds",
    "persistentVolumeClaimRetentionPolicy",
    "ordinals",
];
const DAEMONSET_SPEC: &[&str] = &[
    "selector",
    "template",
    "updateStrategy",
    "minReadySeconds",
    "revisionHistoryLimit",
];
const REPLICASET_SPEC: &[&str] = &["replicas", "minReadySeconds", "selector", "template"];

/// Allowed top-level keys for a kind.
fn top_level(t: &ResourceType) -> Vec<&'static str> {
    let mut keys = vec!["apiVersion", "kind", "metadata"];
    keys.extend(match t.kind {
        "ConfigMap" => &["data", "binaryData", "immutable"][..],
        "Secret" => &["data", "stringData", "type", "immutable"][..],
        "Role" | "ClusterRole" => &["rules", "aggregationRule"][..],
        "RoleBinding" | "ClusterRoleBinding" => &["roleRef", "subjects"][..],
        "Endpoints" => &["subsets"][..],
        "ServiceAccount" => &[
            "secrets",
            "imagePullSecrets",
            "automountServiceAccountToken",
        ][..],
        "EndpointSlice" => &["addressType", "endpoints", "ports"][..],
        "ControllerRevision" => &["data", "revision"][..],
        "IngressClass" | "StorageClass" | "Event" | "PodMetrics" | "NodeMetrics" => {
            return Vec::new();
        }
        _ => &["spec", "status"][..],
    });
    keys
}

fn check(obj: &Value, allowed: &[&str], prefix: &str, unknown: &mut Vec<String>) {
    let Some(m) = obj.as_object() else { return };
    for k in m.keys() {
        if !k.starts_with('$') && !allowed.contains(&k.as_str()) {
            unknown.push(format!("{prefix}{k}"));
        }
    }
}

fn check_pod_spec(spec: &Value, prefix: &str, unknown: &mut Vec<String>) {
    for key in ["containers", "initContainers"] {
        for (i, c) in spec
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            check(c, CONTAINER, &format!("{prefix}.{key}[{i}]."), unknown);
        }
    }
}

/// Returns 400 BadRequest listing unknown fields of `body`.
pub fn validate(t: &ResourceType, body: &Value) -> ApiResult<()> {
    let mut unknown = Vec::new();
    let top = top_level(t);
    if top.is_empty() {
        return Ok(());
    }
    check(body, &top, "", &mut unknown);
    if let Some(meta) = body.get("metadata") {
        check(meta, META, "metadata.", &mut unknown);
    }
    let spec_keys = match (t.group, t.kind) {
        ("apps", "Deployment") => Some(DEPLOYMENT_SPEC),
        ("apps", "StatefulSet") => Some(STATEFULSET_SPEC),
        ("apps", "DaemonSet") => Some(DAEMONSET_SPEC),
        ("apps", "ReplicaSet") => Some(REPLICASET_SPEC),
        _ => None,
    };
    if let (Some(keys), Some(spec)) = (spec_keys, body.get("spec")) {
        check(spec, keys, "spec.", &mut unknown);
        if let Some(pod) = spec.pointer("/template/spec") {
            check_pod_spec(pod, "spec.template.spec", &mut unknown);
        }
    }
    if t.kind == "Pod"
        && let Some(spec) = body.get("spec")
    {
        check_pod_spec(spec, "spec", &mut unknown);
    }
    if unknown.is_empty() {
        return Ok(());
    }
    let fields: Vec<String> = unknown
        .iter()
        .map(|f| format!("unknown field \"{f}\""))
        .collect();
    Err(ApiError::bad_request(format!(
        "{} in version \"{}\" cannot be handled as a {}: strict decoding error: {}",
        t.kind,
        t.version,
        t.kind,
        fields.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reports_typos() {
        let t = crate::resources::find("apps", "v1", "deployments").unwrap();
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
            "spec": {"replica": 2, "template": {"spec": {"containers": [{"name": "a", "imagePullpolicy": "Always"}]}}}});
        let err = validate(t, &d).unwrap_err();
        assert_eq!(err.code, 400);
        assert!(
            err.message.contains(r#"unknown field "spec.replica""#),
            "{}",
            err.message
        );
        assert!(
            err.message
                .contains(r#"unknown field "spec.template.spec.containers[0].imagePullpolicy""#)
        );
        let ok =
            json!({"metadata": {"name": "x"}, "spec": {"replicas": 2, "$setElementOrder/x": []}});
        assert!(validate(t, &ok).is_ok());
    }
}
