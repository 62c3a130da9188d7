//! What a change would do, shown as a unified diff of the object before and after.
//!
//! The "before" is the live object and the "after" is the server's answer to the
//! same request made as a dry run. Both are normalized the same way (server
//! bookkeeping dropped, keys sorted, secrets masked) so the diff shows only what the
//! change means, and so that after an apply the live object can be compared with
//! what was previewed. Creates diff against nothing; deletes diff to nothing.

pub mod mask;

use serde_json::{Map, Value};
use similar::{ChangeTag, TextDiff};

/// An object's identity, as shown in diff headers and reports: `deployment/web`.
pub fn object_label(object: &Value) -> String {
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("object");
    let name = object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("?");
    format!("{}/{name}", kind.to_ascii_lowercase())
}

/// The identity used to pair a live object with its dry-run result.
pub fn object_key(object: &Value) -> (String, String, String) {
    let text = |p: &str| {
        object
            .pointer(p)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    (
        text("/kind"),
        text("/metadata/namespace"),
        text("/metadata/name"),
    )
}

/// Splits kubectl's JSON output into objects: a `List` becomes its items.
pub fn objects(value: Value) -> Vec<Value> {
    match value {
        Value::Object(mut map)
            if map
                .get("kind")
                .and_then(Value::as_str)
                .is_some_and(|k| k == "List" || k.ends_with("List")) =>
        {
            match map.remove("items") {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            }
        }
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

const DROPPED_METADATA: &[&str] = &[
    "managedFields",
    "resourceVersion",
    "generation",
    "uid",
    "creationTimestamp",
    "selfLink",
];
const DROPPED_ANNOTATIONS: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
];

/// Drops what the server maintains (and what a person did not ask to change),
/// masks secrets, and sorts keys so two renderings of one object compare equal.
pub fn normalize(object: &Value) -> Value {
    let mut object = unmasked(object);
    mask::mask_secrets(&mut object);
    object
}

/// [`normalize`] without the masking: only for deciding whether anything changes,
/// never for showing or recording.
fn unmasked(object: &Value) -> Value {
    let mut object = object.clone();
    if let Some(map) = object.as_object_mut() {
        map.remove("status");
        if let Some(Value::Object(metadata)) = map.get_mut("metadata") {
            for key in DROPPED_METADATA {
                metadata.remove(*key);
            }
            if let Some(Value::Object(annotations)) = metadata.get_mut("annotations") {
                for key in DROPPED_ANNOTATIONS {
                    annotations.remove(*key);
                }
                if annotations.is_empty() {
                    metadata.remove("annotations");
                }
            }
        }
    }
    drop_allocations(&mut object);
    drop_null_timestamps(&mut object);
    sort_keys(object)
}

/// `creationTimestamp: null` in pod templates says nothing, and servers and
/// kubectl's local edits disagree on whether to print it.
fn drop_null_timestamps(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("creationTimestamp").is_some_and(Value::is_null) {
                map.remove("creationTimestamp");
            }
            map.values_mut().for_each(drop_null_timestamps);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null_timestamps),
        _ => {}
    }
}

/// Values the server allocates anew for every request (a Service's cluster IPs and
/// node ports): a dry run and the real create get different ones, so they are
/// bookkeeping, not part of what a change means.
fn drop_allocations(object: &mut Value) {
    if object.get("kind").and_then(Value::as_str) != Some("Service") {
        return;
    }
    if let Some(Value::Object(spec)) = object.get_mut("spec") {
        spec.remove("clusterIP");
        spec.remove("clusterIPs");
        spec.remove("healthCheckNodePort");
        if let Some(Value::Array(ports)) = spec.get_mut("ports") {
            for port in ports.iter_mut().filter_map(Value::as_object_mut) {
                port.remove("nodePort");
            }
        }
    }
}

fn sort_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sort_keys(v)))
                    .collect::<Map<_, _>>(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

/// YAML for people; an absent object renders as nothing.
pub fn to_yaml(object: Option<&Value>) -> String {
    match object {
        None => String::new(),
        Some(object) => serde_yaml::to_string(object).unwrap_or_else(|_| object.to_string()),
    }
}

/// One object's preview: normalized before and after, and the unified diff between them.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ObjectPreview {
    /// `deployment/web`
    pub object: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub diff: String,
    /// Whether anything changes, secret values included (the masked sides may be equal).
    #[serde(skip)]
    changes: bool,
}

