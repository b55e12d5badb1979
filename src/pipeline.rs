//! The one pipeline every command shares: load → validate → model → render.
//!
//! `build`, `check`, `serve` and `snapshot` call [`compile_with`] and
//! differ only in what they do with its [`Output`]: write it to disk, report
//! its diagnostics, serve it from memory, or archive it.

use crate::cache;
use crate::diag::{self, Diagnostic};
use crate::incremental::{self, Memo};
use crate::ingest::{ArticleText, Extraction};
use crate::load::{self, Project};
use crate::model::ArticleFile;
use crate::output::{self, Output};
use crate::render::{self, theme};
use crate::site::{self, Drafts, Site};
use crate::snapshot;
use crate::term::Term;
use crate::validate;
use crate::{ingest, link};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

/// Ingests every article's seed once, with its `clean:` overrides and `lines:`
/// range. An override that matches no line is a warning: it is stale or
/// mistyped. An article whose seed text and overrides are unchanged since the
/// memo was filled is not ingested again, nor one that `store` (the persistent
/// cache, when used) holds; the others are ingested, and decoded, in parallel.
/// What is ingested anew is put in `store` for the next run.
/// Each seed's text is taken out of `project` ([`take_texts`]) and, unless
/// `serve`'s load cache holds it too, freed as soon as its articles are done:
/// nothing later reads it, and the stages after ingestion reuse its memory
/// (93 MB of seeds at 10,000 articles).
fn extract_all(
    project: &mut Project,
    memo: &mut Memo,
    mut store: Option<&mut cache::IngestCache>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, ArticleText> {
    use rayon::prelude::*;
    let mut previous = std::mem::take(&mut memo.extractions);
    let mut previous_docs = std::mem::take(&mut memo.documents);
    let texts = take_texts(project);
    let project = &*project;
    let stored = take_stored(project, texts, store.as_deref_mut());
    // Allocated at its final size, as the lists below: a list grown job by job
    // is copied at every doubling, into fresh memory, with the other core idle.
    let mut jobs = Vec::with_capacity(stored.len());
    jobs.extend(stored.into_iter().filter_map(|(slug, a, text, stored_key, stored)| {
        let key = incremental::ingest_key(project.seeds.get(&a.value.seed)?, &a.value);
        let reused = previous.remove(slug).filter(|e| e.key == key).zip(previous_docs.remove(slug));
        Some((slug, a, text, key, (stored_key, stored), reused))
    }));
    let store_ref = store.as_deref();
    let done: Vec<_> = jobs
        .into_par_iter()
        .with_max_len(SEEDS_PER_JOB)
        .map(|(slug, a, text, key, (stored_key, stored), reused)| {
            let cached = || {
                let (unmatched, body, doc) = store_ref?.ingestion(stored.as_ref()?)?;
                Some((incremental::Ingested { key, unmatched, body: body.into() }, doc))
            };
            let (origin, (entry, doc)) = match reused {
                Some(pair) => (Origin::Memory, pair),
                None => match cached() {
                    Some(pair) => (Origin::Cache, pair),
                    None => {
                        let (doc, cache::Entry { unmatched, body }) = ingest_one(&text, &a.value, stored_key.is_some());
                        // What is ingested anew is put in the store whole; the run keeps its article text.
                        let encoded = stored_key.map(|k| (k, cache::Encoded::new(&unmatched, &body, &doc)));
                        let entry = incremental::Ingested { key, unmatched, body: body.into() };
                        return (slug, a, Origin::Seed, (entry, ArticleText::from(doc)), encoded);
                    }
                },
            };
            // The store keeps what it held; an ingestion reused from memory that it
            // does not hold (`serve`'s memo and the store are not used in the same
            // run) is not put in it: memory keeps the article text alone.
            (slug, a, origin, (entry, doc), None)
        })
        .collect();
    let mut documents = Vec::with_capacity(done.len());
    memo.extractions.reserve(done.len());
    for (slug, a, origin, (entry, doc), encoded) in done {
        memo.stats.ingested += usize::from(origin == Origin::Seed);
        memo.stats.cached += usize::from(origin == Origin::Cache);
        if let (Some(store), Some((key, encoded))) = (store.as_deref_mut(), encoded) {
            store.put(key, encoded);
        }
        warn_unmatched(a, &entry.unmatched, diags);
        documents.push((slug.clone(), doc));
        memo.extractions.insert(slug.clone(), entry);
    }
    memo.stats.seeds = documents.len();
    // In the articles' order, which is the slugs': the map is built in one pass
    // rather than searched at every insertion (at 10,000 articles, one core alone).
    documents.into_iter().collect()
}

/// At most this many seeds are read and ingested one after the other by a
/// rayon job (each with the articles it is the seed of), so that no core is
/// left alone with a long run of them ([`crate::render::PAGES_PER_JOB`]).
const SEEDS_PER_JOB: usize = 8;

/// Where one article's ingestion came from in [`extract_all`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// The memo of the previous run (`serve`).
    Memory,
    /// The persistent cache.
    Cache,
    /// Its seed, ingested now.
    Seed,
}

