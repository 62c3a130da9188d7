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
pub mod journal;
pub mod kubectl;
pub mod llm;
pub mod output;
pub mod plan;
pub mod preview;
pub mod redact;
pub mod sentence;
pub mod shown;
pub mod understand;
