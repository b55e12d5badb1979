//! Authoring: `init` starts a project, `add` turns a scraped article into a
//! draft, drafts stay out of `build` unless `--drafts`, and the terminal
//! output behaves in pipes. Runs the real binary on the real seeds.

mod common;
use common::*;
use std::fs;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn seed(stem: &str) -> PathBuf {
    repo().join("seeds").join(format!("{stem}.txt"))
}

const SEEDS: [&str; 5] = [
    "000_633bce33b27bf64e",
    "001_702b1aa0186a693c",
    "002_caa48963085c34b0",
    "003_7bf24089af2b59ad",
    "004_b392eab0c756c445",
];

/// The headline line of each seed, as labelled for ingestion (tests/fixtures/ingest/README.md:
/// 001 prints its headline in a card after the body); `None`: the seed has no headline.
const HEADLINE_LINES: [Option<usize>; 5] = [None, Some(13), Some(1), Some(3), None];

/// `nashra init` into a fresh temporary folder; returns (tempdir guard, project path).
fn fresh_project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("briefing");
    let out = nashra().arg("init").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    (tmp, dir)
}

fn add(project: &Path, args: &[&str], seed: &Path) -> std::process::Output {
    nashra().arg("--project").arg(project).arg("add").arg(seed).args(args).output().unwrap()
}

fn check_json(project: &Path) -> serde_json::Value {
    let out = run(project, &["check", "--format", "json"]);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)))
}

