//! `nashra snapshot`: editions that never change, verify, list each other on
//! the live site, say what changed, and survive being killed half-way.

mod common;
use common::*;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

fn edit(p: &Path, from: &str, to: &str) {
    let text = read(p);
    assert!(text.contains(from), "{} has no {from:?}", p.display());
    std::fs::write(p, text.replace(from, to)).unwrap();
}

fn editions(project: &Path) -> PathBuf {
    project.join("site/snapshots")
}

fn ok(project: &Path, args: &[&str]) -> String {
    let out = run(project, args);
    assert_eq!(out.status.code(), Some(0), "nashra {args:?}:\n{}", text(&out));
    text(&out)
}

/// The text of an HTML page with tags removed and spaces collapsed.
fn page_text(p: &Path) -> String {
    let doc = scraper::Html::parse_document(&read(p));
    doc.root_element().text().collect::<Vec<_>>().join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn editions_stay_unchanged_verify_and_say_what_changed() {
    let project = valid_project();
    let p = project.path();
    ok(p, &["snapshot", "--label", "first", "--note", "Before the <ambush> update"]);
    let first = editions(p).join("first");
    for file in ["index.html", "ar/index.html", "en/articles/ambush/index.html", "snapshot.json", "content.json"] {
        assert!(first.join(file).is_file(), "{file} missing from the edition");
    }
    let css: Vec<_> = std::fs::read_dir(first.join("assets")).unwrap().flatten().collect();
    assert!(!css.is_empty(), "the edition has its own assets");
    let manifest: serde_json::Value = serde_json::from_str(&read(&first.join("snapshot.json"))).unwrap();
    assert_eq!(manifest["label"], "first");
    assert_eq!(manifest["date"], "2025-12-14", "the date of the newest article");
    assert_eq!(manifest["note"], "Before the <ambush> update");
    let digest = Sha256::digest(std::fs::read(first.join("en/index.html")).unwrap());
    let sha: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(manifest["files"]["en/index.html"], sha.as_str());
    let frozen = tree_digest(&first);

    // Edit the content: a summary, the seed's text, a figure's value, a new topic and entity.
    edit(&p.join("content/articles/ambush.yaml"), "An ambush near Palmyra.", "A deadly ambush near Palmyra.");
    let seed = p.join("seeds/plain.txt");
    let mut seed_text = read(&seed);
    seed_text
        .push_str("وقال المسؤولون في بيان مطول إن التعاون مستمر وقائم رغم الهجوم الأخير على الدورية قرب المدينة.\n");
    std::fs::write(&seed, seed_text).unwrap();
    edit(&p.join("content/articles/coalition-entry.yaml"), "value: \"89\"", "value: \"90\"");
    std::fs::write(p.join("content/topics/security.yaml"), "title: {ar: \"الأمن\", en: \"Security\"}\n").unwrap();
    std::fs::write(p.join("content/entities/palmyra.yaml"), "name: {ar: \"تدمر\", en: \"Palmyra\"}\nkind: place\n")
        .unwrap();
    ok(p, &["build"]);
    assert_eq!(tree_digest(&first), frozen, "build changed an edition");
    assert!(ok(p, &["snapshot", "--verify", "first"]).contains("first: intact"));
    assert!(page_text(&p.join("site/en/articles/ambush/index.html")).contains("A deadly ambush"));
    assert!(!page_text(&first.join("en/articles/ambush/index.html")).contains("A deadly ambush"));

    // A second edition, with the default label: the newest article's date.
    ok(p, &["snapshot"]);
    let second = editions(p).join("2025-12-14");
    let changes = page_text(&second.join("en/changes/index.html"));
    for expected in [
        "compared with the edition first",
        "Articles updated The Palmyra ambush (changed: original text, summary)",
        "Damascus joins the coalition (changed: figures)",
        "Topics added Security",
        "People, groups and places added Palmyra",
        "Member states 89 90 Damascus joins the coalition",
    ] {
        assert!(changes.contains(expected), "change page lacks {expected:?}:\n{changes}");
    }
    assert!(!changes.contains("Articles added") && !changes.contains("removed"), "{changes}");
    let ar_changes = page_text(&second.join("ar/changes/index.html"));
    assert!(ar_changes.contains("مقالات عُدّلت كمين تدمر"), "{ar_changes}");
    assert!(page_text(&first.join("en/changes/index.html")).contains("This is the first edition"));

    // The live site lists both, newest first, with links into them.
    ok(p, &["build"]);
    let list_path = p.join("site/en/editions/index.html");
    let list = read(&list_path);
    let newer = list.find("../../snapshots/2025-12-14/en/index.html").expect("second edition listed");
    let older = list.find("../../snapshots/first/en/index.html").expect("first edition listed");
    assert!(newer < older, "newest first:\n{list}");
    assert!(list.contains("Before the &lt;ambush&gt; update"), "the note is shown, escaped");
    let listed = page_text(&list_path);
    assert!(listed.contains("Articles updated: 2, Topics added: 1"), "{listed}");
    assert!(listed.contains("First edition"), "{listed}");
    assert!(read(&p.join("site/ar/editions/index.html")).contains("../../snapshots/first/ar/index.html"));
    assert!(ok(p, &["snapshot", "--verify"]).contains("2025-12-14: intact"));

    // Every page of an edition carries the banner in its language, linking to the live site.
    let ar_page = read(&second.join("ar/articles/ambush/index.html"));
    assert!(ar_page.contains("إصدار بتاريخ <time datetime=\"2025-12-14\">"), "{ar_page}");
    assert!(ar_page.contains("<a class=\"latest\" href=\"../../../../../ar/index.html\">"), "{ar_page}");
    assert!(read(&second.join("index.html")).contains("class=\"edition-banner\""));
}

#[test]
fn an_existing_label_is_refused_unless_forced_and_reproduces_byte_for_byte() {
    let project = valid_project();
    let p = project.path();
    ok(p, &["snapshot", "--label", "one", "--archive"]);
    let dir = editions(p).join("one");
    let before = tree_digest(&dir);
    let archive = std::fs::read(editions(p).join("one.tar.gz")).unwrap();

    edit(&p.join("content/articles/ambush.yaml"), "An ambush near Palmyra.", "Changed.");
    let out = run(p, &["snapshot", "--label", "one"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("edition 'one' already exists"), "{}", text(&out));
    assert!(text(&out).contains("--force"), "the hint names the way out");
    assert_eq!(tree_digest(&dir), before, "a refused snapshot changed the edition");

    // The same inputs again, forced: byte-identical edition and archive.
    edit(&p.join("content/articles/ambush.yaml"), "Changed.", "An ambush near Palmyra.");
    ok(p, &["snapshot", "--label", "one", "--force", "--archive"]);
    assert_eq!(tree_digest(&dir), before, "same inputs, different edition");
    assert_eq!(std::fs::read(editions(p).join("one.tar.gz")).unwrap(), archive, "same inputs, different archive");
    let leftovers: Vec<_> = std::fs::read_dir(editions(p))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // The archive unpacks to the same files as the folder.
    let mut unpacked = tar::Archive::new(flate2::read::GzDecoder::new(archive.as_slice()));
    let into = tempfile::tempdir().unwrap();
    unpacked.unpack(into.path()).unwrap();
    assert_eq!(tree_digest(&into.path().join("one")), before);

    let out = run(p, &["snapshot", "--label", "../escape"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("cannot name an edition folder"), "{}", text(&out));
}

#[test]
fn verify_names_modified_missing_and_extra_files() {
    let project = valid_project();
    let p = project.path();
    ok(p, &["snapshot", "--label", "e"]);
    let dir = editions(p).join("e");
    std::fs::write(dir.join("en/index.html"), "tampered").unwrap();
    std::fs::remove_file(dir.join("ar/topics/index.html")).unwrap();
    std::fs::write(dir.join("en/extra.html"), "slipped in").unwrap();
    let out = run(p, &["snapshot", "--verify", "e"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report = text(&out);
    for line in ["e: modified: en/index.html", "e: missing: ar/topics/index.html", "e: extra: en/extra.html"] {
        assert!(report.contains(line), "{line:?} not in:\n{report}");
    }
    assert_eq!(report.matches(": modified: ").count(), 1, "{report}");

    // A damaged manifest is named, and stops the live build from listing a wrong archive.
    std::fs::write(dir.join("snapshot.json"), "{ not json").unwrap();
    let out = run(p, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("site/snapshots/e/snapshot.json:1:"), "{}", text(&out));
}

#[test]
fn a_killed_snapshot_leaves_no_half_edition() {
    let project = valid_project();
    let p = project.path();
    // Enough articles that writing takes a moment.
    let body: String = (0..60).map(|i| format!("تعرضت دورية لكمين قرب تدمر، وقتل جنديان في هجوم ({i}).\n")).collect();
    std::fs::write(p.join("seeds/large.txt"), body).unwrap();
    for i in 0..200 {
        let yaml = format!(
            "seed: large.txt\ntitle: {{ar: \"مقالة {i}\", en: \"Article {i}\"}}\ndate: 2025-01-{:02}\nsummary: {{ar: \"ملخص\", en: \"Summary\"}}\n",
            i % 28 + 1
        );
        std::fs::write(p.join(format!("content/articles/a{i}.yaml")), yaml).unwrap();
    }
    let started = std::time::Instant::now();
    ok(p, &["snapshot", "--label", "full"]);
    let full = started.elapsed();
    for round in 1..=6u32 {
        let label = format!("k{round}");
        let mut child = nashra()
            .arg("--project")
            .arg(p)
            .args(["snapshot", "--label", &label])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full.mul_f64(f64::from(round) / 6.0));
        let _ = child.kill();
        let _ = child.wait();
        let dir = editions(p).join(&label);
        if dir.exists() {
            // Complete, or not there at all.
            ok(p, &["snapshot", "--verify", &label]);
        }
    }
    // The next snapshot clears what the kills left behind.
    ok(p, &["snapshot", "--label", "after"]);
    let debris: Vec<_> = std::fs::read_dir(editions(p))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(debris.is_empty(), "{debris:?}");
}
