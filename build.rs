//! Rebuild when the embedded default theme changes (include_dir cannot see new files),
//! and stamp the binary with a hash of what ingestion's results depend on.

use std::path::Path;

/// Sources whose change can change what ingestion makes of a seed, or how it is
/// stored: the persistent cache (src/cache) keys its entries by this stamp, so a
/// binary with other ingestion or cache code never reads a cache another one wrote.
const INGEST_INPUTS: [&str; 7] =
    ["src/ingest", "src/text.rs", "src/pipeline.rs", "src/site.rs", "src/model.rs", "src/cache", "Cargo.lock"];

fn main() {
    println!("cargo:rerun-if-changed=themes/default");
    let mut files = Vec::new();
    for input in INGEST_INPUTS {
        println!("cargo:rerun-if-changed={input}");
        collect(Path::new(input), &mut files);
    }
    files.sort();
    // FNV-1a over every file's path and bytes: stable across Rust versions.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in &files {
        let bytes = std::fs::read(file).unwrap_or_default();
        for b in file.to_string_lossy().bytes().chain([0]).chain(bytes).chain([0]) {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=NASHRA_INGEST_STAMP={hash:016x}");
}

fn collect(path: &Path, files: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
            collect(&entry.path(), files);
        }
    } else if path.is_file() {
        files.push(path.to_path_buf());
    }
}
