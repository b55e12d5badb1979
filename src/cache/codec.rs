//! One article's ingestion as bytes, and back, in two parts: the head, what
//! `check` needs (the unmatched `clean:` overrides and the kept body), and the
//! document, the whole [`Extraction`]. `build` decodes of a document only the
//! [`ArticleText`] it renders. The cache file keeps all heads before all
//! documents, so `check` reads only the heads.
//!
//! Numbers and lengths are LEB128 varints. A text repeated within the entry is
//! written once: a line whose reason is the line before's, and a block (or list
//! item) whose text is its source line's, store a 0 instead of the text; any
//! other text is stored as its length + 1 and its bytes. Decoding checks every
//! length and every string's UTF-8, so a malformed entry is `None`, never a panic.

use crate::ingest::{ArticleText, Block, Extraction, LineDecision, ListItem, Role};

/// Flag bit of a line's role byte: the line is kept (headline or body).
const KEPT: u8 = 0x80;

/// Tags of the block kinds.
const HEADING: u8 = 0;
const PARAGRAPH: u8 = 1;
const QUOTE: u8 = 2;
const LIST: u8 = 3;

/// Encodes the head of one article's ingestion: what `check` needs.
pub fn encode_head(unmatched: &[String], body: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 16);
    put_len(&mut out, unmatched.len());
    for name in unmatched {
        put_str(&mut out, name);
    }
    put_str(&mut out, body);
    out
}

/// Encodes the document of one article's ingestion: its extraction.
pub fn encode_doc(doc: &Extraction) -> Vec<u8> {
    let lines: usize = doc.lines.iter().map(|d| d.text.len() + 8).sum();
    let mut out = Vec::with_capacity(lines + 64);
    // The title as an optional text: 0 for none.
    put_text(&mut out, doc.title.is_none(), doc.title.as_deref().unwrap_or(""));
    put_len(&mut out, doc.lines.len());
    let mut previous_reason = None;
    for d in &doc.lines {
        put_len(&mut out, d.line);
        put_str(&mut out, &d.text);
        out.push(role_code(d.role) | if d.kept { KEPT } else { 0 });
        put_text(&mut out, previous_reason == Some(&*d.reason), &d.reason);
        previous_reason = Some(&*d.reason);
    }
    let line_text = |line: usize| line_text(&doc.lines, line);
    put_len(&mut out, doc.blocks.len());
    for block in &doc.blocks {
        match block {
            Block::Heading { text, line } | Block::Paragraph { text, line } | Block::Quote { text, line } => {
                out.push(match block {
                    Block::Heading { .. } => HEADING,
                    Block::Paragraph { .. } => PARAGRAPH,
                    _ => QUOTE,
                });
                put_len(&mut out, *line);
                put_text(&mut out, line_text(*line) == Some(text), text);
            }
            Block::List { items } => {
                out.push(LIST);
                put_len(&mut out, items.len());
                for item in items {
                    put_len(&mut out, item.line);
                    put_text(&mut out, line_text(item.line) == Some(&item.text), &item.text);
                }
            }
        }
    }
    out
}

/// The whole of an encoded entry: unmatched overrides, kept body (borrowed
/// from `head`, for the caller to own as it likes) and the article text.
pub fn decode<'a>(head: &'a [u8], doc: &[u8]) -> Option<(Vec<String>, &'a str, ArticleText)> {
    let (unmatched, body) = decode_head(head)?;
    Some((unmatched, body, decode_text(doc)?))
}

