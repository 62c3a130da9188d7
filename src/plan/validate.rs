//! Every value a plan carries is checked here before anything runs.
//!
//! Values come from sentences, models and plan files, so none is trusted: names
//! must be DNS-1123, nothing may start with `-` (it would become a kubectl flag),
//! selectors, quantities, images, ports, durations and replica counts must be well
//! formed and in bounds. A plan either passes whole or is refused with a message
//! that names the bad value and the operation it came from; no part of a refused
//! plan ever runs.

use super::kinds::{self, KindInfo};
use super::{KeyValue, MetadataEdit, Operation, Plan, ReplicaChange, Resources};

/// The most operations one plan may hold, whatever made it (the rules, a model,
/// a plan file): each is a kubectl call, and a model's plan must not fan out
/// into hundreds of reads. A longer job is several plans.
pub const MAX_OPERATIONS: usize = 20;

/// Bounds that come from configuration rather than from Kubernetes.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest replica count a plan may ask for.
    pub replica_ceiling: i64,
    /// The most operations a plan may hold ([`MAX_OPERATIONS`]).
    pub max_operations: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            replica_ceiling: 1000,
            max_operations: MAX_OPERATIONS,
        }
    }
}

/// Why a plan was refused; the message names the bad value and says what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ValidationError {
    /// The index of the offending operation, when there is one.
    pub operation: Option<usize>,
    pub message: String,
}

type Check = Result<(), String>;

/// Checks a whole plan; the first problem found is reported.
pub fn validate(plan: &Plan, limits: &Limits) -> Result<(), ValidationError> {
    match validate_all(plan, limits) {
        Ok(()) => Ok(()),
        Err(mut problems) => Err(problems.remove(0)),
    }
}

