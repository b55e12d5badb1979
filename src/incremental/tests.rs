//! After any single edit, an incremental rebuild equals a fresh full build,
//! byte for byte: one test per kind of input file.

use super::Workspace;
use crate::output::Output;
use crate::pipeline;
use crate::site::Drafts;
use std::path::{Path, PathBuf};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

use crate::testing::valid_project as project;

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Copies a file of the built-in theme into the project's theme, changed.
fn override_theme(root: &Path, rel: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(manifest().join("themes/default").join(rel)).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    let target = root.join("themes/default").join(rel);
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::write(target, text.replacen(from, to, 1)).unwrap();
}

/// Names of the pages where two outputs differ, for a readable failure.
fn differences(a: &Output, b: &Output) -> Vec<String> {
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().filter(|k| a.get(*k) != b.get(*k)).cloned().collect()
}

/// Builds, applies `change`, rebuilds incrementally, and compares with a fresh build.
/// Returns the pages the edit changed.
fn incremental_equals_full(change: impl Fn(&Path)) -> Vec<String> {
    let tmp = project();
    let root = tmp.path();
    let mut ws = Workspace::new(root, Drafts::Include);
    let (before, diags) = ws.rebuild_complete();
    let before = before.unwrap_or_else(|| panic!("fixture builds: {diags:?}"));
    change(root);
    let (after, diags) = ws.rebuild_complete();
    let (full, full_diags) = pipeline::compile(root, Drafts::Include);
    assert_eq!(diags, full_diags);
    let after = after.unwrap_or_else(|| panic!("edited project builds: {diags:?}"));
    let full = full.unwrap();
    assert!(differences(&after, &full).is_empty(), "incremental ≠ full at {:?}", differences(&after, &full));
    let changed = differences(&before, &after);
    assert!(!changed.is_empty(), "the edit changed nothing, so the test proves nothing");
    changed
}

/// `serve` reuses the diagnostics of every article it checked, and checks an
/// edited one again; a one-off build keeps none.
#[test]
fn rebuilds_keep_each_articles_check_and_a_build_does_not() {
    let tmp = crate::testing::aged_project(std::time::Duration::from_secs(3600)); // stamps trusted
    let mut ws = Workspace::new(tmp.path(), Drafts::Include);
    ws.rebuild().0.expect("fixture builds");
    let articles = std::fs::read_dir(tmp.path().join("content/articles")).unwrap().count();
    assert!(articles > 1);
    assert_eq!(ws.memo.validate.kept(), (articles, 0));
    ws.rebuild().0.expect("fixture builds");
    assert_eq!(ws.memo.validate.kept(), (articles, articles));
    edit(tmp.path(), "content/articles/ambush.yaml", "The Palmyra ambush", "The ambush, retitled");
    ws.rebuild().0.expect("edited fixture builds");
    assert_eq!(ws.memo.validate.kept(), (articles, articles - 1));
    let mut once = super::Memo::once(false);
    pipeline::prepare_with(
        tmp.path(),
        Drafts::Include,
        crate::snapshot::Mode::Live(&tmp.path().join("site")),
        &mut once,
    )
    .0
    .expect("fixture builds");
    assert_eq!(once.validate.kept(), (0, 0));
}

#[test]
fn site_config() {
    let changed = incremental_equals_full(|r| edit(r, "content/site.yaml", "en:", "en: Edited"));
    assert!(changed.iter().filter(|p| p.ends_with(".html")).count() > 10, "the title is on every page");
}

#[test]
fn article_yaml() {
    let changed =
        incremental_equals_full(|r| edit(r, "content/articles/ambush.yaml", "The Palmyra ambush", "Ambush, edited"));
    assert!(changed.contains(&"en/articles/ambush/index.html".to_string()));
    assert!(!changed.contains(&"ar/pages/about/index.html".to_string()), "pages that do not show it are kept");
}

#[test]
fn seed() {
    incremental_equals_full(|r| {
        let path = r.join("seeds/plain.txt");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(path, format!("{text}\nوأعلن تنظيم الدولة مسؤوليته عن الهجوم في بيان جديد.\n")).unwrap();
    });
}

#[test]
fn topic() {
    incremental_equals_full(|r| {
        edit(r, "content/topics/coalition.yaml", "Syria and the coalition", "Coalition, edited")
    });
}

#[test]
fn entity() {
    incremental_equals_full(|r| edit(r, "content/entities/isis.yaml", "[\"ISIS\"]", "[\"ISIS\", \"Daesh\"]"));
    incremental_equals_full(|r| edit(r, "content/entities/isis.yaml", "[\"داعش\"]", "[]"));
}

#[test]
fn page_markdown() {
    incremental_equals_full(|r| edit(r, "content/pages/about.en.md", "A test briefing.", "An edited briefing."));
}

#[test]
fn template() {
    incremental_equals_full(|r| {
        override_theme(r, "templates/article.html", "<article class=\"article\">", "<article class=\"article edited\">")
    });
}

