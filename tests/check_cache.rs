//! `nashra check` keeps what ingestion made of each seed in `.nashra/cache/`:
//! a warm check must say exactly what a cold one says, and an edit to a seed or
//! to an article's `clean:` block must be seen at once, whatever the cache holds.

mod common;
use common::*;
use std::fs;
use std::path::Path;

const CACHE: &str = ".nashra/cache/ingest";

/// exit code and full output of `check`, and of `check --no-cache`: they must agree.
fn check(project: &Path) -> (Option<i32>, String) {
    let out = run(project, &["check"]);
    let uncached = run(project, &["check", "--no-cache"]);
    assert_eq!(text(&out), text(&uncached), "check with and without the cache differ");
    assert_eq!(out.status.code(), uncached.status.code());
    (out.status.code(), text(&out))
}

/// The valid project with an article whose diagnostics come from ingestion:
/// an override that matches nothing (warning) and a quote missing from the body (error).
fn project_with_ingestion_diagnostics() -> tempfile::TempDir {
    let project = valid_project();
    // Checks run on the fixture folder itself leave their cache there: start without one.
    let _ = fs::remove_dir_all(project.path().join(".nashra"));
    let article = project.path().join("content/articles/ambush.yaml");
    let yaml = fs::read_to_string(&article).unwrap();
    let yaml = yaml.replace("quote: \"تعرضت دورية لكمين قرب تدمر\"", "quote: \"وتوعد المسؤولون بالرد على داعش\"");
    fs::write(&article, format!("{yaml}clean:\n  drop: [\"^إعلان$\"]\n")).unwrap();
    project
}

#[test]
fn a_warm_check_says_what_a_cold_one_says() {
    let project = project_with_ingestion_diagnostics();
    let cold = check(project.path());
    assert!(project.path().join(CACHE).is_file(), "the first check writes the cache");
    assert_eq!(cold.0, Some(0), "{}", cold.1);
    assert!(cold.1.contains("warning: clean.drop[0] matches no line of seeds/plain.txt"), "{}", cold.1);
    let written = fs::read(project.path().join(CACHE)).unwrap();
    let warm = check(project.path());
    assert_eq!(warm, cold);
    assert_eq!(fs::read(project.path().join(CACHE)).unwrap(), written, "an unchanged project rewrites nothing");
}

#[test]
fn an_edited_seed_is_seen_through_a_warm_cache() {
    let project = project_with_ingestion_diagnostics();
    assert_eq!(check(project.path()).0, Some(0));
    // The quoted sentence leaves the seed: the same article, the same `clean:`, a new seed text.
    let seed = project.path().join("seeds/plain.txt");
    let text = fs::read_to_string(&seed).unwrap().replace("وتوعد المسؤولون بالرد على داعش.", "وتوعد المسؤولون بالرد.");
    fs::write(&seed, text).unwrap();
    let (code, output) = check(project.path());
    assert_eq!(code, Some(1), "{output}");
    assert!(output.contains("error: quote not found in the article body of seeds/plain.txt"), "{output}");
    // And back: the old entry is gone, the body is ingested again and the quote is found.
    let text = fs::read_to_string(&seed).unwrap().replace("وتوعد المسؤولون بالرد.", "وتوعد المسؤولون بالرد على داعش.");
    fs::write(&seed, text).unwrap();
    assert_eq!(check(project.path()).0, Some(0));
}

#[test]
fn an_edited_clean_block_is_seen_through_a_warm_cache() {
    let project = project_with_ingestion_diagnostics();
    let (_, before) = check(project.path());
    assert!(before.contains("clean.drop[0] matches no line"), "{before}");
    // The override now matches a line of the seed: the warning goes.
    let article = project.path().join("content/articles/ambush.yaml");
    let yaml = fs::read_to_string(&article).unwrap().replace("^إعلان$", "^كمين تدمر$");
    fs::write(&article, yaml).unwrap();
    let (code, after) = check(project.path());
    assert_eq!(code, Some(0), "{after}");
    assert!(!after.contains("matches no line"), "{after}");
}

#[test]
fn a_corrupt_or_foreign_cache_is_ignored_and_rebuilt() {
    let project = project_with_ingestion_diagnostics();
    let cold = check(project.path());
    let good = fs::read(project.path().join(CACHE)).unwrap();
    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x01;
    assert!(good.starts_with(b"nashra ingest cache 2\n"), "the test knows the current format");
    let other_version = String::from_utf8_lossy(&good).replacen("nashra ingest cache 2", "nashra ingest cache 9", 1);
    for damaged in [Vec::new(), b"not a cache".to_vec(), good[..good.len() / 2].to_vec(), flipped, other_version.into()]
    {
        fs::write(project.path().join(CACHE), &damaged).unwrap();
        assert_eq!(check(project.path()), cold);
        assert_eq!(fs::read(project.path().join(CACHE)).unwrap(), good, "the cache is written again, whole");
    }
}

#[test]
fn a_project_that_cannot_hold_a_cache_still_checks() {
    let project = project_with_ingestion_diagnostics();
    // A file where the cache folder would be: the cache cannot be written, check goes on.
    fs::write(project.path().join(".nashra"), "").unwrap();
    let (code, output) = check(project.path());
    assert_eq!(code, Some(0), "{output}");
    assert!(output.contains("clean.drop[0] matches no line"), "{output}");
}
