//! kubectl-ai: ask kubectl in plain English.
//!
//! The flow (see DESIGN.md): [`cli`] parses what was typed, [`config`]
//! resolves what it means, [`app`] dispatches the command, [`kubectl`] runs
//! kubectl, and [`exit`] names how the process ends. `main.rs` only wires
//! these together and prints errors.

pub mod app;
pub mod cli;
pub mod config;
pub mod exit;
pub mod kubectl;
