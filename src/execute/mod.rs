//! Runs a validated plan: preview every change, ask once, apply in order, report.
//!
//! This is where the safety model is enforced. Every change is previewed as a
//! server-side dry run of the very request the apply will send, diffed against the
//! live object; nothing changes until the person says yes at a prompt (default No)
//! or passed `--yes`; `--dry-run` stops after the preview; without a terminal and
//! without `--yes` nothing changes. The apply stops at the first failure and the
//! report says exactly what was applied, what failed and what was not attempted.
//! Reads need no consent and pass kubectl's output through.

mod commit;
mod dry_run;
pub mod handoff;
pub mod interrupt;
mod missing_namespace;
mod question;
pub mod request;
pub mod secret_reads;
pub(crate) mod staged;
pub(crate) mod suggest;

use crate::exit::UserError;
use crate::kubectl::kubeconfig::KubeContext;
use crate::kubectl::{Captured, Kubectl, display_command};
use crate::output::{self, OperationReport, Report, Source, Status, Usage};
use crate::plan::equivalent::equivalent_args;
use crate::plan::summary::summary;
use crate::plan::validate::{Limits, validate};
use crate::plan::{Operation, Plan};
use crate::preview::mask;
use commit::{Sent, Step};
use dry_run::{created_earlier, preview_change, preview_unchecked};

/// How this run may behave: consent, output and bounds.
#[derive(Debug, Clone)]
pub struct Settings {
    pub yes: bool,
    pub dry_run: bool,
    pub json: bool,
    pub quiet: bool,
    pub color: bool,
    /// A person is there to answer a prompt (stdin and stderr are terminals).
    pub interactive: bool,
    /// stdin and stdout are terminals: kubectl can be handed the terminal
    /// (port-forward, `logs -f`, an interactive exec).
    pub terminal: bool,
    pub limits: Limits,
    /// Forwarded connection flags, shown in equivalent commands (`--context x`).
    pub shown_connection: Vec<String>,
    /// The forwarded `-n NAMESPACE`, shown where an operation names no namespace itself.
    pub shown_namespace: Vec<String>,
    /// What a read that would print Secret values does (masked, shown, refused).
    pub secret_reads: secret_reads::SecretReads,
    /// Where an apply is journaled (`KUBECTL_AI_JOURNAL`: a file, or `off`).
    pub journal: Option<String>,
}

/// Where the plan came from, for the report.
#[derive(Debug, Clone)]
pub struct Origin {
    pub request: Option<String>,
    pub source: Source,
    pub usage: Option<Usage>,
    /// The reads a model asked for before it planned.
    pub evidence: Vec<crate::diagnose::evidence::Gathered>,
}

/// A finished run: its report and how the process should exit.
#[derive(Debug)]
pub struct Outcome {
    pub report: Report,
    /// Why the run did not fully succeed; a [`UserError`] in it picks the exit code.
    pub error: Option<anyhow::Error>,
    /// The run as journaled ahead of its apply (after consent, before the first
    /// change was sent): the caller finishes it with the report.
    pub journal: Option<crate::journal::Pending>,
}

/// The plan as it would run, without contacting the cluster (`--explain`).
/// `context` is what the kubeconfig names (read locally; the cluster is not contacted).
pub fn explain(
    plan: &Plan,
    origin: Origin,
    settings: &Settings,
    context: Option<KubeContext>,
) -> Report {
    let operations = plan
        .operations
        .iter()
        .map(|op| {
            let mut report = operation_report(op, settings);
            report.status = Status::Planned;
            report
        })
        .collect();
    report(origin, settings, context, "explained", operations)
}

