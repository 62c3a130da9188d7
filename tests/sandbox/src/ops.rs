//! The write paths of the API (create, update, patch, delete, scale) as the
//! apiserver runs them: metadata assignment, defaulting, validation,
//! optimistic concurrency, dry run, cascading deletion, and then the
//! controllers, synchronously, so state is consistent when the call returns.

use serde_json::{Map, Value, json};

use crate::controllers;
use crate::convert::{to_served, to_storage};
use crate::errors::{ApiError, ApiResult};
use crate::patch;
use crate::resources::{self, ResourceType};
use crate::store::Store;
use crate::util::{name_of, now_rfc3339, random_suffix, uid, uid_of};
use crate::{defaults, validation};

#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOpts {
    pub dry_run: bool,
    /// Seeding: keep given status, uid and timestamps; create missing namespaces.
    pub seed: bool,
}

fn ns_type() -> &'static ResourceType {
    resources::find("", "v1", "namespaces").unwrap_or(&resources::TYPES[0])
}

/// The part of an object that counts as its spec for `generation`.
fn spec_part(v: &Value) -> Value {
    let mut m = v.as_object().cloned().unwrap_or_default();
    for k in ["metadata", "status", "apiVersion", "kind"] {
        m.remove(k);
    }
    Value::Object(m)
}

fn meta_mut(obj: &mut Value) -> ApiResult<&mut Map<String, Value>> {
    let m = obj
        .as_object_mut()
        .ok_or_else(|| ApiError::bad_request("the body of the request must be an object"))?;
    let meta = m.entry("metadata").or_insert_with(|| json!({}));
    if !meta.is_object() {
        *meta = json!({});
    }
    meta.as_object_mut()
        .ok_or_else(|| ApiError::bad_request("metadata must be an object"))
}

fn check_namespace(
    store: &mut Store,
    t: &ResourceType,
    ns: &str,
    opts: WriteOpts,
) -> ApiResult<()> {
    if !t.namespaced || store.exists(ns_type(), "", ns) {
        return Ok(());
    }
    if opts.seed {
        create(
            store,
            ns_type(),
            "",
            json!({"metadata": {"name": ns}}),
            opts,
        )?;
        return Ok(());
    }
    Err(ApiError::namespace_not_found(ns))
}

