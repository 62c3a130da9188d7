//! The three patch formats kubectl sends: JSON merge patch (RFC 7386),
//! JSON patch (RFC 6902) and strategic merge patch with the merge keys and
//! `$patch`/`$retainKeys`/`$setElementOrder`/`$deleteFromPrimitiveList`
//! directives of the built-in types.

use serde_json::{Map, Value};

/// RFC 7386 merge patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(p) => {
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            let Some(t) = target.as_object_mut() else {
                return;
            };
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        other => *target = other.clone(),
    }
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

fn parent_and_key<'a>(doc: &'a mut Value, path: &str) -> Result<(&'a mut Value, String), String> {
    let tokens: Vec<String> = path.split('/').skip(1).map(unescape).collect();
    let Some((last, parents)) = tokens.split_last() else {
        return Err("empty path".into());
    };
    let mut cur = doc;
    for t in parents {
        cur = match cur {
            Value::Object(m) => m
                .get_mut(t)
                .ok_or_else(|| format!("doc is missing path: \"{path}\""))?,
            Value::Array(a) => {
                let i: usize = t.parse().map_err(|_| format!("invalid index {t}"))?;
                a.get_mut(i)
                    .ok_or_else(|| format!("doc is missing path: \"{path}\""))?
            }
            _ => return Err(format!("doc is missing path: \"{path}\"")),
        };
    }
    Ok((cur, last.clone()))
}

fn add(doc: &mut Value, path: &str, value: Value, replace: bool) -> Result<(), String> {
    if path.is_empty() {
        *doc = value;
        return Ok(());
    }
    let (parent, key) = parent_and_key(doc, path)?;
    match parent {
        Value::Object(m) => {
            if replace && !m.contains_key(&key) {
                return Err(format!(
                    "replace operation does not apply: doc is missing key: {path}"
                ));
            }
            m.insert(key, value);
        }
        Value::Array(a) => {
            if key == "-" && !replace {
                a.push(value);
            } else {
                let i: usize = key.parse().map_err(|_| format!("invalid index {key}"))?;
                if replace {
                    *a.get_mut(i).ok_or_else(|| {
                        format!("replace operation does not apply: doc is missing key: {path}")
                    })? = value;
                } else if i <= a.len() {
                    a.insert(i, value);
                } else {
                    return Err(format!(
                        "add operation does not apply: doc is missing path: \"{path}\""
                    ));
                }
            }
        }
        _ => return Err(format!("doc is missing path: \"{path}\"")),
    }
    Ok(())
}

fn remove(doc: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, key) = parent_and_key(doc, path)?;
    match parent {
        Value::Object(m) => m.remove(&key).ok_or_else(|| {
            format!("remove operation does not apply: doc is missing path: \"{path}\"")
        }),
        Value::Array(a) => {
            let i: usize = key.parse().map_err(|_| format!("invalid index {key}"))?;
            if i < a.len() {
                Ok(a.remove(i))
            } else {
                Err(format!(
                    "remove operation does not apply: doc is missing path: \"{path}\""
                ))
            }
        }
        _ => Err(format!("doc is missing path: \"{path}\"")),
    }
}

