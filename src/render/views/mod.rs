//! View models: one function per page type, each returning a [`PageSpec`]
//! whose context the template only loops over.

mod article;
mod collections;
mod editions;
pub mod search; // search page and index scripts
mod shared; // page parts made once for every language

use super::values::{list, map, string};
use super::{Context, Model, PageContext, PageSpec, Renderer, Text, dates};
use crate::model::{Language, PartialDate};
use crate::site::{Article, Site};
use std::sync::OnceLock;
use tera::Value;

pub use article::{Original, article_page, article_pages};
pub use collections::{Quoted, entity_page, entity_pages, figures_page, timeline_page, topic_page, topic_pages};
pub use editions::banner as edition_banner;
pub use shared::Shared;

/// Site path of a page in a language: `en/topics/index.html`.
pub fn path(lang: &Language, rest: &str) -> String {
    [lang.code.as_str(), "/", rest].concat() // several per page: no formatting machinery
}

/// The same page in every site language.
pub fn everywhere<'r>(r: &'r Renderer, rest: &str) -> Vec<(&'r Language, String)> {
    r.site.languages.iter().map(|l| (l, path(l, rest))).collect()
}

/// Navigation: (label, site path).
pub fn nav_items(r: &Renderer, lang: &Language) -> Vec<(String, String)> {
    let mut items = vec![
        (r.string(lang, "nav_home"), path(lang, "index.html")),
        (r.string(lang, "nav_articles"), path(lang, "articles/index.html")),
        (r.string(lang, "nav_topics"), path(lang, "topics/index.html")),
        (r.string(lang, "nav_entities"), path(lang, "entities/index.html")),
        (r.string(lang, "nav_timeline"), path(lang, "timeline/index.html")),
        (r.string(lang, "nav_figures"), path(lang, "figures/index.html")),
        (r.string(lang, "nav_search"), path(lang, "search/index.html")), // src/render/views/search.rs
    ];
    for (slug, versions) in &r.site.pages {
        if let Some((title, _)) = versions.get(&lang.code) {
            items.push((title.clone(), path(lang, &format!("pages/{slug}/index.html"))));
        }
    }
    let (key, rest) = editions::nav_item(r); // snapshot hook
    items.push((r.string(lang, key), path(lang, rest)));
    items
}

/// Dates made: by date, (language code, value).
type Dates = rustc_hash::FxHashMap<PartialDate, Vec<(Box<str>, Value)>>;

/// A date for display and for `datetime`.
pub fn date(d: &PartialDate, lang: &Language) -> Value {
    // A few thousand dates, each shown on many pages (every card, timeline
    // entry and figure): made once per thread, then a reference count. A
    // date's value depends on the date and the language alone.
    thread_local! {
        static MADE: std::cell::RefCell<Dates> = Default::default();
    }
    MADE.with_borrow_mut(|made| {
        let langs = made.entry(*d).or_default();
        if let Some((_, v)) = langs.iter().find(|(code, _)| **code == *lang.code) {
            return v.clone();
        }
        let v = map([("iso", Value::from(d.to_string())), ("text", Value::from(dates::format(d, &lang.code)))]);
        langs.push((lang.code.as_str().into(), v.clone()));
        v
    })
}

/// Trail home → … for breadcrumbs.
pub fn crumbs(r: &Renderer, lang: &Language, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut c = vec![(r.string(lang, "nav_home"), path(lang, "index.html"))];
    c.extend(extra.iter().map(|(key, rest)| (r.string(lang, key), path(lang, rest))));
    c
}

/// A section page at `<lang>/<rest>`, one level under home, titled by an interface string.
pub fn section<'r>(
    r: &'r Renderer,
    lang: &'r Language,
    rest: &str,
    template: &'static str,
    title_key: &str,
    context: Context<'r>,
) -> PageSpec<'r> {
    section_of(r, lang, rest, (template, title_key), PageContext::Json(context))
}

/// [`section`] with a view model built as a Tera value.
pub fn section_model<'r>(
    r: &'r Renderer,
    lang: &'r Language,
    rest: &str,
    template: &'static str,
    title_key: &str,
    context: Model<'r>,
) -> PageSpec<'r> {
    section_of(r, lang, rest, (template, title_key), PageContext::Tera(context))
}

fn section_of<'r>(
    r: &'r Renderer,
    lang: &'r Language,
    rest: &str,
    (template, title_key): (&'static str, &str),
    context: PageContext<'r>,
) -> PageSpec<'r> {
    PageSpec {
        title: r.string(lang, title_key),
        crumbs: crumbs(r, lang, &[]),
        path: path(lang, rest),
        template,
        lang,
        alternates: everywhere(r, rest),
        context,
        item: false,
        lists: 0,
    }
}

