//! The Plan as a JSON Schema a model can be held to, and the way back to a [`Plan`].
//!
//! OpenAI's structured outputs (`strict: true`) accept only a subset of JSON Schema:
//! every object lists all its properties as `required` and sets
//! `additionalProperties: false`, optional values are spelled `["T", "null"]`, and
//! free-form objects are impossible. The schema also travels with every request, and
//! one `anyOf` branch per operation (34 of them) costs about 10 KB, five times the
//! prompt budget. So the model answers in a compact *model form*:
//!
//! - one flat operation object: `op` plus the union of all argument fields
//!   ([`FIELDS`]), each nullable; `null` means "not given". Which fields belong to
//!   which operation is told by the prompt ([`vocabulary_lines`]) and checked here:
//!   a field given to an operation that does not take it is an error, never dropped.
//! - a few fields are shared or flattened: `name` is also the node, context, namespace (of `use_namespace`) and
//!   service name; `set` also carries `env` and `data`; `kind`/`name` of `events`
//!   are the object; `kind` of `top` is `pods|nodes`; `scale` takes `change` +
//!   `replicas`; `set_resources` takes `cpu_request`…; `untaint` is `taint` with
//!   `remove: true`.
//! - the two free-form values travel as strings: `apply.manifest` (JSON, or YAML
//!   which lax models send) and `patch.patch`.
//!
//! [`plan_from_model`] undoes exactly those differences and deserializes into
//! [`Plan`], whose `deny_unknown_fields` and required fields catch the rest.

use serde_json::{Map, Value, json};

use super::{Operation, Plan};

/// The type of one model-form field; every field is also nullable.
#[derive(Debug, Clone, Copy)]
enum Ty {
    Str,
    Int,
    Bool,
    /// An array of strings.
    Strs,
    /// An array of `{key, value}`.
    Pairs,
    /// An array of `{header, path}`.
    Columns,
    Enum(&'static [&'static str]),
}

use Ty::*;

/// Every argument field of the model form, in the order the model writes them.
const FIELDS: &[(&str, Ty)] = &[
    ("kind", Str),
    ("kinds", Strs),
    ("name", Str),
    ("namespace", Str),
    ("all_namespaces", Bool),
    ("selector", Str),
    ("field_selector", Str),
    ("output", Enum(&["wide", "yaml", "json", "name"])),
    ("columns", Columns),
    ("sort_by", Str),
    ("show_labels", Bool),
    ("container", Str),
    ("all_containers", Bool),
    ("tail", Int),
    ("since", Str),
    ("previous", Bool),
    ("warnings_only", Bool),
    ("revision", Int),
    ("current_only", Bool),
    ("field", Str),
    ("image", Str),
    ("change", Enum(&["to", "by", "by_percent"])),
    ("replicas", Int),
    ("min", Int),
    ("max", Int),
    ("cpu_percent", Int),
    ("port", Int),
    ("target_port", Int),
    (
        "service_type",
        Enum(&["ClusterIP", "NodePort", "LoadBalancer"]),
    ),
    ("service_name", Str),
    ("labels", Pairs),
    ("set", Pairs),
    ("remove", Strs),
    ("overwrite", Bool),
    ("cpu_request", Str),
    ("memory_request", Str),
    ("cpu_limit", Str),
    ("memory_limit", Str),
    ("manifest", Str),
    ("patch_type", Enum(&["strategic", "merge"])),
    ("patch", Str),
    ("key", Str),
    ("value", Str),
    (
        "effect",
        Enum(&["NoSchedule", "PreferNoSchedule", "NoExecute"]),
    ),
    ("delete_emptydir_data", Bool),
    ("follow", Bool),
    ("local_port", Int),
    ("remote_port", Int),
    ("command", Strs),
    ("interactive", Bool),
];

/// One field an operation takes: its model-form name, its plan-form name, and
/// whether the operation needs it.
#[derive(Debug, Clone, Copy)]
struct Arg {
    model: &'static str,
    plan: &'static str,
    required: bool,
}

const fn opt(name: &'static str) -> Arg {
    Arg {
        model: name,
        plan: name,
        required: false,
    }
}

const fn req(name: &'static str) -> Arg {
    Arg {
        model: name,
        plan: name,
        required: true,
    }
}

const fn req_as(model: &'static str, plan: &'static str) -> Arg {
    Arg {
        model,
        plan,
        required: true,
    }
}

const fn opt_as(model: &'static str, plan: &'static str) -> Arg {
    Arg {
        model,
        plan,
        required: false,
    }
}

/// One operation of the model form; `plan_op` is its plan-form `op`.
struct OpSpec {
    op: &'static str,
    plan_op: &'static str,
    args: &'static [Arg],
}

const fn spec(op: &'static str, args: &'static [Arg]) -> OpSpec {
    OpSpec {
        op,
        plan_op: op,
        args,
    }
}

/// `kind` (defaults to deployment), `name`, `namespace`: the workload an operation changes.
const WORKLOAD: [Arg; 3] = [opt("kind"), req("name"), opt("namespace")];

