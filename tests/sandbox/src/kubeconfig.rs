//! Writes the kubeconfig kubectl uses to reach the sandbox: cluster, user
//! and context "sandbox" (current, namespace default), plus a "staging"
//! context on the same server so `config use-context` can be exercised.

use std::path::Path;

use anyhow::Context;

pub fn render(url: &str) -> String {
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: sandbox
  cluster:
    server: {url}
users:
- name: sandbox
  user: {{}}
contexts:
- name: sandbox
  context:
    cluster: sandbox
    user: sandbox
    namespace: default
- name: staging
  context:
    cluster: sandbox
    user: sandbox
    namespace: default
current-context: sandbox
preferences: {{}}
"
    )
}

pub fn write(path: &Path, url: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(path, render(url)).with_context(|| format!("writing {}", path.display()))
}
