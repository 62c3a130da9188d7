//! A record of every change applied, kept on the person's machine.
//!
//! After a run that applied (or tried to apply) a change, one JSON line is appended
//! to `kubectl-ai/journal.jsonl` in the platform's state directory (or the file
//! `KUBECTL_AI_JOURNAL` names; `KUBECTL_AI_JOURNAL=off` turns it off): when (RFC 3339,
//! UTC), what was asked, where the plan came from, the context, and for each operation
//! its summary, equivalent command and outcome. A dry run, a preview that failed, a
//! declined question or a change that changed nothing sends nothing to the cluster
//! and is not journaled. The line is built from the report, which is already masked,
//! with the request masked too (`password=***`), and carries no diffs and no
//! output, so no secret value reaches it; still, the file and the folder created
//! for it are readable by their owner only (0600 / 0700).
//! A journal that cannot be written is a warning, never a failure of the change.

use std::io::Write;
use std::path::{Path, PathBuf};

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

/// The journal line for a run, or `None` when the run sent no change to the cluster.
pub fn entry(report: &Report, unix_seconds: u64) -> Option<Value> {
    if !attempted(report) {
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
        "time": rfc3339(unix_seconds),
        "request": crate::output::masked_request(&report.request),
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
    let written = append(&path, &line.to_string());
    if let Err(e) = written {
        eprintln!(
            "warning: could not write the journal {} ({e}); set KUBECTL_AI_JOURNAL to another file, or to off",
            path.display()
        );
    }
}

/// Whether a change was applied, or an apply was sent and failed (a failed preview
/// sent nothing: its operation has no exit code, since no apply ran).
fn attempted(report: &Report) -> bool {
    !report.dry_run
        && report.operations.iter().any(|op| {
            op.kind == "change"
                && match op.status {
                    Status::Applied => true,
                    Status::Failed => op.exit_code.is_some(),
                    _ => false,
                }
        })
}

/// Appends one line, creating the folder (0700) and the file (0600) when missing;
/// a file left readable by others by an older version is narrowed to its owner.
fn append(path: &Path, line: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata()?.permissions().mode();
        if mode & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(mode & 0o700))?;
        }
    }
    writeln!(file, "{line}")
}

/// `2026-12-02T03:08:28Z`: RFC 3339 in UTC, from seconds since the Unix epoch.
pub fn rfc3339(unix_seconds: u64) -> String {
    let secs = i64::try_from(unix_seconds).unwrap_or(i64::MAX);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
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

    #[test]
    fn times_are_rfc3339_in_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_796_180_908), "2026-12-02T03:08:28Z");
        assert_eq!(rfc3339(4_107_542_399), "2100-02-28T23:59:59Z");
    }
}
