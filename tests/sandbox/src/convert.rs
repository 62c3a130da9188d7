//! Version conversion for the one kind served in two versions
//! (HorizontalPodAutoscaler autoscaling/v1 and v2; v2 is stored).
//! `kubectl autoscale` and `get hpa` may use either.

use serde_json::{Value, json};

use crate::resources::ResourceType;

fn is_hpa(t: &ResourceType) -> bool {
    t.is("autoscaling", "horizontalpodautoscalers")
}

/// Stored (preferred-version) object → the version `t` serves.
pub fn to_served(t: &ResourceType, mut obj: Value) -> Value {
    if is_hpa(t) && t.version == "v1" {
        let cpu = obj
            .pointer("/spec/metrics")
            .and_then(Value::as_array)
            .and_then(|ms| {
                ms.iter()
                    .find(|m| m.pointer("/resource/name").and_then(Value::as_str) == Some("cpu"))
            })
            .and_then(|m| m.pointer("/resource/target/averageUtilization").cloned());
        if let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) {
            spec.remove("metrics");
            spec.remove("behavior");
            if let Some(cpu) = cpu {
                spec.insert("targetCPUUtilizationPercentage".into(), cpu);
            }
        }
        let current_cpu = obj
            .pointer("/status/currentMetrics")
            .and_then(Value::as_array)
            .and_then(|ms| ms.first())
            .and_then(|m| m.pointer("/resource/current/averageUtilization").cloned());
        if let Some(status) = obj.get_mut("status").and_then(Value::as_object_mut) {
            status.remove("currentMetrics");
            status.remove("conditions");
            if let Some(c) = current_cpu {
                status.insert("currentCPUUtilizationPercentage".into(), c);
            }
        }
    }
    if let Some(m) = obj.as_object_mut() {
        m.insert("apiVersion".into(), json!(t.api_version()));
    }
    obj
}

/// Object in the version `t` serves → stored version.
pub fn to_storage(t: &ResourceType, mut obj: Value) -> Value {
    let stored = crate::resources::preferred(t);
    if is_hpa(t) && t.version == "v1" {
        if let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut)
            && let Some(cpu) = spec.remove("targetCPUUtilizationPercentage")
        {
            spec.insert(
                "metrics".into(),
                json!([{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": cpu}}}]),
            );
        }
        if let Some(status) = obj.get_mut("status").and_then(Value::as_object_mut)
            && let Some(cpu) = status.remove("currentCPUUtilizationPercentage")
        {
            status.insert(
                "currentMetrics".into(),
                json!([{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": cpu}}}]),
            );
        }
    }
    if let Some(m) = obj.as_object_mut() {
        m.insert("apiVersion".into(), json!(stored.api_version()));
        m.insert("kind".into(), json!(stored.kind));
    }
    obj
}