/// The page at `<lang>/<rest>`, if the site has one. An article, topic or
/// entity page is built alone (serve asks for one page at a time; listing
/// every page would cost as much as the site has articles); other pages are
/// found in the language's list.
pub fn page_at<'r>(r: &'r Renderer, lang: &'r Language, rest: &str) -> Option<PageSpec<'r>> {
    let item_of =
        |section: &str| rest.strip_prefix(section)?.strip_suffix("/index.html").filter(|slug| !slug.contains('/'));
    if let Some(slug) = item_of("articles/") {
        return r.site.article(slug).map(|a| article_page(r, a, lang));
    }
    if let Some(slug) = item_of("topics/") {
        return r.site.topics.get_key_value(slug).map(|(slug, t)| topic_page(r, lang, slug, t));
    }
    if let Some(slug) = item_of("entities/") {
        return r.site.entities.get_key_value(slug).map(|(slug, e)| entity_page(r, lang, slug, e));
    }
    let wanted = path(lang, rest);
    pages_for(r, lang).into_iter().find(|p| p.path == wanted)
}

/// Every page of the site: each language's, then the landing page and the 404 page.
pub fn all_pages<'r>(r: &'r Renderer) -> Vec<PageSpec<'r>> {
    // The languages side by side: listing a page names it and titles it (at
    // 10,000 articles, ~40 ms a language that had one core busy alone).
    use rayon::prelude::*;
    let each: Vec<Vec<PageSpec>> = r.site.languages.par_iter().map(|lang| pages_for(r, lang)).collect();
    // Gathered into one list of its final size: a list grown page by page
    // copied them again at every doubling, into fresh memory.
    let mut pages = Vec::with_capacity(each.iter().map(Vec::len).sum::<usize>() + 2);
    each.into_iter().for_each(|mut list| pages.append(&mut list));
    pages.extend([landing(r), not_found(r)]);
    pages
}

/// A page of one item of a section (an article, topic or entity) at `<lang>/<rest>`,
/// under home → the section's index (`section`: its label key and index path).
pub fn item<'r>(
    r: &'r Renderer,
    lang: &'r Language,
    section: (&str, &str),
    rest: &str,
    (template, title): (&'static str, String),
    context: Model<'r>,
) -> PageSpec<'r> {
    PageSpec {
        title,
        crumbs: crumbs(r, lang, &[section]),
        path: path(lang, rest),
        template,
        lang,
        alternates: everywhere(r, rest),
        context: PageContext::Tera(context),
        item: true,
        lists: 0,
    }
}

/// Folder depths of the pages whose article cards are kept (`en/topics/x/index.html`: 3).
const CARD_DEPTHS: usize = 4;

/// Article cards, each built once per (article, language, folder depth of the
/// page that shows it) and then shared by every list that shows it: a topic,
/// entity, index, figures or related list would otherwise pick, isolate,
/// escape and format the same card anew. The entity names and topic titles
/// that lists show are kept here too, for the same reason.
pub struct Cards {
    slots: Vec<OnceLock<Value>>,
    /// Per (article, language): the title, date and source values, the same
    /// at every depth, made once and shared by the cards of every depth.
    parts: Vec<OnceLock<CardParts>>,
    languages: usize,
    /// Per (entity, language): its name as lists show it. An article page
    /// lists its entities, a topic page its most named ones, an entity page
    /// those it occurs with: at 10,000 articles, ~100,000 names picked,
    /// isolated and made into Tera maps for a thousand entities.
    entity_names: Names,
    /// Per (topic, language): its title as lists show it (every article page lists its topics).
    topic_titles: Names,
}

/// Slots of picked texts by slug, one per language.
type Names = rustc_hash::FxHashMap<String, Box<[OnceLock<Value>]>>;

/// The parts of an article's card that do not depend on the page showing it.
#[derive(Clone)]
struct CardParts {
    title: Value,
    date: Value,
    source: Value,
}

impl Cards {
    /// Empty slots for every article of `site`.
    pub fn new(site: &Site) -> Cards {
        let languages = site.languages.len();
        let per_language = site.articles.len() * languages;
        Cards {
            slots: (0..per_language * CARD_DEPTHS).map(|_| OnceLock::new()).collect(),
            parts: (0..per_language).map(|_| OnceLock::new()).collect(),
            languages,
            entity_names: names(site.entities.keys(), languages),
            topic_titles: names(site.topics.keys(), languages),
        }
    }

