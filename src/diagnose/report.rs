//! Rendering a diagnosis: a short human report and a versioned JSON document.
//!
//! Human: one summary line ("3 problems in shop: …"), then the findings by
//! severity with evidence, cause and the suggested fix; a healthy scope is one
//! line. Every piece of text is sanitized again here (no escape sequence from the
//! cluster or a model reaches the terminal), and color is used only when asked.
//! JSON: see the README's Diagnose section; bump [`SCHEMA_VERSION`] on any
//! incompatible change.

use serde_json::{Value, json};

use super::text::sanitize;
use super::{Diagnosis, Finding, Severity};

pub const SCHEMA_VERSION: u32 = 1;

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\u{1b}[{code}m{text}\u{1b}[0m")
        } else {
            text.to_string()
        }
    }

    fn severity(&self, s: Severity) -> String {
        let label = format!("{:<8}", s.as_str().to_ascii_uppercase());
        match s {
            Severity::Critical => self.wrap("1;31", &label),
            Severity::Warning => self.wrap("1;33", &label),
            Severity::Info => self.wrap("1;34", &label),
        }
    }
}

/// Where the diagnosis looked, for sentences: "in shop", "in all namespaces".
pub fn scope(d: &Diagnosis) -> String {
    if d.all_namespaces {
        "in all namespaces".into()
    } else if let Some(ns) = &d.namespace {
        format!("in {}", sanitize(ns))
    } else {
        "in the current namespace".into()
    }
}

fn object_label(d: &Diagnosis, f: &Finding) -> String {
    let mut label = sanitize(&f.object.display());
    if d.all_namespaces
        && let Some(ns) = &f.object.namespace
    {
        label = format!("{label} (ns {})", sanitize(ns));
    }
    label
}

/// "1 pod", "2 deployments".
fn count(kind: &str, n: usize) -> String {
    match (n, crate::plan::kinds::lookup(kind)) {
        (1, Some(info)) => format!("1 {}", info.singular),
        (1, None) if kind == "events" => "1 event".to_string(),
        _ => format!("{n} {kind}"),
    }
}

/// "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// What was looked at, said with the place: the healthy (or incomplete) line.
/// "Healthy" is said only of what was read: every kind counted, and every kind
/// that could not be read named.
fn no_problems_line(d: &Diagnosis) -> String {
    let scope = if d.all_namespaces {
        "in all namespaces".to_string()
    } else if let Some(ns) = &d.namespace {
        format!("in namespace {}", sanitize(ns))
    } else {
        "in the current namespace".to_string()
    };
    let place = match &d.target {
        // A node is not in a namespace.
        Some(t) if !is_namespaced(&t.kind) => format!("with {}", sanitize(&t.display())),
        Some(t) => format!("with {} {scope}", sanitize(&t.display())),
        None => scope,
    };
    if d.namespace_unconfirmed {
        return format!(
            "Nothing to diagnose {place}: it holds nothing diagnose could read, and whether it \
             exists could not be checked (see the note below)."
        );
    }
    let namespaced_total: usize = d
        .checked
        .iter()
        .filter(|(k, _)| super::collect::NAMESPACED_KINDS.contains(k))
        .map(|(_, n)| n)
        .sum();
    let looked: Vec<String> = d
        .checked
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| count(k, *n))
        .collect();
    let mut detail = String::new();
    if namespaced_total == 0 && !d.all_namespaces && d.target.is_none() {
        detail.push_str("it holds no pods, workloads, services, volume claims or ingresses; ");
    }
    if looked.is_empty() {
        detail.push_str("nothing else to look at");
    } else {
        detail.push_str(&format!("looked at {}", and_list(&looked)));
    }
    if !d.unread.is_empty() {
        let unread: Vec<String> = d.unread.iter().map(|k| k.to_string()).collect();
        detail.push_str(&format!(
            "; could not read {}, see the notes below",
            and_list(&unread)
        ));
    }
    let lead = if d.is_incomplete() {
        "No problems found in what could be read"
    } else {
        "No problems found"
    };
    format!("{lead} {place} ({detail}).")
}

fn is_namespaced(kind: &str) -> bool {
    crate::plan::kinds::lookup(kind).is_none_or(|k| k.namespaced)
}

/// The first line of the report.
pub fn summary_line(d: &Diagnosis) -> String {
    let problems: Vec<&Finding> = d
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .collect();
    if problems.is_empty() {
        return no_problems_line(d);
    }
    let mut named: Vec<String> = Vec::new();
    for f in &problems {
        let label = object_label(d, f);
        if !named.contains(&label) {
            named.push(label);
        }
    }
    let shown = named.len().min(3);
    let more = if named.len() > shown {
        format!(" and {} more", named.len() - shown)
    } else {
        String::new()
    };
    format!(
        "{} problem{} {}: {}{more}",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        scope(d),
        named[..shown].join(", ")
    )
}

