//! Requests that hand the terminal to kubectl ("open a shell in api", "run ls / in
//! pod api-5c4", "forward port 8080 to web", `exec api -- ls /`) and the questions
//! about where the person works ("which namespace am I in", "what version is the
//! cluster", "what's running in shop").
//!
//! These are templates, not the phrase grammar: an exec's command is any words
//! at all, which the grammar must not read, and the questions are fixed phrasings.
//! Each template places every word of the clause (a command word, a name, a
//! port, a namespace phrase) or does not match, and the sentence goes on to the
//! grammar (and so to the model): nothing is dropped or guessed. A name said
//! without its kind ("open a shell in api") reads as a pod here, as kubectl would
//! read it; with a cluster, one read says which kind it is ([`super::lookup`]).

use crate::plan::interactive::{Exec, PortForward};
use crate::plan::{Operation, kinds::KindInfo};

use super::lex::Tok;
use super::words::{integer, kind, name_like};

/// What a template made of a clause.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Recognized {
    /// The operations, as said.
    Plan(Vec<Operation>),
    /// One operation on a name said without its kind (built as a pod's): the
    /// kinds the name may be, for the read that says which.
    Unkinded {
        op: Box<Operation>,
        name: String,
        namespace: Option<String>,
        kinds: &'static [&'static str],
    },
}

/// The kinds a bare name in an exec may be (kubectl runs in the first pod of a workload).
pub(crate) const EXEC_KINDS: &[&str] =
    &["pods", "deployments", "statefulsets", "daemonsets", "jobs"];
/// The kinds a bare name in a port-forward may be.
pub(crate) const FORWARD_KINDS: &[&str] = &["pods", "services", "deployments", "statefulsets"];

/// The clause as one of the templates, or `None`.
pub(crate) fn recognize(toks: &[Tok]) -> Option<Recognized> {
    if toks.is_empty() || toks.len() > 80 {
        return None;
    }
    let c = Clause { t: toks };
    c.question()
        .map(|op| Recognized::Plan(vec![op]))
        .or_else(|| c.exec_kubectl())
        .or_else(|| c.shell())
        .or_else(|| c.run_in())
        .or_else(|| c.forward())
}

/// A target as said: its kind when said, and its name.
struct Target {
    kind: Option<&'static KindInfo>,
    name: String,
}

struct Clause<'a> {
    t: &'a [Tok],
}

impl<'a> Clause<'a> {
    /// The word at `k` as the grammar matches it ("" for a quoted word or past the end).
    fn low(&self, k: usize) -> &str {
        self.t
            .get(k)
            .filter(|t| !t.quoted)
            .map_or("", |t| t.low.as_str())
    }

    fn is(&self, k: usize, words: &[&str]) -> bool {
        words.contains(&self.low(k))
    }

    /// The words `from..` lowercased, articles and possessives left out; `None`
    /// when one of them is quoted (a quoted word is a name, never a question word).
    fn plain_words(&self, from: usize) -> Option<Vec<&str>> {
        let mut out = Vec::new();
        for t in self.t.get(from..)? {
            if t.quoted {
                return None;
            }
            if !matches!(t.low.as_str(), "the" | "my" | "our" | "this" | "a") {
                out.push(t.low.as_str());
            }
        }
        Some(out)
    }

    // ---- questions ------------------------------------------------------------

