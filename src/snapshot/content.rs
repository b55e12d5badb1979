//! What an edition contains, in a form the next edition can compare against:
//! articles with a hash per field, topics, entities and figure values. It is
//! stored in the edition's `content.json`, so "what changed" never needs the
//! old inputs.

use crate::model::{Figure, Localized};
use crate::site::{Article, BodyBlock, Site};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The comparable summary of one edition's content.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Content {
    /// Articles by slug.
    pub articles: BTreeMap<String, ArticleDigest>,
    /// Topic titles by slug.
    pub topics: BTreeMap<String, Localized>,
    /// Entity names by slug.
    pub entities: BTreeMap<String, Localized>,
    /// Figures by key (`article/metric`, `@as_of` when dated, `#n` for repeats).
    pub figures: BTreeMap<String, FigureValue>,
}

/// An article: its title (to name it once it is gone) and a SHA-256 per field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ArticleDigest {
    /// Headline per language.
    pub title: Localized,
    /// Field name → hex SHA-256 of its canonical JSON.
    pub fields: BTreeMap<String, String>,
}

/// One reported number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FigureValue {
    /// Slug of the article that reports it.
    pub article: String,
    /// The metric key.
    pub metric: String,
    /// When the value holds.
    pub as_of: Option<String>,
    /// What is counted.
    pub label: Localized,
    /// The value as the source gives it.
    pub value: String,
}

/// Summarizes the content of a built site.
pub fn summarize(site: &Site) -> Content {
    let mut content = Content {
        topics: site.topics.iter().map(|(slug, t)| (slug.clone(), t.title.clone())).collect(),
        entities: site.entities.iter().map(|(slug, e)| (slug.clone(), e.name.clone())).collect(),
        ..Content::default()
    };
    for a in &site.articles {
        let fields = article_fields(a).into_iter().map(|(name, v)| (name.to_string(), hash(&v))).collect();
        content.articles.insert(a.slug.clone(), ArticleDigest { title: a.meta.title.clone(), fields });
        for f in &a.meta.figures {
            let mut key = format!("{}/{}", a.slug, f.metric);
            if let Some(as_of) = &f.as_of {
                key.push('@');
                key.push_str(as_of);
            }
            let mut unique = key.clone();
            let mut n = 1;
            while content.figures.contains_key(&unique) {
                n += 1;
                unique = format!("{key}#{n}");
            }
            content.figures.insert(unique, figure_value(&a.slug, f));
        }
    }
    content
}

fn figure_value(article: &str, f: &Figure) -> FigureValue {
    FigureValue {
        article: article.to_string(),
        metric: f.metric.clone(),
        as_of: f.as_of.clone(),
        label: f.label.clone(),
        value: f.value.clone(),
    }
}

/// The fields a reader sees, by the names `content/articles/*.yaml` gives them,
/// plus `body`: the original text as ingested from the seed.
fn article_fields(a: &Article) -> Vec<(&'static str, Value)> {
    let m = &a.meta;
    let source = m.source.as_ref().map(|s| json!({"name": s.name, "url": s.url, "via": s.via}));
    let figures: Vec<Value> = m
        .figures
        .iter()
        .map(|f| json!({"metric": f.metric, "value": f.value, "as_of": f.as_of, "label": f.label, "quote": f.quote}))
        .collect();
    let events: Vec<Value> =
        m.events.iter().map(|e| json!({"date": e.date, "text": e.text, "quote": e.quote})).collect();
    let body: Vec<Value> = a
        .body
        .iter()
        .map(|b| match b {
            BodyBlock::Heading(p) => json!({"heading": &*p.text}),
            BodyBlock::Paragraph(p) => json!({"paragraph": &*p.text}),
            BodyBlock::Quote(p) => json!({"quote": &*p.text}),
            BodyBlock::List(items) => json!({"list": items.iter().map(|p| &*p.text).collect::<Vec<_>>()}),
        })
        .collect();
    vec![
        ("title", json!(m.title)),
        ("date", json!({"date": m.date, "note": m.date_note})),
        ("source", json!(source)),
        ("summary", json!(m.summary)),
        ("key_points", json!(m.key_points)),
        ("topics", json!(m.topics)),
        ("entities", json!(m.entities)),
        ("figures", json!(figures)),
        ("events", json!(events)),
        ("related", json!(m.related)),
        ("body", json!({"title": a.original_title, "blocks": body})),
    ]
}

/// Hex SHA-256 of a value's JSON (maps are sorted, so equal values hash equally).
fn hash(v: &Value) -> String {
    hex(&Sha256::digest(v.to_string().as_bytes()))
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
