//! Validation: every reference resolves, every value is well-formed, every
//! figure and event is backed by the seed's own words.
//!
//! Works on whatever `load` could read, and reports every problem it finds.

use crate::diag::{Diagnostic, did_you_mean};
use crate::load::locate::Locator;
use crate::load::{Loaded, Project, Seed, is_valid_slug};
use crate::model::{ArticleFile, LineRange, Localized, PartialDate};
use crate::text::fold;
use std::collections::{BTreeMap, BTreeSet};

/// Where in which file: the context every check reports against.
struct At<'a> {
    path: &'a str,
    locator: &'a Locator,
}

impl At<'_> {
    fn error(&self, field: &str, message: impl Into<String>) -> Diagnostic {
        let (line, col) = self.locator.locate(field);
        Diagnostic::error(self.path, line, col, message)
    }
    fn warning(&self, field: &str, message: impl Into<String>) -> Diagnostic {
        let (line, col) = self.locator.locate(field);
        Diagnostic::warning(self.path, line, col, message)
    }
}

/// All checks that need the whole project. `bodies` holds each article's kept
/// body as plain text, which quotes are looked up in (see [`Body`]).
pub fn validate(project: &Project, bodies: &BTreeMap<String, impl AsRef<str> + Sync>) -> Vec<Diagnostic> {
    validate_with(project, bodies, &mut ValidateMemo::default())
}

/// What validation keeps between rebuilds: each article's diagnostics, reused
/// while its parsed file is the same (the load cache hands back the same
/// value for an unchanged file) and nothing it is checked against changed:
/// its seed's text, the languages, the slugs of every kind, the broken files and the seeds present.
/// Only articles without errors are kept (an error's hint may read the disk).
#[derive(Default)]
pub struct ValidateMemo {
    /// Whether the articles' diagnostics are kept for a next run: a one-off
    /// `check` or `build` (the default) does not copy 10,000 of them on one core.
    keep: bool,
    context: u64,
    articles: rustc_hash::FxHashMap<String, Checked>,
    /// Articles whose kept diagnostics the last run reused.
    #[cfg(test)]
    reused: usize,
}

impl ValidateMemo {
    /// A memo that keeps what it checked, for rebuilds.
    pub fn keeping() -> ValidateMemo {
        ValidateMemo { keep: true, ..ValidateMemo::default() }
    }

    /// How many articles' diagnostics are kept, and how many the last run reused.
    #[cfg(test)]
    pub fn kept(&self) -> (usize, usize) {
        (self.articles.len(), self.reused)
    }
}

/// One article's last check: the parsed file and its seed's hash it was checked with, and what it found.
type Checked = (std::sync::Arc<ArticleFile>, Option<u64>, Vec<Diagnostic>);

/// The hash of everything an article is checked against besides itself and its body.
fn context_key(project: &Project, langs: &[&str]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    langs.hash(&mut h);
    project.topics.keys().for_each(|k| k.hash(&mut h));
    project.entities.keys().for_each(|k| k.hash(&mut h));
    project.articles.keys().for_each(|k| k.hash(&mut h));
    project.broken.hash(&mut h);
    project.seeds.keys().for_each(|k| k.hash(&mut h)); // which exist; an article's own seed is in its entry
    project.root.hash(&mut h);
    h.finish()
}

/// An article's kept body, in which quotes are looked up folded: diacritics,
/// hamza forms and spacing may differ from the seed's.
///
/// [`fold`] maps each character on its own, then collapses runs of spaces and
/// trims the ends, so the fold of a piece of a text is in the fold of the
/// text: a quote found word for word is found folded too. Most quotes are
/// copied from the seed, so the body is folded only for one that is not (at
/// 10,000 articles, folding every body was 7 % of a first `check`).
struct Body<'a> {
    text: &'a str,
    folded: std::cell::OnceCell<String>,
}

