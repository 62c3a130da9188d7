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

use super::commit::{self, Step};
use super::request::{self, After, Before, ChangeRequest, Needs, Prefetched, Request};
use super::{Settings, scoped, suggest};
use crate::exit::UserError;
use crate::kubectl::{Captured, Kubectl, display_command};
use crate::plan::Operation;
use crate::preview::{self, ObjectPreview, mask};

/// A change as previewed: its request, the object previews, what the dry run
/// printed where it prints no objects, and the requests that apply exactly this.
pub(super) struct Previewed {
    pub change: ChangeRequest,
    pub previews: Vec<ObjectPreview>,
    pub text: Option<String>,
    pub steps: Vec<Step>,
}

impl Previewed {
    /// Writes the preview into the operation's report and says whether the change
    /// is no change at all (nothing to send, or every object the same): the
    /// report's status is then `NoChange`, else `waiting`. Returns that and the
    /// requests the apply would send. One rule for the CLI run and MCP's staging.
    pub(super) fn into_report(
        self,
        report: &mut crate::output::OperationReport,
        waiting: crate::output::Status,
    ) -> (bool, Vec<Step>) {
        let no_change = self.steps.is_empty()
            || !self.previews.is_empty() && self.previews.iter().all(ObjectPreview::is_no_change)
            || self.previews.is_empty()
                && self.text.is_none()
                && self.change.after != After::Drained;
        if let Some(first) = self.steps.first() {
            report.argv = mask::mask_argv(&first.argv());
        }
        report.preview = Some(self.previews);
        report.preview_text = self.text;
        report.status = if no_change {
            crate::output::Status::NoChange
        } else {
            waiting
        };
        (no_change, self.steps)
    }
}

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
            Before::ContextNamespace => context_namespace_object(kubectl).map(Some),
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
            // Nothing on the server changes: the kubeconfig is what is previewed.
            After::Namespace(_) => Ok(Captured {
                status: 0,
                stdout: Vec::new(),
                stderr: String::new(),
            }),
            _ => {
                let argv = change.preview_argv();
                scoped(kubectl, &argv)
                    .run_checked(&argv, change.stdin.clone())
                    .await
            }
        }
    };
    let (live, before, dry_run) = tokio::join!(live, before, dry_run);
    let live = live?;
    let before_objects: Vec<Value> = match &change.before {
        Before::Target => live.clone().into_iter().collect(),
        Before::Nothing => Vec::new(),
        _ => before?.map(preview::objects).unwrap_or_default(),
    };
    // kubectl's own refusal to overwrite, said the same way whatever the request.
    refuse_overwrite(op, &before_objects)?;
    refuse_deleting_every_object(kubectl, op, &before_objects).await?;
    let dry_run = match dry_run {
        Ok(captured) => captured,
        Err(error)
            if change.before == Before::Nothing
                && format!("{error:#}").contains("(AlreadyExists)") =>
        {
            return already_there(kubectl, change, error).await;
        }
        Err(error) => return Err(error.context("the server refused the dry run")),
    };

    let (pairs, text) = match &change.after {
        After::Objects => {
            let mut after = preview::objects(parse_json_or_empty(&dry_run)?.unwrap_or(Value::Null));
            // kubectl's own commands (`set image` to the image already there) print
            // nothing when they would change nothing: the object stays as it is.
            if after.is_empty() && change.before == Before::Target {
                after = before_objects.clone();
            }
            (preview::pair(before_objects, after), None)
        }
        After::Removed => {
            let contents = namespace_contents(kubectl, op).await;
            (
                before_objects
                    .into_iter()
                    .map(|b| (Some(b), None))
                    .collect(),
                contents,
            )
        }
        After::Drained => {
            let cordoned = live.map(|mut node| {
                node["spec"]["unschedulable"] = Value::Bool(true);
                node
            });
            let pairs = before_objects
                .into_iter()
                .zip(cordoned)
                .map(|(b, a)| (Some(b), Some(a)))
                .collect();
            let text = String::from_utf8_lossy(&dry_run.stdout).into_owned() + &dry_run.stderr;
            (pairs, Some(crate::redact::mask(text.trim())))
        }
        After::Namespace(namespace) => (
            before_objects
                .into_iter()
                .map(|b| {
                    let mut after = b.clone();
                    after["namespace"] = Value::String(namespace.clone());
                    (Some(b), Some(after))
                })
                .collect(),
            None,
        ),
        After::Context(name) => {
            let after = context_object(name);
            (
                before_objects
                    .into_iter()
                    .map(|b| (Some(b), Some(after.clone())))
                    .collect(),
                None,
            )
        }
    };
    let previews = pairs
        .iter()
        .map(|(b, a)| ObjectPreview::new(b.as_ref(), a.as_ref()))
        .collect();
    let steps = commit::steps(&change, &pairs)?;
    Ok(Previewed {
        change,
        previews,
        text,
        steps,
    })
}

