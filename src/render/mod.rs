//! Rendering: the validated, linked site → an in-memory [`Output`].
//!
//! The Rust side prepares view models (plain serializable values); templates
//! only loop and branch over them. Every link is relative to the page and
//! points at `index.html` explicitly, so the site works from `file://` and
//! from any sub-path of a web server. Text is escaped and bidi-isolated here
//! (`html`), so templates print it with `| safe`.

pub mod dates;
mod feeds;
pub mod html;
pub mod markdown;
pub mod theme;
mod values;
mod views;

use crate::diag::Diagnostic;
use crate::link::Links;
use crate::model::{Dir, Language, Localized};
use crate::output::{Output, Sink};
use crate::site::Site;
pub use crate::snapshot::Extras;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use tera::Value;
use theme::Theme;
use values::map;

/// Text in one language, as HTML, with what the template needs to mark it up honestly.
#[derive(Debug, Clone, Serialize)]
pub struct Text {
    /// Escaped, bidi-isolated HTML.
    pub html: String,
    /// Language the text is actually in.
    pub lang: String,
    /// Its direction.
    pub dir: &'static str,
    /// True when the page's language has no version and another one is shown.
    pub missing: bool,
}

impl Text {
    /// As a Tera value, the fields the templates read: `html`, `lang`, `dir`, `missing`.
    pub fn value(self) -> Value {
        map([
            ("html", Value::from(self.html)),
            ("lang", Value::from(self.lang)),
            ("dir", Value::from(self.dir)),
            ("missing", Value::from(self.missing)),
        ])
    }
}

/// Builds a page's context as JSON when the page is rendered (converted for
/// Tera then), so listing the pages is cheap and each view model lives only
/// while its page is rendered.
pub type Context<'r> = Box<dyn Fn() -> serde_json::Value + Send + Sync + 'r>;

/// Builds a page's context as a Tera value when the page is rendered: nothing
/// to convert, and parts built once (article cards) are shared, not copied.
pub type Model<'r> = Box<dyn Fn() -> Value + Send + Sync + 'r>;

/// How a page's context is built.
pub enum PageContext<'r> {
    /// As JSON, converted for Tera per page.
    Json(Context<'r>),
    /// As a Tera value.
    Tera(Model<'r>),
}

impl PageContext<'_> {
    /// The page's view model, built now.
    fn build(&self) -> Value {
        match self {
            PageContext::Json(f) => Value::from_serializable(&f()),
            PageContext::Tera(f) => f(),
        }
    }
}

/// One page to render: where, in which language, with which template.
pub struct PageSpec<'a> {
    /// Site path of the page, e.g. `en/topics/index.html`.
    pub path: String,
    /// Template name.
    pub template: &'static str,
    /// Page language.
    pub lang: &'a Language,
    /// Title for `<title>` and the first heading, as plain text.
    pub title: String,
    /// Trail from the home page: (label, site path).
    pub crumbs: Vec<(String, String)>,
    /// The same page in every language that has it.
    pub alternates: Vec<(&'a Language, String)>,
    /// Page-specific context, built on demand.
    pub context: PageContext<'a>,
    /// One item of a section (an article, topic or entity): there are many,
    /// each quick to render. The other pages list a whole section or more.
    pub item: bool,
    /// How many articles an item's page lists (a topic's, an entity's): of
    /// the items, those take longest to render (at 10,000 articles, half a
    /// second for the entity most articles name).
    pub lists: usize,
}

/// What rendering keeps between runs: each page's fingerprint (a hash of its
/// whole view model and the theme) and its bytes, so a page whose fingerprint
/// is unchanged is copied instead of rendered.
#[derive(Default)]
pub struct PageMemo {
    /// Whether to fingerprint at all (a one-off build does not).
    keep: bool,
    /// Site path → fingerprint of the page last rendered there.
    fingerprints: HashMap<String, u64>,
    /// The last good output, handed back by the caller with [`PageMemo::remember`].
    previous: Arc<Output>,
    /// Pages rendered anew by the last run.
    pub rendered: usize,
}

pub use views::search::SearchMemo;

impl PageMemo {
    /// A memo that fingerprints pages.
    pub fn keeping() -> PageMemo {
        PageMemo { keep: true, ..PageMemo::default() }
    }

    /// Hands back the output of the last successful run, whose bytes the next run may reuse.
    pub fn remember(&mut self, output: Arc<Output>) {
        self.previous = output;
    }
}

