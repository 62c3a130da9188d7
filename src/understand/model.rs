//! Understanding a sentence by asking an OpenAI-compatible model for a typed plan.
//!
//! One sentence costs one call: a compact system prompt (what each operation means,
//! the context, namespace and a bounded list of names) and the sentence, with
//! credential-looking values replaced by placeholders, and a strict JSON Schema the
//! answer must follow. The model never writes argv (invariant 2): it picks typed
//! operations from the closed vocabulary of [`crate::plan`], or answers that it
//! needs a clarification, that the request is out of scope, or that it is a health
//! question for `diagnose`. The answer is checked in order — refusal, then
//! `finish_reason` (cut off?), then parse, convert and validate — and a plan that
//! fails gets exactly one repair request carrying the problem; a second failure is
//! reported with the model's plan shown, and nothing runs.

use std::time::Duration;

use serde_json::{Value, json};

use super::grounding::{self, Grounds};
use crate::diagnose::Reader;
use crate::diagnose::evidence::{self, Gathered, ReadRequest};
use crate::llm::client::Shape;
use crate::llm::client::sanitize;
use crate::llm::{ChatClient, Completion, Message, ModelSettings, Usage};
use crate::plan::Plan;
use crate::plan::schema::{self, plan_from_model, strict_object};
use crate::plan::validate::{Limits, validate_all};
use crate::redact::Redactor;

pub use super::model_context::ModelContext;

/// What the model made of a sentence.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelOutcome {
    /// A validated plan.
    Plan {
        plan: Plan,
        /// The model that answered, as the server names it.
        model: String,
        /// Tokens of all calls made for this sentence (two when a repair was needed).
        usage: Usage,
        /// The server's id of the last request, for support and `-v` logs.
        request_id: Option<String>,
        /// The reads the model asked for before it planned, in order.
        evidence: Vec<Gathered>,
    },
    /// A question about the cluster, answered from the reads the model asked for.
    /// Never a change: nothing runs but those reads.
    Answer {
        text: String,
        model: String,
        usage: Usage,
        evidence: Vec<Gathered>,
    },
    /// The model needs more detail; show the question and do nothing.
    Clarify(String),
    /// Nothing in the vocabulary does this; show why and do nothing.
    OutOfScope(String),
    /// A health or troubleshooting question: hand it to `diagnose` (`--fix` when `fix`).
    Diagnose {
        /// The person's sentence.
        question: String,
        /// The namespace the sentence names, if any (else the current one).
        namespace: Option<String>,
        fix: bool,
    },
}

/// Why a model's answer could not be used. Nothing was run in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    #[error("the model declined the request: {0}")]
    Refused(String),
    #[error(
        "the model's answer was cut off at {max_tokens} tokens; ask for less at once, or raise max_completion_tokens in the config file"
    )]
    CutOff { max_tokens: u32 },
    #[error("the model's answer was withheld by the provider's content filter")]
    Filtered,
    #[error("the model sent an empty answer")]
    Empty,
    #[error(
        "the model's plan cannot be used, even after one repair: {problem}\nThe model proposed:\n{answer}\nNothing was run."
    )]
    Unusable { problem: String, answer: String },
}

/// The name of the schema in `response_format`.
pub const SCHEMA_NAME: &str = "kubectl_ai_answer";

