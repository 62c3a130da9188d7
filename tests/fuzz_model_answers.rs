//! Property tests of the model's answers (`understand::model::interpret`, which
//! parses, converts and validates what the model wrote): any text and any JSON
//! is an error or a usable answer, never a panic, and a plan that comes out
//! passes validation and builds no argv in which a value becomes a flag.
//! Inputs: raw text, any JSON value, and model-form answers for every operation
//! whose fields mix sensible values with hostile ones (wrong types, flags,
//! control characters, huge numbers, placeholders of redacted values).

mod fuzz_support;

use fuzz_support::{atom, check, check_plan, ensure, json_value, sentence};
use kubectl_ai::plan::schema::{field_names, model_operation, operation_names, plan_from_model};
use kubectl_ai::plan::validate::Limits;
use kubectl_ai::redact::Redactor;
use kubectl_ai::understand::model::{Interpreted, ModelOutcome, interpret};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU32, Ordering};

/// How many answers became plans (the generator must reach validation and beyond).
static PLANS: AtomicU32 = AtomicU32::new(0);

/// The sentence the model was asked about, and its answer.
fn answered(sentence: &str, content: &str) -> Result<(), TestCaseError> {
    let mut redactor = Redactor::new();
    let _ = redactor.redact(sentence);
    match interpret(content, sentence, &redactor, &Limits::default()) {
        Ok(Interpreted::Plan(plan)) => {
            PLANS.fetch_add(1, Ordering::Relaxed);
            check_plan(content, &plan)
        }
        Ok(Interpreted::Outcome(ModelOutcome::Clarify(text) | ModelOutcome::OutOfScope(text))) => {
            ensure(
                !text
                    .chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\t'),
                || format!("{content}: a message with control characters: {text:?}"),
            )
        }
        Ok(Interpreted::Answer(text)) => ensure(
            !text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            || format!("{content}: an answer with control characters: {text:?}"),
        ),
        // Reads are validated when they would run (tests/model_evidence.rs).
        Ok(Interpreted::Outcome(_) | Interpreted::Look(_)) => Ok(()),
        Err(problem) => ensure(!problem.is_empty(), || {
            format!("{content}: an empty problem")
        }),
    }
}

/// A sensible value for a model-form field, so that many answers reach validation.
fn good(field: &str) -> Value {
    match field {
        "kind" => json!("deployment"),
        "kinds" => json!(["pods"]),
        "name" => json!("web"),
        "namespace" => json!("shop"),
        "selector" => json!("app=web"),
        "field_selector" => json!("status.phase!=Running"),
        "output" => json!("yaml"),
        "columns" => json!([{"header": "NAME", "path": ".metadata.name"}]),
        "sort_by" => json!(".metadata.name"),
        "container" => json!("app"),
        "tail" | "revision" | "replicas" | "min" => json!(2),
        "max" => json!(5),
        "cpu_percent" => json!(70),
        "port" | "target_port" => json!(8080),
        "since" => json!("1h"),
        "field" => json!("deployment.spec"),
        "image" => json!("nginx:1.27"),
        "change" => json!("to"),
        "service_type" => json!("NodePort"),
        "service_name" => json!("web-svc"),
        "labels" | "set" => json!([{"key": "tier", "value": "front"}]),
        "remove" => json!(["old"]),
        "cpu_request" | "cpu_limit" => json!("250m"),
        "memory_request" | "memory_limit" => json!("512Mi"),
        "manifest" => json!(
            "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"a\"}}"
        ),
        "patch_type" => json!("merge"),
        "patch" => json!("{\"spec\": {\"replicas\": 2}}"),
        "key" => json!("dedicated"),
        "value" => json!("gpu"),
        "effect" => json!("NoSchedule"),
        _ => json!(true),
    }
}

/// A hostile value of about the right shape for a field.
fn hostile() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => atom().prop_map(Value::String),
        1 => atom().prop_map(|a| Value::String(format!("-{a}"))),
        1 => (atom(), atom()).prop_map(|(k, v)| json!([{"key": k, "value": v}])),
        1 => (atom(), atom()).prop_map(|(h, p)| json!([{"header": h, "path": p}])),
        1 => proptest::collection::vec(atom(), 0..3).prop_map(|v| json!(v)),
        1 => any::<i64>().prop_map(|n| json!(n)),
        1 => (1u32..20).prop_map(|n| json!(format!("REDACTED_{n}"))),
        1 => json_value(),
        1 => json_value().prop_map(|v| json!(v.to_string())),
    ]
    .boxed()
}

