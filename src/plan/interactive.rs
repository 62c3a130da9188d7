//! `port_forward` and `exec`: the operations that hand the terminal to kubectl.
//!
//! Everything about them is here: their fields, validation, equivalent command
//! (which is also exactly what runs), summary, and which of them need a terminal.
//! The engine does not preview them with a server dry run (there is nothing the
//! server could dry-run): it runs kubectl with the plugin's own stdin, stdout and
//! stderr and waits for it (`execute::handoff`).
//!
//! - `port_forward` is a read: it listens on a loopback port (kubectl's default
//!   `--address localhost`; no address is ever taken from a plan, so nothing is
//!   exposed beyond this machine) until Ctrl-C.
//! - `exec` is a change: the command can alter anything inside the container. It
//!   is shown as its exact command, runs only after consent, and is journaled as
//!   run but never undone. Its command is an argv list passed to kubectl after
//!   `--`: no shell is involved unless the list itself names one (`["sh"]`).
//!
//! `logs` with `follow` (`kubectl logs -f`) is the third operation that holds the
//! terminal; it lives with `logs` in the plan enum.

use serde::{Deserialize, Serialize};

use super::Operation;
use super::validate::{dns_label, known_kind, namespace_name, object_name, port_number};

/// `kubectl port-forward [-n NS] KIND/NAME LOCAL[:REMOTE]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PortForward {
    /// `pod` (the default), `service`, `deployment`, `statefulset`, `replicaset` or `daemonset`.
    #[serde(default = "pod")]
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub namespace: Option<String>,
    /// The port on this machine (loopback only), 1-65535.
    pub local_port: i64,
    /// The port on the pod or service; the local port when absent.
    #[serde(default)]
    pub remote_port: Option<i64>,
}

/// `kubectl exec [-n NS] POD|KIND/NAME [-c C] [-it] -- COMMAND...`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exec {
    /// `pod` (the default), or a workload whose pod to run in (`deployment`…).
    #[serde(default = "pod")]
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub container: Option<String>,
    /// The program and its arguments, one word each (`["ls", "-la", "/"]`); never
    /// a shell line: a shell runs only if named (`["sh", "-c", "..."]`).
    pub command: Vec<String>,
    /// Attach the terminal (`-i -t`), e.g. for a shell.
    #[serde(default)]
    pub interactive: bool,
}

fn pod() -> String {
    "pod".to_string()
}

/// The kinds `kubectl port-forward` finds a pod (or a service's port) for.
const FORWARDABLE: &[&str] = &[
    "pods",
    "services",
    "deployments",
    "statefulsets",
    "replicasets",
    "daemonsets",
];

/// The most words and bytes an exec command may hold.
const MAX_WORDS: usize = 64;
const MAX_BYTES: usize = 4096;

impl PortForward {
    pub fn validate(&self) -> Result<(), String> {
        let info = known_kind(&self.kind)?;
        if !FORWARDABLE.contains(&info.resource) {
            return Err(format!(
                "port-forward reaches pods, services and workloads with pods, not {}",
                info.resource
            ));
        }
        object_name(&self.name)?;
        if let Some(ns) = &self.namespace {
            namespace_name(ns)?;
        }
        port_number(self.local_port).map_err(|e| format!("local {e}"))?;
        if let Some(remote) = self.remote_port {
            port_number(remote).map_err(|e| format!("remote {e}"))?;
        }
        Ok(())
    }

    pub fn equivalent_args(&self) -> Vec<String> {
        let mut argv = vec![
            "port-forward".to_string(),
            super::equivalent::object(&self.kind, &self.name),
        ];
        push_namespace(&mut argv, &self.namespace);
        argv.push(match self.remote_port {
            Some(remote) if remote != self.local_port => format!("{}:{remote}", self.local_port),
            _ => self.local_port.to_string(),
        });
        argv
    }

