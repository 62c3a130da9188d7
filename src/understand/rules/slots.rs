//! What a sentence said, before deciding which operation it asks for.
//!
//! The phrase grammar ([`super::phrases`]) fills these slots; a family builder then
//! *takes* the slots its operation uses. Whatever is left over means the sentence
//! said something the operation cannot carry, and the sentence falls through to the
//! model instead of being half-understood.

use crate::plan::kinds::KindInfo;
use crate::plan::{OutputFormat, Resources, ServiceType};

/// An object the sentence refers to: a kind, names, or both.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Obj {
    pub kind: Option<&'static KindInfo>,
    pub plural: bool,
    pub names: Vec<String>,
    /// The name came before the kind ("the api deployment", "an nginx pod").
    pub before: bool,
}

/// Topic words: what the sentence is about, beyond the verb.
pub(crate) mod topic {
    pub const LOGS: u32 = 1;
    pub const EVENTS: u32 = 1 << 1;
    pub const WARNINGS: u32 = 1 << 2;
    pub const USAGE: u32 = 1 << 3;
    pub const HISTORY: u32 = 1 << 4;
    pub const STATUS: u32 = 1 << 5;
    pub const ROLLOUT: u32 = 1 << 6;
    pub const DETAILS: u32 = 1 << 7;
    pub const CONTEXTS: u32 = 1 << 8;
    pub const CONTEXT: u32 = 1 << 9;
    pub const CURRENT: u32 = 1 << 10;
    pub const ENDPOINTS: u32 = 1 << 11;
    pub const API_RESOURCES: u32 = 1 << 12;
    pub const IMAGE: u32 = 1 << 13;
    pub const ENV: u32 = 1 << 14;
    pub const LABEL: u32 = 1 << 15;
    pub const ANNOTATION: u32 = 1 << 16;
    pub const REPLICAS: u32 = 1 << 17;
    pub const BACK: u32 = 1 << 18;
    pub const PREVIOUS_VERSION: u32 = 1 << 19;
    pub const AUTOSCALE: u32 = 1 << 20;
    pub const SCHEDULABLE: u32 = 1 << 21;
    pub const UNSCHEDULABLE: u32 = 1 << 22;
    pub const SERVICE: u32 = 1 << 23;
}

/// Which resource a "cpu limit" / "memory request" phrase is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Res {
    Cpu,
    Memory,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bound {
    Request,
    Limit,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Slots {
    pub objs: Vec<Obj>,
    pub called: Option<String>,
    pub namespace: Option<String>,
    pub all_namespaces: bool,
    pub selector: Vec<String>,
    pub fields: Vec<String>,
    pub node: Option<String>,
    pub output: Option<OutputFormat>,
    pub sort: Option<&'static str>,
    pub container: Option<String>,
    pub all_containers: bool,
    pub tail: Option<i64>,
    pub since: Option<String>,
    pub previous: bool,
    /// "follow the logs", `-f`: keep streaming them.
    pub follow: bool,
    pub to_num: Option<i64>,
    pub to_value: Option<String>,
    pub by_num: Option<i64>,
    pub by_percent: Option<i64>,
    pub percent: Option<i64>,
    pub count: Option<i64>,
    pub from_num: Option<i64>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub cpu_percent: Option<i64>,
    pub up: bool,
    pub down: bool,
    pub image: Option<String>,
    pub port: Option<i64>,
    pub target_port: Option<i64>,
    pub service_type: Option<ServiceType>,
    pub revision: Option<i64>,
    /// `key=value` (or `key!=value`) words, as typed.
    pub pairs: Vec<String>,
    /// Keys named for removal ("remove label tier", "tier-").
    pub keys: Vec<String>,
    /// Resource phrases waiting for their quantity ("memory limit … to 512Mi").
    pub pending: Vec<(Res, Bound)>,
    pub requests: Resources,
    pub limits: Resources,
    pub context: Option<String>,
    pub topics: u32,
    pub overwrite: bool,
    pub emptydir: bool,
    pub recursive: bool,
    /// "restart everything": every workload (read from the cluster at plan time).
    pub everything: bool,
    /// "to nginx 1.27": the version said after a repository.
    pub version: Option<String>,
}

impl Slots {
    pub fn has(&self, t: u32) -> bool {
        self.topics & t != 0
    }

    /// Takes the topic bits `t` and says whether any was present.
    pub fn take_topic(&mut self, t: u32) -> bool {
        let had = self.has(t);
        self.topics &= !t;
        had
    }

    /// True when every slot has been taken by the builder.
    pub fn spent(&self) -> bool {
        *self == Slots::default()
    }

    /// The single object the sentence is about: at most one kind across all the
    /// phrases that named it, and all the names given. `called` counts as a name.
    pub fn take_target(&mut self) -> Option<(Option<&'static KindInfo>, Vec<String>)> {
        let mut kind: Option<&'static KindInfo> = None;
        let mut names = Vec::new();
        // A name said without its kind beside a name said with one ("remove the
        // tier … from pod x"): what the first one is, is a guess.
        let named = |o: &Obj| !o.names.is_empty();
        if self.objs.iter().any(|o| named(o) && o.kind.is_none())
            && self.objs.iter().any(|o| named(o) && o.kind.is_some())
        {
            return None;
        }
        for obj in std::mem::take(&mut self.objs) {
            if let Some(k) = obj.kind {
                if kind.is_some_and(|seen| seen != k) {
                    return None;
                }
                kind = Some(k);
            }
            names.extend(obj.names);
        }
        names.extend(self.called.take());
        Some((kind, names))
    }

    /// Like [`Slots::take_target`], for operations on exactly one named object;
    /// `default` is the kind when none was said and `allow` limits the kinds.
    pub fn take_one(&mut self, default: &str) -> Option<(String, String)> {
        let (kind, mut names) = self.take_target()?;
        if names.len() != 1 {
            return None;
        }
        let kind = kind.map_or(default.to_string(), |k| k.singular.to_string());
        Some((kind, names.remove(0)))
    }

    /// One or more names of one kind (for "restart web and api").
    pub fn take_many(&mut self, default: &str) -> Option<(String, Vec<String>)> {
        let (kind, names) = self.take_target()?;
        if names.is_empty() {
            return None;
        }
        let kind = kind.map_or(default.to_string(), |k| k.singular.to_string());
        Some((kind, names))
    }

    /// The namespace scope, unless both a namespace and "all namespaces" were said.
    pub fn take_scope(&mut self) -> Option<(Option<String>, bool)> {
        let ns = self.namespace.take();
        let all = std::mem::take(&mut self.all_namespaces);
        if ns.is_some() && all {
            return None;
        }
        Some((ns, all))
    }

    /// A namespace only (operations without "all namespaces").
    pub fn take_namespace(&mut self) -> Option<Option<String>> {
        match self.take_scope()? {
            (_, true) => None,
            (ns, false) => Some(ns),
        }
    }

    /// Label selector from explicit label phrases and bare `k=v` words.
    pub fn take_selector(&mut self) -> Option<String> {
        let mut all = std::mem::take(&mut self.selector);
        all.append(&mut self.pairs);
        (!all.is_empty()).then(|| all.join(","))
    }

    /// `key=value` words as key/value pairs.
    pub fn take_pairs(&mut self) -> Vec<crate::plan::KeyValue> {
        std::mem::take(&mut self.pairs)
            .into_iter()
            .map(|p| match p.split_once('=') {
                Some((k, v)) => crate::plan::KeyValue::new(k, v),
                None => crate::plan::KeyValue::new(p, ""),
            })
            .collect()
    }
}