/// The model-form fields `op` takes (a field it does not take is an error).
fn takes(op: &str, field: &str) -> bool {
    let one = model_operation(op, json!({ field: good(field) }));
    match plan_from_model(&json!([one])) {
        Ok(_) => true,
        Err(e) => !e.contains("does not apply"),
    }
}

/// One model-form operation: the fields it takes null, sensible or hostile;
/// now and then a field it does not take.
fn operation() -> BoxedStrategy<Value> {
    let fields: Vec<&'static str> = field_names().collect();
    let ops: Vec<(&'static str, Vec<bool>)> = operation_names()
        .chain(["bogus", ""])
        .map(|op| (op, fields.iter().map(|f| takes(op, f)).collect()))
        .collect();
    let n = fields.len();
    (
        proptest::sample::select(ops),
        proptest::collection::vec(0u8..20, n),
        proptest::collection::vec(hostile(), 0..4),
        proptest::option::weighted(0.1, (proptest::sample::select(fields.clone()), hostile())),
    )
        .prop_map(move |((op, taken), choices, hostile, stray)| {
            let mut given = serde_json::Map::new();
            let mut hostile = hostile.into_iter();
            for ((field, taken), choice) in fields.iter().zip(taken).zip(choices) {
                let value = match (taken, choice) {
                    (false, _) | (true, 0..=7) => continue,
                    (true, 8..=18) => good(field),
                    (true, _) => hostile.next().unwrap_or_else(|| good(field)),
                };
                given.insert(field.to_string(), value);
            }
            if let Some((field, value)) = stray {
                given.insert(field.to_string(), value);
            }
            model_operation(op, Value::Object(given))
        })
        .boxed()
}

/// A whole answer: its kind, message, namespace, fix and operations.
fn answer() -> BoxedStrategy<String> {
    let kind = proptest::sample::select(
        &[
            "plan",
            "plan",
            "plan",
            "clarify",
            "out_of_scope",
            "diagnose",
            "other",
        ][..],
    );
    (
        kind,
        hostile(),
        hostile(),
        any::<Option<bool>>(),
        prop_oneof![4 => proptest::collection::vec(operation(), 1..3), 1 => proptest::collection::vec(operation(), 0..5)],
        0u8..4,
    )
        .prop_map(|(kind, message, namespace, fix, operations, wrap)| {
            let mut answer = json!({
                "answer": kind, "message": message, "namespace": namespace, "fix": fix,
                "operations": operations,
            });
            if wrap == 1 {
                answer.as_object_mut().map(|a| a.remove("answer"));
            }
            let text = answer.to_string();
            match wrap {
                2 => format!("```json\n{text}\n```"),
                3 => text.chars().take(text.chars().count() / 2).collect(),
                _ => text,
            }
        })
        .boxed()
}

#[test]
fn any_text_is_an_error_or_a_usable_answer() {
    let text = prop_oneof![
        any::<String>(),
        proptest::collection::vec(any::<u8>(), 0..200)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        json_value().prop_map(|v| v.to_string()),
        json_value().prop_map(|v| json!({"answer": "plan", "operations": v}).to_string()),
        json_value().prop_map(|v| json!({"answer": "plan", "operations": [v]}).to_string()),
    ];
    check("model/text", 2_000, (sentence(), text), |(s, t)| {
        answered(&s, &t)
    });
}

#[test]
fn answers_for_every_operation_are_refused_or_safe() {
    check("model/answers", 3_000, (sentence(), answer()), |(s, a)| {
        answered(&s, &a)
    });
    let plans = PLANS.load(Ordering::Relaxed);
    let cases = fuzz_support::cases(3_000);
    eprintln!("model/answers: {plans} answers became plans");
    assert!(
        plans >= cases / 30,
        "only {plans} of {cases} answers became plans: the generator misses the vocabulary"
    );
}
