//! The fake model server, exercised with a raw HTTP/1.1 client over TcpStream.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use kube_sandbox::model::{FakeModel, NO_SCRIPTED_REPLY, Reply};
use serde_json::{Value, json};

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("JSON body")
    }
}

/// Send one request with `Connection: close` and read the whole answer.
fn send(addr: SocketAddr, method: &str, target: &str, body: &str) -> std::io::Result<Answer> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer sk-test\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other(format!("no HTTP answer: {text:?}")))?;
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other("bad status line"))?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Ok(Answer {
        status,
        headers,
        body: body.to_string(),
    })
}

fn chat(model: &FakeModel) -> Answer {
    let body =
        json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "list pods"}]});
    send(
        model.addr(),
        "POST",
        "/v1/chat/completions",
        &body.to_string(),
    )
    .expect("answer")
}

#[test]
fn content_reply_has_openai_shape() {
    let model = FakeModel::start().unwrap();
    assert!(model.base_url().starts_with("http://127.0.0.1:"));
    assert!(model.base_url().ends_with("/v1"));
    model.push(Reply::Content("{\"steps\":[]}".into()));
    let answer = chat(&model);
    assert_eq!(answer.status, 200);
    assert!(answer.header("x-request-id").is_some());
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let v = answer.json();
    assert_eq!(v["object"], "chat.completion");
    assert!(v["id"].as_str().unwrap().starts_with("chatcmpl-"));
    assert_eq!(v["model"], "gpt-4o-mini");
    assert!(v["created"].is_u64());
    let choice = &v["choices"][0];
    assert_eq!(choice["index"], 0);
    assert_eq!(choice["finish_reason"], "stop");
    assert_eq!(choice["message"]["role"], "assistant");
    assert_eq!(choice["message"]["content"], "{\"steps\":[]}");
    assert!(choice["message"]["refusal"].is_null());
    assert!(
        choice["message"]
            .as_object()
            .unwrap()
            .contains_key("refusal")
    );
    assert!(choice.as_object().unwrap().contains_key("logprobs"));
    let usage = &v["usage"];
    assert_eq!(
        usage["total_tokens"].as_u64().unwrap(),
        usage["prompt_tokens"].as_u64().unwrap() + usage["completion_tokens"].as_u64().unwrap()
    );
    assert_eq!(model.pending(), 0);
}

#[test]
fn requests_are_recorded() {
    let model = FakeModel::start().unwrap();
    model.push(Reply::Content("a".into()));
    let before = Instant::now();
    chat(&model);
    send(model.addr(), "POST", "/v1/chat/completions?x=1", "not json").unwrap();
    let requests = model.requests();
    assert_eq!(requests.len(), 2);
    let first = &requests[0];
    assert_eq!(first.method, "POST");
    assert_eq!(first.path, "/v1/chat/completions");
    assert_eq!(first.query, None);
    assert_eq!(first.header("Authorization"), Some("Bearer sk-test"));
    assert!(first.headers.iter().all(|(k, _)| *k == k.to_lowercase()));
    assert_eq!(first.body["messages"][0]["content"], "list pods");
    assert!(first.received >= before);
    assert_eq!(requests[1].body, Value::String("not json".into()));
    assert_eq!(requests[1].query_param("x"), Some("1"));
    assert!(requests[1].received >= first.received);
}

#[test]
fn empty_script_is_a_clear_500() {
    let model = FakeModel::start().unwrap();
    let answer = chat(&model);
    assert_eq!(answer.status, 500);
    assert!(answer.body.contains(NO_SCRIPTED_REPLY));
    assert!(answer.json()["error"]["message"].is_string());
}

#[test]
fn replies_are_consumed_in_order() {
    let model = FakeModel::start().unwrap();
    model.push(Reply::Content("one".into()));
    model.push(Reply::Content("two".into()));
    assert_eq!(model.pending(), 2);
    assert_eq!(
        chat(&model).json()["choices"][0]["message"]["content"],
        "one"
    );
    assert_eq!(
        chat(&model).json()["choices"][0]["message"]["content"],
        "two"
    );
    assert_eq!(chat(&model).status, 500);
}

#[test]
fn compatible_refusal_and_length_shapes() {
    let model = FakeModel::start().unwrap();
    model.push(Reply::ContentWithoutRefusalField("hi".into()));
    model.push(Reply::Refusal("I can't help with that.".into()));
    model.push(Reply::Length("{\"steps\":[{\"ki".into()));

    let v = chat(&model).json();
    let message = v["choices"][0]["message"].as_object().unwrap();
    assert!(!message.contains_key("refusal"));
    assert_eq!(message["content"], "hi");

    let v = chat(&model).json();
    assert!(v["choices"][0]["message"]["content"].is_null());
    assert_eq!(
        v["choices"][0]["message"]["refusal"],
        "I can't help with that."
    );

    let v = chat(&model).json();
    assert_eq!(v["choices"][0]["finish_reason"], "length");
    assert_eq!(v["choices"][0]["message"]["content"], "{\"steps\":[{\"ki");
}

#[test]
fn malformed_body_is_sent_verbatim() {
    let model = FakeModel::start().unwrap();
    model.push(Reply::Malformed("<html>oops</html>".into()));
    model.push(Reply::Malformed("{\"choices\": 3}".into()));
    let a = chat(&model);
    assert_eq!((a.status, a.body.as_str()), (200, "<html>oops</html>"));
    assert_eq!(chat(&model).body, "{\"choices\": 3}");
}