/// The model's vocabulary, in the order the prompt presents it.
const OPS: &[OpSpec] = &[
    spec(
        "get",
        &[
            req("kinds"),
            opt("name"),
            opt("namespace"),
            opt("all_namespaces"),
            opt("selector"),
            opt("field_selector"),
            opt("output"),
            opt("columns"),
            opt("sort_by"),
            opt("show_labels"),
        ],
    ),
    spec(
        "describe",
        &[req("kind"), opt("name"), opt("namespace"), opt("selector")],
    ),
    spec(
        "logs",
        &[
            opt("kind"),
            req("name"),
            opt("namespace"),
            opt("container"),
            opt("all_containers"),
            opt("tail"),
            opt("since"),
            opt("previous"),
            opt("follow"),
        ],
    ),
    spec(
        "events",
        &[
            opt("namespace"),
            opt("all_namespaces"),
            opt("warnings_only"),
            opt("kind"),
            opt("name"),
        ],
    ),
    spec(
        "top",
        &[
            req("kind"),
            opt("name"),
            opt("namespace"),
            opt("all_namespaces"),
            opt("selector"),
            opt("sort_by"),
        ],
    ),
    spec("rollout_status", &WORKLOAD),
    spec(
        "rollout_history",
        &[WORKLOAD[0], WORKLOAD[1], WORKLOAD[2], opt("revision")],
    ),
    spec("endpoints", &[req_as("name", "service"), opt("namespace")]),
    spec("contexts", &[opt("current_only")]),
    spec("api_resources", &[]),
    spec("explain", &[req("field")]),
    spec("current_namespace", &[]),
    spec("version", &[]),
    spec(
        "port_forward",
        &[
            opt("kind"),
            req("name"),
            opt("namespace"),
            req("local_port"),
            opt("remote_port"),
        ],
    ),
    spec(
        "create_deployment",
        &[
            req("name"),
            opt("namespace"),
            req("image"),
            opt("replicas"),
            opt("port"),
        ],
    ),
    spec(
        "run_pod",
        &[
            req("name"),
            opt("namespace"),
            req("image"),
            opt("port"),
            opt("labels"),
            opt_as("set", "env"),
        ],
    ),
    spec("apply", &[req("manifest"), opt("namespace")]),
    spec(
        "scale",
        &[
            WORKLOAD[0],
            WORKLOAD[1],
            WORKLOAD[2],
            opt("change"),
            req("replicas"),
        ],
    ),
    spec(
        "autoscale",
        &[
            WORKLOAD[0],
            WORKLOAD[1],
            WORKLOAD[2],
            opt("min"),
            req("max"),
            opt("cpu_percent"),
        ],
    ),
    spec(
        "set_image",
        &[
            WORKLOAD[0],
            WORKLOAD[1],
            WORKLOAD[2],
            opt("container"),
            req("image"),
        ],
    ),
    spec(
        "set_env",
        &[
            WORKLOAD[0],
            WORKLOAD[1],
            WORKLOAD[2],
            opt("container"),
            opt("set"),
            opt("remove"),
        ],
    ),
    spec(
        "set_resources",
        &[
            WORKLOAD[0],
            WORKLOAD[1],
            WORKLOAD[2],
            opt("container"),
            opt("cpu_request"),
            opt("memory_request"),
            opt("cpu_limit"),
            opt("memory_limit"),
        ],
    ),
    spec("rollout_restart", &WORKLOAD),
    spec(
        "rollout_undo",
        &[
            WORKLOAD[0],
            WORKLOAD[1],
            WORKLOAD[2],
            opt_as("revision", "to_revision"),
        ],
    ),
    spec(
        "expose",
        &[
            WORKLOAD[0],
            WORKLOAD[1],
            WORKLOAD[2],
            req("port"),
            opt("target_port"),
            opt("service_type"),
            opt("service_name"),
        ],
    ),
    spec("label", &METADATA_EDIT),
    spec("annotate", &METADATA_EDIT),
    spec(
        "delete",
        &[req("kind"), opt("name"), opt("namespace"), opt("selector")],
    ),
    spec("create_namespace", &[req("name")]),
    spec(
        "create_config_map",
        &[req("name"), opt("namespace"), req_as("set", "data")],
    ),
    spec(
        "create_secret",
        &[req("name"), opt("namespace"), req_as("set", "data")],
    ),
    spec("cordon", &[req_as("name", "node")]),
    spec("uncordon", &[req_as("name", "node")]),
    spec(
        "drain",
        &[req_as("name", "node"), opt("delete_emptydir_data")],
    ),
    spec(
        "taint",
        &[
            req_as("name", "node"),
            req("key"),
            opt("value"),
            req("effect"),
        ],
    ),
    OpSpec {
        op: "untaint",
        plan_op: "taint",
        args: &[req_as("name", "node"), req("key"), req("effect")],
    },
    spec(
        "patch",
        &[
            req("kind"),
            req("name"),
            opt("namespace"),
            opt("patch_type"),
            req("patch"),
        ],
    ),
    spec("use_context", &[req_as("name", "context")]),
    spec("use_namespace", &[req_as("name", "namespace")]),
    spec(
        "exec",
        &[
            opt("kind"),
            req("name"),
            opt("namespace"),
            opt("container"),
            req("command"),
            opt("interactive"),
        ],
    ),
];

const METADATA_EDIT: [Arg; 7] = [
    req("kind"),
    opt("name"),
    opt("namespace"),
    opt("selector"),
    opt("set"),
    opt("remove"),
    opt("overwrite"),
];

