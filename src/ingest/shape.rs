//! What one line looks like on its own: its measurements, its content shape (heading,
//! paragraph, list item, quote) and whether its surface alone marks it as boilerplate.
//! Decisions that need the rest of the document live in `layout`.

use std::sync::LazyLock;

use memchr::memmem::Finder;
use regex::Regex;

use super::lexicon::{LEXICON, contains_phrase, starts_with_word};
use super::text::{ScriptCounts, clean_fold_and_count, fold, has_letter, split_spaces};

/// Longest line, in words, that can still be a heading.
pub(crate) const MAX_HEADING_WORDS: usize = 14;

/// How strongly a boilerplate line says the article is over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tail {
    /// An isolated piece of page furniture; the body may continue after it.
    None,
    /// A footer marker (related block, copyright, disclaimer, tags): the article is over.
    Hard,
    /// A see-also marker alone on its line: the teaser titles under it are furniture too.
    Teaser,
}

/// A line's surface verdict as boilerplate, with the reason shown to users.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Boiler {
    /// Human-readable reason.
    pub reason: &'static str,
    /// Whether the line ends the article.
    pub tail: Tail,
}

/// The shape a line would take if it were article body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Content {
    /// Short line without sentence-final punctuation.
    Heading,
    /// Sentence-like line.
    Paragraph,
    /// Line opened by a bullet or a number marker.
    ListItem {
        /// Opened by `1.`, `2)`, `3-` rather than a bullet glyph.
        numbered: bool,
        /// The text after the marker is heading-shaped (a numbered section title).
        heading_shaped: bool,
    },
    /// Line wholly inside quotation marks.
    Quote,
}

/// Everything known about one line before looking at its neighbours.
#[derive(Clone, Debug)]
pub(crate) struct LineInfo {
    /// 1-based raw line number.
    pub number: usize,
    /// Cleaned text (see `text` module policy).
    pub text: String,
    /// Folded text for comparisons.
    pub folded: String,
    /// Number of words (folded tokens containing a letter).
    pub words: usize,
    /// Letters per script.
    pub scripts: ScriptCounts,
    /// Share of words that are function words.
    pub stop_ratio: f32,
    /// Content shape; `None` for a blank line.
    pub content: Option<Content>,
    /// Surface boilerplate verdict, if any.
    pub boiler: Option<Boiler>,
}

impl LineInfo {
    /// True for a line with no visible text.
    pub(crate) fn is_blank(&self) -> bool {
        self.content.is_none()
    }
}

/// Compiles a pattern literal of this module.
fn re(pattern: &str) -> Regex {
    // Infallible in practice: the patterns are constants exercised by the unit tests.
    Regex::new(pattern).expect("ingest pattern literal compiles")
}

/// Bullet glyphs that open a list item.
const BULLETS: &str = "·•●▪◦‣∙*■□➢►✓✔";
static URL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)https?://\S+|www\.\S+|[a-z0-9-]+\.(?:com|net|org|co|io|me|ly|tv|info)(?:/\S*)?"));
static HANDLE: LazyLock<Regex> = LazyLock::new(|| re(r"(?:^|[\s(])@\w{2,}"));
static HASHTAG: LazyLock<Regex> = LazyLock::new(|| re(r"(?:^|\s)#\w+"));
static TWEET_SIGNATURE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^[—–-]\s*.*\(@\w+\)|pic\.twitter\.com/|\(@\w+\)\s*\w+\s+\d{1,2},\s*\d{4}"));
static CLOSING_PAREN: LazyLock<Regex> = LazyLock::new(|| re(r"\(([^()]{1,60})\)\s*$"));

/// Analyses one raw line on its own.
pub(crate) fn analyse(number: usize, raw: &str) -> LineInfo {
    let (text, folded, scripts) = clean_fold_and_count(raw);
    let (mut words, mut stops) = (0, 0); // one pass over the tokens for both counts
    let stopwords = &LEXICON.stopwords;
    for w in split_spaces(&folded) {
        words += usize::from(has_letter(w));
        stops += usize::from(stopwords.contains(w));
    }
    let stop_ratio = if words == 0 { 0.0 } else { stops as f32 / words as f32 };
    let content = (!text.is_empty()).then(|| content_shape(&text, words));
    let mut info = LineInfo { number, text, folded, words, scripts, stop_ratio, content, boiler: None };
    if !info.is_blank() {
        info.boiler = boilerplate(&info);
    }
    info
}

/// The last character that decides how a line ends, skipping closing quotes and brackets.
fn final_char(text: &str) -> Option<char> {
    text.chars().rev().find(|c| !matches!(c, '"' | '”' | '»' | '\'' | '’' | ')' | ']' | ' '))
}

