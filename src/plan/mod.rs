//! The typed vocabulary every understanding produces and everything after it consumes.
//!
//! A sentence (through the offline rules or a model) or a plan file becomes a
//! [`Plan`]: an ordered list of [`Operation`]s drawn from a closed vocabulary. Nothing
//! outside this vocabulary can be expressed, so nothing outside it can run: the model
//! picks operations and fills typed fields, and code (never the model) builds the
//! kubectl argv from them. The serde form of these types is the plan-file format
//! (`--plan`, `--save-plan`) and, made strict, the model's structured-output schema.

pub mod equivalent;
pub mod interactive;
pub mod kinds;
pub mod restore;
pub mod schema;
pub mod summary;
pub mod validate;

use serde::{Deserialize, Serialize};

/// An ordered list of operations; changes are previewed together and applied in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub operations: Vec<Operation>,
}

impl Plan {
    pub fn new(operations: Vec<Operation>) -> Plan {
        Plan { operations }
    }

    pub fn single(operation: Operation) -> Plan {
        Plan {
            operations: vec![operation],
        }
    }

    /// True when any operation changes the cluster (and so needs a preview and consent).
    pub fn has_changes(&self) -> bool {
        self.operations.iter().any(Operation::is_change)
    }
}

/// One step of a plan. `op` names the verb; the remaining fields are its arguments.
///
/// `kind` fields hold a resource kind as a person would say it (`deployment`,
/// `deploy`, `pods`, `svc`…); validation resolves it against [`kinds`]. `namespace`
/// of `None` means "the namespace of the command line or the current context".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Operation {
    // ---- reads -------------------------------------------------------------
    /// `kubectl get KIND[,KIND] [NAME]`
    Get {
        kinds: Vec<String>,
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        namespace: Option<String>,
        #[serde(default)]
        all_namespaces: bool,
        /// Label selector, e.g. `app=web,tier!=db`.
        #[serde(default)]
        selector: Option<String>,
        /// Field selector, e.g. `status.phase!=Running`.
        #[serde(default)]
        field_selector: Option<String>,
        #[serde(default)]
        output: Option<OutputFormat>,
        /// Custom columns as (header, JSON path) pairs, e.g. ("IMAGE", ".spec.containers[*].image").
        #[serde(default)]
        columns: Vec<Column>,
        /// A jsonpath template, e.g. `{.items[*].spec.containers[*].image}`.
        #[serde(default)]
        jsonpath: Option<String>,
        /// A JSON path to sort by, e.g. `.metadata.creationTimestamp`.
        #[serde(default)]
        sort_by: Option<String>,
        #[serde(default)]
        show_labels: bool,
    },
    /// `kubectl describe KIND [NAME]`
    Describe {
        kind: String,
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        namespace: Option<String>,
        #[serde(default)]
        selector: Option<String>,
    },
    /// `kubectl logs POD` or `kubectl logs KIND/NAME`
    Logs {
        /// `pod` unless the logs of a workload's pod are wanted (`deployment`, `statefulset`, `job`…).
        #[serde(default = "default_pod_kind")]
        kind: String,
        name: String,
        #[serde(default)]
        namespace: Option<String>,
        #[serde(default)]
        container: Option<String>,
        #[serde(default)]
        all_containers: bool,
        /// Number of most recent lines.
        #[serde(default)]
        tail: Option<i64>,
        /// A duration such as `15m`, `1h`, `30s`.
        #[serde(default)]
        since: Option<String>,
        #[serde(default)]
        previous: bool,
        /// Keep streaming new lines (`-f`) until Ctrl-C: the terminal is handed to kubectl.
        #[serde(default)]
        follow: bool,
    },
    /// `kubectl get events --sort-by=.lastTimestamp`
    Events {
        #[serde(default)]
        namespace: Option<String>,
        #[serde(default)]
        all_namespaces: bool,
        #[serde(default)]
        warnings_only: bool,
        /// Only the events about this object.
        #[serde(default)]
        object: Option<ObjectRef>,
    },
    /// `kubectl top pods|nodes`
    Top {
        resource: TopResource,
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        namespace: Option<String>,
        #[serde(default)]
        all_namespaces: bool,
        #[serde(default)]
        selector: Option<String>,
        /// `cpu` or `memory`.
        #[serde(default)]
        sort_by: Option<String>,
        #[serde(default)]
        containers: bool,
    },
    /// `kubectl rollout status KIND NAME`
    RolloutStatus {
        #[serde(default = "default_deployment_kind")]
        kind: String,
        name: String,
        #[serde(default)]
        namespace: Option<String>,
    },
    /// `kubectl rollout history KIND NAME`
    RolloutHistory {
        #[serde(default = "default_deployment_kind")]
        kind: String,
        name: String,
        #[serde(default)]
        namespace: Option<String>,
        #[serde(default)]
        revision: Option<i64>,
    },
    /// `kubectl get endpoints SERVICE`
    Endpoints {
        service: String,
        #[serde(default)]
        namespace: Option<String>,
    },
    /// `kubectl config get-contexts` or `kubectl config current-context`
    Contexts {
        #[serde(default)]
        current_only: bool,
    },
    /// `kubectl api-resources`
    ApiResources {
        #[serde(default)]
        namespaced: Option<bool>,
    },
    /// `kubectl explain FIELD.PATH`
    Explain {
        /// e.g. `deployment.spec.strategy`
        field: String,
        #[serde(default)]
        recursive: bool,
    },
    /// The current context's namespace (`default` when it sets none).
    CurrentNamespace {},
    /// `kubectl version`: the client's and the cluster's versions.
    Version {},
    /// `kubectl port-forward KIND/NAME LOCAL[:REMOTE]` on loopback, until Ctrl-C.
    PortForward(interactive::PortForward),

    // ---- changes -----------------------------------------------------------
    /// `kubectl create deployment NAME --image=IMAGE [--replicas=N] [--port=P]`
    CreateDeployment {
        name: String,
        #[serde(default)]
        namespace: Option<String>,
        image: String,
        #[serde(default)]
        replicas: Option<i64>,
        #[serde(default)]
        port: Option<i64>,
    },
    /// `kubectl run NAME --image=IMAGE [--port=P]`
    RunPod {
        name: String,
        #[serde(default)]
        namespace: Option<String>,
        image: String,
        #[serde(default)]
        port: Option<i64>,
        #[serde(default)]
        labels: Vec<KeyValue>,
        #[serde(default)]
        env: Vec<KeyValue>,
    },
    /// `kubectl apply -f -` with the given objects (any kind the cluster serves).
    Apply {
        objects: Vec<serde_json::Value>,
        #[serde(default)]
        namespace: Option<String>,
    },
    /// `kubectl scale KIND NAME --replicas=N`
    Scale {
        #[serde(default = "default_deployment_kind")]
        kind: String,
        name: String,
        #[serde(default)]
        namespace: Option<String>,
        replicas: ReplicaChange,
    },
    /// `kubectl autoscale KIND NAME --min=N --max=M --cpu-percent=P`
    Autoscale {
        #[serde(default = "default_deployment_kind")]
        kind: String,
        name: String,
        #[serde(default)]
        namespace: Option<String>,
        #[serde(default)]
        min: Option<i64>,
        max: i64,
        #[serde(default)]
        cpu_percent: Option<i64>,
    },
    /// `kubectl set image KIND NAME CONTAINER=IMAGE` (`*=IMAGE` when `container` is None).
    SetImage {
        #[serde(default = "default_deployment_kind")]
        kind: String,
        name: String,
        #[serde(default)]
        namespace: Option<String>,
        #[serde(default)]
        container: Option<String>,
        image: String,
    },
    /// `kubectl set env KIND NAME K=V ... K-`
    SetEnv {
        #[serde(default = "default_deployment_kind")]
        kind: String,
        name: String,
        #[serde(default)]
        namespace: Option<String>,
        #[serde(default)]
        container: Option<String>,
        #[serde(default)]
        set: Vec<KeyValue>,
        #[serde(default)]
        remove: Vec<String>,
    },
    /// `kubectl set resources KIND NAME --requests=... --limits=...`
    SetResources {
        #[serde(default = "default_deployment_kind")]
        kind: String,
        name: String,
        #[serde(default)]
        namespace: Option<String>,
        #[serde(default)]
        container: Option<String>,
        #[serde(default)]
        requests: Resources,
        #[serde(default)]
        limits: Resources,
    },
    /// `kubectl rollout restart KIND NAME`
    RolloutRestart {
        #[serde(default = "default_deployment_kind")]
        kind: String,
        name: String,
        #[serde(default)]
        namespace: Option<String>,
    },
    /// `kubectl rollout undo KIND NAME [--to-revision=N]`
    RolloutUndo {
        #[serde(default = "default_deployment_kind")]
        kind: String,
        name: String,
        #[serde(default)]
        namespace: Option<String>,
        #[serde(default)]
        to_revision: Option<i64>,
    },
    /// `kubectl expose KIND NAME --port=P [--target-port=T] [--type=TYPE] [--name=SVC]`
    Expose {
        #[serde(default = "default_deployment_kind")]
        kind: String,
        name: String,
        #[serde(default)]
        namespace: Option<String>,
        port: i64,
        #[serde(default)]
        target_port: Option<i64>,
        #[serde(default)]
        service_type: Option<ServiceType>,
        #[serde(default)]
        service_name: Option<String>,
    },
    /// `kubectl label KIND NAME k=v k-`
    Label(MetadataEdit),
    /// `kubectl annotate KIND NAME k=v k-`
    Annotate(MetadataEdit),
    /// `kubectl delete KIND NAME` or `kubectl delete KIND -l SELECTOR`
    Delete {
        kind: String,
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        namespace: Option<String>,
        #[serde(default)]
        selector: Option<String>,
    },
    /// `kubectl create namespace NAME`
    CreateNamespace { name: String },
    /// `kubectl create configmap NAME --from-literal=k=v ...`
    CreateConfigMap {
        name: String,
        #[serde(default)]
        namespace: Option<String>,
        data: Vec<KeyValue>,
    },
    /// `kubectl create secret generic NAME --from-literal=k=v ...` (values are never shown).
    CreateSecret {
        name: String,
        #[serde(default)]
        namespace: Option<String>,
        data: Vec<KeyValue>,
    },
    /// `kubectl cordon NODE`
    Cordon { node: String },
    /// `kubectl uncordon NODE`
    Uncordon { node: String },
    /// `kubectl drain NODE --ignore-daemonsets`
    Drain {
        node: String,
        #[serde(default = "default_true")]
        ignore_daemonsets: bool,
        #[serde(default)]
        delete_emptydir_data: bool,
    },
    /// `kubectl taint nodes NODE key[=value]:Effect` (or `key:Effect-` to remove)
    Taint {
        node: String,
        key: String,
        #[serde(default)]
        value: Option<String>,
        effect: TaintEffect,
        #[serde(default)]
        remove: bool,
    },
    /// `kubectl patch KIND NAME --type=merge|strategic -p PATCH`: the escape hatch.
    Patch {
        kind: String,
        name: String,
        #[serde(default)]
        namespace: Option<String>,
        #[serde(default)]
        patch_type: PatchType,
        patch: serde_json::Value,
    },
    /// `kubectl config use-context NAME`
    UseContext { context: String },
    /// `kubectl config set-context --current --namespace NS`: the current context's namespace.
    UseNamespace { namespace: String },
    /// `kubectl exec KIND/NAME [-c C] [-it] -- COMMAND...`: runs a command in a container.
    Exec(interactive::Exec),
    /// Puts one object back as the journal recorded it (`kubectl ai undo`; never from a model).
    Restore(restore::Restore),
}

