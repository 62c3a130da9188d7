//! Request routing for the resource API: parses `/api/v1/...` and
//! `/apis/<group>/<version>/...` paths into (type, namespace, name,
//! subresource), checks `forbid()` rules, and runs get/list/watch/create/
//! update/patch/delete/deletecollection and the subresources. Independent of
//! hyper: it takes a plain `Request` and returns a `Reply`.

use std::collections::VecDeque;
use std::sync::{Mutex, OnceLock};

use serde_json::{Value, json};

use crate::errors::{ApiError, ApiResult};
use crate::ops::{self, DeleteOpts, PatchType, WriteOpts};
use crate::resources::{self, ResourceType};
use crate::selectors::{FieldSelector, LabelSelector};
use crate::store::{Store, WatchEvent};
use crate::util::name_of;
use crate::{convert, discovery, logs, openapi, openapi_pb, protobuf, table};

/// One HTTP request, already read.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub content_type: String,
    pub accept: String,
    pub body: Vec<u8>,
}

impl Request {
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn params(&self, key: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// A watch to stream: replayed events first, then live ones from `rx`.
pub struct WatchSpec {
    pub t: &'static ResourceType,
    pub namespace: Option<String>,
    pub labels: LabelSelector,
    pub fields: FieldSelector,
    pub initial: Vec<WatchEvent>,
    pub rx: tokio::sync::broadcast::Receiver<WatchEvent>,
    pub timeout: std::time::Duration,
    /// includeObject value when the client asked for Tables.
    pub table: Option<String>,
    pub initial_events_end: Option<u64>,
}

impl WatchSpec {
    pub fn wants(&self, ev: &WatchEvent) -> bool {
        ev.key == self.t.storage_key()
            && self
                .namespace
                .as_deref()
                .is_none_or(|ns| crate::util::ns_of(&ev.object) == ns)
            && self.labels.matches(&ev.object)
            && self.fields.matches(&ev.object)
    }

    /// One line of the watch stream.
    pub fn encode(&self, ev: &WatchEvent, first: bool) -> Vec<u8> {
        let obj = convert::to_served(self.t, ev.object.clone());
        let object = match &self.table {
            Some(include) => {
                let mut t = table::table(self.t, &[obj], include, &ev.rv.to_string());
                if !first {
                    t["columnDefinitions"] = json!([]);
                }
                t
            }
            None => obj,
        };
        let mut line =
            serde_json::to_vec(&json!({"type": ev.kind, "object": object})).unwrap_or_default();
        line.push(b'\n');
        line
    }
}

pub enum Reply {
    Json(u16, Value),
    Text(u16, String),
    /// A body already encoded, with its content type.
    Bytes(u16, &'static str, Vec<u8>),
    Watch(Box<WatchSpec>),
}

impl From<ApiError> for Reply {
    fn from(e: ApiError) -> Reply {
        Reply::Json(e.code, e.to_status())
    }
}

/// Shared server state.
#[derive(Default)]
pub struct State {
    pub store: Mutex<Store>,
    pub forbidden: Mutex<Vec<(String, String)>>,
    pub faults: Mutex<VecDeque<crate::Fault>>,
    pub requests: Mutex<Vec<crate::RecordedRequest>>,
}

pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A parsed resource path.
#[derive(Debug, Clone)]
pub struct Target {
    pub t: &'static ResourceType,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub sub: Option<String>,
}

/// Whether a path addresses resources (as opposed to discovery/openapi).
pub fn is_resource_path(path: &str) -> bool {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segs.first() {
        Some(&"api") => segs.len() > 2,
        Some(&"apis") => segs.len() > 3,
        _ => false,
    }
}

fn parse_target(segs: &[&str], group: &str, version: &str) -> ApiResult<Target> {
    let mut rest = segs;
    let mut namespace = None;
    if rest.first() == Some(&"namespaces")
        && rest.len() >= 3
        && !(rest.len() == 3 && matches!(rest[2], "status" | "finalize"))
    {
        namespace = Some(rest[1].to_string());
        rest = &rest[2..];
    }
    let plural = rest.first().copied().unwrap_or("");
    let t = resources::find(group, version, plural).ok_or_else(ApiError::path_not_found)?;
    if namespace.is_some() && !t.namespaced {
        return Err(ApiError::path_not_found());
    }
    let name = rest.get(1).map(|s| s.to_string());
    let sub = rest.get(2).map(|s| s.to_string());
    if rest.len() > 3 {
        return Err(ApiError::path_not_found());
    }
    if let Some(s) = &sub
        && !t.has_sub(s)
    {
        return Err(ApiError::path_not_found());
    }
    Ok(Target {
        t,
        namespace,
        name,
        sub,
    })
}

fn verb(req: &Request, target: &Target) -> &'static str {
    let watch = matches!(req.param("watch"), Some("true" | "1"));
    match (req.method.as_str(), target.name.is_some()) {
        ("GET", _) if watch => "watch",
        ("GET", true) => "get",
        ("GET", false) => "list",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", true) => "delete",
        ("DELETE", false) => "deletecollection",
        _ => "unknown",
    }
}

fn options_kind(method: &str) -> &'static str {
    match method {
        "POST" => "CreateOptions",
        "PUT" => "UpdateOptions",
        "PATCH" => "PatchOptions",
        _ => "DeleteOptions",
    }
}

fn invalid_options(method: &str, causes: &[(String, String)]) -> ApiError {
    let t = ResourceType {
        group: "meta.k8s.io",
        kind: options_kind(method),
        ..resources::TYPES[0]
    };
    ApiError::invalid(&t, "", causes)
}

/// Validates and reads the write options from the query string.
fn write_opts(req: &Request) -> ApiResult<WriteOpts> {
    let dry = req.params("dryRun");
    let mut causes = Vec::new();
    if dry.iter().any(|v| *v != "All") {
        let shown: Vec<String> = dry.iter().map(|v| format!("{v:?}")).collect();
        causes.push((
            "dryRun".to_string(),
            format!(
                "Unsupported value: []string{{{}}}: supported values: \"All\"",
                shown.join(", ")
            ),
        ));
    }
    if let Some(fv) = req.param("fieldValidation")
        && !matches!(fv, "" | "Ignore" | "Warn" | "Strict")
    {
        causes.push((
            "fieldValidation".to_string(),
            format!("Unsupported value: \"{fv}\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\""),
        ));
    }
    if let Some(fm) = req.param("fieldManager")
        && fm.len() > 128
    {
        causes.push((
            "fieldManager".to_string(),
            "Too long: may not be more than 128 bytes".to_string(),
        ));
    }
    if !causes.is_empty() {
        return Err(invalid_options(&req.method, &causes));
    }
    Ok(WriteOpts {
        dry_run: !dry.is_empty(),
        seed: false,
    })
}

/// Applies `fieldValidation=Strict` to a decoded body or patch document.
fn strict(req: &Request, t: &ResourceType, body: &Value) -> ApiResult<()> {
    if req.param("fieldValidation") == Some("Strict") && body.is_object() {
        crate::strict::validate(t, body)?;
    }
    Ok(())
}

/// Decodes the request body (JSON, YAML or protobuf).
pub fn decode_body(req: &Request) -> ApiResult<Value> {
    let ct = req.content_type.split(';').next().unwrap_or("").trim();
    if req.body.is_empty() {
        return Err(ApiError::bad_request("the body of the request was empty"));
    }
    let v: Value = match ct {
        "application/vnd.kubernetes.protobuf" => protobuf::decode(&req.body)?,
        "application/yaml" | "application/apply-patch+yaml" => serde_yaml::from_slice(&req.body)
            .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))?,
        "application/json"
        | "application/merge-patch+json"
        | "application/json-patch+json"
        | "application/strategic-merge-patch+json"
        | "" => serde_json::from_slice(&req.body)
            .map_err(|e| ApiError::bad_request(format!("error decoding from json: {e}")))?,
        other => return Err(ApiError::unsupported_media_type(other)),
    };
    Ok(v)
}

