//! `nashra extract` end to end: the JSON contract of issue 4 on every seed.
//!
//! The extraction logic is unit-tested in `src/ingest/tests.rs` (gold labels, samples,
//! property tests); this test checks the CLI wiring on top of `ingest::extract`.

use std::path::PathBuf;
use std::process::Command;

/// Seeds of the repository.
fn seeds() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("seeds directory")
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn extract_json_contract_on_seeds() {
    for seed in seeds() {
        let out = Command::new(env!("CARGO_BIN_EXE_nashra"))
            .args(["extract", seed.to_str().expect("utf-8 path"), "--format", "json"])
            .output()
            .expect("run nashra");
        assert!(out.status.success(), "{}: {}", seed.display(), String::from_utf8_lossy(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json output");
        let text = std::fs::read_to_string(&seed).expect("seed");
        let lines = json["lines"].as_array().expect("lines array");
        assert_eq!(lines.len(), text.lines().count(), "{}: one entry per input line", seed.display());
        for (i, line) in lines.iter().enumerate() {
            assert_eq!(line["line"], i + 1);
            assert!(line["text"].is_string() && line["reason"].is_string() && line["kept"].is_boolean());
            let role = line["role"].as_str().expect("role");
            assert!(["title", "heading", "paragraph", "list_item", "quote", "boilerplate", "blank"].contains(&role));
        }
        assert!(json["title"].is_null() || json["title"].is_string());
        for block in json["blocks"].as_array().expect("blocks array") {
            let kind = block["kind"].as_str().expect("kind");
            assert!(["heading", "paragraph", "list", "quote"].contains(&kind));
        }
    }
}

#[test]
fn extract_text_format_lists_every_line() {
    let seed = &seeds()[0];
    let out = Command::new(env!("CARGO_BIN_EXE_nashra"))
        .args(["extract", seed.to_str().expect("utf-8 path")])
        .output()
        .expect("run nashra");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let text = std::fs::read_to_string(seed).expect("seed");
    let rows = stdout.lines().filter(|l| l.len() > 4 && l[..3].bytes().all(|b| b.is_ascii_digit())).count();
    assert_eq!(rows, text.lines().count());
}
