//! The phrase grammar: after the verb, every word must belong to one phrase.
//!
//! Phrases are tried in a fixed order at the current word ("in namespace X", "as
//! yaml", "the last 50 lines", "to 3 replicas", "pod web-1" …); each one that
//! matches fills [`Slots`] and moves on. A word no phrase can place stops the parse:
//! the sentence goes to the model. There is no backtracking: one pass, a few
//! look-aheads, so a sentence takes microseconds.

use crate::plan::{OutputFormat, ServiceType};

use super::Verb;
use super::lex::Tok;
use super::slots::{Bound, Obj, Res, Slots, topic};
use super::words::{
    compact_duration, integer, kind, name_after_kind, name_like, number, percent, reserved,
    spoken_duration, time_unit, unit_duration,
};

pub(crate) struct Parser<'a> {
    t: &'a [Tok],
    i: usize,
    verb: Verb,
    pub s: Slots,
    /// A bare name may stand here (right after the verb or a preposition).
    name_ok: bool,
    /// The last phrase was a name: "and X" continues the list.
    last_name: bool,
    /// The previous word was "and" or a comma: "pods and services".
    after_sep: bool,
    /// Where the last kind without a name ended: "pods services" is not a list.
    kind_end: usize,
    /// An option typed in the sentence that neither the grammar nor kubectl knows.
    refusal: Option<String>,
}

const REPLICA_WORDS: &[&str] = &[
    "replicas",
    "replica",
    "pods",
    "pod",
    "instances",
    "instance",
    "copies",
    "copy",
];

/// Parses the words after the verb; `Ok(None)` when some word has no place, an
/// error naming it when that word is an option no kubectl has (`-rf`).
/// `implicit` is true when no verb was said: then the first word cannot be a name
/// ("fix my deployment" is not `get deployment fix`).
pub(crate) fn parse(t: &[Tok], verb: Verb, implicit: bool) -> Result<Option<Slots>, String> {
    let mut p = Parser {
        t,
        i: 0,
        verb,
        s: Slots::default(),
        name_ok: !implicit,
        last_name: false,
        after_sep: false,
        kind_end: usize::MAX,
        refusal: None,
    };
    while p.i < t.len() {
        if !p.step() {
            return match p.refusal {
                Some(refusal) => Err(refusal),
                None => Ok(None),
            };
        }
    }
    if !p.s.pending.is_empty() {
        return Ok(None);
    }
    Ok(Some(p.s))
}

impl<'a> Parser<'a> {
    fn low(&self, k: usize) -> &str {
        self.t
            .get(self.i + k)
            .filter(|t| !t.quoted)
            .map_or("", |t| t.low.as_str())
    }

