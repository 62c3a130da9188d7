//! `kubectl ai history` and the journal it reads, through the real binary:
//!
//! - the list, one run with its diffs, and both as `--json`, snapshot-tested
//!   from a fixed journal (set `UPDATE_SNAPSHOTS=1` to rewrite them after an
//!   intended change);
//! - a journal whose last line was cut short by a crash loses nothing before it,
//!   and the next run is appended as a whole line;
//! - an applied change journals each object's normalized before/after state and
//!   its live `resourceVersion`, in a file readable by its owner only;
//! - secret values never reach the journal: such objects are recorded without
//!   their states, as not reversible;
//! - "what did I change today", "show me what changed in shop" route here offline.

mod common;

use std::path::{Path, PathBuf};

use common::{TestEnv, assert_success, json_stdout, stderr, stdout};
use serde_json::{Value, json};

fn journal(env: &TestEnv) -> PathBuf {
    env.home().join("journal.jsonl")
}

fn plugin(env: &TestEnv) -> assert_cmd::Command {
    let mut cmd = env.plugin();
    cmd.env("KUBECTL_AI_JOURNAL", journal(env)).env("TZ", "UTC");
    cmd
}

fn web(replicas: i64, image: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"labels": {"app": "web"}, "name": "web", "namespace": "shop"},
           "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"labels": {"app": "web"}},
                                 "spec": {"containers": [{"image": image, "name": "nginx"}]}}}})
}

/// Three runs as the journal holds them, and a fourth cut short by a crash.
fn fixture() -> String {
    let lines = [
        json!({"id": 1, "time": "2026-12-01T09:15:00Z", "request": "scale web to 3",
               "source": {"kind": "rules"}, "context": "sandbox", "namespace": "shop", "status": "ok",
               "operations": [{"summary": "scale deployment/web to 3 replicas",
                               "equivalent_command": "kubectl scale deployment/web --replicas=3 -n shop",
                               "status": "applied", "exit_code": 0, "op": "scale",
                               "objects": [{"object": "deployment/web", "api_version": "apps/v1", "kind": "Deployment",
                                            "name": "web", "namespace": "shop", "change": "update",
                                            "before": web(2, "nginx:1.25"), "after": web(3, "nginx:1.25"),
                                            "resource_version": "1041"}]}]}),
        json!({"id": 2, "time": "2026-12-01T10:30:00Z", "request": "create secret db with password=***",
               "source": {"kind": "model", "model": "gpt-4o"}, "context": "sandbox", "namespace": "default", "status": "ok",
               "operations": [{"summary": "create secret db", "equivalent_command": "kubectl create secret generic db --from-literal=password=*** -n default",
                               "status": "applied", "exit_code": 0, "op": "create_secret",
                               "objects": [{"object": "secret/db", "api_version": "v1", "kind": "Secret", "name": "db",
                                            "namespace": "default", "change": "create", "resource_version": "1050"}]},
                              {"summary": "drain node worker-1", "equivalent_command": "kubectl drain worker-1 --ignore-daemonsets",
                               "status": "applied", "exit_code": 0, "op": "drain",
                               "not_reversible": "a drain evicts the node's pods, which cannot be put back as they were; uncordon the node to let pods run there again"}]}),
        json!({"id": 3, "time": "2026-12-02T08:00:00Z", "request": "undo run 1",
               "source": {"kind": "undo", "run": 1}, "context": "staging", "namespace": "shop", "status": "ok",
               "operations": [{"summary": "restore deployment/web as it was before run 1",
                               "equivalent_command": "kubectl replace -f - -n shop",
                               "status": "applied", "exit_code": 0, "op": "restore",
                               "objects": [{"object": "deployment/web", "api_version": "apps/v1", "kind": "Deployment",
                                            "name": "web", "namespace": "shop", "change": "update",
                                            "before": web(3, "nginx:1.25"), "after": web(2, "nginx:1.25"),
                                            "resource_version": "1077"}]}]}),
    ];
    let mut text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let cut =
        json!({"id": 4, "time": "2026-12-02T09:00:00Z", "request": "scale web to 9"}).to_string();
    text.push_str(&cut[..cut.len() / 2]);
    text
}

