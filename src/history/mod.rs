//! `kubectl ai history`: the journal read back, newest first.
//!
//! Nothing here contacts a cluster: the list and one run's diffs come from the
//! journal alone (see [`crate::journal`]), re-rendered from the normalized
//! before/after states it keeps. Times are shown in local time; the text from
//! the journal is sanitized before it reaches a terminal. `--json` prints the
//! entries as the journal holds them (one document).

pub mod route;
pub mod undo;

use std::io::Write;

use serde_json::{Value, json};

use crate::config::Config;
use crate::exit::{ExitCode, UserError};
use crate::journal::{Entry, Journal, ObjectEntry};
use crate::output::sanitize;

/// Which runs a listing shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Runs that touched this namespace (`-n`).
    pub namespace: Option<String>,
    /// Runs made in this context (`--context`).
    pub context: Option<String>,
    /// Runs made today, local time ("what did I change today").
    pub today: bool,
    pub limit: usize,
}

impl Selection {
    /// What the flags ask for.
    pub fn from_flags(config: &Config, limit: usize) -> Selection {
        Selection {
            namespace: config.kube.namespace.clone(),
            context: config.kube.context.clone(),
            today: false,
            limit,
        }
    }
}

/// `kubectl ai history [RUN] [-n NS] [--context C] [--limit N] [--json]`.
pub fn show(config: &Config, run: Option<u64>, limit: usize) -> anyhow::Result<ExitCode> {
    show_selected(config, run, &Selection::from_flags(config, limit))
}

/// Prints one run, or the runs `selection` keeps, newest first.
pub fn show_selected(
    config: &Config,
    run: Option<u64>,
    selection: &Selection,
) -> anyhow::Result<ExitCode> {
    let (path, journal) = open(config)?;
    let text = match run {
        Some(id) => {
            let entry = journal.get(id).ok_or_else(|| missing_run(id, &journal))?;
            if config.json {
                let mut document = json!({
                    "schema_version": crate::output::SCHEMA_VERSION,
                    "journal": path.display().to_string(),
                    "run": with_diffs(entry),
                });
                document["run"]["reversible"] = json!(undo::reasons(entry).is_empty());
                crate::shown::json(serde_json::to_string_pretty(&document)? + "\n")
            } else {
                one_run(entry, config.color)
            }
        }
        None => {
            let runs = selected(&journal, selection);
            if config.json {
                let runs: Vec<Value> = runs.iter().map(|e| summary_json(e)).collect();
                let document = json!({
                    "schema_version": crate::output::SCHEMA_VERSION,
                    "journal": path.display().to_string(),
                    "runs": runs,
                });
                crate::shown::json(serde_json::to_string_pretty(&document)? + "\n")
            } else if runs.is_empty() {
                format!(
                    "no changes recorded{} in {}\n",
                    filters(selection),
                    path.display()
                )
            } else {
                let mut text: String = runs.iter().map(|e| run_lines(e)).collect();
                text.push_str(
                    "\n'kubectl ai history RUN' shows a run's diffs; 'kubectl ai undo RUN' takes it back.\n",
                );
                text
            }
        }
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::Success)
}

/// The journal's path and contents; turned off is a usage error that says so.
pub fn open(config: &Config) -> anyhow::Result<(std::path::PathBuf, Journal)> {
    let path = crate::journal::path(config.journal.as_deref()).ok_or_else(|| {
        UserError::Usage(
            "the journal is turned off (KUBECTL_AI_JOURNAL=off), so there is no history; \
             unset KUBECTL_AI_JOURNAL to record changes again"
                .into(),
        )
    })?;
    let journal = crate::journal::read(&path)
        .map_err(|e| anyhow::anyhow!("could not read the journal {}: {e}", path.display()))?;
    if journal.skipped > 0 {
        eprintln!(
            "warning: {} line(s) of the journal {} are not readable (cut short by a crash?) and were skipped",
            journal.skipped,
            path.display()
        );
    }
    Ok((path, journal))
}

fn missing_run(id: u64, journal: &Journal) -> anyhow::Error {
    let known: Vec<String> = journal
        .entries
        .iter()
        .rev()
        .filter_map(|e| e.id)
        .take(5)
        .map(|id| id.to_string())
        .collect();
    let hint = if known.is_empty() {
        "the journal records no runs yet".to_string()
    } else {
        format!(
            "the latest runs are {}; see kubectl ai history",
            known.join(", ")
        )
    };
    UserError::Usage(format!("there is no run {id} in the journal; {hint}")).into()
}

