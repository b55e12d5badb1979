//! Raw seed text → lines, and the two text forms the rest of ingest works on:
//! the *cleaned* line (what readers see) and the *folded* line (what heuristics compare).
//!
//! Character policy (documented contract, see `mod.rs`):
//! - A leading UTF-8 BOM is removed; `\r\n` and a trailing `\r` are line ends.
//! - Tabs, NBSP and the other Unicode space characters become one plain space; runs of
//!   whitespace collapse to one space; lines are trimmed.
//! - Stripped: bidi controls (LRM, RLM, ALM, embeddings, overrides, isolates), zero-width
//!   space, word joiner, BOM/ZWNBSP, soft hyphen and every other control character. They are
//!   invisible, carry no meaning in a scraped article, and break matching of quotes.
//! - Kept: ZWNJ (U+200C) and ZWJ (U+200D), which change letter shaping in Persian, Kurdish and
//!   Urdu and join emoji; the folded form ignores them.

use unicode_normalization::UnicodeNormalization;

/// Splits a seed into raw lines, numbered from 1 by position.
///
/// A final `\n` terminates the last line rather than starting an empty one, as editors and
/// `wc -l` count; an empty text has no lines.
pub(crate) fn split_lines(text: &str) -> Vec<&str> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if text.is_empty() {
        return Vec::new();
    }
    let body = text.strip_suffix('\n').unwrap_or(text);
    // `body.split('\n')`, with the line ends found by SIMD (std's search for a
    // character goes a word at a time).
    let mut lines = Vec::with_capacity(body.len() / 64); // a guess: lines of a few dozen characters
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', body.as_bytes()).chain([body.len()]) {
        let line = &body[start..end];
        lines.push(line.strip_suffix('\r').unwrap_or(line));
        start = end + 1;
    }
    lines
}

/// True for characters rendered as ordinary spacing.
fn is_space_like(c: char) -> bool {
    matches!(
        c,
        '\t' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    ) || c == ' '
}

/// True for invisible characters that are removed (see the module policy).
fn is_stripped(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{AD}' | '\u{180E}')
        || (c.is_control() && !is_space_like(c))
}

/// Cleans one raw line: invisible controls stripped, spaces unified and collapsed, trimmed.
#[cfg(test)]
pub(crate) fn clean_line(raw: &str) -> String {
    clean_fold_and_count(raw).0
}

/// A raw line cleaned ([`clean_line`]: invisible controls stripped, spaces
/// unified and collapsed, trimmed), the cleaned line folded ([`fold`]), and
/// the [`ScriptCounts::of`] the cleaned line, in one pass over the
/// characters: cleaning keeps characters as they are, so each kept one is
/// counted and folded as it is kept (what is stripped or turned into a space
/// is neither a letter nor a digit). Runs of Arabic letters that fold to
/// themselves, with single spaces between them, are the same in both lines
/// and copied to both at once; other characters below U+0700 are classified
/// by [`KNOWN`].
pub(crate) fn clean_fold_and_count(raw: &str) -> (String, String, ScriptCounts) {
    let (text, folded, counts) = clean_fold_and_count_by_character(raw);
    // Presentation forms (U+FB50..U+FEFF, three bytes led by 0xEF), which
    // `fold` normalizes over the whole line first: most lines have none.
    if memchr::memchr(0xEF, raw.as_bytes()).is_some() {
        let folded = fold(&text);
        return (text, folded, counts);
    }
    (text, folded, counts)
}

