//! Deployments, StatefulSets, DaemonSets and ReplicaSets: unavailable replicas,
//! rollouts past their deadline, a rollout stuck on a bad new ReplicaSet (and the
//! last good revision to go back to), and ReplicaSets that cannot create pods.
//!
//! When the pods already explain why a workload is down, the workload's status is
//! added to that finding as evidence instead of becoming a second finding.

use super::index::{Index, plan_kind};
use super::objects::Object;
use super::{Finding, Fix, ObjectKey, Severity};
use crate::plan::{Operation, Plan};

const REVISION: &str = "deployment.kubernetes.io/revision";

/// One revision of a Deployment: its ReplicaSet and images.
#[derive(Debug, Clone)]
pub struct Revision {
    pub number: i64,
    pub replicaset: String,
    /// (container, image) of the pod template.
    pub images: Vec<(String, String)>,
    pub available: i64,
}

/// The newest revision and the one to go back to.
#[derive(Debug, Clone)]
pub struct Rollout {
    pub newest: Revision,
    /// The newest older revision that still has available pods, else the previous one.
    pub last_good: Option<Revision>,
}

fn revision_of(rs: &Object) -> Option<Revision> {
    let number = rs.annotation(REVISION)?.parse().ok()?;
    let images = rs
        .spec
        .template
        .as_ref()
        .map(|t| {
            t.spec
                .containers
                .iter()
                .map(|c| (c.name.clone(), c.image.clone()))
                .collect()
        })
        .unwrap_or_default();
    Some(Revision {
        number,
        replicaset: rs.name().to_string(),
        images,
        available: rs.status.available_replicas.unwrap_or(0),
    })
}

/// The rollout state of a Deployment, when its ReplicaSets carry revisions.
pub fn deployment_rollout(index: &Index, namespace: &str, name: &str) -> Option<Rollout> {
    let mut revisions: Vec<Revision> = index
        .replicasets_of(namespace, name)
        .iter()
        .filter_map(|rs| revision_of(rs))
        .collect();
    revisions.sort_by_key(|r| std::cmp::Reverse(r.number));
    let mut iter = revisions.into_iter();
    let newest = iter.next()?;
    let older: Vec<Revision> = iter.collect();
    let last_good = older
        .iter()
        .find(|r| r.available > 0)
        .or_else(|| older.first())
        .cloned();
    Some(Rollout { newest, last_good })
}

/// The rollout of the workload a failing pod belongs to, when that pod runs the
/// newest revision (an old pod failing says nothing about the new revision).
pub fn rollout_of(index: &Index, workload: &ObjectKey, pod: &Object) -> Option<Rollout> {
    if workload.kind != "Deployment" {
        return None;
    }
    let rollout = deployment_rollout(
        index,
        workload.namespace.as_deref().unwrap_or(""),
        &workload.name,
    )?;
    let owner = pod.controller()?;
    (owner.kind == "ReplicaSet" && owner.name == rollout.newest.replicaset).then_some(rollout)
}

/// Going back to the last good revision, when the failing pods run a newer one.
pub fn rollback_fix(index: &Index, workload: Option<&ObjectKey>, pod: &Object) -> Option<Fix> {
    let w = workload?;
    match w.kind.as_str() {
        "Deployment" => {
            let rollout = rollout_of(index, w, pod)?;
            let good = rollout.last_good?;
            if good.available == 0 && good.images == rollout.newest.images {
                return None;
            }
            Some(undo_fix(w, Some(good.number), &rollout.newest, Some(&good)))
        }
        "StatefulSet" => {
            let sts = index.find("StatefulSet", w.namespace.as_deref().unwrap_or(""), &w.name)?;
            let (current, update) = (&sts.status.current_revision, &sts.status.update_revision);
            let pod_revision = pod.metadata.labels.get("controller-revision-hash")?;
            if current.is_empty() || current == update || pod_revision != update {
                return None;
            }
            Some(Fix {
                summary: format!(
                    "roll {} back to its previous revision ({current})",
                    w.display()
                ),
                plan: Plan::single(Operation::RolloutUndo {
                    kind: "statefulset".into(),
                    name: w.name.clone(),
                    namespace: w.namespace.clone(),
                    to_revision: None,
                }),
            })
        }
        _ => None,
    }
}

