//! The tools the MCP server offers: names, descriptions written for a model, and
//! input schemas generated from the plan types themselves.
//!
//! Each read tool is one read operation of the vocabulary: its input schema is
//! that operation's variant of [`Operation`] (without the `op` tag, which the tool
//! name says), so an assistant fills the same typed fields a plan file holds, and
//! the arguments become an [`Operation`] through the same serde definitions
//! (unknown fields refused) and the same validation. `preview` takes a whole
//! [`Plan`]. Nothing a client sends becomes an argv word except through those
//! types: there is no free-form kubectl, shell or flag anywhere.

use std::sync::Arc;

use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::plan::{Operation, Plan};

/// Every read of the vocabulary, as `(tool and op name, description)`.
pub const READS: &[(&str, &str)] = &[
    (
        "get",
        "List or show Kubernetes objects (kubectl get). `kinds` names one or more resource kinds \
         (e.g. [\"pods\"], [\"deployments\",\"services\"]); narrow with `name`, `namespace`, a label \
         `selector` (app=web) or `field_selector` (status.phase!=Running). `output` may be wide, yaml, \
         json or name. Read-only. Credentials, env values and Secret data are masked (***); long \
         output is cut at 64 KiB with a note.",
    ),
    (
        "describe",
        "Describe objects in detail, with their recent events (kubectl describe KIND [NAME]). \
         Read-only; env values and credentials are masked.",
    ),
    (
        "logs",
        "Read a container's logs (kubectl logs). `kind` is pod unless you want a workload's pod \
         (deployment, statefulset, job…); use `tail` (lines) or `since` (15m, 1h) to keep it short, \
         `previous` for the crashed container before the current one. `follow` is refused (a call \
         must end). Read-only; credential-looking values are masked; long output is cut at 64 KiB.",
    ),
    (
        "events",
        "List recent events, oldest first (kubectl get events), optionally only warnings or only \
         those about one object. Read-only.",
    ),
    (
        "top",
        "CPU and memory use of pods or nodes (kubectl top), from the metrics API. Read-only.",
    ),
    (
        "rollout_status",
        "Whether a deployment, statefulset or daemonset finished rolling out (kubectl rollout \
         status, without waiting). Read-only.",
    ),
    (
        "rollout_history",
        "The revisions of a workload (kubectl rollout history), or one revision's template. Read-only.",
    ),
    (
        "endpoints",
        "The ready and not-ready addresses behind a service (kubectl get endpoints SERVICE). Read-only.",
    ),
    (
        "contexts",
        "The kubeconfig contexts (kubectl config get-contexts), or only the current one. The server \
         itself always works in the context it was started with. Read-only.",
    ),
    (
        "api_resources",
        "The resource kinds the cluster serves (kubectl api-resources). Read-only.",
    ),
    (
        "explain",
        "The documentation of a resource field (kubectl explain deployment.spec.strategy). Read-only.",
    ),
];

pub const DIAGNOSE: &str = "diagnose";
pub const PREVIEW: &str = "preview";
pub const APPLY: &str = "apply";

const DIAGNOSE_DESCRIPTION: &str = "Find what is broken in a namespace (or every namespace), why, and \
    how to fix it: failing pods (crash loops, image pulls, OOM kills, pending), stuck rollouts, services \
    without endpoints, failed jobs, unbound volumes, unready nodes and more. Returns the findings as a \
    JSON document (severity, object, evidence, suggested fix as a plan you can pass to preview). \
    Read-only: it changes nothing.";

const PREVIEW_DESCRIPTION: &str = "Preview a change without making it. Send a plan: {\"operations\": \
    [...]}, the same typed operations as a kubectl-ai plan file (scale, set_image, set_env, \
    rollout_restart, label, delete, apply, create_*…; see the schema). Each change is checked and \
    dry-run by the API server; you get, per change, the equivalent kubectl command and a unified diff \
    of the objects, plus a plan_id bound to exactly these previews. Nothing is changed. Show the diff \
    to the person before asking to apply it. Not offered here: exec (a command inside a container \
    cannot be previewed and needs a terminal), port_forward and use_namespace.";

const APPLY_DESCRIPTION: &str = "Apply a previewed plan, exactly as previewed, by its plan_id (from \
    preview). Only call this after the person has seen the preview and agreed. If an object changed \
    since the preview, nothing more is applied and the result says so: preview again. Returns the run \
    report: what was applied, what failed, what was not attempted.";

/// `diagnose`'s arguments.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiagnoseArgs {
    /// The namespace to look at (default: the server's namespace, or the context's).
    #[serde(default)]
    pub namespace: Option<String>,
    /// Look at every namespace instead.
    #[serde(default)]
    pub all_namespaces: bool,
    /// Only findings about this object, as KIND/NAME (e.g. deployment/web).
    #[serde(default)]
    pub target: Option<String>,
    /// The question, e.g. "why is checkout crashing" (kept in the report).
    #[serde(default)]
    pub question: Option<String>,
}

/// `apply`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyArgs {
    /// The plan_id that preview returned.
    pub plan_id: String,
}