/// [`clean_fold_and_count`] with each character folded on its own.
fn clean_fold_and_count_by_character(raw: &str) -> (String, String, ScriptCounts) {
    let bytes = raw.as_bytes();
    let known = &*KNOWN;
    let (both, same) = (&*ARABIC_BOTH, &*ARABIC_LETTER_SAME);
    let mut text = String::with_capacity(raw.len());
    let mut folded = String::with_capacity(raw.len());
    let mut counts = ScriptCounts::default();
    // A space to write before the next character each output keeps.
    let (mut clean_space, mut fold_space) = (false, false);
    let mut at = 0;
    while let Some(c) = raw[at..].chars().next() {
        let start = at;
        at += c.len_utf8();
        let k = known.get(c as usize).copied().unwrap_or_else(|| Known::of(c));
        match k.clean {
            Clean::Stripped => continue,
            Clean::Space => {
                clean_space = true;
                continue;
            }
            Clean::Kept => {}
        }
        if clean_space && !text.is_empty() {
            text.push(' ');
            fold_space = true; // the cleaned line's space, which folding keeps pending too
        }
        clean_space = false;
        text.push_str(&raw[start..at]);
        counts.bump(k.count);
        let f = match k.fold {
            Fold::Drop => continue,
            Fold::Space => {
                fold_space = true;
                continue;
            }
            Fold::Push(f) => Some(f),
            Fold::General => fold_char(c),
        };
        let Some(f) = f else { continue };
        if f == ' ' {
            fold_space = true;
            continue;
        }
        if fold_space && !folded.is_empty() {
            folded.push(' ');
        }
        fold_space = false;
        if matches!(k.fold, Fold::Push(_)) {
            folded.push(f);
        } else {
            folded.extend(f.to_lowercase());
        }
        // Both outputs are not empty and have no space pending: the Arabic
        // letters and marks that follow, each with at most one plain space
        // before a letter, go to both as they are while they fold to
        // themselves; one that folds to another, or a mark folding drops,
        // goes to each its way.
        // Where the runs not yet copied start: the cleaned line takes every
        // character of the loop as it is, the folded line is cut at each fold.
        let (run, mut fold_run) = (at, at);
        loop {
            // Most of a line: a letter that folds to itself, after a plain space or not.
            if same.starts_at(bytes, at) {
                at += 2;
                counts.arabic += 1;
                continue;
            }
            if bytes.get(at) == Some(&b' ') && same.starts_at(bytes, at + 1) {
                at += 3;
                counts.arabic += 1;
                continue;
            }
            let (space, (fold, arabic)) = match both.at(bytes, at) {
                (Low::Other, _) if bytes.get(at) == Some(&b' ') => (1, both.at(bytes, at + 1)),
                slot => (0, slot),
            };
            let end = at + space + 2;
            match fold {
                Low::Same => {}
                Low::Folds(f) => {
                    folded.push_str(&raw[fold_run..end - 2]);
                    folded.push(f);
                    fold_run = end;
                }
                Low::Dropped if space == 0 => {
                    folded.push_str(&raw[fold_run..at]);
                    fold_run = end;
                }
                Low::Dropped | Low::Other => break,
            }
            at = end;
            counts.arabic += usize::from(arabic);
        }
        text.push_str(&raw[run..at]);
        folded.push_str(&raw[fold_run..at]);
    }
    (text, folded, counts)
}

/// What cleaning does with a character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Clean {
    Kept,
    /// Turned into (one) space.
    Space,
    Stripped,
}

impl Clean {
    fn of(c: char) -> Clean {
        if is_space_like(c) {
            Clean::Space
        } else if is_stripped(c) {
            Clean::Stripped
        } else {
            Clean::Kept
        }
    }
}

/// Which of [`ScriptCounts`]' counts a character adds to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Count {
    None,
    Arabic,
    Latin,
    Other,
    Digit,
}

impl Count {
    fn of(c: char) -> Count {
        if c.is_ascii() {
            if c.is_ascii_digit() {
                Count::Digit
            } else if c.is_ascii_alphabetic() {
                Count::Latin
            } else {
                Count::None
            }
        } else if is_arabic_letter(c) {
            Count::Arabic
        } else if c.is_numeric() {
            Count::Digit
        } else if c.is_alphabetic() {
            match c {
                '\u{0600}'..='\u{06FF}'
                | '\u{0750}'..='\u{077F}'
                | '\u{08A0}'..='\u{08FF}'
                | '\u{FB50}'..='\u{FDFF}'
                | '\u{FE70}'..='\u{FEFF}' => Count::Arabic,
                c if c.is_ascii_alphabetic() || ('\u{C0}'..='\u{24F}').contains(&c) => Count::Latin,
                _ => Count::Other,
            }
        } else {
            Count::None
        }
    }
}

/// What [`fold`] does with a character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fold {
    Drop,
    /// A word break.
    Space,
    /// Pushes this character, lower-cased already.
    Push(char),
    /// Lower-cases to several characters: the general path.
    General,
}