/// Everything a page is rendered from, owned: the model, its links, the
/// theme, the editions, and the files that are not pages (theme assets and
/// search indexes, named by content hash). A build renders every page from
/// it at once ([`Prepared::render_into`]); `serve` keeps it and renders a
/// page when it is asked for ([`Prepared::render_path`]).
pub struct Prepared {
    site: Site,
    links: Links,
    theme: Arc<Theme>,
    /// Hash of the theme's files: part of every page's fingerprint.
    theme_key: u64,
    extras: Extras,
    /// Static path → hashed site path.
    names: BTreeMap<String, String>,
    /// Theme assets, by site path.
    files: Output,
    /// What the search indexes reuse from the last run.
    search_memo: Arc<std::sync::Mutex<SearchMemo>>,
    /// The search indexes, built when first needed: asset key → site path, and their files.
    search: std::sync::OnceLock<Search>,
    /// Whether the search indexes fill `search_memo` for the next run (a one-off build does not).
    keep_search: bool,
    /// Each article's passage weights as linking counted them, taken out of
    /// the links for the search indexes, which take them in turn.
    counted: std::sync::Mutex<crate::link::PassageWeights>,
    /// The theme's interface strings of each language code, converted for Tera
    /// once: every page gets them, and a `tera::Value` clone is a reference count.
    strings: BTreeMap<String, tera::Value>,
    /// Article cards, built when a list first shows them.
    cards: views::Cards,
    /// The navigation of each language and folder depth, built when first shown.
    navs: views::Navs,
    /// What each entity's page quotes of the articles that name it, shared by its languages.
    quotes: views::Shared<views::Quoted>,
    /// Each article's original text, annotated once for all its pages' languages.
    originals: views::Shared<views::Original>,
}

/// The order [`Prepared::render_into`] renders `pages` in, in three parts.
///
/// - `beside_search`: the item pages that list no topic's or entity's
///   articles (`lists` is 0: the articles' pages, most of the site), rendered
///   while the search indexes are made, their work filling what the indexes
///   leave of the cores. Their view models are small and short-lived (the
///   cards of related articles they fill are kept): the indexes' memory and
///   the list pages' (their view models, and most article cards) are not held
///   at once. At 10,000 articles the peak RSS was 60 MB lower than with the
///   list pages beside the indexes, and each fresh megabyte costs the
///   kernel's zeroing (docs/PERFORMANCE.md).
/// - `then`: the pages that list a section or more, then the items that list
///   most articles: they take longest, and the cores finish together on short
///   item pages (at 10,000 articles, an entity page rendered last kept one core
///   busy alone for 0.3 s).
/// - `waiting`: the search pages, which name the index files: after them.
///
/// An item's pages in every language follow each other (items are ordered by
/// their path below the language's folder, the same in every language, as is
/// how many articles they list): what they share ([`views::Shared`]) is made
/// for the first and let go after the last. Pages that are not items keep
/// their order.
fn render_order(pages: &[PageSpec]) -> Order {
    let (waiting, mut now): (Vec<usize>, Vec<usize>) =
        (0..pages.len()).partition(|&i| views::search::names_indexes(&pages[i]));
    // An item page's path below its language's folder: `articles/x/index.html`.
    fn item<'p>(p: &'p PageSpec) -> Option<&'p str> {
        p.item.then(|| p.path.split_once('/').map_or("", |(_, rest)| rest))
    }
    // Each page's key is made once (a stable sort): comparing pages read their
    // paths anew at every comparison (30 ms on one core at 10,000 articles).
    now.sort_by_cached_key(|&i| (pages[i].item, std::cmp::Reverse(pages[i].lists), item(&pages[i])));
    // Items that list nothing are last in that order.
    let lists = now.iter().position(|&i| pages[i].item && pages[i].lists == 0).unwrap_or(now.len());
    let beside_search = now.split_off(lists);
    Order { beside_search, then: now, waiting }
}

/// The parts of [`render_order`], each a list of page numbers.
struct Order {
    beside_search: Vec<usize>,
    then: Vec<usize>,
    waiting: Vec<usize>,
}

/// At most this many pages are rendered one after the other by a rayon job
/// (a page takes a tenth of a millisecond or more). Rayon splits a list into
/// as many runs as there are cores, and again only when a core steals: a core
/// that finished its run first found nothing left to steal while the other
/// rendered the rest of its own alone (at 10,000 articles, half a second on
/// two cores). The other stages' parallel loops hand out short runs for the
/// same reason.
pub(crate) const PAGES_PER_JOB: usize = 32;

