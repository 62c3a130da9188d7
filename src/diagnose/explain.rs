//! `kubectl ai diagnose --explain`: what a diagnosis would read, without reading it.
//!
//! Nothing is contacted: no kubectl call, no model. The scope (context as the
//! kubeconfig names it, namespace, target), the read-only kubectl commands
//! collection would run (the ones it always runs, and the ones it runs only
//! when needed, with when), whether a model would be asked to explain the
//! findings, and what `--fix` would do.

use std::io::Write;

use serde_json::json;

use super::DiagnoseRequest;
use super::collect::planned_calls;
use crate::config::Config;
use crate::exit::ExitCode;
use crate::kubectl::display_command;

/// Prints what the diagnosis would read, on stdout (one JSON document with `--json`).
pub fn print(
    config: &Config,
    request: &DiagnoseRequest,
    model: Option<&str>,
    fix: bool,
) -> anyhow::Result<ExitCode> {
    let connection = config.kube.connection_args();
    let shown = |argv: &[String]| {
        let mut argv = argv.to_vec();
        argv.extend(connection.iter().cloned());
        crate::output::sanitize(&display_command(&argv))
    };
    let calls = planned_calls(request);
    let context = crate::kubectl::kubeconfig::current(&config.kube).map(|c| c.name);
    let target = super::scope::target_key(request).map(|t| t.display());
    let namespace = (!request.all_namespaces)
        .then(|| request.namespace.clone())
        .flatten();
    let mut out = std::io::stdout().lock();
    if config.json {
        let reads: Vec<_> = calls
            .iter()
            .map(|(argv, when)| json!({"command": shown(argv), "when": when.unwrap_or("always")}))
            .collect();
        let document = json!({
            "schema_version": super::report::SCHEMA_VERSION,
            "status": "explained",
            "context": context,
            "namespace": namespace,
            "all_namespaces": request.all_namespaces,
            "target": target,
            "fix": fix,
            "reads": reads,
            "model": model,
        });
        let text = crate::shown::json(serde_json::to_string_pretty(&document)?);
        writeln!(out, "{text}")?;
    } else {
        let mut text = String::from("Diagnose, not run (nothing was contacted):\n");
        let place = if request.all_namespaces {
            "every namespace".to_string()
        } else {
            match &namespace {
                Some(ns) => format!("namespace {ns}"),
                None => "the current namespace".to_string(),
            }
        };
        text.push_str(&format!(
            "  it would look at {place}{}{}\n",
            context
                .as_deref()
                .map(|c| format!(" in context {c}"))
                .unwrap_or_default(),
            target
                .as_deref()
                .map(|t| format!(", and report on {t} only"))
                .unwrap_or_default()
        ));
        text.push_str("  with these read-only kubectl calls:\n");
        for (argv, when) in &calls {
            if when.is_none() {
                text.push_str(&format!("     {}\n", shown(argv)));
            }
        }
        text.push_str("  and, only when needed:\n");
        for (argv, when) in &calls {
            if let Some(when) = when {
                text.push_str(&format!("     {}\n       ({when})\n", shown(argv)));
            }
        }
        text.push_str(&match model {
            Some(model) => format!(
                "  The model {} would be asked to explain the findings, if there are any (findings \
                 only, redacted); it may first ask for up to {} steps of read-only evidence \
                 (get, describe, logs, events, top).\n",
                crate::output::sanitize(model),
                super::evidence::MAX_STEPS
            ),
            None if config.offline => "  No model would be asked (--offline).\n".to_string(),
            None => "  No model would be asked (none is configured).\n".to_string(),
        });
        if fix {
            text.push_str(
                "  --fix: each problem's suggested fix would be previewed, then applied only with consent.\n",
            );
        }
        out.write_all(crate::output::sanitize(&text).as_bytes())?;
    }
    out.flush()?;
    Ok(ExitCode::Success)
}