    /// The place of (`a`, `lang`) among the slots; `None` for an article not kept.
    fn place(&self, site: &Site, a: &Article, lang: &Language) -> Option<usize> {
        Some(site.position_of(a)? * self.languages + language_place(site, lang)?)
    }

    /// Where the card of `a` in `lang` at `depth` is kept; `None` for an
    /// article or depth not kept.
    fn card(&self, site: &Site, a: &Article, lang: &Language, depth: usize) -> Option<&OnceLock<Value>> {
        if depth >= CARD_DEPTHS {
            return None;
        }
        self.slots.get(self.place(site, a, lang)? * CARD_DEPTHS + depth)
    }

    /// Where the parts of `a`'s card in `lang` are kept.
    fn parts(&self, site: &Site, a: &Article, lang: &Language) -> Option<&OnceLock<CardParts>> {
        self.parts.get(self.place(site, a, lang)?)
    }
}

/// The place of `lang` among the site's languages, which the slots of
/// shared parts are kept by.
fn language_place(site: &Site, lang: &Language) -> Option<usize> {
    site.languages.iter().position(|l| l.code == lang.code)
}

/// Empty slots for `slugs` in `languages` languages.
fn names<'s>(slugs: impl Iterator<Item = &'s String>, languages: usize) -> Names {
    slugs.map(|slug| (slug.clone(), (0..languages).map(|_| OnceLock::new()).collect())).collect()
}

/// The text of `slug`'s `field` (its name or title) in `lang` as [`Renderer::pick`]
/// gives it, from `names`, made the first time a page asks for it.
fn picked(r: &Renderer, names: &Names, slug: &str, field: &crate::model::Localized, lang: &Language) -> Value {
    let slot = language_place(r.site, lang).and_then(|l| names.get(slug)?.get(l));
    match slot {
        Some(slot) => slot.get_or_init(|| r.pick(field, lang).value()).clone(),
        None => r.pick(field, lang).value(),
    }
}

/// An entity's name in `lang`, as lists show it: made once, then shared.
pub fn entity_name(r: &Renderer, slug: &str, e: &crate::model::EntityFile, lang: &Language) -> Value {
    picked(r, &r.cards.entity_names, slug, &e.name, lang)
}

/// A topic's title in `lang`, as lists show it: made once, then shared.
pub fn topic_title(r: &Renderer, slug: &str, t: &crate::model::TopicFile, lang: &Language) -> Value {
    picked(r, &r.cards.topic_titles, slug, &t.title, lang)
}

/// The navigation of every page at one folder depth of one language, built
/// once: only the pages it lists (which it marks current) get their own.
pub struct Navs {
    /// Per (language, depth): the site paths it lists, and the list with none current.
    slots: Vec<OnceLock<(Vec<String>, Value)>>,
}

impl Navs {
    /// Empty slots for every language of `site`.
    pub fn new(site: &Site) -> Navs {
        Navs { slots: (0..site.languages.len() * CARD_DEPTHS).map(|_| OnceLock::new()).collect() }
    }
}

/// The navigation of the page at `page_path`, as the templates read it (`label`, `href`, `current`).
pub fn nav(r: &Renderer, lang: &Language, page_path: &str) -> Value {
    let root = super::root_of(page_path);
    let depth = super::depth_of(page_path);
    let slot = language_place(r.site, lang).filter(|_| depth < CARD_DEPTHS);
    let Some(slot) = slot.and_then(|l| r.navs.slots.get(l * CARD_DEPTHS + depth)) else {
        return nav_value(&nav_items(r, lang), &root, page_path);
    };
    let (paths, shared) = slot.get_or_init(|| {
        let items = nav_items(r, lang);
        (items.iter().map(|(_, path)| path.clone()).collect(), nav_value(&items, &root, ""))
    });
    if paths.iter().any(|p| p == page_path) { nav_value(&nav_items(r, lang), &root, page_path) } else { shared.clone() }
}

fn nav_value(items: &[(String, String)], root: &str, current: &str) -> Value {
    let item = |(label, path): &(String, String)| {
        map([
            ("label", string(label)),
            ("href", Value::from(format!("{root}{path}"))),
            ("current", Value::from(path == current)),
        ])
    };
    list(items.iter().map(item).collect())
}

/// A link to an article, as lists show it. `from` is the site path of the page.
pub fn article_card(r: &Renderer, a: &Article, lang: &Language, from: &str) -> Value {
    let depth = super::depth_of(from);
    match r.cards.card(r.site, a, lang, depth) {
        Some(slot) => slot.get_or_init(|| new_card(r, a, lang, depth, shared_card_parts(r, a, lang))).clone(),
        None => new_card(r, a, lang, depth, card_parts(r, a, lang)),
    }
}