fn wants_table(req: &Request) -> bool {
    req.accept.contains("as=Table")
}

fn include_object(req: &Request) -> String {
    req.param("includeObject").unwrap_or("Metadata").to_string()
}

/// Entry point for every request.
pub fn handle(state: &State, req: &Request) -> Reply {
    match route(state, req) {
        Ok(r) => r,
        Err(e) => e.into(),
    }
}

fn route(state: &State, req: &Request) -> ApiResult<Reply> {
    let path = req.path.trim_end_matches('/');
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let get = req.method == "GET";
    match segs.as_slice() {
        ["version"] => return Ok(Reply::Json(200, discovery::version())),
        ["healthz" | "livez" | "readyz", ..] => return Ok(Reply::Text(200, "ok".into())),
        ["api"] if get => return Ok(Reply::Json(200, discovery::core_versions())),
        ["apis"] if get => return Ok(Reply::Json(200, discovery::group_list())),
        ["api", v] if get => {
            return discovery::resource_list("", v)
                .map(|l| Reply::Json(200, l))
                .ok_or_else(ApiError::path_not_found);
        }
        ["apis", g] if get => {
            return discovery::group(g)
                .map(|l| Reply::Json(200, l))
                .ok_or_else(ApiError::path_not_found);
        }
        ["apis", g, v] if get => {
            return discovery::resource_list(g, v)
                .map(|l| Reply::Json(200, l))
                .ok_or_else(ApiError::path_not_found);
        }
        ["openapi", "v2"] => return Ok(openapi_v2(&req.accept)),
        ["openapi", "v3"] => return Ok(Reply::Json(200, openapi::v3_index())),
        ["openapi", "v3", rest @ ..] => {
            return openapi::v3_doc(&rest.join("/"))
                .map(|d| Reply::Json(200, d))
                .ok_or_else(ApiError::path_not_found);
        }
        _ => {}
    }
    let target = match segs.as_slice() {
        ["api", "v1", rest @ ..] if !rest.is_empty() => parse_target(rest, "", "v1")?,
        ["apis", g, v, rest @ ..] if !rest.is_empty() => parse_target(rest, g, v)?,
        _ => return Err(ApiError::path_not_found()),
    };
    let verb = verb(req, &target);
    check_forbidden(state, &target, verb)?;
    let t = target.t;
    let ns = target.namespace.clone().unwrap_or_default();
    if t.namespaced && target.name.is_some() && target.namespace.is_none() {
        return Err(ApiError::path_not_found());
    }
    let mut store = lock(&state.store);
    match (
        req.method.as_str(),
        target.name.as_deref(),
        target.sub.as_deref(),
    ) {
        ("GET", None, _) if verb == "watch" => {
            watch(&store, req, &target).map(|w| Reply::Watch(Box::new(w)))
        }
        ("GET", None, _) => list(&store, req, &target),
        ("GET", Some(name), None) => {
            let obj = ops::get(&store, t, &ns, name)?;
            if wants_table(req) {
                let rv = store.current_rv().to_string();
                return Ok(Reply::Json(
                    200,
                    table::table(t, &[obj], &include_object(req), &rv),
                ));
            }
            Ok(Reply::Json(200, obj))
        }
        ("GET", Some(name), Some("status")) => {
            Ok(Reply::Json(200, ops::get(&store, t, &ns, name)?))
        }
        ("GET", Some(name), Some("scale")) => {
            let obj = store
                .get(t, &ns, name)
                .cloned()
                .ok_or_else(|| ApiError::not_found(t, name))?;
            Ok(Reply::Json(200, ops::scale_of(t, &obj)))
        }
        ("GET", Some(name), Some("log")) => {
            logs::serve(&store, req, &ns, name).map(|s| Reply::Text(200, s))
        }
        ("POST", None, None) if t.plural == "selfsubjectaccessreviews" => {
            let body = decode_body(req)?;
            Ok(Reply::Json(201, access_review(state, body)))
        }
        ("POST", None, None) => {
            let opts = write_opts(req)?;
            let body = decode_body(req)?;
            strict(req, t, &body)?;
            let created = ops::create(&mut store, t, &ns, body, opts)?;
            Ok(Reply::Json(201, created))
        }
        ("POST", Some(name), Some("eviction")) => evict(&mut store, req, &ns, name),
        ("PUT", Some(name), None | Some("status")) => {
            let opts = write_opts(req)?;
            let body = decode_body(req)?;
            Ok(Reply::Json(
                200,
                ops::update(&mut store, t, &ns, name, target.sub.as_deref(), body, opts)?,
            ))
        }
        ("PUT", Some(name), Some("scale")) => {
            let opts = write_opts(req)?;
            let body = decode_body(req)?;
            Ok(Reply::Json(
                200,
                ops::write_scale(&mut store, t, &ns, name, None, &body, opts)?,
            ))
        }
        ("PATCH", Some(name), sub @ (None | Some("status") | Some("scale"))) => {
            let opts = write_opts(req)?;
            let ptype = PatchType::from_content_type(&req.content_type)
                .ok_or_else(|| ApiError::unsupported_media_type(&req.content_type))?;
            let body = decode_body(req)?;
            if sub == Some("scale") {
                return Ok(Reply::Json(
                    200,
                    ops::write_scale(&mut store, t, &ns, name, Some(ptype), &body, opts)?,
                ));
            }
            Ok(Reply::Json(
                200,
                ops::patch(&mut store, t, &ns, name, sub, ptype, &body, opts)?,
            ))
        }
        ("DELETE", Some(name), None) => {
            let opts = delete_opts(req)?;
            let obj = ops::delete(&mut store, t, &ns, name, &opts)?;
            Ok(Reply::Json(200, obj))
        }
        ("DELETE", None, None) => delete_collection(&mut store, req, &target),
        _ => Err(ApiError::method_not_allowed()),
    }
}

