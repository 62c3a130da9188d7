//! Collection: a fixed, small number of read-only kubectl calls, whatever the size.
//!
//! One multi-kind `get -o json` for the namespace (or `-A`), one for events, one for
//! the cluster-scoped nodes and storage classes; then, only when needed, the names
//! (never the data) of secrets referenced by ingress TLS, and a bounded tail of logs
//! (current and previous) for a capped number of crashing containers. A kind the
//! caller may not read does not sink the run: the multi-kind call is retried kind
//! by kind and what could not be read is reported as a note.
//!
//! kubectl is reached through the [`Reader`] trait so the analyzers can be tested
//! with canned output and so this module compiles without the runner.

use std::collections::BTreeSet;
use std::future::Future;

use anyhow::{Context, Result};
use serde::de::DeserializeOwned;

use super::DiagnoseRequest;
use super::objects::{Event, EventList, List, Object};

/// Runs one read-only kubectl command (argv after `kubectl`) and returns its stdout.
/// Fails when kubectl fails, with kubectl's stderr in the error.
pub trait Reader {
    fn read(&self, args: &[String]) -> impl Future<Output = Result<Vec<u8>>>;
}

/// The kinds fetched by the one multi-kind call, in kubectl's plural names.
pub const NAMESPACED_KINDS: &[&str] = &[
    "pods",
    "deployments",
    "replicasets",
    "statefulsets",
    "daemonsets",
    "jobs",
    "cronjobs",
    "services",
    "endpoints",
    "persistentvolumeclaims",
    "horizontalpodautoscalers",
    "ingresses",
];

/// At most this many crashing pods get their logs read.
pub const MAX_LOG_PODS: usize = 5;
/// Lines of each log tail.
pub const LOG_TAIL_LINES: usize = 40;

/// Everything the analyzers look at.
#[derive(Debug, Default)]
pub struct Collected {
    /// "Now", in seconds since the epoch (fixed in tests).
    pub now: i64,
    pub pods: Vec<Object>,
    pub deployments: Vec<Object>,
    pub replicasets: Vec<Object>,
    pub statefulsets: Vec<Object>,
    pub daemonsets: Vec<Object>,
    pub jobs: Vec<Object>,
    pub cronjobs: Vec<Object>,
    pub services: Vec<Object>,
    pub endpoints: Vec<Object>,
    pub pvcs: Vec<Object>,
    pub hpas: Vec<Object>,
    pub ingresses: Vec<Object>,
    pub nodes: Vec<Object>,
    pub storage_classes: Vec<Object>,
    /// False when storage classes could not be read (so "missing class" is not claimed).
    pub storage_classes_read: bool,
    pub events: Vec<Event>,
    /// Secret names (namespace, name) when they were read; `None` when they were not.
    pub secret_names: Option<BTreeSet<(String, String)>>,
    pub logs: Vec<LogTail>,
    /// What could not be read, said plainly (with kubectl's reason, whole).
    pub notes: Vec<String>,
    /// The kinds (kubectl plural names) that could not be read: nothing is said
    /// about them, healthy or not.
    pub unread: Vec<&'static str>,
    /// The namespace held nothing and whether it exists could not be checked
    /// (listing namespaces was refused): nothing is called healthy there.
    pub namespace_unconfirmed: bool,
    /// One namespace was looked at (not `-A`): cluster-scoped objects that none of
    /// its pods depend on are reported as information, not as its problems.
    pub namespace_scoped: bool,
}

/// The last lines of one container's log.
#[derive(Debug, Clone, Default)]
pub struct LogTail {
    pub namespace: String,
    pub pod: String,
    pub container: String,
    /// The previous (crashed) instance rather than the current one.
    pub previous: bool,
    pub lines: Vec<String>,
}

impl Collected {
    /// Builds the collection from kubectl's JSON output (the three main calls).
    pub fn from_json(namespaced: &[u8], events: &[u8], cluster: &[u8]) -> Result<Collected> {
        let mut c = Collected::default();
        c.add_json(namespaced)
            .context("reading the namespace objects")?;
        c.add_json(cluster)
            .context("reading nodes and storage classes")?;
        c.storage_classes_read = true;
        c.events = parse::<EventList>(events).context("reading events")?.items;
        Ok(c)
    }

