//! Arbitrary input never panics the offline rules, and nothing they accept can
//! smuggle a flag into kubectl: every argv element that starts with `-` is one of
//! the flags the plan vocabulary itself writes, and no value starts with `-`.
//! A small deterministic generator stands in for proptest (no extra dependency):
//! random bytes, random Unicode, and — most useful — random sentences made of the
//! grammar's own words mixed with hostile values.

use kubectl_ai::plan::equivalent::equivalent_args;
use kubectl_ai::understand::rules::{Understood, understand};

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

const WORDS: &[&str] = &[
    "get",
    "show",
    "me",
    "list",
    "describe",
    "delete",
    "remove",
    "scale",
    "restart",
    "roll",
    "back",
    "undo",
    "set",
    "update",
    "create",
    "deploy",
    "run",
    "expose",
    "autoscale",
    "label",
    "annotate",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "switch",
    "use",
    "explain",
    "top",
    "tail",
    "add",
    "increase",
    "reduce",
    "mark",
    "pods",
    "pod",
    "deployment",
    "deploy",
    "svc",
    "service",
    "nodes",
    "node",
    "namespace",
    "ns",
    "configmap",
    "secret",
    "hpa",
    "sts",
    "logs",
    "events",
    "warning",
    "context",
    "contexts",
    "image",
    "env",
    "var",
    "container",
    "replicas",
    "port",
    "type",
    "LoadBalancer",
    "cpu",
    "memory",
    "limit",
    "request",
    "in",
    "on",
    "of",
    "for",
    "from",
    "to",
    "by",
    "with",
    "as",
    "at",
    "and",
    ",",
    "the",
    "a",
    "all",
    "namespaces",
    "everywhere",
    "called",
    "named",
    "last",
    "past",
    "previous",
    "lines",
    "hour",
    "minutes",
    "since",
    "yaml",
    "json",
    "wide",
    "up",
    "down",
    "between",
    "min",
    "max",
    "revision",
    "that",
    "are",
    "not",
    "running",
    "labelled",
    "label",
    "labels",
    "sorted",
    "most",
    "current",
    "which",
    "what",
    "please",
    "can",
    "you",
    "web",
    "api",
    "worker-1",
    "shop",
    "nginx:1.27",
    "3",
    "three",
    "-1",
    "50%",
    "70%",
    "0",
    "99999",
    "1h",
    "15m",
    "512Mi",
    "250m",
    "app=web",
    "k=v",
    "tier-",
    "--previous",
    "-p",
    "-n",
    "-A",
    "--all",
    "-rf",
    "--tail=5",
    "--replicas=3",
    "--image=-x",
    "-l",
    "--kubeconfig=/etc/x",
    "--token",
    "-o",
    "--as=admin",
    "deploy/web",
    "pod/-x",
    "../x",
    "-x",
    "--",
    "-",
    "=",
    "=-x",
    "-k=v",
    "app=-x",
    "\"-q\"",
    "'--all'",
    "x:-1",
    "ns/-a",
];

/// The flags the plan vocabulary writes; anything else starting with `-` is a leak.
const KNOWN_FLAGS: &[&str] = &[
    "-n",
    "-A",
    "-l",
    "-o",
    "-c",
    "-p",
    "--field-selector",
    "--sort-by",
    "--show-labels",
    "--all-containers",
    "--tail",
    "--since",
    "--previous",
    "--sort-by",
    "--containers",
    "--revision",
    "--namespaced",
    "--recursive",
    "--image",
    "--replicas",
    "--port",
    "--labels",
    "--env",
    "--min",
    "--max",
    "--cpu-percent",
    "--limits",
    "--requests",
    "--to-revision",
    "--target-port",
    "--type",
    "--name",
    "--overwrite",
    "--from-literal",
    "--ignore-daemonsets",
    "--delete-emptydir-data",
    "-f",
];

/// Flags whose value is the next argv element.
const TAKES_VALUE: &[&str] = &[
    "-n",
    "-l",
    "-o",
    "-c",
    "--field-selector",
    "--sort-by",
    "--tail",
    "--since",
    "--revision",
];

fn check_argv(input: &str, args: &[String]) {
    let mut expect_value = false;
    for a in args {
        if expect_value {
            assert!(
                !a.starts_with('-'),
                "{input:?}: flag value {a:?} starts with '-' in {args:?}"
            );
            expect_value = false;
            continue;
        }
        if a.starts_with('-') && a != "-" {
            let (name, value) = a
                .split_once('=')
                .map_or((a.as_str(), None), |(n, v)| (n, Some(v)));
            assert!(
                KNOWN_FLAGS.contains(&name),
                "{input:?}: unknown flag {a:?} in {args:?}"
            );
            if let Some(v) = value {
                assert!(
                    !v.starts_with('-'),
                    "{input:?}: value of {name} starts with '-': {args:?}"
                );
            }
            expect_value = value.is_none() && TAKES_VALUE.contains(&name);
        } else if a == "-" {
            // `apply -f -` reads stdin; no other bare "-" may appear.
            assert!(
                args.iter().any(|x| x == "-f"),
                "{input:?}: stray '-' in {args:?}"
            );
        }
    }
}

fn run(input: &str) {
    let outcome = std::panic::catch_unwind(|| understand(input));
    let understood = outcome.unwrap_or_else(|_| panic!("understand panicked on {input:?}"));
    if let Understood::Plan(plan) = understood {
        assert!(!plan.operations.is_empty(), "{input:?}: empty plan");
        for op in &plan.operations {
            check_argv(input, &equivalent_args(op));
        }
    }
}

#[test]
fn sentences_of_grammar_words_and_hostile_values() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut accepted = 0;
    for _ in 0..60_000 {
        let n = 1 + rng.below(9);
        let words: Vec<&str> = (0..n).map(|_| rng.pick(WORDS)).collect();
        let sentence = words.join(" ");
        if matches!(understand(&sentence), Understood::Plan(_)) {
            accepted += 1;
        }
        run(&sentence);
    }
    // The generator must reach the grammar, or this test proves little.
    assert!(
        accepted > 100,
        "only {accepted} random sentences were understood"
    );
}

#[test]
fn arbitrary_bytes_and_unicode_never_panic() {
    let mut rng = Rng(42);
    let alphabet: Vec<char> =
        "aZ09 -_=/:.,;'\"`$(){}[]%!?&|<>\\\t\n\u{0}\u{7f}éß漢🙂\u{202e}\u{2019}\u{201c}"
            .chars()
            .collect();
    for _ in 0..30_000 {
        let len = rng.below(40);
        let s: String = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        run(&s);
    }
    for s in [
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
    ] {
        run(s);
    }
    run(&"scale web to 3 ".repeat(500));
    run(&"x".repeat(100_000));
}
