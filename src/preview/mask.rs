//! Secrets stay home: masking of secret material inside Kubernetes objects, JSON
//! bodies and argvs.
//!
//! In objects (diffs, previews, reports, plan operations) Secret `data` and
//! `stringData` values are masked whole, and every other string value goes
//! through [`crate::redact`]: a value whose key names a credential (`password`,
//! an env entry named `DB_PASSWORD`) or which looks like one (a JWT, a `ghp_`
//! token) is masked whole, and credentials inside longer text (a URL's password,
//! `password: x` in a config file) are masked where they stand. Everything else,
//! such as `LOG_LEVEL=debug`, is shown, so a person can check what they typed.
//! A masked value that changes shows as `*** (changed)`, so a diff still says
//! *what* changes without saying *to what*. JSON held in a string (the
//! `last-applied-configuration` annotation) is masked the same way inside.
//! What looks like a credential is decided in one place, [`crate::redact`].

use serde_json::{Map, Value};

pub const MASK: &str = "***";

use crate::plan::Operation;
use crate::redact::{is_secret_key, looks_like_credential};

/// Masks secret material inside one Kubernetes object (or any JSON), in place.
pub fn mask_secrets(object: &mut Value) {
    mask_secrets_against(object, None);
}

/// Like [`mask_secrets`], marking masked values that differ from `before` (the
/// live object, unmasked) as `*** (changed)` so a diff still shows what changes.
pub fn mask_secrets_against(object: &mut Value, before: Option<&Value>) {
    let secret = object.get("kind").and_then(Value::as_str) == Some("Secret");
    if let Value::Object(map) = object {
        if secret {
            for field in ["data", "stringData"] {
                if let Some(Value::Object(values)) = map.get_mut(field) {
                    let old = before.and_then(|b| b.get(field));
                    for (key, value) in values.iter_mut() {
                        let changed = old.and_then(|o| o.get(key)).is_some_and(|o| o != value);
                        *value = Value::String(masked(changed));
                    }
                }
            }
        }
        let skip: &[&str] = if secret { &["data", "stringData"] } else { &[] };
        mask_map(map, before.and_then(Value::as_object), skip);
    } else {
        mask_value(object, before, "");
    }
}

/// Masks secret material in any JSON (a patch body, say): the same rules as
/// for objects.
pub fn mask_json(value: &mut Value) {
    mask_secrets(value);
}

/// An operation as it may be shown or recorded (the `--json` report): the data
/// of a `create_secret` masked whole, everything else by the rules for objects
/// (secret-named env values, credentials in config map data, annotations,
/// patch bodies, `apply` objects).
pub fn mask_operation(op: &Operation) -> Operation {
    let mut op = op.clone();
    if let Operation::CreateSecret { data, .. } = &mut op {
        data.iter_mut().for_each(|kv| kv.value = MASK.into());
        return op;
    }
    let Ok(mut value) = serde_json::to_value(&op) else {
        return op;
    };
    mask_secrets(&mut value);
    serde_json::from_value(value).unwrap_or(op)
}

fn masked(changed: bool) -> String {
    if changed {
        format!("{MASK} (changed)")
    } else {
        MASK.to_string()
    }
}

/// The members of one JSON object; `skip` names members already masked. In a
/// `{name, value}` or `{key, value}` pair (an env entry, a parameter) the
/// value's key is the pair's name.
fn mask_map(map: &mut Map<String, Value>, before: Option<&Map<String, Value>>, skip: &[&str]) {
    let pair_name = map
        .get("value")
        .filter(|v| v.is_string())
        .and(map.get("name").or_else(|| map.get("key")))
        .and_then(Value::as_str)
        .map(str::to_string);
    for (key, child) in map.iter_mut() {
        if skip.contains(&key.as_str()) {
            continue;
        }
        let effective = match &pair_name {
            Some(name) if key == "value" => name.as_str(),
            _ => key.as_str(),
        };
        mask_value(child, before.and_then(|b| b.get(key)), effective);
    }
}