/// Sentence breaks inside a line: a terminator followed by a space.
fn inner_breaks(text: &str) -> usize {
    let mut count = 0;
    let mut prev_terminal = false;
    for c in text.chars() {
        if c == ' ' && prev_terminal {
            count += 1;
        }
        prev_terminal = matches!(c, '.' | '!' | '?' | '؟');
    }
    count
}

/// True when the line reads as a heading: short, not closed like a sentence or a clause.
pub(crate) fn is_heading_shaped(text: &str, words: usize) -> bool {
    let end = final_char(text);
    (1..=MAX_HEADING_WORDS).contains(&words)
        && !matches!(end, Some('.' | '…' | '،' | ',' | '؛' | ';' | ':'))
        && inner_breaks(text) <= 1
}

/// The text of a list item without its bullet glyph; numbered items keep their number,
/// which carries meaning the block model has no other field for.
pub(crate) fn list_item_text(text: &str) -> &str {
    match list_marker(text) {
        Some((true, rest)) => rest,
        _ => text,
    }
}

/// The list marker opening a line: whether it is a bullet (or dash) rather than a
/// number, and the text after it. A marker is a bullet, a dash, or one or two digits
/// with an optional space and one of `.` `)` `-` `–`; then come spaces and a
/// word. Read by hand from the start of the line: the regex it replaces,
/// `^(?:([BULLETS]|[-–])|[0-9٠-٩]{1,2}\s?[.)\-–])\s+(\S.*)$`, ran its capture
/// groups over the whole line.
fn list_marker(text: &str) -> Option<(bool, &str)> {
    let is_digit = |c: char| c.is_ascii_digit() || matches!(c, '٠'..='٩');
    let mut chars = text.chars();
    let first = chars.next()?;
    let bullet = BULLETS.contains(first) || matches!(first, '-' | '–');
    if !bullet {
        if !is_digit(first) {
            return None;
        }
        let mut rest = chars.as_str();
        rest = rest.strip_prefix(is_digit).unwrap_or(rest);
        rest = rest.strip_prefix(char::is_whitespace).unwrap_or(rest);
        chars = rest.strip_prefix(['.', ')', '-', '–'])?.chars();
    }
    let after = chars.as_str();
    let word = after.trim_start();
    // At least one space, then a word running to the end of the text (`.` stops at a newline).
    (word.len() < after.len() && !word.is_empty() && !word.contains('\n')).then_some((bullet, word))
}

/// Classifies a non-blank line by its shape as body text.
fn content_shape(text: &str, words: usize) -> Content {
    if let Some((bullet, rest)) = list_marker(text) {
        return Content::ListItem { numbered: !bullet, heading_shaped: is_heading_shaped(rest, words) };
    }
    let first = text.chars().next();
    let last = text.trim_end_matches(['.', '،', ',', ' ']).chars().last();
    if matches!(first, Some('"' | '“' | '«' | '„')) && matches!(last, Some('"' | '”' | '»')) && words >= 3 {
        // Only a quote if no closing mark appears before the end (else it is `"x" said y`).
        let inner = &text[first.map_or(0, char::len_utf8)..];
        let closes = inner.matches(['"', '”', '»']).count();
        if closes == 1 {
            return Content::Quote;
        }
    }
    if is_heading_shaped(text, words) { Content::Heading } else { Content::Paragraph }
}

