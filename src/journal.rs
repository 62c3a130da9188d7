//! A record of every change applied, kept on the person's machine, and read back
//! by `kubectl ai history` and `kubectl ai undo`.
//!
//! After a run that applied (or tried to apply) a change, one JSON line is appended
//! to `kubectl-ai/journal.jsonl` in the platform's state directory (or the file
//! `KUBECTL_AI_JOURNAL` names; `KUBECTL_AI_JOURNAL=off` turns it off): a run
//! number, when (RFC 3339, UTC), what was asked, where the plan came from, the
//! context, and for each operation its summary, equivalent command and outcome,
//! and for each object it changed the object's state before and after the change
//! (normalized as the preview shows it: no status, no server bookkeeping) and its
//! `resourceVersion` after the change — what an undo needs to put it back and to
//! see whether anything touched it since. A dry run, a preview that failed, a
//! declined question or a change that changed nothing sends nothing to the cluster
//! and is not journaled.
//!
//! Secrets stay home: the request is masked (`password=***`), and an object whose
//! preview masks anything (a Secret, an env value that looks like a credential) is
//! recorded without its states, as "not reversible: holds secret values". The file
//! and the folder created for it are readable by their owner only (0600 / 0700);
//! each run is one line written with one `write` (a crash leaves at most a
//! truncated last line, which readers skip and the next append does not extend);
//! runs ending at once take turns (a lock file beside the journal).
//! Every apply (the CLI's, once the person said yes; the MCP server's) is
//! journaled ahead ([`begin`]), since the process may be ended before it can
//! report (killed, its host stopping it): before the first change is sent, a
//! line with status `unknown` says what may change; when the run ends, that
//! line is replaced by one with the same number saying how it ended
//! ([`Pending::finish`]), or taken out when nothing was sent. A run cut off in
//! between stays in `history` as "unknown: may or may not have been applied".
//! Readers keep the last line of a number (a finish that could not rewrite the
//! file appends its line instead).
//! Entries older than [`MAX_AGE_DAYS`] days, and the oldest ones once the file
//! passes [`MAX_BYTES`], are pruned when a run is appended.
//! A journal that cannot be written is a warning, never a failure of the change.

use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::output::{OperationReport, Report, Status};
use crate::preview::ObjectPreview;

/// Entries older than this are pruned when a run is appended.
pub const MAX_AGE_DAYS: u64 = 90;
/// Past this size, the oldest entries are pruned (down to half of it) when a run is appended.
pub const MAX_BYTES: u64 = 8 * 1024 * 1024;

/// Why an object whose preview masked something cannot be put back.
pub const HOLDS_SECRETS: &str = "holds secret values, which are never recorded";

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

/// One run, as one line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The run's number: one more than the highest in the journal when it was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// RFC 3339, UTC.
    pub time: String,
    #[serde(default)]
    pub request: Option<String>,
    /// Where the plan came from: `{"kind": "rules"}`, `{"kind": "model", "model": …}`…
    #[serde(default)]
    pub source: Value,
    #[serde(default)]
    pub context: Option<String>,
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub operations: Vec<OperationEntry>,
}

/// One operation of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationEntry {
    pub summary: String,
    #[serde(default)]
    pub equivalent_command: String,
    /// applied | failed | unknown | no-change | not-attempted…
    #[serde(default)]
    pub status: Value,
    #[serde(default)]
    pub exit_code: Option<i32>,
    /// The operation's `op` (`scale`, `delete`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<String>,
    /// Each object it changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<ObjectEntry>,
    /// Why the operation as a whole cannot be undone (a drain, a failure part-way).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_reversible: Option<String>,
}

/// What one operation did to one object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectEntry {
    /// `deployment/web`
    pub object: String,
    #[serde(default)]
    pub api_version: String,
    pub kind: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub change: Change,
    /// The normalized state before the change (absent when created, or when it holds secrets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    /// The normalized state after the change (absent when deleted, or when it holds secrets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
    /// The object's `resourceVersion` right after the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
    /// Why this object cannot be put back, when it cannot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_reversible: Option<String>,
}

/// What a change did to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Create,
    Update,
    Delete,
}

/// An object's identity and `resourceVersion`, as the apply's answer gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub resource_version: String,
}

