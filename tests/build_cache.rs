//! `nashra build` and `nashra snapshot` take each article's ingestion from
//! `.nashra/cache/` (the cache `check` keeps too): a build with a warm cache,
//! with a cold one and with none must write the same site, byte for byte; an
//! edited seed or `clean:` block must show at once; a damaged cache is ignored
//! as far as it is damaged (a damaged entry alone, the whole file when its
//! header or table is) and written again; `--no-cache` neither reads nor writes it.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

const CACHE: &str = ".nashra/cache/ingest";

/// Every file under `dir`: relative path → bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(), fs::read(e.path()).unwrap()))
        .collect()
}

/// Asserts two sites hold the same files with the same bytes, naming the first difference.
fn assert_same_site(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>, what: &str) {
    let paths = |t: &BTreeMap<String, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(paths(a), paths(b), "{what}: different files");
    for (path, bytes) in a {
        assert!(bytes == &b[path], "{what}: {path} differs");
    }
}

/// `nashra -v build --out OUT args…`, which must succeed: the site and what it printed.
/// The project built once into `out/good`: its site, and the cache file that build wrote.
fn built_once(project: &Path, out: &Path) -> (BTreeMap<String, Vec<u8>>, Vec<u8>) {
    let (site, _) = build(project, &out.join("good"), &[]);
    (site, fs::read(project.join(CACHE)).unwrap())
}

/// `bytes` with the lowest bit of byte `at` flipped.
fn flipped(bytes: &[u8], at: usize) -> Vec<u8> {
    let mut bytes = bytes.to_vec();
    bytes[at] ^= 0x01;
    bytes
}

fn build(project: &Path, out: &Path, args: &[&str]) -> (BTreeMap<String, Vec<u8>>, String) {
    let result = nashra().arg("-v").arg("--project").arg(project).args(["build", "--out"]).arg(out).args(args).output();
    let result = result.unwrap();
    assert_eq!(result.status.code(), Some(0), "{}", text(&result));
    (tree(out), text(&result))
}

/// The valid fixture project without a cache.
fn project() -> tempfile::TempDir {
    let project = valid_project();
    let _ = fs::remove_dir_all(project.path().join(".nashra"));
    project
}

#[test]
fn warm_cold_and_uncached_builds_write_the_same_site() {
    let project = project();
    let p = project.path();
    let out = tempfile::tempdir().unwrap();
    let (none, said) = build(p, &out.path().join("none"), &["--no-cache"]);
    assert!(said.contains("ingest") && said.contains("[2 of 2 seeds ingested]"), "{said}");
    assert!(!p.join(".nashra").exists(), "--no-cache wrote a cache");

    let (cold, said) = build(p, &out.path().join("cold"), &[]);
    assert!(said.contains("[2 of 2 seeds ingested, 0 from the cache: read"), "{said}");
    let written = fs::read(p.join(CACHE)).expect("the first build writes the cache");

    let (warm, said) = build(p, &out.path().join("warm"), &[]);
    assert!(said.contains("[0 of 2 seeds ingested, 2 from the cache: read"), "{said}");
    assert!(said.contains("unchanged]"), "{said}");
    assert_eq!(fs::read(p.join(CACHE)).unwrap(), written, "an unchanged project rewrites nothing");

    assert_same_site(&none, &cold, "--no-cache and cold");
    assert_same_site(&cold, &warm, "cold and warm");

    // With a cache there, --no-cache still ingests everything and leaves the file alone.
    let (again, said) = build(p, &out.path().join("again"), &["--no-cache"]);
    assert!(said.contains("[2 of 2 seeds ingested]"), "{said}");
    assert_same_site(&none, &again, "--no-cache twice");
    assert_eq!(fs::read(p.join(CACHE)).unwrap(), written);
}