/// Previews, asks, applies and reports. Prints human output as it goes unless `--json`.
pub async fn run(
    kubectl: &Kubectl,
    plan: &Plan,
    origin: Origin,
    settings: &Settings,
) -> anyhow::Result<Outcome> {
    validate(plan, &settings.limits).map_err(|e| UserError::Usage(e.message))?;
    handoff::check(plan, settings)?;
    let mut operations: Vec<OperationReport> = plan
        .operations
        .iter()
        .map(|op| operation_report(op, settings))
        .collect();
    let context = if plan.has_changes() || settings.json {
        current_context(kubectl).await
    } else {
        None
    };

    if plan.has_changes() {
        interrupt::mark_changing();
    }
    if !plan.has_changes() {
        let error = run_reads(kubectl, plan, &mut operations, settings).await?;
        return Ok(Outcome {
            report: report(
                origin,
                settings,
                context,
                if error.is_some() { "failed" } else { "ok" },
                operations,
            ),
            error,
            journal: None,
        });
    }

    // Preview every change before asking anything.
    let now = now_rfc3339();
    let mut requests: Vec<Option<Vec<Step>>> = Vec::new();
    // A copy, since a misspelt target may be corrected at the prompt.
    let mut ops = plan.operations.clone();
    for index in 0..ops.len() {
        let op = &ops[index].clone();
        if !op.is_change() {
            requests.push(None);
            continue;
        }
        if let Operation::Exec(exec) = op {
            // Nothing to dry-run: the preview is the exact command, on a target that exists.
            if let Err(error) = handoff::preview(kubectl, exec, &mut operations[index]).await {
                let error = preview_failed(&mut operations, index, error, settings)?;
                return Ok(Outcome {
                    report: report(origin, settings, context, "failed", operations),
                    error: Some(error),
                    journal: None,
                });
            }
            requests.push(None);
            continue;
        }
        let pending_namespace = op
            .namespace()
            .filter(|ns| created_earlier(&ops[..index], ns));
        let mut previewed = match pending_namespace {
            Some(ns) => preview_unchecked(op, settings, &now, ns),
            None => preview_change(kubectl, op, settings, &now).await,
        };
        // At a terminal, a misspelt target can be corrected by picking a close name.
        let picked = match &previewed {
            Err(e) => pick_instead(e, settings)?,
            Ok(_) => None,
        };
        if let Some(picked) = picked {
            let renamed = op.renamed(&picked);
            previewed = preview_change(kubectl, &renamed, settings, &now).await;
            if previewed.is_ok() {
                operations[index] = operation_report(&renamed, settings);
                ops[index] = renamed;
            }
        }
        match previewed {
            Ok(previewed) => {
                let (_, steps) =
                    previewed.into_report(&mut operations[index], Status::NotAttempted);
                requests.push(Some(steps));
            }
            Err(error) => {
                let user_error = preview_failed(&mut operations, index, error, settings)?;
                return Ok(Outcome {
                    report: report(origin, settings, context, "failed", operations),
                    error: Some(user_error),
                    journal: None,
                });
            }
        }
    }

    if !settings.json {
        let shown = if settings.quiet {
            Ok(())
        } else {
            emit(&format!("Plan from {}:\n", origin.source.describe()))
        };
        shown
            .and_then(|()| print_previews(&operations, settings))
            .map_err(closed_before_the_apply)?;
    }
    let pending = operations
        .iter()
        .filter(|o| o.kind == "change" && o.status != Status::NoChange)
        .count();
    if pending == 0 {
        if !settings.json {
            emit("no change: the cluster already looks like this\n")?;
        }
        return Ok(Outcome {
            report: report(origin, settings, context, "no-change", operations),
            error: None,
            journal: None,
        });
    }
    if settings.dry_run {
        mark(&mut operations, Status::NotAttempted, Status::Previewed);
        if !settings.json {
            eprintln!("dry run: nothing was applied");
        }
        return Ok(Outcome {
            report: report(origin, settings, context, "previewed", operations),
            error: None,
            journal: None,
        });
    }
    if !settings.yes {
        let question =
            question::ask_text(settings.interactive, context.as_ref(), &ops, &operations);
        if let Some(refusal) = consent(settings, &question)? {
            let interrupted = matches!(refusal, UserError::Interrupted | UserError::Stopped(_));
            if interrupted && !settings.json {
                report_interruption(&operations, settings, &refusal, true);
            } else if !interrupted {
                mark(&mut operations, Status::NotAttempted, Status::Declined);
            }
            let status = if interrupted {
                "interrupted"
            } else {
                "declined"
            };
            return Ok(Outcome {
                report: report(origin, settings, context, status, operations),
                error: Some(refusal.into()),
                journal: None,
            });
        }
    }

    // Apply in order; stop at the first failure, or between two calls at Ctrl-C,
    // SIGTERM, SIGHUP or a closed stdout (whose lines then go to stderr).
    let _shield = interrupt::shield();
    // Journaled before anything is sent: a run killed mid-apply still leaves
    // in `history` what may have changed.
    let ahead = report(
        origin.clone(),
        settings,
        context.clone(),
        "previewed",
        operations.clone(),
    );
    let journal = Some(crate::journal::begin(&ahead, settings.journal.as_deref()));
    for (index, op) in ops.iter().enumerate() {
        if let Some(reason) = interrupt::raised() {
            let stop = reason.error();
            // Lines that went to a closed stdout were lost: say everything again.
            let all = reason == interrupt::Reason::StdoutClosed;
            if !settings.json {
                report_interruption(&operations, settings, &stop, all);
            }
            return Ok(Outcome {
                report: report(origin, settings, context, "interrupted", operations),
                error: Some(stop.into()),
                journal,
            });
        }
        let report_entry = &mut operations[index];
        if report_entry.status == Status::NoChange {
            continue;
        }
        if handoff::hands_off(op) {
            let result = handoff::run(kubectl, op, settings).await;
            let failure = handoff::record(report_entry, result, op.is_change());
            if !settings.json {
                say(&output::human_outcome(index, report_entry, settings.color));
            }
            if let Some(failure) = failure {
                let alone = operations.len() == 1;
                return Ok(Outcome {
                    report: report(origin, settings, context, "failed", operations),
                    error: Some(if alone {
                        failure
                    } else {
                        failure.context(format!(
                            "operation {}: what came before it was applied, the rest was not attempted",
                            index + 1
                        ))
                    }),
                    journal,
                });
            }
            continue;
        }
        let result = match &requests[index] {
            Some(steps) => apply_steps(kubectl, steps).await,
            None => {
                let argv = equivalent_args(op);
                if let Some(result) = secret_reads::run(kubectl, op, settings).await {
                    result
                } else if settings.json {
                    scoped(kubectl, &argv).run(&argv, None).await
                } else {
                    scoped(kubectl, &argv)
                        .stream(&argv)
                        .await
                        .map(|code| Captured {
                            status: code,
                            stdout: Vec::new(),
                            stderr: String::new(),
                        })
                }
                .map(Applied::Done)
            }
        };
        // A call that could not finish (timed out, could not start) still ends
        // in the report: earlier changes were applied, and this one may have
        // reached the server.
        let applied = match result {
            Ok(applied) => applied,
            Err(error) => Applied::Unfinished(error),
        };
        let failure = record_applied(report_entry, &applied);
        if !settings.json && op.is_change() {
            say(&output::human_outcome(index, report_entry, settings.color));
        }
        if let Some(failure) = failure {
            if !settings.json {
                for (later, entry) in operations.iter().enumerate().skip(index + 1) {
                    if entry.status == Status::NotAttempted {
                        say(&output::human_outcome(later, entry, settings.color));
                    }
                }
            }
            let earlier = operations[..index]
                .iter()
                .filter(|o| o.status == Status::Applied)
                .count();
            let error = failure.context(format!(
                "operation {}: {earlier} earlier change(s) were applied, the rest were not attempted",
                index + 1
            ));
            return Ok(Outcome {
                report: report(origin, settings, context, "failed", operations),
                error: Some(error),
                journal,
            });
        }
    }
    Ok(Outcome {
        report: report(origin, settings, context, "ok", operations),
        error: None,
        journal,
    })
}

