//! The planted-secret sweep, kept: distinct canary values are planted in every
//! place a secret can live (Secret data, env values, ConfigMap data,
//! annotations, pod logs, event messages, sentences, the config file's key and
//! the key command's output); every path that could carry them is driven
//! through the real binary (sentences with and without a model, `--json`,
//! `-vv` logs, diagnose with a model and its evidence loop, `--save-plan`, the
//! journal, reads, errors; and every evidence read a model may ask for, both
//! while it plans a sentence and while `diagnose --fix` asks it for a fix no
//! analyzer has); and every byte that leaves is searched — stdout,
//! stderr, what the model receives, and every file written under HOME — for
//! each canary, plain, JSON-escaped and base64-encoded. The only places a
//! canary may appear are the ones the README allows: the API key in the
//! model's `Authorization` header, and a saved plan (mode 0600) that must stay
//! runnable.

mod common;
mod model_support;

use std::path::Path;

use common::TestEnv;
use kube_sandbox::defaults::base64;
use kube_sandbox::model::{FakeModel, Reply};
use model_support::{look, op, plan_answer};
use serde_json::json;

const SECRET_DATA: &str = "CanarySecretData-7Qx2v";
const ENV_VALUE: &str = "CanaryEnvPass-8Rt3w";
const CONFIG_MAP: &str = "CanaryCmPass-9Wk4z";
const ANNOTATION: &str = "ghp_CanaryAnnot0123456789abcdefABCDEF01";
const LOG_LINE: &str = "CanaryLogPass-5Zy6u";
const EVENT: &str = "CanaryEventTok-4Hn7m";
const SENTENCE: &str = "CanarySentPass-3Jd8k";
const SENTENCE_TO_MODEL: &str = "CanaryModelSent-1Vb5n";
const CONFIG_KEY: &str = "sk-CanaryKeyConfig-2Lp9q";
const COMMAND_KEY: &str = "sk-CanaryKeyCmd-6Ms1x";

/// Every canary but the API keys, which must reach the model's endpoint.
const PLANTED: &[&str] = &[
    SECRET_DATA,
    ENV_VALUE,
    CONFIG_MAP,
    ANNOTATION,
    LOG_LINE,
    EVENT,
    SENTENCE,
    SENTENCE_TO_MODEL,
];

/// The forms a canary could leave in: plain, JSON-escaped, base64 (whole, and
/// the stable middle of it, since an embedding shifts the alignment).
fn forms(canary: &str) -> Vec<String> {
    let encoded = base64(canary.as_bytes());
    vec![
        canary.to_string(),
        serde_json::to_string(canary)
            .unwrap()
            .trim_matches('"')
            .to_string(),
        encoded.trim_end_matches('=').to_string(),
    ]
}

/// Every leak found: (where, which canary).
#[derive(Default)]
struct Leaks(Vec<String>);

impl Leaks {
    fn search(&mut self, place: &str, text: &str, canaries: &[&str]) {
        for canary in canaries {
            if forms(canary).iter().any(|f| text.contains(f.as_str())) {
                self.0.push(format!("{canary} in {place}"));
            }
        }
    }
}

