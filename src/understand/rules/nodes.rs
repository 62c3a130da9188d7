//! Nodes and contexts: cordon, uncordon, drain, taint; switching the kubeconfig context.

use crate::plan::{Operation, TaintEffect};

use super::slots::{Slots, topic};

/// Node names: "node worker-1", "worker-1 and worker-2", "nodes a and b".
fn nodes(s: &mut Slots) -> Option<Vec<String>> {
    let (kind, names) = s.take_many("node")?;
    (kind == "node").then_some(names)
}

/// "cordon node worker-1", "uncordon worker-1 and worker-2".
pub(super) fn cordon(s: &mut Slots, on: bool) -> Option<Vec<Operation>> {
    Some(
        nodes(s)?
            .into_iter()
            .map(|node| {
                if on {
                    Operation::Cordon { node }
                } else {
                    Operation::Uncordon { node }
                }
            })
            .collect(),
    )
}

/// "drain node worker-2", "drain worker-2 and delete emptydir data".
pub(super) fn drain(s: &mut Slots) -> Option<Vec<Operation>> {
    let delete_emptydir_data = std::mem::take(&mut s.emptydir);
    Some(
        nodes(s)?
            .into_iter()
            .map(|node| Operation::Drain {
                node,
                ignore_daemonsets: true,
                delete_emptydir_data,
            })
            .collect(),
    )
}

/// "mark node worker-1 as unschedulable" / "… schedulable".
pub(super) fn mark(s: &mut Slots) -> Option<Vec<Operation>> {
    let off = s.take_topic(topic::UNSCHEDULABLE);
    let on = s.take_topic(topic::SCHEDULABLE);
    match (off, on) {
        (true, false) => cordon(s, true),
        (false, true) => cordon(s, false),
        _ => None,
    }
}

/// "taint node worker-1 dedicated=gpu:NoSchedule".
pub(super) fn taint(s: &mut Slots) -> Option<Vec<Operation>> {
    let mut pairs = std::mem::take(&mut s.pairs);
    if pairs.len() != 1 {
        return None;
    }
    let spec = pairs.remove(0);
    let (spec, remove) = match spec.strip_suffix('-') {
        Some(rest) => (rest.to_string(), true),
        None => (spec, false),
    };
    let (kv, effect) = spec.rsplit_once(':')?;
    let effect = match effect.to_ascii_lowercase().as_str() {
        "noschedule" => TaintEffect::NoSchedule,
        "prefernoschedule" => TaintEffect::PreferNoSchedule,
        "noexecute" => TaintEffect::NoExecute,
        _ => return None,
    };
    let (key, value) = kv.split_once('=')?;
    let mut names = nodes(s)?;
    if names.len() != 1 {
        return None;
    }
    Some(vec![Operation::Taint {
        node: names.remove(0),
        key: key.to_string(),
        value: (!value.is_empty()).then(|| value.to_string()),
        effect,
        remove,
    }])
}

/// "switch to context staging", "use context prod", "switch to the staging context".
pub(super) fn switch(s: &mut Slots) -> Option<Vec<Operation>> {
    if s.has(topic::IMAGE) || s.image.is_some() {
        return super::containers::image(s);
    }
    if let Some(namespace) = namespace_switch(s) {
        return Some(vec![Operation::UseNamespace { namespace }]);
    }
    s.take_topic(topic::CONTEXT);
    let context = match (s.context.take(), s.to_value.take()) {
        (Some(c), None) | (None, Some(c)) => c,
        _ => return None,
    };
    Some(vec![Operation::UseContext { context }])
}

/// "switch to namespace shop", "use the shop namespace", "switch namespace to shop":
/// one namespace, named once, and nothing else said.
fn namespace_switch(s: &mut Slots) -> Option<String> {
    let [obj] = s.objs.as_slice() else {
        return None;
    };
    if obj.kind.map(|k| k.resource) != Some("namespaces") || obj.plural || s.context.is_some() {
        return None;
    }
    let namespace = match (obj.names.as_slice(), &s.to_value) {
        ([name], None) => name.clone(),
        ([], Some(value)) => value.clone(),
        _ => return None,
    };
    s.objs.clear();
    s.to_value = None;
    s.take_topic(topic::CURRENT);
    Some(namespace)
}