    fn tok(&self, k: usize) -> Option<&'a Tok> {
        self.t.get(self.i + k)
    }

    fn rest(&self, k: usize) -> &'a [Tok] {
        self.t.get(self.i + k..).unwrap_or(&[])
    }

    fn is(&self, k: usize, words: &[&str]) -> bool {
        words.contains(&self.low(k))
    }

    fn seq(&self, k: usize, words: &[&str]) -> bool {
        words.iter().enumerate().all(|(j, w)| self.low(k + j) == *w)
    }

    /// Number of article-like words at offset k.
    fn articles(&self, mut k: usize) -> usize {
        let start = k;
        while self.is(k, &["the", "a", "an", "my", "our", "their", "its", "this"]) {
            k += 1;
        }
        k - start
    }

    /// Consumes n words; the phrase was not a name.
    fn eat(&mut self, n: usize) -> bool {
        self.i += n;
        self.name_ok = false;
        self.last_name = false;
        true
    }

    /// A value introduced by a keyword ("namespace X", "container X", "called X").
    fn value_at(&self, k: usize) -> Option<&'a Tok> {
        let t = self.tok(k)?;
        if t.quoted {
            return Some(t);
        }
        let w = t.low.as_str();
        let structural = matches!(
            w,
            "," | "and"
                | "the"
                | "a"
                | "an"
                | "to"
                | "of"
                | "in"
                | "on"
                | "for"
                | "from"
                | "with"
                | "as"
                | "by"
                | "at"
                | "is"
                | "am"
                | "are"
                | "i"
                | "that"
                | "which"
                | "using"
        );
        (!structural && !w.starts_with('-') && kind(std::slice::from_ref(t)).is_none()).then_some(t)
    }

    fn step(&mut self) -> bool {
        let w = self.low(0).to_string();
        // Separators keep a name list going: "restart web and api".
        if matches!(w.as_str(), "," | "and" | "&" | "plus") {
            // Something must follow the separator.
            if self.i + 1 >= self.t.len() || self.is(1, &[",", "and", "&", "plus"]) {
                return false;
            }
            self.i += 1;
            self.name_ok = self.last_name;
            self.after_sep = true;
            return true;
        }
        let ok = self.step_phrase();
        self.after_sep = false;
        ok
    }

    fn step_phrase(&mut self) -> bool {
        self.flag()
            || self.question()
            || self.scope()
            || self.output()
            || self.sort()
            || self.state()
            || self.node_filter()
            || self.labels()
            || self.times()
            || self.numbers()
            || self.topics()
            || self.resources()
            || self.values()
            || self.object()
            || self.connective()
            || self.bare()
            || self.noise()
    }

    // ---- flags typed inside the sentence ------------------------------------

    fn flag(&mut self) -> bool {
        let Some(t) = self.tok(0) else { return false };
        if t.quoted || !t.low.starts_with('-') || integer(&t.low).is_some() {
            return false;
        }
        let (name, inline) = match t.raw.split_once('=') {
            Some((n, v)) => (n.to_ascii_lowercase(), Some(v.to_string())),
            None => (t.low.clone(), None),
        };
        if !GRAMMAR_FLAGS.contains(&name.as_str()) {
            // kubectl's own options the grammar cannot carry go to the model; a
            // word shaped like an option that no kubectl has is refused, named.
            let option_shaped = name
                .trim_start_matches('-')
                .starts_with(|c: char| c.is_ascii_alphabetic());
            if option_shaped && !KUBECTL_FLAGS.contains(&name.as_str()) {
                self.refusal = Some(format!(
                    "refusing {}: that is not an option kubectl ai or kubectl knows; \
                     say what you want in words",
                    crate::shown::value(&t.raw)
                ));
            }
            return false;
        }
        let switch = |p: &mut Parser, f: fn(&mut Slots)| {
            if inline.is_some() {
                return false;
            }
            f(&mut p.s);
            p.eat(1)
        };
        match name.as_str() {
            "-a" | "--all-namespaces" => switch(self, |s| s.all_namespaces = true),
            "-p" | "--previous" => switch(self, |s| s.previous = true),
            // "logs -f api": a name may still follow, as after the verb.
            "-f" | "--follow" if inline.is_none() => {
                self.s.follow = true;
                self.i += 1;
                true
            }
            "--all-containers" => switch(self, |s| s.all_containers = true),
            "--overwrite" => switch(self, |s| s.overwrite = true),
            "--show-labels" => switch(self, |s| s.topics |= topic::LABEL),
            "--ignore-daemonsets" => switch(self, |_| {}),
            "--delete-emptydir-data" => switch(self, |s| s.emptydir = true),
            "--recursive" => switch(self, |s| s.recursive = true),
            _ => {
                let (value, used) = match inline {
                    Some(v) => (v, 1),
                    None => match self.tok(1) {
                        Some(v) => (v.raw.clone(), 2),
                        None => return false,
                    },
                };
                let grammar_word = used == 2
                    && self.tok(1).is_some_and(|t| !t.quoted && reserved(&t.low))
                    && !matches!(name.as_str(), "-o" | "--output");
                let names_a_thing = matches!(name.as_str(), "-n" | "--namespace" | "--name");
                let grammar_word = grammar_word
                    || (names_a_thing && used == 2 && self.tok(1).is_some_and(|t| !name_like(t)));
                if value.is_empty() || grammar_word {
                    return false;
                }
                let num = integer(&value);
                let s = &mut self.s;
                let ok = match name.as_str() {
                    "-n" | "--namespace" => s.namespace.replace(value).is_none(),
                    "-l" | "--selector" => {
                        s.selector.push(value);
                        true
                    }
                    "--field-selector" => {
                        s.fields.push(value);
                        true
                    }
                    "-o" | "--output" => match value.to_ascii_lowercase().as_str() {
                        "yaml" => s.output.replace(OutputFormat::Yaml).is_none(),
                        "json" => s.output.replace(OutputFormat::Json).is_none(),
                        "wide" => s.output.replace(OutputFormat::Wide).is_none(),
                        "name" => s.output.replace(OutputFormat::Name).is_none(),
                        _ => false,
                    },
                    "-c" | "--container" => s.container.replace(value).is_none(),
                    "--tail" => num.is_some_and(|n| s.tail.replace(n).is_none()),
                    "--since" => s.since.replace(value).is_none(),
                    "--replicas" => num.is_some_and(|n| s.to_num.replace(n).is_none()),
                    "--image" => s.image.replace(value).is_none(),
                    "--port" => num.is_some_and(|n| s.port.replace(n).is_none()),
                    "--target-port" => num.is_some_and(|n| s.target_port.replace(n).is_none()),
                    "--to-revision" | "--revision" => {
                        num.is_some_and(|n| s.revision.replace(n).is_none())
                    }
                    "--min" => num.is_some_and(|n| s.min.replace(n).is_none()),
                    "--max" => num.is_some_and(|n| s.max.replace(n).is_none()),
                    "--cpu-percent" => num.is_some_and(|n| s.cpu_percent.replace(n).is_none()),
                    "--name" => s.called.replace(value).is_none(),
                    "--type" => service_type(&value.to_ascii_lowercase())
                        .is_some_and(|t| s.service_type.replace(t).is_none()),
                    _ => false,
                };
                ok && self.eat(used)
            }
        }
    }

    // ---- questions: "how many replicas does web have" -------------------------

    fn question(&mut self) -> bool {
        let asking = matches!(
            self.verb,
            Verb::Ask | Verb::HowMany | Verb::WhatImage | Verb::WhatNode
        );
        if !asking {
            return false;
        }
        // The auxiliary before the subject: "does web", "is pod web-1", "are there".
        if self.is(0, &["does", "do", "did", "is", "are", "has", "have"]) && self.tok(1).is_some() {
            self.i += 1;
            self.name_ok = true;
            self.last_name = false;
            return true;
        }
        // "is web rolled out", "has api finished rolling out".
        if self.verb == Verb::Ask {
            let lead = usize::from(self.is(0, &["finished", "done", "completed", "fully"]));
            if self.is(lead, &["rolled", "rolling", "roll"]) && self.is(lead + 1, &["out"]) {
                self.s.topics |= topic::ROLLOUT | topic::STATUS;
                return self.eat(lead + 2);
            }
            if self.is(lead, &["rolled-out"]) {
                self.s.topics |= topic::ROLLOUT | topic::STATUS;
                return self.eat(lead + 1);
            }
        }
        // What closes the question: "… have", "… running on", "… done yet".
        const CLOSING: &[&str] = &[
            "have",
            "has",
            "got",
            "running",
            "using",
            "use",
            "run",
            "on",
            "deployed",
            "scheduled",
            "sitting",
            "placed",
            "done",
            "finished",
            "complete",
            "completed",
            "yet",
            "successfully",
            "fully",
            "with",
            "now",
            "currently",
        ];
        let rest = self.rest(0);
        let closing = !rest.is_empty()
            && rest
                .iter()
                .all(|t| !t.quoted && CLOSING.contains(&t.low.as_str()))
            && (self.verb != Verb::HowMany || !self.is(0, &["running"]));
        if closing {
            return self.eat(rest.len());
        }
        false
    }

    // ---- where: namespaces ---------------------------------------------------

    fn scope(&mut self) -> bool {
        let prep = usize::from(self.is(
            0,
            &[
                "in", "from", "within", "inside", "across", "for", "of", "on", "over",
            ],
        ));
        // "(in) all namespaces", "across every namespace", "all of the namespaces"
        if self.is(prep, &["all", "every", "each", "any"]) {
            let mut k = prep + 1;
            if self.seq(k, &["of", "the"]) {
                k += 2;
            } else if self.is(k, &["the"]) {
                k += 1;
            }
            if self.is(k, &["namespaces", "namespace"]) {
                self.s.all_namespaces = true;
                return self.eat(k + 1);
            }
        }
        if self.is(
            0,
            &["everywhere", "cluster-wide", "clusterwide", "globally"],
        ) {
            self.s.all_namespaces = true;
            return self.eat(1);
        }
        if prep == 1 {
            let k = 1 + self.articles(1);
            let whole = usize::from(self.is(k, &["whole", "entire"]));
            if self.is(k + whole, &["cluster"])
                && (self.is(0, &["across"]) || k > 1)
                && !self.is(k + whole + 1, &["role", "roles"])
            {
                self.s.all_namespaces = true;
                return self.eat(k + whole + 1);
            }
            if self.is(0, &["across"]) && self.is(k, &["namespaces"]) {
                self.s.all_namespaces = true;
                return self.eat(k + 1);
            }
            // "in (the) namespace X", "in ns X"
            if self.is(k, &["namespace", "ns"])
                && let Some(v) = self.value_at(k + 1)
            {
                let v = v.raw.clone();
                return self.s.namespace.replace(v).is_none() && self.eat(k + 2);
            }
            // "in (the) X namespace"
            if self.is(k + 1, &["namespace", "ns"])
                && let Some(v) = self.value_at(k)
            {
                let v = v.raw.clone();
                return self.s.namespace.replace(v).is_none() && self.eat(k + 2);
            }
            // "in X": a bare word after "in" is a namespace unless a kind follows it.
            if self.is(0, &["in", "within", "inside"])
                && k == 1
                && let Some(t) = self.tok(1).filter(|t| name_like(t))
            {
                let then = self.rest(2);
                let kind_next = kind(then).is_some_and(|(_, plural, _)| !plural);
                if !kind_next && !self.is(2, &["container", "image"]) {
                    let v = t.raw.clone();
                    return self.s.namespace.replace(v).is_none() && self.eat(2);
                }
            }
        }
        // "namespace X" once a kind has been named: "get pods namespace shop".
        if prep == 0
            && self.is(0, &["namespace", "ns"])
            && self.s.objs.iter().any(|o| o.kind.is_some())
            && let Some(v) = self.value_at(1).filter(|t| name_like(t))
        {
            let v = v.raw.clone();
            return self.s.namespace.replace(v).is_none() && self.eat(2);
        }
        false
    }

    // ---- how: output, sorting --------------------------------------------------

    fn output(&mut self) -> bool {
        let lead = usize::from(self.is(0, &["as", "in", "to", "into", "output", "formatted"]));
        let lead = lead + usize::from(lead == 1 && self.is(1, &["as", "in"]));
        let k = lead + self.articles(lead);
        let format = match self.low(k) {
            "yaml" | "yml" => Some(OutputFormat::Yaml),
            "json" => Some(OutputFormat::Json),
            "wide" => Some(OutputFormat::Wide),
            _ => None,
        };
        if let Some(f) = format {
            let tail = usize::from(self.is(k + 1, &["format", "output", "form"]));
            return self.s.output.replace(f).is_none() && self.eat(k + 1 + tail);
        }
        // "with their nodes", "and their IPs": kubectl's wide output.
        if self.is(0, &["with", "and", "including", "showing", "plus", "along"]) {
            let mut k = 1 + usize::from(self.is(1, &["with"]));
            k += self.articles(k);
            if self.is(k, &["node", "nodes", "ip", "ips"]) {
                let tail = usize::from(self.is(k + 1, &["names", "name", "addresses", "address"]));
                return self.s.output.replace(OutputFormat::Wide).is_none()
                    && self.eat(k + 1 + tail);
            }
        }
        // "names only", "only the names", "just names"
        let only = usize::from(self.is(0, &["only", "just"]));
        let k = only + usize::from(only == 1 && self.is(1, &["the"]));
        if self.is(k, &["names", "name"]) && (only == 1 || self.is(k + 1, &["only"])) {
            let tail = usize::from(only == 0);
            return self.s.output.replace(OutputFormat::Name).is_none() && self.eat(k + 1 + tail);
        }
        false
    }

    fn sort(&mut self) -> bool {
        let mut k = 0;
        if self.is(0, &["sorted", "ordered", "sort", "order"]) {
            k = 1;
        }
        if self.is(k, &["by"]) {
            let by = k + 1 + usize::from(self.is(k + 1, &["their", "the"]));
            let key: Option<(&'static str, usize)> = match self.low(by) {
                "cpu" => Some(("cpu", 1)),
                "memory" | "mem" | "ram" => Some(("memory", 1)),
                "age" | "date" | "timestamp" => Some((".metadata.creationTimestamp", 1)),
                "creation" if self.is(by + 1, &["time", "date", "timestamp"]) => {
                    Some((".metadata.creationTimestamp", 2))
                }
                "creation" => Some((".metadata.creationTimestamp", 1)),
                "name" => Some((".metadata.name", 1)),
                "restarts" | "restart" => Some((
                    ".status.containerStatuses[0].restartCount",
                    1 + usize::from(self.is(by + 1, &["count"])),
                )),
                _ => None,
            };
            if let Some((key, used)) = key {
                let usage = if matches!(key, "cpu" | "memory") {
                    // "by memory usage"
                    usize::from(self.is(by + used, &["usage", "use", "consumption"]))
                } else {
                    0
                };
                return self.s.sort.replace(key).is_none() && self.eat(by + used + usage);
            }
            return false;
        }
        // "(that use / using) the most memory"
        let lead = usize::from(self.is(
            0,
            &[
                "use",
                "uses",
                "using",
                "consume",
                "consumes",
                "consuming",
                "with",
            ],
        ));
        let k = lead + usize::from(self.is(lead, &["the"]));
        if self.is(k, &["most", "highest"]) {
            let key = match self.low(k + 1) {
                "cpu" => "cpu",
                "memory" | "mem" | "ram" => "memory",
                _ => return false,
            };
            let usage = usize::from(self.is(k + 2, &["usage", "use", "consumption"]));
            self.s.topics |= topic::USAGE;
            return self.s.sort.replace(key).is_none() && self.eat(k + 2 + usage);
        }
        if self.seq(0, &["oldest", "first"]) {
            return self.s.sort.replace(".metadata.creationTimestamp").is_none() && self.eat(2);
        }
        false
    }

    // ---- which: pod phases, nodes, labels --------------------------------------

    fn state(&mut self) -> bool {
        if matches!(
            self.verb,
            Verb::Create | Verb::Deploy | Verb::Run | Verb::Ask | Verb::WhatImage | Verb::WhatNode
        ) {
            return false;
        }
        // "that are", "which is", "who have": relative pronoun plus auxiliary.
        if self.is(0, &["that", "which", "who", "whose"])
            && self.is(1, &["are", "is", "have", "has", "were", "aren't"])
        {
            return self.eat(2);
        }
        let mut k = 0;
        if self.is(0, &["are", "is"]) {
            k = 1;
        }
        let not = self.is(k, &["not"]);
        k += usize::from(not);
        // "in pending state", "with status Failed", "in phase Running"
        let (phase_word, used) =
            if self.is(k, &["in", "with"]) && self.is(k + 1, &["status", "phase", "state"]) {
                (self.low(k + 2).to_string(), 3)
            } else if self.is(k, &["in"]) && self.is(k + 2, &["state", "phase", "status"]) {
                (self.low(k + 1).to_string(), 3)
            } else {
                (self.low(k).to_string(), 1)
            };
        let phase = match phase_word.as_str() {
            "running" if !self.is(k + used, &["on"]) => "Running",
            "pending" => "Pending",
            "failed" => "Failed",
            "succeeded" | "completed" | "complete" => "Succeeded",
            _ => return false,
        };
        let op = if not { "!=" } else { "=" };
        self.s.fields.push(format!("status.phase{op}{phase}"));
        self.i += k + used;
        // An adjective before the kind keeps the name position open: "running pods".
        self.last_name = false;
        true
    }

    fn node_filter(&mut self) -> bool {
        let mut k = 0;
        if self.is(0, &["are", "is"]) {
            k += 1;
        }
        if self.is(k, &["running", "scheduled", "located", "placed", "hosted"]) {
            k += 1;
        }
        if !self.is(k, &["on"]) {
            return false;
        }
        k += 1;
        k += usize::from(self.is(k, &["the"]));
        let node = if self.is(k, &["node"]) {
            self.value_at(k + 1).map(|t| (t.raw.clone(), k + 2))
        } else if self.is(k + 1, &["node"]) {
            self.value_at(k).map(|t| (t.raw.clone(), k + 2))
        } else if self.pods_listed()
            && let Some(t) = self.tok(k).filter(|t| name_like(t))
            && kind(self.rest(k + 1)).is_none()
            && !self.is(k + 1, &["namespace", "ns"])
        {
            // "pods on worker-1": what pods are on is a node.
            Some((t.raw.clone(), k + 1))
        } else {
            None
        };
        match node {
            Some((n, used)) => self.s.node.replace(n).is_none() && self.eat(used),
            None => false,
        }
    }

    /// The last word before this one, articles aside, was "and" or a comma.
    fn separated(&self) -> bool {
        self.t[..self.i]
            .iter()
            .rev()
            .find(|t| t.quoted || !ARTICLES.contains(&t.low.as_str()))
            .is_some_and(|t| !t.quoted && matches!(t.low.as_str(), "," | "and" | "&" | "plus"))
    }

    /// The sentence so far lists pods (a plural kind, no names): "show pods on X".
    fn pods_listed(&self) -> bool {
        self.s.objs.last().is_some_and(|o| {
            o.plural && o.names.is_empty() && o.kind.is_some_and(|k| k.resource == "pods")
        })
    }

    /// Pairs after a word: "app=web", "app=web,tier=db", "app=web and tier=db".
    fn pairs_at(&self, mut k: usize) -> (Vec<String>, usize) {
        let start = k;
        let mut out = Vec::new();
        loop {
            match self.tok(k) {
                Some(t) if t.raw.contains('=') && !t.raw.starts_with('-') => {
                    out.push(t.raw.clone());
                    k += 1;
                }
                _ => break,
            }
            let sep = usize::from(self.is(k, &[",", "and"]));
            if sep == 1
                && self
                    .tok(k + 1)
                    .is_some_and(|t| t.raw.contains('=') && !t.raw.starts_with('-'))
            {
                k += 1;
            } else {
                break;
            }
        }
        (out, k - start)
    }

    fn labels(&mut self) -> bool {
        let verb_edits = matches!(
            self.verb,
            Verb::Label | Verb::Annotate | Verb::Add | Verb::Set
        );
        // Bare k=v words.
        if let Some(t) = self.tok(0)
            && t.raw.contains('=')
            && !t.raw.starts_with('-')
        {
            self.s.pairs.push(t.raw.clone());
            return self.eat(1);
        }
        // Explicit selectors: "labelled app=web", "with label app=web", "matching app=web".
        let selector_words: &[&str] = if verb_edits {
            &["labelled", "labeled", "matching", "selector", "where"]
        } else {
            &[
                "labelled", "labeled", "matching", "selector", "where", "label", "labels",
            ]
        };
        if self.is(0, selector_words) {
            let k = 1 + usize::from(self.is(1, &["label", "labels", "selector"]));
            let (pairs, used) = self.pairs_at(k);
            if !pairs.is_empty() {
                self.s.selector.extend(pairs);
                return self.eat(k + used);
            }
        }
        for (words, bit) in [
            (&["label", "labels"][..], topic::LABEL),
            (&["annotation", "annotations"][..], topic::ANNOTATION),
        ] {
            if self.is(0, words) {
                // "label tier=frontend" in an edit: the pairs to set.
                let (pairs, used) = self.pairs_at(1);
                if !pairs.is_empty() {
                    self.s.topics |= bit;
                    self.s.pairs.extend(pairs);
                    return self.eat(1 + used);
                }
                // "label tier", "labels tier and env": keys (to remove).
                let mut k = 1;
                let mut keys = Vec::new();
                while let Some(t) = self.tok(k).filter(|t| key_like(t)) {
                    keys.push(t.raw.clone());
                    k += 1;
                    if self.is(k, &[",", "and"]) && self.tok(k + 1).is_some_and(key_like) {
                        k += 1;
                    } else {
                        break;
                    }
                }
                self.s.topics |= bit;
                self.s.keys.extend(keys);
                return self.eat(k);
            }
        }
        false
    }

    // ---- when and how much: tails, durations, numbers ------------------------

    fn times(&mut self) -> bool {
        // "previous", "--previous" style words for logs, and the previous version for undo.
        if self.is(0, &["previous", "prior", "last"])
            && self.is(1, &["version", "revision", "release", "one"])
        {
            self.s.topics |= topic::PREVIOUS_VERSION;
            return self.eat(2);
        }
        if self.verb == Verb::Undo
            && self.is(0, &["last", "latest", "previous", "recent"])
            && self.is(
                1,
                &[
                    "rollout",
                    "update",
                    "change",
                    "release",
                    "deploy",
                    "deployment",
                ],
            )
            && !self.is(2, &["called", "named"])
        {
            self.s.topics |= topic::ROLLOUT;
            return self.eat(2);
        }
        if self.is(0, &["previous", "prior"]) {
            let tail = usize::from(self.is(
                1,
                &[
                    "container",
                    "instance",
                    "run",
                    "pod",
                    "restart",
                    "crash",
                    "incarnation",
                ],
            ));
            self.s.previous = true;
            return self.eat(1 + tail);
        }
        // "the crashed container", "the dead instance": the one before the restart.
        if self.is(
            0,
            &[
                "crashed",
                "crashing",
                "dead",
                "died",
                "failed",
                "terminated",
                "restarted",
                "earlier",
                "old",
            ],
        ) && self.is(1, &["container", "instance", "incarnation"])
        {
            self.s.previous = true;
            return self.eat(2);
        }
        if self.is(0, &["before"]) {
            let k = 1 + usize::from(self.is(1, &["it", "the", "its"]));
            if self.is(k, &["crashed", "crash", "restarted", "restart", "died"]) {
                self.s.previous = true;
                return self.eat(k + 1);
            }
            return false;
        }
        if self.is(0, &["last", "past", "latest", "recent", "final"]) {
            // "last 50 lines", "last 50"
            if let Some((n, used)) = number(self.rest(1)) {
                if self.is(1 + used, &["lines", "line", "entries", "log"]) {
                    return self.s.tail.replace(n).is_none() && self.eat(2 + used);
                }
                if let Some((unit, mult)) = time_unit(self.low(1 + used)) {
                    let d = format!("{}{unit}", n.saturating_mul(mult));
                    return self.s.since.replace(d).is_none() && self.eat(2 + used);
                }
                if self.is(0, &["last"]) && !self.is(1 + used, &["replicas", "minutes"]) {
                    return self.s.tail.replace(n).is_none() && self.eat(1 + used);
                }
                return false;
            }
            if let Some(d) = compact_duration(self.low(1)) {
                return self.s.since.replace(d).is_none() && self.eat(2);
            }
            if let Some(d) = unit_duration(self.low(1)) {
                return self.s.since.replace(d.into()).is_none() && self.eat(2);
            }
            if let Some((d, used)) = spoken_duration(self.rest(1)) {
                return self.s.since.replace(d).is_none() && self.eat(1 + used);
            }
            // "latest events", "recent logs": the default order already.
            if self.is(1, &["events", "logs", "log", "warnings", "warning"])
                && !self.is(0, &["past"])
            {
                return self.eat(1);
            }
            return false;
        }
        if self.is(0, &["since"]) {
            if let Some((d, used)) = spoken_duration(self.rest(1)) {
                let ago = usize::from(self.is(1 + used, &["ago"]));
                return self.s.since.replace(d).is_none() && self.eat(1 + used + ago);
            }
            return false;
        }
        if self.is(0, &["tail"]) {
            let k = 1 + usize::from(self.is(1, &["of"]));
            if let Some((n, used)) = number(self.rest(k)) {
                let lines = usize::from(self.is(k + used, &["lines", "line"]));
                return self.s.tail.replace(n).is_none() && self.eat(k + used + lines);
            }
        }
        false
    }

    fn numbers(&mut self) -> bool {
        let w = self.low(0).to_string();
        match w.as_str() {
            "to" => return self.to(),
            "by" => {
                if let Some(p) = percent(self.low(1)) {
                    return self.s.by_percent.replace(p).is_none() && self.eat(2);
                }
                if let Some((n, used)) = number(self.rest(1)) {
                    if self.is(1 + used, &["percent", "%"]) {
                        return self.s.by_percent.replace(n).is_none() && self.eat(2 + used);
                    }
                    let unit = usize::from(self.is(1 + used, REPLICA_WORDS));
                    return self.s.by_num.replace(n).is_none() && self.eat(1 + used + unit);
                }
                return false;
            }
            "from" => {
                if let Some((n, used)) = number(self.rest(1)) {
                    return self.s.from_num.replace(n).is_none() && self.eat(1 + used);
                }
                return false;
            }
            "between" => {
                let Some((a, ua)) = number(self.rest(1)) else {
                    return false;
                };
                if !self.is(1 + ua, &["and", "to"]) {
                    return false;
                }
                let Some((b, ub)) = number(self.rest(2 + ua)) else {
                    return false;
                };
                let unit = usize::from(self.is(2 + ua + ub, REPLICA_WORDS));
                return self.s.min.replace(a).is_none()
                    && self.s.max.replace(b).is_none()
                    && self.eat(2 + ua + ub + unit);
            }
            "min" | "minimum" | "max" | "maximum" => {
                let k = 1
                    + usize::from(self.is(1, &["of", "="]))
                    + usize::from(self.is(1, &["replicas", "replica", "pods"]));
                if let Some((n, used)) = number(self.rest(k)) {
                    let unit = usize::from(self.is(k + used, REPLICA_WORDS));
                    let slot = if w.starts_with("min") {
                        &mut self.s.min
                    } else {
                        &mut self.s.max
                    };
                    return slot.replace(n).is_none() && self.eat(k + used + unit);
                }
                return false;
            }
            "at" if self.is(1, &["least", "most"]) => {
                if let Some((n, used)) = number(self.rest(2)) {
                    let unit = usize::from(self.is(2 + used, REPLICA_WORDS));
                    let slot = if self.is(1, &["least"]) {
                        &mut self.s.min
                    } else {
                        &mut self.s.max
                    };
                    return slot.replace(n).is_none() && self.eat(2 + used + unit);
                }
                return false;
            }
            "up" if self.is(1, &["to"])
                && matches!(self.verb, Verb::Autoscale | Verb::Create | Verb::Add) =>
            {
                if let Some((n, used)) = number(self.rest(2)) {
                    let unit = usize::from(self.is(2 + used, REPLICA_WORDS));
                    return self.s.max.replace(n).is_none() && self.eat(2 + used + unit);
                }
            }
            _ => {}
        }
        // Percentages: "70%", "70 percent", "70% cpu", "at 70% cpu", "targeting 70% cpu".
        let mut lead = 0;
        if self.is(
            0,
            &["at", "target", "targeting", "targetting", "aiming", "aim"],
        ) {
            lead = 1;
            if self.is(1, &["for", "at", "cpu"]) {
                lead = 2;
            }
            if self.is(lead, &["utilization", "usage", "of", "at"]) {
                lead += 1;
            }
        }
        let (p, used) = if let Some(p) = percent(self.low(lead)) {
            (Some(p), 1)
        } else if let Some((n, used)) = number(self.rest(lead)) {
            if self.is(lead + used, &["percent", "%", "pct"]) {
                (Some(n), used + 1)
            } else {
                (None, 0)
            }
        } else {
            (None, 0)
        };
        if let Some(p) = p {
            let k = lead + used;
            let cpu = usize::from(self.is(k, &["cpu"]));
            let cpu =
                cpu + usize::from(cpu == 1 && self.is(k + 1, &["utilization", "usage", "target"]));
            let slot = if cpu > 0 || lead > 0 {
                &mut self.s.cpu_percent
            } else {
                &mut self.s.percent
            };
            return slot.replace(p).is_none() && self.eat(k + cpu);
        }
        // "cpu at 70%", "cpu 70%", "cpu target 70%"
        if self.is(0, &["cpu"]) {
            let k = 1
                + usize::from(self.is(1, &["at", "of", "target", "utilization", "usage"]))
                + usize::from(
                    self.is(2, &["of", "at"]) && self.is(1, &["target", "utilization", "usage"]),
                );
            if let Some(p) = percent(self.low(k)) {
                return self.s.cpu_percent.replace(p).is_none() && self.eat(k + 1);
            }
            if let Some((n, used)) = number(self.rest(k))
                && self.is(k + used, &["percent", "%"])
            {
                return self.s.cpu_percent.replace(n).is_none() && self.eat(k + used + 1);
            }
        }
        // "2 more replicas", "two extra pods": a change by that many.
        if let Some((n, used)) = number(self.rest(0))
            && self.is(used, &["more", "extra", "additional"])
        {
            let unit = usize::from(self.is(used + 1, REPLICA_WORDS));
            self.s.topics |= topic::REPLICAS;
            return self.s.by_num.replace(n).is_none() && self.eat(used + 1 + unit);
        }
        // "3 replicas", "50 lines", "15 minutes", bare "3"
        if let Some((n, used)) = number(self.rest(0)) {
            if self.is(used, REPLICA_WORDS) {
                return self.s.count.replace(n).is_none() && self.eat(used + 1);
            }
            if self.is(used, &["lines", "line"]) {
                return self.s.tail.replace(n).is_none() && self.eat(used + 1);
            }
            if let Some((d, dused)) = spoken_duration(self.rest(0))
                && self
                    .tok(0)
                    .is_some_and(|t| compact_duration(&t.low).is_none())
            {
                let ago = usize::from(self.is(dused, &["ago"]));
                return self.s.since.replace(d).is_none() && self.eat(dused + ago);
            }
            // A bare number after a name: "scale web 3".
            if self.tok(0).is_some_and(|t| integer(&t.low).is_some()) {
                return self.s.count.replace(n).is_none() && self.eat(used);
            }
        }
        false
    }

    fn to(&mut self) -> bool {
        let k = 1 + usize::from(self.is(1, &["the"]));
        if self.is(k, &["previous", "prior", "last", "old", "older"]) {
            let tail =
                usize::from(self.is(k + 1, &["version", "revision", "release", "one", "image"]));
            self.s.topics |= topic::PREVIOUS_VERSION;
            return self.eat(k + 1 + tail);
        }
        if self.is(k, &["revision", "rev", "version"]) {
            if let Some((n, used)) = number(self.rest(k + 1)) {
                return self.s.revision.replace(n).is_none() && self.eat(k + 1 + used);
            }
            return false;
        }
        if self.is(1, &["port"]) || self.is(1, &["target"]) && self.is(2, &["port"]) {
            let k = 2 + usize::from(self.is(1, &["target"]));
            if let Some((n, used)) = number(self.rest(k)) {
                return self.s.target_port.replace(n).is_none() && self.eat(k + used);
            }
            return false;
        }
        if self.is(1, &["context"]) {
            if let Some(v) = self.value_at(2) {
                let v = v.raw.clone();
                return self.s.context.replace(v).is_none() && self.eat(3);
            }
            return false;
        }
        if self.is(k + 1, &["context"]) {
            if let Some(v) = self.value_at(k) {
                let v = v.raw.clone();
                return self.s.context.replace(v).is_none() && self.eat(k + 2);
            }
            return false;
        }
        if let Some((n, used)) = number(self.rest(1)) {
            // "to 512" alone is a count; "to 0.5" or "to 512Mi" is a value below.
            let unit = usize::from(self.is(1 + used, REPLICA_WORDS));
            if !self.pending_resource() {
                return self.s.to_num.replace(n).is_none() && self.eat(1 + used + unit);
            }
        }
        // A value: an image, a quantity, a context name… ("to nginx:1.27", "to 512Mi").
        if let Some(t) = self.tok(1) {
            let is_value = t.quoted
                || (!reserved(&t.low)
                    && !t.low.starts_with('-')
                    && !t.low.contains('=')
                    && kind(std::slice::from_ref(t)).is_none()
                    && !(self.is(2, &["namespace", "ns"])));
            if is_value && !(name_like(t) && kind(self.rest(2)).is_some_and(|(_, p, _)| !p)) {
                let v = t.raw.clone();
                if self.pending_resource() {
                    self.assign_resources(v);
                    return self.eat(2);
                }
                // "to nginx 1.27": a repository and the version to run.
                if let Some(version) = self
                    .tok(2)
                    .filter(|t| !t.quoted && super::lookup::version_like(&t.low))
                    .filter(|_| name_like(t) && !v.contains([':', '@']))
                {
                    let version = version.raw.clone();
                    return self.s.to_value.replace(v).is_none()
                        && self.s.version.replace(version).is_none()
                        && self.eat(3);
                }
                return self.s.to_value.replace(v).is_none() && self.eat(2);
            }
        }
        // "to pod web", "to the web deployment": a preposition before an object.
        if self.tok(1).is_none() {
            return false;
        }
        self.i += 1;
        self.name_ok = true;
        self.last_name = false;
        true
    }

    fn pending_resource(&self) -> bool {
        !self.s.pending.is_empty()
    }

    fn assign_resources(&mut self, q: String) {
        for (res, bound) in std::mem::take(&mut self.s.pending) {
            let r = match bound {
                Bound::Request => &mut self.s.requests,
                Bound::Limit => &mut self.s.limits,
            };
            match res {
                Res::Cpu => r.cpu = Some(q.clone()),
                Res::Memory => r.memory = Some(q.clone()),
            }
        }
    }

    // ---- what about: topic words ---------------------------------------------

    fn topics(&mut self) -> bool {
        if kind(self.rest(0)).is_some_and(|(_, _, used)| used > 1) {
            return false;
        }
        let w = self.low(0).to_string();
        let bit = match w.as_str() {
            "logs" | "log" => topic::LOGS,
            "events" | "event" | "ev" => topic::EVENTS,
            "warning" | "warnings" => topic::WARNINGS,
            "usage" | "utilization" | "utilisation" | "consumption" | "metrics" => topic::USAGE,
            "history" | "revisions" => topic::HISTORY,
            "status" | "progress" => topic::STATUS,
            "rollout" | "rollouts" => topic::ROLLOUT,
            "details" | "detail" | "info" | "information" | "description" => topic::DETAILS,
            "contexts" => topic::CONTEXTS,
            "current" | "active" | "selected" => topic::CURRENT,
            "endpoints" | "endpoint" | "ep" => topic::ENDPOINTS,
            "api-resources" => topic::API_RESOURCES,
            "back" => topic::BACK,
            "autoscaling" | "autoscaler" | "autoscalers" | "hpa" | "hpas" => topic::AUTOSCALE,
            "schedulable" => topic::SCHEDULABLE,
            "unschedulable" => topic::UNSCHEDULABLE,
            "replicas" | "replica" | "instances" | "copies" => topic::REPLICAS,
            _ => 0,
        };
        if bit == topic::AUTOSCALE
            && !matches!(self.verb, Verb::Create | Verb::Add | Verb::Autoscale)
        {
            return false;
        }
        if bit != 0 {
            self.s.topics |= bit;
            return self.eat(1);
        }
        match w.as_str() {
            "api" if self.is(1, &["resources", "resource", "kinds", "types"]) => {
                self.s.topics |= topic::API_RESOURCES;
                self.eat(2)
            }
            "resource" if self.is(1, &["types", "kinds"]) => {
                self.s.topics |= topic::API_RESOURCES;
                self.eat(2)
            }
            "resource" if self.is(1, &["usage", "consumption", "utilization", "metrics"]) => {
                self.s.topics |= topic::USAGE;
                self.eat(2)
            }
            "number" | "count"
                if self.is(1, &["of"]) && self.is(2, &["replicas", "pods", "instances"]) =>
            {
                self.s.topics |= topic::REPLICAS;
                self.eat(3)
            }
            "replica" if self.is(1, &["count", "number"]) => {
                self.s.topics |= topic::REPLICAS;
                self.eat(2)
            }
            "context" => {
                // "context staging" names it; "context" alone is the current one.
                if let Some(v) = self.value_at(1).filter(|t| name_like(t) || t.quoted) {
                    let v = v.raw.clone();
                    return self.s.context.replace(v).is_none() && self.eat(2);
                }
                self.s.topics |= topic::CONTEXT;
                self.eat(1)
            }
            "kube" | "kubectl" | "kubeconfig" if self.is(1, &["context", "contexts"]) => {
                self.eat(1)
            }
            "cpu" | "memory" | "mem" | "ram"
                if self.is(1, &["and", "&", "/"])
                    && self.is(2, &["memory", "cpu", "mem", "ram"])
                    && self.is(
                        3,
                        &["usage", "use", "utilization", "consumption", "metrics"],
                    ) =>
            {
                self.s.topics |= topic::USAGE;
                self.eat(4)
            }
            "cpu" | "memory" | "mem" | "ram"
                if self.is(
                    1,
                    &["usage", "use", "utilization", "consumption", "metrics"],
                ) =>
            {
                self.s.topics |= topic::USAGE;
                self.eat(2)
            }
            "image" | "images" => {
                let kind_slash = self.tok(1).is_some_and(|t| {
                    t.low.split_once('/').is_some_and(|(k, _)| {
                        kind(&[Tok {
                            raw: k.into(),
                            low: k.into(),
                            quoted: false,
                        }])
                        .is_some()
                    })
                });
                if let Some(t) = self.value_at(1).filter(|t| image_like(t) && !kind_slash) {
                    let v = t.raw.clone();
                    return self.s.image.replace(v).is_none() && self.eat(2);
                }
                self.s.topics |= topic::IMAGE;
                self.eat(1)
            }
            "env" | "environment" | "variable" | "variables" | "var" | "vars" => {
                let k = 1 + usize::from(self.is(1, &["variable", "variables", "var", "vars"]));
                self.s.topics |= topic::ENV;
                let mut k = k;
                while let Some(t) = self.tok(k).filter(|t| env_key_like(t)) {
                    self.s.keys.push(t.raw.clone());
                    k += 1;
                    if self.is(k, &[",", "and"]) && self.tok(k + 1).is_some_and(env_key_like) {
                        k += 1;
                    } else {
                        break;
                    }
                }
                self.eat(k)
            }
            "all" | "every" | "each" | "both" if self.is(1, &["containers", "container"]) => {
                self.s.all_containers = true;
                self.eat(2)
            }
            "target" | "targeting" | "container" if self.is(1, &["port"]) => {
                match number(self.rest(2)) {
                    Some((n, used)) => {
                        self.s.target_port.replace(n).is_none() && self.eat(2 + used)
                    }
                    None => false,
                }
            }
            "container" | "containers" => {
                if let Some(t) = self.value_at(1) {
                    let v = t.raw.clone();
                    return self.s.container.replace(v).is_none() && self.eat(2);
                }
                false
            }
            "revision" | "rev" => match number(self.rest(1)) {
                Some((n, used)) => self.s.revision.replace(n).is_none() && self.eat(1 + used),
                None => {
                    self.s.topics |= topic::HISTORY;
                    self.eat(1)
                }
            },
            "port" | "ports" => {
                let k = 1 + usize::from(self.is(1, &["number", "="]));
                match number(self.rest(k)) {
                    Some((n, used)) => self.s.port.replace(n).is_none() && self.eat(k + used),
                    None => false,
                }
            }
            "overwrite" | "overwriting" | "replacing" | "override" | "overriding" => {
                self.s.overwrite = true;
                let tail = usize::from(self.is(1, &["existing", "it", "any"]));
                self.eat(1 + tail)
            }
            "recursively" | "recursive" => {
                self.s.recursive = true;
                self.eat(1)
            }
            "delete" | "deleting" | "including" | "remove" | "removing" | "even"
                if matches!(self.verb, Verb::Drain) =>
            {
                let k = 1 + usize::from(self.is(1, &["with", "the"]));
                let k = k + usize::from(self.is(k, &["local"]));
                if self.is(k, &["emptydir", "empty-dir", "emptydirs"])
                    || self.seq(k, &["empty", "dir"])
                    || self.is(k, &["data"])
                {
                    let used = k + if self.seq(k, &["empty", "dir"]) { 2 } else { 1 };
                    let data = usize::from(self.is(used, &["data", "volumes"]));
                    self.s.emptydir = true;
                    return self.eat(used + data);
                }
                false
            }
            "up" | "out" if matches!(self.verb, Verb::Scale | Verb::Set) => {
                self.s.up = true;
                self.i += 1;
                true
            }
            "down" if matches!(self.verb, Verb::Scale | Verb::Set) => {
                self.s.down = true;
                self.i += 1;
                true
            }
            "resources" | "resource" if self.verb == Verb::Set => self.eat(1),
            "everything" if matches!(self.verb, Verb::Restart | Verb::Scale) => {
                self.s.everything = true;
                self.eat(1)
            }
            "data" | "literal" | "literals" | "entries" | "values" | "keys"
                if matches!(self.verb, Verb::Create | Verb::Add) =>
            {
                self.eat(1)
            }
            "ignoring" | "ignore" if self.is(1, &["daemonsets", "daemonset", "ds"]) => self.eat(2),
            _ => false,
        }
    }

    /// "cpu limit", "memory request", "memory limits and requests", "limits cpu=1".
    fn resources(&mut self) -> bool {
        let res = |w: &str| match w {
            "cpu" | "cpus" => Some(Res::Cpu),
            "memory" | "mem" | "ram" => Some(Res::Memory),
            _ => None,
        };
        let bound = |w: &str| match w {
            "limit" | "limits" => Some(Bound::Limit),
            "request" | "requests" => Some(Bound::Request),
            _ => None,
        };
        if let (Some(r), Some(b)) = (res(self.low(0)), bound(self.low(1))) {
            let mut used = 2;
            self.s.pending.push((r, b));
            // "memory limit and request"
            if self.is(2, &["and"])
                && let Some(b2) = bound(self.low(3))
            {
                self.s.pending.push((r, b2));
                used = 4;
            }
            self.i += used;
            self.name_ok = false;
            // "memory limit 512Mi", "memory limit = 512Mi" directly
            let eq = usize::from(self.is(0, &["=", "of", "at"]) && !self.is(1, &["the"]));
            if let Some(t) = self.tok(eq).filter(|t| quantity_like(t)) {
                let q = t.raw.clone();
                self.assign_resources(q);
                self.i += eq + 1;
            }
            return true;
        }
        // "limits cpu=500m,memory=1Gi"
        if let Some(b) = bound(self.low(0)) {
            let (pairs, used) = self.pairs_at(1);
            if pairs.is_empty() {
                return false;
            }
            for pair in pairs.iter().flat_map(|p| p.split(',')) {
                let Some((k, v)) = pair.split_once('=') else {
                    return false;
                };
                let Some(r) = res(&k.to_ascii_lowercase()) else {
                    return false;
                };
                self.s.pending.push((r, b));
                self.assign_resources(v.to_string());
            }
            return self.eat(1 + used);
        }
        false
    }

    // ---- values with keywords: names, types, contexts --------------------------

    fn values(&mut self) -> bool {
        // "called api", "named api", "with the name api", "name it api"
        let called = if self.is(0, &["called", "named"]) {
            Some(1)
        } else if self.is(0, &["name"]) && !self.is(1, &["of"]) {
            Some(1 + usize::from(self.is(1, &["it", "=", "is"])))
        } else {
            None
        };
        if let Some(k) = called {
            if let Some(t) = self.value_at(k) {
                let v = t.raw.clone();
                return self.s.called.replace(v).is_none() && self.eat(k + 1);
            }
            return false;
        }
        // Service types: "as a LoadBalancer", "of type NodePort", "load balancer service"
        let lead = if self.is(0, &["of", "with"]) && self.is(1, &["type"]) {
            2
        } else if self.is(0, &["as", "via", "through", "behind", "using", "with"]) {
            1 + self.articles(1)
        } else if self.is(0, &["type"]) {
            1
        } else {
            0
        };
        let (ty, used) = match (self.low(lead), self.low(lead + 1)) {
            ("loadbalancer" | "load-balancer", _) => (Some(ServiceType::LoadBalancer), 1),
            ("load", "balancer") => (Some(ServiceType::LoadBalancer), 2),
            ("nodeport" | "node-port", _) => (Some(ServiceType::NodePort), 1),
            ("node", "port")
                if !self.is(lead + 2, &["=", "number"])
                    && number(self.rest(lead + 2)).is_none() =>
            {
                (Some(ServiceType::NodePort), 2)
            }
            ("clusterip" | "cluster-ip", _) => (Some(ServiceType::ClusterIP), 1),
            ("cluster", "ip") => (Some(ServiceType::ClusterIP), 2),
            _ => (None, 0),
        };
        if let Some(ty) = ty {
            let k = lead + used;
            let tail = usize::from(self.is(k, &["service", "type"]));
            return self.s.service_type.replace(ty).is_none() && self.eat(k + tail);
        }
        // "running nginx:1.27", "using nginx": the image of what is created.
        if self.is(0, &["running", "using", "with", "from"])
            && matches!(self.verb, Verb::Create | Verb::Deploy | Verb::Run)
            && self.s.image.is_none()
            && let Some(t) = self
                .tok(1)
                .filter(|t| name_like(t) && !self.is(2, &["image", "container", "label"]))
        {
            let v = t.raw.clone();
            self.s.image = Some(v);
            return self.eat(2);
        }
        // "as web" for deploy/run: the name to give.
        if self.is(0, &["as"]) && matches!(self.verb, Verb::Deploy | Verb::Run) {
            let k = 1 + self.articles(1);
            if let Some(t) = self.tok(k).filter(|t| name_like(t))
                && kind(self.rest(k + 1)).is_none()
            {
                let v = t.raw.clone();
                return self.s.called.replace(v).is_none() && self.eat(k + 1);
            }
        }
        false
    }

    // ---- objects: kinds and names ------------------------------------------------

    fn object(&mut self) -> bool {
        let Some(t) = self.tok(0) else { return false };
        // "deploy/web", "pod/api-5c4"
        if !t.quoted {
            if let Some((k, n)) = t.raw.split_once('/') {
                let one = [Tok {
                    raw: k.into(),
                    low: k.to_lowercase(),
                    quoted: false,
                }];
                if let Some((info, _, _)) = kind(&one)
                    && !n.is_empty()
                {
                    self.s.objs.push(Obj {
                        kind: Some(info),
                        plural: false,
                        names: vec![n.into()],
                        before: false,
                    });
                    self.i += 1;
                    self.name_ok = false;
                    self.last_name = true;
                    return true;
                }
            }
            // "pods,svc"
            if t.low.contains(',') && !t.low.contains('=') {
                let parts: Vec<Tok> = t
                    .low
                    .split(',')
                    .map(|p| Tok {
                        raw: p.into(),
                        low: p.into(),
                        quoted: false,
                    })
                    .collect();
                let kinds: Option<Vec<_>> = parts
                    .iter()
                    .map(|p| kind(std::slice::from_ref(p)).map(|(k, _, _)| k))
                    .collect();
                if let Some(kinds) = kinds {
                    for k in kinds {
                        self.s.objs.push(Obj {
                            kind: Some(k),
                            plural: true,
                            names: vec![],
                            before: false,
                        });
                    }
                    return self.eat(1);
                }
            }
        }
        let Some((info, plural, used)) = kind(self.rest(0)) else {
            return false;
        };
        // A second named object only after "and" or a comma, or a preposition
        // ("set env on pod x"): "the tier zqaa label from pod x" names two things.
        let second_name_ok =
            self.separated() || self.name_ok || self.s.objs.iter().all(|o| o.names.is_empty());
        // "pods services" is not English; "pods and services" is.
        if self.kind_end == self.i && !self.after_sep {
            return false;
        }
        let mut obj = Obj {
            kind: Some(info),
            plural,
            names: vec![],
            before: false,
        };
        self.i += used;
        self.last_name = false;
        self.name_ok = false;
        // "pod web-1": the name right after the kind.
        let generated = |n: &Tok| {
            n.quoted
                || n.low
                    .contains(|c: char| c.is_ascii_digit() || c == '-' || c == '.')
        };
        if let Some(n) = self
            .tok(0)
            .filter(|n| name_after_kind(n) && (!plural || generated(n)) && second_name_ok)
        {
            let followed_by_role = self.is(
                1,
                &[
                    "container",
                    "image",
                    "label",
                    "annotation",
                    "namespace",
                    "context",
                ],
            );
            if !followed_by_role {
                obj.names.push(n.raw.clone());
                self.i += 1;
                self.last_name = true;
            }
        }
        if obj.names.is_empty() {
            self.kind_end = self.i;
        }
        self.s.objs.push(obj);
        true
    }

    /// Prepositions, connectives and articles: each must introduce something.
    fn connective(&mut self) -> bool {
        let w = self.low(0);
        if !(JOINERS.contains(&w) || ARTICLES.contains(&w)) {
            return false;
        }
        let next_quoted = self.tok(1).is_some_and(|t| t.quoted);
        if self.tok(1).is_none() || (JOINERS.contains(&self.low(1)) && !next_quoted) {
            return false;
        }
        if ARTICLES.contains(&w) {
            // Articles keep whatever position they are in.
            self.i += 1;
            return true;
        }
        if matches!(
            w,
            "of" | "for" | "from" | "on" | "about" | "onto" | "into" | "to"
        ) {
            self.i += 1;
            self.name_ok = true;
            self.last_name = false;
            return true;
        }
        self.eat(1)
    }

    /// A bare name, where one may stand.
    fn bare(&mut self) -> bool {
        let Some(t) = self.tok(0) else { return false };
        let role_next = self.is(1, &["container", "label", "annotation"]);
        // "the app container": a role word names what stands before it, unless that
        // word is a grammar word ("the crashed container" is the previous one).
        let placeable = name_like(t)
            || (role_next
                && self.value_at(0).is_some()
                && (t.quoted || !super::words::hard_word(&t.low)));
        if !placeable {
            return false;
        }
        // "web image to nginx:1.27": whose image, not which.
        if self.is(1, &["image"]) && self.is(2, &["to", "="]) && self.name_ok {
            self.s.objs.push(Obj {
                kind: None,
                plural: false,
                names: vec![t.raw.clone()],
                before: false,
            });
            self.s.topics |= topic::IMAGE;
            return self.eat(2);
        }
        // "tier-": a key to remove, as kubectl writes it.
        if !t.quoted && t.low.len() > 1 && t.low.ends_with('-') {
            self.s.keys.push(t.raw.trim_end_matches('-').to_string());
            return self.eat(1);
        }
        let v = t.raw.clone();
        // A name followed by the word that says what it is.
        match self.low(1) {
            "image" | "images" => return self.s.image.replace(v).is_none() && self.eat(2),
            "container" => return self.s.container.replace(v).is_none() && self.eat(2),
            "context" => return self.s.context.replace(v).is_none() && self.eat(2),
            "label" | "labels" => {
                self.s.keys.push(v);
                self.s.topics |= topic::LABEL;
                return self.eat(2);
            }
            "annotation" | "annotations" => {
                self.s.keys.push(v);
                self.s.topics |= topic::ANNOTATION;
                return self.eat(2);
            }
            "env" | "variable" | "var" => {
                let tail = usize::from(self.is(2, &["var", "variable"]));
                self.s.keys.push(v);
                self.s.topics |= topic::ENV;
                return self.eat(2 + tail);
            }
            _ => {}
        }
        // "the api deployment": a name before a singular kind; a second name only
        // after "and" or a comma ("web and the api service").
        if let Some((info, plural, used)) = kind(self.rest(1)) {
            let named_already = self.s.objs.iter().any(|o| !o.names.is_empty());
            if !plural && (!named_already || self.separated()) {
                self.s.objs.push(Obj {
                    kind: Some(info),
                    plural,
                    names: vec![v],
                    before: true,
                });
                self.i += 1 + used;
                self.name_ok = false;
                self.last_name = true;
                return true;
            }
            return false;
        }
        let named_already = self.s.objs.iter().any(|o| !o.names.is_empty());
        if !self.name_ok || (named_already && !(self.after_sep && self.last_name)) {
            return false;
        }
        match self.s.objs.last_mut() {
            Some(last) if self.last_name && last.names.last().is_some() => last.names.push(v),
            _ => self.s.objs.push(Obj {
                kind: None,
                plural: false,
                names: vec![v],
                before: false,
            }),
        }
        self.i += 1;
        self.name_ok = false;
        self.last_name = true;
        true
    }

    /// Question tails and hedges that add nothing: "do I have", "are there".
    fn noise(&mut self) -> bool {
        const NOISE: &[&[&str]] = &[
            &["do", "i", "have"],
            &["do", "we", "have"],
            &["i", "have"],
            &["we", "have"],
            &["are", "there"],
            &["is", "there"],
            &["there", "are"],
            &["are", "available"],
            &["are", "defined"],
            &["are", "configured"],
            &["can", "i", "use"],
            &["exist"],
            &["exists"],
            &["currently"],
            &["at", "the", "moment"],
            &["right", "now"],
            &["in", "it"],
            &["there"],
            &["happened"],
            &["occurred"],
            &["available"],
            &["configured"],
            &["defined"],
        ];
        const CURRENT: &[&[&str]] = &[
            &["am", "i", "using"],
            &["am", "i", "on"],
            &["am", "i", "in"],
            &["am", "i", "connected", "to"],
            &["am", "i", "pointing", "at"],
            &["am", "i", "pointed", "at"],
            &["are", "we", "using"],
            &["are", "we", "on"],
            &["are", "we", "in"],
            &["is", "active"],
            &["is", "current"],
            &["is", "selected"],
            &["is", "in", "use"],
            &["is", "being", "used"],
            &["in", "use"],
        ];
        if let Some(words) = CURRENT.iter().find(|w| self.seq(0, w)) {
            self.s.topics |= topic::CURRENT;
            return self.eat(words.len());
        }
        if let Some(words) = NOISE.iter().find(|w| self.seq(0, w)) {
            return self.eat(words.len());
        }
        false
    }
}

