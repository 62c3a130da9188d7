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
mod lex;
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
pub fn understand(sentence: &str) -> Understood {
    if let Some(part) = lex::shell_syntax(sentence) {
        return Understood::Invalid(format!(
            "refusing {part:?}: that is shell syntax, and kubectl ai never runs a shell; \
             ask for one thing in plain words"
        ));
    }
    if sentence.len() > 1000 {
        return Understood::NeedsModel;
    }
    let mut toks = lex::tokenize(sentence);
    lex::strip_fillers(&mut toks);
    let Some((verb, used)) = verb(&toks) else {
        return Understood::NeedsModel;
    };
    let Some(mut slots) = phrases::parse(&toks[used..], verb) else {
        return Understood::NeedsModel;
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
}

pub(crate) const VERBS: &[(&[&str], Verb)] = &[
    (&["tell", "me", "about"], Verb::Describe),
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
];

/// The verb and how many words it used. A sentence that starts with what it wants
/// ("pods in shop", "logs of api", "the events") reads as a request to show it.
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
    let mut k = 0;
    while toks
        .get(k)
        .is_some_and(|t| matches!(t.low.as_str(), "the" | "all" | "my" | "current" | "recent"))
    {
        k += 1;
    }
    let rest = &toks[k.min(toks.len())..];
    let topic_first = rest.first().is_some_and(|t| {
        matches!(
            t.low.as_str(),
            "logs"
                | "log"
                | "events"
                | "contexts"
                | "context"
                | "endpoints"
                | "warnings"
                | "rollout"
        )
    });
    (topic_first || words::kind(rest).is_some()).then_some((Verb::Get, 0))
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
    }
}
