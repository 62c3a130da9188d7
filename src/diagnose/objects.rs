//! The few fields of Kubernetes objects that diagnose reads, and nothing more.
//!
//! kubectl prints whole objects; a 10,000-pod namespace is tens of megabytes of
//! JSON. Deserializing straight into these structs (unknown fields skipped, every
//! field defaulted) is several times faster and leaner than building a
//! `serde_json::Value` tree, and an odd or partial object never fails the run: a
//! missing field reads as empty. The multi-kind `kubectl get` returns a mixed list,
//! so [`Object`] is the union of the fields the analyzers need across kinds; the
//! only field whose shape differs between kinds (`spec.selector`: a label selector
//! on workloads, a plain map on services) is read by a small custom deserializer.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

/// A `kind: List` (or any `items` holder) as `kubectl get -o json` prints it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct List {
    pub items: Vec<Object>,
}

/// One object of any of the collected kinds.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct Object {
    pub kind: String,
    pub metadata: Meta,
    // Boxed: most of the union is empty for any one kind, and the per-kind lists
    // stay small while they grow.
    pub spec: Box<Spec>,
    pub status: Box<Status>,
    /// Endpoints keep their addresses at the top level.
    pub subsets: Vec<Subset>,
}

impl Object {
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    pub fn namespace(&self) -> &str {
        &self.metadata.namespace
    }

    /// The status condition of this type, if the object reports it.
    pub fn condition(&self, kind: &str) -> Option<&Condition> {
        self.status.conditions.iter().find(|c| c.type_ == kind)
    }

    /// The owner marked `controller: true` (or the first owner).
    pub fn controller(&self) -> Option<&OwnerRef> {
        let owners = &self.metadata.owner_references;
        owners
            .iter()
            .find(|o| o.controller)
            .or_else(|| owners.first())
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.metadata.annotations.get(key).map(String::as_str)
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Meta {
    pub name: String,
    pub namespace: String,
    pub uid: String,
    pub creation_timestamp: Option<String>,
    pub deletion_timestamp: Option<String>,
    pub labels: BTreeMap<String, String>,
    /// Only the annotations diagnose reads ([`KEPT_ANNOTATIONS`]); others (such as
    /// `last-applied-configuration`, a whole object) are skipped while parsing.
    #[serde(deserialize_with = "kept_annotations")]
    pub annotations: BTreeMap<String, String>,
    pub owner_references: Vec<OwnerRef>,
    pub generation: i64,
}

/// The annotations the analyzers use.
pub const KEPT_ANNOTATIONS: &[&str] = &[
    "deployment.kubernetes.io/revision",
    "storageclass.kubernetes.io/is-default-class",
];

fn kept_annotations<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    struct Keep;
    impl<'de> serde::de::Visitor<'de> for Keep {
        type Value = BTreeMap<String, String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map of annotations")
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if KEPT_ANNOTATIONS.contains(&key.as_ref()) {
                    let value: Option<String> = map.next_value()?;
                    out.insert(key.into_owned(), value.unwrap_or_default());
                } else {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
            Ok(out)
        }
    }
    d.deserialize_any(Keep)
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct OwnerRef {
    pub kind: String,
    pub name: String,
    pub controller: bool,
}

/// The union of the `spec` fields used across kinds.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Spec {
    // Pods (and, through `template`, workloads).
    pub containers: Vec<Container>,
    pub init_containers: Vec<Container>,
    pub node_name: String,
    // Workloads.
    pub replicas: Option<i64>,
    #[serde(deserialize_with = "selector")]
    pub selector: Selector,
    pub template: Option<Box<PodTemplate>>,
    pub paused: bool,
    // Jobs and CronJobs.
    pub backoff_limit: Option<i64>,
    pub suspend: Option<bool>,
    pub schedule: String,
    // Services.
    pub ports: Vec<ServicePort>,
    #[serde(rename = "type")]
    pub type_: String,
    // PersistentVolumeClaims.
    pub storage_class_name: Option<String>,
    pub volume_name: String,
    // HorizontalPodAutoscalers.
    pub scale_target_ref: Option<TargetRef>,
    pub min_replicas: Option<i64>,
    pub max_replicas: Option<i64>,
    // Ingresses.
    pub rules: Vec<IngressRule>,
    pub tls: Vec<IngressTls>,
    pub default_backend: Option<IngressBackend>,
    pub ingress_class_name: Option<String>,
    // Nodes.
    pub unschedulable: bool,
}

/// A selector as either kind of object writes it: workloads use
/// `{matchLabels: {...}, matchExpressions: [...]}`, services a plain map.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Selector {
    pub labels: BTreeMap<String, String>,
    /// True when `matchExpressions` were present (diagnose does not evaluate them).
    pub has_expressions: bool,
}

