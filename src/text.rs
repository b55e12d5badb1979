//! Text normalization shared by provenance checks, mention matching and search.
//!
//! Arabic text is written with optional diacritics, decorative tatweel and
//! several forms of alef and ya; two spellings of the same word must compare
//! equal. `fold` applies the one normalization the whole tool agrees on.

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

/// [`fold_char`] for the characters that dominate the input (ASCII and the basic
/// Arabic block), which NFKC and lower-casing leave alone except for ASCII capitals;
/// `None` when the general path must decide. Skipping the per-character NFKC and
/// Unicode case tables makes folding several times faster.
fn fold_simple(c: char) -> Option<Option<char>> {
    match c {
        'A'..='Z' => Some(Some(c.to_ascii_lowercase())),
        '\0'..='\u{7F}' | '\u{0621}'..='\u{063A}' | '\u{0640}'..='\u{0669}' => Some(fold_char(c)),
        _ => None,
    }
}

/// The search normalization: NFKC, no tatweel or harakat, unified alef, ya and
/// ta marbuta, ASCII digits, lower case, whitespace collapsed to one space.
pub fn fold(s: &str) -> String {
    fold_with_map(s).0
}

/// Appends one folded character that came from byte `at` of the input,
/// collapsing runs of spaces (and dropping a leading one).
#[inline]
fn push_folded(f: char, at: usize, out: &mut String, map: &mut Vec<usize>, last_space: &mut bool) {
    if f == ' ' {
        if *last_space {
            return;
        }
        *last_space = true;
    } else {
        *last_space = false;
    }
    out.push(f);
    map.extend(std::iter::repeat_n(at, f.len_utf8()));
}

/// Like [`fold`], and for every byte of the result the byte offset in `s` of
/// the character it came from, plus one final entry for `s.len()`. Lets a
/// match found in folded text be marked in the original.
pub fn fold_with_map(s: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(s.len());
    let mut map = Vec::with_capacity(s.len() + 1);
    let mut last_space = true; // trims leading whitespace
    for (at, c) in s.char_indices() {
        if let Some(f) = fold_simple(c) {
            // Fast path, same result as below: `c` is its own NFKC and lower case.
            if let Some(f) = f {
                push_folded(f, at, &mut out, &mut map, &mut last_space);
            }
            continue;
        }
        let mut tmp = [0u8; 4];
        for n in c.encode_utf8(&mut tmp).nfkc() {
            let Some(f) = fold_char(n) else { continue };
            for f in f.to_lowercase() {
                push_folded(f, at, &mut out, &mut map, &mut last_space);
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
        map.pop();
    }
    map.push(s.len());
    (out, map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_arabic_variants() {
        assert_eq!(fold("الإرهابُ"), "الارهاب");
        assert_eq!(fold("مـــدرسة"), "مدرسه");
        assert_eq!(fold("مصطفى"), "مصطفي");
        assert_eq!(fold("٢٠٢٥ و۱۲"), "2025 و12");
        assert_eq!(fold("  CENTCOM \n  said "), "centcom said");
    }

    /// The general path of `fold_with_map` for one character, without the fast path.
    fn fold_general(c: char) -> String {
        let mut tmp = [0u8; 4];
        c.encode_utf8(&mut tmp).nfkc().filter_map(fold_char).flat_map(char::to_lowercase).collect()
    }

    #[test]
    fn fast_path_agrees_with_nfkc_and_lower_case() {
        for c in (0..=0x2FFFu32).filter_map(char::from_u32) {
            if let Some(fast) = fold_simple(c) {
                assert_eq!(fast.map(String::from).unwrap_or_default(), fold_general(c), "U+{:04X}", c as u32);
            }
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
