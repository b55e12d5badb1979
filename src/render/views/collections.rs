//! Pages that gather across articles: topics, entities, the timeline, figures.

use super::article::spot_href;
use super::{article_card, date, entity_name, href, item, path, section_model, shared_card_parts, topic_title};
use crate::link::QuoteSpot;
use crate::model::{EntityFile, EntityKind, Event, Language, PartialDate, TopicFile};
use crate::render::html::{Span, annotate};
use crate::render::values::{list, map, string};
use crate::render::{PageSpec, Renderer};
use crate::site::{Article, Site};
use std::collections::BTreeMap;
use tera::Value;

/// Topics by `order`, then slug.
pub fn topics_in_order(site: &Site) -> Vec<(&String, &TopicFile)> {
    let mut list: Vec<(&String, &TopicFile)> = site.topics.iter().map(|(s, t)| (s, &**t)).collect();
    list.sort_by_key(|(slug, t)| (t.order.unwrap_or(i64::MAX), slug.as_str()));
    list
}

fn entity_link(r: &Renderer, lang: &Language, from: &str, slug: &str, n: usize) -> Option<Value> {
    let e = r.site.entities.get(slug)?;
    Some(map([
        ("href", Value::from(href(from, &path(lang, &format!("entities/{slug}/index.html"))))),
        ("name", entity_name(r, slug, e, lang)),
        ("count", Value::from(n)),
    ]))
}

/// Events of some articles, by date, each with a link to the words that report it.
fn timeline_entries<'x>(
    r: &Renderer,
    lang: &Language,
    from: &str,
    articles: impl Iterator<Item = &'x Article>,
) -> Vec<Value> {
    type Entry<'e> = (PartialDate, &'e str, usize, &'e Event, &'e Option<QuoteSpot>, &'e Article);
    let mut entries: Vec<Entry> = Vec::new();
    for a in articles {
        for (i, (e, spot)) in a.meta.events.iter().zip(&r.links.event_spots[&a.slug]).enumerate() {
            if let Some(d) = PartialDate::parse(&e.date) {
                entries.push((d, a.slug.as_str(), i, e, spot, a));
            }
        }
    }
    entries.sort_by(|x, y| (x.0, x.1, x.2).cmp(&(y.0, y.1, y.2)));
    entries
        .into_iter()
        .map(|(d, slug, _, e, spot, a)| {
            let link = spot_href(from, lang, slug, spot)
                .unwrap_or_else(|| href(from, &path(lang, &format!("articles/{slug}/index.html"))));
            // The article's title and outlet as its card shows them, made once.
            let parts = shared_card_parts(r, a, lang);
            let source = map([("title", parts.title), ("outlet", parts.source), ("href", Value::from(link))]);
            map([("date", date(&d, lang)), ("text", r.pick(&e.text, lang).value()), ("source", source)])
        })
        .collect()
}

/// One topic's page.
pub fn topic_page<'r>(r: &'r Renderer, lang: &'r Language, slug: &'r String, topic: &'r TopicFile) -> PageSpec<'r> {
    let rest = format!("topics/{slug}/index.html");
    let title = r.plain(&topic.title, lang);
    let context = Box::new(move || topic_context(r, lang, slug, topic));
    let page = item(r, lang, ("nav_topics", "topics/index.html"), &rest, ("topic.html", title), context);
    PageSpec { lists: r.site.topic_articles(slug).count(), ..page }
}

/// One entity's page.
pub fn entity_page<'r>(r: &'r Renderer, lang: &'r Language, slug: &'r String, e: &'r EntityFile) -> PageSpec<'r> {
    let rest = format!("entities/{slug}/index.html");
    let title = r.plain(&e.name, lang);
    let context = Box::new(move || entity_context(r, lang, slug, e));
    let page = item(r, lang, ("nav_entities", "entities/index.html"), &rest, ("entity.html", title), context);
    PageSpec { lists: r.links.entity_articles.get(slug).map_or(0, Vec::len), ..page }
}

/// The topic index and one page per topic.
pub fn topic_pages<'r>(r: &'r Renderer, lang: &'r Language) -> Vec<PageSpec<'r>> {
    let mut pages: Vec<PageSpec> =
        topics_in_order(r.site).into_iter().map(|(slug, topic)| topic_page(r, lang, slug, topic)).collect();
    let index = move || {
        let index_path = path(lang, "topics/index.html");
        let cards: Vec<Value> = topics_in_order(r.site)
            .into_iter()
            .map(|(slug, topic)| {
                let here = path(lang, &format!("topics/{slug}/index.html"));
                let count = r.site.topic_articles(slug).count();
                map([
                    ("href", Value::from(href(&index_path, &here))),
                    ("title", topic_title(r, slug, topic, lang)),
                    ("count", Value::from(count)),
                ])
            })
            .collect();
        map([("topics", list(cards))])
    };
    pages.push(section_model(r, lang, "topics/index.html", "topics.html", "nav_topics", Box::new(index)));
    pages
}