/// Runs a plan of reads only; human output passes kubectl's through unchanged.
async fn run_reads(
    kubectl: &Kubectl,
    plan: &Plan,
    operations: &mut [OperationReport],
    settings: &Settings,
) -> anyhow::Result<Option<anyhow::Error>> {
    for (index, op) in plan.operations.iter().enumerate() {
        let argv = equivalent_args(op);
        if handoff::hands_off(op) {
            let result = handoff::run(kubectl, op, settings).await;
            if let Some(error) = handoff::record(&mut operations[index], result, false) {
                return Ok(Some(error));
            }
            continue;
        }
        if let Operation::CurrentNamespace {} = op {
            let result = current_namespace(kubectl, &argv, &mut operations[index], settings).await;
            if let Some(error) = result? {
                return Ok(Some(error));
            }
            continue;
        }
        let result = if let Some(result) = secret_reads::run(kubectl, op, settings).await {
            result
        } else if settings.json {
            scoped(kubectl, &argv).run(&argv, None).await
        } else {
            match scoped(kubectl, &argv).stream_keeping_stderr(&argv).await {
                // kubectl shares our stdout: killed by SIGPIPE, it met the same
                // closed pipe (`| head`), which is not a failure.
                Ok(captured) if captured.status == 128 + 13 => {
                    return Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe).into());
                }
                other => other,
            }
        };
        // With --json the report is the product: a read that could not run is
        // recorded in it rather than losing the document.
        let captured = match result {
            Ok(captured) => captured,
            Err(error) if settings.json => {
                let captured = Captured {
                    status: -1,
                    stdout: Vec::new(),
                    stderr: format!("{error:#}"),
                };
                record(&mut operations[index], &captured, false);
                for entry in operations.iter_mut().skip(index + 1) {
                    entry.status = Status::NotAttempted;
                }
                return Ok(Some(error));
            }
            Err(error) => return Err(error),
        };
        record(&mut operations[index], &captured, false);
        if let Some(error) =
            missing_namespace::check(kubectl, &captured, &mut operations[index]).await
        {
            operations
                .iter_mut()
                .skip(index + 1)
                .for_each(|e| e.status = Status::NotAttempted);
            return Ok(Some(error.into()));
        }
        if captured.status != 0 {
            for entry in operations.iter_mut().skip(index + 1) {
                entry.status = Status::NotAttempted;
            }
            return Ok(Some(anyhow::anyhow!(
                "{} exited with {}",
                display_command(&argv),
                crate::kubectl::describe_status(captured.status)
            )));
        }
    }
    Ok(None)
}