    /// Parses a `kubectl get -o json` list straight into the per-kind lists (no
    /// intermediate list of every object).
    pub fn add_json(&mut self, bytes: &[u8]) -> Result<()> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            // `get -o json` prints a List even when there is nothing: silence
            // is a broken kubectl, not an empty cluster.
            anyhow::bail!("{PRINTED_NOTHING}");
        }
        let before = self.lengths();
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let streamed = serde::de::DeserializeSeed::deserialize(ListSeed(self), &mut de)
            .and_then(|()| de.end());
        if streamed.is_err() {
            // The slow, tolerant path (nulls dropped); forget what the fast one filed.
            self.truncate(&before);
            self.add_objects(parse::<List>(bytes)?);
        }
        Ok(())
    }

    fn buckets(&mut self) -> [&mut Vec<Object>; 14] {
        [
            &mut self.pods,
            &mut self.deployments,
            &mut self.replicasets,
            &mut self.statefulsets,
            &mut self.daemonsets,
            &mut self.jobs,
            &mut self.cronjobs,
            &mut self.services,
            &mut self.endpoints,
            &mut self.pvcs,
            &mut self.hpas,
            &mut self.ingresses,
            &mut self.nodes,
            &mut self.storage_classes,
        ]
    }

    fn lengths(&mut self) -> Vec<usize> {
        self.buckets().iter().map(|b| b.len()).collect()
    }

    fn truncate(&mut self, lengths: &[usize]) {
        for (bucket, len) in self.buckets().into_iter().zip(lengths) {
            bucket.truncate(*len);
        }
    }

    /// Files each object under its kind; unknown kinds are ignored.
    pub fn add_objects(&mut self, list: List) {
        for obj in list.items {
            self.file(obj);
        }
    }

    fn file(&mut self, obj: Object) {
        {
            let bucket = match obj.kind.as_str() {
                "Pod" => &mut self.pods,
                "Deployment" => &mut self.deployments,
                "ReplicaSet" => &mut self.replicasets,
                "StatefulSet" => &mut self.statefulsets,
                "DaemonSet" => &mut self.daemonsets,
                "Job" => &mut self.jobs,
                "CronJob" => &mut self.cronjobs,
                "Service" => &mut self.services,
                "Endpoints" => &mut self.endpoints,
                "PersistentVolumeClaim" => &mut self.pvcs,
                "HorizontalPodAutoscaler" => &mut self.hpas,
                "Ingress" => &mut self.ingresses,
                "Node" => &mut self.nodes,
                "StorageClass" => &mut self.storage_classes,
                _ => return,
            };
            bucket.push(obj);
        }
    }

    /// How many objects of each kind were looked at, for the report; a kind
    /// that could not be read is left out (it was not looked at).
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        [
            ("pods", self.pods.len()),
            ("deployments", self.deployments.len()),
            ("statefulsets", self.statefulsets.len()),
            ("daemonsets", self.daemonsets.len()),
            ("jobs", self.jobs.len()),
            ("cronjobs", self.cronjobs.len()),
            ("services", self.services.len()),
            ("persistentvolumeclaims", self.pvcs.len()),
            ("horizontalpodautoscalers", self.hpas.len()),
            ("ingresses", self.ingresses.len()),
            ("nodes", self.nodes.len()),
            ("events", self.events.len()),
        ]
        .into_iter()
        .filter(|(kind, _)| !self.unread.contains(kind))
        .collect()
    }

    /// The namespaced objects read, of every kind.
    pub fn namespaced_objects(&self) -> impl Iterator<Item = &Object> {
        [
            &self.pods,
            &self.deployments,
            &self.replicasets,
            &self.statefulsets,
            &self.daemonsets,
            &self.jobs,
            &self.cronjobs,
            &self.services,
            &self.endpoints,
            &self.pvcs,
            &self.hpas,
            &self.ingresses,
        ]
        .into_iter()
        .flatten()
    }

    /// The objects read of one kind (kubectl's plural name), `None` for a kind
    /// collection does not read.
    pub fn of_kind(&self, plural: &str) -> Option<&[Object]> {
        Some(match plural {
            "pods" => &self.pods,
            "deployments" => &self.deployments,
            "replicasets" => &self.replicasets,
            "statefulsets" => &self.statefulsets,
            "daemonsets" => &self.daemonsets,
            "jobs" => &self.jobs,
            "cronjobs" => &self.cronjobs,
            "services" => &self.services,
            "endpoints" => &self.endpoints,
            "persistentvolumeclaims" => &self.pvcs,
            "horizontalpodautoscalers" => &self.hpas,
            "ingresses" => &self.ingresses,
            "nodes" => &self.nodes,
            "storageclasses" => &self.storage_classes,
            _ => return None,
        })
    }

    pub fn logs_of(&self, namespace: &str, pod: &str, container: &str) -> Vec<&LogTail> {
        self.logs
            .iter()
            .filter(|l| l.namespace == namespace && l.pod == pod && l.container == container)
            .collect()
    }
}

