//! A hand-written OpenAPI generator. kubectl needs `/openapi/v3` (1.29 and
//! later) or `/openapi/v2` (1.27 and 1.28, as protobuf: see `openapi_pb`) to
//! decide on server-side field validation (it looks for the
//! `fieldValidation` query parameter on each kind's PATCH operation) and for
//! `kubectl explain`. The v2 document is the v3 documents translated.
//! Schemas are shallow: top-level fields with descriptions and the
//! `x-kubernetes-group-version-kind` marker. PATCH operations deliberately
//! do not advertise strategic merge patch bodies, so `kubectl apply` falls
//! back to its compiled-in patch metadata for the built-in types, which
//! carries the exact merge keys.

use serde_json::{Map, Value, json};

use crate::discovery::GIT_VERSION;
use crate::resources::{self, ResourceType};

fn gv_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

/// `/openapi/v3`: one entry per group/version.
pub fn v3_index() -> Value {
    let mut paths = Map::new();
    for (g, versions) in resources::groups() {
        for v in versions {
            let p = gv_path(g, v);
            let hash = crate::util::template_hash(&json!([g, v, GIT_VERSION]));
            paths.insert(
                p.clone(),
                json!({"serverRelativeURL": format!("/openapi/v3/{p}?hash={hash}")}),
            );
        }
    }
    json!({"paths": paths})
}

/// `/openapi/v2`: the Swagger 2.0 form of every `/openapi/v3` document,
/// as a real API server serves both from one source. kubectl 1.27 and 1.28
/// read it (as protobuf, see `openapi_pb`) before `create -f`, `apply`,
/// `replace` and `explain`: its PATCH operations' `fieldValidation`
/// parameter tells them the server validates fields, and, as in v3, PATCH
/// does not consume strategic merge patches, so `apply` uses its compiled-in
/// patch metadata.
pub fn v2() -> Value {
    let mut paths = Map::new();
    let mut definitions = Map::new();
    for (g, versions) in resources::groups() {
        for v in versions {
            let Some(doc) = v3_doc(&gv_path(g, v)) else {
                continue;
            };
            if let Some(p) = doc["paths"].as_object() {
                for (path, item) in p {
                    paths.insert(path.clone(), path_item_v2(item));
                }
            }
            if let Some(s) = doc
                .pointer("/components/schemas")
                .and_then(Value::as_object)
            {
                for (name, schema) in s {
                    definitions.insert(name.clone(), schema_v2(schema));
                }
            }
        }
    }
    json!({
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": GIT_VERSION},
        "paths": paths,
        "definitions": definitions,
    })
}

