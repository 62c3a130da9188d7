//! Previewing one change: the live state and the server's dry run, made comparable.
//!
//! The live object and the dry run of the very request the apply will send are
//! fetched concurrently where the request does not depend on the live state (a
//! relative scale and a rollback do, so those read first), then paired and
//! normalized into [`ObjectPreview`]s. A missing target becomes a usage error that
//! names the closest existing names. A create into a namespace the same plan
//! creates cannot be dry-run yet, so the object built here is shown, marked
//! unchecked.

use serde_json::Value;

use super::request::{self, After, Before, ChangeRequest, Needs, Prefetched, Request};
use super::{Settings, scoped, suggest};
use crate::exit::UserError;
use crate::kubectl::{Captured, Kubectl, display_command};
use crate::plan::Operation;
use crate::preview::{self, ObjectPreview, mask};

/// A change's request, its object previews, and what the dry run printed where it prints no objects.
pub(super) type Previewed = (ChangeRequest, Vec<ObjectPreview>, Option<String>);

/// Previews one change: live state and server dry run (concurrently where the
/// request does not depend on the live state), normalized and diffed.
pub(super) async fn preview_change(
    kubectl: &Kubectl,
    op: &Operation,
    settings: &Settings,
    now: &str,
) -> anyhow::Result<Previewed> {
    let mut prefetched = Prefetched::default();
    match request::needs(op)? {
        Needs::Nothing => {}
        Needs::Target(target) => {
            prefetched.target = Some(fetch_target(kubectl, &target).await?);
        }
        Needs::TargetAndRevisions(target) => {
            let rs_argv = request::revisions_argv(&target);
            let rs_runner = scoped(kubectl, &rs_argv);
            let (live, replicasets) = tokio::join!(
                fetch_target(kubectl, &target),
                rs_runner.run_checked(&rs_argv, None)
            );
            prefetched.target = Some(live?);
            prefetched.revisions = Some(parse_json(&replicasets?)?);
        }
    }
    let change = match request::build(op, &prefetched, &settings.limits, now)? {
        Request::Change(change) => change,
        Request::Read(_) => anyhow::bail!("{} is not a change", op.verb()),
    };

    let live = async {
        if let Some(value) = prefetched.target.clone() {
            return Ok(Some(value));
        }
        match &change.target {
            Some(target) => fetch_target(kubectl, target).await.map(Some),
            None => Ok(None),
        }
    };
    let before = async {
        match &change.before {
            Before::Read { argv, stdin } => {
                let captured = scoped(kubectl, argv)
                    .run_checked(argv, stdin.clone())
                    .await?;
                Ok(parse_json_or_empty(&captured)?.or(Some(Value::Null)))
            }
            Before::CurrentContext => {
                let argv: Vec<String> = ["config", "current-context"].map(String::from).into();
                let captured = scoped(kubectl, &argv).run(&argv, None).await?;
                Ok(Some(context_object(
                    String::from_utf8_lossy(&captured.stdout).trim(),
                )))
            }
            Before::Nothing | Before::Target => Ok::<Option<Value>, anyhow::Error>(None),
        }
    };
    let dry_run = async {
        match &change.after {
            After::Context(name) => {
                let argv: Vec<String> = ["config", "get-contexts", "-o", "name"]
                    .map(String::from)
                    .into();
                let captured = scoped(kubectl, &argv).run_checked(&argv, None).await?;
                let known = String::from_utf8_lossy(&captured.stdout).into_owned();
                if !known.lines().any(|l| l.trim() == name) {
                    return Err(UserError::Usage(format!(
                        "context {name:?} is not in your kubeconfig; known contexts: {}",
                        known.lines().collect::<Vec<_>>().join(", ")
                    ))
                    .into());
                }
                Ok(Captured {
                    status: 0,
                    stdout: Vec::new(),
                    stderr: String::new(),
                })
            }
            _ => {
                kubectl
                    .run_checked(&change.preview_argv(), change.stdin.clone())
                    .await
            }
        }
    };
    let (live, before, dry_run) = tokio::join!(live, before, dry_run);
    let live = live?;
    let dry_run = dry_run.map_err(|e| e.context("the server refused the dry run"))?;

    let before_objects: Vec<Value> = match &change.before {
        Before::Target => live.clone().into_iter().collect(),
        Before::Nothing => Vec::new(),
        _ => before?.map(preview::objects).unwrap_or_default(),
    };
    let (previews, text) = match &change.after {
        After::Objects => {
            let after = preview::objects(parse_json_or_empty(&dry_run)?.unwrap_or(Value::Null));
            (preview::pair_up(before_objects, after), None)
        }
        After::Removed => (
            before_objects
                .iter()
                .map(|b| ObjectPreview::new(Some(b), None))
                .collect(),
            None,
        ),
        After::Drained => {
            let cordoned = live.map(|mut node| {
                node["spec"]["unschedulable"] = Value::Bool(true);
                node
            });
            let previews = before_objects
                .iter()
                .zip(cordoned.iter())
                .map(|(b, a)| ObjectPreview::new(Some(b), Some(a)))
                .collect();
            let text = String::from_utf8_lossy(&dry_run.stdout).into_owned() + &dry_run.stderr;
            (previews, Some(crate::redact::mask(text.trim())))
        }
        After::Context(name) => {
            let after = context_object(name);
            (
                before_objects
                    .iter()
                    .map(|b| ObjectPreview::new(Some(b), Some(&after)))
                    .collect(),
                None,
            )
        }
    };
    Ok((change, previews, text))
}

