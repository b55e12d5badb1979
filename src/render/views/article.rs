//! The article page: curated fields, then the original text with entity
//! links and provenance marks.

use super::{article_card, date, href, item, path};
use crate::link::QuoteSpot;
use crate::model::{Dir, Language};
use crate::render::html::{Span, annotate, isolate};
use crate::render::{PageSpec, Renderer};
use crate::site::{Article, BodyBlock, Passage};
use serde_json::{Value, json};
use std::collections::HashMap;

/// Link to where a quote sits, from page `from`.
pub fn spot_href(from: &str, lang: &Language, article: &str, spot: &Option<QuoteSpot>) -> Option<String> {
    spot.as_ref().map(|s| {
        let page = path(lang, &format!("articles/{article}/index.html"));
        if page == from { format!("#{}", s.passage) } else { format!("{}#{}", href(from, &page), s.passage) }
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
        .map(|(slug, t)| json!({"href": href(&here, &path(lang, &format!("topics/{slug}/index.html"))), "title": r.pick(&t.title, lang)}))
        .collect();
    let entities: Vec<Value> = r.links.article_entities[&a.slug]
        .iter()
        .filter_map(|(slug, n)| site.entities.get(slug).map(|e| (slug, e, n)))
        .map(|(slug, e, n)| {
            json!({"href": href(&here, &path(lang, &format!("entities/{slug}/index.html"))), "name": r.pick(&e.name, lang),
                   "kind": r.string(lang, &format!("kind_{}", e.kind.as_str())), "count": n})
        })
        .collect();
    let figure_spots = &r.links.figure_spots[&a.slug];
    let figures: Vec<Value> = m
        .figures
        .iter()
        .zip(figure_spots)
        .map(|(f, spot)| {
            json!({"label": r.pick(&f.label, lang), "value": f.value, "as_of": f.as_of.as_deref().and_then(crate::model::PartialDate::parse).map(|d| date(&d, lang)),
                   "href": spot_href(&here, lang, &a.slug, spot)})
        })
        .collect();
    let event_spots = &r.links.event_spots[&a.slug];
    let mut events: Vec<(crate::model::PartialDate, Value)> = m
        .events
        .iter()
        .zip(event_spots)
        .filter_map(|(e, spot)| {
            let d = crate::model::PartialDate::parse(&e.date)?;
            Some((d, json!({"date": date(&d, lang), "text": r.pick(&e.text, lang), "href": spot_href(&here, lang, &a.slug, spot)})))
        })
        .collect();
    events.sort_by_key(|x| x.0);
    let related: Vec<Value> = r.links.related[&a.slug]
        .iter()
        .filter_map(|s| site.article(s))
        .map(|x| article_card(r, x, lang, &here))
        .collect();
    let original = &a.original;
    let source = m
        .source
        .as_ref()
        .map(|s| json!({"name": r.pick(&s.name, lang), "via": s.via.as_ref().map(|v| r.pick(v, lang)), "url": s.url}));
    json!({
        "title": r.pick(&m.title, lang),
        "date": date(&a.date, lang),
        "date_note": m.date_note.as_ref().map(|n| r.pick(n, lang)),
        "source": source,
        "draft": m.draft,
        "summary": r.pick_md(&m.summary, lang),
        "key_points": m.key_points.iter().map(|k| r.pick_inline_md(k, lang)).collect::<Vec<_>>(),
        "topics": topics,
        "entities": entities,
        "figures": figures,
        "events": events.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
        "related": related,
        "original": {
            "lang": original.code, "dir": original.dir.as_str(),
            "title": a.original_title.as_deref().map(|t| isolate(t, original.dir)),
            "blocks": original_blocks(r, a, lang, &here, original.dir),
        },
    })
}

/// The original text as blocks of annotated HTML.
fn original_blocks(r: &Renderer, a: &Article, lang: &Language, here: &str, dir: Dir) -> Vec<Value> {
    let mentions = &r.links.mentions[&a.slug];
    let mut marks: HashMap<&str, Vec<Span>> = HashMap::new();
    for spot in r.links.figure_spots[&a.slug].iter().chain(&r.links.event_spots[&a.slug]).flatten() {
        marks.entry(spot.passage.as_str()).or_default().push(Span::Mark { range: spot.range.clone() });
    }
    let passage = |p: &Passage| {
        let mut spans: Vec<Span> = marks.get(p.id.as_str()).cloned().unwrap_or_default();
        for m in mentions.get(&p.id).into_iter().flatten() {
            let target = path(lang, &format!("entities/{}/index.html", m.entity));
            spans.push(Span::Link { range: m.range.clone(), href: href(here, &target) });
        }
        json!({"id": p.id, "html": annotate(&p.text, &spans, dir)})
    };
    a.body
        .iter()
        .map(|b| match b {
            BodyBlock::Heading(p) => json!({"kind": "heading", "passage": passage(p)}),
            BodyBlock::Paragraph(p) => json!({"kind": "paragraph", "passage": passage(p)}),
            BodyBlock::Quote(p) => json!({"kind": "quote", "passage": passage(p)}),
            BodyBlock::List(items) => json!({"kind": "list", "items": items.iter().map(passage).collect::<Vec<_>>()}),
        })
        .collect()
}
