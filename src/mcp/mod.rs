//! `kubectl ai mcp`: the plugin's safe tools for any AI assistant, over the Model Context Protocol.
//!
//! An assistant reaches the cluster through the same typed vocabulary,
//! validation, redaction, previews and diagnose as the command line: nothing it
//! sends can become a shell command or a flag, and nothing changes without a
//! previewed plan. The server speaks MCP on stdio (what every client supports)
//! or, with `--http ADDR`, streamable HTTP on a loopback address; every call
//! goes to the context pinned when it started. `apply` exists only with
//! `--allow-changes`: the client's own approval of that tool call is where the
//! person consents.
//!
//! - [`tools`]: the tool list and input schemas (from the plan types)
//! - [`server`]: the handler: dispatch, reads, diagnose, preview, apply
//! - [`reads`]: redaction and size caps of what a read returns
//! - [`plans`]: plan ids bound to exactly what was previewed
//! - [`log`]: request ids and one log line per call

pub mod log;
pub mod plans;
pub mod reads;
pub mod server;
pub mod tools;

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use rmcp::ServiceExt;

use crate::config::{Command, Config};
use crate::execute::interrupt;
use crate::exit::{ExitCode, UserError};
use crate::kubectl::Kubectl;
use server::McpServer;

/// Runs the server until the client goes away (stdio) or the process is stopped.
pub async fn run(config: &Config) -> anyhow::Result<ExitCode> {
    let Command::Mcp {
        http,
        allow_changes,
        allow_remote,
    } = &config.command
    else {
        anyhow::bail!("not the mcp command");
    };
    // Said at the start, not at the first tool call: kubectl is missing, a kubeconfig is unreadable.
    Kubectl::locate(config)?;
    let address = match http {
        Some(text) => Some(address(text, *allow_remote).await?),
        None => None,
    };
    let server = McpServer::new(config.clone(), *allow_changes);
    let context = config
        .pin
        .context()
        .map(str::to_string)
        .or_else(|| crate::kubectl::kubeconfig::current(&config.kube).map(|c| c.name))
        .unwrap_or_else(|| "(kubectl's default)".into());
    let changes = if *allow_changes {
        "preview and apply (the client's approval of each apply is the consent)"
    } else {
        "previews only; nothing can change (start with --allow-changes to offer apply)"
    };
    let served = match address {
        None => {
            if !config.quiet {
                eprintln!(
                    "kubectl ai mcp: serving MCP on stdio in context {}; changes: {changes}",
                    crate::output::sanitize(&context)
                );
            }
            serve_stdio(server.clone()).await
        }
        Some(address) => serve_http(server.clone(), address, config, &context, changes).await,
    };
    // An apply in flight finishes and is journaled before the process ends;
    // when the process was stopped, it gets a short grace, then is ended.
    server.finish_applies(server::STOP_GRACE).await;
    served?;
    match interrupt::raised() {
        Some(reason) => Err(reason.error().into()),
        None => Ok(ExitCode::Success),
    }
}

/// Serves one client on stdin/stdout until it closes the connection.
async fn serve_stdio(server: McpServer) -> anyhow::Result<()> {
    let running = tokio::select! {
        running = server.serve(rmcp::transport::stdio()) => running
            .context("the MCP client did not complete the handshake")?,
        () = stop_requested() => return Ok(()),
    };
    tokio::select! {
        done = running.waiting() => {
            done.context("the MCP connection ended with an error")?;
        }
        () = stop_requested() => {}
    }
    Ok(())
}

/// Serves streamable HTTP at `address` until the process is stopped.
async fn serve_http(
    server: McpServer,
    address: SocketAddr,
    config: &Config,
    context: &str,
    changes: &str,
) -> anyhow::Result<()> {
    use rmcp::transport::streamable_http_server::{
        StreamableHttpServerConfig, StreamableHttpService, session::local::LocalSessionManager,
    };
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("could not listen on {address}"))?;
    let bound = listener.local_addr()?;
    let mut http_config = StreamableHttpServerConfig::default();
    if !bound.ip().is_loopback() {
        // The person allowed a remote address: accept the Host they reach it by.
        http_config = http_config.disable_allowed_hosts();
    }
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        std::sync::Arc::new(LocalSessionManager::default()),
        http_config,
    );
    if !config.quiet {
        eprintln!(
            "kubectl ai mcp: serving MCP at http://{bound}/mcp in context {}; changes: {changes}",
            crate::output::sanitize(context)
        );
    }
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!("accept failed: {error}");
                    continue;
                }
            },
            () = stop_requested() => return Ok(()),
        };
        let service = service.clone();
        tokio::spawn(async move {
            let handler = hyper::service::service_fn(
                move |request: hyper::Request<hyper::body::Incoming>| {
                    let service = service.clone();
                    async move { Ok::<_, std::convert::Infallible>(service.handle(request).await) }
                },
            );
            let io = hyper_util::rt::TokioIo::new(stream);
            if let Err(error) = hyper::server::conn::http1::Builder::new()
                .serve_connection(io, handler)
                .await
            {
                tracing::debug!("HTTP connection ended: {error}");
            }
        });
    }
}

/// Resolves when SIGTERM, SIGINT or SIGHUP arrived while an apply was shielded
/// (main then leaves the run to stop itself).
async fn stop_requested() {
    loop {
        if interrupt::raised().is_some() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `--http ADDR`: `HOST:PORT` (or `PORT` alone, on 127.0.0.1). An address that is
/// not loopback is refused unless `--allow-remote` was given.
async fn address(text: &str, allow_remote: bool) -> anyhow::Result<SocketAddr> {
    let shown = crate::shown::value(text);
    let with_host = if text.parse::<u16>().is_ok() {
        format!("127.0.0.1:{text}")
    } else {
        text.to_string()
    };
    let bad = || {
        UserError::Usage(format!(
            "--http {shown} is not an address to listen on; give HOST:PORT, such as 127.0.0.1:8765"
        ))
    };
    if with_host.starts_with('-') || !with_host.contains(':') {
        return Err(bad().into());
    }
    let addresses: Vec<SocketAddr> = match with_host.parse::<SocketAddr>() {
        Ok(address) => vec![address],
        Err(_) => tokio::net::lookup_host(with_host.as_str())
            .await
            .map_err(|_| bad())?
            .collect(),
    };
    let Some(first) = addresses.first().copied() else {
        return Err(bad().into());
    };
    if !allow_remote && !addresses.iter().all(|a| a.ip().is_loopback()) {
        return Err(UserError::Usage(format!(
            "--http {shown} is not a loopback address: anyone who can reach it could call the tools. \
             Listen on 127.0.0.1:PORT (or [::1]:PORT), or add --allow-remote if you mean it"
        ))
        .into());
    }
    Ok(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_loopback_without_allow_remote() {
        assert_eq!(
            address("127.0.0.1:8765", false).await.unwrap().to_string(),
            "127.0.0.1:8765"
        );
        assert_eq!(
            address("8765", false).await.unwrap().to_string(),
            "127.0.0.1:8765"
        );
        assert!(address("[::1]:1", false).await.is_ok());
        let err = address("0.0.0.0:8765", false)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a loopback address"), "{err}");
        assert!(address("0.0.0.0:8765", true).await.is_ok());
        let err = address("--x", false).await.unwrap_err().to_string();
        assert!(err.contains("HOST:PORT"), "{err}");
    }
}