/// Ingests one article's seed: the document, and what validation needs of it.
/// `record` keeps the decisions line by line, which only the persistent cache stores.
fn ingest_one(seed: &str, article: &ArticleFile, record: bool) -> (Extraction, cache::Entry) {
    let (doc, report) = ingest::extract_recording(seed, &site::overrides_of(article), record);
    let body = ingest::body_text(&doc);
    (doc, cache::Entry { unmatched: report.unmatched, body })
}

/// A warning for each `clean:` override that matched no line: it is stale or mistyped.
fn warn_unmatched(a: &load::Loaded<ArticleFile>, unmatched: &[String], diags: &mut Vec<Diagnostic>) {
    for name in unmatched {
        let (line, col) = a.locator.locate(&format!("clean.{name}"));
        diags.push(
            Diagnostic::warning(&a.path, line, col, format!("clean.{name} matches no line of seeds/{}", a.value.seed))
                .with_hint("remove it, or check it against `nashra extract` of the seed"),
        );
    }
}

/// `check`'s reading, ingestion and article checks, seed by seed on every
/// core: each seed is read, its articles ingested (or their ingestion taken
/// from the persistent cache, where their inputs are unchanged: only the
/// entry's head is decoded, its body borrowed from `store`) and checked
/// against it ([`validate::validate_article`]), and its text and their bodies
/// dropped. Neither every seed (112 MB at 10,000 articles) nor every body is
/// held at once, as they were when all seeds were read first and all
/// articles checked last. Without a cache nothing is hashed.
fn read_ingest_and_check(project: &Project, store: Option<&cache::IngestCache>) -> SeedsChecked {
    use std::borrow::Cow;
    let mut readers: BTreeMap<&String, Vec<&load::Loaded<ArticleFile>>> = BTreeMap::new();
    for a in project.articles.values() {
        readers.entry(&a.value.seed).or_default().push(a);
    }
    let readers: Vec<_> = readers.into_iter().collect();
    let seeds = load::seeds_folder(&project.root, readers.iter().map(|(name, _)| name.as_str()));
    load::map_in_order(&readers, SEEDS_PER_JOB, |(name, articles)| {
        let (mut seed, diags) = load::read_seed_file(&seeds, name);
        let text = seed.as_mut().map(load::Seed::take_text);
        let mut checked = SeedsChecked { diags, ..SeedsChecked::default() };
        for a in articles {
            let body = text.as_ref().map(|text| {
                let key = store.map(|_| cache::key(text, &a.value));
                match key.and_then(|k| Some((k, store?.entry(&store?.peek(&k)?)?))) {
                    Some((k, (unmatched, body))) => {
                        checked.kept.push(k);
                        (unmatched, Cow::Borrowed(body))
                    }
                    None => {
                        let (doc, cache::Entry { unmatched, body }) = ingest_one(text, &a.value, key.is_some());
                        checked.fresh.extend(key.map(|k| (k, cache::Encoded::new(&unmatched, &body, &doc))));
                        checked.ingested += 1;
                        (unmatched, Cow::Owned(body))
                    }
                }
            });
            if let Some((unmatched, _)) = &body {
                warn_unmatched(a, unmatched, &mut checked.diags);
                checked.articles += 1;
            }
            let body = body.as_ref().map(|(_, body)| body.as_ref());
            checked.diags.extend(validate::validate_article(project, a, seed.as_ref(), body));
        }
        checked.seeds.extend(seed.map(|seed| ((*name).clone(), seed)));
        checked
    })
    .into_iter()
    .fold(SeedsChecked::default(), SeedsChecked::then)
}

