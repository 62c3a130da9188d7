//! How each operation becomes kubectl requests: what to read, what to preview, what to apply.
//!
//! A read runs as the equivalent command and its output passes through. A change is a
//! [`ChangeRequest`]: the argv that makes the change, which the preview runs with
//! `--dry-run=server` and the apply runs without — the very same request, so what
//! was previewed is what is applied. Where kubectl's own dry run does not show the
//! result (scale, rollout restart and undo, label, cordon…), the request is an
//! equivalent `kubectl patch` built here; creates send the object built here with
//! `kubectl create -f -`, so the exact object is what is previewed and created.

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::plan::equivalent::equivalent_args;
use crate::plan::kinds::{self, KindInfo};
use crate::plan::validate::{self, Limits};
use crate::plan::{KeyValue, MetadataEdit, Operation, ReplicaChange};

/// The object a change acts on, which must exist (and is suggested from when it does not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub kind: &'static KindInfo,
    pub name: String,
    pub namespace: Option<String>,
}

impl Target {
    pub(crate) fn new(
        kind: &str,
        name: &str,
        namespace: &Option<String>,
    ) -> anyhow::Result<Target> {
        let kind = kinds::lookup(kind).with_context(|| format!("unknown kind {kind:?}"))?;
        Ok(Target {
            kind,
            name: name.to_string(),
            namespace: if kind.namespaced {
                namespace.clone()
            } else {
                None
            },
        })
    }

    /// `kubectl get KIND NAME -o json`
    pub fn get_argv(&self) -> Vec<String> {
        let mut argv = vec![
            "get".to_string(),
            self.kind.resource.to_string(),
            self.name.clone(),
        ];
        push_namespace(&mut argv, &self.namespace);
        argv.extend(["-o".to_string(), "json".to_string()]);
        argv
    }

    /// `deployment/web`
    pub fn label(&self) -> String {
        format!("{}/{}", self.kind.singular, self.name)
    }
}

/// What the left side of the diff is.
#[derive(Debug, Clone, PartialEq)]
pub enum Before {
    /// Something new is created: the diff starts from nothing.
    Nothing,
    /// The target object itself, as fetched for the existence check.
    Target,
    /// Another read whose JSON output (an object or a List) is the live state.
    Read {
        argv: Vec<String>,
        stdin: Option<Vec<u8>>,
    },
    /// The kubeconfig's current context.
    CurrentContext,
    /// The namespace of the context the run talks to.
    ContextNamespace,
}

/// What the dry run answers with, and so how the right side of the diff is found.
#[derive(Debug, Clone, PartialEq)]
pub enum After {
    /// `-o json` prints the resulting object (or a List of them).
    Objects,
    /// The objects are gone afterwards (deletes).
    Removed,
    /// The node ends cordoned and its pods are evicted (drain prints text, not objects).
    Drained,
    /// The current context becomes this one.
    Context(String),
    /// The context the run talks to gets this namespace.
    Namespace(String),
}

/// One change, as kubectl requests.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRequest {
    pub target: Option<Target>,
    pub before: Before,
    /// The request that makes the change (without any dry-run or output flags).
    pub argv: Vec<String>,
    pub stdin: Option<Vec<u8>>,
    pub after: After,
}

impl ChangeRequest {
    /// The preview: the same request as a server-side dry run.
    pub fn preview_argv(&self) -> Vec<String> {
        let mut argv = self.argv.clone();
        match self.after {
            After::Objects => argv.extend(["--dry-run=server", "-o", "json"].map(String::from)),
            After::Removed | After::Drained => argv.push("--dry-run=server".into()),
            After::Context(_) | After::Namespace(_) => {}
        }
        argv
    }

    /// The apply: the same request for real.
    pub fn apply_argv(&self) -> Vec<String> {
        let mut argv = self.argv.clone();
        if self.after == After::Objects {
            argv.extend(["-o", "json"].map(String::from));
        }
        argv
    }
}

/// How an operation runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Read(Vec<String>),
    Change(ChangeRequest),
}

/// What building a request needs to have read from the cluster first.
pub enum Needs {
    Nothing,
    /// The live target (relative scaling counts from it).
    Target(Target),
    /// The live target and the revisions of its namespace (rollout undo): the
    /// ReplicaSets of a deployment, the ControllerRevisions of a statefulset or daemonset.
    TargetAndRevisions(Target),
}