/// Checks a whole plan and reports every problem found, in plan order (for the
/// model's repair request, which must name them all at once).
pub fn validate_all(plan: &Plan, limits: &Limits) -> Result<(), Vec<ValidationError>> {
    if plan.operations.is_empty() {
        return Err(vec![ValidationError {
            operation: None,
            message: "the plan is empty: there is nothing to do".into(),
        }]);
    }
    if plan.operations.len() > limits.max_operations {
        return Err(vec![ValidationError {
            operation: None,
            message: format!(
                "the plan has {} operations, and a plan may have at most {}; nothing was run. \
                 Split it into smaller plans",
                plan.operations.len(),
                limits.max_operations
            ),
        }]);
    }
    let mut problems: Vec<ValidationError> = plan
        .operations
        .iter()
        .enumerate()
        .filter_map(|(index, op)| {
            let message = validate_operation(op, limits).err()?;
            Some(ValidationError {
                operation: Some(index),
                message: if plan.operations.len() > 1 {
                    format!("operation {} ({}): {message}", index + 1, op.verb())
                } else {
                    message
                },
            })
        })
        .collect();
    problems.extend(use_context_last(plan).err());
    problems.extend(
        super::interactive::terminal_last(&plan.operations)
            .err()
            .map(|(index, message)| ValidationError {
                operation: Some(index),
                message,
            }),
    );
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// A run is pinned to the context it started in: every call goes there, and the
/// question names it. A `use_context` ends what a plan may do, since what would
/// follow it was meant for another context that nothing previewed.
fn use_context_last(plan: &Plan) -> Result<(), ValidationError> {
    let last = plan.operations.len() - 1;
    for (index, op) in plan.operations.iter().enumerate() {
        if let Operation::UseContext { context } = op
            && index < last
        {
            return Err(ValidationError {
                operation: Some(index),
                message: format!(
                    "operation {} (use_context): operations after use_context would run in \
                     context {context}, which this run did not preview; put use_context last \
                     or split the plan",
                    index + 1
                ),
            });
        }
    }
    Ok(())
}

/// Checks one operation.
pub fn validate_operation(op: &Operation, limits: &Limits) -> Check {
    match op {
        Operation::Get {
            kinds,
            name,
            namespace,
            all_namespaces: _,
            selector,
            field_selector,
            output: _,
            columns,
            jsonpath,
            sort_by,
            show_labels: _,
        } => {
            if kinds.is_empty() {
                return Err("get needs at least one kind".into());
            }
            for k in kinds {
                known_kind(k)?;
            }
            if name.is_some() && kinds.len() > 1 {
                return Err("get with a name takes exactly one kind".into());
            }
            opt(name, object_name)?;
            opt(namespace, namespace_name)?;
            opt(selector, label_selector)?;
            opt(field_selector, field_selector_check)?;
            for column in columns {
                column_header(&column.header)?;
                json_path(&column.path)?;
            }
            opt(jsonpath, jsonpath_template)?;
            opt(sort_by, json_path)
        }
        Operation::Describe {
            kind,
            name,
            namespace,
            selector,
        } => {
            known_kind(kind)?;
            opt(name, object_name)?;
            opt(namespace, namespace_name)?;
            opt(selector, label_selector)
        }
        Operation::Logs {
            kind,
            name,
            namespace,
            container,
            all_containers: _,
            tail,
            since,
            previous: _,
            follow: _,
        } => {
            let info = known_kind(kind)?;
            if info.resource != "pods" && !info.has_pod_template {
                return Err(format!(
                    "logs come from pods or workloads with pods, not from {}",
                    info.resource
                ));
            }
            object_name(name)?;
            opt(namespace, namespace_name)?;
            opt(container, container_name)?;
            if let Some(tail) = tail {
                bounded("tail", *tail, 0, 1_000_000)?;
            }
            opt(since, duration)
        }
        Operation::Events {
            namespace,
            all_namespaces: _,
            warnings_only: _,
            object,
        } => {
            opt(namespace, namespace_name)?;
            if let Some(object) = object {
                known_kind(&object.kind)?;
                object_name(&object.name)?;
            }
            Ok(())
        }
        Operation::Top {
            resource: _,
            name,
            namespace,
            all_namespaces: _,
            selector,
            sort_by,
            containers: _,
        } => {
            opt(name, object_name)?;
            opt(namespace, namespace_name)?;
            opt(selector, label_selector)?;
            match sort_by.as_deref() {
                None | Some("cpu") | Some("memory") => Ok(()),
                Some(other) => Err(format!(
                    "top can sort by cpu or memory, not {other}",
                    other = crate::shown::value(other)
                )),
            }
        }
        Operation::RolloutStatus {
            kind,
            name,
            namespace,
        } => rollout_target(kind, name, namespace),
        Operation::RolloutHistory {
            kind,
            name,
            namespace,
            revision,
        } => {
            rollout_target(kind, name, namespace)?;
            revision.map_or(Ok(()), |r| bounded("revision", r, 1, i64::from(i32::MAX)))
        }
        Operation::Endpoints { service, namespace } => {
            dns_label("service name", service)?;
            opt(namespace, namespace_name)
        }
        Operation::Contexts { .. } | Operation::ApiResources { .. } => Ok(()),
        Operation::Explain {
            field,
            recursive: _,
        } => explain_field(field),
        Operation::CreateDeployment {
            name,
            namespace,
            image,
            replicas,
            port,
        } => {
            object_name(name)?;
            opt(namespace, namespace_name)?;
            image_ref(image)?;
            if let Some(replicas) = replicas {
                replica_count(*replicas, limits)?;
            }
            port.map_or(Ok(()), port_number)
        }
        Operation::RunPod {
            name,
            namespace,
            image,
            port,
            labels,
            env,
        } => {
            dns_label("pod name", name)?;
            opt(namespace, namespace_name)?;
            image_ref(image)?;
            port.map_or(Ok(()), port_number)?;
            for kv in labels {
                label_pair(kv)?;
            }
            env.iter().try_for_each(env_pair)
        }
        Operation::Apply { objects, namespace } => {
            opt(namespace, namespace_name)?;
            if objects.is_empty() {
                return Err("apply needs at least one object".into());
            }
            objects.iter().try_for_each(manifest_object)
        }
        Operation::Scale {
            kind,
            name,
            namespace,
            replicas,
        } => {
            let info = known_kind(kind)?;
            if !info.scalable {
                return Err(format!(
                    "{} cannot be scaled; scale works on deployments, statefulsets and replicasets",
                    info.resource
                ));
            }
            object_name(name)?;
            opt(namespace, namespace_name)?;
            match replicas {
                ReplicaChange::To(n) => replica_count(*n, limits),
                ReplicaChange::By(delta) => bounded(
                    "replica change",
                    *delta,
                    -limits.replica_ceiling,
                    limits.replica_ceiling,
                ),
                ReplicaChange::ByPercent(percent) => {
                    bounded("replica change (percent)", *percent, -100, 1000)
                }
            }
        }
        Operation::Autoscale {
            kind,
            name,
            namespace,
            min,
            max,
            cpu_percent,
        } => {
            let info = known_kind(kind)?;
            if !info.scalable {
                return Err(format!("{} cannot be autoscaled", info.resource));
            }
            object_name(name)?;
            opt(namespace, namespace_name)?;
            replica_count(*max, limits)?;
            if *max < 1 {
                return Err(format!(
                    "the autoscaler maximum must be at least 1, not {max}"
                ));
            }
            if let Some(min) = min {
                replica_count(*min, limits)?;
                if *min < 1 || min > max {
                    return Err(format!(
                        "the autoscaler minimum must be between 1 and the maximum ({max}), not {min}"
                    ));
                }
            }
            cpu_percent.map_or(Ok(()), |p| bounded("cpu percent", p, 1, 1000))
        }
        Operation::SetImage {
            kind,
            name,
            namespace,
            container,
            image,
        } => {
            templated_target(kind, name, namespace)?;
            opt(container, container_name)?;
            image_ref(image)
        }
        Operation::SetEnv {
            kind,
            name,
            namespace,
            container,
            set,
            remove,
        } => {
            templated_target(kind, name, namespace)?;
            opt(container, container_name)?;
            if set.is_empty() && remove.is_empty() {
                return Err("set env needs at least one variable to set or remove".into());
            }
            set.iter().try_for_each(env_pair)?;
            remove.iter().try_for_each(|name| env_name(name))
        }
        Operation::SetResources {
            kind,
            name,
            namespace,
            container,
            requests,
            limits: resource_limits,
        } => {
            templated_target(kind, name, namespace)?;
            opt(container, container_name)?;
            if requests.is_empty() && resource_limits.is_empty() {
                return Err("set resources needs a cpu or memory request or limit".into());
            }
            resources(requests)?;
            resources(resource_limits)
        }
        Operation::RolloutRestart {
            kind,
            name,
            namespace,
        } => rollout_target(kind, name, namespace),
        Operation::RolloutUndo {
            kind,
            name,
            namespace,
            to_revision,
        } => {
            rollout_target(kind, name, namespace)?;
            to_revision.map_or(Ok(()), |r| bounded("revision", r, 1, i64::from(i32::MAX)))
        }
        Operation::Expose {
            kind,
            name,
            namespace,
            port,
            target_port,
            service_type: _,
            service_name,
        } => {
            let info = known_kind(kind)?;
            if !(info.has_pod_template || matches!(info.resource, "pods" | "services")) {
                return Err(format!("{} cannot be exposed", info.resource));
            }
            object_name(name)?;
            opt(namespace, namespace_name)?;
            port_number(*port)?;
            target_port.map_or(Ok(()), port_number)?;
            if service_name.is_none() && dns_label("service name", name).is_err() {
                return Err(format!(
                    "{name} cannot be a service name (at most 63 lowercase letters, digits and '-'); give a service name",
                    name = crate::shown::value(name)
                ));
            }
            opt(service_name, |s| dns_label("service name", s))
        }
        Operation::Label(edit) => metadata_edit(edit, label_pair, label_key),
        Operation::Annotate(edit) => metadata_edit(edit, annotation_pair, label_key),
        Operation::Delete {
            kind,
            name,
            namespace,
            selector,
        } => {
            known_kind(kind)?;
            opt(namespace, namespace_name)?;
            match (name, selector) {
                (Some(name), None) => object_name(name),
                (None, Some(selector)) => label_selector(selector),
                (Some(_), Some(_)) => Err("delete takes a name or a selector, not both".into()),
                (None, None) => Err(
                    "delete needs a name or a label selector; deleting every object of a kind is not offered".into(),
                ),
            }
        }
        Operation::CreateNamespace { name } => namespace_name(name),
        Operation::CreateConfigMap {
            name,
            namespace,
            data,
        }
        | Operation::CreateSecret {
            name,
            namespace,
            data,
        } => {
            object_name(name)?;
            opt(namespace, namespace_name)?;
            if data.is_empty() {
                return Err("needs at least one key=value".into());
            }
            data.iter().try_for_each(|kv| config_key(&kv.key))
        }
        Operation::Cordon { node } | Operation::Uncordon { node } => node_name(node),
        Operation::Drain { node, .. } => node_name(node),
        Operation::Taint {
            node,
            key,
            value,
            effect: _,
            remove: _,
        } => {
            node_name(node)?;
            label_key(key)?;
            opt(value, label_value)
        }
        Operation::Patch {
            kind,
            name,
            namespace,
            patch_type: _,
            patch,
        } => {
            known_kind(kind)?;
            object_name(name)?;
            opt(namespace, namespace_name)?;
            if !patch.is_object() || patch.as_object().is_some_and(|o| o.is_empty()) {
                return Err("a patch must be a non-empty JSON object".into());
            }
            Ok(())
        }
        Operation::UseContext { context } => context_name(context),
        Operation::UseNamespace { namespace } => namespace_name(namespace),
        Operation::CurrentNamespace {} | Operation::Version {} => Ok(()),
        Operation::PortForward(forward) => forward.validate(),
        Operation::Exec(exec) => exec.validate(),
        Operation::Restore(restore) => restore.validate(),
    }
}

fn opt(value: &Option<String>, check: impl Fn(&str) -> Check) -> Check {
    value.as_deref().map_or(Ok(()), check)
}

/// Resolves a kind or explains which kinds exist.
pub fn known_kind(name: &str) -> Result<&'static KindInfo, String> {
    not_a_flag("kind", name)?;
    kinds::lookup(name).ok_or_else(|| {
        let known: Vec<&str> = kinds::known_names().collect();
        format!(
            "unknown kind {}; known kinds: {}",
            crate::shown::value(name),
            known.join(", ")
        )
    })
}

