//! HorizontalPodAutoscalers: a scale target that does not exist, metrics that
//! cannot be read, and autoscalers pinned at their maximum.

use super::index::Index;
use super::{Finding, Fix, ObjectKey, Severity};
use crate::plan::{Operation, PatchType, Plan};

/// Raising maxReplicas is only suggested up to this.
const MAX_SUGGESTED_REPLICAS: i64 = 1000;

pub fn analyze(index: &Index) -> Vec<Finding> {
    let mut out = Vec::new();
    for hpa in &index.c.hpas {
        let key = ObjectKey::of(hpa);
        let target = hpa.spec.scale_target_ref.clone().unwrap_or_default();
        let able = hpa.condition("AbleToScale");
        let target_exists = match target.kind.as_str() {
            "Deployment" | "StatefulSet" | "ReplicaSet" => Some(
                index
                    .find(&target.kind, hpa.namespace(), &target.name)
                    .is_some(),
            ),
            _ => None, // custom scalable kinds are not collected
        };
        let get_scale_failed = able.is_some_and(|c| c.is_false() && c.reason == "FailedGetScale");
        if target_exists == Some(false) || get_scale_failed {
            let mut f = Finding::new(
                "hpa.target_missing",
                Severity::Critical,
                key,
                format!("scale target {}/{} does not exist", target.kind.to_ascii_lowercase(), target.name),
            )
            .cause("the autoscaler points at a workload that is not there (renamed or deleted): fix spec.scaleTargetRef");
            if let Some(c) = able.filter(|c| c.is_false()) {
                f.push_evidence(format!(
                    "condition AbleToScale=False ({}): {}",
                    c.reason, c.message
                ));
            }
            out.push(f);
            continue;
        }
        if let Some(c) = hpa
            .condition("ScalingActive")
            .filter(|c| c.is_false() && c.reason != "ScalingDisabled")
        {
            let mut f = Finding::new(
                "hpa.metrics_unavailable",
                Severity::Warning,
                key.clone(),
                "cannot read its metrics, so it does not scale",
            )
            .evidence(format!("condition ScalingActive=False ({}): {}", c.reason, c.message))
            .cause(if c.message.contains("missing request") {
                "the pods have no resource requests for the metric: set cpu/memory requests on the workload"
            } else {
                "the metrics API is not answering: is metrics-server (or the adapter for custom metrics) installed and healthy?"
            });
            if let Some(e) = index.last_event(
                hpa,
                &[
                    "FailedGetResourceMetric",
                    "FailedComputeMetricsReplicas",
                    "FailedGetExternalMetric",
                    "FailedGetPodsMetric",
                ],
            ) {
                f.push_evidence(format!("event {}: {}", e.reason, e.message));
            }
            out.push(f);
        }
        let max = hpa.spec.max_replicas.unwrap_or(0);
        let current = hpa.status.current_replicas.unwrap_or(0);
        let desired = hpa.status.desired_replicas.unwrap_or(0);
        let limited = hpa
            .condition("ScalingLimited")
            .filter(|c| c.is_true() && c.reason == "TooManyReplicas");
        if max > 0 && current >= max && (limited.is_some() || desired > max) {
            let raised = (max * 2).min(MAX_SUGGESTED_REPLICAS);
            let mut f = Finding::new(
                "hpa.at_max",
                Severity::Warning,
                key,
                format!("pinned at its maximum of {max} replicas"),
            )
            .evidence(format!("{current} current, {desired} desired, maxReplicas {max}"))
            .cause("the load needs more replicas than the autoscaler may create: raise maxReplicas (if the cluster has room) or make each pod handle more");
            if let Some(c) = limited {
                f.push_evidence(format!(
                    "condition ScalingLimited=True (TooManyReplicas): {}",
                    c.message
                ));
            }
            if raised > max {
                f.fix = Some(Fix {
                    summary: format!(
                        "raise maxReplicas of hpa/{} from {max} to {raised} (check cluster capacity first)",
                        hpa.name()
                    ),
                    plan: Plan::single(Operation::Patch {
                        kind: "horizontalpodautoscaler".into(),
                        name: hpa.name().to_string(),
                        namespace: (!hpa.namespace().is_empty())
                            .then(|| hpa.namespace().to_string()),
                        patch_type: PatchType::Merge,
                        patch: serde_json::json!({"spec": {"maxReplicas": raised}}),
                    }),
                });
            }
            out.push(f);
        }
    }
    out
}