    fn question(&self) -> Option<Operation> {
        let words = self.plain_words(0)?;
        // "which namespace am I in", "what's my current namespace".
        let shape: Vec<&str> = words
            .iter()
            .map(|w| match *w {
                "which" => "what",
                "ns" => "namespace",
                "active" => "current",
                "we" => "i",
                "are" => "am",
                "cluster" | "server" => "S",
                "kubernetes" | "k8s" => "K",
                other => other,
            })
            .collect();
        const NAMESPACE: &[&[&str]] = &[
            &["what", "namespace", "am", "i", "in"],
            &["what", "namespace", "am", "i", "using"],
            &["what", "namespace", "am", "i", "working", "in"],
            &["what", "is", "current", "namespace"],
            &["what", "current", "namespace", "is", "it"],
            &["show", "current", "namespace"],
            &["print", "current", "namespace"],
            &["current", "namespace"],
        ];
        const VERSION: &[&[&str]] = &[
            &["what", "version", "is", "S"],
            &["what", "version", "is", "S", "running"],
            &["what", "version", "of", "K", "is", "S", "running"],
            &["what", "version", "of", "K", "is", "running"],
            &["what", "version", "of", "K", "is", "S", "on"],
            &["what", "K", "version", "is", "S", "running"],
            &["what", "K", "version", "is", "running"],
            &["what", "is", "S", "version"],
            &["what", "is", "K", "version"],
            &["what", "is", "S", "K", "version"],
            &["show", "S", "version"],
            &["show", "K", "version"],
            &["S", "version"],
            &["K", "version"],
            &["kubectl", "version"],
        ];
        if NAMESPACE.contains(&shape.as_slice()) {
            return Some(Operation::CurrentNamespace {});
        }
        if VERSION.contains(&shape.as_slice()) {
            return Some(Operation::Version {});
        }
        // "what's running in shop", "what is deployed in the shop namespace".
        if self.is(0, &["what"]) && self.is(1, &["is"]) && self.is(2, &["running", "deployed"]) {
            let (namespace, all_namespaces) = self.scope(3, self.t.len())?;
            return Some(Operation::Get {
                kinds: ["deployments", "statefulsets", "daemonsets", "pods"]
                    .map(String::from)
                    .into(),
                name: None,
                namespace,
                all_namespaces,
                selector: None,
                field_selector: None,
                output: None,
                columns: vec![],
                jsonpath: None,
                sort_by: None,
                show_labels: false,
            });
        }
        None
    }

    /// Words `from..to` as a namespace scope: nothing, "in X", "in namespace X",
    /// "in the X namespace", "-n X", "across all namespaces", "everywhere".
    fn scope(&self, from: usize, to: usize) -> Option<(Option<String>, bool)> {
        let n = to.checked_sub(from)?;
        let at = |k: usize| from + k;
        let name = |k: usize| {
            self.t
                .get(at(k))
                .filter(|t| name_like(t) && (t.quoted || kind(std::slice::from_ref(t)).is_none()))
                .map(|t| t.raw.clone())
        };
        match n {
            0 => Some((None, false)),
            1 if self.is(at(0), &["everywhere"]) => Some((None, true)),
            2 if self.is(at(0), &["in", "inside", "within"]) => Some((Some(name(1)?), false)),
            2 if self.is(at(0), &["-n", "--namespace"]) => Some((Some(name(1)?), false)),
            3 if self.is(at(0), &["in", "across"])
                && self.is(at(1), &["all", "every"])
                && self.is(at(2), &["namespaces", "namespace"]) =>
            {
                Some((None, true))
            }
            3 if self.is(at(0), &["in"]) && self.is(at(1), &["namespace", "ns"]) => {
                Some((Some(name(2)?), false))
            }
            3 if self.is(at(0), &["in"]) && self.is(at(2), &["namespace", "ns"]) => {
                Some((Some(name(1)?), false))
            }
            4 if self.is(at(0), &["in"])
                && self.is(at(1), &["the"])
                && self.is(at(3), &["namespace", "ns"]) =>
            {
                Some((Some(name(2)?), false))
            }
            _ => None,
        }
    }

    /// What `within(end)` makes of the words before a trailing namespace phrase
    /// (none, "in shop", "in namespace shop", "-n shop"…), with that namespace:
    /// the longest phrase that leaves words `within` can place.
    fn scoped<T>(
        &self,
        from: usize,
        within: impl Fn(usize) -> Option<T>,
    ) -> Option<(T, Option<String>)> {
        let end = self.t.len();
        (from.max(end.saturating_sub(4))..=end).find_map(|start| match self.scope(start, end) {
            Some((namespace, false)) => within(start).map(|found| (found, namespace)),
            _ => None,
        })
    }