/// Every operation name the model may use, in vocabulary order.
pub fn operation_names() -> impl Iterator<Item = &'static str> {
    OPS.iter().map(|s| s.op)
}

/// Every argument field of the model form (besides `op`), in schema order.
pub fn field_names() -> impl Iterator<Item = &'static str> {
    FIELDS.iter().map(|(name, _)| *name)
}

/// The model-form fields `op` takes, in schema order; `None` for an unknown operation.
pub fn operation_fields(op: &str) -> Option<impl Iterator<Item = &'static str>> {
    let spec = OPS.iter().find(|s| s.op == op)?;
    Some(spec.args.iter().map(|a| a.model))
}

/// A model-form operation as a strict model writes it: `op`, the given fields, and
/// every other field of that operation null. For tests and examples.
pub fn model_operation(op: &str, fields: Value) -> Value {
    let mut object = Map::new();
    object.insert("op".into(), json!(op));
    let names: Vec<&str> = match operation_fields(op) {
        Some(names) => names.collect(),
        // An unknown operation (for tests of refusals): the fields as given.
        None => fields
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default(),
    };
    for name in names {
        object.insert(
            name.into(),
            fields.get(name).cloned().unwrap_or(Value::Null),
        );
    }
    Value::Object(object)
}

/// The vocabulary in a few lines, `op|op: field! field…` (`!` marks a field the
/// operations need; the others are optional), for a prompt that must carry it
/// itself: servers that take no JSON Schema get the fields this way.
pub fn compact_vocabulary() -> String {
    variant_groups()
        .iter()
        .map(|(ops, args)| {
            let fields: String = args
                .iter()
                .map(|arg| format!(" {}{}", arg.model, if arg.required { "!" } else { "" }))
                .collect();
            format!("{}:{fields}\n", ops.join("|"))
        })
        .collect()
}

/// The operations grouped by the fields they take (in vocabulary order): one
/// schema variant per group, so operations that take the same fields share it.
fn variant_groups() -> Vec<(Vec<&'static str>, &'static [Arg])> {
    let same = |a: &[Arg], b: &[Arg]| {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| x.model == y.model && x.required == y.required)
    };
    let mut groups: Vec<(Vec<&'static str>, &'static [Arg])> = Vec::new();
    for spec in OPS {
        match groups.iter_mut().find(|(_, args)| same(args, spec.args)) {
            Some((ops, _)) => ops.push(spec.op),
            None => groups.push((vec![spec.op], spec.args)),
        }
    }
    groups
}

/// The `$defs` the operation schema refers to, by short names to keep the request
/// small; they must sit at the root of the schema that embeds it.
pub fn definitions() -> Map<String, Value> {
    let mut defs = Map::new();
    defs.insert("kv".into(), pair_schema("key", "value"));
    defs.insert("col".into(), pair_schema("header", "path"));
    defs
}

/// The strict-compatible schema of one model-form operation (see [`definitions`]):
/// one variant per group of operations taking the same fields, each with `op`
/// fixed to those operations and only their fields — required ones non-null,
/// optional ones nullable — so a model held to it cannot give a scale a column.
pub fn operation_schema() -> Value {
    let variants: Vec<Value> = variant_groups()
        .into_iter()
        .map(|(ops, args)| {
            let mut properties = vec![("op".to_string(), json!({"enum": ops}))];
            for arg in args {
                properties.push((
                    arg.model.to_string(),
                    type_schema(field_type(arg.model), !arg.required),
                ));
            }
            strict_object(properties, None)
        })
        .collect();
    json!({ "anyOf": variants })
}

/// The strict-compatible schema of a whole plan in model form, `{"operations": [...]}`.
pub fn plan_schema() -> Value {
    strict_object(
        vec![(
            "operations".into(),
            json!({"type": "array", "items": operation_schema()}),
        )],
        Some(definitions()),
    )
}

/// An object schema in strict form: every property required, nothing else allowed.
pub fn strict_object(properties: Vec<(String, Value)>, defs: Option<Map<String, Value>>) -> Value {
    let required: Vec<Value> = properties
        .iter()
        .map(|(k, _)| Value::String(k.clone()))
        .collect();
    let mut object = Map::new();
    object.insert("type".into(), json!("object"));
    object.insert("additionalProperties".into(), json!(false));
    object.insert("required".into(), Value::Array(required));
    object.insert(
        "properties".into(),
        Value::Object(properties.into_iter().collect()),
    );
    if let Some(defs) = defs {
        object.insert("$defs".into(), Value::Object(defs));
    }
    Value::Object(object)
}

fn pair_schema(a: &str, b: &str) -> Value {
    strict_object(
        vec![
            (a.into(), json!({"type": "string"})),
            (b.into(), json!({"type": "string"})),
        ],
        None,
    )
}

/// The type of a model-form field (every name in [`OPS`] is in [`FIELDS`]; a test
/// holds the tables together).
fn field_type(name: &str) -> Ty {
    FIELDS
        .iter()
        .find(|(field, _)| *field == name)
        .map(|(_, ty)| *ty)
        .unwrap_or(Str)
}

