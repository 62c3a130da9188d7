//! How kubectl-ai reads a model's answers and survives its failures: plans,
//! clarifications, refusals, cut-offs, the one repair retry, and every HTTP failure
//! a person will meet, each with a message that says what to do.

mod model_support;

use std::time::{Duration, Instant};

use kube_sandbox::model::{FakeModel, Reply};
use kubectl_ai::llm::settings::Settings;
use kubectl_ai::llm::{LlmError, ModelSettings};
use kubectl_ai::plan::validate::Limits;
use kubectl_ai::plan::{Operation, ReplicaChange};
use kubectl_ai::understand::model::{AnswerError, ModelOutcome, understand_with_model};
use model_support::*;
use serde_json::json;

async fn ask(fake: &FakeModel, sentence: &str) -> anyhow::Result<ModelOutcome> {
    ask_with(&settings(fake), sentence).await
}

async fn ask_with(settings: &ModelSettings, sentence: &str) -> anyhow::Result<ModelOutcome> {
    understand_with_model(sentence, &ctx(), settings, &Limits::default()).await
}

fn llm_error(err: &anyhow::Error) -> &LlmError {
    err.downcast_ref::<LlmError>()
        .unwrap_or_else(|| panic!("not an LlmError: {err:#}"))
}

fn answer_error(err: &anyhow::Error) -> &AnswerError {
    err.downcast_ref::<AnswerError>()
        .unwrap_or_else(|| panic!("not an AnswerError: {err:#}"))
}

#[tokio::test]
async fn a_plan_comes_back_with_model_usage_and_request_id() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Content(scale_web_to(3)));
    // The spinner is asked for; with stderr not a terminal it draws nothing.
    let mut s = settings(&fake);
    s.show_progress = true;
    let outcome = ask_with(&s, "scale web to 3").await.unwrap();
    let ModelOutcome::Plan {
        plan,
        model,
        usage,
        request_id,
        evidence,
    } = outcome
    else {
        panic!("{outcome:?}")
    };
    assert_eq!(
        plan.operations,
        vec![Operation::Scale {
            kind: "deployment".into(),
            name: "web".into(),
            namespace: None,
            replicas: ReplicaChange::To(3),
        }]
    );
    assert_eq!(model, "gpt-4.1-mini");
    assert!(
        usage.prompt_tokens > 0 && usage.completion_tokens > 0,
        "{usage:?}"
    );
    assert!(request_id.unwrap().starts_with("req_fake"));
    assert!(
        evidence.is_empty(),
        "no reads without a reader: {evidence:?}"
    );
}

#[tokio::test]
async fn a_compatible_server_without_refusal_fields_works() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::ContentWithoutRefusalField(scale_web_to(5)));
    let outcome = ask(&fake, "scale web to 5").await.unwrap();
    assert!(matches!(outcome, ModelOutcome::Plan { .. }), "{outcome:?}");
}

#[tokio::test]
async fn a_fenced_answer_from_a_lax_server_is_read() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::ContentWithoutRefusalField(format!(
        "```json\n{}\n```",
        scale_web_to(2)
    )));
    assert!(matches!(
        ask(&fake, "scale web to 2").await.unwrap(),
        ModelOutcome::Plan { .. }
    ));
}

#[tokio::test]
async fn clarification_out_of_scope_and_diagnose_are_not_plans() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Content(other_answer(
        "clarify",
        Some("Which deployment: web or api?"),
        None,
        None,
    )));
    fake.push(Reply::Content(other_answer(
        "out_of_scope",
        Some("Opening a shell in a pod is not something kubectl-ai does."),
        None,
        None,
    )));
    fake.push(Reply::Content(other_answer(
        "diagnose",
        None,
        Some("debug"),
        Some(true),
    )));
    fake.push(Reply::Content(other_answer(
        "diagnose",
        Some("pod health"),
        None,
        Some(false),
    )));
    assert_eq!(
        ask(&fake, "scale it to 3").await.unwrap(),
        ModelOutcome::Clarify("Which deployment: web or api?".into())
    );
    assert!(matches!(
        ask(&fake, "exec into web").await.unwrap(),
        ModelOutcome::OutOfScope(reason) if reason.contains("shell")
    ));
    assert_eq!(
        ask(&fake, "fix the deployment app in debug").await.unwrap(),
        ModelOutcome::Diagnose {
            question: "fix the deployment app in debug".into(),
            namespace: Some("debug".into()),
            fix: true
        }
    );
    assert!(matches!(
        ask(&fake, "are my pods healthy?").await.unwrap(),
        ModelOutcome::Diagnose {
            fix: false,
            namespace: None,
            ..
        }
    ));
    assert_eq!(fake.requests().len(), 4, "one call per sentence");
}

