//! `restore`: put one object back as the journal recorded it (what `kubectl ai undo` plans).
//!
//! Everything about the operation is here: its fields, validation, equivalent
//! command, summary and the kubectl requests its preview and apply send. It is a
//! plan operation like any other (so an undo is previewed from a fresh server dry
//! run, asked about and applied by the same code), but it is not in the model's
//! schema: a model never produces one. Three shapes:
//!
//! - `state` and `resource_version`: the object exists and must be at that
//!   version; it is replaced by `state` (`kubectl replace -f -`), keeping what the
//!   server maintains (status, uid, allocated IPs) from the live object;
//! - `resource_version` only: the object was created by the change being undone,
//!   so it is deleted (`kubectl delete KIND NAME`);
//! - `state` only: the object was deleted, so it is created again from `state`
//!   (`kubectl create -f -`); the server refuses if something has that name now.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::kinds::{self, KindInfo};
use crate::exit::UserError;

/// One object put back as it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Restore {
    /// The object's kind, e.g. `Deployment`.
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub namespace: Option<String>,
    /// The object as it should be (normalized: no status, no server-set fields);
    /// absent means the object should not exist.
    #[serde(default)]
    pub state: Option<Value>,
    /// The `resourceVersion` the object must have now; absent means it must not exist now.
    #[serde(default)]
    pub resource_version: Option<String>,
    /// The journal run this undoes, for the summary.
    #[serde(default)]
    pub run: Option<u64>,
}

/// What a restore does to its object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Replace the object with the recorded state.
    Replace,
    /// Delete the object (it did not exist before).
    Delete,
    /// Create the object again from the recorded state.
    Create,
}

/// What the server maintains on its own: kept from the live object on a replace,
/// dropped from a re-create (the preview's normalization drops the same).
const SERVER_METADATA: &[&str] = &[
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "generation",
    "managedFields",
    "selfLink",
];
const SERVER_ANNOTATIONS: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
];

impl Restore {
    pub fn action(&self) -> Action {
        match (&self.state, &self.resource_version) {
            (Some(_), Some(_)) => Action::Replace,
            (None, _) => Action::Delete,
            (Some(_), None) => Action::Create,
        }
    }

