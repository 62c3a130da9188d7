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
pub mod evidence;
pub mod objects;
pub mod prompt;
pub mod report;
pub mod scope;
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
pub mod command;
mod explain;
mod kubectl_reader;

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
    /// The namespace looked at; `None` with `all_namespaces`, or when it could
    /// not be named (no kubeconfig context: kubectl's own default).
    pub namespace: Option<String>,
    pub all_namespaces: bool,
    /// `--target`: the one object the findings are about.
    pub target: Option<ObjectKey>,
    /// Most severe first.
    pub findings: Vec<Finding>,
    /// How many objects of each kind were checked.
    pub checked: Vec<(&'static str, usize)>,
    /// What could not be looked at (permissions, missing APIs).
    pub notes: Vec<String>,
    /// The kinds that could not be read (kubectl plural names): nothing is
    /// said about them.
    pub unread: Vec<&'static str>,
    /// The namespace held nothing readable and its existence could not be checked.
    pub namespace_unconfirmed: bool,
    /// The model's explanation, when one was asked for (see [`prompt`]).
    pub explanation: Option<prompt::Explanation>,
    /// The extra reads the model asked for before explaining (see [`evidence`]).
    pub evidence: Vec<evidence::Gathered>,
    /// The literal env values of the pods looked at: masked in anything read later.
    #[serde(skip)]
    pub env_values: Vec<String>,
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

    /// No problems were found, but part of the scope could not be read (a
    /// namespaced kind or the namespace itself): "healthy" would claim more
    /// than was looked at.
    pub fn is_incomplete(&self) -> bool {
        self.is_healthy()
            && (self.namespace_unconfirmed
                || self
                    .unread
                    .iter()
                    .any(|k| collect::NAMESPACED_KINDS.contains(k)))
    }

    /// The process exit code: 0 healthy, 4 problems found (1, "diagnosis failed",
    /// belongs to the caller's error path).
    pub fn exit_code(&self) -> i32 {
        if self.is_healthy() { 0 } else { 4 }
    }
}

/// Collects, checks that the namespace and the target exist ([`scope`]),
/// analyzes and returns the diagnosis.
pub async fn run(reader: &impl Reader, request: &DiagnoseRequest) -> anyhow::Result<Diagnosis> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let mut collected = collect::collect(reader, request, now).await?;
    scope::check(reader, request, &mut collected).await?;
    Ok(diagnose(&collected, request))
}

/// Analyzes a collection for a request (scope and target), without any I/O.
pub fn diagnose(collected: &Collected, request: &DiagnoseRequest) -> Diagnosis {
    let mut findings = analyze(collected);
    let env_values = scrub_env_values(collected, &mut findings);
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
        target: scope::target_key(request),
        findings,
        checked: collected.counts(),
        notes: collected.notes.clone(),
        unread: collected.unread.clone(),
        namespace_unconfirmed: collected.namespace_unconfirmed,
        explanation: None,
        evidence: Vec::new(),
        env_values,
    }
}

/// Env values are never shown or sent (invariant 6), even when a workload logs
/// its own environment: every literal env value of the pods looked at is masked
/// in the findings' text.
fn scrub_env_values(collected: &Collected, findings: &mut [Finding]) -> Vec<String> {
    let values = text::env_values(
        collected
            .pods
            .iter()
            .flat_map(|p| p.spec.containers.iter().chain(&p.spec.init_containers)),
    );
    if values.is_empty() {
        return values;
    }
    for f in findings {
        f.problem = text::scrub(&f.problem, &values);
        f.cause = text::scrub(&f.cause, &values);
        for e in &mut f.evidence {
            *e = text::scrub(e, &values);
        }
        if let Some(fix) = &mut f.fix {
            fix.summary = text::scrub(&fix.summary, &values);
        }
    }
    values
}

fn concerns(finding: &Finding, kind: &str, name: &str) -> bool {
    let wanted = crate::plan::kinds::lookup(kind).map(|k| k.kind);
    let matches = |key: &ObjectKey| {
        key.name == name && wanted.map_or(key.kind.eq_ignore_ascii_case(kind), |w| w == key.kind)
    };
    matches(&finding.object) || finding.related.iter().any(matches)
}