/// The versions of the objects in kubectl's JSON output (one object, a List, or
/// several documents one after another); anything else is ignored.
pub fn versions(stdout: &[u8]) -> Vec<Version> {
    serde_json::Deserializer::from_slice(stdout)
        .into_iter::<Value>()
        .map_while(Result::ok)
        .flat_map(crate::preview::objects)
        .filter_map(|object| {
            let (kind, namespace, name) = crate::preview::object_key(&object);
            let resource_version = object
                .pointer("/metadata/resourceVersion")
                .and_then(Value::as_str)?
                .to_string();
            (!kind.is_empty() && kind != "Status").then_some(Version {
                kind,
                namespace,
                name,
                resource_version,
            })
        })
        .collect()
}

/// The journal line for a run, or `None` when the run sent no change to the cluster.
pub fn entry(report: &Report, unix_seconds: u64, id: u64) -> Option<Entry> {
    if !attempted(report) {
        return None;
    }
    let operations = report.operations.iter().map(operation_entry).collect();
    Some(Entry {
        id: Some(id),
        time: rfc3339(unix_seconds),
        request: crate::output::masked_request(&report.request),
        source: serde_json::to_value(&report.source).unwrap_or_default(),
        context: report.context.clone(),
        namespace: report.namespace.clone(),
        status: report.status.to_string(),
        operations,
    })
}