/// A v3 schema in v2 terms: `#/definitions/` references, and a lone
/// `allOf: [{$ref}]` (v3's way to describe a reference) as the `$ref` itself.
fn schema_v2(s: &Value) -> Value {
    match s {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => {
                        out.insert(
                            k.clone(),
                            json!(r.replace("#/components/schemas/", "#/definitions/")),
                        );
                    }
                    ("allOf", Value::Array(a)) if a.len() == 1 && a[0].get("$ref").is_some() => {
                        out.insert("$ref".into(), schema_v2(&a[0])["$ref"].clone());
                    }
                    // v2 references carry no default.
                    ("default", _) if m.contains_key("allOf") => {}
                    ("properties", Value::Object(p)) => {
                        let p: Map<String, Value> =
                            p.iter().map(|(n, v)| (n.clone(), schema_v2(v))).collect();
                        out.insert(k.clone(), Value::Object(p));
                    }
                    ("items" | "additionalProperties", v) if v.is_object() => {
                        out.insert(k.clone(), schema_v2(v));
                    }
                    _ => {
                        out.insert(k.clone(), v.clone());
                    }
                }
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// A v3 parameter (`schema: {type, uniqueItems}`) in v2 terms (`type` inline).
fn param_v2(p: &Value) -> Value {
    let mut out = Map::new();
    if let Some(m) = p.as_object() {
        for (k, v) in m {
            if k == "schema" {
                for (sk, sv) in v.as_object().into_iter().flatten() {
                    out.insert(sk.clone(), sv.clone());
                }
            } else {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(out)
}

fn operation_v2(op: &Value) -> Value {
    let mut out = Map::new();
    let Some(m) = op.as_object() else {
        return op.clone();
    };
    let mut params: Vec<Value> = Vec::new();
    for (k, v) in m {
        match k.as_str() {
            "parameters" => params.extend(v.as_array().into_iter().flatten().map(param_v2)),
            "requestBody" => {
                let content = v.get("content").and_then(Value::as_object);
                let consumes: Vec<&String> =
                    content.into_iter().flatten().map(|(ct, _)| ct).collect();
                let schema = content
                    .and_then(|c| c.values().next())
                    .and_then(|c| c.get("schema"))
                    .map(schema_v2)
                    .unwrap_or(json!({"type": "object"}));
                out.insert("consumes".into(), json!(consumes));
                params.insert(
                    0,
                    json!({"name": "body", "in": "body", "required": true, "schema": schema}),
                );
            }
            "responses" => {
                let mut responses = Map::new();
                for (code, r) in v.as_object().into_iter().flatten() {
                    let mut resp =
                        json!({"description": r.get("description").cloned().unwrap_or(json!(""))});
                    if let Some(schema) = r.pointer("/content/application~1json/schema") {
                        resp["schema"] = schema_v2(schema);
                    }
                    responses.insert(code.clone(), resp);
                }
                out.insert(
                    "produces".into(),
                    json!([
                        "application/json",
                        "application/yaml",
                        "application/vnd.kubernetes.protobuf"
                    ]),
                );
                out.insert(k.clone(), Value::Object(responses));
            }
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    if !params.is_empty() {
        out.insert("parameters".into(), Value::Array(params));
    }
    Value::Object(out)
}

fn path_item_v2(item: &Value) -> Value {
    let mut out = Map::new();
    for (k, v) in item.as_object().into_iter().flatten() {
        let v = match k.as_str() {
            "parameters" => {
                Value::Array(v.as_array().into_iter().flatten().map(param_v2).collect())
            }
            _ => operation_v2(v),
        };
        out.insert(k.clone(), v);
    }
    Value::Object(out)
}

fn schema_name(t: &ResourceType) -> String {
    let group = match t.group {
        "" => "core".to_string(),
        g => g.split('.').next().unwrap_or(g).to_string(),
    };
    let prefix = if t.group == "metrics.k8s.io" {
        "io.k8s.metrics.pkg.apis.metrics".to_string()
    } else {
        format!("io.k8s.api.{group}")
    };
    format!("{prefix}.{}.{}", t.version, t.kind)
}

fn gvk(t: &ResourceType, kind: &str) -> Value {
    json!({"group": t.group, "kind": kind, "version": t.version})
}

fn qparam(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "query", "description": description, "schema": {"type": "string", "uniqueItems": true}})
}

fn write_params() -> Vec<Value> {
    vec![
        qparam(
            "dryRun",
            "When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed",
        ),
        qparam(
            "fieldManager",
            "fieldManager is a name associated with the actor or entity that is making these changes.",
        ),
        qparam(
            "fieldValidation",
            "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict",
        ),
    ]
}

fn body(content_types: &[&str], schema: &Value) -> Value {
    let mut content = Map::new();
    for ct in content_types {
        content.insert((*ct).to_string(), json!({"schema": schema}));
    }
    json!({"content": content, "required": true})
}

fn ok(schema: &Value) -> Value {
    json!({"200": {"description": "OK", "content": {"application/json": {"schema": schema}}}})
}

fn op(t: &ResourceType, action: &str, id: &str, extra: Value) -> Value {
    let mut o = json!({
        "tags": [t.api_version().replace('/', "_")],
        "description": format!("{action} {}", t.kind),
        "operationId": format!("{id}{}", t.kind),
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": gvk(t, t.kind),
    });
    if let (Some(o), Some(extra)) = (o.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            o.insert(k.clone(), v.clone());
        }
    }
    o
}

fn paths_for(t: &ResourceType, paths: &mut Map<String, Value>) {
    let schema = json!({"$ref": format!("#/components/schemas/{}", schema_name(t))});
    let base = format!("/{}", gv_path(t.group, t.version));
    let collection = if t.namespaced {
        format!("{base}/namespaces/{{namespace}}/{}", t.plural)
    } else {
        format!("{base}/{}", t.plural)
    };
    let ns_param = json!({"name": "namespace", "in": "path", "required": true, "schema": {"type": "string", "uniqueItems": true}});
    let name_param = json!({"name": "name", "in": "path", "required": true, "schema": {"type": "string", "uniqueItems": true}});
    let writable = t.verbs.contains(&"create");
    let mut coll =
        json!({"get": op(t, "list", "list", json!({"responses": ok(&json!({"type": "object"}))}))});
    if writable {
        coll["post"] = op(
            t,
            "post",
            "create",
            json!({"parameters": write_params(), "requestBody": body(&["*/*"], &schema), "responses": ok(&schema)}),
        );
    }
    if t.namespaced {
        coll["parameters"] = json!([ns_param]);
    }
    paths.insert(collection.clone(), coll);
    let mut item = json!({"get": op(t, "get", "read", json!({"responses": ok(&schema)}))});
    if writable {
        item["put"] = op(
            t,
            "put",
            "replace",
            json!({"parameters": write_params(), "requestBody": body(&["*/*"], &schema), "responses": ok(&schema)}),
        );
        let mut patch_params = write_params();
        patch_params.push(qparam(
            "force",
            "Force is going to \"force\" Apply requests.",
        ));
        item["patch"] = op(
            t,
            "patch",
            "patch",
            json!({
                "parameters": patch_params,
                "requestBody": body(
                    &["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"],
                    &json!({"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch"}),
                ),
                "responses": ok(&schema),
            }),
        );
        item["delete"] = op(
            t,
            "delete",
            "delete",
            json!({"parameters": [qparam("dryRun", "dry run")], "responses": ok(&json!({"type": "object"}))}),
        );
    }
    let mut params = vec![name_param];
    if t.namespaced {
        params.push(ns_param);
    }
    item["parameters"] = Value::Array(params);
    paths.insert(format!("{collection}/{{name}}"), item);
}

fn prop(ty: &str, description: &str) -> Value {
    match ty {
        "object" => {
            json!({"type": "object", "description": description, "x-kubernetes-preserve-unknown-fields": true})
        }
        "map" => {
            json!({"type": "object", "description": description, "additionalProperties": {"type": "string", "default": ""}})
        }
        "array" => {
            json!({"type": "array", "description": description, "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}})
        }
        other => json!({"type": other, "description": description}),
    }
}

/// Top-level fields besides apiVersion/kind/metadata.
fn fields(t: &ResourceType) -> Vec<(&'static str, &'static str, &'static str)> {
    match t.kind {
        "ConfigMap" => vec![
            (
                "data",
                "map",
                "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'.",
            ),
            ("binaryData", "map", "BinaryData contains the binary data."),
            (
                "immutable",
                "boolean",
                "Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated.",
            ),
        ],
        "Secret" => vec![
            (
                "data",
                "map",
                "Data contains the secret data. Each value must be base64 encoded.",
            ),
            (
                "stringData",
                "map",
                "stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience.",
            ),
            (
                "type",
                "string",
                "Used to facilitate programmatic handling of secret data.",
            ),
            (
                "immutable",
                "boolean",
                "Immutable, if set to true, ensures that data stored in the Secret cannot be updated.",
            ),
        ],
        "Role" | "ClusterRole" => vec![(
            "rules",
            "array",
            "Rules holds all the PolicyRules for this Role",
        )],
        "RoleBinding" | "ClusterRoleBinding" => vec![
            (
                "roleRef",
                "object",
                "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.",
            ),
            (
                "subjects",
                "array",
                "Subjects holds references to the objects the role applies to.",
            ),
        ],
        "Endpoints" => vec![(
            "subsets",
            "array",
            "The set of all endpoints is the union of all subsets.",
        )],
        "ServiceAccount" => vec![
            (
                "secrets",
                "array",
                "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.",
            ),
            (
                "imagePullSecrets",
                "array",
                "ImagePullSecrets is a list of references to secrets in the same namespace to use for pulling any images in pods that reference this ServiceAccount.",
            ),
            (
                "automountServiceAccountToken",
                "boolean",
                "AutomountServiceAccountToken indicates whether pods running as this service account should have an API token automatically mounted.",
            ),
        ],
        "Event" => vec![
            (
                "involvedObject",
                "object",
                "The object that this event is about.",
            ),
            (
                "reason",
                "string",
                "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
            ),
            (
                "message",
                "string",
                "A human-readable description of the status of this operation.",
            ),
            (
                "type",
                "string",
                "Type of this event (Normal, Warning), new types could be added in the future",
            ),
            (
                "count",
                "integer",
                "The number of times this event has occurred.",
            ),
            (
                "firstTimestamp",
                "string",
                "The time at which the event was first recorded.",
            ),
            (
                "lastTimestamp",
                "string",
                "The time at which the most recent occurrence of this event was recorded.",
            ),
            ("source", "object", "The component reporting this event."),
            (
                "eventTime",
                "string",
                "Time when this Event was first observed.",
            ),
            (
                "reportingComponent",
                "string",
                "Name of the controller that emitted this Event.",
            ),
            (
                "reportingInstance",
                "string",
                "ID of the controller instance.",
            ),
            (
                "action",
                "string",
                "What action was taken/failed regarding to the Regarding object.",
            ),
            (
                "related",
                "object",
                "Optional secondary object for more complex actions.",
            ),
            (
                "series",
                "object",
                "Data about the Event series this event represents.",
            ),
        ],
        "ControllerRevision" => vec![
            (
                "data",
                "object",
                "Data is the serialized representation of the state.",
            ),
            (
                "revision",
                "integer",
                "Revision indicates the revision of the state represented by Data.",
            ),
        ],
        "PodMetrics" => vec![
            (
                "timestamp",
                "string",
                "The following fields define time interval from which metrics were collected.",
            ),
            ("window", "string", "Window of the metrics."),
            (
                "containers",
                "array",
                "Metrics for all containers are collected within the same time window.",
            ),
        ],
        "NodeMetrics" => vec![
            (
                "timestamp",
                "string",
                "The following fields define time interval from which metrics were collected.",
            ),
            ("window", "string", "Window of the metrics."),
            (
                "usage",
                "map",
                "The memory usage is the memory working set.",
            ),
        ],
        "IngressClass" | "StorageClass" | "PriorityClass" => {
            vec![("spec", "object", "Specification of the desired behavior.")]
        }
        kind => {
            let spec = match kind {
                "Deployment" => "Specification of the desired behavior of the Deployment.",
                "Pod" => "Specification of the desired behavior of the pod.",
                "Service" => "Spec defines the behavior of a service.",
                _ => "Spec defines the desired characteristics of this object.",
            };
            vec![
                ("spec", "object", spec),
                (
                    "status",
                    "object",
                    "Most recently observed status. Populated by the system. Read-only.",
                ),
            ]
        }
    }
}

/// Known `spec` fields for the kinds people `explain` most.
fn spec_fields(kind: &str) -> Vec<(&'static str, &'static str, &'static str)> {
    match kind {
        "Deployment" => vec![
            (
                "replicas",
                "integer",
                "Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1.",
            ),
            (
                "selector",
                "object",
                "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels.",
            ),
            (
                "template",
                "object",
                "Template describes the pods that will be created. The only allowed template.spec.restartPolicy value is \"Always\".",
            ),
            (
                "strategy",
                "object",
                "The deployment strategy to use to replace existing pods with new ones.",
            ),
            (
                "minReadySeconds",
                "integer",
                "Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available.",
            ),
            (
                "revisionHistoryLimit",
                "integer",
                "The number of old ReplicaSets to retain to allow rollback. Defaults to 10.",
            ),
            (
                "paused",
                "boolean",
                "Indicates that the deployment is paused.",
            ),
            (
                "progressDeadlineSeconds",
                "integer",
                "The maximum time in seconds for a deployment to make progress before it is considered to be failed.",
            ),
        ],
        "Pod" => vec![
            (
                "containers",
                "array",
                "List of containers belonging to the pod. Containers cannot currently be added or removed.",
            ),
            (
                "initContainers",
                "array",
                "List of initialization containers belonging to the pod.",
            ),
            (
                "volumes",
                "array",
                "List of volumes that can be mounted by containers belonging to the pod.",
            ),
            (
                "nodeName",
                "string",
                "NodeName indicates in which node this pod is scheduled.",
            ),
            (
                "nodeSelector",
                "map",
                "NodeSelector is a selector which must be true for the pod to fit on a node.",
            ),
            (
                "restartPolicy",
                "string",
                "Restart policy for all containers within the pod. One of Always, OnFailure, Never.",
            ),
            (
                "serviceAccountName",
                "string",
                "ServiceAccountName is the name of the ServiceAccount to use to run this pod.",
            ),
            (
                "tolerations",
                "array",
                "If specified, the pod's tolerations.",
            ),
        ],
        "Service" => vec![
            (
                "ports",
                "array",
                "The list of ports that are exposed by this service.",
            ),
            (
                "selector",
                "map",
                "Route service traffic to pods with label keys and values matching this selector.",
            ),
            (
                "type",
                "string",
                "type determines how the Service is exposed. Defaults to ClusterIP.",
            ),
            (
                "clusterIP",
                "string",
                "clusterIP is the IP address of the service and is usually assigned randomly.",
            ),
        ],
        _ => vec![],
    }
}

fn kind_schema(t: &ResourceType) -> Value {
    let mut props = Map::new();
    props.insert("apiVersion".into(), prop("string", "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values."));
    props.insert("kind".into(), prop("string", "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase."));
    props.insert(
        "metadata".into(),
        json!({"allOf": [{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}], "default": {}, "description": "Standard object's metadata."}),
    );
    for (name, ty, desc) in fields(t) {
        let mut p = prop(ty, desc);
        if name == "spec" {
            let spec = spec_fields(t.kind);
            if !spec.is_empty() {
                let mut sp = Map::new();
                for (n, ty, d) in spec {
                    sp.insert(n.into(), prop(ty, d));
                }
                p = json!({"type": "object", "description": desc, "properties": sp, "x-kubernetes-preserve-unknown-fields": true});
            }
        }
        props.insert(name.into(), p);
    }
    json!({
        "description": t.description,
        "type": "object",
        "properties": props,
        "x-kubernetes-group-version-kind": [gvk(t, t.kind)],
    })
}

fn object_meta() -> Value {
    let fields = [
        ("name", "string", "Name must be unique within a namespace."),
        (
            "namespace",
            "string",
            "Namespace defines the space within which each name must be unique.",
        ),
        (
            "generateName",
            "string",
            "GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.",
        ),
        (
            "labels",
            "map",
            "Map of string keys and values that can be used to organize and categorize (scope and select) objects.",
        ),
        (
            "annotations",
            "map",
            "Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata.",
        ),
        (
            "uid",
            "string",
            "UID is the unique in time and space value for this object.",
        ),
        (
            "resourceVersion",
            "string",
            "An opaque value that represents the internal version of this object.",
        ),
        (
            "generation",
            "integer",
            "A sequence number representing a specific generation of the desired state.",
        ),
        (
            "creationTimestamp",
            "string",
            "CreationTimestamp is a timestamp representing the server time when this object was created.",
        ),
        (
            "deletionTimestamp",
            "string",
            "DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted.",
        ),
        (
            "ownerReferences",
            "array",
            "List of objects depended by this object.",
        ),
        (
            "finalizers",
            "array",
            "Must be empty before the object is deleted from the registry.",
        ),
        (
            "managedFields",
            "array",
            "ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.",
        ),
    ];
    let mut props = Map::new();
    for (n, ty, d) in fields {
        props.insert(n.into(), prop(ty, d));
    }
    json!({"description": "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.", "type": "object", "properties": props})
}

/// `/openapi/v3/<gv path>`, e.g. `apis/apps/v1`.
pub fn v3_doc(path: &str) -> Option<Value> {
    let path = path.split('?').next().unwrap_or(path);
    let (group, version) = match path.split('/').collect::<Vec<_>>().as_slice() {
        ["api", v] => ("", *v),
        ["apis", g, v] => (*g, *v),
        _ => return None,
    };
    let types = resources::in_group_version(group, version);
    if types.is_empty() {
        return None;
    }
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for t in &types {
        paths_for(t, &mut paths);
        schemas.insert(schema_name(t), kind_schema(t));
    }
    schemas.insert(
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta".into(),
        object_meta(),
    );
    schemas.insert(
        "io.k8s.apimachinery.pkg.apis.meta.v1.Patch".into(),
        json!({"description": "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.", "type": "object"}),
    );
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": GIT_VERSION},
        "paths": paths,
        "components": {"schemas": schemas},
    }))
}
