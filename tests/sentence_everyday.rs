//! Everyday requests of issue 13 through the real binary against the sandbox,
//! with no model: each is understood offline, previewed, applied with `--yes`,
//! and leaves the cluster in the state it asked for (or reads what it asked).
//! Also: kubectl options typed among the words, prose with backticks and `;`
//! never refused as shell syntax, and the benchmark prompts diagnose misread.

mod common;

use common::*;

fn run(env: &TestEnv, args: &[&str]) -> std::process::Output {
    env.plugin()
        .arg("--offline")
        .args(args)
        .output()
        .expect("plugin runs")
}

fn applied(env: &TestEnv, sentence: &str) {
    let out = run(env, &["--yes", sentence]);
    assert_exit(&out, 0);
}

fn deployment(env: &TestEnv, name: &str) -> serde_json::Value {
    env.live(&["deployment", name, "-n", "default"])
        .unwrap_or_else(|| panic!("deployment {name}"))
}

#[test]
fn relative_and_doubled_replicas() {
    let env = TestEnv::healthy();
    assert_eq!(env.replicas("default", "web"), 2);
    applied(&env, "give web 2 more replicas");
    assert_eq!(env.replicas("default", "web"), 4);
    applied(&env, "double the replicas of web");
    assert_eq!(env.replicas("default", "web"), 8);
}

#[test]
fn two_requests_in_one_sentence() {
    let env = TestEnv::healthy();
    applied(&env, "scale web to 3 and restart api");
    assert_eq!(env.replicas("default", "web"), 3);
    let api = deployment(&env, "api");
    assert!(
        api["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"]
            .is_string(),
        "{api:#}"
    );
}

#[test]
fn pause_and_resume_a_rollout_and_annotate() {
    let env = TestEnv::healthy();
    applied(&env, "pause the rollout of web");
    assert_eq!(deployment(&env, "web")["spec"]["paused"], true);
    applied(&env, "resume web");
    assert_eq!(deployment(&env, "web")["spec"]["paused"], false);
    applied(&env, "annotate deployment web with owner=me");
    assert_eq!(
        deployment(&env, "web")["metadata"]["annotations"]["owner"],
        "me"
    );
}

#[test]
fn run_a_pod_named_after_its_image() {
    let env = TestEnv::healthy();
    applied(&env, "run nginx");
    let pod = env
        .live(&["pod", "nginx", "-n", "default"])
        .expect("pod nginx");
    assert_eq!(pod["spec"]["containers"][0]["image"], "nginx");
    applied(&env, "run a busybox pod");
    assert!(env.live(&["pod", "busybox", "-n", "default"]).is_some());
}

