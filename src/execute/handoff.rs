//! Handing the terminal to kubectl: port-forward, `logs -f` and exec.
//!
//! These operations are kubectl itself talking to the person: kubectl runs with
//! the plugin's own stdin, stdout and stderr, in the plugin's foreground process
//! group (so Ctrl-C reaches it from the terminal and it ends itself, as it would
//! if typed by hand), with no time limit; the plugin waits, then ends with
//! kubectl's exit status, saying in one line what failed when it did. A SIGTERM
//! or SIGHUP sent to the plugin is passed on to kubectl ([`interrupt`]), which
//! is given a few seconds to end before it is killed: nothing outlives the plugin.
//!
//! What holds the terminal until the person ends it (a port-forward, `logs -f`,
//! an interactive exec) needs one: with `--json`, or without a terminal on stdin
//! and stdout, it is refused before anything runs. A non-interactive exec needs
//! none: with `--json` its output is captured into the report.
//!
//! An exec is a change that no server can dry-run: its preview is its exact
//! command and the target's existence, and consent is asked as for any change.

use std::time::{Duration, Instant};

use super::{Settings, interrupt, scoped};
use crate::exit::UserError;
use crate::kubectl::{Captured, Kubectl, display_command};
use crate::output::{OperationReport, Status};
use crate::plan::equivalent::equivalent_args;
use crate::plan::interactive::{Exec, needs_terminal};
use crate::plan::{Operation, Plan};
use crate::preview::mask;

pub use crate::plan::interactive::hands_off;

/// How long kubectl has to end after a SIGTERM or SIGHUP was passed on to it.
const GRACE: Duration = Duration::from_secs(5);

/// Refuses, before anything runs, a plan with an operation that needs a person
/// at a terminal when there is none (or `--json` asks for a document instead).
pub fn check(plan: &Plan, settings: &Settings) -> Result<(), UserError> {
    let Some(op) = plan.operations.iter().find(|op| needs_terminal(op)) else {
        return Ok(());
    };
    let command = display_command(&equivalent_args(op));
    let why = if settings.json {
        "--json cannot carry it: run it without --json"
    } else if !settings.terminal {
        "stdin and stdout are not both a terminal here: run it from a terminal"
    } else {
        return Ok(());
    };
    Err(UserError::Usage(format!(
        "{} hands the terminal to kubectl ({command}) until you end it, so it needs one; {why}; nothing was run",
        crate::plan::summary::summary(op)
    )))
}

/// The preview of an exec: the target exists (a misspelt one is named, with the
/// names close to it), and the exact command is what will run.
pub(super) async fn preview(
    kubectl: &Kubectl,
    exec: &Exec,
    report: &mut OperationReport,
) -> anyhow::Result<()> {
    let target = super::request::Target::new(&exec.kind, &exec.name, &exec.namespace)?;
    super::dry_run::fetch_target(kubectl, &target).await?;
    report.preview_text = Some(format!(
        "kubectl cannot preview what a command does inside a container: once you say yes, \
         exactly the command above runs in {}",
        target.label()
    ));
    report.status = Status::NotAttempted;
    Ok(())
}

/// Runs a hand-off operation: with the terminal, or captured (a non-interactive
/// exec under `--json`). The status is kubectl's.
pub(super) async fn run(
    kubectl: &Kubectl,
    op: &Operation,
    settings: &Settings,
) -> anyhow::Result<Captured> {
    let argv = equivalent_args(op);
    let runner = scoped(kubectl, &argv);
    if settings.json && !needs_terminal(op) {
        return runner.run(&argv, None).await;
    }
    let full = runner.argv(&argv);
    let shown = display_command(&mask::mask_argv(&full));
    tracing::debug!(command = %shown, "handing the terminal to kubectl");
    let mut command = tokio::process::Command::new(kubectl.path());
    // Inherited stdio and process group: kubectl owns the terminal now.
    command.args(&full).kill_on_drop(true);
    let mut child = command.spawn().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            crate::kubectl::KubectlError::NotFound {
                detail: format!("{} does not exist", kubectl.path().display()),
            }
            .into()
        } else {
            anyhow::Error::new(e).context(format!("could not start {shown}"))
        }
    })?;
    let _held = interrupt::hand_off(child.id());
    let mut stopping: Option<Instant> = None;
    let status = loop {
        tokio::select! {
            status = child.wait() => break status,
            () = tokio::time::sleep(Duration::from_millis(100)) => {
                if matches!(
                    interrupt::raised(),
                    Some(interrupt::Reason::Terminate | interrupt::Reason::HangUp)
                ) && stopping.get_or_insert_with(Instant::now).elapsed() > GRACE
                {
                    let _ = child.start_kill();
                }
            }
        }
    };
    let status =
        status.map_err(|e| anyhow::Error::new(e).context(format!("waiting for {shown}")))?;
    Ok(Captured {
        status: status_code(status),
        stdout: Vec::new(),
        stderr: String::new(),
    })
}

/// Records how a hand-off ended in its report entry; the error the run ends
/// with when it did not succeed: kubectl's own exit status, with one line
/// saying so (none after a Ctrl-C that ended it, which is how one stops a
/// port-forward or `logs -f`).
pub(super) fn record(
    entry: &mut OperationReport,
    result: anyhow::Result<Captured>,
    is_change: bool,
) -> Option<anyhow::Error> {
    let captured = match result {
        Ok(captured) => captured,
        Err(error) => {
            let failed = Captured {
                status: -1,
                stdout: Vec::new(),
                stderr: format!("{error:#}"),
            };
            super::record(entry, &failed, is_change);
            return Some(error);
        }
    };
    super::record(entry, &captured, is_change);
    // A command's output is what was asked for: keep it, as for a read.
    entry.stdout = Some(String::from_utf8_lossy(&captured.stdout).into_owned());
    let reason = interrupt::raised();
    match (captured.status, reason) {
        (_, Some(stop @ (interrupt::Reason::Terminate | interrupt::Reason::HangUp))) => {
            eprintln!(
                "{}: {} was stopped",
                stop.describe(),
                entry.equivalent_command
            );
            Some(stop.error().into())
        }
        (0, _) => None,
        (130, Some(interrupt::Reason::Interrupt)) => {
            if !is_change {
                entry.status = Status::Read;
            }
            Some(UserError::Interrupted.into())
        }
        (status, _) => Some(
            UserError::Kubectl {
                code: u8::try_from(status).ok().filter(|c| *c != 0).unwrap_or(1),
                message: format!(
                    "{} exited with {}",
                    entry.equivalent_command,
                    crate::kubectl::describe_status(status)
                ),
            }
            .into(),
        ),
    }
}

#[cfg(unix)]
fn status_code(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .or_else(|| status.signal().map(|s| 128 + s))
        .unwrap_or(-1)
}

#[cfg(not(unix))]
fn status_code(status: std::process::ExitStatus) -> i32 {
    status.code().unwrap_or(-1)
}
