//! A model's plan may only act on what the person named or the cluster showed.
//!
//! Validation checks that a plan is well formed; it cannot see that a model put
//! events of `shop-api` (a name nobody said) in place of "warning events in
//! shop", exposed a port the request never gave, or read the logs of a *pod* api
//! when the person said "the api deployment". Measured with a small local model,
//! those were the plans that did something other than asked. Here every name,
//! namespace, container, port and image of a model's plan must come from the
//! request, the names the model was told (context, workloads, services) or the
//! output of the reads it made; a kind the request gives a name ("the api
//! deployment", `deploy/api`) must be the kind the plan acts on, a namespace it
//! names ("in shop", `-n shop`) the one the plan acts in, and an output format it
//! names ("as yaml") the one shown. What does not
//! hold goes to the model's one repair request, worded so it can fix it; a plan
//! that still does not hold is never run. Counts, percentages, keys and values
//! are not checked: the model derives them ("double" is 100%).

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::diagnose::evidence::Gathered;
use crate::plan::{Plan, kinds};

use super::model_context::ModelContext;

/// Fields whose value names an object or a place; each must be grounded.
const NAMING_FIELDS: &[&str] = &["name", "node", "service", "service_name", "namespace"];

/// kubectl verbs that, said in a request, name the operation it wants: a plan
/// without it does something else ("show the logs of api" answered with a list of
/// pods). Only words with no everyday second meaning in a request are here.
const NAMED_OPERATIONS: &[(&str, &[&str])] = &[
    ("logs", &["logs"]),
    ("describe", &["describe"]),
    ("events", &["events"]),
    ("cordon", &["cordon"]),
    ("uncordon", &["uncordon"]),
    ("drain", &["drain"]),
    ("expose", &["expose"]),
    ("autoscale", &["autoscale"]),
    ("scale", &["scale", "autoscale"]),
];

/// Whether any spelling of `kind` (plural, singular, short name) is among `words`.
fn kind_spoken(kind: &str, words: &HashSet<String>) -> bool {
    let Some(info) = kinds::lookup(kind) else {
        return words.contains(&kind.to_ascii_lowercase());
    };
    words
        .iter()
        .any(|w| kinds::lookup(w).is_some_and(|k| k.resource == info.resource))
}

/// The words a request uses when it wants a service of a given type.
const SERVICE_TYPE_WORDS: &[(&str, &[&str])] = &[
    (
        "LoadBalancer",
        &[
            "loadbalancer",
            "balancer",
            "public",
            "publicly",
            "internet",
            "external",
            "externally",
        ],
    ),
    ("NodePort", &["nodeport", "node-port", "nodeports"]),
    ("ClusterIP", &["clusterip", "internal", "internally"]),
];

/// Container names a request gives as such: "container sidecar", "the sidecar
/// container", `-c sidecar`, `--container=sidecar`.
fn containers_said(sentence: &str) -> HashSet<String> {
    let words = flag_words(sentence);
    let mut said = HashSet::new();
    for (i, word) in words.iter().enumerate() {
        if let Some(name) = word
            .strip_prefix("--container=")
            .or(word.strip_prefix("-c="))
        {
            said.insert(name.to_string());
        }
        if matches!(
            word.as_str(),
            "container" | "containers" | "-c" | "--container"
        ) {
            for near in [i.checked_sub(1), Some(i + 1)].into_iter().flatten() {
                if let Some(w) = words.get(near).filter(|w| !FILLER.contains(&w.as_str())) {
                    said.insert(w.clone());
                }
            }
        }
    }
    said
}

/// Namespaces every cluster has: a model may name them from general knowledge
/// ("coredns" lives in kube-system).
const WELL_KNOWN_NAMESPACES: &[&str] =
    &["default", "kube-system", "kube-public", "kube-node-lease"];

