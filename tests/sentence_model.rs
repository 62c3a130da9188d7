//! Sentences the offline rules cannot place, through the real binary: the model is
//! asked once, its plan is previewed and applied against the sandbox, and every
//! way the model can fail or decline ends with a clear message, the documented
//! exit code and no change to the cluster.
//!
//! Exit codes of the model path: 0 when the plan ran; 2 when the model asks a
//! clarifying question or says the request is out of scope (like any sentence that
//! can't be understood); 1 when the model refuses, is cut off, sends a plan that
//! still fails validation after its one repair, or the HTTP call fails.

mod common;
mod model_support;

use common::*;
use kube_sandbox::model::{FakeModel, Reply};
use model_support::{op, other_answer, plan_answer};
use serde_json::{Value, json};

/// Rules can't place this; the model reads it as "scale deployment web to 5".
const VAGUE: &str = "give the web frontend enough pods to survive the launch";

fn scale_web(n: i64) -> String {
    plan_answer(vec![op(
        "scale",
        json!({"kind": "deployment", "name": "web", "change": "to", "replicas": n}),
    )])
}

fn env_and_model() -> (TestEnv, FakeModel) {
    (TestEnv::healthy(), FakeModel::start().expect("fake model"))
}

fn run(env: &TestEnv, fake: &FakeModel, args: &[&str]) -> std::process::Output {
    env.with_model_at(&fake.base_url())
        .args(args)
        .output()
        .expect("plugin runs")
}

/// Every message sent to the model, as one string.
fn sent(fake: &FakeModel) -> String {
    fake.requests()
        .iter()
        .map(|r| r.body.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Nothing in the sandbox changed: no request but reads, and web still has 2 replicas.
fn assert_unchanged(env: &TestEnv) {
    assert_eq!(env.writes(), Vec::<String>::new());
    assert_eq!(env.replicas("default", "web"), 2);
}

#[test]
fn the_vague_sentence_needs_a_model() {
    let env = TestEnv::healthy();
    let out = env.plugin().args(["--offline", VAGUE]).output().unwrap();
    assert_exit(&out, 2);
}

#[test]
fn a_model_plan_is_previewed_and_applied() {
    let (env, fake) = env_and_model();
    fake.push(Reply::Content(scale_web(5)));
    let out = run(&env, &fake, &["--yes", "--json", VAGUE]);
    assert_success(&out);
    let report = json_stdout(&out);
    assert_eq!(report["request"], VAGUE);
    assert_eq!(
        report["source"],
        json!({"kind": "model", "model": "gpt-4.1-mini"})
    );
    assert!(
        report["usage"]["prompt_tokens"].as_u64().unwrap() > 0,
        "{report}"
    );
    assert!(
        report["usage"]["completion_tokens"].as_u64().unwrap() > 0,
        "{report}"
    );
    let op = &report["operations"][0];
    assert_eq!(op["kind"], "change", "{op}");
    assert_eq!(
        op["equivalent_command"],
        "kubectl scale deployment/web --replicas=5"
    );
    assert_eq!(op["status"], "applied", "{op}");
    let diff = op["preview"][0]["diff"].as_str().unwrap();
    assert!(
        diff.contains("-  replicas: 2") && diff.contains("+  replicas: 5"),
        "{diff}"
    );
    assert_eq!(env.replicas("default", "web"), 5);
    // One sentence, one model call.
    assert_eq!(fake.requests().len(), 1);
    let body = &fake.requests()[0].body;
    assert_eq!(body["model"], "gpt-4.1-mini");
    assert_eq!(body["messages"][1]["content"], VAGUE);
}

#[test]
fn human_output_says_the_model_planned_it() {
    let (env, fake) = env_and_model();
    fake.push(Reply::Content(scale_web(4)));
    let out = run(&env, &fake, &["--yes", VAGUE]);
    assert_success(&out);
    let err = stderr(&out);
    assert!(
        stdout(&out).starts_with("Plan from the model gpt-4.1-mini:\n"),
        "the source heads the plan: {}",
        stdout(&out)
    );
    assert!(
        err.contains("the model gpt-4.1-mini planned this (") && err.contains("completion tokens)"),
        "the token usage is said on stderr: {err}"
    );
    let all = stdout(&out) + &err;
    assert!(
        all.contains("kubectl scale deployment/web --replicas=4"),
        "{all}"
    );
    assert_eq!(env.replicas("default", "web"), 4);
}

#[test]
fn a_sentence_the_rules_understand_never_calls_the_model() {
    let (env, fake) = env_and_model();
    let out = run(&env, &fake, &["--yes", "--json", "scale web to 3"]);
    assert_success(&out);
    assert_eq!(json_stdout(&out)["source"], json!({"kind": "rules"}));
    assert_eq!(env.replicas("default", "web"), 3);
    assert!(fake.requests().is_empty(), "{}", sent(&fake));
}

#[test]
fn dash_dash_model_forces_the_model_even_for_a_rules_sentence() {
    let (env, fake) = env_and_model();
    fake.push(Reply::Content(scale_web(3)));
    let out = run(
        &env,
        &fake,
        &[
            "--model",
            "gpt-test-forced",
            "--yes",
            "--json",
            "scale web to 3",
        ],
    );
    assert_success(&out);
    let report = json_stdout(&out);
    assert_eq!(
        report["source"],
        json!({"kind": "model", "model": "gpt-test-forced"})
    );
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].body["model"], "gpt-test-forced");
    assert_eq!(env.replicas("default", "web"), 3);
}