fn rollout_target(kind: &str, name: &str, namespace: &Option<String>) -> Check {
    let info = known_kind(kind)?;
    if !info.has_rollout {
        return Err(format!(
            "{} have no rollouts; rollouts work on deployments, statefulsets and daemonsets",
            info.resource
        ));
    }
    object_name(name)?;
    opt(namespace, namespace_name)
}

fn templated_target(kind: &str, name: &str, namespace: &Option<String>) -> Check {
    let info = known_kind(kind)?;
    if !info.has_pod_template && info.resource != "pods" {
        return Err(format!("{} have no containers to change", info.resource));
    }
    object_name(name)?;
    opt(namespace, namespace_name)
}

fn metadata_edit(
    edit: &MetadataEdit,
    pair: fn(&KeyValue) -> Check,
    key: fn(&str) -> Check,
) -> Check {
    known_kind(&edit.kind)?;
    opt(&edit.namespace, namespace_name)?;
    match (&edit.name, &edit.selector) {
        (Some(name), None) => object_name(name)?,
        (None, Some(selector)) => label_selector(selector)?,
        (Some(_), Some(_)) => return Err("give a name or a selector, not both".into()),
        (None, None) => return Err("needs the name of an object or a label selector".into()),
    }
    if edit.set.is_empty() && edit.remove.is_empty() {
        return Err("needs at least one key to set or remove".into());
    }
    edit.set.iter().try_for_each(pair)?;
    edit.remove.iter().try_for_each(|k| key(k))
}

