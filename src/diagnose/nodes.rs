//! Nodes: NotReady, pressure conditions, and cordoned nodes.

use super::index::{Index, human_duration, name_list};
use super::objects::Object;
use super::{Finding, Fix, ObjectKey, Severity};
use crate::plan::{Operation, Plan};

pub fn analyze(index: &Index) -> Vec<Finding> {
    let mut out = Vec::new();
    for node in &index.c.nodes {
        let key = ObjectKey::new("Node", "", node.name());
        let pods_here: Vec<&Object> = index
            .c
            .pods
            .iter()
            .filter(|p| p.spec.node_name == node.name())
            .collect();
        let not_ready = node.condition("Ready").filter(|c| !c.is_true());
        // Looking at one namespace, a node none of its pods run on is worth knowing
        // about, but it is not this namespace's problem.
        let elsewhere = index.c.namespace_scoped && pods_here.is_empty();
        let severity = |s: Severity| if elsewhere { Severity::Info } else { s };
        if let Some(ready) = not_ready {
            let since = index
                .age(ready.last_transition_time.as_deref())
                .map(|s| format!(" for {}", human_duration(s)))
                .unwrap_or_default();
            let mut f = Finding::new(
                "node.not_ready",
                severity(Severity::Critical),
                key.clone(),
                format!(
                    "NotReady{since}{}",
                    if elsewhere {
                        " (none of the pods looked at run on it)"
                    } else {
                        ""
                    }
                ),
            )
            .evidence(format!(
                "condition Ready={} ({}): {}",
                ready.status, ready.reason, ready.message
            ));
            // Pressure before the kubelet went quiet is part of the same story.
            for c in &node.status.conditions {
                if c.type_ != "Ready" && c.is_true() {
                    f.push_evidence(format!(
                        "condition {}=True ({}): {}",
                        c.type_, c.reason, c.message
                    ));
                }
            }
            if !pods_here.is_empty() {
                f.push_evidence(format!(
                    "{} pod{} on it: {}",
                    pods_here.len(),
                    if pods_here.len() == 1 { "" } else { "s" },
                    name_list(pods_here.iter().map(|p| p.name()), 5)
                ));
            }
            f = f.cause(if ready.status == "Unknown" {
                "the kubelet stopped reporting: the node is down, unreachable, or its kubelet crashed; its pods are not ready and will be evicted"
            } else {
                "the kubelet reports the node unhealthy (often the container runtime or the network plugin)"
            });
            f.related = pods_here.iter().map(|p| ObjectKey::of(p)).collect();
            out.push(f);
        }
        for (condition, severity, cause) in [
            (
                "MemoryPressure",
                Severity::Warning,
                "the node is low on memory; the kubelet will evict pods",
            ),
            (
                "DiskPressure",
                Severity::Warning,
                "the node is low on disk; the kubelet will evict pods and garbage-collect images",
            ),
            (
                "PIDPressure",
                Severity::Warning,
                "the node is running out of process ids",
            ),
            (
                "NetworkUnavailable",
                Severity::Critical,
                "the node's network is not configured (network plugin)",
            ),
        ] {
            if not_ready.is_some() {
                break;
            }
            if let Some(c) = node.condition(condition).filter(|c| c.is_true()) {
                out.push(
                    Finding::new(
                        "node.pressure",
                        if elsewhere { Severity::Info } else { severity },
                        key.clone(),
                        condition.to_string(),
                    )
                    .evidence(format!(
                        "condition {condition}=True ({}): {}",
                        c.reason, c.message
                    ))
                    .cause(cause),
                );
            }
        }
        if node.spec.unschedulable {
            out.push(
                Finding::new(
                    "node.cordoned",
                    Severity::Info,
                    key,
                    "cordoned: no new pods are scheduled on it",
                )
                .evidence("spec.unschedulable is true")
                .cause("the node was cordoned, usually for maintenance")
                .fix(Some(Fix {
                    summary: format!(
                        "uncordon node/{} (when its maintenance is over)",
                        node.name()
                    ),
                    plan: Plan::single(Operation::Uncordon {
                        node: node.name().to_string(),
                    }),
                })),
            );
        }
    }
    out
}