impl Fold {
    fn of(c: char) -> Fold {
        match fold_char(c) {
            None => Fold::Drop,
            Some(' ') => Fold::Space,
            Some(f) if f.is_ascii() || is_arabic_letter(f) => Fold::Push(f),
            Some(f) => {
                let mut lower = f.to_lowercase();
                match (lower.next(), lower.next()) {
                    (Some(l), None) => Fold::Push(l),
                    _ => Fold::General,
                }
            }
        }
    }
}

/// What cleaning, counting and folding do with one character.
#[derive(Clone, Copy, Debug)]
struct Known {
    clean: Clean,
    count: Count,
    fold: Fold,
}

impl Known {
    fn of(c: char) -> Known {
        Known { clean: Clean::of(c), count: Count::of(c), fold: Fold::of(c) }
    }
}

/// [`Known`] for every character below U+0700: ASCII, Latin and the Arabic
/// block, nearly all of the input. Worked out once by the general functions,
/// so the table and the general path cannot disagree; a lookup replaces a
/// chain of range tests per character.
static KNOWN: std::sync::LazyLock<Vec<Known>> = std::sync::LazyLock::new(|| {
    (0..0x0700u32)
        .map(|u| {
            Known::of(char::from_u32(u).unwrap_or(' ')) // no surrogates below U+D800
        })
        .collect()
});

/// A set of characters of U+0600..U+067F: the two-byte characters led by 0xD8
/// or 0xD9 that make up most of an Arabic text. The folds' fast paths test a
/// character against one by its two bytes, without decoding it. (Here, not in
/// `crate::text`, so that ingestion stays a module of its own: benches/ingest.rs
/// builds it alone.)
pub(crate) struct LowArabic([bool; LOW_SLOTS]);

impl LowArabic {
    /// The characters of the range for which `holds` is true.
    pub(crate) fn of(holds: impl Fn(char) -> bool) -> LowArabic {
        LowArabic(std::array::from_fn(|i| low_char(i).is_some_and(&holds)))
    }

    /// Whether the character at `bytes[at..]` is one of the set.
    #[inline]
    pub(crate) fn starts_at(&self, bytes: &[u8], at: usize) -> bool {
        low_index(bytes, at).is_some_and(|i| self.0[i])
    }
}

/// The slot in the tables of U+0600..U+067F of the character at `bytes[at..]`,
/// when it is one of them: its two UTF-8 bytes (D8 or D9, then 80..BF)
/// read as one big-endian number, less D880. One subtraction and one
/// comparison per character in the folds' fast loops; the slots between
/// D8BF and D980 are never a character's and hold nothing.
#[inline]
fn low_index(bytes: &[u8], at: usize) -> Option<usize> {
    let pair = bytes.get(at..at.checked_add(2)?)?;
    let slot = usize::from(u16::from_be_bytes([pair[0], pair[1]]).wrapping_sub(0xD880));
    (slot < LOW_SLOTS).then_some(slot)
}

/// Slots of [`low_index`]: D880..=D9BF less D880.
const LOW_SLOTS: usize = 0x140;

/// The character of a slot of [`low_index`], if one has it.
fn low_char(slot: usize) -> Option<char> {
    let (lead, next) = (0xD8 + (slot >> 8), 0x80 + (slot & 0xFF));
    let code = ((lead & 0x1F) << 6 | (next & 0x3F)) as u32;
    (next < 0xC0).then(|| char::from_u32(code)).flatten()
}

/// The characters of U+0600..U+067F that fold to themselves: [`fold`]'s fast path.
static ARABIC_SAME: std::sync::LazyLock<LowArabic> =
    std::sync::LazyLock::new(|| LowArabic::of(|c| KNOWN[c as usize].fold == Fold::Push(c)));

/// What a fold does to each character of U+0600..U+067F, for its fast loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Low {
    /// Folds to itself.
    Same,
    /// Folds to this other character.
    Folds(char),
    /// Is dropped (a mark).
    Dropped,
    /// Anything else: the fold's general path decides.
    Other,
}

/// [`Low`] for every character of U+0600..U+067F (two UTF-8 bytes led by D8 or D9).
pub(crate) struct LowFolds([Low; LOW_SLOTS]);

