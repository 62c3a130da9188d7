//! Removing things and editing their metadata: delete, label, annotate, and the
//! "add/remove …" verbs that reach labels, annotations, env vars and replicas.

use crate::plan::{KeyValue, MetadataEdit, Operation};

use super::per_name;
use super::slots::{Slots, topic};

/// "delete pod web-7d9f", "delete pods with label app=old", "remove label tier from pod x",
/// "remove env var DEBUG from web", "remove 2 replicas from web".
pub(super) fn remove(s: &mut Slots) -> Option<Vec<Operation>> {
    if s.has(topic::LABEL) {
        return strip(s, false);
    }
    if s.has(topic::ANNOTATION) {
        return strip(s, true);
    }
    if s.has(topic::ENV) {
        return super::containers::unset_env(s);
    }
    if s.has(topic::REPLICAS) || s.count.is_some() {
        super::scale::to_as_target(s);
        return super::scale::scale_with(s, -1, true).filter(|ops| {
            ops.iter().all(|op| {
                matches!(
                    op,
                    Operation::Scale {
                        replicas: crate::plan::ReplicaChange::By(_),
                        ..
                    }
                )
            })
        });
    }
    let (kind, names) = s.take_target()?;
    let kind = kind?.singular.to_string();
    let namespace = s.take_namespace()?;
    let selector = s.take_selector();
    let one = |name: Option<String>| Operation::Delete {
        kind: kind.clone(),
        name,
        namespace: namespace.clone(),
        selector: selector.clone(),
    };
    Some(per_name(names, one))
}

/// "label pod web-7d9f tier=frontend", "annotate deployment web owner=team-a",
/// "change label tier to backend on pod x" (an overwrite).
pub(super) fn edit(s: &mut Slots, annotation: bool) -> Option<Vec<Operation>> {
    s.take_topic(if annotation {
        topic::ANNOTATION
    } else {
        topic::LABEL
    });
    let mut set = s.take_pairs();
    let mut remove = std::mem::take(&mut s.keys);
    let mut overwrite = std::mem::take(&mut s.overwrite);
    if let Some(v) = s.to_value.take() {
        // "set label tier to backend": one key, a new value, replacing the old one.
        if remove.len() != 1 {
            return None;
        }
        set.push(KeyValue::new(remove.remove(0), v));
        overwrite = true;
    }
    metadata_ops(s, annotation, set, remove, overwrite)
}

/// "add label tier=frontend to pod x", "add env FOO=bar to web", "add 2 replicas to web".
pub(super) fn add(s: &mut Slots) -> Option<Vec<Operation>> {
    if s.has(topic::LABEL) || s.has(topic::ANNOTATION) {
        // "add": nothing is removed ("add X annotation k=v" is not "remove X").
        if !s.keys.is_empty() && s.to_value.is_none() {
            return None;
        }
        super::scale::to_as_target(s);
        let annotation = s.has(topic::ANNOTATION);
        return edit(s, annotation);
    }
    if s.has(topic::ENV) {
        super::scale::to_as_target(s);
        return super::containers::env(s);
    }
    if s.has(topic::REPLICAS) || s.count.is_some() {
        super::scale::to_as_target(s);
        if s.count.is_none() && s.by_num.is_none() {
            return None;
        }
        return super::scale::scale_with(s, 1, true).filter(|ops| {
            ops.iter().all(|op| {
                matches!(
                    op,
                    Operation::Scale {
                        replicas: crate::plan::ReplicaChange::By(_),
                        ..
                    }
                )
            })
        });
    }
    super::create::create(s)
}

/// "unlabel pod x tier".
pub(super) fn unlabel(s: &mut Slots) -> Option<Vec<Operation>> {
    s.take_topic(topic::LABEL);
    strip(s, false)
}

fn strip(s: &mut Slots, annotation: bool) -> Option<Vec<Operation>> {
    s.take_topic(if annotation {
        topic::ANNOTATION
    } else {
        topic::LABEL
    });
    let mut remove = std::mem::take(&mut s.keys);
    // "remove label tier=frontend from pod x": the key is what goes.
    for kv in s.take_pairs() {
        remove.push(kv.key);
    }
    if remove.is_empty() {
        return None;
    }
    metadata_ops(s, annotation, vec![], remove, false)
}

fn metadata_ops(
    s: &mut Slots,
    annotation: bool,
    set: Vec<KeyValue>,
    remove: Vec<String>,
    overwrite: bool,
) -> Option<Vec<Operation>> {
    let (kind, names) = s.take_target()?;
    let kind = kind?.singular.to_string();
    let namespace = s.take_namespace()?;
    let selector = std::mem::take(&mut s.selector);
    let selector = (!selector.is_empty()).then(|| selector.join(","));
    let one = |name: Option<String>| {
        let edit = MetadataEdit {
            kind: kind.clone(),
            name,
            namespace: namespace.clone(),
            selector: selector.clone(),
            set: set.clone(),
            remove: remove.clone(),
            overwrite,
        };
        if annotation {
            Operation::Annotate(edit)
        } else {
            Operation::Label(edit)
        }
    };
    Some(per_name(names, one))
}
