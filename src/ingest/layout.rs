//! Document-level decisions: where the article body runs, which line is the headline, and
//! which body-shaped lines are still furniture (repeats, pull quotes, trailing labels).
//!
//! The model: an article is one contiguous run of sentence-like lines. Runs end at footer
//! markers (related block, copyright, disclaimer, tags) or at a long stretch of boilerplate;
//! the first substantial run is the article, anything after it (a second article appended
//! after the footer) is dropped. Inside the run, isolated furniture is dropped line by line.

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;

use super::Role;
use super::echo::{Repeats, echoes, late_title};
use super::shape::{Content, LineInfo, Tail};

/// Fewest words for a line to anchor the body as a paragraph.
const ANCHOR_WORDS: usize = 6;
/// Consecutive boilerplate lines that separate two articles even without a footer marker.
const FOOTER_GAP: usize = 8;
/// Longest unpunctuated opening line still read as a headline.
const MAX_HEADLINE_WORDS: usize = 25;
/// Most teaser titles dropped under a lone see-also marker.
const MAX_TEASERS: usize = 6;

/// Decisions imposed by `clean:` overrides before the heuristics run.
#[derive(Debug, Default)]
pub(crate) struct Forced {
    /// Index of the line that must be the headline.
    pub title: Option<usize>,
    /// Per line: the override that drops it (`clean.drop[1]`, `clean.stop_at`).
    pub drop: Vec<Option<String>>,
}

/// The decision for one line, before blocks are built.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Decision {
    /// Whether the line is part of the article (title or body).
    pub kept: bool,
    /// Its role.
    pub role: Role,
    /// Why: most reasons are fixed texts, held without a copy.
    pub reason: Cow<'static, str>,
    /// Block text when it differs from the cleaned line (a glued heading or label removed).
    pub body: Option<String>,
    /// A heading glued onto the end of this line, split into its own block.
    pub trailing_heading: Option<String>,
    /// Index of an earlier line whose paragraph this line continues.
    pub continues: Option<usize>,
}

impl Decision {
    /// A kept line.
    pub(crate) fn keep(role: Role, reason: impl Into<Cow<'static, str>>) -> Self {
        Self { kept: true, role, reason: reason.into(), body: None, trailing_heading: None, continues: None }
    }

    /// A dropped line.
    pub(crate) fn drop(role: Role, reason: impl Into<Cow<'static, str>>) -> Self {
        Self { kept: false, ..Self::keep(role, reason) }
    }
}

/// Effective boilerplate verdict of a line: surface, script or override.
#[derive(Clone, Debug)]
struct Furniture {
    reason: Cow<'static, str>,
    hard: bool,
}

/// A candidate article run.
#[derive(Clone, Copy, Debug)]
struct Run {
    /// First line after the previous boundary (headline search starts here).
    pre_start: usize,
    /// First anchoring paragraph.
    start: usize,
    /// One past the last line of the run.
    end: usize,
    /// Last paragraph-like line.
    last_para: usize,
    /// Characters of paragraph-like lines (the run's weight).
    chars: usize,
}

/// True when a line can anchor or extend the body as running text.
fn is_para_like(line: &LineInfo) -> bool {
    match line.content {
        Some(Content::Paragraph | Content::Quote) => true,
        // A short numbered line may be a section heading; bullets are always running text.
        Some(Content::ListItem { numbered, heading_shaped }) => !(numbered && heading_shaped),
        _ => false,
    }
}