fn not_a_flag(what: &str, value: &str) -> Check {
    if value.starts_with('-') {
        return Err(format!(
            "{what} {value} starts with '-'; values may not look like command-line flags",
            value = crate::shown::value(value)
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(format!(
            "{what} {value} contains control characters (an escape sequence?); remove them",
            value = crate::shown::value(value)
        ));
    }
    Ok(())
}

fn bounded(what: &str, value: i64, min: i64, max: i64) -> Check {
    if value < min || value > max {
        return Err(format!(
            "{what} {value} is out of range; it must be between {min} and {max}"
        ));
    }
    Ok(())
}

/// Replica counts: never negative, never above the configured ceiling.
pub fn replica_count(n: i64, limits: &Limits) -> Check {
    if n < 0 {
        return Err(format!(
            "replica count {n} is negative; it must be 0 or more"
        ));
    }
    if n > limits.replica_ceiling {
        return Err(format!(
            "replica count {n} is above the ceiling of {} (raise replica_ceiling in the config file if you mean it)",
            limits.replica_ceiling
        ));
    }
    Ok(())
}

pub fn port_number(port: i64) -> Check {
    if !(1..=65535).contains(&port) {
        return Err(format!("port {port} is out of range; ports are 1-65535"));
    }
    Ok(())
}

/// DNS-1123 subdomain: most object names (lowercase alphanumerics, '-', '.', at most 253).
pub fn object_name(name: &str) -> Check {
    not_a_flag("name", name)?;
    let valid = !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|part| is_dns_label(part, 253));
    if !valid {
        return Err(format!(
            "name {name} is not a valid Kubernetes name (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit)",
            name = crate::shown::value(name)
        ));
    }
    Ok(())
}

/// DNS-1123 label: namespaces, services, pods run by name, container names.
pub fn dns_label(what: &str, name: &str) -> Check {
    not_a_flag(what, name)?;
    if !is_dns_label(name, 63) {
        return Err(format!(
            "{what} {name} is not valid (at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit)",
            name = crate::shown::value(name)
        ));
    }
    Ok(())
}

pub fn namespace_name(name: &str) -> Check {
    dns_label("namespace", name)
}

fn container_name(name: &str) -> Check {
    dns_label("container name", name)
}

fn node_name(name: &str) -> Check {
    not_a_flag("node name", name)?;
    object_name(name).map_err(|_| {
        format!(
            "node name {name} is not a valid Kubernetes name",
            name = crate::shown::value(name)
        )
    })
}

fn is_dns_label(s: &str, max: usize) -> bool {
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= max
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
}

/// Label keys: an optional DNS subdomain prefix and a name of at most 63 characters.
pub fn label_key(key: &str) -> Check {
    not_a_flag("key", key)?;
    let (prefix, name) = match key.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    let prefix_ok =
        prefix.is_none_or(|p| p.len() <= 253 && p.split('.').all(|l| is_dns_label(l, 63)));
    if !prefix_ok || !is_label_name(name) || name.is_empty() {
        return Err(format!(
            "key {key} is not a valid label or annotation key (letters, digits, '-', '_', '.', at most 63, with an optional DNS prefix and '/')",
            key = crate::shown::value(key)
        ));
    }
    Ok(())
}

fn is_label_name(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && bytes.first().is_none_or(u8::is_ascii_alphanumeric)
        && bytes.last().is_none_or(u8::is_ascii_alphanumeric)
}

pub fn label_value(value: &str) -> Check {
    if !is_label_name(value) {
        return Err(format!(
            "label value {value} is not valid (at most 63 letters, digits, '-', '_', '.', starting and ending with a letter or digit)",
            value = crate::shown::value(value)
        ));
    }
    Ok(())
}

fn label_pair(kv: &KeyValue) -> Check {
    label_key(&kv.key)?;
    label_value(&kv.value)
}

fn annotation_pair(kv: &KeyValue) -> Check {
    label_key(&kv.key)?;
    if kv
        .value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(format!(
            "annotation {} has control characters in its value; remove them",
            crate::shown::value(&kv.key)
        ));
    }
    Ok(())
}

