//! Property tests of the offline rules: any sentence becomes a valid plan, a
//! request for a model, or a refusal naming the value; never a panic; and no
//! value of a plan they build reaches kubectl as a flag (checked on every argv
//! the plugin builds from it: the equivalent command, the read, the preview,
//! the apply). `KUBECTL_AI_FUZZ_CASES` raises the case count (see
//! `fuzz_support`, whose sentence generator is the one every fuzz test uses).

mod fuzz_support;

use fuzz_support::{check, check_operation, check_plan, ensure, re, sentence};
use kubectl_ai::plan::Operation;
use kubectl_ai::understand::rules::{Understood, health_question, is_health_question, understand};
use proptest::prelude::*;
use serde_json::json;
use std::sync::atomic::{AtomicU32, Ordering};

/// How many sentences became plans (the generator must reach the grammar).
static PLANS: AtomicU32 = AtomicU32::new(0);

fn understood(s: &str) -> Result<(), TestCaseError> {
    let _ = is_health_question(s);
    let _ = health_question(s);
    match understand(s) {
        Understood::Plan(plan) => {
            PLANS.fetch_add(1, Ordering::Relaxed);
            check_plan(&format!("{s:?}"), &plan)
        }
        Understood::NeedsModel => Ok(()),
        Understood::Invalid(message) => ensure(!message.trim().is_empty(), || {
            format!("{s:?}: refused without a message")
        }),
    }
}

#[test]
fn any_sentence_is_a_valid_plan_a_model_question_or_a_refusal() {
    let before = PLANS.load(Ordering::Relaxed);
    check("rules/sentences", 3_000, sentence(), |s| understood(&s));
    let plans = PLANS.load(Ordering::Relaxed) - before;
    let cases = fuzz_support::cases(3_000);
    eprintln!("rules/sentences: {plans} of {cases} sentences became plans");
    assert!(
        plans >= cases / 20,
        "only {plans} of {cases} sentences became plans: the generator misses the grammar"
    );
}

#[test]
fn any_text_never_panics_the_rules() {
    let text = prop_oneof![
        any::<String>(),
        proptest::collection::vec(any::<u8>(), 0..64)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        re("[ -~]{0,80}"),
    ];
    check("rules/text", 2_000, text, |s| understood(&s));
}

#[test]
fn inputs_the_properties_found() {
    // A value starting with '-' inside a patch's JSON is no flag.
    understood("annotate 0s=-o deployment web owner=team-a").unwrap();
}

#[test]
fn edge_inputs_never_panic_the_rules() {
    let long = ["scale web to 3 ".repeat(500), "x".repeat(100_000)];
    let edges = [
        "",
        " ",
        "-",
        "--",
        "'",
        "\"",
        "'unterminated",
        "a=",
        "=",
        ",",
        ", ,",
        "ns/",
        "/",
        "pod/",
    ];
    for s in edges.iter().copied().chain(long.iter().map(String::as_str)) {
        let caught = std::panic::catch_unwind(|| understood(s));
        let shown: String = s.chars().take(40).collect();
        caught
            .unwrap_or_else(|_| panic!("the rules panicked on {shown:?}"))
            .unwrap();
    }
}

#[test]
fn the_argv_check_catches_a_value_that_would_become_a_flag() {
    // Unvalidated operations, as a bug in validation would let through.
    for op in [
        json!({"op": "get", "kinds": ["pods"], "name": "-A"}),
        json!({"op": "get", "kinds": ["pods"], "name": "-o"}),
        json!({"op": "logs", "name": "web", "container": "-p"}),
        json!({"op": "delete", "kind": "pod", "name": "--all"}),
        json!({"op": "label", "kind": "pod", "name": "web", "set": [{"key": "-n", "value": "x"}]}),
        json!({"op": "cordon", "node": "--selector=x"}),
    ] {
        let op: Operation = serde_json::from_value(op.clone()).unwrap();
        assert!(
            check_operation("unvalidated", &op).is_err(),
            "{op:?} was not caught"
        );
    }
    let fine: Operation = serde_json::from_value(json!({
        "op": "set_env", "name": "web", "set": [{"key": "A", "value": "-x"}]
    }))
    .unwrap();
    check_operation("a value after '='", &fine).unwrap();
}
