//! The model may look before it plans, and may answer: a few validated, bounded,
//! redacted reads through the real binary against the sandbox, each listed for
//! the person and in `--json`; a plan still goes through preview and consent,
//! and an answer changes nothing.

mod common;
mod model_support;

use common::*;
use kube_sandbox::model::{FakeModel, Reply};
use model_support::{look, op, plan_answer};
use serde_json::{Value, json};

fn read(tool: &str, kind: Option<&str>, name: Option<&str>) -> Value {
    json!({"tool": tool, "kind": kind, "name": name, "container": null,
           "previous": false, "namespace": null})
}

fn run(env: &TestEnv, fake: &FakeModel, args: &[&str]) -> std::process::Output {
    env.with_model_at(&fake.base_url())
        .args(args)
        .output()
        .expect("plugin runs")
}

fn last_message(body: &Value) -> String {
    let messages = body["messages"].as_array().unwrap();
    messages.last().unwrap()["content"]
        .as_str()
        .unwrap()
        .to_string()
}

fn image_of_web(env: &TestEnv) -> String {
    env.live(&["deployment", "web", "-n", "default"]).unwrap()["spec"]["template"]["spec"]
        ["containers"][0]["image"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn the_model_reads_the_live_image_then_plans_the_update() {
    let env = TestEnv::healthy();
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Content(look(json!([read(
        "get",
        Some("deployment"),
        Some("web")
    )]))));
    fake.push(Reply::Content(plan_answer(vec![op(
        "set_image",
        json!({"kind": "deployment", "name": "web", "image": "nginx:1.27"}),
    )])));
    let out = run(
        &env,
        &fake,
        &[
            "--yes",
            "--json",
            "move the web frontend onto the 1.27 release",
        ],
    );
    assert_success(&out);
    assert_eq!(image_of_web(&env), "nginx:1.27");

    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    // The first request offered looking; the second carried the read as data.
    let schema = requests[0].body["response_format"]["json_schema"]["schema"].to_string();
    assert!(schema.contains("\"look\""), "{schema}");
    let evidence = last_message(&requests[1].body);
    assert!(evidence.contains("<cluster_data>"), "{evidence}");
    assert!(evidence.contains("nginx:1.25"), "{evidence}");

    let report = json_stdout(&out);
    let listed = report["evidence"].as_array().expect("evidence in --json");
    assert_eq!(listed.len(), 1, "{report}");
    assert_eq!(listed[0]["step"], 1);
    assert_eq!(listed[0]["ok"], true);
    assert!(
        listed[0]["command"]
            .as_str()
            .unwrap()
            .starts_with("kubectl get deployments web -n default -o wide"),
        "{report}"
    );
    // The output itself stays out of the report: only what ran.
    assert!(listed[0].get("output").is_none(), "{report}");
}

#[test]
fn a_question_is_answered_from_what_was_read_and_nothing_changes() {
    let env = TestEnv::healthy();
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Content(look(json!([read(
        "get",
        Some("deployment"),
        Some("web")
    )]))));
    fake.push(Reply::Content(
        json!({"answer": {"type": "answer", "text": "web runs nginx:1.25 with 2 replicas."}})
            .to_string(),
    ));
    let out = run(
        &env,
        &fake,
        &["tell me about the web frontend: its image and how many copies run"],
    );
    assert_success(&out);
    assert_eq!(stdout(&out).trim(), "web runs nginx:1.25 with 2 replicas.");
    assert!(
        stderr(&out).contains("the model read: kubectl get deployments web -n default -o wide"),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.writes(), Vec::<String>::new());

    fake.push(Reply::Content(look(json!([read(
        "get",
        Some("deployment"),
        Some("web")
    )]))));
    fake.push(Reply::Content(
        json!({"answer": {"type": "answer", "text": "nginx:1.25"}}).to_string(),
    ));
    let out = run(
        &env,
        &fake,
        &["--json", "which build does the web frontend run these days"],
    );
    assert_success(&out);
    let report = json_stdout(&out);
    assert_eq!(report["status"], "answered");
    assert_eq!(report["answer"], "nginx:1.25");
    assert_eq!(report["evidence"].as_array().unwrap().len(), 1);
    assert_eq!(report["source"]["kind"], "model");
}

#[test]
fn an_answer_without_reads_is_not_taken() {
    let env = TestEnv::healthy();
    let fake = FakeModel::start().unwrap();
    for _ in 0..2 {
        fake.push(Reply::Content(
            json!({"answer": {"type": "answer", "text": "web runs nginx:9.9"}}).to_string(),
        ));
    }
    let out = run(
        &env,
        &fake,
        &["which build does the web frontend run these days"],
    );
    assert_exit(&out, 1);
    assert!(!stdout(&out).contains("nginx:9.9"), "{}", stdout(&out));
    assert!(
        last_message(&fake.requests()[1].body).contains("must come from reads of the cluster"),
        "{:?}",
        fake.requests()[1].body
    );
}

