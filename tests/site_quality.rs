//! The quality bar of the built bundled briefing, checked on the files alone:
//! every internal link and `#fragment` resolves, every page can be reached
//! from the landing page, nothing is loaded from another host, and two builds
//! are byte-identical. (What needs a browser is in `tests/browser/`.)
//!
//! The checks are plain functions from a built site to a list of problems, so
//! the tests at the bottom can show that they catch a deliberately broken site.

mod common;
use common::*;
use regex::Regex;
use scraper::Html;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, OnceLock};

/// Attributes that hold a URL the browser resolves (`srcset` holds several).
const URL_ATTRS: &[&str] = &["href", "src", "srcset", "poster", "action", "data"];

/// Elements whose URLs the browser fetches while showing the page.
const RESOURCE_ELEMENTS: &[&str] =
    &["link", "script", "img", "source", "iframe", "video", "audio", "track", "embed", "object", "input"];

/// `<link rel>` values that only describe another URL and never fetch it.
const DESCRIPTIVE_LINK_RELS: &[&str] = &["alternate", "canonical", "author", "license", "me", "help"];

/// One URL-valued attribute of one element.
#[derive(Debug)]
struct Ref {
    element: String,
    attr: String,
    url: String,
    /// The element's `rel` attribute, if any.
    link_rel: Option<String>,
}

/// What the checks need to know about one HTML page.
#[derive(Debug, Default)]
struct Page {
    refs: Vec<Ref>,
    ids: BTreeSet<String>,
    /// The text of its `<style>` elements and `style` attributes.
    inline_css: Vec<String>,
}

/// A built site: its HTML pages (by site path, with `/` separators) and every file.
struct Site {
    root: PathBuf,
    pages: BTreeMap<String, Page>,
    files: BTreeSet<String>,
}

impl Site {
    fn read(root: &Path) -> Site {
        let mut pages = BTreeMap::new();
        let mut files = BTreeSet::new();
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry.unwrap();
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = site_path(root, entry.path());
            if rel.ends_with(".html") {
                pages.insert(rel.clone(), parse_page(&std::fs::read_to_string(entry.path()).unwrap()));
            }
            files.insert(rel);
        }
        Site { root: root.to_path_buf(), pages, files }
    }

    fn is_dir(&self, rel: &str) -> bool {
        self.root.join(rel).is_dir()
    }

    /// The element ids of an HTML or SVG file of the site.
    fn ids(&self, rel: &str) -> Option<BTreeSet<String>> {
        if let Some(page) = self.pages.get(rel) {
            return Some(page.ids.clone());
        }
        if rel.ends_with(".svg") && self.files.contains(rel) {
            let svg = std::fs::read_to_string(self.root.join(rel)).unwrap();
            return Some(parse_page(&svg).ids);
        }
        None
    }
}

fn site_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap();
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

fn parse_page(html: &str) -> Page {
    let doc = Html::parse_document(html);
    let mut page = Page::default();
    for node in doc.root_element().descendants() {
        let Some(el) = node.value().as_element() else { continue };
        let element = el.name().to_ascii_lowercase();
        if let Some(id) = el.attr("id") {
            page.ids.insert(id.to_string());
        }
        if let Some(style) = el.attr("style") {
            page.inline_css.push(style.to_string());
        }
        if element == "style" {
            let text: String = node.descendants().filter_map(|n| n.value().as_text().map(|t| t.to_string())).collect();
            page.inline_css.push(text);
        }
        for (name, value) in el.attrs() {
            let name = name.to_ascii_lowercase();
            if !URL_ATTRS.contains(&name.as_str()) {
                continue;
            }
            let urls: Vec<String> = if name == "srcset" {
                // "url 2x, url 640w": a URL, then an optional descriptor.
                value.split(',').filter_map(|c| c.split_whitespace().next()).map(str::to_string).collect()
            } else {
                vec![value.trim().to_string()]
            };
            for url in urls {
                let link_rel = el.attr("rel").map(|r| r.to_ascii_lowercase());
                page.refs.push(Ref { element: element.clone(), attr: name.clone(), url, link_rel });
            }
        }
    }
    page
}

