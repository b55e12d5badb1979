//! The index: documents with the short texts results show, and for every
//! term the documents that contain it with a weight.
//!
//! Written as one script that sets `window.NASHRA_SEARCH_INDEX`:
//!
//! ```text
//! { lang, dirs: {code: "rtl"|"ltr"}, kinds: [label],
//!   docs: [[kind, url, title lang, title, [[lang, text, anchor?], …], has passages (0|1)], …],
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

use super::terms::for_each_term;
use serde::Serialize;
use std::collections::BTreeMap;

/// Weight of a term in a title.
pub const TITLE_WEIGHT: u32 = 8;

/// Highest weight a posting stores.
pub const MAX_WEIGHT: u32 = 15;

/// Documents per text shard: a page of results touches few shards, each small.
pub const SHARD_SIZE: usize = 20;

/// A text of a document, searched and shown in snippets.
#[derive(Debug, Clone, Hash)]
pub struct Field {
    /// Language the text is in.
    pub lang: String,
    /// Plain text.
    pub text: String,
    /// How much a match here counts.
    pub weight: u32,
    /// Fragment id of the place the text comes from on the page (`p12`), if any.
    pub anchor: Option<String>,
}

/// One search result to be: an article, a topic or an entity.
#[derive(Debug, Clone, Hash)]
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
    /// Searched texts stored in text shards (the original text, passage by passage).
    pub passages: Vec<Field>,
}

/// A field as the scripts store it: `[lang, text]` or `[lang, text, anchor]`.
fn field_row(f: &Field) -> Vec<&str> {
    let mut row = vec![f.lang.as_str(), f.text.as_str()];
    row.extend(f.anchor.as_deref());
    row
}

/// The text shards of `docs`: shard k holds the passages of documents
/// `k * SHARD_SIZE ..`, by id; a shard is written even when empty, so that
/// shard k is always the k-th.
pub fn text_shards(docs: &[Document]) -> Vec<String> {
    use rayon::prelude::*;
    docs.par_chunks(SHARD_SIZE)
        .enumerate()
        .map(|(k, chunk)| {
            let texts: BTreeMap<usize, Vec<Vec<&str>>> = chunk
                .iter()
                .enumerate()
                .filter(|(_, d)| !d.passages.is_empty())
                .map(|(i, d)| (k * SHARD_SIZE + i, d.passages.iter().map(field_row).collect()))
                .collect();
            // Serializing strings and maps cannot fail.
            let json = serde_json::to_string(&texts).unwrap_or_default();
            format!("(window.NASHRA_SEARCH_TEXT = window.NASHRA_SEARCH_TEXT || {{}})[{k}] = {json};\n")
        })
        .collect()
}

/// A document's terms, each with the weights of the fields it occurs in added up, in term order.
pub type Weights = Vec<(String, u32)>;

/// The [`Weights`] of one document: its title and every field and passage.
#[cfg(test)]
pub fn weights(doc: &Document) -> Weights {
    weights_with(doc, &passage_weights(doc))
}

/// The weights of a document's passages alone. An article's passages (its
/// original text, most of the words) are the same in every language's index:
/// counted once, they are shared by the languages' [`weights_with`].
pub fn passage_weights(doc: &Document) -> Weights {
    sum(doc.passages.iter().map(|f| (f.text.as_str(), f.weight)))
}

/// [`weights`] of a document whose [`passage_weights`] are given.
pub fn weights_with(doc: &Document, passages: &[(String, u32)]) -> Weights {
    let texts = std::iter::once((doc.title.as_str(), TITLE_WEIGHT))
        .chain(doc.fields.iter().map(|f| (f.text.as_str(), f.weight)));
    // Both lists are in term order: merge them, adding up the terms they share.
    let fields = sum(texts);
    let mut out = Vec::with_capacity(fields.len() + passages.len());
    let mut passages = passages.iter().peekable();
    for (term, weight) in fields {
        while let Some((p, w)) = passages.next_if(|(p, _)| *p < term) {
            out.push((p.clone(), *w));
        }
        let shared = passages.next_if(|(p, _)| *p == term).map_or(0, |(_, w)| *w);
        out.push((term, weight + shared));
    }
    out.extend(passages.cloned());
    out
}

/// The terms of `texts`, each with its text's weight per occurrence added up, in term order.
fn sum<'t>(texts: impl Iterator<Item = (&'t str, u32)>) -> Weights {
    // A term is looked up far more often than it is new: a hash map keyed by
    // `&str` allocates only new terms; sorting once at the end gives term order.
    let mut weights: rustc_hash::FxHashMap<String, u32> = rustc_hash::FxHashMap::default();
    for (text, weight) in texts {
        for_each_term(text, |term| match weights.get_mut(term) {
            Some(w) => *w += weight,
            None => {
                weights.insert(term.to_string(), weight);
            }
        });
    }
    let mut weights: Weights = weights.into_iter().collect();
    weights.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    weights
}