/// The current context's namespace, as `kubectl config view --minify` says it;
/// `default` when the context sets none (kubectl then works in `default`).
async fn current_namespace(
    kubectl: &Kubectl,
    argv: &[String],
    entry: &mut OperationReport,
    settings: &Settings,
) -> anyhow::Result<Option<anyhow::Error>> {
    let mut captured = scoped(kubectl, argv).run(argv, None).await?;
    if captured.status == 0 {
        let said = String::from_utf8_lossy(&captured.stdout).trim().to_string();
        let namespace = if said.is_empty() { "default" } else { &said };
        captured.stdout = format!("{namespace}\n").into_bytes();
        if !settings.json {
            emit(&output::sanitize(&String::from_utf8_lossy(
                &captured.stdout,
            )))?;
        }
    } else if !settings.json {
        eprint!("{}", output::sanitize(&captured.stderr));
    }
    record(entry, &captured, false);
    Ok((captured.status != 0).then(|| {
        anyhow::anyhow!(
            "{} exited with {}",
            display_command(argv),
            crate::kubectl::describe_status(captured.status)
        )
    }))
}

/// A preview failed: the operation says why, the previews so far are shown, and
/// the error the run ends with says nothing was changed.
fn preview_failed(
    operations: &mut [OperationReport],
    index: usize,
    error: anyhow::Error,
    settings: &Settings,
) -> anyhow::Result<anyhow::Error> {
    let failed = &mut operations[index];
    failed.status = Status::Failed;
    failed.stderr = Some(crate::redact::mask(&output::error_text(&error)));
    if !settings.json {
        print_previews(&operations[..=index], settings)?;
    }
    Ok(if error.downcast_ref::<UserError>().is_some() {
        error
    } else {
        error.context(format!(
            "the preview of operation {} failed, so nothing was changed",
            index + 1
        ))
    })
}

/// How the apply of one operation ended.
enum Applied {
    /// kubectl ran to its end: successfully, or with an error it reported.
    Done(Captured),
    /// A previewed object is not what the preview showed any more; `sent` of the
    /// change's requests went through before it.
    Stale {
        object: String,
        captured: Captured,
        sent: usize,
    },
    /// The call did not finish (timed out, or could not start): it may or may not have reached the server.
    Unfinished(anyhow::Error),
}

