//! kubectl-ai: ask kubectl in plain English.
//!
//! The flow (see DESIGN.md): [`cli`] parses what was typed, [`config`]
//! resolves what it means, [`app`] dispatches the command; a sentence becomes a
//! typed [`plan`], and [`flow`] takes any plan through [`execute`] (preview with
//! [`preview`], consent with [`confirm`], apply) to a report ([`output`]).
//! [`kubectl`] runs kubectl, and [`exit`] names how the process ends. `main.rs`
//! only wires these together and prints errors.

pub mod app;
pub mod cli;
pub mod config;
pub mod confirm;
pub mod diagnose;
pub mod execute;
pub mod exit;
pub mod flow;
pub mod history;
pub mod journal;
pub mod kubectl;
pub mod llm;
pub mod mcp;
pub mod output;
pub mod plan;
pub mod preview;
pub mod redact;
pub mod sentence;
pub mod shown;
pub mod understand;

/// What the unit property tests share: how many cases a property runs.
#[cfg(test)]
pub(crate) mod property_tests {
    use proptest::prelude::ProptestConfig;

    /// `cases` cases, unless `PROPTEST_CASES` says otherwise; no failure files written.
    pub fn config(cases: u32) -> ProptestConfig {
        let mut config = ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        };
        if std::env::var_os("PROPTEST_CASES").is_none() {
            config.cases = cases;
        }
        config
    }
}
