//! Sentences the offline rules understand, through the real binary: the README's
//! first-run command on a machine with no cluster and no key, everyday requests
//! applied to the sandbox with the rules named as the source, refused values
//! (exit 2, nothing run), `--offline` for a sentence that needs a model (exit 2,
//! nothing contacted), and health questions and requests to fix something routed
//! to diagnose in the namespace the sentence names.

mod common;

use common::*;
use kube_sandbox::model::FakeModel;
use serde_json::json;

/// A sentence the rules don't place.
const VAGUE: &str = "give the web frontend enough pods to survive the launch";

fn rules(env: &TestEnv, args: &[&str]) -> std::process::Output {
    env.plugin().args(args).output().expect("plugin runs")
}

#[test]
fn the_first_run_command_works_with_no_cluster_and_no_key() {
    // The README's first command, exactly as written there.
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains("kubectl ai --explain \"scale web to 3\""),
        "the README's first-run command changed; update this test"
    );
    let env = Sandbox::new();
    let (kubectl, log) = {
        let dir = env.home.path().join("bin");
        std::fs::create_dir_all(&dir).unwrap();
        let log = env.home.path().join("calls.log");
        std::fs::write(&log, "").unwrap();
        let script = write_script(
            &dir,
            "kubectl",
            &format!("echo \"$*\" >> '{}'", log.display()),
        );
        (script, log)
    };
    let out = env
        .kubectl_ai()
        .env("KUBECONFIG", env.home.path().join("nowhere"))
        .env("KUBECTL_PATH", &kubectl)
        .args(["--explain", "scale web to 3"])
        .output()
        .unwrap();
    assert_success(&out);
    assert_eq!(
        stdout(&out),
        "Plan (from the offline rules), not run:\n\
         1. scale deployment/web to 3 replicas\n   \
         kubectl scale deployment/web --replicas=3\n"
    );
    assert_eq!(
        logged_calls(&log),
        Vec::<String>::new(),
        "kubectl never ran"
    );
}

#[test]
fn offline_with_a_sentence_that_needs_a_model_exits_2_and_contacts_nothing() {
    let env = TestEnv::healthy();
    let fake = FakeModel::start().unwrap();
    let (kubectl, log) = env.logging_kubectl();
    let out = env
        .with_model_at(&fake.base_url())
        .env("KUBECTL_PATH", &kubectl)
        .args(["--offline", "--yes", VAGUE])
        .output()
        .unwrap();
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("needs a model"), "{err}");
    assert!(err.contains("--offline never contacts one"), "{err}");
    for example in [
        "kubectl ai \"get pods in shop\"",
        "kubectl ai \"scale web to 3\"",
    ] {
        assert!(err.contains(example), "{err}");
    }
    assert!(stdout(&out).is_empty());
    assert!(fake.requests().is_empty());
    assert_eq!(logged_calls(&log), Vec::<String>::new());
}

#[test]
fn each_offline_example_is_understood_by_the_rules() {
    let env = TestEnv::healthy();
    let out = rules(&env, &["--offline", VAGUE]);
    let err = stderr(&out);
    // Each example is written as it is typed in a shell: `kubectl ai "…"`.
    let examples: Vec<&str> = err
        .lines()
        .filter_map(|l| l.trim().strip_prefix("kubectl ai \""))
        .filter_map(|l| l.strip_suffix('"'))
        .collect();
    assert!(examples.len() >= 5, "{err}");
    let (kubectl, log) = env.logging_kubectl();
    for example in examples {
        let out = env
            .plugin()
            .env("KUBECTL_PATH", &kubectl)
            .args(["--offline", "--explain", example])
            .output()
            .unwrap();
        assert_success(&out);
    }
    assert_eq!(logged_calls(&log), Vec::<String>::new());
}

#[test]
fn scale_in_a_namespace_applies_with_the_rules_as_source() {
    let env = TestEnv::healthy();
    let out = rules(&env, &["--yes", "--json", "scale web to 3 in shop"]);
    assert_success(&out);
    let report = json_stdout(&out);
    assert_eq!(report["source"], json!({"kind": "rules"}));
    assert_eq!(report["request"], "scale web to 3 in shop");
    assert!(report.get("usage").is_none(), "{report}");
    let op = &report["operations"][0];
    assert_eq!(op["status"], "applied", "{op}");
    assert_eq!(op["preview"][0]["namespace"], "shop");
    assert_eq!(env.replicas("shop", "web"), 3);
    assert_eq!(env.replicas("default", "web"), 2, "only shop/web changed");
}

