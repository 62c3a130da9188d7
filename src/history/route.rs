//! Sentences about the journal, answered offline before any rule or model:
//! "undo the last change", "revert that" → `undo`; "what did I change today",
//! "show me what changed in shop" → `history`.
//!
//! Only whole sentences of these shapes are taken: "undo the rollout of web" is
//! a rollout undo, left to the rules.

use crate::config::Config;
use crate::exit::ExitCode;

/// What a journal sentence asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Routed {
    /// `kubectl ai undo [RUN]`
    Undo(Option<u64>),
    /// `kubectl ai history`, kept to a namespace and/or today.
    History {
        namespace: Option<String>,
        today: bool,
    },
}

const UNDO_VERBS: &[&str] = &["undo", "revert", "take back"];
const UNDO_OBJECTS: &[&str] = &[
    "",
    "that",
    "it",
    "this",
    "the last change",
    "my last change",
    "last change",
    "the last run",
    "my last run",
    "the last one",
    "the change",
    "that change",
    "what i just did",
    "what i did",
];

/// The journal command a sentence asks for, if it is one of these.
pub fn route(sentence: &str) -> Option<Routed> {
    let lower = sentence.trim().to_lowercase();
    let text = lower.trim_end_matches(['.', '!', '?', ' ']);
    let words: Vec<&str> = text.split_whitespace().collect();
    let text = words.join(" ");

    for verb in UNDO_VERBS {
        let Some(rest) = text.strip_prefix(verb) else {
            continue;
        };
        if !rest.is_empty() && !rest.starts_with(' ') {
            continue;
        }
        let rest = rest.trim();
        let rest = rest.strip_suffix(" please").unwrap_or(rest);
        if UNDO_OBJECTS.contains(&rest) {
            return Some(Routed::Undo(None));
        }
        for prefix in ["run ", "change ", "the change ", "run #", "#"] {
            if let Some(n) = rest
                .strip_prefix(prefix)
                .and_then(|n| n.parse::<u64>().ok())
            {
                return Some(Routed::Undo(Some(n)));
            }
        }
    }

    // "what did I change today", "show me what changed in shop", "what changed".
    let (asked, namespace) = match text.rsplit_once(" in ") {
        Some((head, ns)) if is_namespace_word(ns) => (head.to_string(), Some(ns.to_string())),
        _ => (text.clone(), None),
    };
    let (asked, today_suffix) = match asked.strip_suffix(" today") {
        Some(head) => (head.to_string(), true),
        None => (asked, false),
    };
    let asked = asked
        .strip_prefix("show me ")
        .or_else(|| asked.strip_prefix("show "))
        .or_else(|| asked.strip_prefix("tell me "))
        .unwrap_or(&asked);
    let history = [
        "what did i change",
        "what have i changed",
        "what i changed",
        "what changed",
        "what has changed",
        "what was changed",
        "the history",
        "history",
        "my changes",
        "the changes",
        "recent changes",
        "the recent changes",
    ];
    if history.contains(&asked) {
        return Some(Routed::History {
            namespace,
            today: today_suffix,
        });
    }
    None
}

/// A namespace name as a sentence would end with one (`shop`, `team-a`).
fn is_namespace_word(word: &str) -> bool {
    crate::plan::validate::namespace_name(word).is_ok() && word != "today"
}

/// Runs the journal command a sentence routed to.
pub async fn run(config: &Config, routed: Routed) -> anyhow::Result<ExitCode> {
    match routed {
        Routed::Undo(run) => super::undo::run(config, run).await,
        Routed::History { namespace, today } => {
            let mut selection = super::Selection::from_flags(config, 20);
            if namespace.is_some() {
                selection.namespace = namespace;
            }
            selection.today = today;
            super::show_selected(config, None, &selection)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journal_sentences_are_routed() {
        let undo = Some(Routed::Undo(None));
        assert_eq!(route("undo the last change"), undo);
        assert_eq!(route("Revert that."), undo);
        assert_eq!(route("undo"), undo);
        assert_eq!(route("undo run 12"), Some(Routed::Undo(Some(12))));
        assert_eq!(
            route("what did I change today?"),
            Some(Routed::History {
                namespace: None,
                today: true
            })
        );
        assert_eq!(
            route("show me what changed in shop"),
            Some(Routed::History {
                namespace: Some("shop".into()),
                today: false
            })
        );
        assert_eq!(
            route("what did I change today in team-a"),
            Some(Routed::History {
                namespace: Some("team-a".into()),
                today: true
            })
        );
    }

    #[test]
    fn other_sentences_are_left_to_the_rules() {
        for sentence in [
            "undo the rollout of web",
            "undo deployment web",
            "revert web to revision 2",
            "what changed in the deployment web yesterday",
            "scale web to 3",
            "show me the pods in shop",
            "undoing",
        ] {
            assert_eq!(route(sentence), None, "{sentence}");
        }
    }
}
