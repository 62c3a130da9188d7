//! The report of a run, for people (a terminal) and for scripts (`--json`).
//!
//! One [`Report`] describes everything a run did: where the plan came from, and for
//! each operation its equivalent command, the argv actually run, its preview and
//! its outcome. `--json` prints it as one versioned document on stdout; people get
//! the same facts rendered as text. Cluster and model text is sanitized before it
//! reaches a terminal, and secret material was masked before it got here.

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

pub use crate::llm::Usage;
use crate::plan::Operation;
use crate::preview::{ObjectPreview, colorize};

/// Bumped whenever a field changes meaning or disappears (additions keep the version).
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    /// The sentence as typed, when there was one; credentials in it are masked
    /// wherever it is written (this document, the journal).
    #[serde(serialize_with = "masked_request_field")]
    pub request: Option<String>,
    pub source: Source,
    pub context: Option<String>,
    pub namespace: Option<String>,
    pub dry_run: bool,
    /// ok | previewed | no-change | declined | failed | interrupted | explained
    pub status: &'static str,
    pub operations: Vec<OperationReport>,
    /// Token usage when a model produced the plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// The reads the model asked for before it planned (step, command, ok).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<crate::diagnose::evidence::Gathered>,
}

/// Where the plan came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    Rules,
    Model {
        model: String,
    },
    PlanFile {
        path: String,
    },
    Diagnose,
    /// `kubectl ai undo`: the plan that takes a journaled run back.
    Undo {
        run: u64,
    },
    Mcp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// A read that ran.
    Read,
    Applied,
    NoChange,
    Declined,
    Failed,
    /// The request may or may not have reached the cluster (the connection dropped).
    Unknown,
    NotAttempted,
    /// Shown and not applied (`--dry-run`).
    Previewed,
    /// Planned only (`--explain`).
    Planned,
}

#[derive(Debug, Clone, Serialize)]
pub struct OperationReport {
    pub summary: String,
    /// read | change
    pub kind: &'static str,
    pub operation: Operation,
    /// What a person would type, beginning with `kubectl `.
    pub equivalent_command: String,
    /// The argv run for the apply (or the read), without `kubectl`, secrets masked.
    pub argv: Vec<String>,
    /// One entry per affected object: normalized before/after and the unified diff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview: Option<Vec<ObjectPreview>>,
    /// Text the dry run printed where it prints no objects (drain).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview_text: Option<String>,
    pub status: Status,
    pub exit_code: Option<i32>,
    pub stdout: Option<String>,
    pub stderr: Option<String>,
    /// The `resourceVersion` of each object the apply wrote, for the journal (not printed).
    #[serde(skip)]
    pub versions: Vec<crate::journal::Version>,
}

/// The request as it may be shown or recorded: `password=hunter2` → `password=***`.
pub fn masked_request(request: &Option<String>) -> Option<String> {
    request.as_deref().map(crate::redact::mask)
}

fn masked_request_field<S: serde::Serializer>(
    request: &Option<String>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    masked_request(request).serialize(serializer)
}

impl Report {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
            + "\n"
    }
}

/// Set once a JSON document has been sent to stdout: with `--json`, main prints an
/// error document only when nothing was printed, so stdout holds exactly one.
static DOCUMENT_WRITTEN: AtomicBool = AtomicBool::new(false);

/// Records that a JSON document is being written to stdout. Every document goes
/// through [`crate::shown::json`], which calls this.
pub fn mark_document_written() {
    DOCUMENT_WRITTEN.store(true, Ordering::SeqCst);
}

/// Whether a JSON document was (or began to be) written to stdout.
pub fn document_written() -> bool {
    DOCUMENT_WRITTEN.load(Ordering::SeqCst)
}

