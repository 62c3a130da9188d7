//! A record of every change applied, kept on the person's machine.
//!
//! After a run that applied (or tried to apply) a change, one JSON line is appended
//! to `kubectl-ai/journal.jsonl` in the platform's state directory (or the file
//! `KUBECTL_AI_JOURNAL` names; `KUBECTL_AI_JOURNAL=off` turns it off): when, what was
//! asked, where the plan came from, the context, and for each operation its summary,
//! equivalent command and outcome. It is built from the report, which is already
//! masked, and it carries no diffs and no output, so no secret value reaches it.
//! A journal that cannot be written is a warning, never a failure of the change.

use std::io::Write;
use std::path::PathBuf;

use serde_json::{Value, json};

use crate::output::{Report, Status};

/// Where the journal goes, or `None` when it is turned off or there is no place for it.
pub fn path(setting: Option<&str>) -> Option<PathBuf> {
    match setting {
        Some("off") => None,
        Some(path) if !path.is_empty() => Some(PathBuf::from(path)),
        _ => dirs::state_dir()
            .or_else(dirs::data_local_dir)
            .map(|dir| dir.join("kubectl-ai").join("journal.jsonl")),
    }
}

/// The journal line for a run, or `None` when the run attempted no change.
pub fn entry(report: &Report, unix_seconds: u64) -> Option<Value> {
    let attempted = report
        .operations
        .iter()
        .any(|op| op.kind == "change" && matches!(op.status, Status::Applied | Status::Failed));
    if !attempted {
        return None;
    }
    let operations: Vec<Value> = report
        .operations
        .iter()
        .map(|op| {
            json!({
                "summary": op.summary,
                "equivalent_command": op.equivalent_command,
                "status": op.status,
                "exit_code": op.exit_code,
            })
        })
        .collect();
    Some(json!({
        "time": unix_seconds,
        "request": report.request,
        "source": report.source,
        "context": report.context,
        "namespace": report.namespace,
        "status": report.status,
        "operations": operations,
    }))
}

/// Appends the run to the journal; a failure is reported on stderr and otherwise ignored.
pub fn record(report: &Report, setting: Option<&str>) {
    let Some(path) = path(setting) else { return };
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let Some(line) = entry(report, seconds) else {
        return;
    };
    let written = (|| -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        writeln!(file, "{line}")
    })();
    if let Err(e) = written {
        eprintln!(
            "warning: could not write the journal {} ({e}); set KUBECTL_AI_JOURNAL to another file, or to off",
            path.display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_journal_can_be_moved_or_turned_off() {
        assert_eq!(path(Some("off")), None);
        assert_eq!(
            path(Some("/tmp/j.jsonl")),
            Some(PathBuf::from("/tmp/j.jsonl"))
        );
        assert!(path(None).is_none_or(|p| p.ends_with("kubectl-ai/journal.jsonl")));
    }
}
