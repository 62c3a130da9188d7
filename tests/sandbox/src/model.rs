//! A fake OpenAI-compatible chat-completions server for tests.
//!
//! kubectl-ai can ask a model to turn English into a plan. Tests must not
//! reach a real provider, yet they must exercise the real HTTP client code:
//! headers, URL forms (OpenAI and Azure), retries on 429/5xx, timeouts,
//! dropped connections and odd bodies. `FakeModel` listens on 127.0.0.1 with
//! its own tokio runtime on a background thread (so plain synchronous tests
//! can use it), answers from a script of [`Reply`]s in order, and records
//! every request it sees for later assertions.
//!
//! Routes: `POST /v1/chat/completions` (OpenAI), `POST
//! /openai/v1/chat/completions` (Azure v1) and `POST
//! /openai/deployments/{deployment}/chat/completions?api-version=...` (Azure
//! classic; `api-version` is required as on Azure). Anything else gets
//! OpenAI's 404 "Invalid URL" error. Requests to a chat route with an empty
//! script get a 500 whose message is `fake model: no scripted reply`.

mod reply;

use std::collections::VecDeque;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::Value;

pub use reply::{Reply, error_body};

/// `created` of the first answer: 2026-11-20T10:00:00Z, fixed for stable output.
const CREATED_BASE: u64 = 1_795_168_800;

/// The message of the 500 sent when the script is empty.
pub const NO_SCRIPTED_REPLY: &str = "fake model: no scripted reply";

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    /// Header names lowercased, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body parsed as JSON, or the raw text as a JSON string if it is not JSON.
    pub body: Value,
    pub received: Instant,
}

impl RecordedRequest {
    /// The first value of a header (name matched case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of one query parameter (not percent-decoded).
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query.as_deref()?.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (k == name).then_some(v)
        })
    }
}

#[derive(Default)]
struct State {
    script: VecDeque<Reply>,
    requests: Vec<RecordedRequest>,
    answered: u64,
    /// Set by [`FakeModel::reject_json_schema`]: the answer to a request that asks
    /// for `response_format.type: json_schema`.
    json_schema_rejection: Option<Reply>,
}

#[derive(Default)]
struct Shared(Mutex<State>);

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The running fake server; stops when dropped.
pub struct FakeModel {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FakeModel {
    /// Listen on 127.0.0.1 on a free port.
    pub fn start() -> anyhow::Result<FakeModel> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let shared = Arc::new(Shared::default());
        let (tx, rx) = tokio::sync::oneshot::channel();
        let server_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name("fake-model".into())
            .spawn(move || {
                runtime.block_on(serve(listener, server_shared, rx));
                // Dropping the runtime here cancels connections still open.
            })?;
        Ok(FakeModel {
            addr,
            shared,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// The OpenAI-style base URL, e.g. `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The Azure-style endpoint, e.g. `http://127.0.0.1:PORT`.
    pub fn azure_endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Append a reply to the script.
    pub fn push(&self, reply: Reply) {
        self.shared.lock().script.push_back(reply);
    }

    /// From now on, answer every request that asks for a JSON Schema
    /// (`response_format.type: json_schema`) with `reply`, without using the
    /// script: the way servers that know only `json_object` behave.
    pub fn reject_json_schema(&self, reply: Reply) {
        self.shared.lock().json_schema_rejection = Some(reply);
    }

    /// llama-cpp-python's server: 500, naming `response_format.type`.
    pub fn behave_like_llama_cpp_python(&self) {
        self.reject_json_schema(Reply::Status {
            code: 500,
            body: serde_json::json!({"error": {
                "message": "1 validation error for CreateChatCompletionRequest\nresponse_format.type\n  Input should be 'text' or 'json_object' [type=literal_error, input_value='json_schema', input_type=str]",
                "type": "internal_server_error",
                "param": null,
                "code": null,
            }}),
            headers: Vec::new(),
        });
    }

    /// How many scripted replies have not been used yet.
    pub fn pending(&self) -> usize {
        self.shared.lock().script.len()
    }

    /// Every request received so far, in order of arrival.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }
}

impl Drop for FakeModel {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl fmt::Debug for FakeModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeModel")
            .field("addr", &self.addr)
            .finish()
    }
}

/// Returned by the service to make hyper close the connection unanswered.
#[derive(Debug)]
struct DropConnection;

impl fmt::Display for DropConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("fake model: connection dropped on purpose")
    }
}

impl std::error::Error for DropConnection {}

