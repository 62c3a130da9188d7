//! Benchmark: `diagnose` over kubectl's JSON for 1k / 10k / 50k pods (two
//! events per pod), reporting wall time and peak memory (VmHWM).
//!
//! `cargo run --release -p kubectl-ai-bench --bin bench_diagnose` runs every size; `... -- 10000`
//! runs one size (any multiple of 500). The target: 10,000 pods with 20,000
//! events in under 1 s and under 200 MB, input bytes included (kubectl's output
//! is in memory when diagnose parses it).
//!
//! The cluster is the sandbox's generator (`kube_sandbox::generate::cluster`:
//! namespaces of 500 pods, a Deployment with its ReplicaSet, Service and
//! Endpoints per 5 pods, about 3% of pods broken), split into the three
//! documents diagnose reads (namespaced objects, events, nodes) and written the
//! way `kubectl get -o json` prints them: a `List`, indented by four spaces.
//! The parent process generates and writes the documents to a temporary
//! directory; a fresh child process per size reads them back and is measured,
//! so the generator's memory and earlier sizes never count in a peak.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use kubectl_ai::diagnose::{DiagnoseRequest, Reader, collect, diagnose, report};
use serde::Serialize;
use serde_json::{Value, json};

const SIZES: &[usize] = &[1_000, 10_000, 50_000];
const PODS_PER_NAMESPACE: usize = 500;
const EVENTS_PER_POD: usize = 2;
/// The generator's "now" (its objects are timestamped relative to it).
const NOW: &str = "2026-11-20T10:00:00Z";
/// The target, checked at this size.
const TARGET_PODS: usize = 10_000;
const TARGET_MS: f64 = 1_000.0;
const TARGET_MB: f64 = 200.0;
const FILES: [&str; 3] = ["objects.json", "events.json", "nodes.json"];

fn vm_hwm_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// Writes `items` as `kubectl get ... -o json` prints them: a List, four-space indent.
fn write_kubectl_json(path: &Path, items: Vec<Value>) -> std::io::Result<()> {
    let list = json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}});
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut ser = serde_json::Serializer::with_formatter(
        &mut out,
        serde_json::ser::PrettyFormatter::with_indent(b"    "),
    );
    list.serialize(&mut ser)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Generates the cluster and writes kubectl's three outputs into `dir`.
fn write_inputs(pods: usize, dir: &Path) -> std::io::Result<()> {
    let objects = kube_sandbox::generate::cluster(
        pods / PODS_PER_NAMESPACE,
        PODS_PER_NAMESPACE,
        EVENTS_PER_POD,
    );
    let (mut namespaced, mut events, mut nodes) = (Vec::new(), Vec::new(), Vec::new());
    for obj in objects {
        match obj["kind"].as_str() {
            Some("Event") => events.push(obj),
            Some("Node") => nodes.push(obj),
            Some("Namespace") => {}
            _ => namespaced.push(obj),
        }
    }
    std::fs::create_dir_all(dir)?;
    for (file, items) in FILES.iter().zip([namespaced, events, nodes]) {
        write_kubectl_json(&dir.join(file), items)?;
    }
    Ok(())
}

/// kubectl, as diagnose's collection sees it: each call answered from the files.
struct Files<'a>(&'a Path);

impl Reader for Files<'_> {
    async fn read(&self, args: &[String]) -> anyhow::Result<Vec<u8>> {
        let file = match (args.first().map(String::as_str), args.get(1)) {
            (Some("get"), Some(kinds)) if kinds.starts_with("pods,") => FILES[0],
            (Some("get"), Some(kinds)) if kinds == "events" => FILES[1],
            (Some("get"), Some(kinds)) if kinds.starts_with("nodes") => FILES[2],
            (Some("logs"), _) => return Ok(b"starting\npanic: cannot reach db\n".to_vec()),
            _ => anyhow::bail!("the benchmark does not answer `kubectl {}`", args.join(" ")),
        };
        Ok(std::fs::read(self.0.join(file))?)
    }
}

/// The measured part, in its own process: diagnose's own collection (kubectl's
/// output read one document at a time, as from kubectl), analysis, rendering.
fn run_one(pods: usize, dir: &Path) {
    let input_mb = FILES
        .iter()
        .map(|f| std::fs::metadata(dir.join(f)).map_or(0, |m| m.len()))
        .sum::<u64>() as f64
        / 1_048_576.0;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let request = DiagnoseRequest {
        all_namespaces: true,
        ..DiagnoseRequest::default()
    };
    let now = kubectl_ai::diagnose::objects::parse_time(NOW).expect("time");
    let before = vm_hwm_mb();
    let start = Instant::now();
    let collected = runtime
        .block_on(collect::collect(&Files(dir), &request, now))
        .expect("collect");
    let parsed = start.elapsed();
    let diagnosis = diagnose(&collected, &request);
    let analyzed = start.elapsed();
    let human = report::human(&diagnosis, false);
    let json = report::json(&diagnosis).to_string();
    let total = start.elapsed();
    let peak = vm_hwm_mb();
    assert_eq!(collected.pods.len(), pods, "pods parsed");
    assert!(collected.notes.is_empty(), "notes: {:?}", collected.notes);
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let verdict = if pods == TARGET_PODS {
        let met = ms(total) < TARGET_MS && peak < TARGET_MB;
        format!(
            "  target (<{TARGET_MS:.0} ms, <{TARGET_MB:.0} MB): {}",
            if met { "met" } else { "MISSED" }
        )
    } else {
        String::new()
    };
    println!(
        "{pods:>6} pods {:>6} events  kubectl output {input_mb:>6.1} MB  read+parse {:>7.1} ms  analyze {:>6.1} ms  report {:>5.1} ms  total {:>7.1} ms  peak {peak:>6.1} MB (at start {before:.1} MB)  findings {} ({} B of report){verdict}",
        collected.events.len(),
        ms(parsed),
        ms(analyzed - parsed),
        ms(total - analyzed),
        ms(total),
        diagnosis.findings.len(),
        human.len() + json.len(),
    );
    std::io::stdout().flush().ok();
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, pods, dir] = args.as_slice()
        && flag == "--child"
    {
        run_one(pods.parse().expect("pods"), Path::new(dir));
        return;
    }
    let sizes: Vec<usize> = if args.is_empty() {
        SIZES.to_vec()
    } else {
        args.iter()
            .map(|a| match a.parse::<usize>() {
                Ok(n) if n > 0 && n % PODS_PER_NAMESPACE == 0 => n,
                _ => {
                    eprintln!(
                        "usage: bench_diagnose [PODS]... (multiples of {PODS_PER_NAMESPACE})"
                    );
                    std::process::exit(2);
                }
            })
            .collect()
    };
    let exe = std::env::current_exe().expect("own path");
    for pods in sizes {
        let dir: PathBuf = std::env::temp_dir().join(format!(
            "kubectl-ai-bench-diagnose-{}-{pods}",
            std::process::id()
        ));
        let generated = Instant::now();
        if let Err(e) = write_inputs(pods, &dir) {
            eprintln!("writing the {pods}-pod input to {}: {e}", dir.display());
            std::process::exit(1);
        }
        eprintln!(
            "(generated and wrote {pods} pods in {:.1} s)",
            generated.elapsed().as_secs_f64()
        );
        let status = std::process::Command::new(&exe)
            .arg("--child")
            .arg(pods.to_string())
            .arg(&dir)
            .status();
        let _ = std::fs::remove_dir_all(&dir);
        if !status.is_ok_and(|s| s.success()) {
            eprintln!("the {pods}-pod run failed");
            std::process::exit(1);
        }
    }
}
