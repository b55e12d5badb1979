//! Ingest: a scraped seed (plain text) → the article it holds, as a headline and ordered
//! blocks, plus a decision with a reason for every input line.
//!
//! Pure: text in, values out; no I/O. The pipeline, one module per step:
//! `text` (lines, cleaning, folding) → `shape` (each line alone) → `layout` (the body run,
//! the headline, repeats) with `echo` (repeats and pull quotes) → `glue` (glued headings,
//! broken sentences) → `assemble` (blocks). `overrides` applies the `clean:` curation.
//!
//! Contract details:
//! - Lines are numbered from 1 over the text split on `\n` (after an optional BOM); a final
//!   `\n` ends the last line instead of opening an empty one, so an empty text has no lines.
//!   A trailing `\r` belongs to the line end.
//! - Texts in `lines` and in blocks are cleaned: trimmed, tabs/NBSP/Unicode spaces turned
//!   into one space, runs collapsed; bidi controls, zero-width space, word joiner, soft
//!   hyphen and other control characters stripped; ZWNJ and ZWJ kept (they shape Persian,
//!   Kurdish and Urdu words). See `text.rs`.
//! - A heading glued into a line is handled in `glue.rs`: a glued copy of a heading that
//!   also stands alone is removed from the paragraph; an unduplicated heading glued after a
//!   paragraph's last sentence becomes its own heading block carrying the same line number.
//!   Either way the line's role is `paragraph` and the reason says what was done.

mod assemble;
mod echo;
mod glue;
mod layout;
mod lexicon;
mod overrides;
mod render;
mod shape;
#[cfg(test)]
mod tests;
mod text;

use regex::Regex;
use serde::Serialize;
use std::borrow::Cow;
use std::ops::RangeInclusive;

pub use render::render_text;
pub(crate) use text::{Low, LowArabic, LowFolds};

/// Curation overrides from an article's `clean:` block and its `lines:` range; `Default`
/// means none.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// Only these 1-based lines hold the article (a seed that holds several articles); every
    /// other line is read as blank, so the heuristics see this article alone while blocks
    /// keep the seed's own line numbers.
    pub lines: Option<RangeInclusive<usize>>,
    /// 1-based line that is the headline.
    pub title_line: Option<usize>,
    /// Lines matching any of these are dropped.
    pub drop: Vec<Regex>,
    /// Lines matching any of these are never dropped by the heuristics.
    pub keep: Vec<Regex>,
    /// Everything from the first line containing this text is dropped.
    pub stop_at: Option<String>,
}

/// The article found in a seed.
#[derive(Clone, Debug, Serialize)]
pub struct Extraction {
    /// The headline, when the seed has one.
    pub title: Option<String>,
    /// Body blocks in reading order.
    pub blocks: Vec<Block>,
    /// One decision per input line, in order.
    pub lines: Vec<LineDecision>,
}

/// What a site is built from: the headline and body blocks of an [`Extraction`],
/// without its decisions line by line (those are for `nashra extract` and the
/// ingestion cache; a build never reads them, and at 10,000 articles they are a
/// million strings to decode and hold).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleText {
    /// The headline, when the seed has one.
    pub title: Option<String>,
    /// Body blocks in reading order.
    pub blocks: Vec<Block>,
}

impl From<Extraction> for ArticleText {
    fn from(e: Extraction) -> ArticleText {
        ArticleText { title: e.title, blocks: e.blocks }
    }
}

/// A block of the article body; `line` is the 1-based seed line it comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A subheading.
    Heading {
        /// Cleaned text.
        text: String,
        /// Source line.
        line: usize,
    },
    /// A paragraph (possibly joined from a sentence broken over several lines).
    Paragraph {
        /// Cleaned text.
        text: String,
        /// First source line.
        line: usize,
    },
    /// A list of consecutive items.
    List {
        /// The items.
        items: Vec<ListItem>,
    },
    /// A line wholly in quotation marks.
    Quote {
        /// Cleaned text.
        text: String,
        /// Source line.
        line: usize,
    },
}

