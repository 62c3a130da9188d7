//! The offline rules measured on `tests/fixtures/unseen.tsv`: requests as five
//! different SREs would type them, written without looking at the rules and never
//! tuned on. Each line is classified:
//!
//! - **right**: the plan means what the line expects (or `MODEL` deferred, or
//!   `INVALID` refused naming the bad value);
//! - **wrong**: a plan that differs from the expectation (including any plan where
//!   `MODEL` or `INVALID` was expected), or a refusal where something else was;
//! - **deferred**: the rules sent it to a model where a plan (or a refusal) was
//!   expected: a miss of the grammar's reach, never a guess.
//!
//! The counts and every wrong line are printed
//! (`cargo test --test rules_unseen -- --nocapture`). What is asserted holds whatever
//! the grammar reaches: no sentence panics the rules, and no `INVALID` line becomes a
//! plan that would pass validation (and so run). The right/wrong/deferred counts are
//! measurements (BENCHMARKS.md, "Unseen phrasings"), not thresholds: do not tune the
//! rules on this file; move a line to `heldout.tsv` once it has been tuned on.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use kubectl_ai::plan::equivalent::equivalent_args;
use kubectl_ai::plan::validate::{Limits, validate};
use kubectl_ai::understand::rules::{Understood, understand};

mod corpus_support;

use corpus_support::plan_is_command;

const FILE: &str = "unseen.tsv";

/// What the rules made of a sentence, as a person reads it.
fn produced(got: &Understood) -> String {
    match got {
        Understood::Plan(plan) => plan
            .operations
            .iter()
            .map(|op| format!("kubectl {}", equivalent_args(op).join(" ")))
            .collect::<Vec<_>>()
            .join(" && "),
        Understood::NeedsModel => "MODEL".to_string(),
        Understood::Invalid(message) => format!("INVALID: {message}"),
    }
}

/// A sentence's words as values a refusal could quote: surrounding quotes,
/// backticks, brackets and trailing punctuation removed.
fn bare_words(sentence: &str) -> impl Iterator<Item = &str> {
    sentence.split_whitespace().map(|w| {
        w.trim_matches(['"', '\'', '`', '(', ')', '[', ']'])
            .trim_end_matches([';', ',', '?', '.', '!', ':'])
            .trim_matches(['"', '\'', '`', '(', ')'])
    })
}

/// The words of a sentence that are not plain lowercase English: the candidates
/// for the bad value a refusal must name.
fn unusual_words(sentence: &str) -> Vec<&str> {
    bare_words(sentence)
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_lowercase()))
        .collect()
}

/// Whether `got` is the one meaning `expected` (a single alternative) names.
fn matches(sentence: &str, expected: &str, got: &Understood) -> bool {
    match (expected, got) {
        ("MODEL", got) => matches!(got, Understood::NeedsModel),
        ("INVALID", Understood::Invalid(message)) => unusual_words(sentence).into_iter().any(|w| {
            message.contains(w)
                || w.split_once('=')
                    .is_some_and(|(_, v)| !v.is_empty() && message.contains(v))
        }),
        (command, Understood::Plan(plan)) => plan_is_command(plan, command),
        _ => false,
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Class {
    Right,
    Wrong,
    Deferred,
}

fn classify(sentence: &str, expected: &str, got: &Understood) -> Class {
    if expected
        .split(" || ")
        .any(|alternative| matches(sentence, alternative.trim(), got))
    {
        Class::Right
    } else if matches!(got, Understood::NeedsModel) {
        // Not a guess: the request goes to a model (where there is one), whose plan is
        // validated like any other. Counted apart from wrong, also where INVALID was
        // expected: the bad value is then refused by validation, not by the rules.
        Class::Deferred
    } else {
        Class::Wrong
    }
}

struct Line {
    number: usize,
    sentence: String,
    expected: String,
}

fn corpus() -> Vec<Line> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(FILE);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (sentence, expected) = line
            .split_once('\t')
            .unwrap_or_else(|| panic!("{FILE} line {}: no tab: {line:?}", i + 1));
        assert!(
            !sentence.trim().is_empty() && !expected.trim().is_empty(),
            "{FILE} line {}: empty sentence or expectation: {line:?}",
            i + 1
        );
        lines.push(Line {
            number: i + 1,
            sentence: sentence.to_string(),
            expected: expected.trim().to_string(),
        });
    }
    lines
}