#[test]
fn an_invalid_plan_is_repaired_once_with_the_problem_sent_back() {
    let (env, fake) = env_and_model();
    fake.push(Reply::Content(scale_web(-1)));
    fake.push(Reply::Content(scale_web(5)));
    let out = run(&env, &fake, &["--yes", "--json", VAGUE]);
    assert_success(&out);
    let requests = fake.requests();
    assert_eq!(requests.len(), 2, "one call and one repair");
    let repair = requests[1].body["messages"].as_array().unwrap();
    assert_eq!(repair.len(), 4, "{repair:?}");
    assert_eq!(repair[2]["role"], "assistant");
    let problem = repair[3]["content"].as_str().unwrap();
    assert!(problem.contains("-1"), "{problem}");
    let report = json_stdout(&out);
    let usage = &report["usage"];
    assert!(usage["prompt_tokens"].as_u64().unwrap() > 0, "{report}");
    assert_eq!(env.replicas("default", "web"), 5);
}

#[test]
fn a_plan_still_invalid_after_the_repair_is_shown_and_nothing_runs() {
    let (env, fake) = env_and_model();
    fake.push(Reply::Content(scale_web(-1)));
    fake.push(Reply::Content(scale_web(-2)));
    let out = run(&env, &fake, &["--yes", VAGUE]);
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("even after one repair"), "{err}");
    assert!(err.contains("The model proposed"), "{err}");
    assert!(err.contains("\"op\": \"scale\""), "{err}");
    assert!(err.contains("Nothing was run"), "{err}");
    assert_eq!(fake.requests().len(), 2);
    assert_unchanged(&env);
}

