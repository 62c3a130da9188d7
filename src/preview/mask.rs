//! Secrets stay home: masking of secret material inside Kubernetes objects, JSON
//! bodies and argvs.
//!
//! In objects (diffs, previews, reports) Secret `data`/`stringData` values and every
//! literal env value are masked; a value that changes shows as `*** (changed)`, so a
//! diff still says *what* changes without saying *to what*. In JSON bodies and argvs
//! (patches, `set env` arguments) the values that [`crate::redact`] says look like
//! credentials are masked. What looks like a credential is decided in one place,
//! [`crate::redact`].

use serde_json::Value;

pub const MASK: &str = "***";

use crate::redact::{is_secret_key, looks_like_credential};

/// Masks secret material inside one Kubernetes object, in place: Secret data and
/// every literal env value (a diff shows *which* variable, never its value).
pub fn mask_secrets(object: &mut Value) {
    mask_secrets_against(object, None);
}

/// Like [`mask_secrets`], marking values that differ from `before` (the live
/// object, unmasked) as `*** (changed)` so a diff still shows what changes.
pub fn mask_secrets_against(object: &mut Value, before: Option<&Value>) {
    let old = |field: &str, key: &str| {
        before
            .and_then(|b| b.get(field))
            .and_then(|d| d.get(key))
            .cloned()
    };
    if object.get("kind").and_then(Value::as_str) == Some("Secret") {
        for field in ["data", "stringData"] {
            if let Some(Value::Object(map)) = object.get_mut(field) {
                for (key, value) in map.iter_mut() {
                    let changed = before.is_some() && old(field, key).is_some_and(|o| o != *value);
                    *value = Value::String(masked(changed));
                }
            }
        }
    }
    let mut old_env = Vec::new();
    if let Some(before) = before {
        collect_env(before, "", &mut old_env);
    }
    mask_env(object, "", &|_, _| true, &old_env);
}

fn masked(changed: bool) -> String {
    if changed {
        format!("{MASK} (changed)")
    } else {
        MASK.to_string()
    }
}