#[tokio::test]
async fn a_refusal_is_reported_and_not_retried() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Refusal(
        "I can't help with deleting every namespace.".into(),
    ));
    let err = ask(&fake, "delete everything").await.unwrap_err();
    assert!(matches!(answer_error(&err), AnswerError::Refused(r) if r.contains("every namespace")));
    assert!(
        err.to_string()
            .starts_with("the model declined the request"),
        "{err}"
    );
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn a_cut_off_answer_is_reported_and_not_retried() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Length(
        r#"{"answer":"plan","operations":[{"op":"sca"#.into(),
    ));
    let err = ask(&fake, "scale web to 3").await.unwrap_err();
    assert!(matches!(
        answer_error(&err),
        AnswerError::CutOff { max_tokens: 4096 }
    ));
    assert!(err.to_string().contains("max_completion_tokens"), "{err}");
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn an_invalid_plan_gets_exactly_one_repair() {
    let fake = FakeModel::start().unwrap();
    // A replica count past the ceiling, then a good plan.
    fake.push(Reply::Content(scale_web_to(100_000)));
    fake.push(Reply::Content(scale_web_to(30)));
    let outcome = ask(&fake, "scale web to a hundred thousand").await.unwrap();
    let ModelOutcome::Plan { plan, usage, .. } = outcome else {
        panic!()
    };
    assert!(matches!(
        plan.operations[0],
        Operation::Scale {
            replicas: ReplicaChange::To(30),
            ..
        }
    ));
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    let messages = requests[1].body["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 4);
    assert_eq!(messages[2]["role"], "assistant");
    assert_eq!(messages[2]["content"], scale_web_to(100_000).as_str());
    let repair = messages[3]["content"].as_str().unwrap();
    assert!(repair.contains("above the ceiling of 1000"), "{repair}");
    // Usage covers both calls.
    assert!(usage.prompt_tokens > 2 * 1000, "{usage:?}");
}

#[tokio::test]
async fn a_plan_still_invalid_after_the_repair_is_shown_and_nothing_runs() {
    let fake = FakeModel::start().unwrap();
    let bad = plan_answer(vec![op("delete", json!({"kind": "pods"}))]);
    fake.push(Reply::Content(bad.clone()));
    fake.push(Reply::Content(bad));
    fake.push(Reply::Content(scale_web_to(1)));
    let err = ask(&fake, "delete the pods").await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(answer_error(&err), AnswerError::Unusable { .. }));
    assert!(
        text.contains("delete needs a name or a label selector"),
        "{text}"
    );
    assert!(
        text.contains("\"op\": \"delete\""),
        "the model's plan is shown: {text}"
    );
    assert!(text.contains("Nothing was run"), "{text}");
    assert_eq!(fake.requests().len(), 2, "exactly one repair");
}

#[tokio::test]
async fn an_empty_plan_is_an_error_after_its_repair() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Content(plan_answer(vec![])));
    fake.push(Reply::Content(plan_answer(vec![])));
    let err = ask(&fake, "do the thing").await.unwrap_err();
    assert!(err.to_string().contains("the plan is empty"), "{err}");
    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test]
async fn an_operation_outside_the_vocabulary_is_refused() {
    let fake = FakeModel::start().unwrap();
    let shell = plan_answer(vec![json!({"op": "shell", "name": "web", "command": "sh"})]);
    fake.push(Reply::ContentWithoutRefusalField(shell.clone()));
    fake.push(Reply::ContentWithoutRefusalField(shell));
    let err = ask(&fake, "open a shell in web").await.unwrap_err();
    assert!(
        err.to_string().contains("unknown operation \"shell\""),
        "{err}"
    );
}

#[tokio::test]
async fn content_that_is_not_json_gets_a_repair() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::ContentWithoutRefusalField(
        "Sure! Run kubectl scale deploy web --replicas=3".into(),
    ));
    fake.push(Reply::ContentWithoutRefusalField(scale_web_to(3)));
    assert!(matches!(
        ask(&fake, "scale web to 3").await.unwrap(),
        ModelOutcome::Plan { .. }
    ));
    let repair = fake.requests()[1].body["messages"][3]["content"].clone();
    assert!(
        repair.as_str().unwrap().contains("not valid JSON"),
        "{repair}"
    );
}