/// One value under `key`: strings are masked, objects and arrays walked.
fn mask_value(value: &mut Value, before: Option<&Value>, key: &str) {
    match value {
        Value::String(text) => {
            if let Some(masked) = mask_string(text, before.and_then(Value::as_str), key) {
                *text = masked;
            }
        }
        // An object inside (a List's items, an `apply`'s objects) may be a Secret.
        Value::Object(_) => mask_secrets_against(value, before),
        Value::Array(items) => {
            let old = before.and_then(Value::as_array);
            let mut previous: Option<String> = None;
            for (index, item) in items.iter_mut().enumerate() {
                let here = item.as_str().map(str::to_string);
                let matching = old.and_then(|old| same_item(old, item, index));
                // `["--token", "abc"]`: the word before names the value.
                let key = match &previous {
                    Some(flag) if is_secret_key(flag.trim_start_matches('-')) => flag.as_str(),
                    _ => key,
                };
                mask_value(item, matching, key);
                previous = here;
            }
        }
        _ => {}
    }
}

/// The item of `old` that `item` replaces: the one with the same `name` (or
/// `key`) when items are named, else the one at the same place.
fn same_item<'a>(old: &'a [Value], item: &Value, index: usize) -> Option<&'a Value> {
    for field in ["name", "key"] {
        if let Some(name) = item.get(field).and_then(Value::as_str) {
            return old
                .iter()
                .find(|o| o.get(field).and_then(Value::as_str) == Some(name));
        }
    }
    old.get(index)
}

