//! Operations that hand the terminal to kubectl, through the real binary:
//! port-forward, `logs -f` and exec.
//!
//! The sandbox serves logs (so `logs -f` runs the real kubectl) but no exec or
//! port-forward streams, so for those a kubectl shim stands in: it records its
//! argv (one `<word>` each), whether its stdin and stdout are the terminal, and
//! its pid, then behaves like kubectl would (prints, waits for Ctrl-C, exits
//! with a given status); every other call goes to the real kubectl. The plugin
//! runs under a pseudo-terminal (tests/terminal_support) where a person would be.
//! Attacks: consent declined ("n", "not yet"), `--dry-run`, `--json` without
//! `--yes`, no terminal, SIGTERM while kubectl runs, hostile values.

mod common;
mod model_support;
mod terminal_support;

use std::path::{Path, PathBuf};

use common::*;
use kube_sandbox::model::{FakeModel, Reply};
use model_support::{op, plan_answer};
use serde_json::json;
use terminal_support::Terminal;

/// A kubectl that records exec and port-forward calls in `calls.log` and plays
/// them: exec prints a line and exits `exec_status`; port-forward prints what
/// kubectl prints and waits until Ctrl-C (then ends by itself, after a moment)
/// or SIGTERM.
fn shim(env: &TestEnv, exec_status: i32) -> (PathBuf, PathBuf) {
    let log = env.home().join("calls.log");
    std::fs::write(&log, "").unwrap();
    let prelude = format!(
        r#"LOG='{log}'
case "$1" in exec|port-forward)
  IN=; OUT=; [ -t 0 ] && IN=STDIN-TTY; [ -t 1 ] && OUT=STDOUT-TTY
  {{ printf 'ARGV'; for a in "$@"; do printf ' <%s>' "$a"; done; echo
     echo "$IN $OUT"; echo "PID $$ $PPID"; }} >> "$LOG"
  if [ "$1" = port-forward ]; then
    trap 'kill $! 2>/dev/null; sleep 0.3; echo SHIM-ENDED-ON-INT; exit 0' INT
    trap 'kill $! 2>/dev/null; echo GOT-TERM >> "$LOG"; exit 143' TERM
    sleep 30 &
    echo "Forwarding from 127.0.0.1:8080 -> 80"
    wait
    exit 0
  fi
  echo "ran in the container"
  exit {exec_status};;
esac"#,
        log = log.display()
    );
    (env.kubectl_shim("kubectl", &prelude), log)
}

fn calls(log: &Path) -> String {
    std::fs::read_to_string(log).unwrap()
}

fn pids(log: &Path) -> (i32, i32) {
    let text = calls(log);
    let line = text
        .lines()
        .find(|l| l.starts_with("PID "))
        .unwrap_or_else(|| panic!("no PID line in {text}"));
    let mut parts = line.split_whitespace().skip(1);
    let mut next = || parts.next().unwrap().parse::<i32>().unwrap();
    (next(), next())
}

fn alive(pid: i32) -> bool {
    std::process::Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap()
        .success()
}

fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "{what} did not happen"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

const POD: &str = "web-hm5f82vrf7-dnzpk";

#[test]
fn exec_runs_only_after_yes_with_the_terminal_and_its_argv_as_given() {
    let env = TestEnv::healthy();
    let (kubectl, log) = shim(&env, 7);
    // A model or a plan file may hand any words: they stay words, after `--`.
    let hostile = [
        "sh",
        "-c",
        "echo pwned > /tmp/x; ls | wc",
        "$(reboot)",
        "-n",
        "kube-system",
    ];
    let path = env.plan_file(&json!({"operations": [
        {"op": "exec", "name": POD, "command": hostile}
    ]}));
    let args = ["--plan", path.to_str().unwrap()];
    for answer in ["n", "not yet", ""] {
        let mut terminal = Terminal::start(&env, &args, &[("KUBECTL_PATH", &kubectl)]);
        terminal.wait_for("Apply run", 1);
        terminal.type_keys(&format!("{answer}\n"));
        let (code, screen) = terminal.finish();
        assert_eq!(code, 3, "{answer:?}: {screen}");
        assert!(screen.contains("kubectl cannot preview"), "{screen}");
        assert_eq!(calls(&log), "", "{answer:?} ran it");
    }
    let mut terminal = Terminal::start(&env, &args, &[("KUBECTL_PATH", &kubectl)]);
    terminal.wait_for("Apply run", 1);
    terminal.type_keys("y\n");
    let (code, screen) = terminal.finish();
    // kubectl's exit status is the plugin's, with one line saying what failed.
    assert_eq!(code, 7, "{screen}");
    assert!(screen.contains("ran in the container"), "{screen}");
    assert!(
        screen.contains("exited with exit status 7") && !screen.contains("panicked"),
        "{screen}"
    );
    let recorded = calls(&log);
    assert!(
        recorded.contains(&format!(
            "ARGV <exec> <{POD}> <--context> <sandbox> <--cluster> <sandbox> <--user> <sandbox> \
             <--> <sh> <-c> <echo pwned > /tmp/x; ls | wc> <$(reboot)> <-n> <kube-system>"
        )),
        "{recorded}"
    );
    assert!(
        recorded.contains("STDIN-TTY") && recorded.contains("STDOUT-TTY"),
        "{recorded}"
    );
    assert_eq!(env.writes(), Vec::<String>::new());
}

