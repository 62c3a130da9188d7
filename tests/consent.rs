//! Consent at a real terminal: the plugin runs under a pseudo-terminal (util-linux
//! `script`, part of every Debian system) and a person's keystrokes are typed into it,
//! each answer only once its question is on the screen (keys typed earlier are
//! discarded, as they must be).

mod common;
mod terminal_support;

use common::{TestEnv, stderr};
use serde_json::json;
use std::time::Duration;
use terminal_support::Terminal;

/// The consent question's ending.
const QUESTION: &str = "[y/N] ";
/// The did-you-mean choice's ending.
const CHOICE: &str = "press Enter to cancel: ";

fn scale_web(to: i64) -> serde_json::Value {
    json!({"operations": [{"op": "scale", "name": "web", "replicas": {"to": to}}]})
}

fn web_replicas(env: &TestEnv) -> i64 {
    env.replicas("default", "web")
}

/// Runs `plan` at the terminal, typing `answer` and Enter once the question is shown.
fn answer_plan(env: &TestEnv, plan: &serde_json::Value, answer: &str) -> (i32, String) {
    let path = env.plan_file(plan);
    let mut terminal = Terminal::start(env, &["--plan", path.to_str().unwrap()], &[]);
    terminal.wait_for(QUESTION, 1);
    terminal.type_keys(&format!("{answer}\n"));
    terminal.finish()
}

#[test]
fn yes_at_the_prompt_applies() {
    let env = TestEnv::healthy();
    let (code, text) = answer_plan(&env, &scale_web(4), "y");
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains(
            "Apply scale deployment/web to 4 replicas to context sandbox (namespace default)?"
        ),
        "{text}"
    );
    assert!(
        text.contains("applied: scale deployment/web to 4 replicas"),
        "{text}"
    );
    assert_eq!(web_replicas(&env), 4);
}

#[test]
fn enter_at_the_prompt_means_no() {
    let env = TestEnv::healthy();
    let (code, text) = answer_plan(&env, &scale_web(4), "");
    assert_eq!(code, 3, "{text}");
    assert_eq!(web_replicas(&env), 2);
}

#[test]
fn no_at_the_prompt_is_a_decline_not_an_error() {
    let env = TestEnv::healthy();
    let (code, text) = answer_plan(&env, &scale_web(4), "n");
    assert_eq!(code, 3, "{text}");
    assert!(
        text.lines().any(|l| l == "Declined: nothing was changed."),
        "{text}"
    );
    assert!(!text.contains("error"), "{text}");
    assert_eq!(web_replicas(&env), 2);
}

/// Only `y` or `yes` (any case, spaces around ignored) then Enter applies;
/// every other answer declines (exit 3) and changes nothing.
#[test]
fn only_yes_applies_every_other_answer_declines() {
    let env = TestEnv::healthy();
    let answers = [
        ("y", true),
        ("Y", true),
        ("yes", true),
        ("YES", true),
        (" yes ", true),
        ("n", false),
        ("", false),
        ("not yet", false),
        ("maybe", false),
        ("any", false),
        ("yy", false),
        ("ye", false),
        ("no", false),
    ];
    for (index, (answer, applies)) in answers.into_iter().enumerate() {
        let before = web_replicas(&env);
        let wanted = 10 + index as i64;
        let (code, text) = answer_plan(&env, &scale_web(wanted), answer);
        if applies {
            assert_eq!(code, 0, "{answer:?} should apply:\n{text}");
            assert_eq!(web_replicas(&env), wanted, "{answer:?}:\n{text}");
        } else {
            assert_eq!(code, 3, "{answer:?} should decline:\n{text}");
            assert!(
                text.contains("Declined: nothing was changed."),
                "{answer:?}:\n{text}"
            );
            assert_eq!(
                web_replicas(&env),
                before,
                "{answer:?} changed web:\n{text}"
            );
        }
    }
}

#[test]
fn the_end_of_input_at_the_prompt_declines() {
    let env = TestEnv::healthy();
    let path = env.plan_file(&scale_web(4));
    let terminal = Terminal::start(&env, &["--plan", path.to_str().unwrap()], &[]);
    terminal.wait_for(QUESTION, 1);
    let (code, text) = terminal.finish();
    assert_eq!(code, 3, "{text}");
    assert_eq!(web_replicas(&env), 2);
}

/// "y" and Enter typed while the preview is still running (a slow server
/// dry run) answered no question: they are discarded, and the question still waits.
#[test]
fn keys_typed_before_the_question_are_discarded() {
    let env = TestEnv::healthy();
    let kubectl = env.kubectl_shim(
        "slow-kubectl",
        r#"case "$*" in *--dry-run=server*) sleep 1 ;; esac"#,
    );
    let path = env.plan_file(&scale_web(4));
    let mut terminal = Terminal::start(
        &env,
        &["--plan", path.to_str().unwrap()],
        &[("KUBECTL_PATH", &kubectl)],
    );
    terminal.type_keys("y\n");
    terminal.wait_for(QUESTION, 1);
    // Still asking: the early "y" did not answer it.
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        !terminal.screen().contains("applied"),
        "{}",
        terminal.screen()
    );
    terminal.type_keys("\n");
    let (code, text) = terminal.finish();
    assert_eq!(code, 3, "the early y was taken as the answer:\n{text}");
    assert_eq!(web_replicas(&env), 2, "{text}");
}

