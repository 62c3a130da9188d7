//! The kubectl command a person would type for each operation.
//!
//! This is the teaching form shown next to every operation ("equivalent command")
//! and recorded in `--json` and `--explain`. For reads it is also exactly what runs.
//! For changes, the plugin may run a different but equivalent request (a create from
//! the built object, a patch instead of a generator) so that what is previewed is
//! what is applied; this module only describes, it never decides what runs.
//! Values are validated before they get here, so none of them starts with `-`.

use super::{KeyValue, MetadataEdit, Operation, ReplicaChange, TopResource, kinds};

/// The argv of the equivalent command, without the leading `kubectl`.
pub fn equivalent_args(op: &Operation) -> Vec<String> {
    let mut a = Args::default();
    match op {
        Operation::Get {
            kinds,
            name,
            namespace,
            all_namespaces,
            selector,
            field_selector,
            output,
            columns,
            jsonpath,
            sort_by,
            show_labels,
        } => {
            a.push("get");
            a.push(
                kinds
                    .iter()
                    .map(|k| resource(k))
                    .collect::<Vec<_>>()
                    .join(","),
            );
            a.opt(name.as_deref());
            a.scope(namespace, *all_namespaces);
            a.flag_value("-l", selector.as_deref());
            a.flag_value("--field-selector", field_selector.as_deref());
            if !columns.is_empty() {
                let spec: Vec<String> = columns
                    .iter()
                    .map(|c| format!("{}:{}", c.header, c.path))
                    .collect();
                a.push(format!("-o=custom-columns={}", spec.join(",")));
            } else if let Some(template) = jsonpath {
                a.push(format!("-o=jsonpath={template}"));
            } else if let Some(output) = output {
                a.push("-o");
                a.push(output.as_str());
            }
            a.flag_value("--sort-by", sort_by.as_deref());
            a.switch("--show-labels", *show_labels);
        }
        Operation::Describe {
            kind,
            name,
            namespace,
            selector,
        } => {
            a.push("describe");
            a.push(resource(kind));
            a.opt(name.as_deref());
            a.scope(namespace, false);
            a.flag_value("-l", selector.as_deref());
        }
        Operation::Logs {
            kind,
            name,
            namespace,
            container,
            all_containers,
            tail,
            since,
            previous,
            follow,
        } => {
            a.push("logs");
            a.switch("-f", *follow);
            a.push(object(kind, name));
            a.scope(namespace, false);
            a.flag_value("-c", container.as_deref());
            a.switch("--all-containers", *all_containers);
            a.flag_value("--tail", tail.map(|t| t.to_string()).as_deref());
            a.flag_value("--since", since.as_deref());
            a.switch("--previous", *previous);
        }
        Operation::Events {
            namespace,
            all_namespaces,
            warnings_only,
            object,
        } => {
            a.extend(["get", "events"]);
            a.scope(namespace, *all_namespaces);
            let mut fields = Vec::new();
            if *warnings_only {
                fields.push("type=Warning".to_string());
            }
            if let Some(o) = object {
                let kind = kinds::lookup(&o.kind).map_or(o.kind.as_str(), |k| k.kind);
                fields.push(format!("involvedObject.kind={kind}"));
                fields.push(format!("involvedObject.name={}", o.name));
            }
            if !fields.is_empty() {
                a.push(format!("--field-selector={}", fields.join(",")));
            }
            a.push("--sort-by=.lastTimestamp");
        }
        Operation::Top {
            resource: what,
            name,
            namespace,
            all_namespaces,
            selector,
            sort_by,
            containers,
        } => {
            a.push("top");
            a.push(match what {
                TopResource::Pods => "pods",
                TopResource::Nodes => "nodes",
            });
            a.opt(name.as_deref());
            if *what == TopResource::Pods {
                a.scope(namespace, *all_namespaces);
            }
            a.flag_value("-l", selector.as_deref());
            a.flag_value("--sort-by", sort_by.as_deref());
            a.switch("--containers", *containers);
        }
        Operation::RolloutStatus {
            kind,
            name,
            namespace,
        } => {
            a.extend(["rollout", "status"]);
            a.push(object(kind, name));
            a.scope(namespace, false);
        }
        Operation::RolloutHistory {
            kind,
            name,
            namespace,
            revision,
        } => {
            a.extend(["rollout", "history"]);
            a.push(object(kind, name));
            a.scope(namespace, false);
            a.flag_value("--revision", revision.map(|r| r.to_string()).as_deref());
        }
        Operation::Endpoints { service, namespace } => {
            a.extend(["get", "endpoints"]);
            a.push(service.as_str());
            a.scope(namespace, false);
        }
        Operation::Contexts { current_only } => {
            a.push("config");
            a.push(if *current_only {
                "current-context"
            } else {
                "get-contexts"
            });
        }
        Operation::ApiResources { namespaced } => {
            a.push("api-resources");
            if let Some(namespaced) = namespaced {
                a.push(format!("--namespaced={namespaced}"));
            }
        }
        Operation::Explain { field, recursive } => {
            a.push("explain");
            a.push(field.as_str());
            a.switch("--recursive", *recursive);
        }
        Operation::CreateDeployment {
            name,
            namespace,
            image,
            replicas,
            port,
        } => {
            a.extend(["create", "deployment"]);
            a.push(name.as_str());
            a.scope(namespace, false);
            a.push(format!("--image={image}"));
            a.flag_eq("--replicas", replicas.map(|r| r.to_string()));
            a.flag_eq("--port", port.map(|p| p.to_string()));
        }
        Operation::RunPod {
            name,
            namespace,
            image,
            port,
            labels,
            env,
        } => {
            a.push("run");
            a.push(name.as_str());
            a.scope(namespace, false);
            a.push(format!("--image={image}"));
            a.flag_eq("--port", port.map(|p| p.to_string()));
            if !labels.is_empty() {
                a.push(format!("--labels={}", pairs(labels).join(",")));
            }
            for kv in env {
                a.push(format!("--env={}={}", kv.key, kv.value));
            }
        }
        Operation::Apply { namespace, .. } => {
            a.extend(["apply", "-f", "-"]);
            a.scope(namespace, false);
        }
        Operation::Scale {
            kind,
            name,
            namespace,
            replicas,
        } => {
            a.push("scale");
            a.push(object(kind, name));
            a.scope(namespace, false);
            match replicas {
                ReplicaChange::To(n) => a.push(format!("--replicas={n}")),
                // kubectl has no relative form; the live count resolves it before running.
                ReplicaChange::By(d) => a.push(format!("--replicas=<current{d:+}>")),
                ReplicaChange::ByPercent(p) => a.push(format!("--replicas=<current{p:+}%>")),
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
            a.push("autoscale");
            a.push(object(kind, name));
            a.scope(namespace, false);
            a.flag_eq("--min", min.map(|m| m.to_string()));
            a.push(format!("--max={max}"));
            a.flag_eq("--cpu-percent", cpu_percent.map(|c| c.to_string()));
        }
        Operation::SetImage {
            kind,
            name,
            namespace,
            container,
            image,
        } => {
            a.extend(["set", "image"]);
            a.push(object(kind, name));
            a.scope(namespace, false);
            a.push(format!("{}={image}", container.as_deref().unwrap_or("*")));
        }
        Operation::SetEnv {
            kind,
            name,
            namespace,
            container,
            set,
            remove,
        } => {
            a.extend(["set", "env"]);
            a.push(object(kind, name));
            a.scope(namespace, false);
            a.flag_value("-c", container.as_deref());
            for p in pairs(set) {
                a.push(p);
            }
            for key in remove {
                a.push(format!("{key}-"));
            }
        }
        Operation::SetResources {
            kind,
            name,
            namespace,
            container,
            requests,
            limits,
        } => {
            a.extend(["set", "resources"]);
            a.push(object(kind, name));
            a.scope(namespace, false);
            a.flag_value("-c", container.as_deref());
            for (flag, r) in [("--requests", requests), ("--limits", limits)] {
                let mut parts = Vec::new();
                if let Some(cpu) = &r.cpu {
                    parts.push(format!("cpu={cpu}"));
                }
                if let Some(memory) = &r.memory {
                    parts.push(format!("memory={memory}"));
                }
                if !parts.is_empty() {
                    a.push(format!("{flag}={}", parts.join(",")));
                }
            }
        }
        Operation::RolloutRestart {
            kind,
            name,
            namespace,
        } => {
            a.extend(["rollout", "restart"]);
            a.push(object(kind, name));
            a.scope(namespace, false);
        }
        Operation::RolloutUndo {
            kind,
            name,
            namespace,
            to_revision,
        } => {
            a.extend(["rollout", "undo"]);
            a.push(object(kind, name));
            a.scope(namespace, false);
            a.flag_eq("--to-revision", to_revision.map(|r| r.to_string()));
        }
        Operation::Expose {
            kind,
            name,
            namespace,
            port,
            target_port,
            service_type,
            service_name,
        } => {
            a.push("expose");
            a.push(object(kind, name));
            a.scope(namespace, false);
            a.push(format!("--port={port}"));
            a.flag_eq("--target-port", target_port.map(|p| p.to_string()));
            a.flag_eq("--type", service_type.map(|t| t.as_str().to_string()));
            a.flag_eq("--name", service_name.clone());
        }
        Operation::Label(edit) => metadata(&mut a, "label", edit),
        Operation::Annotate(edit) => metadata(&mut a, "annotate", edit),
        Operation::Delete {
            kind,
            name,
            namespace,
            selector,
        } => {
            a.push("delete");
            a.push(resource(kind));
            a.opt(name.as_deref());
            a.scope(namespace, false);
            a.flag_value("-l", selector.as_deref());
        }
        Operation::CreateNamespace { name } => {
            a.extend(["create", "namespace"]);
            a.push(name.as_str());
        }
        Operation::CreateConfigMap {
            name,
            namespace,
            data,
        } => {
            a.extend(["create", "configmap"]);
            a.push(name.as_str());
            a.scope(namespace, false);
            for p in pairs(data) {
                a.push(format!("--from-literal={p}"));
            }
        }
        Operation::CreateSecret {
            name,
            namespace,
            data,
        } => {
            a.extend(["create", "secret", "generic"]);
            a.push(name.as_str());
            a.scope(namespace, false);
            for kv in data {
                // Values never appear in anything shown or recorded.
                a.push(format!("--from-literal={}=***", kv.key));
            }
        }
        Operation::Cordon { node } => a.extend(["cordon", node.as_str()]),
        Operation::Uncordon { node } => a.extend(["uncordon", node.as_str()]),
        Operation::Drain {
            node,
            ignore_daemonsets,
            delete_emptydir_data,
        } => {
            a.extend(["drain", node.as_str()]);
            a.switch("--ignore-daemonsets", *ignore_daemonsets);
            a.switch("--delete-emptydir-data", *delete_emptydir_data);
        }
        Operation::Taint {
            node,
            key,
            value,
            effect,
            remove,
        } => {
            a.extend(["taint", "nodes", node.as_str()]);
            let value = value
                .as_deref()
                .map(|v| format!("={v}"))
                .unwrap_or_default();
            let suffix = if *remove { "-" } else { "" };
            a.push(format!("{key}{value}:{}{suffix}", effect.as_str()));
        }
        Operation::Patch {
            kind,
            name,
            namespace,
            patch_type,
            patch,
        } => {
            a.push("patch");
            a.push(resource(kind));
            a.push(name.as_str());
            a.scope(namespace, false);
            a.push(format!("--type={}", patch_type.as_str()));
            a.push("-p");
            a.push(patch.to_string());
        }
        Operation::UseContext { context } => a.extend(["config", "use-context", context.as_str()]),
        Operation::UseNamespace { namespace } => a.extend([
            "config",
            "set-context",
            "--current",
            "--namespace",
            namespace.as_str(),
        ]),
        Operation::CurrentNamespace {} => {
            a.extend(["config", "view", "--minify", "-o", "jsonpath={..namespace}"])
        }
        Operation::Version {} => a.push("version"),
        Operation::PortForward(forward) => a.0.extend(forward.equivalent_args()),
        Operation::Exec(exec) => a.0.extend(exec.equivalent_args()),
        Operation::Restore(restore) => a.0.extend(restore.equivalent_args()),
    }
    a.0
}

fn metadata(a: &mut Args, verb: &str, edit: &MetadataEdit) {
    a.push(verb);
    a.push(resource(&edit.kind));
    a.opt(edit.name.as_deref());
    a.scope(&edit.namespace, false);
    a.flag_value("-l", edit.selector.as_deref());
    for p in pairs(&edit.set) {
        a.push(p);
    }
    for key in &edit.remove {
        a.push(format!("{key}-"));
    }
    a.switch("--overwrite", edit.overwrite);
}

/// The plural resource name for a kind as typed, or the text itself if unknown.
fn resource(kind: &str) -> String {
    kinds::lookup(kind).map_or_else(|| kind.to_string(), |k| k.resource.to_string())
}

/// `name` for pods, `kind/name` for everything else (as kubectl prints them).
/// `web` for a pod (what kubectl takes bare), `deployment/web` for anything else.
pub(super) fn object(kind: &str, name: &str) -> String {
    match kinds::lookup(kind) {
        Some(k) if k.resource == "pods" => name.to_string(),
        Some(k) => format!("{}/{name}", k.singular),
        None => format!("{kind}/{name}"),
    }
}

fn pairs(kvs: &[KeyValue]) -> Vec<String> {
    kvs.iter()
        .map(|kv| format!("{}={}", kv.key, kv.value))
        .collect()
}

/// An argv under construction, with the few shapes kubectl flags take.
#[derive(Default)]
struct Args(Vec<String>);

impl Args {
    fn push(&mut self, s: impl Into<String>) {
        self.0.push(s.into());
    }

    fn extend<const N: usize>(&mut self, items: [&str; N]) {
        self.0.extend(items.iter().map(|s| s.to_string()));
    }

    fn opt(&mut self, s: Option<&str>) {
        if let Some(s) = s {
            self.push(s);
        }
    }

    fn switch(&mut self, flag: &str, on: bool) {
        if on {
            self.push(flag);
        }
    }

    fn flag_value(&mut self, flag: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.push(flag);
            self.push(value);
        }
    }

    fn flag_eq(&mut self, flag: &str, value: Option<String>) {
        if let Some(value) = value {
            self.push(format!("{flag}={value}"));
        }
    }

    fn scope(&mut self, namespace: &Option<String>, all_namespaces: bool) {
        if all_namespaces {
            self.push("-A");
        } else if let Some(ns) = namespace {
            self.flag_value("-n", Some(ns));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Resources, TaintEffect};

    fn line(op: Operation) -> String {
        equivalent_args(&op).join(" ")
    }

    #[test]
    fn reads_read_like_kubectl() {
        assert_eq!(
            line(Operation::Get {
                kinds: vec!["po".into()],
                name: None,
                namespace: Some("shop".into()),
                all_namespaces: false,
                selector: Some("app=web".into()),
                field_selector: Some("status.phase!=Running".into()),
                output: Some(crate::plan::OutputFormat::Wide),
                columns: vec![],
                jsonpath: None,
                sort_by: None,
                show_labels: false,
            }),
            "get pods -n shop -l app=web --field-selector status.phase!=Running -o wide"
        );
        assert_eq!(
            line(Operation::Logs {
                kind: "deploy".into(),
                name: "web".into(),
                namespace: None,
                container: Some("app".into()),
                all_containers: false,
                tail: Some(50),
                since: None,
                previous: true,
                follow: false,
            }),
            "logs deployment/web -c app --tail 50 --previous"
        );
    }

    #[test]
    fn changes_read_like_kubectl() {
        assert_eq!(
            line(Operation::Scale {
                kind: "deploy".into(),
                name: "nginx".into(),
                namespace: None,
                replicas: ReplicaChange::To(3),
            }),
            "scale deployment/nginx --replicas=3"
        );
        assert_eq!(
            line(Operation::SetResources {
                kind: "deployment".into(),
                name: "web".into(),
                namespace: None,
                container: None,
                requests: Resources::default(),
                limits: Resources {
                    cpu: None,
                    memory: Some("512Mi".into()),
                },
            }),
            "set resources deployment/web --limits=memory=512Mi"
        );
        assert_eq!(
            line(Operation::Taint {
                node: "worker-1".into(),
                key: "dedicated".into(),
                value: Some("gpu".into()),
                effect: TaintEffect::NoSchedule,
                remove: false,
            }),
            "taint nodes worker-1 dedicated=gpu:NoSchedule"
        );
    }

    #[test]
    fn secret_values_never_appear() {
        let args = equivalent_args(&Operation::CreateSecret {
            name: "db".into(),
            namespace: None,
            data: vec![KeyValue::new("password", "hunter2")],
        });
        assert!(!args.join(" ").contains("hunter2"));
        assert!(args.contains(&"--from-literal=password=***".to_string()));
    }
}