/// A service with no ready endpoints because every pod it selects is already
/// explained (a crashing deployment, a dead node) is not another problem: it
/// becomes evidence of the finding that explains its pods, so one broken
/// deployment is one problem and `--target svc/NAME` still finds it.
fn fold_consequences(findings: &mut Vec<Finding>) {
    let mut i = 0;
    while i < findings.len() {
        let f = &findings[i];
        let explained_by = (f.check == "service.no_ready_endpoints" && !f.related.is_empty())
            .then(|| {
                let explains = |j: usize| {
                    j != i
                        && findings[j].severity >= Severity::Warning
                        && f.related
                            .iter()
                            .all(|p| findings[j].related.contains(p) || findings[j].object == *p)
                };
                (0..findings.len()).find(|&j| explains(j))
            })
            .flatten();
        match explained_by {
            Some(j) => {
                let service = findings.remove(i);
                let target = &mut findings[if j > i { j - 1 } else { j }];
                target.push_evidence(format!(
                    "so {} has no ready endpoints ({})",
                    service.object.display(),
                    service.evidence.first().map(String::as_str).unwrap_or("")
                ));
                target.related.push(service.object);
            }
            None => i += 1,
        }
    }
}

/// The kinds whose absence a check concludes from: its findings are dropped
/// when one of them could not be read.
fn concluded_from_absence(check: &str) -> &'static [&'static str] {
    match check {
        "service.selector_no_match" | "service.no_ready_endpoints" | "service.target_port" => {
            &["pods"]
        }
        "hpa.target_missing" => &["deployments", "statefulsets", "replicasets"],
        "ingress.missing_service" | "ingress.service_port" => &["services"],
        _ => &[],
    }
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
    // A check that concludes from what is absent says nothing when that kind
    // could not be read: "matches no pods" is not known if pods were not read.
    findings.retain(|f| {
        !concluded_from_absence(f.check)
            .iter()
            .any(|kind| collected.unread.contains(kind))
    });
    fold_consequences(&mut findings);
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

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    const NOW: &str = "2024-05-01T12:00:00Z";

    fn collected(objects: Value, events: Value, cluster: Value) -> Collected {
        let list = |items: Value| serde_json::to_vec(&json!({"items": items})).unwrap();
        let mut c = Collected::from_json(&list(objects), &list(events), &list(cluster)).unwrap();
        c.now = objects::parse_time(NOW).unwrap();
        c
    }

    fn checks(findings: &[Finding]) -> Vec<&'static str> {
        findings.iter().map(|f| f.check).collect()
    }

    fn meta(name: &str) -> Value {
        json!({"name": name, "namespace": "shop", "uid": name, "creationTimestamp": "2024-05-01T10:00:00Z"})
    }

    #[test]
    fn nodes_under_pressure_and_cordoned() {
        let c = collected(
            json!([]),
            json!([]),
            json!([{"kind": "Node", "metadata": {"name": "n1"}, "spec": {"unschedulable": true},
                    "status": {"conditions": [{"type": "Ready", "status": "True"},
                                              {"type": "DiskPressure", "status": "True", "reason": "KubeletHasDiskPressure", "message": "disk 95% full"}]}}]),
        );
        let f = analyze(&c);
        assert_eq!(checks(&f), ["node.pressure", "node.cordoned"]);
        assert_eq!(f[0].object.namespace, None);
        let fix = f[1].fix.as_ref().unwrap();
        assert_eq!(
            fix.plan,
            Plan::single(crate::plan::Operation::Uncordon { node: "n1".into() })
        );
        // Cordoned alone is information, not a problem.
        let d = Diagnosis {
            namespace: None,
            all_namespaces: true,
            target: None,
            findings: vec![f[1].clone()],
            checked: vec![],
            notes: vec![],
            unread: vec![],
            namespace_unconfirmed: false,
            explanation: None,
            evidence: vec![],
            env_values: vec![],
        };
        assert_eq!(d.exit_code(), 0);
    }

    #[test]
    fn a_down_node_is_a_namespace_problem_only_when_its_pods_run_there() {
        let node = json!({"kind": "Node", "metadata": {"name": "n2"}, "status": {"conditions": [
            {"type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown", "message": "Kubelet stopped posting node status."},
            {"type": "MemoryPressure", "status": "True", "reason": "KubeletHasInsufficientMemory", "message": "low"}]}});
        let pod = |node: &str| {
            json!({"kind": "Pod", "metadata": {"name": "web-1", "namespace": "shop", "labels": {"app": "web"}},
                   "spec": {"nodeName": node},
                   "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}],
                              "containerStatuses": [{"name": "c", "ready": false, "state": {"running": {}}}]}})
        };
        let svc = json!({"kind": "Service", "metadata": meta("web"), "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}});
        // Elsewhere: information, and shop is healthy.
        let mut c = collected(json!([pod("n1")]), json!([]), json!([node.clone()]));
        c.namespace_scoped = true;
        let f = analyze(&c);
        assert_eq!(checks(&f), ["node.not_ready"]);
        assert_eq!(f[0].severity, Severity::Info);
        // Hosting shop's pod: the problem, the pressure folded in, and the service
        // left without endpoints is evidence of it, not a second problem.
        let mut c = collected(json!([pod("n2"), svc]), json!([]), json!([node]));
        c.namespace_scoped = true;
        let f = analyze(&c);
        assert_eq!(checks(&f), ["node.not_ready"], "{f:#?}");
        assert_eq!(f[0].severity, Severity::Critical);
        let evidence = f[0].evidence.join("\n");
        assert!(evidence.contains("MemoryPressure=True"), "{evidence}");
        assert!(evidence.contains("1 pod on it: web-1"), "{evidence}");
        assert!(
            evidence.contains("service/web has no ready endpoints"),
            "{evidence}"
        );
        assert!(
            concerns(&f[0], "svc", "web"),
            "--target svc/web still finds it"
        );
    }

    #[test]
    fn hpa_pinned_at_max_offers_a_higher_max() {
        let c = collected(
            json!([{"kind": "Deployment", "metadata": meta("web"), "spec": {"replicas": 5},
                    "status": {"availableReplicas": 5}},
                   {"kind": "HorizontalPodAutoscaler", "metadata": meta("web"),
                    "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "maxReplicas": 5},
                    "status": {"currentReplicas": 5, "desiredReplicas": 9, "conditions": [
                        {"type": "ScalingLimited", "status": "True", "reason": "TooManyReplicas", "message": "the desired replica count is more than the maximum replica count"}]}},
                   {"kind": "HorizontalPodAutoscaler", "metadata": meta("ghost"),
                    "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "gone"}, "maxReplicas": 3}}]),
            json!([]),
            json!([]),
        );
        let f = analyze(&c);
        assert_eq!(checks(&f), ["hpa.target_missing", "hpa.at_max"]);
        let plan = serde_json::to_value(&f[1].fix.as_ref().unwrap().plan).unwrap();
        assert_eq!(
            plan["operations"][0]["patch"],
            json!({"spec": {"maxReplicas": 10}})
        );
    }

    #[test]
    fn services_with_unexposed_target_ports() {
        let pod = json!({"kind": "Pod", "metadata": {"name": "api-1", "namespace": "shop", "labels": {"app": "api"}},
            "spec": {"containers": [{"name": "api", "ports": [{"containerPort": 8080}]}]},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
                       "containerStatuses": [{"name": "api", "ready": true, "state": {"running": {}}}]}});
        let c = collected(
            json!([pod, {"kind": "Service", "metadata": meta("api"),
                         "spec": {"selector": {"app": "api"}, "ports": [{"port": 80, "targetPort": 9000}]}},
                   {"kind": "Endpoints", "metadata": meta("api"), "subsets": [{"addresses": [{"ip": "10.0.0.1"}]}]}]),
            json!([]),
            json!([]),
        );
        let f = analyze(&c);
        assert_eq!(checks(&f), ["service.target_port"]);
        assert!(f[0].problem.contains("targetPort 9000"), "{}", f[0].problem);
        assert!(f[0].evidence[0].contains("8080"));
    }

    #[test]
    fn evicted_pods_and_failed_creates_and_daemonsets() {
        let c = collected(
            json!([
                {"kind": "Pod", "metadata": meta("batch-1"),
                 "status": {"phase": "Failed", "reason": "Evicted", "message": "The node was low on resource: memory."}},
                {"kind": "Deployment", "metadata": meta("api"), "spec": {"replicas": 2}, "status": {"availableReplicas": 0}},
                {"kind": "ReplicaSet", "metadata": {"name": "api-1", "namespace": "shop",
                    "ownerReferences": [{"kind": "Deployment", "name": "api", "controller": true}]},
                 "spec": {"replicas": 2}, "status": {"replicas": 0}},
                {"kind": "DaemonSet", "metadata": meta("agent"), "status": {"desiredNumberScheduled": 3, "numberAvailable": 1}}
            ]),
            json!([{"involvedObject": {"kind": "ReplicaSet", "name": "api-1", "namespace": "shop"}, "type": "Warning",
                    "reason": "FailedCreate", "message": "pods \"api-1-x\" is forbidden: exceeded quota: compute, requested: cpu=2, used: cpu=8, limited: cpu=8",
                    "lastTimestamp": "2024-05-01T11:59:00Z", "count": 9}]),
            json!([]),
        );
        let f = analyze(&c);
        assert_eq!(
            checks(&f),
            [
                "replicaset.failed_create",
                "daemonset.unavailable",
                "pod.evicted"
            ]
        );
        assert_eq!(f[0].object.name, "api", "filed under the deployment");
        assert!(f[0].cause.contains("ResourceQuota"));
        assert!(
            f[0].evidence
                .iter()
                .any(|e| e.contains("0/2 replicas available")),
            "{:?}",
            f[0].evidence
        );
        assert!(f[2].cause.contains("memory"));
    }

    #[test]
    fn unexplained_warning_events_are_grouped() {
        let ev = |pod: &str, when: &str| {
            json!({"involvedObject": {"kind": "Pod", "name": pod, "namespace": "shop"}, "type": "Warning",
                   "reason": "FailedMount", "message": "MountVolume.SetUp failed for volume \"certs\": secret \"tls\" not found",
                   "lastTimestamp": when, "count": 4})
        };
        let running = |name: &str| {
            json!({"kind": "Pod", "metadata": meta(name), "status": {"phase": "Running",
                   "containerStatuses": [{"name": "c", "ready": true, "state": {"running": {}}}]}})
        };
        let c = collected(
            json!([running("a"), running("b")]),
            json!([ev("a", "2024-05-01T11:58:00Z"), ev("b", "2024-05-01T11:57:00Z"),
                   ev("old", "2024-04-01T00:00:00Z"),
                   {"involvedObject": {"kind": "Pod", "name": "a", "namespace": "shop"}, "type": "Normal", "reason": "Pulled"}]),
            json!([]),
        );
        let f = analyze(&c);
        assert_eq!(checks(&f), ["event.warning"]);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(f[0].problem, "8 Warning events FailedMount on 2 pods");
        assert_eq!(f[0].evidence.len(), 2, "{:?}", f[0].evidence);
    }

    #[test]
    fn pvc_provisioning_failures_are_quoted() {
        let c = collected(
            json!([{"kind": "PersistentVolumeClaim", "metadata": meta("data"),
                    "spec": {"storageClassName": "standard"}, "status": {"phase": "Pending"}}]),
            json!([{"involvedObject": {"kind": "PersistentVolumeClaim", "name": "data", "namespace": "shop"},
                    "type": "Warning", "reason": "ProvisioningFailed", "message": "failed to provision volume: quota exceeded",
                    "lastTimestamp": "2024-05-01T11:59:00Z", "count": 3}]),
            json!([{"kind": "StorageClass", "metadata": {"name": "standard"}}]),
        );
        let f = analyze(&c);
        assert_eq!(checks(&f), ["pvc.provisioning_failed"]);
        assert!(f[0].evidence[0].contains("quota exceeded"));
    }
}