/// The options the grammar reads inside a sentence (`-o wide`, `-l app=web`,
/// `-c sidecar`, `--previous`, `--tail 20` …).
const GRAMMAR_FLAGS: &[&str] = &[
    "-f",
    "--follow",
    "-a",
    "--all-namespaces",
    "-p",
    "--previous",
    "--all-containers",
    "--overwrite",
    "--show-labels",
    "--ignore-daemonsets",
    "--delete-emptydir-data",
    "--recursive",
    "-n",
    "--namespace",
    "-l",
    "--selector",
    "--field-selector",
    "-o",
    "--output",
    "-c",
    "--container",
    "--tail",
    "--since",
    "--replicas",
    "--image",
    "--port",
    "--target-port",
    "--to-revision",
    "--revision",
    "--min",
    "--max",
    "--cpu-percent",
    "--name",
    "--type",
];

/// kubectl options the grammar does not carry: a sentence with one of these goes
/// to the model (which may know a typed way to say it, or say it cannot).
const KUBECTL_FLAGS: &[&str] = &[
    "-w",
    "--watch",
    "--watch-only",
    "-f",
    "--follow",
    "--filename",
    "-i",
    "-t",
    "-it",
    "-ti",
    "--stdin",
    "--tty",
    "--all",
    "--force",
    "--grace-period",
    "--now",
    "--cascade",
    "--wait",
    "--timeout",
    "--show-kind",
    "--no-headers",
    "--sort-by",
    "-L",
    "--label-columns",
    "--chunk-size",
    "--template",
    "--raw",
    "--record",
    "--local",
    "--ignore-not-found",
    "--prefix",
    "--timestamps",
    "--limit-bytes",
    "--max-log-requests",
    "--all-pods",
    "-r",
    "-R",
    "-k",
    "--kustomize",
    "--save-config",
    "--validate",
    "--field-manager",
    "--resource-version",
    "--list",
    "-e",
    "--env",
    "--containers",
    "--show-managed-fields",
    "--show-events",
    "--disable-eviction",
    "--delete-local-data",
    "--rm",
    "--restart",
    "--command",
    "--expose",
    "--labels",
    "--requests",
    "--limits",
    "--schedule",
    "--from-literal",
    "--from-file",
    "--external-ip",
    "--protocol",
    "--attach",
    "--address",
    "--current-replicas",
    "--subresource",
    "--server-side",
    "--dry-run",
    "-h",
    "--help",
    "--sort",
    "--previous-container",
];

