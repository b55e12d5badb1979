//! A draft article as `nashra add` proposes it, and its YAML text with the
//! comments that explain each suggestion.

use super::dates::Candidate;
use super::figures::FigureCandidate;
use super::yaml::{comment_text, flow_list, quoted};
use std::fmt::Write;

/// What `add` proposes for a new article.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Article slug (file name).
    pub slug: String,
    /// Seed file name under `seeds/`.
    pub seed: String,
    /// Title per site language, in site order; empty where unknown.
    pub title: Vec<(String, String)>,
    /// Every date found in the seed, in reading order.
    pub dates: Vec<Candidate>,
    /// The proposed publication date (`YYYY-MM-DD`), when one is likely.
    pub date: Option<String>,
    /// Site languages, in order.
    pub languages: Vec<String>,
    /// Entities mentioned, with the number of mentions, most first.
    pub entities: Vec<(String, usize)>,
    /// Topics of articles that share these entities, with a score, best first.
    pub topics: Vec<(String, usize)>,
    /// How many of `topics` are proposed (the rest are listed in a comment).
    pub topics_chosen: usize,
    /// Numbers in the body, with their quotes.
    pub figures: Vec<FigureCandidate>,
}

impl Draft {
    /// The slugs proposed for `entities:`.
    pub fn entity_slugs(&self) -> Vec<String> {
        self.entities.iter().map(|(s, _)| s.clone()).collect()
    }

    /// The slugs proposed for `topics:`.
    pub fn topic_slugs(&self) -> Vec<String> {
        self.topics.iter().take(self.topics_chosen).map(|(s, _)| s.clone()).collect()
    }

    /// The comment block and `date:` line.
    pub fn date_lines(&self) -> String {
        let mut out = String::new();
        if self.dates.is_empty() {
            out.push_str("# No date found in the text: write the source's publication date.\n");
        } else {
            out.push_str("# Dates found in the seed (line: date «as written»):\n");
            for c in &self.dates {
                let chosen = self.date.as_deref() == Some(c.date.to_string().as_str());
                let mark = if chosen { "   <- proposed" } else { "" };
                let _ = writeln!(out, "#   {}: {} «{}»{mark}", c.line, c.date, comment_text(&c.text));
            }
            if self.date.is_none() {
                out.push_str("# None has a year, a month and a day: write the publication date yourself.\n");
            } else {
                out.push_str(
                    "# Proposed: a dateline if the seed has one, else the latest date it mentions. Check it.\n",
                );
            }
        }
        let _ = writeln!(out, "date: {}", quoted(self.date.as_deref().unwrap_or("")));
        out
    }

    /// The comment block and `entities:` line.
    pub fn entity_lines(&self) -> String {
        let mut out = String::new();
        if !self.entities.is_empty() {
            out.push_str("# Entities whose name or alias the text mentions (mentions):\n");
            for (slug, n) in &self.entities {
                let _ = writeln!(out, "#   {slug}: {n}");
            }
        }
        let _ = writeln!(out, "entities: {}", flow_list(&self.entity_slugs()));
        out
    }

    /// The comment block and `topics:` line.
    pub fn topic_lines(&self) -> String {
        let mut out = String::new();
        if !self.topics.is_empty() {
            out.push_str("# Topics of the articles that share these entities (shared entities, summed):\n");
            for (i, (slug, n)) in self.topics.iter().enumerate() {
                let mark = if i < self.topics_chosen { "" } else { "   (not proposed)" };
                let _ = writeln!(out, "#   {slug}: {n}{mark}");
            }
        }
        let _ = writeln!(out, "topics: {}", flow_list(&self.topic_slugs()));
        out
    }

    /// The comment block and `figures:` list.
    pub fn figure_lines(&self) -> String {
        let mut out = String::new();
        if self.figures.is_empty() {
            out.push_str("figures: []\n");
            return out;
        }
        out.push_str("# Numbers in the article body, each with the words that state it. Keep the ones\n");
        out.push_str("# worth comparing: name the quantity (the same metric across articles is compared),\n");
        out.push_str("# write its label, add as_of: YYYY-MM if known; delete the rest.\n");
        out.push_str("figures:\n");
        for (i, f) in self.figures.iter().enumerate() {
            let _ = writeln!(out, "  - metric: {}", quoted(&format!("{}-{}", self.slug, i + 1)));
            let _ = writeln!(out, "    value: {}", quoted(&f.value));
            out.push_str("    label:\n");
            for lang in &self.languages {
                let _ = writeln!(out, "      {lang}: \"\"");
            }
            let _ = writeln!(out, "    quote: {}", quoted(&f.quote));
        }
        out
    }

    /// The whole draft file.
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# Draft written by `nashra add` from seeds/{}.", comment_text(&self.seed));
        out.push_str("# Fill in the empty fields and check every suggestion; `nashra check` lists what\n");
        out.push_str("# is missing. Delete `draft: true` when the article is ready to publish.\n");
        let _ = writeln!(out, "seed: {}", quoted(&self.seed));
        out.push_str("draft: true\n");
        out.push_str("title:\n");
        for (lang, text) in &self.title {
            let _ = writeln!(out, "  {lang}: {}", quoted(text));
        }
        out.push_str(&self.date_lines());
        out.push_str("summary:\n");
        for lang in &self.languages {
            let _ = writeln!(out, "  {lang}: \"\"");
        }
        out.push_str(&self.entity_lines());
        out.push_str(&self.topic_lines());
        out.push_str(&self.figure_lines());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ArticleFile;

    fn draft() -> Draft {
        let dates = super::super::dates::candidates("a\nفي 8 ديسمبر 2024: «قال» # لا\n");
        Draft {
            slug: "s".into(),
            seed: "x: y.txt".into(),
            title: vec![("ar".into(), "عنوان: \"مقتبس\" # ليس تعليقا".into()), ("en".into(), String::new())],
            date: Some("2024-12-08".into()),
            dates,
            languages: vec!["ar".into(), "en".into()],
            entities: vec![("isis".into(), 3)],
            topics: vec![("a".into(), 2), ("b".into(), 1)],
            topics_chosen: 1,
            figures: vec![FigureCandidate { value: "80".into(), quote: "نحو 80 عملية: \\ # «x»".into() }],
        }
    }

    #[test]
    fn the_draft_parses_back_as_an_article() {
        let d = draft();
        let yaml = d.to_yaml();
        let a: ArticleFile = serde_yaml::from_str(&yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
        assert!(a.draft);
        assert_eq!(a.seed, "x: y.txt");
        assert_eq!(a.title["ar"], d.title[0].1);
        assert_eq!(a.title["en"], "");
        assert_eq!(a.date, "2024-12-08");
        assert_eq!(a.entities, ["isis"]);
        assert_eq!(a.topics, ["a"]);
        assert_eq!(a.figures[0].quote.as_deref(), Some(d.figures[0].quote.as_str()));
        assert_eq!(a.figures[0].metric, "s-1");
        assert!(yaml.contains("#   2: 2024-12-08 «8 ديسمبر 2024»   <- proposed"), "{yaml}");
        assert!(yaml.contains("#   b: 1   (not proposed)"));
    }

    #[test]
    fn no_date_leaves_the_field_empty() {
        let d = Draft { date: None, dates: vec![], figures: vec![], ..draft() };
        let a: ArticleFile = serde_yaml::from_str(&d.to_yaml()).unwrap();
        assert_eq!(a.date, "");
        assert!(a.figures.is_empty());
        assert!(d.to_yaml().contains("# No date found in the text"));
    }
}