/// Sends a change's requests in order, stopping at the first that does not go through.
async fn apply_steps(kubectl: &Kubectl, steps: &[Step]) -> anyhow::Result<Applied> {
    let mut done = Captured {
        status: 0,
        stdout: Vec::new(),
        stderr: String::new(),
    };
    for (sent, step) in steps.iter().enumerate() {
        let captured = match step.send(kubectl).await {
            Ok(Sent::Done(captured)) => captured,
            Ok(Sent::Stale(captured)) => {
                return Ok(Applied::Stale {
                    object: step.object().unwrap_or_else(|| "the object".into()),
                    captured,
                    sent,
                });
            }
            Err(error) if sent == 0 => return Ok(Applied::Unfinished(error)),
            Err(error) => {
                return Ok(Applied::Unfinished(error.context(format!(
                    "{sent} of the {} objects of this change were changed before it",
                    steps.len()
                ))));
            }
        };
        if captured.status != 0 {
            return Ok(Applied::Done(captured));
        }
        done.stdout.extend_from_slice(&captured.stdout);
        done.stderr.push_str(&captured.stderr);
    }
    Ok(Applied::Done(done))
}

/// Records how an operation's apply ended (with the versions the journal keeps
/// for an undo); the error when it did not go through.
fn record_applied(entry: &mut OperationReport, applied: &Applied) -> Option<anyhow::Error> {
    let is_change = entry.kind == "change";
    match applied {
        Applied::Done(captured) => {
            record(entry, captured, is_change);
            entry.versions = crate::journal::versions(&captured.stdout);
            if captured.status == 0 {
                return None;
            }
            if is_change && connection_lost(&captured.stderr) {
                entry.status = Status::Unknown;
                return Some(anyhow::anyhow!(
                    "the connection to the cluster was lost during the change, so it may or may not \
                     have been applied; check with {}",
                    check_command(entry)
                ));
            }
            Some(anyhow::anyhow!(
                "{} exited with {}",
                display_command(&entry.argv),
                crate::kubectl::describe_status(captured.status)
            ))
        }
        Applied::Stale {
            object,
            captured,
            sent,
        } => {
            record(entry, captured, is_change);
            entry.status = Status::Failed;
            let partly = if *sent > 0 {
                format!(" ({sent} object(s) of this change were applied before it)")
            } else {
                String::new()
            };
            let message = format!(
                "{object} changed since the preview{partly}; nothing more was applied; run again to see the new diff"
            );
            entry.stderr = Some(format!(
                "{message}\n{}",
                crate::redact::mask(captured.stderr.trim())
            ));
            Some(anyhow::anyhow!(message))
        }
        Applied::Unfinished(error) => {
            let captured = Captured {
                status: -1,
                stdout: Vec::new(),
                stderr: format!("{error:#}"),
            };
            record(entry, &captured, is_change);
            entry.status = Status::Unknown;
            Some(anyhow::anyhow!(
                "{error:#}; the call did not finish, so the change may or may not have been applied; check with {}",
                check_command(entry)
            ))
        }
    }
}

/// kubectl lost the server in the middle of a request (not "could not connect", which
/// means the request never left).
fn connection_lost(stderr: &str) -> bool {
    let refused = stderr.contains("connection refused") || stderr.contains("no such host");
    !refused
        && [
            "connection reset",
            "unexpected EOF",
            "http2: client connection lost",
            "i/o timeout",
            "broken pipe",
            "Client.Timeout exceeded",
            "TLS handshake timeout",
            "the server was unable to return a response in the time allotted",
            ": EOF",
        ]
        .iter()
        .any(|needle| stderr.contains(needle))
}

/// What to run to see whether a change landed: `kubectl get` of what it names.
fn check_command(entry: &OperationReport) -> String {
    match entry.preview.iter().flatten().next() {
        Some(preview) => match &preview.namespace {
            Some(ns) => format!("kubectl get {} -n {ns}", preview.object),
            None => format!("kubectl get {}", preview.object),
        },
        None => "kubectl get".to_string(),
    }
}