#[test]
fn check_and_build_share_one_cache() {
    let project = project();
    let p = project.path();
    let out = tempfile::tempdir().unwrap();
    let checked = run(p, &["-v", "check"]);
    assert!(text(&checked).contains("2 of 2 seeds ingested"), "{}", text(&checked));
    let written = fs::read(p.join(CACHE)).unwrap();
    // What check wrote is all a build needs, and a build that changes nothing rewrites nothing.
    let (_, said) = build(p, &out.path().join("site"), &[]);
    assert!(said.contains("[0 of 2 seeds ingested, 2 from the cache"), "{said}");
    assert_eq!(fs::read(p.join(CACHE)).unwrap(), written);
    // And the other way round.
    fs::remove_dir_all(p.join(".nashra")).unwrap();
    build(p, &out.path().join("site2"), &[]);
    let checked = run(p, &["-v", "check"]);
    assert!(text(&checked).contains("0 of 2 seeds ingested, the rest cached"), "{}", text(&checked));
    assert_eq!(fs::read(p.join(CACHE)).unwrap(), written, "check and build write the same file");
}

#[test]
fn an_edited_seed_or_clean_block_is_ingested_again() {
    let project = project();
    let p = project.path();
    let out = tempfile::tempdir().unwrap();
    let page = "ar/articles/ambush/index.html";
    let (before, _) = build(p, &out.path().join("before"), &[]);
    assert!(String::from_utf8_lossy(&before[page]).contains("وتوعد المسؤولون بالرد على "));

    // A new seed text: that seed alone is ingested again, and its page shows it.
    let seed = p.join("seeds/plain.txt");
    fs::write(&seed, read(&seed).replace("بالرد على", "بالرد الحاسم على")).unwrap();
    let (edited, said) = build(p, &out.path().join("seed"), &[]);
    assert!(said.contains("[1 of 2 seeds ingested, 1 from the cache"), "{said}");
    assert!(String::from_utf8_lossy(&edited[page]).contains("وتوعد المسؤولون بالرد الحاسم على "));
    let (uncached, _) = build(p, &out.path().join("seed-uncached"), &["--no-cache"]);
    assert_same_site(&edited, &uncached, "after a seed edit, warm and --no-cache");

    // A new `clean:` block on the same seed: the dropped line leaves the page.
    let article = p.join("content/articles/ambush.yaml");
    fs::write(&article, format!("{}clean:\n  drop: [\"^وتوعد\"]\n", read(&article))).unwrap();
    let (cleaned, said) = build(p, &out.path().join("clean"), &[]);
    assert!(said.contains("[1 of 2 seeds ingested, 1 from the cache"), "{said}");
    assert!(!String::from_utf8_lossy(&cleaned[page]).contains("وتوعد المسؤولون"));
    let (uncached, _) = build(p, &out.path().join("clean-uncached"), &["--no-cache"]);
    assert_same_site(&cleaned, &uncached, "after a clean: edit, warm and --no-cache");

    // Back to the first seed text: its old entry was dropped, so it is ingested once more.
    fs::write(&article, read(&article).replace("clean:\n  drop: [\"^وتوعد\"]\n", "")).unwrap();
    fs::write(&seed, read(&seed).replace("بالرد الحاسم على", "بالرد على")).unwrap();
    let (back, said) = build(p, &out.path().join("back"), &[]);
    assert!(said.contains("[1 of 2 seeds ingested, 1 from the cache"), "{said}");
    assert_same_site(&before, &back, "the first project again");
}

