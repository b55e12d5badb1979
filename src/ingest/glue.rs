//! Repairs of lines the scraper glued together: a heading stuck onto a sentence, an
//! advertisement label stuck before a paragraph, a sentence broken across two lines.
//!
//! Decisions (documented in `mod.rs`):
//! - a line ending with the exact text of a heading that also stands on its own line is a
//!   glued *copy*: the copy is removed and the remaining fragment is joined to the next
//!   paragraph (the line's role is `paragraph`);
//! - a long paragraph whose last few words follow the final full stop and read like a
//!   title is split: a paragraph block and a heading block with the same line number
//!   (role `paragraph`, the reason names the heading);
//! - a paragraph ending with a comma is continued by the next kept paragraph line.

use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;

use super::Role;
use super::layout::Decision;
use super::lexicon::LEXICON;
use super::shape::{LineInfo, is_heading_shaped};
use super::text::{fold, is_arabic_letter, split_spaces};

/// Most distinct heading lengths tried per line (bounds the work on pathological input).
const MAX_LENGTHS: usize = 64;

/// True when a text ends like a finished sentence.
fn ends_sentence(text: &str) -> bool {
    let end = text.chars().rev().find(|c| !matches!(c, '"' | '”' | '»' | ')' | '\'' | '’'));
    matches!(end, Some('.' | '!' | '?' | '؟' | '…' | ':'))
}

/// True when a text ends mid-sentence on a comma.
fn ends_comma(text: &str) -> bool {
    matches!(text.chars().last(), Some('،' | ','))
}

/// Applies the glue repairs to the kept lines' decisions.
pub(crate) fn repair(lines: &[LineInfo], decisions: &mut [Decision]) {
    let fragments = remove_glued_copies(lines, decisions);
    for i in 0..lines.len() {
        if decisions[i].kept && decisions[i].role == Role::Paragraph && decisions[i].body.is_none() {
            strip_leading_label(lines, i, &mut decisions[i]);
            split_trailing_heading(lines, i, decisions);
        }
    }
    join_broken_sentences(lines, decisions, &fragments);
}

/// Removes glued copies of standalone headings; returns the lines left as fragments.
fn remove_glued_copies(lines: &[LineInfo], decisions: &mut [Decision]) -> Vec<bool> {
    let mut fragments = vec![false; lines.len()];
    let mut headings: HashMap<&str, usize> = HashMap::default();
    for (i, line) in lines.iter().enumerate() {
        if decisions[i].kept && decisions[i].role == Role::Heading && line.words >= 2 {
            headings.entry(line.text.as_str()).or_insert(i);
        }
    }
    let lengths: Vec<usize> =
        headings.keys().map(|h| h.len()).collect::<BTreeSet<_>>().into_iter().take(MAX_LENGTHS).collect();
    for (i, line) in lines.iter().enumerate() {
        let d = &decisions[i];
        if !d.kept || !matches!(d.role, Role::Paragraph | Role::Heading) {
            continue;
        }
        let text = line.text.as_str();
        // Between two headings only a join without a space is evidence of glue.
        let needs_tight_join = d.role == Role::Heading;
        let found = lengths.iter().find_map(|&len| {
            let cut = text.len().checked_sub(len).filter(|&c| c > 0 && text.is_char_boundary(c))?;
            if needs_tight_join && text[..cut].ends_with(' ') {
                return None;
            }
            headings.get(&text[cut..]).map(|&h| (cut, h))
        });
        if let Some((cut, h)) = found {
            let rest = text[..cut].trim_end();
            if rest.is_empty() {
                continue;
            }
            let d = &mut decisions[i];
            d.role = Role::Paragraph;
            d.reason = format!("text glued to a copy of the heading at line {} (copy removed)", lines[h].number).into();
            d.body = Some(rest.to_string());
            fragments[i] = !ends_sentence(rest);
        }
    }
    fragments
}

/// Drops an advertisement label glued before a paragraph ("إعلان" + sentence).
fn strip_leading_label(lines: &[LineInfo], i: usize, d: &mut Decision) {
    let text = lines[i].text.as_str();
    let Some((first, rest)) = text.split_once(' ') else { return };
    if lines[i].words >= 8 && LEXICON.ad_labels.contains(&fold(first)) {
        d.body = Some(rest.to_string());
        d.reason = format!("{}; glued advertisement label removed", d.reason).into();
    }
}