fn topic_context(r: &Renderer, lang: &Language, slug: &String, topic: &TopicFile) -> Value {
    let here = path(lang, &format!("topics/{slug}/index.html"));
    let articles: Vec<&Article> = r.site.topic_articles(slug).collect();
    let mut by_date = articles.clone();
    by_date.sort_by(|x, y| x.date.cmp(&y.date).then(x.slug.cmp(&y.slug)));
    let mut entity_counts: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &articles {
        for (e, _) in &r.links.article_entities[&a.slug] {
            *entity_counts.entry(e.as_str()).or_default() += 1;
        }
    }
    let mut key: Vec<(&str, usize)> = entity_counts.into_iter().collect();
    key.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
    let entities: Vec<Value> =
        key.into_iter().take(15).filter_map(|(e, n)| entity_link(r, lang, &here, e, n)).collect();
    map([
        ("title", topic_title(r, slug, topic, lang)),
        ("summary", r.pick_md(&topic.summary, lang).value()),
        ("articles", list(by_date.iter().map(|a| article_card(r, a, lang, &here)).collect())),
        ("entities", list(entities)),
        ("timeline", list(timeline_entries(r, lang, &here, articles.iter().copied()))),
    ])
}

/// Up to this many snippets per article on an entity page.
const SNIPPETS_PER_ARTICLE: usize = 3;

/// A few words either side of a mention, with the mention marked.
fn snippet(text: &str, range: &std::ops::Range<usize>, dir: crate::model::Dir) -> String {
    let mut start = range.start.saturating_sub(90);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let mut end = (range.end + 90).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    // Cut at word boundaries so no word is shown half.
    if start > 0 {
        start = text[start..range.start].find(' ').map_or(range.start, |i| start + i + 1);
    }
    if end < text.len() {
        end = text[range.end..end].rfind(' ').map_or(range.end, |i| range.end + i);
    }
    let inner = annotate(&text[start..end], &[Span::Mark { range: range.start - start..range.end - start }], dir);
    format!("{}{inner}{}", if start > 0 { "… " } else { "" }, if end < text.len() { " …" } else { "" })
}

/// What an entity's page quotes of each article in `mentioned`: up to
/// [`SNIPPETS_PER_ARTICLE`] snippets (passage id, HTML), in reading order.
/// They come from the original texts, the same on the page of every language.
pub type Quoted = Vec<Vec<(Box<str>, Value)>>;

fn quotes_of(r: &Renderer, slug: &str, mentioned: &[(String, usize)]) -> Quoted {
    let quotes = mentioned.iter().map(|(a, _)| {
        let Some(a) = r.site.article(a) else {
            return Vec::new(); // one entry per article in `mentioned`, zipped with it on every page
        };
        let mentions = &r.links.mentions[&a.slug];
        // The few passages that name this entity: only they are looked up, in the article's order.
        let naming: Vec<&str> = mentions
            .iter()
            .filter(|(_, found)| found.iter().any(|m| m.entity == slug))
            .map(|(id, _)| id.as_str())
            .collect();
        let mut quotes = Vec::new();
        'passages: for p in a.passages().filter(|p| naming.contains(&p.id.as_str())) {
            for m in mentions[&p.id].iter().filter(|m| m.entity == slug) {
                if quotes.len() == SNIPPETS_PER_ARTICLE {
                    break 'passages;
                }
                quotes.push((p.id.as_str().into(), Value::from(snippet(&p.text, &m.range, a.original.dir))));
            }
        }
        quotes
    });
    quotes.collect()
}

/// The entity index and one page per entity.
pub fn entity_pages<'r>(r: &'r Renderer, lang: &'r Language) -> Vec<PageSpec<'r>> {
    let mut pages: Vec<PageSpec> = r.site.entities.iter().map(|(slug, e)| entity_page(r, lang, slug, e)).collect();
    pages.push(section_model(
        r,
        lang,
        "entities/index.html",
        "entities.html",
        "nav_entities",
        Box::new(move || entity_index(r, lang)),
    ));
    pages
}

/// The entities by kind, each with how many articles mention it.
fn entity_index(r: &Renderer, lang: &Language) -> Value {
    let index_path = path(lang, "entities/index.html");
    let mut groups: BTreeMap<EntityKind, Vec<Value>> = BTreeMap::new();
    for (slug, e) in &r.site.entities {
        let here = path(lang, &format!("entities/{slug}/index.html"));
        let count = r.links.entity_articles.get(slug).map_or(0, Vec::len);
        groups.entry(e.kind).or_default().push(map([
            ("href", Value::from(href(&index_path, &here))),
            ("name", entity_name(r, slug, e, lang)),
            ("count", Value::from(count)),
        ]));
    }
    let groups: Vec<Value> = groups
        .into_iter()
        .map(|(kind, entities)| {
            map([
                ("kind", Value::from(r.string(lang, &format!("kinds_{}", kind.as_str())))),
                ("id", Value::from(kind.as_str())),
                ("entities", list(entities)),
            ])
        })
        .collect();
    map([("groups", list(groups))])
}

