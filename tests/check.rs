//! `nashra check` on the valid fixture and on every broken one.
//!
//! A broken fixture is a folder under tests/fixtures/broken/ holding only what
//! differs from tests/fixtures/valid/: files laid over a copy of it, an
//! optional `remove` list, and `expect`: the exit code and lines the output
//! must contain (each names the file, line and column of the problem).

mod common;
use common::*;

#[test]
fn valid_project_checks_clean() {
    let out = run(&fixture("valid"), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("0 error(s), 0 warning(s)"), "{}", text(&out));
}

#[test]
fn every_broken_fixture_gives_its_own_located_error() {
    let dir = fixture("broken");
    let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert!(names.len() >= 15, "expected at least 15 broken fixtures");
    let mut failures = Vec::new();
    for name in names {
        let broken = dir.join(&name);
        let project = valid_project();
        copy_tree(&broken, project.path());
        if let Ok(list) = std::fs::read_to_string(broken.join("remove")) {
            for rel in list.lines().filter(|l| !l.is_empty()) {
                std::fs::remove_file(project.path().join(rel)).unwrap();
            }
        }
        let expect = std::fs::read_to_string(broken.join("expect")).unwrap();
        let out = run(project.path(), &["check"]);
        let output = text(&out);
        for line in expect.lines() {
            if let Some(code) = line.strip_prefix("exit ") {
                if out.status.code() != Some(code.parse().unwrap()) {
                    failures.push(format!("{name:?}: exit {:?}, expected {code}\n{output}", out.status.code()));
                }
            } else if let Some(want) = line.strip_prefix("expect ")
                && !output.contains(want)
            {
                failures.push(format!("{name:?}: output lacks {want:?}\n{output}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
}

#[test]
fn json_format_carries_the_same_diagnostics() {
    let project = valid_project();
    copy_tree(&fixture("broken/unknown-topic"), project.path());
    let out = run(project.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let d = &doc["diagnostics"][0];
    assert_eq!(d["path"], "content/articles/ambush.yaml");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(5), Some(10)));
    assert_eq!(d["severity"], "error");
    assert_eq!(d["hint"], "did you mean 'coalition'?");
    assert_eq!(doc["errors"], 1);
}

#[test]
fn usage_errors_exit_2_and_help_exists_for_each_command() {
    assert_eq!(nashra().arg("frobnicate").output().unwrap().status.code(), Some(2));
    assert_eq!(nashra().args(["check", "--format", "xml"]).output().unwrap().status.code(), Some(2));
    for cmd in ["build", "check"] {
        let out = nashra().args([cmd, "--help"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage: nashra"), "{cmd}");
    }
}

#[test]
fn missing_translation_is_a_warning_not_an_error() {
    let project = valid_project();
    let path = project.path().join("content/topics/coalition.yaml");
    std::fs::write(&path, "title: {ar: \"سوريا والتحالف\"}\nsummary: {ar: \"ملخص\", en: \"Synthesis\"}\n").unwrap();
    let out = run(project.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("content/topics/coalition.yaml:1:1: warning: title is not translated into 'en'"),
        "{}",
        text(&out)
    );
}

/// The seed says "تعرضت دورية لكمين قرب تدمر": a quote typed with harakat,
/// shadda, tatweel and a doubled space is the same words; one word
/// changed is not.
#[test]
fn quotes_match_the_seed_folded_not_byte_for_byte() {
    let project = valid_project();
    let path = project.path().join("content/articles/ambush.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    let exact = "quote: \"تعرضت دورية لكمين قرب تدمر\"";
    for (quote, found) in [
        ("تَعرّضت دوريـــة  لكمين قُرب تَدْمُر", true),
        ("تعرضت دورية لكمين قرب تدمر، وقتل جنديان أمريكيان", true),
        ("تعرضت دورية لكمين قرب حمص", false),
    ] {
        std::fs::write(&path, yaml.replace(exact, &format!("quote: \"{quote}\""))).unwrap();
        let out = run(project.path(), &["check", "--no-cache"]);
        let missing = text(&out).contains("ambush.yaml:11:12: error: quote not found in the article body");
        assert_eq!((out.status.code(), missing), (Some(if found { 0 } else { 1 }), !found), "{quote}: {}", text(&out));
    }
}

#[test]
fn hidden_and_editor_temp_files_are_ignored() {
    let project = valid_project();
    let articles = project.path().join("content/articles");
    std::fs::write(articles.join(".ambush.yaml.swp"), "\0binary").unwrap();
    std::fs::write(articles.join("ambush.yaml~"), "not: [yaml").unwrap();
    std::fs::write(articles.join("#ambush.yaml#"), "not: [yaml").unwrap();
    let out = run(project.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}