/// The runs a selection keeps, newest first: `-n` keeps runs that touched that
/// namespace, `--context` runs made in that context.
fn selected<'j>(journal: &'j Journal, selection: &Selection) -> Vec<&'j Entry> {
    let today = local_time(&crate::journal::rfc3339(now()))[..10].to_string();
    journal
        .entries
        .iter()
        .rev()
        .filter(|e| {
            selection
                .context
                .as_ref()
                .is_none_or(|c| e.context.as_ref() == Some(c))
        })
        .filter(|e| {
            selection
                .namespace
                .as_ref()
                .is_none_or(|ns| namespaces(e).contains(&ns.as_str()))
        })
        .filter(|e| !selection.today || local_time(&e.time).starts_with(&today))
        .take(selection.limit)
        .collect()
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn filters(selection: &Selection) -> String {
    let mut text = String::new();
    if selection.today {
        text.push_str(" today");
    }
    if let Some(ns) = &selection.namespace {
        text.push_str(&format!(" in namespace {ns}"));
    }
    if let Some(c) = &selection.context {
        text.push_str(&format!(" in context {c}"));
    }
    text
}

/// The namespaces a run's objects are in (the run's own namespace when it records none).
pub fn namespaces(entry: &Entry) -> Vec<&str> {
    let mut found: Vec<&str> = Vec::new();
    for object in entry.operations.iter().flat_map(|op| &op.objects) {
        if let Some(ns) = object.namespace.as_deref()
            && !found.contains(&ns)
        {
            found.push(ns);
        }
    }
    if found.is_empty()
        && let Some(ns) = entry.namespace.as_deref()
    {
        found.push(ns);
    }
    found
}

/// `rules`, `model gpt-4o`, `plan file p.json`, `undo of run 3`.
pub fn source(entry: &Entry) -> String {
    let text = |key: &str| entry.source.get(key).and_then(Value::as_str);
    match text("kind").unwrap_or("unknown") {
        "model" => format!("model {}", text("model").unwrap_or("?")),
        "plan_file" => format!("plan file {}", text("path").unwrap_or("?")),
        "undo" => format!(
            "undo of run {}",
            entry.source.get("run").map_or("?".into(), Value::to_string)
        ),
        other => other.replace('_', " "),
    }
}

/// `2026-12-02 07:10:40 +01:00`, in local time; the journal's text when it is not a journal time.
pub fn local_time(time: &str) -> String {
    let Some(seconds) = crate::journal::parse_rfc3339(time) else {
        return time.to_string();
    };
    let offset = utc_offset(seconds);
    let local = i64::try_from(seconds).unwrap_or(0) + offset;
    let (days, rem) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (y, m, d) = crate::journal::civil_from_days(days);
    let sign = if offset < 0 { '-' } else { '+' };
    let off = offset.abs();
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} {sign}{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        off / 3600,
        off % 3600 / 60
    )
}

/// The local time zone's offset from UTC at that moment, in seconds (`TZ` honoured).
#[cfg(unix)]
fn utc_offset(seconds: u64) -> i64 {
    let Ok(t) = libc::time_t::try_from(seconds) else {
        return 0;
    };
    // SAFETY: localtime_r only reads `t` and writes the `tm` it is given.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
    if ok { tm.tm_gmtoff } else { 0 }
}

#[cfg(not(unix))]
fn utc_offset(_seconds: u64) -> i64 {
    0
}

fn status_text(status: &Value) -> String {
    status.as_str().unwrap_or("?").to_string()
}

/// One run in the list: number, time, context, namespaces, source, request, and each operation.
fn run_lines(entry: &Entry) -> String {
    let id = entry.id.map_or("-".to_string(), |id| id.to_string());
    let namespaces = namespaces(entry);
    let mut head = format!("{id:>4}  {}", local_time(&entry.time));
    if let Some(context) = &entry.context {
        head.push_str(&format!("  context {context}"));
    }
    if !namespaces.is_empty() {
        head.push_str(&format!(
            "  {} {}",
            if namespaces.len() == 1 {
                "namespace"
            } else {
                "namespaces"
            },
            namespaces.join(",")
        ));
    }
    head.push_str(&format!("  from {}", source(entry)));
    if !undo::reasons(entry).is_empty() {
        head.push_str("  (cannot be undone)");
    }
    let mut text = sanitize(&head) + "\n";
    if let Some(request) = &entry.request {
        text.push_str(&sanitize(&format!("      \"{request}\"\n")));
    }
    if entry.status == "unknown" {
        text.push_str(&format!(
            "      outcome unknown: the run was ended (or is still applying) before it said how \
             it went; its changes may or may not have been applied (kubectl ai history {id})\n"
        ));
    }
    for op in &entry.operations {
        text.push_str(&sanitize(&format!(
            "      {:<13} {}\n",
            status_text(&op.status),
            op.summary
        )));
    }
    text
}