/// (container, variable, literal value) of every env entry in an object.
fn collect_env(value: &Value, container: &str, out: &mut Vec<(String, String, Value)>) {
    match value {
        Value::Object(map) => {
            let here = map.get("name").and_then(Value::as_str).unwrap_or(container);
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("env", Value::Array(entries)) => out.extend(entries.iter().filter_map(|e| {
                        Some((
                            here.to_string(),
                            e.get("name")?.as_str()?.to_string(),
                            e.get("value")?.clone(),
                        ))
                    })),
                    _ => collect_env(child, here, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_env(v, container, out)),
        _ => {}
    }
}

/// Masks the literal values of the `env` entries `should` picks, wherever containers appear.
fn mask_env(
    value: &mut Value,
    container: &str,
    should: &dyn Fn(&str, &str) -> bool,
    old: &[(String, String, Value)],
) {
    match value {
        Value::Object(map) => {
            let here = map
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or(container)
                .to_string();
            for (key, child) in map.iter_mut() {
                match (key.as_str(), child) {
                    ("env", Value::Array(entries)) => {
                        for entry in entries {
                            let name = entry
                                .get("name")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_string();
                            if let Some(v) = entry.get_mut("value")
                                && v.as_str().is_some_and(|text| should(&name, text))
                            {
                                let changed = old
                                    .iter()
                                    .any(|(c, n, o)| *c == here && *n == name && o != v);
                                *v = Value::String(masked(changed));
                            }
                        }
                    }
                    (_, child) => mask_env(child, &here, should, old),
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| mask_env(v, container, should, old)),
        _ => {}
    }
}

/// Masks string values in any JSON (a patch body, say) whose key names a
/// credential or which look like one, and credential-looking `env` entries.
pub fn mask_json(value: &mut Value) {
    mask_env(
        value,
        "",
        &|name, text| is_secret_key(name) || looks_like_credential(text),
        &[],
    );
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match child {
                    Value::String(s) if is_secret_key(key) || looks_like_credential(s) => {
                        *s = MASK.into()
                    }
                    _ => mask_json(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_json),
        _ => {}
    }
}

/// An argv as it may be shown or logged: `KEY=value` (also inside
/// `--from-literal=`/`--env=`) whose key or value looks like a credential, and
/// JSON arguments (patch bodies), are masked.
pub fn mask_argv(argv: &[String]) -> Vec<String> {
    argv.iter()
        .map(|arg| {
            if (arg.starts_with('{') || arg.starts_with('['))
                && let Ok(mut json) = serde_json::from_str::<Value>(arg)
            {
                mask_json(&mut json);
                return json.to_string();
            }
            let body = arg
                .strip_prefix("--from-literal=")
                .or_else(|| arg.strip_prefix("--env="))
                .unwrap_or(arg);
            match body.split_once('=') {
                Some((key, value))
                    if !key.starts_with('-')
                        && (is_secret_key(key) || looks_like_credential(value)) =>
                {
                    format!("{}{key}={MASK}", &arg[..arg.len() - body.len()])
                }
                _ => arg.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_data_is_masked_keys_kept() {
        let mut s = json!({"kind": "Secret", "data": {"password": "aHVudGVyMg=="}, "stringData": {"t": "x"}});
        mask_secrets(&mut s);
        assert_eq!(s["data"]["password"], "***");
        assert_eq!(s["stringData"]["t"], "***");
    }

    #[test]
    fn changed_values_are_marked_without_showing_them() {
        let d = |v: &str| json!({"spec": {"containers": [{"name": "app", "env": [{"name": "LOG_LEVEL", "value": v}, {"name": "A", "value": "same"}]}]}});
        let mut after = d("debug");
        mask_secrets_against(&mut after, Some(&d("info")));
        assert_eq!(
            after["spec"]["containers"][0]["env"][0]["value"],
            "*** (changed)"
        );
        assert_eq!(after["spec"]["containers"][0]["env"][1]["value"], "***");
    }

    #[test]
    fn credential_env_values_are_masked_in_bodies_others_kept() {
        let mut d = json!({"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"env": [
            {"name": "DATABASE_PASSWORD", "value": "s3cr3t-value"},
            {"name": "LOG_LEVEL", "value": "info"},
            {"name": "UPSTREAM", "value": "postgres://app:hunter2@db:5432/x"}
        ]}]}}}});
        let mut object = d.clone();
        mask_secrets(&mut object);
        let env = &object["spec"]["template"]["spec"]["containers"][0]["env"];
        assert!(
            env.as_array().unwrap().iter().all(|e| e["value"] == "***"),
            "objects mask every value: {env}"
        );
        mask_json(&mut d);
        let env = &d["spec"]["template"]["spec"]["containers"][0]["env"];
        assert_eq!(env[0]["value"], "***");
        assert_eq!(env[1]["value"], "info");
        assert_eq!(env[2]["value"], "***");
    }

    #[test]
    fn argv_and_json_bodies_are_masked() {
        let argv: Vec<String> = [
            "set",
            "env",
            "deployment/web",
            "DB_PASSWORD=hunter2",
            "LOG_LEVEL=debug",
            "--from-literal=token=abc",
            r#"{"spec":{"template":{"spec":{"containers":[{"name":"a","env":[{"name":"API_TOKEN","value":"xyz"}]}]}}}}"#,
        ]
        .map(String::from)
        .into();
        let masked = mask_argv(&argv).join(" ");
        assert!(
            !masked.contains("hunter2") && !masked.contains("abc") && !masked.contains("xyz"),
            "{masked}"
        );
        assert!(
            masked.contains("LOG_LEVEL=debug") && masked.contains("DB_PASSWORD=***"),
            "{masked}"
        );
    }

    #[test]
    fn text_redaction_catches_common_shapes() {
        let r = crate::redact::mask(
            "login password=hunter2 ok\nAuthorization: Bearer abc.def\ntoken: xyz",
        );
        assert!(!r.contains("hunter2"), "{r}");
        assert!(!r.contains("abc.def"), "{r}");
        assert!(!r.contains("xyz"), "{r}");
        assert!(r.contains("login"), "{r}");
        assert_eq!(
            crate::redact::mask("connection refused 10.0.0.12:5432"),
            "connection refused 10.0.0.12:5432"
        );
    }
}
