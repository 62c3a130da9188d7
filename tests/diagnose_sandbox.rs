//! Diagnose end to end: the built plugin drives the real kubectl against the
//! sandbox API server loaded with `healthy` plus one broken scenario, and must
//! find exactly that scenario's problem (no more: no false positives), with the
//! evidence that tells it, and exit 4; the healthy namespaces exit 0 with nothing
//! to say. Collection is counted on the server side: the number of list requests
//! does not grow with the cluster, and logs are read only for crashing containers.

mod common;

use common::{TestEnv, json_stdout, stderr, stdout};
use serde_json::Value;

/// `kubectl-ai diagnose -n NS --json --offline` against `healthy` + `scenario`.
fn diagnose_json(env: &TestEnv, namespace: &str) -> (Value, i32) {
    let out = env
        .plugin()
        .args(["diagnose", "-n", namespace, "--json", "--offline"])
        .output()
        .expect("plugin runs");
    let code = out.status.code().unwrap_or(-1);
    (json_stdout(&out), code)
}

/// The problems (critical and warning findings) as (check, kind, name).
fn problems(report: &Value) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                f["object"]["kind"].as_str().unwrap().to_string(),
                f["object"]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn finding<'r>(report: &'r Value, check: &str, name: &str) -> &'r Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == check && f["object"]["name"] == name)
        .unwrap_or_else(|| panic!("no {check} finding about {name}:\n{report:#}"))
}

/// Evidence, cause and problem of a finding as one text, to look for a telling piece.
fn told(f: &Value) -> String {
    let evidence: Vec<&str> = f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    format!(
        "{}\n{}\n{}",
        f["problem"].as_str().unwrap_or(""),
        evidence.join("\n"),
        f["cause"].as_str().unwrap_or("")
    )
}

/// Runs one scenario: exactly the expected problems, exit 4, and each expected
/// finding says the telling words. Returns the report for further checks.
fn expect_scenario(scenario: &str, expected: &[(&str, &str, &str, &[&str])]) -> Value {
    let env = TestEnv::with(&["healthy", scenario]);
    let (report, code) = diagnose_json(&env, scenario);
    let mut want: Vec<(String, String, String)> = expected
        .iter()
        .map(|(c, k, n, _)| (c.to_string(), k.to_string(), n.to_string()))
        .collect();
    want.sort();
    assert_eq!(problems(&report), want, "{scenario}:\n{report:#}");
    assert_eq!(code, 4, "{scenario}: problems found exit 4");
    assert_eq!(report["status"], "problems");
    assert_eq!(report["namespace"], scenario);
    assert_eq!(report["problems"], expected.len());
    for (check, _, name, words) in expected {
        let f = finding(&report, check, name);
        let text = told(f);
        for w in *words {
            assert!(
                text.contains(w),
                "{scenario}: {check} on {name} should say {w:?}:\n{text}"
            );
        }
        assert_eq!(
            f["object"]["namespace"].as_str().unwrap_or(scenario),
            scenario
        );
    }
    report
}

#[test]
fn healthy_namespaces_have_no_findings() {
    let env = TestEnv::healthy();
    for ns in ["default", "shop"] {
        let (report, code) = diagnose_json(&env, ns);
        assert_eq!(
            report["findings"],
            Value::Array(vec![]),
            "{ns}:\n{report:#}"
        );
        assert_eq!(report["status"], "healthy");
        assert_eq!(report["problems"], 0);
        assert_eq!(code, 0, "{ns}: healthy exits 0");
        assert!(
            report["checked"]["pods"].as_u64().unwrap() > 0,
            "{report:#}"
        );
    }
}

#[test]
fn healthy_with_every_broken_scenario_loaded_is_still_quiet_in_shop() {
    // Broken objects in other namespaces do not leak into shop's report; a node
    // none of shop's pods run on is information at most, not shop's problem.
    let mut all = vec!["healthy"];
    all.extend(
        kube_sandbox::scenario::names()
            .iter()
            .filter(|n| **n != "healthy"),
    );
    let env = TestEnv::with(&all);
    let (report, code) = diagnose_json(&env, "shop");
    assert_eq!(problems(&report), vec![], "{report:#}");
    assert_eq!(code, 0);
}

#[test]
fn crashloop() {
    expect_scenario(
        "crashloop",
        &[(
            "pod.crash_loop",
            "Deployment",
            "orders",
            &[
                "restarted 7 times",
                "exit code 1",
                "log: ",
                "ECONNREFUSED 10.0.0.12:5432",
                "database connection refused",
            ],
        )],
    );
}

#[test]
fn imagepull() {
    let report = expect_scenario(
        "imagepull",
        &[
            (
                "pod.image_pull",
                "Deployment",
                "frontend",
                &["nginx:1.255", "not found", "the tag looks wrong"],
            ),
            (
                "pod.image_pull",
                "Deployment",
                "metrics-agent",
                &["no such host", "the registry cannot be reached"],
            ),
        ],
    );
    // The services in front of them are consequences, folded in, not extra problems.
    assert!(
        told(finding(&report, "pod.image_pull", "frontend"))
            .contains("service/frontend has no ready endpoints")
    );
}

