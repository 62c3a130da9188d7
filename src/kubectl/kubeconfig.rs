//! Which context and namespace a run talks to, read from the kubeconfig itself.
//!
//! The consent question and the report name the context and namespace. Asking
//! kubectl (`kubectl config view --minify`) would cost a process per run; reading
//! the kubeconfig files the way kubectl does is cheap and keeps a change at three
//! kubectl calls. Precedence as in kubectl: `--kubeconfig`, else every file in
//! `KUBECONFIG` (the first to set a value wins), else `~/.kube/config`; then
//! `--context` over `current-context`, and `-n` over the context's namespace.
//!
//! The same reading pins a run ([`Pin`]): the context resolved at the start,
//! with that context's cluster and user, is passed to every kubectl call of the
//! run, so switching contexts (`kubectl config use-context`) or editing the
//! context entry in another terminal while a prompt is open changes nothing.

use std::path::PathBuf;

use serde::Deserialize;

use crate::config::KubeFlags;

/// The context and namespace in effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeContext {
    pub name: String,
    pub namespace: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct File {
    #[serde(default)]
    current_context: Option<String>,
    #[serde(default)]
    contexts: Vec<NamedContext>,
}

#[derive(Debug, Deserialize)]
struct NamedContext {
    name: String,
    #[serde(default)]
    context: Context,
}

#[derive(Debug, Default, Deserialize)]
struct Context {
    #[serde(default)]
    namespace: Option<String>,
    #[serde(default)]
    cluster: Option<String>,
    #[serde(default)]
    user: Option<String>,
}

/// The connection every kubectl call of a run goes to, resolved once at the
/// start: the context (typed, else the kubeconfig's `current-context`) and that
/// context's cluster and user. Empty when no kubeconfig names a context (kubectl
/// is then left to its own defaults, as before).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pin {
    context: Option<String>,
    cluster: Option<String>,
    user: Option<String>,
}

impl Pin {
    /// Reads the kubeconfig files as kubectl would, now.
    pub fn resolve(flags: &KubeFlags) -> Pin {
        pin(flags, &read(flags))
    }

    /// The pinned context's name, if any.
    pub fn context(&self) -> Option<&str> {
        self.context.as_deref()
    }

    /// `flags` with the pinned context, cluster and user added where the person
    /// typed none (what was typed always wins).
    pub fn apply(&self, flags: &KubeFlags) -> KubeFlags {
        KubeFlags {
            context: flags.context.clone().or_else(|| self.context.clone()),
            cluster: flags.cluster.clone().or_else(|| self.cluster.clone()),
            user: flags.user.clone().or_else(|| self.user.clone()),
            ..flags.clone()
        }
    }
}

/// The files kubectl would read, in order.
fn files(flags: &KubeFlags, kubeconfig_env: Option<&str>, home: Option<PathBuf>) -> Vec<PathBuf> {
    if let Some(path) = &flags.kubeconfig {
        return vec![PathBuf::from(path)];
    }
    match kubeconfig_env.filter(|v| !v.is_empty()) {
        Some(list) => std::env::split_paths(list)
            .filter(|p| !p.as_os_str().is_empty())
            .collect(),
        None => home
            .map(|h| h.join(".kube").join("config"))
            .into_iter()
            .collect(),
    }
}

/// Resolves the context and namespace as kubectl would; `None` when no context is set.
pub fn current(flags: &KubeFlags) -> Option<KubeContext> {
    resolve(flags, &read(flags))
}

/// The kubeconfig files kubectl would read, parsed (unreadable ones skipped).
fn read(flags: &KubeFlags) -> Vec<File> {
    let env = std::env::var("KUBECONFIG").ok();
    files(flags, env.as_deref(), dirs::home_dir())
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter_map(|text| serde_yaml::from_str(&text).ok())
        .collect()
}

/// The context in effect: `--context`, else the first `current-context` set.
fn context_name(flags: &KubeFlags, files: &[File]) -> Option<String> {
    flags.context.clone().or_else(|| {
        files
            .iter()
            .find_map(|f| f.current_context.clone().filter(|c| !c.is_empty()))
    })
}

/// The entry of the context `name` (the first file to define it wins).
fn entry<'f>(files: &'f [File], name: &str) -> Option<&'f Context> {
    files
        .iter()
        .flat_map(|f| &f.contexts)
        .find(|c| c.name == name)
        .map(|c| &c.context)
}

