//! The model client against hostile or broken surroundings, through the real
//! binary: an endpoint that redirects elsewhere (the key and the prompt must not
//! follow), an `api_key_command` that hangs, fails or prints a malformed key,
//! absurd `retry-after` headers, and absurd durations on the command line, in
//! the environment and in the config file. None of these may panic, leak the key
//! or change the cluster; each ends with a message that says what to do and the
//! documented exit code. And the plugin's own words reach the model and the
//! debug log as written: only what came from outside is masked.

mod common;

use std::time::{Duration, Instant};

use common::*;
use kube_sandbox::model::{FakeModel, Reply};
use serde_json::{Value, json};

/// Rules can't place this; it goes to the model.
const VAGUE: &str = "give the web frontend enough pods to survive the launch";

/// A key that must never be printed anywhere.
const KEY: &str = "sk-hardening-Canary-0123456789abcdefXYZ";

fn scale_web(n: i64) -> String {
    let op = kubectl_ai::plan::schema::model_operation(
        "scale",
        json!({"kind": "deployment", "name": "web", "change": "to", "replicas": n}),
    );
    json!({"answer": {"type": "plan", "operations": [op]}}).to_string()
}

/// The plugin aimed at `fake` (OpenAI form) with [`KEY`] and a config file with
/// fast retries plus `extra`.
fn plugin_at(env: &TestEnv, fake: &FakeModel, extra: &str) -> assert_cmd::Command {
    let config = env.config_file(&format!("retry_backoff_ms = 10\n{extra}"));
    let mut cmd = env.plugin();
    cmd.env("OPENAI_BASE_URL", fake.base_url())
        .env("OPENAI_API_KEY", KEY)
        .env("KUBECTL_AI_CONFIG", config);
    cmd
}

/// No panic, no key, the exit code as documented.
fn assert_clean_exit(out: &std::process::Output, code: i32) {
    assert_exit(out, code);
    let err = stderr(out);
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains(KEY) && !stdout(out).contains(KEY), "{err}");
}

fn assert_unchanged(env: &TestEnv) {
    assert_eq!(env.writes(), Vec::<String>::new());
    assert_eq!(env.replicas("default", "web"), 2);
}

// Item 6: redirects.

fn redirect_to(code: u16, target: &FakeModel, path: &str) -> Reply {
    Reply::Status {
        code,
        body: json!({}),
        headers: vec![(
            "location".into(),
            format!("{}{path}", target.azure_endpoint()),
        )],
    }
}

#[test]
fn a_redirect_is_an_error_naming_it_and_the_other_host_receives_nothing() {
    let env = TestEnv::healthy();
    for code in [301, 302, 303, 307, 308] {
        let first = FakeModel::start().unwrap();
        let other = FakeModel::start().unwrap();
        first.push(redirect_to(code, &other, "/v1/chat/completions"));
        // Were it asked, the other host would answer with a usable plan.
        other.push(Reply::Content(scale_web(7)));
        let out = plugin_at(&env, &first, "")
            .args(["--yes", VAGUE])
            .output()
            .unwrap();
        assert_clean_exit(&out, 1);
        let err = stderr(&out);
        assert!(
            err.contains(&format!(
                "redirected ({code}) to {}/v1/chat/completions; nothing was sent there",
                other.azure_endpoint()
            )),
            "{err}"
        );
        assert!(err.contains("to that address if you trust it"), "{err}");
        assert_eq!(first.requests().len(), 1, "{code}: asked once, not retried");
        assert!(
            other.requests().is_empty(),
            "{code}: the other host received {:?}",
            other.requests()
        );
        assert_unchanged(&env);
    }
}

#[test]
fn an_azure_endpoint_that_redirects_never_hands_over_the_api_key() {
    let env = TestEnv::healthy();
    let first = FakeModel::start().unwrap();
    let other = FakeModel::start().unwrap();
    first.push(redirect_to(307, &other, "/openai/v1/chat/completions"));
    other.push(Reply::Content(scale_web(7)));
    let out = env
        .plugin()
        .env("AZURE_OPENAI_ENDPOINT", first.azure_endpoint())
        .env("AZURE_OPENAI_API_KEY", KEY)
        .args(["--yes", "--json", VAGUE])
        .output()
        .unwrap();
    assert_clean_exit(&out, 1);
    let doc = json_stdout(&out);
    assert!(
        doc["error"]
            .as_str()
            .is_some_and(|e| e.contains("redirected (307) to")),
        "{doc}"
    );
    assert_eq!(first.requests()[0].header("api-key"), Some(KEY));
    assert!(other.requests().is_empty(), "{:?}", other.requests());
    assert_unchanged(&env);
}