fn record(entry: &mut OperationReport, captured: &Captured, is_change: bool) {
    entry.exit_code = Some(captured.status);
    entry.status = match (captured.status, is_change) {
        (0, true) => Status::Applied,
        (0, false) => Status::Read,
        _ => Status::Failed,
    };
    // A change's output is the applied object: the preview already shows it, masked.
    if !is_change {
        entry.stdout = Some(String::from_utf8_lossy(&captured.stdout).into_owned());
    }
    entry.stderr = Some(crate::redact::mask(&captured.stderr));
}

fn mark(operations: &mut [OperationReport], from: Status, to: Status) {
    for op in operations.iter_mut().filter(|o| o.status == from) {
        op.status = to;
    }
}

/// A stop during the apply (or at the question): one line saying what stopped
/// the run and what it had done, then each change not yet reported (all of them
/// when `all`), on stderr.
fn report_interruption(
    operations: &[OperationReport],
    settings: &Settings,
    stop: &UserError,
    all: bool,
) {
    let applied = operations
        .iter()
        .filter(|o| o.status == Status::Applied)
        .count();
    let what = match stop {
        UserError::Interrupted => "interrupted".to_string(),
        other => other.to_string(),
    };
    let mut text = if applied == 0 {
        format!("{what}: nothing was changed\n")
    } else {
        format!("{what}: {applied} change(s) were applied; nothing more was attempted\n")
    };
    for (index, entry) in operations
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == "change" && (all || e.status == Status::NotAttempted))
    {
        text.push_str(&output::human_outcome(index, entry, settings.color));
    }
    eprint!("{text}");
}

/// Human output during the apply: on stdout, or on stderr once stdout is
/// closed — which also stops the apply before the next operation, like Ctrl-C.
fn say(text: &str) {
    if interrupt::raised() == Some(interrupt::Reason::StdoutClosed) {
        eprint!("{text}");
        return;
    }
    if let Err(error) = emit(text) {
        if crate::exit::is_broken_pipe(&error) {
            interrupt::raise(interrupt::Reason::StdoutClosed);
        }
        eprint!("{text}");
    }
}

/// stdout closed while the plan was being shown: nothing was applied, and the
/// run stops rather than change a cluster nobody is watching.
fn closed_before_the_apply(error: anyhow::Error) -> anyhow::Error {
    if crate::exit::is_broken_pipe(&error) {
        eprintln!("stdout was closed before anything was applied: nothing was changed");
        UserError::Stopped(crate::exit::Stop::StdoutClosed).into()
    } else {
        error
    }
}

/// Asks once at the terminal; `None` means go ahead, otherwise why not.
fn consent(settings: &Settings, question: &str) -> anyhow::Result<Option<UserError>> {
    if !settings.interactive {
        return Ok(Some(UserError::Declined(
            "there is no terminal to ask for consent, so nothing was changed; add --yes to apply, or --dry-run to only preview".into(),
        )));
    }
    Ok(match crate::confirm::ask(question)? {
        crate::confirm::Answer::Yes => None,
        crate::confirm::Answer::No => Some(UserError::Declined("nothing was changed".into())),
        crate::confirm::Answer::Interrupted(reason) => Some(reason.error()),
    })
}

fn print_previews(operations: &[OperationReport], settings: &Settings) -> anyhow::Result<()> {
    let mut out = String::new();
    for (index, op) in operations
        .iter()
        .enumerate()
        .filter(|(_, o)| o.kind == "change")
    {
        out.push_str(&output::human_preview(
            index,
            op,
            settings.color,
            settings.quiet,
        ));
    }
    emit(&out)
}

/// Writes human output to stdout and flushes it, so it lands before anything on
/// stderr; a closed stdout is an error main treats as a clean exit.
fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Whether a change acts inside a namespace.
pub(crate) fn namespaced(op: &Operation) -> bool {
    match op {
        Operation::CreateNamespace { .. }
        | Operation::Cordon { .. }
        | Operation::Uncordon { .. }
        | Operation::Drain { .. }
        | Operation::Taint { .. }
        | Operation::UseContext { .. }
        | Operation::UseNamespace { .. } => false,
        Operation::Delete { kind, .. } | Operation::Patch { kind, .. } => {
            crate::plan::kinds::lookup(kind).is_none_or(|k| k.namespaced)
        }
        Operation::Label(edit) | Operation::Annotate(edit) => {
            crate::plan::kinds::lookup(&edit.kind).is_none_or(|k| k.namespaced)
        }
        Operation::Restore(restore) => restore.scope().is_some(),
        _ => true,
    }
}

