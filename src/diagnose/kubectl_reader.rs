//! The real kubectl behind diagnose's [`Reader`]: one adapter, so collection is
//! tested with canned output and runs with the shared runner (which forwards
//! `--context`/`--kubeconfig`, applies timeouts and never uses a shell).
//!
//! Enabled at merge time with `mod kubectl_reader;` in `diagnose/mod.rs`.

use anyhow::{Result, bail};

use super::collect::Reader;
use crate::kubectl::Kubectl;

impl Reader for Kubectl {
    async fn read(&self, args: &[String]) -> Result<Vec<u8>> {
        let captured = self.run_checked(args, None).await?;
        if captured.status != 0 {
            bail!(
                "kubectl {} failed (exit {}): {}",
                args.first().map(String::as_str).unwrap_or(""),
                captured.status,
                captured.stderr.trim()
            );
        }
        Ok(captured.stdout)
    }
}