/// POST: creates `body` of type `t` in namespace `ns` ("" when cluster scoped).
pub fn create(
    store: &mut Store,
    t: &ResourceType,
    ns: &str,
    body: Value,
    opts: WriteOpts,
) -> ApiResult<Value> {
    let mut obj = to_storage(t, body);
    let stored = resources::preferred(t);
    {
        let meta = meta_mut(&mut obj)?;
        let name = meta
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if name.is_empty()
            && let Some(prefix) = meta.get("generateName").and_then(Value::as_str)
            && !prefix.is_empty()
        {
            let generated = format!("{prefix}{}", random_suffix(5));
            meta.insert("name".into(), json!(generated));
        }
        if t.namespaced {
            let body_ns = meta.get("namespace").and_then(Value::as_str).unwrap_or("");
            if !body_ns.is_empty() && body_ns != ns {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            meta.insert("namespace".into(), json!(ns));
        } else {
            meta.remove("namespace");
        }
        if !opts.seed || meta.get("uid").is_none() {
            meta.insert("uid".into(), json!(uid()));
        }
        if !opts.seed
            || meta
                .get("creationTimestamp")
                .and_then(Value::as_str)
                .is_none()
        {
            meta.insert("creationTimestamp".into(), json!(now_rfc3339()));
        }
        meta.remove("resourceVersion");
        meta.remove("deletionTimestamp");
        meta.remove("managedFields");
    }
    if obj.get("spec").is_some() || t.plural == "deployments" {
        meta_mut(&mut obj)?.insert("generation".into(), json!(1));
    }
    let name = name_of(&obj).to_string();
    if !opts.seed
        && let Some(m) = obj.as_object_mut()
        && !matches!(
            t.plural,
            "namespaces" | "nodes" | "persistentvolumeclaims" | "nodes-metrics"
        )
        && t.group != "metrics.k8s.io"
        && t.has_sub("status")
    {
        m.remove("status");
    }
    defaults::apply(stored, &mut obj);
    validation::validate(stored, &obj)?;
    check_namespace(store, t, ns, opts)?;
    if store.exists(stored, ns, &name) {
        return Err(ApiError::already_exists(t, &name));
    }
    controllers::on_create(store, stored, &mut obj, opts);
    if opts.dry_run {
        return Ok(to_served(t, obj));
    }
    let saved = store.put(stored, obj);
    if !opts.seed {
        controllers::after_write(store, stored, None, &saved);
    }
    Ok(to_served(
        t,
        store.get(stored, ns, &name).cloned().unwrap_or(saved),
    ))
}

pub fn get(store: &Store, t: &ResourceType, ns: &str, name: &str) -> ApiResult<Value> {
    store
        .get(t, ns, name)
        .cloned()
        .map(|o| to_served(t, o))
        .ok_or_else(|| ApiError::not_found(t, name))
}

/// PUT on the object or its status subresource.
pub fn update(
    store: &mut Store,
    t: &ResourceType,
    ns: &str,
    name: &str,
    sub: Option<&str>,
    body: Value,
    opts: WriteOpts,
) -> ApiResult<Value> {
    let stored = resources::preferred(t);
    let old = store
        .get(stored, ns, name)
        .cloned()
        .ok_or_else(|| ApiError::not_found(t, name))?;
    let mut new = to_storage(t, body);
    let body_name = name_of(&new).to_string();
    if !body_name.is_empty() && body_name != name {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({body_name}) does not match the name on the URL ({name})"
        )));
    }
    let want_rv = new
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let old_rv = old
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !want_rv.is_empty() && want_rv != old_rv {
        return Err(ApiError::conflict(t, name));
    }
    if sub == Some("status") {
        let mut merged = old.clone();
        if let Some(m) = merged.as_object_mut() {
            m.insert(
                "status".into(),
                new.get("status").cloned().unwrap_or(json!({})),
            );
        }
        new = merged;
    } else if t.has_sub("status")
        && !opts.seed
        && let Some(m) = new.as_object_mut()
    {
        match old.get("status") {
            Some(s) => m.insert("status".into(), s.clone()),
            None => m.remove("status"),
        };
    }
    {
        let old_meta = old.get("metadata").cloned().unwrap_or(json!({}));
        let meta = meta_mut(&mut new)?;
        meta.insert("name".into(), json!(name));
        for k in [
            "uid",
            "creationTimestamp",
            "generation",
            "namespace",
            "deletionTimestamp",
        ] {
            match old_meta.get(k) {
                Some(v) => meta.insert(k.into(), v.clone()),
                None => meta.remove(k),
            };
        }
        meta.remove("managedFields");
    }
    defaults::apply(stored, &mut new);
    validation::validate(stored, &new)?;
    validation::validate_update(stored, &old, &new)?;
    if spec_part(&old) != spec_part(&new)
        && let Some(g) = old.pointer("/metadata/generation").and_then(Value::as_i64)
    {
        meta_mut(&mut new)?.insert("generation".into(), json!(g + 1));
    }
    if opts.dry_run {
        // Nothing is stored, so the resourceVersion stays the live one (as
        // on a real API server), whatever the body or patch carried.
        meta_mut(&mut new)?.insert("resourceVersion".into(), json!(old_rv));
        return Ok(to_served(t, new));
    }
    let saved = store.put(stored, new);
    if !opts.seed && (sub != Some("status") || t.plural == "pods") {
        controllers::after_write(store, stored, Some(&old), &saved);
    }
    Ok(to_served(
        t,
        store.get(stored, ns, name).cloned().unwrap_or(saved),
    ))
}

/// The patch formats, by request content type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PatchType {
    Merge,
    Json,
    Strategic,
    Apply,
}

impl PatchType {
    pub fn from_content_type(ct: &str) -> Option<PatchType> {
        let base = ct.split(';').next().unwrap_or("").trim();
        match base {
            "application/merge-patch+json" => Some(PatchType::Merge),
            "application/json-patch+json" => Some(PatchType::Json),
            "application/strategic-merge-patch+json" => Some(PatchType::Strategic),
            "application/apply-patch+yaml" | "application/apply-patch+cbor" => {
                Some(PatchType::Apply)
            }
            _ => None,
        }
    }
}

fn has_strategic_schema(t: &ResourceType) -> bool {
    t.group != "metrics.k8s.io"
}

