//! Offline understanding: everyday English requests to a [`Plan`], with no model.
//!
//! A hand-written grammar, not a lookup table: the sentence is cleaned ([`lex`]),
//! its verb found (this file), every following word placed into a phrase
//! ([`phrases`] filling [`slots::Slots`]), and one family of rules turns the slots
//! into operations ([`reads`], [`observe`], [`scale`], [`containers`], [`create`],
//! [`metadata`], [`nodes`]). The rules never guess: a word with no place, or a slot
//! the chosen operation cannot carry, sends the sentence to the model
//! ([`Understood::NeedsModel`]). What the rules do build is validated like any plan;
//! a bad value is refused with the validator's message ([`Understood::Invalid`]).
//! Everything is linear in the sentence length, so a sentence takes microseconds.

mod containers;
mod create;
mod interactive;
mod lex;
mod lookup;
mod metadata;
mod nodes;
mod observe;
mod phrases;
mod reads;
mod scale;
mod slots;
mod words;

use crate::plan::validate::{Limits, validate};
use crate::plan::{Operation, Plan};

use slots::Slots;

pub use lookup::{Pending, Resolved, needs_cluster};

/// What the offline rules made of a sentence.
#[derive(Debug, Clone, PartialEq)]
pub enum Understood {
    /// The whole sentence was understood, and the plan passed validation.
    Plan(Plan),
    /// The rules could not place every word: ask a model (or, offline, say so).
    NeedsModel,
    /// The rules understood the request, but a value in it is refused; the message
    /// names the value. Nothing may run.
    Invalid(String),
}

/// Understands a sentence with the offline grammar.
///
/// The sentence is split into clauses (at a sentence's end, `;`, `|`, `&&`, and
/// at "and"/"then" before a new verb: "scale web to 3 and restart api"); each
/// clause must be understood whole, or the sentence goes to the model.
pub fn understand(sentence: &str) -> Understood {
    if sentence.len() > 1000 {
        return Understood::NeedsModel;
    }
    let toks = lex::tokenize(sentence);
    let clauses = lex::clauses(&toks);
    let whole = match clauses.as_slice() {
        [] => return Understood::NeedsModel,
        [one] => clause(one),
        several => return joined(several.iter().map(|c| clause(c))),
    };
    if whole != Understood::NeedsModel {
        return whole;
    }
    match split_at_verbs(&clauses[0]) {
        Some(parts) => joined(parts.iter().map(|c| clause(c))),
        None => whole,
    }
}

/// One clause: its verb, every word placed, one family of rules.
fn clause(toks: &[lex::Tok]) -> Understood {
    // Exec commands are any words, and a few questions have fixed forms: templates first.
    if let Some(recognized) = interactive::recognize(toks) {
        let operations = match recognized {
            interactive::Recognized::Plan(operations) => operations,
            interactive::Recognized::Unkinded { op, .. } => vec![*op],
        };
        let plan = Plan::new(operations);
        return match validate(&plan, &Limits::default()) {
            Ok(()) => Understood::Plan(plan),
            Err(e) => Understood::Invalid(e.message),
        };
    }
    let Some((verb, used)) = verb(toks) else {
        return Understood::NeedsModel;
    };
    let mut slots = match phrases::parse(&toks[used..], verb, used == 0) {
        Ok(Some(slots)) => slots,
        Ok(None) => return Understood::NeedsModel,
        Err(refusal) => return Understood::Invalid(refusal),
    };
    let Some(operations) = build(verb, &mut slots) else {
        return Understood::NeedsModel;
    };
    if operations.is_empty() || !slots.spent() {
        return Understood::NeedsModel;
    }
    let plan = Plan::new(operations);
    match validate(&plan, &Limits::default()) {
        Ok(()) => Understood::Plan(plan),
        Err(e) => Understood::Invalid(e.message),
    }
}

/// Several clauses, in order: one plan when each was understood and they all work
/// in the same namespace (a namespace said in one clause only is not spread over
/// the others: that would be a guess). The first refusal wins.
fn joined(parts: impl Iterator<Item = Understood>) -> Understood {
    let mut operations = Vec::new();
    let mut deferred = false;
    for part in parts {
        match part {
            Understood::Plan(plan) => operations.extend(plan.operations),
            Understood::NeedsModel => deferred = true,
            invalid @ Understood::Invalid(_) => return invalid,
        }
    }
    if deferred || operations.is_empty() {
        return Understood::NeedsModel;
    }
    let first = operations[0].namespace().map(str::to_string);
    if operations
        .iter()
        .any(|op| op.namespace().map(str::to_string) != first)
    {
        return Understood::NeedsModel;
    }
    let plan = Plan::new(operations);
    match validate(&plan, &Limits::default()) {
        Ok(()) => Understood::Plan(plan),
        Err(e) => Understood::Invalid(e.message),
    }
}