fn operation_entry(op: &OperationReport) -> OperationEntry {
    let applied = op.kind == "change" && op.status == Status::Applied;
    let previews: Vec<&ObjectPreview> = op
        .preview
        .iter()
        .flatten()
        .filter(|p| !p.is_no_change())
        .collect();
    let objects: Vec<ObjectEntry> = if applied {
        previews
            .iter()
            .filter_map(|p| object_entry(p, &op.versions))
            .collect()
    } else {
        Vec::new()
    };
    let verb = op.operation.verb();
    let not_reversible = match op.status {
        _ if op.kind != "change" => None,
        Status::Applied | Status::Failed | Status::Unknown if verb == "exec" => Some(
            "it ran a command inside a container, and what the command did there is neither \
             recorded nor something kubectl can take back"
                .to_string(),
        ),
        Status::Applied if verb == "drain" => Some(
            "a drain evicts the node's pods, which cannot be put back as they were; \
             uncordon the node to let pods run there again"
                .to_string(),
        ),
        Status::Applied => None,
        Status::Failed | Status::Unknown if previews.len() > 1 => Some(format!(
            "it did not finish ({}), and which of its {} objects it changed is not recorded",
            serde_json::to_value(op.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            previews.len()
        )),
        Status::Unknown => Some(
            "the connection was lost during the change, so whether it was applied is not known"
                .to_string(),
        ),
        _ => None,
    };
    OperationEntry {
        summary: op.summary.clone(),
        equivalent_command: op.equivalent_command.clone(),
        status: serde_json::to_value(op.status).unwrap_or_default(),
        exit_code: op.exit_code,
        op: Some(verb.to_string()),
        objects,
        not_reversible,
    }
}

/// One changed object: its identity, the change, its states (unless any value
/// in them is masked) and its version after the change.
fn object_entry(preview: &ObjectPreview, versions: &[Version]) -> Option<ObjectEntry> {
    let reference = preview.after.as_ref().or(preview.before.as_ref())?;
    let text = |p: &str| {
        reference
            .pointer(p)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let (kind, name) = (text("/kind"), text("/metadata/name"));
    let namespace = Some(text("/metadata/namespace"))
        .filter(|ns| !ns.is_empty())
        .or_else(|| preview.namespace.clone());
    let change = match (&preview.before, &preview.after) {
        (None, _) => Change::Create,
        (_, None) => Change::Delete,
        _ => Change::Update,
    };
    let resource_version = versions
        .iter()
        .find(|v| {
            v.kind == kind
                && v.name == name
                && (v.namespace.is_empty() || Some(&v.namespace) == namespace.as_ref())
        })
        .map(|v| v.resource_version.clone());
    let secret = kind == "Secret"
        || preview
            .before
            .as_ref()
            .is_some_and(crate::plan::restore::holds_masked)
        || preview
            .after
            .as_ref()
            .is_some_and(crate::plan::restore::holds_masked);
    let not_reversible = if kind == "Kubeconfig" {
        None
    } else if secret && change != Change::Create {
        Some(HOLDS_SECRETS.to_string())
    } else if crate::plan::kinds::lookup(&kind).is_none() {
        Some(format!("kubectl-ai does not know the kind {kind}"))
    } else if change == Change::Delete && kind == "Namespace" {
        Some(
            "deleting a namespace deletes everything in it, and only the namespace was recorded"
                .to_string(),
        )
    } else if change != Change::Delete && resource_version.is_none() {
        Some("its resourceVersion after the change is not known".to_string())
    } else {
        None
    };
    let (before, after) = if secret {
        (None, None)
    } else {
        (preview.before.clone(), preview.after.clone())
    };
    Some(ObjectEntry {
        object: preview.object.clone(),
        api_version: text("/apiVersion"),
        kind,
        name,
        namespace,
        change,
        before,
        after,
        resource_version,
        not_reversible,
    })
}

/// Appends the run to the journal; a failure is reported on stderr and otherwise ignored.
fn record(report: &Report, setting: Option<&str>) {
    let Some(path) = path(setting) else { return };
    if !attempted(report) {
        return;
    }
    let seconds = now();
    let written = append_numbered(&path, seconds, |id| {
        entry(report, seconds, id)
            .map(|line| serde_json::to_string(&line))
            .transpose()
    });
    if let Err(e) = written {
        eprintln!(
            "warning: could not write the journal {} ({e}); set KUBECTL_AI_JOURNAL to another file, or to off",
            path.display()
        );
    }
}

/// Why a change journaled ahead has no outcome: the run ended before it said.
pub const CUT_OFF: &str = "the run was ended while this change was being sent, before it could say \
     how it ended: it may or may not have been applied; check the object with kubectl";

/// A run journaled ahead of its apply ([`begin`]), to be finished with its outcome.
#[must_use = "finish the run with its outcome, or its early line says `unknown` for ever"]
#[derive(Debug)]
pub struct Pending {
    /// The journal and the run's number; `None` when nothing was written ahead.
    written: Option<(PathBuf, u64)>,
    setting: Option<String>,
}

/// Journals `preview` (a plan previewed and consented, about to be applied)
/// ahead of its apply: one line, status `unknown`, each change to be sent
/// `unknown` with [`CUT_OFF`] as the reason it cannot be undone. A failure to
/// write is a warning, as for [`record`]; the run is then journaled when it ends.
pub fn begin(preview: &Report, setting: Option<&str>) -> Pending {
    let pending = |written| Pending {
        written,
        setting: setting.map(str::to_string),
    };
    let Some(path) = path(setting) else {
        return pending(None);
    };
    let mut report = preview.clone();
    report.dry_run = false;
    report.status = "unknown";
    let mut sending = false;
    for op in report
        .operations
        .iter_mut()
        .filter(|op| op.kind == "change")
    {
        if matches!(op.status, Status::Previewed | Status::NotAttempted) {
            op.status = Status::Unknown;
            sending = true;
        }
    }
    if !sending {
        return pending(None);
    }
    let seconds = now();
    let mut id = None;
    let written = append_numbered(&path, seconds, |next| {
        id = Some(next);
        entry(&report, seconds, next)
            .map(|mut line| {
                for op in line
                    .operations
                    .iter_mut()
                    .filter(|op| op.status == "unknown")
                {
                    op.not_reversible = Some(CUT_OFF.to_string());
                }
                serde_json::to_string(&line)
            })
            .transpose()
    });
    match (written, id) {
        (Ok(()), Some(id)) => pending(Some((path, id))),
        (Ok(()), None) => pending(None),
        (Err(e), _) => {
            eprintln!(
                "warning: could not write the journal {} ({e}); set KUBECTL_AI_JOURNAL to another file, or to off",
                path.display()
            );
            pending(None)
        }
    }
}

impl Pending {
    /// The run's number in the journal, when it was journaled ahead.
    pub fn id(&self) -> Option<u64> {
        self.written.as_ref().map(|(_, id)| *id)
    }

    /// Journals how the run ended, under the number it was journaled ahead
    /// with: the early line is replaced (one line per run stays in the file;
    /// when the file cannot be rewritten, the line is appended, and readers
    /// keep the last line of a number); when it sent nothing after all, the
    /// early line is taken out. Journaled normally when nothing was written ahead.
    pub fn finish(self, report: &Report) {
        let Some((path, id)) = self.written else {
            record(report, self.setting.as_deref());
            return;
        };
        let written = entry(report, now(), id)
            .map(|line| serde_json::to_string(&line))
            .transpose()
            .map_err(std::io::Error::other)
            .and_then(|line| {
                let _turn = lock(&path);
                let rewritten = read(&path).and_then(|journal| match (&line, journal.get(id)) {
                    (Some(line), None) => append(&path, line),
                    (None, None) => Ok(()),
                    (line, Some(_)) => replace(&path, &journal, id, line.as_deref()),
                });
                match (rewritten, &line) {
                    (Err(_), Some(line)) => append(&path, line),
                    (result, _) => result,
                }
            });
        if let Err(e) = written {
            eprintln!(
                "warning: could not finish run {id} in the journal {} ({e}); it says `unknown` there",
                path.display()
            );
        }
    }
}

/// Rewrites the journal with run `id`'s line replaced by `line`, or without it.
fn replace(path: &Path, journal: &Journal, id: u64, line: Option<&str>) -> std::io::Result<()> {
    let kept: Vec<String> = journal
        .entries
        .iter()
        .zip(&journal.lines)
        .filter_map(|(e, kept)| match (e.id == Some(id), line) {
            (false, _) => Some(kept.clone()),
            (true, line) => line.map(str::to_string),
        })
        .collect();
    rewrite(path, &kept)
}

/// Appends the line `line(id)` makes for the next run number, after pruning
/// what is due; two runs ending at once take turns, so each gets its own number.
fn append_numbered(
    path: &Path,
    now: u64,
    line: impl FnOnce(u64) -> serde_json::Result<Option<String>>,
) -> std::io::Result<()> {
    let _turn = lock(path);
    let journal = read(path)?;
    let Some(line) = line(journal.next_id()).map_err(std::io::Error::other)? else {
        return Ok(());
    };
    prune(path, &journal, now)?;
    append(path, &line)
}

/// Holds an exclusive lock on a file beside the journal until dropped; `None`
/// where locks are not available (the append is still whole, only the run
/// numbers of two simultaneous runs could then coincide).
fn lock(path: &Path) -> Option<std::fs::File> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let file = private_file(&path.with_file_name(format!(".{name}.lock")), true).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        // SAFETY: flock only acts on the descriptor, which `file` keeps open.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return None;
        }
    }
    Some(file)
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Whether a change was applied, or an apply was sent and failed (a failed preview
/// sent nothing: its operation has no exit code, since no apply ran).
fn attempted(report: &Report) -> bool {
    !report.dry_run
        && report.operations.iter().any(|op| {
            op.kind == "change"
                && match op.status {
                    Status::Applied | Status::Unknown => true,
                    Status::Failed => op.exit_code.is_some(),
                    _ => false,
                }
        })
}

/// The journal as read: its entries (oldest first) and how many lines could not be read.
#[derive(Debug, Default)]
pub struct Journal {
    pub entries: Vec<Entry>,
    /// Lines that are not entries (a line cut short by a crash, say): skipped.
    pub skipped: usize,
    /// The file's size in bytes.
    pub bytes: u64,
    /// Each entry's line as written, kept whole by pruning.
    lines: Vec<String>,
}

impl Journal {
    /// The number the next run gets.
    pub fn next_id(&self) -> u64 {
        self.entries.iter().filter_map(|e| e.id).max().unwrap_or(0) + 1
    }

    /// The run numbered `id`.
    pub fn get(&self, id: u64) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == Some(id))
    }
}

