//! The OpenAI-compatible chat-completions client and what surrounds it.
//!
//! One place knows how to talk to a model server: which URL and headers a
//! provider needs ([`settings`]), how a request body looks, how failures are
//! retried (429 and 5xx, honoring `retry-after-ms` / `retry-after`, with capped,
//! jittered exponential backoff) and how each failure is explained to a person
//! ([`error`]); what must never be sent is [`crate::redact`]'s concern. Callers build the
//! messages; this module neither knows nor cares that they are about Kubernetes.

pub mod client;
pub mod error;
pub mod schema_form;
pub mod settings;

pub use client::{ChatClient, Completion, Message, Usage};
pub use error::LlmError;
pub use settings::{ModelSettings, Settings};
