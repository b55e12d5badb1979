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
/// Most shingles of one line that fill the index's slots (the rest of a
/// pathological one-line file is not hashed).
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

/// Combines the word hashes of one shingle, first word first.
fn shingle_hash(words: impl Iterator<Item = u64>) -> u64 {
    words.fold(0u64, |h, x| h.rotate_left(13) ^ x.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// Calls `each` with the hash of every shingle of a line, in order, without
/// collecting the line's words: every body line is hashed, and most of them
/// only to fill the slots of a few candidates' shingles.
fn for_each_shingle(line: &LineInfo, mut each: impl FnMut(u64)) {
    let mut last = [0u64; SHINGLE]; // the hashes of the last SHINGLE words, word n at n % SHINGLE
    let mut n = 0;
    for word in split_spaces(&line.folded).filter(|w| !w.is_empty()) {
        // A paragraph is far shorter; the cap bounds the work on a pathological one-line file.
        if n >= SHINGLE - 1 + MAX_SHINGLES {
            break;
        }
        last[n % SHINGLE] = word_hash(word);
        n += 1;
        if n >= SHINGLE {
            each(shingle_hash((n - SHINGLE..n).map(|k| last[k % SHINGLE])));
        }
    }
}

/// Hashes of every shingle of a line, in order.
fn shingle_hashes(line: &LineInfo) -> Vec<u64> {
    let mut hashes = Vec::new();
    for_each_shingle(line, |h| hashes.push(h));
    hashes
}

/// The words of a folded line.
fn words_of(line: &LineInfo) -> Vec<&str> {
    split_spaces(&line.folded).filter(|w| !w.is_empty()).collect()
}

/// For each body line, the index of a longer body line it echoes (a pull quote).
pub(crate) fn echoes(lines: &[LineInfo], in_body: &dyn Fn(usize) -> bool) -> Vec<Option<usize>> {
    let mut out = vec![None; lines.len()];
    // The lines that may be pull quotes, with their shingles.
    let candidates: Vec<(usize, Vec<u64>)> = (0..lines.len())
        .filter(|&i| in_body(i) && may_echo(&lines[i]))
        .map(|i| (i, shingle_hashes(&lines[i])))
        .collect();
    if candidates.is_empty() {
        return out;
    }
    // Each candidate shingle's slot: the first CAP body lines that hold it, in
    // line order. Only those slots are ever read, so only they are kept; every
    // body line is still hashed to fill them.
    let mut index =
        ShingleIndex::with_capacity_and_hasher(candidates.iter().map(|c| c.1.len()).sum(), Default::default());
    for &h in candidates.iter().flat_map(|(_, hashes)| hashes) {
        index.entry(h).or_default();
    }
    let mut next = candidates.iter().peekable(); // candidates are in line order: their hashes are reused
    for (i, line) in lines.iter().enumerate() {
        if !(in_body(i) && line.words >= SHINGLE) {
            continue;
        }
        // Line numbers of a seed fit in u32: a seed is far smaller than 4 GB of newlines.
        let Ok(at) = u32::try_from(i) else { break };
        let mut add = |h: u64| {
            if let Some(slot) = index.get_mut(&h) {
                slot.add(at);
            }
        };
        match next.next_if(|(c, _)| *c == i) {
            Some((_, hashes)) => hashes.iter().for_each(|&h| add(h)),
            None => for_each_shingle(line, add),
        }
    }
    for (i, hashes) in &candidates {
        out[*i] = echoed(lines, *i, hashes, &index);
    }
    out
}

/// True when a body line may be a pull quote: sentence-shaped, of a pull quote's length.
fn may_echo(line: &LineInfo) -> bool {
    (ANCHOR_MIN..=MAX_ECHO_WORDS).contains(&line.words)
        && matches!(line.content, Some(Content::Paragraph | Content::Heading | Content::Quote))
}

/// The longer line that candidate line `i` (with shingles `hashes`) echoes,
/// among the lines in its shingles' slots of `index`.
fn echoed(lines: &[LineInfo], i: usize, hashes: &[u64], index: &ShingleIndex) -> Option<usize> {
    let line = &lines[i];
    let words = words_of(line);
    let mut targets: Vec<usize> = Vec::new();
    for h in hashes {
        for t in index.get(h).into_iter().flat_map(|slot| slot.as_slice().iter().map(|&t| t as usize)) {
            let longer = lines[t].words as f32 >= 1.25 * line.words as f32;
            if t != i && longer && !targets.contains(&t) && targets.len() < CAP {
                targets.push(t);
            }
        }
    }
    targets.into_iter().find(|&t| {
        let vocabulary: HashSet<&str> = words_of(&lines[t]).into_iter().collect();
        let covered = words.iter().filter(|w| vocabulary.contains(*w)).count();
        covered as f32 >= ECHO_COVERAGE * words.len() as f32
    })
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
    let window = (last_para + 1..end.min(lines.len())).filter(|&i| !lines[i].is_blank()).take(4);
    let mut shaped = window.filter(|&i| {
        let line = &lines[i];
        // A headline reads as a phrase (a function word or a colon), a tag line does not.
        let phrase = line.stop_ratio > 0.0 || line.text.contains(':');
        line.content == Some(Content::Heading) && line.boiler.is_none() && (4..=20).contains(&line.words) && phrase
    });
    // The body's words are gathered only for a line shaped like a headline:
    // most articles have none there, and the set took 1 % of a build.
    let first = shaped.next()?;
    let mut vocabulary: HashSet<&str> = HashSet::default();
    for &k in kept {
        for w in words_of(&lines[k]) {
            vocabulary.extend(variants(w));
        }
    }
    std::iter::once(first).chain(shaped).find(|&i| {
        let content: Vec<&str> = words_of(&lines[i])
            .into_iter()
            .filter(|w| w.chars().count() >= 3 && !LEXICON.stopwords.contains(w))
            .collect();
        let matched = content.iter().filter(|w| variants(w).any(|v| vocabulary.contains(v))).count();
        matched >= 3 && matched as f32 >= 0.6 * content.len() as f32
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::shape::analyse;

    /// A line's shingles as they were made: the hashes of all its words, then
    /// a window over them.
    fn shingles_by_windows(line: &LineInfo) -> Vec<u64> {
        let hashes: Vec<u64> = words_of(line).iter().map(|w| word_hash(w)).collect();
        hashes.windows(SHINGLE).take(MAX_SHINGLES).map(|w| shingle_hash(w.iter().copied())).collect()
    }

    /// A heading-shaped line after the last paragraph is the article's
    /// headline when most of its content words are the body's, and only then.
    #[test]
    fn a_late_headline_is_known_by_the_body_s_words() {
        let late = |after: &str, kept: &[usize]| {
            let body = "أعلنت دمشق وواشنطن شراكة غير مسبوقة في مواجهة تنظيم الدولة بعد أشهر من المحادثات.";
            let lines: Vec<LineInfo> =
                [body, "", after, "أخبار ذات صلة"].iter().enumerate().map(|(i, l)| analyse(i + 1, l)).collect();
            late_title(&lines, kept, 0, lines.len())
        };
        let headline = "دمشق وواشنطن: شراكة غير مسبوقة في مواجهة تنظيم الدولة";
        assert_eq!(late(headline, &[0]), Some(2));
        assert_eq!(late(headline, &[]), None, "no body, no vocabulary");
        assert_eq!(late("القمر والنجوم: رحلة جديدة نحو الفضاء البعيد في الصيف", &[0]), None, "other words");
        assert_eq!(late("دمشق واشنطن شراكة مسبوقة مواجهة تنظيم", &[0]), None, "a tag line, not a phrase");
        assert_eq!(late(&format!("{headline}."), &[0]), None, "a sentence, not a heading");
    }

    /// Shingles are those of a window over the words, up to the cap.
    #[test]
    fn shingles_stop_at_the_cap() {
        for words in [0, 4, 5, 6, 40, MAX_SHINGLES + SHINGLE - 2, MAX_SHINGLES + SHINGLE - 1, MAX_SHINGLES + 100] {
            let text: Vec<String> = (0..words).map(|k| format!("w{}", k % 97)).collect();
            let line = analyse(1, &text.join(" "));
            let hashes = shingle_hashes(&line);
            assert_eq!(hashes, shingles_by_windows(&line), "{words} words");
            assert_eq!(hashes.len(), (words + 1).saturating_sub(SHINGLE).min(MAX_SHINGLES), "{words} words");
        }
    }

    /// The index as it was: every shingle of every body line, each slot filled.
    fn echoes_with_full_index(lines: &[LineInfo], in_body: &dyn Fn(usize) -> bool) -> Vec<Option<usize>> {
        let mut shingles: Vec<Vec<u64>> = vec![Vec::new(); lines.len()];
        for (i, line) in lines.iter().enumerate() {
            if in_body(i) && line.words >= SHINGLE {
                shingles[i] = shingles_by_windows(line);
            }
        }
        let mut index = ShingleIndex::default();
        for (i, hashes) in shingles.iter().enumerate() {
            for &h in hashes {
                index.entry(h).or_default().add(i as u32);
            }
        }
        (0..lines.len())
            .map(|i| (in_body(i) && may_echo(&lines[i])).then(|| echoed(lines, i, &shingles[i], &index)).flatten())
            .collect()
    }

    #[test]
    fn a_pull_quote_points_at_its_paragraph() {
        let para =
            "قال الوزير إن الاجتماع كان مثمرا وإن الطرفين اتفقا على مواصلة الحوار في الأسابيع المقبلة من أجل حل الأزمة.";
        let quote = "الاجتماع كان مثمرا وإن الطرفين اتفقا على مواصلة الحوار";
        let lines: Vec<LineInfo> = [para, "", quote].iter().enumerate().map(|(i, l)| analyse(i + 1, l)).collect();
        assert_eq!(echoes(&lines, &|_| true), vec![None, None, Some(0)]);
        assert_eq!(echoes(&lines, &|i| i != 0), vec![None; 3], "a line outside the body is no target");
    }

    proptest::proptest! {
        /// Keeping only the candidates' slots finds the echoes the full index
        /// found: each line is a stretch of one text drawn from a few words,
        /// so that shingles repeat, slots fill up and pull quotes occur (about
        /// six per document when this was written).
        #[test]
        fn the_candidates_index_finds_what_the_full_index_found(
            text in proptest::collection::vec(0usize..9, 80),
            stretches in proptest::collection::vec((0usize..80, 0usize..60), 1..24),
            outside in proptest::collection::vec(proptest::bool::weighted(0.2), 24),
        ) {
            const WORDS: [&str; 9] = ["قال", "الوزير", "إن", "الاجتماع", "كان", "مثمرا", "في", "دمشق", "اليوم."];
            let lines: Vec<LineInfo> = stretches
                .iter()
                .enumerate()
                .map(|(i, &(from, len))| {
                    let words: Vec<&str> = text[from..(from + len).min(80)].iter().map(|&w| WORDS[w]).collect();
                    analyse(i + 1, &words.join(" "))
                })
                .collect();
            let in_body = |i: usize| !outside[i];
            proptest::prop_assert_eq!(echoes(&lines, &in_body), echoes_with_full_index(&lines, &in_body));
        }
    }
}