#[test]
fn diagnose_with_a_redirecting_model_keeps_its_findings_and_exit_code() {
    let env = TestEnv::with(&["crashloop"]);
    let first = FakeModel::start().unwrap();
    let other = FakeModel::start().unwrap();
    first.push(redirect_to(307, &other, "/v1/chat/completions"));
    let out = plugin_at(&env, &first, "")
        .args(["diagnose", "-n", "crashloop"])
        .output()
        .unwrap();
    assert_clean_exit(&out, 4);
    assert!(
        stderr(&out).contains("warning: no explanation from the model"),
        "{}",
        stderr(&out)
    );
    assert!(other.requests().is_empty());
}

// Item 7: api_key_command.

/// A config file whose `api_key_command` runs this shell script.
fn key_command_config(env: &TestEnv, script: &str, extra: &str) -> std::path::PathBuf {
    let dir = env.home().join("bin");
    std::fs::create_dir_all(&dir).unwrap();
    let path = write_script(&dir, "print-key", script);
    env.config_file(&format!(
        "retry_backoff_ms = 10\napi_key_command = [{:?}]\n{extra}",
        path.display().to_string()
    ))
}

fn with_key_command(
    env: &TestEnv,
    fake: &FakeModel,
    config: &std::path::Path,
) -> assert_cmd::Command {
    let mut cmd = env.plugin();
    cmd.env("OPENAI_BASE_URL", fake.base_url())
        .env("KUBECTL_AI_CONFIG", config);
    cmd
}

#[test]
fn a_hanging_key_command_is_stopped_after_its_timeout() {
    let env = TestEnv::healthy();
    let fake = FakeModel::start().unwrap();
    let pid_file = env.home().join("sleeper.pid");
    let config = key_command_config(
        &env,
        &format!("sleep 60 & echo $! > '{}'\nwait", pid_file.display()),
        "api_key_command_timeout_secs = 1\n",
    );
    let started = Instant::now();
    let out = with_key_command(&env, &fake, &config)
        .args(["--yes", VAGUE])
        .output()
        .unwrap();
    let took = started.elapsed();
    assert_clean_exit(&out, 1);
    assert!(took < Duration::from_secs(15), "took {took:?}");
    let err = stderr(&out);
    assert!(
        err.contains("did not finish within 1 s and was stopped"),
        "{err}"
    );
    assert!(err.contains("api_key_command_timeout_secs"), "{err}");
    assert!(fake.requests().is_empty());
    // What the command started went with it.
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).unwrap_or_default();
    assert!(
        stat.is_empty() || stat.contains(") Z "),
        "sleep {pid} outlived the key command: {stat}"
    );
    assert_unchanged(&env);
}

#[test]
fn a_failing_key_command_shows_its_stderr_masked_and_never_its_stdout() {
    let env = TestEnv::healthy();
    let fake = FakeModel::start().unwrap();
    let config = key_command_config(
        &env,
        &format!(
            "echo {KEY}\necho 'vault locked; last key was {KEY}' >&2\necho 'password=HunterTwo22 rejected' >&2\nexit 3"
        ),
        "",
    );
    let out = with_key_command(&env, &fake, &config)
        .args(["--yes", VAGUE])
        .output()
        .unwrap();
    assert_clean_exit(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains("failed (exit status: 3): vault locked; last key was ***"),
        "{err}"
    );
    assert!(!err.contains("HunterTwo22"), "{err}");
    assert!(fake.requests().is_empty());
}

#[test]
fn a_key_with_a_control_character_is_named_as_such() {
    for (printed, what, position) in [
        (
            format!("printf '%s\\r\\n' {KEY}"),
            "a control character (U+000D)",
            format!("position {} (the last)", KEY.len() + 1),
        ),
        (
            format!("printf '\\033[2J%s\\n' {KEY}"),
            "a control character (U+001B)",
            "position 1;".to_string(),
        ),
        (
            format!("printf '%s extra\\n' {KEY}"),
            "a space",
            format!("position {};", KEY.len() + 1),
        ),
    ] {
        let env = TestEnv::healthy();
        let fake = FakeModel::start().unwrap();
        let config = key_command_config(&env, &printed, "");
        let out = with_key_command(&env, &fake, &config)
            .args(["--yes", VAGUE])
            .output()
            .unwrap();
        assert_clean_exit(&out, 1);
        let err = stderr(&out);
        assert!(
            err.contains(&format!("contains {what} at {position}")),
            "{printed}: {err}"
        );
        assert!(err.contains("check the command's output"), "{err}");
        assert!(!err.contains("connect"), "not a connection failure: {err}");
        assert!(fake.requests().is_empty());
    }
}

