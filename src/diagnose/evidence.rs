//! The model's requests for more evidence: read-only, validated, bounded.
//!
//! Before explaining, the model may ask for a few more reads of the cluster —
//! `get`, `describe`, `logs`, `events`, `top` — through a closed structure in its
//! answer ([`ReadRequest`]). Nothing the model writes reaches kubectl as is: each
//! request is validated field by field (known kind, DNS names, the diagnosis's
//! own namespace, no Secrets, no ConfigMap data), turned into a typed read
//! [`Operation`] (checked `!is_change()` and validated again), and code builds the
//! argv with [`equivalent_args`]. There is no write in the vocabulary, so a model
//! (or a log line talking to it) can ask for a deletion only by failing
//! validation. Each output is sanitized, redacted, scrubbed of env values and cut
//! to [`MAX_OUTPUT_CHARS`]; at most [`MAX_REQUESTS_PER_STEP`] reads per step, at
//! most [`MAX_STEPS`] steps, and [`MAX_TOTAL_CHARS`] of output in all, so the
//! conversation stays within a fixed budget whatever the cluster.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Reader;
use super::text::{scrub, truncate};
use crate::plan::equivalent::equivalent_args;
use crate::plan::kinds::KindInfo;
use crate::plan::validate::{dns_label, known_kind, namespace_name, object_name};
use crate::plan::{ObjectRef, Operation, OutputFormat, TopResource};

/// Evidence steps at most (each one model turn and its reads).
pub const MAX_STEPS: usize = 3;
/// Reads run per step at most; more are refused.
pub const MAX_REQUESTS_PER_STEP: usize = 3;
/// Log lines read per request (fixed: the model cannot choose it).
pub const LOG_TAIL: i64 = 50;
/// Each read's output is cut to this many characters.
pub const MAX_OUTPUT_CHARS: usize = 2_000;
/// The outputs of all steps together stay under this many characters.
pub const MAX_TOTAL_CHARS: usize = 12_000;

/// One read the model asks for, as it writes it (every field required in strict
/// mode; `null`/`false` where unused). Only [`validate`] gives it meaning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadRequest {
    /// `get`, `describe`, `logs`, `events` or `top`.
    pub tool: String,
    /// get/describe: the kind; events: the involved object's kind; top: `pods` or `nodes`.
    #[serde(default)]
    pub kind: Option<String>,
    /// get (optional), describe, events (optional): the object; logs: the pod.
    #[serde(default)]
    pub name: Option<String>,
    /// logs: the container (optional).
    #[serde(default)]
    pub container: Option<String>,
    /// logs: the previous container's logs.
    #[serde(default)]
    pub previous: bool,
    /// `null` for the diagnosis's namespace; anything else must be that namespace.
    #[serde(default)]
    pub namespace: Option<String>,
}

/// The JSON Schema of one request (strict).
pub fn request_schema() -> Value {
    let text = || json!({"type": ["string", "null"]});
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["tool", "kind", "name", "container", "previous", "namespace"],
        "properties": {
            "tool": {"type": "string", "enum": ["get", "describe", "logs", "events", "top"]},
            "kind": text(),
            "name": text(),
            "container": text(),
            "previous": {"type": "boolean"},
            "namespace": text(),
        }
    })
}

/// Where reads may look: the diagnosis's scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// `-n NS` of the diagnosis; `None` for the context's namespace or `-A`.
    pub namespace: Option<String>,
    pub all_namespaces: bool,
    /// The namespaces of the findings sent to the model: with `-A` or the
    /// context's namespace, a request may name one of these.
    pub finding_namespaces: Vec<String>,
}

