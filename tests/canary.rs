//! The planted-secret sweep, kept: distinct canary values are planted in every
//! place a secret can live (Secret data, env values, ConfigMap data,
//! annotations, pod logs, event messages, sentences, the config file's key and
//! the key command's output); every path that could carry them is driven
//! through the real binary (sentences with and without a model, `--json`,
//! `-vv` logs, diagnose with a model and its evidence loop, `--save-plan`, the
//! journal, reads, errors); and every byte that leaves is searched — stdout,
//! stderr, what the model receives, and every file written under HOME — for
//! each canary, plain, JSON-escaped and base64-encoded. The only places a
//! canary may appear are the ones the README allows: the API key in the
//! model's `Authorization` header, and a saved plan (mode 0600) that must stay
//! runnable.

mod common;

use std::path::Path;

use common::TestEnv;
use kube_sandbox::model::{FakeModel, Reply};
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

fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

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
                   "current": format!("INFO starting\nERROR login failed: password={LOG_LINE} rejected\n"),
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