/// The media types `/openapi/v2` serves, in kube-openapi's order: JSON,
/// then gnostic protobuf under its deprecated and its current name (both
/// answered with the current one).
const OPENAPI_V2_TYPES: [(&str, &str); 3] = [
    ("json", "application/json"),
    (
        "com.github.proto-openapi.spec.v2@v1.0+protobuf",
        "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
    ),
    (
        "com.github.proto-openapi.spec.v2.v1.0+protobuf",
        "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
    ),
];

/// The clauses of an Accept header as (type, subtype), best first: by
/// quality, then the more specific (as goautoneg sorts them); q=0 dropped.
pub fn accept_clauses(accept: &str) -> Vec<(String, String)> {
    let accept = if accept.trim().is_empty() {
        "*/*"
    } else {
        accept
    };
    let mut clauses: Vec<(f64, u8, String, String)> = accept
        .split(',')
        .filter_map(|c| {
            let mut parts = c.split(';');
            let media = parts.next()?.trim();
            let (ty, sub) = media.split_once('/').unwrap_or((media, "*"));
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.parse::<f64>().ok())
                .unwrap_or(1.0);
            let specific = u8::from(ty != "*") + u8::from(sub != "*");
            Some((q, specific, ty.to_string(), sub.to_string()))
        })
        .filter(|(q, ..)| *q > 0.0)
        .collect();
    clauses.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
    clauses.into_iter().map(|(_, _, t, s)| (t, s)).collect()
}