#[test]
fn unseen_phrasings_are_measured_and_never_run_a_refused_value() {
    let lines = corpus();
    let mut right = 0;
    let mut wrong = Vec::new();
    let mut deferred = Vec::new();
    let mut panicked = Vec::new();
    let mut invalid_ran = Vec::new();

    for line in &lines {
        let sentence = line.sentence.as_str();
        let got = match catch_unwind(AssertUnwindSafe(|| understand(sentence))) {
            Ok(got) => got,
            Err(_) => {
                panicked.push(format!("line {}: {sentence:?}", line.number));
                continue;
            }
        };
        if line.expected == "INVALID"
            && let Understood::Plan(plan) = &got
            && validate(plan, &Limits::default()).is_ok()
        {
            invalid_ran.push(format!(
                "line {}: {sentence:?}\n    → {}",
                line.number,
                produced(&got)
            ));
        }
        match classify(sentence, &line.expected, &got) {
            Class::Right => right += 1,
            Class::Deferred => deferred.push(format!(
                "line {}: {sentence:?} (expected {})",
                line.number, line.expected
            )),
            Class::Wrong => wrong.push(format!(
                "line {}: {sentence:?}\n    expected: {}\n    rules:    {}",
                line.number,
                line.expected,
                produced(&got)
            )),
        }
    }

    let total = lines.len();
    println!(
        "{FILE}: {total} sentences: {right} right, {} wrong, {} deferred{}",
        wrong.len(),
        deferred.len(),
        if panicked.is_empty() {
            String::new()
        } else {
            format!(", {} panicked", panicked.len())
        }
    );
    if !wrong.is_empty() {
        println!("\nwrong:\n{}", wrong.join("\n"));
    }
    if !deferred.is_empty() {
        println!("\ndeferred:\n{}", deferred.join("\n"));
    }

    assert!(
        panicked.is_empty(),
        "the rules panicked on {} sentences:\n{}",
        panicked.len(),
        panicked.join("\n")
    );
    assert!(
        invalid_ran.is_empty(),
        "{} INVALID lines became plans that pass validation (and would run):\n{}",
        invalid_ran.len(),
        invalid_ran.join("\n")
    );
}

/// The corpus stays a corpus: big enough to measure, every expectation readable,
/// and every INVALID line carries a value a refusal can be checked to name.
#[test]
fn unseen_corpus_is_well_formed() {
    let lines = corpus();
    assert!(
        lines.len() >= 150,
        "{FILE} has {} lines; it is meant to hold about 200",
        lines.len()
    );
    let mut seen = BTreeSet::new();
    for line in &lines {
        assert!(
            seen.insert(line.sentence.as_str()),
            "{FILE} line {}: duplicate sentence {:?}",
            line.number,
            line.sentence
        );
        for alternative in line.expected.split(" || ") {
            let alternative = alternative.trim();
            assert!(
                matches!(alternative, "MODEL" | "INVALID") || alternative.starts_with("kubectl "),
                "{FILE} line {}: expectation {alternative:?} is neither MODEL, INVALID nor a kubectl command",
                line.number
            );
        }
        if line.expected == "INVALID" {
            assert!(
                !unusual_words(&line.sentence).is_empty(),
                "{FILE} line {}: no word of {:?} could be the bad value a refusal names",
                line.number,
                line.sentence
            );
        }
    }
    // The other corpora are tuned on; a sentence in both would not be unseen.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for other in ["requests.tsv", "heldout.tsv"] {
        let text = std::fs::read_to_string(fixtures.join(other)).unwrap_or_default();
        for l in text.lines().filter(|l| !l.starts_with('#')) {
            let sentence = l.split('\t').next().unwrap_or("");
            assert!(
                !seen.contains(sentence),
                "{sentence:?} is in both {FILE} and {other}"
            );
        }
    }
}

#[test]
fn classification_tells_right_wrong_and_deferred_apart() {
    let plan = understand("scale deployment web to 5 replicas");
    assert!(matches!(plan, Understood::Plan(_)), "{plan:?}");
    let want = "kubectl scale deployment web --replicas=5";
    assert_eq!(classify("", want, &plan), Class::Right);
    assert_eq!(
        classify("", "kubectl scale deploy/web --replicas 5", &plan),
        Class::Right
    );
    assert_eq!(
        classify("", "kubectl scale deployment web --replicas=6", &plan),
        Class::Wrong
    );
    assert_eq!(classify("", "MODEL", &plan), Class::Wrong);
    assert_eq!(classify("", "INVALID", &plan), Class::Wrong);
    assert_eq!(
        classify("", &format!("MODEL || {want}"), &plan),
        Class::Right
    );
    assert_eq!(classify("", want, &Understood::NeedsModel), Class::Deferred);
    assert_eq!(classify("", "MODEL", &Understood::NeedsModel), Class::Right);
    let refused = Understood::Invalid("replica count \"-3\" must be 0 or more".into());
    assert_eq!(
        classify("scale web to -3", "INVALID", &refused),
        Class::Right
    );
    assert_eq!(classify("scale web to -3", want, &refused), Class::Wrong);
    let vague = Understood::Invalid("bad request".into());
    assert_eq!(classify("scale web to -3", "INVALID", &vague), Class::Wrong);
}
