//! Pods: why containers cannot be scheduled, pulled, configured, started or kept running.
//!
//! Each pod yields symptoms (one per problem, most telling first); symptoms of pods
//! of the same workload with the same check become one finding about the
//! workload, with the pods as evidence. Log lines that explain a crash come from the
//! bounded tails collected for crashing containers.

use std::collections::{BTreeMap, HashMap};

use super::index::{Index, human_duration, name_list, plan_kind};
use super::objects::{ContainerStatus, Object};
use super::workloads;
use super::{Finding, Fix, ObjectKey, Severity};
use crate::plan::{Operation, Plan, Resources};

/// A pod Pending without a reason for this long is reported.
pub const PENDING_TOO_LONG_SECS: i64 = 300;
/// A container still being created after this long is reported.
pub const CREATING_TOO_LONG_SECS: i64 = 180;
/// Restart counts from here on are "high".
pub const HIGH_RESTARTS: i64 = 5;

struct Symptom<'a> {
    pod: &'a Object,
    check: &'static str,
    severity: Severity,
    /// What is wrong, as a predicate: "in CrashLoopBackOff: …".
    short: String,
    evidence: Vec<String>,
    cause: String,
    fix: Option<Fix>,
    has_logs: bool,
}

impl<'a> Symptom<'a> {
    fn new(pod: &'a Object, check: &'static str, severity: Severity, short: String) -> Self {
        Symptom {
            pod,
            check,
            severity,
            short,
            evidence: Vec::new(),
            cause: String::new(),
            fix: None,
            has_logs: false,
        }
    }
}

pub fn analyze(index: &Index) -> Vec<Finding> {
    let mut workload_of: HashMap<&str, Option<ObjectKey>> = HashMap::new();
    let mut totals: HashMap<ObjectKey, usize> = HashMap::new();
    let mut symptoms = Vec::new();
    for pod in &index.c.pods {
        let workload = index.workload_of(pod);
        if let Some(w) = &workload {
            *totals.entry(w.clone()).or_default() += 1;
        }
        let found = pod_symptoms(index, pod, workload.as_ref());
        if !found.is_empty() {
            workload_of.insert(pod.metadata.uid.as_str(), workload);
            symptoms.extend(found);
        }
    }

    // Group by (workload or pod, check).
    let mut groups: BTreeMap<(ObjectKey, &'static str), Vec<Symptom>> = BTreeMap::new();
    for s in symptoms {
        let key = match workload_of
            .get(s.pod.metadata.uid.as_str())
            .cloned()
            .flatten()
        {
            Some(w) => w,
            None => ObjectKey::of(s.pod),
        };
        groups.entry((key, s.check)).or_default().push(s);
    }

    groups
        .into_iter()
        .map(|((object, check), mut group)| {
            group.sort_by(|a, b| {
                b.has_logs
                    .cmp(&a.has_logs)
                    .then_with(|| a.pod.name().cmp(b.pod.name()))
            });
            let severity = group
                .iter()
                .map(|s| s.severity)
                .max()
                .unwrap_or(Severity::Warning);
            let first = &group[0];
            let problem = if object.kind == "Pod" {
                format!("pod {}", first.short)
            } else {
                let total = totals.get(&object).copied().unwrap_or(group.len());
                let n = group.len();
                format!(
                    "{n} of {total} pod{} {}",
                    if total == 1 { "" } else { "s" },
                    first.short
                )
            };
            let mut finding = Finding::new(check, severity, object.clone(), problem);
            if object.kind != "Pod" {
                let mut names: Vec<&str> = group.iter().map(|s| s.pod.name()).collect();
                names.sort_unstable();
                finding.push_evidence(format!("pods: {}", name_list(names, 5)));
            }
            for line in &first.evidence {
                finding.push_evidence(line);
            }
            finding = finding.cause(&first.cause);
            finding.fix = first.fix.clone();
            finding.related = group.iter().map(|s| ObjectKey::of(s.pod)).collect();
            finding
        })
        .collect()
}

fn pod_symptoms<'a>(
    index: &Index,
    pod: &'a Object,
    workload: Option<&ObjectKey>,
) -> Vec<Symptom<'a>> {
    let mut out = Vec::new();
    if pod.metadata.deletion_timestamp.is_some() || pod.status.phase == "Succeeded" {
        return out;
    }
    if pod.status.phase == "Failed" && pod.status.reason == "Evicted" {
        let mut s = Symptom::new(pod, "pod.evicted", Severity::Warning, "evicted".into());
        s.evidence
            .push(format!("pod {}: {}", pod.name(), pod.status.message));
        s.cause = eviction_cause(&pod.status.message);
        out.push(s);
        return out;
    }

    let statuses = pod
        .status
        .init_container_statuses
        .iter()
        .map(|cs| (true, cs))
        .chain(pod.status.container_statuses.iter().map(|cs| (false, cs)));
    for (init, cs) in statuses {
        if let Some(s) = container_symptom(index, pod, workload, cs, init) {
            out.push(s);
        }
    }

    if pod.status.phase == "Pending"
        && out.is_empty()
        && let Some(s) = pending_symptom(index, pod)
    {
        out.push(s);
    }

    if out.is_empty()
        && let Some(s) = probe_symptom(index, pod)
    {
        out.push(s);
    }
    out
}

