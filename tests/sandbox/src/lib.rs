//! kube-sandbox: a fake Kubernetes API server that the real `kubectl` talks
//! to, for testing kubectl-ai without a cluster.
//!
//! `Sandbox::start()` binds 127.0.0.1 on a free port, writes a kubeconfig in
//! its own temporary directory and serves discovery, OpenAPI, the resource
//! API (with Tables, watches, patches, dry runs, subresources) and simulated
//! controllers from one in-memory store. Tests stay synchronous: the server
//! runs on its own tokio runtime on a background thread.

pub mod api;
pub mod controllers;
pub mod convert;
pub mod defaults;
pub mod discovery;
pub mod errors;
pub mod generate;
pub mod kubeconfig;
pub mod logs;
pub mod model;
pub mod openapi;
pub mod openapi_pb;
pub mod ops;
pub mod patch;
pub mod protobuf;
pub mod resources;
pub mod scenario;
pub mod selectors;
pub mod server;
pub mod store;
pub mod strict;
pub mod table;
pub mod util;
pub mod validation;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, anyhow};
use serde_json::{Value, json};

use api::{State, lock};
use ops::WriteOpts;

/// A request as the server saw it, for assertions.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// The raw (still percent-encoded) query string.
    pub query: String,
    pub content_type: String,
    pub accept: String,
    pub body: String,
}

/// A fault to inject into the next resource requests (not discovery or OpenAPI).
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Answer with this HTTP status and a matching `Status` body.
    Status(u16),
    /// Close the connection without answering.
    Drop,
    /// Wait this long, then answer normally.
    Delay(Duration),
}

/// Options for `Sandbox::start_with`.
#[derive(Debug, Clone, Default)]
pub struct SandboxOptions {
    /// Port to bind on 127.0.0.1; 0 (the default) picks a free one.
    pub port: u16,
    /// Objects to seed after the defaults (as `Sandbox::seed`).
    pub objects: Vec<Value>,
    /// Where to write the kubeconfig; default: a file in the sandbox's temp dir.
    pub kubeconfig: Option<PathBuf>,
}

/// A running fake API server. Dropping it shuts the server down.
pub struct Sandbox {
    state: Arc<State>,
    url: String,
    kubeconfig: PathBuf,
    dir: Option<PathBuf>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

impl Sandbox {
    pub fn start() -> anyhow::Result<Sandbox> {
        Self::start_with(SandboxOptions::default())
    }

