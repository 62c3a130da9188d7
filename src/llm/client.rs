//! One chat-completions call, with the retries and the error mapping it needs.
//!
//! The client sends `POST …/chat/completions` with the right URL and auth header
//! for the provider, retries what can succeed on a second try (429 rate limits,
//! 408/409, 5xx, a connection dropped mid-answer) at most `max_retries` times with
//! capped, jittered exponential backoff — or exactly the wait the server asks for
//! in `retry-after-ms` / `retry-after` — all inside one overall deadline, and
//! turns everything else into an [`LlmError`] that says what to do.
//!
//! Redirects are never followed: the key (`Authorization` or Azure's `api-key`)
//! and the whole prompt would go to whatever host the endpoint names, so a 3xx is
//! an error naming the new address ([`LlmError::Redirected`]).
//!
//! Messages are sent as the caller wrote them: what came from outside (the
//! sentence, cluster text) is redacted by the caller where it is put into a
//! message, and the plugin's own text (the system prompt, the schema, the
//! settings) is never masked.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue};
use serde::Serialize;
use serde_json::{Value, json};

use super::error::LlmError;
use super::schema_form;
use super::settings::{Endpoint, KeySource, ModelSettings, ResponseFormat, Secret, is_loopback};
use crate::redact;

/// One chat message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub role: &'static str,
    pub content: String,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Message {
        Message {
            role: "system",
            content: content.into(),
        }
    }
    pub fn user(content: impl Into<String>) -> Message {
        Message {
            role: "user",
            content: content.into(),
        }
    }
    pub fn assistant(content: impl Into<String>) -> Message {
        Message {
            role: "assistant",
            content: content.into(),
        }
    }
}

/// Tokens counted by the server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

impl std::ops::AddAssign for Usage {
    fn add_assign(&mut self, other: Usage) {
        self.prompt_tokens += other.prompt_tokens;
        self.completion_tokens += other.completion_tokens;
    }
}

/// The first choice of a successful answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub content: Option<String>,
    /// Set when the model declined (OpenAI); compatible servers may never send it.
    pub refusal: Option<String>,
    pub finish_reason: Option<String>,
    /// The model that answered, as the server names it.
    pub model: String,
    pub usage: Usage,
    pub request_id: Option<String>,
}

/// A client bound to one endpoint, model and key.
pub struct ChatClient {
    http: reqwest::Client,
    settings: ModelSettings,
    url: reqwest::Url,
    /// Read on the first call ([`KeySource::resolve`]), so that `api_key_command`
    /// runs only when a model is actually asked, and asynchronously (Ctrl-C works).
    key: tokio::sync::OnceCell<Option<Secret>>,
    /// Set when the server rejected a JSON Schema: later requests ask for `json_object`.
    json_object_only: AtomicBool,
}

/// The shape an answer must have: a strict JSON Schema, and the same told in words
/// for a prompt, for servers that take no schema.
#[derive(Debug, Clone, Copy)]
pub struct Shape<'a> {
    /// The schema's name in `response_format`.
    pub name: &'a str,
    pub schema: &'a Value,
    /// Added to the system message when the schema cannot be sent as one.
    pub instructions: &'a str,
}

impl std::fmt::Debug for ChatClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatClient")
            .field("url", &shown_url(&self.url))
            .field("model", &self.settings.model)
            .finish_non_exhaustive()
    }
}

impl ChatClient {
    /// Checks that a model is configured and builds the HTTP client; the key is
    /// read (running `api_key_command` if that is where it lives) by the first
    /// [`ChatClient::send`].
    pub fn new(settings: &ModelSettings) -> Result<ChatClient, LlmError> {
        if settings.api_key == KeySource::None {
            missing_key(settings)?;
        }
        let url = settings
            .endpoint
            .chat_url()
            .map_err(|e| LlmError::Connect {
                url: String::new(),
                detail: format!("{e:#}"),
            })?;
        let mut builder = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            // A redirect would carry the key and the prompt to another host.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("kubectl-ai/", env!("CARGO_PKG_VERSION")));
        // HTTPS_PROXY / HTTP_PROXY / NO_PROXY apply (reqwest reads them), except to a
        // server on this machine (Ollama, llama.cpp…), which a proxy cannot reach.
        if is_loopback(&url) {
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| LlmError::Connect {
            url: shown_url(&url),
            detail: format!("cannot set up HTTPS: {e}"),
        })?;
        Ok(ChatClient {
            http,
            settings: settings.clone(),
            url,
            key: tokio::sync::OnceCell::new(),
            json_object_only: AtomicBool::new(false),
        })
    }