/// What a URL in the site points at.
#[derive(Debug, PartialEq)]
enum Target {
    /// A file of the site (`""` for the page itself), and the fragment after `#`, if any.
    Internal { path: String, fragment: Option<String> },
    /// `http:`, `https:` or scheme-relative `//host/…`.
    External,
    /// `mailto:`, `tel:`, `data:`: nothing to check.
    Ignored,
    /// A URL that can't work for this site, and why.
    Wrong(String),
}

/// Resolves `url`, found in the file at site path `base`.
fn resolve(base: &str, url: &str) -> Target {
    static SCHEME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([A-Za-z][A-Za-z0-9+.-]*):").unwrap());
    if url.starts_with("//") {
        return Target::External;
    }
    if let Some(scheme) = SCHEME.captures(url) {
        return match scheme[1].to_ascii_lowercase().as_str() {
            "http" | "https" => Target::External,
            "mailto" | "tel" | "data" => Target::Ignored,
            other => Target::Wrong(format!("unexpected `{other}:` URL")),
        };
    }
    if url.starts_with('/') {
        return Target::Wrong(
            "root-relative URL: breaks from file:// and when the site is served below the root".into(),
        );
    }
    let (rest, fragment) = match url.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (url, None),
    };
    let path = rest.split('?').next().unwrap_or("");
    let fragment = match fragment.map(percent_decode) {
        Some(Ok(f)) => Some(f),
        Some(Err(e)) => return Target::Wrong(e),
        None => None,
    };
    if path.is_empty() {
        return Target::Internal { path: String::new(), fragment };
    }
    let decoded = match percent_decode(path) {
        Ok(p) => p,
        Err(e) => return Target::Wrong(e),
    };
    let mut segments: Vec<&str> = base.split('/').collect();
    segments.pop(); // the file itself
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if segments.pop().is_none() {
                    return Target::Wrong("climbs above the site's root".into());
                }
            }
            s => segments.push(s),
        }
    }
    let mut path = segments.join("/");
    if decoded.ends_with('/') {
        path.push('/');
    }
    Target::Internal { path, fragment }
}

fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
            let Some(byte) = hex else { return Err(format!("bad percent-escape in `{s}`")) };
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("percent-escapes in `{s}` are not UTF-8"))
}

fn describe(page: &str, r: &Ref) -> String {
    format!("{page}: <{} {}=\"{}\">", r.element, r.attr, r.url)
}

/// Whether the file at `target` exists, or why not; `target` is a resolved internal path.
fn missing_file(site: &Site, target: &str) -> Option<String> {
    if target.ends_with('/') || site.is_dir(target) {
        Some("points at a folder: link to its index.html, which also works from file://".into())
    } else if !site.files.contains(target) {
        Some(format!("no such file `{target}` in the site"))
    } else {
        None
    }
}

/// Every internal URL in every page names a file of the site, and every fragment an id there.
fn broken_links(site: &Site) -> Vec<String> {
    let mut problems = Vec::new();
    for (page, content) in &site.pages {
        for r in &content.refs {
            let (path, fragment) = match resolve(page, &r.url) {
                Target::Internal { path, fragment } => (path, fragment),
                Target::Wrong(why) => {
                    problems.push(format!("{}: {why}", describe(page, r)));
                    continue;
                }
                Target::External | Target::Ignored => continue,
            };
            let target = if path.is_empty() { page.clone() } else { path };
            if let Some(why) = missing_file(site, &target) {
                problems.push(format!("{}: {why}", describe(page, r)));
                continue;
            }
            let Some(fragment) = fragment else { continue };
            if fragment.is_empty() {
                problems.push(format!("{}: empty fragment (`#` leads nowhere)", describe(page, r)));
            } else {
                match site.ids(&target) {
                    Some(ids) if ids.contains(&fragment) => {}
                    Some(_) => {
                        problems.push(format!("{}: no element with id `{fragment}` in {target}", describe(page, r)))
                    }
                    None => problems.push(format!("{}: a fragment into {target}, which has no ids", describe(page, r))),
                }
            }
        }
    }
    problems
}