    pub fn start_with(opts: SandboxOptions) -> anyhow::Result<Sandbox> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", opts.port))
            .with_context(|| format!("binding 127.0.0.1:{}", opts.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let url = format!("http://127.0.0.1:{}", addr.port());
        let state = Arc::new(State::default());
        seed_defaults(&state)?;
        let (kubeconfig, dir) = match opts.kubeconfig {
            Some(p) => (p, None),
            None => {
                let dir = std::env::temp_dir().join(format!(
                    "kube-sandbox-{}-{}-{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::Relaxed),
                    util::random_suffix(6)
                ));
                std::fs::create_dir_all(&dir)?;
                (dir.join("kubeconfig"), Some(dir))
            }
        };
        kubeconfig::write(&kubeconfig, &url)?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        let thread_state = state.clone();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("kube-sandbox".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(anyhow!(e)));
                        return;
                    }
                };
                rt.block_on(async move {
                    match tokio::net::TcpListener::from_std(listener) {
                        Ok(l) => {
                            let _ = ready_tx.send(Ok(()));
                            server::run(l, thread_state, rx).await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(anyhow!(e)));
                        }
                    }
                });
                rt.shutdown_background();
            })?;
        ready_rx
            .recv()
            .map_err(|_| anyhow!("sandbox server thread died"))??;
        let sandbox = Sandbox {
            state,
            url,
            kubeconfig,
            dir,
            shutdown: Some(tx),
            thread: Some(thread),
        };
        if !opts.objects.is_empty() {
            sandbox.seed(opts.objects)?;
        }
        Ok(sandbox)
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn kubeconfig(&self) -> &Path {
        &self.kubeconfig
    }

    /// Loads objects through the store (statuses kept as given), then runs
    /// the post-seed controllers. Accepts the `PodLogs` pseudo-kind.
    pub fn seed(&self, objects: Vec<Value>) -> anyhow::Result<()> {
        let mut store = lock(&self.state.store);
        seed_into(&mut store, objects)
    }

    pub fn get(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<Value> {
        let t = resources::by_kind(api_version, kind)?;
        let store = lock(&self.state.store);
        let ns = if t.namespaced {
            namespace.unwrap_or("default")
        } else {
            ""
        };
        store
            .get(t, ns, name)
            .cloned()
            .map(|o| convert::to_served(t, o))
    }

    pub fn list(&self, api_version: &str, kind: &str, namespace: Option<&str>) -> Vec<Value> {
        let Some(t) = resources::by_kind(api_version, kind) else {
            return Vec::new();
        };
        let store = lock(&self.state.store);
        let ns = if t.namespaced { namespace } else { None };
        store
            .list(t, ns)
            .into_iter()
            .map(|o| convert::to_served(t, o))
            .collect()
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.requests).clone()
    }

    /// Makes `verb` ("get", "list", "watch", "create", "update", "patch",
    /// "delete", "deletecollection" or "*") on `resource` ("deployments",
    /// "deployments/scale", "pods/log" or "*") answer 403 Forbidden.
    pub fn forbid(&self, verb: &str, resource: &str) {
        lock(&self.state.forbidden).push((verb.to_string(), resource.to_string()));
    }

    /// The next `n` resource requests get `fault`.
    pub fn fail_next(&self, n: usize, fault: Fault) {
        let mut faults = lock(&self.state.faults);
        for _ in 0..n {
            faults.push_back(fault.clone());
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn seed_defaults(state: &State) -> anyhow::Result<()> {
    let mut store = lock(&state.store);
    let mut objects: Vec<Value> = ["default", "kube-system", "kube-public", "kube-node-lease"]
        .iter()
        .map(|n| json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n}}))
        .collect();
    objects.push(json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"component": "apiserver", "provider": "kubernetes"}},
        "spec": {"clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]},
    }));
    objects.push(json!({
        "apiVersion": "v1", "kind": "Endpoints",
        "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
        "subsets": [{"addresses": [{"ip": "172.18.0.2"}], "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}],
    }));
    seed_into(&mut store, objects)
}

fn seed_order(o: &Value) -> u8 {
    match o.get("kind").and_then(Value::as_str) {
        Some("Namespace") => 0,
        Some("Node") => 1,
        _ => 2,
    }
}

fn seed_into(store: &mut store::Store, mut objects: Vec<Value>) -> anyhow::Result<()> {
    objects.sort_by_key(seed_order);
    let opts = WriteOpts {
        dry_run: false,
        seed: true,
    };
    for obj in objects {
        let api_version = obj
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let kind = obj
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let name = util::name_of(&obj).to_string();
        if kind == "PodLogs" {
            let ns = match util::ns_of(&obj) {
                "" => "default",
                ns => ns,
            };
            let containers = obj.get("containers").cloned().unwrap_or(json!({}));
            store.logs.insert((ns.to_string(), name), containers);
            continue;
        }
        if kind == "List" {
            let items = obj
                .get("items")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            seed_into(store, items)?;
            continue;
        }
        let t = resources::by_kind(&api_version, &kind)
            .ok_or_else(|| anyhow!("seed: unknown kind {kind} in {api_version} (object {name})"))?;
        let ns = if t.namespaced {
            match util::ns_of(&obj) {
                "" => "default".to_string(),
                ns => ns.to_string(),
            }
        } else {
            String::new()
        };
        let result = match ops::create(store, t, &ns, obj.clone(), opts) {
            Err(e) if e.code == 409 => ops::update(store, t, &ns, &name, None, obj, opts),
            other => other,
        };
        result.map_err(|e| anyhow!("seed {kind} {ns}/{name}: {}", e.message))?;
    }
    controllers::after_seed(store);
    Ok(())
}
