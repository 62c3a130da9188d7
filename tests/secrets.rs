//! Secrets stay home (DESIGN invariant 6), through the real binary against the
//! sandbox: the request is masked in the `--json` report and the journal, saved
//! plans are private and say when they hold a secret, diffs mask credentials in
//! any field while showing plain values, reads of Secret data are masked unless
//! `--show-secrets` is typed, a model never sees a secret however it is phrased
//! and never gets to read Secret data, and a plan is bounded in size.
//!
//! The healthy scenario's `api-credentials` Secret in `shop` holds the password
//! `Pa55w0rd-sandbox-9f3a` and the token `tok_live_8c1f5e0d2a7b4f3c`; the `api`
//! deployment carries `DATABASE_PASSWORD=s3cr3t-value` and `LOG_LEVEL=info`.

mod common;
mod model_support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::*;
use kube_sandbox::model::{FakeModel, Reply};
use model_support::{op, other_answer, plan_answer};
use serde_json::{Value, json};

/// The Secret's values as typed and as stored (base64).
const SECRET_DATA: &[&str] = &[
    "Pa55w0rd-sandbox-9f3a",
    "UGE1NXcwcmQtc2FuZGJveC05ZjNh",
    "tok_live_8c1f5e0d2a7b4f3c",
    "dG9rX2xpdmVfOGMxZjVlMGQyYTdiNGYzYw",
];

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn assert_absent(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{secret} leaked in:\n{text}");
    }
}

fn plan(operations: Vec<Value>) -> Value {
    json!({ "operations": operations })
}

// ---- 1. the request in the journal and the --json report ------------------

#[test]
fn the_request_is_masked_in_the_report_and_the_journal_which_are_private() {
    let env = TestEnv::healthy();
    let journal = env
        .home()
        .join("state")
        .join("kubectl-ai")
        .join("journal.jsonl");
    for (sentence, secret) in [
        (
            "create secret db-x with password=JournalPassQ1 in shop",
            "JournalPassQ1",
        ),
        (
            "set env API_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123 on api in shop",
            "ghp_abcdefghijklmnopqrstuvwxyz0123",
        ),
    ] {
        let out = env
            .plugin()
            .env("KUBECTL_AI_JOURNAL", &journal)
            .args(["--offline", "--yes", "--json", sentence])
            .output()
            .unwrap();
        assert_success(&out);
        let report = json_stdout(&out);
        let request = report["request"].as_str().unwrap();
        assert!(request.contains("=***"), "{request}");
        assert_absent(&stdout(&out), &[secret]);
        assert_absent(&stderr(&out), &[secret]);
    }
    let lines = std::fs::read_to_string(&journal).unwrap();
    assert_eq!(lines.lines().count(), 2, "{lines}");
    assert_absent(&lines, &["JournalPassQ1", "ghp_abcdefghij"]);
    assert!(
        lines.contains("create secret db-x with password=*** in shop"),
        "{lines}"
    );
    assert_eq!(mode(&journal), 0o600);
    assert_eq!(mode(journal.parent().unwrap()), 0o700);
}

// ---- 2. --save-plan ----------------------------------------------------------

#[test]
fn a_saved_plan_is_private_says_it_holds_a_secret_and_still_runs() {
    let env = TestEnv::healthy();
    let path = env.home().join("secret-plan.json");
    let out = env
        .plugin()
        .args(["--offline", "--explain", "--save-plan"])
        .arg(&path)
        .arg("create secret db-y with password=SavedPassQ2 in shop")
        .output()
        .unwrap();
    assert_success(&out);
    assert_eq!(mode(&path), 0o600, "a plan with a secret value is private");
    let err = stderr(&out);
    assert!(
        err.contains("holds a secret value") && err.contains("operation 1 (create_secret)"),
        "{err}"
    );
    assert_absent(&stdout(&out), &["SavedPassQ2"]);
    // It stays runnable: the value is in the file and reaches the cluster.
    let out = env
        .plugin()
        .arg("--plan")
        .arg(&path)
        .args(["--yes", "--json"])
        .output()
        .unwrap();
    assert_success(&out);
    assert_absent(&stdout(&out), &["SavedPassQ2"]);
    let live = env.live(&["secret", "db-y", "-n", "shop"]).unwrap();
    assert_eq!(live["data"]["password"], "U2F2ZWRQYXNzUTI=");

    // Any saved plan is private, a replaced one too; one without secrets says nothing.
    let plain = env.home().join("plain-plan.json");
    for force in [false, true] {
        let mut cmd = env.plugin();
        cmd.args(["--offline", "--explain", "--save-plan"])
            .arg(&plain);
        if force {
            cmd.arg("--force");
        }
        let out = cmd.arg("scale web to 3").output().unwrap();
        assert_success(&out);
        assert_eq!(mode(&plain), 0o600);
        assert!(!stderr(&out).contains("secret"), "{}", stderr(&out));
    }
}