impl LowFolds {
    /// The table of `what` for each character of the range.
    pub(crate) fn of(what: impl Fn(char) -> Low) -> LowFolds {
        LowFolds(std::array::from_fn(|i| low_char(i).map_or(Low::Other, &what)))
    }

    /// What folding does to the character at `bytes[at..]`; [`Low::Other`]
    /// for one outside the range.
    #[inline]
    pub(crate) fn at(&self, bytes: &[u8], at: usize) -> Low {
        low_index(bytes, at).map_or(Low::Other, |i| self.0[i])
    }
}

/// This module's fold of U+0600..U+067F, from [`KNOWN`].
static ARABIC_FOLDS: std::sync::LazyLock<LowFolds> = std::sync::LazyLock::new(|| {
    LowFolds::of(|c| match KNOWN[c as usize].fold {
        Fold::Push(f) if f == c => Low::Same,
        Fold::Push(f) => Low::Folds(f),
        Fold::Drop => Low::Dropped,
        Fold::Space | Fold::General => Low::Other,
    })
});

/// What [`clean_fold_and_count`]'s fast loop does with each character of
/// U+0600..U+067F: what folding does with it ([`Low::Other`]: the loop stops)
/// and whether it counts as an Arabic letter. The loop takes the characters
/// cleaning keeps and counts as Arabic letters or not at all (marks), so it
/// only adds to the Arabic count.
struct LowBoth([(Low, bool); LOW_SLOTS]);

impl LowBoth {
    #[inline]
    fn at(&self, bytes: &[u8], at: usize) -> (Low, bool) {
        low_index(bytes, at).map_or((Low::Other, false), |i| self.0[i])
    }
}

static ARABIC_BOTH: std::sync::LazyLock<LowBoth> = std::sync::LazyLock::new(|| {
    let folds = &*ARABIC_FOLDS;
    LowBoth(std::array::from_fn(|i| {
        let Some(c) = low_char(i) else { return (Low::Other, false) };
        let k = KNOWN[c as usize];
        let taken = k.clean == Clean::Kept && matches!(k.count, Count::Arabic | Count::None);
        (if taken { folds.0[i] } else { Low::Other }, k.count == Count::Arabic)
    }))
});

/// The Arabic letters of U+0600..U+067F that cleaning keeps and folding leaves
/// as they are: [`clean_fold_and_count`]'s fastest path.
static ARABIC_LETTER_SAME: std::sync::LazyLock<LowArabic> = std::sync::LazyLock::new(|| {
    let both = &*ARABIC_BOTH;
    LowArabic::of(|c| {
        let mut utf8 = [0; 2];
        both.at(c.encode_utf8(&mut utf8).as_bytes(), 0) == (Low::Same, true)
    })
});

/// The words of a folded line, as `folded.split(' ')` gives them (empty ones
/// too), found eight bytes at a time: words are a few bytes long, and
/// `split(' ')` calls `memchr` once per word, which cost more than the word
/// (the profile in docs/PERFORMANCE.md, sixth session).
pub(crate) fn split_spaces(folded: &str) -> impl Iterator<Item = &str> + Clone {
    let mut rest = Some(folded);
    std::iter::from_fn(move || {
        let s = rest?;
        match next_space(s.as_bytes()) {
            Some(i) => {
                rest = Some(&s[i + 1..]);
                Some(&s[..i])
            }
            None => {
                rest = None;
                Some(s)
            }
        }
    })
}

/// Where the first space of `bytes` is. Each eight bytes are read as one
/// number: a byte of it XOR 0x20 is zero where the byte is a space, and
/// subtracting one from each byte sets the top bit of the lowest such byte
/// (higher ones may be marked wrongly by the borrow, never a lower one).
#[inline]
fn next_space(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const TOPS: u64 = u64::from_le_bytes([0x80; 8]);
    let mut chunks = bytes.chunks_exact(8);
    for (i, chunk) in chunks.by_ref().enumerate() {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes")) ^ (ONES * u64::from(b' '));
        let zero = x.wrapping_sub(ONES) & !x & TOPS;
        if zero != 0 {
            return Some(i * 8 + (zero.trailing_zeros() / 8) as usize);
        }
    }
    let tail = chunks.remainder();
    tail.iter().position(|&b| b == b' ').map(|i| bytes.len() - tail.len() + i)
}