/// The parts of `a`'s card in `lang` (title, date, source), shared: the
/// article's page and the timelines show them too.
fn shared_card_parts(r: &Renderer, a: &Article, lang: &Language) -> CardParts {
    match r.cards.parts(r.site, a, lang) {
        Some(parts) => parts.get_or_init(|| card_parts(r, a, lang)).clone(),
        None => card_parts(r, a, lang),
    }
}

fn card_parts(r: &Renderer, a: &Article, lang: &Language) -> CardParts {
    let source = a.meta.source.as_ref().map(|s| r.pick(&s.name, lang).value());
    CardParts { title: r.pick(&a.meta.title, lang).value(), date: date(&a.date, lang), source: Value::from(source) }
}

fn new_card(r: &Renderer, a: &Article, lang: &Language, depth: usize, parts: CardParts) -> Value {
    let href = format!("{}{}", "../".repeat(depth), path(lang, &format!("articles/{}/index.html", a.slug)));
    let CardParts { title, date, source } = parts;
    let fields = [
        ("href", Value::from(href)),
        ("title", title),
        ("date", date),
        ("source", source),
        ("draft", Value::from(a.meta.draft)),
    ];
    // The card's HTML, made once here rather than by every list that shows
    // it: `partials/card.html` sees only the card and the globals.
    let html = r.partial(CARD_PARTIAL, lang, depth, "card", map(fields.clone()));
    let [href, title, date, source, draft] = fields;
    map([href, title, date, source, draft, ("html", Value::from(html))])
}

/// The partial that shows an article card; the theme's templates show `card.html` (docs/CONTENT-FORMAT.md).
const CARD_PARTIAL: &str = "partials/card.html";

/// A link from page `from` to site path `to`.
pub fn href(from: &str, to: &str) -> String {
    // `root_of(from)` and `to` in one string: made for every link of every page.
    let depth = super::depth_of(from);
    let mut out = String::with_capacity(3 * depth + to.len());
    (0..depth).for_each(|_| out.push_str("../"));
    out.push_str(to);
    out
}

/// Every page of one language. Listing them is cheap: each page's context is
/// built only when the page is rendered.
pub fn pages_for<'r>(r: &'r Renderer, lang: &'r Language) -> Vec<PageSpec<'r>> {
    let mut pages = vec![home(r, lang), articles_index(r, lang)];
    pages.extend(article_pages(r, lang));
    pages.extend(topic_pages(r, lang));
    pages.extend(entity_pages(r, lang));
    pages.push(timeline_page(r, lang));
    pages.push(figures_page(r, lang));
    pages.extend(free_pages(r, lang));
    pages.extend(editions::pages(r, lang)); // snapshot hook
    pages.push(search::search_page(r, lang));
    pages
}

fn home<'r>(r: &'r Renderer, lang: &'r Language) -> PageSpec<'r> {
    PageSpec {
        title: r.plain(&r.site.config.title, lang),
        path: path(lang, "index.html"),
        template: "home.html",
        lang,
        crumbs: vec![],
        alternates: everywhere(r, "index.html"),
        context: PageContext::Tera(Box::new(move || home_context(r, lang))),
        item: false,
        lists: 0,
    }
}

fn home_context(r: &Renderer, lang: &Language) -> Value {
    let here = path(lang, "index.html");
    let site = r.site;
    let topics: Vec<Value> = collections::topics_in_order(site)
        .into_iter()
        .map(|(slug, t)| {
            map([
                ("href", Value::from(href(&here, &path(lang, &format!("topics/{slug}/index.html"))))),
                ("title", topic_title(r, slug, t, lang)),
                ("lead", lead(r.pick_md(&t.summary, lang)).value()),
            ])
        })
        .collect();
    let latest: Vec<Value> = site.articles.iter().take(10).map(|a| article_card(r, a, lang, &here)).collect();
    let mut key: Vec<(&String, usize)> = r.links.entity_articles.iter().map(|(e, list)| (e, list.len())).collect();
    key.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let entities: Vec<Value> = key
        .into_iter()
        .filter_map(|(slug, n)| site.entities.get(slug).map(|e| (slug, e, n)))
        .take(12)
        .map(|(slug, e, n)| {
            map([
                ("href", Value::from(href(&here, &path(lang, &format!("entities/{slug}/index.html"))))),
                ("name", entity_name(r, slug, e, lang)),
                ("count", Value::from(n)),
            ])
        })
        .collect();
    map([
        ("description", r.pick(&site.config.description, lang).value()),
        ("topics", list(topics)),
        ("latest", list(latest)),
        ("entities", list(entities)),
    ])
}