/// `url(…)` and `@import "…"` in a piece of CSS.
fn css_urls(css: &str) -> Vec<String> {
    static URL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')"#).unwrap()
    });
    URL.captures_iter(css)
        .filter_map(|c| (1..=5).find_map(|i| c.get(i)).map(|m| m.as_str().trim().to_string()))
        .collect()
}

/// The CSS of the site (stylesheets, `<style>`, `style=""`): every URL is a file of the site.
fn css_problems(site: &Site) -> Vec<String> {
    let mut sources: Vec<(String, String)> = Vec::new();
    for file in site.files.iter().filter(|f| f.ends_with(".css")) {
        sources.push((file.clone(), std::fs::read_to_string(site.root.join(file)).unwrap()));
    }
    for (page, content) in &site.pages {
        sources.extend(content.inline_css.iter().map(|css| (page.clone(), css.clone())));
    }
    let mut problems = Vec::new();
    for (file, css) in &sources {
        for url in css_urls(css) {
            // `url(#id)` names an SVG element of the document itself.
            if url.starts_with('#') || url.is_empty() {
                continue;
            }
            match resolve(file, &url) {
                Target::Internal { path, .. } => {
                    if let Some(why) = missing_file(site, &path) {
                        problems.push(format!("{file}: CSS url({url}): {why}"));
                    }
                }
                Target::External => problems.push(format!("{file}: CSS url({url}): loads from another host")),
                Target::Wrong(why) => problems.push(format!("{file}: CSS url({url}): {why}")),
                Target::Ignored => {}
            }
        }
    }
    problems
}

/// No stylesheet, script, image, font or frame comes from another host (no CDN).
fn external_resources(site: &Site) -> Vec<String> {
    let mut problems = Vec::new();
    for (page, content) in &site.pages {
        for r in &content.refs {
            if !RESOURCE_ELEMENTS.contains(&r.element.as_str()) || r.attr == "action" {
                continue;
            }
            if r.element == "link" {
                let rels = r.link_rel.as_deref().unwrap_or("");
                if !rels.is_empty() && rels.split_whitespace().all(|rel| DESCRIPTIVE_LINK_RELS.contains(&rel)) {
                    continue;
                }
            }
            if resolve(page, &r.url) == Target::External {
                problems.push(format!("{}: loads from another host", describe(page, r)));
            }
        }
    }
    problems.extend(css_problems(site).into_iter().filter(|p| p.ends_with("loads from another host")));
    problems
}

/// Pages that no chain of links (`<a>`, `<area>`) from `index.html` reaches; 404.html needs none.
fn orphans(site: &Site) -> Vec<String> {
    let mut reached = BTreeSet::new();
    let mut queue = VecDeque::from(["index.html".to_string()]);
    while let Some(page) = queue.pop_front() {
        if !reached.insert(page.clone()) {
            continue;
        }
        let Some(content) = site.pages.get(&page) else { continue };
        for r in content.refs.iter().filter(|r| matches!(r.element.as_str(), "a" | "area") && r.attr == "href") {
            if let Target::Internal { path, .. } = resolve(&page, &r.url)
                && site.pages.contains_key(&path)
                && !reached.contains(&path)
            {
                queue.push_back(path);
            }
        }
    }
    site.pages
        .keys()
        .filter(|p| !reached.contains(*p) && p.as_str() != "404.html")
        .map(|p| format!("{p}: no link leads here from index.html"))
        .collect()
}

/// Builds the bundled briefing (this repository's project) into `out`.
fn build_bundled(out: &Path) {
    let result =
        nashra().arg("--project").arg(env!("CARGO_MANIFEST_DIR")).arg("build").arg("--out").arg(out).output().unwrap();
    assert!(result.status.success(), "building the bundled briefing failed:\n{}", text(&result));
}