/// `leak`: a namespace whose objects carry every cluster-side canary.
fn planted_cluster() -> TestEnv {
    let env = TestEnv::healthy();
    let labels = json!({"app": "leaky"});
    let container = json!({"name": "app", "image": "ghcr.io/acme/leaky:1.0",
        "env": [{"name": "DB_PASSWORD", "value": ENV_VALUE}, {"name": "LOG_LEVEL", "value": "debug"}]});
    let objects = vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "leak"}}),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "vault", "namespace": "leak"},
               "type": "Opaque", "data": {"password": base64(SECRET_DATA.as_bytes())}}),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", "namespace": "leak"},
               "data": {"password": CONFIG_MAP, "mode": "fast"}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "leaky", "namespace": "leak", "labels": labels,
                            "annotations": {"github-token": ANNOTATION}},
               "spec": {"replicas": 1, "selector": {"matchLabels": labels},
                        "template": {"metadata": {"labels": labels}, "spec": {"containers": [container.clone()]}}}}),
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "leaky-debug", "namespace": "leak", "labels": {"app": "leaky-debug"},
                            "creationTimestamp": "2026-11-20T09:00:00Z"},
               "spec": {"nodeName": "worker-1", "containers": [container]},
               "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}],
                          "containerStatuses": [{"name": "app", "image": "ghcr.io/acme/leaky:1.0", "ready": false,
                              "restartCount": 7,
                              "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container"}},
                              "lastState": {"terminated": {"exitCode": 1, "reason": "Error",
                                  "startedAt": "2026-11-20T09:50:00Z", "finishedAt": "2026-11-20T09:50:03Z"}}}]}}),
        json!({"apiVersion": "sandbox.kubectl-ai.dev/v1", "kind": "PodLogs",
               "metadata": {"name": "leaky-debug", "namespace": "leak"},
               "containers": {"app": {
                   // A workload that logs its own environment, bare.
                   "current": format!("INFO starting\nDEBUG db user app, secret {ENV_VALUE}\nERROR login failed: password={LOG_LINE} rejected\n"),
                   "previous": format!("INFO starting\nERROR login failed: password={LOG_LINE} rejected\n")}}}),
        json!({"apiVersion": "v1", "kind": "Event",
               "metadata": {"name": "leaky-debug.canary", "namespace": "leak", "creationTimestamp": "2026-11-20T09:50:00Z"},
               "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": "leaky-debug", "namespace": "leak"},
               "reason": "BackOff", "type": "Warning", "count": 3,
               "firstTimestamp": "2026-11-20T09:50:00Z", "lastTimestamp": "2026-11-20T09:55:00Z",
               "message": format!("auth failed with password={EVENT}")}),
    ];
    env.cluster.seed(objects).expect("the canaries are planted");
    env
}

/// The files written under HOME, except the ones the person wrote (the
/// kubeconfig and the config file hold their own credentials by their choice).
fn written_files(home: &Path, own: &[&Path]) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut dirs = vec![home.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if !own.iter().any(|o| *o == path) {
                let text =
                    String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_default()).into_owned();
                files.push((path.display().to_string(), text));
            }
        }
    }
    files
}