#[tokio::test]
async fn a_body_that_is_not_a_completion_is_malformed() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Malformed("<html>502 Bad Gateway</html>".into()));
    let err = ask(&fake, "scale web to 3").await.unwrap_err();
    assert!(matches!(llm_error(&err), LlmError::Malformed { .. }));
    assert!(err.to_string().contains("not JSON"), "{err}");
    fake.push(Reply::Malformed(r#"{"object":"list","data":[]}"#.into()));
    let err = ask(&fake, "scale web to 3").await.unwrap_err();
    assert!(err.to_string().contains("no choices"), "{err}");
    assert!(err.to_string().contains("OpenAI-compatible"), "{err}");
}

#[tokio::test]
async fn unauthorized_names_the_variable_holding_the_key() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::invalid_api_key());
    let err = ask(&fake, "scale web to 3").await.unwrap_err();
    assert!(matches!(llm_error(&err), LlmError::Unauthorized { .. }));
    let text = err.to_string();
    assert!(text.contains("OPENAI_API_KEY"), "{text}");
    assert!(text.contains("401"), "{text}");
    assert_eq!(fake.requests().len(), 1, "401 is not retried");
}

#[tokio::test]
async fn forbidden_is_explained() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::openai_error(
        403,
        "Country, region, or territory not supported",
        "request_forbidden",
        None,
        Some("unsupported_country_region_territory"),
    ));
    let err = ask(&fake, "scale web to 3").await.unwrap_err();
    assert!(matches!(llm_error(&err), LlmError::Forbidden { .. }));
    assert!(err.to_string().contains("403"), "{err}");
    assert!(
        err.to_string().contains("region not supported")
            || err.to_string().contains("territory not supported")
    );
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn an_unknown_model_is_named() {
    let fake = FakeModel::start().unwrap();
    let mut s = settings(&fake);
    s.model = "gpt-9-imaginary".into();
    fake.push(Reply::model_not_found("gpt-9-imaginary"));
    let err = ask_with(&s, "scale web to 3").await.unwrap_err();
    assert!(matches!(llm_error(&err), LlmError::ModelNotFound { .. }));
    let text = err.to_string();
    assert!(
        text.starts_with("model `gpt-9-imaginary` was not found"),
        "{text}"
    );
    assert!(text.contains("--model"), "{text}");
}

#[tokio::test]
async fn a_wrong_base_url_is_not_a_missing_model() {
    let fake = FakeModel::start().unwrap();
    let mut s = settings(&fake);
    s.endpoint = kubectl_ai::llm::settings::Endpoint::OpenAi {
        base_url: fake.base_url().replace("/v1", "/v2"),
    };
    let err = ask_with(&s, "scale web to 3").await.unwrap_err();
    assert!(
        matches!(llm_error(&err), LlmError::UrlNotFound { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("OPENAI_BASE_URL"), "{err}");
}

#[tokio::test]
async fn rate_limits_are_retried_after_the_wait_the_server_asks_for() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::rate_limited(Duration::from_millis(300)));
    fake.push(Reply::rate_limited(Duration::from_millis(300)));
    fake.push(Reply::Content(scale_web_to(3)));
    let outcome = ask(&fake, "scale web to 3").await.unwrap();
    assert!(matches!(outcome, ModelOutcome::Plan { .. }));
    let requests = fake.requests();
    assert_eq!(requests.len(), 3);
    for pair in requests.windows(2) {
        let gap = pair[1].received - pair[0].received;
        // retry-after-ms (300), not retry-after (1 s, rounded up) nor the 10 ms backoff.
        assert!(gap >= Duration::from_millis(290), "retried after {gap:?}");
        assert!(gap < Duration::from_millis(900), "waited {gap:?}");
    }
}

