//! The subset of apiserver validation that kubectl users hit: object names,
//! replica counts, container basics, resource quantities and service ports.
//! Each failure becomes a `(field, message)` cause of a 422 Invalid, worded
//! like the real server.

use serde_json::Value;

use crate::errors::{ApiError, ApiResult};
use crate::resources::ResourceType;
use crate::util::{arr_at, at, name_of};

const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

pub fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

pub fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_dns_label)
}

fn is_dns1035(s: &str) -> bool {
    is_dns_label(s) && s.starts_with(|c: char| c.is_ascii_lowercase())
}

/// Checks the object name according to the kind's rule.
pub fn name_causes(t: &ResourceType, name: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if name.is_empty() {
        out.push((
            "metadata.name".into(),
            "Required value: name or generateName is required".into(),
        ));
        return out;
    }
    let (ok, msg) = match t.plural {
        "namespaces" => (is_dns_label(name), LABEL_MSG),
        "services" => (is_dns1035(name), DNS1035_MSG),
        "roles" | "rolebindings" | "clusterroles" | "clusterrolebindings" => (
            !name.contains('/') && !name.contains('%') && name != "." && name != "..",
            "may not contain '/'",
        ),
        _ => (is_dns_subdomain(name), SUBDOMAIN_MSG),
    };
    if !ok {
        out.push((
            "metadata.name".into(),
            format!("Invalid value: \"{name}\": {msg}"),
        ));
    }
    out
}

/// Parses a Kubernetes quantity into a number (base units), if well-formed.
pub fn parse_quantity(q: &str) -> Option<f64> {
    let q = q.trim();
    let split = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(q.len());
    let (num, suffix) = q.split_at(split);
    let n: f64 = num.parse().ok()?;
    let mult = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        s if s.starts_with(['e', 'E']) => 10f64.powi(s[1..].parse::<i32>().ok()?),
        _ => return None,
    };
    Some(n * mult)
}

