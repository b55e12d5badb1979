//! The index: documents with the short texts results show, and for every
//! term the documents that contain it with a weight.
//!
//! Written as one script that sets `window.NASHRA_SEARCH_INDEX`:
//!
//! ```text
//! { lang, dirs: {code: "rtl"|"ltr"}, kinds: [label],
//!   docs: [[kind, url, title lang, title, [[lang, text], …], has passages (0|1)], …],
//!   terms: [term, …],                sorted by UTF-16 code units, as JS compares
//!   postings: [[doc gap × 16 + weight, …], …],   one list per term
//!   shard_size, shards: [url, …] }
//! ```
//!
//! Passages (an article's original text, most of the bytes) are indexed but
//! stored apart, in text shards of [`SHARD_SIZE`] consecutive documents, each
//! a script that sets `window.NASHRA_SEARCH_TEXT[k] = {doc id: [[lang, text,
//! anchor], …]}`. The page loads a shard only to cut a snippet from it, so the
//! index the page loads first stays small.
//!
//! A doc gap is the id minus the previous id in the list (the first is the id
//! itself), which keeps numbers short. The weight adds up, for every field the
//! term occurs in, its occurrences times the field's weight, capped at
//! [`MAX_WEIGHT`] so that it packs with the gap into one number (scores grow
//! with the log of the weight, so the cap costs little). The short field texts
//! are stored so the page can show and mark a snippet without another file.

use super::terms::for_each_folded_term;
use crate::site::{BodyBlock, Passage};
use crate::text::fold;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Weight of a term in a title.
pub const TITLE_WEIGHT: u32 = 8;

/// Highest weight a posting stores.
pub const MAX_WEIGHT: u32 = 15;

/// Documents per text shard: a page of results touches few shards, each small.
pub const SHARD_SIZE: usize = 20;

/// A text of a document, searched and shown in snippets.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub struct Field {
    /// Language the text is in.
    pub lang: String,
    /// Plain text (an article's passages share theirs with the model).
    pub text: std::sync::Arc<str>,
    /// How much a match here counts.
    pub weight: u32,
}

/// One search result to be: an article, a topic or an entity.
#[derive(Debug, Clone)]
pub struct Document {
    /// Kind, as the reader reads it ("Article", "Person").
    pub kind: String,
    /// Link from the search page.
    pub url: String,
    /// Language of the title.
    pub title_lang: String,
    /// Title, plain text.
    pub title: String,
    /// Searched texts stored in the index, in the order snippets prefer them.
    pub fields: Vec<Field>,
    /// Searched text stored in text shards (an article's original text).
    pub passages: Passages,
    /// The [`passage_weights`] of `passages`, when they were counted before
    /// (an article's, as its passages were linked): made of the passages, so
    /// not part of the document's hash.
    pub counted: Option<Arc<Weights>>,
}

impl std::hash::Hash for Document {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        let Document { kind, url, title_lang, title, fields, passages, counted: _ } = self;
        (kind, url, title_lang, title, fields, passages).hash(h);
    }
}

/// A document's original text, passage by passage, searched with
/// [`PASSAGE_WEIGHT`] and stored in text shards rather than in the index: an
/// article's body, shared with the model and between the languages' documents
/// (a list of its own per document and language was ~35 MB a language, and a
/// million small allocations, at 10,000 articles). Empty for other documents.
#[derive(Debug, Clone, Default)]
pub struct Passages {
    /// Language the text is in.
    pub lang: String,
    /// The body whose passages these are.
    pub body: Arc<Vec<BodyBlock>>,
}

impl Passages {
    /// Each passage: its anchor on the page (`p12`) and its text, in reading order.
    pub fn iter(&self) -> impl Iterator<Item = &Passage> {
        crate::site::passages_of(&self.body)
    }

    /// Whether there is a passage.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// The cells of a passage as the text shards store it: `[lang, text, anchor]`.
    fn cells<'p>(&'p self, p: &'p Passage) -> [&'p str; 3] {
        [&self.lang, &p.text, &p.id]
    }
}