/// What [`read_ingest_and_check`] gives `check`, for one seed or all.
#[derive(Default)]
struct SeedsChecked {
    /// The seeds read (their texts taken: the hashes and line counts remain).
    seeds: Vec<(String, load::Seed)>,
    /// What reading, ingestion and the articles' checks found.
    diags: Vec<Diagnostic>,
    /// What was ingested anew, encoded for the cache.
    fresh: Vec<(cache::Key, cache::Encoded)>,
    /// The cache entries that were used: kept at the next write.
    kept: Vec<cache::Key>,
    /// How many articles were ingested anew, and how many in all.
    ingested: usize,
    articles: usize,
}

impl SeedsChecked {
    /// What `self` and then `next` found, in that order.
    fn then(mut self, next: SeedsChecked) -> SeedsChecked {
        self.seeds.extend(next.seeds);
        self.diags.extend(next.diags);
        self.fresh.extend(next.fresh);
        self.kept.extend(next.kept);
        self.ingested += next.ingested;
        self.articles += next.articles;
        self
    }
}

/// One article for [`extract_all`]: its slug and file, its seed's text, the
/// cache key of its ingestion (when there is a cache) and where the cache holds it.
type Job<'p> =
    (&'p String, &'p load::Loaded<ArticleFile>, std::sync::Arc<String>, Option<cache::Key>, Option<cache::Stored>);

/// Every seed's text by name, taken out of `project`, whose seeds keep their
/// hashes and line counts (all validation reads of them): given to the jobs
/// of [`take_stored`] ([`extract_all`]'s), each text is freed as soon as its
/// articles are ingested, and the memory serves what is made next. (`check`
/// does not read the seeds until it ingests them: [`read_ingest_and_check`].)
fn take_texts(project: &mut Project) -> BTreeMap<String, std::sync::Arc<String>> {
    project.seeds.iter_mut().map(|(name, seed)| (name.clone(), seed.take_text())).collect()
}

/// Each article's [`Job`], holding its seed's text from `texts`; what the
/// cache holds is taken (kept at the next write).
fn take_stored<'p>(
    project: &'p Project,
    texts: BTreeMap<String, std::sync::Arc<String>>,
    mut store: Option<&mut cache::IngestCache>,
) -> Vec<Job<'p>> {
    use rayon::prelude::*;
    let hashing = store.is_some();
    let keyed: Vec<_> = project
        .articles
        .par_iter()
        .filter_map(|(slug, a)| {
            let text = texts.get(&a.value.seed)?.clone();
            let key = hashing.then(|| cache::key(&text, &a.value));
            Some((slug, a, text, key))
        })
        .collect();
    keyed
        .into_iter()
        .map(|(slug, a, text, key)| {
            let stored = key.as_ref().zip(store.as_deref_mut()).and_then(|(key, store)| store.take(key));
            (slug, a, text, key, stored)
        })
        .collect()
}

/// A loaded, validated project: what `check` reports.
#[allow(dead_code)] // `project` and `documents` are for commands that inspect content (check reads only diags)
pub struct Checked {
    /// The typed content; its seeds' texts were taken for ingestion (their
    /// hashes and line counts remain).
    pub project: Project,
    /// The text ingestion found in each article's seed, by article slug.
    pub documents: BTreeMap<String, ArticleText>,
    /// Every diagnostic, sorted.
    pub diags: Vec<Diagnostic>,
}

