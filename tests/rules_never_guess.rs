//! "The rules never guess" as properties, not examples:
//!
//! - Every word of an understood sentence is placed by a known role: insert a
//!   word the grammar does not know anywhere into a sentence the rules understand
//!   and they defer to the model (or refuse: nothing runs), unless it landed where a
//!   name belongs ("show pods in X yaml") and the plan names it there: never is it
//!   dropped or read as anything but a name; insert a known filler ("please",
//!   "kindly") and the plan is the same.
//! - A name is only taken from the sentence: every name, namespace, container,
//!   node, context or image in a plan the rules build appears in the sentence.
//!
//! `KUBECTL_AI_FUZZ_CASES` raises the case count (see `fuzz_support`).

mod fuzz_support;

use fuzz_support::{check, corpus, ensure, sentence};
use kubectl_ai::plan::Plan;
use kubectl_ai::understand::rules::{Understood, needs_cluster, understand};
use proptest::prelude::*;

/// The corpus sentences the rules turn into a plan, with the plan.
fn understood() -> &'static [(String, Plan)] {
    static UNDERSTOOD: std::sync::OnceLock<Vec<(String, Plan)>> = std::sync::OnceLock::new();
    UNDERSTOOD.get_or_init(|| {
        let blind = include_str!("fixtures/heldout_blind.tsv")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| l.split('\t').next())
            .map(str::to_string);
        corpus()
            .iter()
            .cloned()
            .chain(blind)
            .filter_map(|s| match understand(&s) {
                Understood::Plan(plan) => Some((s, plan)),
                _ => None,
            })
            .collect()
    })
}

/// A word no rule knows: made-up letters, kept apart from every real word.
fn unknown_word() -> BoxedStrategy<String> {
    "zq[a-z]{2,8}".prop_map(|w| w).boxed()
}

fn insert(sentence: &str, at: usize, word: &str) -> String {
    let mut words: Vec<&str> = sentence.split(' ').collect();
    words.insert(at.min(words.len()), word);
    words.join(" ")
}

#[test]
fn an_unknown_word_anywhere_makes_the_rules_defer() {
    let cases = understood();
    assert!(
        cases.len() > 100,
        "only {} sentences understood",
        cases.len()
    );
    let strategy = (
        proptest::sample::select(cases),
        any::<prop::sample::Index>(),
        unknown_word(),
    );
    check(
        "rules/unknown-word",
        3_000,
        strategy,
        |((s, _), at, word)| {
            let n = s.split(' ').count() + 1;
            let changed = insert(&s, at.index(n), &word);
            match understand(&changed) {
                Understood::NeedsModel => Ok(()),
                // A refusal runs nothing: never a guess.
                Understood::Invalid(_) => Ok(()),
                Understood::Plan(plan) => {
                    let mut found = vec![];
                    names(&serde_json::to_value(&plan).unwrap(), &mut found);
                    ensure(found.contains(&word), || {
                        format!(
                            "{changed:?} (from {s:?}) was understood as {:?}: the word {word:?} \
                         was dropped or guessed",
                            plan.operations
                        )
                    })
                }
            }
        },
    );
}

#[test]
fn a_known_filler_leaves_the_plan_unchanged() {
    let strategy = (
        proptest::sample::select(understood()),
        proptest::sample::select(&["please", "kindly", "Please", "pls"][..]),
        any::<bool>(),
    );
    check(
        "rules/filler",
        1_000,
        strategy,
        |((s, plan), filler, front)| {
            let changed = if front {
                format!("{filler} {s}")
            } else {
                format!("{s} {filler}")
            };
            ensure(
                understand(&changed) == Understood::Plan(plan.clone()),
                || format!("{changed:?} differs from {s:?}: {:?}", understand(&changed)),
            )
        },
    );
}

/// The values of a plan that name something: each must come from the sentence.
fn names(value: &serde_json::Value, out: &mut Vec<String>) {
    const NAMING: &[&str] = &[
        "name",
        "namespace",
        "container",
        "node",
        "context",
        "service",
        "service_name",
        "image",
        "selector",
    ];
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match v {
                    // A selector is joined from the pairs the sentence says.
                    serde_json::Value::String(s) if k == "selector" => {
                        out.extend(s.split(',').map(str::to_string))
                    }
                    serde_json::Value::String(s) if NAMING.contains(&k.as_str()) => {
                        out.push(s.clone())
                    }
                    // An exec's command words are taken from the sentence as said.
                    serde_json::Value::Array(words) if k == "command" => out.extend(
                        words
                            .iter()
                            .filter_map(serde_json::Value::as_str)
                            .map(str::to_string),
                    ),
                    _ => names(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| names(v, out)),
        _ => {}
    }
}

fn names_come_from_the_sentence(s: &str) -> Result<(), TestCaseError> {
    let Understood::Plan(plan) = understand(s) else {
        return Ok(());
    };
    let mut found = vec![];
    names(&serde_json::to_value(&plan).unwrap(), &mut found);
    // Quotes group words; they are not part of any name.
    let lower = s.to_lowercase().replace(
        [
            '"', '\'', '`', '\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}',
        ],
        "",
    );
    // "open a shell", "exec into": the shell asked for is `sh`.
    let shell_asked = ["shell", "exec", "terminal", "console"]
        .iter()
        .any(|w| lower.split_whitespace().any(|x| x == *w));
    for name in found {
        let name = name.to_lowercase().replace(['"', '\'', '`'], "");
        if name == "sh" && shell_asked {
            continue;
        }
        ensure(lower.contains(&name), || {
            format!("{s:?}: the plan names {name:?}, which the sentence does not say")
        })?;
    }
    Ok(())
}

#[test]
fn every_name_in_a_plan_is_in_the_sentence() {
    for (s, _) in understood() {
        names_come_from_the_sentence(s).unwrap_or_else(|e| panic!("{e}"));
    }
    check("rules/names-from-sentence", 3_000, sentence(), |s| {
        names_come_from_the_sentence(&s)
    });
}

/// The one read a request may need before it is planned: any sentence gives a
/// typed `kubectl get` or none, never a panic, and no value of it is a flag.
#[test]
fn a_read_before_planning_is_typed_and_never_a_flag() {
    check("rules/needs-cluster", 3_000, sentence(), |s| {
        let Some(pending) = needs_cluster(&s) else {
            return Ok(());
        };
        let args = pending.read_args();
        ensure(args.first().map(String::as_str) == Some("get"), || {
            format!("{s:?}: {args:?}")
        })?;
        for a in &args[1..] {
            let ours = [
                "--field-selector=",
                "--ignore-not-found",
                "-o=",
                "--namespace=",
            ]
            .iter()
            .any(|p| a.starts_with(p));
            ensure(ours || !a.starts_with('-'), || {
                format!("{s:?}: {a:?} would reach kubectl as a flag: {args:?}")
            })?;
        }
        Ok(())
    });
}