fn quantity_value(v: &Value) -> Option<f64> {
    match v {
        Value::String(s) => parse_quantity(s),
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

/// Malformed quantities fail decoding on a real server: 400, not 422.
fn check_quantities_decode(t: &ResourceType, spec: &Value) -> ApiResult<()> {
    for c in arr_at(spec, &["containers"])
        .iter()
        .chain(arr_at(spec, &["initContainers"]))
    {
        for section in ["limits", "requests"] {
            if let Some(m) = at(c, &["resources", section]).and_then(Value::as_object) {
                for v in m.values() {
                    if quantity_value(v).is_none() {
                        return Err(ApiError::bad_request(format!(
                            "{} in version \"{}\" cannot be handled as a {}: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
                            t.kind, t.version, t.kind
                        )));
                    }
                }
            }
        }
    }
    Ok(())
}

fn pod_spec_causes(spec: &Value, prefix: &str, out: &mut Vec<(String, String)>) {
    let containers = arr_at(spec, &["containers"]);
    if containers.is_empty() {
        out.push((format!("{prefix}.containers"), "Required value".into()));
    }
    let mut seen = Vec::new();
    for (kind, list) in [
        ("containers", containers),
        ("initContainers", arr_at(spec, &["initContainers"])),
    ] {
        for (i, c) in list.iter().enumerate() {
            let p = format!("{prefix}.{kind}[{i}]");
            let name = c.get("name").and_then(Value::as_str).unwrap_or("");
            if name.is_empty() {
                out.push((format!("{p}.name"), "Required value".into()));
            } else if !is_dns_label(name) {
                out.push((
                    format!("{p}.name"),
                    format!("Invalid value: \"{name}\": {LABEL_MSG}"),
                ));
            } else if seen.contains(&name) {
                out.push((format!("{p}.name"), format!("Duplicate value: \"{name}\"")));
            }
            seen.push(name);
            if c.get("image")
                .and_then(Value::as_str)
                .unwrap_or("")
                .trim()
                .is_empty()
            {
                out.push((format!("{p}.image"), "Required value".into()));
            }
            let limits = at(c, &["resources", "limits"]).and_then(Value::as_object);
            if let Some(req) = at(c, &["resources", "requests"]).and_then(Value::as_object) {
                for (res, v) in req {
                    let (Some(r), Some(l)) = (
                        quantity_value(v),
                        limits.and_then(|l| l.get(res)).and_then(quantity_value),
                    ) else {
                        continue;
                    };
                    if r > l {
                        let shown = v.as_str().map(str::to_string).unwrap_or(v.to_string());
                        let lim = limits
                            .and_then(|l| l.get(res))
                            .map(|l| l.as_str().map(str::to_string).unwrap_or(l.to_string()))
                            .unwrap_or_default();
                        out.push((
                            format!("{p}.resources.requests"),
                            format!("Invalid value: \"{shown}\": must be less than or equal to {res} limit of {lim}"),
                        ));
                    }
                }
            }
            for section in ["limits", "requests"] {
                if let Some(m) = at(c, &["resources", section]).and_then(Value::as_object) {
                    for (res, v) in m {
                        if quantity_value(v).is_some_and(|n| n < 0.0) {
                            let shown = v.as_str().map(str::to_string).unwrap_or(v.to_string());
                            out.push((
                                format!("{p}.resources.{section}[{res}]"),
                                format!(
                                    "Invalid value: \"{shown}\": must be greater than or equal to 0"
                                ),
                            ));
                        }
                    }
                }
            }
            for (j, port) in arr_at(c, &["ports"]).iter().enumerate() {
                let n = port
                    .get("containerPort")
                    .and_then(Value::as_i64)
                    .unwrap_or(0);
                if !(1..=65535).contains(&n) {
                    out.push((
                        format!("{p}.ports[{j}].containerPort"),
                        format!("Invalid value: {n}: must be between 1 and 65535, inclusive"),
                    ));
                }
            }
        }
    }
}

/// Validates an object about to be stored; returns 422 (or 400) on failure.
pub fn validate(t: &ResourceType, obj: &Value) -> ApiResult<()> {
    let name = name_of(obj);
    let mut causes = name_causes(t, name);
    let pod_spec = match (t.group, t.plural) {
        ("", "pods") => Some(("spec", obj.get("spec"))),
        ("batch", "cronjobs") => Some((
            "spec.jobTemplate.spec.template.spec",
            at(obj, &["spec", "jobTemplate", "spec", "template", "spec"]),
        )),
        ("apps", _) | ("batch", _) | ("", "replicationcontrollers") => {
            Some(("spec.template.spec", at(obj, &["spec", "template", "spec"])))
        }
        _ => None,
    };
    if let Some((prefix, spec)) = pod_spec {
        let empty = Value::Null;
        let spec = spec.unwrap_or(&empty);
        check_quantities_decode(t, spec)?;
        pod_spec_causes(spec, prefix, &mut causes);
    }
    if let Some(r) = at(obj, &["spec", "replicas"])
        && matches!(
            (t.group, t.plural),
            ("apps", "deployments" | "replicasets" | "statefulsets")
                | ("", "replicationcontrollers")
        )
    {
        match r.as_i64() {
            Some(n) if n < 0 => causes.push((
                "spec.replicas".into(),
                format!("Invalid value: {n}: must be greater than or equal to 0"),
            )),
            _ => {}
        }
    }
    if t.group == "apps" && t.plural != "controllerrevisions" {
        match at(obj, &["spec", "selector"]) {
            None => causes.push(("spec.selector".into(), "Required value".into())),
            Some(sel) => {
                let s = crate::selectors::LabelSelector::from_object(sel);
                let tpl = json_template_labels(obj);
                if s.is_empty() {
                    causes.push((
                        "spec.selector".into(),
                        "Invalid value: \"null\": empty selector is invalid for deployment".into(),
                    ));
                } else if !s.matches(&tpl) {
                    let labels = crate::util::labels(&tpl);
                    let shown: Vec<String> =
                        labels.iter().map(|(k, v)| format!("{k:?}:{v:?}")).collect();
                    causes.push((
                        "spec.template.metadata.labels".into(),
                        format!(
                            "Invalid value: map[string]string{{{}}}: `selector` does not match template `labels`",
                            shown.join(", ")
                        ),
                    ));
                }
            }
        }
    }
    if t.group.is_empty() && t.plural == "services" {
        let ty = at(obj, &["spec", "type"])
            .and_then(Value::as_str)
            .unwrap_or("ClusterIP");
        if !["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"].contains(&ty) {
            causes.push((
                "spec.type".into(),
                format!("Unsupported value: \"{ty}\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""),
            ));
        }
        let ports = arr_at(obj, &["spec", "ports"]);
        if ports.is_empty()
            && ty != "ExternalName"
            && at(obj, &["spec", "clusterIP"]).and_then(Value::as_str) != Some("None")
        {
            causes.push(("spec.ports".into(), "Required value".into()));
        }
        for (i, p) in ports.iter().enumerate() {
            let n = p.get("port").and_then(Value::as_i64).unwrap_or(0);
            if !(1..=65535).contains(&n) {
                causes.push((
                    format!("spec.ports[{i}].port"),
                    format!("Invalid value: {n}: must be between 1 and 65535, inclusive"),
                ));
            }
        }
    }
    if t.plural == "configmaps" || t.plural == "secrets" {
        for section in ["data", "binaryData", "stringData"] {
            if let Some(m) = obj.get(section).and_then(Value::as_object) {
                for k in m.keys() {
                    let ok = !k.is_empty()
                        && k.chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
                    if !ok {
                        causes.push((
                            format!("{section}[{k}]"),
                            format!("Invalid value: \"{k}\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"),
                        ));
                    }
                }
            }
        }
    }
    if causes.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(t, name, &causes))
    }
}

fn json_template_labels(obj: &Value) -> Value {
    let labels = at(obj, &["spec", "template", "metadata", "labels"])
        .cloned()
        .unwrap_or(Value::Null);
    serde_json::json!({"metadata": {"labels": labels}})
}

/// Checks an update against the stored object (immutable fields).
pub fn validate_update(t: &ResourceType, old: &Value, new: &Value) -> ApiResult<()> {
    let mut causes = Vec::new();
    if t.group == "apps" && old.pointer("/spec/selector") != new.pointer("/spec/selector") {
        let shown = new
            .pointer("/spec/selector")
            .map(|v| v.to_string())
            .unwrap_or_default();
        causes.push((
            "spec.selector".into(),
            format!("Invalid value: {shown}: field is immutable"),
        ));
    }
    if t.plural == "services"
        && let (Some(a), Some(b)) = (
            old.pointer("/spec/clusterIP"),
            new.pointer("/spec/clusterIP"),
        )
        && a != b
        && !b.as_str().unwrap_or("").is_empty()
    {
        causes.push((
            "spec.clusterIPs[0]".into(),
            "Invalid value: []string(nil): primary clusterIP can not be unset".into(),
        ));
    }
    if causes.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(t, name_of(new), &causes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(parse_quantity("100m"), Some(0.1));
        assert_eq!(parse_quantity("1Gi"), Some(1073741824.0));
        assert_eq!(parse_quantity("abc"), None);
        assert_eq!(parse_quantity("1e3"), Some(1000.0));
    }

    #[test]
    fn names() {
        assert!(is_dns_subdomain("web.example"));
        assert!(!is_dns_subdomain("Bad_Name"));
        assert!(!is_dns_label("a.b"));
    }
}