/// Loads, ingests and validates the project. Quotes are matched against the
/// article body ingestion keeps, not the whole seed.
pub fn load_checked(root: &Path) -> Checked {
    load_checked_with(root, &mut Memo::default())
}

/// [`load_checked`], reusing what `memo` holds from the previous run.
fn load_checked_with(root: &Path, memo: &mut Memo) -> Checked {
    let Ingested { project, documents, bodies, mut diags } = load_ingested(root, memo);
    let started = Instant::now();
    diags.extend(validate::validate(&project, &bodies));
    memo.stats.validate = started.elapsed();
    diag::sort(&mut diags);
    Checked { project, documents, diags }
}

/// A loaded project with its seeds ingested, not yet validated.
struct Ingested {
    /// The typed content, its seeds' texts taken ([`extract_all`]).
    project: Project,
    documents: BTreeMap<String, ArticleText>,
    /// Each article's kept body as plain text, for quote validation.
    bodies: BTreeMap<String, std::sync::Arc<str>>,
    diags: Vec<Diagnostic>,
}

fn load_ingested(root: &Path, memo: &mut Memo) -> Ingested {
    let started = Instant::now();
    let (mut project, mut diags) = load::load_with(root, &mut memo.load);
    memo.stats.load = started.elapsed();
    let started = Instant::now();
    // The persistent cache is read for this run only: `serve` uses it for its first build.
    let mut store = std::mem::take(&mut memo.persistent).then(|| cache::IngestCache::open(root, cache::Part::Whole));
    let read = started.elapsed();
    let documents = extract_all(&mut project, memo, store.as_mut(), &mut diags);
    if let Some(store) = store {
        let writing = Instant::now();
        let saved = store.save();
        let written = writing.elapsed();
        memo.stats.cache = Some(incremental::CacheStats {
            read,
            written: saved.as_ref().is_ok_and(|w| *w).then_some(written),
            error: saved.err().map(|e| e.to_string()),
        });
    }
    let bodies: BTreeMap<String, std::sync::Arc<str>> = documents
        .keys()
        .filter_map(|slug| memo.extractions.get(slug).map(|e| (slug.clone(), e.body.clone())))
        .collect();
    memo.stats.ingest = started.elapsed();
    Ingested { project, documents, bodies, diags }
}

/// Runs the whole pipeline in memory. Errors stop it before anything is written.
/// The live site lists the editions in the project's `site/snapshots/`.
#[allow(dead_code)] // commands pass their own mode and memo; tests compare against this one-off build
pub fn compile(root: &Path, drafts: Drafts) -> (Option<Output>, Vec<Diagnostic>) {
    compile_with(root, drafts, snapshot::Mode::Live(&root.join("site")), &mut Memo::default())
}

/// [`compile`], reusing from `memo` every ingestion, the theme and every page
/// whose inputs are unchanged, and leaving in it what the next run may reuse.
/// The result is byte for byte what [`compile`] gives (src/incremental/tests.rs).
/// `mode` says which site this is: the live one written to a folder (it lists the
/// editions in that folder's `snapshots/`), or an edition of the briefing
/// (banner, change page, `content.json`).
pub fn compile_with(
    root: &Path,
    drafts: Drafts,
    mode: snapshot::Mode,
    memo: &mut Memo,
) -> (Option<Output>, Vec<Diagnostic>) {
    let out = std::sync::Mutex::new(Output::new());
    let sink = |path: String, bytes: std::borrow::Cow<[u8]>| {
        out.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(path, bytes.into_owned());
    };
    let (complete, diags) = compile_into(root, drafts, mode, memo, &sink, &|| false);
    (complete.then(|| out.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner)), diags)
}