thread_local! {
    /// The output buffer of the pages a thread renders, between its jobs.
    static PAGE_BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// A thread's page buffer, taken for a job and given back when the job is
/// done. A buffer made for each job grew again to the size of an article
/// page (tens of kilobytes), in memory often never touched before: 0.5 % of
/// a build's samples at 10,000 articles were the kernel zeroing it. A job
/// that starts while another on its thread holds the buffer makes its own.
struct PageBuffer(Vec<u8>);

impl PageBuffer {
    fn take() -> PageBuffer {
        PageBuffer(PAGE_BUFFER.take())
    }
}

impl Drop for PageBuffer {
    fn drop(&mut self) {
        PAGE_BUFFER.set(std::mem::take(&mut self.0));
    }
}

/// Where the search index scripts and text shards are.
const SEARCH_FILES: &str = "assets/search-";

/// The search indexes, once built.
struct Search {
    /// Asset key (`search-ar.js`) → site path.
    names: BTreeMap<String, String>,
    /// The site path of every search file.
    paths: std::collections::BTreeSet<String>,
    /// Their bytes, unless they went straight to a build's sink as they were made.
    files: Output,
}

impl Prepared {
    /// Adds the theme's assets; the search indexes are built when first
    /// needed (reusing what `search_memo` holds of the last run, and filling it
    /// for the next when `keep_search`).
    pub fn new(
        site: Site,
        mut links: Links,
        (theme_key, theme): (u64, Arc<Theme>),
        extras: Extras,
        (search_memo, keep_search): (Arc<std::sync::Mutex<SearchMemo>>, bool),
    ) -> Prepared {
        let mut files = Output::new();
        let names = add_assets(&theme, &mut files);
        let strings =
            theme.strings.iter().map(|(code, map)| (code.clone(), tera::Value::from_serializable(map))).collect();
        let (cards, navs) = (views::Cards::new(&site), views::Navs::new(&site));
        let quotes = views::Shared::new(site.entities.keys(), &site.languages);
        let originals = views::Shared::new(site.articles.iter().map(|a| &a.slug), &site.languages);
        let counted = std::sync::Mutex::new(std::mem::take(&mut links.passage_weights));
        Prepared {
            site,
            links,
            theme,
            theme_key,
            extras,
            names,
            files,
            search_memo,
            search: Default::default(),
            keep_search,
            counted,
            strings,
            cards,
            navs,
            quotes,
            originals,
        }
    }

    /// The search indexes, built the first time they are needed.
    fn search(&self) -> &Search {
        self.search_into(None)
    }

    /// [`Self::search`]; when they are built now for a one-off build (not
    /// `keep_search`), their files go to `sink` as they are made instead of
    /// being kept: at 10,000 articles they are ~270 MB that nothing reads again.
    fn search_into(&self, sink: Option<&Sink>) -> &Search {
        self.search.get_or_init(|| {
            let sink = sink.filter(|_| !self.keep_search);
            use std::sync::{Mutex, PoisonError};
            let (paths, files) = (Mutex::new(std::collections::BTreeSet::new()), Mutex::new(Output::new()));
            let put = |path: String, bytes: Vec<u8>| {
                paths.lock().unwrap_or_else(PoisonError::into_inner).insert(path.clone());
                match sink {
                    Some(sink) => sink(path, Cow::Owned(bytes)), // from any thread
                    None => drop(files.lock().unwrap_or_else(PoisonError::into_inner).insert(path, bytes)),
                }
            };
            let mut memo = self.search_memo.lock().unwrap_or_else(PoisonError::into_inner);
            let counted = std::mem::take(&mut *self.counted.lock().unwrap_or_else(PoisonError::into_inner));
            // One script per language.
            let names = views::search::add_indexes(&self.renderer(), counted, &put, &mut memo, self.keep_search);
            let paths = paths.into_inner().unwrap_or_else(PoisonError::into_inner);
            Search { names, paths, files: files.into_inner().unwrap_or_else(PoisonError::into_inner) }
        })
    }

    /// The hashed site path of a theme asset (`style.css`) or search index (`search-ar.js`).
    fn asset(&self, key: &str) -> Option<&String> {
        self.names.get(key).or_else(|| key.starts_with("search-").then(|| self.search().names.get(key)).flatten())
    }

    /// Whether `path` is one of the search files (building the indexes to know).
    pub fn is_search_file(&self, path: &str) -> bool {
        path.starts_with(SEARCH_FILES) && self.search().paths.contains(path)
    }

    /// What an edition adds or the editions archive lists.
    pub fn extras(&self) -> &Extras {
        &self.extras
    }

    fn renderer(&self) -> Renderer<'_> {
        Renderer {
            site: &self.site,
            links: &self.links,
            theme: &self.theme,
            assets: self,
            extras: &self.extras,
            strings: &self.strings,
            cards: &self.cards,
            navs: &self.navs,
            quotes: &self.quotes,
            originals: &self.originals,
        }
    }

    /// Site paths of the theme's assets.
    pub fn assets(&self) -> impl Iterator<Item = &String> {
        self.files.keys()
    }

    /// Every site path this renders but the search files: theme assets, pages, feeds and the sitemap.
    pub fn paths(&self) -> Vec<String> {
        let r = self.renderer();
        let mut paths: Vec<String> = self.assets().cloned().collect();
        paths.extend(views::all_pages(&r).into_iter().map(|p| p.path));
        paths.extend(feed_paths(&self.site));
        paths.push(SITEMAP.into());
        paths
    }

    /// The file at one site path, rendered now when it is a page, feed or
    /// sitemap; `None` when the site has no such path. Byte for byte what
    /// [`Self::render_into`] gives for it.
    pub fn render_path(&self, path: &str) -> Option<Result<Vec<u8>, Diagnostic>> {
        if let Some(bytes) = self.files.get(path) {
            return Some(Ok(bytes.clone()));
        }
        if path.starts_with(SEARCH_FILES) {
            return self.search().files.get(path).map(|bytes| Ok(bytes.clone()));
        }
        let r = self.renderer();
        if path == SITEMAP {
            return Some(Ok(feeds::sitemap(&r, &views::all_pages(&r)).into_bytes()));
        }
        if let Some(lang) = self.site.languages.iter().find(|l| path == format!("{}/feed.xml", l.code)) {
            return Some(Ok(feeds::atom(&r, lang).into_bytes()));
        }
        let language = self.site.languages.iter().find_map(|l| {
            let rest = path.strip_prefix(l.code.as_str())?.strip_prefix('/')?;
            Some((l, rest))
        });
        let page = match language {
            Some((lang, rest)) => views::page_at(&r, lang, rest)?,
            None => [views::landing(&r), views::not_found(&r)].into_iter().find(|p| p.path == path)?,
        };
        let mut bytes = Vec::new();
        Some(r.render_page(&page, page.context.build(), &mut bytes).map(|()| bytes))
    }

    /// Renders the whole site into memory, reusing from `memo` every page whose view model
    /// is unchanged; gives up (`None`, `memo` unchanged) as soon as `stop` says so.
    pub fn render_all_unless(
        &self,
        memo: &mut PageMemo,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<Result<Output, Vec<Diagnostic>>> {
        let out = std::sync::Mutex::new(Output::new());
        let sink = |path: String, bytes: Cow<[u8]>| {
            out.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(path, bytes.into_owned());
        };
        let result = self.render_into(memo, stop, &sink)?;
        Some(result.map(|()| out.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner)))
    }

    /// Renders the whole site file by file into `sink` (called from any thread,
    /// once per file, in no particular order), reusing from `memo` every page
    /// whose view model is unchanged. Gives up (`None`, `memo` unchanged) as soon
    /// as `stop` says so. On template errors some files may have reached `sink`:
    /// the caller throws them away.
    pub fn render_into(
        &self,
        memo: &mut PageMemo,
        stop: &(dyn Fn() -> bool + Sync),
        sink: &Sink,
    ) -> Option<Result<(), Vec<Diagnostic>>> {
        if stop() {
            return None; // before the search indexes, which hold their memo while they are built
        }
        let r = self.renderer();
        // Pages are listed first (cheap), then each one's context is built,
        // fingerprinted, rendered, handed to `sink` and dropped on any core:
        // memory holds the view models and bytes of the pages being rendered,
        // not the whole site's.
        // Per page: its fingerprint (when memoizing), and whether it was rendered anew.
        type Done = (Option<u64>, Result<bool, Diagnostic>);
        let pages = views::all_pages(&r);
        let last = &*memo; // read by every page; written once all are done
        let render = |list: &[usize]| -> Option<Vec<(usize, Done)>> {
            list.par_iter()
                .with_max_len(PAGES_PER_JOB) // no core left alone with a long run
                // The thread's output buffer, reused page after page: a page is
                // rendered into it and lent to `sink`.
                .map_init(PageBuffer::take, |PageBuffer(buffer), &i| {
                    if stop() {
                        return None;
                    }
                    let page = &pages[i];
                    let context = page.context.build();
                    let print = last.keep.then(|| r.fingerprint(page, &context, self.theme_key));
                    let previous = last
                        .previous
                        .get(&page.path)
                        .filter(|_| print.is_some() && last.fingerprints.get(&page.path) == print.as_ref());
                    let result = match previous {
                        Some(bytes) => {
                            sink(page.path.clone(), Cow::Borrowed(bytes));
                            Ok(false)
                        }
                        None => r.render_page(page, context, buffer).map(|()| {
                            sink(page.path.clone(), Cow::Borrowed(buffer));
                            true
                        }),
                    };
                    Some((i, (print, result)))
                })
                .collect()
        };
        let Order { beside_search, then, waiting } = render_order(&pages);
        // The feeds and the sitemap read the site and the page list, not the
        // pages' bytes: they are made beside the pages, not after them (beside
        // the list pages: they are lists too, ~30 MB at 10,000 articles).
        let feeds_and_sitemap = || {
            let langs: Vec<_> = self.site.languages.iter().zip(feed_paths(&self.site)).collect();
            langs.into_par_iter().for_each(|(lang, path)| sink(path, Cow::Owned(feeds::atom(&r, lang).into_bytes())));
            sink(SITEMAP.into(), Cow::Owned(feeds::sitemap(&r, &pages).into_bytes()));
        };
        // A one-off build's search files reach `sink` while they are made; kept ones are sent after.
        let (search, rendered) = rayon::join(|| &self.search_into(Some(sink)).files, || render(&beside_search));
        self.files.iter().chain(search).for_each(|(path, bytes)| sink(path.clone(), Cow::Borrowed(bytes)));
        let mut done = rendered?;
        let (rendered, ()) = rayon::join(|| render(&then), feeds_and_sitemap);
        done.extend(rendered?);
        done.extend(render(&waiting)?);
        done.sort_unstable_by_key(|(i, _)| *i);
        let done = done.into_iter().map(|(_, d)| d);
        let mut diags = Vec::new();
        let mut fingerprints = HashMap::default();
        let mut rendered = 0;
        for (page, (print, result)) in pages.iter().zip(done) {
            if let Some(print) = print {
                fingerprints.insert(page.path.clone(), print);
            }
            match result {
                Ok(fresh) => rendered += usize::from(fresh),
                Err(d) => diags.push(d),
            }
        }
        memo.rendered = rendered;
        if !diags.is_empty() {
            return Some(Err(diags));
        }
        if memo.keep {
            memo.fingerprints = fingerprints;
            memo.previous = Arc::default(); // the caller owns the new bytes; see `remember`
        }
        Some(Ok(()))
    }
}