fn default_pod_kind() -> String {
    "pod".to_string()
}

fn default_deployment_kind() -> String {
    "deployment".to_string()
}

fn default_true() -> bool {
    true
}

impl Operation {
    /// True for operations that change the cluster or the kubeconfig.
    pub fn is_change(&self) -> bool {
        !matches!(
            self,
            Operation::Get { .. }
                | Operation::Describe { .. }
                | Operation::Logs { .. }
                | Operation::Events { .. }
                | Operation::Top { .. }
                | Operation::RolloutStatus { .. }
                | Operation::RolloutHistory { .. }
                | Operation::Endpoints { .. }
                | Operation::Contexts { .. }
                | Operation::ApiResources { .. }
                | Operation::Explain { .. }
                | Operation::CurrentNamespace {}
                | Operation::Version {}
                | Operation::PortForward(_)
        )
    }

    /// The same operation aimed at another object of the same kind (a corrected name).
    pub fn renamed(&self, new_name: &str) -> Operation {
        let mut op = self.clone();
        match &mut op {
            Operation::Logs { name, .. }
            | Operation::RolloutStatus { name, .. }
            | Operation::RolloutHistory { name, .. }
            | Operation::Scale { name, .. }
            | Operation::Autoscale { name, .. }
            | Operation::SetImage { name, .. }
            | Operation::SetEnv { name, .. }
            | Operation::SetResources { name, .. }
            | Operation::RolloutRestart { name, .. }
            | Operation::RolloutUndo { name, .. }
            | Operation::Expose { name, .. }
            | Operation::Patch { name, .. } => *name = new_name.to_string(),
            Operation::Describe { name, .. }
            | Operation::Get { name, .. }
            | Operation::Delete { name, .. }
            | Operation::Label(MetadataEdit { name, .. })
            | Operation::Annotate(MetadataEdit { name, .. }) => {
                if name.is_some() {
                    *name = Some(new_name.to_string());
                }
            }
            Operation::Cordon { node }
            | Operation::Uncordon { node }
            | Operation::Drain { node, .. }
            | Operation::Taint { node, .. } => *node = new_name.to_string(),
            Operation::Endpoints { service, .. } => *service = new_name.to_string(),
            Operation::PortForward(forward) => forward.name = new_name.to_string(),
            Operation::Exec(exec) => exec.name = new_name.to_string(),
            Operation::Events { .. }
            | Operation::CurrentNamespace {}
            | Operation::Version {}
            | Operation::UseNamespace { .. }
            | Operation::Top { .. }
            | Operation::Contexts { .. }
            | Operation::ApiResources { .. }
            | Operation::Explain { .. }
            | Operation::CreateDeployment { .. }
            | Operation::RunPod { .. }
            | Operation::Apply { .. }
            | Operation::CreateNamespace { .. }
            | Operation::CreateConfigMap { .. }
            | Operation::CreateSecret { .. }
            | Operation::UseContext { .. }
            | Operation::Restore(_) => {}
        }
        op
    }