    /// Whether a model call could be attempted at all, decided without running
    /// `api_key_command` or contacting anything: callers check this first so that
    /// "no model configured" is said before any other work (such as reading names
    /// from the cluster) is done.
    pub fn check_configured(settings: &ModelSettings) -> Result<(), LlmError> {
        match settings.api_key {
            KeySource::None => missing_key(settings),
            _ => Ok(()),
        }
    }

    pub fn url(&self) -> &reqwest::Url {
        &self.url
    }

    pub fn model(&self) -> &str {
        &self.settings.model
    }

    /// The request body: the messages exactly as given (callers redact what came
    /// from outside where they put it in), a JSON-schema response format (strict
    /// where the server demands it),
    /// temperature 0 where the model takes it, bounded output.
    pub fn body(&self, messages: &[Message], schema_name: &str, schema: &Value) -> Value {
        let messages: Vec<Value> = messages
            .iter()
            .map(|m| json!({"role": m.role, "content": m.content}))
            .collect();
        let strict = self.settings.endpoint.wants_strict_schema();
        let mut body = json!({
            "model": self.settings.model,
            "messages": messages,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": schema_name, "strict": strict, "schema": self.wire_schema(schema)},
            },
            "max_completion_tokens": self.settings.max_completion_tokens,
        });
        if let Some(t) = self.settings.temperature {
            body["temperature"] = json!(t);
        }
        // Older compatible servers (llama.cpp, LM Studio) only know `max_tokens`;
        // OpenAI's reasoning models refuse it, so it is sent only elsewhere.
        if !self.settings.endpoint.is_openai_api() && !self.settings.endpoint.is_azure() {
            body["max_tokens"] = json!(self.settings.max_completion_tokens);
        }
        body
    }

    /// Sends a request whose answer must have the shape `shape` describes. With
    /// `response_format = auto` (the default) it asks with a strict JSON Schema; a
    /// server that rejects that (see [`LlmError::rejects_response_format`]) is asked
    /// once more with `json_object`, the schema in `response_format.schema` (which
    /// llama.cpp's servers turn into a grammar) and the shape in the prompt — and
    /// so is every later request of this client. Nothing is remembered between runs.
    pub async fn send_structured(
        &self,
        messages: &[Message],
        shape: &Shape<'_>,
    ) -> Result<Completion, LlmError> {
        let strict_first = match self.settings.response_format {
            ResponseFormat::JsonSchema => true,
            ResponseFormat::JsonObject => false,
            ResponseFormat::Auto => !self.json_object_only.load(Ordering::Relaxed),
        };
        if strict_first {
            match self
                .send(self.body(messages, shape.name, shape.schema))
                .await
            {
                Err(e)
                    if self.settings.response_format == ResponseFormat::Auto
                        && e.rejects_response_format() =>
                {
                    tracing::info!(
                        "{} takes no JSON Schema ({}); asking again with response_format json_object and the schema in the prompt, for the rest of this run",
                        shown_url(&self.url),
                        e.attempt_text()
                    );
                    self.json_object_only.store(true, Ordering::Relaxed);
                }
                Err(e) if e.rejects_response_format() => {
                    return Err(LlmError::NoJsonSchema {
                        url: shown_url(&self.url),
                        message: e.attempt_text(),
                    });
                }
                other => return other,
            }
        }
        self.send(self.json_object_body(messages, shape)).await
    }

    /// The request for a server that takes no JSON Schema: the shape told in the
    /// system message, `json_object` asked for, the schema passed along for the
    /// servers that enforce it anyway.
    fn json_object_body(&self, messages: &[Message], shape: &Shape<'_>) -> Value {
        let mut told = messages.to_vec();
        match told.iter_mut().find(|m| m.role == "system") {
            Some(system) => {
                system.content.push('\n');
                system.content.push_str(shape.instructions);
            }
            None => told.insert(0, Message::system(shape.instructions)),
        }
        let mut body = self.body(&told, shape.name, shape.schema);
        let schema = body["response_format"]["json_schema"]["schema"].take();
        body["response_format"] = json!({"type": "json_object", "schema": schema});
        body
    }

    /// The schema as this server should get it: strict form for OpenAI and Azure,
    /// optional fields left out-able for every other server (see [`schema_form`]).
    fn wire_schema(&self, schema: &Value) -> Value {
        if self.settings.endpoint.wants_strict_schema() {
            schema.clone()
        } else {
            schema_form::omittable(schema)
        }
    }

    /// The key, read once.
    async fn key(&self) -> Result<Option<&Secret>, LlmError> {
        self.key
            .get_or_try_init(|| self.settings.api_key.resolve())
            .await
            .map(Option::as_ref)
            .map_err(LlmError::KeyCommand)
    }

    /// Sends one request, retrying what may succeed later.
    pub async fn send(&self, mut body: Value) -> Result<Completion, LlmError> {
        let key = self.key().await?;
        let started = Instant::now();
        // `timeout` is bounded when settings are resolved; an embedder's huge one
        // means "no deadline" rather than an overflow.
        let deadline = started
            .checked_add(self.settings.timeout)
            .unwrap_or_else(|| started + Duration::from_secs(100 * 365 * 86_400));
        let mut retries = 0u32;
        let mut dropped_temperature = false;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(self.timeout(false));
            }
            let failure = match self.attempt(&body, key, remaining).await {
                Ok(completion) => return Ok(completion),
                Err(failure) => failure,
            };
            let (error, retry_after) = match failure {
                Failure::Final(error) => {
                    // A model that takes no temperature: ask again without it, once.
                    if let LlmError::BadRequest { param, message, .. } = &error
                        && !dropped_temperature
                        && body.get("temperature").is_some()
                        && (param.as_deref() == Some("temperature")
                            || message.contains("temperature"))
                    {
                        tracing::info!("the model takes no temperature; asking again without it");
                        dropped_temperature = true;
                        body.as_object_mut().map(|o| o.remove("temperature"));
                        continue;
                    }
                    return Err(error);
                }
                // The same request cannot succeed later; the caller may ask differently.
                Failure::Retryable { error, .. } if error.rejects_response_format() => {
                    return Err(error);
                }
                Failure::Retryable { error, retry_after } => (error, retry_after),
            };
            if retries >= self.settings.max_retries {
                return Err(error.with_retries(retries, retry_after));
            }
            if let Some(after) = retry_after
                && after > self.settings.retry_after_cap
            {
                return Err(error.with_retries(retries, retry_after));
            }
            let wait = retry_after.unwrap_or_else(|| self.backoff(retries));
            if Instant::now()
                .checked_add(wait)
                .is_none_or(|end| end >= deadline)
            {
                return Err(error.with_retries(retries, retry_after));
            }
            retries += 1;
            tracing::info!(
                "model request failed ({}); retry {retries} of {} in {} ms",
                error.attempt_text(),
                self.settings.max_retries,
                wait.as_millis()
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// Exponential backoff from `backoff_base`, capped, with "equal jitter": half
    /// the delay fixed, half random, so concurrent clients spread out.
    fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .settings
            .backoff_base
            .saturating_mul(2u32.saturating_pow(retry))
            .min(self.settings.backoff_cap);
        let half = exp / 2;
        half + half.mul_f64(random_unit())
    }

    fn timeout(&self, connect: bool) -> LlmError {
        LlmError::Timeout {
            url: shown_url(&self.url),
            after: if connect {
                self.settings.connect_timeout
            } else {
                self.settings.timeout
            },
            connect,
        }
    }

    async fn attempt(
        &self,
        body: &Value,
        key: Option<&Secret>,
        remaining: Duration,
    ) -> Result<Completion, Failure> {
        let mut request = self
            .http
            .post(self.url.clone())
            .timeout(remaining)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(keys_in_answer_order(body));
        if let Some(key) = key {
            request = if self.settings.endpoint.is_azure() {
                request.header("api-key", key.expose())
            } else {
                request.bearer_auth(key.expose())
            };
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(e) => return Err(self.transport_failure(&e)),
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let request_id = request_id(&headers);
        if let Some(id) = &request_id {
            tracing::info!(request_id = %id, status, "model answered");
        }
        let text = match response.text().await {
            Ok(text) => text,
            Err(e) => return Err(self.transport_failure(&e)),
        };
        if status == 200 {
            return self
                .parse_completion(&text, request_id)
                .map_err(Failure::Final);
        }
        Err(self.status_failure(status, &headers, &text, request_id))
    }

    fn transport_failure(&self, e: &reqwest::Error) -> Failure {
        let url = shown_url(&self.url);
        if e.is_timeout() {
            return Failure::Final(self.timeout(e.is_connect()));
        }
        if e.is_connect() {
            return Failure::Final(LlmError::Connect {
                url,
                detail: root_cause(e),
            });
        }
        // A connection closed mid-answer: the server may be restarting.
        Failure::Retryable {
            error: LlmError::Transport {
                url,
                detail: root_cause(e),
                retries: 0,
            },
            retry_after: None,
        }
    }

    fn status_failure(
        &self,
        status: u16,
        headers: &HeaderMap,
        text: &str,
        request_id: Option<String>,
    ) -> Failure {
        let detail = ErrorDetail::parse(text);
        let message = detail.message.clone();
        let key_source = match &self.settings.api_key {
            KeySource::None if self.settings.endpoint.is_azure() => "AZURE_OPENAI_API_KEY".into(),
            KeySource::None => "OPENAI_API_KEY (not set)".into(),
            source => source.describe(),
        };
        let retry_after = retry_after(headers);
        let error = match status {
            300..=399 => LlmError::Redirected {
                url: shown_url(&self.url),
                status,
                location: self.location(headers),
            },
            401 => LlmError::Unauthorized {
                key_source,
                message,
            },
            403 => LlmError::Forbidden {
                key_source,
                model: self.settings.model.clone(),
                message,
            },
            404 if detail.is_model_not_found(&self.settings.model) => LlmError::ModelNotFound {
                model: self.settings.model.clone(),
                url: shown_url(&self.url),
                message,
                azure_hint: if self.settings.endpoint.is_azure() {
                    " (on Azure, the deployment name: AZURE_OPENAI_DEPLOYMENT)"
                } else {
                    ""
                },
            },
            404 => LlmError::UrlNotFound {
                url: shown_url(&self.url),
                message,
            },
            429 if detail.is_quota() => LlmError::Quota { message },
            429 => {
                return Failure::Retryable {
                    error: LlmError::RateLimited {
                        message,
                        retries: 0,
                        retry_after,
                    },
                    retry_after,
                };
            }
            408 | 409 | 500..=599 => {
                return Failure::Retryable {
                    error: LlmError::Server {
                        status,
                        message,
                        retries: 0,
                        request_id,
                    },
                    retry_after,
                };
            }
            _ => LlmError::BadRequest {
                status,
                message,
                code: detail.code,
                param: detail.param,
            },
        };
        Failure::Final(error)
    }

    /// Where a redirect points, made absolute, safe to print and without a
    /// password it may carry.
    fn location(&self, headers: &HeaderMap) -> Option<String> {
        let raw = headers
            .get(reqwest::header::LOCATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())?;
        let absolute = self
            .url
            .join(raw.trim())
            .map(|u| shown_url(&u))
            .unwrap_or(raw);
        Some(redact::mask(&sanitize(&absolute)))
    }

    fn parse_completion(
        &self,
        text: &str,
        request_id: Option<String>,
    ) -> Result<Completion, LlmError> {
        let malformed = |detail: String| LlmError::Malformed {
            url: shown_url(&self.url),
            detail,
            request_id: request_id.clone(),
        };
        let body: Value = serde_json::from_str(text)
            .map_err(|e| malformed(format!("not JSON: {e}; it starts with {}", excerpt(text))))?;
        let choice = body
            .get("choices")
            .and_then(|c| c.get(0))
            .ok_or_else(|| malformed(format!("no choices in {}", excerpt(text))))?;
        let message = choice
            .get("message")
            .ok_or_else(|| malformed("the choice has no message".into()))?;
        let string = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
        let usage = body.get("usage");
        let count = |name: &str| {
            usage
                .and_then(|u| u.get(name))
                .and_then(Value::as_u64)
                .unwrap_or(0)
        };
        Ok(Completion {
            content: string(message.get("content")),
            refusal: string(message.get("refusal")).filter(|r| !r.trim().is_empty()),
            finish_reason: string(choice.get("finish_reason")),
            model: string(body.get("model")).unwrap_or_else(|| self.settings.model.clone()),
            usage: Usage {
                prompt_tokens: count("prompt_tokens"),
                completion_tokens: count("completion_tokens"),
            },
            request_id,
        })
    }
}

