//! The validated model: what the renderer works from.
//!
//! Built from a [`Project`] that passed validation, so every reference here
//! resolves and every date parses. Articles come newest first.

use crate::load::{Project, Seed};
use crate::model::{ArticleFile, EntityFile, Language, PartialDate, SiteConfig, TopicFile};
use std::collections::BTreeMap;

/// A briefing, ready to link and render.
#[derive(Debug)]
pub struct Site {
    /// `site.yaml`.
    pub config: SiteConfig,
    /// Languages, default first.
    pub languages: Vec<Language>,
    /// Articles, newest first, then by slug.
    pub articles: Vec<Article>,
    /// Topics by slug.
    pub topics: BTreeMap<String, TopicFile>,
    /// Entities by slug.
    pub entities: BTreeMap<String, EntityFile>,
    /// Pages: slug → language → (title, Markdown body).
    pub pages: BTreeMap<String, BTreeMap<String, (String, String)>>,
}

/// One article with its source text.
#[derive(Debug)]
pub struct Article {
    /// Slug.
    pub slug: String,
    /// The curated fields.
    pub meta: ArticleFile,
    /// Publication date.
    pub date: PartialDate,
    /// The seed's text (BOM removed).
    pub seed_text: String,
}

/// Which articles a build includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drafts {
    /// Drafts are left out (`build`, `snapshot`).
    Exclude,
    /// Drafts are built and marked (`serve`, `--drafts`).
    Include,
}

impl Site {
    /// Builds the model from a loaded project that passed validation.
    /// Projects with errors never reach here; missing pieces are skipped, not invented.
    pub fn from_project(project: &Project, drafts: Drafts) -> Option<Site> {
        let config = project.site.as_ref()?.value.clone();
        let mut articles: Vec<Article> = project
            .articles
            .values()
            .filter(|a| drafts == Drafts::Include || !a.value.draft)
            .filter_map(|a| {
                let seed: &Seed = project.seeds.get(&a.value.seed)?;
                Some(Article {
                    slug: a.slug.clone(),
                    meta: a.value.clone(),
                    date: PartialDate::parse(&a.value.date)?,
                    seed_text: seed.text.clone(),
                })
            })
            .collect();
        articles.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
        let mut pages: BTreeMap<String, BTreeMap<String, (String, String)>> = BTreeMap::new();
        for (slug, versions) in &project.pages {
            for v in versions {
                pages
                    .entry(slug.clone())
                    .or_default()
                    .insert(v.value.lang.clone(), (v.value.front.title.clone(), v.value.body.clone()));
            }
        }
        Some(Site {
            config,
            languages: project.languages.clone(),
            articles,
            topics: project.topics.iter().map(|(k, v)| (k.clone(), v.value.clone())).collect(),
            entities: project.entities.iter().map(|(k, v)| (k.clone(), v.value.clone())).collect(),
            pages,
        })
    }
}
