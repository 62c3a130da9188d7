//! A one-line English summary of each operation, for reports and prompts.
//!
//! People confirm changes by reading these, so they say plainly what will happen
//! ("scale deployment/web to 3 replicas"), never more than the operation does, and
//! never a secret value.

use super::{MetadataEdit, Operation, ReplicaChange, TopResource, kinds};

/// `deployment/web` for a kind as typed and a name.
fn object(kind: &str, name: &str) -> String {
    let singular = kinds::lookup(kind).map_or(kind, |k| k.singular);
    format!("{singular}/{name}")
}

fn plural(kind: &str) -> &str {
    kinds::lookup(kind).map_or(kind, |k| k.resource)
}

fn scope(namespace: &Option<String>, all: bool) -> String {
    match (all, namespace) {
        (true, _) => " in all namespaces".into(),
        (false, Some(ns)) => format!(" in {ns}"),
        (false, None) => String::new(),
    }
}

/// One line saying what the operation does, and where when it names a namespace.
pub fn summary(op: &Operation) -> String {
    let base = what(op);
    match (op, op.namespace()) {
        // These say where themselves (they also know "all namespaces").
        (
            Operation::Get { .. }
            | Operation::Describe { .. }
            | Operation::Logs { .. }
            | Operation::Events { .. }
            | Operation::PortForward(_)
            | Operation::Exec(_),
            _,
        )
        | (_, None) => base,
        (_, Some(ns)) => format!("{base} in {ns}"),
    }
}

