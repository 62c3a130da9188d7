//! The consent question: what will be applied, and where.
//!
//! Invariant 4: the question names the actions, the context and every
//! namespace they land in. One pending change is named in the question itself
//! ("Apply scale deployment/web to 3 replicas to context sandbox (namespace
//! shop)?"); several are counted in a line and their one-line summaries listed
//! just above the prompt, so a long diff never pushes what is about to happen
//! off the screen. Changes the preview found to change nothing are left out.

use crate::kubectl::kubeconfig::KubeContext;
use crate::output::{OperationReport, Status, sanitize};
use crate::plan::Operation;

/// The question to ask before applying. When several changes are pending and a
/// person is there to answer (`interactive`), their summaries are printed on
/// stderr first, under a line that says where they land; the returned prompt
/// then only has to ask.
pub(super) fn ask_text(
    interactive: bool,
    context: Option<&KubeContext>,
    ops: &[Operation],
    reports: &[OperationReport],
) -> String {
    let (recap, prompt) = consent_question(context, ops, reports);
    if interactive && !recap.is_empty() {
        eprint!("{recap}");
    }
    prompt
}

/// What is printed above the prompt (empty for a single change), and the prompt.
fn consent_question(
    context: Option<&KubeContext>,
    ops: &[Operation],
    reports: &[OperationReport],
) -> (String, String) {
    let pending: Vec<(usize, &OperationReport)> = reports
        .iter()
        .enumerate()
        .filter(|(_, r)| r.kind == "change" && r.status != Status::NoChange)
        .collect();
    let place = place(context, ops, reports);
    match pending.as_slice() {
        [(_, only)] => (
            String::new(),
            format!("Apply {}{place}?", sanitize(&only.summary)),
        ),
        several => {
            let count = several.len();
            let mut recap = format!("Apply {count} changes{place}:\n");
            for (index, report) in several {
                recap.push_str(&format!("  {}. {}\n", index + 1, sanitize(&report.summary)));
            }
            (recap, format!("Apply these {count} changes?"))
        }
    }
}

/// " to context prod (namespace shop)": where the pending changes land. Every
/// namespace a change lands in is named, including those of the objects an
/// `apply` carries; cluster-wide objects (nodes, namespaces) and the kubeconfig
/// have no namespace to name.
fn place(context: Option<&KubeContext>, ops: &[Operation], reports: &[OperationReport]) -> String {
    let Some(context) = context else {
        return String::new();
    };
    let default = context.namespace.as_deref().unwrap_or("default");
    let mut namespaces: Vec<&str> = ops
        .iter()
        .zip(reports)
        .filter(|(op, r)| op.is_change() && r.status != Status::NoChange)
        .flat_map(|(op, _)| landing_namespaces(op, default))
        .collect();
    namespaces.sort_unstable();
    namespaces.dedup();
    let name = sanitize(&context.name);
    match namespaces.as_slice() {
        [] => format!(" to context {name}"),
        [one] => format!(" to context {name} (namespace {})", sanitize(one)),
        many => format!(
            " to context {name} (namespaces {})",
            sanitize(&many.join(", "))
        ),
    }
}

