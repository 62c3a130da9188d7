//! `kubectl ai undo [RUN]`: a plan that takes a journaled run back.
//!
//! Each object the run changed is put back to its recorded before-state with a
//! [`Restore`] operation: an update is replaced back, what was created is
//! deleted, what was deleted is created again (without status and server-set
//! fields); a context switch is switched back, a context's namespace set back. The plan then goes the usual
//! way — a fresh server dry run and diff, consent (`--yes`), apply, report
//! (`--json`), journal — so `--dry-run` shows the undo without doing it.
//!
//! Before any plan is made, every object is read: one that changed since the run
//! (its `resourceVersion` is not the recorded one, and it is not only its status
//! that moved) is refused by name, as is a run that cannot be taken back (secret
//! values were never recorded; a drain's evicted pods; a deleted namespace's
//! contents; what an exec's command did inside its container). Nothing is changed
//! then. A run touching one object several times is taken back to the state before
//! its first change. Without a run number, the last run in the current context is
//! taken back; when its outcome is unknown (ended mid-apply), `undo` refuses,
//! naming it, rather than undo an earlier run.

use std::io::Write;

use serde_json::Value;

use crate::config::Config;
use crate::execute::Origin;
use crate::exit::{ExitCode, UserError};
use crate::journal::{Change, Entry, ObjectEntry};
use crate::kubectl::Kubectl;
use crate::output::Source;
use crate::plan::restore::Restore;
use crate::plan::{Operation, Plan};

/// Why a run cannot be taken back, one reason per operation or object; empty when it can.
pub fn reasons(entry: &Entry) -> Vec<String> {
    let mut reasons = Vec::new();
    for (index, op) in entry.operations.iter().enumerate() {
        if let Some(reason) = &op.not_reversible {
            reasons.push(format!(
                "operation {} ({}): {reason}",
                index + 1,
                op.summary
            ));
        }
        for object in &op.objects {
            if let Some(reason) = &object.not_reversible {
                reasons.push(format!("{}: {reason}", object.object));
            }
        }
        if op.status == "applied" && op.objects.is_empty() && op.not_reversible.is_none() {
            reasons.push(format!(
                "operation {} ({}): what it changed was not recorded",
                index + 1,
                op.summary
            ));
        }
    }
    reasons
}

/// What a run did to one object, from its first change to its last.
struct Net<'e> {
    first: &'e ObjectEntry,
    last: &'e ObjectEntry,
}

impl Net<'_> {
    fn existed_before(&self) -> bool {
        self.first.change != Change::Create
    }

    fn exists_after(&self) -> bool {
        self.last.change != Change::Delete
    }
}

/// The objects a run changed, each once, in the order of their last change.
fn net_changes(entry: &Entry) -> Vec<Net<'_>> {
    let mut nets: Vec<Net<'_>> = Vec::new();
    for object in entry.operations.iter().flat_map(|op| &op.objects) {
        let same = |n: &Net<'_>| {
            n.first.kind == object.kind
                && n.first.name == object.name
                && n.first.namespace == object.namespace
        };
        match nets.iter().position(same) {
            Some(i) => {
                let first = nets.remove(i).first;
                nets.push(Net {
                    first,
                    last: object,
                });
            }
            None => nets.push(Net {
                first: object,
                last: object,
            }),
        }
    }
    nets
}