fn what(op: &Operation) -> String {
    match op {
        Operation::Get {
            kinds,
            name,
            namespace,
            all_namespaces,
            selector,
            field_selector,
            ..
        } => {
            let what = match name {
                Some(name) => object(&kinds[0], name),
                None => kinds
                    .iter()
                    .map(|k| plural(k))
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            let filter = selector
                .as_ref()
                .map(|s| format!(" with labels {s}"))
                .into_iter()
                .chain(field_selector.as_ref().map(|f| format!(" where {f}")))
                .collect::<String>();
            let verb = if name.is_some() { "show" } else { "list" };
            format!("{verb} {what}{filter}{}", scope(namespace, *all_namespaces))
        }
        Operation::Describe {
            kind,
            name,
            namespace,
            ..
        } => match name {
            Some(name) => format!("describe {}{}", object(kind, name), scope(namespace, false)),
            None => format!("describe {}{}", plural(kind), scope(namespace, false)),
        },
        Operation::Logs {
            kind,
            name,
            namespace,
            follow,
            ..
        } => format!(
            "{} logs of {}{}",
            if *follow { "follow" } else { "show" },
            object(kind, name),
            scope(namespace, false)
        ),
        Operation::Events {
            namespace,
            all_namespaces,
            warnings_only,
            ..
        } => format!(
            "show {}events{}",
            if *warnings_only { "warning " } else { "" },
            scope(namespace, *all_namespaces)
        ),
        Operation::Top { resource, .. } => match resource {
            TopResource::Pods => "show pod resource usage".into(),
            TopResource::Nodes => "show node resource usage".into(),
        },
        Operation::RolloutStatus { kind, name, .. } => {
            format!("show rollout status of {}", object(kind, name))
        }
        Operation::RolloutHistory { kind, name, .. } => {
            format!("show rollout history of {}", object(kind, name))
        }
        Operation::Endpoints { service, .. } => format!("show endpoints of service/{service}"),
        Operation::Contexts { current_only: true } => "show the current context".into(),
        Operation::Contexts {
            current_only: false,
        } => "list contexts".into(),
        Operation::ApiResources { .. } => "list API resources".into(),
        Operation::Explain { field, .. } => format!("explain {field}"),
        Operation::CreateDeployment {
            name,
            image,
            replicas,
            ..
        } => format!(
            "create deployment/{name} running {image}{}",
            replicas
                .map(|r| format!(" with {r} replicas"))
                .unwrap_or_default()
        ),
        Operation::RunPod { name, image, .. } => format!("run pod/{name} with {image}"),
        Operation::Apply { objects, .. } => format!(
            "apply {} object{}",
            objects.len(),
            if objects.len() == 1 { "" } else { "s" }
        ),
        Operation::Scale {
            kind,
            name,
            replicas,
            ..
        } => match replicas {
            ReplicaChange::To(n) => format!("scale {} to {n} replicas", object(kind, name)),
            ReplicaChange::By(d) => format!("scale {} by {d:+} replicas", object(kind, name)),
            ReplicaChange::ByPercent(p) => format!("scale {} by {p:+}%", object(kind, name)),
        },
        Operation::Autoscale {
            kind,
            name,
            min,
            max,
            ..
        } => format!(
            "autoscale {} between {} and {max} replicas",
            object(kind, name),
            min.unwrap_or(1)
        ),
        Operation::SetImage {
            kind,
            name,
            container,
            image,
            ..
        } => match container {
            Some(c) => format!(
                "set image of container {c} in {} to {image}",
                object(kind, name)
            ),
            None => format!("set image of {} to {image}", object(kind, name)),
        },
        Operation::SetEnv {
            kind,
            name,
            set,
            remove,
            ..
        } => {
            let mut keys: Vec<String> = set.iter().map(|kv| kv.key.clone()).collect();
            keys.extend(remove.iter().map(|k| format!("{k} (removed)")));
            format!(
                "set environment {} on {}",
                keys.join(", "),
                object(kind, name)
            )
        }
        Operation::SetResources { kind, name, .. } => {
            format!("set resources of {}", object(kind, name))
        }
        Operation::RolloutRestart { kind, name, .. } => format!("restart {}", object(kind, name)),
        Operation::RolloutUndo {
            kind,
            name,
            to_revision,
            ..
        } => match to_revision {
            Some(r) => format!("roll back {} to revision {r}", object(kind, name)),
            None => format!("roll back {} to its previous revision", object(kind, name)),
        },
        Operation::Expose {
            kind, name, port, ..
        } => format!("expose {} on port {port}", object(kind, name)),
        Operation::Label(edit) => metadata("label", edit),
        Operation::Annotate(edit) => metadata("annotate", edit),
        Operation::Delete {
            kind,
            name,
            selector,
            ..
        } => match (name, selector) {
            (Some(name), _) => format!("delete {}", object(kind, name)),
            (None, Some(s)) => format!("delete {} with labels {s}", plural(kind)),
            (None, None) => format!("delete {}", plural(kind)),
        },
        Operation::CreateNamespace { name } => format!("create namespace/{name}"),
        Operation::CreateConfigMap { name, .. } => format!("create configmap/{name}"),
        Operation::CreateSecret { name, data, .. } => format!(
            "create secret/{name} with keys {}",
            data.iter()
                .map(|kv| kv.key.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Operation::Cordon { node } => format!("cordon node/{node}"),
        Operation::Uncordon { node } => format!("uncordon node/{node}"),
        Operation::Drain { node, .. } => format!("drain node/{node}"),
        Operation::Taint {
            node, key, remove, ..
        } => {
            if *remove {
                format!("remove taint {key} from node/{node}")
            } else {
                format!("taint node/{node} with {key}")
            }
        }
        Operation::Patch { kind, name, .. } => format!("patch {}", object(kind, name)),
        Operation::UseContext { context } => format!("switch to context {context}"),
        Operation::UseNamespace { namespace } => {
            format!("make {namespace} the current context's namespace")
        }
        Operation::CurrentNamespace {} => "show the current context's namespace".into(),
        Operation::Version {} => "show the client and cluster versions".into(),
        Operation::PortForward(forward) => forward.summary(),
        Operation::Exec(exec) => exec.summary(),
        Operation::Restore(restore) => restore.summary(),
    }
}

fn metadata(verb: &str, edit: &MetadataEdit) -> String {
    let target = match (&edit.name, &edit.selector) {
        (Some(name), _) => object(&edit.kind, name),
        (None, Some(s)) => format!("{} matching {s}", plural(&edit.kind)),
        (None, None) => plural(&edit.kind).to_string(),
    };
    let set: Vec<String> = edit
        .set
        .iter()
        .map(|kv| format!("{}={}", kv.key, kv.value))
        .collect();
    let noun = if verb == "label" {
        "label"
    } else {
        "annotation"
    };
    let removed = match edit.remove.len() {
        0 => String::new(),
        1 => format!("remove {noun} {}", edit.remove[0]),
        _ => format!("remove {noun}s {}", edit.remove.join(", ")),
    };
    match (set.is_empty(), removed.is_empty()) {
        (false, true) => format!("{verb} {target} with {}", set.join(" ")),
        (true, false) => format!("{removed} from {target}"),
        _ => format!("{verb} {target} with {} and {removed}", set.join(" ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::KeyValue;

    #[test]
    fn summaries_say_what_happens() {
        let op = Operation::Scale {
            kind: "deploy".into(),
            name: "web".into(),
            namespace: None,
            replicas: ReplicaChange::To(3),
        };
        assert_eq!(summary(&op), "scale deployment/web to 3 replicas");
        let op = Operation::CreateSecret {
            name: "db".into(),
            namespace: None,
            data: vec![KeyValue::new("password", "hunter2")],
        };
        assert_eq!(summary(&op), "create secret/db with keys password");
    }
}
