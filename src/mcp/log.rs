//! One log line per tool call, with a request id, on stderr (`-v`).
//!
//! stdout is the MCP channel, so nothing else may ever be written there; logs go
//! through `tracing` to stderr like the rest of the plugin, off unless `-v` or
//! `KUBECTL_AI_LOG` asks. Arguments are not logged (they may hold a secret
//! value); the tool, the request id, how it ended and how long it took are. The
//! id is also returned to the client in the result, so both sides can name the call.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

static NEXT: AtomicU64 = AtomicU64::new(1);

/// One tool call being served.
pub struct Call {
    pub id: String,
    tool: String,
    started: Instant,
}

impl Call {
    /// Starts a call: a new request id (`mcp-PID-N`), logged.
    pub fn start(tool: &str, jsonrpc_id: &str) -> Call {
        let id = format!(
            "mcp-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        tracing::debug!(request_id = %id, tool, jsonrpc_id, "tool call");
        Call {
            id,
            tool: tool.to_string(),
            started: Instant::now(),
        }
    }

    /// Logs how the call ended (`ok`, `error`, …) and a short, masked reason.
    pub fn end(&self, outcome: &str, detail: &str) {
        let millis = self.started.elapsed().as_millis();
        let detail = crate::redact::mask(detail);
        tracing::debug!(
            request_id = %self.id,
            tool = %self.tool,
            outcome,
            millis,
            detail = %detail,
            "tool call done"
        );
    }
}
