//! Shared helpers of the model tests: settings aimed at the fake model server, and
//! answers in the model's form.
#![allow(dead_code)]

pub mod openapi;

use std::time::Duration;

use kube_sandbox::model::FakeModel;
use kubectl_ai::llm::ModelSettings;
use kubectl_ai::llm::settings::{KeySource, Secret};
use kubectl_ai::plan::schema::model_operation;
use kubectl_ai::understand::model::ModelContext;
use serde_json::{Value, json};

/// A key the tests send; it must never matter to the fake server.
pub const TEST_KEY: &str = "sk-test-not-a-real-key-0000";

/// OpenAI-compatible settings for the fake server: a key from "OPENAI_API_KEY",
/// fast backoff.
pub fn settings(fake: &FakeModel) -> ModelSettings {
    let mut s = ModelSettings::for_base_url(&fake.base_url(), "gpt-4.1-mini");
    s.api_key = KeySource::Env {
        var: "OPENAI_API_KEY",
        value: Secret::new(TEST_KEY),
    };
    s.backoff_base = Duration::from_millis(10);
    s.timeout = Duration::from_secs(20);
    s
}

pub fn ctx() -> ModelContext {
    ModelContext::new(Some("kind-dev".into()), "shop").with_names(
        ["deployment/web".to_string(), "statefulset/db".to_string()],
        ["web".to_string()],
    )
}

/// A model-form operation: `op`, these fields, everything else null.
pub fn op(name: &str, fields: Value) -> Value {
    model_operation(name, fields)
}

/// A whole "plan" answer as the model would send it.
pub fn plan_answer(operations: Vec<Value>) -> String {
    json!({"answer": {"type": "plan", "operations": operations}}).to_string()
}

/// A "look" answer: the model asks for these reads before it answers.
pub fn look(reads: Value) -> String {
    json!({"answer": {"type": "look", "reads": reads}}).to_string()
}

/// A non-plan answer: `message` is the question of a clarify, the reason of an
/// out-of-scope answer; `namespace` and `fix` belong to a diagnose answer.
pub fn other_answer(
    kind: &str,
    message: Option<&str>,
    namespace: Option<&str>,
    fix: Option<bool>,
) -> String {
    let answer = match kind {
        "clarify" => json!({"type": kind, "question": message}),
        "out_of_scope" => json!({"type": kind, "reason": message}),
        "diagnose" => json!({"type": kind, "namespace": namespace, "fix": fix.unwrap_or(false)}),
        _ => json!({"type": kind}),
    };
    json!({ "answer": answer }).to_string()
}

/// "scale web to 3" in the model's form.
pub fn scale_web_to(n: i64) -> String {
    plan_answer(vec![op(
        "scale",
        json!({"kind": "deployment", "name": "web", "change": "to", "replicas": n}),
    )])
}