/// Surface-only boilerplate verdict for a non-blank line.
fn boilerplate(line: &LineInfo) -> Option<Boiler> {
    let lx = &*LEXICON;
    let (text, folded, words) = (line.text.as_str(), line.folded.as_str(), line.words);
    let plain = |reason| Some(Boiler { reason, tail: Tail::None });
    let hard = |reason| Some(Boiler { reason, tail: Tail::Hard });
    if line.scripts.letters() == 0 {
        return if line.scripts.digits > 0 {
            plain("bare number (view counter, page number or stray figure)")
        } else {
            plain("no words (separator or symbols)")
        };
    }
    let tokens = split_spaces(folded);
    if line.scripts.digits > 0
        && tokens.clone().all(|t| lx.date_words.contains(t) || t.chars().all(|c| c.is_ascii_digit()))
    {
        return plain("date or time only");
    }
    if lx.ad_labels.contains(folded) {
        return plain("advertisement label");
    }
    // Cheap byte checks guard the regexes: most lines have no '@', '#' or domain.
    // `memchr` rather than `str::contains`, whose byte search is not vectorised.
    let has_at = memchr::memchr(b'@', text.as_bytes()).is_some();
    if (has_at || TWITTER.find(text.as_bytes()).is_some()) && TWEET_SIGNATURE.is_match(text) {
        return plain("embedded tweet (signature or pic.twitter.com link)");
    }
    let hashtags = if memchr::memchr(b'#', text.as_bytes()).is_some() { HASHTAG.find_iter(text).count() } else { 0 };
    if hashtags >= 2 {
        return plain("hashtags (social embed or tag line)");
    }
    let links = if maybe_link(text) { URL.find_iter(text).count() } else { 0 }
        + if has_at { HANDLE.find_iter(text).count() } else { 0 };
    if links > 0 && (words <= 6 || links * 4 >= words) {
        return plain("links or @handles dominate the line");
    }
    let [copyright, disclaimer] = if words <= 40 { lx.footers.found_in(folded) } else { [false; 2] };
    if copyright || text.contains('©') {
        return hard("copyright notice");
    }
    if disclaimer {
        return hard("disclaimer");
    }
    if lx.keywords.any_starts(folded) && (text.contains(':') || words <= 2) {
        return hard("keyword or tag list");
    }
    if words <= 6 && lx.related.any_starts(folded) {
        return hard("related-articles marker: the article ends here");
    }
    if words <= 40 && lx.teasers.any_starts(folded) {
        let alone = lx.teasers.holds(folded);
        let tail = if alone { Tail::Teaser } else { Tail::None };
        return Some(Boiler { reason: "see-also teaser for another article", tail });
    }
    // Only short lines are judged by their social-network words: a long paragraph is not searched.
    let social = if words <= 20 { lx.social.iter().filter(|p| p.find(folded.as_bytes()).is_some()).count() } else { 0 };
    if social >= 2 && words <= 20 {
        return plain("social network links");
    }
    if words <= 8 && lx.follow.any_starts(folded) && (text.ends_with(':') || social >= 1)
        || words <= 12 && (NEWSLETTER_AR.find(folded.as_bytes()).is_some() || has_phrase(folded, &NEWSLETTER_EN))
    {
        return plain("follow, share or newsletter prompt");
    }
    if words <= 4 && line.scripts.digits > 0 && tokens.clone().any(|t| lx.counters.contains(t)) {
        return plain("view counter or reading time");
    }
    if let Some(reason) = byline(line, tokens) {
        return plain(reason);
    }
    if words <= 40 && is_caption(text, folded) {
        return plain("image caption (photo credit)");
    }
    if words >= 20 && line.stop_ratio < 0.1 && !text.contains(['.', '،', ',', '؛', '؟', '?', '!', ':']) {
        return plain("long line without punctuation or function words (run-together menu)");
    }
    if words <= 60 && (COOKIES_AR.find(folded.as_bytes()).is_some() || has_phrase(folded, &COOKIES_EN)) {
        return plain("cookie notice");
    }
    // Separators are counted only on short lines that hold one.
    const SEPARATORS: [char; 6] = ['»', '›', '>', '|', '/', '•'];
    if words <= 20 && text.contains(SEPARATORS) && !text.contains(['.', '،', '؟']) {
        let separators = split_spaces(text).filter(|t| matches!(*t, "»" | "›" | ">" | "|" | "/" | "•")).count();
        if separators >= 2 {
            return plain("breadcrumb or menu (separated links)");
        }
    }
    None
}

/// The words of newsletter and cookie notices and tweets, and a link's scheme, each with a finder made once:
/// nearly every line is searched for them, and a `str::contains` sets its
/// searcher up at every call.
static NEWSLETTER_AR: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("النشره البريديه"));
static NEWSLETTER_EN: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("newsletter"));
static COOKIES_AR: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("ملفات تعريف الارتباط"));
static COOKIES_EN: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("cookies"));
static TWITTER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("twitter.com"));
static SCHEME: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("://"));

/// [`contains_phrase`] for the needle of `finder`, which rules most lines out at once.
fn has_phrase(folded: &str, finder: &Finder<'static>) -> bool {
    let needle = finder.needle();
    finder.find(folded.as_bytes()).is_some()
        && std::str::from_utf8(needle).is_ok_and(|phrase| contains_phrase(folded, phrase))
}

/// Top-level domains that make a line worth matching against [`URL`].
const DOMAINS: [&str; 9] = [".com", ".net", ".org", ".co", ".io", ".me", ".ly", ".tv", ".info"];

/// True when a line may hold a URL (a scheme, `www.` or a common top-level
/// domain). One pass over the line's dots rather than a search per domain.
fn maybe_link(text: &str) -> bool {
    SCHEME.find(text.as_bytes()).is_some()
        || memchr::memchr_iter(b'.', text.as_bytes()).any(|i| {
            let (before, after) = text.split_at(i);
            before.ends_with("www") || DOMAINS.iter().any(|d| after.starts_with(d))
        })
}

