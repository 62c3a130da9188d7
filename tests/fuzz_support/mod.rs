//! Shared parts of the property tests (`tests/fuzz_*.rs`): the case count, the
//! runner, hostile values, and the argv check that no value becomes a flag.
//!
//! Every property runs a bounded number of cases in `cargo test`; set
//! `KUBECTL_AI_FUZZ_CASES=1000000` (best with `--release`) to run a long
//! campaign of the same properties, which then print how many cases ran and
//! how long they took.

#![allow(dead_code)]

use std::fmt::Debug;
use std::time::Instant;

use proptest::prelude::*;
use proptest::test_runner::{
    Config, FileFailurePersistence, RngAlgorithm, TestCaseError, TestRunner,
};
use serde_json::{Value, json};

use kubectl_ai::execute::request::{self, Prefetched, Request};
use kubectl_ai::plan::equivalent::equivalent_args;
use kubectl_ai::plan::validate::{Limits, validate};
use kubectl_ai::plan::{Operation, Plan};

/// The environment variable that raises every property's case count.
pub const CASES_VAR: &str = "KUBECTL_AI_FUZZ_CASES";

/// The number of cases a property runs: `default`, or `KUBECTL_AI_FUZZ_CASES`.
pub fn cases(default: u32) -> u32 {
    match std::env::var(CASES_VAR) {
        Ok(raw) => raw
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{CASES_VAR}={raw:?} is not a number of cases")),
        Err(_) => default,
    }
}

/// Runs `test` on `cases(default)` inputs drawn from `strategy`; a failure (an
/// `Err` or a panic) is shrunk and reported with the smallest input found.
pub fn check<S>(
    name: &str,
    default: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S: Strategy,
    S::Value: Debug,
{
    let cases = cases(default);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        // Panics are failures to shrink, not noise to print for every step.
        max_shrink_iters: 2_000,
        // ChaCha (the default) dominates a case's time in a debug build.
        rng_algorithm: RngAlgorithm::XorShift,
        ..Config::default()
    });
    let started = Instant::now();
    let result = runner.run(&strategy, test);
    if std::env::var_os(CASES_VAR).is_some() {
        eprintln!(
            "fuzz {name}: {cases} cases in {:.1} s ({:.1} µs/case)",
            started.elapsed().as_secs_f64(),
            started.elapsed().as_secs_f64() * 1e6 / f64::from(cases.max(1))
        );
    }
    if let Err(e) = result {
        panic!("property {name} failed: {e}");
    }
}

/// `prop_assert!` for a condition with a message built only on failure.
pub fn ensure(ok: bool, message: impl FnOnce() -> String) -> Result<(), TestCaseError> {
    if ok {
        Ok(())
    } else {
        Err(TestCaseError::fail(message()))
    }
}

// ---- hostile values --------------------------------------------------------

/// Words the grammar and the plan vocabulary know, plus the sentences of the
/// two corpora, split into words (computed once).
pub fn vocabulary() -> &'static [String] {
    static WORDS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        let mut words: Vec<String> = CORE_WORDS.iter().map(|w| w.to_string()).collect();
        for sentence in corpus() {
            for w in sentence.split_whitespace() {
                if !words.iter().any(|x| x == w) {
                    words.push(w.to_string());
                }
            }
        }
        words
    })
}

/// The sentences of `tests/fixtures/requests.tsv` and `heldout.tsv`.
pub fn corpus() -> &'static [String] {
    static SENTENCES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    SENTENCES.get_or_init(|| {
        [
            include_str!("../fixtures/requests.tsv"),
            include_str!("../fixtures/heldout.tsv"),
        ]
        .iter()
        .flat_map(|text| text.lines())
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| line.split('\t').next())
        .map(str::to_string)
        .collect()
    })
}