    fn info(&self) -> Result<&'static KindInfo, String> {
        kinds::lookup(&self.kind).ok_or_else(|| {
            format!(
                "restore: the kind {} is not one kubectl-ai knows",
                crate::shown::value(&self.kind)
            )
        })
    }

    /// `deployment/web`
    pub fn label(&self) -> String {
        let singular = kinds::lookup(&self.kind).map_or(self.kind.as_str(), |k| k.singular);
        format!("{singular}/{}", self.name)
    }

    /// The namespace it lands in, for namespaced kinds.
    pub fn scope(&self) -> Option<&str> {
        match kinds::lookup(&self.kind) {
            Some(info) if !info.namespaced => None,
            _ => self.namespace.as_deref(),
        }
    }

    /// Checks every value: names, kind, the recorded state's identity, and that
    /// the state holds nothing masked (a restore never writes `***` into a cluster).
    pub fn validate(&self) -> Result<(), String> {
        let info = self.info()?;
        super::validate::object_name(&self.name)?;
        if let Some(ns) = &self.namespace {
            super::validate::namespace_name(ns)?;
        }
        if let Some(rv) = &self.resource_version {
            let digits =
                !rv.is_empty() && rv.len() <= 64 && rv.bytes().all(|b| b.is_ascii_alphanumeric());
            if !digits {
                return Err(format!(
                    "restore: resource_version {} is not a resourceVersion",
                    crate::shown::value(rv)
                ));
            }
        }
        match &self.state {
            None if self.resource_version.is_none() => {
                return Err(
                    "restore needs a state to put back, a resource_version to delete at, or both"
                        .into(),
                );
            }
            None => {}
            Some(state) => {
                let text = |p: &str| state.pointer(p).and_then(Value::as_str).unwrap_or("");
                if !state.is_object() || text("/apiVersion").is_empty() {
                    return Err(
                        "restore: the state must be an object with apiVersion and kind".into(),
                    );
                }
                let same_kind = kinds::lookup(text("/kind")).is_some_and(|k| std::ptr::eq(k, info));
                if !same_kind || text("/metadata/name") != self.name {
                    return Err(format!(
                        "restore: the state is {}/{}, not {}",
                        crate::shown::value(text("/kind")),
                        crate::shown::value(text("/metadata/name")),
                        self.label()
                    ));
                }
                let ns = text("/metadata/namespace");
                if info.namespaced && !ns.is_empty() && Some(ns) != self.namespace.as_deref() {
                    return Err(format!(
                        "restore: the state is in namespace {}, not {}",
                        crate::shown::value(ns),
                        self.namespace.as_deref().unwrap_or("(none)")
                    ));
                }
                if info.kind == "Secret" || holds_masked(state) {
                    return Err(format!(
                        "restore: the state of {} holds masked secret values; it cannot be put back",
                        self.label()
                    ));
                }
            }
        }
        Ok(())
    }

    /// The command a person would type (the object goes on stdin).
    pub fn equivalent_args(&self) -> Vec<String> {
        let mut argv: Vec<String> = match self.action() {
            Action::Replace => vec!["replace".into(), "-f".into(), "-".into()],
            Action::Create => vec!["create".into(), "-f".into(), "-".into()],
            Action::Delete => {
                let resource = kinds::lookup(&self.kind).map_or(self.kind.as_str(), |k| k.resource);
                vec!["delete".into(), resource.into(), self.name.clone()]
            }
        };
        if let Some(ns) = self.scope() {
            argv.extend(["-n".to_string(), ns.to_string()]);
        }
        argv
    }

    pub fn summary(&self) -> String {
        let run = self.run.map(|n| format!(" by run {n}")).unwrap_or_default();
        match self.action() {
            Action::Replace => match self.run {
                Some(n) => format!("restore {} as it was before run {n}", self.label()),
                None => format!("restore {} to a recorded state", self.label()),
            },
            Action::Delete => format!("delete {}, created{run}", self.label()),
            Action::Create => format!("re-create {}, deleted{run}", self.label()),
        }
    }

    /// The target a replace or delete reads first (and checks the version of).
    pub fn target(&self) -> anyhow::Result<Option<crate::execute::request::Target>> {
        let info = self.info().map_err(anyhow::Error::msg)?;
        Ok(
            (self.action() != Action::Create).then(|| crate::execute::request::Target {
                kind: info,
                name: self.name.clone(),
                namespace: self.scope().map(str::to_string),
            }),
        )
    }

    /// The change request, from the live object (read first for a replace or a
    /// delete). A live object at another version than the one recorded is refused,
    /// naming it: something changed it since the change being undone.
    pub fn request(
        &self,
        live: Option<&Value>,
    ) -> anyhow::Result<crate::execute::request::ChangeRequest> {
        use crate::execute::request::{After, Before, ChangeRequest};
        let target = self.target()?;
        if let (Some(expected), Some(live)) = (&self.resource_version, live) {
            let now = live
                .pointer("/metadata/resourceVersion")
                .and_then(Value::as_str)
                .unwrap_or("");
            if now != expected {
                return Err(UserError::Usage(format!(
                    "{} changed since {} (its resourceVersion is {now}, not {expected}); \
                     nothing was restored; see what changed with kubectl get {}{} -o yaml",
                    self.label(),
                    self.run
                        .map_or("the recorded change".to_string(), |n| format!("run {n}")),
                    self.label(),
                    self.scope()
                        .map(|ns| format!(" -n {ns}"))
                        .unwrap_or_default(),
                ))
                .into());
            }
        }
        let argv = self.equivalent_args();
        let object = |state: &Value| match (self.action(), live) {
            (Action::Replace, Some(live)) => restorable(state, live),
            _ => without_server_fields(state),
        };
        Ok(match self.action() {
            Action::Replace | Action::Create => {
                let state = self.state.as_ref().map(object).unwrap_or_default();
                ChangeRequest {
                    target,
                    before: if self.action() == Action::Create {
                        Before::Nothing
                    } else {
                        Before::Target
                    },
                    argv,
                    stdin: Some(serde_json::to_vec(&state)?),
                    after: After::Objects,
                }
            }
            Action::Delete => ChangeRequest {
                target,
                before: Before::Target,
                argv,
                stdin: None,
                after: After::Removed,
            },
        })
    }
}