/// Applies a patch document to `current` (in the served version).
pub fn apply_patch(
    t: &ResourceType,
    current: &mut Value,
    ptype: PatchType,
    patch_doc: &Value,
) -> ApiResult<()> {
    match ptype {
        PatchType::Merge => patch::merge_patch(current, patch_doc),
        PatchType::Json => {
            patch::json_patch(current, patch_doc).map_err(|e| ApiError::new(422, "Invalid", e))?
        }
        PatchType::Strategic | PatchType::Apply => {
            if !has_strategic_schema(t) {
                return Err(ApiError::new(
                    415,
                    "UnsupportedMediaType",
                    "strategic merge patch is not supported",
                ));
            }
            patch::strategic_merge(current, patch_doc)
        }
    }
    if !current.is_object() {
        return Err(ApiError::bad_request("patch must produce an object"));
    }
    Ok(())
}

/// PATCH on the object, its status or (see `patch_scale`) its scale.
#[allow(clippy::too_many_arguments)]
pub fn patch(
    store: &mut Store,
    t: &ResourceType,
    ns: &str,
    name: &str,
    sub: Option<&str>,
    ptype: PatchType,
    patch_doc: &Value,
    opts: WriteOpts,
) -> ApiResult<Value> {
    let current = match store.get(t, ns, name) {
        Some(o) => to_served(t, o.clone()),
        None if ptype == PatchType::Apply && sub.is_none() => {
            let mut body = patch_doc.clone();
            if let Some(m) = body.as_object_mut() {
                let meta = m.entry("metadata").or_insert_with(|| json!({}));
                if let Some(meta) = meta.as_object_mut() {
                    meta.insert("name".into(), json!(name));
                }
            }
            return create(store, t, ns, body, opts);
        }
        None => return Err(ApiError::not_found(t, name)),
    };
    let mut patched = current.clone();
    apply_patch(t, &mut patched, ptype, patch_doc)?;
    if patch_doc.pointer("/metadata/resourceVersion").is_none()
        && let Some(m) = patched.get_mut("metadata").and_then(Value::as_object_mut)
    {
        m.remove("resourceVersion");
    }
    update(store, t, ns, name, sub, patched, opts)
}

/// The autoscaling/v1 Scale view of a scalable object.
pub fn scale_of(t: &ResourceType, obj: &Value) -> Value {
    let selector = match obj.pointer("/spec/selector") {
        Some(s) if s.get("matchLabels").is_some() || s.get("matchExpressions").is_some() => {
            let mut parts = Vec::new();
            if let Some(m) = s.get("matchLabels").and_then(Value::as_object) {
                for (k, v) in m {
                    parts.push(format!("{k}={}", v.as_str().unwrap_or("")));
                }
            }
            parts.join(",")
        }
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
            .collect::<Vec<_>>()
            .join(","),
        _ => String::new(),
    };
    let meta = obj.get("metadata").cloned().unwrap_or(json!({}));
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": meta.get("name"),
            "namespace": meta.get("namespace"),
            "uid": meta.get("uid"),
            "resourceVersion": meta.get("resourceVersion"),
            "creationTimestamp": meta.get("creationTimestamp"),
        },
        "spec": {"replicas": obj.pointer("/spec/replicas").cloned().unwrap_or(json!(1))},
        "status": {
            "replicas": obj.pointer("/status/replicas").cloned().unwrap_or(json!(0)),
            "selector": selector,
        },
        "__kind": t.kind,
    })
    .as_object()
    .map(|m| {
        let mut m = m.clone();
        m.remove("__kind");
        Value::Object(m)
    })
    .unwrap_or(Value::Null)
}

/// PUT or PATCH of the scale subresource.
#[allow(clippy::too_many_arguments)]
pub fn write_scale(
    store: &mut Store,
    t: &ResourceType,
    ns: &str,
    name: &str,
    ptype: Option<PatchType>,
    body: &Value,
    opts: WriteOpts,
) -> ApiResult<Value> {
    let obj = store
        .get(t, ns, name)
        .cloned()
        .ok_or_else(|| ApiError::not_found(t, name))?;
    let mut scale = scale_of(t, &obj);
    match ptype {
        Some(p) => apply_patch(t, &mut scale, p, body)?,
        None => scale = body.clone(),
    }
    let replicas = scale
        .pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    if replicas < 0 {
        let scale_t = ResourceType {
            kind: "Scale",
            group: "autoscaling",
            ..*t
        };
        return Err(ApiError::invalid(
            &scale_t,
            name,
            &[(
                "spec.replicas".into(),
                format!("Invalid value: {replicas}: must be greater than or equal to 0"),
            )],
        ));
    }
    let want_rv = scale
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let mut new = to_served(t, obj);
    crate::util::set_at(&mut new, &["spec", "replicas"], json!(replicas));
    crate::util::set_at(&mut new, &["metadata", "resourceVersion"], json!(want_rv));
    let saved = update(store, t, ns, name, None, new, opts)?;
    Ok(scale_of(t, &saved))
}