/// RFC 6902 JSON patch; errors carry the message the apiserver would send.
pub fn json_patch(doc: &mut Value, ops: &Value) -> Result<(), String> {
    let ops = ops.as_array().ok_or("json patch must be an array")?;
    for op in ops {
        let kind = op.get("op").and_then(Value::as_str).ok_or("missing op")?;
        let path = op.get("path").and_then(Value::as_str).unwrap_or("");
        let value = op.get("value").cloned();
        match kind {
            "add" => add(doc, path, value.ok_or("missing value")?, false)?,
            "replace" => add(doc, path, value.ok_or("missing value")?, true)?,
            "remove" => {
                remove(doc, path)?;
            }
            "move" | "copy" => {
                let from = op
                    .get("from")
                    .and_then(Value::as_str)
                    .ok_or("missing from")?;
                let v = if kind == "move" {
                    remove(doc, from)?
                } else {
                    doc.pointer(from)
                        .cloned()
                        .ok_or_else(|| format!("doc is missing from path: \"{from}\""))?
                };
                add(doc, path, v, false)?;
            }
            "test" => {
                if doc.pointer(path) != value.as_ref() {
                    return Err(format!("testing value {path} failed: test failed"));
                }
            }
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    Ok(())
}

/// Merge key of a list field in the built-in types (None: replace the list).
fn merge_key(field: &str, items: &[Value]) -> Option<&'static str> {
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets"
        | "resourceClaims"
        | "readinessGates" => Some(if field == "readinessGates" {
            "conditionType"
        } else {
            "name"
        }),
        "volumeMounts" => Some("mountPath"),
        "volumeDevices" => Some("devicePath"),
        "conditions" | "addresses" => Some("type"),
        "hostAliases" => Some("ip"),
        "ownerReferences" => Some("uid"),
        "topologySpreadConstraints" => Some("topologyKey"),
        "ports" => {
            let service_like = items
                .iter()
                .any(|i| i.get("port").is_some() && i.get("containerPort").is_none());
            Some(if service_like {
                "port"
            } else {
                "containerPort"
            })
        }
        _ => None,
    }
}

/// Primitive lists merged as sets rather than replaced.
fn merges_primitives(field: &str) -> bool {
    field == "finalizers"
}

/// Applies a strategic merge patch.
pub fn strategic_merge(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if p.get("$patch").and_then(Value::as_str) == Some("replace") {
        let mut clean = p.clone();
        clean.remove("$patch");
        *target = Value::Object(strip_directives(clean));
        return;
    }
    if p.get("$patch").and_then(Value::as_str) == Some("delete") {
        *target = Value::Object(Map::new());
        return;
    }
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Some(t) = target.as_object_mut() else {
        return;
    };
    let mut orders: Vec<(String, Vec<Value>)> = Vec::new();
    let mut retain: Option<Vec<String>> = None;
    for (k, v) in p {
        if let Some(field) = k.strip_prefix("$setElementOrder/") {
            orders.push((field.to_string(), v.as_array().cloned().unwrap_or_default()));
            continue;
        }
        if let Some(field) = k.strip_prefix("$deleteFromPrimitiveList/") {
            if let (Some(Value::Array(list)), Some(del)) = (t.get_mut(field), v.as_array()) {
                list.retain(|x| !del.contains(x));
            }
            continue;
        }
        if k == "$retainKeys" {
            retain = v.as_array().map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            });
            continue;
        }
        if k.starts_with('$') {
            continue;
        }
        if v.is_null() {
            t.remove(k);
            continue;
        }
        match v {
            Value::Array(items) => {
                let existing = t.entry(k.clone()).or_insert(Value::Null);
                merge_list(k, existing, items);
            }
            Value::Object(_) => {
                strategic_merge(t.entry(k.clone()).or_insert(Value::Null), v);
            }
            _ => {
                t.insert(k.clone(), v.clone());
            }
        }
    }
    if let Some(keep) = retain {
        t.retain(|k, _| keep.contains(k));
    }
    for (field, order) in orders {
        if let Some(Value::Array(list)) = t.get_mut(&field) {
            reorder(&field, list, &order);
        }
    }
}

fn strip_directives(mut m: Map<String, Value>) -> Map<String, Value> {
    m.retain(|k, _| !k.starts_with('$'));
    for v in m.values_mut() {
        if let Value::Object(inner) = v {
            *inner = strip_directives(std::mem::take(inner));
        }
    }
    m
}

fn reorder(field: &str, list: &mut Vec<Value>, order: &[Value]) {
    let key = merge_key(field, list);
    let ident = |v: &Value| -> Value {
        match key {
            Some(k) => v.get(k).cloned().unwrap_or(Value::Null),
            None => v.clone(),
        }
    };
    let mut out = Vec::with_capacity(list.len());
    for o in order {
        let want = ident(o);
        if let Some(pos) = list.iter().position(|x| ident(x) == want) {
            out.push(list.remove(pos));
        }
    }
    out.append(list);
    *list = out;
}