/// The namespaces one change lands in (`default`: the context's namespace).
fn landing_namespaces<'a>(op: &'a Operation, default: &'a str) -> Vec<&'a str> {
    match op {
        // Each object lands in its own namespace, else the operation's, else
        // the context's; a cluster-wide kind lands in none.
        Operation::Apply { objects, namespace } => objects
            .iter()
            .filter(|object| {
                object["kind"]
                    .as_str()
                    .and_then(crate::plan::kinds::lookup)
                    .is_none_or(|kind| kind.namespaced)
            })
            .map(|object| {
                object["metadata"]["namespace"]
                    .as_str()
                    .filter(|ns| !ns.is_empty())
                    .or(namespace.as_deref())
                    .unwrap_or(default)
            })
            .collect(),
        op if super::namespaced(op) => vec![op.namespace().unwrap_or(default)],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::plan::ReplicaChange;

    fn context() -> KubeContext {
        KubeContext {
            name: "sandbox".into(),
            namespace: Some("default".into()),
        }
    }

    fn report(op: &Operation, status: Status) -> OperationReport {
        OperationReport {
            summary: crate::plan::summary::summary(op),
            kind: if op.is_change() { "change" } else { "read" },
            operation: op.clone(),
            equivalent_command: String::new(),
            argv: Vec::new(),
            preview: None,
            preview_text: None,
            status,
            exit_code: None,
            stdout: None,
            stderr: None,
            versions: Vec::new(),
        }
    }

    fn ask(ops: &[Operation], statuses: &[Status]) -> (String, String) {
        let reports: Vec<OperationReport> = ops
            .iter()
            .zip(statuses)
            .map(|(op, status)| report(op, *status))
            .collect();
        consent_question(Some(&context()), ops, &reports)
    }

    fn scale(name: &str, namespace: Option<&str>) -> Operation {
        Operation::Scale {
            kind: "deployment".into(),
            name: name.into(),
            namespace: namespace.map(str::to_string),
            replicas: ReplicaChange::To(3),
        }
    }

    #[test]
    fn one_change_is_named_in_the_question() {
        let (recap, prompt) = ask(&[scale("web", None)], &[Status::NotAttempted]);
        assert_eq!(recap, "");
        assert_eq!(
            prompt,
            "Apply scale deployment/web to 3 replicas to context sandbox (namespace default)?"
        );
        let (_, prompt) = ask(&[scale("web", Some("shop"))], &[Status::NotAttempted]);
        assert_eq!(
            prompt,
            "Apply scale deployment/web to 3 replicas in shop to context sandbox (namespace shop)?"
        );
        assert_eq!(
            consent_question(
                None,
                &[],
                &[report(&scale("web", None), Status::NotAttempted)]
            )
            .1,
            "Apply scale deployment/web to 3 replicas?"
        );
    }

    #[test]
    fn several_changes_are_listed_above_the_question_without_the_unchanged_ones() {
        let ops = [
            scale("web", Some("a")),
            scale("api", Some("c")),
            Operation::Cordon {
                node: "worker-1".into(),
            },
            scale("db", Some("b")),
        ];
        let statuses = [
            Status::NotAttempted,
            Status::NoChange,
            Status::NotAttempted,
            Status::NotAttempted,
        ];
        let (recap, prompt) = ask(&ops, &statuses);
        assert_eq!(
            recap,
            "Apply 3 changes to context sandbox (namespaces a, b):\n  \
             1. scale deployment/web to 3 replicas in a\n  \
             3. cordon node/worker-1\n  \
             4. scale deployment/db to 3 replicas in b\n"
        );
        assert_eq!(prompt, "Apply these 3 changes?");
    }

    #[test]
    fn an_apply_names_the_namespaces_of_its_objects() {
        let apply = Operation::Apply {
            objects: vec![
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "kube-system"}}),
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}),
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "c"}}),
            ],
            namespace: None,
        };
        let (_, prompt) = ask(std::slice::from_ref(&apply), &[Status::NotAttempted]);
        assert!(
            prompt.ends_with(" to context sandbox (namespaces default, kube-system)?"),
            "{prompt}"
        );
        let only_system = Operation::Apply {
            objects: vec![
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "kube-system"}}),
            ],
            namespace: None,
        };
        let (_, prompt) = ask(&[only_system], &[Status::NotAttempted]);
        assert!(
            prompt.ends_with(" to context sandbox (namespace kube-system)?"),
            "{prompt}"
        );
        let cluster_wide = Operation::Apply {
            objects: vec![
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "c"}}),
            ],
            namespace: Some("shop".into()),
        };
        let (_, prompt) = ask(&[cluster_wide], &[Status::NotAttempted]);
        assert!(prompt.ends_with(" to context sandbox?"), "{prompt}");
    }
}
