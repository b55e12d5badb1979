//! Pages of the editions archive: the list of editions on the live site, and
//! inside an edition its banner and its "what changed" page.

use super::{crumbs, date, everywhere, href, path, section};
use crate::model::{Language, Localized, PartialDate};
use crate::render::{PageContext, PageSpec, Renderer, root_of};
use crate::snapshot::changes::{Changes, Named};
use crate::snapshot::manifest::Manifest;
use serde_json::{Value, json};

/// Where the list of editions is, under a language folder.
const EDITIONS: &str = "editions/index.html";
/// Where an edition's change page is, under a language folder.
const CHANGES: &str = "changes/index.html";

/// The navigation entry these pages add: (label key, path under the language).
pub fn nav_item(r: &Renderer) -> (&'static str, &'static str) {
    if r.extras.edition.is_some() { ("nav_changes", CHANGES) } else { ("nav_editions", EDITIONS) }
}

/// The pages these views add in one language: the change page inside an
/// edition, the list of editions on the live site.
pub fn pages<'r>(r: &'r Renderer, lang: &'r Language) -> Vec<PageSpec<'r>> {
    match &r.extras.edition {
        Some(_) => vec![changes_page(r, lang)],
        None => vec![editions_page(r, lang)],
    }
}

/// The banner on every page of an edition, or `None` on the live site. The
/// "latest briefing" link goes to `site.base_url` when the project sets one
/// (it works wherever the folder is copied); otherwise it is relative, and
/// works while the edition sits in `site/snapshots/<label>/`.
pub fn banner(r: &Renderer, page_path: &str, lang: &Language) -> Option<Value> {
    let edition = r.extras.edition.as_ref()?;
    let latest = match r.site.config.base_url.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        Some(base) => format!("{}/{}/index.html", base.trim_end_matches('/'), lang.code),
        None => format!("{}../../{}/index.html", root_of(page_path), lang.code),
    };
    Some(json!({
        "date": PartialDate::parse(&edition.date).map(|d| date(&d, lang)),
        "label": edition.label,
        "latest": latest,
        "changes": href(page_path, &path(lang, CHANGES)),
    }))
}

/// `<lang>/editions/index.html`: every edition, newest first, with what changed.
fn editions_page<'r>(r: &'r Renderer, lang: &'r Language) -> PageSpec<'r> {
    section(r, lang, EDITIONS, "editions.html", "nav_editions", Box::new(move || editions_context(r, lang)))
}

fn editions_context(r: &Renderer, lang: &Language) -> Value {
    let here = path(lang, EDITIONS);
    let editions: Vec<Value> = r
        .extras
        .editions
        .iter()
        .map(|m| {
            let edition_root = format!("{}snapshots/{}/", root_of(&here), m.label);
            json!({
                "label": m.label,
                "date": PartialDate::parse(&m.date).map(|d| date(&d, lang)),
                "note": m.note,
                "summary": summary(r, lang, m),
                "href": format!("{edition_root}{}", path(lang, "index.html")),
                "changes_href": format!("{edition_root}{}", path(lang, CHANGES)),
            })
        })
        .collect();
    json!({"editions": editions})
}

/// One line on what an edition changed: "2 articles added, 1 figure changed".
fn summary(r: &Renderer, lang: &Language, m: &Manifest) -> String {
    if m.previous.is_none() {
        return r.string(lang, "changes_first_short");
    }
    let c = &m.changes;
    let parts: Vec<String> =
        kinds(c).into_iter().filter(|(_, n)| *n > 0).map(|(key, n)| format!("{}: {n}", r.string(lang, key))).collect();
    if parts.is_empty() { r.string(lang, "changes_none") } else { parts.join(&r.string(lang, "list_separator")) }
}

/// Each kind of change with its interface string and count.
fn kinds(c: &Changes) -> [(&'static str, usize); 8] {
    [
        ("articles_added", c.articles_added.len()),
        ("articles_removed", c.articles_removed.len()),
        ("articles_updated", c.articles_updated.len()),
        ("topics_added", c.topics_added.len()),
        ("topics_removed", c.topics_removed.len()),
        ("entities_added", c.entities_added.len()),
        ("entities_removed", c.entities_removed.len()),
        ("figures_changed", c.figures_changed.len()),
    ]
}

/// `<lang>/changes/index.html` inside an edition.
fn changes_page<'r>(r: &'r Renderer, lang: &'r Language) -> PageSpec<'r> {
    PageSpec {
        title: r.string(lang, "changes_title"),
        crumbs: crumbs(r, lang, &[]),
        path: path(lang, CHANGES),
        template: "changes.html",
        lang,
        alternates: everywhere(r, CHANGES),
        context: PageContext::Json(Box::new(move || changes_context(r, lang))),
        item: false,
        lists: 0,
    }
}

fn changes_context(r: &Renderer, lang: &Language) -> Value {
    let here = path(lang, CHANGES);
    let Some(edition) = &r.extras.edition else { return Value::Null };
    let c = &edition.changes;
    // A link into this edition, when the thing is in it.
    let link = |section: &str, slug: &str| href(&here, &path(lang, &format!("{section}/{slug}/index.html")));
    let named = |list: &[Named], section: Option<&str>| -> Vec<Value> {
        list.iter()
            .map(|n| json!({"text": r.pick(&n.title, lang), "slug": n.slug, "href": section.map(|s| link(s, &n.slug))}))
            .collect()
    };
    let separator = r.string(lang, "list_separator");
    let updated: Vec<Value> = c
        .articles_updated
        .iter()
        .map(|u| {
            let fields: Vec<String> = u.fields.iter().map(|f| r.string(lang, &format!("field_{f}"))).collect();
            json!({"text": r.pick(&u.title, lang), "slug": u.slug, "href": link("articles", &u.slug),
                   "detail": fields.join(&separator)})
        })
        .collect();
    let figures: Vec<Value> = c
        .figures_changed
        .iter()
        .map(|f| {
            let title: Option<&Localized> = r.site.article(&f.article).map(|a| &a.meta.title);
            json!({"text": r.pick(&f.label, lang), "metric": f.metric,
                   "as_of": f.as_of.as_deref().and_then(PartialDate::parse).map(|d| date(&d, lang)),
                   "before": f.before, "after": f.after,
                   "article": title.map(|t| json!({"text": r.pick(t, lang), "href": link("articles", &f.article)}))})
        })
        .collect();
    let groups: Vec<Value> = [
        ("articles_added", named(&c.articles_added, Some("articles"))),
        ("articles_removed", named(&c.articles_removed, None)),
        ("articles_updated", updated),
        ("topics_added", named(&c.topics_added, Some("topics"))),
        ("topics_removed", named(&c.topics_removed, None)),
        ("entities_added", named(&c.entities_added, Some("entities"))),
        ("entities_removed", named(&c.entities_removed, None)),
    ]
    .into_iter()
    .filter(|(_, items)| !items.is_empty())
    .map(|(key, items)| json!({"id": key.replace('_', "-"), "title": r.string(lang, key), "items": items}))
    .collect();
    json!({
        "date": PartialDate::parse(&edition.date).map(|d| date(&d, lang)),
        "label": edition.label,
        "note": edition.note,
        "previous": edition.previous,
        "first": edition.previous.is_none(),
        "nothing": edition.previous.is_some() && c.is_empty(),
        "groups": groups,
        "figures": figures,
    })
}