/// [`compile_with`], handing each file to `sink` (from any thread) as soon as
/// it is made instead of keeping the site in memory. True when every file
/// reached `sink`; false on errors (then some files may have reached it: the
/// caller throws them away) or when `stop` said to give up.
pub fn compile_into(
    root: &Path,
    drafts: Drafts,
    mode: snapshot::Mode,
    memo: &mut Memo,
    sink: &crate::output::Sink,
    stop: &(dyn Fn() -> bool + Sync),
) -> (bool, Vec<Diagnostic>) {
    let started = Instant::now();
    let (prepared, mut diags) = prepare_with(root, drafts, mode, memo);
    let Some(prepared) = prepared else {
        return (false, diags);
    };
    let stage = Instant::now();
    let pages = std::sync::atomic::AtomicUsize::new(0);
    let counted = |path: String, bytes: std::borrow::Cow<[u8]>| {
        if path.ends_with(".html") {
            pages.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        sink(path, bytes);
    };
    let result = prepared.render_into(&mut memo.pages, stop, &counted).unwrap_or_else(|| Err(Vec::new()));
    memo.stats.render = stage.elapsed();
    memo.stats.rendered = memo.pages.rendered;
    memo.stats.pages = pages.into_inner();
    memo.stats.total = started.elapsed();
    let outcome = match result {
        Ok(()) => {
            let editions = snapshot::edition_files(prepared.extras()).into_iter();
            editions.for_each(|(path, bytes)| sink(path, bytes.into())); // snapshot hook
            (true, diags)
        }
        Err(errors) => {
            diags.extend(errors);
            (false, diags)
        }
    };
    // Freeing the model, links and search indexes takes a tenth of a second at
    // 10,000 articles: do it off the caller's path (a build then exits sooner).
    drop_aside(prepared);
    outcome
}

/// Drops `value` on a thread of its own, off the caller's path: freeing a
/// large structure takes milliseconds that the caller, with the other cores
/// idle or not, need not wait for. Without a thread to spare, it is dropped
/// here.
fn drop_aside<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// Frees a collection's items on every core: freeing 10,000 articles' texts
/// one after the other kept one core busy, and the other idle, for 20 ms.
fn drop_on_every_core<T: IntoIterator<Item: Send>>(items: T) {
    use rayon::prelude::*;
    let items: Vec<T::Item> = items.into_iter().collect();
    items.into_par_iter().with_max_len(64).for_each(drop);
}

/// Everything before rendering pages: load, ingest, validate, model, link,
/// theme, editions, assets and search indexes. `None` when there are errors.
/// `serve` stops here and renders each page when it is asked for.
pub fn prepare_with(
    root: &Path,
    drafts: Drafts,
    mode: snapshot::Mode,
    memo: &mut Memo,
) -> (Option<render::Prepared>, Vec<Diagnostic>) {
    memo.stats = incremental::Stats::default();
    let started = Instant::now();
    let Ingested { project, documents, bodies, mut diags } = load_ingested(root, memo);
    let rebuilding = memo.rebuilding;
    // A one-off run frees each copy of the article text as soon as its last
    // reader is done, before linking, the search indexes and the pages ask for
    // memory (they reuse it, and fresh memory costs the kernel's zeroing:
    // docs/PERFORMANCE.md): the documents and the ingestions (which hold the
    // plain texts validation reads) once validation is done and the model
    // holds the bodies.
    let own_extractions = (!rebuilding).then(|| std::mem::take(&mut memo.extractions));
    let (link_memo, body_memo, extractions) = (&mut memo.links, &mut memo.bodies, &memo.extractions);
    let validate_memo = &mut memo.validate;
    // Validation and the model only read the project: run them side by side; the
    // model is thrown away when validation finds errors (what check reports is unchanged).
    let (validation, model) = rayon::join(
        || {
            let stage = Instant::now();
            let diags = validate::validate_with(&project, &bodies, validate_memo);
            drop(bodies);
            (diags, stage.elapsed())
        },
        || {
            let stage = Instant::now();
            let (site, documents) = {
                let extractions = own_extractions.as_ref().unwrap_or(extractions);
                let key_of = |slug: &str| extractions.get(slug).map(|e| e.key);
                // The site's entities are the project's: their mention finder is made beside the model.
                let entities = project.entities.iter().map(|(slug, e)| (slug, &*e.value));
                let (site, ()) = rayon::join(
                    || Site::from_project_with(&project, &documents, drafts, &key_of, body_memo),
                    || link_memo.prepare_finder(entities),
                );
                // A rebuild keeps the documents for the next run; a one-off run
                // is done with them, and frees them here.
                if rebuilding {
                    (site, Some(documents))
                } else {
                    drop_on_every_core(documents);
                    (site, None)
                }
            };
            if let Some(extractions) = own_extractions {
                drop_on_every_core(extractions);
            }
            let model = site.map(|site| {
                let links = link::link_with(&site, link_memo);
                (site, links)
            });
            (model, stage.elapsed(), documents)
        },
    );
    if let Some(documents) = model.2 {
        memo.documents = documents; // kept for the next run
    } else {
        // The mention finder (its automaton is ~20 MB at 10,000 articles) and
        // each article's links as the next run would reuse them, freed off
        // the caller's path (10 ms at 10,000 articles, with a core idle).
        drop_aside(std::mem::take(&mut memo.links));
    }
    (memo.stats.validate, memo.stats.link) = (validation.1, model.1);
    diags.extend(validation.0);
    diag::sort(&mut diags);
    if diag::has_errors(&diags) {
        return (None, diags);
    }
    let Some((site, links)) = model.0 else {
        return (None, diags);
    };
    let stage = Instant::now();
    let theme = match theme::theme_files(root, &site.config.theme).map_err(|d| vec![d]) {
        Ok(files) => memo.theme(&files),
        Err(errors) => Err(errors),
    };
    let theme = match theme {
        Ok(t) => t,
        Err(errors) => {
            diags.extend(errors);
            return (None, diags);
        }
    };
    memo.stats.theme = stage.elapsed();
    // --- snapshot hook: the archive of editions, or the edition being made.
    let extras = snapshot::extras(root, &site, mode, &mut diags);
    if diag::has_errors(&diags) {
        return (None, diags);
    }
    let prepared =
        render::Prepared::new(site, links, (memo.theme_key, theme), extras, (memo.search.clone(), memo.rebuilding));
    drop_aside(project); // the model shares what it needs of it
    memo.stats.total = started.elapsed();
    (Some(prepared), diags)
}

/// Prints diagnostics to stderr, one per line.
pub fn report(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{d}");
    }
}