/// The masked form of one string value, or `None` when it shows as it is.
fn mask_string(text: &str, before: Option<&str>, key: &str) -> Option<String> {
    if text.is_empty() || text == MASK || text.starts_with("*** (") {
        return None;
    }
    let changed = before.is_some_and(|b| b != text);
    if is_secret_key(key) {
        return Some(masked(changed));
    }
    // JSON in a string (`last-applied-configuration`): masked inside.
    if text.starts_with(['{', '['])
        && let Ok(mut inner) = serde_json::from_str::<Value>(text)
    {
        let old = before.and_then(|b| serde_json::from_str::<Value>(b).ok());
        mask_secrets_against(&mut inner, old.as_ref());
        let shown = inner.to_string();
        let original: Value = serde_json::from_str(text).ok()?;
        return (inner != original).then_some(shown);
    }
    // Credentials in the text are masked where they stand (a URL keeps its host).
    let shown = crate::redact::mask(text);
    if shown == text {
        return None;
    }
    if shown == MASK {
        return Some(masked(changed));
    }
    // Only masked parts differ from the live value: say that they change.
    if changed && before.map(crate::redact::mask).as_deref() == Some(shown.as_str()) {
        return Some(masked(true));
    }
    Some(shown)
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
        let d = |v: &str| json!({"spec": {"containers": [{"name": "app", "env": [{"name": "DB_PASSWORD", "value": v}, {"name": "API_TOKEN", "value": "same"}, {"name": "LOG_LEVEL", "value": v}]}]}});
        let mut after = d("debug");
        mask_secrets_against(&mut after, Some(&d("info")));
        let env = &after["spec"]["containers"][0]["env"];
        assert_eq!(env[0]["value"], "*** (changed)");
        assert_eq!(env[1]["value"], "***");
        assert_eq!(env[2]["value"], "debug", "plain values are shown");
    }

    #[test]
    fn env_values_are_masked_only_when_they_are_credentials() {
        let mut d = json!({"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"env": [
            {"name": "DATABASE_PASSWORD", "value": "s3cr3t-value"},
            {"name": "LOG_LEVEL", "value": "info"},
            {"name": "FOO", "value": "bar"},
            {"name": "UPSTREAM", "value": "postgres://app:hunter2@db:5432/x"},
            {"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": "api", "key": "token"}}}
        ]}]}}}});
        mask_secrets(&mut d);
        let env = &d["spec"]["template"]["spec"]["containers"][0]["env"];
        assert_eq!(env[0]["value"], "***");
        assert_eq!(env[1]["value"], "info");
        assert_eq!(env[2]["value"], "bar");
        assert_eq!(env[3]["value"], "postgres://app:***@db:5432/x");
        assert_eq!(env[4]["valueFrom"]["secretKeyRef"]["key"], "token");
    }

    #[test]
    fn credentials_anywhere_in_an_object_are_masked() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXZhbHVl";
        let mut cm = json!({"kind": "ConfigMap", "metadata": {"name": "app", "annotations": {
                "note": "ghp_abcdefghijklmnopqrstuvwxyz0123",
                "owner": "team-a"
            }},
            "data": {
                "password": "CmPassQ5x",
                "url": "postgres://u:pw@h/db",
                "auth": format!("Bearer {jwt}"),
                "app.properties": "mode=fast\npassword=hunter2\n",
                "level": "debug"
            },
            "spec": {"volumes": [{"name": "creds", "secret": {"secretName": "db-creds"}}],
                     "containers": [{"name": "a", "args": ["--token", "abc123", "--verbose"]}]}});
        mask_secrets(&mut cm);
        let text = cm.to_string();
        for secret in ["CmPassQ5x", ":pw@", jwt, "ghp_", "hunter2", "abc123"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert_eq!(cm["data"]["url"], "postgres://u:***@h/db");
        assert_eq!(cm["data"]["app.properties"], "mode=fast\npassword=***\n");
        assert_eq!(cm["data"]["level"], "debug");
        assert_eq!(cm["metadata"]["annotations"]["owner"], "team-a");
        assert_eq!(cm["spec"]["volumes"][0]["secret"]["secretName"], "db-creds");
        assert_eq!(cm["spec"]["containers"][0]["args"][2], "--verbose");
    }

    #[test]
    fn a_change_inside_masked_text_is_marked() {
        let cm = |url: &str, level: &str| json!({"kind": "ConfigMap", "data": {"url": url, "level": level}});
        let mut after = cm("postgres://u:new@h/db", "info");
        mask_secrets_against(&mut after, Some(&cm("postgres://u:old@h/db", "info")));
        assert_eq!(after["data"]["url"], "*** (changed)");
        let mut same = cm("postgres://u:old@h/db", "debug");
        mask_secrets_against(&mut same, Some(&cm("postgres://u:old@h/db", "info")));
        assert_eq!(same["data"]["url"], "postgres://u:***@h/db");
        assert_eq!(same["data"]["level"], "debug");
    }

    #[test]
    fn json_in_a_string_is_masked_inside() {
        let applied = r#"{"apiVersion":"v1","data":{"password":"UGE1NXcw","username":"YXBp"},"kind":"Secret"}"#;
        let mut s = json!({"kind": "Secret", "metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": applied}}, "data": {"username": "YXBp"}});
        mask_secrets(&mut s);
        let annotation =
            s["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
                .as_str()
                .unwrap();
        assert!(
            !annotation.contains("UGE1NXcw") && !annotation.contains("YXBp"),
            "{annotation}"
        );
        assert_eq!(s["data"]["username"], "***");
    }

    #[test]
    fn masking_is_idempotent() {
        let mut once = json!({"kind": "Secret", "data": {"a": "b"}, "x": {"password": "p", "url": "https://u:p@h"}});
        mask_secrets(&mut once);
        let mut twice = once.clone();
        mask_secrets(&mut twice);
        assert_eq!(once, twice);
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

    #[test]
    fn secrets_inside_lists_and_plans_are_masked() {
        let mut list = json!({"kind": "List", "items": [
            {"kind": "Secret", "metadata": {"name": "a"}, "data": {"username": "YXBp"}},
            {"kind": "ConfigMap", "metadata": {"name": "b"}, "data": {"username": "api"}}
        ]});
        mask_secrets(&mut list);
        assert_eq!(list["items"][0]["data"]["username"], "***");
        assert_eq!(list["items"][1]["data"]["username"], "api");
        let mut op = json!({"op": "set_env", "name": "web", "set": [
            {"key": "DB_PASSWORD", "value": "hunter2"}, {"key": "FOO", "value": "bar"}]});
        mask_secrets(&mut op);
        assert_eq!(op["set"][0]["value"], "***");
        assert_eq!(op["set"][1]["value"], "bar");
    }

    #[test]
    fn operations_are_recorded_masked() {
        let op: Operation = serde_json::from_value(json!({"op": "create_config_map", "name": "app",
            "data": [{"key": "password", "value": "CmPassQ5x"}, {"key": "level", "value": "debug"}]}))
        .unwrap();
        let text = serde_json::to_string(&mask_operation(&op)).unwrap();
        assert!(
            !text.contains("CmPassQ5x") && text.contains("debug"),
            "{text}"
        );
        let op: Operation = serde_json::from_value(json!({"op": "create_secret", "name": "db",
            "data": [{"key": "username", "value": "admin"}]}))
        .unwrap();
        let text = serde_json::to_string(&mask_operation(&op)).unwrap();
        assert!(!text.contains("admin"), "{text}");
    }
}