/// A plan acting on what nobody named — another namespace, an invented object,
/// a port never given, a pod where the person said deployment — goes back to the
/// model naming it; if the model holds to it, nothing runs.
#[test]
fn a_plan_acting_on_what_nobody_named_is_repaired_or_never_run() {
    let cases = [
        (
            "scale the web deployment in default to 4",
            json!({"kind": "deployment", "name": "web", "namespace": "shop", "change": "to", "replicas": 4}),
            "namespace `shop`",
        ),
        (
            "scale the web deployment to 4",
            json!({"kind": "deployment", "name": "web-canary", "change": "to", "replicas": 4}),
            "name `web-canary`",
        ),
        (
            "scale the web deployment to 4",
            json!({"kind": "statefulset", "name": "web", "change": "to", "replicas": 4}),
            "calls `web` a deployment",
        ),
    ];
    for (sentence, invented, named) in cases {
        let (env, fake) = env_and_model();
        fake.push(Reply::Content(plan_answer(vec![op(
            "scale",
            invented.clone(),
        )])));
        fake.push(Reply::Content(plan_answer(vec![op("scale", invented)])));
        let out = run(&env, &fake, &["--model", "m", "--yes", sentence]);
        assert_exit(&out, 1);
        let requests = fake.requests();
        assert_eq!(requests.len(), 2, "{sentence}: one call and one repair");
        let repair = requests[1].body["messages"].as_array().unwrap();
        let problem = repair.last().unwrap()["content"].as_str().unwrap();
        assert!(problem.contains(named), "{sentence}: {problem}");
        assert!(stderr(&out).contains("Nothing was run"), "{}", stderr(&out));
        assert_unchanged(&env);
    }

    // A delete of a kind nobody said is never run, however often the model says it.
    let (env, fake) = env_and_model();
    let delete = plan_answer(vec![op(
        "delete",
        json!({"kind": "service", "name": "web"}),
    )]);
    fake.push(Reply::Content(delete.clone()));
    fake.push(Reply::Content(delete));
    let out = run(&env, &fake, &["--model", "m", "--yes", "bounce web"]);
    assert_exit(&out, 1);
    let problem = fake.requests()[1].body["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()["content"]
        .to_string();
    assert!(
        problem.contains("does not say to delete a service"),
        "{problem}"
    );
    assert!(
        env.live(&["service", "web"]).is_some(),
        "the service is gone"
    );
    assert_eq!(env.writes(), Vec::<String>::new());

    // Corrected in the repair, the plan runs.
    let (env, fake) = env_and_model();
    fake.push(Reply::Content(plan_answer(vec![op(
        "expose",
        json!({"kind": "deployment", "name": "web", "port": 8080, "target_port": 80, "service_name": "web-public"}),
    )])));
    fake.push(Reply::Content(plan_answer(vec![op(
        "expose",
        json!({"kind": "deployment", "name": "web", "port": 8080, "service_name": "web-public"}),
    )])));
    let out = run(
        &env,
        &fake,
        &[
            "--model",
            "m",
            "--yes",
            "expose web as web-public on port 8080",
        ],
    );
    assert_success(&out);
    let repair = fake.requests()[1].body["messages"]
        .as_array()
        .unwrap()
        .clone();
    let problem = repair.last().unwrap()["content"].as_str().unwrap();
    assert!(problem.contains("target_port 80"), "{problem}");
    let service = env
        .live(&["service", "web-public"])
        .expect("the service was created");
    assert_eq!(service["spec"]["ports"][0]["port"], 8080);
}

#[test]
fn a_refusal_is_shown_and_nothing_changes() {
    let (env, fake) = env_and_model();
    fake.push(Reply::Refusal(
        "I can't help with deleting production data.".into(),
    ));
    let out = run(&env, &fake, &["--yes", VAGUE]);
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("the model declined the request"), "{err}");
    assert!(err.contains("deleting production data"), "{err}");
    assert_eq!(fake.requests().len(), 1);
    assert_unchanged(&env);
}

#[test]
fn a_clarifying_question_is_shown_and_nothing_changes() {
    let (env, fake) = env_and_model();
    fake.push(Reply::Content(other_answer(
        "clarify",
        Some("Which deployment: web or api?"),
        None,
        None,
    )));
    let out = run(&env, &fake, &["--yes", "--json", "make it bigger"]);
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("Which deployment: web or api?"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    // With --json, stdout is one document on every exit path: the error's.
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(doc["status"], "error", "{doc}");
    assert_eq!(doc["exit_code"], 2, "{doc}");
    assert!(
        doc["error"]
            .as_str()
            .unwrap()
            .contains("Which deployment: web or api?"),
        "{doc}"
    );
    assert_eq!(fake.requests().len(), 1);
    assert_unchanged(&env);
}

#[test]
fn an_out_of_scope_request_is_shown_and_nothing_changes() {
    let (env, fake) = env_and_model();
    fake.push(Reply::Content(other_answer(
        "out_of_scope",
        Some("kubectl ai does not install software on your machine."),
        None,
        None,
    )));
    let out = run(&env, &fake, &["--yes", "install helm on my laptop"]);
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("not something kubectl ai can do"), "{err}");
    assert!(err.contains("does not install software"), "{err}");
    assert_unchanged(&env);
}

#[test]
fn a_cut_off_answer_is_not_used() {
    let (env, fake) = env_and_model();
    fake.push(Reply::Length(
        r#"{"answer":"plan","operations":[{"op":"sc"#.into(),
    ));
    let out = run(&env, &fake, &["--yes", VAGUE]);
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("cut off"), "{err}");
    assert!(err.contains("max_completion_tokens"), "{err}");
    assert_eq!(fake.requests().len(), 1, "a cut-off answer is not repaired");
    assert_unchanged(&env);
}

