//! Text → HTML: escaping, bidi isolation of foreign-script runs, entity links
//! and provenance marks inside a passage.
//!
//! On a right-to-left page a Latin run (CENTCOM, a URL, an English name) is
//! wrapped in `<bdi>` so punctuation and numbers around it do not jump; on a
//! left-to-right page an Arabic run is wrapped in `<bdi lang="ar">`.

use crate::model::Dir;
use std::ops::Range;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s);
    out
}

/// [`escape`], appending to `out`: the runs between special characters are copied whole.
pub fn escape_into(out: &mut String, s: &str) {
    escaped_pieces(s).for_each(|piece| out.push_str(piece));
}

/// `s` escaped, in pieces: the runs between the five special characters as
/// they are (some may be empty), each followed by the entity that replaces
/// its special character. Our escaping and Tera's (`values::escape_html`)
/// both write these.
pub fn escaped_pieces(s: &str) -> impl Iterator<Item = &str> {
    let bytes = s.as_bytes();
    let (mut start, mut entity_next) = (Some(0), None);
    std::iter::from_fn(move || {
        if let Some(entity) = entity_next.take() {
            return Some(entity);
        }
        let from = start?;
        let at = next_special(bytes, from);
        match bytes.get(at) {
            Some(&b) => {
                (start, entity_next) = (Some(at + 1), entity(b));
                Some(&s[from..at]) // `b` is ASCII: a character boundary
            }
            None => {
                start = None;
                Some(&s[from..])
            }
        }
    })
}

/// The place of the first byte at or after `from` that [`entity`] replaces,
/// or `bytes.len()`. Eight bytes are tested at a time: most texts have none.
fn next_special(bytes: &[u8], from: usize) -> usize {
    use crate::text::{has_byte, word_at};
    let mut at = from;
    while let Some(w) = word_at(bytes, at) {
        if has_byte(w, b'&') | has_byte(w, b'<') | has_byte(w, b'>') | has_byte(w, b'"') | has_byte(w, b'\'') {
            break;
        }
        at += 8;
    }
    bytes
        .get(at..)
        .and_then(|rest| rest.iter().position(|&b| SPECIAL_BYTES[usize::from(b)]))
        .map_or(bytes.len(), |i| at + i)
}

/// The entity that stands for `b` in HTML text and attribute values, for the
/// five bytes that need one (`&<>"'`); the escaping of our own text and of
/// Tera's output both go through it.
#[inline]
pub fn entity(b: u8) -> Option<&'static str> {
    if !SPECIAL_BYTES[usize::from(b)] {
        return None; // one table lookup for the bytes of nearly every text
    }
    Some(match b {
        b'&' => "&amp;",
        b'<' => "&lt;",
        b'>' => "&gt;",
        b'"' => "&quot;",
        _ => "&#39;",
    })
}

/// The bytes [`entity`] replaces.
const SPECIAL_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 5 {
        table[b"&<>\"'"[i] as usize] = true;
        i += 1;
    }
    table
};

fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '\u{00C0}'..='\u{024F}')
}

/// What [`isolate_into`]'s scan does at a byte.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scan {
    /// Goes on to the next byte.
    Plain,
    /// Writes the byte's entity ([`entity`]).
    Special,
    /// Looks at the character the byte starts: it may start a foreign run.
    MayStart,
    /// Steps over the two bytes of a character of U+0600..U+06FF, which the
    /// byte leads: on a right-to-left page, most of a text.
    ArabicPair,
}

