//! Ctrl-C while changes are being applied.
//!
//! Before the apply, Ctrl-C simply stops the run: nothing has changed. Once the
//! person has consented, an interrupt must not cut a kubectl call in half: the
//! apply is *shielded*, the interrupt is only recorded, the call in flight
//! finishes, and the engine stops before the next operation and reports exactly
//! what was applied. `main` asks [`shielded`] before cancelling the run.

use std::sync::atomic::{AtomicBool, Ordering};

static SHIELDED: AtomicBool = AtomicBool::new(false);
static RAISED: AtomicBool = AtomicBool::new(false);

/// True while changes are being applied: an interrupt must wait for the call in flight.
pub fn shielded() -> bool {
    SHIELDED.load(Ordering::SeqCst)
}

/// Records a Ctrl-C for the engine to act on at the next safe point.
pub fn raise() {
    RAISED.store(true, Ordering::SeqCst);
}

/// True once Ctrl-C was pressed.
pub fn raised() -> bool {
    RAISED.load(Ordering::SeqCst)
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