#[test]
fn stylesheet() {
    let changed = incremental_equals_full(|r| override_theme(r, "static/style.css", "{", "{outline:0;"));
    assert!(changed.iter().any(|p| p.starts_with("assets/style.")));
}

#[test]
fn interface_strings() {
    incremental_equals_full(|r| {
        override_theme(r, "i18n/en.yaml", "draft: \"Draft\"", "draft: \"Not final\"\nskip_to_content: \"Skip\"")
    });
}

#[test]
fn added_article() {
    let changed = incremental_equals_full(|r| {
        let text = std::fs::read_to_string(r.join("content/articles/ambush.yaml")).unwrap();
        std::fs::write(r.join("content/articles/second-ambush.yaml"), text.replace("2025-12-14", "2025-12-20"))
            .unwrap();
    });
    assert!(changed.contains(&"en/articles/second-ambush/index.html".to_string()));
}

#[test]
fn deleted_page_file() {
    let changed = incremental_equals_full(|r| std::fs::remove_file(r.join("content/pages/about.ar.md")).unwrap());
    assert!(changed.contains(&"ar/pages/about/index.html".to_string()));
}

#[test]
fn renamed_article_slug() {
    incremental_equals_full(|r| {
        std::fs::rename(r.join("content/articles/ambush.yaml"), r.join("content/articles/palmyra-ambush.yaml"))
            .unwrap();
    });
}

#[test]
fn draft_flag() {
    incremental_equals_full(|r| {
        edit(r, "content/articles/ambush.yaml", "date: 2025-12-14", "date: 2025-12-14\ndraft: true")
    });
}

#[test]
fn broken_then_fixed() {
    let tmp = project();
    let root = tmp.path();
    let mut ws = Workspace::new(root, Drafts::Include);
    let (good, _) = ws.rebuild_complete();
    assert!(good.is_some());
    edit(root, "content/articles/ambush.yaml", "topics: [coalition]", "topics: [coalition");
    let (broken, diags) = ws.rebuild_complete();
    assert!(broken.is_none());
    assert!(diags.iter().any(|d| d.is_error() && d.path == "content/articles/ambush.yaml" && d.line > 0));
    assert_eq!(ws.build, 1, "a failed build is not counted");
    edit(
        root,
        "content/articles/ambush.yaml",
        "topics: [coalition",
        "topics: [coalition]\nkey_points: [{en: \"New\", ar: \"جديد\"}]",
    );
    let (fixed, _) = ws.rebuild_complete();
    let (full, _) = pipeline::compile(root, Drafts::Include);
    let (fixed, full) = (fixed.unwrap(), full.unwrap());
    assert!(differences(&fixed, &full).is_empty(), "{:?}", differences(&fixed, &full));
    assert!(ws.stats().rendered < ws.stats().pages, "only pages showing the article were rendered");
}

#[test]
fn unchanged_project_renders_nothing_and_ingests_nothing() {
    let tmp = project();
    let mut ws = Workspace::new(tmp.path(), Drafts::Include);
    ws.rebuild_complete();
    assert_eq!(ws.stats().ingested, 2);
    let (again, _) = ws.rebuild_complete();
    assert_eq!((ws.stats().ingested, ws.stats().rendered, ws.stats().theme_compiled), (0, 0, false));
    assert_eq!(*again.unwrap(), pipeline::compile(tmp.path(), Drafts::Include).0.unwrap());
}

#[test]
fn line_range_of_an_article() {
    // A seed with a fourth line, read whole first; then `lines:` cuts it off. Only the
    // article file changes, so the ingestion must be keyed on `lines:` as well as the seed.
    let tmp = project();
    let root = tmp.path();
    let seed = root.join("seeds/plain.txt");
    let text = std::fs::read_to_string(&seed).unwrap();
    std::fs::write(&seed, format!("{}\nوأعلن تنظيم الدولة مسؤوليته عن الهجوم في بيان جديد.\n", text.trim_end()))
        .unwrap();
    let mut ws = Workspace::new(root, Drafts::Include);
    let (before, diags) = ws.rebuild_complete();
    let before = before.unwrap_or_else(|| panic!("fixture builds: {diags:?}"));
    edit(root, "content/articles/ambush.yaml", "seed: plain.txt", "seed: plain.txt\nlines: 1-3");
    let (after, _) = ws.rebuild_complete();
    let (full, _) = pipeline::compile(root, Drafts::Include);
    let (after, full) = (after.unwrap(), full.unwrap());
    assert!(differences(&after, &full).is_empty(), "incremental ≠ full at {:?}", differences(&after, &full));
    assert!(differences(&before, &after).contains(&"ar/articles/ambush/index.html".to_string()));
}