#[test]
fn oomkilled() {
    let report = expect_scenario(
        "oomkilled",
        &[
            (
                "pod.oom_killed",
                "Deployment",
                "report-builder",
                &["OOMKilled", "256Mi", "crash-looping"],
            ),
            (
                "pod.oom_killed",
                "Deployment",
                "cache-warmer",
                &["OOMKilled", "128Mi", "running again now"],
            ),
        ],
    );
    let builder = finding(&report, "pod.oom_killed", "report-builder");
    assert_eq!(builder["severity"], "critical");
    let op = &builder["fix"]["plan"]["operations"][0];
    assert_eq!(op["op"], "set_resources", "{builder:#}");
    assert_eq!(op["limits"]["memory"], "512Mi");
    assert_eq!(
        finding(&report, "pod.oom_killed", "cache-warmer")["severity"],
        "warning",
        "running again: degraded, not down"
    );
}

#[test]
fn pending() {
    expect_scenario(
        "pending",
        &[(
            "pod.unschedulable",
            "Deployment",
            "ml-trainer",
            &["Insufficient cpu", "FailedScheduling"],
        )],
    );
}

#[test]
fn readiness() {
    expect_scenario(
        "readiness",
        &[(
            "pod.probe_failing",
            "Deployment",
            "checkout",
            &["Readiness probe failed", "503"],
        )],
    );
}

#[test]
fn selector() {
    let report = expect_scenario(
        "selector",
        &[(
            "service.selector_no_match",
            "Service",
            "frontend",
            &["app=frontend", "closest pod labels: app=front-end"],
        )],
    );
    let f = finding(&report, "service.selector_no_match", "frontend");
    assert_eq!(
        f["fix"]["plan"]["operations"][0]["patch"],
        serde_json::json!({"spec": {"selector": {"app": "front-end"}}})
    );
}

#[test]
fn pvc() {
    expect_scenario(
        "pvc",
        &[
            (
                "pvc.missing_storage_class",
                "PersistentVolumeClaim",
                "postgres-data",
                &["fast-ssd", "does not exist", "ProvisioningFailed"],
            ),
            (
                "pod.unschedulable",
                "Deployment",
                "postgres",
                &["unbound immediate PersistentVolumeClaims"],
            ),
        ],
    );
}

#[test]
fn nodenotready() {
    let report = expect_scenario(
        "nodenotready",
        &[(
            "node.not_ready",
            "Node",
            "worker-3",
            &[
                "Kubelet stopped posting node status",
                "MemoryPressure",
                "batch-worker-",
            ],
        )],
    );
    let f = finding(&report, "node.not_ready", "worker-3");
    assert_eq!(
        f["object"]["namespace"],
        Value::Null,
        "nodes have no namespace"
    );
}

#[test]
fn job() {
    expect_scenario(
        "job",
        &[(
            "job.failed",
            "Job",
            "db-migrate",
            &[
                "BackoffLimitExceeded",
                "relation \"orders\" does not exist",
                "0042_add_orders_index.sql",
            ],
        )],
    );
}

#[test]
fn hpa() {
    expect_scenario(
        "hpa",
        &[(
            "hpa.metrics_unavailable",
            "HorizontalPodAutoscaler",
            "search",
            &["FailedGetResourceMetric", "missing request for cpu"],
        )],
    );
}

#[test]
fn progressdeadline() {
    let report = expect_scenario(
        "progressdeadline",
        &[(
            "deployment.progress_deadline",
            "Deployment",
            "pay",
            &[
                "ProgressDeadlineExceeded",
                "PAYMENT_GATEWAY_URL must be set",
                "revision 2 (ghcr.io/acme/pay:1.9.3) is the last good one",
            ],
        )],
    );
    let f = finding(&report, "deployment.progress_deadline", "pay");
    assert_eq!(
        f["fix"]["plan"]["operations"][0],
        serde_json::json!({"op": "rollout_undo", "kind": "deployment", "name": "pay",
                           "namespace": "progressdeadline", "to_revision": 2})
    );
}

#[test]
fn every_scenario_has_a_test_here() {
    // A scenario added to the sandbox without an expectation here fails this.
    let covered = [
        "healthy",
        "crashloop",
        "imagepull",
        "oomkilled",
        "pending",
        "readiness",
        "selector",
        "pvc",
        "nodenotready",
        "job",
        "hpa",
        "progressdeadline",
    ];
    for name in kube_sandbox::scenario::names() {
        assert!(
            covered.contains(name),
            "no diagnose test for scenario {name}"
        );
    }
}

// ---------------------------------------------------------------------------
// Counting kubectl's work on the server side.

/// A request the sandbox recorded, classified.
#[derive(Debug, PartialEq)]
enum Call {
    /// GET of a collection (`/api/v1/namespaces/x/pods`): the resource plural.
    List(String),
    /// GET of a pod's log: the pod name.
    Log(String),
    /// GET of one pod (kubectl logs looks the pod up first): the pod name.
    GetPod(String),
    /// Anything else on a resource path (method, path).
    Other(String, String),
}