/// The bundled briefing, built once for all the tests of this file.
fn bundled() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        // Under target/ rather than a TempDir: a static is never dropped, so a TempDir would leak.
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("site_quality/site");
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(out.parent().unwrap()).unwrap();
        build_bundled(&out);
        let site = Site::read(&out);
        assert!(site.pages.contains_key("index.html"), "the build wrote no index.html into {}", out.display());
        site
    })
}

fn assert_none(what: &str, problems: Vec<String>) {
    assert!(problems.is_empty(), "{} {what}:\n  {}", problems.len(), problems.join("\n  "));
}

#[test]
fn every_internal_link_and_fragment_resolves() {
    assert_none("broken internal link(s)", broken_links(bundled()));
}

#[test]
fn every_css_url_resolves() {
    assert_none("broken CSS url(s)", css_problems(bundled()));
}

#[test]
fn every_page_is_reachable_from_the_landing_page() {
    assert_none("orphan page(s)", orphans(bundled()));
}

#[test]
fn nothing_is_loaded_from_another_host() {
    assert_none("resource(s) from another host", external_resources(bundled()));
}

#[test]
fn two_builds_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build_bundled(&a);
    build_bundled(&b);
    let files = |root: &Path| -> BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(root)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| (site_path(root, e.path()), std::fs::read(e.path()).unwrap()))
            .collect()
    };
    let (a, b) = (files(&a), files(&b));
    let paths: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let differ: Vec<String> = paths
        .into_iter()
        .filter(|p| a.get(*p) != b.get(*p))
        .map(|p| match (a.get(p), b.get(p)) {
            (Some(_), Some(_)) => format!("{p}: contents differ"),
            (Some(_), None) => format!("{p}: only in the first build"),
            _ => format!("{p}: only in the second build"),
        })
        .collect();
    assert!(!a.is_empty(), "the build wrote nothing");
    assert_none("file(s) differ between two builds", differ);
}

// --- snapshot: the same bars inside an edition of the bundled briefing.

/// An edition of the bundled briefing, made in a copy of the project. Its
/// "latest briefing" links deliberately leave the edition (to `../../<lang>/`
/// when it sits in site/snapshots/), so they are the one exception allowed.
#[test]
fn an_edition_passes_the_same_checks_inside_its_own_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in ["content", "seeds", "themes"] {
        if repo.join(folder).is_dir() {
            copy_tree(&repo.join(folder), &tmp.path().join(folder));
        }
    }
    let out = run(tmp.path(), &["snapshot", "--label", "edition"]);
    assert!(out.status.success(), "{}", text(&out));
    let edition = Site::read(&tmp.path().join("site/snapshots/edition"));
    let latest = Regex::new(r#"^\.\./\.\./(ar|en)/index\.html">: climbs above the site's root$"#).unwrap();
    let all = broken_links(&edition);
    let total = all.len();
    let broken: Vec<String> = all
        .into_iter()
        .filter(|p| {
            // `<page>: <a href="<up to the edition root>../../<lang>/index.html">: climbs…`
            let Some((page, rest)) = p.split_once(": <a href=\"") else { return true };
            let up = "../".repeat(page.matches('/').count());
            !rest.strip_prefix(&up).is_some_and(|r| latest.is_match(r))
        })
        .collect();
    assert_eq!(total - broken.len(), edition.pages.len(), "one latest-briefing link per page");
    assert_none("broken internal link(s) in the edition", broken);
    assert_none("orphan page(s) in the edition", orphans(&edition));
    assert_none("resource(s) from another host in the edition", external_resources(&edition));
    assert_none("broken CSS url(s) in the edition", css_problems(&edition));
}
// --- end snapshot

// The checks themselves, on a small site broken on purpose.

