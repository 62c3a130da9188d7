//! "No resources found in shoop namespace." when there is no namespace shoop.
//!
//! kubectl lists nothing, and exits 0, in a namespace that does not exist: a
//! misspelt namespace reads as an empty one. When a read found nothing in a
//! namespace (kubectl says which one on stderr), one more call lists the
//! namespaces; if that one is not among them, the read is an error (exit 2) with
//! the closest names. Reads that found something, or that looked across every
//! namespace, cost nothing more. When the namespaces cannot be listed (no
//! permission, say), nothing is claimed.

use crate::exit::UserError;
use crate::kubectl::{Captured, Kubectl};
use crate::output::{OperationReport, Status};

use super::suggest::closest;

/// For a read that succeeded and found nothing in a namespace that does not
/// exist: the error to end with. The read's report is marked failed and says why.
pub async fn check(
    kubectl: &Kubectl,
    captured: &Captured,
    report: &mut OperationReport,
) -> Option<UserError> {
    if !captured.success() {
        return None;
    }
    let namespace = empty_namespace(&captured.stderr)?;
    let listed = kubectl
        .run_without_namespace(&["get", "namespaces", "-o", "name"], None)
        .await
        .ok()
        .filter(Captured::success)?;
    let names: Vec<String> = listed
        .stdout_str()
        .lines()
        .filter_map(|line| line.trim().strip_prefix("namespace/"))
        .map(str::to_string)
        .collect();
    if names.is_empty() || names.iter().any(|name| name == namespace) {
        return None;
    }
    let message = message(namespace, &closest(namespace, &names));
    report.status = Status::Failed;
    let mut stderr = report.stderr.take().unwrap_or_default();
    if !stderr.is_empty() && !stderr.ends_with('\n') {
        stderr.push('\n');
    }
    stderr.push_str(&message);
    stderr.push('\n');
    report.stderr = Some(crate::redact::mask(&stderr));
    Some(UserError::Usage(message))
}

/// The namespace kubectl says it found nothing in: the `shoop` of "No resources
/// found in shoop namespace." (or "No events found in …"). Only a valid namespace
/// name is taken; a list across all namespaces names none.
fn empty_namespace(stderr: &str) -> Option<&str> {
    stderr.lines().find_map(|line| {
        let rest = line
            .trim()
            .strip_prefix("No resources found in ")
            .or_else(|| line.trim().strip_prefix("No events found in "))?;
        let namespace = rest.strip_suffix(" namespace.")?;
        crate::plan::validate::namespace_name(namespace)
            .is_ok()
            .then_some(namespace)
    })
}

fn message(namespace: &str, candidates: &[String]) -> String {
    let mut message = format!("namespace \"{namespace}\" does not exist");
    if candidates.is_empty() {
        message.push_str("; list the namespaces with kubectl get namespaces");
    } else {
        message.push_str(&format!("; did you mean {}?", candidates.join(" or ")));
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_namespace_is_read_from_what_kubectl_said() {
        assert_eq!(
            empty_namespace("No resources found in shoop namespace.\n"),
            Some("shoop")
        );
        assert_eq!(
            empty_namespace("No events found in kube-sys namespace.\n"),
            Some("kube-sys")
        );
        assert_eq!(empty_namespace("No resources found\n"), None);
        assert_eq!(empty_namespace(""), None);
        assert_eq!(
            empty_namespace("No resources found in a b namespace.\n"),
            None,
            "not a namespace name"
        );
    }

    #[test]
    fn the_message_offers_close_names() {
        assert_eq!(
            message("shoop", &["shop".to_string()]),
            "namespace \"shoop\" does not exist; did you mean shop?"
        );
        assert!(message("zzz", &[]).contains("kubectl get namespaces"));
    }
}