/// Decides every line of a document.
pub(crate) fn plan(lines: &[LineInfo], forced: &Forced) -> Vec<Decision> {
    let furniture = furniture(lines, forced);
    let runs = find_runs(lines, &furniture);
    let Some(run) = choose_run(&runs) else {
        return lines.iter().enumerate().map(|(i, l)| outside(l, furniture[i].as_ref())).collect();
    };
    let title = forced.title.or_else(|| find_title(lines, &furniture, run));
    let mut run = run;
    if title == Some(run.start) {
        // The run opened with a long headline: the body starts at the next paragraph.
        let next = (run.start + 1..run.end).find(|&i| furniture[i].is_none() && is_para_like(&lines[i]));
        run.start = next.unwrap_or(run.start);
    }
    let in_body = |i: usize| i >= run.start && i < run.end && furniture[i].is_none() && Some(i) != title;
    let repeats = Repeats::new(lines, &in_body);
    let echo = echoes(lines, &in_body);
    let mut decisions: Vec<Decision> = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let d = if Some(i) == title {
            let why = if forced.title.is_some() {
                "headline (clean.title_line)"
            } else {
                "headline: first heading-shaped line before the body"
            };
            Decision::keep(Role::Title, why)
        } else if line.is_blank() {
            Decision::drop(Role::Blank, "blank line")
        } else if let Some(f) = &furniture[i] {
            Decision::drop(Role::Boilerplate, f.reason.clone())
        } else if let Some(t) = title.filter(|&t| lines[t].folded == line.folded) {
            Decision::drop(Role::Boilerplate, format!("repeat of the headline (line {})", lines[t].number))
        } else if i < run.start {
            before_body(line, i, title)
        } else if i >= run.end {
            after_article(lines, &furniture, run)
        } else if let Some(why) = repeats.drop_reason(lines, i, title) {
            Decision::drop(Role::Boilerplate, why)
        } else if let Some(t) = echo[i] {
            Decision::drop(Role::Boilerplate, format!("pull quote: repeats the words of line {}", lines[t].number))
        } else if i > run.last_para {
            Decision::drop(Role::Boilerplate, "short line after the last paragraph (label, card or teaser)")
        } else {
            body_role(lines, i)
        };
        decisions.push(d);
    }
    if title.is_none() {
        let kept: Vec<usize> = (0..lines.len()).filter(|&i| decisions[i].kept).collect();
        if let Some(t) = late_title(lines, &kept, run.last_para, run.end) {
            decisions[t] = Decision::keep(Role::Title, "headline printed after the body (shares its vocabulary)");
        }
    }
    decisions
}

/// Boilerplate verdicts from overrides, the line's surface, its script, and menu clusters.
fn furniture(lines: &[LineInfo], forced: &Forced) -> Vec<Option<Furniture>> {
    let (arabic, latin) = lines.iter().fold((0, 0), |(a, l), x| (a + x.scripts.arabic, l + x.scripts.latin));
    let arabic_doc = arabic >= latin;
    let mut out: Vec<Option<Furniture>> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            if let Some(Some(reason)) = forced.drop.get(i) {
                return Some(Furniture { reason: reason.clone().into(), hard: false });
            }
            if line.is_blank() || forced.title == Some(i) {
                return None;
            }
            if let Some(b) = line.boiler {
                return Some(Furniture { reason: b.reason.into(), hard: b.tail == Tail::Hard });
            }
            let s = line.scripts;
            let foreign = if arabic_doc { s.arabic == 0 && s.latin > 0 } else { s.latin == 0 && s.arabic > 0 };
            foreign.then(|| Furniture {
                reason: "line in another script than the article (embed, logo or code)".into(),
                hard: false,
            })
        })
        .collect();
    mark_menu_clusters(lines, forced, &mut out);
    mark_teaser_titles(lines, &mut out);
    out
}

/// Under a see-also marker alone on its line, the following title-like lines (headings,
/// short list items) are the teased articles, up to the first sentence-like line.
fn mark_teaser_titles(lines: &[LineInfo], out: &mut [Option<Furniture>]) {
    let markers: Vec<usize> =
        (0..lines.len()).filter(|&i| lines[i].boiler.is_some_and(|b| b.tail == Tail::Teaser)).collect();
    for m in markers {
        let following = (m + 1..lines.len()).filter(|&i| !lines[i].is_blank()).take(MAX_TEASERS);
        for i in following {
            let titled = match lines[i].content {
                Some(Content::Heading) => true,
                Some(Content::ListItem { .. }) => !lines[i].text.ends_with(['.', '،', ':']),
                _ => false,
            };
            if !titled || out[i].as_ref().is_some_and(|f| f.hard) {
                break;
            }
            out[i] = Some(Furniture { reason: "title under a see-also marker".into(), hard: false });
        }
    }
}

