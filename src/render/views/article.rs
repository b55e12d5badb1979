//! The article page: curated fields, then the original text with entity
//! links and provenance marks.

use super::{article_card, date, entity_name, href, item, path, shared_card_parts, topic_title};
use crate::link::QuoteSpot;
use crate::model::Language;
use crate::render::html::{Span, annotate_noting, escape_into, isolate};
use crate::render::values::{list, map, string};
use crate::render::{PageSpec, Renderer};
use crate::site::{Article, BodyBlock, Passage};
use std::collections::HashMap;
use tera::Value;

/// Link to where a quote sits, from page `from`.
pub fn spot_href(from: &str, lang: &Language, article: &str, spot: &Option<QuoteSpot>) -> Option<String> {
    spot.as_ref().map(|s| {
        let page = [lang.code.as_str(), "/articles/", article, "/index.html"].concat();
        let mut link = if page == from { String::new() } else { href(from, &page) };
        link.extend(["#", s.passage.as_str()]);
        link
    })
}

/// One page per article.
pub fn article_pages<'r>(r: &'r Renderer, lang: &'r Language) -> Vec<PageSpec<'r>> {
    r.site.articles.iter().map(|a| article_page(r, a, lang)).collect()
}

/// One article's page.
pub fn article_page<'r>(r: &'r Renderer, a: &'r Article, lang: &'r Language) -> PageSpec<'r> {
    let rest = format!("articles/{}/index.html", a.slug);
    let title = r.plain(&a.meta.title, lang);
    let context = Box::new(move || article_context(r, a, lang));
    item(r, lang, ("nav_articles", "articles/index.html"), &rest, ("article.html", title), context)
}

fn article_context(r: &Renderer, a: &Article, lang: &Language) -> Value {
    let here = path(lang, &format!("articles/{}/index.html", a.slug));
    let m = &a.meta;
    let site = r.site;
    let topics: Vec<Value> = m
        .topics
        .iter()
        .filter_map(|t| site.topics.get(t).map(|topic| (t, topic)))
        .map(|(slug, t)| {
            map([
                ("href", Value::from(href(&here, &path(lang, &format!("topics/{slug}/index.html"))))),
                ("title", topic_title(r, slug, t, lang)),
            ])
        })
        .collect();
    let entities: Vec<Value> = r.links.article_entities[&a.slug]
        .iter()
        .filter_map(|(slug, n)| site.entities.get(slug).map(|e| (slug, e, n)))
        .map(|(slug, e, n)| {
            map([
                ("href", Value::from(href(&here, &path(lang, &format!("entities/{slug}/index.html"))))),
                ("name", entity_name(r, slug, e, lang)),
                ("kind", Value::from(r.string(lang, &format!("kind_{}", e.kind.as_str())))),
                ("count", Value::from(*n)),
            ])
        })
        .collect();
    let figure_spots = &r.links.figure_spots[&a.slug];
    let figures: Vec<Value> = m
        .figures
        .iter()
        .zip(figure_spots)
        .map(|(f, spot)| {
            let as_of = f.as_of.as_deref().and_then(crate::model::PartialDate::parse).map(|d| date(&d, lang));
            map([
                ("label", r.pick(&f.label, lang).value()),
                ("value", string(&f.value)),
                ("as_of", Value::from(as_of)),
                ("href", Value::from(spot_href(&here, lang, &a.slug, spot))),
            ])
        })
        .collect();
    let event_spots = &r.links.event_spots[&a.slug];
    let mut events: Vec<(crate::model::PartialDate, Value)> = m
        .events
        .iter()
        .zip(event_spots)
        .filter_map(|(e, spot)| {
            let d = crate::model::PartialDate::parse(&e.date)?;
            let event = map([
                ("date", date(&d, lang)),
                ("text", r.pick(&e.text, lang).value()),
                ("href", Value::from(spot_href(&here, lang, &a.slug, spot))),
            ]);
            Some((d, event))
        })
        .collect();
    events.sort_by_key(|x| x.0);
    let related: Vec<Value> = r.links.related[&a.slug]
        .iter()
        .filter_map(|s| site.article(s))
        .map(|x| article_card(r, x, lang, &here))
        .collect();
    let original = &a.original;
    let source = m.source.as_ref().map(|s| {
        map([
            ("name", r.pick(&s.name, lang).value()),
            ("via", Value::from(s.via.as_ref().map(|v| r.pick(v, lang).value()))),
            ("url", Value::from(s.url.as_deref())),
        ])
    });
    let parts = shared_card_parts(r, a, lang); // the title and date as its cards show them
    map([
        ("title", parts.title),
        ("date", parts.date),
        ("date_note", Value::from(m.date_note.as_ref().map(|n| r.pick(n, lang).value()))),
        ("source", Value::from(source)),
        ("draft", Value::from(m.draft)),
        ("summary", r.pick_md(&m.summary, lang).value()),
        ("key_points", list(m.key_points.iter().map(|k| r.pick_inline_md(k, lang).value()).collect())),
        ("topics", list(topics)),
        ("entities", list(entities)),
        ("figures", list(figures)),
        ("events", list(events.into_iter().map(|(_, v)| v).collect())),
        ("related", list(related)),
        (
            "original",
            map([
                ("lang", string(&original.code)),
                ("dir", Value::from(original.dir.as_str())),
                ("title", Value::from(a.original_title.as_deref().map(|t| isolate(t, original.dir)))),
                ("blocks", list(original_blocks(r, a, lang, &here))),
            ]),
        ),
    ])
}