/// Where a plan's values may come from.
pub struct Grounds<'a> {
    pub sentence: &'a str,
    pub ctx: &'a ModelContext,
    pub evidence: &'a [Gathered],
}

/// What in `plan` is not grounded, one line per problem (empty when all is).
pub fn ungrounded(plan: &Plan, grounds: &Grounds<'_>) -> Vec<String> {
    let mut known = words(grounds.sentence);
    for text in [&grounds.ctx.namespace]
        .into_iter()
        .chain(grounds.ctx.context.iter())
        .chain(&grounds.ctx.workloads)
        .chain(&grounds.ctx.services)
    {
        known.extend(words(text));
    }
    let mut read_words = HashSet::new();
    for read in grounds.evidence {
        read_words.extend(words(&read.command));
        read_words.extend(words(&read.output));
    }
    known.extend(read_words.iter().cloned());
    let containers_said = containers_said(grounds.sentence);
    known.extend(WELL_KNOWN_NAMESPACES.iter().map(|ns| ns.to_string()));
    let said_kinds = kinds_said(grounds.sentence);
    let said_namespaces = namespaces_said(grounds.sentence, plan, grounds.ctx);
    let sentence_words = words(grounds.sentence);
    let formats_said: Vec<&str> = ["yaml", "json", "wide"]
        .into_iter()
        .filter(|f| sentence_words.contains(*f))
        .collect();

    let mut problems = Vec::new();
    let planned: Vec<Value> = plan
        .operations
        .iter()
        .filter_map(|op| serde_json::to_value(op).ok())
        .map(|op| op["op"].clone())
        .collect();
    for (word, ops) in NAMED_OPERATIONS {
        if sentence_words.contains(*word) && !planned.iter().any(|op| ops.iter().any(|o| op == o)) {
            problems.push(format!(
                "the request says \"{word}\", but the plan has no {} operation",
                ops.join(" or ")
            ));
        }
    }
    for (i, op) in plan.operations.iter().enumerate() {
        let Ok(Value::Object(fields)) = serde_json::to_value(op) else {
            continue;
        };
        let at = format!(
            "operation {} ({})",
            i + 1,
            fields.get("op").and_then(Value::as_str).unwrap_or("?")
        );
        // The events of one object carry its name one level down.
        let nested = fields.get("object").and_then(Value::as_object);
        for (field, value) in NAMING_FIELDS.iter().flat_map(|field| {
            [fields.get(*field), nested.and_then(|o| o.get(*field))]
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(move |value| (field, value))
        }) {
            if !known.contains(&value.to_ascii_lowercase()) {
                problems.push(format!(
                    "{at}: {field} `{value}` is not in the request, the names listed or anything read; use only those (or look first)"
                ));
            }
        }
        for (field, value) in &fields {
            if field.ends_with("port")
                && let Some(port) = value.as_i64()
                && !known.contains(&port.to_string())
            {
                problems.push(format!(
                    "{at}: {field} {port} is not in the request or anything read; leave it out unless it was given"
                ));
            }
        }
        if let Some(image) = fields.get("image").and_then(Value::as_str) {
            let missing: Vec<&str> = repository(image)
                .split(['/', ':'])
                .filter(|part| !part.is_empty() && !known.contains(&part.to_ascii_lowercase()))
                .collect();
            if !missing.is_empty() {
                problems.push(format!(
                    "{at}: image `{image}` names `{}`, which is not in the request or anything read; use the repository as given (or look at the live image first)",
                    missing.join("`, `")
                ));
            }
        }
        // A delete acts on a kind the person said or a read showed, never on one
        // the model supposed ("bounce coredns" is no request to delete a service).
        if fields.get("op") == Some(&json!("delete"))
            && let Some(kind) = fields.get("kind").and_then(Value::as_str)
            && !kind_spoken(kind, &sentence_words)
            && !kind_spoken(kind, &read_words)
        {
            problems.push(format!(
                "{at}: the request does not say to delete a {kind}; delete only what it names (or look first)"
            ));
        }
        if let Some(container) = fields.get("container").and_then(Value::as_str)
            && !containers_said.contains(&container.to_ascii_lowercase())
            && !read_words.contains(&container.to_ascii_lowercase())
        {
            problems.push(format!(
                "{at}: container `{container}` is neither said as a container in the request nor in anything read; leave it out (or look first)"
            ));
        }
        if let Some(service_type) = fields.get("service_type").and_then(Value::as_str)
            && !SERVICE_TYPE_WORDS.iter().any(|(ty, said)| {
                ty.eq_ignore_ascii_case(service_type)
                    && said.iter().any(|w| sentence_words.contains(*w))
            })
        {
            problems.push(format!(
                "{at}: the request does not ask for a {service_type} service; leave service_type out"
            ));
        }
        if let Some(output) = fields.get("output")
            && let Some(format) = formats_said.iter().find(|f| output.as_str() != Some(f))
        {
            problems.push(format!(
                "{at}: the request asks for {format} output, but output is {output}; set output"
            ));
        }
        let spans_namespaces = fields.get("all_namespaces") == Some(&Value::Bool(true));
        if fields.contains_key("namespace") && !spans_namespaces && !said_namespaces.is_empty() {
            let acts_in = fields
                .get("namespace")
                .and_then(Value::as_str)
                .unwrap_or(&grounds.ctx.namespace);
            if !said_namespaces.contains(&acts_in.to_ascii_lowercase()) {
                problems.push(format!(
                    "{at}: the request names namespace `{}`, but the operation acts in `{acts_in}`; set namespace",
                    said_namespaces.join("` or `")
                ));
            }
        }
        if let Some(name) = fields.get("name").and_then(Value::as_str)
            && let Some(said) = said_kinds.get(&name.to_ascii_lowercase())
        {
            let planned: Vec<&str> = match (fields.get("kind"), fields.get("kinds")) {
                (Some(Value::String(kind)), _) => vec![kind.as_str()],
                (_, Some(Value::Array(kinds))) => kinds.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            for kind in planned {
                if kinds::lookup(kind).is_some_and(|k| k.resource != said.resource) {
                    problems.push(format!(
                        "{at}: the request calls `{name}` a {}, but the operation acts on a {kind}",
                        said.singular
                    ));
                }
            }
        }
    }
    problems
}

/// An image reference without its tag or digest: the tag may be new (a fix for a
/// tag that does not exist comes from the model's knowledge), the repository may not.
fn repository(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    match image.rfind(':') {
        Some(colon) if !image[colon..].contains('/') => &image[..colon],
        _ => image,
    }
}

/// A sentence's words in order, lowercased, keeping kubectl flags whole
/// (`-n`, `--namespace=shop`, `-c`) and taking off a trailing full stop or colon.
fn flag_words(sentence: &str) -> Vec<String> {
    sentence
        .split(|c: char| c.is_whitespace() || ",;'\"`()?!".contains(c))
        .map(|w| w.trim_end_matches(['.', ':']).to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// The words of a text, lowercased: runs of letters, digits, `-`, `.` and `_`,
/// with a sentence's trailing punctuation taken off.
fn words(text: &str) -> HashSet<String> {
    tokens(text).collect()
}

fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || "-._".contains(c)))
        .map(|w| w.trim_end_matches(['.', '-', '_']).to_lowercase())
        .filter(|w| !w.is_empty())
}