const CORE_WORDS: &[&str] = &[
    "get",
    "show",
    "list",
    "describe",
    "delete",
    "scale",
    "restart",
    "rollback",
    "undo",
    "set",
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
    "untaint",
    "switch",
    "use",
    "explain",
    "top",
    "tail",
    "logs",
    "events",
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
    "statefulset",
    "daemonset",
    "job",
    "cronjob",
    "context",
    "image",
    "env",
    "container",
    "replicas",
    "port",
    "type",
    "LoadBalancer",
    "NodePort",
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
    "sorted",
    "please",
    "web",
    "api",
    "worker-1",
    "shop",
    "nginx:1.27",
    "3",
    "three",
    "50%",
    "1h",
    "15m",
    "512Mi",
    "250m",
    "app=web",
    "k=v",
    "tier-",
    "NoSchedule",
    "password=hunter2",
    "API_TOKEN=x",
    "plan",
    "diagnose",
    "why",
    "fix",
];

/// Words a person (or an attacker) could type that look like flags.
pub const FLAG_LIKE: &[&str] = &[
    "-",
    "--",
    "-n",
    "-A",
    "-l",
    "-o",
    "-f",
    "-p",
    "-c",
    "-x",
    "-1",
    "-0",
    "--all",
    "-rf",
    "--tail=5",
    "--replicas=3",
    "--image=-x",
    "--kubeconfig=/etc/x",
    "--token",
    "--as=admin",
    "--as",
    "--raw",
    "--server=http://evil",
    "--context=prod",
    "--dry-run=none",
    "--force",
    "--grace-period=0",
    "-k",
    "--selector",
    "--field-selector",
    "--overwrite",
    "-l=-x",
    "--from-literal=-x",
    "--output=json",
    "-oyaml",
    "-n=kube-system",
    "--namespace",
    "-h",
    "--help",
    "--version",
    "-y",
    "--yes",
    // A flag behind `=`, `/`, `:` or quotes.
    "pod/-x",
    "ns/-a",
    "x:-1",
    "=-x",
    "-k=v",
    "app=-x",
    "\"-q\"",
    "'--all'",
    "../x",
    "=",
];

/// Strings matching a regular expression (compiled once, not for every case).
pub fn re(pattern: &str) -> BoxedStrategy<String> {
    proptest::string::string_regex(pattern)
        .expect("a valid pattern")
        .boxed()
}

/// One hostile piece of text: a flag, a name, a number out of range, quotes,
/// control characters, Unicode, or a known word.
pub fn atom() -> BoxedStrategy<String> {
    thread_local! {
        static ATOM: BoxedStrategy<String> = new_atom();
    }
    ATOM.with(Clone::clone)
}

fn new_atom() -> BoxedStrategy<String> {
    prop_oneof![
        4 => proptest::sample::select(vocabulary()),
        2 => proptest::sample::select(FLAG_LIKE).prop_map(str::to_string),
        2 => re("[a-z][a-z0-9-]{0,20}"),
        1 => re("-{1,2}[a-zA-Z0-9=/._:-]{0,12}"),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => re("[0-9]{15,40}"),
        1 => proptest::sample::select(&["1e308", "-0", "0x10", "1.5", "NaN", "inf", "9e99", "00003", "+3", "３"][..]).prop_map(str::to_string),
        1 => re("[0-9]{1,6}(s|m|h|d|ms|Mi|Gi|m|%|Ki|e3)"),
        1 => re("[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}]{1,4}"),
        1 => re("\\PC{1,8}"),
        1 => any::<String>().prop_map(|s| s.chars().take(12).collect()),
        1 => proptest::sample::select(&["\x1b[31m", "\x1b]0;pwned\x07", "\u{202e}", "\u{200b}", "\u{feff}", "\r", "\n", "\t", "\0", "’", "“", "”", "‘", "\\", "$(id)", "`id`", ";", "|", "&&", ">", "<", "*", "?", "{}", "[]", "/", "../", "..", ".", "=", ":", "@", "#"][..]).prop_map(str::to_string),
    ]
    .boxed()
}

/// An atom, sometimes combined with another into `k=v`, `kind/name`, `a:b`,
/// or quoted.
pub fn word() -> BoxedStrategy<String> {
    let a = atom();
    prop_oneof![
        6 => a.clone(),
        1 => (a.clone(), a.clone()).prop_map(|(k, v)| format!("{k}={v}")),
        1 => (a.clone(), a.clone()).prop_map(|(k, v)| format!("{k}/{v}")),
        1 => (a.clone(), a.clone()).prop_map(|(k, v)| format!("{k}:{v}")),
        1 => (a.clone(), proptest::sample::select(&["'", "\"", "‘", "“", "`"][..])).prop_map(|(w, q)| format!("{q}{w}{q}")),
        1 => a.prop_map(|w| format!("-{w}")),
    ]
    .boxed()
}

