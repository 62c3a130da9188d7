//! The test environment: a sandbox cluster, a scrubbed process environment and the built binary.
//!
//! Every integration test runs the real `kubectl-ai` binary with the real kubectl
//! against an in-process sandbox API server. Nothing reads the developer's cluster,
//! kubeconfig, cache or keys: HOME, KUBECONFIG and KUBECACHEDIR point into a temp
//! dir and OPENAI_* / AZURE_* are never passed on.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use kube_sandbox::Sandbox;
use serde_json::Value;

pub struct TestEnv {
    pub sandbox: Sandbox,
    pub home: tempfile::TempDir,
}

impl TestEnv {
    /// A sandbox loaded with the given scenarios.
    pub fn with(scenarios: &[&str]) -> TestEnv {
        let sandbox = Sandbox::start().expect("sandbox starts");
        for name in scenarios {
            let objects = kube_sandbox::scenario::load(name).expect("scenario loads");
            sandbox.seed(objects).expect("scenario seeds");
        }
        TestEnv {
            sandbox,
            home: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn healthy() -> TestEnv {
        TestEnv::with(&["healthy"])
    }

    /// The plugin, with a scrubbed environment pointing at the sandbox.
    pub fn plugin(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::cargo_bin("kubectl-ai").expect("binary built");
        self.scrub(&mut cmd);
        cmd
    }

    /// The real kubectl with the same environment.
    pub fn kubectl(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(kubectl_path());
        self.scrub(&mut cmd);
        cmd
    }

    fn scrub(&self, cmd: &mut assert_cmd::Command) {
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("KUBECONFIG", self.sandbox.kubeconfig())
            .env("KUBECACHEDIR", self.home.path().join(".kube-cache"))
            .env("KUBECTL_AI_CONFIG", self.home.path().join("no-config.toml"))
            .env("NO_COLOR", "1");
    }

    /// Writes a plan file and returns its path.
    pub fn plan_file(&self, plan: &Value) -> PathBuf {
        let path = self.home.path().join(format!("plan-{}.json", rand_suffix()));
        std::fs::write(&path, serde_json::to_vec_pretty(plan).unwrap()).unwrap();
        path
    }

    /// Runs a plan with the given extra flags and returns the process output.
    pub fn run_plan(&self, plan: &Value, flags: &[&str]) -> Output {
        let path = self.plan_file(plan);
        self.plugin()
            .arg("--plan")
            .arg(&path)
            .args(flags)
            .output()
            .expect("plugin runs")
    }

    /// `--plan FILE --yes --json`, asserting success; the parsed report.
    pub fn apply(&self, plan: &Value) -> Value {
        let out = self.run_plan(plan, &["--yes", "--json"]);
        assert_success(&out);
        json_stdout(&out)
    }

    /// The live object as kubectl sees it, or None when absent.
    pub fn live(&self, args: &[&str]) -> Option<Value> {
        let out = self.kubectl().arg("get").args(args).args(["-o", "json"]).output().unwrap();
        out.status.success().then(|| serde_json::from_slice(&out.stdout).unwrap())
    }

    pub fn kubeconfig(&self) -> &Path {
        self.sandbox.kubeconfig()
    }
}

pub fn kubectl_path() -> PathBuf {
    std::env::var_os("KUBECTL_PATH")
        .map(PathBuf::from)
        .or_else(|| which::which("kubectl").ok())
        .expect("kubectl must be installed for the integration tests")
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    COUNTER.fetch_add(1, Ordering::SeqCst)
}

pub fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn json_stdout(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
