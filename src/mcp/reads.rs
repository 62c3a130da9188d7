//! What a read tool hands back to an assistant: kubectl's output, redacted and capped.
//!
//! The read itself runs through the engine (validated, as an argv, Secret data
//! masked by [`crate::execute::secret_reads`]). Before the output leaves, every
//! env value is masked (in objects: each `env[].value`; in `describe`: the
//! `Environment:` block), credential-looking values anywhere are masked by
//! [`crate::redact`], escape sequences are removed, and the text is cut at
//! [`MAX_OUTPUT`] with a note saying how to narrow the read.

use serde_json::Value;

use crate::plan::{Operation, OutputFormat};
use crate::preview::mask::{MASK, mask_secrets};

/// The most a read returns, in bytes.
pub const MAX_OUTPUT: usize = 64 * 1024;

/// kubectl's output for `op`, safe to hand to an assistant.
pub fn redact_output(op: &Operation, stdout: &str) -> String {
    let structured = match op {
        Operation::Get {
            output: Some(OutputFormat::Json),
            ..
        } => serde_json::from_str::<Value>(stdout)
            .ok()
            .and_then(|mut value| {
                mask_object(&mut value);
                serde_json::to_string_pretty(&value).ok().map(|s| s + "\n")
            }),
        Operation::Get {
            output: Some(OutputFormat::Yaml),
            ..
        } => serde_yaml::from_str::<Value>(stdout)
            .ok()
            .and_then(|mut value| {
                mask_object(&mut value);
                serde_yaml::to_string(&value).ok()
            }),
        _ => None,
    };
    let text = match structured {
        Some(text) => text,
        None if matches!(op, Operation::Describe { .. }) => mask_described_env(stdout),
        None => stdout.to_string(),
    };
    crate::output::sanitize(&crate::redact::mask(&text))
}

/// Masks secret material and every env value in an object (or a list of them).
fn mask_object(value: &mut Value) {
    mask_env(value);
    mask_secrets(value);
}

/// Every `env: [{name, value}]` value becomes `***` (`valueFrom` references stay).
fn mask_env(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "env"
                    && let Value::Array(entries) = child
                {
                    for entry in entries {
                        if let Some(v) = entry.get_mut("value")
                            && v.is_string()
                        {
                            *v = Value::String(MASK.into());
                        }
                    }
                } else {
                    mask_env(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_env),
        _ => {}
    }
}

/// In `kubectl describe` output, the values under each `Environment:` heading
/// become `***` (`<set to the key …>` references stay: they name no value).
fn mask_described_env(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut block: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        let content = line.trim();
        if let Some(heading) = block {
            if indent <= heading || content.is_empty() {
                block = None;
            } else if let Some((name, value)) = content.split_once(':') {
                let value = value.trim();
                if !value.is_empty() && !value.starts_with('<') {
                    let ending = if line.ends_with('\n') { "\n" } else { "" };
                    out.push_str(&format!("{}{name}:  {MASK}{ending}", &line[..indent]));
                    continue;
                }
            }
        }
        if content == "Environment:" {
            block = Some(indent);
        }
        out.push_str(line);
    }
    out
}

/// Cuts `text` to at most [`MAX_OUTPUT`] bytes, at a line end where it can,
/// with a note saying it was cut and how to narrow the read.
pub fn cap(text: String, how_to_narrow: &str) -> String {
    if text.len() <= MAX_OUTPUT {
        return text;
    }
    let total = text.len();
    let mut end = MAX_OUTPUT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if let Some(newline) = text[..end].rfind('\n') {
        end = newline + 1;
    }
    let mut cut = text[..end].to_string();
    if !cut.ends_with('\n') {
        cut.push('\n');
    }
    cut.push_str(&format!(
        "[output cut: {total} bytes, only the first {end} shown (limit {} KiB); {how_to_narrow}]\n",
        MAX_OUTPUT / 1024
    ));
    cut
}

/// What to say when a read's output was cut.
pub fn how_to_narrow(op: &Operation) -> &'static str {
    match op {
        Operation::Logs { .. } => "ask for fewer lines with tail, or a shorter since",
        Operation::Get { .. } => {
            "narrow the read: a name, a label selector, one namespace, or output name"
        }
        Operation::Events { .. } => "narrow the read: one namespace, warnings_only, or one object",
        Operation::Describe { .. } => "describe one object by name",
        Operation::ApiResources { .. } | Operation::Explain { .. } => {
            "ask for less (namespaced only, a deeper field path, recursive off)"
        }
        _ => "narrow the read",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(output: OutputFormat) -> Operation {
        Operation::Get {
            kinds: vec!["deployments".into()],
            name: None,
            namespace: None,
            all_namespaces: false,
            selector: None,
            field_selector: None,
            output: Some(output),
            columns: Vec::new(),
            jsonpath: None,
            sort_by: None,
            show_labels: false,
        }
    }

    #[test]
    fn env_values_are_masked_in_objects() {
        let json = r#"{"spec":{"containers":[{"name":"web","env":[{"name":"LOG_LEVEL","value":"debug"},{"name":"DB","valueFrom":{"secretKeyRef":{"name":"db","key":"url"}}}]}]}}"#;
        let out = redact_output(&get(OutputFormat::Json), json);
        assert!(!out.contains("debug"), "{out}");
        assert!(out.contains("secretKeyRef"), "{out}");
        let yaml = "spec:\n  containers:\n  - env:\n    - name: API_URL\n      value: https://internal.example\n";
        let out = redact_output(&get(OutputFormat::Yaml), yaml);
        assert!(!out.contains("internal.example"), "{out}");
    }

    #[test]
    fn env_values_are_masked_in_describe() {
        let text = "Containers:\n  web:\n    Environment:\n      LOG_LEVEL:  debug\n      DB_URL:     <set to the key 'url' in secret 'db'>  Optional: false\n    Mounts:  <none>\n";
        let op = Operation::Describe {
            kind: "deployment".into(),
            name: Some("web".into()),
            namespace: None,
            selector: None,
        };
        let out = redact_output(&op, text);
        assert!(!out.contains("debug"), "{out}");
        assert!(out.contains("LOG_LEVEL:  ***"), "{out}");
        assert!(out.contains("<set to the key"), "{out}");
        assert!(out.contains("Mounts:  <none>"), "{out}");
    }

    #[test]
    fn long_output_is_cut_with_a_note() {
        let text = "line of logs\n".repeat(10_000);
        let out = cap(text.clone(), "ask for fewer lines");
        assert!(out.len() < MAX_OUTPUT + 200);
        assert!(
            out.contains("[output cut: 130000 bytes"),
            "{}",
            &out[out.len() - 200..]
        );
        assert!(out.contains("ask for fewer lines"));
        assert_eq!(cap("short\n".into(), "x"), "short\n");
    }
}