    /// The target of an exec or port-forward at `k..end` (exactly): `KIND NAME`,
    /// `NAME KIND`, `KIND/NAME` or a bare `NAME`, after an optional "the".
    fn target(&self, mut k: usize, end: usize) -> Option<Target> {
        k += usize::from(self.is(k, &["the"]));
        let toks = self.t.get(k..end)?;
        let plain_name =
            |t: &Tok| name_like(t) && (t.quoted || kind(std::slice::from_ref(t)).is_none());
        match toks {
            [one] if !one.quoted && one.raw.contains('/') => {
                let (kind_word, name) = one.raw.split_once('/')?;
                let info = crate::plan::kinds::lookup(kind_word)?;
                Some(Target {
                    kind: Some(info),
                    name: name.to_string(),
                })
            }
            [one] if plain_name(one) => Some(Target {
                kind: None,
                name: one.raw.clone(),
            }),
            _ => {
                if let Some((info, false, used)) = kind(toks)
                    && let [name] = &toks[used..]
                    && plain_name(name)
                {
                    return Some(Target {
                        kind: Some(info),
                        name: name.raw.clone(),
                    });
                }
                let (first, rest) = toks.split_first()?;
                if plain_name(first)
                    && let Some((info, false, used)) = kind(rest)
                    && used == rest.len()
                {
                    return Some(Target {
                        kind: Some(info),
                        name: first.raw.clone(),
                    });
                }
                None
            }
        }
    }

    // ---- exec -------------------------------------------------------------------

    /// `exec [-it] TARGET [-c C] [-n NS] -- COMMAND...`, as kubectl takes it.
    fn exec_kubectl(&self) -> Option<Recognized> {
        if !self.is(0, &["exec"]) {
            return None;
        }
        let dashes = self.t.iter().position(|t| !t.quoted && t.low == "--")?;
        let command: Vec<String> = self.t[dashes + 1..].iter().map(|t| t.raw.clone()).collect();
        let mut interactive = false;
        let (mut container, mut namespace) = (None, None);
        let mut rest: Vec<&Tok> = Vec::new();
        let mut k = 1;
        while k < dashes {
            match self.low(k) {
                "-it" | "-ti" => interactive = true,
                "-i" | "-t" | "--stdin" | "--tty" => {
                    // Both or neither: a terminal without input (or input without one) is not a shell.
                    let pair = if matches!(self.low(k), "-i" | "--stdin") {
                        ["-t", "--tty"]
                    } else {
                        ["-i", "--stdin"]
                    };
                    if !self.is(k + 1, &pair) {
                        return None;
                    }
                    interactive = true;
                    k += 1;
                }
                "-c" | "--container" if container.is_none() => {
                    container = Some(self.t.get(k + 1).filter(|t| flag_value(t))?.raw.clone());
                    k += 1;
                }
                "-n" | "--namespace" if namespace.is_none() => {
                    namespace = Some(self.t.get(k + 1).filter(|t| flag_value(t))?.raw.clone());
                    k += 1;
                }
                w if w.starts_with('-') => return None,
                _ => rest.push(&self.t[k]),
            }
            k += 1;
        }
        let rest: Vec<Tok> = rest.into_iter().cloned().collect();
        let target = Clause { t: &rest }.target(0, rest.len())?;
        exec(target, namespace, container, command, interactive)
    }

    /// "open a shell in api", "get a bash shell into pod web-1 in shop", "exec into web-1".
    fn shell(&self) -> Option<Recognized> {
        let mut k = 0;
        let mut program = "sh";
        if self.is(0, &["exec", "shell", "ssh"]) {
            k = 1;
        } else {
            if !self.is(0, &["open", "start", "get", "launch", "give"]) {
                return None;
            }
            k += 1;
            k += usize::from(self.is(0, &["give"]) && self.is(1, &["me"]));
            k += usize::from(self.is(k, &["a", "an"]));
            k += usize::from(self.is(k, &["interactive"]));
            if self.is(k, &["bash"]) {
                program = "bash";
                k += 1;
                k += usize::from(self.is(k, &["shell"]));
            } else if self.is(k, &["sh", "shell", "terminal", "console"]) {
                k += 1;
            } else {
                return None;
            }
        }
        if !self.is(k, &["in", "into", "inside", "on", "to", "for"]) {
            return None;
        }
        let (target, namespace) = self.scoped(k + 1, |end| self.target(k + 1, end))?;
        exec(target, namespace, None, vec![program.to_string()], true)
    }