/// [`Scan`] for every byte, on a page written in `dir`. [`Scan::MayStart`] for
/// the bytes a character of the foreign script can start with (any ASCII
/// byte or lead byte starts a character): on a right-to-left page Latin,
/// ASCII letters and U+00C0..U+024F (lead bytes C3..C9); on a left-to-right
/// page Arabic, U+0600..U+077F (D8..DD), U+08A0..U+08FF (E0) and
/// U+FB50..U+FEFF (EF). [`Scan::ArabicPair`] for D8..DB on a right-to-left page.
const fn scan_table(dir: Dir) -> [Scan; 256] {
    let mut table = [Scan::Plain; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        let may_start = match dir {
            Dir::Rtl => byte.is_ascii_alphabetic() || (byte >= 0xC3 && byte <= 0xC9),
            Dir::Ltr => (byte >= 0xD8 && byte <= 0xDD) || byte == 0xE0 || byte == 0xEF,
        };
        table[b] = if SPECIAL_BYTES[b] {
            Scan::Special
        } else if may_start {
            Scan::MayStart
        } else if matches!(dir, Dir::Rtl) && byte >= 0xD8 && byte <= 0xDB {
            Scan::ArabicPair
        } else {
            Scan::Plain
        };
        b += 1;
    }
    table
}

const RTL_SCAN: [Scan; 256] = scan_table(Dir::Rtl);
const LTR_SCAN: [Scan; 256] = scan_table(Dir::Ltr);

/// Escapes `text` and isolates runs written in the other direction's script.
pub fn isolate(text: &str, dir: Dir) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    isolate_into(&mut out, text, dir);
    out
}

/// [`isolate`], appending to `out`.
pub fn isolate_into(out: &mut String, text: &str, dir: Dir) {
    let (foreign, scan): (fn(char) -> bool, &[Scan; 256]) = match dir {
        Dir::Rtl => (is_latin, &RTL_SCAN),
        Dir::Ltr => (is_arabic, &LTR_SCAN),
    };
    let (open, close) = match dir {
        Dir::Rtl => ("<bdi>", "</bdi>"),
        Dir::Ltr => ("<bdi lang=\"ar\">", "</bdi>"),
    };
    // One pass, one table lookup a byte: the page's own script, most of a
    // text, is neither escaped nor decoded. `text[copied..at]` is not yet in `out`.
    let bytes = text.as_bytes();
    let (mut copied, mut at) = (0, 0);
    while let Some(&b) = bytes.get(at) {
        // Plain bytes are tested for first: as the match's first arm alone,
        // the loop took a fifth more instructions (callgrind).
        let class = scan[usize::from(b)];
        if class == Scan::Plain {
            at += 1;
            continue;
        }
        match class {
            Scan::ArabicPair => at += 2,
            Scan::Special => {
                out.push_str(&text[copied..at]); // `b` is ASCII: a character boundary
                out.push_str(entity(b).unwrap_or_default());
                at += 1;
                copied = at;
            }
            Scan::MayStart if !foreign(text[at..].chars().next().unwrap_or_default()) => at += 1,
            Scan::MayStart => {
                out.push_str(&text[copied..at]);
                let run = &text[at..];
                // A run ends on a letter or digit, never on trailing spaces or punctuation.
                let end =
                    run[..run_end(run, dir)].trim_end_matches(|c: char| !(foreign(c) || c.is_alphanumeric())).len();
                out.push_str(open);
                escape_into(out, &run[..end]);
                out.push_str(close);
                at += end;
                copied = at;
            }
            Scan::Plain => at += 1, // tested above
        }
    }
    out.push_str(&text[copied..]);
}

/// Whether `c` continues a foreign run on a page written in `dir` (it may do
/// so without starting one).
fn joins(dir: Dir, c: char) -> bool {
    match dir {
        Dir::Rtl => c.is_ascii_alphanumeric() || " .-_/:@&'’+%#?=~".contains(c) || is_latin(c),
        Dir::Ltr => is_arabic(c) || c == ' ' || c.is_ascii_digit() || "،؛.-".contains(c) || c == '\u{200C}',
    }
}