/// Which reads an operation's request depends on, before it can be built.
pub fn needs(op: &Operation) -> anyhow::Result<Needs> {
    Ok(match op {
        Operation::Scale {
            kind,
            name,
            namespace,
            replicas: ReplicaChange::By(_) | ReplicaChange::ByPercent(_),
        } => Needs::Target(Target::new(kind, name, namespace)?),
        Operation::RolloutUndo {
            kind,
            name,
            namespace,
            ..
        } => Needs::TargetAndRevisions(Target::new(kind, name, namespace)?),
        // A node's taints are one list: the new list is built from the live one.
        Operation::Taint { node, .. } => Needs::Target(Target::new("node", node, &None)?),
        // An undo checks the version of what it puts back, and keeps what the server maintains.
        Operation::Restore(restore) => restore.target()?.map_or(Needs::Nothing, Needs::Target),
        _ => Needs::Nothing,
    })
}

/// The "kubectl get" of every revision a rollout undo chooses from, in the target's namespace.
pub fn revisions_argv(target: &Target) -> Vec<String> {
    let resource = if target.kind.resource == "deployments" {
        "replicasets"
    } else {
        "controllerrevisions"
    };
    let mut argv = vec!["get".to_string(), resource.to_string()];
    push_namespace(&mut argv, &target.namespace);
    argv.extend(["-o".to_string(), "json".to_string()]);
    argv
}

/// Everything the cluster said before the request could be built.
#[derive(Default)]
pub struct Prefetched {
    pub target: Option<Value>,
    /// ReplicaSets or ControllerRevisions, for rollout undo.
    pub revisions: Option<Value>,
}

