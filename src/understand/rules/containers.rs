//! Changes to a workload's pod template: image, environment, resources; and the
//! "set/update/change …" verb, which reaches every settable thing.

use crate::plan::{KeyValue, Operation};

use super::slots::{Slots, topic};

/// "set …", "update …", "change …": the topic decides what is set.
pub(super) fn set(s: &mut Slots) -> Option<Vec<Operation>> {
    if s.context.is_some() || s.has(topic::CONTEXT) {
        return super::nodes::switch(s);
    }
    if s.has(topic::LABEL) {
        return super::metadata::edit(s, false);
    }
    if s.has(topic::ANNOTATION) {
        return super::metadata::edit(s, true);
    }
    if !s.pending.is_empty() || !s.requests.is_empty() || !s.limits.is_empty() {
        return resources(s);
    }
    if s.has(topic::IMAGE) || s.image.is_some() {
        return image(s);
    }
    if s.has(topic::ENV) {
        return env(s);
    }
    if s.has(topic::REPLICAS) || s.to_num.is_some() || s.by_num.is_some() {
        return super::scale::scale(s, 1);
    }
    if !s.pairs.is_empty() {
        return env(s);
    }
    if s.to_value
        .as_deref()
        .is_some_and(|v| v.contains(':') || v.contains('@'))
    {
        return image(s);
    }
    None
}

/// "update the image of deployment web to nginx:1.27", "set image of container app in api to repo/api:v2".
pub(super) fn image(s: &mut Slots) -> Option<Vec<Operation>> {
    s.take_topic(topic::IMAGE);
    let mut container = s.container.take();
    let image = match (s.image.take(), s.to_value.take()) {
        (Some(i), None) | (None, Some(i)) => i,
        (None, None) if s.pairs.len() == 1 => {
            // kubectl's own form: "set image deploy/web app=nginx:1.27"
            let kv = s.take_pairs().remove(0);
            if container.replace(kv.key).is_some() {
                return None;
            }
            kv.value
        }
        _ => return None,
    };
    let container = container.filter(|c| c != "*");
    let (kind, name) = s.take_one("deployment")?;
    Some(vec![Operation::SetImage {
        kind,
        name,
        namespace: s.take_namespace()?,
        container,
        image,
    }])
}

/// "set env LOG_LEVEL=debug on web", "set env var LOG_LEVEL to debug on web".
pub(super) fn env(s: &mut Slots) -> Option<Vec<Operation>> {
    s.take_topic(topic::ENV);
    let mut set = s.take_pairs();
    let keys = std::mem::take(&mut s.keys);
    match (keys.len(), s.to_value.take()) {
        (0, None) => {}
        (1, Some(v)) => set.push(KeyValue::new(keys[0].clone(), v)),
        _ => return None,
    }
    let (kind, name) = s.take_one("deployment")?;
    Some(vec![Operation::SetEnv {
        kind,
        name,
        namespace: s.take_namespace()?,
        container: s.container.take(),
        set,
        remove: vec![],
    }])
}

/// "remove env var LOG_LEVEL from web".
pub(super) fn unset_env(s: &mut Slots) -> Option<Vec<Operation>> {
    s.take_topic(topic::ENV);
    let remove = std::mem::take(&mut s.keys);
    if remove.is_empty() {
        return None;
    }
    let (kind, name) = s.take_one("deployment")?;
    Some(vec![Operation::SetEnv {
        kind,
        name,
        namespace: s.take_namespace()?,
        container: s.container.take(),
        set: vec![],
        remove,
    }])
}

/// "set memory limit of deployment web to 512Mi", "set cpu request of api to 250m".
pub(super) fn resources(s: &mut Slots) -> Option<Vec<Operation>> {
    let requests = std::mem::take(&mut s.requests);
    let limits = std::mem::take(&mut s.limits);
    let (kind, name) = s.take_one("deployment")?;
    Some(vec![Operation::SetResources {
        kind,
        name,
        namespace: s.take_namespace()?,
        container: s.container.take(),
        requests,
        limits,
    }])
}