impl ObjectPreview {
    /// Builds the preview of one object from raw (un-normalized) objects.
    pub fn new(before: Option<&Value>, after: Option<&Value>) -> ObjectPreview {
        let (raw_before, raw_after) = (before.map(unmasked), after.map(unmasked));
        let changes = raw_before != raw_after;
        let before = before.map(normalize);
        let after = after.map(normalize);
        // The diff marks masked values that change, so it says which ones do.
        let marked_after = raw_after.map(|mut a| {
            mask::mask_secrets_against(&mut a, raw_before.as_ref());
            a
        });
        let reference = after.as_ref().or(before.as_ref());
        let object = reference.map_or_else(|| "object".to_string(), object_label);
        let namespace = reference
            .and_then(|o| o.pointer("/metadata/namespace"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let mut diff = unified_diff(&object, before.as_ref(), marked_after.as_ref());
        if changes && before == marked_after {
            diff = format!(
                "--- {object} (live)\n+++ {object} (after)\n@@ masked values change @@\n  (only values shown as *** change)\n"
            );
        }
        ObjectPreview {
            object,
            namespace,
            before,
            after,
            diff,
            changes,
        }
    }

    /// True when the change would leave the object exactly as it is.
    pub fn is_no_change(&self) -> bool {
        !self.changes
    }
}

/// Pairs live objects with dry-run results by identity: `(live, after)`, a
/// missing side being `None` (created, or not in the dry run's answer).
pub fn pair(before: Vec<Value>, after: Vec<Value>) -> Vec<(Option<Value>, Option<Value>)> {
    let mut pairs = Vec::new();
    let mut remaining_before = before;
    for a in after {
        let key = object_key(&a);
        let position = remaining_before.iter().position(|b| {
            let bk = object_key(b);
            // A dry-run answer may omit the namespace of a cluster-scoped or defaulted object.
            bk.0 == key.0 && bk.2 == key.2 && (bk.1 == key.1 || key.1.is_empty() || bk.1.is_empty())
        });
        let b = position.map(|i| remaining_before.remove(i));
        pairs.push((b, Some(a)));
    }
    pairs.extend(remaining_before.into_iter().map(|b| (Some(b), None)));
    pairs
}

/// Pairs live objects with dry-run results by identity and previews each pair.
pub fn pair_up(before: Vec<Value>, after: Vec<Value>) -> Vec<ObjectPreview> {
    pair(before, after)
        .iter()
        .map(|(b, a)| ObjectPreview::new(b.as_ref(), a.as_ref()))
        .collect()
}

/// True when `after` would leave `before` exactly as it is, secret values
/// included (what [`ObjectPreview::is_no_change`] says, without building a diff).
pub fn same_object(before: &Value, after: &Value) -> bool {
    unmasked(before) == unmasked(after)
}

/// A unified diff with `---`/`+++` headers naming the object.
pub fn unified_diff(label: &str, before: Option<&Value>, after: Option<&Value>) -> String {
    let old = to_yaml(before);
    let new = to_yaml(after);
    let old_header = if before.is_some() {
        format!("{label} (live)")
    } else {
        "/dev/null".to_string()
    };
    let new_header = if after.is_some() {
        format!("{label} (after)")
    } else {
        "/dev/null".to_string()
    };
    TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(&old_header, &new_header)
        .to_string()
}

/// Colors a unified diff for a terminal: additions green, removals red, hunks cyan.
pub fn colorize(diff: &str) -> String {
    let mut out = String::with_capacity(diff.len() + 64);
    for line in diff.split_inclusive('\n') {
        let color = if line.starts_with("+++") || line.starts_with("---") {
            "\x1b[1m"
        } else if line.starts_with('+') {
            "\x1b[32m"
        } else if line.starts_with('-') {
            "\x1b[31m"
        } else if line.starts_with("@@") {
            "\x1b[36m"
        } else {
            ""
        };
        if color.is_empty() {
            out.push_str(line);
        } else {
            let (text, newline) = line.strip_suffix('\n').map_or((line, ""), |t| (t, "\n"));
            out.push_str(color);
            out.push_str(text);
            out.push_str("\x1b[0m");
            out.push_str(newline);
        }
    }
    out
}

/// Counts added and removed lines, for one-line summaries.
pub fn diff_stats(before: Option<&Value>, after: Option<&Value>) -> (usize, usize) {
    let old = to_yaml(before);
    let new = to_yaml(after);
    let diff = TextDiff::from_lines(&old, &new);
    diff.iter_all_changes()
        .fold((0, 0), |(add, del), c| match c.tag() {
            ChangeTag::Insert => (add + 1, del),
            ChangeTag::Delete => (add, del + 1),
            ChangeTag::Equal => (add, del),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment(replicas: i64) -> Value {
        json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {
                "name": "web",
                "namespace": "shop",
                "uid": "1234",
                "resourceVersion": "42",
                "generation": 3,
                "creationTimestamp": "2026-01-01T00:00:00Z",
                "managedFields": [{"manager": "kubectl"}],
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}
            },
            "spec": {"replicas": replicas},
            "status": {"replicas": 2}
        })
    }

    #[test]
    fn normalization_drops_server_bookkeeping() {
        let n = normalize(&deployment(2));
        let metadata = n["metadata"].as_object().unwrap();
        assert_eq!(metadata.keys().collect::<Vec<_>>(), ["name", "namespace"]);
        assert!(n.get("status").is_none());
    }

    #[test]
    fn diff_names_the_object_and_shows_the_change() {
        let p = ObjectPreview::new(Some(&deployment(2)), Some(&deployment(3)));
        assert!(p.diff.contains("--- deployment/web (live)"), "{}", p.diff);
        assert!(p.diff.contains("+++ deployment/web (after)"), "{}", p.diff);
        assert!(
            p.diff.contains("-  replicas: 2\n+  replicas: 3\n"),
            "{}",
            p.diff
        );
        assert!(!p.is_no_change());
        assert_eq!(p.namespace.as_deref(), Some("shop"));
    }

    #[test]
    fn equal_objects_are_no_change_even_with_other_bookkeeping() {
        let mut after = deployment(2);
        after["metadata"]["resourceVersion"] = json!("43");
        assert!(ObjectPreview::new(Some(&deployment(2)), Some(&after)).is_no_change());
    }

    #[test]
    fn a_change_of_a_masked_value_is_still_a_change() {
        let secret = |v: &str| json!({"kind": "Secret", "metadata": {"name": "db"}, "data": {"password": v}});
        let p = ObjectPreview::new(Some(&secret("b2xk")), Some(&secret("bmV3")));
        assert!(!p.is_no_change());
        assert!(
            !p.diff.contains("b2xk") && !p.diff.contains("bmV3"),
            "{}",
            p.diff
        );
        assert!(
            p.diff.contains("+  password: '*** (changed)'"),
            "{}",
            p.diff
        );
        assert!(ObjectPreview::new(Some(&secret("b2xk")), Some(&secret("b2xk"))).is_no_change());
    }

    #[test]
    fn creates_and_deletes_diff_against_nothing() {
        let create = ObjectPreview::new(None, Some(&deployment(1)));
        assert!(
            create
                .diff
                .starts_with("--- /dev/null\n+++ deployment/web (after)"),
            "{}",
            create.diff
        );
        let delete = ObjectPreview::new(Some(&deployment(1)), None);
        assert!(delete.diff.contains("+++ /dev/null"), "{}", delete.diff);
        assert!(
            delete.diff.lines().skip(3).all(|l| l.starts_with('-')),
            "{}",
            delete.diff
        );
    }

    #[test]
    fn lists_pair_by_identity() {
        let list = json!({"kind": "List", "items": [deployment(1)]});
        let previews = pair_up(objects(list), vec![deployment(4)]);
        assert_eq!(previews.len(), 1);
        assert!(previews[0].before.is_some());
    }

    #[test]
    fn colors_only_diff_lines() {
        let colored = colorize("--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n z\n");
        assert!(colored.contains("\x1b[31m-x\x1b[0m\n"));
        assert!(colored.contains("\x1b[32m+y\x1b[0m\n"));
        assert!(colored.ends_with(" z\n"));
    }
}
