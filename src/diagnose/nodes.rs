//! Nodes: NotReady, pressure conditions, and cordoned nodes.

use super::index::{Index, human_duration};
use super::{Finding, Fix, ObjectKey, Severity};
use crate::plan::{Operation, Plan};

pub fn analyze(index: &Index) -> Vec<Finding> {
    let mut out = Vec::new();
    for node in &index.c.nodes {
        let key = ObjectKey::new("Node", "", node.name());
        let pods_here = || {
            index
                .c
                .pods
                .iter()
                .filter(|p| p.spec.node_name == node.name())
                .count()
        };
        if let Some(ready) = node.condition("Ready").filter(|c| !c.is_true()) {
            let since = index
                .age(ready.last_transition_time.as_deref())
                .map(|s| format!(" for {}", human_duration(s)))
                .unwrap_or_default();
            out.push(
                Finding::new(
                    "node.not_ready",
                    Severity::Critical,
                    key.clone(),
                    format!("NotReady{since}"),
                )
                .evidence(format!(
                    "condition Ready={} ({}): {}",
                    ready.status, ready.reason, ready.message
                ))
                .evidence(format!("{} pods are assigned to it", pods_here()))
                .cause(if ready.status == "Unknown" {
                    "the kubelet stopped reporting: the node is down, unreachable, or its kubelet crashed"
                } else {
                    "the kubelet reports the node unhealthy (often the container runtime or the network plugin)"
                }),
            );
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
            if let Some(c) = node.condition(condition).filter(|c| c.is_true()) {
                out.push(
                    Finding::new(
                        "node.pressure",
                        severity,
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
