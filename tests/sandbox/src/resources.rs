//! The table of resource types the sandbox serves.
//!
//! Discovery, OpenAPI, routing, the store and the Table printer all derive
//! from this one list, so adding a kind here makes kubectl see it everywhere.

/// One resource type (one plural name in one group/version).
#[derive(Debug, Clone, Copy)]
pub struct ResourceType {
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub kind: &'static str,
    pub namespaced: bool,
    pub short_names: &'static [&'static str],
    pub categories: &'static [&'static str],
    pub verbs: &'static [&'static str],
    /// Subresources as (name, kind, group, version, verbs); empty group means
    /// the subresource uses the parent's group/version.
    pub subresources: &'static [Sub],
    /// Another group/version that stores the same objects (autoscaling v1/v2).
    pub storage_group: &'static str,
    /// Short human description, used by OpenAPI for `kubectl explain`.
    pub description: &'static str,
}

#[derive(Debug, Clone, Copy)]
pub struct Sub {
    pub name: &'static str,
    pub kind: &'static str,
    pub group: &'static str,
    pub version: &'static str,
    pub verbs: &'static [&'static str],
}

const ALL: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
const NS_VERBS: &[&str] = &[
    "create", "delete", "get", "list", "patch", "update", "watch",
];
const READ: &[&str] = &["get", "list"];
const GPU: &[&str] = &["get", "patch", "update"];

const fn sub(name: &'static str, kind: &'static str, verbs: &'static [&'static str]) -> Sub {
    Sub {
        name,
        kind,
        group: "",
        version: "",
        verbs,
    }
}
const SCALE: Sub = Sub {
    name: "scale",
    kind: "Scale",
    group: "autoscaling",
    version: "v1",
    verbs: GPU,
};
const CAT_ALL: &[&str] = &["all"];

#[allow(clippy::too_many_arguments)]
const fn rt(
    group: &'static str,
    version: &'static str,
    plural: &'static str,
    singular: &'static str,
    kind: &'static str,
    namespaced: bool,
    short_names: &'static [&'static str],
    categories: &'static [&'static str],
    verbs: &'static [&'static str],
    subresources: &'static [Sub],
    description: &'static str,
) -> ResourceType {
    ResourceType {
        group,
        version,
        plural,
        singular,
        kind,
        namespaced,
        short_names,
        categories,
        verbs,
        subresources,
        storage_group: group,
        description,
    }
}

