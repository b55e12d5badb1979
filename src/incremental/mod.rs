//! Incremental rebuilds: what one build leaves for the next, so that editing
//! one file redoes only the work that depends on it.
//!
//! The dependency model, stage by stage (what a rebuild in `serve` reuses):
//!
//! | stage    | reused when                                                          |
//! |----------|----------------------------------------------------------------------|
//! | load     | the file's stamp (size, times, inode) is unchanged and not racy      |
//! | ingest   | the article's seed text, `clean:` block and `lines:` are unchanged   |
//! | body     | the article's ingestion key is unchanged                             |
//! | validate | the article's parsed file, and every slug, seed and language         |
//! | link     | the article's body and quotes, and every entity spelling (mentions); |
//! |          | every article's place, topics, related and entity counts (tables)    |
//! | theme    | every theme file (templates, i18n, static) is byte-identical         |
//! | search   | built only when asked for; a document's texts (weights)              |
//! | page     | rendered only when asked for ([`LiveSite`]); in the background pass, |
//! |          | its view model (by site path) and the theme are unchanged            |
//!
//! A page's view model is everything its template is given (title, crumbs,
//! language alternates, navigation, stylesheet name and the page context),
//! so "unchanged view model" is exactly "unchanged inputs". After a rebuild
//! only the pages open in a browser are rendered before the tabs are told;
//! any other page is rendered when it is asked for, and the background pass
//! renders the rest (copying every page whose view model is unchanged). The
//! result is byte for byte the full build's (src/incremental/tests.rs checks
//! every kind of input file, and pages rendered on request).

use crate::diag::Diagnostic;
use crate::ingest::ArticleText;
use crate::model::ArticleFile;
use crate::render::theme::{Theme, ThemeFiles};
use crate::render::{PageMemo, SearchMemo};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;

/// What ingestion made of one article, and the key of the inputs it came from.
pub struct Ingested {
    /// [`ingest_key`]: hash of the seed text, the `clean:` block and the `lines:` range.
    pub key: u64,
    /// Names of `clean:` overrides that matched no line.
    pub unmatched: Vec<String>,
    /// The kept body as plain text, for quote validation (which folds it only
    /// when a quote is not in it word for word).
    pub body: Arc<str>,
}

/// Time spent in each stage of the last run, and how much work it redid.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Reading and parsing every content file and seed.
    pub load: Duration,
    /// Ingesting seeds (only changed ones).
    pub ingest: Duration,
    /// Validation.
    pub validate: Duration,
    /// Model and link tables.
    pub link: Duration,
    /// Theme files and template compilation.
    pub theme: Duration,
    /// View models, fingerprints and templates.
    pub render: Duration,
    /// The whole run.
    pub total: Duration,
    /// Articles ingested anew.
    pub ingested: usize,
    /// Articles whose ingestion was taken from the persistent cache.
    pub cached: usize,
    /// Articles with a seed (ingested, cached or reused from the previous run).
    pub seeds: usize,
    /// What the persistent cache did, when the run used it.
    pub cache: Option<CacheStats>,
    /// Whether templates were compiled anew.
    pub theme_compiled: bool,
    /// Pages rendered anew.
    pub rendered: usize,
    /// Pages in the site.
    pub pages: usize,
}

/// The persistent ingestion cache's part of a run (src/cache).
#[derive(Debug, Default, Clone)]
pub struct CacheStats {
    /// Reading the file and checking its digests.
    pub read: Duration,
    /// Writing it, when something changed.
    pub written: Option<Duration>,
    /// Why it could not be written.
    pub error: Option<String>,
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        write!(
            f,
            "{:.1} ms (load {:.1}, ingest {:.1} [{} of {} seeds ingested{}], validate {:.1}, link {:.1}, theme {:.1}{}",
            ms(self.total),
            ms(self.load),
            ms(self.ingest),
            self.ingested,
            self.seeds,
            match &self.cache {
                None => String::new(),
                Some(cache) => format!(
                    ", {} from the cache: read {:.1}, {}",
                    self.cached,
                    ms(cache.read),
                    match (cache.written, &cache.error) {
                        (_, Some(_)) => "not written".to_string(),
                        (Some(written), None) => format!("written {:.1}", ms(written)),
                        (None, None) => "unchanged".to_string(),
                    }
                ),
            },
            ms(self.validate),
            ms(self.link),
            ms(self.theme),
            if self.theme_compiled { " compiled" } else { "" },
        )?;
        if self.pages > 0 {
            write!(f, ", render {:.1} [{} of {} pages]", ms(self.render), self.rendered, self.pages)?;
        }
        write!(f, ")")
    }
}

