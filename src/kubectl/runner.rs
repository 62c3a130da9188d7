//! TEMPORARY stand-in for the kubectl runner (replaced by the skeleton's runner at merge).
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context;
use tokio::io::AsyncWriteExt;

#[derive(Debug, Clone)]
pub struct Captured {
    pub status: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

#[derive(Debug, Clone)]
pub struct Kubectl {
    pub path: PathBuf,
    pub global_args: Vec<String>,
    pub timeout: Duration,
}

impl Kubectl {
    pub async fn run(&self, args: &[String], stdin: Option<Vec<u8>>) -> anyhow::Result<Captured> {
        let mut cmd = tokio::process::Command::new(&self.path);
        cmd.args(&self.global_args).args(args);
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        cmd.stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        tracing::debug!(?args, "kubectl");
        let mut child = cmd.spawn().context("running kubectl")?;
        if let Some(bytes) = stdin {
            let mut pipe = child.stdin.take().context("kubectl stdin")?;
            pipe.write_all(&bytes).await?;
            drop(pipe);
        }
        let out = tokio::time::timeout(self.timeout, child.wait_with_output())
            .await
            .context("kubectl timed out")??;
        Ok(Captured {
            status: out.status.code().unwrap_or(1),
            stdout: out.stdout,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
    }

    pub async fn run_checked(
        &self,
        args: &[String],
        stdin: Option<Vec<u8>>,
    ) -> anyhow::Result<Captured> {
        let c = self.run(args, stdin).await?;
        if c.status != 0 {
            anyhow::bail!(
                "kubectl {} failed (exit {}): {}",
                args.join(" "),
                c.status,
                c.stderr.trim()
            );
        }
        Ok(c)
    }

    pub async fn stream(&self, args: &[String]) -> anyhow::Result<i32> {
        let status = tokio::process::Command::new(&self.path)
            .args(&self.global_args)
            .args(args)
            .stdin(Stdio::null())
            .status()
            .await?;
        Ok(status.code().unwrap_or(1))
    }
}

/// TEMPORARY: shell-quoted display of a kubectl command.
pub fn display_command(args: &[String]) -> String {
    let mut s = String::from("kubectl");
    for a in args {
        s.push(' ');
        if !a.is_empty()
            && a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c))
        {
            s.push_str(a);
        } else {
            s.push('\'');
            s.push_str(&a.replace('\'', "'\\''"));
            s.push('\'');
        }
    }
    s
}