/// Builds the request for one operation. `now` stamps restarts (RFC 3339), so the
/// previewed and applied patches are byte-identical.
pub fn build(
    op: &Operation,
    prefetched: &Prefetched,
    limits: &Limits,
    now: &str,
) -> anyhow::Result<Request> {
    if !op.is_change() {
        // Reads run as the equivalent command a person would type.
        return Ok(Request::Read(equivalent_args(op)));
    }
    let change = match op {
        Operation::CreateDeployment {
            name,
            namespace,
            image,
            replicas,
            port,
        } => {
            let labels = json!({ "app": name });
            let mut container = json!({ "name": container_name_for(image), "image": image });
            if let Some(port) = port {
                container["ports"] = json!([{ "containerPort": port }]);
            }
            let object = json!({
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": metadata(name, namespace, Some(&labels)),
                "spec": {
                    "replicas": replicas.unwrap_or(1),
                    "selector": { "matchLabels": labels },
                    "template": {
                        "metadata": { "labels": labels },
                        "spec": { "containers": [container] }
                    }
                }
            });
            create(object, namespace)
        }
        Operation::RunPod {
            name,
            namespace,
            image,
            port,
            labels,
            env,
        } => {
            let labels = if labels.is_empty() {
                json!({ "run": name })
            } else {
                pairs_object(labels)
            };
            let mut container = json!({ "name": name, "image": image });
            if let Some(port) = port {
                container["ports"] = json!([{ "containerPort": port }]);
            }
            if !env.is_empty() {
                container["env"] = Value::Array(
                    env.iter()
                        .map(|kv| json!({ "name": kv.key, "value": kv.value }))
                        .collect(),
                );
            }
            let object = json!({
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": metadata(name, namespace, Some(&labels)),
                "spec": { "containers": [container], "restartPolicy": "Always" }
            });
            create(object, namespace)
        }
        Operation::CreateNamespace { name } => create(
            json!({ "apiVersion": "v1", "kind": "Namespace", "metadata": { "name": name } }),
            &None,
        ),
        Operation::CreateConfigMap {
            name,
            namespace,
            data,
        } => create(
            json!({
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": metadata(name, namespace, None),
                "data": pairs_object(data)
            }),
            namespace,
        ),
        Operation::CreateSecret {
            name,
            namespace,
            data,
        } => {
            let encoded: serde_json::Map<String, Value> = data
                .iter()
                .map(|kv| (kv.key.clone(), Value::String(base64(kv.value.as_bytes()))))
                .collect();
            create(
                json!({
                    "apiVersion": "v1",
                    "kind": "Secret",
                    "type": "Opaque",
                    "metadata": metadata(name, namespace, None),
                    "data": encoded
                }),
                namespace,
            )
        }
        Operation::Autoscale {
            kind,
            name,
            namespace,
            min,
            max,
            cpu_percent,
        } => {
            let target = Target::new(kind, name, namespace)?;
            let mut spec = json!({
                "scaleTargetRef": {
                    "apiVersion": target.kind.api_version,
                    "kind": target.kind.kind,
                    "name": name
                },
                "minReplicas": min.unwrap_or(1),
                "maxReplicas": max
            });
            if let Some(percent) = cpu_percent {
                spec["metrics"] = json!([{
                    "type": "Resource",
                    "resource": { "name": "cpu", "target": { "type": "Utilization", "averageUtilization": percent } }
                }]);
            }
            let object = json!({
                "apiVersion": "autoscaling/v2",
                "kind": "HorizontalPodAutoscaler",
                "metadata": metadata(name, namespace, None),
                "spec": spec
            });
            let mut change = create(object, namespace);
            change.target = Some(target);
            change
        }
        Operation::Apply { objects, namespace } => {
            // A stream of JSON objects rather than a `List`: kubectl validates each
            // object against the cluster's schema, and not every cluster serves one for `List`.
            let list = objects
                .iter()
                .map(serde_json::to_string)
                .collect::<Result<Vec<_>, _>>()?
                .join("\n")
                .into_bytes();
            let mut argv = vec!["apply".to_string(), "-f".to_string(), "-".to_string()];
            push_namespace(&mut argv, namespace);
            let mut get = vec!["get".to_string(), "-f".to_string(), "-".to_string()];
            push_namespace(&mut get, namespace);
            get.extend(["-o", "json", "--ignore-not-found"].map(String::from));
            ChangeRequest {
                target: None,
                before: Before::Read {
                    argv: get,
                    stdin: Some(list.clone()),
                },
                argv,
                stdin: Some(list),
                after: After::Objects,
            }
        }
        Operation::Scale {
            kind,
            name,
            namespace,
            replicas,
        } => {
            let target = Target::new(kind, name, namespace)?;
            let count = match replicas {
                ReplicaChange::To(n) => *n,
                relative => {
                    let live = prefetched
                        .target
                        .as_ref()
                        .and_then(|o| o.pointer("/spec/replicas"))
                        .and_then(Value::as_i64)
                        .unwrap_or(1);
                    let count = resolve_relative(live, *relative);
                    validate::replica_count(count, limits).map_err(|e| {
                        crate::exit::UserError::Usage(format!(
                            "{} has {live} replicas; {e}",
                            target.label()
                        ))
                    })?;
                    count
                }
            };
            patch(target, "merge", &json!({ "spec": { "replicas": count } }))
        }
        Operation::SetImage {
            kind,
            name,
            namespace,
            ..
        }
        | Operation::SetEnv {
            kind,
            name,
            namespace,
            ..
        }
        | Operation::SetResources {
            kind,
            name,
            namespace,
            ..
        } => kubectl_change(op, Target::new(kind, name, namespace)?),
        Operation::RolloutRestart {
            kind,
            name,
            namespace,
        } => {
            let target = Target::new(kind, name, namespace)?;
            patch(
                target,
                "strategic",
                &json!({ "spec": { "template": { "metadata": { "annotations": {
                    "kubectl.kubernetes.io/restartedAt": now
                } } } } }),
            )
        }
        Operation::RolloutUndo {
            kind,
            name,
            namespace,
            to_revision,
        } => {
            let target = Target::new(kind, name, namespace)?;
            let template = undo_template(&target, prefetched, *to_revision)?;
            patch(
                target,
                "json",
                &json!([{ "op": "replace", "path": "/spec/template", "value": template }]),
            )
        }
        Operation::Expose {
            kind,
            name,
            namespace,
            ..
        } => {
            // A new Service: the diff starts from nothing; the workload must exist.
            let mut change = kubectl_change(op, Target::new(kind, name, namespace)?);
            change.before = Before::Nothing;
            change
        }
        Operation::Label(edit) => metadata_change(edit, "labels", "label")?,
        Operation::Annotate(edit) => metadata_change(edit, "annotations", "annotate")?,
        Operation::Delete {
            kind,
            name,
            namespace,
            selector,
        } => {
            let info = kinds::lookup(kind).with_context(|| format!("unknown kind {kind:?}"))?;
            let mut argv = vec!["delete".to_string(), info.resource.to_string()];
            match (name, selector) {
                (Some(name), _) => {
                    let target = Target::new(kind, name, namespace)?;
                    argv.push(name.clone());
                    push_namespace(&mut argv, &target.namespace);
                    ChangeRequest {
                        target: Some(target),
                        before: Before::Target,
                        argv,
                        stdin: None,
                        after: After::Removed,
                    }
                }
                (None, Some(selector)) => {
                    argv.extend(["-l".to_string(), selector.clone()]);
                    push_namespace(&mut argv, namespace);
                    ChangeRequest {
                        target: None,
                        before: Before::Read {
                            argv: list_argv(info, namespace, selector),
                            stdin: None,
                        },
                        argv,
                        stdin: None,
                        after: After::Removed,
                    }
                }
                (None, None) => bail!("delete needs a name or a label selector"),
            }
        }
        Operation::Cordon { node } => patch(
            Target::new("node", node, &None)?,
            "merge",
            &json!({ "spec": { "unschedulable": true } }),
        ),
        Operation::Uncordon { node } => patch(
            Target::new("node", node, &None)?,
            "merge",
            &json!({ "spec": { "unschedulable": null } }),
        ),
        Operation::Drain { node, .. } => ChangeRequest {
            target: Some(Target::new("node", node, &None)?),
            before: Before::Target,
            argv: equivalent_args(op),
            stdin: None,
            after: After::Drained,
        },
        Operation::Taint {
            node,
            key,
            value,
            effect,
            remove,
        } => {
            let live = prefetched
                .target
                .as_ref()
                .and_then(|n| n.pointer("/spec/taints"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let taints =
                retainted(live, key, value.as_deref(), effect.as_str(), *remove).map_err(|e| {
                    anyhow::Error::new(crate::exit::UserError::Usage(format!("node {node} {e}")))
                })?;
            let taints = if taints.is_empty() {
                Value::Null
            } else {
                Value::Array(taints)
            };
            patch(
                Target::new("node", node, &None)?,
                "merge",
                &json!({ "spec": { "taints": taints } }),
            )
        }
        Operation::Patch {
            kind,
            name,
            namespace,
            patch_type,
            patch: body,
        } => patch(
            Target::new(kind, name, namespace)?,
            patch_type.as_str(),
            body,
        ),
        Operation::UseContext { context } => ChangeRequest {
            target: None,
            before: Before::CurrentContext,
            argv: vec!["config".into(), "use-context".into(), context.clone()],
            stdin: None,
            after: After::Context(context.clone()),
        },
        Operation::UseNamespace { namespace } => ChangeRequest {
            // The namespace must exist: a misspelt one is named with close names.
            target: Some(Target::new("namespace", namespace, &None)?),
            before: Before::ContextNamespace,
            argv: equivalent_args(op),
            stdin: None,
            after: After::Namespace(namespace.clone()),
        },
        Operation::Restore(restore) => restore.request(prefetched.target.as_ref())?,
        read => bail!("{} is not a change", read.verb()),
    };
    Ok(Request::Change(change))
}

/// A node's taints with one taint added or removed; untouched when that is
/// already so. Like `kubectl taint` without `--overwrite`, a taint of the same key
/// and effect with another value is not replaced: the error says which.
fn retainted(
    mut taints: Vec<Value>,
    key: &str,
    value: Option<&str>,
    effect: &str,
    remove: bool,
) -> Result<Vec<Value>, String> {
    let position = taints.iter().position(|t| {
        t.get("key").and_then(Value::as_str) == Some(key)
            && t.get("effect").and_then(Value::as_str) == Some(effect)
    });
    match (position, remove) {
        (Some(i), true) => {
            taints.remove(i);
        }
        (None, true) => {}
        (Some(i), false) => {
            let existing = taints[i].get("value").and_then(Value::as_str);
            if existing != value {
                return Err(format!(
                    "already has the taint {key}={}:{effect}; remove it first to set another value",
                    existing.unwrap_or_default()
                ));
            }
        }
        (None, false) => {
            let mut taint = json!({ "key": key, "effect": effect });
            if let Some(v) = value {
                taint["value"] = json!(v);
            }
            taints.push(taint);
        }
    }
    Ok(taints)
}

fn push_namespace(argv: &mut Vec<String>, namespace: &Option<String>) {
    if let Some(ns) = namespace {
        argv.extend(["-n".to_string(), ns.clone()]);
    }
}

fn list_argv(info: &KindInfo, namespace: &Option<String>, selector: &str) -> Vec<String> {
    let mut argv = vec![
        "get".to_string(),
        info.resource.to_string(),
        "-l".to_string(),
        selector.to_string(),
    ];
    push_namespace(&mut argv, namespace);
    argv.extend(["-o".to_string(), "json".to_string()]);
    argv
}

fn metadata(name: &str, namespace: &Option<String>, labels: Option<&Value>) -> Value {
    let mut m = json!({ "name": name });
    if let Some(ns) = namespace {
        m["namespace"] = json!(ns);
    }
    if let Some(labels) = labels {
        m["labels"] = labels.clone();
    }
    m
}

fn pairs_object(pairs: &[KeyValue]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|kv| (kv.key.clone(), Value::String(kv.value.clone())))
            .collect(),
    )
}

