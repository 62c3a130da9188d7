//! Server-side printing: `meta.k8s.io/v1 Table` answers with the columns
//! the real apiserver's printers produce, so `kubectl get` (which asks for
//! `as=Table`) prints what it prints against a real cluster, including the
//! pod STATUS reason logic and the `-o wide` (priority 1) columns.

use serde_json::{Value, json};

use crate::resources::ResourceType;
use crate::util::{age, arr_at, at, i64_at, name_of, parse_rfc3339, str_at};

struct Col(&'static str, &'static str, u8);

fn col_defs(cols: &[Col]) -> Value {
    Value::Array(
        cols.iter()
            .map(|Col(name, ty, prio)| {
                let format = if *name == "Name" { "name" } else { "" };
                json!({"name": name, "type": ty, "format": format, "description": "", "priority": prio})
            })
            .collect(),
    )
}

fn s(v: impl Into<String>) -> Value {
    Value::String(v.into())
}

fn none_if_empty(v: &str) -> Value {
    if v.is_empty() { s("<none>") } else { s(v) }
}

fn created(o: &Value) -> Value {
    s(age(str_at(o, &["metadata", "creationTimestamp"])))
}

fn containers_images(spec: &Value) -> (Value, Value) {
    let cs = arr_at(spec, &["containers"]);
    let names: Vec<&str> = cs
        .iter()
        .filter_map(|c| c.get("name").and_then(Value::as_str))
        .collect();
    let images: Vec<&str> = cs
        .iter()
        .filter_map(|c| c.get("image").and_then(Value::as_str))
        .collect();
    (s(names.join(",")), s(images.join(",")))
}

/// `metav1.LabelSelector` printed like `metav1.FormatLabelSelector`.
fn format_selector(sel: Option<&Value>) -> String {
    let Some(sel) = sel else {
        return "<none>".into();
    };
    let mut parts = Vec::new();
    if let Some(m) = sel.get("matchLabels").and_then(Value::as_object) {
        for (k, v) in m {
            parts.push(format!("{k}={}", v.as_str().unwrap_or("")));
        }
    }
    for e in arr_at(sel, &["matchExpressions"]) {
        let key = e.get("key").and_then(Value::as_str).unwrap_or("");
        let vals: Vec<&str> = arr_at(e, &["values"])
            .iter()
            .filter_map(Value::as_str)
            .collect();
        match e.get("operator").and_then(Value::as_str).unwrap_or("") {
            "In" => parts.push(format!("{key} in ({})", vals.join(","))),
            "NotIn" => parts.push(format!("{key} notin ({})", vals.join(","))),
            "Exists" => parts.push(key.to_string()),
            "DoesNotExist" => parts.push(format!("!{key}")),
            _ => {}
        }
    }
    if parts.is_empty() {
        "<none>".into()
    } else {
        parts.join(",")
    }
}

fn format_map(m: Option<&Value>) -> String {
    match m.and_then(Value::as_object) {
        Some(m) if !m.is_empty() => m
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
            .collect::<Vec<_>>()
            .join(","),
        _ => "<none>".into(),
    }
}

fn int(o: &Value, path: &[&str]) -> i64 {
    i64_at(o, path).unwrap_or(0)
}

