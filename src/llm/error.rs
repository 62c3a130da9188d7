//! Every way a model call fails, each worded as what happened and what to do.
//!
//! Callers branch on the kind (nothing is retried above this layer; the CLI may
//! choose an exit code), and a person reads the `Display` text, so every message
//! names the thing to change: the variable holding the key, the model name, the URL.

use std::time::Duration;

/// What to say about running without a model.
pub const OFFLINE_HINT: &str = "`kubectl ai --offline` handles common requests without a model";

#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error(
        "no model is configured. Set OPENAI_API_KEY to use OpenAI, OPENAI_BASE_URL to use an OpenAI-compatible server (Ollama: http://localhost:11434/v1), or AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY for Azure OpenAI; {OFFLINE_HINT}"
    )]
    NotConfigured,

    #[error(
        "{endpoint} needs an API key: set {var} (or api_key_command in the config file); {OFFLINE_HINT}"
    )]
    MissingKey { endpoint: String, var: &'static str },

    #[error("the API key could not be read: {0:#}")]
    KeyCommand(anyhow::Error),

    #[error(
        "the model server rejected the API key from {key_source} (401 Unauthorized): {message}. Check {key_source}"
    )]
    Unauthorized { key_source: String, message: String },

    #[error(
        "the model server refused the request (403 Forbidden): {message}. The key from {key_source} may lack access to model `{model}`, or the project or region may not be allowed"
    )]
    Forbidden {
        key_source: String,
        model: String,
        message: String,
    },

    #[error(
        "model `{model}` was not found at {url} (404): {message}. Choose another with --model, KUBECTL_AI_MODEL or `model` in the config file{azure_hint}"
    )]
    ModelNotFound {
        model: String,
        url: String,
        message: String,
        azure_hint: &'static str,
    },

    #[error(
        "{url} does not exist (404): {message}. Check the base URL (OPENAI_BASE_URL, or AZURE_OPENAI_ENDPOINT for Azure); it usually ends in /v1"
    )]
    UrlNotFound { url: String, message: String },

    #[error(
        "the account has no quota left (429 insufficient_quota): {message}. This is a billing matter: check the plan and billing details of the account; retrying will not help; {OFFLINE_HINT}"
    )]
    Quota { message: String },

    #[error("the model server is rate limiting requests (429) {}: {message}", retry_text(*.retries, *.retry_after))]
    RateLimited {
        message: String,
        retries: u32,
        retry_after: Option<Duration>,
    },

    #[error("the model server failed ({status}) {}: {message}{}", retry_text(*.retries, None), request_id_text(.request_id))]
    Server {
        status: u16,
        message: String,
        retries: u32,
        request_id: Option<String>,
    },

    #[error("the model server refused the request ({status}): {message}")]
    BadRequest {
        status: u16,
        message: String,
        code: Option<String>,
        param: Option<String>,
    },

    #[error("no answer from {url} within {}; raise {} in the config file or try again", secs(*.after), if *.connect { "connect_timeout_secs" } else { "timeout_secs (or KUBECTL_AI_MODEL_TIMEOUT)" })]
    Timeout {
        url: String,
        after: Duration,
        connect: bool,
    },

    #[error(
        "cannot connect to the model server at {url}: {detail}. Is it running, and is the URL right (OPENAI_BASE_URL / AZURE_OPENAI_ENDPOINT)? A proxy is used when HTTPS_PROXY is set"
    )]
    Connect { url: String, detail: String },

    #[error(
        "the model endpoint {url} redirected ({status}) {}; nothing was sent there, as the API key and the prompt would follow. Set the endpoint (OPENAI_BASE_URL, AZURE_OPENAI_ENDPOINT, or base_url / [azure] endpoint in the config file) to that address if you trust it",
        redirect_target(.location)
    )]
    Redirected {
        url: String,
        status: u16,
        /// The absolute `Location`, sanitized; `None` when the server gave none.
        location: Option<String>,
    },

    #[error(
        "the model server at {url} takes no JSON Schema ({message}); response_format is set to json_schema, so it was not asked any other way. Set response_format = \"auto\" in the config file (or KUBECTL_AI_RESPONSE_FORMAT=auto) to ask with json_object instead"
    )]
    NoJsonSchema { url: String, message: String },

    #[error("the connection to {url} failed {}: {detail}", retry_text(*.retries, None))]
    Transport {
        url: String,
        detail: String,
        retries: u32,
    },

    #[error("the model server's answer could not be read ({detail}){}; is {url} an OpenAI-compatible chat-completions endpoint?", request_id_text(.request_id))]
    Malformed {
        url: String,
        detail: String,
        request_id: Option<String>,
    },
}

