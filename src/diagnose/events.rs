//! Warning events that no other finding explains, grouped by namespace, kind and
//! reason so a thousand repeats are one line. Recent, repeated warnings about an
//! object that still exists are warnings; the rest are info.

use std::collections::{BTreeMap, HashSet};

use super::index::{Index, name_list};
use super::objects::{Event, parse_time};
use super::{Finding, ObjectKey, Severity};

/// Events last seen longer ago than this are ignored.
const MAX_AGE_SECS: i64 = 3600;
/// Seen within this and repeated: a warning rather than info.
const RECENT_SECS: i64 = 600;
/// Groups reported at most (the rest are summarized in one line).
const MAX_GROUPS: usize = 20;

pub fn analyze(index: &Index, findings: &[Finding]) -> Vec<Finding> {
    let mut explained: HashSet<(&str, Option<&str>, &str)> = HashSet::new();
    for f in findings {
        for k in std::iter::once(&f.object).chain(f.related.iter()) {
            explained.insert((k.kind.as_str(), k.namespace.as_deref(), k.name.as_str()));
        }
    }
    let is_explained = |e: &Event| {
        let o = &e.involved_object;
        // Events about cluster-scoped objects (nodes) carry a namespace; the finding does not.
        let ns = (!o.namespace.is_empty() && o.kind != "Node").then_some(o.namespace.as_str());
        if explained.contains(&(o.kind.as_str(), ns, o.name.as_str())) {
            return true;
        }
        // Events of a Deployment's ReplicaSets, or a workload's pods, belong to the workload.
        match o.kind.as_str() {
            "ReplicaSet" => index
                .replicaset(&o.namespace, &o.name)
                .and_then(|rs| rs.controller())
                .is_some_and(|d| explained.contains(&(d.kind.as_str(), ns, d.name.as_str()))),
            "Pod" => index
                .find("Pod", &o.namespace, &o.name)
                .and_then(|p| index.workload_of(p))
                .is_some_and(|w| explained.contains(&(w.kind.as_str(), ns, w.name.as_str()))),
            _ => false,
        }
    };

    let mut groups: BTreeMap<(&str, &str, &str), Vec<&Event>> = BTreeMap::new();
    for e in &index.c.events {
        if !e.is_warning() {
            continue;
        }
        let age = e.last_seen().and_then(parse_time).map(|t| index.c.now - t);
        if age.is_some_and(|a| a > MAX_AGE_SECS) || is_explained(e) {
            continue;
        }
        let o = &e.involved_object;
        groups
            .entry((o.namespace.as_str(), o.kind.as_str(), e.reason.as_str()))
            .or_default()
            .push(e);
    }

    let mut out: Vec<Finding> = Vec::new();
    let total_groups = groups.len();
    for ((ns, kind, reason), mut events) in groups.into_iter().take(MAX_GROUPS) {
        events.sort_by_key(|e| std::cmp::Reverse(e.last_seen().and_then(parse_time).unwrap_or(0)));
        let times: i64 = events.iter().map(|e| e.times()).sum();
        let mut objects: Vec<&str> = events
            .iter()
            .map(|e| e.involved_object.name.as_str())
            .collect();
        objects.sort_unstable();
        objects.dedup();
        let first = events[0];
        let recent = first
            .last_seen()
            .and_then(parse_time)
            .is_none_or(|t| index.c.now - t <= RECENT_SECS);
        let exists = kind == "Node" || index.find(kind, ns, &first.involved_object.name).is_some();
        let severity = if recent && times >= 3 && exists {
            Severity::Warning
        } else {
            Severity::Info
        };
        let object_ns = if kind == "Node" { "" } else { ns };
        let object = ObjectKey::new(kind, object_ns, &first.involved_object.name);
        let problem = if objects.len() == 1 {
            format!(
                "{times} Warning event{} {reason}",
                if times == 1 { "" } else { "s" }
            )
        } else {
            format!(
                "{times} Warning events {reason} on {} {}s",
                objects.len(),
                kind.to_ascii_lowercase()
            )
        };
        let mut f = Finding::new("event.warning", severity, object, problem).cause(format!(
            "the cluster reported {reason} and no other check explains it: read the messages"
        ));
        if objects.len() > 1 {
            f.push_evidence(format!(
                "{}: {}",
                kind.to_ascii_lowercase(),
                name_list(objects, 5)
            ));
        }
        let mut messages: Vec<&str> = Vec::new();
        for e in &events {
            if !messages.contains(&e.message.as_str()) {
                messages.push(&e.message);
            }
        }
        for m in messages.iter().take(3) {
            f.push_evidence(format!("event {reason}: {m}"));
        }
        f.related = events
            .iter()
            .map(|e| ObjectKey::new(kind, ns, &e.involved_object.name))
            .collect();
        f.related.dedup();
        out.push(f);
    }
    if total_groups > MAX_GROUPS {
        out.push(
            Finding::new(
                "event.warning",
                Severity::Info,
                ObjectKey::new("Event", "", "(more)"),
                format!(
                    "{} more groups of Warning events not shown",
                    total_groups - MAX_GROUPS
                ),
            )
            .cause("run kubectl get events --field-selector type=Warning to see them"),
        );
    }
    out
}