/// `kubectl ai undo [RUN]`.
pub async fn run(config: &Config, run: Option<u64>) -> anyhow::Result<ExitCode> {
    let (_, journal) = super::open(config)?;
    let context = crate::kubectl::kubeconfig::current(&config.kube).map(|c| c.name);
    let entry = match run {
        Some(id) => journal
            .get(id)
            .ok_or_else(|| super::missing_run(id, &journal))?,
        None => last_run(&journal.entries, context.as_deref())?,
    };
    let id = entry.id.unwrap_or_default();
    if entry.context != context {
        return Err(UserError::Usage(format!(
            "run {id} changed context {}, and this run would talk to context {}; \
             add --context {0} to take it back there",
            entry.context.as_deref().unwrap_or("(unknown)"),
            context.as_deref().unwrap_or("(none)"),
        ))
        .into());
    }
    let reasons = reasons(entry);
    if !reasons.is_empty() {
        return Err(UserError::Usage(format!(
            "run {id} cannot be taken back, so nothing was changed: {}",
            reasons.join("; ")
        ))
        .into());
    }
    // --explain contacts nothing: the plan is made from the journal alone.
    let plan = if config.explain {
        recorded_plan(entry, id)
    } else {
        plan(&Kubectl::locate(config)?, entry, id).await?
    };
    if plan.operations.is_empty() {
        if config.json {
            let document = serde_json::json!({
                "schema_version": crate::output::SCHEMA_VERSION,
                "status": "no-change",
                "run": id,
                "operations": [],
            });
            let text = crate::shown::json(serde_json::to_string_pretty(&document)? + "\n");
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        } else {
            eprintln!("no change: what run {id} changed is already as it was before it");
        }
        return Ok(ExitCode::Success);
    }
    let origin = Origin {
        request: Some(format!("undo run {id}")),
        source: Source::Undo { run: id },
        usage: None,
        evidence: Vec::new(),
    };
    crate::flow::run_plan(config, plan, origin).await
}

fn changed_something(entry: &Entry) -> bool {
    entry.operations.iter().any(|op| op.status == "applied")
}

/// Whether a change of the run may or may not have been applied: the run was
/// ended mid-apply (or is still applying), or lost the cluster during a change.
fn outcome_unknown(entry: &Entry) -> bool {
    entry.status == "unknown" || entry.operations.iter().any(|op| op.status == "unknown")
}

/// What a bare `undo` takes back: the last run in `context` that changed
/// something. When that run's outcome is unknown, it is refused rather than
/// passed over: "undo" means the last change, and that one may have landed.
fn last_run<'j>(entries: &'j [Entry], context: Option<&str>) -> anyhow::Result<&'j Entry> {
    let mut runs = entries
        .iter()
        .rev()
        .filter(|e| e.id.is_some() && e.context.as_deref() == context)
        .filter(|e| changed_something(e) || outcome_unknown(e));
    let shown_context = context.unwrap_or("(none)");
    let Some(last) = runs.next() else {
        return Err(UserError::Usage(format!(
            "the journal records no change in context {shown_context} to undo; see kubectl ai history"
        ))
        .into());
    };
    if !outcome_unknown(last) {
        return Ok(last);
    }
    let id = last.id.unwrap_or_default();
    let earlier = match runs.find(|e| changed_something(e)).and_then(|e| e.id) {
        Some(earlier) => {
            format!("; to take back run {earlier} anyway, name it: kubectl ai undo {earlier}")
        }
        None => String::new(),
    };
    Err(UserError::Usage(format!(
        "nothing was changed: the last run in context {shown_context}, run {id}, did not \
         finish saying how it went (it was ended or lost the cluster mid-change, or is still \
         applying): its changes may or may not have been applied, so undo will not take back \
         an earlier run in its place. See what it may have changed with kubectl ai history \
         {id} and check those objects with kubectl, changing back by hand what landed and \
         should not have (undo cannot: what an unfinished change did is not recorded){earlier}"
    ))
    .into())
}

/// The restores that take `entry` back as the journal recorded it, for `--explain`:
/// nothing is read, so nothing is checked until the plan runs.
fn recorded_plan(entry: &Entry, id: u64) -> Plan {
    let operations = net_changes(entry)
        .into_iter()
        .rev()
        .filter_map(|net| {
            if net.last.kind == "Kubeconfig" {
                return kubeconfig_before(&net);
            }
            let (state, resource_version) = match (net.existed_before(), net.exists_after()) {
                (false, false) => return None,
                (false, true) => (None, net.last.resource_version.clone()),
                (true, true) => (net.first.before.clone(), net.last.resource_version.clone()),
                (true, false) => (net.first.before.clone(), None),
            };
            Some(Operation::Restore(Restore {
                kind: net.last.kind.clone(),
                name: net.last.name.clone(),
                namespace: net.last.namespace.clone(),
                state,
                resource_version,
                run: Some(id),
            }))
        })
        .collect();
    Plan::new(operations)
}