// ---- 3. diffs and --json previews ------------------------------------------

const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXZhbHVl";

fn leaky_config_map(password: &str) -> Value {
    json!({"op": "apply", "objects": [{"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "leaky", "namespace": "shop",
            "annotations": {"ci.example.com/token-note": "ghp_abcdefghijklmnopqrstuvwxyz0123"}},
        "data": {"password": password, "url": "postgres://u:UrlPassQ7@h/db",
                 "authorization": format!("Bearer {JWT}"),
                 "app.properties": "mode=fast\npassword=PropPassQ8\n", "level": "debug"}}]})
}

#[test]
fn credentials_in_config_maps_and_annotations_are_masked_in_diffs() {
    let env = TestEnv::healthy();
    let canaries = [
        "CmPassQ5x",
        "UrlPassQ7",
        JWT,
        "ghp_abcdefghij",
        "PropPassQ8",
    ];
    let report = env.apply(&plan(vec![leaky_config_map("CmPassQ5x")]));
    assert_absent(&report.to_string(), &canaries);
    let diff = report["operations"][0]["preview"][0]["diff"]
        .as_str()
        .unwrap();
    // Masked where they stand; the rest of the object is shown.
    assert!(diff.contains("url: postgres://u:***@h/db"), "{diff}");
    assert!(diff.contains("level: debug"), "{diff}");
    assert!(diff.contains("password: '***'"), "{diff}");

    // A masked value that changes says so, in the human diff and the JSON one.
    let change = plan(vec![leaky_config_map("CmPassQ6y")]);
    let out = env.run_plan(&change, &["--dry-run"]);
    assert_success(&out);
    let text = stdout(&out);
    assert_absent(&text, &canaries);
    assert_absent(&text, &["CmPassQ6y"]);
    assert!(text.contains("+  password: '*** (changed)'"), "{text}");
    let out = env.run_plan(&change, &["--dry-run", "--json"]);
    assert_absent(&stdout(&out), &["CmPassQ5x", "CmPassQ6y", "UrlPassQ7"]);

    // A sentence's config map: its operation, command, diff and request.
    let out = env
        .plugin()
        .args([
            "--offline",
            "--dry-run",
            "--json",
            "create configmap app-cfg with password=CmPassQ9z level=debug in shop",
        ])
        .output()
        .unwrap();
    assert_success(&out);
    assert_absent(&stdout(&out), &["CmPassQ9z"]);
    assert!(stdout(&out).contains("level: debug"), "{}", stdout(&out));
}

#[test]
fn plain_env_values_are_shown_in_diffs_and_secret_ones_are_not() {
    let env = TestEnv::healthy();
    let out = env
        .plugin()
        .args([
            "--offline",
            "--dry-run",
            "set env FOO=bar LOG_LEVEL=debug DATABASE_PASSWORD=n3w-s3cr3t on api in shop",
        ])
        .output()
        .unwrap();
    assert_success(&out);
    let diff = stdout(&out);
    assert!(
        diff.contains("-          value: info\n+          value: debug"),
        "{diff}"
    );
    assert!(diff.contains("value: bar"), "{diff}");
    assert!(diff.contains("value: '*** (changed)'"), "{diff}");
    assert_absent(&diff, &["n3w-s3cr3t", "s3cr3t-value"]);
    // The same masked form in the JSON preview.
    let out = env
        .plugin()
        .args([
            "--offline",
            "--dry-run",
            "--json",
            "set env FOO=bar DATABASE_PASSWORD=n3w-s3cr3t on api in shop",
        ])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert_absent(&text, &["n3w-s3cr3t", "s3cr3t-value"]);
    assert!(text.contains("value: bar"), "{text}");
}

// ---- 4. reads that would print Secret data ---------------------------------

