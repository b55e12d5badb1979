//! `nashra add`: a scraped article joins the briefing as a draft.
//!
//! Copies the seed into `seeds/` unchanged, reads it with the same ingestion
//! the site uses, and writes `content/articles/<slug>.yaml` with
//! `draft: true`: the headline, a proposed date with the other candidates in
//! a comment, the entities the text mentions (found exactly as the site finds
//! them), topics of the articles that share those entities, and every number
//! in the body with the words that state it. What needs a person (English,
//! the summary, labels) is left empty for `check` to point at.
//!
//! Nothing a person wrote is overwritten: an existing article is refused, or
//! with `--update` only its empty fields are filled.

pub mod dates;
mod draft;
pub mod figures;
mod update;
pub mod yaml;

use crate::diag::Diagnostic;
use crate::ingest::{self, Block};
use crate::link::{self, FoldedPassage, MentionFinder};
use crate::load::{self, is_valid_slug};
use crate::pipeline;
use crate::site::{self, Drafts, Site};
use draft::Draft;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What `nashra add` was asked for.
pub struct AddOptions {
    /// The scraped article.
    pub seed: PathBuf,
    /// Article slug; derived from the English title or the seed's name when absent.
    pub slug: Option<String>,
    /// English title.
    pub title_en: Option<String>,
    /// Fill only the empty fields of an existing article instead of refusing.
    pub update: bool,
}

/// What `add` did, for the summary it prints.
#[derive(Debug)]
pub struct Added {
    /// The article file, relative to the project.
    pub article: String,
    /// The seed file, relative to the project.
    pub seed: String,
    /// The seed was copied (false: identical text was already in `seeds/`).
    pub copied: bool,
    /// Fields filled (update) or written.
    pub fields: Vec<String>,
    /// Fields an update could not fill because the person's text is there or its shape is unusual.
    pub kept: Vec<String>,
    /// The proposal, for the summary line.
    pub draft: DraftSummary,
}

/// Counts of what the draft proposes.
#[derive(Debug)]
pub struct DraftSummary {
    /// Proposed date, if any.
    pub date: Option<String>,
    /// Number of date candidates.
    pub dates: usize,
    /// Entities proposed.
    pub entities: usize,
    /// Topics proposed.
    pub topics: usize,
    /// Figures proposed.
    pub figures: usize,
    /// A headline was found.
    pub headline: bool,
}