    pub fn summary(&self) -> String {
        let remote = self.remote_port.unwrap_or(self.local_port);
        format!(
            "forward localhost:{} to port {remote} of {}{}",
            self.local_port,
            label(&self.kind, &self.name),
            place(&self.namespace)
        )
    }
}

impl Exec {
    pub fn validate(&self) -> Result<(), String> {
        let info = known_kind(&self.kind)?;
        if info.resource != "pods" && !info.has_pod_template {
            return Err(format!(
                "exec runs in a pod or a workload's pod, not in {}",
                info.resource
            ));
        }
        object_name(&self.name)?;
        if let Some(ns) = &self.namespace {
            namespace_name(ns)?;
        }
        if let Some(container) = &self.container {
            dns_label("container name", container)?;
        }
        let Some(program) = self.command.first() else {
            return Err(
                "exec needs a command: the program and its arguments, one word each, such as [\"ls\", \"/\"] (or [\"sh\"] with interactive for a shell)"
                    .into(),
            );
        };
        if program.trim().is_empty() || program.starts_with('-') {
            return Err(format!(
                "exec's command must start with a program name, not {}",
                crate::shown::value(program)
            ));
        }
        if self.command.len() > MAX_WORDS
            || self.command.iter().map(String::len).sum::<usize>() > MAX_BYTES
        {
            return Err(format!(
                "exec's command is too long (at most {MAX_WORDS} words and {MAX_BYTES} bytes); run a script that is in the container instead"
            ));
        }
        if let Some(bad) = self.command.iter().find(|w| w.contains('\0')) {
            return Err(format!(
                "exec's command word {} holds a NUL byte, which no program can receive",
                crate::shown::value(bad)
            ));
        }
        Ok(())
    }

    pub fn equivalent_args(&self) -> Vec<String> {
        let mut argv = vec![
            "exec".to_string(),
            super::equivalent::object(&self.kind, &self.name),
        ];
        push_namespace(&mut argv, &self.namespace);
        if let Some(container) = &self.container {
            argv.extend(["-c".to_string(), container.clone()]);
        }
        if self.interactive {
            argv.push("-it".to_string());
        }
        argv.push("--".to_string());
        argv.extend(self.command.iter().cloned());
        argv
    }

    pub fn summary(&self) -> String {
        let what = if self.interactive {
            "open an interactive"
        } else {
            "run"
        };
        let container = self
            .container
            .as_deref()
            .map(|c| format!(" (container {c})"))
            .unwrap_or_default();
        format!(
            "{what} `{}` in {}{container}{}",
            crate::kubectl::display_command(&self.command)
                .trim_start_matches("kubectl")
                .trim_start(),
            label(&self.kind, &self.name),
            place(&self.namespace)
        )
    }
}

/// True for an operation that holds the terminal until it ends (a port-forward,
/// `logs -f`, an interactive exec): it needs a person at a terminal, and nothing
/// can come after it in a plan.
pub fn needs_terminal(op: &Operation) -> bool {
    match op {
        Operation::PortForward(_) => true,
        Operation::Logs { follow, .. } => *follow,
        Operation::Exec(exec) => exec.interactive,
        _ => false,
    }
}

/// True for an operation that runs kubectl with the plugin's own terminal (all
/// of the above, and any exec): its output is not captured unless `--json` asks.
pub fn hands_off(op: &Operation) -> bool {
    needs_terminal(op) || matches!(op, Operation::Exec(_))
}

/// An operation that holds the terminal must be the last of its plan: what would
/// follow it could only start once the person ends it.
pub fn terminal_last(operations: &[Operation]) -> Result<(), (usize, String)> {
    let last = operations.len().saturating_sub(1);
    match operations
        .iter()
        .enumerate()
        .find(|(index, op)| *index < last && needs_terminal(op))
    {
        Some((index, op)) => Err((
            index,
            format!(
                "operation {} ({}) holds the terminal until you end it, so nothing can follow it; put it last or split the plan",
                index + 1,
                op.verb()
            ),
        )),
        None => Ok(()),
    }
}

