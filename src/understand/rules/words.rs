//! The closed word lists of the grammar: numbers, durations, kind names, and the
//! words that can never be the name of an object.
//!
//! Names are open-ended (anything a person called their deployment), so the grammar
//! only accepts a word as a name in a name position and only when it is not one of
//! the words listed here. That is what keeps "show pods that are crashing" from
//! becoming `get pods crashing`.

use crate::plan::kinds::{self, KindInfo};

use super::lex::Tok;

/// "3", "three", "twenty-five", "twenty five" (returns the value and tokens used).
pub(crate) fn number(toks: &[Tok]) -> Option<(i64, usize)> {
    let first = toks.first()?;
    if first.quoted {
        return None;
    }
    if let Some(n) = integer(&first.low) {
        return Some((n, 1));
    }
    let (tens, hyphen_units) = match first.low.split_once('-') {
        Some((t, u)) => (t, Some(u)),
        None => (first.low.as_str(), None),
    };
    let base = word_value(tens)?;
    if let Some(units) = hyphen_units {
        let u = word_value(units).filter(|u| (1..10).contains(u))?;
        return (base >= 20 && base % 10 == 0).then_some((base + u, 1));
    }
    if (20..100).contains(&base)
        && base % 10 == 0
        && let Some(u) = toks
            .get(1)
            .and_then(|t| word_value(&t.low))
            .filter(|u| (1..10).contains(u))
    {
        return Some((base + u, 2));
    }
    Some((base, 1))
}

/// A plain integer, possibly negative: "12", "-1". Not "1.5", not "3x".
pub(crate) fn integer(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn word_value(w: &str) -> Option<i64> {
    Some(match w {
        "zero" | "none" => 0,
        "one" | "single" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" | "dozen" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        "hundred" => 100,
        _ => return None,
    })
}

/// "50%" → 50.
pub(crate) fn percent(s: &str) -> Option<i64> {
    integer(s.strip_suffix('%')?)
}

/// A unit word → its kubectl suffix and multiplier: "minutes" → ("m", 1), "days" → ("h", 24).
pub(crate) fn time_unit(w: &str) -> Option<(&'static str, i64)> {
    Some(match w {
        "s" | "sec" | "secs" | "second" | "seconds" => ("s", 1),
        "m" | "min" | "mins" | "minute" | "minutes" => ("m", 1),
        "h" | "hr" | "hrs" | "hour" | "hours" => ("h", 1),
        "d" | "day" | "days" => ("h", 24),
        "week" | "weeks" => ("h", 168),
        _ => return None,
    })
}

/// A compact duration as kubectl takes it, or with days: "15m", "1h30m", "2d" → "48h".
pub(crate) fn compact_duration(s: &str) -> Option<String> {
    if let Some(days) = s.strip_suffix('d').and_then(integer).filter(|d| *d > 0) {
        return Some(format!("{}h", days.checked_mul(24)?));
    }
    let mut rest = s;
    let mut parts = 0;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        if digits == 0 || digits > 9 {
            return None;
        }
        rest = &rest[digits..];
        let unit = if rest.starts_with("ms") { 2 } else { 1 };
        // `get` and not indexing: the next character may be several bytes long.
        if !matches!(rest.get(..unit), Some("ms" | "s" | "m" | "h")) {
            return None;
        }
        rest = &rest[unit..];
        parts += 1;
    }
    (parts > 0).then(|| s.to_string())
}

/// A duration made of a count and a unit word: "15 minutes", "an hour", "half an hour", "1 day".
pub(crate) fn spoken_duration(toks: &[Tok]) -> Option<(String, usize)> {
    let lows: Vec<&str> = toks.iter().take(3).map(|t| t.low.as_str()).collect();
    if lows.starts_with(&["half", "an", "hour"]) {
        return Some(("30m".into(), 3));
    }
    if let Some(d) = lows.first().and_then(|w| compact_duration(w)) {
        return Some((d, 1));
    }
    let (n, used) = match lows.first() {
        Some(&"an") | Some(&"a") => (1, 1),
        _ => number(toks)?,
    };
    let (suffix, mult) = time_unit(toks.get(used)?.low.as_str())?;
    let n = n.checked_mul(mult)?;
    Some((format!("{n}{suffix}"), used + 1))
}