fn type_schema(ty: Ty, nullable: bool) -> Value {
    let or_null = |t: &str| {
        if nullable {
            json!([t, "null"])
        } else {
            json!(t)
        }
    };
    // Scalars inline: `{"type":["string","null"]}` costs fewer tokens than a `$ref`.
    match ty {
        Str => json!({"type": or_null("string")}),
        Int => json!({"type": or_null("integer")}),
        Bool => json!({"type": or_null("boolean")}),
        Strs => json!({"type": or_null("array"), "items": {"type": "string"}}),
        Pairs => json!({"type": or_null("array"), "items": {"$ref": "#/$defs/kv"}}),
        Columns => json!({"type": or_null("array"), "items": {"$ref": "#/$defs/col"}}),
        Enum(values) => {
            let mut values: Vec<Value> = values.iter().map(|v| json!(v)).collect();
            if nullable {
                values.push(Value::Null);
            }
            json!({"type": or_null("string"), "enum": values})
        }
    }
}

/// Why a given value does not fit a field's type, in words for the repair request.
fn type_problem(ty: Ty, value: &Value) -> Option<String> {
    let pairs_of = |a: &str, b: &str| {
        value.as_array().is_some_and(|items| {
            items.iter().all(|item| {
                item.as_object().is_some_and(|o| {
                    o.len() == 2
                        && o.get(a).is_some_and(Value::is_string)
                        && o.get(b).is_some_and(Value::is_string)
                })
            })
        })
    };
    let fits = match ty {
        Str => value.is_string(),
        Int => value.is_i64() || value.is_u64(),
        Bool => value.is_boolean(),
        Strs => value
            .as_array()
            .is_some_and(|items| items.iter().all(Value::is_string)),
        Pairs => pairs_of("key", "value"),
        Columns => pairs_of("header", "path"),
        Enum(values) => value.as_str().is_some_and(|v| values.contains(&v)),
    };
    if fits {
        return None;
    }
    Some(match ty {
        Str => "must be a string".into(),
        Int => "must be a whole number".into(),
        Bool => "must be true or false".into(),
        Strs => "must be an array of strings".into(),
        Pairs => "must be an array of {key, value} string pairs".into(),
        Columns => "must be an array of {header, path} string pairs".into(),
        Enum(values) => format!("must be one of {}", values.join(", ")),
    })
}

/// Converts the model's `operations` array (model form) into a [`Plan`].
///
/// The error names every problem found (each with its operation when there are
/// several), in words fit to send back to the model for a repair and to show a
/// person: a model told only the first problem fixes that one and trips on the next.
pub fn plan_from_model(operations: &Value) -> Result<Plan, String> {
    let items = operations
        .as_array()
        .ok_or_else(|| "`operations` must be an array".to_string())?;
    let mut converted = Vec::with_capacity(items.len());
    let mut problems = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let label = |problem: String| {
            if items.len() > 1 {
                format!("operation {}: {problem}", index + 1)
            } else {
                problem
            }
        };
        match operation_from_model(item) {
            Ok(value) => match serde_json::from_value::<Operation>(value) {
                Ok(op) => converted.push(op),
                Err(e) => problems.push(label(e.to_string())),
            },
            Err(found) => problems.extend(found.into_iter().map(label)),
        }
    }
    if problems.is_empty() {
        Ok(Plan::new(converted))
    } else {
        Err(problems.join("; "))
    }
}