/// kubectl names a generated deployment's container after the image's last path part.
fn container_name_for(image: &str) -> String {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    let name = last.split(':').next().unwrap_or(last);
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let cleaned = cleaned.trim_matches('-');
    if cleaned.is_empty() {
        "app".to_string()
    } else {
        cleaned.chars().take(63).collect()
    }
}

fn create(object: Value, namespace: &Option<String>) -> ChangeRequest {
    let mut argv = vec!["create".to_string(), "-f".to_string(), "-".to_string()];
    push_namespace(&mut argv, namespace);
    ChangeRequest {
        target: None,
        before: Before::Nothing,
        argv,
        stdin: Some(serde_json::to_vec(&object).unwrap_or_default()),
        after: After::Objects,
    }
}

fn patch(target: Target, patch_type: &str, body: &Value) -> ChangeRequest {
    let mut argv = vec![
        "patch".to_string(),
        target.kind.resource.to_string(),
        target.name.clone(),
    ];
    push_namespace(&mut argv, &target.namespace);
    argv.extend([
        format!("--type={patch_type}"),
        "-p".to_string(),
        body.to_string(),
    ]);
    ChangeRequest {
        target: Some(target),
        before: Before::Target,
        argv,
        stdin: None,
        after: After::Objects,
    }
}