/// A duration named by its unit alone, as in "the last hour".
pub(crate) fn unit_duration(w: &str) -> Option<&'static str> {
    Some(match w {
        "second" => "1s",
        "minute" => "1m",
        "hour" => "1h",
        "day" => "24h",
        "week" => "168h",
        _ => return None,
    })
}

/// A kind at the start of `toks`, possibly spelled in several words ("persistent volume
/// claims", "config maps"): the kind, whether it was plural, and the tokens used.
pub(crate) fn kind(toks: &[Tok]) -> Option<(&'static KindInfo, bool, usize)> {
    if toks.first()?.quoted {
        return None;
    }
    for len in (1..=4.min(toks.len())).rev() {
        let words = &toks[..len];
        if words
            .iter()
            .any(|t| t.quoted || t.low.contains(['.', '/', '=']))
        {
            continue;
        }
        let joined: String = words.iter().map(|t| t.low.replace('-', "")).collect();
        if let Some((info, plural)) = one_kind(&joined)
            && (len > 1
                || !matches!(
                    joined.as_str(),
                    "no" | "ev" | "events" | "event" | "ep" | "endpoints" | "endpoint"
                ))
        {
            return Some((info, plural, len));
        }
    }
    None
}

fn one_kind(w: &str) -> Option<(&'static KindInfo, bool)> {
    let alias = match w {
        "autoscaler" | "podautoscaler" => "hpa",
        "autoscalers" | "podautoscalers" | "hpas" => "horizontalpodautoscalers",
        "pvcs" | "volumeclaims" => "persistentvolumeclaims",
        "volumeclaim" => "persistentvolumeclaim",
        "pvs" | "volumes" => "persistentvolumes",
        "volume" => "persistentvolume",
        "svcs" => "services",
        "deploys" => "deployments",
        "cms" => "configmaps",
        "netpols" | "policies" => "networkpolicies",
        "policy" => "networkpolicy",
        "pdbs" => "poddisruptionbudgets",
        "cronjob" | "cron" => "cronjob",
        "crons" => "cronjobs",
        "ingresses" | "ingress" => w,
        other => other,
    };
    let info = kinds::lookup(alias)?;
    let plural = alias == info.resource && info.resource != info.singular
        || alias.ends_with('s') && !info.short_names.contains(&alias) && alias != info.singular;
    Some((info, plural))
}

