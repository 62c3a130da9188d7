//! Plain reads: get, describe, contexts, endpoints, explain.

use crate::plan::kinds;
use crate::plan::{Column, Operation, OutputFormat};

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

/// One object of one kind (default `default`), shown with the given columns.
fn columns_of(
    s: &mut Slots,
    default: &str,
    columns: impl Fn(&str) -> Option<Vec<(&'static str, &'static str)>>,
) -> Option<Vec<Operation>> {
    let (kind, name) = s.take_one(default)?;
    let info = kinds::lookup(&kind)?;
    let columns = columns(info.resource)?
        .into_iter()
        .map(|(header, path)| Column {
            header: header.into(),
            path: path.into(),
        })
        .collect();
    Some(vec![Operation::Get {
        kinds: vec![info.resource.to_string()],
        name: Some(name),
        namespace: s.take_namespace()?,
        all_namespaces: false,
        selector: None,
        field_selector: None,
        output: None,
        columns,
        jsonpath: None,
        sort_by: None,
        show_labels: false,
    }])
}

/// "how many replicas does web have" (desired and ready, one line), and "how
/// many pods are running in shop" (the pods, listed).
pub(super) fn how_many(s: &mut Slots) -> Option<Vec<Operation>> {
    if s.take_topic(topic::REPLICAS) {
        return columns_of(s, "deployment", |resource| {
            matches!(resource, "deployments" | "statefulsets" | "replicasets").then(|| {
                vec![
                    ("NAME", ".metadata.name"),
                    ("DESIRED", ".spec.replicas"),
                    ("READY", ".status.readyReplicas"),
                ]
            })
        });
    }
    if s.objs.iter().any(|o| !o.names.is_empty()) || s.called.is_some() {
        return None;
    }
    get(s)
}

/// "what image is web running": each container and its image.
pub(super) fn images(s: &mut Slots) -> Option<Vec<Operation>> {
    columns_of(s, "deployment", |resource| match resource {
        "pods" => Some(vec![
            ("NAME", ".metadata.name"),
            ("CONTAINER", ".spec.containers[*].name"),
            ("IMAGE", ".spec.containers[*].image"),
        ]),
        "deployments" | "statefulsets" | "daemonsets" | "replicasets" | "jobs" => Some(vec![
            ("NAME", ".metadata.name"),
            ("CONTAINER", ".spec.template.spec.containers[*].name"),
            ("IMAGE", ".spec.template.spec.containers[*].image"),
        ]),
        _ => None,
    })
}

/// "which node is pod web-1 on": the pod's wide line (its node and IP). Only for
/// a pod said to be one: a deployment's pods may sit on several nodes.
pub(super) fn node_of(s: &mut Slots) -> Option<Vec<Operation>> {
    let (kind, names) = s.take_target()?;
    if kind?.resource != "pods" || names.len() != 1 {
        return None;
    }
    s.objs.push(super::slots::Obj {
        kind,
        plural: false,
        names,
        before: false,
    });
    if s.output.replace(OutputFormat::Wide).is_some() {
        return None;
    }
    get(s)
}