/// "scale web to 3 and restart api", "restart api, then show its pods": the
/// clause's words split before each "and"/"then"/"," that a verb follows.
fn split_at_verbs(toks: &[lex::Tok]) -> Option<Vec<Vec<lex::Tok>>> {
    let mut parts = vec![];
    let mut start = 0;
    let mut k = 1;
    while k < toks.len() {
        let joiner = |i: usize| {
            toks.get(i)
                .is_some_and(|t| !t.quoted && matches!(t.low.as_str(), "and" | "then" | ","))
        };
        if joiner(k) {
            let mut next = k + 1;
            while joiner(next) {
                next += 1;
            }
            let rest = &toks[next.min(toks.len())..];
            if explicit_verb(rest) {
                parts.push(toks[start..k].to_vec());
                start = next;
                k = next;
                continue;
            }
        }
        k += 1;
    }
    if parts.is_empty() {
        return None;
    }
    parts.push(toks[start..].to_vec());
    let mut parts: Vec<Vec<lex::Tok>> = parts
        .into_iter()
        .map(|mut p| {
            lex::strip_fillers(&mut p);
            p
        })
        .collect();
    parts.retain(|p| !p.is_empty());
    // "restart api then show its pods": "its" points into another clause, which
    // a clause on its own cannot follow.
    let pointing = parts.iter().flatten().any(|t| {
        !t.quoted
            && matches!(
                t.low.as_str(),
                "it" | "its" | "them" | "their" | "they" | "those" | "these" | "that" | "there"
            )
    });
    (parts.len() > 1 && !pointing).then_some(parts)
}

/// The words start with a verb of the grammar (not the implicit "show").
fn explicit_verb(toks: &[lex::Tok]) -> bool {
    let mut toks = toks.to_vec();
    lex::strip_fillers(&mut toks);
    verb(&toks).is_some_and(|(_, used)| used > 0)
}

/// True for questions about health and causes ("why is my app slow", "are my pods
/// healthy", "what's wrong with api"): these belong to `diagnose`, not to one command.
pub fn is_health_question(sentence: &str) -> bool {
    let mut toks = lex::tokenize(sentence);
    lex::strip_fillers(&mut toks);
    let lows: Vec<&str> = toks.iter().map(|t| t.low.as_str()).collect();
    let has = |w: &str| lows.contains(&w);
    let pair = |a: &str, b: &str| lows.windows(2).any(|p| p[0] == a && p[1] == b);
    has("why")
        || has("healthy")
        || has("unhealthy")
        || has("health")
        || has("wrong")
        || has("broken")
        || has("crashing")
        || has("crashloop")
        || has("crashloopbackoff")
        || has("slow")
        || has("diagnose")
        || has("troubleshoot")
        || has("stuck")
        || pair("not", "working")
        || pair("not", "ready")
        || pair("not", "starting")
        || (has("failing") && !has("logs"))
}

/// Where a health question or a request to fix something sends `diagnose`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HealthQuestion {
    /// The namespace the sentence names ("in crashloop", "in namespace shop",
    /// "in the shop namespace"), as typed; the caller validates it.
    pub namespace: Option<String>,
    /// "across all namespaces", "everywhere", "in the cluster".
    pub all_namespaces: bool,
    /// The sentence asks to fix something: `diagnose --fix`.
    pub fix: bool,
    /// The object it names with its kind ("the deployment orders"), as typed (the
    /// caller validates the name): diagnose looks at (and fixes) that object only.
    pub target: Option<(String, String)>,
}

/// Health questions and requests to fix something, with the scope they name:
/// these go to `diagnose` (with `--fix` when the sentence asks to fix, repair …
/// anything, anywhere in it), never to one command. `None` for any other sentence.
///
/// The scope is read the way the grammar reads names: a namespace only from
/// "namespace X", "X namespace", "ns X" or a closing "in X"; an object only from
/// "KIND X", "KIND named X" or "X KIND"; and X only when it can be a name (a
/// quoted word always can; "that", "pending", "fix" never can). Phrases never
/// span two sentences. When the sentence names two different namespaces, it is
/// left to the model (`None`): diagnosing one of them would be a guess.
pub fn health_question(sentence: &str) -> Option<HealthQuestion> {
    let toks = lex::tokenize(sentence);
    let clauses = lex::clauses(&toks);
    let fix = clauses
        .iter()
        .flatten()
        .any(|t| !t.quoted && words::fix_word(&t.low));
    if !fix && !is_health_question(sentence) {
        return None;
    }
    let mut question = HealthQuestion {
        fix,
        ..HealthQuestion::default()
    };
    let mut namespaces: Vec<String> = vec![];
    let mut targets: Vec<(String, String)> = vec![];
    for toks in &clauses {
        scope_of(toks, &mut question, &mut namespaces, &mut targets);
    }
    namespaces.sort();
    namespaces.dedup();
    match namespaces.as_slice() {
        [] => {}
        [one] => question.namespace = Some(one.clone()),
        _ => return None,
    }
    targets.sort();
    targets.dedup();
    if let [one] = targets.as_slice() {
        question.target = Some(one.clone());
    }
    Some(question)
}

