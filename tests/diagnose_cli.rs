//! Diagnose as people and scripts see it, against the sandbox through the real
//! kubectl: the human report (summary line, healthy in one line), the versioned
//! JSON document (its keys are a contract), exit codes, and `--fix` through the
//! normal preview/consent/apply path.

mod common;

use common::{TestEnv, assert_success, json_stdout, stderr, stdout};
use serde_json::Value;

fn image_of(env: &TestEnv, ns: &str, deployment: &str) -> String {
    let d = env
        .live(&["deployment", deployment, "-n", ns])
        .expect("deployment exists");
    d["spec"]["template"]["spec"]["containers"][0]["image"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Requests that would have changed the cluster (dry runs excluded).
fn changes(env: &TestEnv) -> Vec<String> {
    env.cluster
        .requests()
        .iter()
        .filter(|r| matches!(r.method.as_str(), "POST" | "PUT" | "PATCH" | "DELETE"))
        .filter(|r| !r.query.contains("dryRun=All"))
        .filter(|r| !r.path.contains("selfsubjectaccessreviews"))
        .map(|r| format!("{} {}?{}", r.method, r.path, r.query))
        .collect()
}

#[test]
fn human_report_healthy_is_one_line_and_exits_0() {
    let env = TestEnv::healthy();
    let out = env
        .plugin()
        .args(["diagnose", "-n", "shop", "--offline"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.starts_with("No problems found in namespace shop (looked at 4 pods, 2 deployments"),
        "{text}"
    );
}

#[test]
fn human_report_summarizes_then_lists_by_severity_and_exits_4() {
    let env = TestEnv::with(&["healthy", "oomkilled"]);
    let out = env
        .plugin()
        .args(["diagnose", "-n", "oomkilled", "--offline"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("2 problems in oomkilled: deployment/report-builder, deployment/cache-warmer")
    );
    assert_eq!(lines.next(), Some(""));
    let critical = text
        .find("CRITICAL deployment/report-builder")
        .expect(&text);
    let warning = text.find("WARNING  deployment/cache-warmer").expect(&text);
    assert!(critical < warning, "most severe first:\n{text}");
    assert!(
        text.contains(
            "  fix: raise the memory limit of container builder in deployment/report-builder from 256Mi to 512Mi"
        ),
        "{text}"
    );
    assert!(text.contains("Run again with --fix"), "{text}");
    assert!(!text.contains('\u{1b}'), "NO_COLOR: {text:?}");
    assert!(
        stderr(&out).is_empty(),
        "nothing on stderr: {}",
        stderr(&out)
    );
}

#[test]
fn diagnosis_that_cannot_read_the_cluster_exits_1_and_says_why() {
    let env = TestEnv::healthy();
    env.cluster.forbid("list", "*");
    let out = env
        .plugin()
        .args(["diagnose", "-n", "shop", "--offline", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    // No half report: with --json, stdout is the one error document.
    let doc: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(doc["status"], "error", "{doc}");
    assert_eq!(doc["exit_code"], 1, "{doc}");
    assert!(doc.get("problems").is_none(), "no half report: {doc}");
    let err = stderr(&out);
    assert!(err.contains("diagnosis failed"), "{err}");
    assert!(err.contains("forbidden"), "kubectl's own words: {err}");
}

/// The keys of a JSON object, sorted.
fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect();
    k.sort_unstable();
    k
}

#[test]
fn json_document_keys_are_the_documented_schema_version_1() {
    let env = TestEnv::with(&["healthy", "progressdeadline"]);
    let out = env
        .plugin()
        .args(["diagnose", "-n", "progressdeadline", "--json", "--offline"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let doc = json_stdout(&out);
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(
        keys(&doc),
        [
            "all_namespaces",
            "checked",
            "findings",
            "model",
            "namespace",
            "not_read",
            "notes",
            "problems",
            "schema_version",
            "status",
            "summary",
            "target"
        ]
    );
    assert_eq!(doc["status"], "problems");
    assert_eq!(
        doc["summary"],
        "1 problem in progressdeadline: deployment/pay"
    );
    assert_eq!(doc["model"], Value::Null, "--offline: no model");
    let f = &doc["findings"][0];
    assert_eq!(
        keys(f),
        [
            "cause", "check", "evidence", "fix", "id", "object", "problem", "severity"
        ]
    );
    assert_eq!(f["id"], 1);
    assert_eq!(keys(&f["object"]), ["kind", "name", "namespace"]);
    assert_eq!(keys(&f["fix"]), ["plan", "summary"]);
    assert!(
        f["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .all(Value::is_string)
    );
    for k in [
        "pods",
        "deployments",
        "services",
        "persistentvolumeclaims",
        "nodes",
        "events",
    ] {
        assert!(doc["checked"][k].is_u64(), "checked.{k}: {doc:#}");
    }
    // The plan is a plan file: the plugin runs it as one.
    let plan = env.plan_file(&f["fix"]["plan"]);
    let out = env
        .plugin()
        .arg("--plan")
        .arg(&plan)
        .args(["--dry-run", "--json"])
        .output()
        .unwrap();
    assert_success(&out);
}

#[test]
fn fix_with_yes_rolls_back_to_the_last_good_revision_and_exits_0() {
    let env = TestEnv::with(&["healthy", "progressdeadline"]);
    assert_eq!(
        image_of(&env, "progressdeadline", "pay"),
        "ghcr.io/acme/pay:2.0.0-bad"
    );
    let out = env
        .plugin()
        .args([
            "diagnose",
            "-n",
            "progressdeadline",
            "--offline",
            "--fix",
            "--yes",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "every problem fixed and applied: 0\n{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    assert_eq!(
        image_of(&env, "progressdeadline", "pay"),
        "ghcr.io/acme/pay:1.9.3"
    );
    let text = stdout(&out);
    assert!(
        text.contains("Fix: roll deployment/pay back from revision 3"),
        "{text}"
    );
    assert!(
        text.contains("-      - image: ghcr.io/acme/pay:2.0.0-bad"),
        "previewed: {text}"
    );
    assert!(
        text.contains(
            "Applied 1 of 1 suggested fix; run `kubectl ai diagnose -n progressdeadline` again"
        ),
        "{text}"
    );
    assert!(!text.contains("Run again with --fix"), "{text}");
}

#[test]
fn fix_with_json_is_one_document_with_the_fix_reports() {
    let env = TestEnv::with(&["healthy", "selector"]);
    let out = env
        .plugin()
        .args([
            "diagnose",
            "-n",
            "selector",
            "--offline",
            "--fix",
            "--yes",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc = json_stdout(&out);
    assert_eq!(doc["all_fixed"], true);
    assert_eq!(doc["fixes"].as_array().unwrap().len(), 1);
    assert_eq!(doc["fixes"][0]["status"], "ok");
    let svc = env
        .live(&["service", "frontend", "-n", "selector"])
        .unwrap();
    assert_eq!(
        svc["spec"]["selector"],
        serde_json::json!({"app": "front-end"})
    );
}

#[test]
fn fix_without_yes_and_without_a_tty_changes_nothing_and_exits_3() {
    let env = TestEnv::with(&["healthy", "progressdeadline"]);
    let out = env
        .plugin()
        .args(["diagnose", "-n", "progressdeadline", "--offline", "--fix"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no terminal to ask for consent"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("+++ deployment/pay (after)"),
        "previewed first"
    );
    assert_eq!(changes(&env), Vec::<String>::new());
    assert_eq!(
        image_of(&env, "progressdeadline", "pay"),
        "ghcr.io/acme/pay:2.0.0-bad"
    );
}

#[test]
fn fix_with_dry_run_previews_only_and_exits_4() {
    let env = TestEnv::with(&["healthy", "oomkilled"]);
    let out = env
        .plugin()
        .args([
            "diagnose",
            "-n",
            "oomkilled",
            "--offline",
            "--fix",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Fix: raise the memory limit of container builder"),
        "{text}"
    );
    assert!(
        text.contains("Fix: raise the memory limit of container warmer"),
        "{text}"
    );
    assert!(text.contains("+            memory: 512Mi"), "{text}");
    assert_eq!(changes(&env), Vec::<String>::new());
    let d = env
        .live(&["deployment", "report-builder", "-n", "oomkilled"])
        .unwrap();
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["memory"],
        "256Mi"
    );
}

#[test]
fn fix_when_a_problem_has_no_fix_still_exits_4() {
    // pvc: neither problem has a safe automatic fix; nothing is offered or changed.
    let env = TestEnv::with(&["healthy", "pvc"]);
    let out = env
        .plugin()
        .args(["diagnose", "-n", "pvc", "--offline", "--fix", "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stdout(&out).contains("No suggested fix to apply."));
    assert_eq!(changes(&env), Vec::<String>::new());
}

#[test]
fn after_its_fix_a_namespace_is_healthy_and_counts_read_naturally() {
    let env = TestEnv::with(&["healthy", "selector"]);
    let out = env
        .plugin()
        .args(["diagnose", "-n", "selector", "--fix", "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = env
        .plugin()
        .args(["diagnose", "-n", "selector"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("No problems found in namespace selector (looked at "),
        "{text}"
    );
    assert!(
        text.contains(" 1 deployment,") && !text.contains("1 deployments"),
        "{text}"
    );
}