#[test]
fn a_bad_key_names_the_variable() {
    let (env, fake) = env_and_model();
    fake.push(Reply::invalid_api_key());
    let out = run(&env, &fake, &["--yes", VAGUE]);
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("401"), "{err}");
    assert!(err.contains("Check OPENAI_API_KEY"), "{err}");
    assert!(
        !err.contains("sk-test"),
        "the key itself is never printed: {err}"
    );
    assert_eq!(fake.requests().len(), 1, "401 is not retried");
    assert_unchanged(&env);
}

#[test]
fn an_exhausted_quota_is_a_billing_matter_and_not_retried() {
    let (env, fake) = env_and_model();
    fake.push(Reply::insufficient_quota());
    let out = run(&env, &fake, &["--yes", VAGUE]);
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("billing"), "{err}");
    assert!(err.contains("--offline"), "{err}");
    assert_eq!(fake.requests().len(), 1);
    assert_unchanged(&env);
}

#[test]
fn a_server_error_is_retried_twice_then_reported() {
    let (env, fake) = env_and_model();
    for _ in 0..3 {
        fake.push(Reply::server_error());
    }
    let out = run(&env, &fake, &["--yes", VAGUE]);
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("(500) after 2 retries"), "{err}");
    assert_eq!(fake.requests().len(), 3);
    assert_unchanged(&env);
}

#[test]
fn a_server_error_then_an_answer_succeeds() {
    let (env, fake) = env_and_model();
    fake.push(Reply::overloaded());
    fake.push(Reply::Content(scale_web(5)));
    let out = run(&env, &fake, &["--yes", "--json", VAGUE]);
    assert_success(&out);
    assert_eq!(fake.requests().len(), 2);
    assert_eq!(env.replicas("default", "web"), 5);
}

#[test]
fn a_rate_limit_waits_as_asked_then_succeeds() {
    let (env, fake) = env_and_model();
    fake.push(Reply::rate_limited(std::time::Duration::from_millis(300)));
    fake.push(Reply::Content(scale_web(5)));
    let out = run(&env, &fake, &["--yes", "--json", VAGUE]);
    assert_success(&out);
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    // The delay is the behaviour here: a lower bound only.
    let waited = requests[1].received - requests[0].received;
    assert!(
        waited >= std::time::Duration::from_millis(300),
        "{waited:?}"
    );
    assert_eq!(env.replicas("default", "web"), 5);
}

#[test]
fn a_refused_connection_names_the_url() {
    let env = TestEnv::healthy();
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/v1");
    let out = env
        .with_model_at(&url)
        .args(["--yes", VAGUE])
        .output()
        .unwrap();
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("cannot connect to the model server"), "{err}");
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
    assert!(err.contains("OPENAI_BASE_URL"), "{err}");
    assert_unchanged(&env);
}

#[test]
fn without_a_key_or_base_url_it_says_how_to_set_one_and_contacts_nothing() {
    let env = TestEnv::healthy();
    let (kubectl, log) = env.logging_kubectl();
    let out = env
        .plugin()
        .env("KUBECTL_PATH", &kubectl)
        .args(["--yes", VAGUE])
        .output()
        .unwrap();
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("no model is configured"), "{err}");
    assert!(err.contains("OPENAI_API_KEY"), "{err}");
    assert!(err.contains("OPENAI_BASE_URL"), "{err}");
    assert!(err.contains("--offline"), "{err}");
    assert_eq!(logged_calls(&log), Vec::<String>::new(), "no kubectl call");
    assert_unchanged(&env);
}

