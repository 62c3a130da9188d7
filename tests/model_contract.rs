//! The contract with the model servers people run: one schema variant per
//! operation, the `json_object` fallback for servers that take no JSON Schema
//! (llama-cpp-python, LM Studio, older Ollama, gateways), a repair request that
//! names every problem, and answers checked exactly as strictly whatever the mode.

mod model_support;

use kube_sandbox::model::{FakeModel, Reply};
use kubectl_ai::llm::settings::ResponseFormat;
use kubectl_ai::llm::{LlmError, ModelSettings};
use kubectl_ai::plan::validate::Limits;
use kubectl_ai::plan::{Operation, ReplicaChange};
use kubectl_ai::understand::model::{AnswerError, ModelOutcome, understand_with_model};
use model_support::*;
use serde_json::{Value, json};

async fn ask_with(settings: &ModelSettings, sentence: &str) -> anyhow::Result<ModelOutcome> {
    understand_with_model(sentence, &ctx(), settings, &Limits::default()).await
}

fn format_of(body: &Value) -> &str {
    body["response_format"]["type"].as_str().unwrap_or("none")
}

fn system_of(body: &Value) -> &str {
    body["messages"][0]["content"].as_str().unwrap()
}

/// The last message of a request: the repair request, when there is one.
fn last_message(body: &Value) -> String {
    let messages = body["messages"].as_array().unwrap();
    messages.last().unwrap()["content"]
        .as_str()
        .unwrap()
        .to_string()
}

fn scale_web(n: i64) -> Operation {
    Operation::Scale {
        kind: "deployment".into(),
        name: "web".into(),
        namespace: None,
        replicas: ReplicaChange::To(n),
    }
}

fn plan_of(outcome: ModelOutcome) -> Vec<Operation> {
    match outcome {
        ModelOutcome::Plan { plan, .. } => plan.operations,
        other => panic!("not a plan: {other:?}"),
    }
}

#[tokio::test]
async fn a_server_that_rejects_json_schema_is_asked_again_with_json_object() {
    let fake = FakeModel::start().unwrap();
    fake.behave_like_llama_cpp_python();
    fake.push(Reply::Content(scale_web_to(5)));
    let plan = plan_of(ask_with(&settings(&fake), "scale web to 5").await.unwrap());
    assert_eq!(plan, vec![scale_web(5)]);

    let requests = fake.requests();
    // The 500 names response_format: asking the same way again cannot help, so it
    // is not retried; the second request is the fallback.
    assert_eq!(requests.len(), 2, "{requests:#?}");
    assert_eq!(format_of(&requests[0].body), "json_schema");
    let fallback = &requests[1].body;
    assert_eq!(format_of(fallback), "json_object");
    // The schema goes along for servers that turn it into a grammar, and the
    // prompt carries the shape and the vocabulary.
    assert_eq!(
        fallback["response_format"]["schema"],
        requests[0].body["response_format"]["json_schema"]["schema"]
    );
    let system = system_of(fallback);
    assert!(system.starts_with(system_of(&requests[0].body)), "{system}");
    assert!(system.contains("Reply with one JSON object"), "{system}");
    assert!(
        system.contains("scale: kind name! namespace change replicas!"),
        "{system}"
    );
}

#[tokio::test]
async fn after_the_fallback_the_repair_call_asks_with_json_object_at_once() {
    let fake = FakeModel::start().unwrap();
    fake.behave_like_llama_cpp_python();
    // A server in json_object mode may not enforce enums: llama-cpp-python let
    // this through. It is refused exactly as in strict mode.
    fake.push(Reply::Content(plan_answer(vec![json!({
        "op": "scale", "kind": "deployment", "name": "web", "namespace": null,
        "change": "{\"replicas\":5}", "replicas": 5
    })])));
    fake.push(Reply::Content(scale_web_to(5)));
    let plan = plan_of(ask_with(&settings(&fake), "scale web to 5").await.unwrap());
    assert_eq!(plan, vec![scale_web(5)]);
    let requests = fake.requests();
    let formats: Vec<&str> = requests.iter().map(|r| format_of(&r.body)).collect();
    assert_eq!(formats, ["json_schema", "json_object", "json_object"]);
    let repair = last_message(&requests[2].body);
    assert!(
        repair.contains("scale `change` must be one of to, by, by_percent"),
        "{repair}"
    );
}

#[tokio::test]
async fn a_400_naming_json_schema_also_falls_back() {
    let fake = FakeModel::start().unwrap();
    fake.reject_json_schema(Reply::openai_error(
        400,
        "json_schema response format is not supported by this model",
        "invalid_request_error",
        Some("response_format"),
        None,
    ));
    fake.push(Reply::Content(scale_web_to(2)));
    let plan = plan_of(ask_with(&settings(&fake), "scale web to 2").await.unwrap());
    assert_eq!(plan, vec![scale_web(2)]);
    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test]
async fn a_server_error_that_names_nothing_is_retried_not_taken_for_a_schema_rejection() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::openai_error(
        500,
        "The server had an error while processing your request.",
        "server_error",
        None,
        None,
    ));
    fake.push(Reply::Content(scale_web_to(3)));
    plan_of(ask_with(&settings(&fake), "scale web to 3").await.unwrap());
    let formats: Vec<String> = fake
        .requests()
        .iter()
        .map(|r| format_of(&r.body).to_string())
        .collect();
    assert_eq!(formats, ["json_schema", "json_schema"]);
}