/// A value that says nothing: what a strict model writes for a field it does not use.
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// The plan form of one model-form operation, or every problem with it.
fn operation_from_model(item: &Value) -> Result<Value, Vec<String>> {
    let object = item
        .as_object()
        .ok_or_else(|| vec![format!("an operation must be a JSON object, not {item}")])?;
    let op = object
        .get("op")
        .and_then(Value::as_str)
        .ok_or_else(|| vec!["an operation has no `op`".to_string()])?;
    let spec = OPS.iter().find(|s| s.op == op).ok_or_else(|| {
        vec![format!(
            "unknown operation {op:?}; the operations are: {}",
            operation_names().collect::<Vec<_>>().join(", ")
        )]
    })?;
    let mut problems = Vec::new();
    for (name, value) in object {
        if name != "op" && !is_empty(value) && !spec.args.iter().any(|a| a.model == name) {
            problems.push(format!(
                "`{name}` does not apply to {op} (it takes: {}); leave it out",
                spec.args
                    .iter()
                    .map(|a| a.model)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    for arg in spec.args {
        match object.get(arg.model) {
            // The two free-form values may come as JSON rather than as a string.
            Some(value) if !value.is_null() && !matches!(arg.model, "manifest" | "patch") => {
                if let Some(problem) = type_problem(field_type(arg.model), value) {
                    problems.push(format!("{op} `{}` {problem}, not {value}", arg.model));
                }
            }
            Some(value) if !value.is_null() => {}
            _ if arg.required => problems.push(format!("{op} needs `{}`", arg.model)),
            _ => {}
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    converted_fields(op, spec, object).map_err(|problem| vec![problem])
}

/// The model form's flattened fields folded back into the plan form.
fn converted_fields(op: &str, spec: &OpSpec, object: &Map<String, Value>) -> Result<Value, String> {
    // Nulls mean "not given"; the plan form spells that by leaving the field out.
    let mut fields = Map::new();
    fields.insert("op".into(), json!(spec.plan_op));
    for arg in spec.args {
        if let Some(value) = object.get(arg.model).filter(|v| !v.is_null()) {
            fields.insert(arg.plan.into(), value.clone());
        }
    }
    // Models often write kubectl's "every namespace" as namespace `*`. No namespace
    // can have that name, so where the operation can span namespaces it means just
    // that; elsewhere validation names it as an invalid namespace.
    if fields.get("namespace") == Some(&json!("*"))
        && spec.args.iter().any(|a| a.model == "all_namespaces")
    {
        fields.remove("namespace");
        fields.insert("all_namespaces".into(), json!(true));
    }
    match op {
        "untaint" => {
            fields.insert("remove".into(), json!(true));
        }
        "top" => {
            let kind = fields.remove("kind");
            let resource = match kind
                .as_ref()
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase)
            {
                Some(k) if k.starts_with("po") => "pods",
                Some(k) if k.starts_with("no") => "nodes",
                _ => {
                    return Err(format!(
                        "top shows pods or nodes; `kind` must be pods or nodes, not {}",
                        kind.unwrap_or_default()
                    ));
                }
            };
            fields.insert("resource".into(), json!(resource));
        }
        "scale" => {
            let change = fields
                .remove("change")
                .and_then(|c| c.as_str().map(str::to_string))
                .unwrap_or_else(|| "to".into());
            let replicas = fields.remove("replicas").unwrap_or_default();
            fields.insert("replicas".into(), json!({ change: replicas }));
        }
        "set_resources" => {
            for (group, suffix) in [("requests", "_request"), ("limits", "_limit")] {
                let mut resources = Map::new();
                for resource in ["cpu", "memory"] {
                    if let Some(v) = fields.remove(&format!("{resource}{suffix}")) {
                        resources.insert(resource.into(), v);
                    }
                }
                fields.insert(group.into(), Value::Object(resources));
            }
        }
        "events" => {
            let kind = fields.remove("kind");
            let name = fields.remove("name");
            match (kind, name) {
                (Some(kind), Some(name)) => {
                    fields.insert("object".into(), json!({"kind": kind, "name": name}));
                }
                (None, None) => {}
                _ => {
                    return Err("events of one object need both its kind and its name".into());
                }
            }
        }
        "apply" => {
            let manifest = fields.remove("manifest").unwrap_or_default();
            fields.insert("objects".into(), Value::Array(manifest_objects(&manifest)?));
        }
        "patch" => {
            let patch = match fields.remove("patch").unwrap_or_default() {
                Value::String(text) => serde_json::from_str::<Value>(&text)
                    .map_err(|e| format!("`patch` is not valid JSON ({e}): {text}"))?,
                other => other,
            };
            fields.insert("patch".into(), patch);
        }
        _ => {}
    }
    Ok(Value::Object(fields))
}

/// The objects of an `apply` manifest: a JSON string (object, array or `List`), or
/// YAML documents, which lax models sometimes send instead.
fn manifest_objects(manifest: &Value) -> Result<Vec<Value>, String> {
    let parsed: Vec<Value> = match manifest {
        Value::String(text) => match serde_json::from_str::<Value>(text) {
            Ok(value) => vec![value],
            Err(json_error) => {
                let mut docs = Vec::new();
                for doc in serde_yaml::Deserializer::from_str(text) {
                    let value: serde_yaml::Value =
                        serde::Deserialize::deserialize(doc).map_err(|_| {
                            format!("`manifest` is neither JSON nor YAML ({json_error})")
                        })?;
                    docs.push(
                        serde_json::to_value(value)
                            .map_err(|e| format!("`manifest` cannot be converted: {e}"))?,
                    );
                }
                docs
            }
        },
        other => vec![other.clone()],
    };
    let mut objects = Vec::new();
    for value in parsed {
        match value {
            Value::Array(items) => objects.extend(items),
            Value::Object(mut o)
                if o.get("kind").and_then(Value::as_str) == Some("List")
                    && o.get("items").is_some_and(Value::is_array) =>
            {
                if let Some(Value::Array(items)) = o.remove("items") {
                    objects.extend(items);
                }
            }
            Value::Null => {}
            other => objects.push(other),
        }
    }
    if objects.iter().any(|o| !o.is_object()) {
        return Err("every object in `manifest` must be a JSON object".into());
    }
    Ok(objects)
}

/// Checks that a schema keeps the rules of strict structured outputs: every object
/// has `additionalProperties: false` and lists all its properties as required, and
/// nothing is a free-form object. Returns the JSON pointer of the first offence.
pub fn check_strict(schema: &Value) -> Result<(), String> {
    fn walk(node: &Value, at: &str) -> Result<(), String> {
        let Some(object) = node.as_object() else {
            return Err(format!("{at}: a schema must be an object"));
        };
        if let Some(reference) = object.get("$ref") {
            return match reference.as_str() {
                Some(r) if r.starts_with("#/$defs/") => Ok(()),
                _ => Err(format!("{at}: only local #/$defs references are allowed")),
            };
        }
        if let Some(any_of) = object.get("anyOf") {
            let branches = any_of
                .as_array()
                .ok_or_else(|| format!("{at}/anyOf: must be an array"))?;
            for (i, branch) in branches.iter().enumerate() {
                walk(branch, &format!("{at}/anyOf/{i}"))?;
            }
            return Ok(());
        }
        let types: Vec<&str> = match object.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ if object.contains_key("enum") => vec![],
            _ => return Err(format!("{at}: no type")),
        };
        if let Some(Value::Array(values)) = object.get("enum") {
            let nullable = types.contains(&"null");
            if nullable != values.contains(&Value::Null) {
                return Err(format!(
                    "{at}: a nullable enum must list null, and only then"
                ));
            }
        }
        if types.contains(&"object") {
            if object.get("additionalProperties") != Some(&Value::Bool(false)) {
                return Err(format!("{at}: additionalProperties must be false"));
            }
            let properties = object
                .get("properties")
                .and_then(Value::as_object)
                .ok_or_else(|| format!("{at}: an object needs properties"))?;
            let required: Vec<&str> = object
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for (name, property) in properties {
                if !required.contains(&name.as_str()) {
                    return Err(format!("{at}: property {name} is not required"));
                }
                walk(property, &format!("{at}/properties/{name}"))?;
            }
            if required.len() != properties.len() {
                return Err(format!("{at}: required lists unknown properties"));
            }
        }
        if types.contains(&"array") {
            let items = object
                .get("items")
                .ok_or_else(|| format!("{at}: an array needs items"))?;
            walk(items, &format!("{at}/items"))?;
        }
        if let Some(defs) = object.get("$defs").and_then(Value::as_object) {
            for (name, def) in defs {
                walk(def, &format!("{at}/$defs/{name}"))?;
            }
        }
        Ok(())
    }
    if schema.get("type") != Some(&json!("object")) {
        return Err("the root must be an object".into());
    }
    walk(schema, "#")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Operation, ReplicaChange, Resources, TopResource};

    #[test]
    fn the_plan_schema_is_strict_compatible_and_small() {
        let schema = plan_schema();
        check_strict(&schema).unwrap();
        // The schema travels with every request; keep it well inside the prompt budget.
        // One variant per group of operations costs more than the old flat object
        // (under 4 KB), which small models could not follow; keep it from growing
        // further (BENCHMARKS.md has its size in tokens). The operations that hand
        // the terminal to kubectl (port_forward, exec, logs follow) added about 800.
        let bytes = serde_json::to_string(&schema).unwrap().len();
        assert!(bytes < 10_100, "the model schema grew to {bytes} bytes");
    }

    #[test]
    fn each_variant_holds_exactly_its_operations_fields() {
        let schema = operation_schema();
        let variants = schema["anyOf"].as_array().unwrap();
        let mut seen = Vec::new();
        for variant in variants {
            let properties = variant["properties"].as_object().unwrap();
            for op in properties["op"]["enum"].as_array().unwrap() {
                let op = op.as_str().unwrap();
                seen.push(op.to_string());
                let spec = OPS.iter().find(|s| s.op == op).unwrap();
                let mut expected: Vec<&str> = spec.args.iter().map(|a| a.model).collect();
                expected.push("op");
                let mut given: Vec<&str> = properties.keys().map(String::as_str).collect();
                expected.sort_unstable();
                given.sort_unstable();
                assert_eq!(given, expected, "{op}");
                for arg in spec.args {
                    let nullable = properties[arg.model].to_string().contains("null");
                    assert_eq!(nullable, !arg.required, "{op}.{}", arg.model);
                }
            }
        }
        let all: Vec<String> = operation_names().map(String::from).collect();
        assert_eq!(seen.len(), all.len());
        for op in all {
            assert!(seen.contains(&op), "{op} has no variant");
        }
    }

    #[test]
    fn every_problem_of_an_answer_is_named_at_once() {
        let answer = json!([
            {"op": "scale", "kind": "deployment", "name": "web", "kinds": ["pod"], "change": "{\"replicas\":5}"},
            {"op": "describe", "name": "api", "columns": [{"header": "A", "path": ".a"}]},
            {"op": "frobnicate"},
        ]);
        let err = plan_from_model(&answer).unwrap_err();
        for expected in [
            "operation 1: `kinds` does not apply to scale",
            "operation 1: scale `change` must be one of to, by, by_percent",
            "operation 1: scale needs `replicas`",
            "operation 2: `columns` does not apply to describe",
            "operation 2: describe needs `kind`",
            "operation 3: unknown operation \"frobnicate\"",
        ] {
            assert!(err.contains(expected), "missing {expected:?} in {err}");
        }
    }

    #[test]
    fn a_missing_optional_field_is_null() {
        let plan =
            plan_from_model(&json!([{"op": "scale", "name": "web", "replicas": 3}])).unwrap();
        assert_eq!(
            plan.operations[0],
            Operation::Scale {
                kind: "deployment".into(),
                name: "web".into(),
                namespace: None,
                replicas: ReplicaChange::To(3),
            }
        );
    }

    #[test]
    fn namespace_star_means_every_namespace_only_where_one_can_span_them() {
        for op in ["get", "events", "top"] {
            let mut fields = json!({"op": op, "namespace": "*"});
            match op {
                "get" => fields["kinds"] = json!(["pods"]),
                "top" => fields["kind"] = json!("pods"),
                _ => {}
            }
            let plan = plan_from_model(&json!([fields])).unwrap();
            let spelled = serde_json::to_value(&plan.operations[0]).unwrap();
            assert_eq!(spelled["all_namespaces"], true, "{op}: {spelled}");
            assert!(
                spelled.get("namespace").is_none_or(Value::is_null),
                "{op}: {spelled}"
            );
        }
        // A change cannot span namespaces: `*` stays, and validation refuses it by name.
        let plan = plan_from_model(
            &json!([{"op": "scale", "name": "web", "namespace": "*", "replicas": 3}]),
        )
        .unwrap();
        assert_eq!(plan.operations[0].namespace(), Some("*"));
        let refused = crate::plan::validate::validate(&plan, &Default::default()).unwrap_err();
        assert!(format!("{refused:#}").contains("\"*\""), "{refused:#}");
    }

    #[test]
    fn the_strict_checker_catches_each_rule() {
        let loose =
            json!({"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]});
        assert!(
            check_strict(&loose)
                .unwrap_err()
                .contains("additionalProperties")
        );
        let optional = json!({"type": "object", "additionalProperties": false,
            "properties": {"a": {"type": "string"}}, "required": []});
        assert!(
            check_strict(&optional)
                .unwrap_err()
                .contains("not required")
        );
        let free = json!({"type": "object", "additionalProperties": false, "required": ["a"],
            "properties": {"a": {"type": "object", "additionalProperties": false}}});
        assert!(
            check_strict(&free)
                .unwrap_err()
                .contains("needs properties")
        );
        let bad_enum = json!({"type": "object", "additionalProperties": false, "required": ["a"],
            "properties": {"a": {"type": ["string", "null"], "enum": ["x"]}}});
        assert!(
            check_strict(&bad_enum)
                .unwrap_err()
                .contains("nullable enum")
        );
    }

    #[test]
    fn the_tables_agree() {
        let names: Vec<&str> = operation_names().collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "duplicate operation names");
        for spec in OPS {
            for arg in spec.args {
                assert!(
                    FIELDS.iter().any(|(f, _)| *f == arg.model),
                    "{}: {} is not a model field",
                    spec.op,
                    arg.model
                );
            }
        }
        // Every model field is used by some operation.
        for (field, _) in FIELDS {
            assert!(
                OPS.iter().any(|s| s.args.iter().any(|a| a.model == *field)),
                "{field} is unused"
            );
        }
    }

    /// A model-form operation as a strict model writes it: every field present, unused ones null.
    fn model_op(op: &str, set: Value) -> Value {
        let mut object = Map::new();
        object.insert("op".into(), json!(op));
        for (name, _) in FIELDS {
            object.insert(name.to_string(), Value::Null);
        }
        for (k, v) in set.as_object().unwrap() {
            object.insert(k.clone(), v.clone());
        }
        Value::Object(object)
    }

    /// A plausible value for each field, so that any operation can be built from its spec.
    fn sample(field: &str) -> Value {
        match field {
            "kinds" => json!(["pods"]),
            "kind" => json!("deployment"),
            "set" | "labels" => json!([{"key": "a", "value": "b"}]),
            "remove" => json!(["B"]),
            "manifest" => {
                json!(r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}"#)
            }
            "patch" => json!(r#"{"spec":{"paused":true}}"#),
            "effect" => json!("NoSchedule"),
            "replicas" | "max" | "port" => json!(3),
            _ => json!("x"),
        }
    }

    #[test]
    fn every_plan_operation_can_be_expressed() {
        // Required fields only, then every field the operation takes: both must deserialize.
        let mut verbs = std::collections::BTreeSet::new();
        for spec in OPS {
            for all in [false, true] {
                let mut set = Map::new();
                for arg in spec.args.iter().filter(|a| all || a.required) {
                    let value = match (spec.op, arg.model) {
                        ("top", "kind") => json!("pods"),
                        ("top", "sort_by") => json!("cpu"),
                        ("scale", "change") => json!("by"),
                        ("events", "kind") if !all => continue,
                        ("get", "columns") => json!([{"header": "IMAGE", "path": ".spec.image"}]),
                        ("get", "output") => json!("wide"),
                        ("expose", "service_type") => json!("NodePort"),
                        ("patch", "patch_type") => json!("merge"),
                        (
                            _,
                            "all_namespaces"
                            | "show_labels"
                            | "all_containers"
                            | "previous"
                            | "warnings_only"
                            | "current_only"
                            | "overwrite"
                            | "delete_emptydir_data"
                            | "follow"
                            | "interactive",
                        ) => json!(true),
                        (
                            _,
                            "tail" | "revision" | "min" | "cpu_percent" | "target_port"
                            | "local_port" | "remote_port",
                        ) => json!(2),
                        (_, "command") => json!(["ls", "/"]),
                        (_, field) => sample(field),
                    };
                    set.insert(arg.model.into(), value);
                }
                let plan = plan_from_model(&json!([model_op(spec.op, Value::Object(set))]))
                    .unwrap_or_else(|e| panic!("{} (all fields: {all}): {e}", spec.op));
                verbs.insert(plan.operations[0].verb());
            }
        }
        // All 39 plan operations are reachable from the model form.
        assert_eq!(verbs.len(), 39, "{verbs:?}");
    }

    #[test]
    fn flattened_fields_are_folded_back() {
        let ops = json!([
            model_op(
                "scale",
                json!({"name": "web", "change": "by_percent", "replicas": 50})
            ),
            model_op(
                "set_resources",
                json!({"kind": "deployment", "name": "web", "cpu_limit": "500m", "memory_request": "256Mi"})
            ),
            model_op("events", json!({"kind": "pod", "name": "web-1"})),
            model_op(
                "patch",
                json!({"kind": "deployment", "name": "web", "patch": "{\"spec\":{\"paused\":true}}"})
            ),
            model_op(
                "apply",
                json!({"manifest": "{\"kind\":\"List\",\"items\":[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}]}"})
            ),
            model_op("top", json!({"kind": "node"})),
            model_op(
                "untaint",
                json!({"name": "n1", "key": "dedicated", "effect": "NoSchedule"})
            ),
            model_op(
                "create_secret",
                json!({"name": "db", "set": [{"key": "password", "value": "x"}]})
            ),
        ]);
        let plan = plan_from_model(&ops).unwrap();
        assert_eq!(
            plan.operations[0],
            Operation::Scale {
                kind: "deployment".into(),
                name: "web".into(),
                namespace: None,
                replicas: ReplicaChange::ByPercent(50)
            }
        );
        match &plan.operations[1] {
            Operation::SetResources {
                requests, limits, ..
            } => {
                assert_eq!(
                    requests,
                    &Resources {
                        cpu: None,
                        memory: Some("256Mi".into())
                    }
                );
                assert_eq!(limits.cpu.as_deref(), Some("500m"));
            }
            other => panic!("{other:?}"),
        }
        match &plan.operations[2] {
            Operation::Events { object, .. } => {
                assert_eq!(object.as_ref().unwrap().name, "web-1")
            }
            other => panic!("{other:?}"),
        }
        match &plan.operations[3] {
            Operation::Patch { patch, .. } => assert_eq!(patch["spec"]["paused"], true),
            other => panic!("{other:?}"),
        }
        match &plan.operations[4] {
            Operation::Apply { objects, .. } => assert_eq!(objects[0]["metadata"]["name"], "a"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            &plan.operations[5],
            Operation::Top {
                resource: TopResource::Nodes,
                ..
            }
        ));
        assert!(matches!(
            &plan.operations[6],
            Operation::Taint { remove: true, .. }
        ));
        assert!(matches!(
            &plan.operations[7],
            Operation::CreateSecret { data, .. } if data[0].key == "password"
        ));
    }

    #[test]
    fn yaml_manifests_are_accepted() {
        let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n";
        let plan = plan_from_model(&json!([model_op("apply", json!({"manifest": yaml}))])).unwrap();
        match &plan.operations[0] {
            Operation::Apply { objects, .. } => assert_eq!(objects.len(), 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_answers_say_what_is_wrong() {
        let err = plan_from_model(&json!([{"op": "shell", "command": "sh"}])).unwrap_err();
        assert!(err.contains("unknown operation \"shell\""), "{err}");
        let err = plan_from_model(&json!([model_op(
            "cordon",
            json!({"name": "n", "selector": "a=b"})
        )]))
        .unwrap_err();
        assert!(err.contains("`selector` does not apply to cordon"), "{err}");
        // A field outside the model form at all is caught too (by the same check).
        let err = plan_from_model(&json!([model_op(
            "cordon",
            json!({"name": "n", "argv": ["--all"]})
        )]))
        .unwrap_err();
        assert!(err.contains("`argv` does not apply"), "{err}");
        let err = plan_from_model(&json!([model_op("scale", json!({"name": "w"}))])).unwrap_err();
        assert!(err.contains("scale needs `replicas`"), "{err}");
        let err = plan_from_model(&json!([model_op(
            "patch",
            json!({"kind": "deployment", "name": "w", "patch": "{not json"})
        )]))
        .unwrap_err();
        assert!(err.contains("not valid JSON"), "{err}");
        let err =
            plan_from_model(&json!([model_op("top", json!({"kind": "deployment"}))])).unwrap_err();
        assert!(err.contains("pods or nodes"), "{err}");
        let err = plan_from_model(&json!([
            model_op("cordon", json!({"name": "a"})),
            model_op("events", json!({"kind": "pod"}))
        ]))
        .unwrap_err();
        assert!(err.starts_with("operation 2:"), "{err}");
        let err = plan_from_model(&json!({"op": "cordon"})).unwrap_err();
        assert!(err.contains("array"), "{err}");
        // Unused fields written as false or [] (not null) are harmless.
        plan_from_model(&json!([model_op(
            "cordon",
            json!({"name": "n", "overwrite": false, "remove": []})
        )]))
        .unwrap();
    }

    #[test]
    fn the_compact_vocabulary_marks_needed_fields() {
        let lines = compact_vocabulary();
        assert!(
            lines.contains("scale: kind name! namespace change replicas!\n"),
            "{lines}"
        );
        assert!(
            lines.contains("cordon|uncordon|use_context|use_namespace: name!\n"),
            "{lines}"
        );
        assert!(
            lines.contains("rollout_status|rollout_restart: kind name! namespace\n"),
            "{lines}"
        );
    }
}