/// A label or annotation edit without `overwrite` does what `kubectl label`
/// without `--overwrite` does: it refuses to replace a value that is there.
fn refuse_overwrite(op: &Operation, live_objects: &[Value]) -> anyhow::Result<()> {
    let (edit, field, word) = match op {
        Operation::Label(edit) => (edit, "labels", "label"),
        Operation::Annotate(edit) => (edit, "annotations", "annotation"),
        _ => return Ok(()),
    };
    if edit.overwrite {
        return Ok(());
    }
    for live in live_objects {
        for kv in &edit.set {
            let existing = live
                .pointer(&format!("/metadata/{field}"))
                .and_then(|m| m.get(&kv.key))
                .and_then(Value::as_str);
            if let Some(existing) = existing.filter(|v| *v != kv.value) {
                return Err(UserError::Usage(format!(
                    "{} already has {word} {}={}; to replace it, ask to overwrite it \
                     (\"overwrite\": true in a plan, kubectl {} --overwrite)",
                    preview::object_label(live),
                    kv.key,
                    crate::redact::mask(existing),
                    if word == "label" { "label" } else { "annotate" },
                ))
                .into());
            }
        }
    }
    Ok(())
}

/// Deleting every object of a kind in a namespace is not offered without names,
/// whatever selector asks for it (`app!=nothing` matches them all): a delete by
/// selector that lists every object of its kind is refused, naming how many.
async fn refuse_deleting_every_object(
    kubectl: &Kubectl,
    op: &Operation,
    selected: &[Value],
) -> anyhow::Result<()> {
    let Operation::Delete {
        kind,
        namespace,
        selector: Some(selector),
        name: None,
    } = op
    else {
        return Ok(());
    };
    if selected.is_empty() {
        return Ok(());
    }
    let Some(info) = crate::plan::kinds::lookup(kind) else {
        return Ok(());
    };
    let mut argv = vec![
        "get".to_string(),
        info.resource.to_string(),
        "-o".to_string(),
        "name".to_string(),
    ];
    if let Some(ns) = namespace {
        argv.extend(["-n".to_string(), ns.clone()]);
    }
    let all = scoped(kubectl, &argv).run_checked(&argv, None).await?;
    let total = String::from_utf8_lossy(&all.stdout).lines().count();
    if selected.len() < total {
        return Ok(());
    }
    let names: Vec<String> = selected.iter().take(5).map(preview::object_label).collect();
    let place = namespace
        .as_deref()
        .map(|ns| format!(" in namespace {ns}"))
        .unwrap_or_default();
    Err(UserError::Usage(format!(
        "the selector {selector:?} matches every {}{place} ({} of {total}); deleting every \
         object of a kind is not offered: name the objects to delete ({}{}) or use a narrower selector",
        info.singular,
        selected.len(),
        names.join(", "),
        if selected.len() > 5 { ", …" } else { "" },
    ))
    .into())
}

/// What a namespace holds, counted per kind, for the preview of its deletion:
/// everything in it goes with it. `None` for any other delete, or when the
/// contents could not be listed (the preview says so).
async fn namespace_contents(kubectl: &Kubectl, op: &Operation) -> Option<String> {
    let Operation::Delete {
        kind,
        name: Some(name),
        ..
    } = op
    else {
        return None;
    };
    if crate::plan::kinds::lookup(kind).map(|k| k.resource) != Some("namespaces") {
        return None;
    }
    const KINDS: &str = "deployments,statefulsets,daemonsets,replicasets,jobs,cronjobs,pods,\
        services,ingresses,configmaps,secrets,persistentvolumeclaims,serviceaccounts,\
        horizontalpodautoscalers";
    let argv: Vec<String> = ["get", KINDS, "-o", "name", "-n", name]
        .map(String::from)
        .into();
    let listed = match scoped(kubectl, &argv).run_checked(&argv, None).await {
        Ok(listed) => listed,
        Err(_) => {
            return Some(format!(
                "namespace {name}: what it holds could not be listed; everything in it is deleted with it"
            ));
        }
    };
    let mut counts: Vec<(String, usize)> = Vec::new();
    for line in String::from_utf8_lossy(&listed.stdout).lines() {
        let kind = line.split('/').next().unwrap_or(line);
        let kind = kind.split('.').next().unwrap_or(kind).to_string();
        match counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((kind, 1)),
        }
    }
    if counts.is_empty() {
        return Some(format!(
            "namespace {name} holds none of the usual kinds of objects"
        ));
    }
    let listed: Vec<String> = counts.iter().map(|(k, n)| format!("{k}: {n}")).collect();
    Some(format!(
        "namespace {name} holds {} — all of it is deleted with the namespace",
        listed.join(", ")
    ))
}