#[test]
fn no_canary_leaves_by_any_path() {
    let env = planted_cluster();
    let model = FakeModel::start().expect("fake model");
    let key_command = common::write_script(env.home(), "print-key", &format!("echo {COMMAND_KEY}"));
    let config = env.config_file(&format!(
        "retry_backoff_ms = 10\napi_key = \"{CONFIG_KEY}\"\n"
    ));
    let command_config = env.home().join("command-config.toml");
    std::fs::write(
        &command_config,
        format!(
            "retry_backoff_ms = 10\napi_key_command = \"{}\"\n",
            key_command.display()
        ),
    )
    .unwrap();
    let journal = env.home().join("state").join("journal.jsonl");
    let saved = env.home().join("saved-plan.json");
    let mut leaks = Leaks::default();

    // Each run: args, with a model or not, and the config it uses.
    let offline = |args: &[&str]| {
        env.plugin()
            .env("KUBECTL_AI_JOURNAL", &journal)
            .args(args)
            .output()
            .unwrap()
    };
    let with_model = |args: &[&str], config: &Path| {
        env.plugin()
            .env("KUBECTL_AI_JOURNAL", &journal)
            .env("OPENAI_BASE_URL", model.base_url())
            .env("KUBECTL_AI_CONFIG", config)
            .args(args)
            .output()
            .unwrap()
    };
    let mut runs: Vec<(String, std::process::Output)> = Vec::new();
    let create = format!("create secret db-x with password={SENTENCE} in leak");
    for extra in [
        &["--yes", "--json", "-vv"][..],
        &["--yes"][..],
        &["--dry-run"][..],
    ] {
        let mut args = vec![create.as_str()];
        args.extend(extra);
        runs.push((format!("{create} {extra:?}"), offline(&args)));
    }
    let save = saved.display().to_string();
    runs.push((
        "--save-plan".into(),
        offline(&[
            &format!("create secret db-y with password={SENTENCE} in leak"),
            "--save-plan",
            &save,
            "--dry-run",
        ]),
    ));
    for sentence in [
        "set env LOG_LEVEL=info on deployment leaky in leak",
        "annotate deployment leaky in leak with owner=me",
        "set image of deployment leaky in leak to ghcr.io/acme/leaky:1.1",
    ] {
        for extra in [&["--yes", "--json", "-vv"][..], &["--dry-run"][..]] {
            let mut args = vec![sentence];
            args.extend(extra);
            runs.push((format!("{sentence} {extra:?}"), offline(&args)));
        }
    }
    for read in [
        &["get secret vault in leak as yaml"][..],
        &["get secret vault in leak as json", "--json"][..],
        &["describe secret vault in leak"][..],
        &["show configmaps in leak as yaml", "--json"][..],
    ] {
        runs.push((format!("{read:?}"), offline(read)));
    }
    runs.push((
        "diagnose offline".into(),
        offline(&["diagnose", "-n", "leak", "--json", "-vv", "--offline"]),
    ));

    // The journal read back: the list and each run's diffs, human and --json.
    for args in [
        &["history"][..],
        &["history", "--json"],
        &["history", "1"],
        &["history", "2", "--json"],
    ] {
        runs.push((format!("{args:?}"), offline(args)));
    }

    // A model plans a sentence that carries a secret, then diagnose asks it
    // about the namespace, reading logs, events and the deployment first.
    model.push(Reply::Content(
        json!({"kind": "clarify", "question": "which deployment?", "plan": null, "diagnose": null})
            .to_string(),
    ));
    runs.push((
        "model sentence".into(),
        with_model(
            &[
                &format!("make leaky in leak beefier, the db password is {SENTENCE_TO_MODEL}"),
                "-vv",
                "--json",
            ],
            &config,
        ),
    ));
    let read = |tool: &str, kind: Option<&str>, name: &str, previous: bool| json!({"tool": tool, "kind": kind, "name": name, "container": null, "previous": previous, "namespace": "leak"});
    model.push(Reply::Content(
        json!({"requests": [read("logs", None, "leaky-debug", true), read("events", None, "leaky-debug", false),
                            read("describe", Some("deployment"), "leaky", false)],
               "summary": "", "ranked": [], "next_steps": []})
        .to_string(),
    ));
    model.push(Reply::Content(
        json!({"summary": "it crashes", "ranked": [{"rank": 1, "finding": 1, "explanation": "bad password"}],
               "next_steps": ["check the password"]})
        .to_string(),
    ));
    runs.push((
        "diagnose with a model".into(),
        with_model(
            &[
                "diagnose",
                "-n",
                "leak",
                "why does leaky-debug crash?",
                "-vv",
            ],
            &command_config,
        ),
    ));

    for (name, out) in &runs {
        assert!(
            out.status.code().is_some_and(|c| c < 100),
            "{name} crashed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // A read a person asks for shows the object as kubectl prints it, but
        // for Secret data (README, Safety): their own ConfigMap is theirs to read.
        let all: Vec<&str> = PLANTED
            .iter()
            .chain([&CONFIG_KEY, &COMMAND_KEY])
            .copied()
            .filter(|c| !(name.contains("configmaps") && *c == CONFIG_MAP))
            .collect();
        leaks.search(
            &format!("stdout of {name}"),
            &String::from_utf8_lossy(&out.stdout),
            &all,
        );
        leaks.search(
            &format!("stderr of {name}"),
            &String::from_utf8_lossy(&out.stderr),
            &all,
        );
    }
    // The model got requests (so the paths above were really driven) and never
    // a planted value; the keys only in the Authorization header.
    let requests = model.requests();
    assert!(
        requests.len() >= 3,
        "the model was asked {} times",
        requests.len()
    );
    for (i, request) in requests.iter().enumerate() {
        leaks.search(
            &format!("model request {i} body"),
            &request.body.to_string(),
            PLANTED,
        );
        leaks.search(
            &format!("model request {i} body"),
            &request.body.to_string(),
            &[CONFIG_KEY, COMMAND_KEY],
        );
        for (header, value) in &request.headers {
            if !header.eq_ignore_ascii_case("authorization") {
                leaks.search(
                    &format!("model request {i} header {header}"),
                    value,
                    PLANTED,
                );
                leaks.search(
                    &format!("model request {i} header {header}"),
                    value,
                    &[CONFIG_KEY, COMMAND_KEY],
                );
            }
        }
    }
    // Files: the journal and everything else written under HOME; a saved plan
    // may hold the value it needs to run again, readable by its owner only.
    assert!(journal.exists(), "nothing was journaled");
    let own = [
        config.as_path(),
        command_config.as_path(),
        key_command.as_path(),
    ];
    for (path, text) in written_files(env.home(), &own) {
        if Path::new(&path) == saved {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&saved).unwrap().permissions().mode() & 0o777;
                if text.contains(SENTENCE) && mode != 0o600 {
                    leaks
                        .0
                        .push(format!("{SENTENCE} in {path}, which is mode {mode:o}"));
                }
            }
            leaks.search(
                &path,
                &text,
                &[ENV_VALUE, CONFIG_MAP, ANNOTATION, LOG_LINE, EVENT],
            );
            continue;
        }
        let all: Vec<&str> = PLANTED
            .iter()
            .chain([&CONFIG_KEY, &COMMAND_KEY])
            .copied()
            .collect();
        leaks.search(&path, &text, &all);
    }
    assert!(
        leaks.0.is_empty(),
        "canaries leaked:\n{}",
        leaks.0.join("\n")
    );
}