/// Where the sitemap is.
const SITEMAP: &str = "sitemap.xml";

/// Each language's feed, in the site's language order.
fn feed_paths(site: &Site) -> impl Iterator<Item = String> + '_ {
    site.languages.iter().map(|l| format!("{}/feed.xml", l.code))
}

/// Feeds a hasher through `io::Write`, so a view model is hashed without serializing it to a buffer.
struct HashWriter<'h>(&'h mut rustc_hash::FxHasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        std::hash::Hasher::write(self.0, buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Adds the theme's static files under `assets/`, CSS and JS with a content hash in their names.
fn add_assets(theme: &Theme, out: &mut Output) -> BTreeMap<String, String> {
    use sha2::Digest;
    let mut names = BTreeMap::new();
    for (path, bytes) in &theme.statics {
        let target = match path.rsplit_once('.') {
            Some((stem, ext @ ("css" | "js"))) => {
                let hash = sha2::Sha256::digest(bytes);
                let short: String = hash.iter().take(5).map(|b| format!("{b:02x}")).collect();
                format!("assets/{stem}.{short}.{ext}")
            }
            _ => format!("assets/{path}"),
        };
        names.insert(path.clone(), target.clone());
        out.insert(target, bytes.clone());
    }
    names
}

/// `../` repeated once per folder level of `path`.
pub fn root_of(path: &str) -> String {
    "../".repeat(depth_of(path))
}

/// How many folders deep the site path `path` is: its `/`s.
pub fn depth_of(path: &str) -> usize {
    memchr::memchr_iter(b'/', path.as_bytes()).count()
}

/// Shared state of one render.
pub struct Renderer<'a> {
    /// The model.
    pub site: &'a Site,
    /// Its link tables.
    pub links: &'a Links,
    theme: &'a Theme,
    /// Hashed paths of the theme's assets and the search indexes.
    assets: &'a Prepared,
    /// Editions to list, or the edition being rendered.
    pub extras: &'a Extras,
    /// The theme's interface strings of each language code, as Tera values.
    strings: &'a BTreeMap<String, tera::Value>,
    /// Article cards, each built once.
    cards: &'a views::Cards,
    /// Navigation lists, each built once.
    navs: &'a views::Navs,
    /// The quotes of entity pages, made once for all their languages.
    quotes: &'a views::Shared<views::Quoted>,
    /// The original texts, annotated once for all their pages' languages.
    originals: &'a views::Shared<views::Original>,
}