/// The strict schema of the whole answer: `{"answer": …}`, one variant per kind of
/// answer with only the fields that kind uses (strict mode wants an object at the
/// root, so the variants sit one level down).
pub fn answer_schema(looking: bool) -> Value {
    let variant = |kind: &str, fields: Vec<(&str, Value)>| {
        let mut properties = vec![("type".to_string(), json!({ "enum": [kind] }))];
        properties.extend(fields.into_iter().map(|(k, v)| (k.to_string(), v)));
        strict_object(properties, None)
    };
    let mut kinds = vec![
        variant(
            "plan",
            vec![(
                "operations",
                json!({"type": "array", "items": schema::operation_schema()}),
            )],
        ),
        variant("clarify", vec![("question", json!({"type": "string"}))]),
        variant("out_of_scope", vec![("reason", json!({"type": "string"}))]),
        variant(
            "diagnose",
            vec![
                ("namespace", json!({"type": ["string", "null"]})),
                ("fix", json!({"type": "boolean"})),
            ],
        ),
    ];
    if looking {
        kinds.push(variant(
            "look",
            vec![(
                "reads",
                json!({"type": "array", "items": evidence::request_schema()}),
            )],
        ));
        kinds.push(variant("answer", vec![("text", json!({"type": "string"}))]));
    }
    strict_object(
        vec![("answer".into(), json!({ "anyOf": kinds }))],
        Some(schema::definitions()),
    )
}

/// The system prompt: the kinds of answer, the conventions, and the context (names
/// only). The operations and their fields travel in the schema.
pub fn system_prompt(ctx: &ModelContext) -> String {
    system_prompt_for(ctx, false)
}

/// What `look` and `answer` mean, for a run that may read the cluster.
const LOOKING: &str = "- look: reads = up to 3 reads (tool get|describe|logs|events|top, kind, name, container, previous, namespace) when the plan or the answer needs what is in the cluster (the repository of an image, a selector, a probe, a pod's logs); you get their output and answer again, at most 3 times. Never for what the names below already tell.\n\
- answer: text = a short answer to a question about the cluster, from what your reads showed; never for a change.\n";

/// A few requests and their answers. Small models choose the operation and copy
/// the namespace far more reliably from examples than from rules; the names are
/// made up so that no example matches a cluster's own.
const EXAMPLES: &str = "Examples (request => answer):\n\
scale checkout in prod to 4 => {\"answer\":{\"type\":\"plan\",\"operations\":[{\"op\":\"scale\",\"kind\":\"deployment\",\"name\":\"checkout\",\"namespace\":\"prod\",\"change\":\"to\",\"replicas\":4}]}}\n\
list the pods in prod => {\"answer\":{\"type\":\"plan\",\"operations\":[{\"op\":\"get\",\"kinds\":[\"pods\"],\"namespace\":\"prod\"}]}}\n\
deployments in every namespace => {\"answer\":{\"type\":\"plan\",\"operations\":[{\"op\":\"get\",\"kinds\":[\"deployments\"],\"all_namespaces\":true}]}}\n\
restart checkout => {\"answer\":{\"type\":\"plan\",\"operations\":[{\"op\":\"rollout_restart\",\"name\":\"checkout\"}]}}\n\
logs of checkout in prod => {\"answer\":{\"type\":\"plan\",\"operations\":[{\"op\":\"logs\",\"kind\":\"deployment\",\"name\":\"checkout\",\"namespace\":\"prod\"}]}}\n\
warnings in prod => {\"answer\":{\"type\":\"plan\",\"operations\":[{\"op\":\"events\",\"namespace\":\"prod\",\"warnings_only\":true}]}}\n\
label checkout with team=pay => {\"answer\":{\"type\":\"plan\",\"operations\":[{\"op\":\"label\",\"kind\":\"deployment\",\"name\":\"checkout\",\"set\":[{\"key\":\"team\",\"value\":\"pay\"}]}]}}\n\
why is checkout crashing? => {\"answer\":{\"type\":\"diagnose\",\"fix\":false}}\n";