fn selector<'de, D: Deserializer<'de>>(d: D) -> Result<Selector, D::Error> {
    let raw = Option::<BTreeMap<String, serde_json::Value>>::deserialize(d)?.unwrap_or_default();
    let mut out = Selector::default();
    for (key, value) in raw {
        match (key.as_str(), value) {
            ("matchLabels", serde_json::Value::Object(map)) => {
                for (k, v) in map {
                    if let serde_json::Value::String(v) = v {
                        out.labels.insert(k, v);
                    }
                }
            }
            ("matchExpressions", serde_json::Value::Array(list)) => {
                out.has_expressions = !list.is_empty();
            }
            (_, serde_json::Value::String(v)) => {
                out.labels.insert(key, v);
            }
            _ => {}
        }
    }
    Ok(out)
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct PodTemplate {
    pub metadata: Meta,
    pub spec: PodSpec,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PodSpec {
    pub containers: Vec<Container>,
    pub init_containers: Vec<Container>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Container {
    pub name: String,
    pub image: String,
    pub ports: Vec<ContainerPort>,
    pub resources: ResourceRequirements,
    /// Only literal values matter here: they are scrubbed from every piece of
    /// evidence (a log line that prints its own env must not carry it further).
    pub env: Vec<EnvVar>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct EnvVar {
    pub name: String,
    pub value: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContainerPort {
    pub name: String,
    pub container_port: i64,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ResourceRequirements {
    pub limits: ResourceList,
    pub requests: ResourceList,
}

/// CPU and memory quantities, as written (`"500m"`, `"128Mi"`, or a bare number).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ResourceList {
    #[serde(deserialize_with = "quantity")]
    pub cpu: Option<String>,
    #[serde(deserialize_with = "quantity")]
    pub memory: Option<String>,
}

fn quantity<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

impl ResourceRequirements {
    pub fn limit(&self, resource: &str) -> Option<String> {
        match resource {
            "cpu" => self.limits.cpu.clone(),
            "memory" => self.limits.memory.clone(),
            _ => None,
        }
    }

    pub fn request(&self, resource: &str) -> Option<String> {
        match resource {
            "cpu" => self.requests.cpu.clone(),
            "memory" => self.requests.memory.clone(),
            _ => None,
        }
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ServicePort {
    pub name: String,
    pub port: i64,
    /// A number or the name of a container port.
    pub target_port: Option<serde_json::Value>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct TargetRef {
    pub kind: String,
    pub name: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct IngressRule {
    pub host: String,
    pub http: Option<IngressHttp>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct IngressHttp {
    pub paths: Vec<IngressPath>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct IngressPath {
    pub path: String,
    pub backend: IngressBackend,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct IngressBackend {
    pub service: Option<IngressServiceBackend>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct IngressServiceBackend {
    pub name: String,
    pub port: IngressPort,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct IngressPort {
    pub number: Option<i64>,
    pub name: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct IngressTls {
    pub hosts: Vec<String>,
    pub secret_name: Option<String>,
}

/// The union of the `status` fields used across kinds.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Status {
    pub phase: String,
    pub reason: String,
    pub message: String,
    pub conditions: Vec<Condition>,
    pub container_statuses: Vec<ContainerStatus>,
    pub init_container_statuses: Vec<ContainerStatus>,
    pub start_time: Option<String>,
    // Deployments, ReplicaSets, StatefulSets.
    pub replicas: Option<i64>,
    pub ready_replicas: Option<i64>,
    pub available_replicas: Option<i64>,
    pub unavailable_replicas: Option<i64>,
    pub updated_replicas: Option<i64>,
    pub current_revision: String,
    pub update_revision: String,
    // DaemonSets.
    pub desired_number_scheduled: Option<i64>,
    pub number_ready: Option<i64>,
    pub number_available: Option<i64>,
    pub number_unavailable: Option<i64>,
    // Jobs.
    pub active: Option<i64>,
    pub succeeded: Option<i64>,
    pub failed: Option<i64>,
    // HPAs.
    pub current_replicas: Option<i64>,
    pub desired_replicas: Option<i64>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Condition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    pub reason: String,
    pub message: String,
    pub last_transition_time: Option<String>,
}

impl Condition {
    pub fn is_true(&self) -> bool {
        self.status == "True"
    }

    pub fn is_false(&self) -> bool {
        self.status == "False"
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContainerStatus {
    pub name: String,
    pub image: String,
    pub ready: bool,
    pub started: Option<bool>,
    pub restart_count: i64,
    pub state: ContainerState,
    pub last_state: ContainerState,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ContainerState {
    pub waiting: Option<StateDetail>,
    pub running: Option<StateDetail>,
    pub terminated: Option<StateDetail>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StateDetail {
    pub reason: String,
    pub message: String,
    pub exit_code: Option<i64>,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
}

/// Endpoints addresses of one subset.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Subset {
    pub addresses: Vec<serde::de::IgnoredAny>,
    pub not_ready_addresses: Vec<serde::de::IgnoredAny>,
}

/// A list of core/v1 events.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EventList {
    pub items: Vec<Event>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Event {
    pub metadata: EventMeta,
    pub involved_object: InvolvedObject,
    pub reason: String,
    pub message: String,
    #[serde(rename = "type")]
    pub type_: String,
    pub count: Option<i64>,
    pub first_timestamp: Option<String>,
    pub last_timestamp: Option<String>,
    pub event_time: Option<String>,
    pub series: Option<EventSeries>,
}

impl Event {
    pub fn is_warning(&self) -> bool {
        self.type_ == "Warning"
    }

    /// How many times this event happened (series and count both count).
    pub fn times(&self) -> i64 {
        self.series
            .as_ref()
            .and_then(|s| s.count)
            .or(self.count)
            .unwrap_or(1)
            .max(1)
    }

    /// The most recent time this event was seen.
    pub fn last_seen(&self) -> Option<&str> {
        self.series
            .as_ref()
            .and_then(|s| s.last_observed_time.as_deref())
            .or(self.last_timestamp.as_deref())
            .or(self.event_time.as_deref())
            .or(self.metadata.creation_timestamp.as_deref())
    }
}

/// The two metadata fields of an event that matter.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EventMeta {
    pub namespace: String,
    pub creation_timestamp: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct InvolvedObject {
    pub kind: String,
    pub name: String,
    pub namespace: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EventSeries {
    pub count: Option<i64>,
    pub last_observed_time: Option<String>,
}

/// Parses an RFC 3339 timestamp (`2024-05-01T10:00:00Z`, fractions and offsets
/// allowed) into seconds since the Unix epoch.
pub fn parse_time(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { text.get(r)?.parse().ok() };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    let mut rest = &text[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(frac.len());
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" | "" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let h: i64 = rest.get(1..3)?.parse().ok()?;
            let m: i64 = rest.get(4..6)?.parse().ok()?;
            sign * (h * 3600 + m * 60)
        }
    };
    // Days from civil (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse_to_epoch_seconds() {
        assert_eq!(parse_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_time("2024-03-01T12:30:15Z"), Some(1_709_296_215));
        assert_eq!(
            parse_time("2024-03-01T12:30:15.123456Z"),
            Some(1_709_296_215)
        );
        assert_eq!(parse_time("2024-03-01T14:30:15+02:00"), Some(1_709_296_215));
        assert_eq!(parse_time("yesterday"), None);
    }

    #[test]
    fn selectors_of_both_shapes_parse() {
        let obj: Object = serde_json::from_str(
            r#"{"kind":"Deployment","spec":{"selector":{"matchLabels":{"app":"web"}}}}"#,
        )
        .unwrap();
        assert_eq!(obj.spec.selector.labels.get("app").unwrap(), "web");
        let svc: Object =
            serde_json::from_str(r#"{"kind":"Service","spec":{"selector":{"app":"api"}}}"#)
                .unwrap();
        assert_eq!(svc.spec.selector.labels.get("app").unwrap(), "api");
        let none: Object =
            serde_json::from_str(r#"{"kind":"Service","spec":{"selector":null}}"#).unwrap();
        assert!(none.spec.selector.labels.is_empty());
    }

    #[test]
    fn odd_objects_do_not_fail_the_list() {
        let list: List = serde_json::from_str(
            r#"{"items":[{"kind":"Pod","metadata":{"name":"a","labels":{}},"status":{}},{"kind":"Weird","spec":{"whatever":[1,2]}}, {}]}"#,
        )
        .unwrap();
        assert_eq!(list.items.len(), 3);
    }
}
