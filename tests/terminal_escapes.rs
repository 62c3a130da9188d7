//! Text from outside never drives the terminal: a kubeconfig context whose name
//! carries escape sequences (a window-title OSC and a color CSI) is named in the
//! consent question, the report, the did-you-mean choice and `--explain`
//! without a single ESC byte reaching the screen. The plugin runs under a
//! pseudo-terminal (util-linux `script`), as a person would see it.

mod common;
mod terminal_support;

use std::path::PathBuf;

use common::TestEnv;
use serde_json::json;
use terminal_support::Terminal;

/// The context's name as the kubeconfig spells it (YAML escapes), and as shown.
const HOSTILE_YAML: &str = "\"evil\\e]0;pwned\\actx\\e[31m\"";
const SHOWN: &str = "evilctx";

/// A copy of the sandbox's kubeconfig whose current context has the hostile name.
fn hostile_kubeconfig(env: &TestEnv) -> PathBuf {
    let text = std::fs::read_to_string(env.cluster.kubeconfig()).unwrap();
    let text = text
        .replacen(
            "- name: sandbox\n  context:",
            &format!("- name: {HOSTILE_YAML}\n  context:"),
            1,
        )
        .replace(
            "current-context: sandbox",
            &format!("current-context: {HOSTILE_YAML}"),
        );
    assert!(text.contains("\\e]0;pwned"), "{text}");
    let path = env.home().join("hostile-kubeconfig");
    std::fs::write(&path, text).unwrap();
    path
}

fn assert_no_escape(what: &str, screen: &str) {
    assert!(
        !screen.contains('\u{1b}') && !screen.contains('\u{7}') && !screen.contains("pwned"),
        "{what}: an escape sequence reached the terminal:\n{screen:?}"
    );
}

#[test]
fn the_consent_question_names_a_hostile_context_without_its_escapes() {
    let env = TestEnv::healthy();
    let kubeconfig = hostile_kubeconfig(&env);
    let plan = env.plan_file(&json!({"operations": [
        {"op": "scale", "name": "web", "replicas": {"to": 3}}
    ]}));
    let mut terminal = Terminal::start(
        &env,
        &["--plan", plan.to_str().unwrap()],
        &[("KUBECONFIG", kubeconfig.as_path())],
    );
    terminal.wait_for("[y/N] ", 1);
    let question = terminal.screen();
    assert!(
        question.contains(&format!("to context {SHOWN} (namespace default)? [y/N] ")),
        "{question}"
    );
    assert_no_escape("the question", &question);
    terminal.type_keys("y\n");
    let (code, screen) = terminal.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("applied: scale deployment/web"), "{screen}");
    assert_no_escape("the report", &screen);
    assert_eq!(env.replicas("default", "web"), 3);
}

#[test]
fn several_changes_the_choice_and_explain_show_no_escapes_either() {
    let env = TestEnv::healthy();
    let kubeconfig = hostile_kubeconfig(&env);

    // Several changes: the recap above the question names the context.
    let plan = env.plan_file(&json!({"operations": [
        {"op": "scale", "name": "web", "replicas": {"to": 3}},
        {"op": "scale", "name": "api", "replicas": {"to": 3}},
    ]}));
    let mut terminal = Terminal::start(
        &env,
        &["--plan", plan.to_str().unwrap()],
        &[("KUBECONFIG", kubeconfig.as_path())],
    );
    terminal.wait_for("[y/N] ", 1);
    terminal.type_keys("n\n");
    let (code, screen) = terminal.finish();
    assert_eq!(code, 3, "{screen}");
    assert!(screen.contains(&format!("to context {SHOWN}")), "{screen}");
    assert_no_escape("the recap", &screen);

    // The did-you-mean choice, then the question for the corrected target.
    let plan = env.plan_file(&json!({"operations": [
        {"op": "scale", "name": "wbe", "replicas": {"to": 4}}
    ]}));
    let mut terminal = Terminal::start(
        &env,
        &["--plan", plan.to_str().unwrap()],
        &[("KUBECONFIG", kubeconfig.as_path())],
    );
    terminal.wait_for("press Enter to cancel: ", 1);
    terminal.type_keys("1\n");
    terminal.wait_for("[y/N] ", 1);
    terminal.type_keys("n\n");
    let (code, screen) = terminal.finish();
    assert_eq!(code, 3, "{screen}");
    assert!(screen.contains("1) web"), "{screen}");
    assert_no_escape("the choice", &screen);

    // --explain names the context it would use.
    let terminal = Terminal::start(
        &env,
        &["--offline", "--explain", "scale web to 5"],
        &[("KUBECONFIG", kubeconfig.as_path())],
    );
    let (code, screen) = terminal.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains(&format!("In context {SHOWN}")), "{screen}");
    assert_no_escape("--explain", &screen);
    assert_eq!(env.replicas("default", "web"), 2);
}

#[test]
fn a_health_question_naming_an_object_with_escapes_is_refused_not_echoed() {
    let env = TestEnv::healthy();
    for flags in [vec!["--explain"], vec![]] {
        let out = env
            .plugin()
            .args(["--offline", "why is deployment we\u{1b}[31mb broken"])
            .args(&flags)
            .output()
            .unwrap();
        let (stdout, stderr) = (common::stdout(&out), common::stderr(&out));
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {stdout}{stderr}");
        assert!(stderr.contains("control characters"), "{flags:?}: {stderr}");
        assert_no_escape("stdout", &stdout);
        assert_no_escape("stderr", &stderr);
    }
}