/// True when an earlier operation of the plan creates this namespace.
pub(super) fn created_earlier(earlier: &[Operation], namespace: &str) -> bool {
    earlier.iter().any(|op| match op {
        Operation::CreateNamespace { name } => name == namespace,
        Operation::Apply { objects, .. } => objects.iter().any(|o| {
            o.get("kind").and_then(Value::as_str) == Some("Namespace")
                && o.pointer("/metadata/name").and_then(Value::as_str) == Some(namespace)
        }),
        _ => false,
    })
}

/// The preview of a create into a namespace an earlier operation creates: the
/// server cannot dry-run it yet, so the object built here is shown, marked as unchecked.
pub(super) fn preview_unchecked(
    op: &Operation,
    settings: &Settings,
    now: &str,
    namespace: &str,
) -> anyhow::Result<Previewed> {
    let change = match request::build(op, &Prefetched::default(), &settings.limits, now)? {
        Request::Change(change)
            if change.before == Before::Nothing || matches!(change.before, Before::Read { .. }) =>
        {
            change
        }
        _ => {
            return Err(UserError::Usage(format!(
                "operation {} acts on an existing object in namespace {namespace}, which this plan only creates; split the plan in two",
                op.verb()
            ))
            .into());
        }
    };
    let objects = change
        .stdin
        .as_deref()
        .map(serde_json::from_slice::<Value>)
        .transpose()?
        .map(preview::objects)
        .unwrap_or_default();
    let previews = objects
        .iter()
        .map(|o| ObjectPreview::new(None, Some(o)))
        .collect();
    let note = format!(
        "not checked by the server: namespace {namespace} does not exist until an earlier operation creates it"
    );
    Ok((change, previews, Some(note)))
}

/// The kubeconfig's current context as a tiny object, so switching contexts diffs like any change.
fn context_object(name: &str) -> Value {
    serde_json::json!({ "kind": "Kubeconfig", "metadata": { "name": "current-context" }, "current-context": name })
}

/// Gets the live target; a missing one is a usage error that suggests close names.
async fn fetch_target(kubectl: &Kubectl, target: &request::Target) -> anyhow::Result<Value> {
    let argv = target.get_argv();
    let captured = scoped(kubectl, &argv).run(&argv, None).await?;
    if captured.status == 0 {
        return parse_json(&captured);
    }
    if captured.stderr.contains("NotFound") || captured.stderr.contains("not found") {
        let missing = suggest::not_found(kubectl, target).await;
        let message = missing.message.clone();
        return Err(anyhow::Error::new(missing).context(UserError::Usage(message)));
    }
    Err(crate::kubectl::KubectlError::Failed {
        command: display_command(&mask::mask_argv(&scoped(kubectl, &argv).argv(&argv))),
        status: captured.status,
        stderr: captured.stderr,
    }
    .into())
}

/// kubectl's `-o json` output: one object, a `List`, or (for several objects from
/// one command, as `label -l` prints them) several objects one after another.
/// Nothing at all is an error: a `get -o json` always prints something.
fn parse_json(captured: &Captured) -> anyhow::Result<Value> {
    parse_json_or_empty(captured)?.ok_or_else(|| {
        anyhow::anyhow!(
            "kubectl printed nothing where JSON was expected{}; check that KUBECTL_PATH \
             (or kubectl on PATH) is a working kubectl",
            stderr_note(captured)
        )
    })
}

/// Like [`parse_json`], with `None` when kubectl printed nothing (a dry run
/// that selects no objects).
fn parse_json_or_empty(captured: &Captured) -> anyhow::Result<Option<Value>> {
    let bytes = &captured.stdout;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let mut values = serde_json::Deserializer::from_slice(bytes)
        .into_iter::<Value>()
        .collect::<Result<Vec<Value>, _>>()
        .map_err(|e| {
            anyhow::anyhow!(
                "kubectl printed something that is not JSON ({e}); it begins {}{}",
                crate::shown::value(&String::from_utf8_lossy(&bytes[..bytes.len().min(400)])),
                stderr_note(captured)
            )
        })?;
    Ok(Some(match values.len() {
        1 => values.remove(0),
        _ => serde_json::json!({ "kind": "List", "items": values }),
    }))
}

/// kubectl's stderr, when it said anything, to add to a message.
fn stderr_note(captured: &Captured) -> String {
    match captured.stderr.trim() {
        "" => String::new(),
        text => format!("; kubectl said: {text}"),
    }
}