#[test]
fn state_questions_answered_by_one_read() {
    let env = TestEnv::healthy();
    let out = run(&env, &["how many replicas does web have"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("DESIRED") && text.contains("web"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().eq(["web", "2", "2"])),
        "{text}"
    );
    let out = run(&env, &["what image is web running"]);
    assert_exit(&out, 0);
    assert!(stdout(&out).contains("nginx:1.25"), "{}", stdout(&out));
    let out = run(&env, &["which node is pod web-hm5f82vrf7-dnzpk on"]);
    assert_exit(&out, 0);
    assert!(stdout(&out).contains("worker-1"), "{}", stdout(&out));
    let out = run(&env, &["is web rolled out"]);
    assert_exit(&out, 0);
    assert!(stdout(&out).contains("rolled out"), "{}", stdout(&out));
    assert_eq!(env.writes(), Vec::<String>::new());
}

#[test]
fn kubectl_options_among_the_words() {
    let env = TestEnv::healthy();
    // Unquoted, as a kubectl user types them: -o wide and -l are sentence words.
    let out = run(&env, &["get", "pods", "-o", "wide", "-l", "app=web"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("NODE") && text.contains("worker-2"), "{text}");
    let out = run(&env, &["logs", "web-hm5f82vrf7-dnzpk", "--tail", "1"]);
    assert_exit(&out, 0);
    assert_eq!(stdout(&out).lines().count(), 1, "{}", stdout(&out));
    // An option no kubectl has is refused, named; nothing runs.
    let out = run(&env, &["get", "pods", "--frobnicate"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("--frobnicate"), "{}", stderr(&out));
    assert_eq!(env.writes(), Vec::<String>::new());
}

#[test]
fn prose_is_not_refused_as_shell_syntax() {
    let env = TestEnv::healthy();
    applied(&env, "restart the `web` deployment");
    assert!(
        deployment(&env, "web")["spec"]["template"]["metadata"]["annotations"]
            ["kubectl.kubernetes.io/restartedAt"]
            .is_string()
    );
    // Prose the rules cannot place goes to the model: offline, it says so.
    let out = run(&env, &["describe the service `web`; it has no endpoints"]);
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("needs a model"), "{err}");
    assert!(!err.contains("shell"), "{err}");
}

#[test]
fn benchmark_prompts_reach_diagnose_with_the_scope_they_name() {
    let env = TestEnv::healthy();
    for (prompt, command) in [
        (
            "Please fix the error in the deployment named 'app' in namespace 'crashloop-test'",
            "kubectl ai diagnose --target deployment/app --namespace crashloop-test --fix",
        ),
        (
            "Why can't I list pods with my pod-reader service account in simple-rbac-setup \
             namespace? Please fix it.",
            "kubectl ai diagnose --namespace simple-rbac-setup --fix",
        ),
        (
            "I have a web application running in the 'webapp-backend' namespace that keeps \
             crashing. Please fix it.",
            "kubectl ai diagnose --namespace webapp-backend --fix",
        ),
        ("why is my pod pending", "kubectl ai diagnose"),
    ] {
        let out = run(&env, &["--explain", prompt]);
        assert_exit(&out, 0);
        let text = stdout(&out);
        assert!(
            text.lines().any(|l| l.trim() == command),
            "{prompt:?}\nwant {command}\n{text}"
        );
    }
}

#[test]
fn pods_on_a_node_and_the_crashed_container() {
    let env = TestEnv::healthy();
    let out = run(&env, &["--explain", "show me pods on worker-1"]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("--field-selector spec.nodeName=worker-1"),
        "{}",
        stdout(&out)
    );
    let out = run(&env, &["show me pods on worker-1"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains("web-hm5f82vrf7-dnzpk") && !text.contains("web-hm5f82vrf7-snhnq"),
        "{text}"
    );
    let out = run(
        &env,
        &[
            "--explain",
            "show me the logs of the crashed container in pod api-5c4",
        ],
    );
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("kubectl logs api-5c4 --previous"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn restart_and_scale_everything_in_a_namespace() {
    let env = TestEnv::healthy();
    applied(&env, "restart everything in shop");
    for name in ["web", "api"] {
        let d = env.live(&["deployment", name, "-n", "shop"]).unwrap();
        assert!(
            d["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"]
                .is_string(),
            "{name}: {d:#}"
        );
    }
    // The default namespace's deployments are untouched.
    assert!(
        deployment(&env, "web")["spec"]["template"]["metadata"]["annotations"]
            ["kubectl.kubernetes.io/restartedAt"]
            .is_null()
    );
    applied(&env, "scale all deployments in shop to 0");
    assert_eq!(env.replicas("shop", "web"), 0);
    assert_eq!(env.replicas("shop", "api"), 0);
    assert_eq!(env.replicas("default", "web"), 2);
}

#[test]
fn delete_the_failed_pods() {
    let env = TestEnv::with(&["healthy", "job"]);
    let out = run(
        &env,
        &["--yes", "--json", "-n", "job", "delete the failed pods"],
    );
    assert_exit(&out, 0);
    let report = json_stdout(&out);
    assert_eq!(
        report["operations"].as_array().unwrap().len(),
        6,
        "{report:#}"
    );
    let left = env.live(&["pods", "-n", "job"]).unwrap();
    assert_eq!(left["items"].as_array().unwrap().len(), 0, "{left:#}");
    // None left: said, nothing run.
    let out = run(&env, &["--yes", "-n", "job", "delete the failed pods"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("no pods in phase Failed"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn logs_of_a_workload_named_without_its_kind() {
    let env = TestEnv::healthy();
    let out = run(&env, &["show logs of web in shop"]);
    assert_exit(&out, 0);
    // `kubectl logs web` would fail: web is a deployment, read through its pod.
    assert!(!stdout(&out).is_empty(), "{}", stderr(&out));
    let out = run(&env, &["--json", "--dry-run", "show logs of web in shop"]);
    let report = json_stdout(&out);
    let command = report["operations"][0]["equivalent_command"].to_string();
    assert!(command.contains("logs deployment/web"), "{report:#}");
}

#[test]
fn annotate_an_object_named_without_its_kind() {
    let env = TestEnv::healthy();
    applied(&env, "annotate api-config with owner=me");
    let cm = env
        .live(&["configmap", "api-config", "-n", "default"])
        .unwrap();
    assert_eq!(cm["metadata"]["annotations"]["owner"], "me");
    // web is a deployment and a service: which one is not guessed.
    let out = run(&env, &["--yes", "annotate web with owner=me"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("needs a model"), "{}", stderr(&out));
    assert!(deployment(&env, "web")["metadata"]["annotations"]["owner"].is_null());
}

#[test]
fn update_to_a_version_keeps_the_live_repository() {
    let env = TestEnv::healthy();
    applied(&env, "update web to nginx 1.27");
    let web = deployment(&env, "web");
    assert_eq!(
        web["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:1.27",
        "{web:#}"
    );
    applied(&env, "upgrade web to 1.28");
    assert_eq!(
        deployment(&env, "web")["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.28"
    );
    // A repository the deployment does not run is not guessed.
    let out = run(&env, &["--yes", "update web to redis 7.2"]);
    assert_exit(&out, 2);
    // --explain contacts nothing, and says which read it would need.
    let out = run(&env, &["--explain", "update web to nginx 1.29"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("get deployments web -o=json"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn where_am_i_questions_and_switching_namespace() {
    let env = TestEnv::healthy();
    let out = run(&env, &["which namespace am I in"]);
    assert_exit(&out, 0);
    assert_eq!(stdout(&out), "default\n");
    let out = run(&env, &["what version is the cluster"]);
    assert_exit(&out, 0);
    assert!(stdout(&out).contains("Server Version"), "{}", stdout(&out));
    let out = run(&env, &["what's running in shop"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains("deployment.apps/api") && text.contains("pod/web-t7gsxmgths-zn772"),
        "{text}"
    );
    // A kubeconfig change: previewed as the context's namespace, consented.
    let out = run(&env, &["switch to namespace shop"]);
    assert_exit(&out, 3);
    assert!(
        stdout(&out).contains("-namespace: default") && stdout(&out).contains("+namespace: shop"),
        "{}",
        stdout(&out)
    );
    applied(&env, "switch to namespace shop");
    let out = run(&env, &["which namespace am I in"]);
    assert_eq!(stdout(&out), "shop\n");
    // A namespace that does not exist is named, with the close ones.
    let out = run(&env, &["--yes", "switch to namespace shoop"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("did you mean shop"),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.writes(), Vec::<String>::new());
}
