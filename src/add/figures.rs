//! Candidate figures in an article body: every number it reports, with the
//! smallest fragment of its sentence that holds it, copied exactly, so the
//! draft's provenance quotes pass `check` from the start.
//!
//! Pure: block texts in, candidates out. Numbers are digits (ASCII or
//! Arabic-Indic, with separators), ranges (`بين 2500 و3000`, `2500-3000`) and
//! the Arabic number words that are easy to read unambiguously. Years and the
//! parts of dates are not figures.

use crate::text::fold_with_offsets;
use regex::Regex;
use std::sync::LazyLock;

/// A number the body reports, with its provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureCandidate {
    /// The value, ASCII digits: `80`, `2500-3000`, `12.5%`.
    pub value: String,
    /// The seed's own words around it, a substring of one block's text.
    pub quote: String,
}

/// Number words and their values, as written (folded when the pattern is built).
const NUMBER_WORDS: &[(&str, u32)] = &[
    ("اثنان", 2),
    ("اثنين", 2),
    ("ثلاثة", 3),
    ("ثلاث", 3),
    ("أربعة", 4),
    ("أربع", 4),
    ("خمسة", 5),
    ("سبعة", 7),
    ("ثمانية", 8),
    ("تسعة", 9),
    ("عشرة", 10),
    ("عشرون", 20),
    ("عشرين", 20),
    ("ثلاثون", 30),
    ("ثلاثين", 30),
    ("أربعون", 40),
    ("أربعين", 40),
    ("خمسون", 50),
    ("خمسين", 50),
    ("مئة", 100),
    ("مائة", 100),
    ("مئتين", 200),
    ("مئتان", 200),
    ("ألف", 1000),
    ("ألفين", 2000),
    ("مليون", 1_000_000),
];

struct Patterns {
    number: Regex,
    words: Regex,
    word_values: Vec<(String, u32)>,
}

static PATTERNS: LazyLock<Option<Patterns>> = LazyLock::new(|| {
    let mut word_values: Vec<(String, u32)> = NUMBER_WORDS.iter().map(|(w, n)| (crate::text::fold(w), *n)).collect();
    word_values.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
    let alternatives: Vec<String> = word_values.iter().map(|(w, _)| regex::escape(w)).collect();
    // A number, an optional range to a second one, an optional percent sign.
    let number = Regex::new(
        r"(?P<a>[0-9]+(?:[.,٫٬][0-9]+)*)(?:(?:\s*[-–]\s*|\s+و\s*)(?P<b>[0-9]+(?:[.,٫٬][0-9]+)*))?(?P<pct>\s*%)?",
    )
    .ok()?;
    // A word on its own or after the clitics و / ب / ل.
    let words =
        Regex::new(&format!(r"(?:^|[^\p{{L}}]|\b[وبل])(?P<w>{})(?:$|[^\p{{L}}])", alternatives.join("|"))).ok()?;
    Some(Patterns { number, words, word_values })
});

/// Candidate figures of an article body, block by block, without repeats.
pub fn candidates<'a>(blocks: impl IntoIterator<Item = &'a str>) -> Vec<FigureCandidate> {
    let Some(p) = &*PATTERNS else { return Vec::new() };
    let mut out: Vec<FigureCandidate> = Vec::new();
    for text in blocks {
        let (folded, offsets) = fold_with_offsets(text);
        let dates = super::dates::in_folded(&folded);
        let in_date = |at: usize| dates.iter().any(|(r, _)| r.contains(&at));
        let mut found: Vec<(usize, std::ops::Range<usize>, String)> = Vec::new();
        for c in p.number.captures_iter(&folded) {
            let (Some(whole), Some(a)) = (c.get(0), c.name("a")) else { continue };
            let before = folded[..whole.start()].chars().next_back();
            if before.is_some_and(|ch| ch.is_ascii_digit()) || in_date(a.start()) {
                continue;
            }
            let is_year = |s: &str| s.len() == 4 && (s.starts_with("19") || s.starts_with("20"));
            if is_year(a.as_str()) && c.name("b").is_none_or(|b| is_year(b.as_str())) {
                continue;
            }
            if whole.start() == 0 && folded[whole.end()..].starts_with(['.', ')', '-']) {
                continue; // list or heading numbering: "1. …"
            }
            let mut value = normalize(a.as_str());
            // A range is "A-B", or "بين A وB"; a bare "A وB" is two numbers.
            let range = c
                .name("b")
                .filter(|_| whole.as_str().contains(['-', '–']) || folded[..whole.start()].trim_end().ends_with("بين"));
            let end = match (range, c.name("b")) {
                (Some(b), _) => {
                    value = format!("{value}-{}", normalize(b.as_str()));
                    b.end()
                }
                (None, Some(b)) => {
                    found.push((b.start(), b.range(), normalize(b.as_str())));
                    a.end()
                }
                (None, None) => a.end(),
            };
            let end = match c.name("pct") {
                Some(pct) => {
                    value.push('%');
                    pct.end()
                }
                None => end,
            };
            found.push((a.start(), a.start()..end, value));
        }
        for c in p.words.captures_iter(&folded) {
            let Some(w) = c.name("w") else { continue };
            let Some((_, n)) = p.word_values.iter().find(|(word, _)| word == w.as_str()) else { continue };
            found.push((w.start(), w.range(), n.to_string()));
        }
        found.sort_by_key(|(at, _, _)| *at);
        for (_, span, value) in found {
            let quote = fragment(text, offsets.original(span.start), offsets.original(span.end));
            let candidate = FigureCandidate { value, quote };
            if !out.contains(&candidate) {
                out.push(candidate);
            }
        }
    }
    out
}