/// The system prompt, with `look` and `answer` when the cluster may be read.
pub fn system_prompt_for(ctx: &ModelContext, looking: bool) -> String {
    let mut p = String::with_capacity(1_500);
    p.push_str(
        "You are kubectl-ai. Turn one request about a Kubernetes cluster into JSON; code builds and runs the kubectl commands, after a preview and the person's consent. Never invent names.\n\
answer.type:\n\
- plan: the operations, in order.\n\
- clarify: one short question, when a needed name or number is missing or ambiguous.\n\
- out_of_scope: why, when no operation fits (installing software, not Kubernetes).\n\
- diagnose: health or troubleshooting (\"are my pods healthy?\", \"why is api crashing?\"); fix = true when asked to fix something; namespace if one is named.\n\
",
    );
    if looking {
        p.push_str(LOOKING);
    }
    // Servers that hold the model to the schema with a grammar (llama.cpp) never
    // show it the schema: the operations must be named here.
    p.push_str("Operations: ");
    p.push_str(&schema::operation_names().collect::<Vec<_>>().join(" "));
    p.push_str(". Use the specific one (set_image, rollout_restart, scale…) rather than patch; get needs no name to list.\n");
    p.push_str(EXAMPLES);
    p.push_str(
        "Notes: leave out (or null) what the request does not give; namespace only when the request names one. kind as kubectl names it (deployment, statefulset, pod, service, node…); null = deployment. \
scale change: to = exact count, by = add (negative removes), by_percent. \
set = key/value pairs (env, labels, data). manifest = the objects as a JSON string. patch = a JSON object as a string. \
get columns: header + JSON path. untaint removes a taint. Copy REDACTED_n placeholders exactly. \
A leading \"plan\" or \"diagnose\" word is the person's way to ask for that.\n",
    );
    p.push_str("Context: ");
    if let Some(context) = &ctx.context {
        p.push_str(&format!("kubectl context {}, ", quote(context)));
    }
    p.push_str(&format!("current namespace {}.\n", quote(&ctx.namespace)));
    if !ctx.workloads.is_empty() {
        p.push_str("Workloads: ");
        p.push_str(&ctx.workloads.join(", "));
        p.push('\n');
    }
    if !ctx.services.is_empty() {
        p.push_str("Services: ");
        p.push_str(&ctx.services.join(", "));
        p.push('\n');
    }
    p
}

/// What the prompt adds for a server that takes no JSON Schema (`json_object`
/// mode): the shape of the answer and the vocabulary, which the schema would
/// otherwise carry. The answer is then checked exactly as in strict mode.
pub fn json_object_instructions() -> String {
    let mut p = String::from(
        "Reply with one JSON object and nothing else, one of: \
{\"answer\":{\"type\":\"plan\",\"operations\":[…]}} (as in the examples) \
{\"answer\":{\"type\":\"clarify\",\"question\":\"…\"}} \
{\"answer\":{\"type\":\"out_of_scope\",\"reason\":\"…\"}} \
{\"answer\":{\"type\":\"diagnose\",\"namespace\":null,\"fix\":false}}\n\
Operations and their fields (name! = needed; give only the fields listed for the operation):\n",
    );
    p.push_str(&schema::compact_vocabulary());
    p
}

fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// Asks the model what `sentence` means, without reading the cluster. Errors from
/// the server are [`crate::llm::LlmError`]s, unusable answers [`AnswerError`]s
/// (both reachable with `downcast_ref`); in every error case nothing has been run.
pub async fn understand_with_model(
    sentence: &str,
    ctx: &ModelContext,
    settings: &ModelSettings,
    limits: &Limits,
) -> anyhow::Result<ModelOutcome> {
    understand_looking(sentence, ctx, settings, limits, None::<&NoReads>).await
}

/// A reader for runs that may not read the cluster (`--explain`, tests).
pub struct NoReads;

impl Reader for NoReads {
    async fn read(&self, _args: &[String]) -> anyhow::Result<Vec<u8>> {
        anyhow::bail!("no reads in this run")
    }
}