#[cfg(test)]
impl Passages {
    /// Paragraphs in `lang`, each given by its anchor and text.
    pub fn paragraphs(lang: &str, list: &[(&str, &str)]) -> Passages {
        let paragraph = |&(id, text): &(&str, &str)| BodyBlock::Paragraph(Passage { id: id.into(), text: text.into() });
        Passages { lang: lang.into(), body: Arc::new(list.iter().map(paragraph).collect()) }
    }
}

impl PartialEq for Passages {
    fn eq(&self, other: &Passages) -> bool {
        self.lang == other.lang && (Arc::ptr_eq(&self.body, &other.body) || self.iter().eq(other.iter()))
    }
}

impl std::hash::Hash for Passages {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.lang.hash(h);
        for p in self.iter() {
            (&p.id, &p.text).hash(h);
        }
        self.iter().count().hash(h);
    }
}

/// A field as the index script stores it: `[lang, text]`.
fn field_row(f: &Field) -> [&str; 2] {
    [&f.lang, &f.text]
}

/// The text shards of `docs`: shard k holds the passages of documents
/// `k * SHARD_SIZE ..`, by id; a shard is written even when empty, so that
/// shard k is always the k-th.
#[cfg(test)]
pub fn text_shards(docs: &[Document]) -> Vec<String> {
    docs.chunks(SHARD_SIZE).enumerate().map(|(k, chunk)| text_shard(k, chunk)).collect()
}

/// Text shard `k` of [`text_shards`], made of its documents `chunk`: the
/// passages by document id, `{"id":[[lang, text, anchor], …], …}`, written
/// by hand as serde_json wrote the map (nearly all of it is the texts, which
/// [`push_json_str`] escapes faster).
pub fn text_shard(k: usize, chunk: &[Document]) -> String {
    let texts: usize = chunk.iter().flat_map(|d| d.passages.iter()).map(|p| p.text.len() + 24).sum();
    let mut out = Vec::with_capacity(texts + 96);
    out.extend_from_slice(b"(window.NASHRA_SEARCH_TEXT = window.NASHRA_SEARCH_TEXT || {})[");
    push_number(&mut out, k as u64);
    out.extend_from_slice(b"] = {");
    let with_passages = chunk.iter().enumerate().filter(|(_, d)| !d.passages.is_empty());
    for (n, (i, d)) in with_passages.enumerate() {
        out.extend_from_slice(if n > 0 { b",\"" } else { b"\"" });
        push_number(&mut out, (k * SHARD_SIZE + i) as u64);
        out.extend_from_slice(b"\":[");
        for (j, p) in d.passages.iter().enumerate() {
            out.extend_from_slice(if j > 0 { b",[" } else { b"[" });
            for (m, text) in d.passages.cells(p).into_iter().enumerate() {
                if m > 0 {
                    out.push(b',');
                }
                push_json_str(&mut out, text);
            }
            out.push(b']');
        }
        out.push(b']');
    }
    out.extend_from_slice(b"};\n");
    // Only UTF-8 went in: the texts, and ASCII around them.
    crate::load::utf8_string(out).unwrap_or_default()
}

/// Appends `s` as a JSON string, byte for byte as serde_json writes it: `"`
/// and `\` escaped with a backslash, control characters as `\n`, `\t`, …
/// or `\u00XX`, everything else as it is. Eight bytes are tested at a time
/// for one that needs escaping: in the texts, nearly none does.
fn push_json_str(out: &mut Vec<u8>, s: &str) {
    use crate::text::{has_byte, has_byte_below, word_at};
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let (mut copied, mut at) = (0, 0);
    while at < bytes.len() {
        if let Some(w) = word_at(bytes, at)
            && !(has_byte_below(w, 0x20) | has_byte(w, b'"') | has_byte(w, b'\\'))
        {
            at += 8;
            continue;
        }
        let b = bytes[at];
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\t' => b"\\t",
            b'\r' => b"\\r",
            0x08 => b"\\b",
            0x0C => b"\\f",
            0..0x20 => &[b'\\', b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xF)]],
            _ => {
                at += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[copied..at]);
        out.extend_from_slice(escape);
        at += 1;
        copied = at;
    }
    out.extend_from_slice(&bytes[copied..]);
    out.push(b'"');
}