/// True when any string in `value` holds the mask (`***`): a masked secret value.
pub fn holds_masked(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains(crate::preview::mask::MASK),
        Value::Array(items) => items.iter().any(holds_masked),
        Value::Object(map) => map.values().any(holds_masked),
        _ => false,
    }
}

/// The recorded state with what the server maintains taken from the live object,
/// so that a replace changes exactly what the preview's normalization shows.
pub fn restorable(state: &Value, live: &Value) -> Value {
    let mut object = state.clone();
    let Some(map) = object.as_object_mut() else {
        return object;
    };
    if let Some(status) = live.get("status") {
        map.insert("status".into(), status.clone());
    }
    let metadata = map
        .entry("metadata")
        .or_insert_with(|| Value::Object(Default::default()));
    if let Some(metadata) = metadata.as_object_mut() {
        for key in SERVER_METADATA {
            if let Some(value) = live.pointer(&format!("/metadata/{key}")) {
                metadata.insert((*key).into(), value.clone());
            }
        }
        for key in SERVER_ANNOTATIONS {
            if let Some(value) = live
                .pointer("/metadata/annotations")
                .and_then(|a| a.get(*key))
            {
                let annotations = metadata
                    .entry("annotations")
                    .or_insert_with(|| Value::Object(Default::default()));
                if let Some(annotations) = annotations.as_object_mut() {
                    annotations.insert((*key).into(), value.clone());
                }
            }
        }
    }
    // A Service's allocated addresses and ports stay as the server gave them.
    if map.get("kind").and_then(Value::as_str) == Some("Service")
        && let Some(spec) = map.get_mut("spec").and_then(Value::as_object_mut)
    {
        for key in ["clusterIP", "clusterIPs", "healthCheckNodePort"] {
            if let Some(value) = live.pointer(&format!("/spec/{key}")) {
                spec.insert(key.into(), value.clone());
            }
        }
        let live_ports = live.pointer("/spec/ports").and_then(Value::as_array);
        if let (Some(ports), Some(live_ports)) = (
            spec.get_mut("ports").and_then(Value::as_array_mut),
            live_ports,
        ) {
            for port in ports.iter_mut().filter_map(Value::as_object_mut) {
                let same = |p: &&Value| {
                    p.get("port") == port.get("port")
                        && p.get("protocol").or(Some(&Value::Null))
                            == port.get("protocol").or(Some(&Value::Null))
                };
                if let Some(node_port) =
                    live_ports.iter().find(same).and_then(|p| p.get("nodePort"))
                {
                    port.insert("nodePort".into(), node_port.clone());
                }
            }
        }
    }
    object
}