/// Streams `{"items": [...]}` into a [`Collected`], object by object.
struct ListSeed<'c>(&'c mut Collected);

impl<'de> serde::de::DeserializeSeed<'de> for ListSeed<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for ListSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of Kubernetes objects")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let c = self.0;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "items" {
                map.next_value_seed(ItemsSeed(&mut *c))?;
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct ItemsSeed<'c>(&'c mut Collected);

impl<'de> serde::de::DeserializeSeed<'de> for ItemsSeed<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for ItemsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of objects")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(obj) = seq.next_element::<Object>()? {
            self.0.file(obj);
        }
        Ok(())
    }
}

const PRINTED_NOTHING: &str = "kubectl printed nothing where JSON was expected; check that \
     KUBECTL_PATH (or kubectl on PATH) is a working kubectl";

/// Parses kubectl JSON output into typed structs. Typed parsing is the fast path;
/// if it fails (a `null` where a list was expected, say), the document is read as a
/// generic tree, nulls are dropped, and it is tried again.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        anyhow::bail!("{PRINTED_NOTHING}");
    }
    match serde_json::from_slice::<T>(bytes) {
        Ok(value) => Ok(value),
        Err(first) => {
            let mut tree: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
                anyhow::anyhow!(
                    "kubectl printed something that is not JSON ({e}); it begins {}",
                    crate::shown::value(&String::from_utf8_lossy(&bytes[..bytes.len().min(400)]))
                )
            })?;
            drop_nulls(&mut tree);
            serde_json::from_value(tree).with_context(|| format!("unexpected JSON shape ({first})"))
        }
    }
}

fn drop_nulls(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        serde_json::Value::Array(list) => {
            list.retain(|v| !v.is_null());
            list.iter_mut().for_each(drop_nulls);
        }
        _ => {}
    }
}

/// The read-only calls collection makes, as argv after `kubectl`: the ones it
/// always makes, then the ones it makes only when needed (with when), for
/// `--explain` to show without running anything.
pub fn planned_calls(request: &DiagnoseRequest) -> Vec<(Vec<String>, Option<&'static str>)> {
    let scope = scope_args(request);
    let mut calls = vec![
        (
            args(&["get", &NAMESPACED_KINDS.join(","), "-o", "json"], &scope),
            None,
        ),
        (args(&["get", "events", "-o", "json"], &scope), None),
        (
            args(&["get", "nodes,storageclasses", "-o", "json"], &[]),
            None,
        ),
    ];
    if !request.all_namespaces {
        calls.push((
            args(NAMESPACE_NAMES, &[]),
            Some("only when the namespace holds nothing: does it exist?"),
        ));
        if let Some(ns) = &request.namespace {
            calls.push((
                args(&["get", "namespace", ns, "-o", "name"], &[]),
                Some("only when, in addition, namespaces may not be listed"),
            ));
        }
    }
    calls.push((
        args(
            &["get", "secrets", "-o", SECRET_COLUMNS, "--no-headers"],
            &scope,
        ),
        Some("only when an ingress names a TLS secret: secret names, never their data"),
    ));
    let mut logs = vec!["logs", "POD"];
    if let Some(ns) = &request.namespace
        && !request.all_namespaces
    {
        logs.extend(["-n", ns]);
    } else {
        logs.extend(["-n", "NAMESPACE"]);
    }
    let tail = format!("--tail={LOG_TAIL_LINES}");
    logs.extend(["-c", "CONTAINER", &tail]);
    calls.push((
        args(&logs, &["--previous".to_string()]),
        Some("for at most 5 crashing containers, with and without --previous"),
    ));
    calls
}

/// `kubectl get namespaces -o name`: whether a namespace exists, and the names to suggest.
pub const NAMESPACE_NAMES: &[&str] = &["get", "namespaces", "-o", "name"];

