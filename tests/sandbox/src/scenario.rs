//! Named cluster states to load into the fake API server.
//!
//! Each scenario is a multi-document YAML file under `tests/sandbox/scenarios/`
//! holding objects as a real Kubernetes 1.32 cluster returns them from
//! `kubectl get -o yaml` (full `status`, events, plus the sandbox's `PodLogs`
//! and the metrics API's `PodMetrics`/`NodeMetrics`). They are embedded with
//! `include_str!` so test binaries work from any directory. Scenarios combine:
//! `healthy` is the base cluster (nodes, `default`, `shop`, `kube-system`), and
//! every broken scenario lives in its own namespace named after it, so object
//! names never collide. Objects carry no `uid`/`resourceVersion` (the store
//! assigns them); `ownerReferences` name their owner by kind and name only.

use anyhow::{Context, bail};
use serde::Deserialize;
use serde_json::Value;

const SCENARIOS: &[(&str, &str)] = &[
    ("healthy", include_str!("../scenarios/healthy.yaml")),
    ("crashloop", include_str!("../scenarios/crashloop.yaml")),
    ("imagepull", include_str!("../scenarios/imagepull.yaml")),
    ("oomkilled", include_str!("../scenarios/oomkilled.yaml")),
    ("pending", include_str!("../scenarios/pending.yaml")),
    ("readiness", include_str!("../scenarios/readiness.yaml")),
    ("selector", include_str!("../scenarios/selector.yaml")),
    ("pvc", include_str!("../scenarios/pvc.yaml")),
    (
        "nodenotready",
        include_str!("../scenarios/nodenotready.yaml"),
    ),
    ("job", include_str!("../scenarios/job.yaml")),
    ("hpa", include_str!("../scenarios/hpa.yaml")),
    (
        "progressdeadline",
        include_str!("../scenarios/progressdeadline.yaml"),
    ),
];

const NAMES: &[&str] = &[
    "healthy",
    "crashloop",
    "imagepull",
    "oomkilled",
    "pending",
    "readiness",
    "selector",
    "pvc",
    "nodenotready",
    "job",
    "hpa",
    "progressdeadline",
];

/// The names of all scenarios, `healthy` first.
pub fn names() -> &'static [&'static str] {
    NAMES
}

/// The raw YAML of a scenario, comment header included.
pub fn source(name: &str) -> Option<&'static str> {
    SCENARIOS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// The one-line description at the top of a scenario file.
pub fn description(name: &str) -> Option<&'static str> {
    let first = source(name)?.lines().next()?;
    Some(first.trim_start_matches('#').trim())
}

/// The objects of one scenario, in file order.
pub fn load(name: &str) -> anyhow::Result<Vec<Value>> {
    let Some(text) = source(name) else {
        bail!(
            "unknown scenario {name:?}; known scenarios: {}",
            NAMES.join(", ")
        );
    };
    parse(text).with_context(|| format!("scenario {name}"))
}

/// The objects of several scenarios, concatenated in the given order.
pub fn load_all(names: &[&str]) -> anyhow::Result<Vec<Value>> {
    let mut out = Vec::new();
    for name in names {
        out.extend(load(name)?);
    }
    Ok(out)
}

/// Parse multi-document YAML into JSON objects, skipping empty documents.
pub fn parse(text: &str) -> anyhow::Result<Vec<Value>> {
    let mut out = Vec::new();
    for (i, doc) in serde_yaml::Deserializer::from_str(text).enumerate() {
        let value = Value::deserialize(doc).with_context(|| format!("document {}", i + 1))?;
        match value {
            Value::Null => {}
            Value::Object(_) => out.push(value),
            other => bail!("document {} is not an object: {other}", i + 1),
        }
    }
    Ok(out)
}