/// One item of a list block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ListItem {
    /// Cleaned text without its bullet glyph (numbers are kept).
    pub text: String,
    /// Source line.
    pub line: usize,
}

/// What was decided for one input line, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LineDecision {
    /// 1-based line number.
    pub line: usize,
    /// Cleaned text of the line.
    pub text: String,
    /// Whether the line is part of the article (headline or body).
    pub kept: bool,
    /// The line's role.
    pub role: Role,
    /// Human-readable reason for the decision (most are fixed texts, held without a copy).
    pub reason: Cow<'static, str>,
}

/// The role a line plays.
#[derive(Serialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The headline.
    Title,
    /// A subheading.
    Heading,
    /// Running text.
    Paragraph,
    /// An item of a list.
    ListItem,
    /// A quotation block.
    Quote,
    /// Page furniture or another article: not body.
    Boilerplate,
    /// An empty line.
    Blank,
}

impl Role {
    /// The name used in JSON and in text output.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Title => "title",
            Role::Heading => "heading",
            Role::Paragraph => "paragraph",
            Role::ListItem => "list_item",
            Role::Quote => "quote",
            Role::Boilerplate => "boilerplate",
            Role::Blank => "blank",
        }
    }
}

/// Which overrides matched nothing (for `check` warnings): e.g. "drop[1]", "keep[0]",
/// "stop_at", "title_line".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OverrideReport {
    /// Names of the overrides that matched no line.
    pub unmatched: Vec<String>,
}

/// Extracts the article from a seed with the heuristics alone.
pub fn extract(text: &str) -> Extraction {
    extract_with(text, &Overrides::default()).0
}

/// Extracts the article with `clean:` overrides applied on top of the heuristics, and
/// reports the overrides that matched nothing.
pub fn extract_with(text: &str, overrides: &Overrides) -> (Extraction, OverrideReport) {
    extract_recording(text, overrides, true)
}

/// [`extract_with`], keeping the decisions line by line only when `record` is
/// set: without them (`lines` is empty), what a build or check that fills no
/// cache reads, each kept line's text moves into its block instead of being
/// copied there.
pub fn extract_recording(text: &str, overrides: &Overrides, record: bool) -> (Extraction, OverrideReport) {
    let mut raw = text::split_lines(text);
    if let Some(range) = &overrides.lines {
        raw.iter_mut().enumerate().filter(|(i, _)| !range.contains(&(i + 1))).for_each(|(_, l)| *l = "");
    }
    let lines: Vec<shape::LineInfo> = raw.iter().enumerate().map(|(i, l)| shape::analyse(i + 1, l)).collect();
    let (forced, mut report) = overrides::force(&lines, overrides);
    let mut decisions = layout::plan(&lines, &forced);
    overrides::apply_keep(&lines, overrides, &mut decisions, &mut report);
    glue::repair(&lines, &mut decisions);
    let mut extraction = assemble::assemble(lines, decisions, record);
    if let Some(range) = &overrides.lines {
        let outside = format!("outside the article's lines {}-{}", range.start(), range.end());
        for d in extraction.lines.iter_mut().filter(|d| !range.contains(&d.line)) {
            (d.role, d.reason) = (Role::Boilerplate, outside.clone().into());
        }
    }
    (extraction, report)
}

/// How many lines a seed has, numbered as blocks and `lines:` ranges number them.
pub fn line_count(text: &str) -> usize {
    // `split_lines(text).len()` without building the list: every seed is counted at load.
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if text.is_empty() {
        return 0;
    }
    let body = text.strip_suffix('\n').unwrap_or(text);
    memchr::memchr_iter(b'\n', body.as_bytes()).count() + 1
}

/// The kept body blocks' text joined by `\n` (list items one per line); the text that
/// provenance quotes are matched against.
pub fn body_text(e: &Extraction) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for block in &e.blocks {
        match block {
            Block::Heading { text, .. } | Block::Paragraph { text, .. } | Block::Quote { text, .. } => parts.push(text),
            Block::List { items } => parts.extend(items.iter().map(|i| i.text.as_str())),
        }
    }
    parts.join("\n")
}