/// A name from a kubeconfig that can be passed as a flag's value: a name that
/// could be read as a flag, or that is empty, is left for kubectl to resolve.
fn usable(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('-') && !name.chars().any(char::is_control)
}

fn pin(flags: &KubeFlags, files: &[File]) -> Pin {
    let Some(name) = context_name(flags, files).filter(|n| usable(n)) else {
        return Pin::default();
    };
    let entry = entry(files, &name);
    let field = |value: Option<&String>| value.filter(|v| usable(v)).cloned();
    Pin {
        cluster: field(entry.and_then(|e| e.cluster.as_ref())),
        user: field(entry.and_then(|e| e.user.as_ref())),
        context: Some(name),
    }
}

fn resolve(flags: &KubeFlags, files: &[File]) -> Option<KubeContext> {
    let name = context_name(flags, files)?;
    let context_namespace = entry(files, &name)
        .and_then(|c| c.namespace.clone())
        .filter(|ns| !ns.is_empty());
    Some(KubeContext {
        name,
        namespace: flags
            .namespace
            .clone()
            .or(context_namespace)
            .or_else(|| Some("default".into())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(yaml: &str) -> File {
        serde_yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn the_first_file_to_set_a_value_wins_and_flags_win_over_files() {
        let files = [
            file("contexts: [{name: dev, context: {namespace: team}}]"),
            file(
                "current-context: dev\ncontexts: [{name: dev, context: {namespace: other}}, {name: prod, context: {}}]",
            ),
        ];
        let flags = KubeFlags::default();
        assert_eq!(
            resolve(&flags, &files),
            Some(KubeContext {
                name: "dev".into(),
                namespace: Some("team".into())
            })
        );
        let flags = KubeFlags {
            context: Some("prod".into()),
            ..KubeFlags::default()
        };
        assert_eq!(
            resolve(&flags, &files).unwrap().namespace.as_deref(),
            Some("default")
        );
        let flags = KubeFlags {
            namespace: Some("shop".into()),
            ..KubeFlags::default()
        };
        assert_eq!(
            resolve(&flags, &files).unwrap().namespace.as_deref(),
            Some("shop")
        );
        assert_eq!(resolve(&KubeFlags::default(), &[]), None);
    }

    #[test]
    fn a_run_is_pinned_to_the_context_its_cluster_and_user() {
        let files = [
            file("current-context: dev"),
            file(
                "current-context: prod\ncontexts: [{name: dev, context: {cluster: c1, user: u1}}, {name: dev, context: {cluster: c2}}]",
            ),
        ];
        let none = KubeFlags::default();
        let pinned = pin(&none, &files).apply(&none);
        assert_eq!(pinned.context.as_deref(), Some("dev"));
        assert_eq!(pinned.cluster.as_deref(), Some("c1"));
        assert_eq!(pinned.user.as_deref(), Some("u1"));
        assert_eq!(
            pinned.connection_args(),
            ["--context", "dev", "--cluster", "c1", "--user", "u1"]
        );

        // What was typed wins; a context with no entry pins its name only.
        let typed = KubeFlags {
            context: Some("other".into()),
            user: Some("me".into()),
            ..KubeFlags::default()
        };
        let pinned = pin(&typed, &files).apply(&typed);
        assert_eq!(
            pinned.connection_args(),
            ["--context", "other", "--user", "me"]
        );

        // Nothing to pin without a context, or with a name that reads as a flag.
        assert_eq!(pin(&none, &[]), Pin::default());
        assert_eq!(
            pin(&none, &[file("current-context: --as=admin")]),
            Pin::default()
        );
        let odd = [file(
            "current-context: x\ncontexts: [{name: x, context: {cluster: '-c', user: ''}}]",
        )];
        assert_eq!(
            pin(&none, &odd).apply(&none).connection_args(),
            ["--context", "x"]
        );
    }

    #[test]
    fn the_kubeconfig_flag_beats_the_environment() {
        let flags = KubeFlags {
            kubeconfig: Some("/a".into()),
            ..KubeFlags::default()
        };
        assert_eq!(files(&flags, Some("/b:/c"), None), [PathBuf::from("/a")]);
        let none = KubeFlags::default();
        assert_eq!(
            files(&none, Some("/b:/c"), None),
            [PathBuf::from("/b"), PathBuf::from("/c")]
        );
        assert_eq!(
            files(&none, None, Some(PathBuf::from("/home/x"))),
            [PathBuf::from("/home/x/.kube/config")]
        );
    }
}