/// The [`ArticleText`] of an encoded document. Its lines are read and checked
/// as [`decode_doc`] checks them, but only their texts are kept, borrowed, for
/// the blocks that quote them: the same bytes decode (or fail) the same way.
fn decode_text(bytes: &[u8]) -> Option<ArticleText> {
    let mut r = Reader(bytes);
    let title = r.text()?.map(str::to_owned);
    let count = r.len()?;
    let mut lines: Vec<(usize, &str)> = Vec::with_capacity(count.min(r.0.len()));
    for _ in 0..count {
        let line = r.len()?;
        let n = r.len()?;
        let text = r.str(n)?;
        role_of(r.byte()? & !KEPT)?;
        if r.text()?.is_none() && lines.is_empty() {
            return None; // "the line before's reason", on the first line
        }
        lines.push((line, text));
    }
    let line_text = |line: usize| lines.get(line.wrapping_sub(1)).filter(|l| l.0 == line).map(|l| l.1);
    let blocks = decode_blocks(&mut r, line_text)?;
    r.0.is_empty().then_some(ArticleText { title, blocks })
}

/// The blocks of a document, after its lines; `line_text` gives a line's text.
fn decode_blocks<'t>(r: &mut Reader, line_text: impl Fn(usize) -> Option<&'t str>) -> Option<Vec<Block>> {
    // A text stored as "its line's": that line must exist.
    let text_at = |r: &mut Reader, line: usize| match r.text()? {
        None => line_text(line).map(str::to_owned),
        Some(text) => Some(text.to_owned()),
    };
    let count = r.len()?;
    let mut blocks = Vec::with_capacity(count.min(r.0.len()));
    for _ in 0..count {
        let block = match r.byte()? {
            LIST => {
                let count = r.len()?;
                let mut items = Vec::with_capacity(count.min(r.0.len()));
                for _ in 0..count {
                    let line = r.len()?;
                    items.push(ListItem { text: text_at(r, line)?, line });
                }
                Block::List { items }
            }
            tag => {
                let line = r.len()?;
                let text = text_at(r, line)?;
                match tag {
                    HEADING => Block::Heading { text, line },
                    PARAGRAPH => Block::Paragraph { text, line },
                    QUOTE => Block::Quote { text, line },
                    _ => return None,
                }
            }
        };
        blocks.push(block);
    }
    Some(blocks)
}

/// The whole extraction, from an encoded document (what the codec tests read back).
#[cfg(test)]
fn decode_doc(bytes: &[u8]) -> Option<Extraction> {
    let mut r = Reader(bytes);
    let title = r.text()?.map(str::to_owned);
    let count = r.len()?;
    let mut lines: Vec<LineDecision> = Vec::with_capacity(count.min(r.0.len()));
    for _ in 0..count {
        let line = r.len()?;
        let text = r.string()?;
        let flags = r.byte()?;
        let role = role_of(flags & !KEPT)?;
        let reason = match r.text()? {
            None => lines.last()?.reason.clone(),
            Some(reason) => reason.to_owned().into(),
        };
        lines.push(LineDecision { line, text, kept: flags & KEPT != 0, role, reason });
    }
    let blocks = decode_blocks(&mut r, |line| line_text(&lines, line))?;
    r.0.is_empty().then_some(Extraction { title, blocks, lines })
}

/// The unmatched overrides and the kept body.
pub(super) fn decode_head(bytes: &[u8]) -> Option<(Vec<String>, &str)> {
    let mut r = Reader(bytes);
    let count = r.len()?;
    let mut unmatched = Vec::with_capacity(count.min(bytes.len()));
    for _ in 0..count {
        unmatched.push(r.string()?);
    }
    let n = r.len()?;
    let body = r.str(n)?;
    r.0.is_empty().then_some((unmatched, body))
}

/// The text of line `line` (1-based) of an extraction, when the decisions number it there.
fn line_text(lines: &[LineDecision], line: usize) -> Option<&str> {
    lines.get(line.wrapping_sub(1)).filter(|d| d.line == line).map(|d| d.text.as_str())
}

/// Each role's byte (below [`KEPT`]); a match, so a new role cannot be forgotten.
fn role_code(role: Role) -> u8 {
    match role {
        Role::Title => 0,
        Role::Heading => 1,
        Role::Paragraph => 2,
        Role::ListItem => 3,
        Role::Quote => 4,
        Role::Boilerplate => 5,
        Role::Blank => 6,
    }
}