async fn serve(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    mut shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let shared = shared.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| handle(req, shared.clone()));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        }
    }
}

/// Which chat route a path is, if any.
enum Route {
    OpenAi,
    AzureDeployment(String),
}

fn route(path: &str) -> Option<Route> {
    if path == "/v1/chat/completions" || path == "/openai/v1/chat/completions" {
        return Some(Route::OpenAi);
    }
    let deployment = path
        .strip_prefix("/openai/deployments/")?
        .strip_suffix("/chat/completions")?;
    (!deployment.is_empty() && !deployment.contains('/'))
        .then(|| Route::AzureDeployment(deployment.to_string()))
}

async fn handle(
    req: Request<Incoming>,
    shared: Arc<Shared>,
) -> Result<Response<Full<Bytes>>, DropConnection> {
    let received = Instant::now();
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let headers = req
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let raw = match req.into_body().collect().await {
        Ok(collected) => String::from_utf8_lossy(&collected.to_bytes()).into_owned(),
        Err(_) => String::new(),
    };
    let body = serde_json::from_str(&raw).unwrap_or_else(|_| Value::String(raw.clone()));
    let recorded = RecordedRequest {
        method,
        path,
        query,
        headers,
        body,
        received,
    };

    let (request_id, created) = {
        let mut state = shared.lock();
        state.requests.push(recorded.clone());
        state.answered += 1;
        (state.answered, CREATED_BASE + state.answered - 1)
    };

    let route = match route(&recorded.path) {
        Some(route) if recorded.method == "POST" => route,
        _ => {
            let message = format!("Invalid URL ({} {})", recorded.method, recorded.path);
            return Ok(json_response(
                404,
                &error_body(&message, "invalid_request_error", None, None),
                &[],
                request_id,
            ));
        }
    };
    let mut deployment = None;
    if let Route::AzureDeployment(d) = route {
        if recorded
            .query_param("api-version")
            .is_none_or(str::is_empty)
        {
            let body = serde_json::json!({"error": {
                "code": "MissingApiVersionParameter",
                "message": "The api-version query parameter (?api-version=) is required for all requests.",
            }});
            return Ok(json_response(400, &body, &[], request_id));
        }
        deployment = Some(d);
    }

    let asks_for_schema = recorded.body["response_format"]["type"].as_str() == Some("json_schema");
    let rejection = shared.lock().json_schema_rejection.clone();
    let next = match rejection {
        Some(rejection) if asks_for_schema => Some(rejection),
        _ => shared.lock().script.pop_front(),
    };
    let Some(mut reply) = next else {
        let body = error_body(
            NO_SCRIPTED_REPLY,
            "server_error",
            None,
            Some("fake_model_script_empty"),
        );
        return Ok(json_response(500, &body, &[], request_id));
    };
    while let Reply::Slow(delay, inner) = reply {
        tokio::time::sleep(delay).await;
        reply = *inner;
    }

    let model = recorded
        .body
        .get("model")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or(deployment)
        .unwrap_or_else(|| "gpt-4o-mini".to_string());
    let meta = reply::Meta {
        id: format!("chatcmpl-fake{request_id:020}"),
        created,
        model: &model,
        prompt_tokens: reply::tokens(&raw),
    };
    if let Some(body) = reply::completion_body(&reply, &meta) {
        return Ok(json_response(200, &body, &[], request_id));
    }
    match reply {
        Reply::Malformed(raw) => Ok(response(200, Bytes::from(raw), &[], request_id)),
        Reply::Status {
            code,
            body,
            headers,
        } => Ok(json_response(code, &body, &headers, request_id)),
        _ => Err(DropConnection),
    }
}

fn json_response(
    code: u16,
    body: &Value,
    headers: &[(String, String)],
    request_id: u64,
) -> Response<Full<Bytes>> {
    let text = serde_json::to_string(body).unwrap_or_else(|_| "{}".into());
    response(code, Bytes::from(text), headers, request_id)
}

fn response(
    code: u16,
    body: Bytes,
    headers: &[(String, String)],
    request_id: u64,
) -> Response<Full<Bytes>> {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("x-request-id", format!("req_fake{request_id:028}"))
        .header("openai-processing-ms", "1")
        .header("openai-version", "2020-10-01");
    for (name, value) in headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder.body(Full::new(body)).unwrap_or_else(|err| {
        // Only reachable with an invalid header in a scripted Status reply.
        let mut fallback = Response::new(Full::new(Bytes::from(format!(
            "fake model: bad scripted header: {err}"
        ))));
        *fallback.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        fallback
    })
}
