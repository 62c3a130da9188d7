//! Replica counts and rollouts: scale (absolute and relative), autoscale, restart,
//! roll back.

use crate::plan::{Operation, ReplicaChange};

use super::slots::{Obj, Slots, topic};

/// The replica change a sentence asks for; `sign` is -1 for "decrease/reduce".
pub(super) fn change(s: &mut Slots, sign: i64, relative: bool) -> Option<ReplicaChange> {
    let up = std::mem::take(&mut s.up);
    let down = std::mem::take(&mut s.down);
    if up && down {
        return None;
    }
    let dir = if down { -sign.abs() } else { sign };
    let relative = relative || up || down || sign < 0;
    if let Some(n) = s.to_num.take() {
        return Some(ReplicaChange::To(n));
    }
    if let Some(n) = s.by_num.take() {
        return Some(ReplicaChange::By(dir * n));
    }
    if let Some(p) = s.by_percent.take() {
        return Some(ReplicaChange::ByPercent(dir * p));
    }
    if relative && let Some(p) = s.percent.take() {
        return Some(ReplicaChange::ByPercent(dir * p));
    }
    let n = s.count.take()?;
    Some(if relative {
        ReplicaChange::By(dir * n)
    } else {
        ReplicaChange::To(n)
    })
}

/// Uses "to web" as the object when nothing else named one ("add 2 replicas to web").
pub(super) fn to_as_target(s: &mut Slots) {
    if s.objs.iter().all(|o| o.names.is_empty())
        && s.called.is_none()
        && let Some(v) = s.to_value.take()
    {
        s.objs.push(Obj {
            kind: None,
            plural: false,
            names: vec![v],
            before: false,
        });
    }
}

/// "scale nginx to 3", "scale web up by 2", "scale the api deployment in shop down to 0".
pub(super) fn scale(s: &mut Slots, sign: i64) -> Option<Vec<Operation>> {
    scale_with(s, sign, false)
}

/// Scale where a bare count is a change ("add 2 replicas") when `relative`.
pub(super) fn scale_with(s: &mut Slots, sign: i64, relative: bool) -> Option<Vec<Operation>> {
    s.take_topic(topic::REPLICAS);
    let replicas = change(s, sign, relative)?;
    let (kind, names) = s.take_many("deployment")?;
    let namespace = s.take_namespace()?;
    Some(
        names
            .into_iter()
            .map(|name| Operation::Scale {
                kind: kind.clone(),
                name,
                namespace: namespace.clone(),
                replicas,
            })
            .collect(),
    )
}

/// "increase the replicas of web by 2", "reduce web to 1 replica", "lower the memory limit…".
pub(super) fn adjust(s: &mut Slots, sign: i64) -> Option<Vec<Operation>> {
    if !s.pending.is_empty()
        || !s.requests.is_empty()
        || !s.limits.is_empty()
        || s.has(topic::IMAGE)
    {
        return super::containers::set(s);
    }
    if s.to_num.is_none()
        && s.by_num.is_none()
        && s.by_percent.is_none()
        && s.percent.is_none()
        && !s.has(topic::REPLICAS)
    {
        return None;
    }
    if s.count.is_some() && s.by_num.is_none() && s.to_num.is_none() {
        // "increase web 2": by or to? Not said.
        return None;
    }
    scale(s, sign)
}

/// "restart deployment web", "bounce api and web in shop", "rolling restart of web".
pub(super) fn restart(s: &mut Slots) -> Option<Vec<Operation>> {
    s.take_topic(topic::ROLLOUT);
    let (kind, names) = s.take_many("deployment")?;
    let namespace = s.take_namespace()?;
    Some(
        names
            .into_iter()
            .map(|name| Operation::RolloutRestart {
                kind: kind.clone(),
                name,
                namespace: namespace.clone(),
            })
            .collect(),
    )
}

/// "roll back web", "undo the rollout of api to revision 2", "revert web to the previous version".
pub(super) fn undo(s: &mut Slots) -> Option<Vec<Operation>> {
    s.take_topic(topic::ROLLOUT | topic::BACK | topic::PREVIOUS_VERSION);
    let (kind, name) = s.take_one("deployment")?;
    Some(vec![Operation::RolloutUndo {
        kind,
        name,
        namespace: s.take_namespace()?,
        to_revision: s.revision.take(),
    }])
}

/// "autoscale web between 2 and 10 replicas at 70% cpu", "add an autoscaler to api, max 5".
pub(super) fn autoscale(s: &mut Slots) -> Option<Vec<Operation>> {
    s.take_topic(topic::AUTOSCALE | topic::REPLICAS);
    to_as_target(s);
    let min = match (s.min.take(), s.from_num.take()) {
        (Some(a), None) | (None, Some(a)) => Some(a),
        (None, None) => None,
        _ => return None,
    };
    let max = match (s.max.take(), s.to_num.take()) {
        (Some(a), None) | (None, Some(a)) => a,
        _ => return None,
    };
    let cpu_percent = match (s.cpu_percent.take(), s.percent.take()) {
        (Some(a), None) | (None, Some(a)) => Some(a),
        (None, None) => None,
        _ => return None,
    };
    let (kind, name) = s.take_one("deployment")?;
    Some(vec![Operation::Autoscale {
        kind,
        name,
        namespace: s.take_namespace()?,
        min,
        max,
        cpu_percent,
    }])
}

/// "pause the rollout of web", "resume web": the deployment's `spec.paused`, as
/// `kubectl rollout pause|resume` sets it (a merge patch, previewed like any change).
pub(super) fn pause(s: &mut Slots, paused: bool) -> Option<Vec<Operation>> {
    s.take_topic(topic::ROLLOUT);
    let (kind, name) = s.take_one("deployment")?;
    if kind != "deployment" && kind != "deploy" {
        return None;
    }
    Some(vec![Operation::Patch {
        kind,
        name,
        namespace: s.take_namespace()?,
        patch_type: crate::plan::PatchType::Merge,
        patch: serde_json::json!({"spec": {"paused": paused}}),
    }])
}
