//! Decoding of `application/vnd.kubernetes.protobuf` request bodies.
//!
//! kubectl's typed commands (`create deployment|namespace|configmap|secret|
//! service|job|cronjob|role|rolebinding|quota|pdb|ingress`, `autoscale`)
//! POST protobuf. A body is the magic `k8s\0` followed by a
//! `runtime.Unknown {typeMeta{apiVersion, kind}, raw, ...}`; `raw` is the
//! object. A small schema table (field numbers from k8s.io/api's
//! generated.proto) turns the fields those commands set into JSON; fields
//! not in the table are skipped.

use serde_json::{Map, Value, json};

use crate::errors::{ApiError, ApiResult};

enum F {
    Str,
    /// Integer, omitted when zero (Go omitempty).
    Int,
    /// Integer pointer: kept even when zero.
    IntKeep,
    Bool,
    BoolKeep,
    Msg(&'static [Field]),
    /// A struct embedded inline in JSON (its fields join the parent's).
    Inline(&'static [Field]),
    MapStr,
    MapBytes,
    MapQuantity,
    RepStr,
    RepMsg(&'static [Field]),
    Quantity,
    IntOrString,
    Time,
}

struct Field(u64, &'static str, F);

use F::*;

const OWNER_REF: &[Field] = &[
    Field(1, "kind", Str),
    Field(3, "name", Str),
    Field(4, "uid", Str),
    Field(5, "apiVersion", Str),
    Field(6, "controller", BoolKeep),
    Field(7, "blockOwnerDeletion", BoolKeep),
];
const META: &[Field] = &[
    Field(1, "name", Str),
    Field(2, "generateName", Str),
    Field(3, "namespace", Str),
    Field(5, "uid", Str),
    Field(6, "resourceVersion", Str),
    Field(7, "generation", Int),
    Field(8, "creationTimestamp", Time),
    Field(11, "labels", MapStr),
    Field(12, "annotations", MapStr),
    Field(13, "ownerReferences", RepMsg(OWNER_REF)),
    Field(14, "finalizers", RepStr),
];
const SELECTOR_REQ: &[Field] = &[
    Field(1, "key", Str),
    Field(2, "operator", Str),
    Field(3, "values", RepStr),
];
const SELECTOR: &[Field] = &[
    Field(1, "matchLabels", MapStr),
    Field(2, "matchExpressions", RepMsg(SELECTOR_REQ)),
];
const CONTAINER_PORT: &[Field] = &[
    Field(1, "name", Str),
    Field(2, "hostPort", Int),
    Field(3, "containerPort", Int),
    Field(4, "protocol", Str),
    Field(5, "hostIP", Str),
];
const ENV: &[Field] = &[Field(1, "name", Str), Field(2, "value", Str)];
const RESOURCES: &[Field] = &[
    Field(1, "limits", MapQuantity),
    Field(2, "requests", MapQuantity),
];
const VOLUME_MOUNT: &[Field] = &[
    Field(1, "name", Str),
    Field(2, "readOnly", Bool),
    Field(3, "mountPath", Str),
    Field(4, "subPath", Str),
];
const CONTAINER: &[Field] = &[
    Field(1, "name", Str),
    Field(2, "image", Str),
    Field(3, "command", RepStr),
    Field(4, "args", RepStr),
    Field(5, "workingDir", Str),
    Field(6, "ports", RepMsg(CONTAINER_PORT)),
    Field(7, "env", RepMsg(ENV)),
    Field(8, "resources", Msg(RESOURCES)),
    Field(9, "volumeMounts", RepMsg(VOLUME_MOUNT)),
    Field(13, "terminationMessagePath", Str),
    Field(14, "imagePullPolicy", Str),
    Field(16, "stdin", Bool),
    Field(17, "stdinOnce", Bool),
    Field(18, "tty", Bool),
    Field(20, "terminationMessagePolicy", Str),
];
const NAME_REF: &[Field] = &[Field(1, "name", Str)];
const POD_SPEC: &[Field] = &[
    Field(2, "containers", RepMsg(CONTAINER)),
    Field(3, "restartPolicy", Str),
    Field(4, "terminationGracePeriodSeconds", IntKeep),
    Field(5, "activeDeadlineSeconds", IntKeep),
    Field(6, "dnsPolicy", Str),
    Field(7, "nodeSelector", MapStr),
    Field(8, "serviceAccountName", Str),
    Field(10, "nodeName", Str),
    Field(11, "hostNetwork", Bool),
    Field(15, "imagePullSecrets", RepMsg(NAME_REF)),
    Field(20, "initContainers", RepMsg(CONTAINER)),
];
const TEMPLATE: &[Field] = &[
    Field(1, "metadata", Msg(META)),
    Field(2, "spec", Msg(POD_SPEC)),
];
const ROLLING: &[Field] = &[
    Field(1, "maxUnavailable", IntOrString),
    Field(2, "maxSurge", IntOrString),
];
const STRATEGY: &[Field] = &[
    Field(1, "type", Str),
    Field(2, "rollingUpdate", Msg(ROLLING)),
];
const DEPLOYMENT_SPEC: &[Field] = &[
    Field(1, "replicas", IntKeep),
    Field(2, "selector", Msg(SELECTOR)),
    Field(3, "template", Msg(TEMPLATE)),
    Field(4, "strategy", Msg(STRATEGY)),
    Field(5, "minReadySeconds", Int),
    Field(6, "revisionHistoryLimit", IntKeep),
    Field(7, "paused", Bool),
    Field(9, "progressDeadlineSeconds", IntKeep),
];
const NS_SPEC: &[Field] = &[Field(1, "finalizers", RepStr)];
const SERVICE_PORT: &[Field] = &[
    Field(1, "name", Str),
    Field(2, "protocol", Str),
    Field(3, "port", Int),
    Field(4, "targetPort", IntOrString),
    Field(5, "nodePort", Int),
];
const SERVICE_SPEC: &[Field] = &[
    Field(1, "ports", RepMsg(SERVICE_PORT)),
    Field(2, "selector", MapStr),
    Field(3, "clusterIP", Str),
    Field(4, "type", Str),
    Field(5, "externalIPs", RepStr),
    Field(10, "externalName", Str),
];
const JOB_SPEC: &[Field] = &[
    Field(1, "parallelism", IntKeep),
    Field(2, "completions", IntKeep),
    Field(3, "activeDeadlineSeconds", IntKeep),
    Field(4, "selector", Msg(SELECTOR)),
    Field(5, "manualSelector", BoolKeep),
    Field(6, "template", Msg(TEMPLATE)),
    Field(7, "backoffLimit", IntKeep),
];
const JOB_TEMPLATE: &[Field] = &[
    Field(1, "metadata", Msg(META)),
    Field(2, "spec", Msg(JOB_SPEC)),
];
const CRONJOB_SPEC: &[Field] = &[
    Field(1, "schedule", Str),
    Field(2, "startingDeadlineSeconds", IntKeep),
    Field(3, "concurrencyPolicy", Str),
    Field(4, "suspend", BoolKeep),
    Field(5, "jobTemplate", Msg(JOB_TEMPLATE)),
    Field(6, "successfulJobsHistoryLimit", IntKeep),
    Field(7, "failedJobsHistoryLimit", IntKeep),
    Field(8, "timeZone", Str),
];
const POLICY_RULE: &[Field] = &[
    Field(1, "verbs", RepStr),
    Field(2, "apiGroups", RepStr),
    Field(3, "resources", RepStr),
    Field(4, "resourceNames", RepStr),
    Field(5, "nonResourceURLs", RepStr),
];
const SUBJECT: &[Field] = &[
    Field(1, "kind", Str),
    Field(2, "apiGroup", Str),
    Field(3, "name", Str),
    Field(4, "namespace", Str),
];
const ROLE_REF: &[Field] = &[
    Field(1, "apiGroup", Str),
    Field(2, "kind", Str),
    Field(3, "name", Str),
];
const SCALE_REF: &[Field] = &[
    Field(1, "kind", Str),
    Field(2, "name", Str),
    Field(3, "apiVersion", Str),
];
const HPA_V1_SPEC: &[Field] = &[
    Field(1, "scaleTargetRef", Msg(SCALE_REF)),
    Field(2, "minReplicas", IntKeep),
    Field(3, "maxReplicas", Int),
    Field(4, "targetCPUUtilizationPercentage", IntKeep),
];
const METRIC_TARGET: &[Field] = &[
    Field(1, "type", Str),
    Field(2, "value", Quantity),
    Field(3, "averageValue", Quantity),
    Field(4, "averageUtilization", IntKeep),
];
const RESOURCE_METRIC: &[Field] = &[
    Field(1, "name", Str),
    Field(2, "target", Msg(METRIC_TARGET)),
];
const METRIC_SPEC: &[Field] = &[
    Field(1, "type", Str),
    Field(4, "resource", Msg(RESOURCE_METRIC)),
];
const HPA_V2_SPEC: &[Field] = &[
    Field(1, "scaleTargetRef", Msg(SCALE_REF)),
    Field(2, "minReplicas", IntKeep),
    Field(3, "maxReplicas", Int),
    Field(4, "metrics", RepMsg(METRIC_SPEC)),
];
const BACKEND_PORT: &[Field] = &[Field(1, "name", Str), Field(2, "number", Int)];
const SERVICE_BACKEND: &[Field] = &[Field(1, "name", Str), Field(2, "port", Msg(BACKEND_PORT))];
const INGRESS_BACKEND: &[Field] = &[Field(4, "service", Msg(SERVICE_BACKEND))];
const HTTP_PATH: &[Field] = &[
    Field(1, "path", Str),
    Field(2, "backend", Msg(INGRESS_BACKEND)),
    Field(3, "pathType", Str),
];
const HTTP_RULE: &[Field] = &[Field(1, "paths", RepMsg(HTTP_PATH))];
const RULE_VALUE: &[Field] = &[Field(1, "http", Msg(HTTP_RULE))];
const INGRESS_RULE: &[Field] = &[Field(1, "host", Str), Field(2, "", Inline(RULE_VALUE))];
const INGRESS_TLS: &[Field] = &[Field(1, "hosts", RepStr), Field(2, "secretName", Str)];
const INGRESS_SPEC: &[Field] = &[
    Field(1, "defaultBackend", Msg(INGRESS_BACKEND)),
    Field(2, "tls", RepMsg(INGRESS_TLS)),
    Field(3, "rules", RepMsg(INGRESS_RULE)),
    Field(4, "ingressClassName", Str),
];
const PDB_SPEC: &[Field] = &[
    Field(1, "minAvailable", IntOrString),
    Field(2, "selector", Msg(SELECTOR)),
    Field(3, "maxUnavailable", IntOrString),
];
const QUOTA_SPEC: &[Field] = &[Field(1, "hard", MapQuantity), Field(2, "scopes", RepStr)];

const RESOURCE_ATTRS: &[Field] = &[
    Field(1, "namespace", Str),
    Field(2, "verb", Str),
    Field(3, "group", Str),
    Field(4, "version", Str),
    Field(5, "resource", Str),
    Field(6, "subresource", Str),
    Field(7, "name", Str),
];
const NON_RESOURCE_ATTRS: &[Field] = &[Field(1, "path", Str), Field(2, "verb", Str)];
const SSAR_SPEC: &[Field] = &[
    Field(1, "resourceAttributes", Msg(RESOURCE_ATTRS)),
    Field(2, "nonResourceAttributes", Msg(NON_RESOURCE_ATTRS)),
];

fn top(spec: &'static [Field]) -> Vec<Field> {
    vec![Field(1, "metadata", Msg(META)), Field(2, "spec", Msg(spec))]
}

/// The schema of a top-level kind, by apiVersion and kind.
fn schema(api_version: &str, kind: &str) -> Option<Vec<Field>> {
    Some(match (api_version, kind) {
        ("apps/v1", "Deployment") => top(DEPLOYMENT_SPEC),
        ("v1", "Namespace") => top(NS_SPEC),
        ("v1", "Service") => top(SERVICE_SPEC),
        ("v1", "ResourceQuota") => top(QUOTA_SPEC),
        ("v1", "ServiceAccount") | ("policy/v1", "Eviction") => {
            vec![Field(1, "metadata", Msg(META))]
        }
        ("v1", "ConfigMap") => vec![
            Field(1, "metadata", Msg(META)),
            Field(2, "data", MapStr),
            Field(3, "binaryData", MapBytes),
            Field(4, "immutable", BoolKeep),
        ],
        ("v1", "Secret") => vec![
            Field(1, "metadata", Msg(META)),
            Field(2, "data", MapBytes),
            Field(3, "type", Str),
            Field(4, "stringData", MapStr),
            Field(5, "immutable", BoolKeep),
        ],
        ("v1", "Pod") => top(POD_SPEC),
        ("batch/v1", "Job") => top(JOB_SPEC),
        ("batch/v1", "CronJob") => top(CRONJOB_SPEC),
        ("rbac.authorization.k8s.io/v1", "Role" | "ClusterRole") => {
            vec![
                Field(1, "metadata", Msg(META)),
                Field(2, "rules", RepMsg(POLICY_RULE)),
            ]
        }
        ("rbac.authorization.k8s.io/v1", "RoleBinding" | "ClusterRoleBinding") => vec![
            Field(1, "metadata", Msg(META)),
            Field(2, "subjects", RepMsg(SUBJECT)),
            Field(3, "roleRef", Msg(ROLE_REF)),
        ],
        ("autoscaling/v1", "HorizontalPodAutoscaler") => top(HPA_V1_SPEC),
        ("autoscaling/v2", "HorizontalPodAutoscaler") => top(HPA_V2_SPEC),
        ("networking.k8s.io/v1", "Ingress") => top(INGRESS_SPEC),
        ("policy/v1", "PodDisruptionBudget") => top(PDB_SPEC),
        ("authorization.k8s.io/v1", "SelfSubjectAccessReview") => top(SSAR_SPEC),
        _ => return None,
    })
}

/// A protobuf wire reader.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

enum Wire<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.buf.get(self.pos)?;
            self.pos += 1;
            v |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    /// Next (field number, value), None at the end; Err on malformed input.
    fn next(&mut self) -> Result<Option<(u64, Wire<'a>)>, ()> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let key = self.varint().ok_or(())?;
        let value = match key & 7 {
            0 => Wire::Varint(self.varint().ok_or(())?),
            1 => {
                self.pos += 8;
                Wire::Fixed
            }
            2 => {
                let len = self.varint().ok_or(())? as usize;
                let end = self
                    .pos
                    .checked_add(len)
                    .filter(|e| *e <= self.buf.len())
                    .ok_or(())?;
                let b = &self.buf[self.pos..end];
                self.pos = end;
                Wire::Bytes(b)
            }
            5 => {
                self.pos += 4;
                Wire::Fixed
            }
            _ => return Err(()),
        };
        if self.pos > self.buf.len() {
            return Err(());
        }
        Ok(Some((key >> 3, value)))
    }
}

fn bad(what: &str) -> ApiError {
    ApiError::bad_request(format!("unable to decode protobuf body: {what}"))
}

fn string(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Decodes a map entry (key = 1, value = 2).
fn map_entry(b: &[u8]) -> ApiResult<(String, &[u8])> {
    let mut r = Reader::new(b);
    let (mut k, mut v): (String, &[u8]) = (String::new(), &[]);
    while let Some((n, w)) = r.next().map_err(|_| bad("map entry"))? {
        match (n, w) {
            (1, Wire::Bytes(x)) => k = string(x),
            (2, Wire::Bytes(x)) => v = x,
            _ => {}
        }
    }
    Ok((k, v))
}

fn quantity(b: &[u8]) -> ApiResult<Value> {
    let mut r = Reader::new(b);
    let mut out = String::new();
    while let Some((n, w)) = r.next().map_err(|_| bad("quantity"))? {
        if let (1, Wire::Bytes(x)) = (n, w) {
            out = string(x);
        }
    }
    Ok(json!(out))
}

fn int_or_string(b: &[u8]) -> ApiResult<Value> {
    let mut r = Reader::new(b);
    let (mut ty, mut i, mut s) = (0u64, 0u64, String::new());
    while let Some((n, w)) = r.next().map_err(|_| bad("intstr"))? {
        match (n, w) {
            (1, Wire::Varint(v)) => ty = v,
            (2, Wire::Varint(v)) => i = v,
            (3, Wire::Bytes(x)) => s = string(x),
            _ => {}
        }
    }
    Ok(if ty == 1 { json!(s) } else { json!(i as i32) })
}

fn time(b: &[u8]) -> ApiResult<Option<Value>> {
    let mut r = Reader::new(b);
    let mut secs = None;
    while let Some((n, w)) = r.next().map_err(|_| bad("time"))? {
        if let (1, Wire::Varint(v)) = (n, w) {
            secs = Some(v as i64);
        }
    }
    Ok(secs.map(|s| json!(crate::util::rfc3339(s))))
}

fn message(b: &[u8], fields: &[Field], depth: usize) -> ApiResult<Map<String, Value>> {
    if depth > 32 {
        return Err(bad("nesting too deep"));
    }
    let mut out = Map::new();
    let mut r = Reader::new(b);
    while let Some((n, w)) = r.next().map_err(|_| bad("malformed message"))? {
        let Some(Field(_, name, kind)) = fields.iter().find(|f| f.0 == n) else {
            continue;
        };
        let name = (*name).to_string();
        match (kind, w) {
            (Str, Wire::Bytes(x)) if !x.is_empty() => {
                out.insert(name, json!(string(x)));
            }
            (Int, Wire::Varint(v)) if v != 0 => {
                out.insert(name, json!(v as i64));
            }
            (IntKeep, Wire::Varint(v)) => {
                out.insert(name, json!(v as i64));
            }
            (Bool, Wire::Varint(v)) if v != 0 => {
                out.insert(name, json!(true));
            }
            (BoolKeep, Wire::Varint(v)) => {
                out.insert(name, json!(v != 0));
            }
            (Msg(inner), Wire::Bytes(x)) => {
                out.insert(name, Value::Object(message(x, inner, depth + 1)?));
            }
            (Inline(inner), Wire::Bytes(x)) => out.extend(message(x, inner, depth + 1)?),
            (MapStr | MapBytes | MapQuantity, Wire::Bytes(x)) => {
                let (k, v) = map_entry(x)?;
                let value = match kind {
                    MapStr => json!(string(v)),
                    MapBytes => json!(crate::defaults::base64(v)),
                    _ => quantity(v)?,
                };
                if let Some(m) = out.entry(name).or_insert_with(|| json!({})).as_object_mut() {
                    m.insert(k, value);
                }
            }
            (RepStr, Wire::Bytes(x)) => {
                if let Some(a) = out.entry(name).or_insert_with(|| json!([])).as_array_mut() {
                    a.push(json!(string(x)));
                }
            }
            (RepMsg(inner), Wire::Bytes(x)) => {
                let item = Value::Object(message(x, inner, depth + 1)?);
                if let Some(a) = out.entry(name).or_insert_with(|| json!([])).as_array_mut() {
                    a.push(item);
                }
            }
            (Quantity, Wire::Bytes(x)) => {
                out.insert(name, quantity(x)?);
            }
            (IntOrString, Wire::Bytes(x)) => {
                out.insert(name, int_or_string(x)?);
            }
            (Time, Wire::Bytes(x)) => {
                if let Some(t) = time(x)? {
                    out.insert(name, t);
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Decodes a `k8s\0`-prefixed protobuf body into the JSON object it encodes.
pub fn decode(body: &[u8]) -> ApiResult<Value> {
    let unknown = body
        .strip_prefix(b"k8s\0")
        .ok_or_else(|| bad("missing k8s magic prefix"))?;
    let mut r = Reader::new(unknown);
    let (mut api_version, mut kind, mut raw): (String, String, &[u8]) =
        (String::new(), String::new(), &[]);
    while let Some((n, w)) = r.next().map_err(|_| bad("malformed envelope"))? {
        match (n, w) {
            (1, Wire::Bytes(tm)) => {
                let mut t = Reader::new(tm);
                while let Some((n, w)) = t.next().map_err(|_| bad("malformed typeMeta"))? {
                    match (n, w) {
                        (1, Wire::Bytes(x)) => api_version = string(x),
                        (2, Wire::Bytes(x)) => kind = string(x),
                        _ => {}
                    }
                }
            }
            (2, Wire::Bytes(x)) => raw = x,
            _ => {}
        }
    }
    let fields = schema(&api_version, &kind).ok_or_else(|| {
        ApiError::unsupported_media_type(&format!(
            "application/vnd.kubernetes.protobuf for {kind} {api_version}; send JSON instead"
        ))
    })?;
    let mut obj = Map::new();
    obj.insert("apiVersion".into(), json!(api_version));
    obj.insert("kind".into(), json!(kind));
    obj.extend(message(raw, &fields, 0)?);
    Ok(Value::Object(obj))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `kubectl create deployment pb --image=nginx:1 --replicas=3 --port=8080` as sent by kubectl 1.32.
    const DEPLOYMENT: &str = "6b 38 73 00 0a 15 0a 07 61 70 70 73 2f 76 31 12 0a 44 65 70 6c 6f 79 6d 65 6e 74 12 b7 01 0a 1d
        0a 02 70 62 12 00 1a 00 22 00 2a 00 32 00 38 00 42 00 5a 09 0a 03 61 70 70 12 02 70 62 12 87 01
        08 03 12 0b 0a 09 0a 03 61 70 70 12 02 70 62 1a 6e 0a 1b 0a 00 12 00 1a 00 22 00 2a 00 32 00 38
        00 42 00 5a 09 0a 03 61 70 70 12 02 70 62 12 4f 12 31 0a 05 6e 67 69 6e 78 12 07 6e 67 69 6e 78
        3a 31 2a 00 32 0b 0a 00 10 00 18 90 3f 22 00 2a 00 42 00 6a 00 72 00 80 01 00 88 01 00 90 01 00
        a2 01 00 1a 00 32 00 42 00 4a 00 52 00 58 00 60 00 68 00 82 01 00 8a 01 00 9a 01 00 c2 01 00 22
        02 0a 00 28 00 38 00 1a 0c 08 00 10 00 18 00 20 00 28 00 38 00 1a 00 22 00";

    #[test]
    fn decodes_kubectl_create_deployment() {
        let bytes: Vec<u8> = DEPLOYMENT
            .split_whitespace()
            .map(|h| u8::from_str_radix(h, 16).unwrap())
            .collect();
        let v = decode(&bytes).unwrap();
        assert_eq!(v["kind"], "Deployment");
        assert_eq!(v["metadata"]["name"], "pb");
        assert_eq!(v["metadata"]["labels"]["app"], "pb");
        assert_eq!(v["spec"]["replicas"], 3);
        assert_eq!(v["spec"]["selector"]["matchLabels"]["app"], "pb");
        let c = &v["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(c["name"], "nginx");
        assert_eq!(c["image"], "nginx:1");
        assert_eq!(c["ports"][0]["containerPort"], 8080);
        assert!(v["metadata"].get("creationTimestamp").is_none());
    }

    #[test]
    fn garbage_is_a_bad_request() {
        assert_eq!(decode(b"k8s\0\x0a\xff\xff").unwrap_err().code, 400);
        assert_eq!(decode(b"nope").unwrap_err().code, 400);
    }
}