/// A sentence: hostile words joined by blanks, or a corpus sentence with words
/// replaced or inserted.
pub fn sentence() -> BoxedStrategy<String> {
    let corpus = corpus();
    let separators = proptest::sample::select(&[" ", " ", " ", "  ", "\t", ", ", " , ", "\n"][..]);
    let free = proptest::collection::vec((word(), separators.clone()), 0..14).prop_map(|parts| {
        parts
            .into_iter()
            .map(|(w, s)| format!("{w}{s}"))
            .collect::<String>()
    });
    let edit = (any::<prop::sample::Index>(), 0u8..3, word());
    let mutated = |edits: std::ops::Range<usize>| {
        (
            proptest::sample::select(corpus),
            proptest::collection::vec(edit.clone(), edits),
        )
            .prop_map(|(sentence, edits)| {
                let mut words: Vec<String> = sentence.split(' ').map(str::to_string).collect();
                for (at, how, w) in edits {
                    let i = at.index(words.len() + 1);
                    match how {
                        0 if i < words.len() => words[i] = w,
                        1 if i < words.len() => {
                            words.remove(i);
                        }
                        _ => words.insert(i, w),
                    }
                }
                words.join(" ")
            })
    };
    prop_oneof![2 => free, 4 => mutated(1..2), 2 => mutated(1..4)].boxed()
}