/// Reads the journal; a missing file is an empty journal, and lines that are not
/// entries (a crash's truncated last line) are skipped without losing the others.
pub fn read(path: &Path) -> std::io::Result<Journal> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Journal::default()),
        Err(e) => return Err(e),
    };
    let mut journal = Journal {
        bytes: bytes.len() as u64,
        ..Journal::default()
    };
    for line in bytes.split(|b| *b == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Entry>(line) {
            Ok(entry) => {
                let line = String::from_utf8_lossy(line).into_owned();
                // A run journaled ahead, then finished: the later line says how it ended.
                let earlier = entry
                    .id
                    .and_then(|id| journal.entries.iter().position(|e| e.id == Some(id)));
                match earlier {
                    Some(at) => {
                        journal.entries[at] = entry;
                        journal.lines[at] = line;
                    }
                    None => {
                        journal.entries.push(entry);
                        journal.lines.push(line);
                    }
                }
            }
            Err(_) => journal.skipped += 1,
        }
    }
    Ok(journal)
}

/// Drops entries older than [`MAX_AGE_DAYS`], and the oldest ones while the file is
/// past [`MAX_BYTES`] (down to half of it), by writing the kept lines to a new
/// file and renaming it over the journal. Nothing is rewritten when nothing is due.
fn prune(path: &Path, journal: &Journal, now: u64) -> std::io::Result<()> {
    prune_with(path, journal, now, MAX_AGE_DAYS * 86_400, MAX_BYTES)
}

