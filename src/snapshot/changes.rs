//! "What changed since the previous edition": a pure comparison of two
//! [`Content`] summaries.

use super::content::Content;
use crate::model::Localized;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Everything that differs between two editions, each list sorted by slug or key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Changes {
    /// Articles only in the new edition.
    pub articles_added: Vec<Named>,
    /// Articles only in the old edition.
    pub articles_removed: Vec<Named>,
    /// Articles in both whose fields differ.
    pub articles_updated: Vec<Updated>,
    /// Topics only in the new edition.
    pub topics_added: Vec<Named>,
    /// Topics only in the old edition.
    pub topics_removed: Vec<Named>,
    /// Entities only in the new edition.
    pub entities_added: Vec<Named>,
    /// Entities only in the old edition.
    pub entities_removed: Vec<Named>,
    /// Figures in both whose value differs.
    pub figures_changed: Vec<FigureChange>,
}

/// A slug with its title or name per language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Named {
    /// Slug.
    pub slug: String,
    /// Title or name per language.
    pub title: Localized,
}

/// An article present in both editions, and which of its fields changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Updated {
    /// Slug.
    pub slug: String,
    /// Its title in the new edition.
    pub title: Localized,
    /// Names of the changed fields (`summary`, `figures`, `body`…), sorted.
    pub fields: Vec<String>,
}

/// A figure whose value differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FigureChange {
    /// Slug of the article that reports it.
    pub article: String,
    /// The metric key.
    pub metric: String,
    /// When the value holds.
    pub as_of: Option<String>,
    /// What is counted, as the new edition says it.
    pub label: Localized,
    /// The value in the previous edition.
    pub before: String,
    /// The value now.
    pub after: String,
}

impl Changes {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.count() == 0
    }

    /// How many things changed, all kinds together.
    pub fn count(&self) -> usize {
        self.articles_added.len()
            + self.articles_removed.len()
            + self.articles_updated.len()
            + self.topics_added.len()
            + self.topics_removed.len()
            + self.entities_added.len()
            + self.entities_removed.len()
            + self.figures_changed.len()
    }
}

/// Compares the previous edition's content with the new one.
pub fn diff(old: &Content, new: &Content) -> Changes {
    let (articles_added, articles_removed) = added_removed(
        &old.articles.iter().map(|(s, a)| (s, &a.title)).collect(),
        &new.articles.iter().map(|(s, a)| (s, &a.title)).collect(),
    );
    let articles_updated = new
        .articles
        .iter()
        .filter_map(|(slug, a)| {
            let before = old.articles.get(slug)?;
            let mut fields: Vec<String> = a
                .fields
                .iter()
                .filter(|(name, hash)| before.fields.get(*name) != Some(*hash))
                .map(|(name, _)| name.clone())
                .collect();
            fields.extend(before.fields.keys().filter(|name| !a.fields.contains_key(*name)).cloned());
            fields.sort();
            fields.dedup();
            (!fields.is_empty()).then(|| Updated { slug: slug.clone(), title: a.title.clone(), fields })
        })
        .collect();
    let (topics_added, topics_removed) = added_removed(&old.topics.iter().collect(), &new.topics.iter().collect());
    let (entities_added, entities_removed) =
        added_removed(&old.entities.iter().collect(), &new.entities.iter().collect());
    let figures_changed = new
        .figures
        .iter()
        .filter_map(|(key, f)| {
            let before = old.figures.get(key)?;
            (before.value != f.value).then(|| FigureChange {
                article: f.article.clone(),
                metric: f.metric.clone(),
                as_of: f.as_of.clone(),
                label: f.label.clone(),
                before: before.value.clone(),
                after: f.value.clone(),
            })
        })
        .collect();
    Changes {
        articles_added,
        articles_removed,
        articles_updated,
        topics_added,
        topics_removed,
        entities_added,
        entities_removed,
        figures_changed,
    }
}

type Titles<'a> = BTreeMap<&'a String, &'a Localized>;

/// (only in `new`, only in `old`).
fn added_removed(old: &Titles, new: &Titles) -> (Vec<Named>, Vec<Named>) {
    let only = |a: &Titles, b: &Titles| -> Vec<Named> {
        a.iter()
            .filter(|(slug, _)| !b.contains_key(*slug))
            .map(|(slug, title)| Named { slug: (*slug).clone(), title: (*title).clone() })
            .collect()
    };
    (only(new, old), only(old, new))
}

#[cfg(test)]
mod tests {
    use super::super::content::{ArticleDigest, FigureValue};
    use super::*;

    fn loc(en: &str) -> Localized {
        [("en".to_string(), en.to_string())].into()
    }

    fn article(title: &str, fields: &[(&str, &str)]) -> ArticleDigest {
        ArticleDigest {
            title: loc(title),
            fields: fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }

    fn figure(value: &str) -> FigureValue {
        FigureValue {
            article: "a".into(),
            metric: "killed".into(),
            as_of: None,
            label: loc("killed"),
            value: value.into(),
        }
    }

    #[test]
    fn reports_each_kind_of_change() {
        let mut old = Content::default();
        old.articles.insert("kept".into(), article("Kept", &[("summary", "1"), ("title", "t")]));
        old.articles.insert("gone".into(), article("Gone", &[("summary", "1")]));
        old.topics.insert("war".into(), loc("War"));
        old.entities.insert("isis".into(), loc("ISIS"));
        old.figures.insert("a/killed".into(), figure("80"));
        old.figures.insert("a/wounded".into(), figure("3"));
        let mut new = Content::default();
        new.articles.insert("kept".into(), article("Kept", &[("summary", "2"), ("title", "t"), ("body", "b")]));
        new.articles.insert("fresh".into(), article("Fresh", &[("summary", "1")]));
        new.topics.insert("peace".into(), loc("Peace"));
        new.entities.insert("isis".into(), loc("ISIS"));
        new.figures.insert("a/killed".into(), figure("85"));
        new.figures.insert("a/wounded".into(), figure("3"));

        let c = diff(&old, &new);
        assert_eq!(c.articles_added, vec![Named { slug: "fresh".into(), title: loc("Fresh") }]);
        assert_eq!(c.articles_removed, vec![Named { slug: "gone".into(), title: loc("Gone") }]);
        assert_eq!(c.articles_updated.len(), 1);
        assert_eq!(c.articles_updated[0].slug, "kept");
        assert_eq!(c.articles_updated[0].fields, vec!["body".to_string(), "summary".to_string()]);
        assert_eq!(c.topics_added[0].slug, "peace");
        assert_eq!(c.topics_removed[0].slug, "war");
        assert!(c.entities_added.is_empty() && c.entities_removed.is_empty());
        assert_eq!(c.figures_changed.len(), 1);
        assert_eq!((c.figures_changed[0].before.as_str(), c.figures_changed[0].after.as_str()), ("80", "85"));
        assert_eq!(c.count(), 6);
    }

    #[test]
    fn same_content_means_no_change() {
        let mut content = Content::default();
        content.articles.insert("a".into(), article("A", &[("summary", "1")]));
        content.figures.insert("a/killed".into(), figure("80"));
        assert!(diff(&content, &content).is_empty());
    }
}
