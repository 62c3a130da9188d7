//! Shared helpers for the integration tests: run the built binary with a
//! scrubbed environment (invariant 8: never the developer's cluster or keys).

#![allow(dead_code)]

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// The built `kubectl-ai`.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kubectl-ai"))
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The real kubectl on PATH; tests that need it fail (never skip) without it.
pub fn real_kubectl() -> PathBuf {
    which::which("kubectl")
        .expect("kubectl must be installed on PATH for these tests (see .ci/run)")
}

/// Every versioned kubectl installed beside the real one (`kubectl.1.27`,
/// `kubectl.1.28`, … in the folder of `kubectl` on PATH, symlinks
/// followed), oldest first. Users run all of these; tests that need them
/// fail (never skip) when there are none, as the `.ci/run` machines have them.
pub fn kubectl_versions() -> Vec<PathBuf> {
    let on_path = real_kubectl();
    let mut dirs: Vec<PathBuf> = on_path
        .parent()
        .map(Path::to_path_buf)
        .into_iter()
        .collect();
    if let Some(dir) = std::fs::canonicalize(&on_path)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        && !dirs.contains(&dir)
    {
        dirs.push(dir);
    }
    let mut found: Vec<(u32, PathBuf)> = Vec::new();
    for dir in &dirs {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(minor) = name
                .strip_prefix("kubectl.1.")
                .and_then(|m| m.parse::<u32>().ok())
            else {
                continue;
            };
            if found.iter().all(|(m, _)| *m != minor) {
                found.push((minor, entry.path()));
            }
        }
    }
    found.sort();
    assert!(
        !found.is_empty(),
        "no kubectl.1.NN found beside {} (looked in {dirs:?}); the version tests need them (see .ci/run)",
        on_path.display()
    );
    found.into_iter().map(|(_, p)| p).collect()
}

/// A temporary HOME and kube cache, and a PATH to run with.
pub struct Sandbox {
    pub home: TempDir,
    pub path: OsString,
}

impl Sandbox {
    /// HOME and KUBECACHEDIR in a temp dir; PATH as the test runner has it.
    pub fn new() -> Sandbox {
        Sandbox {
            home: tempfile::tempdir().expect("temp HOME"),
            path: std::env::var_os("PATH").unwrap_or_default(),
        }
    }

    /// Like [`Sandbox::new`] with `dir` first on PATH (fake helper programs).
    pub fn with_path_first(dir: &Path) -> Sandbox {
        let mut sandbox = Sandbox::new();
        let mut paths = vec![dir.to_path_buf()];
        paths.extend(std::env::split_paths(&sandbox.path));
        sandbox.path = std::env::join_paths(paths).expect("join PATH");
        sandbox
    }

    /// A command for `program` with the scrubbed environment.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear()
            .env("PATH", &self.path)
            .env("HOME", self.home.path())
            .env("KUBECACHEDIR", self.home.path().join("cache"))
            .current_dir(self.home.path())
            .timeout(std::time::Duration::from_secs(60));
        cmd
    }

    /// `kubectl-ai` with the scrubbed environment.
    pub fn kubectl_ai(&self) -> Command {
        self.command(bin())
    }
}

/// Write an executable shell script `name` into `dir`.
pub fn write_script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write script");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    path
}

/// A sandbox cluster plus the scrubbed environment, for tests that drive the
/// plugin and the real kubectl against it.
pub struct TestEnv {
    pub cluster: kube_sandbox::Sandbox,
    pub env: Sandbox,
}

impl TestEnv {
    /// A sandbox cluster loaded with the given scenarios.
    pub fn with(scenarios: &[&str]) -> TestEnv {
        let cluster = kube_sandbox::Sandbox::start().expect("sandbox starts");
        for name in scenarios {
            let objects = kube_sandbox::scenario::load(name).expect("scenario loads");
            cluster.seed(objects).expect("scenario seeds");
        }
        TestEnv {
            cluster,
            env: Sandbox::new(),
        }
    }

    pub fn healthy() -> TestEnv {
        TestEnv::with(&["healthy"])
    }

    pub fn home(&self) -> &Path {
        self.env.home.path()
    }

    /// The plugin pointed at the sandbox cluster (no config file, no color).
    pub fn plugin(&self) -> Command {
        let mut cmd = self.env.kubectl_ai();
        cmd.env("KUBECONFIG", self.cluster.kubeconfig())
            .env("NO_COLOR", "1");
        cmd
    }

    /// The real kubectl pointed at the sandbox cluster.
    pub fn kubectl(&self) -> Command {
        let mut cmd = self.env.command(real_kubectl());
        cmd.env("KUBECONFIG", self.cluster.kubeconfig());
        cmd
    }

