//! `kube-sandbox --kubeconfig PATH [--scenario NAME]... [--port N]`: runs the
//! fake API server until killed, after printing exactly `ready <url>`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use kube_sandbox::{Sandbox, SandboxOptions};

fn main() -> anyhow::Result<()> {
    let mut kubeconfig = None;
    let mut scenarios = Vec::new();
    let mut port = 0u16;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| args.next().with_context(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--kubeconfig" => kubeconfig = Some(PathBuf::from(value("--kubeconfig")?)),
            "--scenario" => scenarios.push(value("--scenario")?),
            "--port" => {
                port = value("--port")?
                    .parse()
                    .context("--port must be a number")?
            }
            "-h" | "--help" => {
                println!("usage: kube-sandbox --kubeconfig PATH [--scenario NAME]... [--port N]");
                return Ok(());
            }
            other => bail!("unexpected argument {other:?} (see --help)"),
        }
    }
    let kubeconfig = kubeconfig.context("--kubeconfig PATH is required")?;
    let mut objects = Vec::new();
    for s in &scenarios {
        objects.extend(kube_sandbox::scenario::load(s)?);
    }
    let sandbox = Sandbox::start_with(SandboxOptions {
        port,
        objects,
        kubeconfig: Some(kubeconfig),
    })?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready {}", sandbox.url())?;
    out.flush()?;
    drop(out);
    loop {
        std::thread::park();
    }
}