fn undo_fix(w: &ObjectKey, to: Option<i64>, newest: &Revision, good: Option<&Revision>) -> Fix {
    let summary = match good {
        Some(g) => format!(
            "roll {} back from revision {} ({}) to revision {} ({})",
            w.display(),
            newest.number,
            images_text(&newest.images),
            g.number,
            images_text(&g.images)
        ),
        None => format!("roll {} back to its previous revision", w.display()),
    };
    Fix {
        summary,
        plan: Plan::single(Operation::RolloutUndo {
            kind: plan_kind(&w.kind),
            name: w.name.clone(),
            namespace: w.namespace.clone(),
            to_revision: to,
        }),
    }
}

fn images_text(images: &[(String, String)]) -> String {
    images
        .iter()
        .map(|(_, i)| i.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The most severe finding already about this object.
fn existing<'f>(findings: &'f mut [Finding], key: &ObjectKey) -> Option<&'f mut Finding> {
    findings
        .iter_mut()
        .filter(|f| &f.object == key)
        .max_by_key(|f| f.severity)
}

pub fn analyze(index: &Index, findings: &mut Vec<Finding>) {
    replicasets(index, findings);
    for d in &index.c.deployments {
        deployment(index, d, findings);
    }
    for s in &index.c.statefulsets {
        let desired = s.spec.replicas.unwrap_or(1);
        let ready = s.status.ready_replicas.unwrap_or(0);
        let mut evidence = vec![format!(
            "statefulset {}: {ready}/{desired} replicas ready",
            s.name()
        )];
        if !s.status.update_revision.is_empty()
            && s.status.update_revision != s.status.current_revision
        {
            evidence.push(format!(
                "rolling from revision {} to {}",
                s.status.current_revision, s.status.update_revision
            ));
        }
        workload_status(index, s, desired, ready, evidence, None, None, findings);
    }
    for ds in &index.c.daemonsets {
        let desired = ds.status.desired_number_scheduled.unwrap_or(0);
        let available = ds
            .status
            .number_available
            .unwrap_or_else(|| desired - ds.status.number_unavailable.unwrap_or(0));
        let evidence = vec![format!(
            "daemonset {}: {available}/{desired} pods available",
            ds.name()
        )];
        workload_status(
            index, ds, desired, available, evidence, None, None, findings,
        );
    }
}

fn deployment(index: &Index, d: &Object, findings: &mut Vec<Finding>) {
    let desired = d.spec.replicas.unwrap_or(1);
    let available = d.status.available_replicas.unwrap_or(0);
    let deadline = d
        .condition("Progressing")
        .filter(|c| c.is_false() && c.reason == "ProgressDeadlineExceeded");
    let mut evidence = vec![format!(
        "deployment {}: {available}/{desired} replicas available, {} up to date",
        d.name(),
        d.status.updated_replicas.unwrap_or(0)
    )];
    if let Some(c) = deadline {
        evidence.push(format!(
            "condition Progressing=False (ProgressDeadlineExceeded): {}",
            c.message
        ));
    }
    let rollout = deployment_rollout(index, d.namespace(), d.name());
    let mut stuck_fix = None;
    if let Some(r) = &rollout
        && r.newest.available < desired
        && (deadline.is_some() || available < desired)
        && let Some(good) = &r.last_good
    {
        evidence.push(format!(
            "revision {} ({}) has {} available pods; revision {} ({}) {}",
            r.newest.number,
            images_text(&r.newest.images),
            r.newest.available,
            good.number,
            images_text(&good.images),
            if good.available > 0 {
                format!("is the last good one ({} available)", good.available)
            } else {
                "is the previous one".to_string()
            }
        ));
        if deadline.is_some() || good.available > 0 {
            let key = ObjectKey::of(d);
            stuck_fix = Some(undo_fix(&key, Some(good.number), &r.newest, Some(good)));
        }
    }
    if deadline.is_some() && available >= desired && existing(findings, &ObjectKey::of(d)).is_none()
    {
        // The deadline passed but the replicas are up (an old ReplicaSet serves): still a stuck rollout.
        let mut f = Finding::new(
            "deployment.progress_deadline",
            Severity::Warning,
            ObjectKey::of(d),
            "rollout stuck: the new revision did not become available in time",
        )
        .cause("the new ReplicaSet's pods never became ready within progressDeadlineSeconds; old pods still serve")
        .fix(stuck_fix);
        for e in evidence {
            f.push_evidence(e);
        }
        findings.push(f);
        return;
    }
    let check = if deadline.is_some() {
        Some("deployment.progress_deadline")
    } else {
        None
    };
    workload_status(
        index, d, desired, available, evidence, stuck_fix, check, findings,
    );
}

