//! Dispatch: one entry point, [`run`], and one function per command.
//!
//! Each arm of [`run`] is a one-line call so the pieces that implement the
//! commands (understanding, the plan engine, diagnose) can replace a function
//! body here without touching the rest. Functions return `anyhow::Result`;
//! to end with a code other than 0/1, return a [`crate::exit::UserError`].
//! Write to stdout with `writeln!(std::io::stdout().lock(), ...)?` (not
//! `println!`, which panics on a closed pipe); main treats a broken pipe as a
//! clean exit.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

use crate::cli::{Cli, Shell};
use crate::config::{Command, Config, Target};
use crate::exit::ExitCode;
use crate::kubectl::Kubectl;
use crate::kubectl::kubeconfig::Pin;

/// Run the command the config describes.
pub async fn run(mut config: Config) -> anyhow::Result<ExitCode> {
    for warning in &config.warnings {
        eprintln!("warning: {warning}");
    }
    // Pin the run, once, to the context the kubeconfig names now (read locally,
    // nothing contacted): every kubectl call of the run (previews, applies,
    // reads, diagnose, suggestions) goes there, whatever happens meanwhile.
    if !matches!(config.command, Command::Completion(_)) {
        config.pin = Pin::resolve(&config.kube);
    }
    match &config.command {
        Command::Completion(shell) => completion(*shell),
        Command::Sentence(sentence) => self::sentence(&config, sentence).await,
        Command::Plan(path) => plan_file(&config, path).await,
        Command::Diagnose {
            question,
            target,
            fix,
        } => diagnose(&config, question.as_deref(), target.as_ref(), *fix).await,
        Command::History { run, limit } => crate::history::show(&config, *run, *limit),
        Command::Undo { run } => crate::history::undo::run(&config, *run).await,
        Command::Mcp { .. } => crate::mcp::run(&config).await,
    }
}

/// Locate kubectl and forward the config's global flags. Call it only when
/// the cluster is needed (`--explain` and `completion` never need it).
pub fn kubectl(config: &Config) -> anyhow::Result<Kubectl> {
    Kubectl::locate(config)
}

/// `kubectl ai <sentence>`: understand, preview, confirm, apply.
pub async fn sentence(config: &Config, sentence: &str) -> anyhow::Result<ExitCode> {
    // "undo the last change", "what did I change today": the journal, offline.
    if let Some(routed) = crate::history::route::route(sentence) {
        return crate::history::route::run(config, routed).await;
    }
    crate::sentence::run_sentence(config, sentence).await
}

/// `kubectl ai --plan FILE`: run a saved plan.
pub async fn plan_file(config: &Config, path: &Path) -> anyhow::Result<ExitCode> {
    crate::flow::run_plan_file(config, path).await
}

/// `kubectl ai diagnose`: collect, analyze, report.
pub async fn diagnose(
    config: &Config,
    question: Option<&str>,
    target: Option<&Target>,
    fix: bool,
) -> anyhow::Result<ExitCode> {
    crate::diagnose::command::run(config, question, target, fix).await
}

/// `kubectl ai completion SHELL`: print the script on stdout.
pub fn completion(shell: Shell) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    write_completion(shell, &mut out)
        .and_then(|()| out.flush())
        .context("writing the completion script")?;
    Ok(ExitCode::Success)
}

/// Generate the completion script for `shell` (the bytes in `completions/`).
pub fn write_completion(shell: Shell, out: &mut dyn Write) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut cmd = Cli::command_for_completion();
    clap_complete::generate(shell, &mut cmd, crate::cli::BIN_NAME, &mut buf);
    out.write_all(&buf)
}