const SECRET_COLUMNS: &str = "custom-columns=NAMESPACE:.metadata.namespace,NAME:.metadata.name";

fn scope_args(request: &DiagnoseRequest) -> Vec<String> {
    if request.all_namespaces {
        vec!["-A".into()]
    } else if let Some(ns) = &request.namespace {
        vec!["-n".into(), ns.clone()]
    } else {
        Vec::new()
    }
}

fn is_timeout(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<crate::kubectl::KubectlError>(),
            Some(crate::kubectl::KubectlError::TimedOut { .. })
        )
    })
}

fn args(parts: &[&str], scope: &[String]) -> Vec<String> {
    parts
        .iter()
        .map(|s| s.to_string())
        .chain(scope.iter().cloned())
        .collect()
}

/// Runs the collection calls.
pub async fn collect(
    reader: &impl Reader,
    request: &DiagnoseRequest,
    now: i64,
) -> Result<Collected> {
    let scope = scope_args(request);
    let mut c = Collected {
        now,
        namespace_scoped: !request.all_namespaces,
        ..Collected::default()
    };

    // 1. Every namespaced kind at once; kind by kind only if that fails.
    let all = NAMESPACED_KINDS.join(",");
    match reader
        .read(&args(&["get", &all, "-o", "json"], &scope))
        .await
    {
        Ok(out) => c
            .add_json(&out)
            .context("reading the objects kubectl listed")?,
        // A cluster that does not answer in time won't answer kind by kind
        // either: asking again would multiply the wait by the number of kinds.
        Err(first) if is_timeout(&first) => {
            return Err(first.context("kubectl could not list the objects to diagnose"));
        }
        Err(first) => {
            let mut read_any = false;
            let mut last_error = first;
            for kind in NAMESPACED_KINDS {
                match reader
                    .read(&args(&["get", kind, "-o", "json"], &scope))
                    .await
                {
                    Ok(out) => {
                        c.add_json(&out)
                            .with_context(|| format!("reading {kind}"))?;
                        read_any = true;
                    }
                    Err(e) => {
                        c.notes
                            .push(format!("{kind} could not be read: {}", reason(&e)));
                        c.unread.push(kind);
                        last_error = e;
                    }
                }
            }
            if !read_any {
                return Err(last_error.context("kubectl could not list the objects to diagnose"));
            }
        }
    }

    // 2. Events.
    match reader
        .read(&args(&["get", "events", "-o", "json"], &scope))
        .await
    {
        Ok(out) => c.events = parse::<EventList>(&out).context("reading events")?.items,
        Err(e) => {
            c.notes
                .push(format!("events could not be read: {}", reason(&e)));
            c.unread.push("events");
        }
    }

    // 3. Cluster-scoped: nodes and storage classes (namespace users often may not).
    let cluster = ["get", "nodes,storageclasses", "-o", "json"].map(String::from);
    match reader.read(&cluster).await {
        Ok(out) => {
            c.add_json(&out)
                .context("reading nodes and storage classes")?;
            c.storage_classes_read = true;
        }
        Err(first) => match reader
            .read(&["get", "nodes", "-o", "json"].map(String::from))
            .await
        {
            Ok(out) => {
                c.add_json(&out).context("reading nodes")?;
                c.notes.push(format!(
                    "storage classes could not be read: {}",
                    reason(&first)
                ));
                c.unread.push("storageclasses");
            }
            Err(e) => {
                c.notes
                    .push(format!("nodes could not be read: {}", reason(&e)));
                c.unread.extend(["nodes", "storageclasses"]);
            }
        },
    }

    // 4. Secret names, only when an ingress names a TLS secret.
    if c.ingresses
        .iter()
        .any(|i| i.spec.tls.iter().any(|t| t.secret_name.is_some()))
    {
        let call = args(
            &["get", "secrets", "-o", SECRET_COLUMNS, "--no-headers"],
            &scope,
        );
        match reader.read(&call).await {
            Ok(out) => {
                let text = String::from_utf8_lossy(&out);
                let names = text
                    .lines()
                    .filter_map(|l| {
                        let mut parts = l.split_whitespace();
                        Some((parts.next()?.to_string(), parts.next()?.to_string()))
                    })
                    .collect();
                c.secret_names = Some(names);
            }
            Err(e) => c
                .notes
                .push(format!("secret names could not be read: {}", reason(&e))),
        }
    }

    // 5. Logs of crashing containers: a bounded tail, current and previous.
    for (namespace, pod, container) in crashing_containers(&c.pods).into_iter().take(MAX_LOG_PODS) {
        for previous in [true, false] {
            let mut call = vec![
                "logs".to_string(),
                pod.clone(),
                "-n".into(),
                namespace.clone(),
                "-c".into(),
                container.clone(),
                format!("--tail={LOG_TAIL_LINES}"),
            ];
            if previous {
                call.push("--previous".into());
            }
            // A container with no previous instance (or no logs yet) is not an error.
            if let Ok(out) = reader.read(&call).await {
                let lines: Vec<String> = String::from_utf8_lossy(&out)
                    .lines()
                    .rev()
                    .take(LOG_TAIL_LINES)
                    .map(str::to_string)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                if !lines.is_empty() {
                    c.logs.push(LogTail {
                        namespace: namespace.clone(),
                        pod: pod.clone(),
                        container: container.clone(),
                        previous,
                        lines,
                    });
                }
            }
        }
    }
    Ok(c)
}