/// The tools to list: the reads, diagnose and preview, and apply when allowed.
pub fn list(allow_changes: bool) -> Vec<Tool> {
    let (defs, variants) = operation_variants();
    let mut tools: Vec<Tool> = READS
        .iter()
        .map(|(name, description)| {
            let mut schema = variants
                .get(*name)
                .cloned()
                .unwrap_or_else(|| json!({"type": "object"}));
            if !defs.is_empty() {
                schema["$defs"] = Value::Object(defs.clone());
            }
            Tool::new(*name, *description, object(schema))
                .annotate(ToolAnnotations::new().read_only(true).open_world(false))
        })
        .collect();
    tools.push(
        Tool::new(
            DIAGNOSE,
            DIAGNOSE_DESCRIPTION,
            object(schema_of::<DiagnoseArgs>()),
        )
        .annotate(ToolAnnotations::new().read_only(true).open_world(false)),
    );
    tools.push(
        Tool::new(PREVIEW, PREVIEW_DESCRIPTION, object(schema_of::<Plan>()))
            .annotate(ToolAnnotations::new().read_only(true).open_world(false)),
    );
    if allow_changes {
        tools.push(
            Tool::new(APPLY, APPLY_DESCRIPTION, object(schema_of::<ApplyArgs>())).annotate(
                ToolAnnotations::new()
                    .read_only(false)
                    .destructive(true)
                    .idempotent(false)
                    .open_world(false),
            ),
        );
    }
    tools
}

/// The JSON Schema of a type, as an object.
fn schema_of<T: JsonSchema>() -> Value {
    schemars::schema_for!(T).to_value()
}

fn object(value: Value) -> Arc<JsonObject> {
    match value {
        Value::Object(map) => Arc::new(map),
        _ => Arc::new(Map::new()),
    }
}

/// The shared definitions of the operation schema, and each operation's own
/// object schema (its fields, without the `op` tag) by op name.
fn operation_variants() -> (Map<String, Value>, std::collections::HashMap<String, Value>) {
    let schema = schema_of::<Operation>();
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut variants = std::collections::HashMap::new();
    for variant in schema
        .get("oneOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(op) = variant
            .pointer("/properties/op/const")
            .or_else(|| variant.pointer("/properties/op/enum/0"))
            .and_then(Value::as_str)
        else {
            continue;
        };
        let mut variant = variant.clone();
        if let Some(properties) = variant.get_mut("properties").and_then(Value::as_object_mut) {
            properties.remove("op");
        }
        if let Some(required) = variant.get_mut("required").and_then(Value::as_array_mut) {
            required.retain(|r| r != "op");
        }
        variant["type"] = json!("object");
        variants.insert(op.to_string(), variant);
    }
    (defs, variants)
}

/// Whether `name` is one of the read tools.
pub fn is_read(name: &str) -> bool {
    READS.iter().any(|(read, _)| *read == name)
}

/// The operation a read tool's arguments describe: the tool name is the `op`.
/// Bad arguments are refused with a message naming the field.
pub fn read_operation(tool: &str, arguments: Option<&JsonObject>) -> Result<Operation, String> {
    let mut object = arguments.cloned().unwrap_or_default();
    if object.contains_key("op") {
        return Err(format!(
            "unknown field `op`: the tool name says the operation ({tool}); send only its fields"
        ));
    }
    object.insert("op".into(), Value::String(tool.to_string()));
    serde_json::from_value::<Operation>(Value::Object(object))
        .map_err(|e| format!("invalid arguments for {tool}: {e}"))
}

/// Parses a tool's arguments into `T`, naming the field at fault.
pub fn arguments<T: serde::de::DeserializeOwned>(
    tool: &str,
    arguments: Option<&JsonObject>,
) -> Result<T, String> {
    let object = arguments.cloned().unwrap_or_default();
    serde_json::from_value::<T>(Value::Object(object))
        .map_err(|e| format!("invalid arguments for {tool}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_read_has_a_schema_from_the_plan_types() {
        let (_, variants) = operation_variants();
        for (name, _) in READS {
            let schema = variants
                .get(*name)
                .unwrap_or_else(|| panic!("no schema for {name}"));
            assert_eq!(schema["type"], "object", "{name}");
            assert!(schema["properties"].get("op").is_none(), "{name}");
        }
        let get = &variants["get"];
        assert!(get["properties"]["kinds"].is_object());
        assert!(
            get["required"]
                .as_array()
                .unwrap()
                .contains(&json!("kinds"))
        );
    }

    #[test]
    fn apply_is_listed_only_when_allowed() {
        let names = |allow| {
            list(allow)
                .into_iter()
                .map(|t| t.name.to_string())
                .collect::<Vec<_>>()
        };
        assert!(!names(false).contains(&"apply".to_string()));
        assert!(names(true).contains(&"apply".to_string()));
        assert!(names(false).contains(&"preview".to_string()));
    }

    #[test]
    fn read_arguments_become_the_operation_or_a_named_refusal() {
        let args = json!({"kinds": ["pods"], "namespace": "shop"});
        let op = read_operation("get", args.as_object()).unwrap();
        assert!(matches!(op, Operation::Get { .. }));
        let err = read_operation("get", json!({"kinds": ["pods"], "shell": "x"}).as_object())
            .unwrap_err();
        assert!(err.contains("shell"), "{err}");
        let err = read_operation("get", json!({"op": "delete"}).as_object()).unwrap_err();
        assert!(err.contains("`op`"), "{err}");
    }
}