fn prune_with(
    path: &Path,
    journal: &Journal,
    now: u64,
    max_age: u64,
    max_bytes: u64,
) -> std::io::Result<()> {
    let old = |e: &Entry| parse_rfc3339(&e.time).is_some_and(|t| t.saturating_add(max_age) < now);
    let too_old = journal.entries.first().is_some_and(old);
    if !too_old && journal.bytes <= max_bytes {
        return Ok(());
    }
    let mut kept: Vec<String> = Vec::new();
    let mut size = 0u64;
    let entries = journal.entries.iter().zip(&journal.lines).rev();
    for (_, line) in entries.filter(|(e, _)| !old(e)) {
        size += line.len() as u64 + 1;
        if journal.bytes > max_bytes && size > max_bytes / 2 {
            break;
        }
        kept.push(line.clone());
    }
    kept.reverse();
    rewrite(path, &kept)
}

/// Replaces the journal with these lines: a complete copy renamed over it.
fn rewrite(path: &Path, kept: &[String]) -> std::io::Result<()> {
    let mut text = kept.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    let name = path
        .file_name()
        .map_or_else(|| "journal".into(), |n| n.to_string_lossy().into_owned());
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let written = private_file(&temporary, false)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// Opens (creating when missing: the folder 0700, the file 0600) for appending or
/// writing; a file left readable by others by an older version is narrowed to its owner.
fn private_file(path: &Path, append: bool) -> std::io::Result<std::fs::File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    if append {
        options.create(true).append(true).read(true);
    } else {
        options.create(true).write(true).truncate(true);
    }
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata()?.permissions().mode();
        if mode & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(mode & 0o700))?;
        }
    }
    Ok(file)
}

/// Appends one line with one `write`, on a line of its own: after a line a
/// crash cut short, a newline first, so the new entry stays whole.
fn append(path: &Path, line: &str) -> std::io::Result<()> {
    let mut file = private_file(path, true)?;
    let len = file.metadata()?.len();
    let mut text = String::with_capacity(line.len() + 2);
    if len > 0 {
        let mut last = [0u8; 1];
        file.seek(std::io::SeekFrom::Start(len - 1))?;
        file.read_exact(&mut last)?;
        if last[0] != b'\n' {
            text.push('\n');
        }
    }
    text.push_str(line);
    text.push('\n');
    file.write_all(text.as_bytes())
}