/// Containers that are crash-looping or have terminated with an error, one per
/// workload (pods of one deployment crash for the same reason), most restarts first.
pub fn crashing_containers(pods: &[Object]) -> Vec<(String, String, String)> {
    type Candidate = (i64, i64, String, (String, String, String));
    let mut candidates: Vec<Candidate> = Vec::new();
    for pod in pods {
        for cs in &pod.status.container_statuses {
            let waiting = cs.state.waiting.as_ref().map(|w| w.reason.as_str());
            let crashed = waiting == Some("CrashLoopBackOff")
                || cs
                    .state
                    .terminated
                    .as_ref()
                    .is_some_and(|t| t.exit_code.unwrap_or(0) != 0)
                || (cs.restart_count >= 3
                    && cs
                        .last_state
                        .terminated
                        .as_ref()
                        .is_some_and(|t| t.reason == "Error"));
            if crashed {
                let owner = pod
                    .controller()
                    .map(|o| format!("{}/{}", o.kind, o.name))
                    .unwrap_or_else(|| format!("Pod/{}", pod.name()));
                let finished = cs
                    .state
                    .terminated
                    .as_ref()
                    .or(cs.last_state.terminated.as_ref())
                    .and_then(|t| t.finished_at.as_deref())
                    .and_then(super::objects::parse_time)
                    .unwrap_or(0);
                candidates.push((
                    cs.restart_count,
                    finished,
                    format!("{}/{owner}", pod.namespace()),
                    (
                        pod.namespace().to_string(),
                        pod.name().to_string(),
                        cs.name.clone(),
                    ),
                ));
            }
        }
    }
    // Most restarts first, then the most recent failure.
    candidates.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| b.1.cmp(&a.1))
            .then_with(|| a.3.cmp(&b.3))
    });
    let mut seen = BTreeSet::new();
    candidates
        .into_iter()
        .filter(|(_, _, owner, _)| seen.insert(owner.clone()))
        .map(|(_, _, _, key)| key)
        .collect()
}

/// The longest reason kept in a note, in characters: far more than any
/// kubectl error line, so a Forbidden reason is never cut.
const MAX_REASON_CHARS: usize = 2000;

/// Why a read failed, for a note: kubectl's own stderr, whole (repeated
/// client-go log lines dropped), sanitized and redacted; the error itself when
/// kubectl did not get to say anything.
pub fn reason(e: &anyhow::Error) -> String {
    let said = e.chain().find_map(|cause| match cause.downcast_ref() {
        Some(crate::kubectl::KubectlError::Failed { stderr, status, .. }) => {
            let stderr = crate::kubectl::condense_stderr(stderr);
            Some(if stderr.is_empty() {
                format!(
                    "kubectl failed with {} and printed nothing on stderr",
                    crate::kubectl::describe_status(*status)
                )
            } else {
                stderr
            })
        }
        _ => None,
    });
    let text = said.unwrap_or_else(|| format!("{e:#}"));
    let lines: Vec<String> = text
        .lines()
        .map(super::text::sanitize)
        .filter(|l| !l.trim().is_empty())
        .collect();
    super::text::truncate(&super::text::redact(&lines.join("; ")), MAX_REASON_CHARS)
}