#[test]
fn reading_a_secret_masks_its_values_unless_show_secrets_is_typed() {
    let env = TestEnv::healthy();
    let sentence = "get secret api-credentials in shop as yaml";
    let out = env.plugin().args(["--offline", sentence]).output().unwrap();
    assert_success(&out);
    let text = stdout(&out);
    assert_absent(&text, SECRET_DATA);
    assert!(text.contains("password: '***'"), "{text}");
    assert!(text.contains("name: api-credentials"), "{text}");
    assert!(stderr(&out).contains("--show-secrets"), "{}", stderr(&out));

    let out = env
        .plugin()
        .args(["--offline", "--json", sentence])
        .output()
        .unwrap();
    assert_success(&out);
    assert_absent(&stdout(&out), SECRET_DATA);
    let report = json_stdout(&out);
    assert!(
        report["operations"][0]["stdout"]
            .as_str()
            .unwrap()
            .contains("token: '***'"),
        "{report}"
    );

    // Typed on the command line, the values show.
    let out = env
        .plugin()
        .args(["--offline", "--show-secrets", sentence])
        .output()
        .unwrap();
    assert_success(&out);
    assert!(
        stdout(&out).contains("UGE1NXcwcmQtc2FuZGJveC05ZjNh"),
        "{}",
        stdout(&out)
    );

    // A plain listing is names, types and counts, as kubectl prints it.
    let out = env
        .plugin()
        .args(["--offline", "show secrets in shop"])
        .output()
        .unwrap();
    assert_success(&out);
    assert!(stdout(&out).contains("api-credentials"), "{}", stdout(&out));
    assert!(stdout(&out).contains("Opaque"), "{}", stdout(&out));
}

#[test]
fn secret_reads_in_plan_files_are_masked_in_every_format() {
    let env = TestEnv::healthy();
    let get = |fields: Value| {
        let mut op = json!({"op": "get", "kinds": ["secrets"], "namespace": "shop"});
        op.as_object_mut()
            .unwrap()
            .extend(fields.as_object().unwrap().clone());
        op
    };
    for (read, shown) in [
        (get(json!({"output": "json"})), "\"password\": \"***\""),
        (
            get(
                json!({"name": "api-credentials", "jsonpath": "{.data.password} {.metadata.name}"}),
            ),
            "*** api-credentials",
        ),
        (
            get(json!({"columns": [{"header": "TOKEN", "path": ".data.token"}]})),
            "***",
        ),
        (
            get(json!({"name": "api-credentials", "jsonpath": "{.metadata.annotations}"})),
            "api-credentials",
        ),
    ] {
        let out = env.run_plan(&plan(vec![read.clone()]), &[]);
        assert_success(&out);
        assert_absent(&stdout(&out), SECRET_DATA);
        assert!(stdout(&out).contains(shown), "{read}: {}", stdout(&out));
    }
    // After a change, in the same plan, too.
    let out = env.run_plan(
        &plan(vec![
            json!({"op": "scale", "name": "web", "replicas": {"to": 3}}),
            get(json!({"output": "yaml"})),
        ]),
        &["--yes"],
    );
    assert_success(&out);
    assert_absent(&stdout(&out), SECRET_DATA);
    assert!(stdout(&out).contains("password: '***'"), "{}", stdout(&out));
}

// ---- 5. and 9. the model --------------------------------------------------

fn run_model(env: &TestEnv, fake: &FakeModel, args: &[&str]) -> std::process::Output {
    env.with_model_at(&fake.base_url())
        .args(["--model", "gpt-4.1-mini"])
        .args(args)
        .output()
        .expect("plugin runs")
}

