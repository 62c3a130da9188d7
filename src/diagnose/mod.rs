//! `kubectl ai diagnose`: find what is broken, say why, and offer the fix.
//!
//! The pipeline is collect → analyze → report. Collection ([`collect`]) makes a
//! fixed handful of read-only kubectl calls. Analysis is a set of pure functions
//! over the typed objects, one file per concern, each producing [`Finding`]s with
//! evidence (redacted), a likely cause and, where one exists, a suggested fix as a
//! [`Plan`] that passes validation and goes through the same preview/consent/apply
//! path as any other change. Pods of a broken workload are grouped into one
//! finding about the workload, so one bad deployment is one problem, not fifty.
//! Analyzers never guess: a model may explain the findings afterwards
//! ([`prompt`]), but it never produces them.

pub mod collect;
pub mod objects;
pub mod prompt;
pub mod report;
pub mod text;

mod events;
mod hpas;
mod index;
mod ingresses;
mod jobs;
mod nodes;
mod pods;
mod pvcs;
mod services;
mod workloads;

// The adapter for the real kubectl runner; enabled when `crate::kubectl` exists.
// mod kubectl_reader;

use std::cmp::Reverse;

use serde::Serialize;

use crate::plan::Plan;
pub use collect::{Collected, Reader};

/// What the person asked to diagnose.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiagnoseRequest {
    /// `-n NS`; `None` means the current context's namespace.
    pub namespace: Option<String>,
    /// `-A`: every namespace.
    pub all_namespaces: bool,
    /// `--target KIND/NAME`: keep only findings about this object (kind as kubectl
    /// names it, e.g. `deployment`, `svc`, `Pod`).
    pub target: Option<(String, String)>,
    /// The person's question, passed to the model when there is one.
    pub question: Option<String>,
}

/// How bad a finding is. Critical: something is down or cannot start. Warning:
/// degraded or about to break. Info: worth knowing, often intentional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// The object a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ObjectKey {
    /// The object kind as the API names it: `Deployment`, `Pod`, `Node`.
    pub kind: String,
    /// `None` for cluster-scoped objects.
    pub namespace: Option<String>,
    pub name: String,
}

impl ObjectKey {
    pub fn new(kind: &str, namespace: &str, name: &str) -> ObjectKey {
        ObjectKey {
            kind: kind.to_string(),
            namespace: (!namespace.is_empty()).then(|| namespace.to_string()),
            name: name.to_string(),
        }
    }

    pub fn of(obj: &objects::Object) -> ObjectKey {
        ObjectKey::new(&obj.kind, obj.namespace(), obj.name())
    }

    /// `deployment/web`, as kubectl would take it.
    pub fn display(&self) -> String {
        format!("{}/{}", self.kind.to_ascii_lowercase(), self.name)
    }
}

/// A suggested change: a summary and the plan that makes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fix {
    pub summary: String,
    pub plan: Plan,
}

/// One problem, with what shows it, why it likely happens and what would fix it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// A stable identifier of the check that produced this, e.g. `pod.crash_loop`.
    pub check: &'static str,
    pub severity: Severity,
    pub object: ObjectKey,
    /// One line: what is wrong.
    pub problem: String,
    /// Fields, event messages and log lines that show it (redacted, sanitized).
    pub evidence: Vec<String>,
    /// The likely cause.
    pub cause: String,
    pub fix: Option<Fix>,
    /// Other objects this finding accounts for (the pods of a workload, say); their
    /// events are not reported again.
    #[serde(skip)]
    pub related: Vec<ObjectKey>,
}

impl Finding {
    pub fn new(
        check: &'static str,
        severity: Severity,
        object: ObjectKey,
        problem: impl Into<String>,
    ) -> Finding {
        Finding {
            check,
            severity,
            object,
            problem: problem.into(),
            evidence: Vec::new(),
            cause: String::new(),
            fix: None,
            related: Vec::new(),
        }
    }

    pub fn evidence(mut self, line: impl AsRef<str>) -> Finding {
        self.push_evidence(line);
        self
    }