/// Three or more consecutive very short heading-like lines are navigation, not headings.
fn mark_menu_clusters(lines: &[LineInfo], forced: &Forced, out: &mut [Option<Furniture>]) {
    let is_short_label = |i: usize| {
        out[i].is_none() && forced.title != Some(i) && lines[i].words <= 4 && lines[i].content == Some(Content::Heading)
    };
    let nonblank: Vec<usize> = (0..lines.len()).filter(|&i| !lines[i].is_blank()).collect();
    let mut clusters = Vec::new();
    let mut k = 0;
    while k < nonblank.len() {
        let mut m = k;
        while m < nonblank.len() && is_short_label(nonblank[m]) {
            m += 1;
        }
        if m - k >= 3 {
            clusters.push((k, m));
        }
        k = m.max(k + 1);
    }
    for (k, m) in clusters {
        for &i in &nonblank[k..m] {
            out[i] = Some(Furniture { reason: "run of short link-like lines (menu or tag list)".into(), hard: false });
        }
    }
}

/// Splits the document into candidate article runs at footer markers and long gaps.
fn find_runs(lines: &[LineInfo], furniture: &[Option<Furniture>]) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut current: Option<Run> = None;
    let (mut boundary, mut gap) = (0, 0);
    for (i, line) in lines.iter().enumerate() {
        if line.is_blank() {
            continue;
        }
        if let Some(f) = &furniture[i] {
            gap += 1;
            if f.hard || gap >= FOOTER_GAP {
                if let Some(mut run) = current.take() {
                    run.end = i;
                    runs.push(run);
                }
                boundary = i + 1;
            }
            continue;
        }
        gap = 0;
        if is_para_like(line) && line.words >= ANCHOR_WORDS {
            let run =
                current.get_or_insert(Run { pre_start: boundary, start: i, end: lines.len(), last_para: i, chars: 0 });
            run.chars += line.text.len();
            run.last_para = i;
        } else if let Some(run) = current.as_mut().filter(|_| is_para_like(line)) {
            run.last_para = i;
        }
    }
    runs.extend(current);
    if runs.is_empty() {
        // No sentence-like line at all: keep every non-furniture line rather than nothing.
        if let Some(first) = (0..lines.len()).find(|&i| !lines[i].is_blank() && furniture[i].is_none()) {
            let last =
                (0..lines.len()).rev().find(|&i| !lines[i].is_blank() && furniture[i].is_none()).unwrap_or(first);
            runs.push(Run { pre_start: first, start: first, end: lines.len(), last_para: last, chars: 0 });
        }
    }
    runs
}

/// The article is the first run that carries a fair share of the text.
fn choose_run(runs: &[Run]) -> Option<Run> {
    let max = runs.iter().map(|r| r.chars).max()?;
    let floor = (max / 4).max(max.min(300));
    runs.iter().copied().find(|r| r.chars >= floor)
}

/// The headline: the first heading-shaped line of three or more words before the body,
/// preferring one that is not repeated elsewhere (a doubled masthead is repeated; an
/// echoed headline is repeated too, but then no better candidate exists).
fn find_title(lines: &[LineInfo], furniture: &[Option<Furniture>], run: Run) -> Option<usize> {
    let candidates: Vec<usize> = (run.pre_start..run.start)
        .filter(|&i| furniture[i].is_none() && lines[i].content == Some(Content::Heading) && lines[i].words >= 3)
        .collect();
    if candidates.is_empty() {
        return long_headline(lines, run);
    }
    let mut counts: HashMap<&str, usize> = HashMap::default();
    for line in lines.iter().filter(|l| !l.is_blank()) {
        *counts.entry(line.folded.as_str()).or_default() += 1;
    }
    candidates
        .iter()
        .copied()
        .find(|&i| counts.get(lines[i].folded.as_str()).copied().unwrap_or(0) <= 1)
        .or_else(|| candidates.first().copied())
        .or_else(|| long_headline(lines, run))
}