fn merge_list(field: &str, existing: &mut Value, items: &[Value]) {
    let replace = items
        .iter()
        .any(|i| i.get("$patch").and_then(Value::as_str) == Some("replace"));
    if replace {
        *existing = Value::Array(
            items
                .iter()
                .filter(|i| i.get("$patch").is_none())
                .cloned()
                .collect(),
        );
        return;
    }
    if merges_primitives(field) {
        let mut list = existing.as_array().cloned().unwrap_or_default();
        for i in items {
            if !list.contains(i) {
                list.push(i.clone());
            }
        }
        *existing = Value::Array(list);
        return;
    }
    let Some(key) = merge_key(field, items).filter(|_| items.iter().all(Value::is_object)) else {
        *existing = Value::Array(
            items
                .iter()
                .filter(|i| i.get("$patch").is_none())
                .cloned()
                .collect(),
        );
        return;
    };
    let mut list = existing.as_array().cloned().unwrap_or_default();
    for item in items {
        let id = item.get(key).cloned();
        let pos = id
            .as_ref()
            .and_then(|id| list.iter().position(|x| x.get(key) == Some(id)));
        let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
        match (pos, delete) {
            (Some(i), true) => {
                list.remove(i);
            }
            (None, true) => {}
            (Some(i), false) => strategic_merge(&mut list[i], item),
            (None, false) => {
                let mut fresh = Value::Null;
                strategic_merge(&mut fresh, item);
                list.push(fresh);
            }
        }
    }
    *existing = Value::Array(list);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strategic_keeps_other_containers() {
        let mut d = json!({"spec": {"containers": [{"name": "a", "image": "a:1"}, {"name": "b", "image": "b:1"}]}});
        strategic_merge(
            &mut d,
            &json!({"spec": {"$setElementOrder/containers": [{"name": "a"}, {"name": "b"}], "containers": [{"name": "b", "image": "b:2"}]}}),
        );
        assert_eq!(d["spec"]["containers"][0]["image"], "a:1");
        assert_eq!(d["spec"]["containers"][1]["image"], "b:2");
        assert!(d["spec"].get("$setElementOrder/containers").is_none());
    }

    #[test]
    fn strategic_delete_and_replace() {
        let mut d = json!({"env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}], "args": ["x"]});
        strategic_merge(
            &mut d,
            &json!({"env": [{"name": "A", "$patch": "delete"}], "args": ["y"]}),
        );
        assert_eq!(
            d,
            json!({"env": [{"name": "B", "value": "2"}], "args": ["y"]})
        );
        strategic_merge(
            &mut d,
            &json!({"env": [{"$patch": "replace"}, {"name": "C"}]}),
        );
        assert_eq!(d["env"], json!([{"name": "C"}]));
    }

    #[test]
    fn json_patch_ops() {
        let mut d = json!({"spec": {"replicas": 1, "list": [1, 2]}});
        json_patch(
            &mut d,
            &json!([
                {"op": "replace", "path": "/spec/replicas", "value": 3},
                {"op": "add", "path": "/spec/list/-", "value": 3},
                {"op": "remove", "path": "/spec/list/0"}
            ]),
        )
        .unwrap();
        assert_eq!(d, json!({"spec": {"replicas": 3, "list": [2, 3]}}));
        assert!(json_patch(&mut d, &json!([{"op": "remove", "path": "/nope"}])).is_err());
    }

    #[test]
    fn merge_removes_nulls() {
        let mut d = json!({"a": 1, "b": {"c": 2}});
        merge_patch(&mut d, &json!({"a": null, "b": {"d": 3}}));
        assert_eq!(d, json!({"b": {"c": 2, "d": 3}}));
    }
}