    /// "run ls / in pod api-5c4", "execute env inside the api-5c4 pod in shop": the
    /// command is every word between the verb and the pod, which must be said with its kind.
    fn run_in(&self) -> Option<Recognized> {
        if !self.is(0, &["run", "execute", "exec"]) {
            return None;
        }
        let ((anchor, target), namespace) = self.scoped(2, |end| {
            // The last "in/inside/on" before a target said with its kind: the
            // command may hold such words too.
            (2..end).rev().find_map(|k| {
                self.is(k, &["in", "inside", "on"])
                    .then(|| self.target(k + 1, end))
                    .flatten()
                    .filter(|t| t.kind.is_some())
                    .map(|t| (k, t))
            })
        })?;
        let words = &self.t[1..anchor];
        // One program word, then its arguments; a quoted program with spaces is a shell line.
        if words.first()?.raw.contains(char::is_whitespace) {
            return None;
        }
        let command = words.iter().map(|t| t.raw.clone()).collect();
        exec(target, namespace, None, command, false)
    }

    // ---- port-forward -----------------------------------------------------------

    /// "forward port 8080 to web", "forward local port 8080 to port 80 of service
    /// web in shop", `port-forward svc/web 8080:80 -n shop`.
    fn forward(&self) -> Option<Recognized> {
        let k = if self.is(0, &["port-forward", "portforward", "pf"]) {
            1
        } else if self.is(0, &["port"]) && self.is(1, &["forward"]) {
            2
        } else if self.is(0, &["forward"]) {
            1
        } else {
            return None;
        };
        let ((target, local, remote), namespace) = self.scoped(k, |end| {
            // kubectl's own order: TARGET PORT[:PORT].
            if end >= k + 2
                && let Some((local, remote)) = ports(self.low(end - 1))
            {
                return Some((self.target(k, end - 1)?, local, remote));
            }
            // "[local] port L to [port R of|on] TARGET"
            let mut k = k + usize::from(self.is(k, &["local"]));
            if !self.is(k, &["port"]) {
                return None;
            }
            let local = integer(self.low(k + 1))?;
            k += 2;
            if !self.is(k, &["to", "on"]) {
                return None;
            }
            k += 1;
            let mut remote = None;
            if self.is(k, &["port"]) {
                remote = Some(integer(self.low(k + 1))?);
                if !self.is(k + 2, &["of", "on"]) {
                    return None;
                }
                k += 3;
            }
            Some((self.target(k, end)?, local, remote))
        })?;
        forward(target, namespace, local, remote)
    }
}

/// The value after `-c` or `-n`: any word that is not another option (validation checks it).
fn flag_value(t: &Tok) -> bool {
    !t.raw.is_empty() && !t.raw.starts_with('-') && t.low != super::lex::BREAK
}

/// "8080" or "8080:80".
fn ports(word: &str) -> Option<(i64, Option<i64>)> {
    match word.split_once(':') {
        Some((local, remote)) => Some((integer(local)?, Some(integer(remote)?))),
        None => Some((integer(word)?, None)),
    }
}

fn exec(
    target: Target,
    namespace: Option<String>,
    container: Option<String>,
    command: Vec<String>,
    interactive: bool,
) -> Option<Recognized> {
    if command.is_empty() {
        return None;
    }
    let op = |kind: &str| {
        Operation::Exec(Exec {
            kind: kind.to_string(),
            name: target.name.clone(),
            namespace: namespace.clone(),
            container: container.clone(),
            command: command.clone(),
            interactive,
        })
    };
    Some(kinded(&target, &namespace, EXEC_KINDS, op))
}

/// The plan when the request gave the target's kind; otherwise the operation
/// waits for one read saying which of `kinds` the name is.
fn kinded(
    target: &Target,
    namespace: &Option<String>,
    kinds: &'static [&'static str],
    op: impl Fn(&str) -> Operation,
) -> Recognized {
    match target.kind {
        Some(info) => Recognized::Plan(vec![op(info.singular)]),
        None => Recognized::Unkinded {
            op: Box::new(op("pod")),
            name: target.name.clone(),
            namespace: namespace.clone(),
            kinds,
        },
    }
}

fn forward(
    target: Target,
    namespace: Option<String>,
    local_port: i64,
    remote_port: Option<i64>,
) -> Option<Recognized> {
    let op = |kind: &str| {
        Operation::PortForward(PortForward {
            kind: kind.to_string(),
            name: target.name.clone(),
            namespace: namespace.clone(),
            local_port,
            remote_port,
        })
    };
    Some(kinded(&target, &namespace, FORWARD_KINDS, op))
}