/// Words that are part of the grammar or of ordinary English and so are never names.
pub(crate) fn reserved(w: &str) -> bool {
    matches!(
        w,
        "a" | "an"
            | "the"
            | "my"
            | "our"
            | "your"
            | "their"
            | "its"
            | "his"
            | "her"
            | "this"
            | "that"
            | "these"
            | "those"
            | "it"
            | "them"
            | "they"
            | "me"
            | "us"
            | "we"
            | "i"
            | "you"
            | "all"
            | "every"
            | "each"
            | "any"
            | "some"
            | "everything"
            | "anything"
            | "something"
            | "nothing"
            | "stuff"
            | "thing"
            | "things"
            | "one"
            | "ones"
            | "and"
            | "or"
            | "but"
            | "not"
            | "no"
            | "yes"
            | "of"
            | "for"
            | "from"
            | "on"
            | "in"
            | "into"
            | "onto"
            | "at"
            | "to"
            | "by"
            | "with"
            | "without"
            | "using"
            | "via"
            | "as"
            | "about"
            | "inside"
            | "within"
            | "across"
            | "between"
            | "over"
            | "under"
            | "than"
            | "then"
            | "there"
            | "here"
            | "where"
            | "which"
            | "what"
            | "who"
            | "whose"
            | "why"
            | "how"
            | "when"
            | "is"
            | "are"
            | "was"
            | "were"
            | "be"
            | "been"
            | "am"
            | "do"
            | "does"
            | "did"
            | "have"
            | "has"
            | "had"
            | "can"
            | "could"
            | "should"
            | "would"
            | "will"
            | "may"
            | "might"
            | "must"
            | "if"
            | "else"
            | "so"
            | "too"
            | "very"
            | "more"
            | "most"
            | "less"
            | "least"
            | "only"
            | "just"
            | "also"
            | "again"
            | "still"
            | "now"
            | "up"
            | "down"
            | "out"
            | "off"
            | "back"
            | "new"
            | "old"
            | "same"
            | "other"
            | "another"
            | "called"
            | "named"
            | "name"
            | "names"
            | "namespace"
            | "namespaces"
            | "ns"
            | "cluster"
            | "clusters"
            | "everywhere"
            | "image"
            | "images"
            | "replica"
            | "replicas"
            | "instances"
            | "instance"
            | "copies"
            | "copy"
            | "port"
            | "ports"
            | "logs"
            | "log"
            | "events"
            | "event"
            | "usage"
            | "metrics"
            | "cpu"
            | "memory"
            | "mem"
            | "ram"
            | "limit"
            | "limits"
            | "request"
            | "requests"
            | "label"
            | "labels"
            | "annotation"
            | "annotations"
            | "env"
            | "environment"
            | "variable"
            | "variables"
            | "var"
            | "vars"
            | "container"
            | "containers"
            | "context"
            | "contexts"
            | "current"
            | "active"
            | "rollout"
            | "history"
            | "status"
            | "revision"
            | "revisions"
            | "previous"
            | "last"
            | "past"
            | "since"
            | "lines"
            | "line"
            | "yaml"
            | "json"
            | "wide"
            | "format"
            | "output"
            | "details"
            | "info"
            | "information"
            | "running"
            | "pending"
            | "failed"
            | "succeeded"
            | "completed"
            | "healthy"
            | "unhealthy"
            | "ready"
            | "broken"
            | "crashing"
            | "crashed"
            | "crash"
            | "dead"
            | "died"
            | "dying"
            | "terminated"
            | "restarted"
            | "restarting"
            | "keeps"
            | "keep"
            | "failing"
            | "slow"
            | "wrong"
            | "error"
            | "errors"
            | "warning"
            | "warnings"
            | "type"
            | "node"
            | "nodes"
            | "app"
            | "apps"
            | "application"
            | "service"
            | "services"
            | "deployment"
            | "pod"
            | "pods"
            | "please"
            | "thanks"
            | "percent"
            | "min"
            | "max"
            | "minimum"
            | "maximum"
            | "endpoints"
            | "resources"
            | "resource"
            | "top"
            | "sorted"
            | "ordered"
            | "highly"
            | "available"
            | "traffic"
            | "allows"
            | "allow"
            | "persistence"
            | "together"
            | "everyone"
            | "anyone"
            | "whole"
            | "entire"
            | "random"
            | "second"
            | "seconds"
            | "minute"
            | "minutes"
            | "hour"
            | "hours"
            | "day"
            | "days"
            | "week"
            | "weeks"
            | "ago"
            | "first"
            | "latest"
            | "oldest"
            | "newest"
    )
}

/// Words asking to fix something ("fix it", "please repair the app"): a request
/// for `diagnose --fix`, and never a name.
pub(crate) fn fix_word(w: &str) -> bool {
    matches!(w, "fix" | "repair" | "heal" | "remediate")
}

/// The words that start a request ("scale", "show", "bounce"…): never names.
fn verb_word(w: &str) -> bool {
    super::VERBS.iter().any(|(words, _)| words[0] == w)
}