/// Like [`understand_with_model`], and with a `reader` the model may look before
/// it answers: a few validated, read-only, redacted reads a step
/// ([`evidence::MAX_REQUESTS_PER_STEP`]), a few steps ([`evidence::MAX_STEPS`]),
/// in the context's namespace or one the sentence names, never a Secret. A
/// one-shot request that needs no evidence stays one call.
pub async fn understand_looking<R: Reader>(
    sentence: &str,
    ctx: &ModelContext,
    settings: &ModelSettings,
    limits: &Limits,
    reader: Option<&R>,
) -> anyhow::Result<ModelOutcome> {
    let client = ChatClient::new(settings)?;
    // What came from outside is redacted here, where it enters the messages; the
    // client sends them as they are, so the plugin's own prompt is never masked.
    // (Workload and service names were checked when the context was built.)
    let mut redactor = Redactor::new();
    let redacted_sentence = redactor.redact(sentence.trim());
    let mut redacted_ctx = ctx.clone();
    redacted_ctx.context = ctx.context.as_deref().map(|c| redactor.redact(c));
    redacted_ctx.namespace = redactor.redact(&ctx.namespace);
    let looking = reader.is_some();
    let mut messages = vec![
        Message::system(system_prompt_for(&redacted_ctx, looking)),
        Message::user(redacted_sentence),
    ];
    let schema = answer_schema(looking);
    let instructions = json_object_instructions();
    let shape = Shape {
        name: SCHEMA_NAME,
        schema: &schema,
        instructions: &instructions,
    };
    let spinner = Spinner::start(settings, &settings.model);
    let mut usage = Usage::default();
    let scope = evidence::Scope {
        namespace: None,
        all_namespaces: false,
        finding_namespaces: readable_namespaces(sentence, &ctx.namespace),
    };
    let mut budget = evidence::MAX_TOTAL_CHARS;
    let mut read: Vec<Gathered> = Vec::new();
    let mut step = 0;

    let mut repaired = false;
    let outcome = loop {
        let completion = client.send_structured(&messages, &shape).await?;
        usage += completion.usage;
        log_call(&completion, repaired);
        let content = usable_content(&completion, settings)?;
        let problem = match interpret(&content, sentence, &redactor, limits) {
            Ok(Interpreted::Outcome(outcome)) => break outcome,
            Ok(Interpreted::Plan(plan)) => {
                let grounds = Grounds {
                    sentence,
                    ctx,
                    evidence: &read,
                };
                let ungrounded = grounding::ungrounded(&plan, &grounds);
                if ungrounded.is_empty() {
                    break ModelOutcome::Plan {
                        plan,
                        model: completion.model.clone(),
                        usage,
                        request_id: completion.request_id.clone(),
                        evidence: read,
                    };
                }
                ungrounded.join("; ")
            }
            Ok(Interpreted::Answer(text)) if !read.is_empty() => {
                break ModelOutcome::Answer {
                    text,
                    model: completion.model.clone(),
                    usage,
                    evidence: read,
                };
            }
            Ok(Interpreted::Answer(_)) => {
                "an answer must come from reads of the cluster: look first, or plan".to_string()
            }
            Ok(Interpreted::Look(requests)) => match reader {
                Some(reader) if step < evidence::MAX_STEPS => {
                    step += 1;
                    // A read without a namespace is in the context's, said explicitly:
                    // the reader's own default may be another one.
                    let mut requests = requests;
                    for r in &mut requests {
                        if r.namespace.as_deref().is_none_or(|ns| ns.trim().is_empty()) {
                            r.namespace = Some(ctx.namespace.clone());
                        }
                    }
                    spinner.set_message(&format!("reading what {} asked for…", settings.model));
                    let (gathered, refused) =
                        evidence::gather(reader, &requests, &scope, step, &mut budget, &[]).await;
                    for why in &refused {
                        tracing::warn!("a read the model asked for was refused: {why}");
                    }
                    messages.push(Message::assistant(content));
                    messages.push(Message::user(looked_message(&gathered, &refused, step)));
                    read.extend(gathered);
                    spinner.set_message(&format!("asking {}…", settings.model));
                    continue;
                }
                Some(_) => format!(
                    "no more reads: {} steps were used; answer now",
                    evidence::MAX_STEPS
                ),
                None => "this run cannot read the cluster; answer without looking".to_string(),
            },
            Err(problem) => problem,
        };
        if repaired {
            return Err(AnswerError::Unusable {
                problem: sanitize(&redactor.redact_known(&problem)),
                answer: shown_answer(&content),
            }
            .into());
        }
        tracing::info!("the model's answer cannot be used ({problem}); asking once more");
        repaired = true;
        spinner.set_message(&format!("asking {} to correct its plan…", settings.model));
        messages.push(Message::assistant(content));
        messages.push(Message::user(format!(
            "That answer cannot be used: {}. Answer again with corrected operations, or clarify.",
            redactor.redact_known(&problem)
        )));
    };
    drop(spinner);
    Ok(outcome)
}

