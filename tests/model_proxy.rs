//! Requests to the model go through the proxy named by the standard variables.
//!
//! This file holds one test on purpose: it changes the process environment, which
//! no other test may observe.

mod model_support;

use kube_sandbox::model::{FakeModel, Reply};
use kubectl_ai::llm::ModelSettings;
use kubectl_ai::plan::validate::Limits;
use kubectl_ai::understand::model::{ModelOutcome, understand_with_model};
use model_support::*;

#[tokio::test(flavor = "current_thread")]
async fn http_proxy_and_no_proxy_are_honoured() {
    let proxy = FakeModel::start().unwrap();
    // SAFETY: this test binary runs this single test; nothing else reads the
    // environment concurrently.
    unsafe {
        for name in [
            "HTTP_PROXY",
            "http_proxy",
            "HTTPS_PROXY",
            "https_proxy",
            "ALL_PROXY",
            "all_proxy",
            "NO_PROXY",
            "no_proxy",
        ] {
            std::env::remove_var(name);
        }
        std::env::set_var("HTTP_PROXY", format!("http://{}", proxy.addr()));
    }
    // A host that does not resolve: only a proxy can answer for it.
    let settings = ModelSettings::for_base_url("http://model.invalid/v1", "llama3.1");
    proxy.push(Reply::Content(scale_web_to(3)));
    let outcome = understand_with_model("scale web to 3", &ctx(), &settings, &Limits::default())
        .await
        .unwrap();
    assert!(matches!(outcome, ModelOutcome::Plan { .. }), "{outcome:?}");
    let request = &proxy.requests()[0];
    assert_eq!(request.path, "/v1/chat/completions");
    assert_eq!(request.header("host"), Some("model.invalid"));

    // NO_PROXY exempts the host: the request then fails to connect by itself.
    unsafe {
        std::env::set_var("NO_PROXY", "model.invalid");
    }
    let err = understand_with_model("scale web to 3", &ctx(), &settings, &Limits::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cannot connect"), "{err}");
    assert_eq!(proxy.requests().len(), 1);
}