/// A create of something that exists: "no change" when what exists already is
/// what would be created (every field the create sets has that value), so a
/// create can be run twice; otherwise the server's refusal, with what to do.
async fn already_there(
    kubectl: &Kubectl,
    change: ChangeRequest,
    refusal: anyhow::Error,
) -> anyhow::Result<Previewed> {
    let intended = match &change.stdin {
        Some(stdin) => serde_json::from_slice::<Value>(stdin)?,
        // `kubectl expose` builds its Service from the workload: ask it to show it.
        None => {
            let mut argv = change.argv.clone();
            argv.extend(["--dry-run=client", "-o", "json"].map(String::from));
            parse_json(&scoped(kubectl, &argv).run_checked(&argv, None).await?)?
        }
    };
    let intended = preview::objects(intended);
    let stream: Vec<u8> = intended
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n")
        .into_bytes();
    let mut get: Vec<String> = ["get", "-f", "-", "-o", "json"].map(String::from).into();
    if let Some(ns) = change.argv.windows(2).find(|w| w[0] == "-n").map(|w| &w[1]) {
        get.extend(["-n".to_string(), ns.clone()]);
    }
    let live = preview::objects(parse_json(
        &scoped(kubectl, &get)
            .run_checked(&get, Some(stream))
            .await?,
    )?);
    let pairs = preview::pair(live, intended);
    let differs = pairs
        .iter()
        .find_map(|(live, wanted)| match (live, wanted) {
            (Some(live), Some(wanted)) if is_subset(wanted, live) => None,
            (_, Some(wanted)) => Some(preview::object_label(wanted)),
            _ => None,
        });
    if let Some(label) = differs {
        return Err(refusal.context(UserError::Usage(format!(
            "{label} already exists and is not what this would create; change it with \
             another request (set image, scale, apply…) or delete it first"
        ))));
    }
    let previews = pairs
        .iter()
        .filter_map(|(live, _)| live.as_ref())
        .map(|live| ObjectPreview::new(Some(live), Some(live)))
        .collect();
    Ok(Previewed {
        change,
        previews,
        text: None,
        steps: Vec::new(),
    })
}

/// True when every field `wanted` sets has the same value in `live` (lists
/// element by element, of the same length).
fn is_subset(wanted: &Value, live: &Value) -> bool {
    fn unset(value: &Value) -> bool {
        match value {
            Value::Null => true,
            Value::Object(map) => map.values().all(unset),
            Value::Array(items) => items.is_empty(),
            _ => false,
        }
    }
    match (wanted, live) {
        // What a create leaves unset (`creationTimestamp: null`) the server may fill in.
        (Value::Null, _) => true,
        (Value::Object(w), Value::Object(l)) => w.iter().all(|(key, value)| match l.get(key) {
            Some(found) => is_subset(value, found),
            None => unset(value),
        }),
        (Value::Array(w), Value::Array(l)) => {
            w.len() == l.len() && w.iter().zip(l).all(|(a, b)| is_subset(a, b))
        }
        _ => wanted == live,
    }
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
    let steps = commit::steps(&change, &[])?;
    Ok(Previewed {
        change,
        previews,
        text: Some(note),
        steps,
    })
}

/// The kubeconfig's current context as a tiny object, so switching contexts diffs like any change.
fn context_object(name: &str) -> Value {
    serde_json::json!({ "kind": "Kubeconfig", "metadata": { "name": "current-context" }, "current-context": name })
}

/// The context the run talks to and its namespace (`default` when it sets none,
/// as kubectl then works in `default`), as a preview object.
fn context_namespace_object(kubectl: &Kubectl) -> anyhow::Result<Value> {
    let context = crate::kubectl::kubeconfig::current(kubectl.flags()).ok_or_else(|| {
        UserError::Usage(
            "the kubeconfig has no current context whose namespace could be set; pick one with \
             kubectl config use-context NAME (or --context NAME)"
                .into(),
        )
    })?;
    Ok(serde_json::json!({
        "kind": "Kubeconfig",
        "metadata": { "name": context.name },
        "context": context.name,
        "namespace": context.namespace.as_deref().unwrap_or("default"),
    }))
}

/// Gets the live target; a missing one is a usage error that suggests close names.
pub(super) async fn fetch_target(
    kubectl: &Kubectl,
    target: &request::Target,
) -> anyhow::Result<Value> {
    let argv = target.get_argv();
    let captured = scoped(kubectl, &argv).run(&argv, None).await?;
    if captured.status == 0 {
        return parse_json(&captured);
    }
    // Only the server saying this object is missing means a misspelt name: "context
    // was not found", a missing kubeconfig or a Forbidden are kubectl's own words.
    if captured.stderr.contains("(NotFound)")
        && captured
            .stderr
            .contains(&format!("\"{}\" not found", target.name))
    {
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
