//! Micro-benchmark of the offline rules: time per sentence over the public corpus
//! and the held-out phrasings. No harness (the numbers, not a framework, matter):
//! `cargo run --release -p kubectl-ai-bench --bin bench_rules --` (or `.ci/bench-understand`, which
//! also times the whole `kubectl-ai --offline --explain` process). Target: tens
//! of microseconds, not milliseconds (see the constants).

use std::hint::black_box;
use std::time::Instant;

use kubectl_ai::understand::rules::understand;

/// "Microseconds per sentence": the mean, and no sentence near a millisecond.
const TARGET_MEAN: f64 = 100e-6;
const TARGET_SLOWEST: f64 = 500e-6;

fn sentences(file: &str) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(file);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split('\t').next().map(String::from))
        .collect()
}

fn main() {
    for file in ["requests.tsv", "heldout.tsv"] {
        let corpus = sentences(file);
        // Warm up, then take the best of several rounds (shared, noisy machines).
        for s in &corpus {
            black_box(understand(black_box(s)));
        }
        let rounds = 200;
        let mut best = f64::MAX;
        let mut worst_sentence = (0.0, String::new());
        for _ in 0..5 {
            let start = Instant::now();
            for _ in 0..rounds {
                for s in &corpus {
                    black_box(understand(black_box(s)));
                }
            }
            let per = start.elapsed().as_secs_f64() / (rounds * corpus.len()) as f64;
            best = best.min(per);
        }
        // The slowest sentence, each sentence timed as its best of three
        // batches so one preemption does not crown a sentence.
        for s in &corpus {
            let per = (0..3)
                .map(|_| {
                    let start = Instant::now();
                    for _ in 0..100 {
                        black_box(understand(black_box(s)));
                    }
                    start.elapsed().as_secs_f64() / 100.0
                })
                .fold(f64::MAX, f64::min);
            if per > worst_sentence.0 {
                worst_sentence = (per, s.clone());
            }
        }
        let met = best < TARGET_MEAN && worst_sentence.0 < TARGET_SLOWEST;
        println!(
            "{file}: {} sentences, {:.2} µs per sentence (best of 5 × {rounds} rounds); slowest {:.2} µs: {:?}  target (<{:.0} µs mean, <{:.0} µs slowest): {}",
            corpus.len(),
            best * 1e6,
            worst_sentence.0 * 1e6,
            worst_sentence.1,
            TARGET_MEAN * 1e6,
            TARGET_SLOWEST * 1e6,
            if met { "met" } else { "MISSED" }
        );
    }
}