fn env_name(name: &str) -> Check {
    not_a_flag("environment variable", name)?;
    let ok = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !ok {
        return Err(format!(
            "environment variable name {name} is not valid (letters, digits, '_', '-', '.', not starting with a digit)",
            name = crate::shown::value(name)
        ));
    }
    Ok(())
}

fn env_pair(kv: &KeyValue) -> Check {
    env_name(&kv.key)?;
    if kv.value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(format!("the value of {} has control characters", kv.key));
    }
    Ok(())
}

fn config_key(key: &str) -> Check {
    not_a_flag("key", key)?;
    let ok = !key.is_empty()
        && key.len() <= 253
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && key != "."
        && key != "..";
    if !ok {
        return Err(format!(
            "key {key} is not valid (letters, digits, '-', '_' and '.')",
            key = crate::shown::value(key)
        ));
    }
    Ok(())
}

/// Label selectors: comma-separated `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a)`, `k`, `!k`.
pub fn label_selector(selector: &str) -> Check {
    not_a_flag("selector", selector)?;
    let bad = || {
        format!(
            "label selector {selector} is not valid (use forms like app=web, tier!=db, env in (prod,staging), app)",
            selector = crate::shown::value(selector)
        )
    };
    if selector.trim().is_empty() {
        return Err(bad());
    }
    for requirement in split_requirements(selector).ok_or_else(bad)? {
        let r = requirement.trim();
        if let Some(key) = r.strip_prefix('!') {
            label_key(key.trim()).map_err(|_| bad())?;
        } else if let Some((key, values)) = set_requirement(r) {
            label_key(key).map_err(|_| bad())?;
            let values: Vec<&str> = values.split(',').map(str::trim).collect();
            if values
                .iter()
                .any(|v| v.is_empty() || label_value(v).is_err())
            {
                return Err(bad());
            }
        } else if let Some((key, value)) = r
            .split_once("!=")
            .or_else(|| r.split_once("=="))
            .or_else(|| r.split_once('='))
        {
            label_key(key.trim()).map_err(|_| bad())?;
            label_value(value.trim()).map_err(|_| bad())?;
        } else {
            label_key(r).map_err(|_| bad())?;
        }
    }
    Ok(())
}

/// Splits on commas that are not inside parentheses.
fn split_requirements(selector: &str) -> Option<Vec<&str>> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in selector.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&selector[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        if !(0..=1).contains(&depth) {
            return None;
        }
    }
    (depth == 0).then(|| {
        parts.push(&selector[start..]);
        parts
    })
}

/// `key in (a,b)` / `key notin (a,b)` → (key, "a,b").
fn set_requirement(r: &str) -> Option<(&str, &str)> {
    let open = r.find('(')?;
    let inner = r[open + 1..].strip_suffix(')')?;
    let head = r[..open].trim();
    let key = head
        .strip_suffix(" notin")
        .or_else(|| head.strip_suffix(" in"))?
        .trim();
    Some((key, inner))
}

/// Field selectors: comma-separated `path=value`, `path==value`, `path!=value`.
pub fn field_selector_check(selector: &str) -> Check {
    not_a_flag("field selector", selector)?;
    let bad = || {
        format!(
            "field selector {selector} is not valid (use forms like status.phase!=Running or spec.nodeName=worker-1)",
            selector = crate::shown::value(selector)
        )
    };
    for requirement in selector.split(',') {
        let (path, value) = requirement
            .split_once("!=")
            .or_else(|| requirement.split_once("=="))
            .or_else(|| requirement.split_once('='))
            .ok_or_else(bad)?;
        let path_ok = !path.is_empty()
            && path
                .split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()));
        let value_ok = value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | ':' | '/'));
        if !path_ok || !value_ok {
            return Err(bad());
        }
    }
    Ok(())
}