/// A change made by kubectl's own command — the equivalent command itself — whose
/// server dry run prints the resulting object (set image/env/resources, expose, taint).
fn kubectl_change(op: &Operation, target: Target) -> ChangeRequest {
    ChangeRequest {
        target: Some(target),
        before: Before::Target,
        argv: equivalent_args(op),
        stdin: None,
        after: After::Objects,
    }
}

fn metadata_change(edit: &MetadataEdit, field: &str, verb: &str) -> anyhow::Result<ChangeRequest> {
    match (&edit.name, &edit.selector) {
        (Some(name), _) => {
            let target = Target::new(&edit.kind, name, &edit.namespace)?;
            let mut values = serde_json::Map::new();
            for kv in &edit.set {
                values.insert(kv.key.clone(), Value::String(kv.value.clone()));
            }
            for key in &edit.remove {
                values.insert(key.clone(), Value::Null);
            }
            Ok(patch(
                target,
                "merge",
                &json!({ "metadata": { field: values } }),
            ))
        }
        (None, Some(selector)) => {
            let info = kinds::lookup(&edit.kind)
                .with_context(|| format!("unknown kind {:?}", edit.kind))?;
            let mut argv = vec![
                verb.to_string(),
                info.resource.to_string(),
                "-l".to_string(),
                selector.clone(),
            ];
            push_namespace(&mut argv, &edit.namespace);
            argv.extend(edit.set.iter().map(|kv| format!("{}={}", kv.key, kv.value)));
            argv.extend(edit.remove.iter().map(|k| format!("{k}-")));
            if edit.overwrite {
                argv.push("--overwrite".into());
            }
            Ok(ChangeRequest {
                target: None,
                before: Before::Read {
                    argv: list_argv(info, &edit.namespace, selector),
                    stdin: None,
                },
                argv,
                stdin: None,
                after: After::Objects,
            })
        }
        (None, None) => bail!("{verb} needs a name or a selector"),
    }
}