#[tokio::test]
async fn rate_limits_give_up_after_two_retries() {
    let fake = FakeModel::start().unwrap();
    for _ in 0..4 {
        fake.push(Reply::rate_limited(Duration::from_millis(20)));
    }
    let err = ask(&fake, "scale web to 3").await.unwrap_err();
    assert!(
        matches!(llm_error(&err), LlmError::RateLimited { retries: 2, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("after 2 retries"), "{err}");
    assert_eq!(fake.requests().len(), 3, "at most 2 retries");
}

#[tokio::test]
async fn a_long_retry_after_is_not_waited_for() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::rate_limited(Duration::from_secs(90)));
    let started = Instant::now();
    let err = ask(&fake, "scale web to 3").await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(err.to_string().contains("wait 90 s"), "{err}");
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn insufficient_quota_is_billing_and_not_retried() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::insufficient_quota());
    fake.push(Reply::Content(scale_web_to(3)));
    let err = ask(&fake, "scale web to 3").await.unwrap_err();
    assert!(matches!(llm_error(&err), LlmError::Quota { .. }));
    assert!(err.to_string().contains("billing"), "{err}");
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn server_errors_are_retried_with_backoff() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::server_error());
    fake.push(Reply::overloaded());
    fake.push(Reply::Content(scale_web_to(3)));
    assert!(matches!(
        ask(&fake, "scale web to 3").await.unwrap(),
        ModelOutcome::Plan { .. }
    ));
    let requests = fake.requests();
    assert_eq!(requests.len(), 3);
    // Backoff base 10 ms: the first wait is 5..10 ms, the second 10..20 ms.
    let second_gap = requests[2].received - requests[1].received;
    assert!(second_gap >= Duration::from_millis(10), "{second_gap:?}");

    for _ in 0..3 {
        fake.push(Reply::server_error());
    }
    let err = ask(&fake, "scale web to 3").await.unwrap_err();
    assert!(matches!(
        llm_error(&err),
        LlmError::Server {
            status: 500,
            retries: 2,
            ..
        }
    ));
    assert!(err.to_string().contains("request id req_fake"), "{err}");
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Drop);
    fake.push(Reply::Content(scale_web_to(3)));
    assert!(matches!(
        ask(&fake, "scale web to 3").await.unwrap(),
        ModelOutcome::Plan { .. }
    ));
    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test]
async fn a_slow_server_times_out_with_advice() {
    let fake = FakeModel::start().unwrap();
    let mut s = settings(&fake);
    s.timeout = Duration::from_millis(300);
    fake.push(Reply::slow(
        Duration::from_secs(3),
        Reply::Content(scale_web_to(3)),
    ));
    let started = Instant::now();
    let err = ask_with(&s, "scale web to 3").await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    assert!(matches!(
        llm_error(&err),
        LlmError::Timeout { connect: false, .. }
    ));
    assert!(
        err.to_string()
            .contains("within 300 ms; raise timeout_secs"),
        "{err}"
    );
    assert_eq!(
        fake.requests().len(),
        1,
        "a timeout is not retried past the deadline"
    );
}

#[tokio::test]
async fn a_refused_connection_names_the_url() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/v1");
    let s = ModelSettings::for_base_url(&url, "llama3.1");
    let started = Instant::now();
    let err = ask_with(&s, "scale web to 3").await.unwrap_err();
    assert!(
        matches!(llm_error(&err), LlmError::Connect { .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains(&format!("{url}/chat/completions")), "{text}");
    assert!(text.contains("Is it running"), "{text}");
    assert!(started.elapsed() < Duration::from_secs(2), "not retried");
}

#[tokio::test]
async fn no_key_and_no_base_url_says_how_to_set_one() {
    let nothing = |_: &str| None;
    let resolved = Settings::resolve_with(None, &nothing, None).unwrap();
    let err = ask_with(&resolved.model, "scale web to 3")
        .await
        .unwrap_err();
    assert!(matches!(llm_error(&err), LlmError::NotConfigured));
    let text = err.to_string();
    for needle in [
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "AZURE_OPENAI_ENDPOINT",
        "--offline",
    ] {
        assert!(text.contains(needle), "{needle} missing from: {text}");
    }
    // Azure without its key names AZURE_OPENAI_API_KEY.
    let azure = |name: &str| {
        (name == "AZURE_OPENAI_ENDPOINT").then(|| "https://r.openai.azure.com".to_string())
    };
    let resolved = Settings::resolve_with(None, &azure, None).unwrap();
    let err = ask_with(&resolved.model, "scale web to 3")
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("set AZURE_OPENAI_API_KEY"),
        "{err}"
    );
}

#[tokio::test]
async fn a_model_that_takes_no_temperature_is_asked_again_without_it() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::openai_error(
        400,
        "Unsupported value: 'temperature' does not support 0 with this model. Only the default (1) value is supported.",
        "invalid_request_error",
        Some("temperature"),
        Some("unsupported_value"),
    ));
    fake.push(Reply::Content(scale_web_to(3)));
    assert!(matches!(
        ask(&fake, "scale web to 3").await.unwrap(),
        ModelOutcome::Plan { .. }
    ));
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body["temperature"], json!(0.0));
    assert!(requests[1].body.get("temperature").is_none());
}

#[tokio::test]
async fn other_bad_requests_are_reported_as_they_are() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::context_length_exceeded());
    let err = ask(&fake, "scale web to 3").await.unwrap_err();
    assert!(matches!(
        llm_error(&err),
        LlmError::BadRequest { status: 400, .. }
    ));
    assert!(err.to_string().contains("maximum context length"), "{err}");
    assert_eq!(fake.requests().len(), 1);
}
