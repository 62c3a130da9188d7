//! What the apply sends: the previewed objects themselves, with the preview as a precondition.
//!
//! A preview is a promise: "this is what will change". So the apply does not send
//! the change's request again (its result could differ if the object moved on in
//! between); it sends the dry run's result, byte for byte, carrying the
//! `resourceVersion` of the live object it was computed from (`kubectl replace
//! --raw PATH -f -`: a plain PUT, which unlike `kubectl replace -f -` does not
//! rewrite the object's `last-applied-configuration`), and deletes each
//! previewed object by name with `uid` and `resourceVersion` preconditions
//! (`kubectl delete --raw PATH -f -`). The API server itself then refuses a stale
//! write with a Conflict. A conflict is checked once more: when only what the
//! preview does not show moved (a status update), the same object is sent again
//! with the new `resourceVersion`; otherwise the apply stops and says the object
//! changed since the preview. Creates need no precondition (the server refuses to
//! create what exists), so they send their own request; so do a drain and a
//! context switch, which change no object that could be previewed, and an
//! `apply` of a kind the plugin does not know (it cannot name its API path).

use serde_json::{Value, json};

use super::request::{After, Before, ChangeRequest};
use super::scoped;
use crate::kubectl::{Captured, Kubectl};
use crate::preview::{object_label, same_object};

/// One request of an apply.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `kubectl replace --raw PATH -f -` of the previewed object, with the live `resourceVersion`.
    Replace {
        live: Value,
        object: Value,
        path: String,
    },
    /// `kubectl create -f -` of an object the dry run previewed as new (an `apply` that creates).
    Create { object: Value },
    /// `kubectl delete --raw PATH -f -` with `uid` and `resourceVersion` preconditions.
    Delete { live: Value, path: String },
    /// The change's own request: creates, drains and context switches.
    Request {
        argv: Vec<String>,
        stdin: Option<Vec<u8>>,
    },
    /// An edit of the kubeconfig (`config set-context CONTEXT --namespace NS`),
    /// sent with `--kubeconfig` only: `set-context` would take the forwarded
    /// `--cluster` and `--user` as values to write into the context.
    Kubeconfig { argv: Vec<String> },
}

/// The requests that apply a previewed change, from the raw `(live, after)` pairs of
/// its preview. Pairs that change nothing send nothing.
pub fn steps(
    change: &ChangeRequest,
    pairs: &[(Option<Value>, Option<Value>)],
) -> anyhow::Result<Vec<Step>> {
    let own_request = || {
        vec![Step::Request {
            argv: change.apply_argv(),
            stdin: change.stdin.clone(),
        }]
    };
    if let After::Namespace(namespace) = &change.after {
        // The context named, not `--current`: the one the run previewed, whatever
        // the kubeconfig's current context is by now.
        return Ok(pairs
            .iter()
            .filter(|(before, after)| before != after)
            .filter_map(|(before, _)| before.as_ref()?.get("context")?.as_str())
            .map(|context| Step::Kubeconfig {
                argv: ["config", "set-context", context, "--namespace", namespace]
                    .map(String::from)
                    .into(),
            })
            .collect());
    }
    if matches!(change.after, After::Drained | After::Context(_))
        || change.before == Before::Nothing
    {
        return Ok(own_request());
    }
    let mut steps = Vec::new();
    for (live, after) in pairs {
        match (live, after, &change.after) {
            (Some(live), _, After::Removed) => steps.push(Step::Delete {
                live: live.clone(),
                path: api_path(live)?,
            }),
            (Some(live), Some(after), _) if !same_object(live, after) => {
                let Ok(path) = api_path(live) else {
                    return Ok(own_request());
                };
                steps.push(Step::Replace {
                    live: live.clone(),
                    object: with_resource_version(after.clone(), live),
                    path,
                });
            }
            (None, Some(after), _) => steps.push(Step::Create {
                object: without_server_fields(after.clone()),
            }),
            _ => {}
        }
    }
    Ok(steps)
}

impl Step {
    /// The kubectl arguments of this step (without `kubectl`).
    pub fn argv(&self) -> Vec<String> {
        let with_namespace = |mut argv: Vec<String>, object: &Value| {
            if let Some(ns) = namespace_of(object) {
                argv.extend(["-n".to_string(), ns.to_string()]);
            }
            argv.extend(["-o", "json"].map(String::from));
            argv
        };
        match self {
            Step::Replace { path, .. } => ["replace", "--raw", path, "-f", "-"]
                .map(String::from)
                .into(),
            Step::Create { object } => {
                with_namespace(vec!["create".into(), "-f".into(), "-".into()], object)
            }
            Step::Delete { path, .. } => ["delete", "--raw", path, "-f", "-"]
                .map(String::from)
                .into(),
            Step::Request { argv, .. } | Step::Kubeconfig { argv } => argv.clone(),
        }
    }

