//! Services: a selector that matches no pod (and the closest labels that do
//! exist, offered as a selector fix), no ready endpoints, and a target port that
//! the selected pods do not expose.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::index::Index;
use super::objects::Object;
use super::{Finding, Fix, ObjectKey, Severity};
use crate::plan::{Operation, PatchType, Plan};

/// Labels that say nothing about which app a pod is.
const BOOKKEEPING_LABELS: &[&str] = &[
    "pod-template-hash",
    "controller-revision-hash",
    "statefulset.kubernetes.io/pod-name",
    "pod-template-generation",
    "batch.kubernetes.io/controller-uid",
    "batch.kubernetes.io/job-name",
    "controller-uid",
    "job-name",
];

pub fn analyze(index: &Index) -> Vec<Finding> {
    let mut out = Vec::new();
    for svc in &index.c.services {
        let selector = &svc.spec.selector.labels;
        if selector.is_empty() || svc.spec.type_ == "ExternalName" {
            continue;
        }
        let pods: Vec<&Object> = index
            .pods_in(svc.namespace())
            .iter()
            .filter(|p| {
                matches(selector, &p.metadata.labels)
                    && p.status.phase != "Succeeded"
                    && p.status.phase != "Failed"
            })
            .copied()
            .collect();
        if pods.is_empty() {
            out.push(no_match(index, svc, selector));
            continue;
        }
        let ready = ready_endpoints(index, svc, &pods);
        if ready == 0 {
            let mut f = Finding::new(
                "service.no_ready_endpoints",
                Severity::Critical,
                ObjectKey::of(svc),
                format!("no ready endpoints: {} matching pods, none ready", pods.len()),
            )
            .cause("the pods the service selects are not ready, so it sends traffic nowhere: fix the pods (see their findings)");
            let names: Vec<&str> = pods.iter().map(|p| p.name()).collect();
            f.push_evidence(format!(
                "selector {} matches pods: {}",
                selector_text(selector),
                super::index::name_list(names, 5)
            ));
            f.related = pods.iter().map(|p| ObjectKey::of(p)).collect();
            out.push(f);
        }
        if let Some(f) = target_port(svc, &pods) {
            out.push(f);
        }
    }
    out
}