/// `/openapi/v2` as JSON or protobuf, whichever the Accept header prefers;
/// 406 when it accepts neither (as kube-openapi's handler).
fn openapi_v2(accept: &str) -> Reply {
    for (ty, sub) in accept_clauses(accept) {
        if ty != "application" && ty != "*" {
            continue;
        }
        let Some((served, content_type)) = OPENAPI_V2_TYPES
            .iter()
            .find(|(s, _)| sub == "*" || sub == *s)
        else {
            continue;
        };
        // The document never changes: build and encode it once.
        static JSON: OnceLock<Value> = OnceLock::new();
        static PROTOBUF: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();
        let json = JSON.get_or_init(openapi::v2);
        if *served == "json" {
            return Reply::Json(200, json.clone());
        }
        return match PROTOBUF.get_or_init(|| openapi_pb::encode(json)) {
            Ok(bytes) => Reply::Bytes(200, content_type, bytes.clone()),
            Err(e) => ApiError::new(500, "InternalError", e.clone()).into(),
        };
    }
    Reply::Bytes(406, "text/plain", Vec::new())
}

/// Answers a SelfSubjectAccessReview from the `forbid()` rules (everything else is allowed).
fn access_review(state: &State, mut body: Value) -> Value {
    let attrs = body
        .pointer("/spec/resourceAttributes")
        .cloned()
        .unwrap_or(json!({}));
    let field = |k: &str| {
        attrs
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let (verb, resource, sub) = (field("verb"), field("resource"), field("subresource"));
    let full = if sub.is_empty() {
        resource.clone()
    } else {
        format!("{resource}/{sub}")
    };
    let denied = lock(&state.forbidden).iter().any(|(v, r)| {
        (v == &verb || v == "*" || verb == "*")
            && (r == &full || r == "*" || (r == &resource && sub.is_empty()))
    });
    let status = if denied {
        json!({"allowed": false, "denied": true})
    } else {
        json!({"allowed": true})
    };
    if let Some(m) = body.as_object_mut() {
        m.insert("status".into(), status);
        m.entry("metadata").or_insert(json!({}));
    }
    body
}

fn check_forbidden(state: &State, target: &Target, verb: &str) -> ApiResult<()> {
    let resource = match &target.sub {
        Some(s) => format!("{}/{}", target.t.plural, s),
        None => target.t.plural.to_string(),
    };
    let hit = lock(&state.forbidden).iter().any(|(v, r)| {
        (v == verb || v == "*")
            && (r == &resource || r == "*" || (r == target.t.plural && target.sub.is_none()))
    });
    if hit {
        return Err(ApiError::forbidden(
            target.t,
            target.sub.as_deref(),
            verb,
            target.namespace.as_deref().filter(|_| target.t.namespaced),
            target.name.as_deref(),
        ));
    }
    Ok(())
}

fn selectors(req: &Request, t: &ResourceType) -> ApiResult<(LabelSelector, FieldSelector)> {
    let labels = LabelSelector::parse(req.param("labelSelector").unwrap_or(""))?;
    let fields = FieldSelector::parse(req.param("fieldSelector").unwrap_or(""), t)?;
    Ok((labels, fields))
}

/// Objects of the target type matching the request's namespace and selectors.
fn matching(store: &Store, req: &Request, target: &Target) -> ApiResult<Vec<Value>> {
    let (labels, fields) = selectors(req, target.t)?;
    Ok(store
        .list(target.t, target.namespace.as_deref())
        .into_iter()
        .filter(|o| labels.matches(o) && fields.matches(o))
        .map(|o| convert::to_served(target.t, o))
        .collect())
}

fn list(store: &Store, req: &Request, target: &Target) -> ApiResult<Reply> {
    let items = matching(store, req, target)?;
    let rv = store.current_rv().to_string();
    if wants_table(req) {
        return Ok(Reply::Json(
            200,
            table::table(target.t, &items, &include_object(req), &rv),
        ));
    }
    Ok(Reply::Json(
        200,
        json!({
            "kind": format!("{}List", target.t.kind),
            "apiVersion": target.t.api_version(),
            "metadata": {"resourceVersion": rv},
            "items": items,
        }),
    ))
}

fn watch(store: &Store, req: &Request, target: &Target) -> ApiResult<WatchSpec> {
    let (labels, fields) = selectors(req, target.t)?;
    let rv: u64 = req
        .param("resourceVersion")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let send_initial = req.param("sendInitialEvents") == Some("true");
    let key = target.t.storage_key();
    let mut initial = Vec::new();
    let mut initial_events_end = None;
    if rv == 0 || send_initial {
        for o in store.list(target.t, target.namespace.as_deref()) {
            initial.push(WatchEvent {
                rv: o
                    .pointer("/metadata/resourceVersion")
                    .and_then(Value::as_str)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0),
                kind: "ADDED",
                key: key.clone(),
                object: o,
            });
        }
        if send_initial {
            initial_events_end = Some(store.current_rv());
        }
    } else {
        match store.events_since(&key, rv) {
            Some(evs) => initial = evs,
            None => {
                return Err(ApiError::new(
                    410,
                    "Expired",
                    format!("too old resource version: {rv} ({})", store.current_rv()),
                ));
            }
        }
    }
    let timeout = req
        .param("timeoutSeconds")
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(1800);
    let spec = WatchSpec {
        t: target.t,
        namespace: target.namespace.clone(),
        labels,
        fields,
        initial,
        rx: store.tx.subscribe(),
        timeout: std::time::Duration::from_secs(timeout),
        table: wants_table(req).then(|| include_object(req)),
        initial_events_end,
    };
    Ok(spec)
}