const JOINERS: &[&str] = &[
    "of",
    "for",
    "from",
    "on",
    "about",
    "onto",
    "into",
    "to",
    "as",
    "with",
    "using",
    "via",
    "having",
    "including",
    "and",
    "also",
    "in",
    "at",
    "inside",
    "within",
    "under",
    "behind",
    ",",
];

const ARTICLES: &[&str] = &[
    "the", "a", "an", "my", "our", "your", "their", "its", "this", "all", "every", "each", "any",
    "some", "both", "new", "existing",
];

fn service_type(w: &str) -> Option<ServiceType> {
    match w {
        "loadbalancer" => Some(ServiceType::LoadBalancer),
        "nodeport" => Some(ServiceType::NodePort),
        "clusterip" => Some(ServiceType::ClusterIP),
        _ => None,
    }
}

/// A label or annotation key: "tier", "app.kubernetes.io/name".
fn key_like(t: &Tok) -> bool {
    (t.quoted || !reserved(&t.low))
        && !t.low.starts_with('-')
        && !t.low.contains('=')
        && t.low != ","
        && kind(std::slice::from_ref(t)).is_none()
}

/// An environment variable name: "LOG_LEVEL" (not "to", not "on", not "web=1").
fn env_key_like(t: &Tok) -> bool {
    key_like(t)
        && !t.raw.contains('=')
        && t.raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && t.raw.chars().any(|c| c.is_ascii_uppercase() || c == '_')
}

/// What can follow "image": "nginx", "nginx:1.27", "repo/api:v2", "ghcr.io/x/y@sha256:…".
fn image_like(t: &Tok) -> bool {
    t.quoted
        || (!reserved(&t.low)
            && !t.low.starts_with('-')
            && !t.low.contains('=')
            && integer(&t.low).is_none())
}

/// "512Mi", "250m", "0.5", "2": starts with a digit.
fn quantity_like(t: &Tok) -> bool {
    t.low.starts_with(|c: char| c.is_ascii_digit()) && !t.low.contains('=')
}