/// Every resource type served, in discovery order.
pub static TYPES: &[ResourceType] = &[
    rt(
        "",
        "v1",
        "namespaces",
        "namespace",
        "Namespace",
        false,
        &["ns"],
        &[],
        NS_VERBS,
        &[
            sub("status", "Namespace", GPU),
            sub("finalize", "Namespace", &["update"]),
        ],
        "Namespace provides a scope for Names. Use of multiple namespaces is optional.",
    ),
    rt(
        "",
        "v1",
        "nodes",
        "node",
        "Node",
        false,
        &["no"],
        &[],
        ALL,
        &[
            sub("status", "Node", GPU),
            sub(
                "proxy",
                "NodeProxyOptions",
                &["create", "delete", "get", "patch", "update"],
            ),
        ],
        "Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd).",
    ),
    rt(
        "",
        "v1",
        "pods",
        "pod",
        "Pod",
        true,
        &["po"],
        CAT_ALL,
        ALL,
        &[
            sub("attach", "PodAttachOptions", &["create", "get"]),
            sub("binding", "Binding", &["create"]),
            sub("ephemeralcontainers", "Pod", GPU),
            Sub {
                name: "eviction",
                kind: "Eviction",
                group: "policy",
                version: "v1",
                verbs: &["create"],
            },
            sub("exec", "PodExecOptions", &["create", "get"]),
            sub("log", "Pod", &["get"]),
            sub("portforward", "PodPortForwardOptions", &["create", "get"]),
            sub(
                "proxy",
                "PodProxyOptions",
                &["create", "delete", "get", "patch", "update"],
            ),
            sub("status", "Pod", GPU),
        ],
        "Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.",
    ),
    rt(
        "",
        "v1",
        "services",
        "service",
        "Service",
        true,
        &["svc"],
        CAT_ALL,
        ALL,
        &[
            sub(
                "proxy",
                "ServiceProxyOptions",
                &["create", "delete", "get", "patch", "update"],
            ),
            sub("status", "Service", GPU),
        ],
        "Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.",
    ),
    rt(
        "",
        "v1",
        "endpoints",
        "endpoints",
        "Endpoints",
        true,
        &["ep"],
        &[],
        ALL,
        &[],
        "Endpoints is a collection of endpoints that implement the actual service.",
    ),
    rt(
        "",
        "v1",
        "configmaps",
        "configmap",
        "ConfigMap",
        true,
        &["cm"],
        &[],
        ALL,
        &[],
        "ConfigMap holds configuration data for pods to consume.",
    ),
    rt(
        "",
        "v1",
        "secrets",
        "secret",
        "Secret",
        true,
        &[],
        &[],
        ALL,
        &[],
        "Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.",
    ),
    rt(
        "",
        "v1",
        "serviceaccounts",
        "serviceaccount",
        "ServiceAccount",
        true,
        &["sa"],
        &[],
        ALL,
        &[sub("token", "TokenRequest", &["create"])],
        "ServiceAccount binds together: a name, understood by users, and perhaps by peripheral systems, for an identity; a principal that can be authenticated and authorized; a set of secrets.",
    ),
    rt(
        "",
        "v1",
        "events",
        "event",
        "Event",
        true,
        &["ev"],
        &[],
        ALL,
        &[],
        "Event is a report of an event somewhere in the cluster.",
    ),
    rt(
        "",
        "v1",
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        "PersistentVolumeClaim",
        true,
        &["pvc"],
        &[],
        ALL,
        &[sub("status", "PersistentVolumeClaim", GPU)],
        "PersistentVolumeClaim is a user's request for and claim to a persistent volume.",
    ),
    rt(
        "",
        "v1",
        "persistentvolumes",
        "persistentvolume",
        "PersistentVolume",
        false,
        &["pv"],
        &[],
        ALL,
        &[sub("status", "PersistentVolume", GPU)],
        "PersistentVolume (PV) is a storage resource provisioned by an administrator.",
    ),
    rt(
        "",
        "v1",
        "replicationcontrollers",
        "replicationcontroller",
        "ReplicationController",
        true,
        &["rc"],
        CAT_ALL,
        ALL,
        &[SCALE, sub("status", "ReplicationController", GPU)],
        "ReplicationController represents the configuration of a replication controller.",
    ),
    rt(
        "",
        "v1",
        "resourcequotas",
        "resourcequota",
        "ResourceQuota",
        true,
        &["quota"],
        &[],
        ALL,
        &[sub("status", "ResourceQuota", GPU)],
        "ResourceQuota sets aggregate quota restrictions enforced per namespace.",
    ),
    rt(
        "",
        "v1",
        "limitranges",
        "limitrange",
        "LimitRange",
        true,
        &["limits"],
        &[],
        ALL,
        &[],
        "LimitRange sets resource usage limits for each kind of resource in a Namespace.",
    ),
    rt(
        "apps",
        "v1",
        "deployments",
        "deployment",
        "Deployment",
        true,
        &["deploy"],
        CAT_ALL,
        ALL,
        &[SCALE, sub("status", "Deployment", GPU)],
        "Deployment enables declarative updates for Pods and ReplicaSets.",
    ),
    rt(
        "apps",
        "v1",
        "replicasets",
        "replicaset",
        "ReplicaSet",
        true,
        &["rs"],
        CAT_ALL,
        ALL,
        &[SCALE, sub("status", "ReplicaSet", GPU)],
        "ReplicaSet ensures that a specified number of pod replicas are running at any given time.",
    ),
    rt(
        "apps",
        "v1",
        "statefulsets",
        "statefulset",
        "StatefulSet",
        true,
        &["sts"],
        CAT_ALL,
        ALL,
        &[SCALE, sub("status", "StatefulSet", GPU)],
        "StatefulSet represents a set of pods with consistent identities.",
    ),
    rt(
        "apps",
        "v1",
        "daemonsets",
        "daemonset",
        "DaemonSet",
        true,
        &["ds"],
        CAT_ALL,
        ALL,
        &[sub("status", "DaemonSet", GPU)],
        "DaemonSet represents the configuration of a daemon set.",
    ),
    rt(
        "apps",
        "v1",
        "controllerrevisions",
        "controllerrevision",
        "ControllerRevision",
        true,
        &[],
        &[],
        ALL,
        &[],
        "ControllerRevision implements an immutable snapshot of state data.",
    ),
    rt(
        "batch",
        "v1",
        "jobs",
        "job",
        "Job",
        true,
        &[],
        CAT_ALL,
        ALL,
        &[sub("status", "Job", GPU)],
        "Job represents the configuration of a single job.",
    ),
    rt(
        "batch",
        "v1",
        "cronjobs",
        "cronjob",
        "CronJob",
        true,
        &["cj"],
        CAT_ALL,
        ALL,
        &[sub("status", "CronJob", GPU)],
        "CronJob represents the configuration of a single cron job.",
    ),
    ResourceType {
        storage_group: "autoscaling",
        ..rt(
            "autoscaling",
            "v2",
            "horizontalpodautoscalers",
            "horizontalpodautoscaler",
            "HorizontalPodAutoscaler",
            true,
            &["hpa"],
            CAT_ALL,
            ALL,
            &[sub("status", "HorizontalPodAutoscaler", GPU)],
            "HorizontalPodAutoscaler is the configuration for a horizontal pod autoscaler, which automatically manages the replica count of any resource implementing the scale subresource based on the metrics specified.",
        )
    },
    ResourceType {
        storage_group: "autoscaling",
        ..rt(
            "autoscaling",
            "v1",
            "horizontalpodautoscalers",
            "horizontalpodautoscaler",
            "HorizontalPodAutoscaler",
            true,
            &["hpa"],
            CAT_ALL,
            ALL,
            &[sub("status", "HorizontalPodAutoscaler", GPU)],
            "configuration of a horizontal pod autoscaler.",
        )
    },
    rt(
        "networking.k8s.io",
        "v1",
        "ingresses",
        "ingress",
        "Ingress",
        true,
        &["ing"],
        &[],
        ALL,
        &[sub("status", "Ingress", GPU)],
        "Ingress is a collection of rules that allow inbound connections to reach the endpoints defined by a backend.",
    ),
    rt(
        "networking.k8s.io",
        "v1",
        "ingressclasses",
        "ingressclass",
        "IngressClass",
        false,
        &[],
        &[],
        ALL,
        &[],
        "IngressClass represents the class of the Ingress, referenced by the Ingress Spec.",
    ),
    rt(
        "networking.k8s.io",
        "v1",
        "networkpolicies",
        "networkpolicy",
        "NetworkPolicy",
        true,
        &["netpol"],
        &[],
        ALL,
        &[],
        "NetworkPolicy describes what network traffic is allowed for a set of Pods",
    ),
    rt(
        "policy",
        "v1",
        "poddisruptionbudgets",
        "poddisruptionbudget",
        "PodDisruptionBudget",
        true,
        &["pdb"],
        &[],
        ALL,
        &[sub("status", "PodDisruptionBudget", GPU)],
        "PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods",
    ),
    rt(
        "rbac.authorization.k8s.io",
        "v1",
        "roles",
        "role",
        "Role",
        true,
        &[],
        &[],
        ALL,
        &[],
        "Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.",
    ),
    rt(
        "rbac.authorization.k8s.io",
        "v1",
        "rolebindings",
        "rolebinding",
        "RoleBinding",
        true,
        &[],
        &[],
        ALL,
        &[],
        "RoleBinding references a role, but does not contain it.",
    ),
    rt(
        "rbac.authorization.k8s.io",
        "v1",
        "clusterroles",
        "clusterrole",
        "ClusterRole",
        false,
        &[],
        &[],
        ALL,
        &[],
        "ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.",
    ),
    rt(
        "rbac.authorization.k8s.io",
        "v1",
        "clusterrolebindings",
        "clusterrolebinding",
        "ClusterRoleBinding",
        false,
        &[],
        &[],
        ALL,
        &[],
        "ClusterRoleBinding references a ClusterRole, but not contain it.",
    ),
    rt(
        "discovery.k8s.io",
        "v1",
        "endpointslices",
        "endpointslice",
        "EndpointSlice",
        true,
        &[],
        &[],
        ALL,
        &[],
        "EndpointSlice represents a subset of the endpoints that implement a service.",
    ),
    rt(
        "authorization.k8s.io",
        "v1",
        "selfsubjectaccessreviews",
        "selfsubjectaccessreview",
        "SelfSubjectAccessReview",
        false,
        &[],
        &[],
        &["create"],
        &[],
        "SelfSubjectAccessReview checks whether or the current user can perform an action.",
    ),
    rt(
        "storage.k8s.io",
        "v1",
        "storageclasses",
        "storageclass",
        "StorageClass",
        false,
        &["sc"],
        &[],
        ALL,
        &[],
        "StorageClass describes the parameters for a class of storage for which PersistentVolumes can be dynamically provisioned.",
    ),
    rt(
        "metrics.k8s.io",
        "v1beta1",
        "nodes",
        "",
        "NodeMetrics",
        false,
        &[],
        &[],
        READ,
        &[],
        "NodeMetrics sets resource usage metrics of a node.",
    ),
    rt(
        "metrics.k8s.io",
        "v1beta1",
        "pods",
        "",
        "PodMetrics",
        true,
        &[],
        &[],
        READ,
        &[],
        "PodMetrics sets resource usage metrics of a pod.",
    ),
];