#[test]
fn a_damaged_or_foreign_cache_is_ignored_and_written_again() {
    let project = project();
    let p = project.path();
    let out = tempfile::tempdir().unwrap();
    let (site, good) = built_once(p, out.path());
    assert!(good.starts_with(b"nashra ingest cache 2\n"), "the test knows the current format");
    let older = String::from_utf8_lossy(&good).replacen("nashra ingest cache 2", "nashra ingest cache 1", 1);
    // What is damaged, and how many seeds are ingested again: all of them when the
    // file as a whole is unusable, one when one entry's bytes fail their digest.
    let damaged = [
        ("empty", Vec::new(), 2),
        ("not a cache", b"not a cache".to_vec(), 2),
        ("truncated", good[..good.len() / 2].to_vec(), 2),
        ("a byte short", good[..good.len() - 1].to_vec(), 2),
        ("a middle byte flipped", flipped(&good, good.len() / 2), 1),
        ("the last byte flipped", flipped(&good, good.len() - 1), 1),
        ("an older format", older.into_bytes(), 2),
    ];
    for (n, (what, bytes, ingested)) in damaged.into_iter().enumerate() {
        fs::write(p.join(CACHE), &bytes).unwrap();
        let (again, said) = build(p, &out.path().join(n.to_string()), &[]);
        let expected = format!("[{ingested} of 2 seeds ingested, {} from the cache", 2 - ingested);
        assert!(said.contains(&expected), "{what}: {said}");
        assert_same_site(&site, &again, what);
        assert_eq!(fs::read(p.join(CACHE)).unwrap(), good, "{what}: the cache is written again, whole");
    }
}

#[test]
fn a_project_that_cannot_hold_a_cache_still_builds() {
    let project = project();
    let p = project.path();
    let out = tempfile::tempdir().unwrap();
    fs::write(p.join(".nashra"), "").unwrap();
    let (site, said) = build(p, &out.path().join("site"), &[]);
    assert!(said.contains("cache not written (.nashra/cache/ingest)"), "{said}");
    let (uncached, _) = build(p, &out.path().join("uncached"), &["--no-cache"]);
    assert_same_site(&site, &uncached, "an unwritable cache and --no-cache");
}

#[test]
fn snapshot_reads_and_writes_the_cache() {
    let project = project();
    let p = project.path();
    let edition = |args: &[&str]| {
        let result = run(p, &[&["-v", "snapshot", "--label", "e", "--force"], args].concat());
        assert_eq!(result.status.code(), Some(0), "{}", text(&result));
        (tree(&p.join("site/snapshots/e")), text(&result))
    };
    let (none, said) = edition(&["--no-cache"]);
    assert!(said.contains("[2 of 2 seeds ingested]"), "{said}");
    assert!(!p.join(".nashra").exists(), "snapshot --no-cache wrote a cache");
    let (cold, said) = edition(&[]);
    assert!(said.contains("[2 of 2 seeds ingested, 0 from the cache"), "{said}");
    assert!(p.join(CACHE).is_file());
    let (warm, said) = edition(&[]);
    assert!(said.contains("[0 of 2 seeds ingested, 2 from the cache"), "{said}");
    assert_same_site(&none, &cold, "editions --no-cache and cold");
    assert_same_site(&cold, &warm, "editions cold and warm");
}

#[test]
fn check_reads_only_the_part_it_needs_and_build_repairs_the_rest() {
    let project = project();
    let p = project.path();
    let out = tempfile::tempdir().unwrap();
    let (site, good) = built_once(p, out.path());
    // The file ends with the documents (what build renders); check reads only what comes before.
    let damaged = flipped(&good, good.len() - 1);
    fs::write(p.join(CACHE), &damaged).unwrap();
    let checked = run(p, &["-v", "check"]);
    assert_eq!(checked.status.code(), Some(0), "{}", text(&checked));
    assert!(text(&checked).contains("0 of 2 seeds ingested, the rest cached"), "{}", text(&checked));
    assert_eq!(fs::read(p.join(CACHE)).unwrap(), damaged, "check had nothing to write");
    // A build reads the documents, finds one damaged, and ingests that seed alone again.
    let (again, said) = build(p, &out.path().join("again"), &[]);
    assert!(said.contains("[1 of 2 seeds ingested, 1 from the cache"), "{said}");
    assert_same_site(&site, &again, "after a damaged document");
    assert_eq!(fs::read(p.join(CACHE)).unwrap(), good, "the cache is written again, whole");
}
