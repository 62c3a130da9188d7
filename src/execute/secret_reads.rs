//! Reads that would print Secret data: masked unless the person asked to see them.
//!
//! `get secret db -o yaml` (or `-o json`, a jsonpath, custom columns) prints a
//! Secret's data, which is only base64, not protection. One rule holds for every
//! such read:
//!
//! - typed by the person (the offline rules, a plan file): the values are shown
//!   only with `--show-secrets` on the command line. Otherwise the read runs
//!   captured with `-o json`, every Secret's `data`/`stringData` value (and the
//!   `last-applied-configuration` annotation that repeats them) becomes `***`, and
//!   the result is printed in the format asked for. A jsonpath or custom-columns
//!   read runs as asked and every value the JSON read found is replaced in its
//!   output.
//! - planned by a model (or offered by diagnose): never, even with
//!   `--show-secrets`. Such a plan is refused whole before anything runs
//!   ([`check_plan`]), and [`run`] refuses again should one get this far.
//!
//! Reads that carry no values pass through untouched: `get secrets` as a table
//! (names, types, counts), `-o name`, `-o wide`, and `describe` (sizes only).

use serde_json::Value;

use super::Settings;
use crate::exit::UserError;
use crate::kubectl::{Captured, Kubectl, display_command};
use crate::output::Source;
use crate::plan::equivalent::equivalent_args;
use crate::plan::{Operation, OutputFormat, Plan};
use crate::preview::mask::{MASK, mask_secrets};

/// What a run does with a read that would print Secret data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecretReads {
    /// Print it with the values masked (the default).
    #[default]
    Mask,
    /// Print it as kubectl does (`--show-secrets`, typed by the person).
    Show,
    /// Refuse it (a plan from a model or from diagnose).
    Refuse,
}

impl SecretReads {
    /// The rule for a plan from `source`: `--show-secrets` counts only for plans
    /// the person made (a sentence the rules understood, a plan file).
    pub fn for_plan(source: &Source, show_secrets: bool) -> SecretReads {
        match source {
            Source::Model { .. } | Source::Diagnose => SecretReads::Refuse,
            Source::Rules | Source::PlanFile { .. } if show_secrets => SecretReads::Show,
            Source::Rules | Source::PlanFile { .. } | Source::Undo { .. } => SecretReads::Mask,
            // An MCP client is an assistant: the values never reach it, the names do.
            Source::Mcp => SecretReads::Mask,
        }
    }
}

/// Whether `op` would print Secret values: a `get` of secrets whose output
/// carries whole objects or chosen fields (yaml, json, jsonpath, custom columns).
pub fn prints_secret_data(op: &Operation) -> bool {
    match op {
        Operation::Get {
            kinds,
            output,
            columns,
            jsonpath,
            ..
        } => {
            kinds.iter().any(|k| {
                crate::plan::kinds::lookup(k).is_some_and(|info| info.resource == "secrets")
            }) && (!columns.is_empty()
                || jsonpath.is_some()
                || matches!(output, Some(OutputFormat::Yaml | OutputFormat::Json)))
        }
        _ => false,
    }
}

/// Refuses, before anything runs, a plan that may not read Secret data but does.
pub fn check_plan(plan: &Plan, rule: SecretReads) -> Result<(), UserError> {
    if rule != SecretReads::Refuse {
        return Ok(());
    }
    match plan
        .operations
        .iter()
        .enumerate()
        .find(|(_, op)| prints_secret_data(op))
    {
        Some((index, op)) => Err(refusal(index, op, plan.operations.len())),
        None => Ok(()),
    }
}

fn refusal(index: usize, op: &Operation, count: usize) -> UserError {
    let which = if count > 1 {
        format!(
            "operation {} ({})",
            index + 1,
            display_command(&equivalent_args(op))
        )
    } else {
        display_command(&equivalent_args(op))
    };
    UserError::Usage(format!(
        "{which} would print Secret values, and a plan from a model never shows them \
         (--show-secrets does not change that); nothing was run. Ask for the names only \
         (such as \"list secrets in shop\"), or run the read with kubectl yourself"
    ))
}

