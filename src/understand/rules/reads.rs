//! Plain reads: get, describe, contexts, endpoints, explain.

use crate::plan::kinds;
use crate::plan::{Operation, OutputFormat};

use super::per_name;
use super::slots::{Slots, topic};

/// "get pods in shop", "show pod web-7d9f as yaml", "list pods that are not running".
pub(super) fn get(s: &mut Slots) -> Option<Vec<Operation>> {
    let mut objs = std::mem::take(&mut s.objs);
    // "get pods namespace shop": a named namespace beside another kind is the scope.
    if objs.len() > 1
        && let Some(i) = objs
            .iter()
            .position(|o| o.kind.is_some_and(|k| k.resource == "namespaces") && o.names.len() == 1)
    {
        let ns = objs.remove(i).names.remove(0);
        if s.namespace.replace(ns).is_some() {
            return None;
        }
    }
    let mut kinds = Vec::new();
    let mut names = Vec::new();
    for o in objs {
        if let Some(k) = o.kind {
            kinds.push(k);
        }
        names.extend(o.names);
    }
    names.extend(s.called.take());
    let distinct = kinds
        .iter()
        .enumerate()
        .all(|(i, k)| !kinds[..i].contains(k));
    if kinds.is_empty() || !distinct || (!names.is_empty() && kinds.len() > 1) {
        return None;
    }
    let mut fields = std::mem::take(&mut s.fields);
    if let Some(node) = s.node.take() {
        fields.push(format!("spec.nodeName={node}"));
    }
    if !fields.is_empty() && kinds.iter().any(|k| k.resource != "pods") {
        return None;
    }
    let sort_by = match s.sort.take() {
        Some(path) if path.starts_with('.') => Some(path.to_string()),
        Some(_) => return None,
        None => None,
    };
    let show_labels = s.take_topic(topic::LABEL);
    let (namespace, all_namespaces) = s.take_scope()?;
    let kinds: Vec<String> = kinds.iter().map(|k| k.resource.to_string()).collect();
    let field_selector = (!fields.is_empty()).then(|| fields.join(","));
    let selector = s.take_selector();
    let output: Option<OutputFormat> = s.output.take();
    let one = |name: Option<String>| Operation::Get {
        kinds: kinds.clone(),
        name,
        namespace: namespace.clone(),
        all_namespaces,
        selector: selector.clone(),
        field_selector: field_selector.clone(),
        output,
        columns: vec![],
        jsonpath: None,
        sort_by: sort_by.clone(),
        show_labels,
    };
    Some(per_name(names, one))
}

/// "describe pod web-7d9f", "details of the deployment called api".
pub(super) fn describe(s: &mut Slots) -> Option<Vec<Operation>> {
    let (kind, names) = s.take_target()?;
    let kind = kind?.singular.to_string();
    let namespace = s.take_namespace()?;
    let selector = s.take_selector();
    let one = |name: Option<String>| Operation::Describe {
        kind: kind.clone(),
        name,
        namespace: namespace.clone(),
        selector: selector.clone(),
    };
    Some(per_name(names, one))
}

/// "what contexts do I have", "which context am I using".
pub(super) fn contexts(s: &mut Slots) -> Option<Vec<Operation>> {
    let plural = s.take_topic(topic::CONTEXTS);
    let singular = s.take_topic(topic::CONTEXT);
    let current = s.take_topic(topic::CURRENT);
    if plural && singular {
        return None;
    }
    Some(vec![Operation::Contexts {
        current_only: current || singular,
    }])
}

/// "endpoints of service web", "list endpoints in shop".
pub(super) fn endpoints(s: &mut Slots) -> Option<Vec<Operation>> {
    s.take_topic(topic::ENDPOINTS);
    let (kind, mut names) = s.take_target()?;
    if kind.is_some_and(|k| k.resource != "services") || names.len() > 1 {
        return None;
    }
    if let Some(service) = names.pop() {
        return Some(vec![Operation::Endpoints {
            service,
            namespace: s.take_namespace()?,
        }]);
    }
    if kind.is_some() {
        return None;
    }
    s.objs.push(super::slots::Obj {
        kind: kinds::lookup("endpoints"),
        plural: true,
        names: vec![],
        before: false,
    });
    get(s)
}

/// "explain deployments", "explain deployment.spec.strategy recursively".
pub(super) fn explain(s: &mut Slots) -> Option<Vec<Operation>> {
    let (kind, mut names) = s.take_target()?;
    let field = match (kind, names.len()) {
        (Some(k), 0) => k.singular.to_string(),
        (None, 1) => {
            let f = names.remove(0).to_ascii_lowercase();
            let (head, _) = f.split_once('.')?;
            kinds::lookup(head)?;
            f
        }
        _ => return None,
    };
    Some(vec![Operation::Explain {
        field,
        recursive: std::mem::take(&mut s.recursive),
    }])
}