/// One read as the model asks for it (every field present, as in strict mode).
fn read(
    tool: &str,
    kind: Option<&str>,
    name: Option<&str>,
    container: Option<&str>,
    previous: bool,
) -> serde_json::Value {
    json!({"tool": tool, "kind": kind, "name": name, "container": container,
           "previous": previous, "namespace": null})
}

/// Every read the model could ask for over the planted namespace: each evidence
/// tool (get, describe, logs, events, top) over each kind the namespace holds,
/// by each object's name and by none. Reads the plugin refuses (a Secret, a
/// ConfigMap's data) are in the set too: refusing them is how they stay home.
fn every_read() -> Vec<serde_json::Value> {
    let objects = [
        ("pod", "leaky-debug"),
        ("deployment", "leaky"),
        ("configmap", "settings"),
        ("secret", "vault"),
        ("event", "leaky-debug.canary"),
        ("namespace", "leak"),
    ];
    let mut reads = Vec::new();
    for (kind, name) in objects {
        reads.push(read("get", Some(kind), None, None, false));
        reads.push(read("get", Some(kind), Some(name), None, false));
        reads.push(read("describe", Some(kind), Some(name), None, false));
        reads.push(read("events", Some(kind), Some(name), None, false));
    }
    reads.push(read("events", None, None, None, false));
    for container in [None, Some("app")] {
        for previous in [false, true] {
            reads.push(read(
                "logs",
                Some("pod"),
                Some("leaky-debug"),
                container,
                previous,
            ));
        }
    }
    reads.push(read("top", Some("pods"), None, None, false));
    reads.push(read("top", Some("nodes"), None, None, false));
    reads
}

/// What the evidence messages quoted back to the model: the commands that ran
/// and the refusals, in order.
fn quoted_back(body: &serde_json::Value) -> Option<(Vec<String>, Vec<String>)> {
    let last = body["messages"].as_array()?.last()?["content"].as_str()?;
    let start = last.find("<cluster_data>")? + "<cluster_data>".len();
    let end = last.find("</cluster_data>")?;
    let data: serde_json::Value = serde_json::from_str(last[start..end].trim()).ok()?;
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect()
    };
    let ran = data["results"]
        .as_array()?
        .iter()
        .map(|r| r["command"].clone())
        .collect::<serde_json::Value>();
    Some((strings(&ran), strings(&data["refused"])))
}