/// What a run leaves for the next one. A one-off build starts from
/// `Memo::default()` and drops it; [`Workspace`] keeps one across rebuilds.
#[derive(Default)]
pub struct Memo {
    /// Whether this memo serves rebuilds (`serve`): then every stage keeps what the next run may reuse.
    pub rebuilding: bool,
    /// Whether the next run reads and writes the persistent ingestion cache
    /// (src/cache). That run clears it: `serve` uses the cache for its first build only.
    pub persistent: bool,
    /// Content files and seeds as last read (when rebuilding).
    pub load: crate::load::LoadCache,
    /// Ingestion results by article slug.
    pub extractions: HashMap<String, Ingested>,
    /// Extracted documents by article slug (lent to the model during a run).
    pub documents: BTreeMap<String, ArticleText>,
    /// The compiled theme and the hash of the files it came from.
    theme: Option<(u64, Arc<Theme>)>,
    /// Hash of the theme files of the last run.
    pub theme_key: u64,
    /// Each unchanged article's diagnostics.
    pub validate: crate::validate::ValidateMemo,
    /// Article bodies made from the extractions.
    pub bodies: crate::site::BodyMemo,
    /// Each article's mentions and quote spots.
    pub links: crate::link::LinkMemo,
    /// Rendered pages and their fingerprints.
    pub pages: PageMemo,
    /// Search index weights and scripts (shared with the build being served, which makes them when asked).
    pub search: Arc<std::sync::Mutex<SearchMemo>>,
    /// The last run's numbers.
    pub stats: Stats,
}

impl Memo {
    /// A memo for one run (`build`, `snapshot`); with `cached` that run reads and
    /// writes the persistent ingestion cache.
    pub fn once(cached: bool) -> Memo {
        Memo { persistent: cached, ..Memo::default() }
    }

    /// A memo whose every stage keeps what the next run may reuse, for [`Workspace`].
    pub fn for_rebuilds() -> Memo {
        Memo {
            rebuilding: true,
            load: crate::load::LoadCache::keeping(),
            validate: crate::validate::ValidateMemo::keeping(),
            ..Memo::default()
        }
    }

    /// The compiled theme for these files: the previous one when they are byte-identical.
    pub fn theme(&mut self, files: &ThemeFiles) -> Result<Arc<Theme>, Vec<Diagnostic>> {
        let mut h = rustc_hash::FxHasher::default();
        files.hash(&mut h);
        let key = h.finish();
        if let Some((k, theme)) = &self.theme
            && *k == key
        {
            return Ok(theme.clone());
        }
        let theme = Arc::new(Theme::new(files)?);
        self.stats.theme_compiled = true;
        self.theme = Some((key, theme.clone()));
        self.theme_key = key;
        Ok(theme)
    }
}

/// The key an article's ingestion depends on: its seed text (by its hash), its `clean:` block and its `lines:` range.
pub fn ingest_key(seed: &crate::load::Seed, article: &ArticleFile) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    seed.hash.hash(&mut h);
    format!("{:?}", article.clean).hash(&mut h);
    article.lines.hash(&mut h);
    h.finish()
}

/// A project being served: the memo of the last run and the number of the last good build.
pub struct Workspace {
    root: std::path::PathBuf,
    drafts: crate::site::Drafts,
    memo: Memo,
    /// Fingerprints and bytes of the last complete build, for [`LiveSite::complete`].
    pub pages: Arc<std::sync::Mutex<PageMemo>>,
    /// Number of the last successful build (1 for the first).
    pub build: u64,
}

impl Workspace {
    /// A workspace for the project at `root`, nothing built yet.
    pub fn new(root: &std::path::Path, drafts: crate::site::Drafts) -> Workspace {
        Workspace {
            root: root.to_path_buf(),
            drafts,
            memo: Memo::for_rebuilds(),
            pages: Arc::new(std::sync::Mutex::new(PageMemo::keeping())),
            build: 0,
        }
    }

    /// Takes the first build's ingestion from the persistent cache (and keeps it there).
    pub fn use_cache(&mut self) {
        self.memo.persistent = true;
    }

    /// Builds the project as it is on disk now, up to the pages, reusing what
    /// is unchanged; the pages are rendered when asked for ([`LiveSite`]).
    pub fn rebuild(&mut self) -> (Option<Arc<LiveSite>>, Vec<Diagnostic>) {
        let (prepared, diags) = crate::pipeline::prepare_with(
            &self.root,
            self.drafts,
            crate::snapshot::Mode::Live(&self.root.join("site")),
            &mut self.memo,
        );
        let site = prepared.map(|p| Arc::new(LiveSite::new(p)));
        if site.is_some() {
            self.build += 1;
        }
        (site, diags)
    }

    /// [`Workspace::rebuild`], then every page rendered: the complete output.
    #[cfg(test)]
    pub fn rebuild_complete(&mut self) -> (Option<Arc<crate::output::Output>>, Vec<Diagnostic>) {
        let (site, mut diags) = self.rebuild();
        let Some(site) = site else { return (None, diags) };
        let started = std::time::Instant::now();
        let mut pages = self.pages.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let done = site.complete(&mut pages, &|| false);
        (self.memo.stats.render, self.memo.stats.rendered) = (started.elapsed(), pages.rendered);
        match done {
            Some(Ok(out)) => {
                self.memo.stats.pages = out.keys().filter(|k| k.ends_with(".html")).count();
                (Some(out), diags)
            }
            Some(Err(errors)) => {
                diags.extend(errors);
                (None, diags)
            }
            None => (None, diags),
        }
    }

    /// Numbers of the last run.
    pub fn stats(&self) -> &Stats {
        &self.memo.stats
    }
}

mod live;
pub use live::LiveSite;

#[cfg(test)]
mod tests;