/// The scope phrases of one clause of a health question.
fn scope_of(
    toks: &[lex::Tok],
    question: &mut HealthQuestion,
    namespaces: &mut Vec<String>,
    targets: &mut Vec<(String, String)>,
) {
    let lows: Vec<&str> = toks
        .iter()
        .map(|t| if t.quoted { "" } else { t.low.as_str() })
        .collect();
    let at = |k: usize, words: &[&str]| lows.get(k).is_some_and(|w| words.contains(w));
    let name_at = |k: usize| toks.get(k).filter(|t| words::name_like(t));
    for k in 0..lows.len() {
        let all_word = at(k, &["all", "every", "each"]);
        if (all_word && (at(k + 1, &["namespaces"]) || at(k + 2, &["namespaces"])))
            || at(k, &["everywhere", "cluster-wide", "clusterwide"])
            || (at(k, &["in", "across", "throughout"])
                && (at(k + 1, &["cluster"])
                    || (at(k + 1, &["the", "my", "our", "this", "whole", "entire"])
                        && (at(k + 2, &["cluster"]) || at(k + 3, &["cluster"])))))
        {
            question.all_namespaces = true;
        }
        // "namespace X", "ns X"
        if at(k, &["namespace", "ns"])
            && let Some(t) = name_at(k + 1)
        {
            namespaces.push(t.raw.clone());
        }
        // "X namespace", "the 'X' namespace"
        if at(k + 1, &["namespace", "ns"])
            && let Some(t) = name_at(k)
        {
            namespaces.push(t.raw.clone());
        }
        // "KIND X", "KIND named X", "X KIND" for the kinds diagnose looks at.
        if let Some((info, plural, used)) = toks.get(k..).and_then(words::kind)
            && crate::diagnose::scope::target_kind(info.singular).is_ok()
        {
            let after = k + used;
            let named = usize::from(at(after, &["named", "called"]));
            let kind = info.singular.to_string();
            if let Some(t) = toks
                .get(after + named)
                .filter(|t| words::name_after_kind(t))
                && !at(after + named + 1, &["namespace", "ns"])
                && (!plural || named == 1)
            {
                targets.push((kind, t.raw.clone()));
            } else if !plural
                && k > 0
                && let Some(t) = name_at(k - 1)
                && (k == 1 || !toks[k - 2].quoted && !words::name_like(&toks[k - 2]))
            {
                targets.push((kind, t.raw.clone()));
            }
        }
    }
    // "… in X" at the very end: "are my pods healthy in crashloop?"
    let n = lows.len();
    if n >= 2
        && at(n - 2, &["in", "within", "inside"])
        && let Some(last) = name_at(n - 1)
        && !at(
            n - 1,
            &["general", "kubernetes", "k8s", "it", "them", "this", "that"],
        )
    {
        namespaces.push(last.raw.clone());
    }
}

/// The verb of a request, decided by its first words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verb {
    Get,
    Describe,
    Top,
    Tail,
    Remove,
    Scale,
    Restart,
    Undo,
    Roll,
    Set,
    Increase,
    Decrease,
    Add,
    Create,
    Deploy,
    Run,
    Expose,
    Autoscale,
    Label,
    Unlabel,
    Annotate,
    Cordon,
    Uncordon,
    Drain,
    Mark,
    Taint,
    Switch,
    Use,
    Explain,
    Logs,
    Double,
    Halve,
    Pause,
    Resume,
    /// "is web rolled out", "has api finished rolling out".
    Ask,
    /// "how many replicas does web have", "how many pods are running in shop".
    HowMany,
    /// "what image is web running", "which images does api use".
    WhatImage,
    /// "which node is pod web-1 on".
    WhatNode,
    /// "follow the logs of api", "stream api's logs".
    Follow,
}