/// One term's (document id, weight) pairs, in id order.
type Postings = Vec<(u32, u32)>;

/// Term → (document id, weight), documents in id order.
#[derive(Debug, Default)]
pub struct Index {
    /// Postings by term. Hashed, not sorted: the script orders terms as JS
    /// compares them, which is not Rust's string order anyway.
    pub postings: rustc_hash::FxHashMap<String, Postings>,
}

impl Index {
    /// Indexes documents; a document's id is its position in `docs`.
    #[cfg(test)]
    pub fn build(docs: &[Document]) -> Index {
        let weights: Vec<Weights> = docs.iter().map(weights).collect();
        Index::from_weights(weights.iter())
    }

    /// Indexes documents given by their [`weights`], in id order.
    pub fn from_weights<'w>(docs: impl Iterator<Item = &'w Weights>) -> Index {
        let mut postings: rustc_hash::FxHashMap<String, Postings> = rustc_hash::FxHashMap::default();
        for (id, weights) in docs.enumerate() {
            let id = u32::try_from(id).unwrap_or(u32::MAX);
            for (term, weight) in weights {
                match postings.get_mut(term) {
                    Some(list) => list.push((id, *weight)),
                    None => {
                        postings.insert(term.clone(), vec![(id, *weight)]);
                    }
                }
            }
        }
        Index { postings }
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
        // JS compares strings by UTF-16 code units; binary search there needs this order.
        // Terms are distinct, so an unstable sort gives the one order; each
        // term is encoded once, not once per comparison.
        let mut sorted: Vec<(Vec<u16>, &String, &Postings)> =
            self.postings.iter().map(|(t, list)| (t.encode_utf16().collect(), t, list)).collect();
        sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let terms: Vec<&String> = sorted.iter().map(|(_, t, _)| *t).collect();
        let postings: Vec<Vec<u64>> = sorted
            .iter()
            .map(|(_, _, list)| {
                let mut previous = 0;
                list.iter()
                    .map(|&(id, weight)| {
                        let gap = u64::from(id - previous);
                        previous = id;
                        gap * u64::from(MAX_WEIGHT + 1) + u64::from(weight.min(MAX_WEIGHT))
                    })
                    .collect()
            })
            .collect();
        let index = Script { lang, dirs, kinds, docs, terms, postings, shard_size: SHARD_SIZE, shards };
        // Serializing plain strings, numbers and maps cannot fail.
        let json = serde_json::to_string(&index).unwrap_or_default();
        format!(
            "/* nashra search index ({lang}): read by search.js; see src/search/index.rs for the layout. */\nwindow.NASHRA_SEARCH_INDEX = {json};\n"
        )
    }
}

type DocRow<'a> = (usize, &'a String, &'a String, &'a String, Vec<Vec<&'a str>>, u8);

#[derive(Serialize)]
struct Script<'a> {
    lang: &'a str,
    dirs: &'a BTreeMap<String, &'a str>,
    kinds: Vec<&'a str>,
    docs: Vec<DocRow<'a>>,
    terms: Vec<&'a String>,
    postings: Vec<Vec<u64>>,
    shard_size: usize,
    shards: &'a [String],
}

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
            passages: vec![Field { lang: "ar".into(), text: body.into(), weight: 1, anchor: Some("p3".into()) }],
        }
    }

    #[test]
    fn postings_weigh_title_above_body() {
        let docs = [doc("التحالف الدولي", "قال إن داعش"), doc("سوريا", "انضمت للتحالف والتحالف")];
        let index = Index::build(&docs);
        assert_eq!(index.postings["تحالف"], [(0, TITLE_WEIGHT), (1, 2)]);
        assert_eq!(index.postings["داعش"], [(0, 1)]);
    }

    #[test]
    fn script_sets_a_global_with_gaps() {
        let docs = [doc("داعش", ""), doc("سوريا", ""), doc("داعش", "")];
        let dirs = BTreeMap::from([("ar".to_string(), "rtl")]);
        let script = Index::build(&docs).to_script(&docs, "ar", &dirs, &["t0.js".into()]);
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
        docs[1].passages.clear();
        let shards = text_shards(&docs);
        assert_eq!(shards.len(), 2);
        assert!(shards[0].starts_with(
            "(window.NASHRA_SEARCH_TEXT = window.NASHRA_SEARCH_TEXT || {})[0] = {\"0\":[[\"ar\",\"نص 0\",\"p3\"]],\"2\""
        ));
        assert!(shards[1].contains(&format!("[1] = {{\"{SHARD_SIZE}\":[[\"ar\",\"نص {SHARD_SIZE}\"")));
    }

    #[test]
    fn markdown_becomes_words() {
        assert_eq!(plain_text("- **Background.** The coalition\n- Next"), "Background. The coalition\nNext");
    }
}