fn container_symptom<'a>(
    index: &Index,
    pod: &'a Object,
    workload: Option<&ObjectKey>,
    cs: &ContainerStatus,
    init: bool,
) -> Option<Symptom<'a>> {
    let what = if init {
        format!("init container {}", cs.name)
    } else {
        format!("container {}", cs.name)
    };
    let waiting = cs.state.waiting.as_ref();
    let reason = waiting.map(|w| w.reason.as_str()).unwrap_or("");
    let last = cs.last_state.terminated.as_ref();
    let oom_before = last.is_some_and(|t| t.reason == "OOMKilled")
        || cs
            .state
            .terminated
            .as_ref()
            .is_some_and(|t| t.reason == "OOMKilled");

    match reason {
        "ImagePullBackOff" | "ErrImagePull" | "InvalidImageName" | "ErrImageNeverPull" => {
            let image = spec_image(pod, &cs.name)
                .unwrap_or(cs.image.as_str())
                .to_string();
            let mut s = Symptom::new(
                pod,
                "pod.image_pull",
                Severity::Critical,
                format!("cannot pull image {image} ({reason})"),
            );
            let message = waiting.map(|w| w.message.as_str()).unwrap_or("");
            if !message.is_empty() {
                s.evidence.push(format!("{what}: {message}"));
            }
            // The kubelet's "Failed to pull image …" event carries the registry's
            // answer; the later "Error: ImagePullBackOff" ones say nothing new.
            let event = index
                .events_of(&pod.kind, pod.namespace(), pod.name())
                .iter()
                .filter(|e| e.reason == "Failed" && e.message.starts_with("Failed to pull image"))
                .max_by_key(|e| {
                    e.last_seen()
                        .and_then(super::objects::parse_time)
                        .unwrap_or(0)
                })
                .copied()
                .or_else(|| index.last_event(pod, &["Failed"]));
            if let Some(e) = event {
                s.evidence.push(format!("event Failed: {}", e.message));
            }
            let all = format!(
                "{message} {}",
                event.map(|e| e.message.as_str()).unwrap_or("")
            );
            s.cause = image_cause(reason, &image, &all);
            s.fix = restore_image_fix(index, pod, workload, &cs.name, &image);
            Some(s)
        }
        "CreateContainerConfigError" | "CreateContainerError" | "RunContainerError" => {
            let message = waiting.map(|w| w.message.as_str()).unwrap_or("");
            let check = if reason == "CreateContainerConfigError" {
                "pod.config_error"
            } else {
                "pod.container_error"
            };
            let mut s = Symptom::new(
                pod,
                check,
                Severity::Critical,
                format!("cannot start {what}: {}", first_clause(message, reason)),
            );
            s.evidence.push(format!("{what}: {reason}: {message}"));
            s.cause = config_cause(reason, message);
            Some(s)
        }
        "CrashLoopBackOff" if !oom_before => {
            let mut s = Symptom::new(
                pod,
                "pod.crash_loop",
                Severity::Critical,
                format!(
                    "in CrashLoopBackOff: {what} keeps exiting{}",
                    last.and_then(|t| t.exit_code)
                        .map(|c| format!(" (exit code {c})"))
                        .unwrap_or_default()
                ),
            );
            let mut line = format!("{what}: restarted {} times", cs.restart_count);
            if let Some(t) = last {
                line.push_str(&format!(
                    ", last exit code {} ({})",
                    t.exit_code.unwrap_or(0),
                    if t.reason.is_empty() {
                        "no reason"
                    } else {
                        &t.reason
                    }
                ));
                if !t.message.is_empty() {
                    line.push_str(&format!(": {}", t.message));
                }
            }
            s.evidence.push(line);
            let explaining = explaining_log_lines(index, pod, &cs.name);
            s.has_logs = !explaining.is_empty();
            for l in &explaining {
                s.evidence.push(format!("log: {l}"));
            }
            s.cause = crash_cause(last.and_then(|t| t.exit_code), &explaining);
            if let Some(e) = index.last_event(pod, &["Unhealthy"])
                && e.message.starts_with("Liveness")
            {
                s.evidence.push(format!("event Unhealthy: {}", e.message));
                s.cause = format!(
                    "the liveness probe fails and the kubelet restarts the container; {}",
                    s.cause
                );
            }
            s.fix = workloads::rollback_fix(index, workload, pod);
            Some(s)
        }
        _ if oom_before => {
            let limit = container_spec(pod, &cs.name).and_then(|c| c.resources.limit("memory"));
            let crashing = reason == "CrashLoopBackOff";
            let mut s = Symptom::new(
                pod,
                "pod.oom_killed",
                if crashing {
                    Severity::Critical
                } else {
                    Severity::Warning
                },
                format!(
                    "OOMKilled: {what} ran out of memory{}{}",
                    limit
                        .as_ref()
                        .map(|l| format!(" (limit {l})"))
                        .unwrap_or_default(),
                    if crashing {
                        " and is crash-looping"
                    } else {
                        ""
                    }
                ),
            );
            s.evidence.push(format!(
                "{what}: last terminated OOMKilled (exit code {}), restarted {} times{}",
                last.and_then(|t| t.exit_code).unwrap_or(137),
                cs.restart_count,
                if cs.state.running.is_some() {
                    ", running again now"
                } else {
                    ""
                }
            ));
            s.cause = match &limit {
                Some(l) => format!(
                    "the container needs more memory than its {l} limit (or leaks memory); the kernel kills it when it reaches the limit"
                ),
                None => "the container used more memory than the node could give it".into(),
            };
            s.fix = memory_fix(pod, workload, &cs.name, limit.as_deref());
            Some(s)
        }
        "ContainerCreating" | "PodInitializing" => {
            let events = [
                "FailedMount",
                "FailedAttachVolume",
                "FailedCreatePodSandBox",
            ];
            let event = index.last_event(pod, &events);
            let age = index
                .age(pod.metadata.creation_timestamp.as_deref())
                .unwrap_or(0);
            if event.is_none() && age < CREATING_TOO_LONG_SECS {
                return None;
            }
            let mut s = Symptom::new(
                pod,
                "pod.container_creating",
                if event.is_some() {
                    Severity::Critical
                } else {
                    Severity::Warning
                },
                format!("stuck in {reason} for {}", human_duration(age)),
            );
            match event {
                Some(e) => {
                    s.evidence
                        .push(format!("event {}: {}", e.reason, e.message));
                    s.cause = match e.reason.as_str() {
                        "FailedMount" | "FailedAttachVolume" => {
                            "a volume cannot be mounted: check that the configmap, secret or volume it names exists".into()
                        }
                        _ => "the pod sandbox (network) cannot be created: check the CNI plugin on the node".into(),
                    };
                }
                None => {
                    s.cause =
                        "the kubelet has not finished creating the container; see the pod's events"
                            .into()
                }
            }
            Some(s)
        }
        _ if cs.restart_count >= HIGH_RESTARTS => {
            let mut s = Symptom::new(
                pod,
                "pod.restarts",
                Severity::Warning,
                format!("restarting: {what} restarted {} times", cs.restart_count),
            );
            if let Some(t) = last {
                s.evidence.push(format!(
                    "{what}: last terminated {} (exit code {})",
                    if t.reason.is_empty() {
                        "without a reason"
                    } else {
                        &t.reason
                    },
                    t.exit_code.unwrap_or(0)
                ));
            }
            let explaining = explaining_log_lines(index, pod, &cs.name);
            s.has_logs = !explaining.is_empty();
            for l in &explaining {
                s.evidence.push(format!("log: {l}"));
            }
            s.cause = crash_cause(last.and_then(|t| t.exit_code), &explaining);
            Some(s)
        }
        _ => None,
    }
}