impl Scope {
    /// The namespace a namespaced read runs in (`Ok(None)`: the context's).
    fn namespace(&self, asked: Option<&str>) -> Result<Option<String>, String> {
        let asked = asked.map(str::trim).filter(|s| !s.is_empty());
        if let Some(ns) = asked {
            namespace_name(ns)?;
        }
        match (&self.namespace, asked) {
            (Some(scope), None) => Ok(Some(scope.clone())),
            (Some(scope), Some(ns)) if ns == scope => Ok(Some(scope.clone())),
            (None, Some(ns)) if self.finding_namespaces.iter().any(|f| f == ns) => {
                Ok(Some(ns.to_string()))
            }
            (None, None) if !self.all_namespaces => Ok(None),
            (None, None) => Err("with -A, name the namespace of one of the findings".to_string()),
            (_, Some(ns)) => Err(format!(
                "namespace {} is outside this diagnosis",
                crate::shown::value(ns)
            )),
        }
    }
}

/// Validates a request and builds the read it stands for. Every refusal says why.
pub fn validate(r: &ReadRequest, scope: &Scope) -> Result<Operation, String> {
    let name = r.name.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let kind = r.kind.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let name_checked = |name: Option<&str>| -> Result<Option<String>, String> {
        name.map(|n| object_name(n).map(|()| n.to_string()))
            .transpose()
    };
    let unused = |what: &str, set: bool| {
        if set {
            Err(format!("{} takes no {what}", r.tool))
        } else {
            Ok(())
        }
    };
    let readable = |kind: &str, describe: bool| -> Result<&'static KindInfo, String> {
        let info = known_kind(kind)?;
        if info.resource == "secrets" {
            return Err("Secrets are never read for a model".to_string());
        }
        if describe && info.resource == "configmaps" {
            return Err("ConfigMap data is never read for a model; get it by name instead".into());
        }
        Ok(info)
    };
    let in_scope = |info: &KindInfo| -> Result<Option<String>, String> {
        if info.namespaced {
            scope.namespace(r.namespace.as_deref())
        } else {
            Ok(None)
        }
    };
    let op = match r.tool.as_str() {
        "get" => {
            unused("container", r.container.is_some())?;
            unused("previous", r.previous)?;
            let info = readable(kind.ok_or("get needs a kind")?, false)?;
            Operation::Get {
                kinds: vec![info.resource.to_string()],
                name: name_checked(name)?,
                namespace: in_scope(info)?,
                all_namespaces: false,
                selector: None,
                field_selector: None,
                // Wide: images, selectors and nodes, what a plan or a diagnosis
                // most often needs, without the object's contents (env values).
                output: Some(OutputFormat::Wide),
                columns: vec![],
                jsonpath: None,
                sort_by: None,
                show_labels: false,
            }
        }
        "describe" => {
            unused("container", r.container.is_some())?;
            unused("previous", r.previous)?;
            let info = readable(kind.ok_or("describe needs a kind")?, true)?;
            Operation::Describe {
                kind: info.resource.to_string(),
                name: Some(
                    name_checked(Some(name.ok_or("describe needs a name")?))?.unwrap_or_default(),
                ),
                namespace: in_scope(info)?,
                selector: None,
            }
        }
        "logs" => {
            if let Some(k) = kind
                && known_kind(k).map(|i| i.resource) != Ok("pods")
            {
                return Err("logs are read from a pod (kind pod or null)".into());
            }
            let pod = name.ok_or("logs needs the pod's name")?;
            object_name(pod)?;
            let container = r
                .container
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty());
            if let Some(c) = container {
                dns_label("container name", c)?;
            }
            Operation::Logs {
                kind: "pod".into(),
                name: pod.to_string(),
                namespace: scope.namespace(r.namespace.as_deref())?,
                container: container.map(str::to_string),
                all_containers: false,
                tail: Some(LOG_TAIL),
                since: None,
                previous: r.previous,
                follow: false,
            }
        }
        "events" => {
            unused("container", r.container.is_some())?;
            unused("previous", r.previous)?;
            let object = match (kind, name) {
                (None, None) => None,
                (Some(k), Some(n)) => {
                    let info = known_kind(k)?;
                    object_name(n)?;
                    Some(ObjectRef {
                        kind: info.kind.to_string(),
                        name: n.to_string(),
                    })
                }
                _ => return Err("events takes both a kind and a name, or neither".into()),
            };
            Operation::Events {
                namespace: scope.namespace(r.namespace.as_deref())?,
                all_namespaces: false,
                warnings_only: false,
                object,
            }
        }
        "top" => {
            unused("name", name.is_some())?;
            unused("container", r.container.is_some())?;
            unused("previous", r.previous)?;
            let resource = match kind.map(known_kind).transpose()?.map(|i| i.resource) {
                Some("pods") => TopResource::Pods,
                Some("nodes") => TopResource::Nodes,
                _ => return Err("top takes kind pods or nodes".into()),
            };
            Operation::Top {
                resource,
                name: None,
                namespace: match resource {
                    TopResource::Pods => scope.namespace(r.namespace.as_deref())?,
                    TopResource::Nodes => None,
                },
                all_namespaces: false,
                selector: None,
                sort_by: None,
                containers: false,
            }
        }
        other => {
            return Err(format!(
                "{} is not a read the model may ask for (get, describe, logs, events, top)",
                crate::shown::value(other)
            ));
        }
    };
    // Belt and braces: a read by construction, and valid as any plan's read is.
    if op.is_change() {
        return Err("only reads may be requested".into());
    }
    crate::plan::validate::validate_operation(&op, &Default::default())?;
    Ok(op)
}

