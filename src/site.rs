//! The validated model: what the renderer works from.
//!
//! Built from a [`Project`] that passed validation, so every reference here
//! resolves and every date parses. Articles come newest first.

use crate::ingest::{self, ArticleText, Block};
use crate::load::Project;
use crate::model::{ArticleFile, Dir, EntityFile, Language, PartialDate, SiteConfig, TopicFile};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// A briefing, ready to link and render.
#[derive(Debug)]
pub struct Site {
    /// `site.yaml`.
    pub config: SiteConfig,
    /// Languages, default first.
    pub languages: Vec<Language>,
    /// Articles, newest first, then by slug.
    pub articles: Vec<Article>,
    /// Position in `articles` by slug.
    article_index: HashMap<String, usize>,
    /// Positions in `articles` of the articles filed under each topic, in order.
    topic_index: HashMap<String, Vec<usize>>,
    /// Topics by slug.
    pub topics: BTreeMap<String, Arc<TopicFile>>,
    /// Entities by slug.
    pub entities: BTreeMap<String, Arc<EntityFile>>,
    /// Pages: slug → language → (title, Markdown body), in navigation order.
    pub pages: Vec<(String, PageVersions)>,
}

/// A free page: language → (title, Markdown body).
pub type PageVersions = BTreeMap<String, (String, String)>;

/// One article with its source text.
#[derive(Debug)]
pub struct Article {
    /// Slug.
    pub slug: String,
    /// The curated fields (shared with the loaded project).
    pub meta: Arc<ArticleFile>,
    /// Publication date.
    pub date: PartialDate,
    /// The headline found in the seed, if any.
    pub original_title: Option<String>,
    /// The cleaned original text (shared with the memo of the next rebuild).
    pub body: Arc<Vec<BodyBlock>>,
    /// Identifies the body: two articles with the same key have the same body.
    pub body_key: u64,
    /// The language the original text is written in.
    pub original: Language,
}

/// A block of an article's original text.
#[derive(Debug, Clone)]
pub enum BodyBlock {
    /// A subheading.
    Heading(Passage),
    /// A paragraph.
    Paragraph(Passage),
    /// A quotation.
    Quote(Passage),
    /// A list.
    List(Vec<Passage>),
}

/// A unit of original text with a stable anchor: `p<seed line>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// Anchor id, from the seed line (`p12`; `p12-2` for a second block of the same line).
    pub id: String,
    /// Cleaned text (shared with the search documents of every language).
    pub text: Arc<str>,
}

impl Article {
    /// Every passage of the body, in reading order.
    pub fn passages(&self) -> impl Iterator<Item = &Passage> {
        passages_of(&self.body)
    }
}

/// Every passage of `body`, in reading order.
pub fn passages_of(body: &[BodyBlock]) -> impl Iterator<Item = &Passage> {
    body.iter().flat_map(|b| match b {
        BodyBlock::Heading(p) | BodyBlock::Paragraph(p) | BodyBlock::Quote(p) => std::slice::from_ref(p),
        BodyBlock::List(items) => items.as_slice(),
    })
}

