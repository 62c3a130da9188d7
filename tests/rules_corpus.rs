//! Every line of the public request corpus (a copy of `../shared/eval/requests.tsv`
//! in `tests/fixtures/`) and of our own held-out phrasings must be understood by the
//! offline rules exactly as written: same kubectl meaning, `MODEL` falls through,
//! `INVALID` is refused naming the bad value. Failures are all listed at once.

use std::path::Path;

use kubectl_ai::plan::equivalent::equivalent_args;
use kubectl_ai::understand::rules::{Understood, understand};

mod corpus_support;

use corpus_support::{canonical, plan_is_command};

/// Whether what the rules made of `sentence` is the one expected meaning; why not.
fn verdict(sentence: &str, expected: &str, got: &Understood) -> Result<(), String> {
    match (expected, got) {
        ("MODEL", Understood::NeedsModel) => Ok(()),
        ("MODEL", other) => Err(format!("expected MODEL, got {other:?}")),
        ("INVALID", Understood::Invalid(message)) => {
            // Some word that is not plain lowercase English must be quoted back:
            // "-1", "../../etc/passwd", "-rf", "Web", or the value of "--tail=-5".
            let named = sentence
                .split_whitespace()
                .map(|w| w.trim_end_matches([';', ',', '?', '.']))
                .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_lowercase()))
                .any(|w| {
                    message.contains(w)
                        || w.split_once('=')
                            .is_some_and(|(_, v)| !v.is_empty() && message.contains(v))
                });
            if named {
                Ok(())
            } else {
                Err(format!(
                    "INVALID message does not name the bad value: {message:?}"
                ))
            }
        }
        ("INVALID", other) => Err(format!("expected INVALID, got {other:?}")),
        (command, Understood::Plan(plan)) => {
            if plan_is_command(plan, command) {
                Ok(())
            } else {
                let got: Vec<String> = plan
                    .operations
                    .iter()
                    .map(|op| format!("kubectl {}", equivalent_args(op).join(" ")))
                    .collect();
                Err(format!("want: {command}\n    got:  {}", got.join(" && ")))
            }
        }
        (command, other) => Err(format!("want: {command}\n    got:  {other:?}")),
    }
}

/// Checks every line of a corpus file; returns the failures, one readable block each.
fn check(path: &Path) -> (usize, Vec<String>) {
    let (total, failures, _) = check_with(path, false);
    (total, failures)
}

/// Like [`check`]; with `defer_ok`, deferring to the model is never a failure (it
/// is counted, third in the answer).
fn check_with(path: &Path, defer_ok: bool) -> (usize, Vec<String>, usize) {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut failures = Vec::new();
    let mut total = 0;
    let mut deferred = 0;
    for (lineno, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((sentence, expected)) = line.split_once('\t') else {
            failures.push(format!("line {}: no tab: {line:?}", lineno + 1));
            continue;
        };
        total += 1;
        let got = understand(sentence);
        if defer_ok && got == Understood::NeedsModel {
            deferred += 1;
            continue;
        }
        // "A || B": either meaning is right; a trailing "|| MODEL" accepts deferring.
        let verdicts: Vec<Result<(), String>> = expected
            .split(" || ")
            .map(|alternative| verdict(sentence, alternative.trim(), &got))
            .collect();
        if !verdicts.iter().any(Result::is_ok) {
            let why: Vec<String> = verdicts.into_iter().filter_map(Result::err).collect();
            failures.push(format!(
                "line {}: {sentence:?}\n    {}",
                lineno + 1,
                why.join("\n    or ")
            ));
        }
    }
    (total, failures, deferred)
}

fn assert_corpus(file: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(file);
    let (total, failures) = check(&path);
    assert!(total > 0, "{file} has no lines");
    assert!(
        failures.is_empty(),
        "{} of {total} lines of {file} fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn public_corpus_passes() {
    assert_corpus("requests.tsv");
}

#[test]
fn held_out_phrasings_pass() {
    assert_corpus("heldout.tsv");
}

/// The blind corpus (phrasings written before the rules for them, never tuned on):
/// the rules may defer any line to the model, but are never wrong, and a line that
/// says MODEL is never understood.
#[test]
fn blind_phrasings_are_never_misread() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/heldout_blind.tsv");
    let (total, failures, deferred) = check_with(&path, true);
    eprintln!(
        "heldout_blind.tsv: {} right, {} wrong, {deferred} deferred of {total}",
        total - deferred - failures.len(),
        failures.len()
    );
    assert!(total > 0);
    assert!(
        failures.is_empty(),
        "{} of {total} blind lines are misread:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The fixture is a copy; when the shared original is present, the copy must match it.
#[test]
fn corpus_copy_matches_shared_original() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/eval/requests.tsv");
    if let Ok(original) = std::fs::read_to_string(shared) {
        let copy = std::fs::read_to_string(root.join("tests/fixtures/requests.tsv")).unwrap();
        assert_eq!(
            copy, original,
            "refresh tests/fixtures/requests.tsv from ../shared/eval"
        );
    }
}

#[test]
fn canonical_forms_ignore_spelling() {
    let c = |s: &str| canonical(&s.split_whitespace().map(String::from).collect::<Vec<_>>());
    assert_eq!(
        c("scale deploy/web --replicas 3"),
        c("scale deployment web --replicas=3")
    );
    assert_eq!(c("get po -n x -l a=b"), c("get pods -l a=b --namespace=x"));
    assert_ne!(c("get pods -n x"), c("get pods -n y"));
}
