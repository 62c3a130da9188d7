//! What a diagnosis is about must exist before anything is called healthy.
//!
//! A namespace that does not exist lists as empty, and a target that is not
//! there has no findings: both would read "No problems found". So a namespace
//! or a target that does not exist is an error (exit 2) naming it, with the
//! closest live names. The checks use what collection already read: a
//! namespace whose lists hold anything exists, and the target's kind was listed
//! in full. Only a namespace that holds nothing costs one more call
//! (`kubectl get namespaces -o name`), which both answers and gives the names.

use anyhow::Result;

use super::collect::{Collected, NAMESPACE_NAMES, Reader, reason};
use super::{DiagnoseRequest, ObjectKey};
use crate::exit::UserError;
use crate::plan::kinds::KindInfo;

/// The kinds `--target` takes: the ones diagnose reads and reports on.
pub const TARGET_KINDS: &[&str] = &[
    "pods",
    "deployments",
    "replicasets",
    "statefulsets",
    "daemonsets",
    "jobs",
    "cronjobs",
    "services",
    "persistentvolumeclaims",
    "horizontalpodautoscalers",
    "ingresses",
    "nodes",
];

/// The kind of a `--target`, when it is one diagnose looks at; otherwise a
/// usage error naming it and the kinds it takes.
pub fn target_kind(kind: &str) -> Result<&'static KindInfo, String> {
    let info = crate::plan::validate::known_kind(kind)?;
    if TARGET_KINDS.contains(&info.resource) {
        return Ok(info);
    }
    let hint = match info.resource {
        "endpoints" => {
            "; a service's endpoints are checked with the service: use --target service/NAME"
        }
        "namespaces" => "; to look at a whole namespace use -n NAME",
        _ => "",
    };
    Err(format!(
        "diagnose does not look at {}, so it cannot say whether {}/... is healthy{hint}; \
         --target takes one of: {}",
        info.resource,
        info.singular,
        TARGET_KINDS
            .iter()
            .filter_map(|k| crate::plan::kinds::lookup(k).map(|i| i.singular))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// Checks that the namespace looked at and the target exist. `Ok` means the
/// diagnosis may speak about them; a missing one is [`UserError::Usage`]; a
/// target whose kind could not be read is a failure (nothing can be said).
pub async fn check(
    reader: &impl Reader,
    request: &DiagnoseRequest,
    collected: &mut Collected,
) -> Result<()> {
    if !request.all_namespaces
        && let Some(namespace) = &request.namespace
    {
        check_namespace(reader, namespace, collected).await?;
    }
    if let Some((kind, name)) = &request.target {
        check_target(request, kind, name, collected)?;
    }
    Ok(())
}

async fn check_namespace(
    reader: &impl Reader,
    namespace: &str,
    collected: &mut Collected,
) -> Result<()> {
    // Anything listed there (or any event) shows that it exists.
    if collected.namespaced_objects().next().is_some() || !collected.events.is_empty() {
        return Ok(());
    }
    let call: Vec<String> = NAMESPACE_NAMES.iter().map(|s| s.to_string()).collect();
    match reader.read(&call).await {
        Ok(out) => {
            let names: Vec<String> = String::from_utf8_lossy(&out)
                .lines()
                .map(|l| l.trim().trim_start_matches("namespace/").to_string())
                .filter(|n| !n.is_empty())
                .collect();
            if names.iter().any(|n| n == namespace) {
                return Ok(());
            }
            Err(UserError::Usage(format!(
                "namespace {} does not exist, so nothing was diagnosed{}",
                crate::shown::value(namespace),
                suggestion(namespace, &names, "namespaces", "")
            ))
            .into())
        }
        // Listing namespaces is often not allowed to a namespace's users: ask
        // for this one, and if that is refused too, say what is known and never
        // that the namespace is healthy.
        Err(list_error) => {
            let call: Vec<String> = ["get", "namespace", namespace, "-o", "name"]
                .map(String::from)
                .into();
            match reader.read(&call).await {
                Ok(_) => Ok(()),
                Err(e) if is_not_found(&e) => Err(UserError::Usage(format!(
                    "namespace {} does not exist, so nothing was diagnosed (namespaces may not \
                     be listed here, so no other name can be suggested: {})",
                    crate::shown::value(namespace),
                    reason(&list_error)
                ))
                .into()),
                Err(e) => {
                    collected.notes.push(format!(
                        "whether namespace {namespace} exists could not be checked: {}",
                        reason(&e)
                    ));
                    collected.namespace_unconfirmed = true;
                    Ok(())
                }
            }
        }
    }
}

/// kubectl said the object does not exist.
fn is_not_found(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        matches!(
            cause.downcast_ref(),
            Some(crate::kubectl::KubectlError::Failed { stderr, .. }) if stderr.contains("(NotFound)")
        )
    })
}