/// `nashra check`: true when there are no errors.
pub fn check(root: &Path, json: bool, cached: bool, term: &Term) -> bool {
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let started = Instant::now();
    let (mut project, mut diags) = load::load_without_seeds(root);
    let loaded = started.elapsed();
    let store = cached.then(|| cache::IngestCache::open(root, cache::Part::Heads));
    let SeedsChecked { seeds, diags: found, fresh, kept, ingested, articles } =
        read_ingest_and_check(&project, store.as_ref());
    project.seeds.extend(seeds);
    diags.extend(found);
    let ingest = started.elapsed() - loaded;
    diags.extend(validate::validate_rest(&project));
    let validate = started.elapsed() - loaded - ingest;
    let writing = Instant::now();
    if let Some(mut store) = store {
        kept.iter().for_each(|key| store.keep(key));
        fresh.into_iter().for_each(|(key, encoded)| store.put(key, encoded));
        if let Err(e) = store.save() {
            term.detail(format!("cache not written ({}/ingest): {e}", cache::DIR));
        }
    }
    let written = writing.elapsed();
    diag::sort(&mut diags);
    term.detail(format!(
        "load {:.1} ms, read seeds, ingest and check articles {:.1} ms ({ingested} of {articles} seeds ingested, the rest cached; cache written {:.1} ms), validate the rest {:.1} ms",
        ms(loaded),
        ms(ingest),
        ms(written),
        ms(validate)
    ));
    let errors = diags.iter().filter(|d| d.is_error()).count();
    if json {
        let doc = serde_json::json!({"errors": errors, "warnings": diags.len() - errors, "diagnostics": diags});
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        term.report(&diags);
        term.info(format!("{errors} error(s), {} warning(s)", diags.len() - errors));
        let drafts: Vec<&str> = project.articles.values().filter(|a| a.value.draft).map(|a| a.path.as_str()).collect();
        if !drafts.is_empty() {
            term.info(format!("drafts (left out of build unless --drafts): {}", drafts.join(", ")));
        }
    }
    // Freeing every file's values and seed takes tens of milliseconds at
    // 10,000 articles, and the process ends now: do it off the caller's path,
    // as `build` does with its model.
    drop_aside(project);
    errors == 0
}