/// Where the model's reads may look: the context's namespace and any namespace
/// the sentence names (a word that is a valid namespace name; reading a
/// namespace that does not exist only fails that read).
fn readable_namespaces(sentence: &str, current: &str) -> Vec<String> {
    let mut namespaces = vec![current.to_string()];
    for word in sentence.split(|c: char| c.is_whitespace() || ",;:'\"`()".contains(c)) {
        let word = word.trim_end_matches(['.', '?', '!']);
        if !word.is_empty()
            && crate::plan::validate::namespace_name(word).is_ok()
            && !namespaces.iter().any(|n| n == word)
        {
            namespaces.push(word.to_string());
        }
    }
    namespaces
}

/// The user message carrying one step's reads, quoted as data.
fn looked_message(gathered: &[Gathered], refused: &[String], step: usize) -> String {
    let quoted = evidence::quoted_results(gathered, refused);
    let left = evidence::MAX_STEPS - step;
    format!(
        "The reads you asked for (step {step} of {}):\n<cluster_data>\n{quoted}\n</cluster_data>\nNow plan, answer, clarify{}.",
        evidence::MAX_STEPS,
        if left == 0 {
            String::new()
        } else {
            format!(
                ", or look again ({left} more time{})",
                if left == 1 { "" } else { "s" }
            )
        }
    )
}

fn log_call(completion: &Completion, repair: bool) {
    tracing::info!(
        model = %completion.model,
        request_id = completion.request_id.as_deref().unwrap_or("-"),
        prompt_tokens = completion.usage.prompt_tokens,
        completion_tokens = completion.usage.completion_tokens,
        repair,
        "model call"
    );
}

/// Refusal first, then `finish_reason`, then the content itself.
pub fn usable_content(
    completion: &Completion,
    settings: &ModelSettings,
) -> Result<String, AnswerError> {
    if let Some(refusal) = &completion.refusal {
        return Err(AnswerError::Refused(sanitize(refusal)));
    }
    match completion.finish_reason.as_deref() {
        Some("length") => {
            return Err(AnswerError::CutOff {
                max_tokens: settings.max_completion_tokens,
            });
        }
        Some("content_filter") => return Err(AnswerError::Filtered),
        _ => {}
    }
    match &completion.content {
        Some(content) if !content.trim().is_empty() => Ok(content.clone()),
        _ => Err(AnswerError::Empty),
    }
}

/// A usable answer: a validated plan, or one of the other kinds of answer.
pub enum Interpreted {
    Plan(Plan),
    Outcome(ModelOutcome),
    /// Reads the model asks for before it answers (checked when they run).
    Look(Vec<ReadRequest>),
    /// A text answer (usable only after reads).
    Answer(String),
}