/// A word that may be the name of an object: not a grammar word, not a flag, not a
/// number, not a key=value pair.
pub(crate) fn name_like(t: &Tok) -> bool {
    if t.quoted {
        return !t.raw.is_empty() && !t.raw.contains(char::is_whitespace);
    }
    let w = t.low.as_str();
    !w.is_empty()
        && w != ","
        && !reserved(w)
        && !verb_word(w)
        && !fix_word(w)
        && compact_duration(w).is_none()
        && !w.starts_with('-')
        && !w.contains('=')
        && !w.ends_with('%')
        && integer(w).is_none()
        && word_value(w).is_none()
        && kind(std::slice::from_ref(t)).is_none()
}

/// A grammar word that is never a name even before a role word ("the crashed
/// container"): every reserved word but the nouns people name things after.
pub(crate) fn hard_word(w: &str) -> bool {
    (reserved(w) || verb_word(w) || fix_word(w)) && !matches!(w, "app" | "main" | "application")
}

/// A word right after a kind ("deployment app", "the pod web-1"): a name position,
/// where "app" (a grammar word elsewhere: "restart my app") is a name too.
pub(crate) fn name_after_kind(t: &Tok) -> bool {
    name_like(t) || (!t.quoted && t.low == "app")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::understand::rules::lex::tokenize;

    #[test]
    fn numbers_in_digits_and_words() {
        let n = |s: &str| number(&tokenize(s)).map(|(n, _)| n);
        assert_eq!(n("3"), Some(3));
        assert_eq!(n("-1"), Some(-1));
        assert_eq!(n("three"), Some(3));
        assert_eq!(n("zero"), Some(0));
        assert_eq!(n("twenty-five"), Some(25));
        assert_eq!(n("twenty five"), Some(25));
        assert_eq!(n("1.5"), None);
        assert_eq!(n("web"), None);
        assert_eq!(percent("50%"), Some(50));
    }

    #[test]
    fn durations_spoken_and_compact() {
        let d = |s: &str| spoken_duration(&tokenize(s)).map(|(d, _)| d);
        assert_eq!(d("15 minutes"), Some("15m".into()));
        assert_eq!(d("an hour"), Some("1h".into()));
        assert_eq!(d("half an hour"), Some("30m".into()));
        assert_eq!(d("2 days"), Some("48h".into()));
        assert_eq!(d("15m"), Some("15m".into()));
        assert_eq!(d("1h30m"), Some("1h30m".into()));
        assert_eq!(d("two hours"), Some("2h".into()));
        assert_eq!(d("250mi"), None);
        assert_eq!(compact_duration("2d"), Some("48h".into()));
        assert_eq!(compact_duration("0ß"), None);
    }

    #[test]
    fn kinds_in_one_or_several_words() {
        let k = |s: &str| kind(&tokenize(s)).map(|(k, plural, n)| (k.resource, plural, n));
        assert_eq!(
            k("persistent volume claims"),
            Some(("persistentvolumeclaims", true, 3))
        );
        assert_eq!(k("config map"), Some(("configmaps", false, 2)));
        assert_eq!(k("pods"), Some(("pods", true, 1)));
        assert_eq!(k("pod"), Some(("pods", false, 1)));
        assert_eq!(k("deploy"), Some(("deployments", false, 1)));
        assert_eq!(k("hpa"), Some(("horizontalpodautoscalers", false, 1)));
        assert_eq!(
            k("autoscalers"),
            Some(("horizontalpodautoscalers", true, 1))
        );
        assert_eq!(k("ingresses"), Some(("ingresses", true, 1)));
        assert_eq!(k("no"), None);
        assert_eq!(k("web"), None);
        assert_eq!(k("deployment.spec"), None);
    }

    #[test]
    fn names_exclude_grammar_words() {
        let t = |s: &str| name_like(&tokenize(s)[0]);
        assert!(t("web-7d9f"));
        assert!(t("../../etc/passwd"));
        assert!(!t("crashing"));
        assert!(!t("pods"));
        assert!(!t("3"));
        assert!(!t("--all"));
        assert!(!t("app=web"));
    }
}