/// ASCII separators: `١٢٫٥` was folded to `12٫5`, written `12.5`.
fn normalize(number: &str) -> String {
    number.replace('٫', ".").replace('٬', ",")
}

/// Characters that end a sentence fragment. A `.` or `,` between digits does not.
fn is_boundary(text: &str, at: usize, c: char) -> bool {
    let digit_around = || {
        let before = text[..at].chars().next_back().is_some_and(|b| b.is_ascii_digit() || ('٠'..='٩').contains(&b));
        let after =
            text[at + c.len_utf8()..].chars().next().is_some_and(|a| a.is_ascii_digit() || ('٠'..='٩').contains(&a));
        before && after
    };
    match c {
        '.' | ',' => !digit_around(),
        '،' | '؛' | ';' | ':' | '!' | '?' | '؟' | '«' | '»' | '"' | '“' | '”' | '(' | ')' | '[' | ']' | '\n' => {
            true
        }
        _ => false,
    }
}

/// Fewest words a quote should have to say what the number counts.
const MIN_WORDS: usize = 4;
/// Most words kept on each side of the number when its fragment is long.
const SIDE_WORDS: usize = 4;

/// The smallest fragment of `text` around bytes `start..end`: the clause
/// between punctuation marks, cut to a few words either side when long, and
/// widened past punctuation when too short to say anything.
fn fragment(text: &str, start: usize, end: usize) -> String {
    let left =
        text[..start].char_indices().rev().find(|&(i, c)| is_boundary(text, i, c)).map_or(0, |(i, c)| i + c.len_utf8());
    let right =
        text[end..].char_indices().find(|&(i, c)| is_boundary(text, end + i, c)).map_or(text.len(), |(i, _)| end + i);
    let (mut from, mut to) = (left, right);
    if text[from..to].split_whitespace().count() < MIN_WORDS {
        (from, to) = (0, text.len()); // too short: let the word window below pick around the number
    }
    let before: Vec<usize> = word_starts(&text[from..start]).into_iter().map(|i| from + i).collect();
    if before.len() > SIDE_WORDS {
        from = before[before.len() - SIDE_WORDS];
    }
    let after_ends = word_ends(&text[end..to]);
    if after_ends.len() > SIDE_WORDS {
        to = end + after_ends[SIDE_WORDS - 1];
    }
    text[from..to].trim_matches(|c: char| c.is_whitespace() || c == '-' || c == '–').to_string()
}

/// Byte offsets where the words of `s` start.
fn word_starts(s: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut prev_space = true;
    for (i, c) in s.char_indices() {
        if !c.is_whitespace() && prev_space {
            out.push(i);
        }
        prev_space = c.is_whitespace();
    }
    out
}

/// Byte offsets where the words of `s` end.
fn word_ends(s: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next_is_space = chars.peek().is_none_or(|(_, n)| n.is_whitespace());
        if !c.is_whitespace() && next_is_space {
            out.push(i + c.len_utf8());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(String, String)> {
        candidates([text]).into_iter().map(|f| (f.value, f.quote)).collect()
    }

    #[test]
    fn digits_with_their_clause() {
        let text =
            "القيادة الوسطى كشفت أن قواتها نفذت منذ تموز نحو 80 عملية استهدفت خلايا التنظيم، أسفرت عن مقتل 14 عنصرًا.";
        let got = values(text);
        assert_eq!(got[0].0, "80");
        assert_eq!(got[0].1, "نفذت منذ تموز نحو 80 عملية استهدفت خلايا التنظيم");
        assert_eq!(got[1], ("14".to_string(), "أسفرت عن مقتل 14 عنصرًا".to_string()));
    }

    #[test]
    fn ranges_percentages_and_arabic_indic_digits() {
        let got = values("يقدر عددهم بما يتراوح بين 2500 و3000 مقاتل، أي ١٢٫٥% من القوة");
        assert_eq!(got[0].0, "2500-3000");
        assert!(got[0].1.contains("بين 2500 و3000"));
        assert_eq!(got[1].0, "12.5%");
        assert!(got[1].1.contains("١٢٫٥%"));
    }

    #[test]
    fn number_words_years_and_dates() {
        let got = values("واعتقلوا أربعة أشخاص بحوزتهم عتاد عسكري في 11 يناير عام 2025");
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "4");
        assert!(got[0].1.starts_with("واعتقلوا أربعة أشخاص"));
        assert!(values("تشكل التحالف عام 2014 وقاتل حتى 2019").is_empty());
        assert!(values("1. مقدمة الدراسة").is_empty());
        assert!(values("العلاقات الثلاثية والأربعاء").is_empty());
    }

    #[test]
    fn every_quote_is_a_substring_of_its_block() {
        let text = "قال: «نحن 3 دول»، ويضم (89 دولة) و1,200 عنصر - كما أن 4.5 مليون";
        for f in candidates([text]) {
            assert!(text.contains(&f.quote), "{f:?}");
            assert!(!f.quote.is_empty());
        }
    }
}