/// The context and namespace the run talks to (flags included), as kubectl would resolve them.
pub async fn current_context(kubectl: &Kubectl) -> Option<KubeContext> {
    crate::kubectl::kubeconfig::current(kubectl.flags())
}

fn report(
    origin: Origin,
    settings: &Settings,
    context: Option<KubeContext>,
    status: &'static str,
    operations: Vec<OperationReport>,
) -> Report {
    Report {
        schema_version: output::SCHEMA_VERSION,
        request: origin.request,
        source: origin.source,
        context: context.as_ref().map(|c| c.name.clone()),
        namespace: context.and_then(|c| c.namespace),
        dry_run: settings.dry_run,
        status,
        operations,
        usage: origin.usage,
        evidence: origin.evidence,
    }
}

fn operation_report(op: &Operation, settings: &Settings) -> OperationReport {
    let args = equivalent_args(op);
    let mut flags: Vec<String> = Vec::new();
    if !names_namespace(&args) {
        flags.extend(settings.shown_namespace.iter().cloned());
    }
    flags.extend(settings.shown_connection.iter().cloned());
    // Before an exec's `--`, as they are sent: after it they would be the command's.
    let at = args.iter().position(|a| a == "--").unwrap_or(args.len());
    let mut shown = args[..at].to_vec();
    shown.extend(flags);
    shown.extend_from_slice(&args[at..]);
    OperationReport {
        summary: summary(op),
        kind: if op.is_change() { "change" } else { "read" },
        operation: masked_operation(op),
        equivalent_command: display_command(&mask::mask_argv(&shown)),
        argv: mask::mask_argv(&args),
        preview: None,
        preview_text: None,
        status: Status::NotAttempted,
        exit_code: None,
        stdout: None,
        stderr: None,
        versions: Vec::new(),
    }
}

/// True when an argv says its own namespace (or all of them), which then beats `-n` from the command line.
fn names_namespace(argv: &[String]) -> bool {
    argv.iter()
        .any(|a| matches!(a.as_str(), "-n" | "-A" | "--all-namespaces"))
}

/// The runner for an argv: without the command line's `-n` when the argv names its own.
pub(super) fn scoped<'k>(kubectl: &'k Kubectl, argv: &[String]) -> std::borrow::Cow<'k, Kubectl> {
    if names_namespace(argv) {
        std::borrow::Cow::Owned(kubectl.with_namespace(None))
    } else {
        std::borrow::Cow::Borrowed(kubectl)
    }
}

/// The operation as recorded: secret values replaced by the mask.
fn masked_operation(op: &Operation) -> Operation {
    mask::mask_operation(op)
}

/// At a terminal, offers the close names of a target that does not exist; the name picked.
fn pick_instead(error: &anyhow::Error, settings: &Settings) -> Result<Option<String>, UserError> {
    if !settings.interactive || settings.json || settings.yes {
        return Ok(None);
    }
    let Some(missing) = error
        .chain()
        .find_map(|e| e.downcast_ref::<suggest::NotFound>())
    else {
        return Ok(None);
    };
    if missing.candidates.is_empty() {
        return Ok(None);
    }
    // The list itself is the "did you mean".
    let (what, _) = missing
        .message
        .split_once("; did you mean")
        .unwrap_or((&missing.message, ""));
    match crate::confirm::pick(
        &format!("{what}. Use one of these instead?"),
        &missing.candidates,
    ) {
        crate::confirm::Choice::Picked(name) => Ok(Some(name)),
        crate::confirm::Choice::Cancelled => Ok(None),
        crate::confirm::Choice::Interrupted(reason) => {
            eprintln!("{}: nothing was changed", reason.describe());
            Err(reason.error())
        }
    }
}

/// RFC 3339 UTC timestamp of now, the journal's format.
fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    crate::journal::rfc3339(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339() {
        let now = now_rfc3339();
        assert_eq!(now.len(), 20, "{now}");
        assert!(now.starts_with("20") && now.ends_with('Z'), "{now}");
    }
}