/// Hexadecimal digits as serde_json writes them in `\u00XX`.
const HEX: [u8; 16] = *b"0123456789abcdef";

/// Terms, each with a weight, in no order, stored in one buffer: one
/// allocation for all of a document's terms rather than one per term.
#[derive(Debug, Default)]
pub struct Weights {
    /// The terms, one after another.
    text: String,
    /// Each term's end in `text`, and its weight: four bytes each, not eight
    /// and four (padded to sixteen), for the terms of every document are held
    /// at once (a build's peak RSS at 10,000 articles was 58 MB higher with
    /// `usize` ends). One document's distinct terms are far from 4 GiB.
    terms: Vec<(u32, u32)>,
}

impl Weights {
    /// The (term, weight) pairs.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        let mut start = 0;
        self.terms.iter().map(move |&(end, weight)| {
            let end = end as usize;
            let term = &self.text[start..end];
            start = end;
            (term, weight)
        })
    }
}

/// A document's terms with their weights: those of its title and fields, and
/// those of its passages, which the languages' documents of an article share.
/// A term in both counts both weights (see [`Index::add`]).
#[derive(Debug)]
pub struct DocWeights {
    fields: Weights,
    passages: Arc<Weights>,
}

/// The [`DocWeights`] of one document: its title and every field and passage.
#[cfg(test)]
pub fn weights(doc: &Document) -> DocWeights {
    weights_with(doc, &Arc::new(passage_weights(doc)))
}

/// How much a match in a passage (an article's original text) counts.
pub const PASSAGE_WEIGHT: u32 = 1;

/// The weights of a document's passages alone. An article's passages (its
/// original text, most of the words) are the same in every language's index:
/// counted once, they are shared by the languages' [`weights_with`].
pub fn passage_weights(doc: &Document) -> Weights {
    sum(doc.passages.iter().map(|p| (&*p.text, PASSAGE_WEIGHT)))
}

/// [`passage_weights`] of passages of [`PASSAGE_WEIGHT`] given folded
/// ([`fold`]): an article's, which linking folds to find mentions in.
pub fn folded_passage_weights<'t>(folded: impl Iterator<Item = &'t str> + Clone) -> Weights {
    sum_folded(folded.map(|text| (text, PASSAGE_WEIGHT)))
}

/// [`weights`] of a document whose [`passage_weights`] are given.
pub fn weights_with(doc: &Document, passages: &Arc<Weights>) -> DocWeights {
    let texts =
        std::iter::once((doc.title.as_str(), TITLE_WEIGHT)).chain(doc.fields.iter().map(|f| (&*f.text, f.weight)));
    DocWeights { fields: sum(texts), passages: passages.clone() }
}

/// The terms of `texts`, each with its text's weight per occurrence added up.
fn sum<'t>(texts: impl Iterator<Item = (&'t str, u32)>) -> Weights {
    let folded: Vec<(String, u32)> = texts.map(|(text, weight)| (fold(text), weight)).collect();
    sum_folded(folded.iter().map(|(text, weight)| (text.as_str(), *weight)))
}