/// The role a byte (below [`KEPT`]) stands for; `None` for no role.
fn role_of(code: u8) -> Option<Role> {
    [Role::Title, Role::Heading, Role::Paragraph, Role::ListItem, Role::Quote, Role::Boilerplate, Role::Blank]
        .get(usize::from(code))
        .copied()
}

/// Appends `n` as a LEB128 varint.
fn put_len(out: &mut Vec<u8>, n: usize) {
    let mut n = n as u64;
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Appends a string as its length and bytes.
fn put_str(out: &mut Vec<u8>, s: &str) {
    put_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

/// Appends a text that may be written elsewhere: 0 when `same`, else its length + 1 and bytes.
fn put_text(out: &mut Vec<u8>, same: bool, s: &str) {
    if same {
        put_len(out, 0);
    } else {
        put_len(out, s.len() + 1);
        out.extend_from_slice(s.as_bytes());
    }
}

/// A cursor over an entry's bytes; every read fails (`None`) past the end.
pub(super) struct Reader<'a>(pub(super) &'a [u8]);

impl<'a> Reader<'a> {
    pub(super) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    /// A LEB128 varint that fits in a `usize`.
    fn len(&mut self) -> Option<usize> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            let bits = u64::from(b & 0x7f);
            if bits << shift >> shift != bits {
                return None; // more than 64 bits
            }
            value |= bits << shift;
            if b & 0x80 == 0 {
                return usize::try_from(value).ok();
            }
        }
        None
    }

    fn str(&mut self, n: usize) -> Option<&'a str> {
        simdutf8::basic::from_utf8(self.take(n)?).ok()
    }

    /// A text written by [`put_text`]: `None` inside for the 0 that stands
    /// for no title, or for a text written elsewhere.
    fn text(&mut self) -> Option<Option<&'a str>> {
        match self.len()? {
            0 => Some(None),
            n => self.str(n - 1).map(Some),
        }
    }

    fn string(&mut self) -> Option<String> {
        let n = self.len()?;
        self.str(n).map(str::to_owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Extractions as ingestion makes them (reasons repeated, blocks quoting their
    /// lines) and as it never would (texts and line numbers that match nothing).
    fn extraction() -> impl Strategy<Value = Extraction> {
        let role = prop::sample::select(vec![
            Role::Title,
            Role::Heading,
            Role::Paragraph,
            Role::ListItem,
            Role::Quote,
            Role::Boilerplate,
            Role::Blank,
        ]);
        let reason = prop::sample::select(vec!["blank line", "سبب", "", "paragraph inside the body run"]);
        let line = (".{0,12}", any::<bool>(), role, reason, prop::option::of(".{0,4}"));
        let lines = prop::collection::vec(line, 0..12).prop_map(|lines| {
            lines
                .into_iter()
                .enumerate()
                .map(|(i, (text, kept, role, reason, odd))| LineDecision {
                    line: i + 1,
                    text,
                    kept,
                    role,
                    reason: odd.unwrap_or_else(|| reason.to_string()).into(),
                })
                .collect::<Vec<_>>()
        });
        (lines, prop::option::of(".{0,8}"), prop::collection::vec((0..4u8, 0..15usize, ".{0,6}", any::<bool>()), 0..8))
            .prop_map(|(lines, title, blocks)| {
                let text_of = |line: usize, own: String, quote: bool| match line_text(&lines, line) {
                    Some(t) if quote => t.to_string(),
                    _ => own,
                };
                let blocks = blocks
                    .into_iter()
                    .map(|(tag, line, own, quote)| {
                        let text = text_of(line, own, quote);
                        match tag {
                            HEADING => Block::Heading { text, line },
                            PARAGRAPH => Block::Paragraph { text, line },
                            QUOTE => Block::Quote { text, line },
                            _ => Block::List {
                                items: vec![
                                    ListItem { text: text.clone(), line },
                                    ListItem { text: text_of(line + 1, text, quote), line: line + 1 },
                                ],
                            },
                        }
                    })
                    .collect();
                Extraction { title, blocks, lines }
            })
    }

    fn same(a: &Extraction, b: &Extraction) -> bool {
        a.title == b.title && a.blocks == b.blocks && a.lines == b.lines
    }

    proptest! {
        #[test]
        fn an_entry_reads_back_as_written(
            doc in extraction(),
            unmatched in prop::collection::vec("[a-z_\\[\\]0-9]{0,10}", 0..3),
            body in ".{0,40}",
        ) {
            let (head, bytes) = (encode_head(&unmatched, &body), encode_doc(&doc));
            let (u, b, text) = decode(&head, &bytes).expect("decodes");
            prop_assert_eq!(&u, &unmatched);
            prop_assert_eq!(b, body.as_str());
            let d = decode_doc(&bytes).expect("decodes");
            prop_assert!(same(&d, &doc), "{:?} != {:?}", d, doc);
            prop_assert_eq!(text, ArticleText::from(doc));
            prop_assert_eq!(decode_head(&head), Some((unmatched, body.as_str())));
        }

        /// A build's decoding reads as much as the whole one, and refuses what it refuses.
        #[test]
        fn the_article_text_is_the_extractions(doc in extraction(), cut in 0usize..1000, pad in any::<bool>()) {
            let bytes = encode_doc(&doc);
            prop_assert_eq!(decode_text(&bytes), Some(ArticleText::from(doc)));
            let damaged = if pad { [bytes.as_slice(), &[0]].concat() } else { bytes[..cut % bytes.len()].to_vec() };
            prop_assert_eq!(decode_text(&damaged), decode_doc(&damaged).map(ArticleText::from));
        }

        #[test]
        fn a_cut_or_padded_entry_is_refused(doc in extraction(), body in ".{0,20}", cut in 0usize..1000) {
            let (head, bytes) = (encode_head(&["keep[0]".into()], &body), encode_doc(&doc));
            prop_assert!(decode_doc(&bytes[..cut % bytes.len()]).is_none());
            prop_assert!(decode_head(&head[..cut % head.len()]).is_none());
            prop_assert!(decode_doc(&[bytes.as_slice(), &[0]].concat()).is_none());
            prop_assert!(decode_head(&[head.as_slice(), &[0]].concat()).is_none());
        }

        #[test]
        fn any_bytes_decode_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            prop_assert_eq!(decode_text(&bytes), decode_doc(&bytes).map(ArticleText::from));
            let _ = decode_head(&bytes);
        }
    }

    #[test]
    fn repeated_texts_are_stored_once() {
        let doc = crate::ingest::extract(
            "عنوان الخبر المهم اليوم\n\nقال المسؤولون في بيان رسمي إن الاجتماع انتهى دون نتائج واضحة للطرفين.\n\nإعلان\n",
        );
        let body = crate::ingest::body_text(&doc);
        let bytes = encode_doc(&doc);
        let lines: usize = doc.lines.iter().map(|d| d.text.len() + d.reason.len()).sum();
        let blocks: usize = crate::ingest::body_text(&doc).len();
        assert!(!doc.blocks.is_empty());
        assert!(bytes.len() < lines + blocks, "{} bytes", bytes.len());
        assert!(same(&decode_doc(&bytes).unwrap(), &doc));
        assert_eq!(decode(&encode_head(&[], &body), &bytes).unwrap().2, doc.into());
    }

    #[test]
    fn an_overlong_varint_is_refused() {
        assert_eq!(Reader(&[0xff; 11]).len(), None);
        assert_eq!(Reader(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02]).len(), None);
        assert_eq!(Reader(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]).len(), Some(1 << 63));
        let mut out = Vec::new();
        put_len(&mut out, usize::MAX);
        assert_eq!(Reader(&out).len(), Some(usize::MAX));
    }
}