#[test]
fn restart_applies_with_the_rules_as_source() {
    let env = TestEnv::healthy();
    let out = rules(&env, &["--yes", "--json", "restart deployment api"]);
    assert_success(&out);
    let report = json_stdout(&out);
    assert_eq!(report["source"], json!({"kind": "rules"}));
    assert_eq!(report["operations"][0]["status"], "applied");
    let live = env.live(&["deployment", "api", "-n", "default"]).unwrap();
    let annotations = &live["spec"]["template"]["metadata"]["annotations"];
    assert!(
        annotations["kubectl.kubernetes.io/restartedAt"].is_string(),
        "{annotations}"
    );
}

#[test]
fn a_read_passes_kubectls_output_through() {
    let env = TestEnv::healthy();
    let out = rules(&env, &["get pods in shop"]);
    assert_success(&out);
    let text = stdout(&out);
    assert!(text.contains("NAME"), "{text}");
    assert!(text.contains("web-t7gsxmgths-zn772"), "{text}");
    assert!(text.contains("api-zgjqlk6cl5-drdnd"), "{text}");
    assert!(
        !text.contains("web-hm5f82vrf7"),
        "default's pods are not listed: {text}"
    );

    let out = rules(&env, &["--json", "get pods in shop"]);
    assert_success(&out);
    let report = json_stdout(&out);
    assert_eq!(report["source"], json!({"kind": "rules"}));
    let op = &report["operations"][0];
    assert_eq!(op["status"], "read", "{op}");
    assert!(
        op["stdout"]
            .as_str()
            .unwrap()
            .contains("web-t7gsxmgths-zn772"),
        "{op}"
    );
    assert_eq!(env.writes(), Vec::<String>::new());
}

#[test]
fn previous_logs_of_a_pod() {
    let env = TestEnv::with(&["healthy", "crashloop"]);
    let out = rules(
        &env,
        &["logs of orders-5c7d9f8b6d-rjtmz --previous in crashloop"],
    );
    assert_success(&out);
    let text = stdout(&out);
    assert!(
        text.contains("09:47:28.114Z INFO  orders-service"),
        "{text}"
    );
    assert!(!text.contains("09:53:28"), "only the previous run: {text}");
}

#[test]
fn refused_values_exit_2_naming_the_value_and_nothing_runs() {
    let env = TestEnv::healthy();
    let (kubectl, log) = env.logging_kubectl();
    for (sentence, named) in [
        ("scale nginx to -1", "-1"),
        ("delete pod ../../etc/passwd", "../../etc/passwd"),
        // Not refused as shell syntax: the option no kubectl has is named.
        ("get pods; rm -rf /", "-rf"),
    ] {
        let out = env
            .plugin()
            .env("KUBECTL_PATH", &kubectl)
            .args(["--yes", sentence])
            .output()
            .unwrap();
        assert_exit(&out, 2);
        let err = stderr(&out);
        assert!(err.contains(named), "{sentence:?}: {err}");
        assert!(stdout(&out).is_empty(), "{sentence:?}: {}", stdout(&out));
    }
    assert_eq!(logged_calls(&log), Vec::<String>::new());
    assert_eq!(env.writes(), Vec::<String>::new());
}

#[test]
fn a_health_question_goes_to_diagnose_in_the_namespace_it_names() {
    let env = TestEnv::with(&["healthy", "crashloop"]);
    let out = rules(&env, &["--offline", "are my pods healthy in crashloop?"]);
    assert_exit(&out, 4);
    let text = stdout(&out);
    assert!(text.contains("orders"), "{text}");
    assert!(text.to_lowercase().contains("crash"), "{text}");

    // The same question about the healthy default namespace finds nothing.
    let out = rules(&env, &["--offline", "what's wrong with api"]);
    assert_exit(&out, 0);
    assert_eq!(env.writes(), Vec::<String>::new());
}