/// The preferred version of each group, in discovery order.
pub fn groups() -> Vec<(&'static str, Vec<&'static str>)> {
    let mut out: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
    for t in TYPES {
        match out.iter_mut().find(|(g, _)| *g == t.group) {
            Some((_, versions)) => {
                if !versions.contains(&t.version) {
                    versions.push(t.version);
                }
            }
            None => out.push((t.group, vec![t.version])),
        }
    }
    out
}

/// Resource types served in one group/version.
pub fn in_group_version(group: &str, version: &str) -> Vec<&'static ResourceType> {
    TYPES
        .iter()
        .filter(|t| t.group == group && t.version == version)
        .collect()
}

/// Looks a resource type up by group, version and plural name.
pub fn find(group: &str, version: &str, plural: &str) -> Option<&'static ResourceType> {
    TYPES
        .iter()
        .find(|t| t.group == group && t.version == version && t.plural == plural)
}

/// Looks a resource type up by apiVersion ("apps/v1", "v1") and kind.
pub fn by_kind(api_version: &str, kind: &str) -> Option<&'static ResourceType> {
    let (group, version) = split_api_version(api_version);
    TYPES
        .iter()
        .find(|t| t.group == group && t.version == version && t.kind == kind)
}

/// The preferred (first listed) type storing the same objects.
pub fn preferred(t: &ResourceType) -> &'static ResourceType {
    TYPES
        .iter()
        .find(|o| o.storage_group == t.storage_group && o.plural == t.plural)
        .unwrap_or(&TYPES[0])
}

/// Splits "apps/v1" into ("apps", "v1") and "v1" into ("", "v1").
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}

impl ResourceType {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// "deployments.apps" or "pods", as used in error messages.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// Key of the store bucket holding this type's objects.
    pub fn storage_key(&self) -> String {
        format!("{}/{}", self.storage_group, self.plural)
    }

    pub fn has_sub(&self, name: &str) -> bool {
        self.subresources.iter().any(|s| s.name == name)
    }

    pub fn is(&self, group: &str, plural: &str) -> bool {
        self.storage_group == group && self.plural == plural
    }
}