/// Names the request gives a kind: "the api deployment", "deployment api",
/// "deploy/api", "a deployment called api".
fn kinds_said(sentence: &str) -> std::collections::HashMap<String, &'static kinds::KindInfo> {
    let mut said = std::collections::HashMap::new();
    // A kind and a name are next to each other only within one clause.
    for clause in sentence.split([',', ';', '!', '?']) {
        kinds_said_in(clause, &mut said);
    }
    said
}

fn kinds_said_in(
    clause: &str,
    said: &mut std::collections::HashMap<String, &'static kinds::KindInfo>,
) {
    let words: Vec<String> = tokens(clause).collect();
    for (i, word) in words.iter().enumerate() {
        let Some(kind) = kinds::lookup(word) else {
            continue;
        };
        let before = i.checked_sub(1).map(|j| &words[j]);
        let after = match words.get(i + 1).map(String::as_str) {
            Some("called" | "named") => words.get(i + 2),
            _ => words.get(i + 1),
        };
        for name in before.into_iter().chain(after) {
            if kinds::lookup(name).is_none() && !FILLER.contains(&name.as_str()) {
                said.entry(name.clone()).or_insert(kind);
            }
        }
    }
}

/// The namespaces a request names: `-n shop`, `--namespace=shop`, "namespace
/// shop", "the shop namespace", "ns shop", or "in shop" — the last only when the
/// word is not a name the plan or the context gives an object, a kind, a number,
/// or a word people put after "in" that is no namespace ("in json", "in detail").
fn namespaces_said(sentence: &str, plan: &Plan, ctx: &ModelContext) -> Vec<String> {
    let words = flag_words(sentence);
    let object_names: HashSet<String> = plan
        .operations
        .iter()
        .filter_map(|op| serde_json::to_value(op).ok())
        .filter_map(|op| {
            op.get("name")
                .and_then(Value::as_str)
                .map(str::to_lowercase)
        })
        .chain(
            ctx.workloads
                .iter()
                .chain(&ctx.services)
                .map(|n| n.rsplit('/').next().unwrap_or(n).to_lowercase()),
        )
        .collect();
    let label = |w: &str| crate::plan::validate::namespace_name(w).is_ok();
    let mut said = Vec::new();
    let mut add = |w: &str| {
        if !said.iter().any(|s| s == w) {
            said.push(w.to_string());
        }
    };
    for (i, word) in words.iter().enumerate() {
        let next = words.get(i + 1).map(String::as_str);
        let prev = i.checked_sub(1).map(|j| words[j].as_str());
        if let Some(value) = word
            .strip_prefix("--namespace=")
            .or(word.strip_prefix("-n="))
        {
            add(value);
        }
        let named = |w: &&str| label(w) && !FILLER.contains(w);
        match (word.as_str(), next) {
            ("-n" | "--namespace", Some(n)) if named(&n) => add(n),
            // "the shop namespace" before "namespace shop": in "the shop namespace
            // has no…" the word after is no name.
            ("namespace" | "ns", _) => match (prev.filter(named), next.filter(named)) {
                (Some(p), _) => add(p),
                (None, Some(n)) => add(n),
                (None, None) => {}
            },
            ("in" | "from" | "within", Some(n))
                if label(n)
                    && !n.chars().all(|c| c.is_ascii_digit())
                    && !FILLER.contains(&n)
                    && !NOT_NAMESPACES.contains(&n)
                    && kinds::lookup(n).is_none()
                    && !object_names.contains(n)
                    && words
                        .get(i + 2)
                        .is_none_or(|after| after != "namespace" && after != "ns") =>
            {
                add(n)
            }
            _ => {}
        }
    }
    said
}