/// `2026-12-02T03:08:28Z`: RFC 3339 in UTC, from seconds since the Unix epoch.
pub fn rfc3339(unix_seconds: u64) -> String {
    let secs = i64::try_from(unix_seconds).unwrap_or(i64::MAX);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Year, month, day from days since 1970-01-01 (Howard Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Seconds since the epoch of a time as the journal writes it (`…Z`); `None` for anything else.
pub fn parse_rfc3339(time: &str) -> Option<u64> {
    let b = time.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[19] != b'Z' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| time.get(range)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + hh * 3600 + mm * 60 + ss).ok()
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
        for t in [0, 951_782_400, 1_796_180_908, 4_107_542_399] {
            assert_eq!(parse_rfc3339(&rfc3339(t)), Some(t));
        }
        assert_eq!(parse_rfc3339("2026-13-02T03:08:28Z"), None);
        assert_eq!(parse_rfc3339("yesterday"), None);
    }

    fn line(id: u64, time: &str) -> String {
        format!(
            r#"{{"id":{id},"time":"{time}","request":"r{id}","source":{{"kind":"rules"}},"status":"ok","operations":[]}}"#
        )
    }

    #[test]
    fn a_truncated_last_line_loses_nothing_before_it_and_the_next_append_stays_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j").join("journal.jsonl");
        append(&path, &line(1, "2026-12-01T00:00:00Z")).unwrap();
        let cut = line(2, "2026-12-01T00:00:01Z");
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(&cut[..cut.len() / 2]);
        std::fs::write(&path, text).unwrap();
        let journal = read(&path).unwrap();
        assert_eq!(journal.entries.len(), 1);
        assert_eq!(journal.skipped, 1);
        assert_eq!(journal.next_id(), 2);
        append(&path, &line(2, "2026-12-01T00:00:02Z")).unwrap();
        let journal = read(&path).unwrap();
        let ids: Vec<_> = journal.entries.iter().map(|e| e.id).collect();
        assert_eq!(ids, [Some(1), Some(2)]);
    }

    #[test]
    fn a_run_journaled_ahead_is_read_as_its_last_line_or_taken_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let ahead = |id: u64| line(id, "2026-12-01T00:00:00Z").replace(r#""ok""#, r#""unknown""#);
        append(&path, &line(1, "2026-12-01T00:00:00Z")).unwrap();
        append(&path, &ahead(2)).unwrap();
        append(&path, &line(3, "2026-12-01T00:00:01Z")).unwrap();
        let journal = read(&path).unwrap();
        assert_eq!(journal.get(2).unwrap().status, "unknown");
        // Run 2 ends after run 3 started: its number and place stay, its last line is read.
        append(&path, &line(2, "2026-12-01T00:00:02Z")).unwrap();
        let journal = read(&path).unwrap();
        let ids: Vec<_> = journal.entries.iter().map(|e| e.id).collect();
        assert_eq!(ids, [Some(1), Some(2), Some(3)]);
        assert_eq!(journal.get(2).unwrap().status, "ok");
        assert_eq!(journal.get(2).unwrap().time, "2026-12-01T00:00:02Z");
        assert_eq!(journal.next_id(), 4);
        // A run that sent nothing after all is taken out.
        append(&path, &ahead(4)).unwrap();
        replace(&path, &read(&path).unwrap(), 4, None).unwrap();
        let journal = read(&path).unwrap();
        assert!(journal.get(4).is_none());
        assert_eq!(journal.entries.len(), 3);
        // A finished run's line replaces its early one in place: one line per run.
        append(&path, &ahead(4)).unwrap();
        append(&path, &line(5, "2026-12-01T00:00:05Z")).unwrap();
        let finished = line(4, "2026-12-01T00:00:06Z");
        replace(&path, &read(&path).unwrap(), 4, Some(&finished)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5, "{text}");
        assert_eq!(lines[3], finished);
        assert_eq!(read(&path).unwrap().get(4).unwrap().status, "ok");
    }

    #[test]
    fn old_and_oversized_entries_are_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        for (id, time) in [
            (1, "2026-01-01T00:00:00Z"),
            (2, "2026-11-30T00:00:00Z"),
            (3, "2026-12-01T00:00:00Z"),
        ] {
            append(&path, &line(id, time)).unwrap();
        }
        let now = parse_rfc3339("2026-12-02T00:00:00Z").unwrap();
        // By age: the January run goes.
        prune_with(&path, &read(&path).unwrap(), now, 90 * 86_400, MAX_BYTES).unwrap();
        let ids: Vec<_> = read(&path).unwrap().entries.iter().map(|e| e.id).collect();
        assert_eq!(ids, [Some(2), Some(3)]);
        // By size: past the limit, the newest entries that fit in half of it stay.
        append(&path, &line(4, "2026-12-01T00:00:04Z")).unwrap();
        let journal = read(&path).unwrap();
        prune_with(&path, &journal, now, 90 * 86_400, journal.bytes).unwrap();
        assert_eq!(read(&path).unwrap().entries.len(), 3, "not past the limit");
        prune_with(&path, &journal, now, 90 * 86_400, journal.bytes - 1).unwrap();
        let ids: Vec<_> = read(&path).unwrap().entries.iter().map(|e| e.id).collect();
        assert_eq!(ids, [Some(4)]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn runs_ending_at_once_get_their_own_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let now = parse_rfc3339("2026-12-01T00:00:00Z").unwrap();
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    append_numbered(&path, now, |id| {
                        // Between reading the journal and writing to it, as a slow run would be.
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        Ok(Some(line(id, "2026-12-01T00:00:00Z")))
                    })
                    .unwrap();
                });
            }
        });
        let mut ids: Vec<_> = read(&path).unwrap().entries.iter().map(|e| e.id).collect();
        ids.sort();
        assert_eq!(ids, (1..=8).map(Some).collect::<Vec<_>>());
    }

    #[test]
    fn versions_come_from_any_json_kubectl_prints() {
        let out = br#"{"kind":"Deployment","metadata":{"name":"web","namespace":"shop","resourceVersion":"12"}}
{"kind":"List","items":[{"kind":"Pod","metadata":{"name":"p","namespace":"shop","resourceVersion":"13"}}]}
{"kind":"Status","metadata":{"resourceVersion":"1"}}"#;
        let found = versions(out);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].resource_version, "12");
        assert_eq!(found[1].name, "p");
        assert!(versions(b"deployment.apps/web scaled").is_empty());
    }
}