/// The human report. `color` adds ANSI colors (decide it once: TTY, NO_COLOR).
pub fn human(d: &Diagnosis, color: bool) -> String {
    human_report(d, color, true)
}

/// The human report; `fix_hint` adds the "run again with --fix" line when a
/// problem has a fix (not when the fixes are about to be offered anyway).
pub fn human_report(d: &Diagnosis, color: bool, fix_hint: bool) -> String {
    let paint = Paint(color);
    let mut out = summary_line(d);
    out.push('\n');
    for f in &d.findings {
        out.push('\n');
        out.push_str(&format!(
            "{} {} — {}\n",
            paint.severity(f.severity),
            paint.wrap("1", &object_label(d, f)),
            sanitize(&f.problem)
        ));
        for e in &f.evidence {
            out.push_str(&format!("    · {}\n", sanitize(e)));
        }
        if !f.cause.is_empty() {
            out.push_str(&format!("  cause: {}\n", sanitize(&f.cause)));
        }
        if let Some(fix) = &f.fix {
            out.push_str(&format!(
                "  {} {}\n",
                paint.wrap("32", "fix:"),
                sanitize(&fix.summary)
            ));
        }
    }
    if fix_hint
        && d.findings
            .iter()
            .any(|f| f.fix.is_some() && f.severity >= Severity::Warning)
    {
        out.push_str(
            "\nRun again with --fix to preview the suggested fixes and choose which to apply.\n",
        );
    }
    if let Some(x) = &d.explanation {
        out.push('\n');
        out.push_str(&paint.wrap(
            "1",
            "The model's view (may be wrong; the findings above are facts):",
        ));
        out.push('\n');
        out.push_str(&format!("  {}\n", sanitize(&x.summary)));
        for r in &x.ranked {
            out.push_str(&format!(
                "  {}. [{}] {}\n",
                r.rank,
                r.finding,
                sanitize(&r.explanation)
            ));
        }
        for s in &x.next_steps {
            out.push_str(&format!("  → {}\n", sanitize(s)));
        }
        if !d.evidence.is_empty() {
            out.push_str("  Evidence the model asked for (read-only):\n");
            for g in &d.evidence {
                out.push_str(&format!(
                    "    $ {}{}\n",
                    sanitize(&g.command),
                    if g.ok { "" } else { "  (failed)" }
                ));
            }
        }
    }
    if d.explanation.is_none() && !d.evidence.is_empty() {
        out.push_str("\nEvidence the model asked for (read-only), without an explanation:\n");
        for g in &d.evidence {
            out.push_str(&format!("    $ {}\n", sanitize(&g.command)));
        }
    }
    for n in &d.notes {
        out.push_str(&format!("note: {}\n", sanitize(n)));
    }
    out
}

/// The `--json` document.
pub fn json(d: &Diagnosis) -> Value {
    let findings: Vec<Value> = d
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            json!({
                "id": i + 1,
                "check": f.check,
                "severity": f.severity.as_str(),
                "object": {
                    "kind": f.object.kind,
                    "namespace": f.object.namespace,
                    "name": f.object.name,
                },
                "problem": f.problem,
                "evidence": f.evidence,
                "cause": f.cause,
                "fix": f.fix.as_ref().map(|fix| json!({
                    "summary": fix.summary,
                    "plan": fix.plan,
                })),
            })
        })
        .collect();
    let checked: serde_json::Map<String, Value> = d
        .checked
        .iter()
        .map(|(k, n)| (k.to_string(), json!(n)))
        .collect();
    let status = if d.is_incomplete() {
        "incomplete"
    } else if d.is_healthy() {
        "healthy"
    } else {
        "problems"
    };
    json!({
        "schema_version": SCHEMA_VERSION,
        "status": status,
        "namespace": d.namespace,
        "all_namespaces": d.all_namespaces,
        "target": d.target.as_ref().map(|t| json!({
            "kind": t.kind,
            "namespace": t.namespace,
            "name": t.name,
        })),
        "summary": summary_line(d),
        "problems": d.problems(),
        "findings": findings,
        "checked": checked,
        "notes": d.notes,
        "not_read": d.unread,
        "model": d.explanation.as_ref().map(|x| {
            let mut model = json!(x);
            model["evidence"] = json!(d.evidence);
            model
        }),
    })
}