#[test]
fn a_good_key_command_with_a_trailing_newline_is_used() {
    let env = TestEnv::healthy();
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Content(scale_web(3)));
    let config = key_command_config(&env, &format!("echo {KEY}"), "");
    let out = with_key_command(&env, &fake, &config)
        .args(["--yes", VAGUE])
        .output()
        .unwrap();
    assert_clean_exit(&out, 0);
    assert_eq!(
        fake.requests()[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

// Item 8: the plugin's own text is not masked.

fn system_message(request: &Value) -> String {
    request["messages"][0]["content"]
        .as_str()
        .expect("a system message")
        .to_string()
}

#[test]
fn the_sentence_prompt_reaches_the_model_as_the_plugin_wrote_it() {
    let env = TestEnv::healthy();
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Content(scale_web(3)));
    let sentence = format!("{VAGUE}, the db password is Sup3rS3cret-Prod9");
    let out = plugin_at(&env, &fake, "")
        .args(["--dry-run", &sentence])
        .output()
        .unwrap();
    assert_clean_exit(&out, 0);
    let body = &fake.requests()[0].body;
    let sent = system_message(body);
    // A run that may read the cluster tells the model it may look first.
    let written = kubectl_ai::understand::model::system_prompt_for(
        &kubectl_ai::understand::model::ModelContext::new(None, "default"),
        true,
    );
    let own = |p: &str| p.split("Context: ").next().unwrap().to_string();
    assert_eq!(own(&sent), own(&written));
    // The operations travel in the schema, whose names are the plugin's own too.
    let schema = body["response_format"]["json_schema"]["schema"].to_string();
    assert!(schema.contains("create_secret"), "{schema}");
    assert!(!schema.contains("***"), "{schema}");
    assert!(!sent.contains("***"), "{sent}");
    // The sentence, from outside, is still redacted.
    let user = body["messages"][1]["content"].as_str().unwrap();
    assert!(!user.contains("Sup3rS3cret-Prod9"), "{user}");
    assert!(user.contains("REDACTED_1"), "{user}");
    assert_eq!(body["max_completion_tokens"], 4096);
}

#[test]
fn the_diagnose_prompt_reaches_the_model_as_the_plugin_wrote_it() {
    let env = TestEnv::with(&["crashloop"]);
    let fake = FakeModel::start().unwrap();
    let out = plugin_at(&env, &fake, "")
        .args(["diagnose", "-n", "crashloop"])
        .output()
        .unwrap();
    assert_clean_exit(&out, 4);
    let requests = fake.requests();
    assert_eq!(
        system_message(&requests[0].body),
        kubectl_ai::diagnose::prompt::SYSTEM
    );
    let user = requests[0].body["messages"][1]["content"].as_str().unwrap();
    assert!(user.contains("orders"), "{user}");
}

#[test]
fn debug_logs_show_the_settings_and_never_the_key_or_the_secret() {
    let env = TestEnv::healthy();
    let fake = FakeModel::start().unwrap();
    fake.push(Reply::Content(scale_web(3)));
    let sentence = format!("{VAGUE}, with token: Tok3nValue-QQ99");
    let out = plugin_at(&env, &fake, "max_completion_tokens = 1024\n")
        .args(["-vv", "--dry-run", &sentence])
        .output()
        .unwrap();
    assert_clean_exit(&out, 0);
    let err = stderr(&out);
    assert!(err.contains("max_completion_tokens: 1024"), "{err}");
    assert!(err.contains("max_retries: 2"), "{err}");
    assert!(!err.contains("Tok3nValue-QQ99"), "{err}");
    assert_eq!(fake.requests()[0].body["max_completion_tokens"], 1024);
}

// Item 11: retry-after headers.

const ABSURD_WAITS: &[(&str, &str)] = &[
    ("retry-after", "1e20"),
    ("retry-after-ms", "1e300"),
    ("retry-after", "inf"),
    ("retry-after", "-5"),
    ("retry-after", "NaN"),
    ("retry-after", "99999999999999999999999999"),
    ("retry-after-ms", "-1e400"),
    ("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"),
];

fn busy(code: u16, header: &str, value: &str) -> Reply {
    Reply::Status {
        code,
        body: json!({"error": {"message": "busy", "type": "server_error", "param": null, "code": null}}),
        headers: vec![(header.into(), value.into())],
    }
}

#[test]
fn absurd_retry_after_headers_never_panic_a_sentence() {
    let env = TestEnv::healthy();
    for code in [429, 503] {
        for (header, value) in ABSURD_WAITS {
            let fake = FakeModel::start().unwrap();
            for _ in 0..3 {
                fake.push(busy(code, header, value));
            }
            let out = plugin_at(&env, &fake, "")
                .args(["--yes", VAGUE])
                .output()
                .unwrap();
            assert_clean_exit(&out, 1);
            let err = stderr(&out);
            let huge = !value.starts_with('-') && !value.contains("NaN") && !value.contains(',');
            if huge && code == 429 {
                assert!(
                    err.contains("it asks to wait more than a day"),
                    "{value}: {err}"
                );
            }
            // A wait beyond the cap is not waited for; nonsense falls back to backoff.
            let asked = fake.requests().len();
            assert_eq!(
                asked,
                if huge { 1 } else { 3 },
                "{code} {header}: {value}: {err}"
            );
        }
    }
    assert_unchanged(&env);
}

#[test]
fn absurd_retry_after_headers_never_change_diagnose_exit_code() {
    let env = TestEnv::with(&["crashloop"]);
    for (header, value) in ABSURD_WAITS {
        let fake = FakeModel::start().unwrap();
        for _ in 0..3 {
            fake.push(busy(429, header, value));
        }
        let out = plugin_at(&env, &fake, "")
            .args(["diagnose", "-n", "crashloop"])
            .output()
            .unwrap();
        assert_clean_exit(&out, 4);
        assert!(
            stderr(&out).contains("warning: no explanation from the model"),
            "{value}: {}",
            stderr(&out)
        );
    }
}

// Item 12: durations from the command line, the environment and the file.

#[test]
fn an_absurd_request_timeout_is_a_usage_error() {
    let env = TestEnv::healthy();
    for value in [
        "18446744073709551615s",
        "18446744073709551615",
        "99999999999999999999999h",
        "2562048h",
    ] {
        let out = env
            .plugin()
            .args(["--request-timeout", value, "scale web to 3"])
            .output()
            .unwrap();
        assert_clean_exit(&out, 2);
        assert!(
            stderr(&out).contains(&format!(
                "--request-timeout {value:?} is longer than kubectl accepts"
            )),
            "{}",
            stderr(&out)
        );
    }
    // A long but valid one is forwarded, and kubectl is not killed before it fires.
    let out = env
        .plugin()
        .args(["--request-timeout", "1h30m", "--dry-run", "scale web to 3"])
        .output()
        .unwrap();
    assert_clean_exit(&out, 0);
}

#[test]
fn absurd_timeouts_in_the_environment_and_the_file_are_errors_not_panics() {
    let env = TestEnv::healthy();
    for (var, value) in [
        ("KUBECTL_AI_MODEL_TIMEOUT", "1e300"),
        ("KUBECTL_AI_MODEL_TIMEOUT", "inf"),
        ("KUBECTL_AI_MODEL_CONNECT_TIMEOUT", "NaN"),
        ("KUBECTL_AI_MODEL_CONNECT_TIMEOUT", "-3"),
    ] {
        let out = env
            .plugin()
            .env(var, value)
            .args(["--offline", "scale web to 3"])
            .output()
            .unwrap();
        assert_clean_exit(&out, 2);
        assert!(
            stderr(&out).contains(&format!("{var}={value:?} is not a number of seconds")),
            "{}",
            stderr(&out)
        );
    }
    for (key, value) in [
        ("timeout_secs", "1e300"),
        ("connect_timeout_secs", "inf"),
        ("api_key_command_timeout_secs", "nan"),
        ("timeout_secs", "-1e-300"),
    ] {
        let config = env.config_file(&format!("{key} = {value}\napi_key_command = \"true\"\n"));
        let out = env
            .plugin()
            .env("KUBECTL_AI_CONFIG", &config)
            .args(["--offline", "scale web to 3"])
            .output()
            .unwrap();
        assert_clean_exit(&out, 2);
        assert!(
            stderr(&out).contains(&format!("{key} in the config file")),
            "{}",
            stderr(&out)
        );
    }
    // A huge kubectl timeout is a long wait, not a crash.
    let out = env
        .plugin()
        .env("KUBECTL_AI_TIMEOUT", "18446744073709551615")
        .args([
            "--request-timeout",
            "2562047h",
            "--dry-run",
            "scale web to 3",
        ])
        .output()
        .unwrap();
    assert_clean_exit(&out, 0);
}