fn yaml(path: &Path) -> serde_yaml::Value {
    serde_yaml::from_str(&fs::read_to_string(path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn init_then_check_then_build_succeed_on_a_fresh_folder() {
    let (_tmp, dir) = fresh_project();
    let check = run(&dir, &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
    assert!(text(&check).contains("0 error(s), 0 warning(s)"), "{}", text(&check));
    let build = run(&dir, &["build"]);
    assert_eq!(build.status.code(), Some(0), "{}", text(&build));
    assert!(dir.join("site/index.html").is_file() && dir.join("site/ar/index.html").is_file());
    assert!(!dir.join("themes").exists(), "the default theme is used from the binary");
    let ignore = fs::read_to_string(dir.join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "/site/*") && ignore.lines().any(|l| l == "!/site/snapshots/"), "{ignore}");
    assert!(ignore.lines().any(|l| l == "/.nashra/"), "the ingestion cache is not committed: {ignore}");
    let site = fs::read_to_string(dir.join("content/site.yaml")).unwrap();
    assert!(site.contains("languages: [ar, en]"), "{site}");
}

#[test]
fn init_with_options_and_an_ejected_theme_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("b");
    let out = nashra()
        .args(["init", "--languages", "en,ar", "--title", "Weekly: \"Levant\" notes", "--eject-theme"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(dir.join("themes/default/templates").is_dir());
    let site = yaml(&dir.join("content/site.yaml"));
    assert_eq!(site["title"]["en"], "Weekly: \"Levant\" notes");
    assert_eq!(site["languages"][0], "en");
    let build = run(&dir, &["build"]);
    assert_eq!(build.status.code(), Some(0), "{}", text(&build));
    let home = fs::read_to_string(dir.join("site/en/index.html")).unwrap();
    assert!(home.contains("Weekly: &quot;Levant&quot; notes") || home.contains("Weekly: \"Levant\" notes"));
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let out = nashra().arg("init").arg(tmp.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("not empty"), "{}", text(&out));
    let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["notes.txt"]);
    assert_eq!(fs::read_to_string(tmp.path().join("notes.txt")).unwrap(), "mine");
}

#[test]
fn add_makes_a_draft_of_every_seed_that_check_accepts() {
    let (_tmp, dir) = fresh_project();
    for (stem, headline_line) in SEEDS.iter().zip(HEADLINE_LINES) {
        let out = add(&dir, &[], &seed(stem));
        assert_eq!(out.status.code(), Some(0), "{stem}: {}", text(&out));
        assert_eq!(
            fs::read(dir.join(format!("seeds/{stem}.txt"))).unwrap(),
            fs::read(seed(stem)).unwrap(),
            "copied unchanged"
        );
        let slug = stem.replace('_', "-");
        let draft = yaml(&dir.join(format!("content/articles/{slug}.yaml")));
        assert_eq!(draft["draft"], true);
        assert_eq!(draft["seed"], format!("{stem}.txt"));
        assert_eq!(draft["title"]["en"], "");
        assert_eq!(draft["summary"]["ar"], "");
        let title = draft["title"]["ar"].as_str().unwrap().to_string();
        match headline_line {
            Some(n) => {
                let gold = fs::read_to_string(repo().join(format!("tests/fixtures/ingest/{stem}.gold"))).unwrap();
                assert!(gold.lines().any(|l| l == format!("{n}\tB")), "{stem}: line {n} is labelled body");
                let raw = fs::read_to_string(seed(stem)).unwrap();
                let line = raw.lines().nth(n - 1).unwrap();
                assert_eq!(title, line.split_whitespace().collect::<Vec<_>>().join(" "), "{stem}");
            }
            None => assert_eq!(title, "", "{stem}: no headline, none invented"),
        }
    }
    let report = check_json(&dir);
    assert_eq!(report["errors"], 0, "{report:#}");
    let diags = report["diagnostics"].as_array().unwrap();
    let has = |path: &str, needle: &str| {
        diags
            .iter()
            .any(|d| d["path"] == path && d["severity"] == "warning" && d["message"].as_str().unwrap().contains(needle))
    };
    for stem in SEEDS {
        let path = format!("content/articles/{}.yaml", stem.replace('_', "-"));
        assert!(has(&path, "summary is empty"), "{path}");
        assert!(has(&path, "title is not translated into 'en'") || has(&path, "title is empty"), "{path}");
        assert!(has(&path, "draft"), "check lists the draft: {path}");
    }
    // Every seed with numbers got figures, each with a quote `check` found (errors == 0 above).
    let figures =
        |stem: &str| yaml(&dir.join(format!("content/articles/{}.yaml", stem.replace('_', "-"))))["figures"].clone();
    for stem in SEEDS {
        let list = figures(stem);
        let list = list.as_sequence().unwrap();
        assert!(!list.is_empty(), "{stem}");
        assert!(list.iter().all(|f| !f["quote"].as_str().unwrap().is_empty()));
    }
}

#[test]
fn check_does_verify_the_quotes_of_drafts() {
    let (_tmp, dir) = fresh_project();
    assert_eq!(add(&dir, &[], &seed("001_702b1aa0186a693c")).status.code(), Some(0));
    let path = dir.join("content/articles/001-702b1aa0186a693c.yaml");
    let draft = fs::read_to_string(&path).unwrap();
    let quote = yaml(&path)["figures"][0]["quote"].as_str().unwrap().to_string();
    fs::write(&path, draft.replace(&quote, "كلمات ليست في المقال")).unwrap();
    let report = check_json(&dir);
    assert_eq!(report["errors"], 1, "{report:#}");
    assert!(report["diagnostics"].to_string().contains("quote not found in the article body"), "{report:#}");
}

#[test]
fn dates_are_proposed_from_the_text_and_never_from_the_clock() {
    let (_tmp, dir) = fresh_project();
    assert_eq!(add(&dir, &[], &seed("003_7bf24089af2b59ad")).status.code(), Some(0));
    assert_eq!(add(&dir, &[], &seed("000_633bce33b27bf64e")).status.code(), Some(0));
    let with = fs::read_to_string(dir.join("content/articles/003-7bf24089af2b59ad.yaml")).unwrap();
    // The tweet's "January 24, 2025" is the latest full date; the other candidates are listed.
    assert!(with.contains("date: \"2025-01-24\""), "{with}");
    assert!(with.contains("«8 Dec 2024»") && with.contains("«24 يناير/كانون الثاني»"), "{with}");
    let without = fs::read_to_string(dir.join("content/articles/000-633bce33b27bf64e.yaml")).unwrap();
    assert!(without.contains("date: \"\""), "{without}");
    assert!(without.contains("«سبتمبر/أيلول 2014»"), "partial dates are listed: {without}");
    let report = check_json(&dir);
    let msg = report["diagnostics"].to_string();
    assert!(msg.contains("draft has no date yet"), "{report:#}");
    assert_eq!(report["errors"], 0);
}

#[test]
fn adding_the_same_seed_twice_is_refused() {
    let (_tmp, dir) = fresh_project();
    assert_eq!(add(&dir, &[], &seed("002_caa48963085c34b0")).status.code(), Some(0));
    let article = dir.join("content/articles/002-caa48963085c34b0.yaml");
    let before = fs::read(&article).unwrap();
    // The same text under another name is still the same seed.
    let copy = dir.parent().unwrap().join("renamed.txt");
    fs::copy(seed("002_caa48963085c34b0"), &copy).unwrap();
    for again in [seed("002_caa48963085c34b0"), copy] {
        let out = add(&dir, &["--slug", "other"], &again);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(text(&out).contains("seeds/002_caa48963085c34b0.txt"), "{}", text(&out));
        assert!(text(&out).contains("content/articles/002-caa48963085c34b0.yaml"), "{}", text(&out));
    }
    assert_eq!(fs::read(&article).unwrap(), before);
    assert!(!dir.join("content/articles/other.yaml").exists());
    assert!(!dir.join("seeds/renamed.txt").exists());
}

#[test]
fn update_fills_only_empty_fields() {
    let (_tmp, dir) = fresh_project();
    assert_eq!(add(&dir, &[], &seed("001_702b1aa0186a693c")).status.code(), Some(0));
    let path = dir.join("content/articles/001-702b1aa0186a693c.yaml");
    let edited = fs::read_to_string(&path)
        .unwrap()
        .replace("summary:\n  ar: \"\"", "summary:\n  ar: \"ملخص كتبته بنفسي\"")
        .replace("draft: true\n", "draft: true\n# my own note\n");
    let edited = edited.replacen("  ar: \"دمشق", "  ar: \"عنواني: دمشق", 1);
    fs::write(&path, &edited).unwrap();
    let out = add(&dir, &["--update", "--title-en", "Damascus and Washington"], &seed("001_702b1aa0186a693c"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let after = fs::read_to_string(&path).unwrap();
    assert!(after.contains("ملخص كتبته بنفسي") && after.contains("# my own note") && after.contains("عنواني: دمشق"));
    assert!(after.contains("  en: \"Damascus and Washington\""), "{after}");
    assert_eq!(after.replace("  en: \"Damascus and Washington\"", "  en: \"\""), edited, "nothing else changed");
}

#[test]
fn drafts_are_left_out_of_build_unless_asked_for() {
    let (_tmp, dir) = fresh_project();
    assert_eq!(add(&dir, &["--slug", "intelligence"], &seed("003_7bf24089af2b59ad")).status.code(), Some(0));
    let page = dir.join("site/ar/articles/intelligence/index.html");
    let out = run(&dir, &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!page.exists());
    let out = run(&dir, &["build", "--drafts"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(page.exists());
}

#[test]
fn entities_and_topics_are_suggested_from_the_briefing() {
    // The bundled briefing without its article on seed 003, which is then added again.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    copy_tree(&repo().join("content"), &dir.join("content"));
    copy_tree(&repo().join("seeds"), &dir.join("seeds"));
    fs::remove_file(dir.join("content/articles/us-syria-intelligence-coordination.yaml")).unwrap();
    fs::remove_file(dir.join("seeds/003_7bf24089af2b59ad.txt")).unwrap();
    let out = add(dir, &["--slug", "intelligence"], &seed("003_7bf24089af2b59ad"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let text_of = fs::read_to_string(dir.join("content/articles/intelligence.yaml")).unwrap();
    let draft = yaml(&dir.join("content/articles/intelligence.yaml"));
    let list = |k: &str| -> Vec<String> {
        draft[k].as_sequence().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
    };
    let entities = list("entities");
    // Named with clitics in the text: «بالتنسيق مع الاستخبارات», «في الرصافة», «لداعش».
    for e in ["isis", "rusafa", "sayyida-zaynab-shrine", "washington-post", "ahmed-qurabi", "damascus"] {
        assert!(entities.contains(&e.to_string()), "{e} missing from {entities:?}");
    }
    assert!(text_of.contains("#   isis: "), "mention counts are commented");
    assert!(
        list("topics").contains(&"us-syria-intelligence-cooperation".to_string())
            || list("topics").contains(&"isis-resurgence-strategy".to_string()),
        "{:?}",
        list("topics")
    );
    let figures = draft["figures"].as_sequence().unwrap();
    assert!(figures.iter().any(|f| f["value"] == "4" && f["quote"].as_str().unwrap().contains("أربعة أشخاص")));
    let report = check_json(dir);
    assert_eq!(report["errors"], 0, "{report:#}");
}

#[test]
fn terminal_output_is_plain_in_pipes_and_quiet_when_asked() {
    let (_tmp, dir) = fresh_project();
    assert_eq!(add(&dir, &[], &seed("003_7bf24089af2b59ad")).status.code(), Some(0));
    let check = run(&dir, &["check"]);
    assert!(text(&check).contains("warning:") && !text(&check).contains('\x1b'), "{}", text(&check));
    assert!(
        text(&check).contains("drafts (left out of build unless --drafts): content/articles/003-7bf24089af2b59ad.yaml"),
        "check lists the drafts: {}",
        text(&check)
    );
    let build = run(&dir, &["build"]);
    let said = String::from_utf8_lossy(&build.stderr).to_string();
    let summary = said.lines().last().unwrap_or("");
    assert!(summary.starts_with("built ") && summary.contains(" pages in ") && summary.contains(" s → "), "{said}");
    let quiet = run(&dir, &["--quiet", "build"]);
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "", "quiet: no warnings, no summary");
}