#[derive(Debug, Clone, Default)]
pub struct DeleteOpts {
    pub dry_run: bool,
    /// "Background" (default), "Foreground" or "Orphan".
    pub propagation: Option<String>,
    pub precondition_uid: Option<String>,
    pub precondition_rv: Option<String>,
}

/// Whether `child` names `owner` in its ownerReferences (by uid, or kind+name for seeded data).
pub fn owned_by(child: &Value, owner: &Value) -> bool {
    let owner_uid = uid_of(owner);
    let owner_kind = owner.get("kind").and_then(Value::as_str).unwrap_or("");
    let owner_name = name_of(owner);
    crate::util::arr_at(child, &["metadata", "ownerReferences"])
        .iter()
        .any(|r| {
            let uid = r.get("uid").and_then(Value::as_str).unwrap_or("");
            if !uid.is_empty() && !owner_uid.is_empty() {
                return uid == owner_uid;
            }
            r.get("kind").and_then(Value::as_str) == Some(owner_kind)
                && r.get("name").and_then(Value::as_str) == Some(owner_name)
        })
}

/// DELETE of one object, with cascading to its dependents.
pub fn delete(
    store: &mut Store,
    t: &ResourceType,
    ns: &str,
    name: &str,
    opts: &DeleteOpts,
) -> ApiResult<Value> {
    let stored = resources::preferred(t);
    let obj = store
        .get(stored, ns, name)
        .cloned()
        .ok_or_else(|| ApiError::not_found(t, name))?;
    if let Some(u) = &opts.precondition_uid
        && u != uid_of(&obj)
    {
        return Err(ApiError::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {} \"{name}\": Precondition failed: UID in precondition: {u}, UID in object meta: {}",
                t.qualified(),
                uid_of(&obj)
            ),
        ));
    }
    let live_rv = obj
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    if let Some(rv) = &opts.precondition_rv
        && rv != live_rv
    {
        return Err(ApiError::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {} \"{name}\": Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {live_rv}",
                t.qualified(),
            ),
        ));
    }
    if opts.dry_run {
        return Ok(to_served(t, obj));
    }
    let orphan = opts.propagation.as_deref() == Some("Orphan");
    remove_tree(store, stored, ns, name, orphan);
    controllers::after_delete(store, stored, &obj);
    if !ns.is_empty() {
        controllers::sync_endpoints(store, ns);
    }
    Ok(to_served(t, obj))
}

fn remove_tree(store: &mut Store, t: &ResourceType, ns: &str, name: &str, orphan: bool) {
    let Some(obj) = store.remove(t, ns, name) else {
        return;
    };
    if t.plural == "namespaces" && t.group.is_empty() {
        for (key, child) in store.all_in_namespace(name) {
            store.remove_key(&key, name, name_of(&child));
        }
        return;
    }
    let owned_ns = if t.namespaced {
        ns.to_string()
    } else {
        String::new()
    };
    let children: Vec<(String, Value)> = store
        .all_in_namespace(&owned_ns)
        .into_iter()
        .filter(|(_, c)| owned_by(c, &obj))
        .collect();
    for (key, child) in children {
        let child_name = name_of(&child).to_string();
        if orphan {
            let mut c = child.clone();
            if let Some(refs) = c
                .pointer_mut("/metadata/ownerReferences")
                .and_then(Value::as_array_mut)
            {
                refs.retain(|r| r.get("uid").and_then(Value::as_str) != Some(uid_of(&obj)));
            }
            if let Some(ct) = resources::TYPES.iter().find(|x| x.storage_key() == key) {
                store.put(ct, c);
            }
        } else if let Some(ct) = resources::TYPES.iter().find(|x| x.storage_key() == key) {
            remove_tree(store, ct, &owned_ns, &child_name, false);
        }
    }
}