#[test]
fn a_health_question_with_dash_n_uses_that_namespace() {
    let env = TestEnv::with(&["healthy", "crashloop"]);
    let out = rules(
        &env,
        &["--offline", "-n", "crashloop", "why is orders crashing"],
    );
    assert_exit(&out, 4);
}

#[test]
fn a_request_to_fix_goes_to_diagnose_fix_and_asks_before_changing() {
    let env = TestEnv::with(&["healthy", "oomkilled"]);
    let limit = |env: &TestEnv, name: &str| {
        env.live(&["deployment", name, "-n", "oomkilled"]).unwrap()["spec"]["template"]["spec"]
            ["containers"][0]["resources"]["limits"]["memory"]
            .clone()
    };
    let sentence = "fix the deployment report-builder in oomkilled";
    // No TTY and no --yes: the fix is previewed, never applied (declined, exit 3).
    let out = rules(&env, &["--offline", sentence]);
    assert_exit(&out, 3);
    let text = stdout(&out);
    assert!(
        text.contains("Fix: raise the memory limit of container builder in deployment/report-builder from 256Mi to 512Mi"),
        "{text}"
    );
    let applied: Vec<String> = env
        .writes()
        .into_iter()
        .filter(|w| !w.contains("dryRun=All"))
        .collect();
    assert_eq!(
        applied,
        Vec::<String>::new(),
        "nothing applied without consent"
    );
    assert_eq!(limit(&env, "report-builder"), "256Mi");
    assert!(
        !text.contains("cache-warmer"),
        "only the named deployment: {text}"
    );

    // With --yes the fix of the named deployment is applied, and only that one; its
    // only problem had a fix and it was applied, so nothing is left to do (exit 0).
    let out = rules(&env, &["--offline", "--yes", sentence]);
    assert_exit(&out, 0);
    assert_eq!(limit(&env, "report-builder"), "512Mi");
    assert_eq!(limit(&env, "cache-warmer"), "128Mi");
}

#[test]
fn explain_describes_the_diagnosis_without_contacting_anything() {
    let env = TestEnv::healthy();
    let (kubectl, log) = env.logging_kubectl();
    for (sentence, command) in [
        (
            "fix the deployment app in debug",
            "kubectl ai diagnose --target deployment/app --namespace debug --fix",
        ),
        ("are my pods healthy?", "kubectl ai diagnose"),
        (
            "is anything broken across all namespaces",
            "kubectl ai diagnose --all-namespaces",
        ),
    ] {
        let out = env
            .plugin()
            .env("KUBECTL_PATH", &kubectl)
            .args(["--explain", sentence])
            .output()
            .unwrap();
        assert_success(&out);
        let text = stdout(&out);
        assert!(
            text.ends_with(&format!("   {command}\n")),
            "{sentence:?}: {text}"
        );
    }
    let out = env
        .plugin()
        .env("KUBECTL_PATH", &kubectl)
        .args(["--explain", "--json", "fix the deployment app in debug"])
        .output()
        .unwrap();
    assert_success(&out);
    let report = json_stdout(&out);
    assert_eq!(report["source"], json!({"kind": "diagnose"}));
    assert_eq!(report["status"], "explained");
    assert_eq!(report["namespace"], "debug");
    assert_eq!(report["fix"], true);
    assert_eq!(report["target"], "deployment/app");
    assert_eq!(logged_calls(&log), Vec::<String>::new());
}

#[test]
fn a_bad_namespace_in_a_health_question_is_refused() {
    let env = TestEnv::healthy();
    let (kubectl, log) = env.logging_kubectl();
    let out = env
        .plugin()
        .env("KUBECTL_PATH", &kubectl)
        .args(["--offline", "what is broken in namespace Bad_NS"])
        .output()
        .unwrap();
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("Bad_NS"), "{}", stderr(&out));
    assert_eq!(logged_calls(&log), Vec::<String>::new());
}

#[test]
fn a_health_question_about_a_bad_name_is_refused_not_widened() {
    let env = TestEnv::healthy();
    let out = env
        .plugin()
        .args(["--offline", "why is the deployment Web_1 failing"])
        .output()
        .unwrap();
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("Web_1"), "{}", stderr(&out));
}