#[test]
fn error_helpers_match_openai_error_shape() {
    let model = FakeModel::start().unwrap();
    let cases = [
        (Reply::invalid_api_key(), 401, "invalid_api_key"),
        (Reply::model_not_found("gpt-9"), 404, "model_not_found"),
        (Reply::insufficient_quota(), 429, "insufficient_quota"),
        (
            Reply::context_length_exceeded(),
            400,
            "context_length_exceeded",
        ),
    ];
    for (reply, status, code) in cases {
        model.push(reply);
        let a = chat(&model);
        assert_eq!(a.status, status);
        let e = &a.json()["error"];
        assert_eq!(e["code"], code);
        for key in ["message", "type", "param", "code"] {
            assert!(e.as_object().unwrap().contains_key(key), "{key}");
        }
    }
    for (reply, status) in [(Reply::server_error(), 500), (Reply::overloaded(), 503)] {
        model.push(reply);
        let a = chat(&model);
        assert_eq!(a.status, status);
        assert_eq!(a.json()["error"]["type"], "server_error");
        assert!(a.json()["error"]["code"].is_null());
    }
}

#[test]
fn rate_limit_has_retry_headers() {
    let model = FakeModel::start().unwrap();
    model.push(Reply::rate_limited(Duration::from_millis(1500)));
    let a = chat(&model);
    assert_eq!(a.status, 429);
    assert_eq!(a.header("retry-after"), Some("2"));
    assert_eq!(a.header("retry-after-ms"), Some("1500"));
    assert_eq!(a.json()["error"]["code"], "rate_limit_exceeded");
}

#[test]
fn custom_status_headers() {
    let model = FakeModel::start().unwrap();
    model.push(Reply::Status {
        code: 418,
        body: json!({"teapot": true}),
        headers: vec![("x-custom".into(), "yes".into())],
    });
    let a = chat(&model);
    assert_eq!(a.status, 418);
    assert_eq!(a.header("x-custom"), Some("yes"));
    assert_eq!(a.json(), json!({"teapot": true}));
}

#[test]
fn slow_reply_waits() {
    let model = FakeModel::start().unwrap();
    model.push(Reply::slow(
        Duration::from_millis(300),
        Reply::Content("late".into()),
    ));
    let start = Instant::now();
    let a = chat(&model);
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert_eq!(a.json()["choices"][0]["message"]["content"], "late");
}

#[test]
fn drop_closes_without_answer() {
    let model = FakeModel::start().unwrap();
    model.push(Reply::Drop);
    model.push(Reply::Content("after".into()));
    let body = json!({"model": "m", "messages": []}).to_string();
    let started = Instant::now();
    let result = send(model.addr(), "POST", "/v1/chat/completions", &body);
    assert!(result.is_err(), "expected no answer");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "closed, not timed out"
    );
    // The server keeps working afterwards.
    assert_eq!(
        chat(&model).json()["choices"][0]["message"]["content"],
        "after"
    );
}

#[test]
fn azure_routes() {
    let model = FakeModel::start().unwrap();
    model.push(Reply::Content("deployment".into()));
    model.push(Reply::Content("v1".into()));
    let no_model = json!({"messages": [{"role": "user", "content": "hi"}]}).to_string();
    let a = send(
        model.addr(),
        "POST",
        "/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21",
        &no_model,
    )
    .unwrap();
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["model"], "gpt4o-prod");
    let a = send(
        model.addr(),
        "POST",
        "/openai/v1/chat/completions",
        &no_model,
    )
    .unwrap();
    assert_eq!(a.json()["choices"][0]["message"]["content"], "v1");
    // Missing api-version on the classic route: Azure's 400, script untouched.
    model.push(Reply::Content("unused".into()));
    let a = send(
        model.addr(),
        "POST",
        "/openai/deployments/gpt4o-prod/chat/completions",
        &no_model,
    )
    .unwrap();
    assert_eq!(a.status, 400);
    assert_eq!(a.json()["error"]["code"], "MissingApiVersionParameter");
    assert_eq!(model.pending(), 1);
    assert!(model.azure_endpoint().starts_with("http://127.0.0.1:"));
}

#[test]
fn unknown_route_is_invalid_url() {
    let model = FakeModel::start().unwrap();
    model.push(Reply::Content("unused".into()));
    let a = send(model.addr(), "GET", "/v1/chat/completions", "").unwrap();
    assert_eq!(a.status, 404);
    assert_eq!(
        a.json()["error"]["message"],
        "Invalid URL (GET /v1/chat/completions)"
    );
    let a = send(model.addr(), "POST", "/v2/whatever", "{}").unwrap();
    assert_eq!(a.status, 404);
    assert_eq!(model.pending(), 1);
    assert_eq!(model.requests().len(), 2);
}

#[test]
fn garbage_on_the_socket_does_not_kill_the_server() {
    let model = FakeModel::start().unwrap();
    let mut s = TcpStream::connect(model.addr()).unwrap();
    s.write_all(b"\x00\x01garbage\r\n\r\n").unwrap();
    let mut sink = Vec::new();
    let _ = s.read_to_end(&mut sink);
    model.push(Reply::Content("ok".into()));
    assert_eq!(chat(&model).status, 200);
}
