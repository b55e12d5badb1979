//! Ingest throughput in MB/s: the seeds one by one (typical article size) and one large
//! document (the seeds repeated to 20 MB, to show linear time). Run with
//! `cargo bench --bench ingest`; plain `Instant` timing, no harness.

// The module is shared with the binary; what only the binary uses looks unused here.
#[allow(dead_code, unused_imports)]
#[path = "../src/ingest/mod.rs"]
mod ingest;

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Runs `work` repeatedly for at least `budget` and returns MB/s over `bytes` per run.
fn throughput(bytes: usize, budget: Duration, mut work: impl FnMut()) -> (f64, u32) {
    let start = Instant::now();
    let mut runs = 0u32;
    while runs == 0 || start.elapsed() < budget {
        work();
        runs += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    (bytes as f64 * f64::from(runs) / secs / 1e6, runs)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut seeds = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "txt") {
            seeds.push(std::fs::read_to_string(&path)?);
        }
    }
    let total: usize = seeds.iter().map(String::len).sum();
    let (mbps, runs) = throughput(total, Duration::from_secs(3), || {
        for s in &seeds {
            std::hint::black_box(ingest::extract(std::hint::black_box(s)));
        }
    });
    println!("seeds ({} files, {total} bytes): {mbps:.2} MB/s over {runs} passes", seeds.len());

    let joined = seeds.concat();
    let big = joined.repeat((20 << 20) / joined.len().max(1) + 1);
    let (mbps, runs) = throughput(big.len(), Duration::from_secs(3), || {
        std::hint::black_box(ingest::extract(std::hint::black_box(&big)));
    });
    println!("one {:.1} MB document: {mbps:.2} MB/s over {runs} runs", big.len() as f64 / 1e6);
    Ok(())
}