#[tokio::test]
async fn response_format_json_schema_never_falls_back() {
    let fake = FakeModel::start().unwrap();
    fake.behave_like_llama_cpp_python();
    let mut s = settings(&fake);
    s.response_format = ResponseFormat::JsonSchema;
    let err = ask_with(&s, "scale web to 5").await.unwrap_err();
    let llm = err.downcast_ref::<LlmError>().expect("an LlmError");
    assert!(matches!(llm, LlmError::NoJsonSchema { .. }), "{llm:?}");
    let text = llm.to_string();
    assert!(
        text.contains("Input should be 'text' or 'json_object'")
            && text.contains("KUBECTL_AI_RESPONSE_FORMAT=auto"),
        "{text}"
    );
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn response_format_json_object_asks_that_way_from_the_start() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Content(scale_web_to(4)));
    let mut s = settings(&fake);
    s.response_format = ResponseFormat::JsonObject;
    plan_of(ask_with(&s, "scale web to 4").await.unwrap());
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(format_of(&requests[0].body), "json_object");
}

#[tokio::test]
async fn the_repair_request_names_every_problem_at_once() {
    let fake = FakeModel::start().unwrap();
    // Two operations, three problems: a field of another operation, a value out
    // of its enum, and a name that fails validation.
    fake.push(Reply::Content(plan_answer(vec![
        json!({"op": "scale", "kind": null, "name": "web", "namespace": null,
               "change": "to", "replicas": 3, "kinds": ["deployment", "statefulset"]}),
        json!({"op": "set_image", "kind": null, "name": "-api", "namespace": null,
               "container": null, "image": "nginx:1.27"}),
    ])));
    fake.push(Reply::Content(plan_answer(vec![
        json!({"op": "scale", "kind": null, "name": "web", "namespace": null,
               "change": "to", "replicas": 3}),
        json!({"op": "set_image", "kind": null, "name": "-api", "namespace": null,
               "container": null, "image": "nginx:1.27"}),
    ])));
    let err = ask_with(&settings(&fake), "scale web to 3 and set api to nginx 1.27")
        .await
        .unwrap_err();
    let repair = last_message(&fake.requests()[1].body);
    assert!(
        repair.contains("operation 1: `kinds` does not apply to scale"),
        "{repair}"
    );
    // Conversion problems come first; the name is checked once the form is right,
    // and the person is told what is still wrong.
    match err.downcast_ref::<AnswerError>() {
        Some(AnswerError::Unusable { problem, .. }) => {
            assert!(problem.contains("operation 2 (set_image)"), "{problem}");
            assert!(problem.contains("-api"), "{problem}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn validation_problems_of_several_operations_are_named_together() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Content(plan_answer(vec![
        json!({"op": "scale", "kind": null, "name": "web", "namespace": null,
               "change": "to", "replicas": -3}),
        json!({"op": "set_image", "kind": null, "name": "-api", "namespace": null,
               "container": null, "image": "nginx:1.27"}),
    ])));
    fake.push(Reply::Content(scale_web_to(3)));
    plan_of(ask_with(&settings(&fake), "scale web to 3").await.unwrap());
    let repair = last_message(&fake.requests()[1].body);
    assert!(repair.contains("operation 1 (scale)"), "{repair}");
    assert!(repair.contains("operation 2 (set_image)"), "{repair}");
}

#[tokio::test]
async fn a_gateway_that_ignores_response_format_and_answers_prose_with_one_fenced_plan() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Content(format!(
        "Sure! Here is the plan:\n```json\n{}\n```\nLet me know if you need more.",
        scale_web_to(6)
    )));
    let plan = plan_of(ask_with(&settings(&fake), "scale web to 6").await.unwrap());
    assert_eq!(plan, vec![scale_web(6)]);
}

#[tokio::test]
async fn prose_without_a_fence_is_no_plan_and_is_repaired_once() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Content(
        "You should run kubectl scale deployment web --replicas=6".into(),
    ));
    fake.push(Reply::Content(
        "kubectl scale deployment web --replicas=6".into(),
    ));
    let err = ask_with(&settings(&fake), "scale web to 6")
        .await
        .unwrap_err();
    assert!(
        matches!(err.downcast_ref::<AnswerError>(), Some(AnswerError::Unusable { problem, .. }) if problem.contains("not valid JSON")),
        "{err:#}"
    );
    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test]
async fn the_answer_kinds_carry_only_their_own_fields() {
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Content(
        json!({"answer": {"type": "clarify", "question": "Which web, shop or prod?"}}).to_string(),
    ));
    let outcome = ask_with(&settings(&fake), "scale web").await.unwrap();
    assert_eq!(
        outcome,
        ModelOutcome::Clarify("Which web, shop or prod?".into())
    );
    let schema = &fake.requests()[0].body["response_format"]["json_schema"]["schema"];
    let kinds = schema["properties"]["answer"]["anyOf"].as_array().unwrap();
    let fields: Vec<Vec<String>> = kinds
        .iter()
        .map(|k| {
            let mut f: Vec<String> = k["properties"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            f.sort();
            f
        })
        .collect();
    assert_eq!(
        fields,
        [
            vec!["operations", "type"],
            vec!["question", "type"],
            vec!["reason", "type"],
            vec!["fix", "namespace", "type"],
        ]
    );
}