    fn stdin(&self) -> Option<Vec<u8>> {
        match self {
            Step::Replace { object, .. } | Step::Create { object } => {
                Some(object.to_string().into_bytes())
            }
            Step::Delete { live, .. } => Some(delete_options(live).to_string().into_bytes()),
            Step::Request { stdin, .. } => stdin.clone(),
            Step::Kubeconfig { .. } => None,
        }
    }

    /// `deployment/web`, for messages; `None` for a step that is the change's own request.
    pub fn object(&self) -> Option<String> {
        match self {
            Step::Replace { live, .. } | Step::Delete { live, .. } => Some(object_label(live)),
            Step::Create { object } => Some(object_label(object)),
            Step::Request { .. } | Step::Kubeconfig { .. } => None,
        }
    }

    /// Sends this step. A Conflict is checked against the live object: when what
    /// the preview showed is unchanged, the step is sent once more with the new
    /// `resourceVersion`; otherwise the result is [`Sent::Stale`].
    pub async fn send(&self, kubectl: &Kubectl) -> anyhow::Result<Sent> {
        let argv = self.argv();
        let runner = scoped(kubectl, &argv);
        let runner = match self {
            Step::Delete { .. } | Step::Replace { .. } => {
                std::borrow::Cow::Owned(kubectl.with_namespace(None))
            }
            Step::Kubeconfig { .. } => {
                std::borrow::Cow::Owned(kubectl.with_flags(crate::config::KubeFlags {
                    kubeconfig: kubectl.flags().kubeconfig.clone(),
                    ..Default::default()
                }))
            }
            _ => runner,
        };
        let captured = runner.run(&argv, self.stdin()).await?;
        if captured.status == 0 || !self.is_precondition_failure(&captured) {
            return Ok(Sent::Done(captured));
        }
        let Some(live) = self.previewed_live() else {
            return Ok(Sent::Done(captured));
        };
        match refetch(kubectl, live).await? {
            Some(now) if unchanged(live, &now) => {
                let retried = self.with_live(&now);
                let argv = retried.argv();
                let again = runner.run(&argv, retried.stdin()).await?;
                if again.status != 0 && retried.is_precondition_failure(&again) {
                    Ok(Sent::Stale(again))
                } else {
                    Ok(Sent::Done(again))
                }
            }
            _ => Ok(Sent::Stale(captured)),
        }
    }

    fn previewed_live(&self) -> Option<&Value> {
        match self {
            Step::Replace { live, .. } | Step::Delete { live, .. } => Some(live),
            _ => None,
        }
    }

    /// This step again, carrying the `resourceVersion` of `now`.
    fn with_live(&self, now: &Value) -> Step {
        match self {
            Step::Replace { object, path, .. } => Step::Replace {
                live: now.clone(),
                object: with_resource_version(object.clone(), now),
                path: path.clone(),
            },
            Step::Delete { path, .. } => Step::Delete {
                live: now.clone(),
                path: path.clone(),
            },
            other => other.clone(),
        }
    }

    /// The server refused because the object is not the one previewed: a
    /// Conflict (stale `resourceVersion` or `uid`), or gone.
    fn is_precondition_failure(&self, captured: &Captured) -> bool {
        let stderr = &captured.stderr;
        stderr.contains("(Conflict)")
            || (self.previewed_live().is_some() && stderr.contains("(NotFound)"))
    }
}

/// What sending a step came to.
#[derive(Debug)]
pub enum Sent {
    /// kubectl ran to its end (successfully or not).
    Done(Captured),
    /// The object is not the one previewed any more: nothing was written.
    Stale(Captured),
}

/// True when the object now live is the one previewed, apart from what the preview
/// does not show (status, `resourceVersion`, …). A new `uid` is another object.
fn unchanged(previewed: &Value, now: &Value) -> bool {
    previewed.pointer("/metadata/uid") == now.pointer("/metadata/uid")
        && same_object(previewed, now)
}

/// The object as it is now, or `None` when it is gone.
async fn refetch(kubectl: &Kubectl, live: &Value) -> anyhow::Result<Option<Value>> {
    let mut argv: Vec<String> = ["get", "-f", "-", "-o", "json", "--ignore-not-found"]
        .map(String::from)
        .into();
    if let Some(ns) = namespace_of(live) {
        argv.extend(["-n".to_string(), ns.to_string()]);
    }
    let captured = scoped(kubectl, &argv)
        .run_checked(&argv, Some(live.to_string().into_bytes()))
        .await?;
    if captured.stdout.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    // `get -f` answers with a List, even of one object.
    let answer: Value = serde_json::from_slice(&captured.stdout)?;
    Ok(crate::preview::objects(answer).into_iter().next())
}

fn namespace_of(object: &Value) -> Option<&str> {
    object
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .filter(|ns| !ns.is_empty())
}