/// Resolves "by 2" / "by 50%" against the live count; percentages round away from zero.
/// A percentage never removes more than it says: a decrease rounds the number of
/// replicas removed down (10% of 2 removes none), an increase rounds the number
/// added up (10% of 2 adds one).
pub fn resolve_relative(live: i64, change: ReplicaChange) -> i64 {
    match change {
        ReplicaChange::To(n) => n,
        ReplicaChange::By(delta) => live.saturating_add(delta),
        ReplicaChange::ByPercent(percent) => {
            let share = live.saturating_mul(percent.abs());
            if percent < 0 {
                live.saturating_sub(share / 100)
            } else {
                live.saturating_add(share.saturating_add(99) / 100)
            }
        }
    }
}

/// Finds the pod template of the revision to roll back to, as `kubectl rollout
/// undo` does: a deployment's ReplicaSets carry a revision annotation and the
/// template; a statefulset's or daemonset's ControllerRevisions carry a revision
/// number and the template as a patch.
fn undo_template(
    target: &Target,
    prefetched: &Prefetched,
    to_revision: Option<i64>,
) -> anyhow::Result<Value> {
    let owner = prefetched
        .target
        .as_ref()
        .with_context(|| format!("{} was not read", target.label()))?;
    let deployment = target.kind.resource == "deployments";
    let revision_of = |o: &Value| {
        if deployment {
            o.pointer("/metadata/annotations/deployment.kubernetes.io~1revision")
                .and_then(Value::as_str)
                .and_then(|r| r.parse::<i64>().ok())
        } else {
            o.get("revision").and_then(Value::as_i64)
        }
    };
    let uid = owner.pointer("/metadata/uid").and_then(Value::as_str);
    let owned: Vec<&Value> = prefetched
        .revisions
        .as_ref()
        .and_then(|l| l.get("items"))
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter(|revision| {
                    revision
                        .pointer("/metadata/ownerReferences")
                        .and_then(Value::as_array)
                        .is_some_and(|refs| {
                            refs.iter().any(|r| {
                                r.get("kind").and_then(Value::as_str) == Some(target.kind.kind)
                                    && (r.get("uid").and_then(Value::as_str) == uid
                                        || r.get("name").and_then(Value::as_str)
                                            == Some(target.name.as_str()))
                            })
                        })
                })
                .collect()
        })
        .unwrap_or_default();
    // A deployment says its revision; for the others the newest revision is the current one.
    let current = if deployment {
        revision_of(owner).unwrap_or(0)
    } else {
        owned
            .iter()
            .filter_map(|r| revision_of(r))
            .max()
            .unwrap_or(0)
    };
    let chosen = match to_revision {
        Some(wanted) => owned
            .iter()
            .find(|r| revision_of(r) == Some(wanted))
            .with_context(|| {
                let mut known: Vec<i64> = owned.iter().filter_map(|r| revision_of(r)).collect();
                known.sort_unstable();
                format!(
                    "{} has no revision {wanted}; known revisions: {}",
                    target.label(),
                    known
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?,
        None => owned
            .iter()
            .filter(|r| revision_of(r).is_some_and(|n| n < current))
            .max_by_key(|r| revision_of(r))
            .with_context(|| {
                format!(
                    "{} has no previous revision to roll back to",
                    target.label()
                )
            })?,
    };
    let pointer = if deployment {
        "/spec/template"
    } else {
        "/data/spec/template"
    };
    let mut template = chosen
        .pointer(pointer)
        .cloned()
        .context("the revision has no pod template")?;
    if let Some(map) = template.as_object_mut() {
        map.remove("$patch");
    }
    if let Some(Value::Object(labels)) = template.pointer_mut("/metadata/labels") {
        labels.remove("pod-template-hash");
        labels.remove("controller-revision-hash");
    }
    Ok(template)
}

/// Standard base64, for Secret data.
fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(op: Operation) -> ChangeRequest {
        match build(
            &op,
            &Prefetched::default(),
            &Limits::default(),
            "2026-11-24T00:00:00Z",
        )
        .unwrap()
        {
            Request::Change(c) => c,
            Request::Read(_) => panic!("not a change"),
        }
    }

    #[test]
    fn scale_is_a_patch_previewed_and_applied_identically() {
        let c = change(Operation::Scale {
            kind: "deploy".into(),
            name: "web".into(),
            namespace: Some("shop".into()),
            replicas: ReplicaChange::To(3),
        });
        assert_eq!(
            c.apply_argv(),
            [
                "patch",
                "deployments",
                "web",
                "-n",
                "shop",
                "--type=merge",
                "-p",
                r#"{"spec":{"replicas":3}}"#,
                "-o",
                "json"
            ]
        );
        let preview = c.preview_argv();
        assert_eq!(&preview[..8], &c.apply_argv()[..8]);
        assert!(preview.contains(&"--dry-run=server".to_string()));
    }

    #[test]
    fn relative_scaling_counts_from_the_live_object() {
        assert_eq!(resolve_relative(4, ReplicaChange::By(2)), 6);
        assert_eq!(resolve_relative(4, ReplicaChange::By(-2)), 2);
        assert_eq!(resolve_relative(4, ReplicaChange::ByPercent(50)), 6);
        assert_eq!(resolve_relative(3, ReplicaChange::ByPercent(50)), 5);
        // A decrease removes at most the share asked for (1.5 of 3 removes 1),
        // an increase adds at least it (1.5 of 3 adds 2).
        assert_eq!(resolve_relative(3, ReplicaChange::ByPercent(-50)), 2);
        assert_eq!(resolve_relative(2, ReplicaChange::ByPercent(-10)), 2);
        assert_eq!(resolve_relative(2, ReplicaChange::ByPercent(10)), 3);
        assert_eq!(resolve_relative(10, ReplicaChange::ByPercent(-25)), 8);
        assert_eq!(resolve_relative(4, ReplicaChange::ByPercent(-100)), 0);
        let op = Operation::Scale {
            kind: "deployment".into(),
            name: "web".into(),
            namespace: None,
            replicas: ReplicaChange::By(-5),
        };
        let prefetched = Prefetched {
            target: Some(json!({"spec": {"replicas": 2}})),
            revisions: None,
        };
        let err = build(&op, &prefetched, &Limits::default(), "now")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("has 2 replicas") && err.contains("-3"),
            "{err}"
        );
    }

    #[test]
    fn creates_send_the_built_object() {
        let c = change(Operation::CreateDeployment {
            name: "api".into(),
            namespace: None,
            image: "ghcr.io/acme/api:1.2".into(),
            replicas: Some(2),
            port: Some(8080),
        });
        assert_eq!(c.argv, ["create", "-f", "-"]);
        let object: Value = serde_json::from_slice(c.stdin.as_deref().unwrap()).unwrap();
        assert_eq!(
            object["spec"]["template"]["spec"]["containers"][0]["name"],
            "api"
        );
        assert_eq!(
            object["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"],
            8080
        );
        assert_eq!(object["spec"]["selector"]["matchLabels"]["app"], "api");
        assert_eq!(c.before, Before::Nothing);
    }

    #[test]
    fn secrets_are_base64_encoded() {
        assert_eq!(base64(b"hunter2"), "aHVudGVyMg==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
    }

    #[test]
    fn undo_picks_the_previous_revision_without_the_hash_label() {
        let rs = |rev: &str, image: &str| {
            json!({"metadata": {"annotations": {"deployment.kubernetes.io/revision": rev},
                "ownerReferences": [{"kind": "Deployment", "name": "web"}]},
                "spec": {"template": {"metadata": {"labels": {"app": "web", "pod-template-hash": "abc"}},
                "spec": {"containers": [{"name": "web", "image": image}]}}}})
        };
        let prefetched = Prefetched {
            target: Some(
                json!({"metadata": {"annotations": {"deployment.kubernetes.io/revision": "3"}}}),
            ),
            revisions: Some(json!({"items": [rs("1", "a"), rs("2", "b"), rs("3", "c")]})),
        };
        let target = Target::new("deployment", "web", &None).unwrap();
        let t = undo_template(&target, &prefetched, None).unwrap();
        assert_eq!(t["spec"]["containers"][0]["image"], "b");
        assert!(t["metadata"]["labels"].get("pod-template-hash").is_none());
        let t = undo_template(&target, &prefetched, Some(1)).unwrap();
        assert_eq!(t["spec"]["containers"][0]["image"], "a");
        let err = undo_template(&target, &prefetched, Some(7))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("no revision 7") && err.contains("1, 2, 3"),
            "{err}"
        );
    }
}
