//! Discovery documents (`/version`, `/api`, `/api/v1`, `/apis`,
//! `/apis/<group>/<version>`) built from the resource table. They are the
//! legacy (unaggregated) forms; kubectl accepts them when answered with
//! `application/json` and then asks each group/version in turn.

use serde_json::{Value, json};

use crate::resources::{self, ResourceType};

pub const GIT_VERSION: &str = "v1.32.4";

pub fn version() -> Value {
    json!({
        "major": "1",
        "minor": "32",
        "gitVersion": GIT_VERSION,
        "gitCommit": "59526cd4867447956156ae3a602fcbac5a7f8ebf",
        "gitTreeState": "clean",
        "buildDate": "2025-04-22T16:00:00Z",
        "goVersion": "go1.23.8",
        "compiler": "gc",
        "platform": "linux/amd64",
    })
}

pub fn core_versions() -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}],
    })
}

pub fn group_list() -> Value {
    let groups: Vec<Value> = resources::groups()
        .into_iter()
        .filter(|(g, _)| !g.is_empty())
        .map(|(g, versions)| {
            let vs: Vec<Value> = versions
                .iter()
                .map(|v| json!({"groupVersion": format!("{g}/{v}"), "version": v}))
                .collect();
            json!({
                "name": g,
                "versions": vs,
                "preferredVersion": vs[0],
            })
        })
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

pub fn group(name: &str) -> Option<Value> {
    group_list()["groups"]
        .as_array()?
        .iter()
        .find(|g| g["name"] == name)
        .map(|g| {
            let mut g = g.clone();
            g["kind"] = json!("APIGroup");
            g["apiVersion"] = json!("v1");
            g
        })
}

fn entry(t: &ResourceType) -> Value {
    let mut e = json!({
        "name": t.plural,
        "singularName": t.singular,
        "namespaced": t.namespaced,
        "kind": t.kind,
        "verbs": t.verbs,
    });
    if !t.short_names.is_empty() {
        e["shortNames"] = json!(t.short_names);
    }
    if !t.categories.is_empty() {
        e["categories"] = json!(t.categories);
    }
    e["storageVersionHash"] = json!(crate::util::template_hash(&json!([t.group, t.plural])));
    e
}

/// APIResourceList for one group/version, or None if not served.
pub fn resource_list(group: &str, version: &str) -> Option<Value> {
    let types = resources::in_group_version(group, version);
    if types.is_empty() {
        return None;
    }
    let mut list = Vec::new();
    for t in &types {
        list.push(entry(t));
        for sub in t.subresources {
            let mut e = json!({
                "name": format!("{}/{}", t.plural, sub.name),
                "singularName": "",
                "namespaced": t.namespaced,
                "kind": if sub.kind.is_empty() { t.kind } else { sub.kind },
                "verbs": sub.verbs,
            });
            if !sub.group.is_empty() {
                e["group"] = json!(sub.group);
                e["version"] = json!(sub.version);
            }
            list.push(e);
        }
    }
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    Some(json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": gv,
        "resources": list,
    }))
}
