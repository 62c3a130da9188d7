//! The little the model is told about the cluster: names, and only names.
//!
//! To resolve "the api deployment" or "scale the web thing", the model sees the
//! current context and namespace and a bounded list of workload and service names
//! from one `kubectl get … -o name` call. Never object bodies, labels, env values or
//! anything from Secrets: `-o name` prints nothing else, and each name is checked to
//! be a plain Kubernetes name that does not look like a credential before it is kept.

use crate::plan::validate::object_name;
use crate::redact::looks_like_credential;

/// At most this many names are sent (workloads first, then services).
pub const MAX_NAMES: usize = 50;
/// And at most this many bytes of them, whatever their length.
pub const MAX_NAME_BYTES: usize = 800;

/// What the model is told about where it is working.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelContext {
    /// The kubeconfig context, if known.
    pub context: Option<String>,
    /// The namespace operations without one act in.
    pub namespace: String,
    /// `deployment/web`, `statefulset/db`, `daemonset/agent`.
    pub workloads: Vec<String>,
    /// Service names.
    pub services: Vec<String>,
}

impl ModelContext {
    pub fn new(context: Option<String>, namespace: impl Into<String>) -> ModelContext {
        ModelContext {
            context,
            namespace: namespace.into(),
            workloads: Vec::new(),
            services: Vec::new(),
        }
    }

    /// Adds names, keeping only plain names and staying within the bounds.
    pub fn with_names(
        mut self,
        workloads: impl IntoIterator<Item = String>,
        services: impl IntoIterator<Item = String>,
    ) -> ModelContext {
        let mut count = 0;
        let mut bytes = 0;
        let mut admit = |name: &str| {
            let ok = count < MAX_NAMES
                && bytes + name.len() <= MAX_NAME_BYTES
                && !looks_like_credential(name);
            if ok {
                count += 1;
                bytes += name.len() + 1;
            }
            ok
        };
        for workload in workloads {
            let Some((kind, name)) = workload.split_once('/') else {
                continue;
            };
            if matches!(kind, "deployment" | "statefulset" | "daemonset")
                && object_name(name).is_ok()
                && admit(&workload)
            {
                self.workloads.push(workload);
            }
        }
        for service in services {
            if object_name(&service).is_ok() && admit(&service) {
                self.services.push(service);
            }
        }
        self
    }

    /// The argv (after `kubectl`) that lists the names: one call.
    pub fn names_args(&self) -> Vec<String> {
        vec![
            "get".into(),
            "deployments,statefulsets,daemonsets,services".into(),
            "--output=name".into(),
            format!("--namespace={}", self.namespace),
        ]
    }

    /// Fills the names from one kubectl call made by `run` (given the argv after
    /// `kubectl`, returning stdout). The names are only a hint: if the call fails,
    /// the model works without them and the failure is logged.
    pub fn gather(self, run: impl FnOnce(&[String]) -> anyhow::Result<Vec<u8>>) -> ModelContext {
        let args = self.names_args();
        match run(&args) {
            Ok(stdout) => {
                let (workloads, services) = parse_names(&String::from_utf8_lossy(&stdout));
                self.with_names(workloads, services)
            }
            Err(e) => {
                tracing::warn!("could not list names for the model: {e:#}");
                self
            }
        }
    }
}

/// Splits `kubectl get -o name` output into workloads (`deployment/web`) and service names.
pub fn parse_names(output: &str) -> (Vec<String>, Vec<String>) {
    let mut workloads = Vec::new();
    let mut services = Vec::new();
    for line in output.lines() {
        let Some((resource, name)) = line.trim().split_once('/') else {
            continue;
        };
        // `deployment.apps` -> `deployment`
        let kind = resource.split('.').next().unwrap_or(resource);
        match kind {
            "service" => services.push(name.to_string()),
            "deployment" | "statefulset" | "daemonset" => workloads.push(format!("{kind}/{name}")),
            _ => {}
        }
    }
    (workloads, services)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_one_kubectl_call() {
        let ctx = ModelContext::new(Some("kind-dev".into()), "shop").gather(|args| {
            assert_eq!(
                args,
                [
                    "get",
                    "deployments,statefulsets,daemonsets,services",
                    "--output=name",
                    "--namespace=shop"
                ]
            );
            Ok(b"deployment.apps/web\nstatefulset.apps/db\ndaemonset.apps/agent\nservice/web\nservice/db\n".to_vec())
        });
        assert_eq!(
            ctx.workloads,
            ["deployment/web", "statefulset/db", "daemonset/agent"]
        );
        assert_eq!(ctx.services, ["web", "db"]);
    }

    #[test]
    fn a_failed_listing_leaves_the_names_out() {
        let ctx = ModelContext::new(None, "default").gather(|_| anyhow::bail!("forbidden"));
        assert!(ctx.workloads.is_empty() && ctx.services.is_empty());
    }

    #[test]
    fn names_are_bounded_and_plain() {
        let many = (0..200).map(|i| format!("deployment/a{i}"));
        let ctx = ModelContext::new(None, "default").with_names(many, ["svc".to_string()]);
        assert_eq!(ctx.workloads.len(), MAX_NAMES);
        assert!(ctx.services.is_empty());
        let odd = [
            "deployment/Not_A_Name".to_string(),
            "secret/x".to_string(),
            "deployment/ok".to_string(),
        ];
        let ctx = ModelContext::new(None, "default").with_names(odd, ["-rf".to_string()]);
        assert_eq!(ctx.workloads, ["deployment/ok"]);
        assert!(ctx.services.is_empty());
        let long = (0..50).map(|i| format!("deployment/{}-{i}", "x".repeat(60)));
        let ctx = ModelContext::new(None, "default").with_names(long, []);
        let bytes: usize = ctx.workloads.iter().map(|w| w.len() + 1).sum();
        assert!(bytes <= MAX_NAME_BYTES, "{bytes}");
    }
}