/// Parses, converts and validates an answer; the error is the problem in words fit
/// for the repair request. Public for the property tests (tests/fuzz_model_answers.rs).
pub fn interpret(
    content: &str,
    sentence: &str,
    redactor: &Redactor,
    limits: &Limits,
) -> Result<Interpreted, String> {
    let mut root: Value = serde_json::from_str(json_text(content))
        .map_err(|e| format!("the answer is not valid JSON ({e})"))?;
    if !root.is_object() {
        return Err("the answer must be a JSON object".into());
    }
    redactor.restore(&mut root);
    // `{"answer": {"type": …}}` as the schema has it. Servers that hold the model
    // to no schema also get `{"type": …}` without the wrapper, or the older flat
    // `{"answer": "plan", "operations": …}`; either is read the same way, and what
    // it says is checked exactly as a strict answer is.
    let answer = match root.get("answer") {
        Some(Value::Object(inner)) => Value::Object(inner.clone()),
        _ => root.clone(),
    };
    let kind = match root.get("answer") {
        Some(Value::String(kind)) => Some(json!(kind)),
        _ => answer.get("type").cloned(),
    };
    let text = |names: &[&str]| {
        names.iter().find_map(|name| {
            answer
                .get(*name)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(sanitize)
        })
    };
    // A lax answer may leave the type out; operations then mean a plan.
    let kind = match kind {
        Some(Value::String(kind)) => kind,
        None | Some(Value::Null) if answer.get("operations").is_some() => "plan".to_string(),
        other => {
            return Err(format!(
                "`answer.type` must be plan, clarify, out_of_scope or diagnose, not {}",
                other.unwrap_or(Value::Null)
            ));
        }
    };
    match kind.as_str() {
        "clarify" => Ok(Interpreted::Outcome(ModelOutcome::Clarify(
            text(&["question", "message"])
                .unwrap_or_else(|| "Which objects do you mean? Please add names.".into()),
        ))),
        "out_of_scope" => Ok(Interpreted::Outcome(ModelOutcome::OutOfScope(
            text(&["reason", "message"]).unwrap_or_else(|| "kubectl-ai cannot do that.".into()),
        ))),
        "diagnose" => Ok(Interpreted::Outcome(ModelOutcome::Diagnose {
            question: sentence.trim().to_string(),
            namespace: text(&["namespace"]),
            fix: answer.get("fix").and_then(Value::as_bool).unwrap_or(false),
        })),
        "look" => {
            let reads = answer.get("reads").cloned().unwrap_or(json!([]));
            let reads: Vec<ReadRequest> = serde_json::from_value(reads)
                .map_err(|e| format!("`reads` must be a list of reads ({e})"))?;
            if reads.is_empty() {
                return Err("a look needs at least one read".into());
            }
            Ok(Interpreted::Look(reads))
        }
        "answer" => Ok(Interpreted::Answer(
            text(&["text"]).ok_or("an answer needs its `text`")?,
        )),
        "plan" => {
            let operations = answer.get("operations").cloned().unwrap_or(json!([]));
            let plan = plan_from_model(&operations)?;
            validate_all(&plan, limits).map_err(|problems| {
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            })?;
            Ok(Interpreted::Plan(plan))
        }
        other => Err(format!(
            "`answer.type` must be plan, clarify, out_of_scope, diagnose, look or answer, not {other:?}"
        )),
    }
}

/// The JSON of an answer. Some compatible servers wrap it in a Markdown fence
/// despite the schema, and a gateway that ignores `response_format` may put prose
/// around one fenced block: the block is read (and checked like any answer), the
/// prose is never used.
fn json_text(content: &str) -> &str {
    let trimmed = content.trim();
    if trimmed.starts_with('{') {
        return trimmed;
    }
    let Some(start) = trimmed.find("```") else {
        return trimmed;
    };
    let inner = &trimmed[start + 3..];
    let inner = inner.strip_prefix("json").unwrap_or(inner);
    match inner.find("```") {
        // Exactly one fenced block; with several, which one is meant is a guess.
        Some(end) if !inner[end + 3..].contains("```") => inner[..end].trim(),
        Some(_) => trimmed,
        None => inner.trim(),
    }
}