/// The first paragraph of rendered Markdown, for a teaser.
fn lead(mut t: Text) -> Text {
    if let Some(end) = t.html.find("</p>") {
        t.html.truncate(end + 4);
    }
    t
}

fn articles_index<'r>(r: &'r Renderer, lang: &'r Language) -> PageSpec<'r> {
    let context = move || {
        let here = path(lang, "articles/index.html");
        let articles: Vec<Value> = r.site.articles.iter().map(|a| article_card(r, a, lang, &here)).collect();
        map([("articles", list(articles))])
    };
    section_model(r, lang, "articles/index.html", "articles.html", "nav_articles", Box::new(context))
}

fn free_pages<'r>(r: &'r Renderer, lang: &'r Language) -> Vec<PageSpec<'r>> {
    let mut pages = Vec::new();
    for (slug, versions) in &r.site.pages {
        let Some((title, body)) = versions.get(&lang.code) else { continue };
        let rest = format!("pages/{slug}/index.html");
        pages.push(PageSpec {
            path: path(lang, &rest),
            template: "page.html",
            lang,
            title: title.clone(),
            crumbs: crumbs(r, lang, &[]),
            alternates: r
                .site
                .languages
                .iter()
                .filter(|l| versions.contains_key(&l.code))
                .map(|l| (l, path(l, &rest)))
                .collect(),
            context: PageContext::Tera(Box::new(move || {
                map([("body", Value::from(super::markdown::to_html(body, lang.dir)))])
            })),
            item: false,
            lists: 0,
        });
    }
    pages
}

/// `index.html`: the site in every language, default first.
pub fn landing<'r>(r: &'r Renderer) -> PageSpec<'r> {
    let default = &r.site.languages[0];
    PageSpec {
        path: "index.html".into(),
        template: "landing.html",
        lang: default,
        title: r.plain(&r.site.config.title, default),
        crumbs: vec![],
        alternates: vec![],
        context: PageContext::Tera(Box::new(move || landing_context(r))),
        item: false,
        lists: 0,
    }
}

fn landing_context(r: &Renderer) -> Value {
    let homes: Vec<Value> = r
        .site
        .languages
        .iter()
        .map(|l| {
            map([
                ("lang", string(&l.code)),
                ("dir", Value::from(l.dir.as_str())),
                ("href", Value::from(path(l, "index.html"))),
                ("title", r.pick(&r.site.config.title, l).value()),
                ("description", r.pick(&r.site.config.description, l).value()),
                ("enter", Value::from(r.string(l, "enter"))),
            ])
        })
        .collect();
    map([("homes", list(homes))])
}

/// `404.html`, at the root, pointing at every language's home.
pub fn not_found<'r>(r: &'r Renderer) -> PageSpec<'r> {
    let mut page = landing(r);
    page.path = "404.html".into();
    page.template = "404.html";
    page.title = r.string(page.lang, "not_found");
    page
}

#[cfg(test)]
mod tests {
    /// A date made once per thread and language is the same one made anew:
    /// asked in one language, then the other, then the first again.
    #[test]
    fn dates_are_each_language_s_own() {
        use crate::model::{Dir, Language, PartialDate};
        let language = |code: &str| Language { code: code.into(), dir: Dir::of(code) };
        let (en, ar) = (language("en"), language("ar"));
        for text in ["2025-10-18", "2024-12", "2014", "2025-10-18"] {
            let d = PartialDate::parse(text).unwrap();
            for lang in [&en, &ar, &en] {
                let v = super::date(&d, lang);
                let map = v.as_map().expect("a date is a map");
                let field = |name: &str| {
                    map.iter().find(|(k, _)| k.as_str() == Some(name)).and_then(|(_, x)| x.as_str().map(str::to_string))
                };
                assert_eq!(field("iso").as_deref(), Some(text));
                assert_eq!(
                    field("text"),
                    Some(crate::render::dates::format(&d, &lang.code)),
                    "{text} in {}",
                    lang.code
                );
            }
        }
    }

    proptest::proptest! {
        /// A link is the way up to the site's root from the page, then the target.
        #[test]
        fn href_climbs_to_the_root_then_down(from in "[a-z/]{0,12}", to in "[a-z/#]{0,8}") {
            proptest::prop_assert_eq!(super::href(&from, &to), format!("{}{to}", crate::render::root_of(&from)));
        }
    }
}
