//! The one in-memory object store: buckets of JSON objects per resource,
//! a global resourceVersion counter, and a history of watch events that
//! watchers replay and then follow through a broadcast channel.
//!
//! The store does no validation; `ops` does that and then calls `put`/`remove`.

use std::collections::{BTreeMap, VecDeque};

use serde_json::{Value, json};
use tokio::sync::broadcast;

use crate::resources::ResourceType;
use crate::util::{name_of, ns_of};

/// One change, as sent to watchers.
#[derive(Debug, Clone)]
pub struct WatchEvent {
    pub rv: u64,
    pub kind: &'static str,
    pub key: String,
    pub object: Value,
}

const HISTORY: usize = 20_000;

pub struct Store {
    buckets: BTreeMap<String, BTreeMap<(String, String), Value>>,
    rv: u64,
    history: VecDeque<WatchEvent>,
    pub tx: broadcast::Sender<WatchEvent>,
    /// Pod logs by (namespace, pod): `{container: {current, previous}}`.
    pub logs: BTreeMap<(String, String), Value>,
}

impl Default for Store {
    fn default() -> Self {
        Self::new()
    }
}

impl Store {
    pub fn new() -> Store {
        let (tx, _) = broadcast::channel(4096);
        Store {
            buckets: BTreeMap::new(),
            rv: 1000,
            history: VecDeque::new(),
            tx,
            logs: BTreeMap::new(),
        }
    }

    pub fn current_rv(&self) -> u64 {
        self.rv
    }

    pub fn get(&self, t: &ResourceType, ns: &str, name: &str) -> Option<&Value> {
        self.buckets
            .get(&t.storage_key())?
            .get(&(ns.to_string(), name.to_string()))
    }

    pub fn exists(&self, t: &ResourceType, ns: &str, name: &str) -> bool {
        self.get(t, ns, name).is_some()
    }

    /// Objects of one type; `ns == None` means all namespaces.
    pub fn list(&self, t: &ResourceType, ns: Option<&str>) -> Vec<Value> {
        let Some(bucket) = self.buckets.get(&t.storage_key()) else {
            return Vec::new();
        };
        match ns {
            Some(ns) => bucket
                .range((ns.to_string(), String::new())..)
                .take_while(|((n, _), _)| n == ns)
                .map(|(_, v)| v.clone())
                .collect(),
            None => bucket.values().cloned().collect(),
        }
    }

    /// Every object in the store with its storage key (for cascading deletes).
    pub fn all_in_namespace(&self, ns: &str) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        for (key, bucket) in &self.buckets {
            for ((n, _), v) in bucket {
                if n == ns {
                    out.push((key.clone(), v.clone()));
                }
            }
        }
        out
    }

    /// Every object with its storage key.
    pub fn all(&self) -> Vec<(String, Value)> {
        self.buckets
            .iter()
            .flat_map(|(key, bucket)| bucket.values().map(move |v| (key.clone(), v.clone())))
            .collect()
    }

    /// Changes a stored object in place, keeping its resourceVersion and
    /// telling no watcher: for completing seeded data only.
    pub fn amend_seeded(&mut self, key: &str, ns: &str, name: &str, f: impl FnOnce(&mut Value)) {
        if let Some(obj) = self
            .buckets
            .get_mut(key)
            .and_then(|b| b.get_mut(&(ns.to_string(), name.to_string())))
        {
            f(obj);
        }
    }

    /// Stores the object, giving it a new resourceVersion; returns the stored copy.
    pub fn put(&mut self, t: &ResourceType, mut obj: Value) -> Value {
        self.rv += 1;
        if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("resourceVersion".into(), json!(self.rv.to_string()));
        }
        let key = (ns_of(&obj).to_string(), name_of(&obj).to_string());
        let bucket = self.buckets.entry(t.storage_key()).or_default();
        let kind = if bucket.contains_key(&key) {
            "MODIFIED"
        } else {
            "ADDED"
        };
        bucket.insert(key, obj.clone());
        self.record(kind, t.storage_key(), obj.clone());
        obj
    }

    pub fn remove(&mut self, t: &ResourceType, ns: &str, name: &str) -> Option<Value> {
        self.remove_key(&t.storage_key(), ns, name)
    }

    pub fn remove_key(&mut self, key: &str, ns: &str, name: &str) -> Option<Value> {
        let mut obj = self
            .buckets
            .get_mut(key)?
            .remove(&(ns.to_string(), name.to_string()))?;
        self.rv += 1;
        if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("resourceVersion".into(), json!(self.rv.to_string()));
        }
        if key == "/pods" {
            self.logs.remove(&(ns.to_string(), name.to_string()));
        }
        self.record("DELETED", key.to_string(), obj.clone());
        Some(obj)
    }

    fn record(&mut self, kind: &'static str, key: String, object: Value) {
        let ev = WatchEvent {
            rv: self.rv,
            kind,
            key,
            object,
        };
        if self.history.len() >= HISTORY {
            self.history.pop_front();
        }
        self.history.push_back(ev.clone());
        let _ = self.tx.send(ev);
    }

    /// Events after `rv` for one storage key, or None when history no longer reaches back.
    pub fn events_since(&self, key: &str, rv: u64) -> Option<Vec<WatchEvent>> {
        if let Some(first) = self.history.front()
            && first.rv > rv + 1
            && self.history.len() >= HISTORY
        {
            return None;
        }
        Some(
            self.history
                .iter()
                .filter(|e| e.rv > rv && e.key == key)
                .cloned()
                .collect(),
        )
    }
}