/// [`sum`] of texts folded already.
fn sum_folded<'t>(folded: impl Iterator<Item = (&'t str, u32)> + Clone) -> Weights {
    // The map borrows its keys from the folded texts: a term is copied once,
    // into the result, however often it occurs.
    // About one new term per 16 bytes of text (words of 5 letters, 2 bytes each, repeating).
    let expected = folded.clone().map(|(text, _)| text.len()).sum::<usize>() / 16;
    let mut weights: rustc_hash::FxHashMap<Cow<str>, u32> =
        rustc_hash::FxHashMap::with_capacity_and_hasher(expected, Default::default());
    for (text, weight) in folded {
        for_each_folded_term(text, |term| *weights.entry(term).or_insert(0) += weight);
    }
    let mut out = Weights {
        text: String::with_capacity(weights.keys().map(|t| t.len()).sum()),
        terms: Vec::with_capacity(weights.len()),
    };
    for (term, weight) in weights {
        out.text.push_str(&term);
        out.terms.push((out.text.len() as u32, weight));
    }
    out
}

/// One term's postings, in id order: each a document id and its weight in
/// one number ([`posting`]). Four bytes a posting rather than eight: the
/// postings of every term of a language's index are held at once (33 MB less
/// at 10,000 articles).
type Postings = Vec<u32>;

/// Bits of a [`posting`] that hold the weight.
const WEIGHT_BITS: u32 = 4;
const _: () = assert!(MAX_WEIGHT < 1 << WEIGHT_BITS);

/// A document id and a weight as one number, the weight capped at
/// [`MAX_WEIGHT`] as the script stores it (capping a sum's parts first
/// caps the sum the same: weights are not negative). The id keeps the other
/// 28 bits: a site has far fewer than 268 million documents.
fn posting(id: u32, weight: u32) -> u32 {
    id << WEIGHT_BITS | weight.min(MAX_WEIGHT)
}

/// The document id and the weight of a [`posting`].
fn unpack(posting: u32) -> (u32, u32) {
    (posting >> WEIGHT_BITS, posting & MAX_WEIGHT)
}

/// Term → (document id, weight), documents in id order. A site's distinct
/// terms are few (~13,000 in a language at 10,000 articles), so the index
/// owns its terms: the documents' weights can be let go as they are added.
#[derive(Debug, Default)]
pub struct Index {
    /// Postings by term. Hashed, not sorted: the script orders terms as JS
    /// compares them, which is not Rust's string order anyway.
    pub postings: rustc_hash::FxHashMap<Box<str>, Postings>,
}