fn classify(method: &str, path: &str) -> Option<Call> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let rest = match segs.first() {
        Some(&"api") if segs.len() > 2 => &segs[2..],
        Some(&"apis") if segs.len() > 3 => &segs[3..],
        _ => return None, // discovery, OpenAPI, version
    };
    let rest = if rest.first() == Some(&"namespaces") && rest.len() >= 3 {
        &rest[2..]
    } else {
        rest
    };
    Some(match (method, rest) {
        ("GET", [plural]) => Call::List(plural.to_string()),
        ("GET", ["pods", name, "log"]) => Call::Log(name.to_string()),
        ("GET", ["pods", name]) => Call::GetPod(name.to_string()),
        _ => Call::Other(method.to_string(), path.to_string()),
    })
}

fn calls(env: &TestEnv) -> Vec<Call> {
    env.cluster
        .requests()
        .iter()
        .filter_map(|r| classify(&r.method, &r.path))
        .collect()
}

/// Runs one diagnose with `args` on a sandbox holding a generated cluster; the
/// resource requests it made, and the names of the crash-looping pods.
fn count_calls(
    namespaces: usize,
    pods_per_namespace: usize,
    args: &[&str],
) -> (Vec<Call>, Vec<String>) {
    let env = TestEnv::with(&[]);
    let objects = kube_sandbox::generate::cluster(namespaces, pods_per_namespace, 2);
    let crashing: Vec<String> = objects
        .iter()
        .filter(|o| o["kind"] == "Pod")
        .filter(|o| {
            o["status"]["containerStatuses"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| c["state"]["waiting"]["reason"] == "CrashLoopBackOff")
        })
        .map(|o| o["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    env.cluster.seed(objects).expect("generated cluster seeds");
    let before = env.cluster.requests().len();
    let out = env
        .plugin()
        .arg("diagnose")
        .args(args)
        .args(["--json", "--offline"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(4),
        "generated clusters have broken pods\n{}",
        stderr(&out)
    );
    let report = json_stdout(&out);
    assert!(report["problems"].as_u64().unwrap() > 0);
    let calls: Vec<Call> = env.cluster.requests()[before..]
        .iter()
        .filter_map(|r| classify(&r.method, &r.path))
        .collect();
    (calls, crashing)
}

fn lists(calls: &[Call]) -> Vec<&str> {
    let mut l: Vec<&str> = calls
        .iter()
        .filter_map(|c| match c {
            Call::List(p) => Some(p.as_str()),
            _ => None,
        })
        .collect();
    l.sort_unstable();
    l
}

#[test]
fn collection_makes_the_same_few_list_requests_whatever_the_cluster_size() {
    for args in [&["-n", "team-001"][..], &["-A"][..]] {
        let (small, small_crashing) = count_calls(2, 100, args);
        let (large, large_crashing) = count_calls(6, 400, args);
        assert!(large_crashing.len() > small_crashing.len());
        // Reads only.
        for c in small.iter().chain(&large) {
            assert!(!matches!(c, Call::Other(..)), "unexpected request {c:?}");
        }
        // One list per namespaced kind, events, nodes, storage classes: 15 at most,
        // and exactly the same at both sizes.
        assert_eq!(lists(&small), lists(&large), "{args:?}");
        assert!(lists(&small).len() <= 15, "{:?}", lists(&small));
        for kind in ["pods", "deployments", "events", "nodes"] {
            assert!(
                lists(&small).contains(&kind),
                "{kind} is read: {:?}",
                lists(&small)
            );
        }
        // Logs only for crashing containers, a bounded number of them.
        for (calls, crashing) in [(&small, &small_crashing), (&large, &large_crashing)] {
            let logs: Vec<&str> = calls
                .iter()
                .filter_map(|c| match c {
                    Call::Log(p) => Some(p.as_str()),
                    _ => None,
                })
                .collect();
            assert!(!logs.is_empty(), "a crashing pod's logs are read");
            assert!(logs.len() <= 2 * 5, "{} log reads", logs.len());
            let looked_up = calls.iter().filter_map(|c| match c {
                Call::GetPod(p) => Some(p.as_str()),
                _ => None,
            });
            for pod in logs.iter().copied().chain(looked_up) {
                assert!(crashing.iter().any(|c| c == pod), "{pod} is not crashing");
            }
        }
    }
}

#[test]
fn a_healthy_namespace_reads_no_logs() {
    let env = TestEnv::healthy();
    let out = env
        .plugin()
        .args(["diagnose", "-n", "shop", "--offline"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let c = calls(&env);
    assert!(!c.iter().any(|c| matches!(c, Call::Log(_))), "{c:?}");
    assert!(lists(&c).len() <= 15, "{:?}", lists(&c));
    assert!(stdout(&out).starts_with("No problems found in namespace shop"));
}