    /// The namespace the operation names itself, if any.
    pub fn namespace(&self) -> Option<&str> {
        match self {
            Operation::Get { namespace, .. }
            | Operation::Describe { namespace, .. }
            | Operation::Logs { namespace, .. }
            | Operation::Events { namespace, .. }
            | Operation::Top { namespace, .. }
            | Operation::RolloutStatus { namespace, .. }
            | Operation::RolloutHistory { namespace, .. }
            | Operation::Endpoints { namespace, .. }
            | Operation::CreateDeployment { namespace, .. }
            | Operation::RunPod { namespace, .. }
            | Operation::Apply { namespace, .. }
            | Operation::Scale { namespace, .. }
            | Operation::Autoscale { namespace, .. }
            | Operation::SetImage { namespace, .. }
            | Operation::SetEnv { namespace, .. }
            | Operation::SetResources { namespace, .. }
            | Operation::RolloutRestart { namespace, .. }
            | Operation::RolloutUndo { namespace, .. }
            | Operation::Expose { namespace, .. }
            | Operation::Label(MetadataEdit { namespace, .. })
            | Operation::Annotate(MetadataEdit { namespace, .. })
            | Operation::Delete { namespace, .. }
            | Operation::CreateConfigMap { namespace, .. }
            | Operation::CreateSecret { namespace, .. }
            | Operation::Patch { namespace, .. } => namespace.as_deref(),
            Operation::PortForward(forward) => forward.namespace.as_deref(),
            Operation::Exec(exec) => exec.namespace.as_deref(),
            Operation::Restore(restore) => restore.scope(),
            Operation::Contexts { .. }
            | Operation::ApiResources { .. }
            | Operation::Explain { .. }
            | Operation::CreateNamespace { .. }
            | Operation::Cordon { .. }
            | Operation::Uncordon { .. }
            | Operation::Drain { .. }
            | Operation::Taint { .. }
            | Operation::UseContext { .. }
            | Operation::CurrentNamespace {}
            | Operation::Version {}
            // The kubeconfig's namespace: nothing lands in it by this operation.
            | Operation::UseNamespace { .. } => None,
        }
    }

