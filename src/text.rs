//! Text normalization shared by provenance checks, mention matching and search.
//!
//! Arabic text is written with optional diacritics, decorative tatweel and
//! several forms of alef and ya; two spellings of the same word must compare
//! equal. `fold` applies the one normalization the whole tool agrees on.

use crate::ingest::{Low, LowArabic, LowFolds};
use unicode_normalization::UnicodeNormalization;

/// True for harakat, tanween, shadda, sukun, Quranic marks and dagger alef.
fn is_diacritic(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}')
}

/// True for format characters that carry no letters: bidi controls, zero-width
/// joiners and spaces, the byte-order mark.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}'
    )
}

/// Folds one character after NFKC; `None` drops it.
fn fold_char(c: char) -> Option<char> {
    if is_diacritic(c) || c == '\u{0640}' || is_invisible(c) {
        return None;
    }
    Some(match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' => 'ي',
        'ة' => 'ه',
        '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
        '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
        c if c.is_whitespace() => ' ',
        c => c,
    })
}

/// The search normalization: NFKC, no tatweel or harakat, unified alef, ya and
/// ta marbuta, ASCII digits, lower case, whitespace collapsed to one space.
pub fn fold(s: &str) -> String {
    // [`fold_with_offsets`] without the offsets, which the search index, folding
    // every text, does not need. Most characters fold to themselves: runs of
    // them are copied as they are, and only the others go one by one.
    let table = &*SIMPLE;
    let same = &*ARABIC_SAME;
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut last_space = true; // trims leading whitespace
    let mut run = 0; // start of the bytes that fold to themselves, not yet copied
    let mut at = 0;
    while at < bytes.len() {
        let (code, len) = decode_short(bytes, at);
        if table.get(code as usize) == Some(&code) && (code != u32::from(b' ') || !last_space) {
            last_space = code == u32::from(b' ');
            at += len;
            // Letters of U+0600..U+067F that fold to themselves, and a single
            // space before one, most of an Arabic text: in a tight loop.
            loop {
                if same.starts_at(bytes, at) {
                    at += 2;
                } else if !last_space && bytes.get(at) == Some(&b' ') && same.starts_at(bytes, at + 1) {
                    at += 3;
                } else {
                    break;
                }
                last_space = false;
            }
            continue;
        }
        out.push_str(&s[run..at]);
        let Some(c) = s[at..].chars().next() else { break };
        fold_char_at(table, c, |f| {
            if collapse(f, &mut last_space) {
                out.push(f);
            }
        });
        at += c.len_utf8();
        run = at;
    }
    out.push_str(&s[run..]);
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Scans that skip what needs no work test eight bytes at once: the word at
/// `at` (little-endian), if eight bytes are left.
pub fn word_at(bytes: &[u8], at: usize) -> Option<u64> {
    bytes.get(at..)?.first_chunk::<8>().map(|w| u64::from_le_bytes(*w))
}

/// Whether a byte of `word` is `b` (SWAR: exact for "any byte").
pub fn has_byte(word: u64, b: u8) -> bool {
    let x = word ^ (ONES * u64::from(b));
    x.wrapping_sub(ONES) & !x & HIGHS != 0
}

/// Whether a byte of `word` is below `n`, for `n` up to 0x80 (SWAR: exact for "any byte").
pub fn has_byte_below(word: u64, n: u8) -> bool {
    word.wrapping_sub(ONES * u64::from(n)) & !word & HIGHS != 0
}

/// 0x01 and 0x80 in every byte of a word.
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Whether a folded character is kept: a space is not when it follows another
/// (or starts the text, with `last_space` set at first).
#[inline]
fn collapse(f: char, last_space: &mut bool) -> bool {
    let space = f == ' ';
    let keep = !(space && *last_space);
    *last_space = space;
    keep
}

/// Hands every folded character of `s` to `push` with the byte offset in `s` of
/// the character it came from; whitespace is not collapsed yet. The tests'
/// character-by-character fold, against which the fast paths are checked.
#[cfg(test)]
fn fold_each(s: &str, mut push: impl FnMut(char, usize)) {
    let table = &*SIMPLE;
    for (at, c) in s.char_indices() {
        fold_char_at(table, c, |f| push(f, at));
    }
}

/// The code point of the character at `at` when it is one or two bytes long
/// (ASCII, Latin, Greek, Cyrillic, Hebrew, Arabic), else `u32::MAX`; and its length.
#[inline]
fn decode_short(bytes: &[u8], at: usize) -> (u32, usize) {
    let b = bytes[at];
    match bytes.get(at + 1) {
        _ if b < 0x80 => (u32::from(b), 1),
        Some(&next) if b & 0xE0 == 0xC0 => ((u32::from(b & 0x1F) << 6) | u32::from(next & 0x3F), 2),
        _ => (u32::MAX, 0),
    }
}

/// Hands the folded characters of `c` to `push`.
#[inline]
fn fold_char_at(table: &[u32], c: char, mut push: impl FnMut(char)) {
    match table.get(c as usize) {
        Some(&DROPPED) => {}
        Some(&f) if f != GENERAL => push(char::from_u32(f).unwrap_or(' ')),
        _ => {
            let mut tmp = [0u8; 4];
            for n in c.encode_utf8(&mut tmp).nfkc() {
                let Some(f) = fold_char(n) else { continue };
                f.to_lowercase().for_each(&mut push);
            }
        }
    }
}

/// In [`SIMPLE`]: the character folds to nothing.
const DROPPED: u32 = u32::MAX;
/// In [`SIMPLE`]: the character folds to more than one (NFKC, lower case).
const GENERAL: u32 = u32::MAX - 1;

/// The characters of U+0600..U+067F that fold to themselves: [`fold`]'s and
/// [`fold_with_offsets`]'s fast path.
static ARABIC_SAME: std::sync::LazyLock<LowArabic> =
    std::sync::LazyLock::new(|| LowArabic::of(|c| SIMPLE[c as usize] == c as u32));

/// What [`fold_with_offsets`] does to each character of U+0600..U+067F, for its
/// fast loop: a letter that folds to another (alef, ya and ta marbuta forms,
/// digits) is written as it, a mark dropped.
static ARABIC_FOLDS: std::sync::LazyLock<LowFolds> = std::sync::LazyLock::new(|| {
    LowFolds::of(|c| match SIMPLE[c as usize] {
        f if f == c as u32 => Low::Same,
        DROPPED => Low::Dropped,
        f => char::from_u32(f).filter(|&f| f != ' ').map_or(Low::Other, Low::Folds),
    })
});

/// The folded character of every character below U+0680 (one or two bytes in
/// UTF-8: ASCII, Latin, Arabic), by code point: one table lookup instead of
/// NFKC, the case tables and a dozen range tests per character.
static SIMPLE: std::sync::LazyLock<Vec<u32>> = std::sync::LazyLock::new(|| {
    (0..0x680u32)
        .map(|code| {
            let Some(c) = char::from_u32(code) else { return GENERAL };
            let mut folded = fold_general(c);
            match (folded.next(), folded.next()) {
                (None, _) => DROPPED,
                (Some(f), None) => u32::from(f),
                (Some(_), Some(_)) => GENERAL,
            }
        })
        .collect()
});

/// The folded characters of one character: NFKC, [`fold_char`], lower case.
fn fold_general(c: char) -> impl Iterator<Item = char> {
    let mut tmp = [0u8; 4];
    let nfkc: Vec<char> = c.encode_utf8(&mut tmp).nfkc().collect();
    nfkc.into_iter().filter_map(fold_char).flat_map(char::to_lowercase)
}

/// Like [`fold`], and where each character of the result came from in `s`
/// (see [`Offsets`]). Lets a match found in folded text be marked in the
/// original.
pub fn fold_with_offsets(s: &str) -> (String, Offsets) {
    let mut offsets = Offsets { stretches: Vec::new(), folded_len: 0, original_len: s.len() };
    let out = fold_recording(s, &mut offsets);
    offsets.folded_len = out.len();
    (out, offsets)
}

/// Where the characters of a folded text start in the original it was folded
/// from: the folded text in stretches whose characters each lie at the same
/// distance from where they came from, each stretch's start (folded, original).
/// A few entries per text, where a map of every folded byte (the tests'
/// `fold_with_map`) takes eight bytes per byte.
#[derive(Debug)]
pub struct Offsets {
    stretches: Vec<(usize, usize)>,
    folded_len: usize,
    original_len: usize,
}

impl Offsets {
    /// The byte offset in the original of the character at byte `at` of the
    /// folded text (a character boundary), or the original's length at or
    /// past the folded text's end.
    pub fn original(&self, at: usize) -> usize {
        if at >= self.folded_len {
            return self.original_len;
        }
        let i = self.stretches.partition_point(|&(folded, _)| folded <= at);
        let (folded, original) = self.stretches[i.saturating_sub(1)];
        original + (at - folded)
    }

    /// Starts a stretch at `folded` if the character there is not where the
    /// current stretch puts it.
    fn at(&mut self, folded: usize, from: usize) {
        match self.stretches.last() {
            Some(&(f, o)) if folded >= f && o + (folded - f) == from => {}
            _ => self.stretches.push((folded, from)),
        }
    }
}

/// What [`fold_recording`] tells of where the folded text's bytes came from.
trait Record {
    /// Folded bytes from `folded` on are the original's `from..to`, copied.
    fn copied(&mut self, folded: usize, from: usize, to: usize);
    /// The `len` folded bytes at `folded` came from the character at `from`.
    fn folded(&mut self, folded: usize, from: usize, len: usize);
    /// The folded text's last byte (a space) was taken off.
    fn pop(&mut self);
}

impl Record for Offsets {
    fn copied(&mut self, folded: usize, from: usize, to: usize) {
        if from < to {
            self.at(folded, from); // the rest of the copy keeps the distance
        }
    }

    fn folded(&mut self, folded: usize, from: usize, _: usize) {
        self.at(folded, from);
    }

    fn pop(&mut self) {} // lookups at or past the end give the original's length
}

/// [`fold`], telling `record` where each folded byte came from.
fn fold_recording(s: &str, record: &mut impl Record) -> String {
    let table = &*SIMPLE;
    let (same, low) = (&*ARABIC_SAME, &*ARABIC_FOLDS);
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut last_space = true; // trims leading whitespace
    let mut at = 0;
    while at < bytes.len() {
        // Arabic letters that fold to themselves, most of an Arabic text, and
        // a single space before one (the letter before it is kept, so the
        // space is too): the run is copied at once, without decoding it. A
        // letter that folds to another, or a mark, ends the run: it is
        // written folded (or dropped), and a new run starts after it.
        if same.starts_at(bytes, at) {
            let mut run = at;
            loop {
                if same.starts_at(bytes, at) {
                    at += 2;
                } else if bytes.get(at) == Some(&b' ') && same.starts_at(bytes, at + 1) {
                    at += 3;
                } else {
                    match low.at(bytes, at) {
                        Low::Folds(f) => {
                            record.copied(out.len(), run, at);
                            out.push_str(&s[run..at]);
                            record.folded(out.len(), at, f.len_utf8());
                            out.push(f);
                        }
                        Low::Dropped => {
                            record.copied(out.len(), run, at);
                            out.push_str(&s[run..at]);
                        }
                        Low::Same | Low::Other => break,
                    }
                    (at, run) = (at + 2, at + 2);
                }
            }
            record.copied(out.len(), run, at);
            out.push_str(&s[run..at]);
            last_space = false;
            continue;
        }
        let Some(c) = s[at..].chars().next() else { break };
        fold_char_at(table, c, |f| {
            if collapse(f, &mut last_space) {
                record.folded(out.len(), at, f.len_utf8());
                out.push(f);
            }
        });
        at += c.len_utf8();
    }
    if out.ends_with(' ') {
        out.pop();
        record.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Like [`fold`], and for every byte of the result the byte offset in `s`
    /// of the character it came from, plus one final entry for `s.len()`:
    /// what [`Offsets`] says at character boundaries, byte by byte.
    fn fold_with_map(s: &str) -> (String, Vec<usize>) {
        let mut map = ByteMap { map: Vec::with_capacity(s.len() + 1), bytes: s.as_bytes() };
        let out = fold_recording(s, &mut map);
        map.map.push(s.len());
        (out, map.map)
    }

    /// [`fold_with_map`]'s map being made: every folded byte's original character.
    struct ByteMap<'s> {
        map: Vec<usize>,
        bytes: &'s [u8],
    }

    impl Record for ByteMap<'_> {
        fn copied(&mut self, _: usize, from: usize, to: usize) {
            // Each byte maps to the start of its character: a continuation byte
            // (10xxxxxx) to the byte before's.
            let mut start = from;
            for at in from..to {
                if self.bytes[at] & 0xC0 != 0x80 {
                    start = at;
                }
                self.map.push(start);
            }
        }

        fn folded(&mut self, _: usize, from: usize, len: usize) {
            self.map.extend(std::iter::repeat_n(from, len));
        }

        fn pop(&mut self) {
            self.map.pop();
        }
    }

    #[test]
    fn folds_arabic_variants() {
        assert_eq!(fold("الإرهابُ"), "الارهاب");
        assert_eq!(fold("مـــدرسة"), "مدرسه");
        assert_eq!(fold("مصطفى"), "مصطفي");
        assert_eq!(fold("٢٠٢٥ و۱۲"), "2025 و12");
        assert_eq!(fold("  CENTCOM \n  said "), "centcom said");
    }

    /// What NFKC of a whole text would compose, a piece's fold keeps apart:
    /// a Latin letter and its accent, Hangul jamo, alef and a hamza above.
    /// Quote validation relies on it (the property test below draws such
    /// pairs only now and then).
    #[test]
    fn a_piece_folded_is_in_the_text_folded() {
        for (text, cut) in [("e\u{301}x", 1), ("\u{1100}\u{1161}", 3), ("\u{627}\u{654}ب", 2), ("A\u{30A}B", 1)] {
            let whole = fold(text);
            for piece in [&text[..cut], &text[cut..]] {
                assert!(whole.contains(&fold(piece)), "{piece:?} of {text:?}: {:?} not in {whole:?}", fold(piece));
            }
        }
    }

    #[test]
    fn table_agrees_with_nfkc_and_lower_case() {
        for c in (0..=0x2FFFu32).filter_map(char::from_u32) {
            let mut fast = String::new();
            fold_each(c.encode_utf8(&mut [0u8; 4]), |f, _| fast.push(f));
            assert_eq!(fast, fold_general(c).collect::<String>(), "U+{:04X}", c as u32);
        }
    }

    proptest::proptest! {
        /// `fold` is `fold_with_map` without the map, on any text: Arabic with
        /// marks and digits, Latin, whitespace runs, compatibility forms.
        #[test]
        /// Spaces, single and double, are drawn as often as characters: the
        /// fast path copies a single space before an Arabic letter.
        fn fold_is_fold_with_map_without_the_map(s in "(?:[\\u{0600}-\\u{06FF} \\t\\na-zA-Z0-9\\u{FB50}-\\u{FEFF}\\u{2000}-\\u{2070}\\u{00C0}-\\u{017F}]|  ?){0,40}") {
            let (folded, map) = fold_with_map(&s);
            proptest::prop_assert_eq!(fold(&s), folded.clone());
            proptest::prop_assert_eq!(map.len(), folded.len() + 1);
            proptest::prop_assert_eq!((folded, map), fold_with_map_reference(&s));
        }

        /// The offsets say what the map says at every character boundary of the
        /// folded text and at its end, on the texts of both tests around.
        #[test]
        fn offsets_are_the_map_at_character_boundaries(
            s in "(?:[\u{0600}-\u{06FF} \t\na-zA-Z0-9\u{FB50}-\u{FEFF}\u{2000}-\u{2070}\u{00C0}-\u{017F}]|  ?){0,40}|(?:[\u{0621}-\u{064A}\u{064B}-\u{065F}\u{0660}-\u{0671}\u{0640}،.a\u{200F}]|  ?){0,60}",
        ) {
            let (folded, map) = fold_with_map(&s);
            let (folded_too, offsets) = fold_with_offsets(&s);
            proptest::prop_assert_eq!(&folded_too, &folded);
            for at in (0..=folded.len()).filter(|&at| folded.is_char_boundary(at)) {
                proptest::prop_assert_eq!(offsets.original(at), map[at], "at {} of {:?}", at, folded);
            }
        }

        /// Arabic letters that fold to themselves, to another letter or to a
        /// digit, dropped marks and tatweel, between single and double spaces:
        /// `fold`'s fast loop and every way out of it.
        #[test]
        fn the_fast_loop_agrees_with_the_reference(s in "(?:[\u{0621}-\u{064A}\u{064B}-\u{065F}\u{0660}-\u{0671}\u{0640}،.a\u{200F}]|  ?){0,60}") {
            let reference = fold_with_map_reference(&s);
            proptest::prop_assert_eq!(fold(&s), reference.0.clone());
            proptest::prop_assert_eq!(fold_with_map(&s), reference);
        }

        /// Quote validation looks a quote up word for word before folding the
        /// body, which holds only if the fold of any piece of a text is in the
        /// fold of the text: Latin letters before combining accents (which NFKC
        /// of the whole text would compose), Arabic letters and marks,
        /// compatibility forms, whitespace runs.
        #[test]
        fn the_fold_of_a_piece_is_in_the_fold_of_the_text(
            s in "(?:[a-zA-Z\\u{0300}-\\u{036F}\\u{0621}-\\u{065F}\\u{0640}\\u{FB50}-\\u{FEFF}\\u{2000}-\\u{200F}\\u{00C0}-\\u{017F}\\t\\n]|  ?){0,40}",
            cut in (0usize..64, 0usize..64),
        ) {
            let bounds: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
            let (a, b) = (bounds[cut.0 % bounds.len()], bounds[cut.1 % bounds.len()]);
            let piece = fold(&s[a.min(b)..a.max(b)]);
            proptest::prop_assert!(fold(&s).contains(&piece), "{piece:?} not in {:?}", fold(&s));
        }
    }

    /// [`fold_with_map`] as first written, one character at a time: the oracle
    /// for the fast paths of [`fold`] and [`fold_with_map`].
    fn fold_with_map_reference(s: &str) -> (String, Vec<usize>) {
        let mut out = String::with_capacity(s.len());
        let mut map = Vec::with_capacity(s.len() + 1);
        let mut last_space = true;
        fold_each(s, |f, at| {
            if collapse(f, &mut last_space) {
                out.push(f);
                map.extend(std::iter::repeat_n(at, f.len_utf8()));
            }
        });
        if out.ends_with(' ') {
            out.pop();
            map.pop();
        }
        map.push(s.len());
        (out, map)
    }

    /// For every character between Arabic letters and spaces.
    #[test]
    fn the_folds_agree_with_the_character_fold_for_every_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let s = format!("ب{c}ت {c} ث  {c}a");
            let reference = fold_with_map_reference(&s);
            assert_eq!(fold(&s), reference.0, "U+{:04X}", c as u32);
            assert_eq!(fold_with_map(&s), reference, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn map_points_back_to_source() {
        let s = "قالَ  «داعش»";
        let (f, map) = fold_with_map(s);
        let at = f.find("داعش").unwrap();
        assert_eq!(&s[map[at]..map[at + "داعش".len()]], "داعش");
        assert_eq!(map.len(), f.len() + 1);
    }
}