/// Runs `nashra add` in the project at `root`. A refusal writes nothing.
pub fn add(root: &Path, options: &AddOptions) -> Result<Added, Diagnostic> {
    let shown = options.seed.display().to_string();
    let bytes = std::fs::read(&options.seed).map_err(|e| {
        Diagnostic::error(&shown, 0, 0, format!("cannot read the seed: {e}"))
            .with_hint("give the path of a scraped article's text file")
    })?;
    let mut diags = Vec::new();
    let Some(text) = load::decode(&shown, bytes.clone(), &mut diags) else {
        return Err(diags.into_iter().next().unwrap_or_else(|| Diagnostic::error(&shown, 0, 0, "not valid UTF-8")));
    };
    if text.trim().is_empty() {
        return Err(
            Diagnostic::error(&shown, 0, 0, "the seed is empty").with_hint("a seed holds the scraped article's text")
        );
    }
    let name = options.seed.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if name.is_empty() || name.starts_with('.') {
        return Err(Diagnostic::error(&shown, 0, 0, "a seed needs a plain file name")
            .with_hint("rename it, e.g. 005_article.txt"));
    }
    let checked = pipeline::load_checked(root);
    let Some(site) = Site::from_project(&checked.project, &checked.documents, Drafts::Include) else {
        return Err(Diagnostic::error("content/site.yaml", 0, 0, "no usable content/site.yaml in this project")
            .with_hint("run `nashra check` to see why, or `nashra init DIR` to start a project"));
    };

    // The seed: identical text already in seeds/ is reused or refused; a different file of the same name is refused.
    let seeds_dir = root.join("seeds");
    let same = same_text_in(&seeds_dir, &bytes);
    let user_of = |seed: &str| checked.project.articles.values().find(|a| a.value.seed == seed).map(|a| a.path.clone());
    let (seed_name, copied) = match &same {
        Some(existing) => (existing.clone(), false),
        None if seeds_dir.join(&name).exists() => {
            return Err(Diagnostic::error(
                format!("seeds/{name}"),
                0,
                0,
                format!("seeds/{name} exists and holds a different text"),
            )
            .with_hint("rename the file you are adding; seeds are never overwritten"));
        }
        None => (name.clone(), true),
    };
    let existing_article = same.as_deref().and_then(user_of);
    if let (Some(article), false) = (&existing_article, options.update) {
        return Err(Diagnostic::error(
            format!("seeds/{seed_name}"),
            0,
            0,
            format!("this text is already in seeds/{seed_name}, used by {article}"),
        )
        .with_hint("edit that article, or run `nashra add --update` to fill only its empty fields"));
    }

    let slug = match (&existing_article, &options.slug) {
        (Some(path), _) => {
            path.rsplit('/').next().unwrap_or(path).trim_end_matches(".yaml").trim_end_matches(".yml").to_string()
        }
        (None, Some(slug)) => slug.clone(),
        (None, None) => suggest_slug(options.title_en.as_deref(), &name),
    };
    if !is_valid_slug(&slug) {
        return Err(Diagnostic::error(&shown, 0, 0, format!("invalid slug '{slug}'"))
            .with_hint("pass --slug with lower-case ASCII letters, digits and '-', e.g. --slug palmyra-ambush"));
    }
    let rel = existing_article
        .clone()
        .or_else(|| checked.project.articles.get(&slug).map(|a| a.path.clone()))
        .unwrap_or_else(|| format!("content/articles/{slug}.yaml"));
    let target = root.join(&rel);
    let exists = target.exists() || checked.project.articles.contains_key(&slug);
    if exists && !options.update {
        let path = checked.project.articles.get(&slug).map_or(rel.clone(), |a| a.path.clone());
        return Err(Diagnostic::error(&path, 0, 0, format!("{path} already exists; nothing was written"))
            .with_hint("choose another --slug, or pass --update to fill only its empty fields"));
    }

    let draft = propose(&site, &text, &slug, &seed_name, options.title_en.as_deref());
    let summary = DraftSummary {
        date: draft.date.clone(),
        dates: draft.dates.len(),
        entities: draft.entities.len(),
        topics: draft.topics_chosen,
        figures: draft.figures.len(),
        headline: draft.title.iter().any(|(l, t)| l != "en" && !t.is_empty()),
    };
    let write_err = |path: &str, e: std::io::Error| {
        Diagnostic::error(path, 0, 0, format!("cannot write: {e}")).with_hint("check permissions and free space")
    };
    let (yaml, fields, kept) = if exists {
        let current =
            std::fs::read_to_string(&target).map_err(|e| Diagnostic::error(&rel, 0, 0, format!("cannot read: {e}")))?;
        match serde_yaml::from_str::<crate::model::ArticleFile>(&current) {
            Err(_) => {
                return Err(Diagnostic::error(&rel, 0, 0, "cannot update: the article does not parse")
                    .with_hint("run `nashra check` and fix it first"));
            }
            Ok(a) if a.seed != seed_name => {
                return Err(Diagnostic::error(&rel, 0, 0, format!("{rel} is about seeds/{}, not this text", a.seed))
                    .with_hint("choose another --slug for a new article"));
            }
            Ok(_) => {}
        }
        let outcome = update::fill_empty(&current, &draft);
        (outcome.text, outcome.filled, outcome.kept)
    } else {
        (draft.to_yaml(), vec!["all".to_string()], Vec::new())
    };
    if copied {
        std::fs::create_dir_all(&seeds_dir)
            .and_then(|_| std::fs::write(seeds_dir.join(&seed_name), &bytes))
            .map_err(|e| write_err(&format!("seeds/{seed_name}"), e))?;
    }
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| write_err(&rel, e))?;
    }
    write_file(&target, yaml.as_bytes()).map_err(|e| write_err(&rel, e))?;
    Ok(Added { article: rel, seed: format!("seeds/{seed_name}"), copied, fields, kept, draft: summary })
}

/// Writes through a hidden temporary file and a rename, so an editor or a
/// running `serve` never reads half a file.
fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, path)).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// The file in `dir` whose bytes equal `bytes`, if any.
fn same_text_in(dir: &Path, bytes: &[u8]) -> Option<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names.into_iter().find(|n| std::fs::read(dir.join(n)).is_ok_and(|b| b == bytes))
}

