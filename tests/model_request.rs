//! What kubectl-ai sends to a model: the shape of the request (checked against the
//! public OpenAI API description), the strict-schema rules, the prompt budget, the
//! provider-specific URLs and headers, and that nothing secret is ever in it.

mod model_support;

use std::time::Instant;

use kube_sandbox::model::{FakeModel, Reply};
use kubectl_ai::llm::schema_form;
use kubectl_ai::llm::settings::{ConfigFile, KeySource, Secret, Settings};
use kubectl_ai::plan::schema::check_strict;
use kubectl_ai::plan::validate::Limits;
use kubectl_ai::plan::{KeyValue, Operation};
use kubectl_ai::understand::model::{
    ModelContext, ModelOutcome, answer_schema, understand_with_model,
};
use model_support::openapi::OpenApi;
use model_support::*;
use serde_json::{Value, json};

#[tokio::test]
async fn the_request_follows_the_openai_api_and_strict_schema_rules() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Content(scale_web_to(3)));
    let outcome = understand_with_model(
        "scale web to 3",
        &ctx(),
        &settings(&fake),
        &Limits::default(),
    )
    .await
    .unwrap();
    assert!(matches!(outcome, ModelOutcome::Plan { .. }), "{outcome:?}");

    let requests = fake.requests();
    assert_eq!(requests.len(), 1, "one sentence costs exactly one call");
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/chat/completions");
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {TEST_KEY}").as_str())
    );
    assert!(
        request
            .header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    assert!(
        request
            .header("user-agent")
            .unwrap()
            .starts_with("kubectl-ai/")
    );

    let body = &request.body;
    let started = Instant::now();
    let api = OpenApi::load();
    let problems = api.check(body, "CreateChatCompletionRequest");
    eprintln!("OpenAPI check took {:?}", started.elapsed());
    assert!(
        problems.is_empty(),
        "the request does not follow the OpenAI API:\n{}",
        problems.join("\n")
    );

    assert_eq!(body["model"], "gpt-4.1-mini");
    assert_eq!(body["temperature"], json!(0.0));
    assert!(body["max_completion_tokens"].as_u64().unwrap() <= 8192);
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(
        body["messages"][1],
        json!({"role": "user", "content": "scale web to 3"})
    );
    let format = &body["response_format"];
    assert_eq!(format["type"], "json_schema");
    assert_eq!(format["json_schema"]["name"], "kubectl_ai_answer");
    // The answer schema is written in OpenAI's strict form (OpenAI and Azure get it
    // as is: llm::client's tests); a compatible server like this one gets it with
    // the optional fields left out-able, which small models follow far better.
    check_strict(&answer_schema(false)).unwrap();
    assert_eq!(format["json_schema"]["strict"], false);
    assert_eq!(
        format["json_schema"]["schema"],
        schema_form::omittable(&answer_schema(false))
    );
    // No stray parameters for OpenAI itself (`max_tokens` only goes to other servers).
    assert!(
        body.get("max_tokens").is_some(),
        "a compatible server gets max_tokens too"
    );
}

#[tokio::test]
async fn the_openapi_check_catches_mistakes() {
    let api = OpenApi::load();
    let good = json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]});
    assert!(api.check(&good, "CreateChatCompletionRequest").is_empty());
    let unknown = json!({"model": "m", "messages": [{"role": "user", "content": "hi"}], "max_output_tokens": 5});
    let problems = api.check(&unknown, "CreateChatCompletionRequest");
    assert!(
        problems.iter().any(|p| p.contains("max_output_tokens")),
        "{problems:?}"
    );
    let bad_role = json!({"model": "m", "messages": [{"role": "robot", "content": "hi"}]});
    assert!(
        !api.check(&bad_role, "CreateChatCompletionRequest")
            .is_empty()
    );
    let bad_format = json!({"model": "m", "messages": [{"role": "user", "content": "hi"}],
        "response_format": {"type": "json_schema", "schema": {}}});
    assert!(
        !api.check(&bad_format, "CreateChatCompletionRequest")
            .is_empty()
    );
}

/// bytes / 4: a rough, stable estimate of tokens for English and JSON.
fn estimated_tokens(body: &Value) -> usize {
    serde_json::to_string(body).unwrap().len().div_ceil(4)
}

/// The messages alone: what a server that compiles the schema into a grammar
/// (llama.cpp's servers) puts in the prompt.
fn estimated_message_tokens(body: &Value) -> usize {
    estimated_tokens(&body["messages"])
}