fn push_namespace(argv: &mut Vec<String>, namespace: &Option<String>) {
    if let Some(ns) = namespace {
        argv.extend(["-n".to_string(), ns.clone()]);
    }
}

fn label(kind: &str, name: &str) -> String {
    let singular = super::kinds::lookup(kind).map_or(kind, |k| k.singular);
    format!("{singular}/{name}")
}

fn place(namespace: &Option<String>) -> String {
    namespace
        .as_deref()
        .map(|ns| format!(" in {ns}"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forward(kind: &str, local: i64, remote: Option<i64>) -> PortForward {
        PortForward {
            kind: kind.into(),
            name: "web".into(),
            namespace: Some("shop".into()),
            local_port: local,
            remote_port: remote,
        }
    }

    fn exec(command: &[&str], interactive: bool) -> Exec {
        Exec {
            kind: "pod".into(),
            name: "api-5c4".into(),
            namespace: None,
            container: None,
            command: command.iter().map(|s| s.to_string()).collect(),
            interactive,
        }
    }

    #[test]
    fn port_forwards_read_like_kubectl_and_ports_are_bounded() {
        assert_eq!(
            forward("service", 8080, Some(80))
                .equivalent_args()
                .join(" "),
            "port-forward service/web -n shop 8080:80"
        );
        assert_eq!(
            forward("pod", 8080, None).equivalent_args().join(" "),
            "port-forward web -n shop 8080"
        );
        for (local, remote, needle) in [
            (0, None, "local port 0"),
            (70000, None, "local port 70000"),
            (8080, Some(0), "remote port 0"),
            (8080, Some(65536), "remote port 65536"),
        ] {
            let err = forward("pod", local, remote).validate().unwrap_err();
            assert!(err.contains(needle), "{err}");
        }
        let err = forward("configmap", 80, None).validate().unwrap_err();
        assert!(err.contains("configmaps"), "{err}");
    }

    #[test]
    fn exec_commands_are_argv_words_after_double_dash() {
        let shell = exec(&["sh"], true);
        assert_eq!(shell.equivalent_args().join(" "), "exec api-5c4 -it -- sh");
        let hostile = exec(
            &["ls", "/; rm -rf /", "$(reboot)", "-n", "kube-system"],
            false,
        );
        hostile.validate().unwrap();
        assert_eq!(
            hostile.equivalent_args(),
            [
                "exec",
                "api-5c4",
                "--",
                "ls",
                "/; rm -rf /",
                "$(reboot)",
                "-n",
                "kube-system"
            ]
        );
        assert_eq!(
            hostile.summary(),
            "run `ls '/; rm -rf /' '$(reboot)' -n kube-system` in pod/api-5c4"
        );
        for (command, needle) in [
            (vec![], "needs a command"),
            (vec!["--all"], "program name"),
            (vec!["ls\0"], "NUL"),
        ] {
            let err = exec(&command, false).validate().unwrap_err();
            assert!(err.contains(needle), "{err}");
        }
        let mut slashed = exec(&["ls"], false);
        slashed.name = "api/../x".into();
        assert!(slashed.validate().unwrap_err().contains("api/../x"));
    }

    #[test]
    fn only_what_holds_the_terminal_must_come_last() {
        let ls = Operation::Exec(exec(&["ls"], false));
        let shell = Operation::Exec(exec(&["sh"], true));
        assert!(!needs_terminal(&ls) && hands_off(&ls));
        assert!(needs_terminal(&shell));
        assert!(terminal_last(&[ls.clone(), shell.clone()]).is_ok());
        let (index, message) = terminal_last(&[shell, ls]).unwrap_err();
        assert_eq!(index, 0);
        assert!(message.contains("put it last"), "{message}");
    }
}