enum Failure {
    Final(LlmError),
    Retryable {
        error: LlmError,
        retry_after: Option<Duration>,
    },
}

impl LlmError {
    fn with_retries(self, n: u32, after: Option<Duration>) -> LlmError {
        match self {
            LlmError::RateLimited { message, .. } => LlmError::RateLimited {
                message,
                retries: n,
                retry_after: after,
            },
            LlmError::Server {
                status,
                message,
                request_id,
                ..
            } => LlmError::Server {
                status,
                message,
                retries: n,
                request_id,
            },
            LlmError::Transport { url, detail, .. } => LlmError::Transport {
                url,
                detail,
                retries: n,
            },
            other => other,
        }
    }
}

/// The parts of an error body, whatever the server's dialect: OpenAI's
/// `{"error":{"message","type","param","code"}}`, Azure's `{"error":{"code","message"}}`,
/// Ollama's `{"error":"text"}`, or plain text.
#[derive(Debug, Default)]
struct ErrorDetail {
    message: String,
    kind: Option<String>,
    code: Option<String>,
    param: Option<String>,
}

impl ErrorDetail {
    fn parse(text: &str) -> ErrorDetail {
        let value: Option<Value> = serde_json::from_str(text).ok();
        let error = value.as_ref().and_then(|v| v.get("error"));
        let field = |name: &str| {
            error
                .and_then(|e| e.get(name))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let message = match error {
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => field("message"),
            None => value
                .as_ref()
                .and_then(|v| v.get("message").or_else(|| v.get("detail")))
                .and_then(Value::as_str)
                .map(str::to_string),
        }
        .unwrap_or_else(|| {
            if text.trim().is_empty() {
                "(no details)".into()
            } else {
                excerpt(text)
            }
        });
        ErrorDetail {
            message: sanitize(&message),
            kind: field("type"),
            code: field("code"),
            param: field("param"),
        }
    }

    fn is_quota(&self) -> bool {
        self.code.as_deref() == Some("insufficient_quota")
            || self.kind.as_deref() == Some("insufficient_quota")
    }

    fn is_model_not_found(&self, model: &str) -> bool {
        matches!(
            self.code.as_deref(),
            Some("model_not_found" | "DeploymentNotFound")
        ) || self.message.contains(model)
            || self.message.to_ascii_lowercase().contains("model")
    }
}

/// The wait a server asks for: `retry-after-ms` (OpenAI, Azure), else `retry-after`
/// in seconds. Whatever the header holds, this never panics: text that is not a
/// number (an HTTP date included), a negative number or NaN asks for nothing (the
/// client's own backoff applies); a wait too long to represent (`1e300`, `inf`)
/// is [`Duration::MAX`], over any `retry_after_cap`, so the call is not retried
/// and the error says the server asks to wait more than a day.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    header("retry-after-ms")
        .and_then(|v| wait_from(v, 1000.0))
        .or_else(|| header("retry-after").and_then(|v| wait_from(v, 1.0)))
}