/// The STATUS column of `kubectl get pods`, computed like the server's printPod.
pub fn pod_status(pod: &Value) -> (String, i64, i64, i64, Option<String>) {
    let total = arr_at(pod, &["spec", "containers"]).len() as i64;
    let mut ready = 0;
    let mut restarts = 0;
    let mut last_restart: Option<String> = None;
    let mut reason = str_at(pod, &["status", "phase"]).unwrap_or("").to_string();
    if let Some(r) = str_at(pod, &["status", "reason"]).filter(|r| !r.is_empty()) {
        reason = r.to_string();
    }
    for c in arr_at(pod, &["status", "conditions"]) {
        if str_at(c, &["type"]) == Some("PodScheduled")
            && str_at(c, &["reason"]) == Some("SchedulingGated")
        {
            reason = "SchedulingGated".into();
        }
    }
    let inits = arr_at(pod, &["status", "initContainerStatuses"]);
    let n_init = arr_at(pod, &["spec", "initContainers"]).len();
    let mut initializing = false;
    for (i, c) in inits.iter().enumerate() {
        restarts += int(c, &["restartCount"]);
        let term = at(c, &["state", "terminated"]);
        let waiting = str_at(c, &["state", "waiting", "reason"]).unwrap_or("");
        if term.is_some_and(|t| int(t, &["exitCode"]) == 0) {
            continue;
        }
        if let Some(t) = term {
            let r = str_at(t, &["reason"]).unwrap_or("");
            reason = if r.is_empty() {
                if int(t, &["signal"]) != 0 {
                    format!("Init:Signal:{}", int(t, &["signal"]))
                } else {
                    format!("Init:ExitCode:{}", int(t, &["exitCode"]))
                }
            } else {
                format!("Init:{r}")
            };
        } else if !waiting.is_empty() && waiting != "PodInitializing" {
            reason = format!("Init:{waiting}");
        } else {
            reason = format!("Init:{i}/{n_init}");
        }
        initializing = true;
        break;
    }
    let initialized = arr_at(pod, &["status", "conditions"]).iter().any(|c| {
        str_at(c, &["type"]) == Some("Initialized") && str_at(c, &["status"]) == Some("True")
    });
    if !initializing || initialized {
        restarts = 0;
        let mut has_running = false;
        for c in arr_at(pod, &["status", "containerStatuses"]).iter().rev() {
            restarts += int(c, &["restartCount"]);
            if let Some(f) = str_at(c, &["lastState", "terminated", "finishedAt"])
                && last_restart
                    .as_deref()
                    .is_none_or(|l| parse_rfc3339(f) > parse_rfc3339(l))
            {
                last_restart = Some(f.to_string());
            }
            let waiting = str_at(c, &["state", "waiting", "reason"]).unwrap_or("");
            let term = at(c, &["state", "terminated"]);
            if !waiting.is_empty() {
                reason = waiting.to_string();
            } else if let Some(t) = term {
                let r = str_at(t, &["reason"]).unwrap_or("");
                reason = if !r.is_empty() {
                    r.to_string()
                } else if int(t, &["signal"]) != 0 {
                    format!("Signal:{}", int(t, &["signal"]))
                } else {
                    format!("ExitCode:{}", int(t, &["exitCode"]))
                };
            } else if c.get("ready").and_then(Value::as_bool).unwrap_or(false)
                && at(c, &["state", "running"]).is_some()
            {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            let pod_ready = arr_at(pod, &["status", "conditions"]).iter().any(|c| {
                str_at(c, &["type"]) == Some("Ready") && str_at(c, &["status"]) == Some("True")
            });
            reason = if pod_ready {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }
    let phase = str_at(pod, &["status", "phase"]).unwrap_or("");
    if at(pod, &["metadata", "deletionTimestamp"]).is_some() {
        if str_at(pod, &["status", "reason"]) == Some("NodeLost") {
            reason = "Unknown".into();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".into();
        }
    }
    (reason, ready, total, restarts, last_restart)
}

fn pod_row(p: &Value) -> Vec<Value> {
    let (reason, ready, total, restarts, last) = pod_status(p);
    let restarts = match last {
        Some(l) if restarts != 0 => format!("{restarts} ({} ago)", age(Some(&l))),
        _ => restarts.to_string(),
    };
    let ip = arr_at(p, &["status", "podIPs"])
        .first()
        .and_then(|i| str_at(i, &["ip"]))
        .or(str_at(p, &["status", "podIP"]))
        .unwrap_or("");
    let gates = arr_at(p, &["spec", "readinessGates"]);
    let gates = if gates.is_empty() {
        "<none>".to_string()
    } else {
        let ok = gates
            .iter()
            .filter(|g| {
                let t = str_at(g, &["conditionType"]);
                arr_at(p, &["status", "conditions"])
                    .iter()
                    .any(|c| str_at(c, &["type"]) == t && str_at(c, &["status"]) == Some("True"))
            })
            .count();
        format!("{ok}/{}", gates.len())
    };
    vec![
        s(name_of(p)),
        s(format!("{ready}/{total}")),
        s(reason),
        s(restarts),
        created(p),
        none_if_empty(ip),
        none_if_empty(str_at(p, &["spec", "nodeName"]).unwrap_or("")),
        none_if_empty(str_at(p, &["status", "nominatedNodeName"]).unwrap_or("")),
        s(gates),
    ]
}

fn service_row(o: &Value) -> Vec<Value> {
    let ty = str_at(o, &["spec", "type"]).unwrap_or("ClusterIP");
    let cluster_ip = str_at(o, &["spec", "clusterIP"]).unwrap_or("");
    let externals: Vec<&str> = arr_at(o, &["spec", "externalIPs"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let external = match ty {
        "ClusterIP" | "NodePort" => {
            if externals.is_empty() {
                "<none>".to_string()
            } else {
                externals.join(",")
            }
        }
        "LoadBalancer" => {
            let mut ips: Vec<String> = arr_at(o, &["status", "loadBalancer", "ingress"])
                .iter()
                .filter_map(|i| {
                    str_at(i, &["ip"])
                        .or(str_at(i, &["hostname"]))
                        .map(str::to_string)
                })
                .collect();
            ips.extend(externals.iter().map(|s| s.to_string()));
            if ips.is_empty() {
                "<pending>".to_string()
            } else {
                ips.join(",")
            }
        }
        "ExternalName" => str_at(o, &["spec", "externalName"])
            .unwrap_or("")
            .to_string(),
        _ => "<unknown>".to_string(),
    };
    let ports: Vec<String> = arr_at(o, &["spec", "ports"])
        .iter()
        .map(|p| {
            let proto = str_at(p, &["protocol"]).unwrap_or("TCP");
            match i64_at(p, &["nodePort"]) {
                Some(np) if np != 0 => format!("{}:{np}/{proto}", int(p, &["port"])),
                _ => format!("{}/{proto}", int(p, &["port"])),
            }
        })
        .collect();
    vec![
        s(name_of(o)),
        s(ty),
        none_if_empty(cluster_ip),
        s(external),
        none_if_empty(&ports.join(",")),
        created(o),
        s(format_map(at(o, &["spec", "selector"]))),
    ]
}

fn node_row(o: &Value) -> Vec<Value> {
    let mut status: Vec<String> = Vec::new();
    for c in arr_at(o, &["status", "conditions"]) {
        if str_at(c, &["type"]) == Some("Ready") {
            status.push(if str_at(c, &["status"]) == Some("True") {
                "Ready".into()
            } else {
                "NotReady".into()
            });
        }
    }
    if status.is_empty() {
        status.push("Unknown".into());
    }
    if o.pointer("/spec/unschedulable")
        .and_then(Value::as_bool)
        .unwrap_or(false)
    {
        status.push("SchedulingDisabled".into());
    }
    let mut roles: Vec<String> = crate::util::labels(o)
        .into_iter()
        .filter_map(|(k, _)| {
            k.strip_prefix("node-role.kubernetes.io/")
                .map(str::to_string)
        })
        .collect();
    roles.sort();
    let addr = |t: &str| {
        arr_at(o, &["status", "addresses"])
            .iter()
            .find(|a| str_at(a, &["type"]) == Some(t))
            .and_then(|a| str_at(a, &["address"]))
            .unwrap_or("<none>")
            .to_string()
    };
    let info = |k: &str| {
        str_at(o, &["status", "nodeInfo", k])
            .unwrap_or("<unknown>")
            .to_string()
    };
    vec![
        s(name_of(o)),
        s(status.join(",")),
        s(if roles.is_empty() {
            "<none>".into()
        } else {
            roles.join(",")
        }),
        created(o),
        s(info("kubeletVersion")),
        s(addr("InternalIP")),
        s(addr("ExternalIP")),
        s(info("osImage")),
        s(info("kernelVersion")),
        s(info("containerRuntimeVersion")),
    ]
}

fn endpoints_summary(o: &Value) -> String {
    let mut list = Vec::new();
    for sub in arr_at(o, &["subsets"]) {
        let ports = arr_at(sub, &["ports"]);
        for a in arr_at(sub, &["addresses"]) {
            let ip = str_at(a, &["ip"]).unwrap_or("");
            if ports.is_empty() {
                list.push(ip.to_string());
            }
            for p in ports {
                list.push(format!("{ip}:{}", int(p, &["port"])));
            }
        }
    }
    if list.is_empty() {
        return "<none>".into();
    }
    let more = list.len().saturating_sub(3);
    let head = list.into_iter().take(3).collect::<Vec<_>>().join(",");
    if more > 0 {
        format!("{head} + {more} more...")
    } else {
        head
    }
}

fn access_modes(o: &Value) -> String {
    arr_at(o, &["status", "accessModes"])
        .iter()
        .filter_map(Value::as_str)
        .map(|m| match m {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn hpa_targets(o: &Value) -> String {
    let current = arr_at(o, &["status", "currentMetrics"]);
    let metrics = arr_at(o, &["spec", "metrics"]);
    if metrics.is_empty() {
        return "<none>".into();
    }
    let parts: Vec<String> = metrics
        .iter()
        .map(|m| {
            let name = str_at(m, &["resource", "name"]).unwrap_or("");
            let target = i64_at(m, &["resource", "target", "averageUtilization"])
                .map(|u| format!("{u}%"))
                .or_else(|| str_at(m, &["resource", "target", "averageValue"]).map(str::to_string))
                .unwrap_or_else(|| "<unknown>".into());
            let cur = current
                .iter()
                .find(|c| str_at(c, &["resource", "name"]) == Some(name))
                .and_then(|c| i64_at(c, &["resource", "current", "averageUtilization"]))
                .map(|u| format!("{u}%"))
                .unwrap_or_else(|| "<unknown>".into());
            format!("{name}: {cur}/{target}")
        })
        .collect();
    parts.join(", ")
}

fn job_status(o: &Value) -> String {
    let has = |t: &str| {
        arr_at(o, &["status", "conditions"])
            .iter()
            .any(|c| str_at(c, &["type"]) == Some(t) && str_at(c, &["status"]) == Some("True"))
    };
    if has("Complete") {
        "Complete".into()
    } else if has("Failed") {
        "Failed".into()
    } else if has("FailureTarget") {
        "FailureTarget".into()
    } else if has("Suspended") {
        "Suspended".into()
    } else if has("SuccessCriteriaMet") {
        "SuccessCriteriaMet".into()
    } else {
        "Running".into()
    }
}

fn job_duration(o: &Value) -> String {
    let start = str_at(o, &["status", "startTime"]).and_then(parse_rfc3339);
    let end = str_at(o, &["status", "completionTime"]).and_then(parse_rfc3339);
    match (start, end) {
        (Some(s), Some(e)) => crate::util::human_duration(e - s),
        (Some(s), None) => crate::util::human_duration(crate::util::now_secs() - s),
        _ => String::new(),
    }
}

/// Columns and a row builder for one resource type.
type RowFn = fn(&Value) -> Vec<Value>;

fn printer(t: &ResourceType) -> (Vec<Col>, RowFn) {
    use Col as C;
    match (t.storage_group, t.plural) {
        ("", "pods") => (
            vec![
                C("Name", "string", 0),
                C("Ready", "string", 0),
                C("Status", "string", 0),
                C("Restarts", "string", 0),
                C("Age", "string", 0),
                C("IP", "string", 1),
                C("Node", "string", 1),
                C("Nominated Node", "string", 1),
                C("Readiness Gates", "string", 1),
            ],
            pod_row,
        ),
        ("apps", "deployments") => (
            vec![
                C("Name", "string", 0),
                C("Ready", "string", 0),
                C("Up-to-date", "string", 0),
                C("Available", "string", 0),
                C("Age", "string", 0),
                C("Containers", "string", 1),
                C("Images", "string", 1),
                C("Selector", "string", 1),
            ],
            |o| {
                let (c, i) =
                    containers_images(at(o, &["spec", "template", "spec"]).unwrap_or(&Value::Null));
                vec![
                    s(name_of(o)),
                    s(format!(
                        "{}/{}",
                        int(o, &["status", "readyReplicas"]),
                        i64_at(o, &["spec", "replicas"]).unwrap_or(1)
                    )),
                    json!(int(o, &["status", "updatedReplicas"])),
                    json!(int(o, &["status", "availableReplicas"])),
                    created(o),
                    c,
                    i,
                    s(format_selector(at(o, &["spec", "selector"]))),
                ]
            },
        ),
        ("apps", "replicasets") | ("", "replicationcontrollers") => (
            vec![
                C("Name", "string", 0),
                C("Desired", "integer", 0),
                C("Current", "integer", 0),
                C("Ready", "integer", 0),
                C("Age", "string", 0),
                C("Containers", "string", 1),
                C("Images", "string", 1),
                C("Selector", "string", 1),
            ],
            |o| {
                let (c, i) =
                    containers_images(at(o, &["spec", "template", "spec"]).unwrap_or(&Value::Null));
                let sel = at(o, &["spec", "selector"]);
                let sel = if sel.is_some_and(|s| {
                    s.get("matchLabels").is_some() || s.get("matchExpressions").is_some()
                }) {
                    format_selector(sel)
                } else {
                    format_map(sel)
                };
                vec![
                    s(name_of(o)),
                    json!(i64_at(o, &["spec", "replicas"]).unwrap_or(1)),
                    json!(int(o, &["status", "replicas"])),
                    json!(int(o, &["status", "readyReplicas"])),
                    created(o),
                    c,
                    i,
                    s(sel),
                ]
            },
        ),
        ("apps", "statefulsets") => (
            vec![
                C("Name", "string", 0),
                C("Ready", "string", 0),
                C("Age", "string", 0),
                C("Containers", "string", 1),
                C("Images", "string", 1),
            ],
            |o| {
                let (c, i) =
                    containers_images(at(o, &["spec", "template", "spec"]).unwrap_or(&Value::Null));
                vec![
                    s(name_of(o)),
                    s(format!(
                        "{}/{}",
                        int(o, &["status", "readyReplicas"]),
                        i64_at(o, &["spec", "replicas"]).unwrap_or(1)
                    )),
                    created(o),
                    c,
                    i,
                ]
            },
        ),
        ("apps", "daemonsets") => (
            vec![
                C("Name", "string", 0),
                C("Desired", "integer", 0),
                C("Current", "integer", 0),
                C("Ready", "integer", 0),
                C("Up-to-date", "integer", 0),
                C("Available", "integer", 0),
                C("Node Selector", "string", 0),
                C("Age", "string", 0),
                C("Containers", "string", 1),
                C("Images", "string", 1),
                C("Selector", "string", 1),
            ],
            |o| {
                let (c, i) =
                    containers_images(at(o, &["spec", "template", "spec"]).unwrap_or(&Value::Null));
                vec![
                    s(name_of(o)),
                    json!(int(o, &["status", "desiredNumberScheduled"])),
                    json!(int(o, &["status", "currentNumberScheduled"])),
                    json!(int(o, &["status", "numberReady"])),
                    json!(int(o, &["status", "updatedNumberScheduled"])),
                    json!(int(o, &["status", "numberAvailable"])),
                    s(format_map(at(
                        o,
                        &["spec", "template", "spec", "nodeSelector"],
                    ))),
                    created(o),
                    c,
                    i,
                    s(format_selector(at(o, &["spec", "selector"]))),
                ]
            },
        ),
        ("batch", "jobs") => (
            vec![
                C("Name", "string", 0),
                C("Status", "string", 0),
                C("Completions", "string", 0),
                C("Duration", "string", 0),
                C("Age", "string", 0),
                C("Containers", "string", 1),
                C("Images", "string", 1),
                C("Selector", "string", 1),
            ],
            |o| {
                let (c, i) =
                    containers_images(at(o, &["spec", "template", "spec"]).unwrap_or(&Value::Null));
                let completions = match i64_at(o, &["spec", "completions"]) {
                    Some(n) => format!("{}/{n}", int(o, &["status", "succeeded"])),
                    None => format!(
                        "{}/1 of {}",
                        int(o, &["status", "succeeded"]),
                        i64_at(o, &["spec", "parallelism"]).unwrap_or(1)
                    ),
                };
                vec![
                    s(name_of(o)),
                    s(job_status(o)),
                    s(completions),
                    s(job_duration(o)),
                    created(o),
                    c,
                    i,
                    s(format_selector(at(o, &["spec", "selector"]))),
                ]
            },
        ),
        ("batch", "cronjobs") => (
            vec![
                C("Name", "string", 0),
                C("Schedule", "string", 0),
                C("Timezone", "string", 0),
                C("Suspend", "boolean", 0),
                C("Active", "integer", 0),
                C("Last Schedule", "string", 0),
                C("Age", "string", 0),
                C("Containers", "string", 1),
                C("Images", "string", 1),
                C("Selector", "string", 1),
            ],
            |o| {
                let (c, i) = containers_images(
                    at(o, &["spec", "jobTemplate", "spec", "template", "spec"])
                        .unwrap_or(&Value::Null),
                );
                let last = str_at(o, &["status", "lastScheduleTime"])
                    .map(|t| age(Some(t)))
                    .unwrap_or_else(|| "<none>".into());
                vec![
                    s(name_of(o)),
                    s(str_at(o, &["spec", "schedule"]).unwrap_or("")),
                    none_if_empty(str_at(o, &["spec", "timeZone"]).unwrap_or("")),
                    json!(
                        o.pointer("/spec/suspend")
                            .and_then(Value::as_bool)
                            .unwrap_or(false)
                    ),
                    json!(arr_at(o, &["status", "active"]).len()),
                    s(last),
                    created(o),
                    c,
                    i,
                    s(format_selector(at(
                        o,
                        &["spec", "jobTemplate", "spec", "selector"],
                    ))),
                ]
            },
        ),
        ("", "services") => (
            vec![
                C("Name", "string", 0),
                C("Type", "string", 0),
                C("Cluster-IP", "string", 0),
                C("External-IP", "string", 0),
                C("Port(s)", "string", 0),
                C("Age", "string", 0),
                C("Selector", "string", 1),
            ],
            service_row,
        ),
        ("", "nodes") => (
            vec![
                C("Name", "string", 0),
                C("Status", "string", 0),
                C("Roles", "string", 0),
                C("Age", "string", 0),
                C("Version", "string", 0),
                C("Internal-IP", "string", 1),
                C("External-IP", "string", 1),
                C("OS-Image", "string", 1),
                C("Kernel-Version", "string", 1),
                C("Container-Runtime", "string", 1),
            ],
            node_row,
        ),
        ("", "namespaces") => (
            vec![
                C("Name", "string", 0),
                C("Status", "string", 0),
                C("Age", "string", 0),
            ],
            |o| {
                vec![
                    s(name_of(o)),
                    s(str_at(o, &["status", "phase"]).unwrap_or("Active")),
                    created(o),
                ]
            },
        ),
        ("", "configmaps") => (
            vec![
                C("Name", "string", 0),
                C("Data", "integer", 0),
                C("Age", "string", 0),
            ],
            |o| {
                let n = o
                    .get("data")
                    .and_then(Value::as_object)
                    .map_or(0, |m| m.len())
                    + o.get("binaryData")
                        .and_then(Value::as_object)
                        .map_or(0, |m| m.len());
                vec![s(name_of(o)), json!(n), created(o)]
            },
        ),
        ("", "secrets") => (
            vec![
                C("Name", "string", 0),
                C("Type", "string", 0),
                C("Data", "integer", 0),
                C("Age", "string", 0),
            ],
            |o| {
                vec![
                    s(name_of(o)),
                    s(str_at(o, &["type"]).unwrap_or("Opaque")),
                    json!(
                        o.get("data")
                            .and_then(Value::as_object)
                            .map_or(0, |m| m.len())
                    ),
                    created(o),
                ]
            },
        ),
        ("", "serviceaccounts") => (
            vec![
                C("Name", "string", 0),
                C("Secrets", "integer", 0),
                C("Age", "string", 0),
            ],
            |o| {
                vec![
                    s(name_of(o)),
                    json!(arr_at(o, &["secrets"]).len()),
                    created(o),
                ]
            },
        ),
        ("", "endpoints") => (
            vec![
                C("Name", "string", 0),
                C("Endpoints", "string", 0),
                C("Age", "string", 0),
            ],
            |o| vec![s(name_of(o)), s(endpoints_summary(o)), created(o)],
        ),
        ("", "events") => (
            vec![
                C("Last Seen", "string", 0),
                C("Type", "string", 0),
                C("Reason", "string", 0),
                C("Object", "string", 0),
                C("Subobject", "string", 1),
                C("Source", "string", 1),
                C("Message", "string", 0),
                C("First Seen", "string", 1),
                C("Count", "string", 1),
                C("Name", "string", 1),
            ],
            |o| {
                let last = str_at(o, &["lastTimestamp"])
                    .or(str_at(o, &["eventTime"]))
                    .or(str_at(o, &["metadata", "creationTimestamp"]));
                let first = str_at(o, &["firstTimestamp"])
                    .or(str_at(o, &["eventTime"]))
                    .or(str_at(o, &["metadata", "creationTimestamp"]));
                let kind = str_at(o, &["involvedObject", "kind"])
                    .unwrap_or("")
                    .to_lowercase();
                let source = str_at(o, &["source", "component"])
                    .or(str_at(o, &["reportingComponent"]))
                    .unwrap_or("");
                let source = match str_at(o, &["source", "host"]) {
                    Some(h) => format!("{source}, {h}"),
                    None => source.to_string(),
                };
                vec![
                    s(age(last)),
                    s(str_at(o, &["type"]).unwrap_or("")),
                    s(str_at(o, &["reason"]).unwrap_or("")),
                    s(format!(
                        "{kind}/{}",
                        str_at(o, &["involvedObject", "name"]).unwrap_or("")
                    )),
                    s(str_at(o, &["involvedObject", "fieldPath"]).unwrap_or("")),
                    s(source),
                    s(str_at(o, &["message"]).unwrap_or("").trim()),
                    s(age(first)),
                    s(i64_at(o, &["count"]).unwrap_or(1).to_string()),
                    s(name_of(o)),
                ]
            },
        ),
        ("", "persistentvolumeclaims") => (
            vec![
                C("Name", "string", 0),
                C("Status", "string", 0),
                C("Volume", "string", 0),
                C("Capacity", "string", 0),
                C("Access Modes", "string", 0),
                C("StorageClass", "string", 0),
                C("VolumeAttributesClass", "string", 0),
                C("Age", "string", 0),
                C("VolumeMode", "string", 1),
            ],
            |o| {
                vec![
                    s(name_of(o)),
                    s(str_at(o, &["status", "phase"]).unwrap_or("Pending")),
                    s(str_at(o, &["spec", "volumeName"]).unwrap_or("")),
                    s(str_at(o, &["status", "capacity", "storage"]).unwrap_or("")),
                    s(access_modes(o)),
                    s(str_at(o, &["spec", "storageClassName"]).unwrap_or("")),
                    s(str_at(o, &["spec", "volumeAttributesClassName"]).unwrap_or("<unset>")),
                    created(o),
                    s(str_at(o, &["spec", "volumeMode"]).unwrap_or("<unset>")),
                ]
            },
        ),
        ("autoscaling", "horizontalpodautoscalers") => (
            vec![
                C("Name", "string", 0),
                C("Reference", "string", 0),
                C("Targets", "string", 0),
                C("MinPods", "string", 0),
                C("MaxPods", "string", 0),
                C("Replicas", "string", 0),
                C("Age", "string", 0),
            ],
            |o| {
                vec![
                    s(name_of(o)),
                    s(format!(
                        "{}/{}",
                        str_at(o, &["spec", "scaleTargetRef", "kind"]).unwrap_or(""),
                        str_at(o, &["spec", "scaleTargetRef", "name"]).unwrap_or("")
                    )),
                    s(hpa_targets(o)),
                    s(i64_at(o, &["spec", "minReplicas"])
                        .map(|n| n.to_string())
                        .unwrap_or_else(|| "<unset>".into())),
                    json!(int(o, &["spec", "maxReplicas"])),
                    json!(int(o, &["status", "currentReplicas"])),
                    created(o),
                ]
            },
        ),
        ("networking.k8s.io", "ingresses") => (
            vec![
                C("Name", "string", 0),
                C("Class", "string", 0),
                C("Hosts", "string", 0),
                C("Address", "string", 0),
                C("Ports", "string", 0),
                C("Age", "string", 0),
            ],
            |o| {
                let hosts: Vec<&str> = arr_at(o, &["spec", "rules"])
                    .iter()
                    .filter_map(|r| str_at(r, &["host"]))
                    .collect();
                let addr: Vec<&str> = arr_at(o, &["status", "loadBalancer", "ingress"])
                    .iter()
                    .filter_map(|i| str_at(i, &["ip"]).or(str_at(i, &["hostname"])))
                    .collect();
                let ports = if arr_at(o, &["spec", "tls"]).is_empty() {
                    "80"
                } else {
                    "80, 443"
                };
                vec![
                    s(name_of(o)),
                    none_if_empty(str_at(o, &["spec", "ingressClassName"]).unwrap_or("")),
                    s(if hosts.is_empty() {
                        "*".to_string()
                    } else {
                        hosts.join(",")
                    }),
                    s(addr.join(",")),
                    s(ports),
                    created(o),
                ]
            },
        ),
        ("networking.k8s.io", "networkpolicies") => (
            vec![
                C("Name", "string", 0),
                C("Pod-Selector", "string", 0),
                C("Age", "string", 0),
            ],
            |o| {
                let sel = format_selector(at(o, &["spec", "podSelector"]));
                vec![
                    s(name_of(o)),
                    s(if sel == "<none>" { String::new() } else { sel }),
                    created(o),
                ]
            },
        ),
        ("rbac.authorization.k8s.io", "roles" | "clusterroles") => (
            vec![C("Name", "string", 0), C("Created At", "date", 0)],
            |o| {
                vec![
                    s(name_of(o)),
                    s(str_at(o, &["metadata", "creationTimestamp"]).unwrap_or("")),
                ]
            },
        ),
        ("rbac.authorization.k8s.io", "rolebindings" | "clusterrolebindings") => (
            vec![
                C("Name", "string", 0),
                C("Role", "string", 0),
                C("Age", "string", 0),
                C("Users", "string", 1),
                C("Groups", "string", 1),
                C("ServiceAccounts", "string", 1),
            ],
            |o| {
                let subjects = arr_at(o, &["subjects"]);
                let of = |k: &str| {
                    subjects
                        .iter()
                        .filter(|x| str_at(x, &["kind"]) == Some(k))
                        .map(|x| match str_at(x, &["namespace"]) {
                            Some(ns) if k == "ServiceAccount" => {
                                format!("{ns}/{}", str_at(x, &["name"]).unwrap_or(""))
                            }
                            _ => str_at(x, &["name"]).unwrap_or("").to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                vec![
                    s(name_of(o)),
                    s(format!(
                        "{}/{}",
                        str_at(o, &["roleRef", "kind"]).unwrap_or(""),
                        str_at(o, &["roleRef", "name"]).unwrap_or("")
                    )),
                    created(o),
                    s(of("User")),
                    s(of("Group")),
                    s(of("ServiceAccount")),
                ]
            },
        ),
        ("policy", "poddisruptionbudgets") => (
            vec![
                C("Name", "string", 0),
                C("Min Available", "string", 0),
                C("Max Unavailable", "string", 0),
                C("Allowed Disruptions", "integer", 0),
                C("Age", "string", 0),
            ],
            |o| {
                let v = |k: &str| {
                    o.pointer(&format!("/spec/{k}"))
                        .map(|v| v.as_str().map(str::to_string).unwrap_or(v.to_string()))
                        .unwrap_or_else(|| "N/A".into())
                };
                vec![
                    s(name_of(o)),
                    s(v("minAvailable")),
                    s(v("maxUnavailable")),
                    json!(int(o, &["status", "disruptionsAllowed"])),
                    created(o),
                ]
            },
        ),
        _ => (vec![C("Name", "string", 0), C("Age", "string", 0)], |o| {
            vec![s(name_of(o)), created(o)]
        }),
    }
}

/// Builds a Table for `items`; `include` is the includeObject option (None, Metadata, Object).
pub fn table(t: &ResourceType, items: &[Value], include: &str, resource_version: &str) -> Value {
    let (cols, row) = printer(t);
    let rows: Vec<Value> = items
        .iter()
        .map(|o| {
            let mut r = json!({"cells": row(o)});
            match include {
                "None" => {}
                "Object" => r["object"] = o.clone(),
                _ => {
                    r["object"] = json!({
                        "kind": "PartialObjectMetadata",
                        "apiVersion": "meta.k8s.io/v1",
                        "metadata": o.get("metadata").cloned().unwrap_or(json!({})),
                    })
                }
            }
            r
        })
        .collect();
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": resource_version},
        "columnDefinitions": col_defs(&cols),
        "rows": rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crashloop_reason() {
        let pod = json!({
            "spec": {"containers": [{"name": "a"}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "a", "ready": false, "restartCount": 5,
                "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}
        });
        let (reason, ready, total, restarts, _) = pod_status(&pod);
        assert_eq!(
            (reason.as_str(), ready, total, restarts),
            ("CrashLoopBackOff", 0, 1, 5)
        );
    }

    #[test]
    fn evicted_and_oom() {
        let pod = json!({"spec": {"containers": [{"name": "a"}]}, "status": {"phase": "Failed", "reason": "Evicted"}});
        assert_eq!(pod_status(&pod).0, "Evicted");
        let pod = json!({"spec": {"containers": [{"name": "a"}]}, "status": {"phase": "Running", "containerStatuses": [{"name": "a", "state": {"terminated": {"reason": "OOMKilled", "exitCode": 137}}}]}});
        assert_eq!(pod_status(&pod).0, "OOMKilled");
    }
}
