//! The real kubectl behind diagnose's [`Reader`]: one adapter, so collection is
//! tested with canned output and runs with the shared runner (which forwards
//! `--context`/`--kubeconfig`, applies timeouts and never uses a shell).

use anyhow::Result;

use super::collect::Reader;
use crate::kubectl::Kubectl;

impl Reader for Kubectl {
    async fn read(&self, args: &[String]) -> Result<Vec<u8>> {
        Ok(self.run_checked(args, None).await?.stdout)
    }
}