/// A recorded state made into something to create: what the server sets is dropped.
fn without_server_fields(state: &Value) -> Value {
    let mut object = state.clone();
    if let Some(map) = object.as_object_mut() {
        map.remove("status");
        if let Some(metadata) = map.get_mut("metadata").and_then(Value::as_object_mut) {
            for key in SERVER_METADATA {
                metadata.remove(*key);
            }
        }
    }
    object
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn service(cluster_ip: &str, node_port: i64, selector: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "web", "namespace": "shop", "uid": "u1", "resourceVersion": "9",
                            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}},
               "spec": {"clusterIP": cluster_ip, "clusterIPs": [cluster_ip], "selector": {"app": selector},
                        "ports": [{"port": 80, "protocol": "TCP", "nodePort": node_port}]},
               "status": {"loadBalancer": {}}})
    }

    #[test]
    fn a_replace_changes_only_what_the_preview_shows() {
        let before = crate::preview::normalize(&service("10.0.0.1", 30001, "web"));
        let live = service("10.0.0.2", 30002, "api");
        let restored = restorable(&before, &live);
        assert_eq!(crate::preview::normalize(&restored), before);
        assert_eq!(restored["spec"]["clusterIP"], "10.0.0.2");
        assert_eq!(restored["spec"]["ports"][0]["nodePort"], 30002);
        assert_eq!(restored["metadata"]["resourceVersion"], "9");
        assert_eq!(restored["status"], json!({"loadBalancer": {}}));
    }

    fn restore(state: Option<Value>, rv: Option<&str>) -> Restore {
        Restore {
            kind: "Deployment".into(),
            name: "web".into(),
            namespace: Some("shop".into()),
            state,
            resource_version: rv.map(str::to_string),
            run: Some(3),
        }
    }

    fn web() -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"}, "spec": {"replicas": 2}})
    }

    #[test]
    fn three_shapes_three_commands() {
        let replace = restore(Some(web()), Some("7"));
        assert_eq!(
            replace.equivalent_args(),
            ["replace", "-f", "-", "-n", "shop"]
        );
        assert_eq!(
            replace.summary(),
            "restore deployment/web as it was before run 3"
        );
        let delete = restore(None, Some("7"));
        assert_eq!(
            delete.equivalent_args(),
            ["delete", "deployments", "web", "-n", "shop"]
        );
        assert_eq!(delete.summary(), "delete deployment/web, created by run 3");
        let create = restore(Some(web()), None);
        assert_eq!(
            create.equivalent_args(),
            ["create", "-f", "-", "-n", "shop"]
        );
        assert_eq!(
            create.summary(),
            "re-create deployment/web, deleted by run 3"
        );
        for ok in [replace, delete, create] {
            ok.validate().unwrap();
        }
    }

    #[test]
    fn bad_restores_are_refused_naming_the_value() {
        let cases = [
            (restore(None, None), "needs a state"),
            (restore(Some(web()), Some("-1")), "is not a resourceVersion"),
            (
                restore(
                    Some(
                        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web"}}),
                    ),
                    None,
                ),
                "the state is",
            ),
            (
                restore(
                    Some(
                        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop", "annotations": {"token": "***"}}}),
                    ),
                    None,
                ),
                "masked secret values",
            ),
            (
                Restore {
                    kind: "Widget".into(),
                    ..restore(None, Some("1"))
                },
                "not one kubectl-ai knows",
            ),
        ];
        for (op, expected) in cases {
            let err = op.validate().unwrap_err();
            assert!(err.contains(expected), "{err}");
        }
    }

    #[test]
    fn a_model_cannot_ask_for_a_restore() {
        assert!(!crate::plan::schema::operation_names().any(|op| op == "restore"));
        let answer = json!([{"op": "restore", "kind": "Deployment", "name": "web", "resource_version": "1"}]);
        assert!(crate::plan::schema::plan_from_model(&answer).is_err());
    }

    #[test]
    fn a_live_object_at_another_version_is_refused() {
        let mut live = web();
        live["metadata"]["resourceVersion"] = json!("8");
        let err = restore(Some(web()), Some("7"))
            .request(Some(&live))
            .unwrap_err();
        assert!(
            format!("{err:#}").contains("deployment/web changed since run 3"),
            "{err:#}"
        );
        live["metadata"]["resourceVersion"] = json!("7");
        let request = restore(Some(web()), Some("7"))
            .request(Some(&live))
            .unwrap();
        assert_eq!(request.argv, ["replace", "-f", "-", "-n", "shop"]);
    }
}