fn user_messages(fake: &FakeModel) -> Vec<String> {
    fake.requests()
        .iter()
        .map(|r| {
            r.body["messages"][1]["content"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[test]
fn a_secret_in_any_phrasing_never_reaches_the_model() {
    let env = TestEnv::healthy();
    let fake = FakeModel::start().expect("fake model");
    let masked = [
        ("the db password is hunter2-Prod", "hunter2-Prod"),
        ("use token: abc123def456 for the api", "abc123def456"),
        ("store it with passwd=Sup3rS3cret in shop", "Sup3rS3cret"),
        ("set the admin password to letmein", "letmein"),
        ("my api key is AbC123xyz, keep it in shop", "AbC123xyz"),
        ("my pwd is opensesame", "opensesame"),
        ("the password for user admin is Hunter9", "Hunter9"),
        ("the secret is s3cr3tval", "s3cr3tval"),
        ("the password is \"correct horse battery\"", "horse battery"),
        ("connect web to postgres://app:Dbpass55@db/x", "Dbpass55"),
    ];
    let ordinary = [
        "show secrets in shop",
        "create secret db in shop",
        "set token-ttl to 5m on api",
    ];
    for (sentence, _) in masked {
        fake.push(Reply::Content(other_answer(
            "clarify",
            Some("Which?"),
            None,
            None,
        )));
        assert_exit(&run_model(&env, &fake, &[sentence]), 2);
    }
    for sentence in ordinary {
        fake.push(Reply::Content(other_answer(
            "clarify",
            Some("Which?"),
            None,
            None,
        )));
        assert_exit(&run_model(&env, &fake, &[sentence]), 2);
    }
    let sent = user_messages(&fake);
    assert_eq!(sent.len(), masked.len() + ordinary.len());
    let bodies: String = fake.requests().iter().map(|r| r.body.to_string()).collect();
    for (index, (sentence, secret)) in masked.iter().enumerate() {
        assert!(!bodies.contains(secret), "{sentence:?} sent {secret}");
        assert!(sent[index].contains("REDACTED_1"), "{}", sent[index]);
    }
    for (index, sentence) in ordinary.iter().enumerate() {
        assert_eq!(&sent[masked.len() + index], sentence, "sent unchanged");
    }
}

#[test]
fn the_model_sees_a_placeholder_and_the_plan_gets_the_value_back() {
    let env = TestEnv::healthy();
    let fake = FakeModel::start().expect("fake model");
    fake.push(Reply::Content(plan_answer(vec![op(
        "create_secret",
        json!({"name": "vendor", "namespace": "shop", "set": [{"key": "api-key", "value": "REDACTED_1"}]}),
    )])));
    let out = run_model(
        &env,
        &fake,
        &[
            "--yes",
            "--json",
            "keep our vendor's api key somewhere safe in shop; my api key is AbC123xyz",
        ],
    );
    assert_success(&out);
    assert_absent(&fake.requests()[0].body.to_string(), &["AbC123xyz"]);
    assert_absent(&stdout(&out), &["AbC123xyz"]);
    let live = env.live(&["secret", "vendor", "-n", "shop"]).unwrap();
    assert_eq!(
        live["data"]["api-key"], "QWJDMTIzeHl6",
        "base64 of AbC123xyz"
    );
}

#[test]
fn a_model_plan_that_reads_secret_values_is_refused_before_anything_runs() {
    let env = TestEnv::healthy();
    let fake = FakeModel::start().expect("fake model");
    let (kubectl, log) = env.logging_kubectl();
    let answer = plan_answer(vec![
        op("get", json!({"kinds": ["pods"]})),
        op(
            "get",
            json!({"kinds": ["secrets"], "all_namespaces": true, "output": "json"}),
        ),
    ]);
    for extra in [&[][..], &["--show-secrets"][..], &["--json"][..]] {
        fake.push(Reply::Content(answer.clone()));
        let out = env
            .with_model_at(&fake.base_url())
            .env("KUBECTL_PATH", &kubectl)
            .args(["--model", "gpt-4.1-mini"])
            .args(extra)
            .arg("list my pods")
            .output()
            .unwrap();
        assert_exit(&out, 2);
        assert_absent(&stdout(&out), SECRET_DATA);
        let said = if extra == ["--json"] {
            json_stdout(&out)["error"].as_str().unwrap().to_string()
        } else {
            stderr(&out)
        };
        assert!(
            said.contains("operation 2 (kubectl get secrets -A -o json)")
                && said.contains("never shows them"),
            "{said}"
        );
    }
    let calls = logged_calls(&log);
    assert!(
        calls
            .iter()
            .all(|c| !c.contains("secrets") && !c.starts_with("get pods")),
        "nothing of the plan ran: {calls:?}"
    );
}

#[test]
fn a_plan_holds_at_most_twenty_operations() {
    let env = TestEnv::healthy();
    let (kubectl, log) = env.logging_kubectl();
    // A plan file: refused whole, naming the count and the cap.
    let reads: Vec<Value> = (0..21)
        .map(|_| json!({"op": "get", "kinds": ["pods"]}))
        .collect();
    let path = env.plan_file(&plan(reads));
    let out = env
        .plugin()
        .env("KUBECTL_PATH", &kubectl)
        .arg("--plan")
        .arg(&path)
        .output()
        .unwrap();
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains("21 operations") && err.contains("at most 20"),
        "{err}"
    );
    assert_eq!(logged_calls(&log), Vec::<String>::new(), "nothing ran");

    // A model's 300 reads: refused, after the one repair, with no read run.
    let fake = FakeModel::start().expect("fake model");
    let answer = plan_answer(
        (0..300)
            .map(|_| op("get", json!({"kinds": ["pods"]})))
            .collect(),
    );
    fake.push(Reply::Content(answer.clone()));
    fake.push(Reply::Content(answer));
    let out = env
        .with_model_at(&fake.base_url())
        .env("KUBECTL_PATH", &kubectl)
        .args(["--model", "gpt-4.1-mini", "list my pods"])
        .output()
        .unwrap();
    assert_exit(&out, 1);
    assert!(stderr(&out).contains("at most 20"), "{}", stderr(&out));
    let calls = logged_calls(&log);
    assert!(
        calls.iter().all(|c| !c.starts_with("get pods")),
        "no read ran: {calls:?}"
    );
}