#[test]
fn exec_is_never_run_by_a_dry_run_or_without_consent() {
    let env = TestEnv::healthy();
    let (kubectl, log) = shim(&env, 0);
    let run = |args: &[&str]| {
        env.plugin()
            .env("KUBECTL_PATH", &kubectl)
            .arg("--offline")
            .args(args)
            .output()
            .unwrap()
    };
    let sentence = format!("run ls / in pod {POD}");
    let out = run(&["--dry-run", &sentence]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("kubectl cannot preview"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains(&format!("kubectl exec {POD} -- ls /")));
    // Forwarded flags are shown (and sent) before `--`, never as the command's words.
    let out = run(&["--dry-run", "-n", "default", &sentence]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains(&format!("kubectl exec {POD} -n default -- ls /")),
        "{}",
        stdout(&out)
    );
    // --json and no --yes, no terminal: declined, nothing run, one document.
    let out = run(&["--json", &sentence]);
    assert_exit(&out, 3);
    assert_eq!(json_stdout(&out)["status"], "declined");
    assert_eq!(calls(&log), "");
    // A pod that does not exist: refused at the preview, with close names.
    let out = run(&["--yes", "run ls / in pod web-hm5f82vrf7-dnzpx"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("did you mean"), "{}", stderr(&out));
    assert_eq!(calls(&log), "");
    // --yes --json: a command that needs no terminal runs, its output in the report.
    let out = run(&["--yes", "--json", &sentence]);
    assert_exit(&out, 0);
    let report = json_stdout(&out);
    assert_eq!(statuses(&report), ["applied"]);
    assert_eq!(
        report["operations"][0]["stdout"], "ran in the container\n",
        "{report:#}"
    );
    assert!(calls(&log).contains("ARGV <exec>"));
}

#[test]
fn what_needs_a_terminal_is_refused_without_one_or_with_json() {
    let env = TestEnv::healthy();
    let (kubectl, log) = shim(&env, 0);
    for (sentence, flags) in [
        ("forward port 8080 to web", &[][..]),
        ("open a shell in api", &["--yes"][..]),
        ("follow the logs of api", &[][..]),
        ("forward port 8080 to web", &["--json"][..]),
        ("exec -it api -- sh", &["--json", "--yes"][..]),
    ] {
        let out = env
            .plugin()
            .env("KUBECTL_PATH", &kubectl)
            .arg("--offline")
            .args(flags)
            .arg(sentence)
            .output()
            .unwrap();
        assert_exit(&out, 2);
        assert!(
            stderr(&out).contains("needs one"),
            "{sentence}: {}",
            stderr(&out)
        );
        if flags.contains(&"--json") {
            assert_eq!(json_stdout(&out)["exit_code"], 2);
        }
    }
    assert_eq!(calls(&log), "");
}

#[test]
fn port_forward_holds_the_terminal_until_ctrl_c_ends_kubectl() {
    let env = TestEnv::healthy();
    let (kubectl, log) = shim(&env, 0);
    let mut terminal = Terminal::start(
        &env,
        &["--offline", "forward port 8080 to web"],
        &[("KUBECTL_PATH", &kubectl)],
    );
    terminal.wait_for("Forwarding from", 1);
    // web is a service and a deployment: the service is forwarded to, on loopback.
    assert!(
        calls(&log).contains("ARGV <port-forward> <service/web> <8080>"),
        "{}",
        calls(&log)
    );
    assert!(calls(&log).contains("STDIN-TTY") && calls(&log).contains("STDOUT-TTY"));
    terminal.type_keys("\x03");
    let (code, screen) = terminal.finish();
    // kubectl ended by itself after the Ctrl-C, and its status (0) is the plugin's:
    // the plugin waited for it, and did not die first or print a backtrace.
    assert!(screen.contains("SHIM-ENDED-ON-INT"), "{screen}");
    assert_eq!(code, 0, "{screen}");
    assert!(
        !screen.contains("panicked") && !screen.contains("error"),
        "{screen}"
    );
}

#[test]
fn sigterm_to_the_plugin_stops_the_kubectl_holding_the_terminal() {
    let env = TestEnv::healthy();
    let (kubectl, log) = shim(&env, 0);
    let path = env.plan_file(&json!({"operations": [
        {"op": "port_forward", "kind": "pod", "name": POD, "local_port": 8080, "remote_port": 80}
    ]}));
    let terminal = Terminal::start(
        &env,
        &["--plan", path.to_str().unwrap()],
        &[("KUBECTL_PATH", &kubectl)],
    );
    terminal.wait_for("Forwarding from", 1);
    let (kubectl_pid, plugin_pid) = pids(&log);
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &plugin_pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let (code, screen) = terminal.finish();
    assert_eq!(code, 143, "{screen}");
    assert!(calls(&log).contains("GOT-TERM"), "{}", calls(&log));
    assert!(screen.contains("stopped by SIGTERM"), "{screen}");
    wait_until("kubectl ending", || !alive(kubectl_pid));
}

#[test]
fn logs_follow_runs_the_real_kubectl_with_the_terminal() {
    let env = TestEnv::healthy();
    let terminal = Terminal::start(&env, &["--offline", "follow the logs of api"], &[]);
    let (code, screen) = terminal.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("/v1/products"), "{screen}");
}

#[test]
fn hostile_values_are_refused_naming_them() {
    let env = TestEnv::healthy();
    let (kubectl, log) = shim(&env, 0);
    for (op, needle) in [
        (
            json!({"op": "port_forward", "name": "web", "local_port": 0}),
            "local port 0",
        ),
        (
            json!({"op": "port_forward", "name": "web", "local_port": 8080, "remote_port": 70000}),
            "remote port 70000",
        ),
        (
            json!({"op": "exec", "name": "api/../x", "command": ["ls"]}),
            "api/../x",
        ),
        (
            json!({"op": "exec", "name": "api", "command": ["--help"]}),
            "--help",
        ),
        (
            json!({"op": "exec", "name": "api", "command": []}),
            "needs a command",
        ),
        (
            json!({"op": "port_forward", "name": "web", "local_port": 8080, "address": "0.0.0.0"}),
            "address",
        ),
    ] {
        let out = env
            .plugin()
            .env("KUBECTL_PATH", &kubectl)
            .arg("--plan")
            .arg(env.plan_file(&json!({"operations": [op]})))
            .arg("--yes")
            .output()
            .unwrap();
        assert_exit(&out, 2);
        assert!(stderr(&out).contains(needle), "{needle}: {}", stderr(&out));
    }
    // After a port-forward nothing can run: it holds the terminal until ended.
    let out = env.run_plan(
        &json!({"operations": [
            {"op": "port_forward", "name": "web", "local_port": 8080},
            {"op": "scale", "name": "web", "replicas": {"to": 3}}
        ]}),
        &["--yes"],
    );
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("put it last"), "{}", stderr(&out));
    assert_eq!(calls(&log), "");
    assert_eq!(env.writes(), Vec::<String>::new());
}