/// The request grows with the context (names) and with the vocabulary (the
/// schema). Budgets in estimated tokens (bytes / 4; BENCHMARKS.md has counts of a
/// real tokenizer): the messages stay small, so a local model reads them in
/// seconds; the schema — one variant per group of operations, which is what lets
/// small models answer right — is the larger part and must not grow unnoticed.
#[tokio::test]
async fn a_one_line_request_stays_in_its_token_budget() {
    let fake = FakeModel::start().unwrap();
    // A realistic namespace: a dozen workloads and half a dozen services.
    let workloads = [
        "deployment/web",
        "deployment/api",
        "deployment/worker",
        "deployment/frontend",
        "deployment/checkout",
        "deployment/payments",
        "deployment/cart",
        "statefulset/postgres",
        "statefulset/redis",
        "statefulset/kafka",
        "daemonset/node-exporter",
        "daemonset/fluent-bit",
    ];
    let services = ["web", "api", "frontend", "checkout", "postgres", "redis"];
    let ctx = ModelContext::new(Some("gke_acme-prod_europe-west1_main".into()), "shop")
        .with_names(workloads.map(String::from), services.map(String::from));
    fake.push(Reply::Content(scale_web_to(3)));
    understand_with_model(
        "scale the web deployment to 3 replicas",
        &ctx,
        &settings(&fake),
        &Limits::default(),
    )
    .await
    .unwrap();
    let body = &fake.requests()[0].body;
    let (messages, whole) = (estimated_message_tokens(body), estimated_tokens(body));
    eprintln!("typical request: ~{messages} tokens of messages, ~{whole} in all");
    // The messages carry a few examples (most of them): measured against a real
    // 1.5B model they are what makes it choose the right operation and namespace,
    // and servers that cache the prompt prefix (llama.cpp) read them once.
    assert!(messages < 900, "the messages grew to ~{messages} tokens");
    // The variants of port_forward, exec and logs' follow added ~200 tokens.
    assert!(whole < 3_300, "the request grew to ~{whole} tokens");

    // Even the most names the context ever carries keep it in budget.
    let many = (0..100).map(|i| format!("deployment/service-number-{i:03}"));
    let full = ModelContext::new(Some("kind-dev".into()), "default")
        .with_names(many, (0..50).map(|i| format!("svc-{i}")));
    fake.push(Reply::Content(scale_web_to(3)));
    understand_with_model(
        "scale web to 3",
        &full,
        &settings(&fake),
        &Limits::default(),
    )
    .await
    .unwrap();
    let worst = estimated_message_tokens(&fake.requests()[1].body);
    eprintln!("messages with the most names: ~{worst} tokens");
    assert!(
        worst < 1_000,
        "the messages with a full context grew to ~{worst} tokens"
    );
}

#[tokio::test]
async fn credentials_never_reach_the_model_but_the_plan_keeps_them() {
    let fake = FakeModel::start().unwrap();
    // The model sees placeholders and answers with them.
    fake.push(Reply::Content(plan_answer(vec![
        op("create_secret", json!({"name": "db-creds", "set": [{"key": "password", "value": "REDACTED_1"}]})),
        op("set_env", json!({"kind": "deployment", "name": "api", "set": [{"key": "API_TOKEN", "value": "REDACTED_2"}]})),
    ])));
    let sentence = "create secret db-creds with password=hunter2-Very-Secret and set API_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ on api";
    // Names gathered from kubectl: only names survive, never other output.
    let ctx = ModelContext::new(Some("dev".into()), "shop")
        .gather(|_| Ok(b"deployment.apps/api\nservice/api\nsecret/db-creds\n".to_vec()));
    let outcome = understand_with_model(sentence, &ctx, &settings(&fake), &Limits::default())
        .await
        .unwrap();
    let ModelOutcome::Plan { plan, .. } = outcome else {
        panic!("{outcome:?}")
    };
    assert!(matches!(
        &plan.operations[0],
        Operation::CreateSecret { data, .. } if data == &vec![KeyValue::new("password", "hunter2-Very-Secret")]
    ));
    assert!(matches!(
        &plan.operations[1],
        Operation::SetEnv { set, .. } if set[0].value == "ghp_0123456789abcdefghijABCDEFGHIJ"
    ));
    for request in fake.requests() {
        let sent = serde_json::to_string(&request.body).unwrap();
        for secret in ["hunter2", "ghp_0123456789", TEST_KEY] {
            assert!(!sent.contains(secret), "{secret} was sent: {sent}");
        }
        assert!(
            !sent.contains("secret/db-creds"),
            "only workload and service names are sent"
        );
    }
    let user = &fake.requests()[0].body["messages"][1]["content"];
    assert_eq!(
        user,
        "create secret db-creds with password=REDACTED_1 and set API_TOKEN=REDACTED_2 on api"
    );
}

