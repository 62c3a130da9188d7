//! Scripted replies of the fake model and the exact JSON they turn into.
//!
//! kubectl-ai must cope with everything an OpenAI-compatible endpoint really
//! sends: normal completions, compatible servers that leave fields out,
//! refusals, truncation, garbage, and the error bodies OpenAI documents as
//! `ErrorResponse` (`{"error":{"message","type","param","code"}}`). The
//! shapes here follow `CreateChatCompletionResponse` and `Error` in the public
//! OpenAPI description; the helper constructors reproduce the messages the
//! real API sends for the common failures.

use std::time::Duration;

use serde_json::{Value, json};

/// One scripted answer; the server consumes them in the order they were pushed.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// A normal `chat.completion` with `message.content` set and `finish_reason: "stop"`.
    Content(String),
    /// Like [`Reply::Content`] but without `refusal` and `logprobs`, as Ollama
    /// and other compatible servers answer.
    ContentWithoutRefusalField(String),
    /// `message.refusal` set, `message.content` null.
    Refusal(String),
    /// `finish_reason: "length"` with this (truncated) content.
    Length(String),
    /// HTTP 200 with exactly this raw body (not JSON, or JSON of the wrong shape).
    Malformed(String),
    /// Any status with a JSON body and extra headers; see the helper constructors.
    Status {
        code: u16,
        body: Value,
        headers: Vec<(String, String)>,
    },
    /// Wait, then answer with the inner reply.
    Slow(Duration, Box<Reply>),
    /// Close the connection without answering.
    Drop,
}

impl Reply {
    /// An error in OpenAI's documented shape.
    pub fn openai_error(
        code: u16,
        message: &str,
        kind: &str,
        param: Option<&str>,
        error_code: Option<&str>,
    ) -> Reply {
        Reply::Status {
            code,
            body: error_body(message, kind, param, error_code),
            headers: Vec::new(),
        }
    }

    /// 401 for a wrong API key.
    pub fn invalid_api_key() -> Reply {
        Reply::openai_error(
            401,
            "Incorrect API key provided: sk-fake***********************1234. You can find your API key at https://platform.openai.com/account/api-keys.",
            "invalid_request_error",
            None,
            Some("invalid_api_key"),
        )
    }

    /// 404 for a model that does not exist.
    pub fn model_not_found(model: &str) -> Reply {
        Reply::openai_error(
            404,
            &format!("The model `{model}` does not exist or you do not have access to it."),
            "invalid_request_error",
            None,
            Some("model_not_found"),
        )
    }

    /// 429 rate limit with `retry-after` (whole seconds, rounded up) and
    /// `retry-after-ms` headers, as OpenAI sends them.
    pub fn rate_limited(retry_after: Duration) -> Reply {
        let ms = retry_after.as_millis();
        let secs = ms.div_ceil(1000);
        Reply::Status {
            code: 429,
            body: error_body(
                &format!(
                    "Rate limit reached for gpt-4o-mini in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in {secs}s. Visit https://platform.openai.com/account/rate-limits to learn more."
                ),
                "requests",
                None,
                Some("rate_limit_exceeded"),
            ),
            headers: vec![
                ("retry-after".into(), secs.to_string()),
                ("retry-after-ms".into(), ms.to_string()),
                ("x-ratelimit-limit-requests".into(), "3".into()),
                ("x-ratelimit-remaining-requests".into(), "0".into()),
                ("x-ratelimit-reset-requests".into(), format!("{secs}s")),
            ],
        }
    }

    /// 429 for an exhausted quota: retrying does not help.
    pub fn insufficient_quota() -> Reply {
        Reply::openai_error(
            429,
            "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
            "insufficient_quota",
            None,
            Some("insufficient_quota"),
        )
    }

    /// 400 for a prompt longer than the model's context window.
    pub fn context_length_exceeded() -> Reply {
        Reply::openai_error(
            400,
            "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.",
            "invalid_request_error",
            Some("messages"),
            Some("context_length_exceeded"),
        )
    }

    /// 500 as OpenAI sends it for an internal error.
    pub fn server_error() -> Reply {
        Reply::openai_error(
            500,
            "The server had an error while processing your request. Sorry about that!",
            "server_error",
            None,
            None,
        )
    }

    /// 503 for an overloaded service.
    pub fn overloaded() -> Reply {
        Reply::openai_error(
            503,
            "The server is overloaded or not ready yet.",
            "server_error",
            None,
            None,
        )
    }

    /// Wrap a reply so that it is sent after `delay`.
    pub fn slow(delay: Duration, reply: Reply) -> Reply {
        Reply::Slow(delay, Box::new(reply))
    }
}

/// `{"error":{"message","type","param","code"}}`.
pub fn error_body(message: &str, kind: &str, param: Option<&str>, code: Option<&str>) -> Value {
    json!({"error": {"message": message, "type": kind, "param": param, "code": code}})
}

/// Identifiers and token counts of one answered request.
pub(crate) struct Meta<'a> {
    pub id: String,
    pub created: u64,
    pub model: &'a str,
    pub prompt_tokens: u64,
}

/// Rough token count (4 characters a token), never zero.
pub(crate) fn tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4).max(1)
}

/// The body of a successful completion, or `None` for replies that are not one.
pub(crate) fn completion_body(reply: &Reply, meta: &Meta<'_>) -> Option<Value> {
    let (content, refusal, finish, compat) = match reply {
        Reply::Content(c) => (Some(c.as_str()), None, "stop", false),
        Reply::ContentWithoutRefusalField(c) => (Some(c.as_str()), None, "stop", true),
        Reply::Refusal(r) => (None, Some(r.as_str()), "stop", false),
        Reply::Length(c) => (Some(c.as_str()), None, "length", false),
        _ => return None,
    };
    let completion_tokens = tokens(content.or(refusal).unwrap_or(""));
    let total = meta.prompt_tokens + completion_tokens;
    if compat {
        return Some(json!({
            "id": meta.id,
            "object": "chat.completion",
            "created": meta.created,
            "model": meta.model,
            "system_fingerprint": "fp_ollama",
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish,
            }],
            "usage": {
                "prompt_tokens": meta.prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": total,
            },
        }));
    }
    Some(json!({
        "id": meta.id,
        "object": "chat.completion",
        "created": meta.created,
        "model": meta.model,
        "choices": [{
            "index": 0,
            "message": {
                "role": "assistant",
                "content": content,
                "refusal": refusal,
                "annotations": [],
            },
            "logprobs": null,
            "finish_reason": finish,
        }],
        "usage": {
            "prompt_tokens": meta.prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": total,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        },
        "service_tier": "default",
        "system_fingerprint": "fp_fake0sandbox",
    }))
}