/// Bylines, credits and timestamps.
fn byline<'a>(line: &LineInfo, mut tokens: impl Iterator<Item = &'a str>) -> Option<&'static str> {
    let lx = &*LEXICON;
    let (text, folded, words) = (line.text.as_str(), line.folded.as_str(), line.words);
    if words <= 8 {
        for (prefix, needs_colon) in &lx.bylines {
            if starts_with_word(folded, prefix) && (!needs_colon || text.contains([':', '-', '–', '|'])) {
                return Some("byline or source credit");
            }
        }
    }
    if words <= 4 && text.contains(['-', '–', '|', '/', ':']) && tokens.any(|t| lx.credit_words.contains(t)) {
        return Some("byline or source credit");
    }
    if words <= 12 && line.scripts.digits > 0 && lx.timestamps.any_starts(folded) {
        return Some("publication timestamp");
    }
    None
}

/// Photo captions: a closing parenthesis naming an agency, or a "photo:" prefix.
fn is_caption(text: &str, folded: &str) -> bool {
    let lx = &*LEXICON;
    if let Some(c) = CLOSING_PAREN.captures(text) {
        let inside = fold(c.get(1).map_or("", |m| m.as_str()));
        if lx.photo_credits.iter().any(|p| contains_phrase(&inside, p)) {
            return true;
        }
    }
    ["صوره", "الصوره", "photo", "image", "picture"]
        .iter()
        .any(|p| starts_with_word(folded, p) && text.split(' ').next().is_some_and(|w| w.ends_with(':')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boiler(s: &str) -> Option<&'static str> {
        analyse(1, s).boiler.map(|b| b.reason)
    }

    #[test]
    fn recognises_furniture() {
        assert!(boiler("76").is_some());
        assert!(boiler("إعلان").is_some());
        assert!(boiler("12 يناير 2025").is_some());
        assert!(boiler("— Someone (@someone) January 24, 2025").is_some());
        assert!(boiler("مقالات ذات صلة").is_some());
        assert!(boiler("جميع الحقوق محفوظة © 2025").is_some());
        assert!(boiler("المصدر: الجزيرة").is_some());
        assert!(boiler("الرئيس في المؤتمر الصحفي (رويترز)").is_some());
        assert!(boiler("قال الوزير إن الاجتماع كان مثمراً.").is_none());
    }

    proptest::proptest! {
        /// The one-pass check says what a search per pattern says.
        #[test]
        fn maybe_link_is_a_search_per_pattern(text in "([a-z]{0,4}[./:]{0,3}(www|com|net|org|co|io|me|ly|tv|info)?[ ا-ي]{0,3}){0,6}") {
            let searched = text.contains("://")
                || text.contains("www.")
                || DOMAINS.iter().any(|t| text.contains(t));
            proptest::prop_assert_eq!(maybe_link(&text), searched);
        }
    }

    /// The regex `list_marker` replaces, and what it captured.
    fn list_marker_by_pattern(text: &str) -> Option<(bool, &str)> {
        static PATTERN: LazyLock<Regex> =
            LazyLock::new(|| re(&format!(r"^(?:([{BULLETS}]|[-–])|[0-9٠-٩]{{1,2}}\s?[.)\-–])\s+(\S.*)$")));
        let m = PATTERN.captures(text)?;
        Some((m.get(1).is_some(), m.get(2).map_or("", |x| x.as_str())))
    }

    /// Whatever its first character, a line opens a list item when the pattern
    /// said so, with the same text after the marker.
    #[test]
    fn list_markers_are_what_the_pattern_matched_for_every_first_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for text in [format!("{c} x"), format!("{c}. x"), format!("{c}1. x"), format!("{c} - x")] {
                assert_eq!(list_marker(&text), list_marker_by_pattern(&text), "U+{:04X}", c as u32);
            }
        }
    }

    proptest::proptest! {
        /// Markers, digits, spaces and words in any order: the same verdict and text as the pattern.
        #[test]
        fn list_markers_are_what_the_pattern_matched(text in "[-–·*0-9٠-٩.)( \t\u{A0}\u{2003}\nاب]{0,12}") {
            proptest::prop_assert_eq!(list_marker(&text), list_marker_by_pattern(&text));
        }
    }

    #[test]
    fn shapes() {
        assert_eq!(analyse(1, "الخلفية التاريخية").content, Some(Content::Heading));
        assert_eq!(analyse(1, "قال الوزير إن الاجتماع كان مثمراً.").content, Some(Content::Paragraph));
        assert!(matches!(analyse(1, "· بند أول.").content, Some(Content::ListItem { numbered: false, .. })));
        assert!(matches!(
            analyse(1, "1. عنوان مرقم").content,
            Some(Content::ListItem { numbered: true, heading_shaped: true })
        ));
        assert_eq!(analyse(1, "“سوف نلتقي قريباً، وأعتقد أنه جيد.”").content, Some(Content::Quote));
        assert_eq!(list_marker("- بند"), Some((true, "بند")));
        assert_eq!(list_marker("12) بند"), Some((false, "بند")));
        assert_eq!(list_marker("123. بند"), None);
    }
}