/// A number of 1/`per_second` seconds as a wait, saturating at [`Duration::MAX`];
/// `None` for anything that is not a non-negative number.
pub(crate) fn wait_from(text: &str, per_second: f64) -> Option<Duration> {
    let n: f64 = text.trim().parse().ok()?;
    if n.is_nan() || n < 0.0 {
        return None;
    }
    Some(Duration::try_from_secs_f64(n / per_second).unwrap_or(Duration::MAX))
}

/// The error for a call without a key, unless the endpoint needs none (local
/// servers such as Ollama or llama.cpp usually don't).
fn missing_key(settings: &ModelSettings) -> Result<(), LlmError> {
    match &settings.endpoint {
        Endpoint::Azure { .. } => Err(LlmError::MissingKey {
            endpoint: "Azure OpenAI".into(),
            var: "AZURE_OPENAI_API_KEY",
        }),
        endpoint if endpoint.is_openai_api() => Err(if settings.endpoint_configured {
            LlmError::MissingKey {
                endpoint: "OpenAI".into(),
                var: "OPENAI_API_KEY",
            }
        } else {
            LlmError::NotConfigured
        }),
        _ => Ok(()),
    }
}

/// The request body as JSON text with `type` and `op` first in every object.
///
/// Servers that hold the model to the schema with a grammar (llama.cpp's) make it
/// write an object's properties in the order the schema lists them, and
/// `serde_json` sorts keys: a model would have to write `all_namespaces` or
/// `change` before it says which operation it is writing, and `operations` before
/// saying the answer is a plan. With the discriminating key first, the model
/// decides what it is answering first. Key order means nothing to JSON itself.
pub fn keys_in_answer_order(value: &Value) -> String {
    fn write(value: &Value, out: &mut String) {
        match value {
            Value::Object(map) => {
                out.push('{');
                let first = ["type", "op"].into_iter().filter(|k| map.contains_key(*k));
                let rest = map
                    .keys()
                    .map(String::as_str)
                    .filter(|k| !matches!(*k, "type" | "op"));
                for (i, key) in first.chain(rest).enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(key.to_string()).to_string());
                    out.push(':');
                    write(&map[key], out);
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            scalar => out.push_str(&scalar.to_string()),
        }
    }
    let mut out = String::new();
    write(value, &mut out);
    out
}