    /// The `op` tag of this operation, as it appears in plan files.
    pub fn verb(&self) -> &'static str {
        match self {
            Operation::Get { .. } => "get",
            Operation::Describe { .. } => "describe",
            Operation::Logs { .. } => "logs",
            Operation::Events { .. } => "events",
            Operation::Top { .. } => "top",
            Operation::RolloutStatus { .. } => "rollout_status",
            Operation::RolloutHistory { .. } => "rollout_history",
            Operation::Endpoints { .. } => "endpoints",
            Operation::Contexts { .. } => "contexts",
            Operation::ApiResources { .. } => "api_resources",
            Operation::Explain { .. } => "explain",
            Operation::CurrentNamespace {} => "current_namespace",
            Operation::Version {} => "version",
            Operation::PortForward(_) => "port_forward",
            Operation::CreateDeployment { .. } => "create_deployment",
            Operation::RunPod { .. } => "run_pod",
            Operation::Apply { .. } => "apply",
            Operation::Scale { .. } => "scale",
            Operation::Autoscale { .. } => "autoscale",
            Operation::SetImage { .. } => "set_image",
            Operation::SetEnv { .. } => "set_env",
            Operation::SetResources { .. } => "set_resources",
            Operation::RolloutRestart { .. } => "rollout_restart",
            Operation::RolloutUndo { .. } => "rollout_undo",
            Operation::Expose { .. } => "expose",
            Operation::Label(_) => "label",
            Operation::Annotate(_) => "annotate",
            Operation::Delete { .. } => "delete",
            Operation::CreateNamespace { .. } => "create_namespace",
            Operation::CreateConfigMap { .. } => "create_config_map",
            Operation::CreateSecret { .. } => "create_secret",
            Operation::Cordon { .. } => "cordon",
            Operation::Uncordon { .. } => "uncordon",
            Operation::Drain { .. } => "drain",
            Operation::Taint { .. } => "taint",
            Operation::Patch { .. } => "patch",
            Operation::UseContext { .. } => "use_context",
            Operation::UseNamespace { .. } => "use_namespace",
            Operation::Exec(_) => "exec",
            Operation::Restore(_) => "restore",
        }
    }
}

