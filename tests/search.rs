//! Search on the built bundled briefing: every language has a search page
//! that, without JavaScript, says so and links to the topic and entity
//! indexes; its index script holds the documents and terms the page needs.
//! (The shared normalization vectors run in src/search/terms.rs and in
//! tests/browser/search.test.mjs; querying runs in the browser test.)

mod common;

use common::{nashra, text};
use scraper::{Html, Selector};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The bundled briefing, built once for this file.
fn site() -> &'static Path {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    SITE.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("search/site");
        let _ = std::fs::remove_dir_all(&out);
        let result = nashra()
            .arg("--project")
            .arg(env!("CARGO_MANIFEST_DIR"))
            .arg("build")
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(result.status.success(), "building the bundled briefing failed:\n{}", text(&result));
        out
    })
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

/// The index a language's search page names, parsed from its script.
fn index_of(lang: &str) -> serde_json::Value {
    let page = Html::parse_document(&std::fs::read_to_string(site().join(lang).join("search/index.html")).unwrap());
    let src = select(&page, "#search")[0].attr("data-index").unwrap().to_string();
    let script = std::fs::read_to_string(site().join(lang).join("search").join(&src)).unwrap();
    let json = script.split_once("window.NASHRA_SEARCH_INDEX = ").unwrap().1.trim_end().trim_end_matches(';');
    serde_json::from_str(json).unwrap()
}

#[test]
fn without_javascript_the_page_says_so_and_links_to_the_indexes() {
    for lang in ["ar", "en"] {
        let rel = format!("{lang}/search/index.html");
        let page = Html::parse_document(&std::fs::read_to_string(site().join(&rel)).unwrap());
        let note = select(&page, "#search-needs-js");
        assert_eq!(note.len(), 1, "{rel} has no no-JavaScript note");
        assert!(note[0].attr("hidden").is_none(), "{rel}: the note must show when no script runs");
        let links: Vec<&str> = select(&page, "#search-needs-js a").iter().filter_map(|a| a.attr("href")).collect();
        assert_eq!(links, [format!("../../{lang}/topics/index.html"), format!("../../{lang}/entities/index.html")]);
        assert!(select(&page, "#search-form")[0].attr("hidden").is_some(), "{rel}: the form needs the script");
    }
}

#[test]
fn every_page_links_to_its_languages_search() {
    for rel in ["en/index.html", "ar/articles/index.html", "en/topics/coalition-accession/index.html"] {
        let page = Html::parse_document(&std::fs::read_to_string(site().join(rel)).unwrap());
        let lang = &rel[..2];
        let hrefs: Vec<&str> = select(&page, ".site-nav a").iter().filter_map(|a| a.attr("href")).collect();
        assert!(hrefs.iter().any(|h| h.ends_with(&format!("{lang}/search/index.html"))), "{rel}: {hrefs:?}");
    }
}

#[test]
fn the_index_finds_names_through_clitics_and_points_at_real_pages() {
    let index = index_of("ar");
    let terms: Vec<&str> = index["terms"].as_array().unwrap().iter().filter_map(|t| t.as_str()).collect();
    let mut sorted = terms.clone();
    sorted.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
    assert_eq!(terms, sorted, "terms must be in the order JS compares strings");
    let docs = index["docs"].as_array().unwrap();
    // «التحالف», «للتحالف», «والتحالف» in the texts all land on one term.
    let at = terms.iter().position(|t| *t == "تحالف").expect("the coalition is indexed");
    let mut doc = 0;
    let mut found = Vec::new();
    for packed in index["postings"][at].as_array().unwrap() {
        doc += packed.as_u64().unwrap() as usize / 16; // doc gap × 16 + weight
        found.push(docs[doc][1].as_str().unwrap().to_string());
    }
    assert!(found.contains(&"../../ar/entities/anti-isis-coalition/index.html".to_string()), "{found:?}");
    assert!(found.iter().any(|u| u.contains("/articles/")), "{found:?}");
    for d in docs {
        let url = d[1].as_str().unwrap();
        assert!(site().join("ar/search").join(url).is_file(), "result link {url} leads nowhere");
    }
}

#[test]
fn the_english_index_holds_english_texts_and_the_arabic_original() {
    let index = index_of("en");
    let docs = index["docs"].as_array().unwrap();
    let article = docs
        .iter()
        .find(|d| d[1].as_str().unwrap().ends_with("articles/centcom-damascus-partnership/index.html"))
        .expect("the CENTCOM article is a document");
    assert_eq!(article[2], "en");
    assert_eq!(article[3], "Damascus and Washington: an unprecedented partnership against ISIS");
    let fields = article[4].as_array().unwrap();
    assert!(fields[0][1].as_str().unwrap().starts_with("A short news analysis"), "the summary comes first, as text");
    assert!(!fields[0][1].as_str().unwrap().contains("**"));
    assert_eq!(article[5], 1, "its original text is in a text shard");
    assert_eq!(index["dirs"]["ar"], "rtl");
    // The shard the page would load for this article holds its Arabic passages, with anchors.
    let id = docs.iter().position(|d| d == article).unwrap();
    let k = id / index["shard_size"].as_u64().unwrap() as usize;
    let shard = std::fs::read_to_string(site().join("en/search").join(index["shards"][k].as_str().unwrap())).unwrap();
    let json = shard.split_once(&format!("[{k}] = ")).unwrap().1.trim_end().trim_end_matches(';');
    let texts: serde_json::Value = serde_json::from_str(json).unwrap();
    let passages = texts[id.to_string()].as_array().expect("the article's passages");
    assert!(passages.iter().all(|p| p[0] == "ar" && p[2].as_str().is_some_and(|a| a.starts_with('p'))));
}