#[test]
fn secrets_and_env_values_never_reach_the_model_but_names_do() {
    let (env, fake) = env_and_model();
    // A clarification, then a sentence that carries a credential itself, with a
    // repair in between: every request body is checked.
    fake.push(Reply::Content(other_answer(
        "clarify",
        Some("Which one?"),
        None,
        None,
    )));
    let out = run(
        &env,
        &fake,
        &["make the api deployment use the database password"],
    );
    assert_exit(&out, 2);
    fake.push(Reply::Content(plan_answer(vec![op(
        "set_env",
        json!({"kind": "deployment", "name": "api", "set": [{"key": "BAD KEY", "value": "REDACTED_1"}]}),
    )])));
    fake.push(Reply::Content(other_answer(
        "clarify",
        Some("Which container?"),
        None,
        None,
    )));
    let out = run(
        &env,
        &fake,
        &["put tok_live_8c1f5e0d2a7b4f3c into the api deployment's environment somehow"],
    );
    assert_exit(&out, 2);
    let requests = fake.requests();
    assert_eq!(requests.len(), 3, "{}", sent(&fake));
    let bodies = sent(&fake);
    // The values as typed, and as the Secret stores them (base64).
    for secret in [
        "Pa55w0rd-sandbox-9f3a",
        "UGE1NXcwcmQtc2FuZGJveC05ZjNh",
        "tok_live_8c1f5e0d2a7b4f3c",
        "dG9rX2xpdmVfOGMxZjVlMGQyYTdiNGYzYw",
        "s3cr3t-value",
    ] {
        assert!(!bodies.contains(secret), "{secret} was sent:\n{bodies}");
    }
    // The names the model needs to resolve "the api deployment" are there.
    let system = requests[0].body["messages"][0]["content"].as_str().unwrap();
    assert!(system.contains("deployment/api"), "{system}");
    assert!(system.contains("deployment/web"), "{system}");
    assert!(
        !system.contains("api-credentials"),
        "no Secret names: {system}"
    );
    assert_unchanged(&env);
}

#[test]
fn the_names_come_from_one_kubectl_call() {
    let (env, fake) = env_and_model();
    let (kubectl, log) = env.logging_kubectl();
    fake.push(Reply::Content(other_answer(
        "clarify",
        Some("Which one?"),
        None,
        None,
    )));
    let out = env
        .with_model_at(&fake.base_url())
        .env("KUBECTL_PATH", &kubectl)
        .args(["-n", "shop", VAGUE])
        .output()
        .unwrap();
    assert_exit(&out, 2);
    let calls = logged_calls(&log);
    // `config view` reads the kubeconfig only; the cluster is asked once, and the
    // runner forwards `-n shop` as it does to every call.
    let to_cluster: Vec<&String> = calls.iter().filter(|c| !c.starts_with("config ")).collect();
    assert_eq!(to_cluster.len(), 1, "{calls:?}");
    assert!(
        to_cluster[0].starts_with(
            "get deployments,statefulsets,daemonsets,services --output=name --namespace=shop"
        ),
        "{calls:?}"
    );
    let system = fake.requests()[0].body["messages"][0]["content"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(system.contains("namespace \"shop\""), "{system}");
    assert!(system.contains("deployment/web"), "{system}");
}

#[test]
fn explain_with_a_model_sentence_calls_the_model_but_never_kubectl() {
    let (env, fake) = env_and_model();
    let (kubectl, log) = env.logging_kubectl();
    fake.push(Reply::Content(scale_web(5)));
    let out = env
        .with_model_at(&fake.base_url())
        .env("KUBECTL_PATH", &kubectl)
        .env("KUBECONFIG", env.home().join("no-such-kubeconfig"))
        .args(["--explain", VAGUE])
        .output()
        .unwrap();
    assert_success(&out);
    let text = stdout(&out);
    assert!(
        text.contains("Plan (from the model gpt-4.1-mini), not run:"),
        "{text}"
    );
    assert!(
        text.contains("kubectl scale deployment/web --replicas=5"),
        "{text}"
    );
    assert_eq!(logged_calls(&log), Vec::<String>::new());
    assert_eq!(fake.requests().len(), 1);
    let system = fake.requests()[0].body["messages"][0]["content"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        !system.contains("Workloads:"),
        "no names under --explain: {system}"
    );
}

#[test]
fn the_models_diagnose_answer_runs_diagnose_in_the_named_namespace() {
    let env = TestEnv::with(&["healthy", "crashloop"]);
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Content(other_answer(
        "diagnose",
        None,
        Some("crashloop"),
        Some(false),
    )));
    // Diagnose may ask the model to explain its findings: that call may fail
    // (empty script) without changing the outcome.
    let out = run(&env, &fake, &["--json", "is the orders thing ok"]);
    assert_exit(&out, 4);
    let report: Value = json_stdout(&out);
    let text = report.to_string();
    assert!(text.contains("orders"), "{text}");
    assert_eq!(env.writes(), Vec::<String>::new());
}