/// What one read gave, for the model and for the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gathered {
    /// The evidence step (1-based).
    pub step: usize,
    /// The equivalent kubectl command that ran.
    pub command: String,
    /// False when kubectl failed (its message is the output).
    pub ok: bool,
    /// The output as sent to the model: sanitized, redacted, truncated.
    #[serde(skip)]
    pub output: String,
}

/// Runs validated requests of one step, within the remaining character budget.
/// Returns what ran and, for each refused request, why.
///
/// `env_values` are literal env values already known to the caller (diagnose
/// collected the pods). A log is the workload's own text, and a workload may
/// print its environment: before a step reads logs, the literal env values of
/// the pods in each namespace it reads logs from are read too, and masked in
/// every output of the step. When they cannot be read, those logs are not sent.
pub async fn gather(
    reader: &impl Reader,
    requests: &[ReadRequest],
    scope: &Scope,
    step: usize,
    budget: &mut usize,
    env_values: &[String],
) -> (Vec<Gathered>, Vec<String>) {
    let mut gathered = Vec::new();
    let mut refused = Vec::new();
    let checked: Vec<Result<Operation, String>> = requests
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if i >= MAX_REQUESTS_PER_STEP {
                Err(format!("at most {MAX_REQUESTS_PER_STEP} reads per step"))
            } else {
                validate(r, scope)
            }
        })
        .collect();
    let mut masked: Vec<String> = env_values.to_vec();
    // Namespaces whose pods' env values could not be read (`None`: the context's).
    let mut unmasked: Vec<Option<String>> = Vec::new();
    let mut looked: Vec<Option<String>> = Vec::new();
    for op in checked.iter().flatten() {
        if let Operation::Logs { namespace, .. } = op
            && !looked.contains(namespace)
        {
            looked.push(namespace.clone());
            match pod_env_values(reader, namespace.as_deref()).await {
                Ok(values) => masked.extend(values),
                Err(e) => {
                    tracing::warn!("the pods' env values could not be read: {e:#}");
                    unmasked.push(namespace.clone());
                }
            }
        }
    }
    // Longest first, so a value containing another is masked whole.
    masked.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    masked.dedup();
    for (r, checked) in requests.iter().zip(checked) {
        let label = describe_request(r);
        let op = match checked {
            Ok(op) if *budget > 0 => op,
            Ok(_) => {
                refused.push(format!("{label}: the evidence budget is used up"));
                continue;
            }
            Err(why) => {
                refused.push(format!("{label}: {why}"));
                continue;
            }
        };
        if let Operation::Logs { namespace, .. } = &op
            && unmasked.contains(namespace)
        {
            refused.push(format!(
                "{label}: the pods' env values could not be read to mask them in the logs"
            ));
            continue;
        }
        let args = equivalent_args(&op);
        let (ok, raw) = match reader.read(&args).await {
            Ok(out) => (true, String::from_utf8_lossy(&out).into_owned()),
            Err(e) => (false, format!("kubectl failed: {e:#}")),
        };
        let limit = MAX_OUTPUT_CHARS.min(*budget);
        let output = clean_output(&raw, &masked, limit, matches!(op, Operation::Logs { .. }));
        *budget = budget.saturating_sub(output.chars().count().max(1));
        gathered.push(Gathered {
            step,
            command: crate::kubectl::display_command(&args),
            ok,
            output,
        });
    }
    (gathered, refused)
}

