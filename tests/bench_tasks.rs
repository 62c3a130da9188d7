//! The benchmark's mechanics on the sandbox: the k8s-ai-bench adapter
//! (`.ci/k8s-ai-bench-agent`) drives the real binary the way the harness drives
//! its agents, and renditions of core tasks whose check is object state run end
//! to end with the answers (and evidence reads) a capable model would give. This
//! proves the mechanics reach the state each task verifies; it claims nothing
//! about a model's accuracy.

mod common;
mod model_support;

use std::io::Write;
use std::process::{Command, Stdio};

use common::*;
use kube_sandbox::model::{FakeModel, Reply};
use model_support::{look, op, plan_answer};
use serde_json::json;

/// The adapter, as the harness runs it: the other tool's flags, the prompt on
/// stdin, the kubeconfig of the task's cluster.
fn adapter(
    env: &TestEnv,
    fake: Option<&FakeModel>,
    args: &[&str],
    stdin: &str,
) -> std::process::Output {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/k8s-ai-bench-agent");
    let mut cmd = Command::new(script);
    cmd.env_clear()
        .env("PATH", &env.env.path)
        .env("HOME", env.home())
        .env("KUBECACHEDIR", env.home().join("cache"))
        .env("KUBECTL_PATH", real_kubectl())
        .env("KUBECTL_AI_BIN", bin())
        .env("KUBECTL_AI_JOURNAL", "off")
        .env("NO_COLOR", "1")
        .arg("--kubeconfig")
        .arg(env.cluster.kubeconfig())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(fake) = fake {
        cmd.env("OPENAI_BASE_URL", fake.base_url())
            .env("OPENAI_API_KEY", "sk-test")
            .env(
                "KUBECTL_AI_CONFIG",
                env.config_file("retry_backoff_ms = 10\n"),
            );
    }
    let mut child = cmd.spawn().expect("adapter runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

const GOOGLE_FLAGS: &[&str] = &[
    "--llm-provider",
    "gemini",
    "--model",
    "gemini-2.5-pro",
    "--quiet",
    "--skip-permissions",
];

#[test]
fn the_adapter_drops_the_other_tools_flags_and_passes_the_prompt_from_stdin() {
    let env = TestEnv::healthy();
    let out = adapter(
        &env,
        None,
        GOOGLE_FLAGS,
        "scale deployment web to 3 replicas\n",
    );
    assert_success(&out);
    assert_eq!(env.replicas("default", "web"), 3);
    // The prompt may also come as the last argument; an empty one is refused.
    let mut with_prompt = GOOGLE_FLAGS.to_vec();
    with_prompt.push("scale deployment web to 1 replicas");
    assert_success(&adapter(&env, None, &with_prompt, ""));
    assert_eq!(env.replicas("default", "web"), 1);
    let out = adapter(&env, None, GOOGLE_FLAGS, "  \n");
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("no prompt"), "{}", stderr(&out));
}

#[test]
fn task_scale_up_by_a_percentage() {
    let env = TestEnv::healthy();
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Content(plan_answer(vec![op(
        "scale",
        json!({"kind": "deployment", "name": "web", "namespace": "default",
               "change": "by_percent", "replicas": 50}),
    )])));
    let out = adapter(
        &env,
        Some(&fake),
        GOOGLE_FLAGS,
        "Our web deployment needs 50% more capacity, please adjust it accordingly.",
    );
    assert_success(&out);
    assert_eq!(env.replicas("default", "web"), 3);
}

#[test]
fn task_fix_an_image_pull_failure_after_reading_the_pod() {
    let env = TestEnv::with(&["imagepull"]);
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Content(look(json!([{
        "tool": "describe", "kind": "deployment", "name": "frontend",
        "container": null, "previous": false, "namespace": "imagepull"
    }]))));
    fake.push(Reply::Content(plan_answer(vec![op(
        "set_image",
        json!({"kind": "deployment", "name": "frontend", "namespace": "imagepull",
               "container": "nginx", "image": "nginx:1.25"}),
    )])));
    let out = adapter(
        &env,
        Some(&fake),
        GOOGLE_FLAGS,
        "The frontend deployment in namespace imagepull can't pull its image. Fix it.",
    );
    assert_success(&out);
    // The model saw the broken tag before planning.
    let evidence = fake.requests()[1].body["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()["content"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(evidence.contains("nginx:1.255"), "{evidence}");
    let live = env
        .live(&["deployment", "frontend", "-n", "imagepull"])
        .unwrap();
    assert_eq!(
        live["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.25"
    );
}

#[test]
fn task_fix_a_service_whose_selector_matches_no_pod() {
    let env = TestEnv::with(&["selector"]);
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Content(look(json!([
        {"tool": "get", "kind": "service", "name": "frontend", "container": null,
         "previous": false, "namespace": "selector"},
        {"tool": "get", "kind": "deployment", "name": "front-end", "container": null,
         "previous": false, "namespace": "selector"},
    ]))));
    fake.push(Reply::Content(plan_answer(vec![op(
        "patch",
        json!({"kind": "service", "name": "frontend", "namespace": "selector",
               "patch_type": "merge", "patch": "{\"spec\":{\"selector\":{\"app\":\"front-end\"}}}"}),
    )])));
    let out = adapter(
        &env,
        Some(&fake),
        GOOGLE_FLAGS,
        "The frontend service in the selector namespace has no endpoints. Make it reach the app's pods.",
    );
    assert_success(&out);
    let live = env
        .live(&["service", "frontend", "-n", "selector"])
        .unwrap();
    assert_eq!(live["spec"]["selector"], json!({"app": "front-end"}));
}

#[test]
fn task_create_a_horizontal_pod_autoscaler() {
    let env = TestEnv::healthy();
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Content(plan_answer(vec![op(
        "autoscale",
        json!({"kind": "deployment", "name": "web", "namespace": "default",
               "min": 2, "max": 6, "cpu_percent": 70}),
    )])));
    let out = adapter(
        &env,
        Some(&fake),
        GOOGLE_FLAGS,
        "Autoscale web between 2 and 6 replicas at 70% CPU.",
    );
    assert_success(&out);
    let hpa = env
        .live(&["horizontalpodautoscaler", "web", "-n", "default"])
        .expect("the autoscaler exists");
    assert_eq!(hpa["spec"]["minReplicas"], 2);
    assert_eq!(hpa["spec"]["maxReplicas"], 6);
}
