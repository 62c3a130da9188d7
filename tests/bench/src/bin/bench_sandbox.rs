//! Benchmark: the sandbox (the fake API server the tests run kubectl against).
//!
//! `cargo run --release -p kubectl-ai-bench --bin bench_sandbox -- [RUNS]` measures, RUNS times each
//! (default 20), reporting the median and the slowest:
//!
//! 1. in process: `Sandbox::start()` plus seeding `scenario::load("healthy")`
//!    (what every integration test pays);
//! 2. the `kube-sandbox` binary (built next to this example by
//!    `cargo build --release --workspace`), from spawn to its `ready <url>` line;
//! 3. the server's share of a kubectl round trip: `GET` of the pods in `shop` as
//!    a Table (what `kubectl get pods -n shop` asks for) over a fresh TCP
//!    connection, answered and read to the end.
//!
//! Target: start-up and loading `healthy` well under a second (checked: the
//! slowest start under 250 ms), and a request answered in a small fraction of
//! what kubectl's own start-up costs (`.ci/bench-sandbox` times kubectl).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kube_sandbox::{Sandbox, scenario};

const START_TARGET: Duration = Duration::from_millis(250);

/// Median and maximum, in milliseconds.
fn stats(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (
        ms(samples[samples.len() / 2]),
        ms(*samples.last().expect("samples")),
    )
}

fn in_process(runs: usize) -> Vec<Duration> {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            let sandbox = Sandbox::start().expect("start");
            sandbox
                .seed(scenario::load("healthy").expect("healthy"))
                .expect("seed");
            let took = start.elapsed();
            drop(sandbox);
            took
        })
        .collect()
}

fn binary(runs: usize) -> Option<Vec<Duration>> {
    let exe = std::env::current_exe().ok()?;
    let bin = exe.parent()?.parent()?.join("kube-sandbox");
    if !bin.exists() {
        eprintln!(
            "{} is missing: build it with `cargo build --release --workspace` (skipping the binary start-up)",
            bin.display()
        );
        return None;
    }
    let dir = std::env::temp_dir().join(format!("kubectl-ai-bench-sandbox-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let kubeconfig = dir.join("kubeconfig");
    let samples = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let mut child = Command::new(&bin)
                .arg("--kubeconfig")
                .arg(&kubeconfig)
                .args(["--scenario", "healthy"])
                .stdout(Stdio::piped())
                .spawn()
                .expect("spawn kube-sandbox");
            let mut line = String::new();
            BufReader::new(child.stdout.take().expect("stdout"))
                .read_line(&mut line)
                .expect("ready line");
            let took = start.elapsed();
            assert!(line.starts_with("ready "), "unexpected first line {line:?}");
            let _ = child.kill();
            let _ = child.wait();
            took
        })
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    Some(samples)
}

/// One request over a fresh connection, read to the end; returns the body size.
fn get(addr: &str, path: &str, accept: &str) -> usize {
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: {accept}\r\nUser-Agent: kubectl/v1.32.4\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).expect("read");
    assert!(
        reply.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&reply)
    );
    reply.len()
}

fn requests(runs: usize) -> (Vec<Duration>, usize) {
    let sandbox = Sandbox::start().expect("start");
    sandbox
        .seed(scenario::load("healthy").expect("healthy"))
        .expect("seed");
    let addr = sandbox.url().trim_start_matches("http://").to_string();
    let path = "/api/v1/namespaces/shop/pods?limit=500";
    let accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    let bytes = get(&addr, path, accept);
    let samples = (0..runs * 10)
        .map(|_| {
            let start = Instant::now();
            get(&addr, path, accept);
            start.elapsed()
        })
        .collect();
    (samples, bytes)
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20)
        .max(1);
    let (median, max) = stats(in_process(runs));
    println!(
        "in process: start + seed healthy  median {median:7.2} ms  slowest {max:7.2} ms  ({runs} runs)"
    );
    let mut slowest = max;
    if let Some(samples) = binary(runs) {
        let (median, max) = stats(samples);
        println!(
            "kube-sandbox binary: spawn to ready  median {median:7.2} ms  slowest {max:7.2} ms  ({runs} runs)"
        );
        slowest = slowest.max(max);
    }
    let (samples, bytes) = requests(runs);
    let count = samples.len();
    let (median, max) = stats(samples);
    println!(
        "request: GET pods in shop as a Table ({bytes} B)  median {:7.1} µs  slowest {:7.1} µs  ({count} requests)",
        median * 1000.0,
        max * 1000.0
    );
    let met = slowest < START_TARGET.as_secs_f64() * 1000.0;
    println!(
        "target (start-up and healthy loaded < {} ms): {}",
        START_TARGET.as_millis(),
        if met { "met" } else { "MISSED" }
    );
}