/// The language an original text is written in: Arabic unless Latin letters dominate.
fn original_language(body: &[BodyBlock]) -> Language {
    let (mut arabic, mut latin) = (0usize, 0usize);
    for c in passages_of(body).flat_map(|p| p.text.chars()).take(4000) {
        if ('\u{0600}'..='\u{06FF}').contains(&c) {
            arabic += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    let code = if latin > arabic * 2 { "en" } else { "ar" };
    Language { code: code.into(), dir: Dir::of(code) }
}

/// Turns an article's text into body blocks with unique passage ids.
pub fn body_of(doc: &ArticleText) -> Vec<BodyBlock> {
    let mut used: BTreeMap<usize, usize> = BTreeMap::new();
    let mut passage = |text: &str, line: usize| {
        let n = used.entry(line).or_insert(0);
        *n += 1;
        let id = if *n == 1 { format!("p{line}") } else { format!("p{line}-{n}") };
        Passage { id, text: text.into() }
    };
    doc.blocks
        .iter()
        .map(|b| match b {
            Block::Heading { text, line } => BodyBlock::Heading(passage(text, *line)),
            Block::Paragraph { text, line } => BodyBlock::Paragraph(passage(text, *line)),
            Block::Quote { text, line } => BodyBlock::Quote(passage(text, *line)),
            Block::List { items } => BodyBlock::List(items.iter().map(|i| passage(&i.text, i.line)).collect()),
        })
        .collect()
}

/// Compiles an article's `clean:` block and `lines:` range; invalid regexes and ranges were
/// reported by validation.
pub fn overrides_of(meta: &ArticleFile) -> ingest::Overrides {
    let lines = meta.line_range().map(|r| r.from..=r.to);
    let Some(clean) = &meta.clean else { return ingest::Overrides { lines, ..ingest::Overrides::default() } };
    let compile = |list: &[String]| list.iter().filter_map(|r| regex::Regex::new(r).ok()).collect();
    ingest::Overrides {
        lines,
        title_line: clean.title_line,
        drop: compile(&clean.drop),
        keep: compile(&clean.keep),
        stop_at: clean.stop_at.clone(),
    }
}

/// Article bodies made from extractions, by slug, with the ingestion key they
/// came from, so a rebuild makes only the bodies of re-ingested articles.
#[derive(Default)]
pub struct BodyMemo(HashMap<String, MadeBody>);

/// An article's body as made once: its key, its blocks and the language they are in.
type MadeBody = (u64, Arc<Vec<BodyBlock>>, Language);

/// A hash of a body's passages, for bodies made without an ingestion key.
fn body_hash(body: &[BodyBlock]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    for b in body {
        let passages = match b {
            BodyBlock::Heading(p) | BodyBlock::Paragraph(p) | BodyBlock::Quote(p) => std::slice::from_ref(p),
            BodyBlock::List(items) => items.as_slice(),
        };
        for p in passages {
            (&p.id, &p.text).hash(&mut h);
        }
        passages.len().hash(&mut h);
    }
    h.finish()
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
    /// The article with this slug, if it is built.
    pub fn article(&self, slug: &str) -> Option<&Article> {
        self.article_index.get(slug).map(|&i| &self.articles[i])
    }

    /// The articles filed under a topic, in site order: looked up, not searched
    /// for (a topic page scanning every article made topics × articles).
    pub fn topic_articles(&self, topic: &str) -> impl Iterator<Item = &Article> {
        self.topic_index.get(topic).into_iter().flatten().map(|&i| &self.articles[i])
    }

    /// Where the article with this slug is in [`Site::articles`], if it is built.
    pub fn article_position(&self, slug: &str) -> Option<usize> {
        self.article_index.get(slug).copied()
    }

    /// Where `a` is in `articles`: found by its address when it is one of
    /// them (the lists of a page ask for ~300,000 cards at 10,000 articles,
    /// and a lookup by slug is a hash and a cache miss or two), else by its slug.
    pub fn position_of(&self, a: &Article) -> Option<usize> {
        let size = std::mem::size_of::<Article>();
        let offset = (a as *const Article as usize).wrapping_sub(self.articles.as_ptr() as usize);
        let i = offset / size;
        if offset.is_multiple_of(size) && i < self.articles.len() { Some(i) } else { self.article_position(&a.slug) }
    }

    /// A site with nothing in it, for tests.
    #[cfg(test)]
    pub fn empty() -> Site {
        Site {
            config: serde_yaml::from_str("title: {en: t}\nlanguages: [en]").expect("valid literal"),
            languages: vec![],
            articles: vec![],
            article_index: HashMap::default(),
            topic_index: HashMap::default(),
            topics: BTreeMap::new(),
            entities: BTreeMap::new(),
            pages: Vec::new(),
        }
    }

    /// Builds the model from a loaded project that passed validation.
    /// Projects with errors never reach here; missing pieces are skipped, not invented.
    pub fn from_project(project: &Project, documents: &BTreeMap<String, ArticleText>, drafts: Drafts) -> Option<Site> {
        Site::from_project_with(project, documents, drafts, &|_| None, &mut BodyMemo::default())
    }

    /// [`Site::from_project`], reusing from `memo` the body of every article whose
    /// ingestion key (`key_of` its slug) is unchanged.
    pub fn from_project_with(
        project: &Project,
        documents: &BTreeMap<String, ArticleText>,
        drafts: Drafts,
        key_of: &dyn Fn(&str) -> Option<u64>,
        memo: &mut BodyMemo,
    ) -> Option<Site> {
        let config = SiteConfig::clone(&project.site.as_ref()?.value);
        let mut previous = std::mem::take(&mut memo.0);
        let chosen: Vec<_> = project
            .articles
            .values()
            .filter(|a| drafts == Drafts::Include || !a.value.draft)
            .filter_map(|a| {
                let doc = documents.get(&a.slug)?;
                let key = key_of(&a.slug);
                let reused = match (key, previous.remove(&a.slug)) {
                    (Some(k), Some((then, body, original))) if k == then => Some((k, body, original)),
                    _ => None,
                };
                Some((a, doc, key, reused))
            })
            .collect();
        // Each article's body is reused from the memo or made from its ingestion
        // (a fifth of a second at 10,000 articles on one core), and its metadata
        // copied (70 ms more): both are independent per article, so they run on
        // every core.
        let made: Vec<(MadeBody, Option<Article>)> = {
            use rayon::prelude::*;
            chosen
                .par_iter()
                .map(|(a, doc, key, reused)| {
                    let (body_key, body, original) = match reused {
                        Some(reused) => reused.clone(),
                        None => {
                            let body = body_of(doc);
                            let original = original_language(&body);
                            (key.unwrap_or_else(|| body_hash(&body)), Arc::new(body), original)
                        }
                    };
                    let article = PartialDate::parse(&a.value.date).map(|date| Article {
                        original: original.clone(),
                        slug: a.slug.clone(),
                        meta: a.value.clone(),
                        date,
                        original_title: doc.title.clone(),
                        body: body.clone(),
                        body_key,
                    });
                    ((body_key, body, original), article)
                })
                .collect()
        };
        // Allocated at its final size: a list grown article by article is
        // copied at every doubling, into fresh memory, on one core.
        let mut articles = Vec::with_capacity(made.len());
        memo.0.reserve(made.len());
        for ((a, _, key, _), (made, article)) in chosen.into_iter().zip(made) {
            if key.is_some() {
                memo.0.insert(a.slug.clone(), made);
            }
            articles.extend(article);
        }
        // Slugs are unique, so no two articles compare equal: no stable sort's scratch copy.
        articles.sort_unstable_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
        let article_index = articles.iter().enumerate().map(|(i, a)| (a.slug.clone(), i)).collect();
        let mut topic_index: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, a) in articles.iter().enumerate() {
            for (k, topic) in a.meta.topics.iter().enumerate() {
                if !a.meta.topics[..k].contains(topic) {
                    topic_index.entry(topic.clone()).or_default().push(i);
                }
            }
        }
        let mut pages: Vec<(i64, String, PageVersions)> = project
            .pages
            .iter()
            .map(|(slug, versions)| {
                let order = versions.iter().filter_map(|v| v.value.front.order).min().unwrap_or(i64::MAX);
                let by_lang = versions
                    .iter()
                    .map(|v| (v.value.lang.clone(), (v.value.front.title.clone(), v.value.body.clone())));
                (order, slug.clone(), by_lang.collect())
            })
            .collect();
        pages.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let pages = pages.into_iter().map(|(_, slug, v)| (slug, v)).collect();
        Some(Site {
            config,
            languages: project.languages.clone(),
            articles,
            article_index,
            topic_index,
            topics: project.topics.iter().map(|(k, v)| (k.clone(), v.value.clone())).collect(),
            entities: project.entities.iter().map(|(k, v)| (k.clone(), v.value.clone())).collect(),
            pages,
        })
    }
}