/// An error and its causes on one line (`outer: inner`), leaving out a cause
/// that only repeats the text before it (an error wrapped to pick an exit code).
pub fn error_text(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// The `--json` document for a run that ended before it had a report to print:
/// `{"schema_version", "status": "error", "exit_code", "error"}`, secrets masked.
pub fn error_document(message: &str, exit_code: u8) -> String {
    let document = serde_json::json!({
        "schema_version": SCHEMA_VERSION,
        "status": "error",
        "exit_code": exit_code,
        "error": crate::redact::mask(message.trim_end()),
    });
    serde_json::to_string_pretty(&document).unwrap_or_default() + "\n"
}

impl Source {
    /// Where the plan came from, in words: "the offline rules", "the model gpt-4.1-mini".
    pub fn describe(&self) -> String {
        match self {
            Source::Rules => "the offline rules".to_string(),
            Source::Model { model } => format!("the model {}", sanitize(model)),
            Source::PlanFile { path } => format!("the plan file {path}"),
            Source::Diagnose => "diagnose".to_string(),
            Source::Undo { run } => format!("the undo of run {run}"),
            Source::Mcp => "an MCP client".to_string(),
        }
    }
}

/// Removes terminal escape sequences and control characters from text that came
/// from outside (cluster, model), keeping newlines and tabs.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.peek() {
                // CSI: ESC [ parameters… final byte in @..~
                Some('[') => {
                    chars.next();
                    for c in chars.by_ref() {
                        if ('@'..='~').contains(&c) {
                            break;
                        }
                    }
                }
                // OSC, DCS, PM, APC, SOS: until BEL or ESC \
                Some(']' | 'P' | '^' | '_' | 'X') => {
                    chars.next();
                    while let Some(c) = chars.next() {
                        if c == '\u{7}' {
                            break;
                        }
                        if c == '\u{1b}' && chars.peek() == Some(&'\\') {
                            chars.next();
                            break;
                        }
                    }
                }
                _ => {
                    chars.next();
                }
            },
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            // Bidirectional overrides can reorder or hide text.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The preview of one change, for people: its summary, equivalent command and diff.
pub fn human_preview(index: usize, op: &OperationReport, color: bool, quiet: bool) -> String {
    let mut out = String::new();
    let bold = |s: &str| {
        if color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    out.push_str(&bold(&format!("{}. {}", index + 1, sanitize(&op.summary))));
    out.push('\n');
    if quiet {
        return out;
    }
    out.push_str(&format!("   {}\n", op.equivalent_command));
    for preview in op.preview.iter().flatten() {
        let diff = sanitize(&preview.diff);
        if preview.is_no_change() {
            out.push_str(&format!("   no change to {}\n", preview.object));
        } else if color {
            out.push_str(&colorize(&diff));
        } else {
            out.push_str(&diff);
        }
    }
    if let Some(text) = &op.preview_text {
        for line in sanitize(text).lines() {
            out.push_str(&format!("   {line}\n"));
        }
    }
    out
}

/// One line per operation saying what happened to it.
pub fn human_outcome(index: usize, op: &OperationReport, color: bool) -> String {
    let (word, paint) = match op.status {
        Status::Applied => ("applied", "\x1b[32m"),
        Status::NoChange => ("no change", "\x1b[2m"),
        Status::Failed => ("failed", "\x1b[31m"),
        Status::Unknown => ("unknown", "\x1b[31m"),
        Status::NotAttempted => ("not attempted", "\x1b[33m"),
        Status::Declined => ("declined", "\x1b[33m"),
        Status::Previewed => ("previewed, not applied", "\x1b[2m"),
        Status::Planned => ("planned", "\x1b[2m"),
        Status::Read => ("read", ""),
    };
    let word = if color && !paint.is_empty() {
        format!("{paint}{word}\x1b[0m")
    } else {
        word.to_string()
    };
    let mut line = format!("{}. {word}: {}\n", index + 1, sanitize(&op.summary));
    if let Some(stderr) = op
        .stderr
        .as_deref()
        .filter(|s| matches!(op.status, Status::Failed | Status::Unknown) && !s.trim().is_empty())
    {
        for l in sanitize(stderr).lines() {
            line.push_str(&format!("   {l}\n"));
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_text_leaves_out_a_cause_that_repeats_its_parent() {
        let inner = anyhow::anyhow!("deployment nosuch not found");
        let err = inner.context(crate::exit::UserError::Usage(
            "deployment nosuch not found".into(),
        ));
        assert_eq!(error_text(&err), "deployment nosuch not found");
        let err = anyhow::anyhow!("inner").context("outer");
        assert_eq!(error_text(&err), "outer: inner");
    }

    #[test]
    fn the_error_document_is_one_masked_json_object() {
        let text = error_document("bad OPENAI_API_KEY=sk-abcdefghijklmnopqrstuvwx\n", 2);
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["status"], "error");
        assert_eq!(doc["exit_code"], 2);
        assert_eq!(doc["schema_version"], SCHEMA_VERSION);
        assert!(
            !doc["error"].as_str().unwrap().contains("sk-abcdef"),
            "{doc}"
        );
    }

    #[test]
    fn sanitize_strips_escape_sequences_and_controls() {
        assert_eq!(sanitize("a\x1b[31mred\x1b[0m b"), "ared b");
        assert_eq!(sanitize("x\x1b]0;title\x07y"), "xy");
        assert_eq!(
            sanitize("gnp.\u{202e}exe"),
            "gnp.exe",
            "bidi overrides reorder text"
        );
        assert_eq!(sanitize("bell\x07 ok\n\tnext\r"), "bell ok\n\tnext");
    }
}