/// Reports a workload with fewer available replicas than desired, merging into
/// the pods' finding when there is one.
#[allow(clippy::too_many_arguments)]
fn workload_status(
    index: &Index,
    w: &Object,
    desired: i64,
    available: i64,
    evidence: Vec<String>,
    fix: Option<Fix>,
    check_override: Option<&'static str>,
    findings: &mut Vec<Finding>,
) {
    let key = ObjectKey::of(w);
    let deadline = check_override.is_some();
    if desired <= 0 || (available >= desired && !deadline) {
        return;
    }
    if let Some(f) = existing(findings, &key) {
        for e in evidence {
            f.push_evidence(e);
        }
        if available == 0 {
            f.severity = Severity::Critical;
        }
        if let Some(check) = check_override {
            // The stuck rollout is the headline; the pods say why it is stuck.
            f.check = check;
            f.problem = format!("rollout stuck past its deadline: {}", f.problem);
            f.cause = format!("the new revision never became available: {}", f.cause);
        }
        if f.fix.is_none() {
            f.fix = fix;
        }
        return;
    }
    // Nothing explains it yet: a rollout in progress within its deadline is not a problem.
    let progressing = w
        .condition("Progressing")
        .is_some_and(|c| c.is_true() && c.reason == "ReplicaSetUpdated");
    if progressing && !deadline {
        return;
    }
    let age = index
        .age(w.metadata.creation_timestamp.as_deref())
        .unwrap_or(i64::MAX);
    if age < 60 && !deadline {
        return;
    }
    let kind = w.kind.to_ascii_lowercase();
    let mut f = Finding::new(
        check_override.unwrap_or(match w.kind.as_str() {
            "StatefulSet" => "statefulset.unavailable",
            "DaemonSet" => "daemonset.unavailable",
            _ => "deployment.unavailable",
        }),
        if available == 0 { Severity::Critical } else { Severity::Warning },
        key,
        if deadline {
            format!("rollout stuck past its deadline: {available}/{desired} available")
        } else {
            format!("{available}/{desired} replicas available")
        },
    )
    .cause(if deadline {
        format!("the new revision of the {kind} did not become available within progressDeadlineSeconds; see the evidence for its pods")
    } else {
        format!("some pods of the {kind} are not available; their events say why")
    })
    .fix(fix);
    for e in evidence {
        f.push_evidence(e);
    }
    for e in index
        .events_of(&w.kind, w.namespace(), w.name())
        .iter()
        .filter(|e| e.is_warning())
    {
        f.push_evidence(format!("event {}: {}", e.reason, e.message));
    }
    findings.push(f);
}

/// ReplicaSets that cannot create their pods (quota, admission, service account).
fn replicasets(index: &Index, findings: &mut Vec<Finding>) {
    for rs in &index.c.replicasets {
        let desired = rs.spec.replicas.unwrap_or(0);
        if desired == 0 {
            continue;
        }
        let condition = rs
            .condition("ReplicaFailure")
            .filter(|c| c.is_true())
            .map(|c| c.message.as_str());
        let event = index
            .last_event(rs, &["FailedCreate"])
            .map(|e| e.message.as_str());
        let Some(message) = condition.or(event) else {
            continue;
        };
        let owner = rs
            .controller()
            .filter(|o| o.kind == "Deployment")
            .map(|o| ObjectKey::new("Deployment", rs.namespace(), &o.name))
            .unwrap_or_else(|| ObjectKey::of(rs));
        let m = message.to_ascii_lowercase();
        let cause = if m.contains("exceeded quota") {
            "a ResourceQuota in the namespace is used up: raise it or lower the pods' requests"
        } else if m.contains("serviceaccount") {
            "the service account the pods use does not exist"
        } else if m.contains("webhook") || m.contains("forbidden") || m.contains("denied") {
            "an admission policy rejects the pods: the message says which rule"
        } else {
            "the API server refuses to create the pods: the message says why"
        };
        let mut f = Finding::new(
            "replicaset.failed_create",
            Severity::Critical,
            owner,
            format!(
                "cannot create pods: {}",
                super::text::truncate(message, 160)
            ),
        )
        .cause(cause);
        f.push_evidence(format!(
            "replicaset {}: {}/{desired} pods, FailedCreate: {message}",
            rs.name(),
            rs.status.replicas.unwrap_or(0)
        ));
        f.related.push(ObjectKey::of(rs));
        findings.push(f);
    }
}