impl Index {
    /// Indexes documents given by their [`weights`], in id order.
    #[cfg(test)]
    pub fn from_weights<'w>(docs: impl Iterator<Item = &'w DocWeights>) -> Index {
        let mut index = Index::default();
        for (id, doc) in docs.enumerate() {
            index.add(u32::try_from(id).unwrap_or(u32::MAX), doc);
        }
        index
    }

    /// Adds document `id`, given by its [`weights`]: after every document of a
    /// lower id, before every one of a higher.
    pub fn add(&mut self, id: u32, doc: &DocWeights) {
        // Looked up before a term is copied: nearly every term is there already.
        for (term, weight) in doc.fields.iter() {
            match self.postings.get_mut(term) {
                Some(list) => {
                    debug_assert!(list.last().is_none_or(|&last| unpack(last).0 < id), "documents in id order");
                    list.push(posting(id, weight));
                }
                None => drop(self.postings.insert(term.into(), vec![posting(id, weight)])),
            }
        }
        // A term of the passages that is in the fields too already has this
        // document's posting, always the last: add to it.
        for (term, weight) in doc.passages.iter() {
            match self.postings.get_mut(term) {
                Some(list) => match list.last_mut() {
                    Some(last) if unpack(*last).0 == id => *last = posting(id, unpack(*last).1 + weight),
                    last => {
                        debug_assert!(last.is_none_or(|last| unpack(*last).0 < id), "documents in id order");
                        list.push(posting(id, weight));
                    }
                },
                None => drop(self.postings.insert(term.into(), vec![posting(id, weight)])),
            }
        }
    }

    /// The index as a script for the search page of `lang`. `dirs` gives the
    /// direction of every language code the texts may be in; `shards` the
    /// links to the [`text_shards`] from the search page.
    pub fn to_script(&self, docs: &[Document], lang: &str, dirs: &BTreeMap<String, &str>, shards: &[String]) -> String {
        let mut kinds: Vec<&str> = Vec::new();
        let docs: Vec<DocRow> = docs
            .iter()
            .map(|d| {
                let kind = kinds.iter().position(|k| *k == d.kind).unwrap_or_else(|| {
                    kinds.push(&d.kind);
                    kinds.len() - 1
                });
                let fields = d.fields.iter().map(field_row).collect();
                (kind, &d.url, &d.title_lang, &d.title, fields, u8::from(!d.passages.is_empty()))
            })
            .collect();
        let mut terms: Vec<(&str, &Postings)> = self.postings.iter().map(|(t, list)| (&**t, list)).collect();
        sort_as_js(&mut terms);
        // Written by hand, in the order and form serde_json gave the whole
        // object: most of the bytes are the terms and the postings' numbers,
        // which need no intermediate values.
        // Sized for the whole script (about six bytes a posting) so that tens of
        // megabytes are not copied, and fresh memory zeroed, at each doubling.
        let postings: usize = terms.iter().map(|(_, list)| list.len()).sum();
        let mut out: Vec<u8> = Vec::with_capacity(64 + terms.len() * 24 + postings * 6 + docs.len() * 160);
        out.extend_from_slice(b"/* nashra search index (");
        out.extend_from_slice(lang.as_bytes());
        out.extend_from_slice(
            b"): read by search.js; see src/search/index.rs for the layout. */\nwindow.NASHRA_SEARCH_INDEX = ",
        );
        out.extend_from_slice(b"{\"lang\":");
        json(&mut out, &lang);
        out.extend_from_slice(b",\"dirs\":");
        json(&mut out, dirs);
        out.extend_from_slice(b",\"kinds\":");
        json(&mut out, &kinds);
        out.extend_from_slice(b",\"docs\":");
        json(&mut out, &docs);
        out.extend_from_slice(b",\"terms\":[");
        for (i, (term, _)) in terms.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_json_str(&mut out, term);
        }
        out.extend_from_slice(b"],\"postings\":[");
        for (i, (_, list)) in terms.iter().enumerate() {
            out.extend_from_slice(if i > 0 { b",[" } else { b"[" });
            let mut previous = 0;
            for (j, (id, weight)) in list.iter().map(|&p| unpack(p)).enumerate() {
                if j > 0 {
                    out.push(b',');
                }
                let gap = u64::from(id - previous);
                previous = id;
                push_number(&mut out, gap * u64::from(MAX_WEIGHT + 1) + u64::from(weight));
            }
            out.push(b']');
        }
        out.extend_from_slice(b"],\"shard_size\":");
        push_number(&mut out, SHARD_SIZE as u64);
        out.extend_from_slice(b",\"shards\":");
        json(&mut out, &shards);
        out.extend_from_slice(b"};\n");
        // Only UTF-8 went in: strings from serde_json and push_json_str, ASCII around them.
        crate::load::utf8_string(out).unwrap_or_default()
    }
}

/// Sorts terms by UTF-16 code units, as JS compares strings, so that the
/// page can binary-search them. Terms are distinct, so an unstable sort gives
/// the one order.
fn sort_as_js(terms: &mut [(&str, &Postings)]) {
    // UTF-8 bytes compare as code points, which is UTF-16 order unless a
    // character at or above U+E000 (lead byte 0xEE or more) meets one above
    // U+FFFF: without such characters the bytes can be compared directly.
    if terms.iter().all(|(t, _)| t.bytes().all(|b| b < 0xEE)) {
        terms.sort_unstable_by(|a, b| a.0.cmp(b.0));
    } else {
        terms.sort_unstable_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    }
}

/// Appends `value` as serde_json writes it.
fn json(out: &mut Vec<u8>, value: &(impl Serialize + ?Sized)) {
    // Writing strings, numbers, lists and maps of them into memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, value);
}