/// Planning with evidence reads, and `diagnose --fix` asking the model for a fix
/// no analyzer has, each driven over every read the model could ask for: every
/// request the model receives, every output (`--json`, human, `-vv` logs) and
/// every file written (the journal above all) is free of every canary.
#[test]
fn no_canary_leaves_through_what_the_model_reads() {
    let env = planted_cluster();
    let model = FakeModel::start().expect("fake model");
    let config = env.config_file("retry_backoff_ms = 10\n");
    let journal = env.home().join("state").join("journal.jsonl");
    let with_model = |args: &[&str]| {
        env.with_model_at(&model.base_url())
            .env("KUBECTL_AI_CONFIG", &config)
            .env("KUBECTL_AI_JOURNAL", &journal)
            .args(args)
            .output()
            .unwrap()
    };
    let reads = every_read();
    // Two steps of three reads a run keep each run inside the evidence budget,
    // so every read is run, or refused for what it is.
    let runs: Vec<&[serde_json::Value]> = reads.chunks(6).collect();
    let mut outputs: Vec<(String, std::process::Output)> = Vec::new();
    let mut requests_of = Vec::new();

    // Planning: the model reads, then answers; in the first run it plans a
    // change, applied, so the journal holds a run planned after reading.
    for (i, run) in runs.iter().enumerate() {
        for step in run.chunks(3) {
            model.push(Reply::Content(look(json!(step))));
        }
        model.push(Reply::Content(if i == 0 {
            plan_answer(vec![op(
                "scale",
                json!({"kind": "deployment", "name": "leaky", "change": "to", "replicas": 2}),
            )])
        } else {
            json!({"answer": {"type": "answer", "text": "leaky-debug cannot log in to its database."}})
                .to_string()
        }));
        let mut args = vec![
            "-n",
            "leak",
            "look into the database login trouble of leaky-debug, and give leaky more copies if that helps",
            "--yes",
        ];
        if i % 2 == 0 {
            args.extend(["--json", "-vv"]);
        }
        outputs.push((format!("planning run {i}"), with_model(&args)));
    }
    requests_of.push(("planning", model.requests().len()));

    // diagnose --fix: the explanation, then a proposal for the one problem no
    // analyzer has a fix for (the crashing pod), the model reading first. The
    // first proposal changes the deployment; the same one again is no change.
    for (i, run) in runs.iter().enumerate() {
        model.push(Reply::Content(
            json!({"requests": [], "summary": "leaky-debug crashes", "ranked": [], "next_steps": []})
                .to_string(),
        ));
        for step in run.chunks(3) {
            model.push(Reply::Content(look(json!(step))));
        }
        model.push(Reply::Content(plan_answer(vec![op(
            "set_env",
            json!({"kind": "deployment", "name": "leaky", "set": [{"key": "LOG_LEVEL", "value": "info"}]}),
        )])));
        let mut args = vec!["diagnose", "-n", "leak", "--fix", "--yes"];
        if i % 2 == 0 {
            args.extend(["--json", "-vv"]);
        }
        outputs.push((format!("diagnose --fix run {i}"), with_model(&args)));
    }
    requests_of.push(("diagnose --fix", model.requests().len()));
    assert_eq!(model.pending(), 0, "every scripted answer was asked for");

    let mut leaks = Leaks::default();
    for (name, out) in &outputs {
        assert!(
            out.status.code().is_some_and(|c| c < 100),
            "{name} crashed: {}",
            common::stderr(out)
        );
        leaks.search(&format!("stdout of {name}"), &common::stdout(out), PLANTED);
        leaks.search(&format!("stderr of {name}"), &common::stderr(out), PLANTED);
    }
    let requests = model.requests();
    for (i, request) in requests.iter().enumerate() {
        leaks.search(
            &format!("model request {i}"),
            &request.body.to_string(),
            PLANTED,
        );
    }
    for (path, text) in written_files(env.home(), &[config.as_path()]) {
        leaks.search(&path, &text, PLANTED);
    }
    assert!(
        leaks.0.is_empty(),
        "canaries leaked:\n{}",
        leaks.0.join("\n")
    );

    // The paths were really driven: on each, every read was run or refused for
    // what it reads (never for the budget), every tool ran, and the changes the
    // model planned after reading were applied and journaled.
    let mut from = 0;
    for (path, to) in requests_of {
        let (mut ran, mut refused) = (Vec::new(), Vec::new());
        for request in &requests[from..to] {
            if let Some((r, f)) = quoted_back(&request.body) {
                ran.extend(r);
                refused.extend(f);
            }
        }
        from = to;
        assert_eq!(
            ran.len() + refused.len(),
            reads.len(),
            "{path}: ran {ran:#?}\nrefused {refused:#?}"
        );
        assert!(
            refused
                .iter()
                .all(|r| r.contains("Secrets are never read") || r.contains("ConfigMap data")),
            "{path}: {refused:#?}"
        );
        for (tool, command) in [
            ("get", "kubectl get pods"),
            ("describe", "kubectl describe "),
            ("logs", "kubectl logs "),
            ("events", "kubectl get events"),
            ("top", "kubectl top "),
        ] {
            assert!(
                ran.iter().any(|c| c.starts_with(command)),
                "{path}: no {tool} among {ran:#?}"
            );
        }
    }
    assert_eq!(env.replicas("leak", "leaky"), 2);
    let history = env
        .plugin()
        .env("KUBECTL_AI_JOURNAL", &journal)
        .args(["history", "--json"])
        .output()
        .unwrap();
    let history = common::stdout(&history);
    assert!(history.contains("scale"), "{history}");
    assert!(history.contains("LOG_LEVEL"), "{history}");
}