    /// Adds one line of evidence, cleaned (redacted, sanitized, bounded); duplicates are skipped.
    pub fn push_evidence(&mut self, line: impl AsRef<str>) {
        let line = text::clean(line.as_ref());
        if !line.is_empty() && !self.evidence.contains(&line) && self.evidence.len() < MAX_EVIDENCE
        {
            self.evidence.push(line);
        }
    }

    pub fn cause(mut self, cause: impl AsRef<str>) -> Finding {
        self.cause = text::clean(cause.as_ref());
        self
    }

    pub fn fix(mut self, fix: Option<Fix>) -> Finding {
        self.fix = fix;
        self
    }
}

/// Evidence lines kept per finding.
pub const MAX_EVIDENCE: usize = 12;

/// The result of a diagnosis.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnosis {
    /// The namespace looked at; `None` with `all_namespaces`, or for the context's default.
    pub namespace: Option<String>,
    pub all_namespaces: bool,
    /// Most severe first.
    pub findings: Vec<Finding>,
    /// How many objects of each kind were checked.
    pub checked: Vec<(&'static str, usize)>,
    /// What could not be looked at (permissions, missing APIs).
    pub notes: Vec<String>,
    /// The model's explanation, when one was asked for (see [`prompt`]).
    pub explanation: Option<prompt::Explanation>,
}

impl Diagnosis {
    /// Problems are critical or warning findings; info findings alone are healthy.
    pub fn problems(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .count()
    }

    pub fn is_healthy(&self) -> bool {
        self.problems() == 0
    }

    /// The process exit code: 0 healthy, 4 problems found (1, "diagnosis failed",
    /// belongs to the caller's error path).
    pub fn exit_code(&self) -> i32 {
        if self.is_healthy() { 0 } else { 4 }
    }
}

/// Collects, analyzes and returns the diagnosis.
pub async fn run(reader: &impl Reader, request: &DiagnoseRequest) -> anyhow::Result<Diagnosis> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let collected = collect::collect(reader, request, now).await?;
    Ok(diagnose(&collected, request))
}

/// Analyzes a collection for a request (scope and target), without any I/O.
pub fn diagnose(collected: &Collected, request: &DiagnoseRequest) -> Diagnosis {
    let mut findings = analyze(collected);
    if let Some((kind, name)) = &request.target {
        findings.retain(|f| concerns(f, kind, name));
    }
    Diagnosis {
        namespace: if request.all_namespaces {
            None
        } else {
            request.namespace.clone()
        },
        all_namespaces: request.all_namespaces,
        findings,
        checked: collected.counts(),
        notes: collected.notes.clone(),
        explanation: None,
    }
}

fn concerns(finding: &Finding, kind: &str, name: &str) -> bool {
    let wanted = crate::plan::kinds::lookup(kind).map(|k| k.kind);
    let matches = |key: &ObjectKey| {
        key.name == name && wanted.map_or(key.kind.eq_ignore_ascii_case(kind), |w| w == key.kind)
    };
    matches(&finding.object) || finding.related.iter().any(matches)
}

/// Runs every analyzer over the collection: the findings, most severe first.
pub fn analyze(collected: &Collected) -> Vec<Finding> {
    let index = index::Index::new(collected);
    let mut findings = pods::analyze(&index);
    workloads::analyze(&index, &mut findings);
    findings.extend(services::analyze(&index));
    findings.extend(pvcs::analyze(&index));
    findings.extend(jobs::analyze(&index));
    findings.extend(hpas::analyze(&index));
    findings.extend(nodes::analyze(&index));
    findings.extend(ingresses::analyze(&index));
    let leftover = events::analyze(&index, &findings);
    findings.extend(leftover);
    // A fix that would not pass validation is never offered (the finding stays).
    for finding in &mut findings {
        let invalid = finding.fix.as_ref().is_some_and(|fix| {
            crate::plan::validate::validate(&fix.plan, &Default::default()).is_err()
        });
        if invalid {
            debug_assert!(
                false,
                "invalid fix for {}: {:?}",
                finding.check, finding.fix
            );
            finding.fix = None;
        }
    }
    findings.sort_by(|a, b| {
        Reverse(a.severity)
            .cmp(&Reverse(b.severity))
            .then_with(|| a.object.cmp(&b.object))
            .then_with(|| a.check.cmp(b.check))
    });
    findings
}