fn delete_opts(req: &Request) -> ApiResult<DeleteOpts> {
    let mut opts = DeleteOpts {
        dry_run: false,
        propagation: req.param("propagationPolicy").map(str::to_string),
        ..Default::default()
    };
    let mut dry: Vec<String> = req.params("dryRun").iter().map(|s| s.to_string()).collect();
    if !req.body.is_empty() {
        let body: Value = serde_json::from_slice(&req.body)
            .or_else(|_| protobuf::decode(&req.body).map_err(|e| e.message))
            .map_err(|e| ApiError::bad_request(format!("error decoding DeleteOptions: {e}")))?;
        if let Some(p) = body.get("propagationPolicy").and_then(Value::as_str) {
            opts.propagation = Some(p.to_string());
        }
        if body.get("orphanDependents").and_then(Value::as_bool) == Some(true) {
            opts.propagation = Some("Orphan".into());
        }
        for d in body
            .get("dryRun")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            dry.push(d.as_str().unwrap_or("").to_string());
        }
        opts.precondition_uid = body
            .pointer("/preconditions/uid")
            .and_then(Value::as_str)
            .map(str::to_string);
        opts.precondition_rv = body
            .pointer("/preconditions/resourceVersion")
            .and_then(Value::as_str)
            .map(str::to_string);
    }
    if let Some(p) = &opts.propagation
        && !matches!(p.as_str(), "Orphan" | "Background" | "Foreground")
    {
        return Err(invalid_options(
            "DELETE",
            &[(
                "propagationPolicy".into(),
                format!(
                    "Unsupported value: \"{p}\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\""
                ),
            )],
        ));
    }
    if dry.iter().any(|d| d != "All") {
        let shown: Vec<String> = dry.iter().map(|v| format!("{v:?}")).collect();
        return Err(invalid_options(
            "DELETE",
            &[(
                "dryRun".into(),
                format!(
                    "Unsupported value: []string{{{}}}: supported values: \"All\"",
                    shown.join(", ")
                ),
            )],
        ));
    }
    opts.dry_run = !dry.is_empty();
    Ok(opts)
}