    /// The kubectl at `program` (one of [`kubectl_versions`], say) pointed
    /// at the sandbox cluster.
    pub fn kubectl_at(&self, program: &Path) -> Command {
        let mut cmd = self.env.command(program);
        cmd.env("KUBECONFIG", self.cluster.kubeconfig());
        cmd
    }

    /// Writes a plan file and returns its path.
    pub fn plan_file(&self, plan: &serde_json::Value) -> PathBuf {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let path = self.home().join(format!(
            "plan-{}.json",
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::write(&path, serde_json::to_vec_pretty(plan).unwrap()).unwrap();
        path
    }

    /// Runs a plan with the given extra flags.
    pub fn run_plan(&self, plan: &serde_json::Value, flags: &[&str]) -> std::process::Output {
        let path = self.plan_file(plan);
        self.plugin()
            .arg("--plan")
            .arg(&path)
            .args(flags)
            .output()
            .expect("plugin runs")
    }

    /// `--plan FILE --yes --json`, asserting success; the parsed report.
    pub fn apply(&self, plan: &serde_json::Value) -> serde_json::Value {
        let out = self.run_plan(plan, &["--yes", "--json"]);
        assert_success(&out);
        json_stdout(&out)
    }

    /// The live object (or list) as kubectl sees it, or None when absent.
    pub fn live(&self, args: &[&str]) -> Option<serde_json::Value> {
        let out = self
            .kubectl()
            .arg("get")
            .args(args)
            .args(["-o", "json"])
            .output()
            .unwrap();
        out.status
            .success()
            .then(|| serde_json::from_slice(&out.stdout).unwrap())
    }
}

pub fn assert_success(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn json_stdout(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Each operation's status in a `--json` report, in order.
pub fn statuses(report: &serde_json::Value) -> Vec<String> {
    report["operations"]
        .as_array()
        .expect("a report has operations")
        .iter()
        .map(|o| {
            o["status"]
                .as_str()
                .expect("every operation has a status")
                .to_string()
        })
        .collect()
}

pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Sentence tests: the plugin aimed at a fake model, kubectl calls logged, and
/// writes to the sandbox counted.
impl TestEnv {
    /// Writes `config.toml` in the temp HOME and returns its path.
    pub fn config_file(&self, text: &str) -> PathBuf {
        let path = self.home().join("config.toml");
        std::fs::write(&path, text).expect("write config.toml");
        path
    }

    /// The plugin aimed at `base_url` with a test key and a config file with fast
    /// retries (`retry_backoff_ms = 10`).
    pub fn with_model_at(&self, base_url: &str) -> Command {
        let config = self.config_file("retry_backoff_ms = 10\n");
        let mut cmd = self.plugin();
        cmd.env("OPENAI_BASE_URL", base_url)
            .env("OPENAI_API_KEY", "sk-test")
            .env("KUBECTL_AI_CONFIG", config);
        cmd
    }

    /// A kubectl that logs each invocation's arguments (one line each) to the
    /// returned file, then runs the real kubectl. Set it with `KUBECTL_PATH`.
    pub fn logging_kubectl(&self) -> (PathBuf, PathBuf) {
        let log = self.home().join("kubectl-calls.log");
        std::fs::write(&log, "").expect("log file");
        let script = self.kubectl_shim("kubectl", &format!("echo \"$*\" >> '{}'", log.display()));
        (script, log)
    }

    /// A kubectl (for `KUBECTL_PATH`) that runs the shell `prelude` (which sees the
    /// arguments as `$*`), then the real kubectl with the same arguments.
    pub fn kubectl_shim(&self, name: &str, prelude: &str) -> PathBuf {
        let dir = self.home().join("bin");
        std::fs::create_dir_all(&dir).expect("bin dir");
        write_script(
            &dir,
            name,
            &format!("{prelude}\nexec '{}' \"$@\"", real_kubectl().display()),
        )
    }

    /// Requests to the sandbox that could change something (not GET).
    pub fn writes(&self) -> Vec<String> {
        self.cluster
            .requests()
            .into_iter()
            .filter(|r| r.method != "GET")
            .map(|r| format!("{} {}?{}", r.method, r.path, r.query))
            .collect()
    }

    /// `.spec.replicas` of a deployment.
    pub fn replicas(&self, namespace: &str, name: &str) -> i64 {
        self.live(&["deployment", name, "-n", namespace])
            .and_then(|d| d["spec"]["replicas"].as_i64())
            .unwrap_or_else(|| panic!("deployment {namespace}/{name} has replicas"))
    }
}

/// The lines of a kubectl call log written by [`TestEnv::logging_kubectl`].
pub fn logged_calls(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .expect("read kubectl log")
        .lines()
        .map(str::to_string)
        .collect()
}

/// The exit code, with the output in the panic message when it differs.
pub fn assert_exit(out: &std::process::Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