fn pending_symptom<'a>(index: &Index, pod: &'a Object) -> Option<Symptom<'a>> {
    if let Some(c) = pod.condition("PodScheduled")
        && c.is_false()
        && c.reason == "Unschedulable"
    {
        let mut s = Symptom::new(
            pod,
            "pod.unschedulable",
            Severity::Critical,
            format!(
                "cannot be scheduled: {}",
                first_clause(&c.message, "Unschedulable")
            ),
        );
        s.evidence.push(format!(
            "condition PodScheduled=False (Unschedulable): {}",
            c.message
        ));
        if let Some(e) = index.last_event(pod, &["FailedScheduling"]) {
            s.evidence
                .push(format!("event FailedScheduling: {}", e.message));
        }
        s.cause = scheduling_cause(&c.message);
        return Some(s);
    }
    let age = index.age(pod.metadata.creation_timestamp.as_deref())?;
    if age < PENDING_TOO_LONG_SECS {
        return None;
    }
    let mut s = Symptom::new(
        pod,
        "pod.pending",
        Severity::Warning,
        format!("Pending for {}", human_duration(age)),
    );
    if let Some(e) = index.last_event(pod, &["FailedScheduling", "FailedMount", "FailedCreate"]) {
        s.evidence
            .push(format!("event {}: {}", e.reason, e.message));
    }
    s.cause = if pod.spec.node_name.is_empty() {
        "no scheduler has placed the pod (is a scheduler running, or does spec.schedulerName name one that is not?)".into()
    } else {
        format!(
            "the pod was placed on node {} but the kubelet has not started it",
            pod.spec.node_name
        )
    };
    Some(s)
}

