//! A plan previewed now and applied later, by a caller that is not a terminal.
//!
//! The CLI previews, asks and applies in one run ([`super::run`]). The MCP server
//! cannot ask: its client previews a plan with one tool call, the person approves
//! the next call in their assistant, and only then is the plan applied. So the
//! preview is kept whole, with the very requests the apply will send (the
//! previewed objects carrying the live `resourceVersion`, see [`super::commit`]),
//! and [`apply`] sends exactly those: an object that changed in between makes the
//! API server refuse the write, and the run says so. The pieces are the engine's
//! own (preview, steps, apply, outcome recording); only the order differs.

use super::commit::Step;
use super::dry_run::{created_earlier, preview_change, preview_unchecked};
use super::{
    Applied, Origin, Outcome, Settings, apply_steps, current_context, interrupt, now_rfc3339,
    operation_report, record_applied, report,
};
use crate::exit::UserError;
use crate::output::{self, OperationReport, Status};
use crate::plan::Plan;
use crate::plan::validate::validate;

/// A previewed plan of changes, ready to be applied as previewed.
pub struct Staged {
    /// The preview as a report (status `previewed` or `no-change`).
    pub report: crate::output::Report,
    /// The requests of each operation (empty for one that changes nothing).
    requests: Vec<Vec<Step>>,
    origin: Origin,
}

impl Staged {
    /// What the apply would send, written out: with the report, it is what a
    /// plan id is bound to (the live `resourceVersion`s included).
    pub fn fingerprint(&self) -> String {
        format!("{:?}", self.requests)
    }

    /// Whether applying would change anything.
    pub fn changes_anything(&self) -> bool {
        self.report.status == "previewed"
    }
}

/// Previews every change of `plan` (changes only: reads have nothing to preview).
/// A preview that fails ends in the error, with the report saying which.
pub async fn preview(
    kubectl: &crate::kubectl::Kubectl,
    plan: &Plan,
    origin: Origin,
    settings: &Settings,
) -> Result<Staged, (anyhow::Error, Option<crate::output::Report>)> {
    validate(plan, &settings.limits).map_err(|e| (UserError::Usage(e.message).into(), None))?;
    let mut operations: Vec<OperationReport> = plan
        .operations
        .iter()
        .map(|op| operation_report(op, settings))
        .collect();
    let context = current_context(kubectl).await;
    let now = now_rfc3339();
    let mut requests = Vec::new();
    for (index, op) in plan.operations.iter().enumerate() {
        let pending_namespace = op
            .namespace()
            .filter(|ns| created_earlier(&plan.operations[..index], ns));
        let previewed = match pending_namespace {
            Some(ns) => preview_unchecked(op, settings, &now, ns),
            None => preview_change(kubectl, op, settings, &now).await,
        };
        match previewed {
            Ok(previewed) => {
                // As in the CLI run: nothing to send, or every object the same.
                let (no_change, steps) =
                    previewed.into_report(&mut operations[index], Status::Previewed);
                requests.push(if no_change { Vec::new() } else { steps });
            }
            Err(error) => {
                let failed = &mut operations[index];
                failed.status = Status::Failed;
                failed.stderr = Some(crate::redact::mask(&output::error_text(&error)));
                let error = if error.downcast_ref::<UserError>().is_some() {
                    error
                } else {
                    error.context(format!(
                        "the preview of operation {} failed, so nothing was changed",
                        index + 1
                    ))
                };
                let report = report(origin, settings, context, "failed", operations);
                return Err((error, Some(report)));
            }
        }
    }
    let status = if operations.iter().all(|o| o.status == Status::NoChange) {
        "no-change"
    } else {
        "previewed"
    };
    let mut preview_settings = settings.clone();
    preview_settings.dry_run = true;
    Ok(Staged {
        report: report(
            origin.clone(),
            &preview_settings,
            context,
            status,
            operations,
        ),
        requests,
        origin,
    })
}

/// Applies a staged plan exactly as previewed, in order, stopping at the first
/// failure (a stale object is one) or, between two operations, at a stop
/// [`interrupt::raised`]; the outcome's report says what was applied. The
/// caller holds [`interrupt::shield`] around this and the journal entry.
pub async fn apply(
    kubectl: &crate::kubectl::Kubectl,
    staged: Staged,
    settings: &Settings,
) -> Outcome {
    let Staged {
        report: preview,
        requests,
        origin,
    } = staged;
    let context = preview
        .context
        .clone()
        .map(|name| crate::kubectl::kubeconfig::KubeContext {
            name,
            namespace: preview.namespace.clone(),
        });
    let mut operations = preview.operations;
    for entry in operations
        .iter_mut()
        .filter(|o| o.status == Status::Previewed)
    {
        entry.status = Status::NotAttempted;
    }
    let mut settings = settings.clone();
    settings.dry_run = false;
    for (index, steps) in requests.iter().enumerate() {
        if operations[index].status == Status::NoChange {
            continue;
        }
        if let Some(reason) = interrupt::raised() {
            return Outcome {
                report: report(origin, &settings, context, "interrupted", operations),
                error: Some(reason.error().into()),
                journal: None,
            };
        }
        let applied = match apply_steps(kubectl, steps).await {
            Ok(applied) => applied,
            Err(error) => Applied::Unfinished(error),
        };
        if let Some(failure) = record_applied(&mut operations[index], &applied) {
            let earlier = operations[..index]
                .iter()
                .filter(|o| o.status == Status::Applied)
                .count();
            let error = failure.context(format!(
                "operation {}: {earlier} earlier change(s) were applied, the rest were not attempted",
                index + 1
            ));
            return Outcome {
                report: report(origin, &settings, context, "failed", operations),
                error: Some(error),
                journal: None,
            };
        }
    }
    Outcome {
        report: report(origin, &settings, context, "ok", operations),
        error: None,
        journal: None,
    }
}