/// A slug from the English title, else from the seed's file name.
fn suggest_slug(title_en: Option<&str>, seed_name: &str) -> String {
    let stem = seed_name.rsplit_once('.').map_or(seed_name, |(s, _)| s);
    let from_title = title_en.map(slugify).filter(|s| !s.is_empty());
    let slug = from_title.unwrap_or_else(|| slugify(stem));
    if slug.is_empty() { "article".to_string() } else { slug }
}

/// Lower-case ASCII letters and digits, other runs turned into one `-`, at most 60 bytes.
fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug = slug.trim_end_matches('-').to_string();
    if slug.len() > 60 {
        let cut = slug[..60].rfind('-').unwrap_or(60);
        slug.truncate(cut);
    }
    slug
}

/// Most proposed topics are those scoring at least this share of the best one.
const TOPIC_SHARE: usize = 2;

/// The draft for `text` in `site`.
fn propose(site: &Site, text: &str, slug: &str, seed: &str, title_en: Option<&str>) -> Draft {
    let doc = ingest::ArticleText::from(ingest::extract(text));
    let languages: Vec<String> = site.languages.iter().map(|l| l.code.clone()).collect();
    let headline = doc.title.clone().unwrap_or_default();
    let original = if languages.iter().any(|l| l == "ar") {
        "ar".to_string()
    } else {
        languages.first().cloned().unwrap_or_default()
    };
    let title = languages
        .iter()
        .map(|l| {
            let t = if *l == original {
                headline.clone()
            } else if l == "en" {
                title_en.unwrap_or("").to_string()
            } else {
                String::new()
            };
            (l.clone(), t)
        })
        .collect();

    let dates = dates::candidates(text);
    let date = dates::most_likely(&dates).map(|c| c.date.to_string());

    // Mentions exactly as the site finds them.
    let finder = MentionFinder::new(site);
    let body = site::body_of(&doc);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for p in site::passages_of(&body) {
        for m in finder.find_in(&FoldedPassage::new(p)) {
            *counts.entry(m.entity).or_default() += 1;
        }
    }
    let mut entities: Vec<(String, usize)> = counts.into_iter().collect();
    entities.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

    // Topics of the articles that share these entities, scored by how many they share.
    let links = link::link(site);
    let mut scores: BTreeMap<String, usize> = BTreeMap::new();
    for article in &site.articles {
        let theirs = links.article_entities.get(&article.slug);
        let shared = theirs.map_or(0, |list| list.iter().filter(|(e, _)| entities.iter().any(|(s, _)| s == e)).count());
        if shared > 0 {
            for topic in &article.meta.topics {
                *scores.entry(topic.clone()).or_default() += shared;
            }
        }
    }
    let mut topics: Vec<(String, usize)> = scores.into_iter().collect();
    topics.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let best = topics.first().map_or(0, |t| t.1);
    let topics_chosen = topics.iter().filter(|t| t.1 * TOPIC_SHARE >= best).count();

    let texts: Vec<&str> = doc
        .blocks
        .iter()
        .flat_map(|b| match b {
            Block::Heading { text, .. } | Block::Paragraph { text, .. } | Block::Quote { text, .. } => {
                vec![text.as_str()]
            }
            Block::List { items } => items.iter().map(|i| i.text.as_str()).collect(),
        })
        .collect();
    let figures = figures::candidates(texts);
    Draft {
        slug: slug.to_string(),
        seed: seed.to_string(),
        title,
        dates,
        date,
        languages,
        entities,
        topics,
        topics_chosen,
        figures,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_titles_and_seed_names() {
        assert_eq!(suggest_slug(Some("Syria joins the coalition!"), "x.txt"), "syria-joins-the-coalition");
        assert_eq!(suggest_slug(None, "000_633bce33b27bf64e.txt"), "000-633bce33b27bf64e");
        assert_eq!(suggest_slug(Some("عنوان"), "x.txt"), "x");
        assert_eq!(suggest_slug(None, "دمشق.txt"), "article");
        assert!(suggest_slug(Some(&"word ".repeat(30)), "x").len() <= 60);
    }
}
