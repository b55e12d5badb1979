//! Lines that repeat other lines: exact repeats (echoed headline, doubled heading), pull
//! quotes (a shorter line made of the words of a longer one), and a headline printed after
//! the body (recognised by sharing the body's vocabulary). All linear in the input size:
//! lookups go through hash maps and every candidate list is capped.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use super::lexicon::LEXICON;
use super::shape::{Content, LineInfo};
use super::text::split_spaces;

/// Words per shingle when looking for pull quotes.
const SHINGLE: usize = 5;
/// Longest line, in words, that is checked as a possible pull quote.
const MAX_ECHO_WORDS: usize = 40;
/// Share of a pull quote's words that must occur in its source line.
const ECHO_COVERAGE: f32 = 0.75;
/// Most shingles indexed per line.
const MAX_SHINGLES: usize = 2000;
/// Cap on the lines remembered per shingle and compared per candidate (keeps it linear).
const CAP: usize = 6;

/// First and last body occurrence of each distinct body line.
pub(crate) struct Repeats<'a> {
    seen: HashMap<&'a str, (usize, usize, usize)>,
}

impl<'a> Repeats<'a> {
    /// Indexes the body lines (`in_body`) by folded text.
    pub(crate) fn new(lines: &'a [LineInfo], in_body: &dyn Fn(usize) -> bool) -> Self {
        let mut seen: HashMap<&'a str, (usize, usize, usize)> = HashMap::default();
        for (i, line) in lines.iter().enumerate().filter(|(i, l)| !l.is_blank() && in_body(*i)) {
            let e = seen.entry(line.folded.as_str()).or_insert((i, i, 0));
            e.1 = i;
            e.2 += 1;
        }
        Self { seen }
    }

    /// Why line `i` is a redundant copy, if it is one. A repeated heading keeps its last
    /// copy (scrapers emit a section title early, as an anchor or pull-out, and again where
    /// the section starts); a repeated paragraph keeps its first.
    pub(crate) fn drop_reason(&self, lines: &[LineInfo], i: usize, title: Option<usize>) -> Option<String> {
        let line = &lines[i];
        if let Some(t) = title.filter(|&t| t != i && lines[t].folded == line.folded) {
            return Some(format!("repeat of the headline (line {})", lines[t].number));
        }
        let &(first, last, count) = self.seen.get(line.folded.as_str())?;
        if count < 2 {
            return None;
        }
        let heading = matches!(line.content, Some(Content::Heading | Content::ListItem { heading_shaped: true, .. }));
        if heading && i != last {
            Some(format!("early copy of the heading at line {}", lines[last].number))
        } else if !heading && i != first {
            Some(format!("repeat of line {}", lines[first].number))
        } else {
            None
        }
    }
}

/// Hasher for keys that are already well-mixed 64-bit hashes (shingles).
#[derive(Default)]
struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Map from shingle hash to the lines holding it.
type ShingleIndex = std::collections::HashMap<u64, Lines, BuildHasherDefault<PreHashed>>;

/// Up to [`CAP`] line indexes, in place: a document has thousands of shingles,
/// and a `Vec` each was an allocation each.
#[derive(Clone, Copy, Default)]
struct Lines {
    at: [u32; CAP],
    len: u8,
}

impl Lines {
    fn as_slice(&self) -> &[u32] {
        &self.at[..usize::from(self.len)]
    }

    /// Adds line `i` unless the slot is full or `i` was the last one added.
    fn add(&mut self, i: u32) {
        if usize::from(self.len) < CAP && self.as_slice().last() != Some(&i) {
            self.at[usize::from(self.len)] = i;
            self.len += 1;
        }
    }
}