fn with_resource_version(mut object: Value, live: &Value) -> Value {
    if let Some(rv) = live.pointer("/metadata/resourceVersion").cloned()
        && let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut)
    {
        metadata.insert("resourceVersion".into(), rv);
    }
    object
}

/// A dry-run result made into something to create: what the server sets on create is dropped.
fn without_server_fields(mut object: Value) -> Value {
    if let Some(map) = object.as_object_mut() {
        map.remove("status");
        if let Some(metadata) = map.get_mut("metadata").and_then(Value::as_object_mut) {
            for key in [
                "uid",
                "resourceVersion",
                "creationTimestamp",
                "generation",
                "managedFields",
                "selfLink",
            ] {
                metadata.remove(key);
            }
        }
    }
    object
}

/// The deletion kubectl would ask for (in the background, as `kubectl delete`
/// does), only if the object is still the one previewed.
fn delete_options(live: &Value) -> Value {
    let mut preconditions = serde_json::Map::new();
    for key in ["uid", "resourceVersion"] {
        if let Some(value) = live.pointer(&format!("/metadata/{key}")) {
            preconditions.insert(key.into(), value.clone());
        }
    }
    json!({
        "kind": "DeleteOptions",
        "apiVersion": "v1",
        "propagationPolicy": "Background",
        "preconditions": preconditions,
    })
}

/// The API path of an object, from its `apiVersion`, `kind` and name.
fn api_path(object: &Value) -> anyhow::Result<String> {
    let text = |p: &str| {
        object
            .pointer(p)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let (api_version, kind, name) = (text("/apiVersion"), text("/kind"), text("/metadata/name"));
    let info = crate::plan::kinds::lookup(kind)
        .ok_or_else(|| anyhow::anyhow!("cannot delete {kind} {name:?}: the kind is not known"))?;
    if api_version.is_empty() || name.is_empty() {
        anyhow::bail!("cannot delete an object without apiVersion and name: {object}");
    }
    let root = if api_version.contains('/') {
        format!("/apis/{api_version}")
    } else {
        format!("/api/{api_version}")
    };
    Ok(match namespace_of(object) {
        Some(ns) if info.namespaced => format!("{root}/namespaces/{ns}/{}/{name}", info.resource),
        _ => format!("{root}/{}/{name}", info.resource),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(rv: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "p1", "namespace": "shop", "uid": "u1", "resourceVersion": rv},
               "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    }

    fn deletion() -> ChangeRequest {
        ChangeRequest {
            target: None,
            before: Before::Target,
            argv: vec!["delete".into()],
            stdin: None,
            after: After::Removed,
        }
    }

    #[test]
    fn deletes_go_by_path_with_both_preconditions() {
        let steps = steps(&deletion(), &[(Some(pod("7")), None)]).unwrap();
        assert_eq!(
            steps[0].argv(),
            [
                "delete",
                "--raw",
                "/api/v1/namespaces/shop/pods/p1",
                "-f",
                "-"
            ]
        );
        let body: Value = serde_json::from_slice(&steps[0].stdin().unwrap()).unwrap();
        assert_eq!(
            body["preconditions"],
            json!({"uid": "u1", "resourceVersion": "7"})
        );
        assert_eq!(body["propagationPolicy"], "Background");
    }

    #[test]
    fn replaces_carry_the_live_resource_version_and_skip_what_does_not_change() {
        let change = ChangeRequest {
            after: After::Objects,
            ..deletion()
        };
        let mut scaled = pod("");
        scaled["spec"]["containers"][0]["image"] = json!("nginx:2");
        scaled["metadata"]
            .as_object_mut()
            .unwrap()
            .remove("resourceVersion");
        let steps = steps(
            &change,
            &[
                (Some(pod("9")), Some(scaled)),
                (Some(pod("3")), Some(pod("3"))),
            ],
        )
        .unwrap();
        assert_eq!(steps.len(), 1, "{steps:?}");
        let Step::Replace { object, .. } = &steps[0] else {
            panic!("{steps:?}")
        };
        assert_eq!(object["metadata"]["resourceVersion"], "9");
        assert_eq!(
            steps[0].argv(),
            [
                "replace",
                "--raw",
                "/api/v1/namespaces/shop/pods/p1",
                "-f",
                "-"
            ]
        );
    }

    #[test]
    fn group_paths_and_cluster_scoped_paths() {
        let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "a"}});
        assert_eq!(
            api_path(&deployment).unwrap(),
            "/apis/apps/v1/namespaces/a/deployments/web"
        );
        let node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}});
        assert_eq!(api_path(&node).unwrap(), "/api/v1/nodes/n1");
    }

    #[test]
    fn a_new_uid_is_another_object() {
        let mut other = pod("7");
        other["metadata"]["uid"] = json!("u2");
        assert!(!unchanged(&pod("7"), &other));
        assert!(unchanged(&pod("7"), &pod("8")));
    }
}