impl<'a> Renderer<'a> {
    /// The hashed site path of a theme asset (`style.css`) or search index (`search-ar.js`).
    pub fn asset(&self, key: &str) -> Option<&'a String> {
        self.assets.asset(key)
    }

    /// An interface string of the theme.
    pub fn string(&self, lang: &Language, key: &str) -> String {
        self.theme.strings.get(&lang.code).and_then(|m| m.get(key)).cloned().unwrap_or_else(|| key.to_string())
    }

    /// The page language's version of a field, or the first available one, marked missing.
    pub fn pick(&self, map: &Localized, lang: &Language) -> Text {
        self.pick_with(map, lang, html::isolate)
    }

    /// Like [`Self::pick`], rendering Markdown.
    pub fn pick_md(&self, map: &Localized, lang: &Language) -> Text {
        self.pick_with(map, lang, markdown::to_html)
    }

    /// Like [`Self::pick`], rendering Markdown that stays inline.
    pub fn pick_inline_md(&self, map: &Localized, lang: &Language) -> Text {
        self.pick_with(map, lang, markdown::to_inline_html)
    }

    /// The page language's text of a field, else the first site language that has one
    /// (then `true`: the page's own translation is missing).
    fn version<'m>(&self, map: &'m Localized, lang: &'m Language) -> Option<(&'m Language, &'m String, bool)>
    where
        'a: 'm,
    {
        // Blank is all white space: the first character that is not says it is
        // not (`trim` would read the text's end too, a cache miss of its own).
        let usable = |l: &'m Language| map.get(&l.code).filter(|t| !t.trim_start().is_empty()).map(|t| (l, t));
        usable(lang)
            .map(|(l, t)| (l, t, false))
            .or_else(|| self.site.languages.iter().find_map(usable).map(|(l, t)| (l, t, true)))
    }

    fn pick_with(&self, map: &Localized, lang: &Language, to_html: impl Fn(&str, Dir) -> String) -> Text {
        match self.version(map, lang) {
            Some((l, t, missing)) => {
                Text { html: to_html(t, l.dir), lang: l.code.clone(), dir: l.dir.as_str(), missing }
            }
            None => Text { html: String::new(), lang: lang.code.clone(), dir: lang.dir.as_str(), missing: true },
        }
    }

    /// Plain text of a field in the page language (for titles and feeds), falling back like [`Self::pick`].
    pub fn plain(&self, map: &Localized, lang: &Language) -> String {
        self.version(map, lang).map(|(_, t, _)| t.clone()).unwrap_or_default()
    }

    /// A hash of everything [`Self::render_page`] gives the template for `page`, and of the theme.
    fn fingerprint(&self, page: &PageSpec, context: &Value, theme_key: u64) -> u64 {
        let mut h = rustc_hash::FxHasher::default();
        theme_key.hash(&mut h);
        (&page.path, page.template, &page.lang.code, page.lang.dir.as_str(), &page.title).hash(&mut h);
        page.crumbs.hash(&mut h);
        for (l, p) in &page.alternates {
            (&l.code, l.dir.as_str(), p).hash(&mut h);
        }
        views::nav_items(self, page.lang).hash(&mut h);
        self.plain(&self.site.config.title, page.lang).hash(&mut h);
        // Only the stylesheet's name reaches every page; other assets (the search
        // indexes) are named in the contexts of the pages that load them.
        self.asset("style.css").hash(&mut h);
        // Serializing into a hasher cannot fail: HashWriter never returns an error.
        let banner = views::edition_banner(self, &page.path, page.lang); // snapshot hook
        let _ = serde_json::to_writer(HashWriter(&mut h), &banner);
        values::hash(context, &mut h);
        h.finish()
    }

    /// What every template sees whatever the page: `lang`, `dir`, `root` (the
    /// way up to the site root), `t` (interface strings), `site_title` and `stylesheet`.
    fn globals(&self, lang: &Language, root: &str) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert_value("lang", values::string(&lang.code));
        ctx.insert_value("dir", Value::from(lang.dir.as_str()));
        ctx.insert_value("root", values::string(root));
        match self.strings.get(&lang.code) {
            Some(strings) => ctx.insert_value("t", strings.clone()),
            None => ctx.insert("t", &BTreeMap::<String, String>::new()),
        }
        ctx.insert_value("site_title", Value::from(self.plain(&self.site.config.title, lang)));
        let stylesheet = self.asset("style.css").map_or("", String::as_str);
        ctx.insert_value("stylesheet", Value::from(format!("{root}{stylesheet}")));
        ctx
    }

    /// A partial template rendered on its own with the [globals](Self::globals)
    /// of `lang` at `depth` folders below the root, and `name` set to `value`;
    /// `None` when the theme has no such partial or it fails (a page that
    /// includes it then reports the error).
    pub fn partial(
        &self,
        template: &str,
        lang: &Language,
        depth: usize,
        name: &'static str,
        value: Value,
    ) -> Option<String> {
        let mut ctx = self.globals(lang, &"../".repeat(depth));
        ctx.insert_value(name, value);
        self.theme.tera.render(template, &ctx).ok()
    }

    /// Renders `page` through `buffer` (cleared first), returning its bytes. The
    /// bytes are written straight from Tera: its `render` checks the whole page
    /// is UTF-8, which it is by construction (every piece written is a `str`).
    /// Renders `page` into `buffer`, which it empties first.
    fn render_page(&self, page: &PageSpec, context: Value, buffer: &mut Vec<u8>) -> Result<(), Diagnostic> {
        let lang = page.lang;
        let root = root_of(&page.path);
        let here = |p: &str| Value::from(format!("{root}{p}"));
        let crumbs: Vec<Value> = page
            .crumbs
            .iter()
            .map(|(label, path)| map([("label", values::string(label)), ("href", here(path))]))
            .collect();
        let alternates: Vec<Value> = page
            .alternates
            .iter()
            .map(|(l, path)| {
                map([
                    ("lang", values::string(&l.code)),
                    ("dir", Value::from(l.dir.as_str())),
                    ("name", Value::from(self.string(l, "language_name"))),
                    ("href", here(path)),
                    ("current", Value::from(l.code == lang.code)),
                ])
            })
            .collect();
        let mut ctx = self.globals(lang, &root);
        ctx.insert_value("page_title", values::string(&page.title));
        ctx.insert_value("nav", views::nav(self, lang, &page.path));
        ctx.insert_value("crumbs", values::list(crumbs));
        ctx.insert_value("alternates", values::list(alternates));
        ctx.insert_value("page", context);
        ctx.insert("edition", &views::edition_banner(self, &page.path, lang)); // snapshot hook
        buffer.clear();
        match self.theme.tera.render_to(page.template, &ctx, &mut *buffer) {
            Ok(()) => Ok(()),
            Err(e) => Err(Diagnostic::error(
                format!("templates/{}", page.template),
                0,
                0,
                format!("rendering {}: {}", page.path, theme::error_chain(&e)),
            )
            .with_hint("fix the template; the previous site is left as it was")),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::incremental::Memo;
    use crate::site::Drafts;

    /// The test project, prepared for rendering (with the folder it is in).
    fn prepared_fixture() -> (tempfile::TempDir, super::Prepared) {
        let tmp = crate::testing::valid_project();
        let mut memo = Memo::once(false);
        let mode = crate::snapshot::Mode::Live(&tmp.path().join("site"));
        let (prepared, diags) = crate::pipeline::prepare_with(tmp.path(), Drafts::Include, mode, &mut memo);
        let prepared = prepared.unwrap_or_else(|| panic!("fixture builds: {diags:?}"));
        (tmp, prepared)
    }

    /// An article of the site is found at its place by its address; an
    /// article that is not one of the site's (a copy) by its slug.
    #[test]
    fn articles_are_found_by_address_or_slug() {
        let (_tmp, prepared) = prepared_fixture();
        let site = &prepared.site;
        assert!(site.articles.len() > 1, "the fixture has articles");
        for (i, a) in site.articles.iter().enumerate() {
            assert_eq!(site.position_of(a), Some(i), "{}", a.slug);
            let copy = crate::site::Article {
                slug: a.slug.clone(),
                meta: a.meta.clone(),
                date: a.date,
                original_title: a.original_title.clone(),
                body: a.body.clone(),
                body_key: a.body_key,
                original: a.original.clone(),
            };
            assert_eq!(site.position_of(&copy), Some(i), "a copy of {}", a.slug);
            let stranger = crate::site::Article { slug: "not-in-the-site".into(), ..copy };
            assert_eq!(site.position_of(&stranger), None);
        }
    }

    /// The entity names and topic titles that lists share are what picking
    /// each one anew gives, in the language asked for, whichever language's
    /// page asked first: the site's two languages name them differently.
    #[test]
    fn shared_names_are_each_language_s_own() {
        let (_tmp, prepared) = prepared_fixture();
        let r = prepared.renderer();
        let languages = &prepared.site.languages;
        assert_eq!(languages.len(), 2, "the fixture is bilingual");
        let mut asked = 0;
        for (i, (slug, e)) in prepared.site.entities.iter().enumerate() {
            // Every other entity is asked for in the other order.
            for lang in languages.iter().cycle().skip(i % 2).take(2) {
                for _ in 0..2 {
                    assert!(super::views::entity_name(&r, slug, e, lang) == r.pick(&e.name, lang).value(), "{slug}");
                    asked += 1;
                }
            }
            let [first, second] = [&languages[0], &languages[1]].map(|l| super::views::entity_name(&r, slug, e, l));
            assert!(first != second, "{slug}: the fixture names it differently in each language");
        }
        for (i, (slug, t)) in prepared.site.topics.iter().enumerate() {
            for lang in languages.iter().cycle().skip(i % 2).take(2) {
                assert!(super::views::topic_title(&r, slug, t, lang) == r.pick(&t.title, lang).value(), "{slug}");
                asked += 1;
            }
        }
        assert!(asked > 8, "the fixture has entities and topics");
    }

    /// [`super::Prepared::render_into`] renders every page but the search pages
    /// while the search indexes are being made: a page that asked for them
    /// then would wait on the stage it runs inside of. No other page asks.
    #[test]
    fn only_the_search_pages_ask_for_the_search_files() {
        let (_tmp, prepared) = prepared_fixture();
        let r = prepared.renderer();
        let pages = super::views::all_pages(&r);
        let (search, others): (Vec<_>, Vec<_>) = pages.iter().partition(|p| super::views::search::names_indexes(p));
        assert_eq!(search.len(), prepared.site.languages.len(), "one search page per language");
        for page in others {
            r.render_page(page, page.context.build(), &mut Vec::new()).expect("renders");
        }
        assert!(prepared.search.get().is_none(), "a page other than the search pages asked for the search files");
        let page = search[0];
        let mut html = Vec::new();
        r.render_page(page, page.context.build(), &mut html).expect("renders");
        assert!(prepared.search.get().is_some(), "the search page names the index, so it asks for it");
        let index = &prepared.search.get().unwrap().names[&format!("search-{}.js", page.lang.code)];
        assert!(String::from_utf8_lossy(&html).contains(index.rsplit('/').next().unwrap()));
    }

    /// The article pages are rendered beside the search indexes; then the
    /// pages that list a section, then the items that list most articles; the
    /// search pages wait.
    #[test]
    fn article_pages_go_beside_the_search_then_the_longest_lists() {
        let (_tmp, prepared) = prepared_fixture();
        let r = prepared.renderer();
        let pages = super::views::all_pages(&r);
        let super::Order { beside_search, then, waiting } = super::render_order(&pages);
        let search: Vec<usize> = (0..pages.len()).filter(|&i| super::views::search::names_indexes(&pages[i])).collect();
        assert!(!search.is_empty() && waiting == search, "the search pages, and they alone, wait");
        assert_eq!(beside_search.len() + then.len() + waiting.len(), pages.len());
        let articles = |i: &usize| pages[*i].path.contains("/articles/") && pages[*i].item;
        let lists_none = |i: &usize| pages[*i].item && pages[*i].lists == 0;
        assert!(beside_search.iter().all(lists_none), "beside the search, items that list no articles");
        assert!(then.iter().all(|i| !lists_none(i)), "after it, every page that lists some");
        assert!(
            beside_search.iter().any(articles) && then.iter().all(|i| !articles(i)),
            "every article page beside it"
        );
        let now: Vec<usize> = then.iter().chain(&beside_search).copied().collect();
        let items: Vec<&super::PageSpec> = now.iter().map(|&i| &pages[i]).skip_while(|p| !p.item).collect();
        assert!(items.iter().all(|p| p.item), "every list page before every item");
        assert!(items.windows(2).all(|w| w[0].lists >= w[1].lists), "items that list more first");
        let entity = |p: &&super::PageSpec| p.path.contains("/entities/") && p.lists > 0;
        assert!(
            items.iter().any(entity),
            "the fixture's entities list articles: {:?}",
            items.iter().map(|p| (&p.path, p.lists)).collect::<Vec<_>>()
        );
        let first_article = items.iter().position(|p| p.path.contains("/articles/")).unwrap();
        assert!(
            items[..first_article].iter().any(entity),
            "an entity page that lists articles comes before the article pages"
        );
        // An item's pages in every language follow each other.
        let languages = prepared.site.languages.len();
        assert!(languages > 1, "the fixture is bilingual");
        for group in items.chunks(languages) {
            let below = |p: &&super::PageSpec| p.path.split_once('/').unwrap().1.to_string();
            assert!(
                group.iter().all(|p| below(p) == below(&group[0])),
                "{:?}",
                group.iter().map(|p| &p.path).collect::<Vec<_>>()
            );
        }
    }
}