impl<'a> Body<'a> {
    fn new(text: &'a str) -> Body<'a> {
        Body { text, folded: std::cell::OnceCell::new() }
    }

    /// Whether `quote`, whose fold is `folded`, is in the body once both are folded.
    fn holds(&self, quote: &str, folded: &str) -> bool {
        let find = |haystack: &str, needle: &str| memchr::memmem::find(haystack.as_bytes(), needle.as_bytes());
        find(self.text, quote).is_some() || find(self.folded.get_or_init(|| fold(self.text)), folded).is_some()
    }
}

/// At most this many articles are checked one after the other by a rayon job
/// ([`crate::render::PAGES_PER_JOB`]).
const ARTICLES_PER_JOB: usize = 16;

/// [`validate`], reusing from `memo` the diagnostics of unchanged articles.
pub fn validate_with(
    project: &Project,
    bodies: &BTreeMap<String, impl AsRef<str> + Sync>,
    memo: &mut ValidateMemo,
) -> Vec<Diagnostic> {
    let langs: Vec<&str> = project.languages.iter().map(|l| l.code.as_str()).collect();
    let context = context_key(project, &langs);
    let mut previous = std::mem::take(&mut memo.articles);
    if memo.context != context {
        previous.clear();
    }
    memo.context = context;
    // Articles are checked on every core, each into its own list, then taken in order.
    let per_article: Vec<Vec<Diagnostic>> = {
        use rayon::prelude::*;
        let articles: Vec<(&Loaded<ArticleFile>, Option<Vec<Diagnostic>>)> = project
            .articles
            .values()
            .map(|a| {
                let seed = project.seeds.get(&a.value.seed).map(|s| s.hash);
                let kept =
                    previous.remove(&a.slug).filter(|(v, h, _)| std::sync::Arc::ptr_eq(v, &a.value) && *h == seed);
                (a, kept.map(|(_, _, d)| d))
            })
            .collect();
        #[cfg(test)]
        {
            memo.reused = articles.iter().filter(|(_, kept)| kept.is_some()).count();
        }
        let found: Vec<Vec<Diagnostic>> = articles
            .par_iter()
            .with_max_len(ARTICLES_PER_JOB)
            .map(|(article, kept)| {
                kept.clone().unwrap_or_else(|| {
                    let seed = project.seeds.get(&article.value.seed);
                    validate_article(project, article, seed, bodies.get(&article.slug).map(AsRef::as_ref))
                })
            })
            .collect();
        for ((article, _), found) in articles.iter().zip(&found).filter(|_| memo.keep) {
            if !found.iter().any(Diagnostic::is_error) {
                let seed = project.seeds.get(&article.value.seed).map(|s| s.hash);
                memo.articles.insert(article.slug.clone(), (article.value.clone(), seed, found.clone()));
            }
        }
        found
    };
    let mut diags: Vec<Diagnostic> = per_article.into_iter().flatten().collect();
    diags.extend(validate_rest(project));
    diags
}

/// The checks of one article's file, against its seed (`None` when it could
/// not be read) and its kept body (`None` when the seed was not ingested),
/// which its quotes are looked up in: what [`validate`] finds in the file.
/// `check` runs them as each seed is read and ingested, so that neither the
/// seeds nor the bodies are all held at once ([`validate_rest`] does the rest).
pub fn validate_article(
    project: &Project,
    article: &Loaded<ArticleFile>,
    seed: Option<&Seed>,
    body: Option<&str>,
) -> Vec<Diagnostic> {
    let langs: Vec<&str> = project.languages.iter().map(|l| l.code.as_str()).collect();
    let mut found = Vec::new();
    Checker { project, langs: &langs, diags: &mut found }.article(article, seed, body);
    found
}

/// What [`validate`] checks but each article's own file: the site
/// configuration, topics, entities and pages, and articles that read the
/// same lines of a seed (from `project.seeds`' line counts).
pub fn validate_rest(project: &Project) -> Vec<Diagnostic> {
    let langs: Vec<&str> = project.languages.iter().map(|l| l.code.as_str()).collect();
    let mut diags = Vec::new();
    if let Some(site) = &project.site {
        check_site(site, &mut diags);
    }
    let mut out = Checker { project, langs: &langs, diags: &mut diags };
    for topic in project.topics.values() {
        let at = At { path: &topic.path, locator: &topic.locator };
        out.localized(&at, "title", &topic.value.title, true);
        out.localized(&at, "summary", &topic.value.summary, false);
    }
    for entity in project.entities.values() {
        let at = At { path: &entity.path, locator: &entity.locator };
        out.localized(&at, "name", &entity.value.name, true);
        out.localized(&at, "description", &entity.value.description, false);
        for lang in entity.value.aliases.keys() {
            if !langs.contains(&lang.as_str()) {
                out.diags.push(at.warning(
                    &format!("aliases.{lang}"),
                    format!("aliases for '{lang}', which is not a site language"),
                ));
            }
        }
    }
    for versions in project.pages.values() {
        out.page(versions);
    }
    overlapping_articles(project, &mut diags);
    diags
}

/// Two articles that read the same lines of one seed share their text: a warning on the
/// second (by slug), naming the first. An article without `lines:` reads the whole seed.
fn overlapping_articles(project: &Project, diags: &mut Vec<Diagnostic>) {
    let mut sharing: BTreeMap<&str, Vec<&Loaded<ArticleFile>>> = BTreeMap::new();
    for article in project.articles.values() {
        sharing.entry(article.value.seed.as_str()).or_default().push(article);
    }
    // Only a seed read by two articles or more can overlap: the others are not counted.
    for (seed, readers) in sharing.into_iter().filter(|(_, readers)| readers.len() > 1) {
        let Some(lines) = project.seeds.get(seed).map(|s| s.lines) else { continue };
        let whole = LineRange { from: 1, to: lines.max(1) };
        let articles: Vec<(&Loaded<ArticleFile>, LineRange)> = readers
            .into_iter()
            .filter_map(|article| match &article.value.lines {
                None => Some((article, whole)),
                Some(text) => LineRange::parse(text).map(|r| (article, r)), // else reported as invalid
            })
            .collect();
        for (i, (later, range)) in articles.iter().enumerate() {
            let Some((earlier, other)) = articles[..i].iter().find(|(_, r)| r.overlaps(range)) else { continue };
            let at = At { path: &later.path, locator: &later.locator };
            let describe = |a: &ArticleFile, r: &LineRange| match a.lines {
                Some(_) => format!("lines {r}"),
                None => "the whole seed".to_string(),
            };
            let field = if later.value.lines.is_some() { "lines" } else { "seed" };
            diags.push(
                at.warning(
                    field,
                    format!(
                        "this article reads {} of seeds/{seed}, overlapping {} of article '{}'",
                        describe(&later.value, range),
                        describe(&earlier.value, other),
                        earlier.slug
                    ),
                )
                .with_hint(format!(
                    "give each article on seeds/{seed} its own lines: FROM-TO (see `nashra extract seeds/{seed}`)"
                )),
            );
        }
    }
}

fn check_site(site: &Loaded<crate::model::SiteConfig>, diags: &mut Vec<Diagnostic>) {
    let at = At { path: &site.path, locator: &site.locator };
    let langs: Vec<_> = site.value.languages.iter().map(|l| l.resolve()).collect();
    if langs.is_empty() {
        diags.push(
            at.error("languages", "no languages")
                .with_hint("list at least one language code, e.g. languages: [ar, en]"),
        );
    }
    let mut seen = BTreeSet::new();
    for (i, lang) in langs.iter().enumerate() {
        let code_ok = lang.code.len() >= 2
            && lang.code.split('-').enumerate().all(|(n, part)| {
                !part.is_empty()
                    && part.chars().all(|c| c.is_ascii_alphanumeric())
                    && (n > 0 || part.chars().all(|c| c.is_ascii_lowercase()))
            });
        if !code_ok {
            diags.push(
                at.error(&format!("languages[{i}]"), format!("invalid language code '{}'", lang.code))
                    .with_hint("use a BCP 47 code such as ar, en, fa or ku"),
            );
        }
        if !seen.insert(lang.code.clone()) {
            diags.push(
                at.error(&format!("languages[{i}]"), format!("language '{}' is listed twice", lang.code))
                    .with_hint("each language appears once in languages:"),
            );
        }
    }
    let mut c = Checker {
        project: &Project::default(),
        langs: &langs.iter().map(|l| l.code.as_str()).collect::<Vec<_>>(),
        diags,
    };
    c.localized(&at, "title", &site.value.title, true);
    c.localized(&at, "description", &site.value.description, false);
}

struct Checker<'a> {
    project: &'a Project,
    langs: &'a [&'a str],
    diags: &'a mut Vec<Diagnostic>,
}