#[tokio::test]
async fn a_repair_request_does_not_leak_restored_values() {
    let fake = FakeModel::start().unwrap();
    // The model puts the secret where validation rejects it (an env name), twice.
    let bad = plan_answer(vec![op(
        "set_env",
        json!({"name": "api", "remove": ["REDACTED_1"]}),
    )]);
    fake.push(Reply::Content(bad.clone()));
    fake.push(Reply::Content(bad));
    let err = understand_with_model(
        "unset password: Hunter2!x on api",
        &ctx(),
        &settings(&fake),
        &Limits::default(),
    )
    .await
    .unwrap_err();
    assert!(!err.to_string().contains("Hunter2"), "{err}");
    for request in fake.requests() {
        let sent = serde_json::to_string(&request.body).unwrap();
        assert!(!sent.contains("Hunter2"), "{sent}");
    }
}

#[tokio::test]
async fn azure_deployment_urls_carry_the_api_version_and_api_key_header() {
    let fake = FakeModel::start().unwrap();
    let env = |name: &str| match name {
        "AZURE_OPENAI_ENDPOINT" => Some(fake.azure_endpoint()),
        "AZURE_OPENAI_API_KEY" => Some("azure-test-key".to_string()),
        "AZURE_OPENAI_DEPLOYMENT" => Some("kubectl-gpt".to_string()),
        "OPENAI_API_VERSION" => Some("2024-10-21".to_string()),
        _ => None,
    };
    let resolved = Settings::resolve_with(None, &env, None).unwrap();
    fake.push(Reply::Content(scale_web_to(2)));
    understand_with_model("scale web to 2", &ctx(), &resolved.model, &resolved.limits)
        .await
        .unwrap();
    let request = &fake.requests()[0];
    assert_eq!(
        request.path,
        "/openai/deployments/kubectl-gpt/chat/completions"
    );
    assert_eq!(request.query_param("api-version"), Some("2024-10-21"));
    assert_eq!(request.header("api-key"), Some("azure-test-key"));
    assert_eq!(request.header("authorization"), None);
    assert!(request.body.get("max_tokens").is_none());
    let problems = OpenApi::load().check(&request.body, "CreateChatCompletionRequest");
    assert!(problems.is_empty(), "{problems:?}");
}

#[tokio::test]
async fn azure_v1_urls_name_the_deployment_as_the_model() {
    let fake = FakeModel::start().unwrap();
    let config = format!(
        "provider = \"azure\"\n[azure]\nendpoint = \"{}/openai/v1/\"\ndeployment = \"gpt-41-mini-prod\"\n",
        fake.azure_endpoint()
    );
    let env = |name: &str| (name == "AZURE_OPENAI_API_KEY").then(|| "azure-test-key".to_string());
    let file = Some(("config.toml".into(), ConfigFile::parse(&config).unwrap()));
    let resolved = Settings::resolve_with(None, &env, file).unwrap();
    fake.push(Reply::Content(scale_web_to(2)));
    let outcome =
        understand_with_model("scale web to 2", &ctx(), &resolved.model, &resolved.limits)
            .await
            .unwrap();
    let request = &fake.requests()[0];
    assert_eq!(request.path, "/openai/v1/chat/completions");
    assert_eq!(request.query, None);
    assert_eq!(request.header("api-key"), Some("azure-test-key"));
    assert_eq!(request.body["model"], "gpt-41-mini-prod");
    let ModelOutcome::Plan { model, .. } = outcome else {
        panic!()
    };
    assert_eq!(model, "gpt-41-mini-prod");
}

#[tokio::test]
async fn a_local_server_needs_no_key_and_gets_no_authorization() {
    let fake = FakeModel::start().unwrap();
    let env = |name: &str| (name == "OPENAI_BASE_URL").then(|| fake.base_url());
    let resolved = Settings::resolve_with(Some("llama3.1:8b"), &env, None).unwrap();
    assert_eq!(resolved.model.api_key, KeySource::None);
    fake.push(Reply::ContentWithoutRefusalField(scale_web_to(4)));
    understand_with_model("scale web to 4", &ctx(), &resolved.model, &resolved.limits)
        .await
        .unwrap();
    let request = &fake.requests()[0];
    assert_eq!(request.header("authorization"), None);
    assert_eq!(request.body["model"], "llama3.1:8b");
}

#[test]
fn keys_are_never_printed() {
    let key = KeySource::Env {
        var: "OPENAI_API_KEY",
        value: Secret::new(TEST_KEY),
    };
    assert!(!format!("{key:?}").contains(TEST_KEY));
}