fn check_target(
    request: &DiagnoseRequest,
    kind: &str,
    name: &str,
    collected: &Collected,
) -> Result<()> {
    let info = target_kind(kind).map_err(UserError::Usage)?;
    let place = if !info.namespaced {
        String::new()
    } else if request.all_namespaces {
        " in any namespace".to_string()
    } else {
        match &request.namespace {
            Some(ns) => format!(" in namespace {ns}"),
            None => " in the current namespace".to_string(),
        }
    };
    if collected.unread.contains(&info.resource) {
        let why = collected
            .notes
            .iter()
            .find(|n| n.starts_with(info.resource))
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        anyhow::bail!(
            "{}/{name} was not looked at: {} could not be read{place}{why}; \
             nothing can be said about its health",
            info.singular,
            info.resource
        );
    }
    let objects = collected.of_kind(info.resource).unwrap_or_default();
    if objects.iter().any(|o| o.name() == name) {
        return Ok(());
    }
    let mut names: Vec<String> = objects.iter().map(|o| o.name().to_string()).collect();
    names.sort();
    names.dedup();
    Err(UserError::Usage(format!(
        "{} {} not found{place}, so nothing was diagnosed{}",
        info.singular,
        crate::shown::value(name),
        suggestion(name, &names, info.resource, " there")
    ))
    .into())
}

/// "; did you mean a or b?", else "; there are no KIND there", else the first
/// names. `there` is " there" for the objects of a namespace, "" for namespaces.
fn suggestion(wanted: &str, names: &[String], what: &str, there: &str) -> String {
    let close = crate::execute::suggest::closest(wanted, names);
    if !close.is_empty() {
        format!("; did you mean {}?", close.join(" or "))
    } else if names.is_empty() {
        format!("; there are no {what}{there}")
    } else {
        const SHOWN: usize = 8;
        let more = if names.len() > SHOWN {
            format!(" and {} more", names.len() - SHOWN)
        } else {
            String::new()
        };
        format!(
            "; {what}{there}: {}{more}",
            names[..names.len().min(SHOWN)].join(", ")
        )
    }
}

/// The target as a key, for the report: `deployment/web`.
pub fn target_key(request: &DiagnoseRequest) -> Option<ObjectKey> {
    let (kind, name) = request.target.as_ref()?;
    let info = crate::plan::kinds::lookup(kind)?;
    let namespace = if info.namespaced && !request.all_namespaces {
        request.namespace.clone()
    } else {
        None
    };
    Some(ObjectKey {
        kind: info.kind.to_string(),
        namespace,
        name: name.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_name_close_names_or_say_there_are_none() {
        let names: Vec<String> = ["orders", "web", "kube-system"].map(String::from).into();
        assert_eq!(
            suggestion("ordrs", &names, "deployments", " there"),
            "; did you mean orders?"
        );
        assert_eq!(
            suggestion("zzzzzzzz", &[], "deployments", " there"),
            "; there are no deployments there"
        );
        assert_eq!(
            suggestion("zzzzzzzz", &names, "namespaces", ""),
            "; namespaces: orders, web, kube-system"
        );
    }

    #[test]
    fn only_kinds_diagnose_reads_are_targets() {
        assert_eq!(target_kind("deploy").unwrap().resource, "deployments");
        assert_eq!(target_kind("Node").unwrap().resource, "nodes");
        let e = target_kind("configmap").unwrap_err();
        assert!(e.contains("diagnose does not look at configmaps"), "{e}");
        assert!(
            target_kind("endpoints")
                .unwrap_err()
                .contains("--target service/NAME")
        );
        assert!(target_kind("nosuch").unwrap_err().contains("unknown kind"));
    }
}