/// True when a word holds a letter: [`is_letter`] for one of its characters,
/// with a fast path for a word that starts with an Arabic letter.
#[inline]
pub(crate) fn has_letter(word: &str) -> bool {
    ARABIC_LETTER_START.starts_at(word.as_bytes(), 0) || word.chars().any(is_letter)
}

/// The Arabic letters of U+0600..U+067F, for [`has_letter`]'s fast path.
static ARABIC_LETTER_START: std::sync::LazyLock<LowArabic> =
    std::sync::LazyLock::new(|| LowArabic::of(is_arabic_letter));

/// True for Arabic diacritics (harakat, Quranic marks) and tatweel, dropped when folding.
fn is_arabic_mark(c: char) -> bool {
    matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}'
        | '\u{06D6}'..='\u{06ED}')
}

/// True for Arabic presentation forms, which only NFKC maps back to base letters.
fn is_presentation_form(c: char) -> bool {
    matches!(c, '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// True for the letters of the Arabic block and its supplement (checked first because the
/// generic Unicode tables are slow for them and they dominate the input).
pub(crate) fn is_arabic_letter(c: char) -> bool {
    match ARABIC_LETTERS.get((c as usize).wrapping_sub(ARABIC_BLOCK) / 64) {
        Some(bits) => bits >> (c as usize % 64) & 1 == 1,
        None => matches!(c, '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08C9}'),
    }
}

/// First code point of the Arabic block.
const ARABIC_BLOCK: usize = 0x0600;

/// The letters of the Arabic block (U+0600..U+06FF) as a bit set, 64 code points
/// a word: one lookup instead of a chain of range comparisons for the most
/// common characters of the input.
const ARABIC_LETTERS: [u64; 4] = {
    let mut bits = [0u64; 4];
    let mut i = 0;
    while i < 256 {
        let c = ARABIC_BLOCK as u32 + i as u32;
        let letter = matches!(c, 0x0621..=0x063A | 0x0641..=0x064A | 0x066E..=0x06D3 | 0x06D5 | 0x06EE..=0x06EF | 0x06FA..=0x06FF);
        if letter {
            bits[i / 64] |= 1 << (i % 64);
        }
        i += 1;
    }
    bits
};

/// True for a letter of any script, with fast paths for Arabic and ASCII.
pub(crate) fn is_letter(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_alphabetic() } else { is_arabic_letter(c) || c.is_alphabetic() }
}

/// Folds one character for comparison; `None` drops it, a space separates words.
fn fold_char(c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { ' ' });
    }
    if is_arabic_mark(c) || c == '\u{200C}' || c == '\u{200D}' {
        return None;
    }
    let c = match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' | 'ئ' | 'ی' => 'ي',
        'ؤ' => 'و',
        'ة' => 'ه',
        'ک' => 'ك',
        '٠'..='٩' => char::from_u32(c as u32 - 0x0660 + u32::from(b'0')).unwrap_or(c),
        '۰'..='۹' => char::from_u32(c as u32 - 0x06F0 + u32::from(b'0')).unwrap_or(c),
        _ => c,
    };
    if is_arabic_letter(c) || c.is_alphanumeric() { Some(c) } else { Some(' ') }
}

