//! How the corpus tests compare a plan with the command a careful person would
//! type: by meaning, not by bytes (`deploy/web` = `deployment web`, `-n` =
//! `--namespace`, `--replicas 3` = `--replicas=3`), shared by the tuned corpora
//! (tests/rules_corpus.rs) and the held-out one (tests/rules_unseen.rs).
#![allow(dead_code)]

use std::collections::BTreeSet;

use kubectl_ai::plan::kinds;

/// Flags that take a value (in either `--flag value` or `--flag=value` form).
pub const VALUE_FLAGS: &[&str] = &[
    "-n",
    "--namespace",
    "-l",
    "--selector",
    "-o",
    "--output",
    "-c",
    "--container",
    "--tail",
    "--since",
    "--field-selector",
    "--sort-by",
    "--replicas",
    "--image",
    "--port",
    "--target-port",
    "--type",
    "--to-revision",
    "--revision",
    "--min",
    "--max",
    "--cpu-percent",
    "--name",
    "--from-literal",
    "--from",
    "--limits",
    "--requests",
];

pub fn flag_name(f: &str) -> &str {
    match f {
        "-n" => "--namespace",
        "-l" => "--selector",
        "-o" => "--output",
        "-c" => "--container",
        "-A" => "--all-namespaces",
        "-p" => "--previous",
        "-f" => "--follow",
        other => other,
    }
}

/// A command reduced to its meaning: positional words (kinds as their plural
/// resource, `kind/name` split) in order, and flags as a set.
#[derive(Debug, PartialEq, Eq)]
pub struct Canonical {
    pub words: Vec<String>,
    pub flags: BTreeSet<(String, String)>,
}

pub fn canonical(args: &[String]) -> Canonical {
    let mut words = Vec::new();
    let mut flags = BTreeSet::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a.starts_with('-') && a.len() > 1 {
            let (name, value) = match a.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (a.clone(), None),
            };
            let value = match value {
                Some(v) => v,
                None if VALUE_FLAGS.contains(&name.as_str()) && i < args.len() => {
                    i += 1;
                    args[i - 1].clone()
                }
                None => String::new(),
            };
            flags.insert((flag_name(&name).to_string(), value));
            continue;
        }
        let resource = |w: &str| {
            if w.contains(['=', ':', '*', '<']) {
                return None;
            }
            kinds::lookup(w).map(|k| k.resource.to_string())
        };
        if let Some((k, n)) = a.split_once('/')
            && let Some(r) = resource(k)
        {
            words.push(r);
            words.push(n.to_string());
            continue;
        }
        words.push(resource(a).unwrap_or_else(|| a.clone()));
    }
    Canonical { words, flags }
}

/// Whether `plan` is the command line `command` ("kubectl a && kubectl b" for
/// several operations), compared by meaning.
pub fn plan_is_command(plan: &kubectl_ai::plan::Plan, command: &str) -> bool {
    let want: Vec<Canonical> = command
        .split(" && ")
        .map(|one| {
            let args: Vec<String> = one
                .split_whitespace()
                .skip_while(|w| *w == "kubectl")
                .map(String::from)
                .collect();
            canonical(&args)
        })
        .collect();
    let got: Vec<Canonical> = plan
        .operations
        .iter()
        .map(|op| canonical(&kubectl_ai::plan::equivalent::equivalent_args(op)))
        .collect();
    got == want
}
