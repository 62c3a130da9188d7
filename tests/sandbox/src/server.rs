//! The HTTP side: a hyper 1 server on a tokio listener that reads each
//! request, records it, applies injected faults, hands it to `api::handle`,
//! and writes JSON, text, or a chunked watch stream back.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper::{Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};

use crate::api::{self, Reply, State, WatchSpec, lock};
use crate::{Fault, RecordedRequest};

/// A response body: one buffer, or a stream of watch lines.
pub enum Body {
    Full(Option<Bytes>),
    Stream(mpsc::Receiver<Bytes>),
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            Body::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            Body::Stream(rx) => rx.poll_recv(cx).map(|o| o.map(|b| Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Body::Full(None))
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        match self {
            Body::Full(Some(b)) => hyper::body::SizeHint::with_exact(b.len() as u64),
            Body::Full(None) => hyper::body::SizeHint::with_exact(0),
            Body::Stream(_) => hyper::body::SizeHint::default(),
        }
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(p), String::new()),
        })
        .collect()
}

fn json_response(code: u16, v: &serde_json::Value) -> Response<Body> {
    let body = serde_json::to_vec(v).unwrap_or_default();
    Response::builder()
        .status(StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header("content-type", "application/json")
        .header("cache-control", "no-cache, private")
        .body(Body::Full(Some(Bytes::from(body))))
        .unwrap_or_else(|_| Response::new(Body::Full(None)))
}

fn fault_status(code: u16) -> serde_json::Value {
    let reason = match code {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        409 => "Conflict",
        410 => "Expired",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "InternalError",
    };
    let message = match code {
        500 => {
            "an error on the server (\"injected fault\") has prevented the request from succeeding"
                .to_string()
        }
        503 => "the server is currently unable to handle the request".to_string(),
        429 => "the server has received too many requests and has asked us to try again later"
            .to_string(),
        _ => format!("injected fault {code}"),
    };
    crate::errors::ApiError::new(code, reason, message).to_status()
}

struct Dropped;

impl std::fmt::Debug for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}
impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}
impl std::error::Error for Dropped {}

async fn serve(
    state: Arc<State>,
    req: hyper::Request<Incoming>,
) -> Result<Response<Body>, Dropped> {
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let raw_query = req.uri().query().unwrap_or("").to_string();
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let content_type = header("content-type");
    let accept = header("accept");
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes().to_vec(),
        Err(_) => Vec::new(),
    };
    lock(&state.requests).push(RecordedRequest {
        method: method.clone(),
        path: path.clone(),
        query: raw_query.clone(),
        content_type: content_type.clone(),
        accept: accept.clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    if api::is_resource_path(&path) {
        let fault = lock(&state.faults).pop_front();
        match fault {
            Some(Fault::Status(code)) => return Ok(json_response(code, &fault_status(code))),
            Some(Fault::Drop) => return Err(Dropped),
            Some(Fault::Delay(d)) => tokio::time::sleep(d).await,
            None => {}
        }
    }
    let request = api::Request {
        method,
        path,
        query: parse_query(&raw_query),
        content_type,
        accept,
        body,
    };
    let reply = api::handle(&state, &request);
    Ok(match reply {
        Reply::Json(code, v) => json_response(code, &v),
        Reply::Text(code, s) => Response::builder()
            .status(StatusCode::from_u16(code).unwrap_or(StatusCode::OK))
            .header("content-type", "text/plain")
            .body(Body::Full(Some(Bytes::from(s))))
            .unwrap_or_else(|_| Response::new(Body::Full(None))),
        Reply::Bytes(code, content_type, b) => Response::builder()
            .status(StatusCode::from_u16(code).unwrap_or(StatusCode::OK))
            .header("content-type", content_type)
            .header("vary", "Accept")
            .body(Body::Full(Some(Bytes::from(b))))
            .unwrap_or_else(|_| Response::new(Body::Full(None))),
        Reply::Watch(spec) => {
            let (tx, rx) = mpsc::channel(64);
            tokio::spawn(stream_watch(*spec, tx));
            Response::builder()
                .status(StatusCode::OK)
                .header("content-type", "application/json")
                .body(Body::Stream(rx))
                .unwrap_or_else(|_| Response::new(Body::Full(None)))
        }
    })
}

async fn stream_watch(mut spec: WatchSpec, tx: mpsc::Sender<Bytes>) {
    let deadline = tokio::time::Instant::now() + spec.timeout;
    let mut first = true;
    let mut last_rv = 0;
    let initial = std::mem::take(&mut spec.initial);
    for ev in &initial {
        last_rv = last_rv.max(ev.rv);
        if spec.wants(ev) {
            if tx.send(Bytes::from(spec.encode(ev, first))).await.is_err() {
                return;
            }
            first = false;
        }
    }
    if let Some(rv) = spec.initial_events_end {
        let bookmark = serde_json::json!({
            "type": "BOOKMARK",
            "object": {
                "kind": spec.t.kind,
                "apiVersion": spec.t.api_version(),
                "metadata": {"resourceVersion": rv.to_string(), "annotations": {"k8s.io/initial-events-end": "true"}},
            },
        });
        let mut line = serde_json::to_vec(&bookmark).unwrap_or_default();
        line.push(b'\n');
        if tx.send(Bytes::from(line)).await.is_err() {
            return;
        }
    }
    loop {
        tokio::select! {
            ev = spec.rx.recv() => match ev {
                Ok(ev) => {
                    if ev.rv <= last_rv || !spec.wants(&ev) {
                        continue;
                    }
                    if tx.send(Bytes::from(spec.encode(&ev, first))).await.is_err() {
                        return;
                    }
                    first = false;
                }
                Err(_) => return,
            },
            _ = tokio::time::sleep_until(deadline) => return,
            _ = tx.closed() => return,
        }
    }
}

/// Accepts connections until `shutdown` fires.
pub async fn run(listener: TcpListener, state: Arc<State>, mut shutdown: oneshot::Receiver<()>) {
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let state = state.clone();
                tokio::spawn(async move {
                    let svc = service_fn(move |req| serve(state.clone(), req));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        }
    }
}