/// The folded form of a cleaned line: diacritics and tatweel removed, alef/ya/ta-marbuta
/// forms unified, Latin lower-cased, punctuation turned into single spaces between words.
///
/// Most characters fold to themselves, and most spaces are single: runs of such
/// characters (a single space inside a run included) are copied as they are,
/// and only the others go one by one. Characters of one or two bytes are
/// decoded by hand and looked up in [`KNOWN`].
pub(crate) fn fold(text: &str) -> String {
    let normalized: String;
    // Presentation forms (U+FB50..U+FEFF) are three bytes led by 0xEF: most lines have none.
    let source = if memchr::memchr(0xEF, text.as_bytes()).is_some() && text.chars().any(is_presentation_form) {
        normalized = text.nfkc().collect();
        normalized.as_str()
    } else {
        text
    };
    let known = &*KNOWN;
    let same = &*ARABIC_SAME;
    let low = &*ARABIC_FOLDS;
    let bytes = source.as_bytes();
    let mut out = String::with_capacity(source.len());
    let mut pending_space = false;
    // `source[run..at]`: characters that fold to themselves, not yet copied; it
    // starts with one that is not a space and holds no two spaces in a row.
    let mut run = 0;
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        let (code, len) = match bytes.get(at + 1) {
            _ if b < 0x80 => (u32::from(b), 1),
            Some(&next) if b & 0xE0 == 0xC0 => ((u32::from(b & 0x1F) << 6) | u32::from(next & 0x3F), 2),
            _ => (u32::MAX, 0),
        };
        let fold = known.get(code as usize).map(|k| k.fold);
        if let Some(Fold::Push(f)) = fold
            && u32::from(f) == code
        {
            if run == at {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
            }
            at += len;
            // The letters of U+0600..U+067F, most of a line, in a tight loop: those
            // that fold to themselves stay in the run, with a single space before
            // one (the character before is kept and not a space, so the space is
            // copied as it is); at one that folds to another (alef, ya and ta
            // marbuta forms, digits) or is dropped (a mark) the run is copied and
            // starts again after it. `same` is `low`'s `Same` as a table of bools,
            // tested first: a match on `low` for every letter was slower.
            loop {
                if same.starts_at(bytes, at) {
                    at += 2;
                } else if bytes.get(at) == Some(&b' ') {
                    match low.at(bytes, at + 1) {
                        Low::Same => at += 3,
                        // A single space and a letter that folds to another: both copied.
                        Low::Folds(f) => {
                            out.push_str(&source[run..=at]);
                            out.push(f);
                            (at, run) = (at + 3, at + 3);
                        }
                        Low::Dropped | Low::Other => break,
                    }
                } else {
                    match low.at(bytes, at) {
                        Low::Folds(f) => {
                            out.push_str(&source[run..at]);
                            out.push(f);
                        }
                        Low::Dropped => out.push_str(&source[run..at]),
                        Low::Same | Low::Other => break,
                    }
                    (at, run) = (at + 2, at + 2);
                }
            }
            continue;
        }
        if b == b' ' && run < at && bytes[at - 1] != b' ' {
            at += 1; // a single space inside a run: copied with it if a kept character follows
            continue;
        }
        if run < at {
            let end = if bytes[at - 1] == b' ' { at - 1 } else { at };
            pending_space |= end < at;
            out.push_str(&source[run..end]);
        }
        let Some(c) = source[at..].chars().next() else { break };
        at += c.len_utf8();
        run = at;
        let (c, lowered) = match fold.unwrap_or_else(|| Fold::of(c)) {
            Fold::Drop => continue,
            Fold::Space => {
                pending_space = true;
                continue;
            }
            Fold::Push(f) => (f, true),
            Fold::General => match fold_char(c) {
                None => continue,
                Some(' ') => {
                    pending_space = true;
                    continue;
                }
                Some(f) => (f, false),
            },
        };
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        if lowered {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
    }
    if run < bytes.len() {
        out.push_str(source[run..].strip_suffix(' ').unwrap_or(&source[run..]));
    }
    out
}

/// Counts of letters by script in a cleaned line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ScriptCounts {
    /// Arabic-script letters (Arabic, Persian and Urdu extensions).
    pub arabic: usize,
    /// Latin letters.
    pub latin: usize,
    /// Letters of any other script.
    pub other: usize,
    /// Decimal digits of any script.
    pub digits: usize,
}

impl ScriptCounts {
    /// Counts the letters of `text` by script.
    #[cfg(test)]
    pub(crate) fn of(text: &str) -> Self {
        let mut counts = Self::default();
        text.chars().for_each(|c| counts.add(c));
        counts
    }

    /// Counts one character.
    #[cfg(test)]
    fn add(&mut self, c: char) {
        self.bump(Count::of(c));
    }

    /// Adds one to `count`'s field.
    fn bump(&mut self, count: Count) {
        match count {
            Count::None => {}
            Count::Arabic => self.arabic += 1,
            Count::Latin => self.latin += 1,
            Count::Other => self.other += 1,
            Count::Digit => self.digits += 1,
        }
    }