fn broken_site() -> (tempfile::TempDir, Site) {
    let tmp = tempfile::tempdir().unwrap();
    let files: &[(&str, &str)] = &[
        (
            "index.html",
            r##"<!DOCTYPE html><html lang="ar" dir="rtl"><head><title>t</title>
<link rel="stylesheet" href="assets/style.css">
<link rel="canonical" href="https://example.org/">
<link rel="alternate" hreflang="en" href="en/index.html">
<script src="https://cdn.example.com/lib.js"></script>
</head><body>
<h1 id="top">t</h1>
<a href="en/index.html#intro">ok: page and id</a>
<a href="#top">ok: same page</a>
<a href="https://example.org/">ok: outside the site</a>
<a href="mailto:x@example.org">ok: mail</a>
<a href="en/%D9%85%D9%84%D9%81.html">ok: percent-encoded name</a>
<a href="missing.html">missing file</a>
<a href="en/">folder</a>
<a href="en/index.html#nowhere">missing id</a>
<a href="#gone">missing id on the same page</a>
<a href="#">empty fragment</a>
<a href="/en/index.html">root-relative</a>
<a href="../outside.html">above the root</a>
<img src="//cdn.example.com/pic.png" alt="">
<img srcset="assets/a.png 1x, assets/b.png 2x" src="assets/a.png" alt="">
<!-- <a href="commented-out.html"></a> -->
</body></html>"##,
        ),
        ("en/index.html", r#"<html><body><p id="intro">hi</p><a href="../index.html">home</a></body></html>"#),
        ("en/ملف.html", "<html><body><a href=\"reached.html\">on</a></body></html>"),
        ("en/reached.html", "<html><body>reached through an encoded link</body></html>"),
        ("orphan.html", "<html><body>nobody links here</body></html>"),
        ("404.html", "<html><body>needs no link</body></html>"),
        ("assets/a.png", ""),
        (
            "assets/style.css",
            "@font-face{src:url('fonts/missing.woff2')} body{background:url(https://fonts.example/x.png)} a{background:url(a.png)}",
        ),
    ];
    for (rel, content) in files {
        let path = tmp.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    let site = Site::read(tmp.path());
    (tmp, site)
}

/// Asserts that `problems` has exactly one problem mentioning each of `expected`, and nothing else.
fn assert_exactly(problems: &[String], expected: &[&str]) {
    for want in expected {
        let hits = problems.iter().filter(|p| p.contains(want)).count();
        assert_eq!(hits, 1, "expected one problem mentioning `{want}`, got:\n  {}", problems.join("\n  "));
    }
    assert_eq!(problems.len(), expected.len(), "unexpected problems:\n  {}", problems.join("\n  "));
}

#[test]
fn link_check_catches_each_kind_of_broken_link() {
    let (_tmp, site) = broken_site();
    assert_exactly(
        &broken_links(&site),
        &[
            "href=\"missing.html\">: no such file `missing.html`",
            "href=\"en/\">: points at a folder",
            "href=\"en/index.html#nowhere\">: no element with id `nowhere` in en/index.html",
            "href=\"#gone\">: no element with id `gone` in index.html",
            "href=\"#\">: empty fragment",
            "href=\"/en/index.html\">: root-relative URL",
            "href=\"../outside.html\">: climbs above",
            "srcset=\"assets/b.png\">: no such file",
        ],
    );
}

#[test]
fn css_check_catches_missing_and_external_urls() {
    let (_tmp, site) = broken_site();
    assert_exactly(
        &css_problems(&site),
        &[
            "assets/style.css: CSS url(fonts/missing.woff2): no such file",
            "url(https://fonts.example/x.png): loads from another host",
        ],
    );
}

#[test]
fn external_check_catches_cdn_resources_but_not_links_to_other_sites() {
    let (_tmp, site) = broken_site();
    assert_exactly(
        &external_resources(&site),
        &[
            "<script src=\"https://cdn.example.com/lib.js\">",
            "<img src=\"//cdn.example.com/pic.png\">",
            "fonts.example",
        ],
    );
}

#[test]
fn orphan_check_finds_unlinked_pages_but_not_404() {
    let (_tmp, site) = broken_site();
    assert_exactly(&orphans(&site), &["orphan.html: no link leads here"]);
}