impl LlmError {
    /// What one failed attempt was, for the log line of a retry (the error's own
    /// text would say how it ended, which is not known yet).
    pub fn attempt_text(&self) -> String {
        match self {
            LlmError::RateLimited { message, .. } => format!("rate limited (429): {message}"),
            LlmError::Server {
                status, message, ..
            } => format!("server error ({status}): {message}"),
            LlmError::Transport { url, detail, .. } => {
                format!("connection to {url} failed: {detail}")
            }
            other => other.to_string(),
        }
    }

    /// True when the server refused the request because of its `response_format`
    /// (a JSON Schema it does not take): llama-cpp-python answers 500 "Input should
    /// be 'text' or 'json_object'", others 400 or 422 naming the field. Asking
    /// again the same way cannot help; asking with `json_object` may.
    pub fn rejects_response_format(&self) -> bool {
        let (message, param) = match self {
            LlmError::BadRequest {
                status: 400 | 422,
                message,
                param,
                ..
            } => (message, param.as_deref()),
            LlmError::Server {
                status: 500,
                message,
                ..
            } => (message, None),
            _ => return false,
        };
        let message = message.to_ascii_lowercase();
        param.is_some_and(|p| p.starts_with("response_format"))
            || message.contains("response_format")
            || message.contains("json_schema")
    }
}

fn retry_text(retries: u32, retry_after: Option<Duration>) -> String {
    let mut text = match retries {
        0 => "and was not retried".to_string(),
        1 => "after 1 retry".to_string(),
        n => format!("after {n} retries"),
    };
    match retry_after {
        Some(after) if after > LONGEST_SHOWN_WAIT => {
            text.push_str(" (it asks to wait more than a day; try again later)")
        }
        Some(after) => text.push_str(&format!(
            " (it asks to wait {}; try again then)",
            secs(after)
        )),
        None => {}
    }
    text
}

/// Waits longer than this are not worth a number (a server may send `1e20`).
const LONGEST_SHOWN_WAIT: Duration = Duration::from_secs(86_400);

fn redirect_target(location: &Option<String>) -> String {
    match location {
        Some(location) => format!("to {location}"),
        None => "without saying where".to_string(),
    }
}

fn request_id_text(request_id: &Option<String>) -> String {
    request_id
        .as_deref()
        .map(|id| format!(" (request id {id})"))
        .unwrap_or_default()
}

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1.0 {
        format!("{} ms", d.as_millis())
    } else if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_to_do() {
        let e = LlmError::RateLimited {
            message: "slow down".into(),
            retries: 2,
            retry_after: Some(Duration::from_secs(30)),
        };
        assert_eq!(
            e.to_string(),
            "the model server is rate limiting requests (429) after 2 retries (it asks to wait 30 s; try again then): slow down"
        );
        let e = LlmError::Timeout {
            url: "http://x/v1/chat/completions".into(),
            after: Duration::from_millis(1500),
            connect: false,
        };
        assert!(
            e.to_string().contains("within 1.5 s; raise timeout_secs"),
            "{e}"
        );
        assert!(LlmError::NotConfigured.to_string().contains("--offline"));
        let e = LlmError::RateLimited {
            message: "slow down".into(),
            retries: 0,
            retry_after: Some(Duration::MAX),
        };
        assert!(
            e.to_string()
                .contains("(it asks to wait more than a day; try again later)"),
            "{e}"
        );
        let e = LlmError::Redirected {
            url: "http://a/v1/chat/completions".into(),
            status: 307,
            location: Some("http://b/v1/chat/completions".into()),
        };
        assert!(
            e.to_string().starts_with(
                "the model endpoint http://a/v1/chat/completions redirected (307) to http://b/v1/chat/completions; nothing was sent there"
            ),
            "{e}"
        );
    }
}