/// Appends a number in decimal.
fn push_number(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

type DocRow<'a> = (usize, &'a String, &'a String, &'a String, Vec<[&'a str; 2]>, u8);

/// Plain text of Markdown: the words, blocks separated by a line break.
pub fn plain_text(md: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut out = String::with_capacity(md.len());
    for event in Parser::new(md) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => out.push('\n'),
            _ => {}
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &str, body: &str) -> Document {
        Document {
            kind: "Article".into(),
            url: "../a/index.html".into(),
            title_lang: "ar".into(),
            title: title.into(),
            fields: vec![],
            passages: Passages::paragraphs("ar", &[("p3", body)]),
            counted: None,
        }
    }

    #[test]
    fn postings_weigh_title_above_body() {
        let docs = [doc("التحالف الدولي", "قال إن داعش"), doc("سوريا", "انضمت للتحالف والتحالف")];
        let weights: Vec<DocWeights> = docs.iter().map(weights).collect();
        let index = Index::from_weights(weights.iter());
        let pairs = |term: &str| index.postings[term].iter().map(|&p| unpack(p)).collect::<Vec<_>>();
        assert_eq!(pairs("تحالف"), [(0, TITLE_WEIGHT), (1, 2)]);
        assert_eq!(pairs("داعش"), [(0, 1)]);
    }

    #[test]
    fn weights_are_capped_as_the_script_stores_them() {
        let often = ["داعش"; 20].join(" ");
        let docs = [doc("داعش", &often), doc("سوريا", "داعش داعش")];
        let weights: Vec<DocWeights> = docs.iter().map(weights).collect();
        let index = Index::from_weights(weights.iter());
        let pairs: Vec<(u32, u32)> = index.postings["داعش"].iter().map(|&p| unpack(p)).collect();
        assert_eq!(pairs, [(0, MAX_WEIGHT), (1, 2)], "8 + 20 capped at 15; 2 as it is");
        assert_eq!(unpack(posting(1 << 27, 16)), (1 << 27, MAX_WEIGHT));
    }

    #[test]
    fn script_sets_a_global_with_gaps() {
        let docs = [doc("داعش", ""), doc("سوريا", ""), doc("داعش", "")];
        let dirs = BTreeMap::from([("ar".to_string(), "rtl")]);
        let weights: Vec<DocWeights> = docs.iter().map(weights).collect();
        let script = Index::from_weights(weights.iter()).to_script(&docs, "ar", &dirs, &["t0.js".into()]);
        let json = script.split_once(" = ").map(|(_, j)| j.trim_end().trim_end_matches(';')).unwrap_or("");
        let v: serde_json::Value = serde_json::from_str(json).expect("the script holds JSON");
        let at = v["terms"].as_array().unwrap().iter().position(|t| t == "داعش").unwrap();
        assert_eq!(v["postings"][at], serde_json::json!([8, 2 * 16 + 8]), "doc 0 weight 8, then doc 2 weight 8");
        assert_eq!(v["docs"][0][5], 1, "the document has passages, in a shard");
        assert_eq!(v["kinds"], serde_json::json!(["Article"]));
        assert_eq!(v["shards"], serde_json::json!(["t0.js"]));
    }

    #[test]
    fn passages_go_to_shards_by_document_id() {
        let mut docs: Vec<Document> = (0..SHARD_SIZE + 1).map(|i| doc("t", &format!("نص {i}"))).collect();
        docs[1].passages = Passages::default();
        let shards = text_shards(&docs);
        assert_eq!(shards.len(), 2);
        assert!(shards[0].starts_with(
            "(window.NASHRA_SEARCH_TEXT = window.NASHRA_SEARCH_TEXT || {})[0] = {\"0\":[[\"ar\",\"نص 0\",\"p3\"]],\"2\""
        ));
        assert!(shards[1].contains(&format!("[1] = {{\"{SHARD_SIZE}\":[[\"ar\",\"نص {SHARD_SIZE}\"")));
    }

    /// The shard as serde_json wrote it before it was written by hand.
    fn text_shard_reference(k: usize, chunk: &[Document]) -> String {
        let texts: BTreeMap<usize, Vec<Vec<&str>>> = chunk
            .iter()
            .enumerate()
            .filter(|(_, d)| !d.passages.is_empty())
            .map(|(i, d)| (k * SHARD_SIZE + i, d.passages.iter().map(|p| d.passages.cells(p).to_vec()).collect()))
            .collect();
        let json = serde_json::to_string(&texts).unwrap();
        format!("(window.NASHRA_SEARCH_TEXT = window.NASHRA_SEARCH_TEXT || {{}})[{k}] = {json};\n")
    }

    #[test]
    fn strings_are_written_as_serde_json_writes_them() {
        let json = |s: &str| {
            let mut out = Vec::new();
            push_json_str(&mut out, s);
            String::from_utf8(out).unwrap()
        };
        for c in (0..0x800).filter_map(char::from_u32) {
            for s in [format!("{c}"), format!("قال {c} إن"), format!("{c}1234567{c}89abcdef{c}")] {
                assert_eq!(json(&s), serde_json::to_string(&s).unwrap(), "{c:?} in {s:?}");
            }
        }
    }

    /// (term, weight) pairs in term order, to compare two [`Weights`].
    fn sorted(w: &Weights) -> Vec<(String, u32)> {
        let mut pairs: Vec<(String, u32)> = w.iter().map(|(t, n)| (t.to_string(), n)).collect();
        pairs.sort();
        pairs
    }

    proptest::proptest! {
        /// Linking counts an article's passages from the text it folded: the
        /// same weights as the index counts from the passages themselves.
        #[test]
        fn passages_counted_folded_weigh_as_counted_by_the_index(
            texts in proptest::collection::vec("[\u{0600}-\u{06FF} a-zA-Z0-9.,«»]{0,40}", 0..5),
        ) {
            let mut d = doc("t", "");
            let ids: Vec<String> = (0..texts.len()).map(|i| format!("p{i}")).collect();
            let list: Vec<(&str, &str)> = ids.iter().map(String::as_str).zip(texts.iter().map(String::as_str)).collect();
            d.passages = Passages::paragraphs("ar", &list);
            let folded: Vec<String> = texts.iter().map(|t| fold(t)).collect();
            let linked = folded_passage_weights(folded.iter().map(String::as_str));
            proptest::prop_assert_eq!(sorted(&linked), sorted(&passage_weights(&d)));
        }

        #[test]
        fn any_string_is_written_as_serde_json_writes_it(s in "(?s).{0,60}|[\u{0}-\u{7F}\u{0600}-\u{06FF}]{0,60}") {
            let mut out = Vec::new();
            push_json_str(&mut out, &s);
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn shards_are_written_as_serde_json_wrote_them(
            texts in proptest::collection::vec(proptest::collection::vec("[\u{0}-\u{7F}\u{0600}-\u{06FF}]{0,30}", 0..4), 0..SHARD_SIZE),
            k in 0usize..3,
        ) {
            let chunk: Vec<Document> = texts
                .iter()
                .map(|passages| {
                    let ids: Vec<String> = (0..passages.len()).map(|i| format!("p{i}")).collect();
                    let list: Vec<(&str, &str)> =
                        ids.iter().map(String::as_str).zip(passages.iter().map(String::as_str)).collect();
                    Document { passages: Passages::paragraphs("ar", &list), ..doc("t", "") }
                })
                .collect();
            proptest::prop_assert_eq!(text_shard(k, &chunk), text_shard_reference(k, &chunk));
        }
    }

    #[test]
    fn markdown_becomes_words() {
        assert_eq!(plain_text("- **Background.** The coalition\n- Next"), "Background. The coalition\nNext");
    }
}