#[test]
fn an_exec_is_journaled_as_run_and_undo_refuses_it() {
    let env = TestEnv::healthy();
    let (kubectl, _log) = shim(&env, 0);
    let journal = env.home().join("journal.jsonl");
    let out = env
        .plugin()
        .env("KUBECTL_PATH", &kubectl)
        .env("KUBECTL_AI_JOURNAL", &journal)
        .args(["--offline", "--yes", "exec api -- touch /tmp/marker"])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let out = env
        .plugin()
        .env("KUBECTL_AI_JOURNAL", &journal)
        .arg("undo")
        .output()
        .unwrap();
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("ran a command inside a container"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_hostile_model_answer_is_argv_or_refused() {
    let env = TestEnv::healthy();
    let (kubectl, log) = shim(&env, 0);
    let fake = FakeModel::start().expect("fake model");
    // `times`: an invalid plan gets one repair request, answered the same way.
    // The sentence names the pod: a model's plan may only act on named objects.
    let sentence = format!("clean up the temp files of pod {POD} please");
    let ask = |answer: String, times: usize| {
        for _ in 0..times {
            fake.push(Reply::Content(answer.clone()));
        }
        env.with_model_at(&fake.base_url())
            .env("KUBECTL_PATH", &kubectl)
            .args(["--yes", "--json", sentence.as_str()])
            .output()
            .unwrap()
    };
    // Shell metacharacters are words of the command, passed after `--`.
    let out = ask(
        plan_answer(vec![op(
            "exec",
            json!({"name": POD, "command": ["rm", "-rf", "/tmp/*; reboot", "`id`"]}),
        )]),
        1,
    );
    assert_exit(&out, 0);
    assert!(
        calls(&log).contains("<--> <rm> <-rf> </tmp/*; reboot> <`id`>"),
        "{}",
        calls(&log)
    );
    for (answer, needle) in [
        (
            op("port_forward", json!({"name": "web", "local_port": 0})),
            "local port 0",
        ),
        (
            op(
                "port_forward",
                json!({"name": "web", "local_port": 8080, "remote_port": 70000}),
            ),
            "remote port 70000",
        ),
        (
            op("exec", json!({"name": "web/../x", "command": ["ls"]})),
            "web/../x",
        ),
    ] {
        let out = ask(plan_answer(vec![answer]), 2);
        assert_ne!(out.status.code(), Some(0), "{needle}: {}", stdout(&out));
        assert!(stdout(&out).contains(needle), "{needle}: {}", stdout(&out));
    }
    assert_eq!(calls(&log).matches("ARGV").count(), 1);
}