/// One run in full: where, when, what was asked, and each operation with its diffs.
fn one_run(entry: &Entry, color: bool) -> String {
    let id = entry.id.map_or("-".to_string(), |id| id.to_string());
    let mut text = format!("run {id}  {}\n", local_time(&entry.time));
    let mut field = |name: &str, value: &str| {
        text.push_str(&sanitize(&format!("{name:<11}{value}\n")));
    };
    field("context:", entry.context.as_deref().unwrap_or("(unknown)"));
    field("namespace:", &namespaces(entry).join(", "));
    field("source:", &source(entry));
    if let Some(request) = &entry.request {
        field("request:", request);
    }
    field("status:", &entry.status);
    for (index, op) in entry.operations.iter().enumerate() {
        text.push_str(&sanitize(&format!(
            "\n{}. {} ({})\n   {}\n",
            index + 1,
            op.summary,
            status_text(&op.status),
            op.equivalent_command
        )));
        if let Some(reason) = &op.not_reversible {
            text.push_str(&sanitize(&format!("   not reversible: {reason}\n")));
        }
        for object in &op.objects {
            let diff = object_diff(object);
            let diff = sanitize(&diff);
            text.push_str(&if color {
                crate::preview::colorize(&diff)
            } else {
                diff
            });
            if let Some(reason) = &object.not_reversible {
                text.push_str(&sanitize(&format!(
                    "   {} is not reversible: {reason}\n",
                    object.object
                )));
            }
        }
    }
    let reasons = undo::reasons(entry);
    text.push('\n');
    if reasons.is_empty() {
        text.push_str(&format!("take it back with: kubectl ai undo {id}\n"));
    } else {
        text.push_str(&sanitize(&format!(
            "this run cannot be taken back: {}\n",
            reasons.join("; ")
        )));
    }
    text
}

/// An object's change as a unified diff, from the recorded states.
pub fn object_diff(object: &ObjectEntry) -> String {
    use crate::journal::Change;
    let label = &object.object;
    if object.before.is_none() && object.after.is_none() {
        let what = match object.change {
            Change::Create => "created",
            Change::Update => "changed",
            Change::Delete => "deleted",
        };
        return format!("--- {label}\n+++ {label}\n@@ {what}; its states were not recorded @@\n");
    }
    crate::preview::unified_diff(label, object.before.as_ref(), object.after.as_ref()).replacen(
        &format!("--- {label} (live)"),
        &format!("--- {label} (before)"),
        1,
    )
}

/// A run for the `--json` list: everything but the recorded states.
fn summary_json(entry: &Entry) -> Value {
    let mut value = serde_json::to_value(entry).unwrap_or_default();
    if let Some(ops) = value.get_mut("operations").and_then(Value::as_array_mut) {
        for object in ops
            .iter_mut()
            .filter_map(|op| op.get_mut("objects").and_then(Value::as_array_mut))
            .flatten()
            .filter_map(Value::as_object_mut)
        {
            object.remove("before");
            object.remove("after");
        }
    }
    value["namespaces"] = json!(namespaces(entry));
    value["reversible"] = json!(undo::reasons(entry).is_empty());
    value
}

/// One run for `--json`: as journaled, with each object's diff.
fn with_diffs(entry: &Entry) -> Value {
    let mut value = serde_json::to_value(entry).unwrap_or_default();
    for (op_index, op) in entry.operations.iter().enumerate() {
        for (index, object) in op.objects.iter().enumerate() {
            value["operations"][op_index]["objects"][index]["diff"] = json!(object_diff(object));
        }
    }
    value["namespaces"] = json!(namespaces(entry));
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_time_follows_the_offset() {
        // The test process has no TZ set unless the environment sets one: only the shape is fixed.
        let shown = local_time("2026-12-02T03:08:28Z");
        assert_eq!(shown.len(), 26, "{shown}");
        assert_eq!(local_time("not a time"), "not a time");
    }
}
