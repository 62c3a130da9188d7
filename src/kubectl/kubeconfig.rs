//! Which context and namespace a run talks to, read from the kubeconfig itself.
//!
//! The consent question and the report name the context and namespace. Asking
//! kubectl (`kubectl config view --minify`) would cost a process per run; reading
//! the kubeconfig files the way kubectl does is cheap and keeps a change at three
//! kubectl calls. Precedence as in kubectl: `--kubeconfig`, else every file in
//! `KUBECONFIG` (the first to set a value wins), else `~/.kube/config`; then
//! `--context` over `current-context`, and `-n` over the context's namespace.

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
    let env = std::env::var("KUBECONFIG").ok();
    let parsed: Vec<File> = files(flags, env.as_deref(), dirs::home_dir())
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter_map(|text| serde_yaml::from_str(&text).ok())
        .collect();
    resolve(flags, &parsed)
}

fn resolve(flags: &KubeFlags, files: &[File]) -> Option<KubeContext> {
    let name = flags.context.clone().or_else(|| {
        files
            .iter()
            .find_map(|f| f.current_context.clone().filter(|c| !c.is_empty()))
    })?;
    let context_namespace = files
        .iter()
        .flat_map(|f| &f.contexts)
        .find(|c| c.name == name)
        .and_then(|c| c.context.namespace.clone())
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
