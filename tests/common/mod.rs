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