fn probe_symptom<'a>(index: &Index, pod: &'a Object) -> Option<Symptom<'a>> {
    if pod.status.phase != "Running" {
        return None;
    }
    let unhealthy = index.last_event(pod, &["Unhealthy"])?;
    let not_ready: Vec<&ContainerStatus> = pod
        .status
        .container_statuses
        .iter()
        .filter(|c| !c.ready)
        .collect();
    let liveness = unhealthy.message.starts_with("Liveness");
    if not_ready.is_empty() && !liveness {
        return None;
    }
    let kind = if liveness { "liveness" } else { "readiness" };
    let short = match not_ready.first() {
        Some(c) => format!("not ready: the {kind} probe of container {} fails", c.name),
        None => format!("restarting: the {kind} probe fails"),
    };
    let mut s = Symptom::new(pod, "pod.probe_failing", Severity::Warning, short);
    s.evidence.push(format!(
        "event Unhealthy (x{}): {}",
        unhealthy.times(),
        unhealthy.message
    ));
    s.cause = if liveness {
        "the liveness probe fails, so the kubelet keeps restarting the container: check the probe's path, port and timing against the application".into()
    } else {
        "the readiness probe fails, so the pod receives no traffic: check the probe's path and port, and whether the application's dependencies are up".into()
    };
    Some(s)
}

fn spec_image<'a>(pod: &'a Object, container: &str) -> Option<&'a str> {
    container_spec(pod, container).map(|c| c.image.as_str())
}

fn container_spec<'a>(pod: &'a Object, container: &str) -> Option<&'a super::objects::Container> {
    pod.spec
        .containers
        .iter()
        .chain(pod.spec.init_containers.iter())
        .find(|c| c.name == container)
}

/// The first sentence-ish part of a message, for the one-line problem.
fn first_clause(message: &str, fallback: &str) -> String {
    let m = message.trim();
    if m.is_empty() {
        return fallback.to_string();
    }
    let cut = m.find(". ").map(|i| &m[..i]).unwrap_or(m);
    super::text::truncate(cut.trim_end_matches('.'), 160)
}