fn check_snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing; run with UPDATE_SNAPSHOTS=1", path.display()));
    assert_eq!(
        actual, expected,
        "{name} changed; if intended, rerun with UPDATE_SNAPSHOTS=1"
    );
}

/// The journal's path in output, made the same on every machine.
fn portable(text: &str, env: &TestEnv) -> String {
    text.replace(&journal(env).display().to_string(), "JOURNAL")
}

#[test]
fn history_snapshots_human_and_json() {
    let env = TestEnv::healthy();
    std::fs::write(journal(&env), fixture()).unwrap();
    let run = |args: &[&str]| {
        let out = plugin(&env).args(args).output().unwrap();
        assert_success(&out);
        assert!(
            stderr(&out).contains("1 line(s) of the journal") && stderr(&out).contains("skipped"),
            "the cut line is not reported: {}",
            stderr(&out)
        );
        portable(&stdout(&out), &env)
    };
    check_snapshot("history_list.txt", &run(&["history"]));
    check_snapshot("history_run.txt", &run(&["history", "1"]));
    check_snapshot("history_list.json", &run(&["history", "--json"]));
    check_snapshot("history_run.json", &run(&["history", "2", "--json"]));

    // Filters: a namespace, a context, a limit.
    let ids = |args: &[&str]| -> Vec<i64> {
        let text = run(args);
        let doc: Value = serde_json::from_str(&text).unwrap();
        doc["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids(&["history", "--json"]), [3, 2, 1]);
    assert_eq!(ids(&["history", "--json", "-n", "default"]), [2]);
    assert_eq!(ids(&["history", "--json", "--context", "staging"]), [3]);
    assert_eq!(ids(&["history", "--json", "--limit", "2"]), [3, 2]);

    let out = plugin(&env).args(["history", "9"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("there is no run 9 in the journal; the latest runs are 3, 2, 1"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_journal_cut_short_by_a_crash_keeps_every_earlier_run_and_grows_whole_lines() {
    let env = TestEnv::healthy();
    std::fs::write(journal(&env), fixture()).unwrap();
    let out = plugin(&env)
        .args(["scale", "web", "to", "4", "-n", "shop", "--yes"])
        .output()
        .unwrap();
    assert_success(&out);
    let text = std::fs::read_to_string(journal(&env)).unwrap();
    let last: Value = serde_json::from_str(text.lines().last().unwrap()).expect("a whole line");
    assert_eq!(last["id"], 4, "{last:#}");
    let out = plugin(&env).args(["history", "--json"]).output().unwrap();
    assert_success(&out);
    let ids: Vec<i64> = json_stdout(&out)["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [4, 3, 2, 1]);
}

#[test]
fn an_applied_change_journals_each_objects_states_and_version_privately() {
    let env = TestEnv::healthy();
    let before = env.live(&["deployment", "web", "-n", "shop"]).unwrap();
    let out = plugin(&env)
        .args(["scale", "web", "to", "4", "-n", "shop", "--yes"])
        .output()
        .unwrap();
    assert_success(&out);
    let live = env.live(&["deployment", "web", "-n", "shop"]).unwrap();
    let text = std::fs::read_to_string(journal(&env)).unwrap();
    let entry: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let object = &entry["operations"][0]["objects"][0];
    assert_eq!(object["object"], "deployment/web");
    assert_eq!(object["change"], "update");
    assert_eq!(object["before"], kubectl_ai::preview::normalize(&before));
    assert_eq!(object["after"]["spec"]["replicas"], 4);
    assert!(object["after"].get("status").is_none());
    assert_eq!(
        object["resource_version"],
        live["metadata"]["resourceVersion"]
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(journal(&env))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
    }

    // history N re-renders the diff from the recorded states.
    let out = plugin(&env).args(["history", "1"]).output().unwrap();
    assert_success(&out);
    let shown = stdout(&out);
    assert!(
        shown.contains("--- deployment/web (before)")
            && shown.contains("-  replicas: 2\n+  replicas: 4"),
        "{shown}"
    );
    assert!(
        shown.contains("take it back with: kubectl ai undo 1"),
        "{shown}"
    );
}

#[test]
fn secret_values_never_reach_the_journal_and_such_objects_are_not_reversible() {
    const VALUE: &str = "Zk93-journal-canary-Qp";
    let env = TestEnv::healthy();
    for sentence in [
        format!("create secret db with password={VALUE} in shop"),
        format!("set env DB_PASSWORD={VALUE} on deployment web in shop"),
    ] {
        let out = plugin(&env)
            .args([sentence.as_str(), "--yes"])
            .output()
            .unwrap();
        assert_success(&out);
    }
    let text = std::fs::read_to_string(journal(&env)).unwrap();
    assert!(!text.contains(VALUE), "{text}");
    let entries: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(entries.len(), 2, "{text}");
    // The created Secret needs no state to be taken back (it is deleted).
    let secret = &entries[0]["operations"][0]["objects"][0];
    assert_eq!(secret["object"], "secret/db");
    assert!(
        secret.get("after").is_none() && secret.get("not_reversible").is_none(),
        "{secret:#}"
    );
    // web now holds a credential in its env: no states, not reversible.
    let web = &entries[1]["operations"][0]["objects"][0];
    assert!(
        web.get("before").is_none() && web.get("after").is_none(),
        "{web:#}"
    );
    assert!(
        web["not_reversible"]
            .as_str()
            .unwrap()
            .contains("holds secret values"),
        "{web:#}"
    );
    for args in [
        &["history", "--json"][..],
        &["history", "2", "--json"],
        &["history", "2"],
    ] {
        let out = plugin(&env).args(args).output().unwrap();
        assert_success(&out);
        assert!(!stdout(&out).contains(VALUE), "{args:?}: {}", stdout(&out));
    }
    let out = plugin(&env).args(["undo", "2", "--yes"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("deployment/web: holds secret values"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn history_sentences_route_offline() {
    let env = TestEnv::healthy();
    let out = plugin(&env)
        .args(["scale", "web", "to", "3", "-n", "shop", "--yes"])
        .output()
        .unwrap();
    assert_success(&out);
    // No model is configured: only the offline route can answer these.
    for sentence in ["what did I change today", "show me what changed in shop"] {
        let out = plugin(&env).args([sentence, "--json"]).output().unwrap();
        assert_success(&out);
        let doc = json_stdout(&out);
        assert_eq!(
            doc["runs"][0]["request"], "scale web to 3",
            "{sentence}: {doc:#}"
        );
    }
    let out = plugin(&env)
        .args(["show me what changed in default", "--json"])
        .output()
        .unwrap();
    assert_success(&out);
    assert_eq!(json_stdout(&out)["runs"], json!([]));
}

/// A CLI apply whose outcome is not known (kubectl timed out during the
/// replace, which may have reached the server) is journaled, so history shows
/// what may have changed, and an undo refuses it for that reason.
#[test]
fn an_apply_whose_outcome_is_unknown_is_in_history() {
    let env = TestEnv::healthy();
    let slow = env.kubectl_shim("kubectl", "case \" $* \" in *' replace '*) sleep 5 ;; esac");
    let out = plugin(&env)
        .env("KUBECTL_PATH", &slow)
        .env("KUBECTL_AI_TIMEOUT", "1")
        .args(["scale web to 5", "--yes", "--json"])
        .output()
        .unwrap();
    let report = json_stdout(&out);
    assert_eq!(common::statuses(&report), ["unknown"], "{report}");
    let out = plugin(&env).args(["history", "--json"]).output().unwrap();
    assert_success(&out);
    let runs = json_stdout(&out);
    let run = &runs["runs"][0];
    assert_eq!(run["operations"][0]["status"], "unknown", "{runs}");
    let out = plugin(&env)
        .args(["undo", "1", "--dry-run"])
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("whether it was applied is not known")
            || stdout(&out).contains("whether it was applied is not known"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}