/// A JSON value of any shape, bounded, with hostile strings at its leaves.
pub fn json_value() -> BoxedStrategy<Value> {
    let key = atom();
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        atom().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((key.clone(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
    .boxed()
}

// ---- no value becomes a flag ------------------------------------------------

/// The flags the plugin itself writes into an argv (name before any `=`).
pub const KNOWN_FLAGS: &[&str] = &[
    "-n",
    "-A",
    "-l",
    "-o",
    "-c",
    "-p",
    "-f",
    "--field-selector",
    "--sort-by",
    "--show-labels",
    "--all-containers",
    "--tail",
    "--since",
    "--previous",
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
    "--dry-run",
    "--ignore-not-found",
    "--minify",
    "--current",
    "--namespace",
    "-it",
];

/// Known flags that take no value.
const SWITCHES: &[&str] = &[
    "-A",
    "--show-labels",
    "--all-containers",
    "--previous",
    "--containers",
    "--recursive",
    "--overwrite",
    "--ignore-daemonsets",
    "--delete-emptydir-data",
    "--ignore-not-found",
    "--minify",
    "--current",
    "-it",
];

/// Checks one argv (without `kubectl`): every element that kubectl would read
/// as a flag is one the plugin writes, and no flag's value starts with `-`.
/// `neutral` is the same argv built from the operation with the leading `-`
/// of every value replaced by `x`: an element that differs from it came from a
/// value, and must not read as a flag (a `--flag=VALUE` whose flag is the
/// plugin's own is fine: kubectl reads what follows `=` as the value).
pub fn check_argv(
    what: &str,
    args: &[String],
    neutral: Option<&[String]>,
) -> Result<(), TestCaseError> {
    let neutral = neutral.filter(|n| n.len() == args.len());
    let mut expect: Option<&str> = None;
    for (i, a) in args.iter().enumerate() {
        if let Some(flag) = expect.take() {
            let ok = !a.starts_with('-') || (flag == "-f" && a == "-");
            ensure(ok, || {
                format!("{what}: the value of {flag} is {a:?}, a flag: {args:?}")
            })?;
            continue;
        }
        // `exec POD -- COMMAND...`: what follows `--` is the command's own argv,
        // handed to the container; kubectl reads none of it as its flags.
        if a == "--" && args.first().is_some_and(|v| v == "exec") {
            break;
        }
        ensure(a != "--", || format!("{what}: a bare -- in {args:?}"))?;
        if !a.starts_with('-') {
            continue;
        }
        ensure(a != "-" || (i > 0 && args[i - 1] == "-f"), || {
            format!("{what}: a stray - in {args:?}")
        })?;
        let (name, value) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (a.as_str(), None),
        };
        ensure(KNOWN_FLAGS.contains(&name), || {
            format!("{what}: {a:?} is not a flag the plugin writes: {args:?}")
        })?;
        if let Some(v) = value {
            ensure(!v.starts_with('-'), || {
                format!("{what}: the value of {name} starts with '-': {args:?}")
            })?;
        }
        if let Some(n) = neutral {
            let own_flag = value.is_some() && n[i].starts_with(&format!("{name}="));
            ensure(n[i] == *a || own_flag, || {
                format!(
                    "{what}: {a:?} comes from a value of the plan (it reads {:?} when the value \
                     does not start with '-'): {args:?}",
                    n[i]
                )
            })?;
        }
        if value.is_none() && !SWITCHES.contains(&name) {
            expect = Some(name);
        }
    }
    Ok(())
}

/// The operation with the leading `-` of every string value replaced by `x`.
pub fn neutralized(op: &Operation) -> Option<Operation> {
    fn walk(v: &mut Value) {
        match v {
            Value::String(s) if s.starts_with('-') => {
                let dashes = s.len() - s.trim_start_matches('-').len();
                s.replace_range(..dashes, &"x".repeat(dashes));
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            Value::Object(map) => map.values_mut().for_each(walk),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(op).ok()?;
    walk(&mut value);
    serde_json::from_value(value).ok()
}

/// Every argv the plugin builds for one operation, in a fixed order (`None`
/// where a request cannot be built): the equivalent command, the reads before
/// the request, and the read or the preview, the apply, the target's read and
/// the live state's read, with and without what the cluster said first.
fn argvs(op: &Operation) -> Vec<Option<Vec<String>>> {
    let mut out = vec![Some(equivalent_args(op))];
    match request::needs(op) {
        Ok(request::Needs::Target(t)) => out.extend([Some(t.get_argv()), None]),
        Ok(request::Needs::TargetAndRevisions(t)) => {
            out.extend([Some(t.get_argv()), Some(request::revisions_argv(&t))]);
        }
        _ => out.extend([None, None]),
    }
    for prefetched in [&prefetched(), &Prefetched::default()] {
        match request::build(op, prefetched, &Limits::default(), "2026-01-01T00:00:00Z") {
            Ok(Request::Read(argv)) => out.extend([Some(argv), None, None, None]),
            Ok(Request::Change(change)) => out.extend([
                Some(change.preview_argv()),
                Some(change.apply_argv()),
                change.target.as_ref().map(|t| t.get_argv()),
                match &change.before {
                    request::Before::Read { argv, .. } => Some(argv.clone()),
                    _ => None,
                },
            ]),
            Err(_) => out.extend([None, None, None, None]),
        }
    }
    out
}

/// What the cluster would have said before a request is built: a live object
/// and its revisions, so relative scaling, taints and undo can be built.
fn prefetched() -> Prefetched {
    Prefetched {
        target: Some(json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default", "uid": "u1", "resourceVersion": "7",
                          "annotations": {"deployment.kubernetes.io/revision": "2"}},
            "spec": {
                "replicas": 2,
                "taints": [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}],
                "template": {"metadata": {"labels": {"app": "web"}},
                             "spec": {"containers": [{"name": "web", "image": "nginx:1.26"}]}}
            }
        })),
        revisions: Some(json!({"items": [
            {"metadata": {"name": "web-1", "uid": "r1",
                          "annotations": {"deployment.kubernetes.io/revision": "1"},
                          "ownerReferences": [{"kind": "Deployment", "name": "web", "uid": "u1"}]},
             "revision": 1,
             "spec": {"template": {"metadata": {"labels": {"app": "web"}},
                                    "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}}}
        ]})),
    }
}

/// A plan that came out of the rules, a plan file or a model: it passes
/// validation, and no argv the plugin builds from it (the equivalent command,
/// the read, the preview, the apply, the reads before them) carries a value
/// as a flag.
pub fn check_plan(what: &str, plan: &Plan) -> Result<(), TestCaseError> {
    ensure(!plan.operations.is_empty(), || {
        format!("{what}: an empty plan")
    })?;
    validate(plan, &Limits::default()).map_err(|e| {
        TestCaseError::fail(format!("{what}: the plan does not validate: {e}: {plan:?}"))
    })?;
    for op in &plan.operations {
        check_operation(what, op)?;
    }
    Ok(())
}

/// No argv the plugin builds for `op` carries a value as a flag (validated or not).
pub fn check_operation(what: &str, op: &Operation) -> Result<(), TestCaseError> {
    let built = argvs(op);
    let neutral = neutralized(op).map(|n| argvs(&n));
    for (i, args) in built.iter().enumerate() {
        if let Some(args) = args {
            let neutral = neutral
                .as_ref()
                .and_then(|n| n.get(i))
                .and_then(Option::as_deref);
            check_argv(what, args, neutral)?;
        }
    }
    Ok(())
}

// ---- plans to start from -----------------------------------------------------

/// Valid operations in plan form: every operation the rules build from the
/// corpora, and the ones they never build.
pub fn operation_seeds() -> Vec<Value> {
    use kubectl_ai::understand::rules::{Understood, understand};
    let mut seeds: Vec<Value> = corpus()
        .iter()
        .filter_map(|s| match understand(s) {
            Understood::Plan(plan) => Some(plan.operations),
            _ => None,
        })
        .flatten()
        .filter_map(|op| serde_json::to_value(op).ok())
        .collect();
    seeds.extend([
        json!({"op": "apply", "namespace": "shop", "objects": [
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "labels": {"x": "y"}}, "data": {"k": "v"}},
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "other"}, "spec": {"replicas": 1}}
        ]}),
        json!({"op": "patch", "kind": "deployment", "name": "web", "namespace": "shop", "patch_type": "merge",
               "patch": {"spec": {"minReadySeconds": 5}}}),
        json!({"op": "patch", "kind": "node", "name": "worker-1", "patch_type": "strategic",
               "patch": {"metadata": {"labels": {"a": "b"}}}}),
        json!({"op": "taint", "node": "worker-1", "key": "dedicated", "effect": "NoSchedule", "remove": true}),
        json!({"op": "get", "kinds": ["pods"], "namespace": "shop", "selector": "app in (web,api),tier!=db",
               "field_selector": "status.phase!=Running", "columns": [{"header": "NAME", "path": ".metadata.name"}],
               "sort_by": ".metadata.creationTimestamp", "show_labels": true}),
        json!({"op": "get", "kinds": ["deployments"], "jsonpath": "{.items[*].metadata.name}"}),
        json!({"op": "label", "kind": "pod", "selector": "app=web", "namespace": "shop",
               "set": [{"key": "tier", "value": "front"}], "remove": ["old"], "overwrite": true}),
        json!({"op": "annotate", "kind": "deployment", "name": "web",
               "set": [{"key": "example.com/note", "value": "hello world"}], "remove": []}),
        json!({"op": "set_env", "name": "web", "container": "app",
               "set": [{"key": "LOG_LEVEL", "value": "-debug"}], "remove": ["OLD"]}),
        json!({"op": "create_secret", "name": "db", "data": [{"key": "password", "value": "-hunter2"}]}),
        json!({"op": "create_config_map", "name": "cfg", "data": [{"key": "a.json", "value": "--x"}]}),
        json!({"op": "scale", "kind": "statefulset", "name": "db", "replicas": {"by": -1}}),
        json!({"op": "scale", "name": "web", "replicas": {"by_percent": 50}}),
        json!({"op": "rollout_undo", "name": "web", "to_revision": 1}),
        json!({"op": "delete", "kind": "pod", "namespace": "shop", "selector": "app=web"}),
        json!({"op": "logs", "kind": "deployment", "name": "web", "container": "app", "tail": 50, "since": "1h", "previous": true}),
        json!({"op": "use_context", "context": "staging"}),
        json!({"op": "use_namespace", "namespace": "shop"}),
        json!({"op": "current_namespace"}),
        json!({"op": "version"}),
        json!({"op": "logs", "name": "api-5c4", "follow": true, "tail": 10}),
        json!({"op": "port_forward", "kind": "service", "name": "web", "namespace": "shop",
               "local_port": 8080, "remote_port": 80}),
        json!({"op": "exec", "kind": "deployment", "name": "api", "namespace": "shop", "container": "app",
               "command": ["sh", "-c", "ls / | head; rm -rf $HOME", "--", "-n"], "interactive": false}),
        json!({"op": "exec", "name": "api-5c4", "command": ["sh"], "interactive": true}),
    ]);
    seeds
}