pub(crate) const VERBS: &[(&[&str], Verb)] = &[
    (&["tell", "me", "about"], Verb::Describe),
    (&["how", "many"], Verb::HowMany),
    (&["what", "image"], Verb::WhatImage),
    (&["what", "images"], Verb::WhatImage),
    (&["which", "image"], Verb::WhatImage),
    (&["which", "images"], Verb::WhatImage),
    (&["what", "node"], Verb::WhatNode),
    (&["which", "node"], Verb::WhatNode),
    (&["get", "rid", "of"], Verb::Remove),
    (&["show", "me"], Verb::Get),
    (&["give", "me"], Verb::Get),
    (&["get", "me"], Verb::Get),
    (&["list", "me"], Verb::Get),
    (&["tell", "me"], Verb::Get),
    (&["look", "up"], Verb::Get),
    (&["look", "at"], Verb::Get),
    (&["what", "are"], Verb::Get),
    (&["what", "is"], Verb::Get),
    (&["which", "are"], Verb::Get),
    (&["rollout", "restart"], Verb::Restart),
    (&["rolling", "restart"], Verb::Restart),
    (&["rollout", "undo"], Verb::Undo),
    (&["roll", "back"], Verb::Undo),
    (&["tear", "down"], Verb::Remove),
    (&["set", "up"], Verb::Create),
    (&["spin", "up"], Verb::Create),
    (&["auto", "scale"], Verb::Autoscale),
    (&["scale", "out"], Verb::Scale),
    (&["show"], Verb::Get),
    (&["get"], Verb::Get),
    (&["list"], Verb::Get),
    (&["display"], Verb::Get),
    (&["print"], Verb::Get),
    (&["view"], Verb::Get),
    (&["see"], Verb::Get),
    (&["fetch"], Verb::Get),
    (&["find"], Verb::Get),
    (&["check"], Verb::Get),
    (&["lookup"], Verb::Get),
    (&["what"], Verb::Get),
    (&["which"], Verb::Get),
    (&["enumerate"], Verb::Get),
    (&["describe"], Verb::Describe),
    (&["inspect"], Verb::Describe),
    (&["top"], Verb::Top),
    (&["tail"], Verb::Tail),
    (&["delete"], Verb::Remove),
    (&["remove"], Verb::Remove),
    (&["rm"], Verb::Remove),
    (&["del"], Verb::Remove),
    (&["kill"], Verb::Remove),
    (&["destroy"], Verb::Remove),
    (&["terminate"], Verb::Remove),
    (&["drop"], Verb::Remove),
    (&["erase"], Verb::Remove),
    (&["nuke"], Verb::Remove),
    (&["purge"], Verb::Remove),
    (&["unset"], Verb::Remove),
    (&["scale"], Verb::Scale),
    (&["resize"], Verb::Scale),
    (&["restart"], Verb::Restart),
    (&["bounce"], Verb::Restart),
    (&["recycle"], Verb::Restart),
    (&["redeploy"], Verb::Restart),
    (&["reboot"], Verb::Restart),
    (&["rollback"], Verb::Undo),
    (&["undo"], Verb::Undo),
    (&["revert"], Verb::Undo),
    (&["roll"], Verb::Roll),
    (&["set"], Verb::Set),
    (&["update"], Verb::Set),
    (&["change"], Verb::Set),
    (&["modify"], Verb::Set),
    (&["configure"], Verb::Set),
    (&["adjust"], Verb::Set),
    (&["bump"], Verb::Set),
    (&["upgrade"], Verb::Set),
    (&["downgrade"], Verb::Set),
    (&["increase"], Verb::Increase),
    (&["raise"], Verb::Increase),
    (&["grow"], Verb::Increase),
    (&["decrease"], Verb::Decrease),
    (&["reduce"], Verb::Decrease),
    (&["lower"], Verb::Decrease),
    (&["shrink"], Verb::Decrease),
    (&["add"], Verb::Add),
    (&["create"], Verb::Create),
    (&["make"], Verb::Create),
    (&["launch"], Verb::Create),
    (&["start"], Verb::Create),
    (&["deploy"], Verb::Deploy),
    (&["run"], Verb::Run),
    (&["expose"], Verb::Expose),
    (&["publish"], Verb::Expose),
    (&["autoscale"], Verb::Autoscale),
    (&["auto-scale"], Verb::Autoscale),
    (&["label"], Verb::Label),
    (&["tag"], Verb::Label),
    (&["unlabel"], Verb::Unlabel),
    (&["annotate"], Verb::Annotate),
    (&["cordon"], Verb::Cordon),
    (&["uncordon"], Verb::Uncordon),
    (&["drain"], Verb::Drain),
    (&["evacuate"], Verb::Drain),
    (&["mark"], Verb::Mark),
    (&["taint"], Verb::Taint),
    (&["switch"], Verb::Switch),
    (&["use"], Verb::Use),
    (&["explain"], Verb::Explain),
    (&["logs"], Verb::Logs),
    (&["follow"], Verb::Follow),
    (&["stream"], Verb::Follow),
    (&["give"], Verb::Add),
    (&["double"], Verb::Double),
    (&["halve"], Verb::Halve),
    (&["pause"], Verb::Pause),
    (&["resume"], Verb::Resume),
    (&["unpause"], Verb::Resume),
    (&["is"], Verb::Ask),
    (&["has"], Verb::Ask),
    (&["did"], Verb::Ask),
];

/// The verb and how many words it used. A sentence that starts with what it wants
/// ("pods in shop", "logs of api", "warning events") reads as a request to show it.
/// One operation per named object ("describe web and api"), or one for the kind
/// or selector when no name is given.
fn per_name(names: Vec<String>, one: impl Fn(Option<String>) -> Operation) -> Vec<Operation> {
    if names.is_empty() {
        vec![one(None)]
    } else {
        names.into_iter().map(|n| one(Some(n))).collect()
    }
}

fn verb(toks: &[lex::Tok]) -> Option<(Verb, usize)> {
    let first = toks.first()?;
    if first.quoted {
        return None;
    }
    for (words, verb) in VERBS {
        if toks.len() >= words.len()
            && toks
                .iter()
                .zip(words.iter())
                .all(|(t, w)| !t.quoted && t.low == *w)
        {
            return Some((*verb, words.len()));
        }
    }
    // "restarting the api deployment" (after "would you mind"): the verb's -ing form.
    if let Some(stem) = first.low.strip_suffix("ing").filter(|s| s.len() > 2) {
        let doubled = stem
            .len()
            .checked_sub(2)
            .filter(|&i| stem.as_bytes()[i] == stem.as_bytes()[i + 1])
            .map(|i| &stem[..=i]);
        let stems = [
            Some(stem.to_string()),
            Some(format!("{stem}e")),
            doubled.map(str::to_string),
        ];
        for stem in stems.into_iter().flatten() {
            if let Some((_, verb)) = VERBS
                .iter()
                .find(|(words, _)| words.len() == 1 && words[0] == stem)
            {
                return Some((*verb, 1));
            }
        }
    }
    // No verb: a request to show what it names. The phrase grammar still has to
    // place every word, so "why is my app slow" falls through all the same.
    Some((Verb::Get, 0))
}