/// Where a foreign run stops: the first character that does not [`joins`] it,
/// found byte by byte for the characters that always join (on a left-to-right
/// page, the Arabic block, spaces and digits: whole Arabic paragraphs; on a
/// right-to-left page, ASCII letters, digits and URL punctuation).
fn run_end(run: &str, dir: Dir) -> usize {
    let bytes = run.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let step = match dir {
            // U+0600..U+06FF, the Arabic block: lead bytes D8..DB.
            Dir::Ltr if (0xD8..=0xDB).contains(&b) => 2,
            Dir::Ltr if matches!(b, b' ' | b'0'..=b'9' | b'.' | b'-') => 1,
            Dir::Rtl if b.is_ascii_alphanumeric() || b" .-_/:@&'+%#?=~".contains(&b) => 1,
            _ => match run[i..].chars().next() {
                Some(c) if joins(dir, c) => c.len_utf8(),
                _ => return i,
            },
        };
        i += step;
    }
    bytes.len()
}

/// An annotation of a byte range of a passage.
#[derive(Debug, Clone)]
pub enum Span {
    /// A link, e.g. to an entity page.
    Link {
        /// Range in the text.
        range: Range<usize>,
        /// Target (already relative to the page).
        href: String,
    },
    /// Quoted words a figure or event rests on.
    Mark {
        /// Range in the text.
        range: Range<usize>,
    },
}

impl Span {
    fn range(&self) -> &Range<usize> {
        match self {
            Span::Link { range, .. } | Span::Mark { range } => range,
        }
    }
}

/// Renders a passage with its links and marks. Marks win: a link that would
/// cross a mark's edge is dropped, so the HTML always nests.
pub fn annotate(text: &str, spans: &[Span], dir: Dir) -> String {
    annotate_noting(text, spans, dir, &mut Vec::new())
}

