//! Words → search terms: the one tokenizer and stemmer of the index.
//!
//! `themes/default/static/search.js` repeats these rules for the reader's
//! query, step by step; `tests/fixtures/search/vectors.json` holds the cases
//! both sides must agree on. Change one side, change the other and the vectors.

#[cfg(test)]
use crate::text::fold;
use std::borrow::Cow;

/// Shortest term kept: one letter matches too much to be worth indexing.
const MIN_CHARS: usize = 2;

/// The definite article, alone or after a clitic, longest first. «لل» is ل + ال.
const ARTICLES: [&str; 8] = ["وال", "فال", "بال", "كال", "ولل", "فلل", "ال", "لل"];
/// One-letter proclitics: conjunctions و ف, prepositions ب ل ك.
const CLITICS: [char; 5] = ['و', 'ف', 'ب', 'ل', 'ك'];
/// Suffixes (after folding, so ة is ه), longest first: pronouns, duals and plurals, nisba.
const SUFFIXES: [&str; 8] = ["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"];

/// The search terms of a text, in order: folded, split into words, each
/// word's [`stems`] in turn. The index holds these (see [`for_each_folded_term`]).
#[cfg(test)]
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_folded_term(&fold(text), |t| out.push(t.into_owned()));
    out
}

/// [`terms`] of text already folded ([`fold`]), handed to `f` one by one, each
/// borrowed from it where it can be (all but an English word that ends in
/// -ies): a caller that keeps the folded text keeps its terms without copying them.
pub fn for_each_folded_term<'a>(folded: &'a str, mut f: impl FnMut(Cow<'a, str>)) {
    // One pass over the bytes finds the words (maximal runs of letters and
    // digits) and learns what the stemmer needs of each: its length in
    // characters, and whether it is all Arabic letters or all ASCII lower case.
    let bytes = folded.as_bytes();
    let mut word = Word { start: 0, chars: 0, arabic: true, lower: true };
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        let (len, letter, arabic, lower) = if b < 0x80 {
            (1, b.is_ascii_alphanumeric(), false, b.is_ascii_lowercase())
        } else if let Some(&next) = bytes.get(at + 1)
            && is_arabic_letter_utf8(b, next)
        {
            (2, true, true, false)
        } else {
            // `at` is a character boundary: every step is one character long.
            let c = folded[at..].chars().next().unwrap_or(' ');
            (c.len_utf8(), c.is_alphanumeric(), false, false)
        };
        if letter {
            if word.chars == 0 {
                word = Word { start: at, chars: 0, arabic: true, lower: true };
            }
            word.chars += 1;
            word.arabic &= arabic;
            word.lower &= lower;
            if arabic {
                // The Arabic letters that follow, most of a text, two bytes at a
                // time: none changes what is known of the word but its length.
                at += len;
                while let [lead, next, ..] = bytes[at..]
                    && is_arabic_letter_utf8(lead, next)
                {
                    word.chars += 1;
                    at += 2;
                }
                continue;
            }
        } else if word.chars > 0 {
            word.stems(&folded[word.start..at], &mut f);
            word.chars = 0;
        }
        at += len;
    }
    if word.chars > 0 {
        word.stems(&folded[word.start..], &mut f);
    }
}

/// The terms one folded word stands for: none when it is too short, usually
/// one, and two for an Arabic word that starts with a letter that may be a
/// clitic (و ف ب ل ك) without the article: the stem with the letter and the
/// stem without it. «كمين» (ambush) must still meet «الكمين», and «لداعش»
/// «داعش»; a query word matches a document when any of its stems does.
#[cfg(test)]
pub fn stems(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    let w = Word {
        start: 0,
        chars: word.chars().count(),
        arabic: word.chars().all(is_arabic_letter),
        lower: word.bytes().all(|b| b.is_ascii_lowercase()),
    };
    w.stems(word, |t| out.push(t.into_owned()));
    out
}

/// A word of folded text as [`for_each_folded_term`] finds it.
struct Word {
    /// Byte offset of its first letter.
    start: usize,
    /// Length in characters.
    chars: usize,
    /// All Arabic letters ([`is_arabic_letter`]).
    arabic: bool,
    /// All ASCII lower-case letters.
    lower: bool,
}

impl Word {
    /// [`stems`] of `word` (the text of `self`), each handed to `f` in turn.
    fn stems<'a>(&self, word: &'a str, mut f: impl FnMut(Cow<'a, str>)) {
        if self.chars < MIN_CHARS {
            return;
        }
        if self.arabic {
            // Every letter is two bytes in UTF-8: lengths in letters are bytes / 2.
            if let Some(rest) = ARTICLES.iter().find_map(|a| word.strip_prefix(a).filter(|r| r.len() >= 2 * 2)) {
                return f(Cow::Borrowed(strip_suffix(rest)));
            }
            f(Cow::Borrowed(strip_suffix(word)));
            if let Some(rest) = word.strip_prefix(CLITICS).filter(|r| r.len() >= 3 * 2) {
                f(Cow::Borrowed(strip_suffix(rest)));
            }
        } else if self.lower {
            f(stem_english(word));
        } else {
            f(Cow::Borrowed(word));
        }
    }
}

/// [`is_arabic_letter`] of the two-byte UTF-8 sequence `lead`, `next`.
fn is_arabic_letter_utf8(lead: u8, next: u8) -> bool {
    // U+0621..=U+063A is D8 A1..=D8 BA; U+0641..=U+064A is D9 81..=D9 8A.
    matches!((lead, next), (0xD8, 0xA1..=0xBA) | (0xD9, 0x81..=0x8A))
}