/// Runs `op` by the Secret rule of `settings`: `None` when the read prints no
/// Secret values or may show them (the caller runs it as usual). Otherwise the
/// masked read, printed here (stdout, and kubectl's stderr on stderr) unless
/// `--json`, whose report carries it; or a refusal.
pub async fn run(
    kubectl: &Kubectl,
    op: &Operation,
    settings: &Settings,
) -> Option<anyhow::Result<Captured>> {
    if settings.secret_reads == SecretReads::Show || !prints_secret_data(op) {
        return None;
    }
    if settings.secret_reads == SecretReads::Refuse {
        return Some(Err(refusal(0, op, 1).into()));
    }
    Some(run_masked(kubectl, op, settings).await)
}

async fn run_masked(
    kubectl: &Kubectl,
    op: &Operation,
    settings: &Settings,
) -> anyhow::Result<Captured> {
    let argv = equivalent_args(&as_json(op));
    let read = super::scoped(kubectl, &argv).run(&argv, None).await?;
    let raw: Option<Value> = serde_json::from_slice(&read.stdout).ok();
    let mut captured = match op {
        // The read failed: kubectl's message, nothing of its output.
        _ if read.status != 0 || raw.is_none() => Captured {
            stdout: Vec::new(),
            ..read
        },
        Operation::Get {
            columns, jsonpath, ..
        } if !columns.is_empty() || jsonpath.is_some() => {
            // kubectl renders the template; every value the JSON read found is
            // replaced in what it printed.
            let asked = equivalent_args(op);
            let mut shown = super::scoped(kubectl, &asked).run(&asked, None).await?;
            let values = raw.as_ref().map(secret_values).unwrap_or_default();
            let text = String::from_utf8_lossy(&shown.stdout).into_owned();
            shown.stdout = scrub(&text, &values).into_bytes();
            shown
        }
        _ => {
            let mut shown = read;
            shown.stdout = match raw {
                Some(mut value) => {
                    mask_secrets(&mut value);
                    render(&value, op)?.into_bytes()
                }
                None => Vec::new(),
            };
            shown
        }
    };
    if !settings.json {
        print(&captured)?;
        if captured.status == 0 && !settings.quiet {
            eprintln!("Secret values are masked (***); add --show-secrets to see them");
        }
    }
    captured.stderr = crate::redact::mask(&captured.stderr);
    Ok(captured)
}

/// The same read with `-o json` and nothing else shaping the output.
fn as_json(op: &Operation) -> Operation {
    let mut op = op.clone();
    if let Operation::Get {
        output,
        columns,
        jsonpath,
        ..
    } = &mut op
    {
        *output = Some(OutputFormat::Json);
        columns.clear();
        *jsonpath = None;
    }
    op
}

/// The masked objects in the format asked for, as kubectl would print them.
fn render(value: &Value, op: &Operation) -> anyhow::Result<String> {
    let yaml = matches!(
        op,
        Operation::Get {
            output: Some(OutputFormat::Yaml),
            ..
        }
    );
    if yaml {
        return Ok(serde_yaml::to_string(value)?);
    }
    // kubectl indents JSON by four spaces.
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(value, &mut serializer)?;
    out.push(b'\n');
    Ok(String::from_utf8(out)?)
}

/// Prints a masked read as kubectl would have: its output on stdout, its
/// messages on stderr. A closed stdout is the same clean stop as for kubectl.
fn print(captured: &Captured) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(&captured.stdout)?;
    out.flush()?;
    if !captured.stderr.is_empty() {
        eprint!("{}", crate::output::sanitize(&captured.stderr));
    }
    Ok(())
}

/// Every Secret value in kubectl's JSON: `data` (as sent, base64, and decoded),
/// `stringData`, and the same inside the `last-applied-configuration` annotation.
fn secret_values(value: &Value) -> Vec<String> {
    let mut values = Vec::new();
    collect(value, &mut values);
    // Values too short to find safely in text are left to the JSON masking.
    values.retain(|v| v.len() >= 3);
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    values.dedup();
    values
}

