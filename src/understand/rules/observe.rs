//! Watching the cluster: logs, events, resource usage (top) and rollouts, and the
//! dispatch of every "show/get/list …" sentence to the right read.

use crate::plan::{ObjectRef, Operation, TopResource};

use super::Verb;
use super::reads;
use super::slots::{Slots, topic};

/// Any read: the topic words decide which one.
pub(super) fn build(verb: Verb, s: &mut Slots) -> Option<Vec<Operation>> {
    if verb == Verb::Top || s.has(topic::USAGE) {
        return top(s);
    }
    if s.has(topic::LOGS) {
        return logs(verb, s);
    }
    if verb == Verb::Tail {
        return None;
    }
    if s.has(topic::EVENTS | topic::WARNINGS) {
        return events(s);
    }
    if s.has(topic::ROLLOUT | topic::HISTORY) {
        return rollout(s);
    }
    if s.has(topic::CONTEXTS | topic::CONTEXT) {
        return reads::contexts(s);
    }
    if s.take_topic(topic::API_RESOURCES) {
        return Some(vec![Operation::ApiResources { namespaced: None }]);
    }
    if s.has(topic::ENDPOINTS) {
        return reads::endpoints(s);
    }
    if s.take_topic(topic::DETAILS) {
        return reads::describe(s);
    }
    reads::get(s)
}

/// "logs of api-5c4", "last 50 lines of logs from deployment web in shop", "--previous".
fn logs(verb: Verb, s: &mut Slots) -> Option<Vec<Operation>> {
    s.take_topic(topic::LOGS);
    let (kind, name) = s.take_one("pod")?;
    let tail = s.tail.take();
    if verb == Verb::Tail && tail.is_none() {
        // "tail the logs" means follow, which the plan cannot express.
        return None;
    }
    Some(vec![Operation::Logs {
        kind,
        name,
        namespace: s.take_namespace()?,
        container: s.container.take(),
        all_containers: std::mem::take(&mut s.all_containers),
        tail,
        since: s.since.take(),
        previous: std::mem::take(&mut s.previous),
        follow: std::mem::take(&mut s.follow),
    }])
}

/// "events in shop", "warning events across all namespaces", "events for pod web-1".
fn events(s: &mut Slots) -> Option<Vec<Operation>> {
    s.take_topic(topic::EVENTS);
    let warnings_only = s.take_topic(topic::WARNINGS);
    let (kind, mut names) = s.take_target()?;
    let object = match (kind, names.len()) {
        (None, 0) => None,
        (Some(k), 1) => Some(ObjectRef {
            kind: k.kind.to_string(),
            name: names.remove(0),
        }),
        _ => return None,
    };
    let (namespace, all_namespaces) = s.take_scope()?;
    Some(vec![Operation::Events {
        namespace,
        all_namespaces,
        warnings_only,
        object,
    }])
}

/// "top pods", "cpu and memory usage of nodes", "which pods use the most memory".
fn top(s: &mut Slots) -> Option<Vec<Operation>> {
    s.take_topic(topic::USAGE);
    let (kind, mut names) = s.take_target()?;
    let resource = match kind?.resource {
        "pods" => TopResource::Pods,
        "nodes" => TopResource::Nodes,
        _ => return None,
    };
    if names.len() > 1 {
        return None;
    }
    let sort_by = match s.sort.take() {
        None => None,
        Some(key @ ("cpu" | "memory")) => Some(key.to_string()),
        Some(_) => return None,
    };
    let (namespace, all_namespaces) = s.take_scope()?;
    if resource == TopResource::Nodes && (namespace.is_some() || all_namespaces) {
        return None;
    }
    Some(vec![Operation::Top {
        resource,
        name: names.pop(),
        namespace,
        all_namespaces,
        selector: s.take_selector(),
        sort_by,
        containers: std::mem::take(&mut s.all_containers),
    }])
}

/// "rollout status of web", "show rollout history of deployment api".
fn rollout(s: &mut Slots) -> Option<Vec<Operation>> {
    s.take_topic(topic::ROLLOUT);
    let history = s.take_topic(topic::HISTORY);
    let status = s.take_topic(topic::STATUS);
    let (kind, name) = s.take_one("deployment")?;
    let namespace = s.take_namespace()?;
    match (history, status) {
        (true, false) => Some(vec![Operation::RolloutHistory {
            kind,
            name,
            namespace,
            revision: s.revision.take(),
        }]),
        (false, true) => Some(vec![Operation::RolloutStatus {
            kind,
            name,
            namespace,
        }]),
        _ => None,
    }
}