impl Checker<'_> {
    /// Missing translations are warnings; a required field with no text at all is an error.
    fn localized(&mut self, at: &At, field: &str, text: &Localized, required: bool) {
        if self.langs.is_empty() {
            return; // no usable site.yaml: its own error says so
        }
        if text.values().all(|t| t.trim().is_empty()) {
            if required {
                self.diags.push(
                    at.error(field, format!("{field} has no text in any language"))
                        .with_hint(format!("write it at least in {}", self.langs.join(" or "))),
                );
                return;
            }
            if text.is_empty() {
                return;
            }
        }
        for lang in self.langs {
            match text.get(lang) {
                Some(t) if !t.trim().is_empty() => {}
                _ => self.diags.push(
                    at.warning(field, format!("{field} is not translated into '{lang}'"))
                        .with_hint(format!("add {lang}: \"…\" to {field}")),
                ),
            }
        }
        for lang in text.keys() {
            if !self.langs.contains(&lang.as_str()) {
                self.diags.push(
                    at.warning(&format!("{field}.{lang}"), format!("'{lang}' is not a site language"))
                        .with_hint(format!("site languages: {}", self.langs.join(", "))),
                );
            }
        }
    }

    fn reference<V>(
        &mut self,
        at: &At,
        field: &str,
        (kind, folder): (&str, &str),
        slug: &str,
        known: &BTreeMap<String, V>,
    ) {
        // A lookup, not a scan: at 10,000 articles every `related` entry scanned them all.
        if known.contains_key(slug) || self.project.broken.contains(&format!("{folder}/{slug}")) {
            return;
        }
        let hint = match did_you_mean(slug, known.keys().map(String::as_str)) {
            Some(best) => format!("did you mean '{best}'?"),
            None => format!("create content/{folder}/{slug}.yaml, or fix the slug"),
        };
        self.diags.push(at.error(field, format!("unknown {kind} '{slug}'")).with_hint(hint));
    }

    fn article(&mut self, article: &Loaded<ArticleFile>, seed: Option<&Seed>, body: Option<&str>) {
        let a = &article.value;
        let at = At { path: &article.path, locator: &article.locator };
        self.seed_reference(&at, &a.seed, seed.is_some());
        if a.draft && a.date.trim().is_empty() {
            self.diags.push(
                at.warning("date", "draft has no date yet: it is left out even with --drafts")
                    .with_hint("write the source's publication date as YYYY-MM-DD; `nashra add` lists the dates it found in the comment above"),
            );
        } else if PartialDate::parse(&a.date).filter(|d| d.is_full()).is_none() {
            self.diags.push(
                at.error("date", format!("invalid date '{}'", a.date))
                    .with_hint("write the publication date as YYYY-MM-DD, e.g. 2025-10-20"),
            );
        }
        // A draft may leave text empty for now: each empty field is a warning that names it.
        self.draft_text(a.draft, &at, "title", &a.title);
        self.draft_text(a.draft, &at, "summary", &a.summary);
        if let Some(note) = &a.date_note {
            self.localized(&at, "date_note", note, false);
        }
        if let Some(source) = &a.source {
            self.localized(&at, "source.name", &source.name, true);
            if let Some(via) = &source.via {
                self.localized(&at, "source.via", via, false);
            }
        }
        for (i, point) in a.key_points.iter().enumerate() {
            self.localized(&at, &format!("key_points[{i}]"), point, true);
        }
        let p = self.project;
        for (i, slug) in a.topics.iter().enumerate() {
            self.reference(&at, &format!("topics[{i}]"), ("topic", "topics"), slug, &p.topics);
        }
        for (i, slug) in a.entities.iter().enumerate() {
            self.reference(&at, &format!("entities[{i}]"), ("entity", "entities"), slug, &p.entities);
        }
        for (i, slug) in a.related.iter().enumerate() {
            if slug == &article.slug {
                self.diags.push(at.warning(&format!("related[{i}]"), "an article cannot be related to itself"));
            } else {
                self.reference(&at, &format!("related[{i}]"), ("article", "articles"), slug, &p.articles);
            }
        }
        let range_ok = self.line_range(&at, a, seed);
        // With a broken range the body is not this article's: quotes are checked once it is fixed.
        let body = body.filter(|_| range_ok).map(Body::new);
        for (i, f) in a.figures.iter().enumerate() {
            let field = format!("figures[{i}]");
            if !is_valid_slug(&f.metric) {
                self.diags.push(
                    at.error(&format!("{field}.metric"), format!("invalid metric key '{}'", f.metric))
                        .with_hint("metric keys use lower-case ASCII letters, digits and '-'"),
                );
            }
            if let Some(as_of) = &f.as_of
                && PartialDate::parse(as_of).is_none()
            {
                self.diags.push(
                    at.error(&format!("{field}.as_of"), format!("invalid date '{as_of}'"))
                        .with_hint("write YYYY, YYYY-MM or YYYY-MM-DD"),
                );
            }
            self.draft_text(a.draft, &at, &format!("{field}.label"), &f.label);
            self.quote(&at, &field, f.quote.as_deref(), body.as_ref(), &a.seed);
        }
        for (i, e) in a.events.iter().enumerate() {
            let field = format!("events[{i}]");
            if PartialDate::parse(&e.date).is_none() {
                self.diags.push(
                    at.error(&format!("{field}.date"), format!("invalid date '{}'", e.date))
                        .with_hint("write YYYY-MM-DD, or YYYY-MM / YYYY when the day is not known"),
                );
            }
            self.localized(&at, &format!("{field}.text"), &e.text, true);
            self.quote(&at, &field, e.quote.as_deref(), body.as_ref(), &a.seed);
        }
        if let Some(clean) = &a.clean {
            for (kind, list) in [("drop", &clean.drop), ("keep", &clean.keep)] {
                for (i, re) in list.iter().enumerate() {
                    if let Err(e) = regex::Regex::new(re) {
                        let msg = e.to_string().lines().last().unwrap_or("").to_string();
                        self.diags.push(
                            at.error(&format!("clean.{kind}[{i}]"), format!("invalid regular expression: {msg}")),
                        );
                    }
                }
            }
        }
        if a.draft {
            self.diags.push(
                at.warning("draft", "draft: left out of `build` and `snapshot` unless --drafts")
                    .with_hint("remove `draft: true` when the article is ready"),
            );
        }
    }

    /// Checks `lines:` against the seed; false when it is unusable.
    fn line_range(&mut self, at: &At, a: &crate::model::ArticleFile, seed: Option<&Seed>) -> bool {
        let Some(text) = &a.lines else { return true };
        let Some(range) = LineRange::parse(text) else {
            self.diags.push(at.error("lines", format!("invalid line range '{text}'")).with_hint(
                "write lines: FROM-TO with FROM <= TO, 1-based and inclusive, as `nashra extract` numbers the seed's lines, e.g. lines: 69-79",
            ));
            return false;
        };
        let Some(seed) = seed else { return true }; // reported by seed_reference
        let count = seed.lines;
        if range.to > count {
            self.diags.push(
                at.error("lines", format!("lines {range} go past the end of seeds/{} ({count} lines)", a.seed))
                    .with_hint(format!(
                        "the last line of the seed is {count}; check the range with `nashra extract seeds/{}`",
                        a.seed
                    )),
            );
            return false;
        }
        true
    }

    /// A required text field; in a draft, one with no text at all is a warning.
    fn draft_text(&mut self, draft: bool, at: &At, field: &str, text: &Localized) {
        if draft && !self.langs.is_empty() && text.values().all(|t| t.trim().is_empty()) {
            self.diags.push(
                at.warning(field, format!("{field} is empty (draft)"))
                    .with_hint(format!("write it in {} before publishing", self.langs.join(" and "))),
            );
        } else {
            self.localized(at, field, text, true);
        }
    }

    /// `loaded`: whether the seed was read and decoded.
    fn seed_reference(&mut self, at: &At, seed: &str, loaded: bool) {
        if loaded {
            return;
        }
        if !crate::load::is_seed_name(seed) {
            self.diags.push(
                at.error("seed", format!("invalid seed name '{seed}'"))
                    .with_hint("name a file directly inside seeds/, e.g. seed: 000_article.txt"),
            );
            return;
        }
        let path = self.project.root.join("seeds").join(seed);
        if path.is_file() {
            return; // it exists but did not load: its own diagnostic says why
        }
        let existing: Vec<String> = std::fs::read_dir(self.project.root.join("seeds"))
            .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        let hint = match did_you_mean(seed, existing.iter().map(String::as_str)) {
            Some(best) => format!("did you mean '{best}'?"),
            None => "put the scraped article text in seeds/ under this name".to_string(),
        };
        self.diags.push(at.error("seed", format!("seed file not found: seeds/{seed}")).with_hint(hint));
    }

    fn quote(&mut self, at: &At, field: &str, quote: Option<&str>, body: Option<&Body>, seed: &str) {
        let Some(quote) = quote else {
            self.diags.push(
                at.warning(field, "no quote: readers cannot verify this in the source")
                    .with_hint("add quote: \"…\" with the seed's own words that state it"),
            );
            return;
        };
        let Some(body) = body else { return }; // the seed did not load; reported elsewhere
        let folded = fold(quote);
        if folded.is_empty() {
            self.diags.push(at.error(&format!("{field}.quote"), "empty quote"));
        } else if !body.holds(quote, &folded) {
            self.diags.push(
                at.error(&format!("{field}.quote"), format!("quote not found in the article body of seeds/{seed}"))
                    .with_hint("copy the words exactly from one line of the seed's article text (diacritics, hamza forms and spacing may differ)"),
            );
        }
    }

    fn page(&mut self, versions: &[Loaded<crate::load::PageFile>]) {
        let have: BTreeSet<&str> = versions.iter().map(|p| p.value.lang.as_str()).collect();
        for page in versions {
            let at = At { path: &page.path, locator: &page.locator };
            if !self.langs.contains(&page.value.lang.as_str()) {
                self.diags.push(
                    at.warning("", format!("'{}' is not a site language: this page is not built", page.value.lang))
                        .with_hint(format!("site languages: {}", self.langs.join(", "))),
                );
            }
            if page.value.front.title.trim().is_empty() {
                self.diags.push(at.error("title", "page title is empty"));
            }
        }
        if let Some(first) = versions.first() {
            for lang in self.langs.iter().filter(|l| !have.contains(*l)) {
                self.diags.push(
                    Diagnostic::warning(
                        &first.path,
                        0,
                        0,
                        format!("page '{}' is not translated into '{lang}'", first.slug),
                    )
                    .with_hint(format!("add content/pages/{}.{lang}.md", first.slug)),
                );
            }
        }
    }
}
