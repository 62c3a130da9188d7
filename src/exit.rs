//! The documented exit codes, and the one error type callers return to pick one.
//!
//! Every way the program can end maps to exactly one [`ExitCode`]. Code deep in
//! the program does not call `std::process::exit`: it returns an error, and
//! `main` maps it here. An error that wraps a [`UserError`] anywhere in its
//! `anyhow` chain takes that code; anything else is a plain failure (1).
//! The README's "Exit codes" section mirrors this file.

use std::fmt;

/// How the process ends. The numbers ([`ExitCode::code`]) are part of the public contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExitCode {
    /// Everything asked for was done (or, for `--explain`/`--dry-run`, shown).
    Success,
    /// kubectl, the cluster, the model or the network failed.
    Failure,
    /// Bad usage, or a request that can't be understood or fails validation.
    Usage,
    /// The person said no, or there was no TTY to ask and no `--yes`.
    Declined,
    /// `diagnose` finished and found problems.
    ProblemsFound,
    /// Interrupted (Ctrl-C).
    Interrupted,
    /// Stopped by SIGHUP (the terminal went away).
    HungUp,
    /// Stopped because stdout was closed while changes were pending or being applied.
    StdoutClosed,
    /// Stopped by SIGTERM.
    Terminated,
    /// kubectl held the terminal (port-forward, `logs -f`, exec) and ended with
    /// this status, which the plugin ends with too.
    Kubectl(u8),
}

impl ExitCode {
    /// The numeric process exit status.
    pub fn code(self) -> u8 {
        match self {
            ExitCode::Success => 0,
            ExitCode::Failure => 1,
            ExitCode::Usage => 2,
            ExitCode::Declined => 3,
            ExitCode::ProblemsFound => 4,
            ExitCode::Interrupted => 130,
            ExitCode::HungUp => 129,
            ExitCode::StdoutClosed => 141,
            ExitCode::Terminated => 143,
            ExitCode::Kubectl(code) => code,
        }
    }

    /// Pick the exit code for an error: the first [`UserError`] in its chain
    /// decides; a broken pipe (the reader of stdout went away) is a clean exit;
    /// anything else is [`ExitCode::Failure`].
    pub fn for_error(err: &anyhow::Error) -> ExitCode {
        if is_broken_pipe(err) {
            return ExitCode::Success;
        }
        // `downcast_ref` also sees a UserError attached with `.context(...)`,
        // which the chain shows only as its message.
        err.downcast_ref::<UserError>()
            .or_else(|| {
                err.chain()
                    .find_map(|cause| cause.downcast_ref::<UserError>())
            })
            .map_or(ExitCode::Failure, UserError::exit_code)
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code.code())
    }
}

impl fmt::Display for ExitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code())
    }
}

/// Errors whose kind decides the exit code. Return one (or wrap one with
/// `.context(...)`) to end with something other than 1.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// Bad usage or a request that can't be understood/validated: exit 2.
    #[error("{0}")]
    Usage(String),
    /// The person declined, or no TTY and no `--yes`: exit 3.
    #[error("{0}")]
    Declined(String),
    /// `diagnose` found problems (the report was already printed): exit 4.
    #[error("problems found")]
    ProblemsFound,
    /// Ctrl-C: exit 130.
    #[error("interrupted")]
    Interrupted,
    /// SIGTERM, SIGHUP, or stdout closed under a run that changes something: exit
    /// 143, 129 or 141. What was (not) applied was already reported.
    #[error("{}", .0.describe())]
    Stopped(Stop),
    /// kubectl held the terminal and failed: its exit status, and one line saying so.
    #[error("{message}")]
    Kubectl { code: u8, message: String },
}

/// Why a run was stopped from outside, other than Ctrl-C.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    HangUp,
    Terminated,
    StdoutClosed,
}

impl Stop {
    pub fn describe(self) -> &'static str {
        match self {
            Stop::HangUp => "stopped by SIGHUP",
            Stop::Terminated => "stopped by SIGTERM",
            Stop::StdoutClosed => "stopped: stdout was closed",
        }
    }
}

impl UserError {
    /// The exit code this error ends the process with.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            UserError::Usage(_) => ExitCode::Usage,
            UserError::Declined(_) => ExitCode::Declined,
            UserError::ProblemsFound => ExitCode::ProblemsFound,
            UserError::Interrupted => ExitCode::Interrupted,
            UserError::Stopped(Stop::HangUp) => ExitCode::HungUp,
            UserError::Stopped(Stop::Terminated) => ExitCode::Terminated,
            UserError::Stopped(Stop::StdoutClosed) => ExitCode::StdoutClosed,
            UserError::Kubectl { code, .. } => ExitCode::Kubectl(*code),
        }
    }

    /// Whether `main` should stay quiet about this error (its outcome was
    /// already reported, or there is nothing to add).
    pub fn is_silent(&self) -> bool {
        matches!(
            self,
            UserError::ProblemsFound | UserError::Interrupted | UserError::Stopped(_)
        )
    }
}

/// True when the error chain contains an I/O "broken pipe": stdout's reader
/// (`| head`) went away, which is not a failure of ours.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            // A JSON document written straight to stdout (`diagnose --json | head`).
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn a_closed_pipe_under_serde_json_is_a_broken_pipe() {
        let io = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let err = anyhow::Error::new(serde_json::Error::io(io));
        assert!(is_broken_pipe(&err));
    }

    #[test]
    fn codes_are_the_documented_numbers() {
        assert_eq!(ExitCode::Success.code(), 0);
        assert_eq!(ExitCode::Failure.code(), 1);
        assert_eq!(ExitCode::Usage.code(), 2);
        assert_eq!(ExitCode::Declined.code(), 3);
        assert_eq!(ExitCode::ProblemsFound.code(), 4);
        assert_eq!(ExitCode::Interrupted.code(), 130);
        assert_eq!(ExitCode::HungUp.code(), 129);
        assert_eq!(ExitCode::StdoutClosed.code(), 141);
        assert_eq!(ExitCode::Terminated.code(), 143);
    }

    #[test]
    fn user_error_is_found_through_context() {
        let err = anyhow::Error::new(UserError::Declined("no".into())).context("applying the plan");
        assert_eq!(ExitCode::for_error(&err), ExitCode::Declined);
        let err: anyhow::Result<()> = Err(UserError::Usage("bad".into()).into());
        let err = err.context("outer").unwrap_err();
        assert_eq!(ExitCode::for_error(&err), ExitCode::Usage);
        // A UserError given as the context of another error picks the code too.
        let err = anyhow::anyhow!("inner detail").context(UserError::Usage("bad".into()));
        assert_eq!(ExitCode::for_error(&err), ExitCode::Usage);
    }

    #[test]
    fn other_errors_are_failures_and_broken_pipe_is_clean() {
        assert_eq!(
            ExitCode::for_error(&anyhow::anyhow!("boom")),
            ExitCode::Failure
        );
        let pipe = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let err = anyhow::Error::new(pipe).context("writing the report");
        assert_eq!(ExitCode::for_error(&err), ExitCode::Success);
    }
}