/// The literal env values (see [`super::text::env_values`]) of the pods in
/// `namespace` (`None`: the context's). Read for the plugin only: never shown,
/// never sent.
async fn pod_env_values(
    reader: &impl Reader,
    namespace: Option<&str>,
) -> anyhow::Result<Vec<String>> {
    let mut args: Vec<String> = ["get", "pods", "-o", "json"].map(String::from).into();
    if let Some(ns) = namespace {
        args.extend(["-n".to_string(), ns.to_string()]);
    }
    let out = reader.read(&args).await?;
    let pods: super::objects::List = serde_json::from_slice(&out)
        .map_err(|e| anyhow::anyhow!("kubectl printed no pod list: {e}"))?;
    Ok(super::text::env_values(pods.items.iter().flat_map(|p| {
        p.spec.containers.iter().chain(&p.spec.init_containers)
    })))
}

/// A short, safe label for a request in warnings (model text, so sanitized and cut).
pub fn describe_request(r: &ReadRequest) -> String {
    let parts: Vec<&str> = [Some(r.tool.as_str()), r.kind.as_deref(), r.name.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    truncate(&super::text::sanitize(&parts.join(" ")), 80)
}

/// Makes one read's output safe to send and show: control characters removed,
/// credentials masked, env values (literal ones, and the `Environment:` block of
/// `describe`) masked, cut to `limit` characters (logs keep their end).
pub fn clean_output(raw: &str, env_values: &[String], limit: usize, keep_end: bool) -> String {
    let mut lines = Vec::new();
    let mut env_indent: Option<usize> = None;
    for line in raw.lines() {
        let line = crate::output::sanitize(line).replace('\t', " ");
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        if env_indent.is_some_and(|at| indent <= at || trimmed.is_empty()) {
            env_indent = None;
        }
        let line = if env_indent.is_some() {
            match line.split_once(':') {
                Some((key, _)) => format!("{key}:  ***"),
                None => line,
            }
        } else {
            if trimmed == "Environment:" {
                env_indent = Some(indent);
            }
            line
        };
        // Known values first, whole, before a pattern masks a part of one.
        lines.push(crate::redact::mask(&scrub(&line, env_values)));
    }
    let text = lines.join("\n");
    let count = text.chars().count();
    if count <= limit {
        return text;
    }
    if keep_end {
        let skip = count - limit;
        format!("…{}", text.chars().skip(skip).collect::<String>())
    } else {
        truncate(&text, limit)
    }
}

/// One step's results as JSON a message can quote as data: no `<` or `>` in it,
/// so no text from the cluster can close the `<cluster_data>` quote.
pub fn quoted_results(gathered: &[Gathered], refused: &[String]) -> String {
    let results: Vec<Value> = gathered
        .iter()
        .map(|g| json!({"command": g.command, "ok": g.ok, "output": g.output}))
        .collect();
    let data = json!({"results": results, "refused": refused});
    serde_json::to_string_pretty(&data)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
}

/// The user message carrying one step's results, quoted as data.
pub fn results_message(
    gathered: &[Gathered],
    refused: &[String],
    step: usize,
    last: bool,
) -> String {
    let quoted = quoted_results(gathered, refused);
    let next = if last {
        "No more evidence can be read: answer now with an empty `requests` list.".to_string()
    } else {
        format!(
            "You may ask for more evidence {} more time{}, or answer with an empty `requests` list.",
            MAX_STEPS - step,
            if MAX_STEPS - step == 1 { "" } else { "s" }
        )
    };
    format!(
        "Evidence step {step} of {MAX_STEPS}: the output of the reads you asked for.\n\n<cluster_data>\n{quoted}\n</cluster_data>\n{next}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(tool: &str, kind: Option<&str>, name: Option<&str>) -> ReadRequest {
        ReadRequest {
            tool: tool.into(),
            kind: kind.map(Into::into),
            name: name.map(Into::into),
            container: None,
            previous: false,
            namespace: None,
        }
    }

    fn shop() -> Scope {
        Scope {
            namespace: Some("shop".into()),
            all_namespaces: false,
            finding_namespaces: vec!["shop".into()],
        }
    }

    fn argv(r: &ReadRequest, scope: &Scope) -> Result<String, String> {
        validate(r, scope).map(|op| equivalent_args(&op).join(" "))
    }

    #[test]
    fn reads_become_kubectl_argv_in_the_diagnosis_namespace() {
        let s = shop();
        assert_eq!(
            argv(&req("get", Some("deploy"), Some("web")), &s).unwrap(),
            "get deployments web -n shop -o wide"
        );
        assert_eq!(
            argv(&req("describe", Some("pod"), Some("api-1")), &s).unwrap(),
            "describe pods api-1 -n shop"
        );
        let mut logs = req("logs", None, Some("api-1"));
        logs.container = Some("api".into());
        logs.previous = true;
        assert_eq!(
            argv(&logs, &s).unwrap(),
            "logs api-1 -n shop -c api --tail 50 --previous"
        );
        assert_eq!(
            argv(&req("events", Some("pod"), Some("api-1")), &s).unwrap(),
            "get events -n shop --field-selector=involvedObject.kind=Pod,involvedObject.name=api-1 --sort-by=.lastTimestamp"
        );
        assert_eq!(
            argv(&req("top", Some("nodes"), None), &s).unwrap(),
            "top nodes"
        );
        assert_eq!(
            argv(&req("get", Some("nodes"), None), &s).unwrap(),
            "get nodes -o wide",
            "cluster-scoped kinds take no namespace"
        );
        let mut same = req("get", Some("pods"), None);
        same.namespace = Some("shop".into());
        assert_eq!(argv(&same, &s).unwrap(), "get pods -n shop -o wide");
    }

    #[test]
    fn anything_else_is_refused() {
        let s = shop();
        let refused = |r: ReadRequest| argv(&r, &s).unwrap_err();
        assert!(refused(req("delete", Some("deployment"), Some("web"))).contains("not a read"));
        assert!(refused(req("apply", None, None)).contains("not a read"));
        assert!(refused(req("get", Some("secret"), None)).contains("Secrets"));
        assert!(refused(req("describe", Some("secrets"), Some("x"))).contains("Secrets"));
        assert!(refused(req("describe", Some("cm"), Some("x"))).contains("ConfigMap"));
        assert!(refused(req("get", Some("widgets"), None)).contains("unknown kind"));
        assert!(!refused(req("get", Some("--raw=/"), None)).is_empty());
        assert!(refused(req("get", Some("pods"), Some("-o=yaml"))).contains("name"));
        assert!(refused(req("get", Some("pods"), Some("Web; rm -rf"))).contains("not a valid"));
        assert!(refused(req("logs", Some("deployment"), Some("web"))).contains("pod"));
        assert!(refused(req("describe", Some("pod"), None)).contains("name"));
        assert!(refused(req("top", Some("deployments"), None)).contains("pods or nodes"));
        let mut other = req("get", Some("pods"), None);
        other.namespace = Some("kube-system".into());
        assert!(refused(other).contains("outside this diagnosis"));
        let mut flag = req("logs", None, Some("api-1"));
        flag.container = Some("--all-containers".into());
        assert!(refused(flag).contains("container"));
    }

    #[test]
    fn with_all_namespaces_only_the_findings_namespaces_are_readable() {
        let s = Scope {
            namespace: None,
            all_namespaces: true,
            finding_namespaces: vec!["shop".into()],
        };
        assert!(argv(&req("get", Some("pods"), None), &s).is_err());
        let mut r = req("get", Some("pods"), None);
        r.namespace = Some("shop".into());
        assert_eq!(argv(&r, &s).unwrap(), "get pods -n shop -o wide");
        r.namespace = Some("kube-system".into());
        assert!(argv(&r, &s).is_err());
    }

    #[test]
    fn outputs_are_redacted_env_masked_and_cut() {
        let describe = "Containers:\n  api:\n    Image: shop/api:1\n    Environment:\n      DATABASE_PASSWORD:  s3cr3t-value\n      LOG_LEVEL:          info\n    Mounts:\n      /data from data\nEvents: password=hunter2 \u{1b}[31mred\u{1b}[0m";
        let out = clean_output(describe, &["s3cr3t-value".into()], 2_000, false);
        assert!(
            !out.contains("s3cr3t-value") && !out.contains("hunter2"),
            "{out}"
        );
        assert!(out.contains("      LOG_LEVEL:  ***"), "{out}");
        assert!(out.contains("    Mounts:\n      /data from data"), "{out}");
        assert!(out.contains("Image: shop/api:1"), "{out}");
        assert!(!out.contains('\u{1b}'), "{out}");

        let long = (0..500)
            .map(|i| format!("line {i}"))
            .collect::<Vec<_>>()
            .join("\n");
        let head = clean_output(&long, &[], 100, false);
        assert!(head.starts_with("line 0") && head.chars().count() <= 101);
        let tail = clean_output(&long, &[], 100, true);
        assert!(
            tail.ends_with("line 499") && tail.chars().count() <= 101,
            "{tail}"
        );
    }

    /// A cluster of one pod whose env holds `env`, whose log prints it bare;
    /// `pods_readable: false` refuses the pod list.
    struct Canned {
        env: &'static str,
        pods_readable: bool,
    }

    impl Reader for Canned {
        async fn read(&self, args: &[String]) -> anyhow::Result<Vec<u8>> {
            match args.first().map(String::as_str) {
                Some("get") if self.pods_readable => Ok(json!({"items": [{"kind": "Pod",
                    "spec": {"containers": [{"name": "api", "env": [{"name": "DSN", "value": self.env}]}]}}]})
                .to_string()
                .into_bytes()),
                Some("get") => anyhow::bail!("pods is forbidden"),
                _ => Ok(format!("connecting to {}\n", self.env).into_bytes()),
            }
        }
    }

    #[tokio::test]
    async fn logs_are_masked_with_the_pods_env_values_or_not_sent() {
        let logs = req("logs", None, Some("api-1"));
        let env = "postgres://app:pw-4411@db/app";
        let mut budget = MAX_TOTAL_CHARS;
        let reader = Canned {
            env,
            pods_readable: true,
        };
        let (read, refused) = gather(
            &reader,
            std::slice::from_ref(&logs),
            &shop(),
            1,
            &mut budget,
            &[],
        )
        .await;
        assert!(refused.is_empty(), "{refused:?}");
        assert_eq!(read[0].output, "connecting to ***");

        let reader = Canned {
            env,
            pods_readable: false,
        };
        let (read, refused) = gather(&reader, &[logs], &shop(), 1, &mut budget, &[]).await;
        assert!(read.is_empty(), "{read:?}");
        assert!(refused[0].contains("could not be read"), "{refused:?}");
    }

    #[test]
    fn the_request_schema_is_strict() {
        crate::plan::schema::check_strict(&request_schema()).unwrap();
    }
}
