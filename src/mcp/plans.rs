//! Plan ids: the handle an assistant gets from `preview` and gives to `apply`.
//!
//! An id is bound to exactly what was previewed: it is a hash of the context, the
//! previews (objects and diffs) and the requests the apply will send (the
//! previewed objects with the live `resourceVersion` they were computed from).
//! The server keeps the previewed plan under its id, in memory only, for the
//! [`MAX_PLANS`] most recent previews; `apply` takes it out, so an id is applied
//! at most once. An id the server does not hold (never issued, already applied,
//! forgotten, or from before a restart) is refused by the caller with a tool error.

use std::collections::VecDeque;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::execute::staged::Staged;

/// How many previewed plans are kept; the oldest is forgotten first.
pub const MAX_PLANS: usize = 32;

/// The previewed plans, newest last.
#[derive(Default)]
pub struct PlanStore {
    plans: Mutex<VecDeque<(String, Staged)>>,
}

impl PlanStore {
    /// Keeps a previewed plan; its id.
    pub fn insert(&self, staged: Staged) -> String {
        let id = plan_id(&staged);
        let mut plans = self.plans.lock().unwrap_or_else(|e| e.into_inner());
        plans.retain(|(held, _)| *held != id);
        if plans.len() >= MAX_PLANS {
            plans.pop_front();
        }
        plans.push_back((id.clone(), staged));
        id
    }

    /// Takes the plan with this id out of the store.
    pub fn take(&self, id: &str) -> Option<Staged> {
        let mut plans = self.plans.lock().unwrap_or_else(|e| e.into_inner());
        let index = plans.iter().position(|(held, _)| held == id)?;
        plans.remove(index).map(|(_, staged)| staged)
    }
}

/// `plan-` and 32 hex digits of the SHA-256 of what the plan previewed and would send.
fn plan_id(staged: &Staged) -> String {
    let mut hash = Sha256::new();
    hash.update(staged.report.context.as_deref().unwrap_or("").as_bytes());
    hash.update([0]);
    hash.update(serde_json::to_vec(&staged.report.operations).unwrap_or_default());
    hash.update([0]);
    hash.update(staged.fingerprint().as_bytes());
    let digest = hash.finalize();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("plan-{hex}")
}