/// Every place in a JSON value, as a JSON pointer (the root is "").
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let key = k.replace('~', "~0").replace('/', "~1");
                pointers(child, format!("{at}/{key}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                pointers(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// One change to a JSON value: where (an index into its places), what, and with what.
pub type Edit = (prop::sample::Index, u8, Value, String);

/// An edit strategy: a hostile value, a hostile string, a field name.
pub fn edit() -> BoxedStrategy<Edit> {
    (
        any::<prop::sample::Index>(),
        0u8..6,
        json_value(),
        prop_oneof![
            3 => proptest::sample::select(
                kubectl_ai::plan::schema::field_names()
                    .chain(["op", "objects", "node", "context", "service", "env", "data", "resource",
                            "requests", "limits", "to", "by", "by_percent", "jsonpath", "object",
                            "effect", "remove", "ignore_daemonsets", "to_revision", "patch"])
                    .collect::<Vec<_>>()
            ).prop_map(str::to_string),
            1 => atom(),
        ],
    )
        .boxed()
}

/// Applies edits to a value: replace a place with a hostile value or string,
/// prefix a string with `-`, remove a place, or add a field.
pub fn apply_edits(value: &mut Value, edits: &[Edit]) {
    for (at, how, replacement, name) in edits {
        let mut places = Vec::new();
        pointers(value, String::new(), &mut places);
        let place = &places[at.index(places.len())];
        match how {
            0 => {
                if let Some(v) = value.pointer_mut(place) {
                    *v = replacement.clone();
                }
            }
            1 => {
                if let Some(v) = value.pointer_mut(place) {
                    *v = Value::String(name.clone());
                }
            }
            2 => {
                if let Some(v) = value.pointer_mut(place) {
                    if let Value::String(s) = v {
                        *s = format!("-{s}");
                    } else {
                        *v = Value::String(format!("-{name}"));
                    }
                }
            }
            3 => {
                let (parent, last) = place.rsplit_once('/').unwrap_or(("", ""));
                match value.pointer_mut(parent) {
                    Some(Value::Object(map)) => {
                        map.remove(&last.replace("~1", "/").replace("~0", "~"));
                    }
                    Some(Value::Array(items)) => {
                        if let Ok(i) = last.parse::<usize>()
                            && i < items.len()
                        {
                            items.remove(i);
                        }
                    }
                    _ => {}
                }
            }
            _ => match value.pointer_mut(place) {
                Some(Value::Object(map)) => {
                    map.insert(name.clone(), replacement.clone());
                }
                Some(Value::Array(items)) => items.push(replacement.clone()),
                _ => {}
            },
        }
    }
}

/// A plan in JSON form: one to three seed operations with a few edits.
pub fn plan_value() -> BoxedStrategy<Value> {
    let seeds = operation_seeds();
    (
        proptest::collection::vec(proptest::sample::select(seeds), 1..4),
        proptest::collection::vec(edit(), 0..4),
    )
        .prop_map(|(ops, edits)| {
            let mut plan = json!({ "operations": ops });
            apply_edits(&mut plan, &edits);
            plan
        })
        .boxed()
}

/// A temporary folder for files a property writes on every case: in memory
/// (`/dev/shm`) where there is one, so the disk does not set the pace.
pub fn scratch_dir() -> tempfile::TempDir {
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::tempdir_in(shm)
    {
        return dir;
    }
    tempfile::tempdir().expect("a temp dir")
}