/// [`annotate`], noting in `hrefs` where each link's target starts in the
/// HTML: what the links of every page share is written once, and each page
/// inserts its own way to them there.
pub fn annotate_noting(text: &str, spans: &[Span], dir: Dir, hrefs: &mut Vec<usize>) -> String {
    let marks: Vec<&Range<usize>> =
        spans.iter().filter_map(|s| if let Span::Mark { range } = s { Some(range) } else { None }).collect();
    let crosses = |r: &Range<usize>, m: &Range<usize>| {
        let overlaps = r.start < m.end && m.start < r.end;
        let nested = (m.start <= r.start && r.end <= m.end) || (r.start <= m.start && m.end <= r.end);
        overlaps && !nested
    };
    let mut kept: Vec<&Span> = spans
        .iter()
        .filter(|s| s.range().start < s.range().end && s.range().end <= text.len())
        .filter(|s| matches!(s, Span::Mark { .. }) || !marks.iter().any(|m| crosses(s.range(), m)))
        .collect();
    // Outer spans first; drop any remaining overlap between spans of the same kind.
    kept.sort_by(|a, b| a.range().start.cmp(&b.range().start).then(b.range().end.cmp(&a.range().end)));
    let mut out = String::with_capacity(text.len() * 2);
    let mut stack: Vec<(usize, &'static str)> = Vec::new();
    let mut at = 0;
    for span in kept {
        let r = span.range();
        if r.start < at {
            continue; // overlaps a span already written
        }
        while let Some(&(end, close)) = stack.last() {
            if end > r.start {
                break;
            }
            isolate_into(&mut out, &text[at..end], dir);
            out.push_str(close);
            at = end;
            stack.pop();
        }
        if let Some(&(end, _)) = stack.last()
            && r.end > end
        {
            continue; // would not nest inside the open span
        }
        isolate_into(&mut out, &text[at..r.start], dir);
        at = r.start;
        match span {
            Span::Link { href, .. } => {
                out.push_str("<a href=\"");
                hrefs.push(out.len());
                escape_into(&mut out, href);
                out.push_str("\">");
                stack.push((r.end, "</a>"));
            }
            Span::Mark { .. } => {
                out.push_str("<mark>");
                stack.push((r.end, "</mark>"));
            }
        }
    }
    while let Some((end, close)) = stack.pop() {
        isolate_into(&mut out, &text[at..end], dir);
        out.push_str(close);
        at = end;
    }
    isolate_into(&mut out, &text[at..], dir);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_runs_are_isolated_on_rtl_pages() {
        assert_eq!(isolate("أعلنت CENTCOM، أمس", Dir::Rtl), "أعلنت <bdi>CENTCOM</bdi>، أمس");
        assert_eq!(isolate("موقع https://x.org/a.", Dir::Rtl), "موقع <bdi>https://x.org/a</bdi>.");
        assert_eq!(isolate("<b>", Dir::Rtl), "&lt;<bdi>b</bdi>&gt;");
    }

    /// [`isolate_into`] as written with the character tests alone: find the
    /// first foreign character, escape what comes before, isolate its run.
    fn isolate_reference(text: &str, dir: Dir) -> String {
        let foreign: fn(char) -> bool = if dir == Dir::Rtl { is_latin } else { is_arabic };
        let (open, close) = if dir == Dir::Rtl { ("<bdi>", "</bdi>") } else { ("<bdi lang=\"ar\">", "</bdi>") };
        let (mut out, mut rest) = (String::new(), text);
        while let Some(start) = rest.find(foreign) {
            out.push_str(&escape(&rest[..start]));
            let run = &rest[start..];
            let end = run.char_indices().find(|&(_, c)| !joins(dir, c)).map_or(run.len(), |(i, _)| i);
            let end = run[..end].trim_end_matches(|c: char| !(foreign(c) || c.is_alphanumeric())).len();
            out.push_str(&format!("{open}{}{close}", escape(&run[..end])));
            rest = &run[end..];
        }
        out + &escape(rest)
    }

    #[test]
    fn the_byte_scan_isolates_what_the_character_tests_isolate() {
        let sample = "قال CENTCOM «x» é ĀɏɐÀ ﻼ ﭐ ࢠ ݐ ܐ Ω 😀 abc ١٢ <a href=\"x\">'&'</a>";
        for dir in [Dir::Rtl, Dir::Ltr] {
            for (i, _) in sample.char_indices() {
                assert_eq!(isolate(&sample[i..], dir), isolate_reference(&sample[i..], dir), "{i}, {dir:?}");
            }
        }
        for c in (0..0x30000).filter_map(char::from_u32) {
            for dir in [Dir::Rtl, Dir::Ltr] {
                for s in [format!("{c}a&"), format!("ب{c}ب<"), format!("{c}")] {
                    assert_eq!(isolate(&s, dir), isolate_reference(&s, dir), "{c:?} in {s:?}, {dir:?}");
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn mixed_text_is_isolated_as_the_character_tests_say(
            text in "[\u{0600}-\u{06FF} a-zA-Z0-9.,:«»&<>\"'\u{00C0}-\u{024F}\u{0750}-\u{077F}\u{FB50}-\u{FEFF}\u{200C}/-]{0,40}"
        ) {
            for dir in [Dir::Rtl, Dir::Ltr] {
                proptest::prop_assert_eq!(isolate(&text, dir), isolate_reference(&text, dir));
            }
        }
    }

    #[test]
    fn the_run_scan_stops_where_the_character_test_stops() {
        let slow = |s: &str, dir| s.char_indices().find(|&(_, c)| !joins(dir, c)).map_or(s.len(), |(i, _)| i);
        for c in (0..0x30000).filter_map(char::from_u32) {
            for dir in [Dir::Rtl, Dir::Ltr] {
                for s in [format!("{c}"), format!("ab{c}1 "), format!("قس{c}د ١")] {
                    assert_eq!(run_end(&s, dir), slow(&s, dir), "{c:?} in {s:?}, {dir:?}");
                }
            }
        }
    }

    #[test]
    fn escaping_replaces_the_five_characters_alone() {
        for c in (0..0x800).filter_map(char::from_u32) {
            let text = format!("a{c}b");
            assert_eq!(escape(&text), escape_reference(&text), "{c:?}");
        }
    }

    /// Each of the five characters replaced on its own, one character at a time.
    fn escape_reference(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '&' => "&amp;".to_string(),
                '<' => "&lt;".to_string(),
                '>' => "&gt;".to_string(),
                '"' => "&quot;".to_string(),
                '\'' => "&#39;".to_string(),
                c => c.to_string(),
            })
            .collect()
    }

    /// Each special character at every place of a text longer than the
    /// eight bytes tested at once, after ASCII or Arabic.
    #[test]
    fn escaping_finds_a_special_character_anywhere() {
        for filler in ["a", "ب"] {
            for special in ["&", "<", ">", "\"", "'"] {
                for at in 0..24 {
                    let text = format!("{}{special}{}", filler.repeat(at), filler.repeat(24 - at));
                    assert_eq!(escape(&text), escape_reference(&text), "{text:?}");
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn escaping_replaces_what_the_character_test_replaces(s in "[&<>\"'a-z \u{0600}-\u{06FF}\u{80}-\u{FF}]{0,60}") {
            proptest::prop_assert_eq!(escape(&s), escape_reference(&s));
        }
    }

    #[test]
    fn arabic_runs_are_isolated_on_ltr_pages() {
        assert_eq!(isolate("The SDF («قسد»), 2025", Dir::Ltr), "The SDF («<bdi lang=\"ar\">قسد</bdi>»), 2025");
        assert_eq!(isolate("no arabic", Dir::Ltr), "no arabic");
    }

    #[test]
    fn links_and_marks_nest_or_links_give_way() {
        let text = "قال داعش إن 80 عملية";
        let d = text.find("داعش").unwrap();
        let n = text.find("80").unwrap();
        let spans = vec![
            Span::Link { range: d..d + "داعش".len(), href: "e/isis/".into() },
            Span::Mark { range: n..text.len() },
            Span::Link { range: n - 1..n + 2, href: "x".into() }, // crosses the mark: dropped
        ];
        let html = annotate(text, &spans, Dir::Rtl);
        assert_eq!(html, "قال <a href=\"e/isis/\">داعش</a> إن <mark>80 عملية</mark>");
    }

    proptest::proptest! {
        /// What the article pages of every language share: their way to the
        /// entity folder, inserted where [`annotate_noting`] noted each link's
        /// target, gives the HTML [`annotate`] makes with the whole targets.
        #[test]
        fn a_prefix_inserted_where_noted_is_the_prefixed_links(
            text in "[اب دA<&]{0,16}",
            spans in proptest::collection::vec((0usize..40, 0usize..40, proptest::option::of("[a-z&/]{0,4}")), 0..6),
            prefix in "[./a-z&\"]{0,8}",
        ) {
            let boundary = |i: usize| (0..=i.min(text.len())).rev().find(|&b| text.is_char_boundary(b)).unwrap_or(0);
            let spans: Vec<(std::ops::Range<usize>, Option<String>)> = spans
                .into_iter()
                .map(|(a, b, href)| (boundary(a.min(b))..boundary(a.max(b)), href))
                .collect();
            let make = |prefix: &str| -> Vec<Span> {
                spans
                    .iter()
                    .map(|(range, href)| match href {
                        Some(href) => Span::Link { range: range.clone(), href: format!("{prefix}{href}") },
                        None => Span::Mark { range: range.clone() },
                    })
                    .collect()
            };
            let mut hrefs = Vec::new();
            let shared = annotate_noting(&text, &make(""), Dir::Rtl, &mut hrefs);
            let mut escaped = String::new();
            escape_into(&mut escaped, &prefix);
            let mut inserted = String::new();
            let mut at = 0;
            for &i in &hrefs {
                inserted.extend([&shared[at..i], &escaped]);
                at = i;
            }
            inserted.push_str(&shared[at..]);
            proptest::prop_assert_eq!(inserted, annotate(&text, &make(&prefix), Dir::Rtl));
        }
    }

    #[test]
    fn link_inside_mark_nests() {
        let text = "أحبطت دمشق الهجوم";
        let m = 0..text.len();
        let d = text.find("دمشق").unwrap();
        let spans = vec![Span::Link { range: d..d + "دمشق".len(), href: "d".into() }, Span::Mark { range: m }];
        assert_eq!(annotate(text, &spans, Dir::Rtl), "<mark>أحبطت <a href=\"d\">دمشق</a> الهجوم</mark>");
    }
}