fn entity_context(r: &Renderer, lang: &Language, slug: &String, e: &EntityFile) -> Value {
    let site = r.site;
    let here = path(lang, &format!("entities/{slug}/index.html"));
    let mentioned = r.links.entity_articles.get(slug).map(Vec::as_slice).unwrap_or_default();
    let quoted = r.quotes.get(slug, lang, || quotes_of(r, slug, mentioned));
    let articles: Vec<Value> = mentioned
        .iter()
        .zip(quoted.iter())
        .filter_map(|((a, n), quotes)| site.article(a).map(|x| (x, n, quotes)))
        .map(|(a, n, quotes)| {
            let original = &a.original;
            let page = href(&here, &path(lang, &format!("articles/{}/index.html", a.slug)));
            let snippets = quotes
                .iter()
                .map(|(id, html)| map([("html", html.clone()), ("href", Value::from(format!("{page}#{id}")))]))
                .collect();
            map([
                ("card", article_card(r, a, lang, &here)),
                ("count", Value::from(*n)),
                ("snippets", list(snippets)),
                ("lang", string(&original.code)),
                ("dir", Value::from(original.dir.as_str())),
            ])
        })
        .collect();
    let co: Vec<Value> = r
        .links
        .cooccurring
        .get(slug)
        .into_iter()
        .flatten()
        .take(12)
        .filter_map(|(other, n)| entity_link(r, lang, &here, other, *n))
        .collect();
    let aliases: Vec<Value> = site
        .languages
        .iter()
        .flat_map(|l| e.aliases.get(&l.code).into_iter().flatten().map(move |a| (l, a)))
        .map(|(l, a)| map([("text", string(a)), ("lang", string(&l.code)), ("dir", Value::from(l.dir.as_str()))]))
        .collect();
    map([
        ("name", entity_name(r, slug, e, lang)),
        ("kind", Value::from(r.string(lang, &format!("kind_{}", e.kind.as_str())))),
        ("description", r.pick_md(&e.description, lang).value()),
        ("aliases", list(aliases)),
        ("articles", list(articles)),
        ("cooccurring", list(co)),
    ])
}

/// Every event of every article, by date.
pub fn timeline_page<'r>(r: &'r Renderer, lang: &'r Language) -> PageSpec<'r> {
    let context = move || {
        let here = path(lang, "timeline/index.html");
        map([("events", list(timeline_entries(r, lang, &here, r.site.articles.iter())))])
    };
    section_model(r, lang, "timeline/index.html", "timeline.html", "nav_timeline", Box::new(context))
}

/// Figures by metric, side by side across sources; disagreements flagged.
pub fn figures_page<'r>(r: &'r Renderer, lang: &'r Language) -> PageSpec<'r> {
    let context = Box::new(move || figures_context(r, lang));
    section_model(r, lang, "figures/index.html", "figures.html", "nav_figures", context)
}

fn figures_context(r: &Renderer, lang: &Language) -> Value {
    let here = path(lang, "figures/index.html");
    let mut metrics: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    // metric → (as_of, value): values for different dates are a trend, not a disagreement.
    let mut values: BTreeMap<&str, Vec<(Option<&str>, &str)>> = BTreeMap::new();
    let mut labels: BTreeMap<&str, Value> = BTreeMap::new();
    let mut by_date: Vec<&Article> = r.site.articles.iter().collect();
    by_date.sort_by(|x, y| x.date.cmp(&y.date).then(x.slug.cmp(&y.slug)));
    for a in by_date {
        for (f, spot) in a.meta.figures.iter().zip(&r.links.figure_spots[&a.slug]) {
            labels.entry(&f.metric).or_insert_with(|| r.pick(&f.label, lang).value());
            values.entry(&f.metric).or_default().push((f.as_of.as_deref(), &f.value));
            let as_of = f.as_of.as_deref().and_then(PartialDate::parse).map(|d| date(&d, lang));
            metrics.entry(&f.metric).or_default().push(map([
                ("value", string(&f.value)),
                ("label", r.pick(&f.label, lang).value()),
                ("as_of", Value::from(as_of)),
                ("article", article_card(r, a, lang, &here)),
                ("href", Value::from(spot_href(&here, lang, &a.slug, spot))),
            ]));
        }
    }
    let (mut compared, mut single) = (Vec::new(), Vec::new());
    for (metric, reports) in metrics {
        let mut distinct = values[metric].clone();
        distinct.sort();
        distinct.dedup();
        // Same date, numbers that cannot both hold (`89` and `>80` agree).
        let disagree = distinct
            .iter()
            .enumerate()
            .any(|(i, x)| distinct[i + 1..].iter().any(|y| x.0 == y.0 && crate::model::values_conflict(x.1, y.1)));
        let several = reports.len() > 1;
        let entry = map([
            ("id", Value::from(format!("m-{metric}"))),
            ("label", labels[metric].clone()),
            ("reports", list(reports)),
            ("disagree", Value::from(disagree)),
        ]);
        if several { compared.push(entry) } else { single.push(entry) }
    }
    map([("compared", list(compared)), ("single", list(single))])
}
