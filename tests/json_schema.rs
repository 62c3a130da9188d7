//! The `--json` report is a contract for scripts: its shape is snapshot-tested
//! (keys and value types, not volatile values), and every field is documented in
//! the README. Set `UPDATE_SNAPSHOTS=1` to rewrite the snapshot after an intended change.

mod common;

use common::{TestEnv, assert_success, json_stdout};
use serde_json::{Map, Value, json};

/// Keys and value types, with the objects inside previews (live Kubernetes
/// objects) reduced to "object".
fn shape(value: &Value, key: &str) -> Value {
    match value {
        Value::Object(_) if key == "before" || key == "after" || key == "operation" => {
            json!("object")
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), shape(v, k)))
                .collect::<Map<_, _>>(),
        ),
        // Every operation (reads and changes differ); one element of other lists.
        Value::Array(items) if key == "operations" => {
            Value::Array(items.iter().map(|v| shape(v, key)).collect())
        }
        Value::Array(items) => {
            Value::Array(items.first().map(|v| shape(v, key)).into_iter().collect())
        }
        Value::String(_) => json!("string"),
        Value::Number(_) => json!("number"),
        Value::Bool(_) => json!("bool"),
        Value::Null => json!("null"),
    }
}

fn check_snapshot(name: &str, actual: &Value) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    let rendered = serde_json::to_string_pretty(actual).unwrap() + "\n";
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &rendered).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        rendered, expected,
        "the JSON shape changed; if intended, bump schema_version when a field changes meaning or disappears, update the README, and rerun with UPDATE_SNAPSHOTS=1"
    );
}

fn report_of_a_change() -> Value {
    let env = TestEnv::healthy();
    let out = env.run_plan(
        &json!({"operations": [
            {"op": "get", "kinds": ["deployments"], "namespace": "shop"},
            {"op": "scale", "name": "web", "namespace": "shop", "replicas": {"to": 3}}
        ]}),
        &["--yes", "--json"],
    );
    assert_success(&out);
    json_stdout(&out)
}

#[test]
fn the_report_shape_is_stable() {
    let report = report_of_a_change();
    assert_eq!(report["schema_version"], 1);
    check_snapshot("report.json", &shape(&report, ""));
}

#[test]
fn every_report_field_is_documented_in_the_readme() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let report = report_of_a_change();
    let mut fields: Vec<String> = report.as_object().unwrap().keys().cloned().collect();
    for op in report["operations"].as_array().unwrap() {
        fields.extend(
            op.as_object()
                .unwrap()
                .keys()
                .map(|k| format!("operations[].{k}")),
        );
    }
    for field in fields {
        let documented = field == "operations" || readme.contains(&format!("`{field}")) || {
            // Grouped rows: `operations[].exit_code`, `stdout`, `stderr`
            let bare = field.rsplit('.').next().unwrap();
            readme.contains(&format!("`{bare}`"))
        };
        assert!(
            documented,
            "the README's JSON output section does not document `{field}`"
        );
    }
}