#[test]
fn ctrl_c_at_the_prompt_changes_nothing_and_reports_on_a_line_of_its_own() {
    let env = TestEnv::healthy();
    let path = env.plan_file(&scale_web(4));
    let mut terminal = Terminal::start(&env, &["--plan", path.to_str().unwrap()], &[]);
    terminal.wait_for(QUESTION, 1);
    terminal.type_keys("\x03");
    let (code, text) = terminal.finish();
    assert_eq!(code, 130, "{text}");
    assert_eq!(web_replicas(&env), 2);
    let question = text
        .lines()
        .find(|l| l.contains(QUESTION))
        .unwrap_or_else(|| panic!("no question:\n{text}"));
    assert!(
        !question.contains("not attempted"),
        "the report is on the question's line:\n{text}"
    );
    assert!(
        text.lines()
            .any(|l| l == "1. not attempted: scale deployment/web to 4 replicas"),
        "{text}"
    );
    // The terminal is back in line mode with echo: no cursor left hidden.
    assert!(
        text.rfind("\x1b[?25l") <= text.rfind("\x1b[?25h"),
        "the cursor is left hidden:\n{text:?}"
    );
}

#[test]
fn without_a_terminal_nothing_changes_and_the_advice_is_to_add_yes() {
    let env = TestEnv::healthy();
    let out = env.run_plan(&scale_web(4), &[]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("Declined: there is no terminal to ask for consent"),
        "{err}"
    );
    assert!(err.contains("add --yes"), "{err}");
    assert!(!err.contains("error"), "{err}");
    assert_eq!(web_replicas(&env), 2);
}

fn misspelt_scale() -> serde_json::Value {
    json!({"operations": [{"op": "scale", "name": "wbe", "replicas": {"to": 4}}]})
}

#[test]
fn a_misspelt_target_can_be_corrected_at_the_prompt() {
    let env = TestEnv::healthy();
    let path = env.plan_file(&misspelt_scale());
    let mut terminal = Terminal::start(&env, &["--plan", path.to_str().unwrap()], &[]);
    terminal.wait_for(CHOICE, 1);
    let choice = terminal.screen().replace('\r', "");
    assert!(
        choice.contains(
            "deployment wbe not found in the current namespace. Use one of these instead?\n  1) web\n"
        ),
        "{choice}"
    );
    assert!(!choice.contains("did you mean"), "{choice}");
    terminal.type_keys("1\n");
    terminal.wait_for(QUESTION, 1);
    terminal.type_keys("y\n");
    let (code, text) = terminal.finish();
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("applied: scale deployment/web to 4 replicas"),
        "{text}"
    );
    assert_eq!(web_replicas(&env), 4);
}

#[test]
fn cancelling_the_correction_changes_nothing_and_exits_2() {
    let env = TestEnv::healthy();
    let path = env.plan_file(&misspelt_scale());
    let mut terminal = Terminal::start(&env, &["--plan", path.to_str().unwrap()], &[]);
    terminal.wait_for(CHOICE, 1);
    // Enter cancels the choice.
    terminal.type_keys("\n");
    let (code, text) = terminal.finish();
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("deployment wbe not found"), "{text}");
    assert_eq!(web_replicas(&env), 2);
}

#[test]
fn ctrl_c_at_the_correction_is_an_interruption() {
    let env = TestEnv::healthy();
    let path = env.plan_file(&misspelt_scale());
    let mut terminal = Terminal::start(&env, &["--plan", path.to_str().unwrap()], &[]);
    terminal.wait_for(CHOICE, 1);
    terminal.type_keys("\x03");
    let (code, text) = terminal.finish();
    assert_eq!(code, 130, "{text}");
    assert!(
        text.lines()
            .any(|l| l == "interrupted: nothing was changed"),
        "{text}"
    );
    assert_eq!(web_replicas(&env), 2);
}

/// The memory limit of a deployment's first container.
fn memory_limit(env: &TestEnv, name: &str) -> String {
    let live = env
        .live(&["deployment", name, "-n", "oomkilled"])
        .expect("the deployment exists");
    live["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["memory"]
        .as_str()
        .expect("a memory limit")
        .to_string()
}

#[test]
fn diagnose_fix_says_once_what_was_applied_and_what_was_declined() {
    let env = TestEnv::with(&["oomkilled"]);
    let mut terminal = Terminal::start(
        &env,
        &["diagnose", "-n", "oomkilled", "--offline", "--fix"],
        &[],
    );
    terminal.wait_for(QUESTION, 1);
    terminal.type_keys("y\n");
    terminal.wait_for(QUESTION, 2);
    terminal.type_keys("n\n");
    let (code, text) = terminal.finish();
    assert_eq!(code, 3, "{text}");
    assert_eq!(memory_limit(&env, "report-builder"), "512Mi", "{text}");
    assert_eq!(memory_limit(&env, "cache-warmer"), "128Mi", "{text}");
    assert!(
        text.contains(
            "Applied 1 of 2 suggested fixes and declined 1 (raise the memory limit of container warmer in deployment/cache-warmer from 128Mi to 256Mi); run `kubectl ai diagnose -n oomkilled` again"
        ),
        "{text}"
    );
    assert!(!text.contains("nothing was changed"), "{text}");
    assert!(!text.contains("error"), "{text}");
}