/// Arabic letters as they stand after folding (hamza to ya, no marks).
#[cfg(test)]
fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}')
}

/// One Arabic suffix off (after folding ة is ه), when at least three letters remain:
/// a short word's last letter is too often its own. `word` is Arabic letters
/// alone, two bytes each.
fn strip_suffix(word: &str) -> &str {
    SUFFIXES.iter().find_map(|s| word.strip_suffix(s).filter(|r| r.len() >= 3 * 2)).unwrap_or(word)
}

/// A light English stemmer: plurals, then -ing and -ed, then a final e, so
/// "states", "stated" and "state" meet at "stat". Borrowed from `word` unless
/// -ies became -y.
pub fn stem_english(word: &str) -> Cow<'_, str> {
    if let Some(rest) = word.strip_suffix("ies").filter(|r| r.len() >= 2) {
        // Nothing below applies to a word that ends in y.
        return Cow::Owned(format!("{rest}y"));
    }
    let mut w = word;
    if word.ends_with("sses") {
        w = &word[..word.len() - 2]; // -sses → -ss
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") && w.len() > 3 {
        w = &w[..w.len() - 1];
    }
    for suffix in ["ing", "ed"] {
        if let Some(rest) = w.strip_suffix(suffix).filter(|r| r.len() >= 3) {
            w = rest;
            break;
        }
    }
    if let Some(rest) = w.strip_suffix('e').filter(|r| r.len() >= 3) {
        w = rest;
    }
    Cow::Borrowed(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clitics_and_article_meet_at_one_stem() {
        for w in ["التحالف", "والتحالف", "للتحالف", "تحالف", "بالتحالف"] {
            assert_eq!(terms(w), ["تحالف"], "{w}");
        }
        assert!(terms("لداعش").contains(&"داعش".to_string()));
        assert!(terms("كمين").contains(&terms("الكمين")[0]));
    }

    #[test]
    fn short_words_keep_their_letters() {
        assert_eq!(stems("بيت"), ["بيت"]); // too short to lose its ب
        assert_eq!(stems("الي"), ["الي"]); // إلى, not ال + ي
        assert!(terms("و ب").is_empty());
    }

    #[test]
    fn english_forms_meet() {
        assert_eq!(stem_english("operations"), "operation");
        assert_eq!(stem_english("states"), stem_english("stated"));
        assert_eq!(stem_english("isis"), "isis");
        assert_eq!(stem_english("militias"), "militia");
        assert_eq!(stem_english("countries"), "country");
    }

    /// The vectors search.js runs too (tests/browser/search.test.mjs): both sides must agree.
    #[test]
    fn shared_vectors() {
        let file: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/search/vectors.json")).expect("valid JSON");
        let vectors = file["vectors"].as_array().expect("a list of vectors");
        assert!(vectors.len() >= 20);
        let mut wrong = Vec::new();
        for v in vectors {
            let input = v["input"].as_str().expect("input");
            let fold_expected = v["fold"].as_str().expect("fold");
            let terms_expected: Vec<&str> =
                v["terms"].as_array().expect("terms").iter().filter_map(|t| t.as_str()).collect();
            if fold(input) != fold_expected || terms(input) != terms_expected {
                wrong.push(format!("{input:?}: fold {:?}, terms {:?} ({})", fold(input), terms(input), v["note"]));
            }
        }
        assert!(wrong.is_empty(), "vectors that disagree:\n{}", wrong.join("\n"));
    }

    /// The stemmer as it was when it copied every word: the borrowing one must agree.
    fn stem_english_copying(word: &str) -> String {
        let mut w = word.to_string();
        if let Some(rest) = w.strip_suffix("ies").filter(|r| r.len() >= 2) {
            w = format!("{rest}y");
        } else if let Some(rest) = w.strip_suffix("sses") {
            w = format!("{rest}ss");
        } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") && w.len() > 3 {
            w.pop();
        }
        for suffix in ["ing", "ed"] {
            if let Some(rest) = w.strip_suffix(suffix).filter(|r| r.len() >= 3) {
                w = rest.to_string();
                break;
            }
        }
        if let Some(rest) = w.strip_suffix('e').filter(|r| r.len() >= 3) {
            w = rest.to_string();
        }
        w
    }

    proptest::proptest! {
        /// The one-pass scanner finds the words splitting at every character that
        /// is not alphanumeric finds, and stems them alike.
        #[test]
        fn scanner_agrees_with_splitting(text in "[\\u{0600}-\\u{06FF} a-zA-Z0-9.,\\u{00C0}-\\u{00FF}\\u{0400}-\\u{0410}\\u{4E00}-\\u{4E05}]{0,30}") {
            let folded = fold(&text);
            let mut expected = Vec::new();
            for word in folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
                expected.extend(stems(word));
            }
            proptest::prop_assert_eq!(terms(&text), expected);
        }

        #[test]
        fn english_stems_borrowed_as_copied(word in "[a-z]{0,6}(ies|sses|ss|us|is|s|ing|ed|e|ings|eds|es)?") {
            proptest::prop_assert_eq!(stem_english(&word).into_owned(), stem_english_copying(&word));
        }
    }

    #[test]
    fn mixed_words_are_left_whole() {
        assert_eq!(terms("F-16 ISIS's"), ["16", "isis"]);
    }
}