/// Turns the slots into operations with the family of rules for the verb.
fn build(verb: Verb, s: &mut Slots) -> Option<Vec<Operation>> {
    match verb {
        Verb::Get | Verb::Tail | Verb::Top => observe::build(verb, s).or_else(|| None),
        Verb::Describe => reads::describe(s),
        Verb::Explain => reads::explain(s),
        Verb::Remove => metadata::remove(s),
        Verb::Scale => scale::scale(s, 1),
        Verb::Increase => scale::adjust(s, 1),
        Verb::Decrease => scale::adjust(s, -1),
        Verb::Restart => scale::restart(s),
        Verb::Undo => scale::undo(s),
        Verb::Roll => s.take_topic(slots::topic::BACK).then(|| scale::undo(s))?,
        Verb::Set => containers::set(s),
        Verb::Add => metadata::add(s),
        Verb::Create => create::create(s),
        Verb::Deploy => create::deploy(s),
        Verb::Run => create::run(s),
        Verb::Expose => create::expose(s),
        Verb::Autoscale => scale::autoscale(s),
        Verb::Label => metadata::edit(s, false),
        Verb::Annotate => metadata::edit(s, true),
        Verb::Unlabel => metadata::unlabel(s),
        Verb::Cordon => nodes::cordon(s, true),
        Verb::Uncordon => nodes::cordon(s, false),
        Verb::Drain => nodes::drain(s),
        Verb::Mark => nodes::mark(s),
        Verb::Taint => nodes::taint(s),
        Verb::Switch | Verb::Use => nodes::switch(s),
        Verb::Logs => {
            s.topics |= slots::topic::LOGS;
            observe::build(Verb::Get, s)
        }
        Verb::Follow => {
            if !s.has(slots::topic::LOGS) {
                return None;
            }
            s.follow = true;
            observe::build(Verb::Get, s)
        }
        Verb::Double | Verb::Halve => {
            s.take_topic(slots::topic::REPLICAS);
            if s.by_percent.is_some() || s.to_num.is_some() || s.count.is_some() {
                return None;
            }
            s.topics |= slots::topic::REPLICAS;
            let double = verb == Verb::Double;
            s.by_percent = Some(if double { 100 } else { 50 });
            scale::scale(s, if double { 1 } else { -1 })
        }
        Verb::Pause | Verb::Resume => scale::pause(s, verb == Verb::Pause),
        Verb::Ask => {
            if !s.has(slots::topic::ROLLOUT | slots::topic::STATUS) {
                return None;
            }
            if s.has(slots::topic::HISTORY) {
                return None;
            }
            s.topics |= slots::topic::ROLLOUT | slots::topic::STATUS;
            observe::build(Verb::Get, s)
        }
        Verb::HowMany => reads::how_many(s),
        Verb::WhatImage => reads::images(s),
        Verb::WhatNode => reads::node_of(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::equivalent::equivalent_args;

    /// The equivalent command(s) of what the rules made of a sentence.
    fn says(sentence: &str) -> String {
        match understand(sentence) {
            Understood::Plan(plan) => plan
                .operations
                .iter()
                .map(|op| equivalent_args(op).join(" "))
                .collect::<Vec<_>>()
                .join(" && "),
            Understood::NeedsModel => "MODEL".into(),
            Understood::Invalid(m) => format!("INVALID {m}"),
        }
    }

    fn table(rows: &[(&str, &str)]) {
        let bad: Vec<String> = rows
            .iter()
            .filter(|(s, want)| says(s) != *want)
            .map(|(s, want)| format!("{s:?}\n  want {want}\n  got  {}", says(s)))
            .collect();
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }

    #[test]
    fn reads_scopes_filters_and_formats() {
        table(&[
            ("pods in shop", "get pods -n shop"),
            (
                "show me deployments in the web namespace",
                "get deployments -n web",
            ),
            ("list svc across all namespaces", "get services -A"),
            ("get pods -n shop -l app=web", "get pods -n shop -l app=web"),
            ("show pods labelled app=web", "get pods -l app=web"),
            (
                "show pods that are not running",
                "get pods --field-selector status.phase!=Running",
            ),
            (
                "list pods on node worker-1",
                "get pods --field-selector spec.nodeName=worker-1",
            ),
            ("get pod web-1 as json", "get pods web-1 -o json"),
            ("show pods with their nodes", "get pods -o wide"),
            (
                "show pods sorted by age",
                "get pods --sort-by .metadata.creationTimestamp",
            ),
            (
                "get pods, services and deployments",
                "get pods,services,deployments",
            ),
            ("describe the api service", "describe services api"),
            ("what is the current context", "config current-context"),
            ("list contexts", "config get-contexts"),
            (
                "explain deployment.spec.strategy",
                "explain deployment.spec.strategy",
            ),
        ]);
    }

    #[test]
    fn logs_events_top_and_rollouts() {
        table(&[
            ("logs of api-5c4 --previous", "logs api-5c4 --previous"),
            (
                "last 20 lines of logs from api-5c4",
                "logs api-5c4 --tail 20",
            ),
            (
                "logs of api-5c4 from the past 15 minutes",
                "logs api-5c4 --since 15m",
            ),
            (
                "logs of the sidecar container in pod api-5c4",
                "logs api-5c4 -c sidecar",
            ),
            (
                "warning events in shop",
                "get events -n shop --field-selector=type=Warning --sort-by=.lastTimestamp",
            ),
            ("which pods use the most cpu", "top pods --sort-by cpu"),
            ("rollout history of web", "rollout history deployment/web"),
            ("tail logs of web", "MODEL"),
        ]);
    }

    #[test]
    fn scaling_absolute_and_relative() {
        table(&[
            (
                "scale nginx to three",
                "scale deployment/nginx --replicas=3",
            ),
            (
                "scale web up by 2",
                "scale deployment/web --replicas=<current+2>",
            ),
            (
                "scale web down by 50%",
                "scale deployment/web --replicas=<current-50%>",
            ),
            (
                "add 2 replicas to web",
                "scale deployment/web --replicas=<current+2>",
            ),
            (
                "remove one replica from web",
                "scale deployment/web --replicas=<current-1>",
            ),
            (
                "reduce api to 1 replica",
                "scale deployment/api --replicas=1",
            ),
            ("scale web up", "MODEL"),
            (
                "scale nginx to -1",
                "INVALID replica count -1 is negative; it must be 0 or more",
            ),
            (
                "autoscale web between 2 and 10 replicas at 70% cpu",
                "autoscale deployment/web --min=2 --max=10 --cpu-percent=70",
            ),
        ]);
    }

    #[test]
    fn containers_and_creation() {
        table(&[
            (
                "set the image of web to nginx:1.27",
                "set image deployment/web *=nginx:1.27",
            ),
            (
                "set the app container image of api to repo/api:v2",
                "set image deployment/api app=repo/api:v2",
            ),
            (
                "set env var LOG_LEVEL to debug on web",
                "set env deployment/web LOG_LEVEL=debug",
            ),
            (
                "remove env var LOG_LEVEL from web",
                "set env deployment/web LOG_LEVEL-",
            ),
            (
                "set cpu limit of web to 500m",
                "set resources deployment/web --limits=cpu=500m",
            ),
            (
                "create an nginx pod called web-server",
                "run web-server --image=nginx",
            ),
            (
                "deploy nginx:1.27 as web with 2 replicas",
                "create deployment web --image=nginx:1.27 --replicas=2",
            ),
            (
                "expose web on port 80 as a NodePort",
                "expose deployment/web --port=80 --type=NodePort",
            ),
            ("create an nginx deployment", "MODEL"),
        ]);
    }

    #[test]
    fn metadata_nodes_and_contexts() {
        table(&[
            (
                "delete pods web-1 and web-2",
                "delete pods web-1 && delete pods web-2",
            ),
            (
                "remove the tier label from pod web-1",
                "label pods web-1 tier-",
            ),
            (
                "add annotation owner=team-b to deployment api",
                "annotate deployments api owner=team-b",
            ),
            ("mark node worker-1 as unschedulable", "cordon worker-1"),
            (
                "drain node worker-1 and delete emptydir data",
                "drain worker-1 --ignore-daemonsets --delete-emptydir-data",
            ),
            ("switch to the prod context", "config use-context prod"),
        ]);
    }

    #[test]
    fn never_guesses() {
        for s in [
            "why is my app slow",
            "show me the pods that are crashing",
            "restart it",
            "restart my app",
            "show web",
            "get pods services",
            "scale web to 3 and api to 5",
            "delete pod --all",
            "get pods -n --all",
            "svc for",
            "",
        ] {
            assert_eq!(understand(s), Understood::NeedsModel, "{s:?}");
        }
    }

    #[test]
    fn refusals_name_the_bad_part() {
        for (s, needle) in [
            ("get pods; rm -rf /", "-rf"),
            ("delete pod ../../etc/passwd", "../../etc/passwd"),
            ("describe pod <pod-name>", "<pod-name>"),
            ("expose web on port 99999", "99999"),
        ] {
            match understand(s) {
                Understood::Invalid(m) => assert!(m.contains(needle), "{s:?}: {m}"),
                other => panic!("{s:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn health_questions_name_their_scope() {
        let q = |s: &str| health_question(s).unwrap_or_else(|| panic!("{s:?}"));
        let ns = |s: &str| q(s).namespace;
        assert_eq!(
            ns("are my pods healthy in crashloop?").as_deref(),
            Some("crashloop")
        );
        assert_eq!(
            ns("what's wrong in namespace shop").as_deref(),
            Some("shop")
        );
        assert_eq!(
            ns("is anything broken in the shop namespace").as_deref(),
            Some("shop")
        );
        assert_eq!(ns("what's wrong with api"), None);
        assert_eq!(ns("is anything broken in the cluster"), None);
        assert!(q("is anything broken in the cluster").all_namespaces);
        assert!(q("are pods healthy across all namespaces").all_namespaces);
        assert!(q("what's broken everywhere").all_namespaces);
        let fix = q("fix the deployment app in debug");
        assert_eq!(
            fix,
            HealthQuestion {
                namespace: Some("debug".into()),
                all_namespaces: false,
                fix: true,
                target: Some(("deployment".into(), "app".into())),
            }
        );
        assert!(q("please repair what is broken").fix);
        assert!(!q("why is api slow").fix);
        assert_eq!(
            q("why is pod web-1 crashing").target,
            Some(("pod".into(), "web-1".into()))
        );
        assert_eq!(q("is the deployment in shop healthy").target, None);
        for s in ["get pods", "scale web to 3", "fixate on nothing", ""] {
            assert_eq!(health_question(s), None, "{s:?}");
        }
    }

    /// The misreads of issue 13: each now gets the plan a careful person would
    /// write, or goes to the model / diagnose with the scope it names.
    #[test]
    fn misreads_of_benchmark_prompts() {
        let q = |s: &str| health_question(s).unwrap_or_else(|| panic!("{s:?}"));
        let app =
            q("Please fix the error in the deployment named 'app' in namespace 'crashloop-test'");
        assert_eq!(app.target, Some(("deployment".into(), "app".into())));
        assert_eq!(app.namespace.as_deref(), Some("crashloop-test"));
        assert!(app.fix);
        let rbac = q(
            "Why can't I list pods with my pod-reader service account in \
             simple-rbac-setup namespace? Please fix it.",
        );
        assert_eq!(rbac.namespace.as_deref(), Some("simple-rbac-setup"));
        assert_eq!(
            rbac.target, None,
            "diagnose does not look at service accounts"
        );
        assert!(rbac.fix, "\"Please fix it.\" asks for a fix");
        let web = q(
            "I have a web application running in the 'webapp-backend' namespace that \
             keeps crashing. Can you fix it?",
        );
        assert_eq!(web.namespace.as_deref(), Some("webapp-backend"));
        assert!(web.fix);
        assert_eq!(q("why is my pod pending").target, None);
        assert_eq!(
            q("fix the `app` deployment").target,
            Some(("deployment".into(), "app".into()))
        );
        assert_eq!(
            health_question("why is web broken in namespace shop or namespace prod"),
            None,
            "two namespaces: diagnosing one would be a guess"
        );
        table(&[
            (
                "show me pods on worker-1",
                "get pods --field-selector spec.nodeName=worker-1",
            ),
            (
                "show me the logs of the crashed container in pod api-5c4",
                "logs api-5c4 --previous",
            ),
            ("why is my pod pending", "MODEL"),
            ("restart api then show its pods", "MODEL"),
            (
                "scale web to 3 and restart api",
                "scale deployment/web --replicas=3 && rollout restart deployment/api",
            ),
            ("scale web to 3 and restart api in shop", "MODEL"),
            ("fix the `app` deployment", "MODEL"),
        ]);
    }

    /// Everyday requests of issue 13 that map onto the existing operations; the
    /// rest defer to the model (no operation says them yet, or the meaning needs
    /// the cluster's state).
    #[test]
    fn everyday_requests() {
        let columns = "get deployments web -o=custom-columns=NAME:.metadata.name,";
        table(&[
            (
                "give web 2 more replicas",
                "scale deployment/web --replicas=<current+2>",
            ),
            (
                "double the replicas of web",
                "scale deployment/web --replicas=<current+100%>",
            ),
            (
                "pause the rollout of web",
                r#"patch deployments web --type=merge -p {"spec":{"paused":true}}"#,
            ),
            (
                "resume web",
                r#"patch deployments web --type=merge -p {"spec":{"paused":false}}"#,
            ),
            (
                "how many replicas does web have",
                &format!("{columns}DESIRED:.spec.replicas,READY:.status.readyReplicas"),
            ),
            (
                "what image is web running",
                &format!(
                    "{columns}CONTAINER:.spec.template.spec.containers[*].name,\
                     IMAGE:.spec.template.spec.containers[*].image"
                ),
            ),
            ("which node is pod web-1 on", "get pods web-1 -o wide"),
            ("is web rolled out", "rollout status deployment/web"),
            (
                "how many pods are running in shop",
                "get pods -n shop --field-selector status.phase=Running",
            ),
            ("run nginx", "run nginx --image=nginx"),
            ("run a busybox pod", "run busybox --image=busybox"),
            (
                "logs api-5c4 -c sidecar --tail 20",
                "logs api-5c4 -c sidecar --tail 20",
            ),
            ("get pods -o wide", "get pods -o wide"),
            (
                "annotate deployment web with owner=me",
                "annotate deployments web owner=me",
            ),
            // Which kind "web" is, which memory bound, which repository: not said.
            ("which node is web on", "MODEL"),
            ("annotate web with owner=me", "MODEL"),
            ("increase memory of api to 1Gi", "MODEL"),
            ("update web to nginx 1.27", "MODEL"),
            ("restart everything in shop", "MODEL"),
            ("delete the failed pods", "MODEL"),
            (
                "switch to namespace shop",
                "config set-context --current --namespace shop",
            ),
            // "api" reads as a pod here; with a cluster, one read says its kind.
            ("follow the logs of api", "logs -f api"),
            (
                "which namespace am I in",
                "config view --minify -o jsonpath={..namespace}",
            ),
            ("what version is the cluster", "version"),
            (
                "what's running in shop",
                "get deployments,statefulsets,daemonsets,pods -n shop",
            ),
            ("forward port 8080 to web", "port-forward web 8080"),
            ("open a shell in api", "exec api -it -- sh"),
            ("run ls / in pod api-xyz", "exec api-xyz -- ls /"),
            ("exec api -- ls /", "exec api -- ls /"),
        ]);
    }

    #[test]
    fn interactive_requests_place_every_word_or_defer() {
        table(&[
            (
                "run ls -la /var/log in the api-5c4 pod in shop",
                "exec api-5c4 -n shop -- ls -la /var/log",
            ),
            (
                "execute env inside deployment api",
                "exec deployment/api -- env",
            ),
            (
                "forward local port 8080 to port 80 of service web in shop",
                "port-forward service/web -n shop 8080:80",
            ),
            (
                "port-forward svc/grafana 3000:80 -n monitoring",
                "port-forward service/grafana -n monitoring 3000:80",
            ),
            ("open a bash shell in pod web-1", "exec web-1 -it -- bash"),
            (
                "exec -it api-5c4 -c app -- sh",
                "exec api-5c4 -c app -it -- sh",
            ),
            ("logs -f api-5c4", "logs -f api-5c4"),
            (
                "use the shop namespace",
                "config set-context --current --namespace shop",
            ),
            // The command's words are the command's, even the grammar's own.
            (
                "run kubectl delete pods in pod toolbox",
                "exec toolbox -- kubectl delete pods",
            ),
            // A target without its kind after "run … in" is a namespace, as ever.
            ("run ls in api", "run ls -n api --image=ls"),
            ("run nginx in shop", "run nginx -n shop --image=nginx"),
            ("forward port 8080", "MODEL"),
            (
                "forward port 0 to web",
                "INVALID local port 0 is out of range; ports are 1-65535",
            ),
            (
                "forward port 70000 to pod web",
                "INVALID local port 70000 is out of range; ports are 1-65535",
            ),
            ("open a shell", "MODEL"),
            ("open a shell in api and web", "MODEL"),
            ("exec api -- ", "MODEL"),
            (
                "run ls in pod api/x",
                "INVALID name \"api/x\" is not a valid Kubernetes name (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit)",
            ),
            ("which namespace am I zqx in", "MODEL"),
            ("what version is the zqx cluster", "MODEL"),
            ("switch to namespace shop and web", "MODEL"),
        ]);
    }

    #[test]
    fn requests_that_read_the_cluster_first() {
        let read = |s: &str| needs_cluster(s).map(|p| p.read_args().join(" "));
        for (sentence, args) in [
            (
                "restart everything in shop",
                Some("get deployments -o=name --namespace=shop"),
            ),
            (
                "restart all deployments in shop",
                Some("get deployments -o=name --namespace=shop"),
            ),
            (
                "scale all deployments in shop to 0",
                Some("get deployments -o=name --namespace=shop"),
            ),
            (
                "delete the failed pods",
                Some("get pods --field-selector=status.phase=Failed -o=name"),
            ),
            (
                "show logs of web in shop",
                Some(
                    "get pods/web deployments/web statefulsets/web daemonsets/web jobs/web \
                     --ignore-not-found -o=name --namespace=shop",
                ),
            ),
            (
                "update web to nginx 1.27",
                Some("get deployments web -o=json"),
            ),
            ("upgrade web to 1.27", Some("get deployments web -o=json")),
            ("restart web", None),
            ("logs of pod web-1", None),
            ("tail logs of web", None),
            ("restart everything in Shop", None),
            ("delete the pods", None),
        ] {
            assert_eq!(read(sentence).as_deref(), args, "{sentence:?}");
        }
        let restart = needs_cluster("restart everything in shop").unwrap();
        let Resolved::Plan(plan) = restart.resolve("deployment.apps/web\ndeployment.apps/api\n")
        else {
            panic!()
        };
        assert_eq!(plan.operations.len(), 2);
        assert!(matches!(
            restart.resolve(""),
            Resolved::Refused(m) if m.contains("no deployments in namespace shop")
        ));
        let logs = needs_cluster("show logs of web in shop").unwrap();
        let Resolved::Plan(plan) = logs.resolve("deployment.apps/web\n") else {
            panic!()
        };
        assert_eq!(
            equivalent_args(&plan.operations[0]).join(" "),
            "logs deployment/web -n shop"
        );
        assert_eq!(
            logs.resolve("pod/web\nservice/web\ndeployment.apps/web\n"),
            Resolved::NeedsModel
        );
        let image = needs_cluster("update web to nginx 1.27").unwrap();
        let live = r#"{"metadata":{"name":"web"},"spec":{"template":{"spec":{"containers":[
            {"name":"app","image":"docker.io/library/nginx:1.25"},
            {"name":"log","image":"busybox:1.36"}]}}}}"#;
        let Resolved::Plan(plan) = image.resolve(live) else {
            panic!()
        };
        assert_eq!(
            equivalent_args(&plan.operations[0]).join(" "),
            "set image deployment/web app=docker.io/library/nginx:1.27"
        );
        let any = needs_cluster("upgrade web to 1.27").unwrap();
        assert_eq!(
            any.resolve(live),
            Resolved::NeedsModel,
            "two containers: which one?"
        );
    }

    #[test]
    fn prose_is_never_refused_as_shell_syntax() {
        table(&[
            (
                "restart the `checkout` deployment",
                "rollout restart deployment/checkout",
            ),
            (
                "describe the service `frontend`; it has no endpoints",
                "MODEL",
            ),
            ("show pods | grep web", "MODEL"),
            ("get pods && reboot", "MODEL"),
            (
                "get pods; describe pod web-1",
                "get pods && describe pods web-1",
            ),
            ("delete pod --all", "MODEL"),
        ]);
    }

    #[test]
    fn health_questions_are_recognised() {
        for s in [
            "why is my app slow",
            "are my pods healthy",
            "what's wrong with api",
            "is anything broken?",
        ] {
            assert!(is_health_question(s), "{s:?}");
        }
        for s in ["get pods", "scale web to 3", "show logs of api"] {
            assert!(!is_health_question(s), "{s:?}");
        }
    }
}