/// Resource quantities such as `250m`, `0.5`, `512Mi`, `1G`, `1e3`.
pub fn quantity(q: &str) -> Check {
    not_a_flag("quantity", q)?;
    let bad = || {
        format!(
            "quantity {q} is not valid (examples: 250m, 0.5, 512Mi, 2Gi)",
            q = crate::shown::value(q)
        )
    };
    let number_end = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(q.len());
    let (number, suffix) = q.split_at(number_end);
    if number.is_empty() || number == "." || number.matches('.').count() > 1 {
        return Err(bad());
    }
    let suffix_ok = matches!(
        suffix,
        "" | "m" | "k" | "M" | "G" | "T" | "P" | "E" | "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei"
    ) || suffix.strip_prefix(['e', 'E']).is_some_and(|exp| {
        !exp.is_empty()
            && exp
                .trim_start_matches(['+', '-'])
                .chars()
                .all(|c| c.is_ascii_digit())
    });
    if !suffix_ok {
        return Err(bad());
    }
    Ok(())
}

fn resources(r: &Resources) -> Check {
    opt(&r.cpu, quantity)?;
    opt(&r.memory, quantity)
}

/// Container image references: `[registry[:port]/]path[:tag][@digest]`.
pub fn image_ref(image: &str) -> Check {
    not_a_flag("image", image)?;
    let bad = |why: &str| {
        format!(
            "image {image} is not a valid image reference ({why})",
            image = crate::shown::value(image)
        )
    };
    if image.is_empty() || image.len() > 4096 {
        return Err(bad("empty or too long"));
    }
    let (rest, digest) = match image.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (image, None),
    };
    if let Some(digest) = digest {
        let ok = digest.split_once(':').is_some_and(|(alg, hex)| {
            !alg.is_empty()
                && alg
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+._-".contains(c))
                && hex.len() >= 32
                && hex.chars().all(|c| c.is_ascii_hexdigit())
        });
        if !ok {
            return Err(bad("the digest must look like sha256:<hex>"));
        }
    }
    // A tag is the part after the last ':' when that part has no '/'.
    let (path, tag) = match rest.rsplit_once(':') {
        Some((path, tag)) if !tag.contains('/') => (path, Some(tag)),
        _ => (rest, None),
    };
    if let Some(tag) = tag {
        let ok = !tag.is_empty()
            && tag.len() <= 128
            && tag.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            && tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !ok {
            return Err(bad("tags are letters, digits, '_', '.' and '-'"));
        }
    }
    let mut components = path.split('/').peekable();
    let mut first = true;
    while let Some(component) = components.next() {
        let is_registry = first
            && components.peek().is_some()
            && (component.contains('.') || component.contains(':') || component == "localhost");
        let ok = if is_registry {
            let (host, port) = component.split_once(':').unwrap_or((component, ""));
            !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
                && port.chars().all(|c| c.is_ascii_digit())
        } else {
            !component.is_empty()
                && component.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                && component.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                && component.chars().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
                })
        };
        if !ok {
            return Err(bad(
                "repository names are lowercase letters, digits and separators",
            ));
        }
        first = false;
    }
    Ok(())
}

/// Durations as kubectl takes them for `--since`: `30s`, `15m`, `1h`, `1h30m`.
pub fn duration(d: &str) -> Check {
    not_a_flag("duration", d)?;
    let bad = || {
        format!(
            "duration {d} is not valid (examples: 30s, 15m, 1h, 2h30m)",
            d = crate::shown::value(d)
        )
    };
    let mut rest = d;
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        if digits == 0 {
            return Err(bad());
        }
        rest = &rest[digits..];
        let unit_len = if rest.starts_with("ms") { 2 } else { 1 };
        if !matches!(rest.get(..unit_len), Some("ms" | "s" | "m" | "h")) {
            return Err(bad());
        }
        rest = &rest[unit_len..];
    }
    Ok(())
}

/// JSON paths for `--sort-by` and custom columns: `.metadata.name`, `.spec.containers[*].image`.
pub fn json_path(path: &str) -> Check {
    not_a_flag("JSON path", path)?;
    let ok = path.starts_with('.')
        && path.len() > 1
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '[' | ']' | '*' | '_' | '-'));
    if !ok {
        return Err(format!(
            "JSON path {path} is not valid (examples: .metadata.name, .spec.containers[*].image)",
            path = crate::shown::value(path)
        ));
    }
    Ok(())
}

fn jsonpath_template(template: &str) -> Check {
    not_a_flag("jsonpath", template)?;
    if !(template.contains('{') && template.contains('}')) {
        return Err(format!(
            "jsonpath {template} is not a template (example: {{.items[*].metadata.name}})",
            template = crate::shown::value(template)
        ));
    }
    Ok(())
}

fn column_header(header: &str) -> Check {
    let ok = !header.is_empty()
        && header
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'));
    if !ok {
        return Err(format!(
            "column header {header} is not valid (letters, digits, '_' and '-')",
            header = crate::shown::value(header)
        ));
    }
    Ok(())
}

fn explain_field(field: &str) -> Check {
    not_a_flag("field", field)?;
    let (kind, _) = field.split_once('.').unwrap_or((field, ""));
    known_kind(kind)?;
    if !field.chars().all(|c| c.is_ascii_alphanumeric() || c == '.') {
        return Err(format!(
            "field {field} is not valid (example: deployment.spec.strategy)",
            field = crate::shown::value(field)
        ));
    }
    Ok(())
}