/// Words people put after "in" that name no namespace.
const NOT_NAMESPACES: &[&str] = &[
    "detail",
    "json",
    "yaml",
    "wide",
    "order",
    "cluster",
    "there",
    "here",
    "use",
    "total",
    "parallel",
    "place",
    "sync",
    "state",
    "crashloop",
    "crashloopbackoff",
    "error",
    "minutes",
    "seconds",
    "hours",
    "production-like",
    "memory",
    "cpu",
    "container",
    "containers",
    "front",
];

/// Words next to a kind word that are not names ("the pods in shop", "all
/// deployments").
const FILLER: &[&str] = &[
    "the",
    "a",
    "an",
    "all",
    "every",
    "each",
    "my",
    "our",
    "this",
    "that",
    "of",
    "in",
    "on",
    "for",
    "to",
    "from",
    "with",
    "and",
    "or",
    "its",
    "new",
    "named",
    "called",
    "some",
    "any",
    "which",
    "what",
    "is",
    "are",
    "show",
    "list",
    "get",
    "describe",
    "delete",
    "restart",
    "scale",
    "logs",
    "log",
    "failed",
    "running",
    "pending",
    "crashing",
    "broken",
    "unhealthy",
    "healthy",
    "those",
    "these",
    "them",
    "it",
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plan(ops: Value) -> Plan {
        serde_json::from_value(json!({ "operations": ops })).unwrap()
    }

    fn check(sentence: &str, ops: Value) -> Vec<String> {
        let ctx = ModelContext::new(Some("kind-dev".into()), "default").with_names(
            ["deployment/web".into(), "deployment/api".into()],
            ["web".into()],
        );
        ungrounded(
            &plan(ops),
            &Grounds {
                sentence,
                ctx: &ctx,
                evidence: &[],
            },
        )
    }

    #[test]
    fn names_from_the_request_or_the_context_are_grounded() {
        assert!(
            check(
                "scale web in shop to 5",
                json!([{"op": "scale", "name": "web", "namespace": "shop", "replicas": {"to": 5}}])
            )
            .is_empty()
        );
        assert!(
            check(
                "restart everything",
                json!([{"op": "rollout_restart", "name": "api"}])
            )
            .is_empty()
        );
        assert!(check("show coredns logs", json!([{"op": "logs", "kind": "deployment", "name": "coredns", "namespace": "kube-system"}])).is_empty());
        assert!(
            check(
                "update web to nginx 1.27",
                json!([{"op": "set_image", "name": "web", "image": "nginx:1.27"}])
            )
            .is_empty()
        );
        assert!(
            check(
                "expose web on port 8080.",
                json!([{"op": "expose", "name": "web", "port": 8080}])
            )
            .is_empty()
        );
    }

    #[test]
    fn invented_values_are_named() {
        let p = check(
            "show warning events in shop",
            json!([{"op": "events", "namespace": "shop", "object": {"kind": "deployment", "name": "shop-api"}}]),
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("name `shop-api`"), "{p:?}");
        let p = check(
            "describe the checkout service",
            json!([{"op": "describe", "kind": "service", "name": "shop-api"}]),
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].contains("name `shop-api` is not in the request"),
            "{p:?}"
        );
        let p = check(
            "expose the api deployment on port 8080",
            json!([{"op": "expose", "name": "api", "port": 8080, "target_port": 80}]),
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("target_port 80"), "{p:?}");
        let p = check(
            "update web to 1.27",
            json!([{"op": "set_image", "name": "web", "image": "nginx:1.27"}]),
        );
        assert!(p[0].contains("`nginx`"), "{p:?}");
        // A new tag is the model's to propose (the fix of a tag that does not exist).
        assert!(
            check(
                "fix the image of web",
                json!([{"op": "set_image", "name": "web", "image": "web:1.25"}])
            )
            .is_empty()
        );
        let p = check(
            "use a registry for web",
            json!([{"op": "set_image", "name": "web", "image": "registry.local:5000/team/web:2"}]),
        );
        assert!(p[0].contains("`registry.local`, `5000`, `team`"), "{p:?}");
        let p = check(
            "scale web to 3",
            json!([{"op": "scale", "name": "web", "namespace": "prod", "replicas": {"to": 3}}]),
        );
        assert!(p[0].contains("namespace `prod`"), "{p:?}");
    }

    #[test]
    fn a_namespace_the_request_names_is_where_the_plan_acts() {
        let scale = |ns: Value| json!([{"op": "scale", "name": "web", "namespace": ns, "replicas": {"to": 5}}]);
        for sentence in [
            "scale web in shop to 5",
            "scale web -n shop to 5",
            "scale web --namespace=shop to 5",
            "scale web in the shop namespace to 5",
            "scale web in namespace shop to 5",
            "in the shop namespace, web has to scale to 5",
        ] {
            let p = check(sentence, scale(Value::Null));
            assert_eq!(p.len(), 1, "{sentence}: {p:?}");
            assert!(
                p[0].contains("names namespace `shop`") && p[0].contains("acts in `default`"),
                "{sentence}: {p:?}"
            );
            assert!(
                check(sentence, scale(json!("shop"))).is_empty(),
                "{sentence}"
            );
        }
        // "in" followed by something that is not a namespace says nothing.
        for sentence in [
            "show web in json",
            "logs of container sidecar in api",
            "show the pods again in 10 minutes",
            "show the pods in pending state",
        ] {
            let op = json!([{"op": "get", "kinds": ["pods"], "name": null, "output": if sentence.contains("json") { json!("json") } else { Value::Null }}]);
            let plan = if sentence.contains("sidecar") {
                json!([{"op": "logs", "kind": "pod", "name": "api", "container": "sidecar"}])
            } else {
                op
            };
            assert!(check(sentence, plan).is_empty(), "{sentence}");
        }
        // Spanning every namespace, or a request naming two, is not refused.
        assert!(
            check(
                "pods in shop and in default",
                json!([{"op": "get", "kinds": ["pods"]}])
            )
            .is_empty()
        );
        assert!(
            check(
                "pods everywhere, not only in shop",
                json!([{"op": "get", "kinds": ["pods"], "all_namespaces": true}])
            )
            .is_empty()
        );
    }

    #[test]
    fn a_delete_acts_on_a_kind_said_or_read() {
        let p = check(
            "bounce coredns in kube-system",
            json!([{"op": "delete", "kind": "service", "name": "coredns", "namespace": "kube-system"}]),
        );
        assert!(
            p.iter()
                .any(|p| p.contains("does not say to delete a service")),
            "{p:?}"
        );
        assert!(check("delete the coredns pods in kube-system", json!([{"op": "delete", "kind": "pod", "selector": "k8s-app=kube-dns", "namespace": "kube-system"}])).is_empty());
        assert!(
            check(
                "delete svc web",
                json!([{"op": "delete", "kind": "service", "name": "web"}])
            )
            .is_empty()
        );
    }

    #[test]
    fn a_container_or_service_type_must_be_asked_for() {
        let limit = |c: Value| json!([{"op": "set_resources", "name": "web", "namespace": "shop", "container": c, "limits": {"memory": "256Mi"}}]);
        let p = check(
            "set the memory limit of web in shop to 256Mi",
            limit(json!("web")),
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("container `web`"), "{p:?}");
        assert!(
            check(
                "set the memory limit of web in shop to 256Mi",
                limit(Value::Null)
            )
            .is_empty()
        );
        for sentence in [
            "limit the sidecar container of web in shop to 256Mi",
            "limit container sidecar of web in shop to 256Mi",
            "limit web in shop -c sidecar to 256Mi",
        ] {
            assert!(
                check(sentence, limit(json!("sidecar"))).is_empty(),
                "{sentence}"
            );
        }
        let expose =
            |t: &str| json!([{"op": "expose", "name": "api", "port": 8080, "service_type": t}]);
        let p = check("expose the api deployment on port 8080", expose("NodePort"));
        assert!(
            p.iter().any(|p| p.contains("does not ask for a NodePort")),
            "{p:?}"
        );
        assert!(
            check(
                "expose the api deployment on port 8080 as a nodeport",
                expose("NodePort")
            )
            .is_empty()
        );
        assert!(check("expose api publicly on port 8080", expose("LoadBalancer")).is_empty());
    }

    #[test]
    fn an_operation_the_request_names_is_in_the_plan() {
        let p = check(
            "show the logs of the api deployment in shop",
            json!([{"op": "get", "kinds": ["pods"], "namespace": "shop", "selector": "app=api"}]),
        );
        assert!(
            p.iter()
                .any(|p| p.contains("says \"logs\"") && p.contains("no logs operation")),
            "{p:?}"
        );
        assert!(
            check(
                "describe the web service",
                json!([{"op": "describe", "kind": "service", "name": "web"}])
            )
            .is_empty()
        );
        assert!(
            !check(
                "describe the web service",
                json!([{"op": "get", "kinds": ["services"], "name": "web"}])
            )
            .is_empty()
        );
        // Words with a second meaning are not held to one operation.
        assert!(check("set log level debug on web", json!([{"op": "set_env", "name": "web", "set": [{"key": "LOG_LEVEL", "value": "debug"}]}])).is_empty());
        assert!(
            check(
                "show pods with label app=web",
                json!([{"op": "get", "kinds": ["pods"], "selector": "app=web"}])
            )
            .is_empty()
        );
    }

    #[test]
    fn an_output_format_the_request_names_is_the_one_shown() {
        let get = |output: Value| json!([{"op": "get", "kinds": ["services"], "name": "web", "namespace": "shop", "output": output}]);
        let p = check("get the web service in shop as yaml", get(Value::Null));
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("asks for yaml output"), "{p:?}");
        assert!(check("get the web service in shop as yaml", get(json!("yaml"))).is_empty());
        assert!(!check("web service in shop, -o json please", get(json!("yaml"))).is_empty());
        assert!(check("get the web service in shop", get(Value::Null)).is_empty());
    }

    #[test]
    fn a_kind_the_request_gives_must_be_the_one_acted_on() {
        let p = check(
            "show the logs of the api deployment in shop",
            json!([{"op": "logs", "kind": "pod", "name": "api", "namespace": "shop"}]),
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("calls `api` a deployment"), "{p:?}");
        for sentence in [
            "logs of deploy/api",
            "logs of deployment api",
            "logs of a deployment called api",
        ] {
            assert!(
                !check(
                    sentence,
                    json!([{"op": "logs", "kind": "pod", "name": "api"}])
                )
                .is_empty(),
                "{sentence}"
            );
            assert!(
                check(
                    sentence,
                    json!([{"op": "logs", "kind": "deployment", "name": "api"}])
                )
                .is_empty(),
                "{sentence}"
            );
        }
        assert!(
            check(
                "describe the web service",
                json!([{"op": "describe", "kind": "svc", "name": "web"}])
            )
            .is_empty()
        );
        let get = json!([{"op": "get", "kinds": ["pods"], "name": "web"}]);
        assert!(!check("get the web deployment", get).is_empty());
        // A kind word that is not next to the name says nothing about it.
        assert!(
            check(
                "show the pods of web",
                json!([{"op": "get", "kinds": ["pods"], "selector": "app=web"}])
            )
            .is_empty()
        );
    }

    #[test]
    fn what_was_read_grounds_a_plan() {
        let ctx = ModelContext::new(None, "default");
        let read = Gathered {
            step: 1,
            command: "kubectl get deployments -n shop -o wide".into(),
            ok: true,
            output: "NAME READY IMAGES\nweb 2/2 docker.io/library/nginx:1.25\n".into(),
        };
        let plan = plan(
            json!([{"op": "set_image", "name": "web", "namespace": "shop", "image": "docker.io/library/nginx:1.27"}]),
        );
        let grounds = |evidence| Grounds {
            sentence: "update web to 1.27",
            ctx: &ctx,
            evidence,
        };
        assert!(ungrounded(&plan, &grounds(std::slice::from_ref(&read))).is_empty());
        assert!(!ungrounded(&plan, &grounds(&[])).is_empty());
    }
}