fn image_cause(reason: &str, image: &str, message: &str) -> String {
    let m = message.to_ascii_lowercase();
    if reason == "InvalidImageName" {
        return format!(
            "the image reference {image:?} is malformed: fix its spelling (lowercase repository, tag after ':')"
        );
    }
    if m.contains("no such host")
        || m.contains("i/o timeout")
        || m.contains("connection refused")
        || m.contains("dial tcp")
    {
        return "the registry cannot be reached: the registry host looks wrong or the node has no route to it".into();
    }
    if m.contains("unauthorized")
        || m.contains("authentication required")
        || m.contains("denied")
        || m.contains("403")
    {
        return "the registry refuses the pull: the repository is private (add imagePullSecrets) or its name is wrong".into();
    }
    if m.contains("manifest unknown") || m.contains("not found") || m.contains("manifest for") {
        let tag = image
            .rsplit_once(':')
            .filter(|(_, t)| !t.contains('/'))
            .map(|(_, t)| t)
            .unwrap_or("latest");
        return format!("the tag looks wrong: the registry has the repository but no tag {tag:?}");
    }
    if m.contains("repository does not exist") || m.contains("pull access denied") {
        return "the repository looks wrong: the registry has no repository by that name".into();
    }
    "the image cannot be pulled: check the image name, tag and registry credentials".into()
}

fn config_cause(reason: &str, message: &str) -> String {
    let m = message.to_ascii_lowercase();
    if m.contains("configmap") && m.contains("not found") {
        return format!(
            "a configmap the pod uses does not exist ({message}): create it or fix the reference"
        );
    }
    if m.contains("secret") && m.contains("not found") {
        return format!(
            "a secret the pod uses does not exist ({message}): create it or fix the reference"
        );
    }
    if m.contains("couldn't find key") {
        return format!(
            "a key the pod reads is missing ({message}): add the key or fix the reference"
        );
    }
    if reason == "RunContainerError" || reason == "CreateContainerError" {
        return "the container runtime cannot start the container: check the command, the entrypoint and volume mounts".into();
    }
    "the container's configuration references something that cannot be resolved".into()
}

fn crash_cause(exit_code: Option<i64>, explaining: &[String]) -> String {
    let base = match exit_code {
        Some(137) => "the container was killed (exit 137: out of memory or a failing liveness probe)".to_string(),
        Some(139) => "the process crashed with a segmentation fault (exit 139)".to_string(),
        Some(127) => "the command was not found in the image (exit 127): check command/args and the image".to_string(),
        Some(126) => "the command is not executable (exit 126)".to_string(),
        Some(0) => "the process exits successfully but a long-running container is expected: it should not return".to_string(),
        Some(code) => format!("the application exits with code {code}"),
        None => "the container keeps stopping".to_string(),
    };
    match explaining.last() {
        Some(line) => format!("{base}; its log ends with: {line}"),
        None => base,
    }
}

fn scheduling_cause(message: &str) -> String {
    let m = message.to_ascii_lowercase();
    let mut causes = Vec::new();
    if m.contains("insufficient") {
        causes.push("no node has enough free cpu/memory for the pod's requests: lower the requests or add capacity");
    }
    if m.contains("taint") {
        causes.push("the nodes carry taints the pod does not tolerate");
    }
    if m.contains("affinity") || m.contains("selector") {
        causes.push("the pod's nodeSelector or affinity matches no node");
    }
    if m.contains("persistentvolumeclaim") || m.contains("volume") {
        causes.push("a volume the pod needs is not bound or not reachable from any node");
    }
    if m.contains("unschedulable") {
        causes.push("nodes are cordoned (unschedulable)");
    }
    if causes.is_empty() {
        return "the scheduler found no node that fits the pod".into();
    }
    causes.join("; ")
}

fn eviction_cause(message: &str) -> String {
    let m = message.to_ascii_lowercase();
    if m.contains("memory") {
        "the node ran low on memory and evicted the pod: set memory requests close to real use"
            .into()
    } else if m.contains("ephemeral-storage") || m.contains("disk") {
        "the node ran low on disk and evicted the pod: limit ephemeral storage or clean up the node"
            .into()
    } else {
        "the kubelet evicted the pod under node pressure".into()
    }
}