fn context_name(name: &str) -> Check {
    not_a_flag("context", name)?;
    if name.is_empty() || name.len() > 253 || name.chars().any(|c| c.is_whitespace()) {
        return Err(format!(
            "context name {name} is not valid (no spaces, at most 253 characters)",
            name = crate::shown::value(name)
        ));
    }
    Ok(())
}

/// Objects for `apply`: a kind, an apiVersion, a valid name, a valid namespace if any.
fn manifest_object(object: &serde_json::Value) -> Check {
    let kind = object.get("kind").and_then(|k| k.as_str()).unwrap_or("");
    let api_version = object
        .get("apiVersion")
        .and_then(|k| k.as_str())
        .unwrap_or("");
    if kind.is_empty() || api_version.is_empty() {
        return Err("every object to apply needs apiVersion and kind".into());
    }
    let kind_ok = kind.starts_with(|c: char| c.is_ascii_alphabetic())
        && kind.len() <= 63
        && kind.chars().all(|c| c.is_ascii_alphanumeric());
    if !kind_ok {
        return Err(format!(
            "kind {} of an object to apply is not valid (a name like ConfigMap or Deployment)",
            crate::shown::value(kind)
        ));
    }
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let version_ok = version.starts_with('v')
        && version.len() <= 63
        && version
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !version_ok || !(group.is_empty() || group.split('.').all(|part| is_dns_label(part, 63))) {
        return Err(format!(
            "apiVersion {} of the {kind} to apply is not valid (examples: v1, apps/v1)",
            crate::shown::value(api_version)
        ));
    }
    if kind == "List" || kind.ends_with("List") {
        return Err(format!("give the objects of a {kind} one by one"));
    }
    let metadata = object.get("metadata");
    let name = metadata
        .and_then(|m| m.get("name"))
        .and_then(|n| n.as_str())
        .ok_or_else(|| format!("the {kind} to apply has no metadata.name"))?;
    object_name(name).map_err(|e| format!("{kind}: {e}"))?;
    if let Some(ns) = metadata.and_then(|m| m.get("namespace")) {
        let ns = ns
            .as_str()
            .ok_or_else(|| format!("{kind} {name}: metadata.namespace must be a string"))?;
        namespace_name(ns)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Column, ObjectRef};

    fn limits() -> Limits {
        Limits::default()
    }

    fn scale(name: &str, replicas: ReplicaChange) -> Operation {
        Operation::Scale {
            kind: "deployment".into(),
            name: name.into(),
            namespace: None,
            replicas,
        }
    }

    fn rejects(op: Operation, needle: &str) {
        let err = validate(&Plan::single(op.clone()), &limits()).expect_err(&format!("{op:?}"));
        assert!(
            err.message.contains(needle),
            "{:?} should mention {needle:?}",
            err.message
        );
    }

    #[test]
    fn empty_plans_are_refused() {
        let err = validate(&Plan::new(vec![]), &limits()).unwrap_err();
        assert!(err.message.contains("empty"));
    }

    #[test]
    fn replicas_are_bounded() {
        rejects(scale("nginx", ReplicaChange::To(-1)), "-1");
        rejects(scale("nginx", ReplicaChange::To(1001)), "ceiling");
        assert!(
            validate(
                &Plan::single(scale("nginx", ReplicaChange::To(0))),
                &limits()
            )
            .is_ok()
        );
        assert!(
            validate(
                &Plan::single(scale("nginx", ReplicaChange::By(-2))),
                &limits()
            )
            .is_ok()
        );
        rejects(scale("nginx", ReplicaChange::ByPercent(-150)), "-150");
    }

    #[test]
    fn names_must_be_dns_1123_and_never_flags() {
        rejects(
            scale("../../etc/passwd", ReplicaChange::To(1)),
            "../../etc/passwd",
        );
        rejects(scale("--all", ReplicaChange::To(1)), "starts with '-'");
        rejects(scale("Web", ReplicaChange::To(1)), "\"Web\"");
        rejects(scale("web;rm", ReplicaChange::To(1)), "web;rm");
        rejects(Operation::CreateNamespace { name: "a.b".into() }, "a.b");
        rejects(Operation::Cordon { node: "-n".into() }, "-n");
    }

    #[test]
    fn kinds_must_be_known() {
        rejects(
            Operation::Delete {
                kind: "widgets".into(),
                name: Some("x".into()),
                namespace: None,
                selector: None,
            },
            "unknown kind \"widgets\"",
        );
        rejects(
            scale("db", ReplicaChange::To(1)).with_kind("daemonset"),
            "cannot be scaled",
        );
    }

    #[test]
    fn selectors_are_checked() {
        for good in [
            "app=web",
            "app==web,tier!=db",
            "env in (prod, staging)",
            "app",
            "!canary",
            "x notin (a)",
        ] {
            assert!(label_selector(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "app=web;ls",
            "-l",
            "app=(",
            "env in (prod",
            "a b=c",
            "app=we b",
        ] {
            assert!(label_selector(bad).is_err(), "{bad}");
        }
        assert!(field_selector_check("status.phase!=Running").is_ok());
        assert!(field_selector_check("status.phase").is_err());
        assert!(field_selector_check("spec.nodeName=$(id)").is_err());
    }

    #[test]
    fn quantities_are_checked() {
        for good in ["250m", "0.5", "512Mi", "2Gi", "1", "1e3"] {
            assert!(quantity(good).is_ok(), "{good}");
        }
        for bad in ["", "lots", "512MB", "-1", "1..2", "Mi"] {
            assert!(quantity(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn images_are_checked() {
        for good in [
            "nginx",
            "nginx:1.27",
            "repo/api:v2",
            "ghcr.io/acme/api:1.4.2",
            "localhost:5000/x",
            "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert!(image_ref(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "NGINX",
            "nginx:",
            "nginx:-x",
            "--image=x",
            "a b",
            "nginx@md5:1",
        ] {
            assert!(image_ref(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ports_and_durations_are_checked() {
        assert!(port_number(0).is_err());
        assert!(port_number(65536).is_err());
        assert!(port_number(80).is_ok());
        for good in ["30s", "15m", "1h", "2h30m"] {
            assert!(duration(good).is_ok(), "{good}");
        }
        for bad in ["", "h", "15", "1d", "-1h", "0ß", "1é"] {
            assert!(duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn other_values_are_checked() {
        rejects(
            Operation::Get {
                kinds: vec!["pods".into()],
                name: None,
                namespace: None,
                all_namespaces: false,
                selector: None,
                field_selector: None,
                output: None,
                columns: vec![Column {
                    header: "IMAGE".into(),
                    path: "spec;rm".into(),
                }],
                jsonpath: None,
                sort_by: None,
                show_labels: false,
            },
            "spec;rm",
        );
        rejects(
            Operation::Events {
                namespace: Some("-A".into()),
                all_namespaces: false,
                warnings_only: false,
                object: Some(ObjectRef {
                    kind: "pod".into(),
                    name: "x".into(),
                }),
            },
            "-A",
        );
        rejects(
            Operation::SetEnv {
                kind: "deployment".into(),
                name: "web".into(),
                namespace: None,
                container: None,
                set: vec![KeyValue::new("1BAD", "x")],
                remove: vec![],
            },
            "1BAD",
        );
        rejects(
            Operation::Apply {
                objects: vec![
                    serde_json::json!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Bad_Name"}}),
                ],
                namespace: None,
            },
            "Bad_Name",
        );
        rejects(
            Operation::UseContext {
                context: "--kubeconfig=/x".into(),
            },
            "--kubeconfig",
        );
    }

    #[test]
    fn use_context_must_be_the_last_operation() {
        let switch = || Operation::UseContext {
            context: "staging".into(),
        };
        let plan = Plan::new(vec![switch(), scale("web", ReplicaChange::To(3))]);
        let err = validate(&plan, &limits()).unwrap_err();
        assert_eq!(err.operation, Some(0));
        assert_eq!(
            err.message,
            "operation 1 (use_context): operations after use_context would run in context \
             staging, which this run did not preview; put use_context last or split the plan"
        );
        let plan = Plan::new(vec![switch(), switch()]);
        assert!(validate(&plan, &limits()).is_err());
        let plan = Plan::new(vec![scale("web", ReplicaChange::To(3)), switch()]);
        assert_eq!(validate(&plan, &limits()), Ok(()));
        assert_eq!(validate(&Plan::new(vec![switch()]), &limits()), Ok(()));
    }

    #[test]
    fn multi_operation_errors_name_the_operation() {
        let plan = Plan::new(vec![
            Operation::Cordon {
                node: "worker-1".into(),
            },
            scale("web", ReplicaChange::To(-3)),
        ]);
        let err = validate(&plan, &limits()).unwrap_err();
        assert_eq!(err.operation, Some(1));
        assert!(
            err.message.starts_with("operation 2 (scale)"),
            "{}",
            err.message
        );
    }

    impl Operation {
        fn with_kind(mut self, new_kind: &str) -> Operation {
            if let Operation::Scale { kind, .. } = &mut self {
                *kind = new_kind.into();
            }
            self
        }
    }

    #[test]
    fn a_plan_has_at_most_max_operations() {
        let read = Operation::Contexts { current_only: true };
        let plan = |n: usize| Plan::new(vec![read.clone(); n]);
        assert!(validate(&plan(MAX_OPERATIONS), &limits()).is_ok());
        let err = validate(&plan(300), &limits()).unwrap_err().message;
        assert!(
            err.contains("300 operations") && err.contains(&format!("at most {MAX_OPERATIONS}")),
            "{err}"
        );
    }
}