/// A long headline (too long for a heading) opening the run: an unpunctuated first line
/// of at most `MAX_HEADLINE_WORDS` words followed by another paragraph of the run.
fn long_headline(lines: &[LineInfo], run: Run) -> Option<usize> {
    let first = &lines[run.start];
    let unterminated = !first.text.ends_with(['.', '!', '?', '؟', '…', ':', '،', ',', ';', '؛', '"', '”', '»']);
    let followed = run.last_para > run.start;
    (first.content == Some(Content::Paragraph)
        && unterminated
        && (3..=MAX_HEADLINE_WORDS).contains(&first.words)
        && followed)
        .then_some(run.start)
}

/// A non-furniture line before the first paragraph.
fn before_body(line: &LineInfo, i: usize, title: Option<usize>) -> Decision {
    match title {
        // A bare name (author) has no function words; a standfirst reads as a phrase.
        Some(t)
            if i > t
                && line.content == Some(Content::Heading)
                && (line.words >= 5 || line.words >= 3 && line.stop_ratio > 0.0) =>
        {
            Decision::keep(Role::Heading, "standfirst or subheading between the headline and the body")
        }
        Some(t) if i > t && is_para_like(line) => Decision::keep(Role::Paragraph, "short paragraph opening the body"),
        _ => Decision::drop(Role::Boilerplate, "before the article body (masthead, navigation or label)"),
    }
}

/// A line of a document where no article run was found.
fn outside(line: &LineInfo, furniture: Option<&Furniture>) -> Decision {
    match furniture {
        _ if line.is_blank() => Decision::drop(Role::Blank, "blank line"),
        Some(f) => Decision::drop(Role::Boilerplate, f.reason.clone()),
        None => Decision::drop(Role::Boilerplate, "no article body found"),
    }
}

/// A non-furniture line after the article's run, with what ended the article.
fn after_article(lines: &[LineInfo], furniture: &[Option<Furniture>], run: Run) -> Decision {
    let why: Cow<'static, str> = match furniture.get(run.end) {
        Some(Some(f)) if f.hard => {
            format!("after the end of the article (footer marker at line {})", lines[run.end].number).into()
        }
        _ => "outside the article (another article after a stretch of boilerplate)".into(),
    };
    Decision::drop(Role::Boilerplate, why)
}

/// The role of a kept body line.
fn body_role(lines: &[LineInfo], i: usize) -> Decision {
    match lines[i].content {
        Some(Content::Heading) => Decision::keep(Role::Heading, "subheading: short line inside the body"),
        Some(Content::Quote) => Decision::keep(Role::Quote, "quotation: line wholly in quotation marks"),
        Some(Content::ListItem { numbered: true, heading_shaped: true }) if !has_list_neighbour(lines, i) => {
            Decision::keep(Role::Heading, "numbered section heading inside the body")
        }
        Some(Content::ListItem { .. }) => Decision::keep(Role::ListItem, "list item inside the body"),
        _ => Decision::keep(Role::Paragraph, "paragraph inside the body run"),
    }
}

/// True when the nearest non-blank line before or after is also a list item.
fn has_list_neighbour(lines: &[LineInfo], i: usize) -> bool {
    let is_item = |l: &LineInfo| matches!(l.content, Some(Content::ListItem { .. }));
    let prev = lines[..i].iter().rev().find(|l| !l.is_blank());
    let next = lines[i + 1..].iter().find(|l| !l.is_blank());
    prev.is_some_and(is_item) || next.is_some_and(is_item)
}