#[test]
fn the_models_diagnose_answer_under_explain_contacts_no_cluster() {
    let (env, fake) = env_and_model();
    let (kubectl, log) = env.logging_kubectl();
    fake.push(Reply::Content(other_answer(
        "diagnose",
        None,
        Some("debug"),
        Some(true),
    )));
    let out = env
        .with_model_at(&fake.base_url())
        .env("KUBECTL_PATH", &kubectl)
        .args(["--explain", "sort out the app deployment in debug"])
        .output()
        .unwrap();
    assert_success(&out);
    let text = stdout(&out);
    assert!(
        text.contains("kubectl ai diagnose --namespace debug --fix"),
        "{text}"
    );
    assert_eq!(logged_calls(&log), Vec::<String>::new());
}

#[test]
fn a_model_that_does_not_exist_is_named() {
    let (env, fake) = env_and_model();
    fake.push(Reply::model_not_found("gpt-nonexistent"));
    let out = run(&env, &fake, &["--yes", "--model", "gpt-nonexistent", VAGUE]);
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("gpt-nonexistent"), "{err}");
    assert_eq!(fake.requests().len(), 1, "404 is not retried");
    assert_unchanged(&env);
}

#[test]
fn a_forbidden_model_is_explained_and_not_retried() {
    let (env, fake) = env_and_model();
    fake.push(Reply::openai_error(
        403,
        "You are not allowed to sample from this model",
        "invalid_request_error",
        None,
        None,
    ));
    let out = run(&env, &fake, &["--yes", VAGUE]);
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("403"), "{err}");
    assert!(err.contains("OPENAI_API_KEY"), "{err}");
    assert_eq!(fake.requests().len(), 1);
    assert_unchanged(&env);
}

#[test]
fn a_slow_model_times_out_with_advice_and_nothing_changes() {
    let (env, fake) = env_and_model();
    fake.push(Reply::slow(
        std::time::Duration::from_secs(20),
        Reply::Content(scale_web(5)),
    ));
    let out = env
        .with_model_at(&fake.base_url())
        .env("KUBECTL_AI_MODEL_TIMEOUT", "1")
        .args(["--yes", VAGUE])
        .output()
        .unwrap();
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("timeout_secs"), "{err}");
    assert_unchanged(&env);
}

#[test]
fn azure_deployments_get_their_url_and_header() {
    let (env, fake) = env_and_model();
    fake.push(Reply::Content(scale_web(3)));
    let out = env
        .plugin()
        .env("AZURE_OPENAI_ENDPOINT", fake.azure_endpoint())
        .env("AZURE_OPENAI_API_KEY", "azure-test-key")
        .env("AZURE_OPENAI_DEPLOYMENT", "prod-gpt")
        .env("AZURE_OPENAI_API_VERSION", "2024-10-21")
        .args(["--yes", VAGUE])
        .output()
        .unwrap();
    assert_success(&out);
    let request = &fake.requests()[0];
    assert_eq!(
        request.path,
        "/openai/deployments/prod-gpt/chat/completions"
    );
    assert_eq!(request.query_param("api-version"), Some("2024-10-21"));
    assert_eq!(request.header("api-key"), Some("azure-test-key"));
    assert_eq!(request.header("authorization"), None);
    assert_eq!(env.replicas("default", "web"), 3);
}

#[test]
fn the_retry_log_line_says_what_failed_not_how_it_ended() {
    let (env, fake) = env_and_model();
    fake.push(Reply::overloaded());
    fake.push(Reply::Content(scale_web(5)));
    let out = run(&env, &fake, &["-v", "--dry-run", VAGUE]);
    assert_success(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("retry 1 of"), "{stderr}");
    assert!(!stderr.contains("was not retried"), "{stderr}");
}

#[test]
fn llama_cpp_python_is_understood_through_the_json_object_fallback_end_to_end() {
    let (env, fake) = env_and_model();
    fake.behave_like_llama_cpp_python();
    fake.push(Reply::Content(scale_web(4)));
    let out = run(&env, &fake, &["-v", "--yes", "--json", VAGUE]);
    assert_success(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("takes no JSON Schema"), "{stderr}");
    assert_eq!(env.replicas("default", "web"), 4);
    let formats: Vec<Value> = fake
        .requests()
        .iter()
        .map(|r| r.body["response_format"]["type"].clone())
        .collect();
    assert_eq!(formats, [json!("json_schema"), json!("json_object")]);
}