fn delete_collection(store: &mut Store, req: &Request, target: &Target) -> ApiResult<Reply> {
    if !target.t.verbs.contains(&"deletecollection") {
        return Err(ApiError::method_not_allowed());
    }
    let opts = delete_opts(req)?;
    let items = matching(store, req, target)?;
    let mut deleted = Vec::new();
    for o in items {
        let ns = crate::util::ns_of(&o).to_string();
        if let Ok(d) = ops::delete(store, target.t, &ns, name_of(&o), &opts) {
            deleted.push(d);
        }
    }
    Ok(Reply::Json(
        200,
        json!({
            "kind": format!("{}List", target.t.kind),
            "apiVersion": target.t.api_version(),
            "metadata": {"resourceVersion": store.current_rv().to_string()},
            "items": deleted,
        }),
    ))
}

fn evict(store: &mut Store, req: &Request, ns: &str, name: &str) -> ApiResult<Reply> {
    let pods = resources::find("", "v1", "pods").ok_or_else(ApiError::path_not_found)?;
    if !store.exists(pods, ns, name) {
        return Err(ApiError::not_found(pods, name));
    }
    let body = if req.body.is_empty() {
        json!({})
    } else {
        decode_body(req)?
    };
    let mut opts = delete_opts(&Request {
        body: Vec::new(),
        ..req.clone()
    })?;
    if let Some(d) = body
        .pointer("/deleteOptions/dryRun")
        .and_then(Value::as_array)
    {
        opts.dry_run = !d.is_empty();
    }
    ops::delete(store, pods, ns, name, &opts)?;
    Ok(Reply::Json(
        201,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}),
    ))
}
