//! Property tests of plan files (`--plan FILE`, JSON or YAML): any bytes are an
//! error or a plan, never a panic; a plan that passes validation builds no argv
//! in which a value becomes a flag; and a valid plan saved as JSON reads back
//! the same. Inputs: raw bytes, hostile YAML, and valid plans (every operation)
//! with hostile edits, written as JSON or YAML.

mod fuzz_support;

use std::path::Path;

use fuzz_support::{check, check_plan, ensure, json_value, plan_value, re};
use kubectl_ai::flow::read_plan;
use kubectl_ai::plan::Plan;
use kubectl_ai::plan::validate::{Limits, validate};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// Reads `bytes` as a plan file: an error, or a plan that is either refused by
/// validation or passes every check.
fn read(path: &Path, bytes: &[u8]) -> Result<(), TestCaseError> {
    std::fs::write(path, bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let Ok(plan) = read_plan(path) else {
        return Ok(());
    };
    if validate(&plan, &Limits::default()).is_err() {
        return Ok(());
    }
    let what = String::from_utf8_lossy(bytes).into_owned();
    check_plan(&what, &plan)?;
    // What --save-plan writes reads back as the same plan.
    let saved = serde_json::to_string_pretty(&plan).expect("a plan serializes") + "\n";
    let again: Result<Plan, _> = serde_json::from_str(&saved);
    ensure(again.as_ref().ok() == Some(&plan), || {
        format!("{what}: saved as {saved} it reads back as {again:?}")
    })
}

/// Pieces of YAML that stress a parser: anchors and aliases, tags, merge keys,
/// deep nesting, odd scalars.
fn yaml_piece() -> BoxedStrategy<String> {
    prop_oneof![
        proptest::sample::select(
            &[
                "operations:\n",
                "- op: scale\n",
                "  name: web\n",
                "  replicas: {to: 3}\n",
                "  replicas: &r {to: 3}\n",
                "  replicas: *r\n",
                "  <<: *r\n",
                "  name: !!binary aGVsbG8=\n",
                "  name: !custom web\n",
                "  name: 0x1F\n",
                "  name: ~\n",
                "  name: -x\n",
                "  name: '-x'\n",
                "  namespace: \"\\e[31m\"\n",
                "- op: delete\n  kind: pod\n  selector: app=web\n",
                "a: &a [*a]\n",
                "x: &x [1,2]\ny: &y [*x,*x,*x,*x]\nz: [*y,*y,*y,*y]\n",
                "---\n",
                "...\n",
                "%YAML 1.2\n",
                "? complex\n: key\n",
                "operations: !!set {a, b}\n",
                "operations: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
                "  replicas: {to: 99999999999999999999999}\n",
                "  replicas: {to: -9223372036854775808}\n",
                "  replicas: {to: 1e400}\n",
                "  replicas: {to: .nan}\n",
                "\t",
                "\u{feff}",
            ][..],
        )
        .prop_map(str::to_string),
        re("[ -~\\n]{0,20}"),
    ]
    .boxed()
}

fn temp() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = fuzz_support::scratch_dir();
    let path = dir.path().join("plan");
    (dir, path)
}

#[test]
fn any_bytes_are_an_error_or_a_plan() {
    let (_dir, path) = temp();
    let bytes = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        any::<String>().prop_map(String::into_bytes),
        proptest::collection::vec(yaml_piece(), 0..10).prop_map(|p| p.concat().into_bytes()),
        json_value().prop_map(|v| v.to_string().into_bytes()),
    ];
    check("plans/bytes", 2_000, bytes, |b| read(&path, &b));
}

#[test]
fn edited_plans_in_json_are_refused_or_safe() {
    let (_dir, path) = temp();
    check("plans/json", 2_000, plan_value(), |plan| {
        read(&path, plan.to_string().as_bytes())
    });
}

#[test]
fn edited_plans_in_yaml_are_refused_or_safe() {
    let (_dir, path) = temp();
    check("plans/yaml", 1_500, plan_value(), |plan| {
        let yaml = serde_yaml::to_string(&plan).expect("a JSON value is YAML");
        read(&path, yaml.as_bytes())
    });
}

#[test]
fn inputs_the_properties_found() {
    let (_dir, path) = temp();
    // A number in an applied object reads back as the same number once saved
    // (JSON numbers are parsed exactly).
    let yaml = "operations:\n- op: apply\n  objects:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: a\n      annotations: {}\n    x: -1.329855928002615e132\n";
    read(&path, yaml.as_bytes()).unwrap();
    let json = r#"{"operations": [{"op": "apply", "objects": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "x": 0.30000000000000004, "y": -1.329855928002615e132}]}]}"#;
    read(&path, json.as_bytes()).unwrap();
}
