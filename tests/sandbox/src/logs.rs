//! `pods/{name}/log`: serves seeded `PodLogs` text per container, current or
//! previous, with `tailLines`, `sinceSeconds`, `timestamps` and
//! `limitBytes`, and the apiserver's 400s for a bad container or a missing
//! previous instance.

use serde_json::Value;

use crate::api::Request;
use crate::errors::{ApiError, ApiResult};
use crate::resources;
use crate::store::Store;
use crate::util::{arr_at, now_secs, parse_rfc3339, rfc3339, str_at};

pub fn serve(store: &Store, req: &Request, ns: &str, name: &str) -> ApiResult<String> {
    let pods = resources::find("", "v1", "pods").ok_or_else(ApiError::path_not_found)?;
    let pod = store
        .get(pods, ns, name)
        .ok_or_else(|| ApiError::not_found(pods, name))?;
    let names: Vec<&str> = arr_at(pod, &["spec", "containers"])
        .iter()
        .chain(arr_at(pod, &["spec", "initContainers"]))
        .filter_map(|c| c.get("name").and_then(Value::as_str))
        .collect();
    let container = match req.param("container").filter(|c| !c.is_empty()) {
        Some(c) => c.to_string(),
        None if names.len() == 1 => names[0].to_string(),
        None => {
            return Err(ApiError::bad_request(format!(
                "a container name must be specified for pod {name}, choose one of: [{}]",
                names.join(" ")
            )));
        }
    };
    if !names.contains(&container.as_str()) {
        return Err(ApiError::bad_request(format!(
            "container {container} is not valid for pod {name}"
        )));
    }
    let previous = matches!(req.param("previous"), Some("true" | "1"));
    let seeded = store
        .logs
        .get(&(ns.to_string(), name.to_string()))
        .and_then(|c| c.get(&container));
    let text = if previous {
        let terminated = arr_at(pod, &["status", "containerStatuses"])
            .iter()
            .any(|s| {
                str_at(s, &["name"]) == Some(&container)
                    && s.pointer("/lastState/terminated").is_some()
            });
        match seeded
            .and_then(|s| s.get("previous"))
            .and_then(Value::as_str)
        {
            Some(t) => t.to_string(),
            None if terminated => String::new(),
            None => {
                return Err(ApiError::bad_request(format!(
                    "previous terminated container \"{container}\" in pod \"{name}\" not found"
                )));
            }
        }
    } else {
        seeded
            .and_then(|s| s.get("current").or(Some(s)))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let started = str_at(pod, &["status", "startTime"])
        .or(str_at(pod, &["metadata", "creationTimestamp"]))
        .and_then(parse_rfc3339)
        .unwrap_or_else(now_secs);
    let mut lines: Vec<(i64, String)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            // Lines that start with an RFC 3339 time keep it; others are spread from pod start.
            let ts = l
                .split_whitespace()
                .next()
                .and_then(parse_rfc3339)
                .unwrap_or(started + i as i64);
            (ts, l.to_string())
        })
        .collect();
    if let Some(since) = req
        .param("sinceSeconds")
        .and_then(|s| s.parse::<i64>().ok())
    {
        let cutoff = now_secs() - since;
        lines.retain(|(ts, _)| *ts >= cutoff);
    }
    if let Some(since) = req.param("sinceTime").and_then(parse_rfc3339) {
        lines.retain(|(ts, _)| *ts >= since);
    }
    if let Some(n) = req.param("tailLines").and_then(|s| s.parse::<i64>().ok())
        && n >= 0
    {
        let skip = lines.len().saturating_sub(n as usize);
        lines.drain(..skip);
    }
    let timestamps = matches!(req.param("timestamps"), Some("true" | "1"));
    let mut out = String::new();
    for (ts, l) in lines {
        if timestamps
            && l.split_whitespace()
                .next()
                .and_then(parse_rfc3339)
                .is_none()
        {
            let stamp = rfc3339(ts).replace('Z', ".000000000Z");
            out.push_str(&stamp);
            out.push(' ');
        }
        out.push_str(&l);
        out.push('\n');
    }
    if let Some(limit) = req
        .param("limitBytes")
        .and_then(|s| s.parse::<usize>().ok())
        && out.len() > limit
    {
        let mut cut = limit;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
    }
    Ok(out)
}