    /// All letters, whatever the script.
    pub(crate) fn letters(&self) -> usize {
        self.arabic + self.latin + self.other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character, followed by another or alone: a slot exactly for those
    /// of U+0600..U+067F, and the slot's character is the one read.
    #[test]
    fn low_slots_are_the_characters_of_u0600_to_u067f() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for text in [format!("{c}"), format!("{c}a"), format!("{c}ب")] {
                let slot = low_index(text.as_bytes(), 0);
                assert_eq!(slot.is_some(), ('\u{0600}'..='\u{067F}').contains(&c), "U+{:04X}", c as u32);
                assert!(slot.is_none_or(|s| low_char(s) == Some(c)), "U+{:04X}", c as u32);
            }
        }
        assert_eq!((0..LOW_SLOTS).filter_map(low_char).count(), 128);
    }

    #[test]
    fn splits_bom_crlf_and_final_newline() {
        assert_eq!(split_lines("\u{FEFF}a\r\nb\r\n"), vec!["a", "b"]);
        assert_eq!(split_lines("a\n\nb"), vec!["a", "", "b"]);
        assert!(split_lines("").is_empty());
        assert_eq!(split_lines("\n"), vec![""]);
    }

    proptest::proptest! {
        #[test]
        fn lines_are_split_as_split_splits_them(text in "\u{FEFF}?[a\u{0628}\r\n]{0,30}") {
            // The split as first written.
            let unmarked = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
            let body = unmarked.strip_suffix('\n').unwrap_or(unmarked);
            let expected: Vec<&str> = if unmarked.is_empty() {
                Vec::new()
            } else {
                body.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect()
            };
            proptest::prop_assert_eq!(split_lines(&text), expected);
        }
    }

    #[test]
    fn cleans_controls_and_spaces() {
        assert_eq!(clean_line("\u{200F}  a\u{A0}\tb\u{200B}c \u{202B}"), "a bc");
        assert_eq!(clean_line("می\u{200C}خواهم"), "می\u{200C}خواهم");
    }

    /// The fold as first written, character by character: the oracle for [`fold`]'s fast paths.
    fn fold_reference(text: &str) -> String {
        let source: String =
            if text.chars().any(is_presentation_form) { text.nfkc().collect() } else { text.to_string() };
        let mut out = String::with_capacity(source.len());
        let mut pending_space = false;
        for c in source.chars().filter_map(fold_char) {
            if c == ' ' {
                pending_space = true;
                continue;
            }
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            if c.is_ascii() || is_arabic_letter(c) {
                out.push(c);
            } else {
                out.extend(c.to_lowercase());
            }
        }
        out
    }

    #[test]
    fn the_fold_agrees_with_the_reference_for_every_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let text = format!("a{c}b {c}");
            assert_eq!(fold(&text), fold_reference(&text), "U+{:04X}", c as u32);
        }
    }

    proptest::proptest! {
        #[test]
        /// Single and double spaces are drawn as often as characters: the fast
        /// path copies a single space inside a run of kept characters.
        fn fold_agrees_with_the_reference(text in "(?:[\\u{0600}-\\u{06FF} \\t\\u{200C}\\u{200D}a-zA-Z0-9.,:«»\\u{FB50}-\\u{FEFF}\\u{00C0}-\\u{024F}\\u{0391}-\\u{03C9}\\u{0750}-\\u{077F}\\u{064B}]|  ?){0,40}") {
            proptest::prop_assert_eq!(fold(&text), fold_reference(&text));
        }

        /// Arabic letters that fold to themselves, to another letter or to a
        /// digit, and marks that are dropped, between single and double spaces:
        /// the fast loop's every turn.
        #[test]
        fn the_fast_loop_agrees_with_the_reference(text in "(?:[\u{0621}-\u{064A}\u{064B}-\u{065F}\u{0660}-\u{0671}\u{0640}،.a]|  ?){0,60}") {
            proptest::prop_assert_eq!(fold(&text), fold_reference(&text));
        }
    }

    /// Arabic letters as first written, range by range: the oracle for the bit set.
    fn is_arabic_letter_reference(c: char) -> bool {
        matches!(c, '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' | '\u{066E}'..='\u{06D3}' | '\u{06D5}'
            | '\u{06EE}'..='\u{06EF}' | '\u{06FA}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08C9}')
    }

    #[test]
    fn the_arabic_letter_set_agrees_with_the_ranges_for_every_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_arabic_letter(c), is_arabic_letter_reference(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn what_cleaning_removes_is_never_counted() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32).filter(|&c| is_space_like(c) || is_stripped(c)) {
            assert_eq!(ScriptCounts::of(&c.to_string()), ScriptCounts::default(), "U+{:04X}", c as u32);
        }
    }

    /// Cleaning as first written, character by character: the oracle for [`clean_fold_and_count`]'s cleaned line.
    fn clean_reference(raw: &str) -> String {
        let mut out = String::with_capacity(raw.len());
        let mut pending_space = false;
        for c in raw.chars() {
            if is_space_like(c) {
                pending_space = true;
            } else if !is_stripped(c) {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn cleaning_agrees_with_the_reference_for_every_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for text in [format!("{c}"), format!(" a{c}{c} b{c}"), format!("{c}\u{200B} {c}\t")] {
                assert_eq!(clean_line(&text), clean_reference(&text), "U+{:04X}", c as u32);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn cleaning_agrees_with_the_reference(text in "[\u{0600}-\u{06FF} \t\r\u{0}-\u{1F}\u{7F}-\u{A0}\u{AD}\u{2000}-\u{206F}\u{FEFF}a-z0-9.]{0,40}") {
            proptest::prop_assert_eq!(clean_line(&text), clean_reference(&text));
        }

        #[test]
        fn counting_while_cleaning_counts_the_cleaned_line(text in "[\u{0600}-\u{06FF} \t\u{A0}\u{200B}-\u{200F}\u{202A}-\u{202E}a-zA-Z0-9\u{0660}-\u{0669}\u{00C0}-\u{024F}\u{0391}-\u{03C9}\u{FB50}-\u{FEFF}]{0,40}") {
            let (cleaned, _, counts) = clean_fold_and_count(&text);
            proptest::prop_assert_eq!(counts, ScriptCounts::of(&cleaned));
        }

        #[test]
        fn split_spaces_is_split_on_a_space(text in "[ a\u{0627}\u{0628}\t]{0,40}") {
            proptest::prop_assert!(split_spaces(&text).eq(text.split(' ')));
        }

        #[test]
        fn a_word_has_a_letter_when_one_of_its_characters_is_one(word in "[\u{0600}-\u{06FF}a0-9.«\u{00C0}-\u{024F}\u{0750}-\u{077F}]{0,4}") {
            proptest::prop_assert_eq!(has_letter(&word), word.chars().any(is_letter), "{:?}", word);
        }
    }

    /// [`clean_fold_and_count`] as the oracles say: cleaned, counted, then folded, one character at a time.
    fn clean_then_fold(raw: &str) -> (String, String, ScriptCounts) {
        let text = clean_reference(raw);
        let (folded, counts) = (fold_reference(&text), ScriptCounts::of(&text));
        (text, folded, counts)
    }

    #[test]
    fn one_pass_cleans_counts_and_folds_as_the_oracles_for_every_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for text in [format!("{c}"), format!("ب{c}ب {c}ب"), format!(" {c}\u{200B} ب{c} a{c}\t"), format!("ب ب{c}")]
            {
                assert_eq!(clean_fold_and_count(&text), clean_then_fold(&text), "U+{:04X}", c as u32);
            }
        }
    }

    proptest::proptest! {
        /// Arabic letters that fold to themselves or to another, marks,
        /// tatweel, digits and punctuation between single and double spaces
        /// of several kinds, with controls, Latin and other scripts.
        #[test]
        fn one_pass_cleans_counts_and_folds_as_the_oracles(text in "(?:[\u{0600}-\u{06FF}\u{0621}-\u{064A}\u{0621}-\u{064A} \t\u{A0}\u{200B}-\u{200F}\u{202A}-\u{202E}\u{0}-\u{1F}a-zA-Z0-9.,:«»\u{00C0}-\u{024F}\u{0391}-\u{03C9}\u{0750}-\u{077F}\u{FB50}-\u{FEFF}]|  ?){0,60}") {
            proptest::prop_assert_eq!(clean_fold_and_count(&text), clean_then_fold(&text));
        }
    }

    #[test]
    fn folds_arabic_variants() {
        assert_eq!(fold("إِعْلانٌ: أحمد، مدرسة"), "اعلان احمد مدرسه");
        assert_eq!(fold("Hello, WORLD ٣"), "hello world 3");
    }
}