/// `nashra build`: true when the site was written. Each page goes to disk (a
/// staging folder) as soon as it is rendered; the site replaces `out` only
/// when complete. With `cached`, ingestion is taken from (and kept in) the
/// persistent cache.
pub fn build(root: &Path, out: &Path, drafts: Drafts, cached: bool, term: &Term) -> bool {
    let started = Instant::now();
    let cannot_write = |e: std::io::Error| {
        eprintln!("{}: error: cannot write the site: {e}", out.display());
        eprintln!("  hint: check free space and permissions; the previous site is unchanged");
        false
    };
    let staging = match output::Staging::begin(out) {
        Ok(staging) => staging,
        Err(e) => return cannot_write(e),
    };
    let progress = term.progress("building");
    let mut memo = Memo::once(cached);
    let sink = |path: String, bytes: std::borrow::Cow<[u8]>| staging.put(&path, &bytes);
    let (complete, diags) =
        compile_into(root, drafts, snapshot::Mode::Live(out), &mut memo, &sink, &|| staging.failed());
    term.detail(format!("compiled and written in {}", memo.stats));
    report_cache(&memo.stats, term);
    drop(progress); // clear the indicator before diagnostics are printed
    term.report(&diags);
    if !complete && !staging.failed() {
        eprintln!("build failed: {} unchanged", out.display());
        return false; // dropping `staging` keeps it as the spare, or removes it
    }
    let finishing = Instant::now();
    let written = match staging.finish() {
        Ok(written) => written,
        Err(e) => return cannot_write(e),
    };
    term.detail(format!("swapped in in {:.1} ms", finishing.elapsed().as_secs_f64() * 1000.0));
    term.detail(format!(
        "{} files, {} bytes; {} unchanged since the spare site ({}), left as they were",
        written.files,
        written.bytes,
        written.unchanged,
        output::spare_of(out).display()
    ));
    term.info(format!(
        "built {} pages in {:.2} s → {}",
        crate::term::thousands(memo.stats.pages),
        started.elapsed().as_secs_f64(),
        out.display()
    ));
    // The process ends here: freeing every parsed file and ingested seed one by
    // one would only delay the exit (0.2 s at 10,000 articles).
    std::mem::forget(memo);
    true
}

/// Says (with `-v`) that the persistent cache could not be written: the run goes on without it.
pub fn report_cache(stats: &incremental::Stats, term: &Term) {
    if let Some(e) = stats.cache.as_ref().and_then(|c| c.error.as_ref()) {
        term.detail(format!("cache not written ({}/ingest): {e}", cache::DIR));
    }
}

/// `nashra extract`: prints what ingestion makes of one seed file.
pub fn extract(seed: &Path, json: bool) -> bool {
    let shown = seed.display().to_string();
    let mut diags = Vec::new();
    let text = std::fs::read(seed)
        .map_err(|e| Diagnostic::error(&shown, 0, 0, format!("cannot read file: {e}")))
        .map(|bytes| load::decode(&shown, bytes, &mut diags));
    let text = match text {
        Ok(Some(t)) => t,
        Ok(None) => return report_and_fail(&diags),
        Err(d) => return report_and_fail(&[d]),
    };
    let doc = ingest::extract(&text);
    if json {
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        print!("{}", ingest::render_text(&doc));
    }
    true
}

fn report_and_fail(diags: &[Diagnostic]) -> bool {
    report(diags);
    false
}