/// Log lines that look like they explain a failure; the last few lines otherwise.
pub(super) fn explaining_log_lines(index: &Index, pod: &Object, container: &str) -> Vec<String> {
    let tails = index.c.logs_of(pod.namespace(), pod.name(), container);
    let tail = tails.iter().find(|t| t.previous).or_else(|| tails.first());
    let Some(tail) = tail else {
        return Vec::new();
    };
    const MARKERS: &[&str] = &[
        "error",
        "exception",
        "fatal",
        "panic",
        "failed",
        "refused",
        "denied",
        "not found",
        "cannot",
        "could not",
        "unable",
        "timeout",
        "timed out",
        "no such",
        "invalid",
        "missing",
        "killed",
        "traceback",
    ];
    let lines: Vec<&String> = tail.lines.iter().filter(|l| !l.trim().is_empty()).collect();
    let marked: Vec<&String> = lines
        .iter()
        .filter(|l| {
            let lower = l.to_ascii_lowercase();
            MARKERS.iter().any(|m| lower.contains(m))
        })
        .copied()
        .collect();
    let chosen = if marked.is_empty() { &lines } else { &marked };
    chosen
        .iter()
        .rev()
        .take(3)
        .rev()
        .map(|l| super::text::clean(l))
        .collect()
}

fn restore_image_fix(
    index: &Index,
    pod: &Object,
    workload: Option<&ObjectKey>,
    container: &str,
    image: &str,
) -> Option<Fix> {
    let w = workload?;
    let rollout = workloads::rollout_of(index, w, pod)?;
    let good = rollout.last_good.as_ref()?;
    let old = good.images.iter().find(|(c, _)| c == container)?.1.clone();
    if old == image {
        return None;
    }
    Some(Fix {
        summary: format!(
            "set container {container} of {} back to {old} (revision {})",
            w.display(),
            good.number
        ),
        plan: Plan::single(Operation::SetImage {
            kind: plan_kind(&w.kind),
            name: w.name.clone(),
            namespace: w.namespace.clone(),
            container: Some(container.to_string()),
            image: old,
        }),
    })
}

fn memory_fix(
    pod: &Object,
    workload: Option<&ObjectKey>,
    container: &str,
    limit: Option<&str>,
) -> Option<Fix> {
    let w = workload
        .filter(|w| matches!(w.kind.as_str(), "Deployment" | "StatefulSet" | "DaemonSet"))?;
    let _ = pod;
    let raised = double_memory(limit?)?;
    Some(Fix {
        summary: format!(
            "raise the memory limit of container {container} in {} from {} to {raised}",
            w.display(),
            limit.unwrap_or("?")
        ),
        plan: Plan::single(Operation::SetResources {
            kind: plan_kind(&w.kind),
            name: w.name.clone(),
            namespace: w.namespace.clone(),
            container: Some(container.to_string()),
            requests: Resources::default(),
            limits: Resources {
                cpu: None,
                memory: Some(raised),
            },
        }),
    })
}

/// Twice a memory quantity, in Mi (rounded up): `64Mi` → `128Mi`, `1G` → `1908Mi`.
pub fn double_memory(q: &str) -> Option<String> {
    let bytes = memory_bytes(q)?;
    let mi = (bytes * 2.0 / 1_048_576.0).ceil() as i64;
    (mi > 0).then(|| format!("{mi}Mi"))
}

fn memory_bytes(q: &str) -> Option<f64> {
    let end = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(q.len());
    let (number, suffix) = q.split_at(end);
    let n: f64 = number.parse().ok()?;
    let factor = match suffix {
        "" => 1.0,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "Ki" => 1024.0,
        "Mi" => 1_048_576.0,
        "Gi" => 1_073_741_824.0,
        "Ti" => 1_099_511_627_776.0,
        "m" => 1e-3,
        _ => return None,
    };
    Some(n * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_doubles_in_mebibytes() {
        assert_eq!(double_memory("64Mi").as_deref(), Some("128Mi"));
        assert_eq!(double_memory("1Gi").as_deref(), Some("2048Mi"));
        assert_eq!(double_memory("100M").as_deref(), Some("191Mi"));
        assert_eq!(double_memory("268435456").as_deref(), Some("512Mi"));
        assert_eq!(double_memory("lots"), None);
    }

    #[test]
    fn image_causes_tell_tag_from_registry() {
        assert!(
            image_cause(
                "ErrImagePull",
                "web:9.9",
                "manifest for web:9.9 not found: manifest unknown"
            )
            .contains("tag")
        );
        assert!(
            image_cause(
                "ErrImagePull",
                "regstry.example/web:1",
                "dial tcp: lookup regstry.example: no such host"
            )
            .contains("registry")
        );
        assert!(
            image_cause(
                "ErrImagePull",
                "x/y:1",
                "pull access denied, repository does not exist or may require authorization"
            )
            .contains("private")
        );
        assert!(image_cause("InvalidImageName", "Web:1", "").contains("malformed"));
    }
}