fn collect(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if map.get("kind").and_then(Value::as_str) == Some("Secret") {
                for field in ["data", "stringData"] {
                    for text in map
                        .get(field)
                        .and_then(Value::as_object)
                        .into_iter()
                        .flat_map(|m| m.values())
                        .filter_map(Value::as_str)
                    {
                        out.push(text.to_string());
                        if field == "data"
                            && let Some(decoded) = decode_base64(text)
                        {
                            out.push(decoded);
                        }
                    }
                }
            }
            for child in map.values() {
                match child {
                    Value::String(text) if text.starts_with('{') => {
                        if let Ok(inner) = serde_json::from_str::<Value>(text) {
                            collect(&inner, out);
                        }
                    }
                    other => collect(other, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        _ => {}
    }
}

/// Standard base64 to text, when it is text.
fn decode_base64(text: &str) -> Option<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut bytes = Vec::new();
    for c in text.trim_end_matches('=').bytes() {
        let index = ALPHABET.iter().position(|a| *a == c)? as u32;
        bits = (bits << 6) | index;
        count += 6;
        if count >= 8 {
            count -= 8;
            bytes.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    String::from_utf8(bytes).ok()
}

/// `text` with every whole occurrence of a value replaced by `***` (an
/// occurrence inside a longer word, like `api` in `api-credentials`, stays).
fn scrub(text: &str, values: &[String]) -> String {
    let word = |c: char| c.is_ascii_alphanumeric() || "+/=_-.".contains(c);
    let mut text = text.to_string();
    for value in values {
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(at) = rest.find(value.as_str()) {
            let before = rest[..at].chars().next_back();
            let after = rest[at + value.len()..].chars().next();
            out.push_str(&rest[..at]);
            if before.is_some_and(word) || after.is_some_and(word) {
                out.push_str(value);
            } else {
                out.push_str(MASK);
            }
            rest = &rest[at + value.len()..];
        }
        out.push_str(rest);
        text = out;
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn get(kinds: &[&str], output: Option<OutputFormat>, jsonpath: Option<&str>) -> Operation {
        Operation::Get {
            kinds: kinds.iter().map(|k| k.to_string()).collect(),
            name: None,
            namespace: None,
            all_namespaces: false,
            selector: None,
            field_selector: None,
            output,
            columns: vec![],
            jsonpath: jsonpath.map(str::to_string),
            sort_by: None,
            show_labels: false,
        }
    }

    #[test]
    fn only_reads_that_print_values_count() {
        assert!(prints_secret_data(&get(
            &["secret"],
            Some(OutputFormat::Yaml),
            None
        )));
        assert!(prints_secret_data(&get(
            &["pods", "Secrets"],
            Some(OutputFormat::Json),
            None
        )));
        assert!(prints_secret_data(&get(
            &["secrets"],
            None,
            Some("{.data}")
        )));
        assert!(!prints_secret_data(&get(&["secrets"], None, None)));
        assert!(!prints_secret_data(&get(
            &["secrets"],
            Some(OutputFormat::Name),
            None
        )));
        assert!(!prints_secret_data(&get(
            &["configmaps"],
            Some(OutputFormat::Yaml),
            None
        )));
    }

    #[test]
    fn a_model_plan_never_reads_secret_values() {
        let plan = Plan::new(vec![
            get(&["pods"], None, None),
            get(&["secrets"], Some(OutputFormat::Json), None),
        ]);
        let model = Source::Model { model: "m".into() };
        let rule = SecretReads::for_plan(&model, true);
        let err = check_plan(&plan, rule).unwrap_err().to_string();
        assert!(
            err.contains("operation 2 (kubectl get secrets -o json)"),
            "{err}"
        );
        assert!(check_plan(&plan, SecretReads::for_plan(&Source::Rules, false)).is_ok());
        assert_eq!(
            SecretReads::for_plan(&Source::Rules, true),
            SecretReads::Show
        );
    }

    #[test]
    fn values_are_found_and_scrubbed_as_whole_words() {
        let list = json!({"kind": "List", "items": [{"kind": "Secret",
            "metadata": {"name": "api-credentials", "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": "{\"kind\":\"Secret\",\"stringData\":{\"extra\":\"clear-text\"}}"}},
            "data": {"username": "YXBp", "password": "aHVudGVyMg=="}}]});
        let values = secret_values(&list);
        for v in ["aHVudGVyMg==", "hunter2", "YXBp", "api", "clear-text"] {
            assert!(values.iter().any(|x| x == v), "{v} in {values:?}");
        }
        assert_eq!(
            scrub(
                "api-credentials aHVudGVyMg== YXBp {\"p\":\"hunter2\"}",
                &values
            ),
            "api-credentials *** *** {\"p\":\"***\"}"
        );
    }
}