#[test]
fn pages_rendered_on_request_equal_the_full_build() {
    // What `serve` does: after an edit, pages are rendered one by one as tabs ask
    // for them, before (or without) the background pass.
    let tmp = project();
    let root = tmp.path();
    let mut ws = Workspace::new(root, Drafts::Include);
    ws.rebuild_complete().0.expect("fixture builds");
    edit(root, "content/articles/ambush.yaml", "The Palmyra ambush", "The ambush, retitled");
    let (site, _) = ws.rebuild();
    let site = site.expect("edited project builds");
    let (full, _) = pipeline::compile(root, Drafts::Include);
    let full = full.unwrap();
    for (path, bytes) in &full {
        let served = site.get(path).unwrap_or_else(|| panic!("{path} is served")).unwrap();
        assert!(*served == *bytes, "{path}: rendered on request ≠ full build");
    }
    // `get` renders a page from its path without looking in every path first:
    // it must have no more pages than the build. Near misses of real paths:
    for missing in [
        "en/articles/nothing-here/index.html",
        "en/articles/ambush/index.htm",
        "en/articles/ambush/more/index.html",
        "en/articles/ambush/",
        "en/topics/nothing-here/index.html",
        "en/entities/nothing-here/index.html",
        "en/timeline/more/index.html",
        "en/nothing.html",
        "fr/index.html",
        "en/feed.xml.gz",
        "sitemap.xml/index.html",
        "assets/nothing.css",
        "",
    ] {
        assert!(!site.has(missing), "{missing}");
        assert!(site.get(missing).is_none(), "{missing} is served");
    }
    assert!(full.keys().all(|path| site.has(path)));
    assert!(String::from_utf8_lossy(&site.get("en/articles/ambush/index.html").unwrap().unwrap()).contains("retitled"));
}

/// Not a test: prints the stages of one-article rebuilds of the project named by
/// `NASHRA_PROFILE_PROJECT` (a copy is edited), for profiling serve's rebuild:
/// `NASHRA_PROFILE_PROJECT=/tmp/p cargo test --release profile_rebuilds -- --ignored --nocapture`.
#[test]
#[ignore]
fn profile_rebuilds() {
    let Some(root) = std::env::var_os("NASHRA_PROFILE_PROJECT") else { return };
    let root = PathBuf::from(root);
    let mut ws = Workspace::new(&root, Drafts::Include);
    ws.rebuild().0.expect("the project builds");
    let article = std::fs::read_dir(root.join("content/articles")).unwrap().next().unwrap().unwrap().path();
    let text = std::fs::read_to_string(&article).unwrap();
    for i in 0..20 {
        let edited = text.replacen("title:\n  en: \"", &format!("title:\n  en: \"[{i}] "), 1);
        std::fs::write(&article, edited).unwrap();
        let started = std::time::Instant::now();
        let (site, _) = ws.rebuild();
        let site = site.expect("the edited project builds");
        let rebuilt = started.elapsed();
        let slug = article.file_stem().unwrap().to_string_lossy();
        site.get(&format!("en/articles/{slug}/index.html")).expect("the article has a page").unwrap();
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        // What a tab waits for: the rebuild, then its page rendered.
        println!("{}; served {:.1} ms, page {:.1} ms", ws.stats(), ms(rebuilt), ms(started.elapsed() - rebuilt));
    }
    std::fs::write(&article, text).unwrap();
}

#[test]
fn serve_starts_from_the_persistent_cache_then_rebuilds_from_memory() {
    let tmp = project();
    let root = tmp.path();
    // A one-off build fills the cache, as `nashra build` would.
    let (full, _) = pipeline::compile_with(
        root,
        Drafts::Include,
        crate::snapshot::Mode::Live(&root.join("site")),
        &mut crate::incremental::Memo::once(true),
    );
    assert!(root.join(crate::cache::DIR).join("ingest").is_file());
    let mut ws = Workspace::new(root, Drafts::Include);
    ws.use_cache();
    let (first, _) = ws.rebuild_complete();
    assert!(differences(&first.unwrap(), &full.unwrap()).is_empty(), "a warm first build is the full build");
    let stats = ws.stats();
    assert_eq!((stats.ingested, stats.cached, stats.seeds), (0, 2, 2));
    assert!(stats.cache.as_ref().is_some_and(|c| c.written.is_none() && c.error.is_none()), "nothing to write");
    // Later rebuilds reuse the memo alone: the cache is neither read nor written.
    edit(root, "seeds/plain.txt", "بالرد على", "بالرد الحاسم على");
    let written = std::fs::read(root.join(crate::cache::DIR).join("ingest")).unwrap();
    let (second, _) = ws.rebuild_complete();
    let stats = ws.stats();
    assert_eq!((stats.ingested, stats.cached, stats.seeds), (1, 0, 2));
    assert!(stats.cache.is_none());
    assert_eq!(std::fs::read(root.join(crate::cache::DIR).join("ingest")).unwrap(), written);
    let (full, _) = pipeline::compile(root, Drafts::Include);
    assert!(differences(&second.unwrap(), &full.unwrap()).is_empty());
}
