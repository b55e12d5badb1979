//! Words → search terms: the one tokenizer and stemmer of the index.
//!
//! `themes/default/static/search.js` repeats these rules for the reader's
//! query, step by step; `tests/fixtures/search/vectors.json` holds the cases
//! both sides must agree on. Change one side, change the other and the vectors.

use crate::text::fold;

/// Shortest term kept: one letter matches too much to be worth indexing.
const MIN_CHARS: usize = 2;

/// The definite article, alone or after a clitic, longest first. «لل» is ل + ال.
const ARTICLES: [&str; 8] = ["وال", "فال", "بال", "كال", "ولل", "فلل", "ال", "لل"];
/// One-letter proclitics: conjunctions و ف, prepositions ب ل ك.
const CLITICS: [char; 5] = ['و', 'ف', 'ب', 'ل', 'ك'];
/// Suffixes (after folding, so ة is ه), longest first: pronouns, duals and plurals, nisba.
const SUFFIXES: [&str; 8] = ["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"];

/// The search terms of a text, in order: folded, split into words, each
/// word's [`stems`] in turn. The index holds these (see [`for_each_term`]).
#[cfg(test)]
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_term(text, |t| out.push(t.to_string()));
    out
}

/// [`terms`] without an allocation per term: `f` sees each term in turn.
pub fn for_each_term(text: &str, mut f: impl FnMut(&str)) {
    for word in words(&fold(text)) {
        for_each_stem(word, &mut f);
    }
}

/// The words of folded text: maximal runs of letters and digits.
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(|c: char| !is_word_char(c)).filter(|w| !w.is_empty())
}

/// `char::is_alphanumeric`, answered without the Unicode tables for ASCII and
/// the Arabic letters that make up almost every folded text.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_alphanumeric() } else { is_arabic_letter(c) || c.is_alphanumeric() }
}

/// The terms one folded word stands for: none when it is too short, usually
/// one, and two for an Arabic word that starts with a letter that may be a
/// clitic (و ف ب ل ك) without the article: the stem with the letter and the
/// stem without it. «كمين» (ambush) must still meet «الكمين», and «لداعش»
/// «داعش»; a query word matches a document when any of its stems does.
#[cfg(test)]
pub fn stems(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_stem(word, |t| out.push(t.to_string()));
    out
}

/// [`stems`], each handed to `f` in turn.
fn for_each_stem(word: &str, mut f: impl FnMut(&str)) {
    if word.chars().nth(MIN_CHARS - 1).is_none() {
        return;
    }
    if word.chars().all(is_arabic_letter) {
        if let Some(rest) = ARTICLES.iter().find_map(|a| word.strip_prefix(a).filter(|r| len(r) >= 2)) {
            return f(strip_suffix(rest));
        }
        f(strip_suffix(word));
        if let Some(rest) = word.strip_prefix(CLITICS).filter(|r| len(r) >= 3) {
            f(strip_suffix(rest));
        }
    } else if word.bytes().all(|b| b.is_ascii_lowercase()) {
        f(&stem_english(word));
    } else {
        f(word);
    }
}

/// Arabic letters as they stand after folding (hamza to ya, no marks).
fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}')
}

fn len(s: &str) -> usize {
    s.chars().count()
}

/// One Arabic suffix off (after folding ة is ه), when at least three letters remain:
/// a short word's last letter is too often its own.
fn strip_suffix(word: &str) -> &str {
    SUFFIXES.iter().find_map(|s| word.strip_suffix(s).filter(|r| len(r) >= 3)).unwrap_or(word)
}

/// A light English stemmer: plurals, then -ing and -ed, then a final e, so
/// "states", "stated" and "state" meet at "stat".
pub fn stem_english(word: &str) -> String {
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

    #[test]
    fn mixed_words_are_left_whole() {
        assert_eq!(terms("F-16 ISIS's"), ["16", "isis"]);
    }
}
