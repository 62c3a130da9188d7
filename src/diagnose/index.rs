//! Lookups shared by the analyzers: events by object, pods by namespace, the
//! workload that owns a pod, and small helpers for ages and names.

use std::collections::HashMap;

use super::ObjectKey;
use super::collect::Collected;
use super::objects::{Event, Object, parse_time};

/// Maps keyed by string slices borrowed from the collection, nested so lookups
/// can use keys of any lifetime (`&'a str: Borrow<str>`).
type By<'a, V> = HashMap<&'a str, V>;

pub struct Index<'a> {
    pub c: &'a Collected,
    /// kind → namespace → name → events
    events: By<'a, By<'a, By<'a, Vec<&'a Event>>>>,
    /// namespace → name → ReplicaSet
    replicasets: By<'a, By<'a, &'a Object>>,
    pods_by_ns: By<'a, Vec<&'a Object>>,
    /// namespace → deployment → ReplicaSets
    rs_by_deployment: By<'a, By<'a, Vec<&'a Object>>>,
    /// kind → namespace → name → object
    objects: By<'a, By<'a, By<'a, &'a Object>>>,
}

impl<'a> Index<'a> {
    pub fn new(c: &'a Collected) -> Index<'a> {
        let mut events: By<By<By<Vec<&Event>>>> = HashMap::new();
        for e in &c.events {
            let o = &e.involved_object;
            let ns = if o.namespace.is_empty() {
                e.metadata.namespace.as_str()
            } else {
                o.namespace.as_str()
            };
            events
                .entry(o.kind.as_str())
                .or_default()
                .entry(ns)
                .or_default()
                .entry(o.name.as_str())
                .or_default()
                .push(e);
        }
        let mut replicasets: By<By<&Object>> = HashMap::new();
        for rs in &c.replicasets {
            replicasets
                .entry(rs.namespace())
                .or_default()
                .insert(rs.name(), rs);
        }
        let mut pods_by_ns: HashMap<&str, Vec<&Object>> = HashMap::new();
        for p in &c.pods {
            pods_by_ns.entry(p.namespace()).or_default().push(p);
        }
        let mut rs_by_deployment: By<By<Vec<&Object>>> = HashMap::new();
        for rs in &c.replicasets {
            if let Some(owner) = rs.controller().filter(|o| o.kind == "Deployment") {
                rs_by_deployment
                    .entry(rs.namespace())
                    .or_default()
                    .entry(owner.name.as_str())
                    .or_default()
                    .push(rs);
            }
        }
        let mut objects: By<By<By<&Object>>> = HashMap::new();
        for o in [
            &c.deployments,
            &c.statefulsets,
            &c.daemonsets,
            &c.replicasets,
            &c.jobs,
            &c.cronjobs,
            &c.services,
            &c.endpoints,
            &c.pvcs,
            &c.pods,
        ]
        .into_iter()
        .flatten()
        {
            objects
                .entry(o.kind.as_str())
                .or_default()
                .entry(o.namespace())
                .or_default()
                .insert(o.name(), o);
        }
        Index {
            c,
            events,
            replicasets,
            pods_by_ns,
            rs_by_deployment,
            objects,
        }
    }

    /// Events about one object, in the order kubectl listed them.
    pub fn events_of(&self, kind: &str, namespace: &str, name: &str) -> &[&'a Event] {
        self.events
            .get(kind)
            .and_then(|m| m.get(namespace))
            .and_then(|m| m.get(name))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The most recent event with one of these reasons.
    pub fn last_event(&self, obj: &Object, reasons: &[&str]) -> Option<&'a Event> {
        self.events_of(&obj.kind, obj.namespace(), obj.name())
            .iter()
            .filter(|e| reasons.contains(&e.reason.as_str()))
            .max_by_key(|e| e.last_seen().and_then(parse_time).unwrap_or(0))
            .copied()
    }

    pub fn pods_in(&self, namespace: &str) -> &[&'a Object] {
        self.pods_by_ns
            .get(namespace)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The ReplicaSets a Deployment owns.
    pub fn replicasets_of(&self, namespace: &str, deployment: &str) -> &[&'a Object] {
        self.rs_by_deployment
            .get(namespace)
            .and_then(|m| m.get(deployment))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn replicaset(&self, namespace: &str, name: &str) -> Option<&'a Object> {
        self.replicasets
            .get(namespace)
            .and_then(|m| m.get(name))
            .copied()
    }

    /// The workload a pod belongs to: its ReplicaSet's Deployment, its
    /// StatefulSet, DaemonSet or Job; `None` for a bare pod.
    pub fn workload_of(&self, pod: &Object) -> Option<ObjectKey> {
        let owner = pod.controller()?;
        let ns = pod.namespace();
        match owner.kind.as_str() {
            "ReplicaSet" => {
                let deployment = self
                    .replicaset(ns, &owner.name)
                    .and_then(|rs| rs.controller())
                    .filter(|o| o.kind == "Deployment");
                Some(match deployment {
                    Some(d) => ObjectKey::new("Deployment", ns, &d.name),
                    None => ObjectKey::new("ReplicaSet", ns, &owner.name),
                })
            }
            "StatefulSet" | "DaemonSet" | "Job" => {
                Some(ObjectKey::new(&owner.kind, ns, &owner.name))
            }
            _ => None,
        }
    }

    /// Seconds since a timestamp, when it parses.
    pub fn age(&self, timestamp: Option<&str>) -> Option<i64> {
        Some(self.c.now - parse_time(timestamp?)?)
    }

    /// The object with this kind, namespace and name among the collected ones.
    pub fn find(&self, kind: &str, namespace: &str, name: &str) -> Option<&'a Object> {
        self.objects
            .get(kind)
            .and_then(|m| m.get(namespace))
            .and_then(|m| m.get(name))
            .copied()
    }
}

/// "3m", "2h", "5d": a short human duration.
pub fn human_duration(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..=119 => format!("{s}s"),
        120..=7199 => format!("{}m", s / 60),
        7200..=172_799 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// The lowercase kind kubectl and plans use: `Deployment` → `deployment`.
pub fn plan_kind(kind: &str) -> String {
    kind.to_ascii_lowercase()
}

/// "a, b, c (+4 more)".
pub fn name_list<'s>(names: impl IntoIterator<Item = &'s str>, max: usize) -> String {
    let names: Vec<&str> = names.into_iter().collect();
    let shown = names[..names.len().min(max)].join(", ");
    if names.len() > max {
        format!("{shown} (+{} more)", names.len() - max)
    } else {
        shown
    }
}