/// Adding and removing labels or annotations on one object or on every object a selector matches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetadataEdit {
    pub kind: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub selector: Option<String>,
    #[serde(default)]
    pub set: Vec<KeyValue>,
    #[serde(default)]
    pub remove: Vec<String>,
    /// Replace a value that is already set (`--overwrite`).
    #[serde(default)]
    pub overwrite: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyValue {
    pub key: String,
    pub value: String,
}

impl KeyValue {
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> KeyValue {
        KeyValue {
            key: key.into(),
            value: value.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub header: String,
    /// A JSON path such as `.spec.containers[*].image`.
    pub path: String,
}

/// A reference to one object, e.g. for "events of pod web-1".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectRef {
    pub kind: String,
    pub name: String,
}

/// CPU and memory quantities, e.g. `250m` and `512Mi`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    #[serde(default)]
    pub cpu: Option<String>,
    #[serde(default)]
    pub memory: Option<String>,
}

impl Resources {
    pub fn is_empty(&self) -> bool {
        self.cpu.is_none() && self.memory.is_none()
    }
}

/// The new replica count: absolute, or relative to the live count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ReplicaChange {
    /// Exactly this many.
    To(i64),
    /// The live count plus this many (negative scales down).
    By(i64),
    /// The live count plus this percentage of it (negative scales down), rounded up.
    ByPercent(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutputFormat {
    Wide,
    Yaml,
    Json,
    Name,
}

impl OutputFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Wide => "wide",
            OutputFormat::Yaml => "yaml",
            OutputFormat::Json => "json",
            OutputFormat::Name => "name",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TopResource {
    Pods,
    Nodes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum ServiceType {
    ClusterIP,
    NodePort,
    LoadBalancer,
}

impl ServiceType {
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::ClusterIP => "ClusterIP",
            ServiceType::NodePort => "NodePort",
            ServiceType::LoadBalancer => "LoadBalancer",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum TaintEffect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

impl TaintEffect {
    pub fn as_str(self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NoSchedule",
            TaintEffect::PreferNoSchedule => "PreferNoSchedule",
            TaintEffect::NoExecute => "NoExecute",
        }
    }
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PatchType {
    #[default]
    Strategic,
    Merge,
}

impl PatchType {
    pub fn as_str(self) -> &'static str {
        match self {
            PatchType::Strategic => "strategic",
            PatchType::Merge => "merge",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_round_trips_through_json() {
        let plan = Plan::new(vec![
            Operation::Scale {
                kind: "deployment".into(),
                name: "web".into(),
                namespace: Some("shop".into()),
                replicas: ReplicaChange::To(3),
            },
            Operation::Label(MetadataEdit {
                kind: "pod".into(),
                name: Some("web-1".into()),
                namespace: None,
                selector: None,
                set: vec![KeyValue::new("tier", "frontend")],
                remove: vec!["old".into()],
                overwrite: false,
            }),
        ]);
        let json = serde_json::to_string(&plan).unwrap();
        assert!(json.contains(r#""op":"scale""#), "{json}");
        assert!(json.contains(r#""replicas":{"to":3}"#), "{json}");
        let back: Plan = serde_json::from_str(&json).unwrap();
        assert_eq!(back, plan);
    }

    #[test]
    fn plan_files_may_omit_optional_fields() {
        let plan: Plan = serde_json::from_str(
            r#"{"operations":[{"op":"scale","name":"web","replicas":{"by_percent":50}}]}"#,
        )
        .unwrap();
        assert_eq!(
            plan.operations[0],
            Operation::Scale {
                kind: "deployment".into(),
                name: "web".into(),
                namespace: None,
                replicas: ReplicaChange::ByPercent(50),
            }
        );
    }

    #[test]
    fn unknown_operations_and_fields_are_refused() {
        let err = serde_json::from_str::<Plan>(r#"{"operations":[{"op":"shell","cmd":"sh"}]}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown variant `shell`"), "{err}");
        let err = serde_json::from_str::<Plan>(
            r#"{"operations":[{"op":"cordon","node":"n1","argv":["--all"]}]}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("unknown field `argv`"), "{err}");
    }

    #[test]
    fn reads_and_changes_are_told_apart() {
        assert!(!Operation::Contexts { current_only: true }.is_change());
        assert!(
            Operation::UseContext {
                context: "x".into()
            }
            .is_change()
        );
        assert!(Plan::single(Operation::Cordon { node: "n".into() }).has_changes());
    }
}