#[test]
fn reads_of_secrets_and_of_other_namespaces_are_refused_and_said_so() {
    let env = TestEnv::healthy();
    let fake = FakeModel::start().unwrap();
    let mut other_ns = read("get", Some("pods"), None);
    other_ns["namespace"] = json!("kube-system");
    fake.push(Reply::Content(look(json!([
        read("get", Some("secret"), Some("db-credentials")),
        other_ns,
        read("describe", Some("deployment"), Some("--all")),
    ]))));
    fake.push(Reply::Content(
        json!({"answer": {"type": "clarify", "question": "Which one?"}}).to_string(),
    ));
    let out = run(&env, &fake, &["show me the db password for web"]);
    assert_exit(&out, 2);
    let evidence = last_message(&fake.requests()[1].body);
    let data_start = evidence.find("<cluster_data>").unwrap();
    let data: Value = serde_json::from_str(
        evidence[data_start + 14..evidence.find("</cluster_data>").unwrap()].trim(),
    )
    .unwrap();
    assert_eq!(data["results"], json!([]), "{evidence}");
    let refused = data["refused"].as_array().unwrap();
    assert_eq!(refused.len(), 3, "{evidence}");
    // Nothing at all reached kubectl for them.
    let reads: Vec<String> = env
        .cluster
        .requests()
        .into_iter()
        .map(|r| r.path)
        .filter(|p| p.contains("secrets") || p.contains("kube-system"))
        .collect();
    assert_eq!(reads, Vec::<String>::new());
}

#[test]
fn looking_is_bounded_in_steps_and_reads() {
    let env = TestEnv::healthy();
    let fake = FakeModel::start().unwrap();
    let many = json!([
        read("get", Some("deployment"), Some("web")),
        read("get", Some("pods"), None),
        read("events", None, None),
        read("get", Some("services"), None),
    ]);
    for _ in 0..5 {
        fake.push(Reply::Content(look(many.clone())));
    }
    let out = run(&env, &fake, &["--json", "what is going on with web"]);
    assert_exit(&out, 1);
    let requests = fake.requests();
    // Three steps of reads, then a fourth look is a problem: one repair, then no more.
    assert_eq!(requests.len(), 5, "{}", stderr(&out));
    for request in &requests[1..=3] {
        let message = last_message(&request.body);
        assert!(message.contains("at most 3 reads per step"), "{message}");
    }
    assert!(
        last_message(&requests[4].body).contains("no more reads"),
        "{}",
        last_message(&requests[4].body)
    );
    assert_eq!(env.writes(), Vec::<String>::new());
}

#[test]
fn under_explain_the_model_may_not_look() {
    let env = TestEnv::healthy();
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Content(plan_answer(vec![op(
        "scale",
        json!({"kind": "deployment", "name": "web", "change": "to", "replicas": 3}),
    )])));
    let out = run(
        &env,
        &fake,
        &["--explain", "give the web frontend enough pods"],
    );
    assert_success(&out);
    let schema = fake.requests()[0].body["response_format"]["json_schema"]["schema"].to_string();
    assert!(!schema.contains("\"look\""), "{schema}");
    assert!(
        env.cluster.requests().is_empty(),
        "--explain contacted the cluster"
    );
}

#[test]
fn diagnose_fix_offers_the_models_proposal_where_no_analyzer_has_a_fix() {
    let env = TestEnv::with(&["readiness"]);
    // Without a model: what a person could do, and nothing changes.
    let out = env
        .plugin()
        .args(["diagnose", "-n", "readiness", "--fix", "--offline", "--yes"])
        .output()
        .unwrap();
    assert_exit(&out, 4);
    assert!(
        stdout(&out).contains("No suggested fix for deployment/checkout"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("asks it to propose one"),
        "{}",
        stdout(&out)
    );
    assert_eq!(env.writes(), Vec::<String>::new());

    // With a model: it reads the deployment, then proposes a probe on the port
    // and path the app serves; the proposal is previewed and applied with --yes.
    let fake = FakeModel::start().unwrap();
    // The explanation of the findings comes first (no evidence asked).
    fake.push(Reply::Content(
        json!({"requests": [], "summary": "checkout is not ready", "ranked": [], "next_steps": []})
            .to_string(),
    ));
    fake.push(Reply::Content(look(json!([read(
        "describe",
        Some("deployment"),
        Some("checkout")
    )]))));
    let patch = json!({"spec": {"template": {"spec": {"containers": [
        {"name": "checkout", "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}}}
    ]}}}});
    fake.push(Reply::Content(plan_answer(vec![op(
        "patch",
        json!({"kind": "deployment", "name": "checkout", "namespace": "readiness",
               "patch_type": "strategic", "patch": patch.to_string()}),
    )])));
    let out = run(
        &env,
        &fake,
        &["diagnose", "-n", "readiness", "--fix", "--yes", "--json"],
    );
    let report = json_stdout(&out);
    let fixes = report["fixes"].as_array().expect("fixes in --json");
    let proposal = fixes
        .iter()
        .find(|f| f["source"]["kind"] == "model")
        .unwrap_or_else(|| panic!("no model proposal among {report}"));
    assert_eq!(proposal["status"], "ok", "{proposal}");
    assert!(
        proposal["request"]
            .as_str()
            .unwrap()
            .starts_with("proposed by the model"),
        "{proposal}"
    );
    assert!(
        proposal["operations"][0]["preview"][0]["diff"]
            .as_str()
            .unwrap()
            .contains("/healthz")
    );
    let live = env
        .live(&["deployment", "checkout", "-n", "readiness"])
        .unwrap();
    assert_eq!(
        live["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["path"],
        "/healthz"
    );
}
