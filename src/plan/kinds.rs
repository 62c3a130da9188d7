//! The resource kinds the plugin knows by heart, and how people name them.
//!
//! Plans carry kinds as people say them ("deploy", "pods", "Deployment", "svc");
//! this table resolves every spelling to one canonical resource so validation can
//! refuse unknown kinds with a clear message, translation can build exact argv,
//! and capability checks (can this be scaled? does it have a pod template?) live in
//! one place. Kinds not listed here are still reachable through `apply`, where the
//! cluster's own discovery decides.

/// One well-known resource kind.
#[derive(Debug, PartialEq, Eq)]
pub struct KindInfo {
    /// The plural resource name kubectl and the API use: `deployments`.
    pub resource: &'static str,
    /// The singular name: `deployment`.
    pub singular: &'static str,
    /// The object `kind`: `Deployment`.
    pub kind: &'static str,
    /// The API group-version: `apps/v1`.
    pub api_version: &'static str,
    /// kubectl's short names: `deploy`.
    pub short_names: &'static [&'static str],
    pub namespaced: bool,
    /// Supports the scale subresource.
    pub scalable: bool,
    /// Has `spec.template` (a pod template): set image/env/resources, restart, logs.
    pub has_pod_template: bool,
    /// Has a rollout history (`rollout undo|history|status`).
    pub has_rollout: bool,
}

const fn kind(
    resource: &'static str,
    singular: &'static str,
    kind: &'static str,
    api_version: &'static str,
    short_names: &'static [&'static str],
    namespaced: bool,
) -> KindInfo {
    KindInfo {
        resource,
        singular,
        kind,
        api_version,
        short_names,
        namespaced,
        scalable: false,
        has_pod_template: false,
        has_rollout: false,
    }
}

const fn workload(mut info: KindInfo, scalable: bool, has_rollout: bool) -> KindInfo {
    info.scalable = scalable;
    info.has_pod_template = true;
    info.has_rollout = has_rollout;
    info
}

pub static KINDS: &[KindInfo] = &[
    kind("pods", "pod", "Pod", "v1", &["po"], true),
    kind("services", "service", "Service", "v1", &["svc"], true),
    kind("endpoints", "endpoints", "Endpoints", "v1", &["ep"], true),
    kind("configmaps", "configmap", "ConfigMap", "v1", &["cm"], true),
    kind("secrets", "secret", "Secret", "v1", &[], true),
    kind(
        "serviceaccounts",
        "serviceaccount",
        "ServiceAccount",
        "v1",
        &["sa"],
        true,
    ),
    kind("events", "event", "Event", "v1", &["ev"], true),
    kind(
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        "PersistentVolumeClaim",
        "v1",
        &["pvc"],
        true,
    ),
    kind(
        "persistentvolumes",
        "persistentvolume",
        "PersistentVolume",
        "v1",
        &["pv"],
        false,
    ),
    kind("namespaces", "namespace", "Namespace", "v1", &["ns"], false),
    kind("nodes", "node", "Node", "v1", &["no"], false),
    workload(
        kind(
            "deployments",
            "deployment",
            "Deployment",
            "apps/v1",
            &["deploy"],
            true,
        ),
        true,
        true,
    ),
    workload(
        kind(
            "replicasets",
            "replicaset",
            "ReplicaSet",
            "apps/v1",
            &["rs"],
            true,
        ),
        true,
        false,
    ),
    workload(
        kind(
            "statefulsets",
            "statefulset",
            "StatefulSet",
            "apps/v1",
            &["sts"],
            true,
        ),
        true,
        true,
    ),
    workload(
        kind(
            "daemonsets",
            "daemonset",
            "DaemonSet",
            "apps/v1",
            &["ds"],
            true,
        ),
        false,
        true,
    ),
    workload(
        kind("jobs", "job", "Job", "batch/v1", &[], true),
        false,
        false,
    ),
    kind("cronjobs", "cronjob", "CronJob", "batch/v1", &["cj"], true),
    kind(
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        "HorizontalPodAutoscaler",
        "autoscaling/v2",
        &["hpa"],
        true,
    ),
    kind(
        "ingresses",
        "ingress",
        "Ingress",
        "networking.k8s.io/v1",
        &["ing"],
        true,
    ),
    kind(
        "networkpolicies",
        "networkpolicy",
        "NetworkPolicy",
        "networking.k8s.io/v1",
        &["netpol"],
        true,
    ),
    kind(
        "roles",
        "role",
        "Role",
        "rbac.authorization.k8s.io/v1",
        &[],
        true,
    ),
    kind(
        "rolebindings",
        "rolebinding",
        "RoleBinding",
        "rbac.authorization.k8s.io/v1",
        &[],
        true,
    ),
    kind(
        "clusterroles",
        "clusterrole",
        "ClusterRole",
        "rbac.authorization.k8s.io/v1",
        &[],
        false,
    ),
    kind(
        "clusterrolebindings",
        "clusterrolebinding",
        "ClusterRoleBinding",
        "rbac.authorization.k8s.io/v1",
        &[],
        false,
    ),
    kind(
        "storageclasses",
        "storageclass",
        "StorageClass",
        "storage.k8s.io/v1",
        &["sc"],
        false,
    ),
    kind(
        "poddisruptionbudgets",
        "poddisruptionbudget",
        "PodDisruptionBudget",
        "policy/v1",
        &["pdb"],
        true,
    ),
];

/// Resolves any spelling of a kind: plural, singular, short name, `Kind`, or
/// `resource.group` (`deployments.apps`), case-insensitively.
pub fn lookup(name: &str) -> Option<&'static KindInfo> {
    let lower = name.trim().to_ascii_lowercase();
    let bare = lower.split('.').next().unwrap_or_default();
    KINDS.iter().find(|k| {
        k.resource == bare
            || k.singular == bare
            || k.kind.eq_ignore_ascii_case(bare)
            || k.short_names.contains(&bare)
    })
}

/// The canonical names, for "unknown kind" messages.
pub fn known_names() -> impl Iterator<Item = &'static str> {
    KINDS.iter().map(|k| k.resource)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_resolves_to_one_kind() {
        for spelling in [
            "deploy",
            "deployment",
            "Deployments",
            "DEPLOYMENT",
            "deployments.apps",
        ] {
            assert_eq!(
                lookup(spelling).map(|k| k.resource),
                Some("deployments"),
                "{spelling}"
            );
        }
        assert_eq!(lookup("po").unwrap().kind, "Pod");
        assert_eq!(lookup("hpa").unwrap().api_version, "autoscaling/v2");
        assert!(!lookup("ns").unwrap().namespaced);
        assert!(lookup("widgets").is_none());
    }

    #[test]
    fn capabilities_match_kubectl() {
        assert!(lookup("sts").unwrap().scalable);
        assert!(!lookup("ds").unwrap().scalable);
        assert!(lookup("ds").unwrap().has_rollout);
        assert!(!lookup("svc").unwrap().has_pod_template);
    }
}
