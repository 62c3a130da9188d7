//! Ctrl-C, SIGTERM, SIGHUP and a closed stdout while changes are being applied.
//!
//! Before the apply, any of these simply stops the run: nothing has changed.
//! Once the person has consented, none may cut a kubectl call in half: the
//! apply is *shielded*, the stop is only recorded with its reason, the call in
//! flight finishes, and the engine stops before the next operation, reports
//! exactly what was applied (on stderr when stdout is gone), and the exit code
//! says why (130, 143, 129, 141). `main` asks [`shielded`] before cancelling the run.
//!
//! While kubectl holds the terminal (a port-forward, `logs -f`, an exec), it is
//! in the plugin's foreground process group: Ctrl-C reaches it from the terminal
//! and it ends itself, and the plugin waits for it. A SIGTERM or SIGHUP sent to
//! the plugin alone is passed on to it, so it never outlives the plugin.
//! `main` asks [`held_by_kubectl`] first.

use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU8, Ordering};

use crate::exit::{Stop, UserError};

static SHIELDED: AtomicBool = AtomicBool::new(false);
static CHANGING: AtomicBool = AtomicBool::new(false);
/// 0: nothing raised; otherwise a [`Reason`] as u8.
static RAISED: AtomicU8 = AtomicU8::new(0);
/// The kubectl holding the terminal (0: none).
static HOLDER: AtomicI32 = AtomicI32::new(0);

/// What stopped a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Interrupt = 1,
    HangUp = 2,
    Terminate = 3,
    StdoutClosed = 4,
}

impl Reason {
    /// The error that ends the process with this reason's exit code.
    pub fn error(self) -> UserError {
        match self {
            Reason::Interrupt => UserError::Interrupted,
            Reason::HangUp => UserError::Stopped(Stop::HangUp),
            Reason::Terminate => UserError::Stopped(Stop::Terminated),
            Reason::StdoutClosed => UserError::Stopped(Stop::StdoutClosed),
        }
    }

    /// "interrupted", "stopped by SIGTERM", …, for the line that says what happened.
    pub fn describe(self) -> &'static str {
        match self {
            Reason::Interrupt => "interrupted",
            Reason::HangUp => Stop::HangUp.describe(),
            Reason::Terminate => Stop::Terminated.describe(),
            Reason::StdoutClosed => Stop::StdoutClosed.describe(),
        }
    }
}

/// True while changes are being applied: a stop must wait for the call in flight.
pub fn shielded() -> bool {
    SHIELDED.load(Ordering::SeqCst)
}

/// Records a stop for the engine to act on at the next safe point (the first one wins).
pub fn raise(reason: Reason) {
    let _ = RAISED.compare_exchange(0, reason as u8, Ordering::SeqCst, Ordering::SeqCst);
}

/// Why the run was asked to stop, if it was.
pub fn raised() -> Option<Reason> {
    match RAISED.load(Ordering::SeqCst) {
        1 => Some(Reason::Interrupt),
        2 => Some(Reason::HangUp),
        3 => Some(Reason::Terminate),
        4 => Some(Reason::StdoutClosed),
        _ => None,
    }
}

/// The run has changes to make: a stop before the apply says that nothing was changed.
pub fn mark_changing() {
    CHANGING.store(true, Ordering::SeqCst);
}

/// Whether the run had changes to make.
pub fn changing() -> bool {
    CHANGING.load(Ordering::SeqCst)
}

/// Shields the apply until the guard is dropped.
pub fn shield() -> ShieldGuard {
    SHIELDED.store(true, Ordering::SeqCst);
    ShieldGuard(())
}

pub struct ShieldGuard(());

impl Drop for ShieldGuard {
    fn drop(&mut self) {
        SHIELDED.store(false, Ordering::SeqCst);
    }
}

/// kubectl holds the terminal until the guard is dropped.
pub fn hand_off(pid: Option<u32>) -> HandOffGuard {
    if let Some(pid) = pid.and_then(|p| i32::try_from(p).ok()) {
        HOLDER.store(pid, Ordering::SeqCst);
    }
    HandOffGuard(())
}

pub struct HandOffGuard(());

impl Drop for HandOffGuard {
    fn drop(&mut self) {
        HOLDER.store(0, Ordering::SeqCst);
    }
}

/// When kubectl holds the terminal: records the stop, passes a SIGTERM or SIGHUP
/// on to kubectl (a Ctrl-C reached it from the terminal already), and says the
/// run goes on waiting for kubectl to end. `false` when nothing holds it.
pub fn held_by_kubectl(reason: Reason) -> bool {
    let pid = HOLDER.load(Ordering::SeqCst);
    if pid <= 1 {
        return false;
    }
    raise(reason);
    #[cfg(unix)]
    {
        let signal = match reason {
            Reason::Terminate => Some(libc::SIGTERM),
            Reason::HangUp => Some(libc::SIGHUP),
            Reason::Interrupt | Reason::StdoutClosed => None,
        };
        if let Some(signal) = signal {
            // SAFETY: kill takes plain integers and touches no memory of ours; the
            // pid is our own child's, registered while we wait for it (so it has
            // not been reaped and cannot have been reused).
            unsafe {
                libc::kill(pid, signal);
            }
        }
    }
    true
}