/// An original passage annotated once for every language: its links lack
/// only the way to the page language's entity folder (`../../../en/entities/`),
/// inserted at each of `hrefs`.
pub struct Annotated {
    id: Value,
    /// A Tera string: each page without links to insert shares it (a reference count).
    html: Value,
    hrefs: Vec<usize>,
}

/// The original text of an article as blocks, annotated once.
pub type Original = Vec<Block>;

/// A block of the original text: a heading, paragraph or quote (its kind, its
/// passage), or a list of passages.
pub enum Block {
    One(&'static str, Annotated),
    List(Vec<Annotated>),
}

/// The original text's blocks, annotated with the marks of figures and events
/// and links to every mentioned entity, for any page.
fn annotate_original(r: &Renderer, a: &Article) -> Original {
    let dir = a.original.dir;
    let mentions = &r.links.mentions[&a.slug];
    let mut marks: HashMap<&str, Vec<Span>> = HashMap::new();
    for spot in r.links.figure_spots[&a.slug].iter().chain(&r.links.event_spots[&a.slug]).flatten() {
        marks.entry(spot.passage.as_str()).or_default().push(Span::Mark { range: spot.range.clone() });
    }
    let passage = |p: &Passage| {
        let mut spans: Vec<Span> = marks.get(p.id.as_str()).cloned().unwrap_or_default();
        for m in mentions.get(&p.id).into_iter().flatten() {
            let href = [m.entity.as_str(), "/index.html"].concat();
            spans.push(Span::Link { range: m.range.clone(), href });
        }
        let mut hrefs = Vec::new();
        let html = Value::from(annotate_noting(&p.text, &spans, dir, &mut hrefs));
        Annotated { id: string(&p.id), html, hrefs }
    };
    a.body
        .iter()
        .map(|b| match b {
            BodyBlock::Heading(p) => Block::One("heading", passage(p)),
            BodyBlock::Paragraph(p) => Block::One("paragraph", passage(p)),
            BodyBlock::Quote(p) => Block::One("quote", passage(p)),
            BodyBlock::List(items) => Block::List(items.iter().map(passage).collect()),
        })
        .collect()
}

/// The original text as blocks of annotated HTML, for the page at `here`.
fn original_blocks(r: &Renderer, a: &Article, lang: &Language, here: &str) -> Vec<Value> {
    let original = r.originals.get(&a.slug, lang, || annotate_original(r, a));
    // Every mention links to `<entities>/<slug>/index.html`, the same prefix on the whole page.
    let mut entities = String::new();
    escape_into(&mut entities, &href(here, &path(lang, "entities/")));
    let passage = |p: &Annotated| {
        let html = match p.html.as_str() {
            Some(html) if !p.hrefs.is_empty() => {
                let mut out = String::with_capacity(html.len() + p.hrefs.len() * entities.len());
                let mut at = 0;
                for &i in &p.hrefs {
                    out.extend([&html[at..i], &entities]);
                    at = i;
                }
                out.push_str(&html[at..]);
                Value::from(out)
            }
            _ => p.html.clone(), // no link: the same HTML on every page
        };
        map([("id", p.id.clone()), ("html", html)])
    };
    original
        .iter()
        .map(|block| match block {
            Block::List(items) => {
                map([("kind", Value::from("list")), ("items", list(items.iter().map(passage).collect()))])
            }
            Block::One(kind, p) => map([("kind", Value::from(*kind)), ("passage", passage(p))]),
        })
        .collect()
}