fn matches(selector: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

fn selector_text(selector: &BTreeMap<String, String>) -> String {
    selector
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Ready addresses from the Endpoints object, or ready pods when there is none.
fn ready_endpoints(index: &Index, svc: &Object, pods: &[&Object]) -> usize {
    if let Some(ep) = index.find("Endpoints", svc.namespace(), svc.name()) {
        return ep.subsets.iter().map(|s| s.addresses.len()).sum();
    }
    pods.iter()
        .filter(|p| p.condition("Ready").is_some_and(|c| c.is_true()))
        .count()
}

fn no_match(index: &Index, svc: &Object, selector: &BTreeMap<String, String>) -> Finding {
    let mut f = Finding::new(
        "service.selector_no_match",
        Severity::Critical,
        ObjectKey::of(svc),
        format!("selector {} matches no pods", selector_text(selector)),
    );
    f.push_evidence(format!("spec.selector: {}", selector_text(selector)));
    let closest = closest_labels(selector, index.pods_in(svc.namespace()));
    match closest {
        Some((labels, proposed, count)) => {
            f.push_evidence(format!(
                "closest pod labels: {} ({count} pod{})",
                selector_text(&labels),
                if count == 1 { "" } else { "s" }
            ));
            f = f.cause(format!(
                "the selector does not match the pods' labels; pods labelled {} exist",
                selector_text(&proposed)
            ));
            let mut patch = Map::new();
            for k in selector.keys() {
                if !proposed.contains_key(k) {
                    patch.insert(k.clone(), Value::Null);
                }
            }
            for (k, v) in &proposed {
                if selector.get(k) != Some(v) {
                    patch.insert(k.clone(), Value::String(v.clone()));
                }
            }
            f.fix = Some(Fix {
                summary: format!(
                    "change the selector of service/{} to {}",
                    svc.name(),
                    selector_text(&proposed)
                ),
                plan: Plan::single(Operation::Patch {
                    kind: "service".into(),
                    name: svc.name().to_string(),
                    namespace: (!svc.namespace().is_empty()).then(|| svc.namespace().to_string()),
                    patch_type: PatchType::Merge,
                    patch: serde_json::json!({ "spec": { "selector": patch } }),
                }),
            });
        }
        None => {
            f = f.cause("no pod in the namespace carries these labels: the workload is missing, or the selector is wrong");
        }
    }
    f
}

type Labels = BTreeMap<String, String>;

/// The pod label set closest to the selector, the selector that would match it,
/// and how many pods carry it.
fn closest_labels(selector: &Labels, pods: &[&Object]) -> Option<(Labels, Labels, usize)> {
    let mut sets: BTreeMap<Labels, usize> = BTreeMap::new();
    for p in pods {
        if matches!(p.status.phase.as_str(), "Succeeded" | "Failed") {
            continue;
        }
        let labels: Labels = p
            .metadata
            .labels
            .iter()
            .filter(|(k, _)| !BOOKKEEPING_LABELS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !labels.is_empty() {
            *sets.entry(labels).or_default() += 1;
        }
    }
    let mut best: Option<(i64, Labels, Labels, usize)> = None;
    for (labels, count) in sets {
        let mut score = 0;
        let mut proposed = Labels::new();
        for (k, v) in selector {
            if let Some(actual) = labels.get(k) {
                score += if actual == v {
                    3
                } else {
                    1 + similarity(v, actual)
                };
                proposed.insert(k.clone(), actual.clone());
            } else if let Some((k2, _)) = labels.iter().find(|(_, v2)| *v2 == v) {
                score += 2;
                proposed.insert(k2.clone(), v.clone());
            }
        }
        if score <= 1 || proposed.is_empty() {
            continue;
        }
        if best.as_ref().is_none_or(|b| score > b.0) {
            best = Some((score, labels, proposed, count));
        }
    }
    best.map(|(_, labels, proposed, count)| (labels, proposed, count))
}

/// 1 when two values share a long common prefix or one contains the other.
fn similarity(a: &str, b: &str) -> i64 {
    let prefix = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    i64::from(a.contains(b) || b.contains(a) || prefix >= 3)
}

/// A numeric (or named) targetPort no selected pod declares.
fn target_port(svc: &Object, pods: &[&Object]) -> Option<Finding> {
    let declared: Vec<(&str, i64)> = pods
        .iter()
        .flat_map(|p| p.spec.containers.iter())
        .flat_map(|c| c.ports.iter())
        .map(|p| (p.name.as_str(), p.container_port))
        .collect();
    if declared.is_empty() {
        return None; // ports need not be declared; nothing to compare against
    }
    let mut missing = Vec::new();
    for port in &svc.spec.ports {
        let target = match &port.target_port {
            Some(Value::Number(n)) => n.as_i64().map(|n| (None, n)),
            Some(Value::String(s)) => match s.parse::<i64>() {
                Ok(n) => Some((None, n)),
                Err(_) => Some((Some(s.as_str()), 0)),
            },
            _ => Some((None, port.port)),
        };
        let Some((name, number)) = target else {
            continue;
        };
        let exposed = match name {
            Some(name) => declared.iter().any(|(n, _)| *n == name),
            None => declared.iter().any(|(_, p)| *p == number),
        };
        if !exposed {
            missing.push(match name {
                Some(n) => format!("port {} → targetPort {n:?}", port.port),
                None => format!("port {} → targetPort {number}", port.port),
            });
        }
    }
    if missing.is_empty() {
        return None;
    }
    let mut ports: Vec<String> = declared
        .iter()
        .map(|(n, p)| {
            if n.is_empty() {
                p.to_string()
            } else {
                format!("{p} ({n})")
            }
        })
        .collect();
    ports.sort();
    ports.dedup();
    let mut f = Finding::new(
        "service.target_port",
        Severity::Warning,
        ObjectKey::of(svc),
        format!(
            "target port not exposed by the selected pods: {}",
            missing.join(", ")
        ),
    )
    .cause(
        "the service forwards to a port the containers do not declare: connections will be refused",
    );
    f.push_evidence(format!("the pods declare ports: {}", ports.join(", ")));
    Some(f)
}