/// Splits a title glued after the last sentence of a long paragraph, when the next kept
/// line is running text (a heading introduces what follows it).
fn split_trailing_heading(lines: &[LineInfo], i: usize, decisions: &mut [Decision]) {
    if lines[i].words < 20 {
        return;
    }
    let text = decisions[i].body.as_deref().unwrap_or(&lines[i].text);
    let Some(cut) = last_sentence_break(text) else { return };
    let (head, tail) = (text[..cut].trim_end(), text[cut..].trim());
    // A tail of more than five words is no title; most are whole sentences, not worth folding.
    if words_at_least(tail) > 5 {
        return;
    }
    let tail_folded = fold(tail);
    let tail_words: Vec<&str> = split_spaces(&tail_folded).filter(|w| !w.is_empty()).collect();
    let stops = tail_words.iter().filter(|w| LEXICON.stopwords.contains(w)).count();
    let titled = (2..=5).contains(&tail_words.len())
        && is_heading_shaped(tail, tail_words.len())
        && !tail.contains(|c: char| c.is_numeric() || matches!(c, '"' | '“' | '”' | '«' | '»' | '،' | ',' | ':'))
        && !tail_words[0].starts_with(['و', 'ف'])
        && !LEXICON.stopwords.contains(tail_words[0])
        && stops * 3 <= tail_words.len();
    let next_is_text = decisions[i + 1..]
        .iter()
        .find(|d| d.kept)
        .is_some_and(|d| matches!(d.role, Role::Paragraph | Role::ListItem | Role::Quote));
    if titled && next_is_text {
        let (head, tail) = (head.to_string(), tail.to_string());
        let d = &mut decisions[i];
        d.reason = format!("{}; heading «{tail}» glued to its end split off", d.reason).into();
        d.body = Some(head);
        d.trailing_heading = Some(tail);
    }
}

/// A lower bound on the words of `fold(text)`: the space-separated tokens that
/// hold an ASCII letter or digit or an Arabic letter. Folding keeps those (as
/// themselves or as another letter), never joins two tokens, and may split one.
fn words_at_least(text: &str) -> usize {
    split_spaces(text).filter(|t| t.chars().any(|c| c.is_ascii_alphanumeric() || is_arabic_letter(c))).count()
}

/// Byte offset just after the last sentence terminator followed by a space.
/// The spaces are looked at from the end (`memrchr`), not every character
/// from the start: the terminators are ASCII or the Arabic question mark,
/// whose UTF-8 bytes end no other character.
fn last_sentence_break(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    memchr::memrchr_iter(b' ', bytes).find(|&space| {
        let before = &bytes[..space];
        matches!(before.last(), Some(b'.' | b'!' | b'?')) || before.ends_with("؟".as_bytes())
    })
}

/// [`last_sentence_break`] character by character, as first written: the tests' oracle.
#[cfg(test)]
fn last_sentence_break_reference(text: &str) -> Option<usize> {
    let mut best = None;
    let mut prev: Option<(usize, char)> = None;
    for (at, c) in text.char_indices() {
        if let Some((p, pc)) = prev.filter(|&(_, pc)| c == ' ' && matches!(pc, '.' | '!' | '?' | '؟')) {
            best = Some(p + pc.len_utf8());
        }
        prev = Some((at, c));
    }
    best
}

/// Joins a paragraph left open (comma or glue fragment) with the next kept paragraph.
fn join_broken_sentences(lines: &[LineInfo], decisions: &mut [Decision], fragments: &[bool]) {
    let mut open: Option<usize> = None;
    for i in 0..lines.len() {
        if !decisions[i].kept {
            continue;
        }
        if decisions[i].role != Role::Paragraph {
            open = None;
            continue;
        }
        if let Some(p) = open {
            decisions[i].continues = Some(p);
            decisions[i].reason = format!("continues the sentence of line {}", lines[p].number).into();
        }
        let text = decisions[i].body.as_deref().unwrap_or(&lines[i].text);
        let open_here = decisions[i].trailing_heading.is_none() && (fragments[i] || ends_comma(text));
        open = open_here.then_some(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn the_last_sentence_break_is_the_references(text in "[\u{0600}-\u{06FF} .!?؟a-z\u{00C0}-\u{024F}]{0,60}") {
            proptest::prop_assert_eq!(last_sentence_break(&text), last_sentence_break_reference(&text));
        }

        /// The bound that spares folding a long tail never exceeds the folded words.
        #[test]
        fn words_at_least_is_a_lower_bound(text in "[\\u{0600}-\\u{06FF}\\u{0750}-\\u{077F}\\u{FB50}-\\u{FEFF} a-zA-Z0-9.,:«»\\u{00C0}-\\u{024F}]{0,40}") {
            let folded = fold(&text);
            proptest::prop_assert!(words_at_least(&text) <= folded.split(' ').filter(|w| !w.is_empty()).count());
        }
    }
}