/// A URL as errors and logs show it: a password in it (`https://user:pw@host`) is `***`.
pub fn shown_url(url: &reqwest::Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() {
        let _ = shown.set_password(Some("***"));
    }
    shown.to_string()
}

fn request_id(headers: &HeaderMap) -> Option<String> {
    ["x-request-id", "apim-request-id", "x-ms-request-id"]
        .iter()
        .find_map(|name| headers.get(*name).and_then(|v| v.to_str().ok()))
        .map(sanitize)
}

fn root_cause(e: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = e;
    while let Some(next) = source.source() {
        source = next;
    }
    sanitize(&source.to_string())
}

/// Text from a server, made safe to print: no control characters (so no terminal
/// escape sequences), bounded length.
pub fn sanitize(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let clean = clean.trim();
    if clean.chars().count() > 400 {
        let cut: String = clean.chars().take(400).collect();
        format!("{cut}…")
    } else {
        clean.to_string()
    }
}

fn excerpt(text: &str) -> String {
    let cut: String = text.chars().take(120).collect();
    format!("{:?}", sanitize(&cut))
}

/// A number in [0, 1) from the standard library's randomly seeded hasher; good
/// enough for jitter, and no dependency.
fn random_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_body_names_what_an_object_is_before_its_other_keys() {
        let body = json!({"z": 1, "answer": {"type": "plan", "operations": [
            {"replicas": 5, "op": "scale", "change": "to"}
        ]}, "properties": {"kind": {"type": "string"}, "op": {"enum": ["scale"]}}});
        let text = keys_in_answer_order(&body);
        assert!(text.contains(r#"{"type":"plan","operations":"#), "{text}");
        assert!(
            text.contains(r#"{"op":"scale","replicas":5,"change":"to"}"#),
            "{text}"
        );
        assert!(
            text.contains(r#""properties":{"op":{"enum":["scale"]},"kind":"#),
            "{text}"
        );
        // The same JSON, whatever the order.
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), body);
        let tricky = json!({"s": "a\"b\n\u{1b}", "n": 1.5e300, "e": [], "o": {}});
        assert_eq!(
            serde_json::from_str::<Value>(&keys_in_answer_order(&tricky)).unwrap(),
            tricky
        );
    }

    use super::*;

    #[test]
    fn error_bodies_of_every_dialect_are_read() {
        let openai = ErrorDetail::parse(
            r#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#,
        );
        assert!(openai.is_quota());
        let azure = ErrorDetail::parse(
            r#"{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}}"#,
        );
        assert!(azure.is_model_not_found("x"));
        let ollama =
            ErrorDetail::parse(r#"{"error":"model \"llama9\" not found, try pulling it first"}"#);
        assert!(ollama.is_model_not_found("llama9"));
        let invalid_url = ErrorDetail::parse(
            r#"{"error":{"message":"Invalid URL (POST /v2/chat/completions)","type":"invalid_request_error","param":null,"code":null}}"#,
        );
        assert!(!invalid_url.is_model_not_found("gpt-4.1-mini"));
        let text = ErrorDetail::parse("<html>\x1b[31mBad gateway</html>");
        assert!(!text.message.contains('\x1b'), "{}", text.message);
        assert_eq!(ErrorDetail::parse("").message, "(no details)");
    }

    #[test]
    fn retry_after_prefers_milliseconds() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("2"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(2)));
        headers.insert("retry-after-ms", HeaderValue::from_static("150"));
        assert_eq!(retry_after(&headers), Some(Duration::from_millis(150)));
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn absurd_waits_saturate_and_nonsense_asks_for_nothing() {
        let wait = |name: &'static str, value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(name, HeaderValue::from_str(value).unwrap());
            retry_after(&headers)
        };
        for huge in ["1e20", "inf", "+inf", "18446744073709551616", "1e308"] {
            assert_eq!(wait("retry-after", huge), Some(Duration::MAX), "{huge}");
        }
        assert_eq!(wait("retry-after-ms", "1e300"), Some(Duration::MAX));
        for nothing in [
            "-1",
            "NaN",
            "-inf",
            "soon",
            "",
            "Wed, 21 Oct 2015 07:28:00 GMT",
        ] {
            assert_eq!(wait("retry-after", nothing), None, "{nothing}");
        }
        assert_eq!(wait("retry-after", "0.5"), Some(Duration::from_millis(500)));
        assert_eq!(wait("retry-after", "-0"), Some(Duration::ZERO));
        // A nonsense retry-after-ms leaves retry-after in charge.
        let mut headers = HeaderMap::new();
        headers.insert("retry-after-ms", HeaderValue::from_static("NaN"));
        headers.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
    }

    #[test]
    fn messages_are_sent_as_written() {
        let client =
            ChatClient::new(&ModelSettings::for_base_url("http://127.0.0.1:9/v1", "m")).unwrap();
        let system = "- create_secret: name! namespace set! password: value token: x";
        let body = client.body(
            &[Message::system(system), Message::user("REDACTED_1")],
            "s",
            &json!({}),
        );
        assert_eq!(body["messages"][0]["content"], system);
        assert_eq!(body["max_completion_tokens"], 4096);
    }

    #[test]
    fn openai_gets_the_strict_form_and_other_servers_may_leave_fields_out() {
        let schema = json!({"type": "object", "additionalProperties": false,
            "required": ["name", "namespace"],
            "properties": {"name": {"type": "string"}, "namespace": {"type": ["string", "null"]}}});
        let mut openai = ModelSettings::for_base_url("https://api.openai.com/v1", "m");
        openai.api_key = KeySource::Env {
            var: "OPENAI_API_KEY",
            value: Secret::new("k"),
        };
        let openai = ChatClient::new(&openai).unwrap().body(&[], "s", &schema);
        assert_eq!(openai["response_format"]["json_schema"]["strict"], true);
        assert_eq!(openai["response_format"]["json_schema"]["schema"], schema);

        let local = ChatClient::new(&ModelSettings::for_base_url("http://127.0.0.1:9/v1", "m"))
            .unwrap()
            .body(&[], "s", &schema);
        let sent = &local["response_format"]["json_schema"];
        assert_eq!(sent["strict"], false);
        assert_eq!(sent["schema"]["required"], json!(["name"]));
        assert_eq!(sent["schema"]["properties"]["namespace"]["type"], "string");
    }

    #[test]
    fn a_password_in_the_url_is_never_shown() {
        let url = reqwest::Url::parse("https://me:hunter2@proxy.example/v1").unwrap();
        assert_eq!(shown_url(&url), "https://me:***@proxy.example/v1");
        let client = ChatClient::new(&ModelSettings::for_base_url(
            "https://me:hunter2@proxy.example/v1",
            "m",
        ))
        .unwrap();
        assert!(!format!("{client:?}").contains("hunter2"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        use crate::property_tests::config;

        fn header_text() -> impl Strategy<Value = String> {
            prop_oneof![
                "[-+ ]?[0-9]{0,40}(\\.[0-9]{0,20})?([eE][-+]?[0-9]{1,4})?",
                "[-+]?(inf|infinity|NaN|nan)",
                "[ -~]{0,40}",
                any::<String>(),
            ]
        }

        proptest! {
            #![proptest_config(config(4_000))]

            /// Any retry-after / retry-after-ms a server sends: a wait or none,
            /// never a panic, and the client's arithmetic with it never overflows.
            #[test]
            fn any_retry_after_header_is_read_without_panic(
                ms in proptest::option::of(header_text()),
                secs in proptest::option::of(header_text()),
            ) {
                let mut headers = HeaderMap::new();
                for (name, value) in [("retry-after-ms", &ms), ("retry-after", &secs)] {
                    if let Some(v) = value.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
                        headers.insert(name, v);
                    }
                }
                if let Some(wait) = retry_after(&headers) {
                    let _ = Instant::now().checked_add(wait);
                    let _ = LlmError::RateLimited {
                        message: String::new(),
                        retries: 0,
                        retry_after: Some(wait),
                    }
                    .to_string();
                }
            }

            #[test]
            fn wait_from_never_panics(text in header_text(), per_second in prop_oneof![Just(1.0), Just(1000.0)]) {
                if let Some(wait) = wait_from(&text, per_second) {
                    prop_assert!(wait <= Duration::MAX);
                }
            }
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_and_a_cap() {
        let mut settings = ModelSettings::for_base_url("http://127.0.0.1:9/v1", "m");
        settings.backoff_base = Duration::from_millis(100);
        settings.backoff_cap = Duration::from_millis(300);
        let client = ChatClient::new(&settings).unwrap();
        for _ in 0..20 {
            let first = client.backoff(0);
            assert!((Duration::from_millis(50)..=Duration::from_millis(100)).contains(&first));
            let second = client.backoff(1);
            assert!((Duration::from_millis(100)..=Duration::from_millis(200)).contains(&second));
            let capped = client.backoff(10);
            assert!(capped <= Duration::from_millis(300));
        }
        let u = random_unit();
        assert!((0.0..1.0).contains(&u));
    }

    #[test]
    fn a_default_setup_without_a_key_is_not_configured() {
        let mut settings =
            ModelSettings::for_base_url(super::super::settings::DEFAULT_BASE_URL, "m");
        settings.endpoint_configured = false;
        assert!(matches!(
            ChatClient::new(&settings),
            Err(LlmError::NotConfigured)
        ));
        settings.endpoint_configured = true;
        let err = ChatClient::new(&settings).unwrap_err().to_string();
        assert!(err.contains("set OPENAI_API_KEY"), "{err}");
        // A local server needs no key.
        assert!(
            ChatClient::new(&ModelSettings::for_base_url(
                "http://localhost:11434/v1",
                "llama3.1"
            ))
            .is_ok()
        );
    }

    #[test]
    fn local_servers_bypass_proxies() {
        for (url, local) in [
            ("http://localhost:11434/v1", true),
            ("http://127.0.0.1:8080/v1", true),
            ("http://[::1]:1234/v1", true),
            ("https://api.openai.com/v1", false),
            ("http://10.0.0.5:8000/v1", false),
        ] {
            assert_eq!(
                is_loopback(&reqwest::Url::parse(url).unwrap()),
                local,
                "{url}"
            );
        }
    }

    #[test]
    fn sanitize_strips_escapes_and_bounds_length() {
        assert_eq!(sanitize("a\x1b[2Jb\n"), "a [2Jb");
        assert!(sanitize(&"x".repeat(1000)).chars().count() <= 401);
    }
}