/// What puts the kubeconfig back: the current context switched back, or the
/// context's namespace set back (to `default` when it had none).
fn kubeconfig_before(net: &Net<'_>) -> Option<Operation> {
    let before = net.first.before.as_ref()?;
    let text = |key: &str| before.get(key).and_then(Value::as_str).map(str::to_string);
    if let Some(context) = text("current-context") {
        return Some(Operation::UseContext { context });
    }
    text("namespace").map(|namespace| Operation::UseNamespace { namespace })
}

/// The restores that take `entry` back, checked against the live objects;
/// every object that changed since is named in one refusal.
async fn plan(kubectl: &Kubectl, entry: &Entry, id: u64) -> anyhow::Result<Plan> {
    let mut operations = Vec::new();
    let mut refusals = Vec::new();
    for net in net_changes(entry).into_iter().rev() {
        let label = &net.last.object;
        if net.last.kind == "Kubeconfig" {
            operations.extend(kubeconfig_before(&net));
            continue;
        }
        let live = live(kubectl, net.last).await?;
        let restore = |state: Option<Value>, resource_version: Option<String>| {
            Operation::Restore(Restore {
                kind: net.last.kind.clone(),
                name: net.last.name.clone(),
                namespace: net.last.namespace.clone(),
                state,
                resource_version,
                run: Some(id),
            })
        };
        match (net.existed_before(), net.exists_after(), live) {
            (false, false, _) => {}
            (false, true, None) => {
                eprintln!("{label} is already gone: nothing to delete");
            }
            (_, true, Some(live)) => match unchanged_since(net.last, &live) {
                Some(version) if net.existed_before() => {
                    operations.push(restore(net.first.before.clone(), Some(version)))
                }
                Some(version) => operations.push(restore(None, Some(version))),
                None => refusals.push(format!(
                    "{label} changed since run {id} (its resourceVersion is {}, not {})",
                    resource_version(&live).unwrap_or("?"),
                    net.last.resource_version.as_deref().unwrap_or("?"),
                )),
            },
            (true, true, None) => {
                refusals.push(format!("{label} was deleted since run {id}"));
            }
            (true, false, None) => operations.push(restore(net.first.before.clone(), None)),
            (true, false, Some(live)) => {
                if net.first.before.as_ref() != Some(&crate::preview::normalize(&live)) {
                    refusals.push(format!("{label} exists again since run {id}"));
                }
            }
        }
    }
    if !refusals.is_empty() {
        return Err(UserError::Usage(format!(
            "{}; nothing was changed. Look at it with kubectl ai history {id} and kubectl get, \
             and change it back by hand if it should be",
            refusals.join("; ")
        ))
        .into());
    }
    Ok(Plan::new(operations))
}

fn resource_version(object: &Value) -> Option<&str> {
    object
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
}

/// The live object's version when it is the object the run left: the recorded
/// version, or another one where only what the journal does not record moved
/// (status, server bookkeeping). `None` when it changed since.
fn unchanged_since(recorded: &ObjectEntry, live: &Value) -> Option<String> {
    let now = resource_version(live)?.to_string();
    if recorded.resource_version.as_deref() == Some(now.as_str()) {
        return Some(now);
    }
    let after = recorded.after.as_ref()?;
    (crate::preview::normalize(live) == *after).then_some(now)
}

/// The object as it is now, or `None` when it does not exist.
async fn live(kubectl: &Kubectl, object: &ObjectEntry) -> anyhow::Result<Option<Value>> {
    let info = crate::plan::kinds::lookup(&object.kind)
        .ok_or_else(|| anyhow::anyhow!("kubectl-ai does not know the kind {}", object.kind))?;
    let mut argv = vec![
        "get".to_string(),
        info.resource.to_string(),
        object.name.clone(),
    ];
    if info.namespaced
        && let Some(ns) = &object.namespace
    {
        argv.extend(["-n".to_string(), ns.clone()]);
    }
    argv.extend(["-o", "json", "--ignore-not-found"].map(String::from));
    let captured = kubectl
        .with_namespace(None)
        .run_checked(&argv, None)
        .await?;
    if captured.stdout.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    Ok(Some(serde_json::from_slice(&captured.stdout)?))
}