/// The model's answer as shown to a person: pretty JSON if it is JSON, sanitized
/// and bounded either way. Placeholders stay as they are, so no secret is printed.
fn shown_answer(content: &str) -> String {
    let pretty = serde_json::from_str::<Value>(json_text(content))
        .ok()
        .and_then(|v| serde_json::to_string_pretty(v.get("operations").unwrap_or(&v)).ok())
        .unwrap_or_else(|| content.to_string());
    pretty
        .lines()
        .take(60)
        .map(|line| {
            line.chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// An indicatif spinner on stderr while the model thinks; absent unless asked for
/// (the caller asks only on a TTY without `--json`).
struct Spinner(Option<indicatif::ProgressBar>);

impl Spinner {
    fn start(settings: &ModelSettings, model: &str) -> Spinner {
        if !settings.show_progress {
            return Spinner(None);
        }
        // A model on this machine's CPU may take minutes; say so, and how long it has been.
        let patience = if settings.endpoint.is_local() {
            " (a local model can take minutes; Ctrl-C stops)"
        } else {
            ""
        };
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.set_message(format!("asking {}{patience}…", sanitize(model)));
        bar.enable_steady_tick(Duration::from_millis(100));
        Spinner(Some(bar))
    }

    fn set_message(&self, message: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(message.to_string());
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = self.0.take() {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::schema::check_strict;

    #[test]
    fn the_answer_schema_is_strict() {
        check_strict(&answer_schema(false)).unwrap();
        check_strict(&answer_schema(true)).unwrap();
    }

    #[test]
    fn the_prompt_carries_names_only() {
        let ctx = ModelContext::new(Some("kind-dev".into()), "shop")
            .with_names(["deployment/web".into()], ["web".into()]);
        let p = system_prompt(&ctx);
        assert!(
            p.contains("kubectl context \"kind-dev\", current namespace \"shop\"."),
            "{p}"
        );
        assert!(
            p.contains("Workloads: deployment/web\nServices: web\n"),
            "{p}"
        );
        // The operations travel in the schema; only a server that takes none gets
        // them in the prompt.
        assert!(!p.contains("scale:"), "{p}");
        assert!(
            json_object_instructions().contains("scale: kind name! namespace change replicas!\n"),
            "{}",
            json_object_instructions()
        );
    }

    #[test]
    fn fences_are_tolerated() {
        assert_eq!(json_text("```json\n{\"a\":1}\n```"), "{\"a\":1}");
        assert_eq!(json_text(" {\"a\":1} "), "{\"a\":1}");
        // A gateway that ignores response_format: prose around one fenced block.
        assert_eq!(
            json_text("Here is the plan:\n```json\n{\"a\":1}\n```\nRun it with care."),
            "{\"a\":1}"
        );
        // Two blocks: which one is meant would be a guess, so neither is read.
        let two = "```json\n{\"a\":1}\n```\nor\n```json\n{\"a\":2}\n```";
        assert_eq!(json_text(two), two);
    }

    #[test]
    fn answers_are_interpreted() {
        let r = Redactor::new();
        let limits = Limits::default();
        let out = interpret(
            r#"{"answer":"diagnose","message":null,"namespace":"debug","fix":true,"operations":[]}"#,
            "fix the deployment app in debug",
            &r,
            &limits,
        );
        assert!(matches!(
            out,
            Ok(Interpreted::Outcome(ModelOutcome::Diagnose { fix: true, namespace: Some(ref n), .. })) if n == "debug"
        ));
        let out = interpret(
            r#"{"answer":"clarify","message":"Which \u001b[31mone?"}"#,
            "",
            &r,
            &limits,
        );
        match out {
            Ok(Interpreted::Outcome(ModelOutcome::Clarify(q))) => assert_eq!(q, "Which  [31mone?"),
            _ => panic!(),
        }
        let err = interpret(r#"{"answer":"plan","operations":[]}"#, "", &r, &limits)
            .err()
            .unwrap();
        assert!(err.contains("empty"), "{err}");
        let err = interpret("not json", "", &r, &limits).err().unwrap();
        assert!(err.contains("not valid JSON"), "{err}");
        let err = interpret(r#"{"answer":"shell"}"#, "", &r, &limits)
            .err()
            .unwrap();
        assert!(err.contains("not \"shell\""), "{err}");
    }

    #[test]
    fn the_shown_answer_is_the_operations() {
        let shown = shown_answer(r#"{"answer":"plan","operations":[{"op":"scale"}]}"#);
        assert!(
            shown.starts_with("[\n  {\n    \"op\": \"scale\""),
            "{shown}"
        );
    }
}