/// FNV-1a hash of one word (fast for short keys; collisions only cost a comparison).
fn word_hash(word: &str) -> u64 {
    word.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Hashes of every shingle of a line, combined from per-word hashes.
fn shingle_hashes(line: &LineInfo) -> Vec<u64> {
    let hashes: Vec<u64> = words_of(line).iter().map(|w| word_hash(w)).collect();
    // A paragraph is far shorter; the cap bounds memory on a pathological one-line file.
    hashes
        .windows(SHINGLE)
        .take(MAX_SHINGLES)
        .map(|w| w.iter().fold(0u64, |h, x| h.rotate_left(13) ^ x.wrapping_mul(0x9E37_79B9_7F4A_7C15)))
        .collect()
}

/// The words of a folded line.
fn words_of(line: &LineInfo) -> Vec<&str> {
    split_spaces(&line.folded).filter(|w| !w.is_empty()).collect()
}

/// For each body line, the index of a longer body line it echoes (a pull quote).
pub(crate) fn echoes(lines: &[LineInfo], in_body: &dyn Fn(usize) -> bool) -> Vec<Option<usize>> {
    // Each line's shingles, hashed once: the candidates below are indexed lines.
    let mut shingles: Vec<Vec<u64>> = vec![Vec::new(); lines.len()];
    for (i, line) in lines.iter().enumerate() {
        if in_body(i) && line.words >= SHINGLE {
            shingles[i] = shingle_hashes(line);
        }
    }
    let mut index = ShingleIndex::with_capacity_and_hasher(shingles.iter().map(Vec::len).sum(), Default::default());
    for (i, hashes) in shingles.iter().enumerate() {
        // Line numbers of a seed fit in u32: a seed is far smaller than 4 GB of newlines.
        let Ok(line) = u32::try_from(i) else { break };
        for &h in hashes {
            index.entry(h).or_default().add(line);
        }
    }
    let mut out = vec![None; lines.len()];
    for (i, line) in lines.iter().enumerate() {
        let candidate = in_body(i)
            && (ANCHOR_MIN..=MAX_ECHO_WORDS).contains(&line.words)
            && matches!(line.content, Some(Content::Paragraph | Content::Heading | Content::Quote));
        if !candidate {
            continue;
        }
        let words = words_of(line);
        let mut targets: Vec<usize> = Vec::new();
        for h in &shingles[i] {
            for t in index.get(h).into_iter().flat_map(|slot| slot.as_slice().iter().map(|&t| t as usize)) {
                let longer = lines[t].words as f32 >= 1.25 * line.words as f32;
                if t != i && longer && !targets.contains(&t) && targets.len() < CAP {
                    targets.push(t);
                }
            }
        }
        out[i] = targets.into_iter().find(|&t| {
            let vocabulary: HashSet<&str> = words_of(&lines[t]).into_iter().collect();
            let covered = words.iter().filter(|w| vocabulary.contains(*w)).count();
            covered as f32 >= ECHO_COVERAGE * words.len() as f32
        });
    }
    out
}

/// Fewest words for a pull-quote candidate (shorter lines are headings, never echoes).
const ANCHOR_MIN: usize = 6;

/// A word and its forms without common Arabic proclitics (و، ف، ب، ل، ال...).
fn variants(word: &str) -> impl Iterator<Item = &str> {
    const PREFIXES: [&str; 10] = ["وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل"];
    std::iter::once(word)
        .chain(PREFIXES.into_iter().filter_map(move |p| word.strip_prefix(p).filter(|rest| rest.chars().count() >= 3)))
}

/// A headline printed after the body (in a post card, before related links): a
/// heading-shaped line right after the last paragraph, inside the run, whose content
/// words mostly occur in the body.
pub(crate) fn late_title(lines: &[LineInfo], kept: &[usize], last_para: usize, end: usize) -> Option<usize> {
    let mut vocabulary: HashSet<&str> = HashSet::default();
    for &k in kept {
        for w in words_of(&lines[k]) {
            vocabulary.extend(variants(w));
        }
    }
    let window = (last_para + 1..end.min(lines.len())).filter(|&i| !lines[i].is_blank()).take(4);
    window.into_iter().find(|&i| {
        let line = &lines[i];
        if line.content != Some(Content::Heading) || line.boiler.is_some() || !(4..=20).contains(&line.words) {
            return false;
        }
        let content: Vec<&str> =
            words_of(line).into_iter().filter(|w| w.chars().count() >= 3 && !LEXICON.stopwords.contains(w)).collect();
        let matched = content.iter().filter(|w| variants(w).any(|v| vocabulary.contains(v))).count();
        // A headline reads as a phrase (a function word or a colon), a tag line does not.
        let phrase = line.stop_ratio > 0.0 || line.text.contains(':');
        phrase && matched >= 3 && matched as f32 >= 0.6 * content.len() as f32
    })
}
