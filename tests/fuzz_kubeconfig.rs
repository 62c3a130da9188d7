//! Property tests of kubeconfig reading (`kubectl::kubeconfig`): any bytes in
//! the kubeconfig file give a context (or none) and a pin, never a panic; and
//! what the pin adds to every kubectl call never reads as a flag, is never
//! empty, and carries no control character. Inputs: raw bytes, YAML pieces,
//! and kubeconfig-shaped documents with hostile names of every type.

mod fuzz_support;

use std::path::Path;

use fuzz_support::{atom, check, ensure, json_value, re};
use kubectl_ai::config::KubeFlags;
use kubectl_ai::kubectl::kubeconfig::{Pin, current};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{Value, json};

fn read(path: &Path, bytes: &[u8], typed_context: Option<String>) -> Result<(), TestCaseError> {
    std::fs::write(path, bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let flags = KubeFlags {
        kubeconfig: Some(path.display().to_string()),
        context: typed_context,
        ..KubeFlags::default()
    };
    let _ = current(&flags);
    let pinned = Pin::resolve(&flags).apply(&flags);
    let args = pinned.connection_args();
    let what = String::from_utf8_lossy(bytes);
    for pair in args.chunks(2) {
        let [flag, value] = pair else {
            return Err(TestCaseError::fail(format!("{what}: an odd argv {args:?}")));
        };
        if flag == "--kubeconfig" || (flag == "--context" && flags.context.is_some()) {
            continue;
        }
        ensure(
            !value.is_empty() && !value.starts_with('-') && !value.chars().any(char::is_control),
            || format!("{what}: the kubeconfig pinned {flag} {value:?}: {args:?}"),
        )?;
    }
    Ok(())
}

/// A kubeconfig-like document: contexts, clusters and users whose names and
/// fields are hostile strings or values of the wrong type.
fn document() -> BoxedStrategy<Value> {
    let name = prop_oneof![
        4 => atom().prop_map(Value::String),
        1 => atom().prop_map(|a| Value::String(format!("-{a}"))),
        1 => json_value(),
    ];
    let context = (name.clone(), name.clone(), name.clone(), name.clone()).prop_map(
        |(n, ns, c, u)| json!({"name": n, "context": {"namespace": ns, "cluster": c, "user": u}}),
    );
    (
        name.clone(),
        proptest::collection::vec(context, 0..4),
        json_value(),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(current, mut contexts, extra, pick)| {
            // Often the current context is one that is defined.
            let current = match contexts.get(pick.index(contexts.len() + 1)) {
                Some(c) => c["name"].clone(),
                None => current,
            };
            if let Some(first) = contexts.first_mut() {
                first["extra"] = extra;
            }
            json!({"apiVersion": "v1", "kind": "Config", "current-context": current, "contexts": contexts})
        })
        .boxed()
}

#[test]
fn any_kubeconfig_gives_a_context_or_none_and_never_a_flag() {
    let dir = fuzz_support::scratch_dir();
    let path = dir.path().join("kubeconfig");
    let bytes = prop_oneof![
        2 => document().prop_map(|d| serde_yaml::to_string(&d).unwrap_or_default().into_bytes()),
        1 => document().prop_map(|d| d.to_string().into_bytes()),
        1 => proptest::collection::vec(any::<u8>(), 0..200),
        1 => proptest::collection::vec(
            prop_oneof![
                proptest::sample::select(&[
                    "current-context: ", "contexts:\n", "- name: ", "  context:\n", "    namespace: ",
                    "    cluster: ", "    user: ", "dev\n", "-x\n", "\"\\e]0;pwned\\a\"\n", "&a x\n", "*a\n",
                    "!!binary aGk=\n", "[[[[[[[[[[[[]]]]]]]]]]]]\n", "{a: *b}\n", "---\n", "~\n", "''\n",
                    "\"\\e[31m\"\n", "<<: *a\n", "? [a]\n: b\n",
                ][..]).prop_map(str::to_string),
                re("[ -~\\n]{0,12}"),
            ],
            0..12,
        ).prop_map(|p| p.concat().into_bytes()),
    ];
    let typed = proptest::option::weighted(0.2, atom());
    check("kubeconfig", 2_000, (bytes, typed), |(b, t)| {
        read(&path, &b, t)
    });
}
