//! The search page of each language and the index script it loads.
//!
//! What is searched: for articles the title, summary and key points in the
//! page's language (or the first language that has them) and the original
//! text passage by passage; for topics the title and summary; for entities
//! every name and alias in every language, and the description. Names count
//! as much as titles; the original text counts least, so results whose match
//! is in the page's language come first.

use super::{href, path, section};
use crate::model::{Language, Localized};
use crate::render::{PageSpec, Renderer};
use crate::search::index::SHARD_SIZE;
use crate::search::index::plain_text;
use crate::search::index::{self, DocWeights, Weights};
use crate::search::{Document, Field, Index};
use rustc_hash::FxHashMap as HashMap;
use serde_json::json;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Where the search page is, under a language folder.
const PAGE: &str = "search/index.html";

const NAME_WEIGHT: u32 = 6;
const KEY_POINT_WEIGHT: u32 = 3;
const SUMMARY_WEIGHT: u32 = 2;
const BODY_WEIGHT: u32 = 1;

/// Asset key of a language's index in the renderer's asset names.
fn index_key(lang: &Language) -> String {
    format!("search-{}.js", lang.code)
}

/// A script's site path, `assets/<stem>.<content hash>.js`, and its bytes.
fn script_file(stem: &str, script: String) -> (String, Vec<u8>) {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(script.as_bytes());
    let short: String = hash.iter().take(5).map(|b| format!("{b:02x}")).collect();
    (format!("assets/{stem}.{short}.js"), script.into_bytes())
}

/// The content hash in a script's site path, `assets/<stem>.<hash>.js`.
fn short_hash(target: &str) -> &str {
    let name = target.strip_suffix(".js").unwrap_or(target);
    name.rsplit_once('.').map_or("", |(_, hash)| hash)
}

/// The hash of everything text shard `k` is made from: its documents' passages.
fn shard_key(k: usize, chunk: &[Document]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    k.hash(&mut h);
    for doc in chunk {
        doc.passages.hash(&mut h);
    }
    h.finish()
}

/// A text shard made for one language, which a later one copies when its
/// documents have the same passages at the same place.
struct MadeShard {
    /// Its place among the shards (document ids start at `k * SHARD_SIZE`).
    k: usize,
    /// Each document's passages, in order.
    passages: Vec<Vec<Field>>,
    /// The content hash in the file's name.
    short: String,
    /// The file.
    bytes: Vec<u8>,
}

impl MadeShard {
    /// This shard as text shard `k` of `chunk` under the name `stem` (site
    /// path, bytes), when it was made of the same passages at the same place;
    /// `None` when only the hashes agree.
    fn copy_for(&self, stem: &str, k: usize, chunk: &[Document]) -> Option<(String, Vec<u8>)> {
        let same = self.k == k && self.passages.iter().eq(chunk.iter().map(|d| &d.passages));
        same.then(|| (format!("assets/{stem}.{}.js", self.short), self.bytes.clone()))
    }
}

/// What building the indexes leaves for the next run: each document's term
/// weights by the hash of its searched texts, and each language's files by the
/// hash of everything they are made from. An edit to one article re-weighs that
/// article alone, and leaves a language whose documents are unchanged as it was.
#[derive(Default)]
pub struct SearchMemo {
    /// Hash of a document's title and field and passage texts with their weights → its weights.
    weights: HashMap<u64, Arc<DocWeights>>,
    /// Language code → (hash of its documents and the directions, files written, index path).
    scripts: HashMap<String, (u64, Files, String)>,
}

/// Weights with the hash of what they were counted from.
type Keyed = (u64, Arc<DocWeights>);

/// Passage weights with the hash of the passages they were counted from.
type Counted = (u64, Arc<Weights>);

/// Files an index adds to the output: (site path, bytes).
type Files = Vec<(String, Vec<u8>)>;

/// The hash of everything a document's [`DocWeights`] come from.
fn weights_key(doc: &Document) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    doc.title.hash(&mut h);
    for f in doc.fields.iter().chain(&doc.passages) {
        (&f.text, f.weight).hash(&mut h);
    }
    doc.fields.len().hash(&mut h);
    h.finish()
}

/// Builds every language's index script, and the text shards it points at,
/// and hands each file to `put` (site path, bytes) as soon as it is made,
/// named by content hash like the theme's assets; returns asset key → site
/// path of each index. Reuses from `memo` what is unchanged, and fills it for
/// the next run only when `keep` is set: a one-off build neither hashes every
/// document nor holds a second copy of the index files.
pub fn add_indexes(
    r: &Renderer,
    put: &(dyn Fn(String, Vec<u8>) + Sync),
    memo: &mut SearchMemo,
    keep: bool,
) -> BTreeMap<String, String> {
    use rayon::prelude::*;
    let dirs: BTreeMap<String, &str> = r.site.languages.iter().map(|l| (l.code.clone(), l.dir.as_str())).collect();
    let mut names = BTreeMap::new();
    let previous = std::mem::take(&mut memo.weights);
    let mut scripts = std::mem::take(&mut memo.scripts);
    // Passage weights by the hash of the passages, shared by the languages.
    let mut passages: rustc_hash::FxHashMap<u64, Arc<Weights>> = rustc_hash::FxHashMap::default();
    // Text shards by the hash of what they hold, kept while a later language
    // may copy them: the passages they were made of, to compare with on a hash
    // match (64 bits of FxHash are no proof), the content hash in the name, bytes.
    let mut made_shards: rustc_hash::FxHashMap<u64, MadeShard> = rustc_hash::FxHashMap::default();
    let mut made = Vec::new();
    for (n, lang) in r.site.languages.iter().enumerate() {
        let last = n + 1 == r.site.languages.len();
        let mut docs = documents(r, lang);
        let key = keep.then(|| {
            let mut h = rustc_hash::FxHasher::default();
            (&docs, &lang.code, &dirs).hash(&mut h);
            h.finish()
        });
        if let Some(key) = key
            && let Some((k, files, index)) = scripts.remove(&lang.code)
            && k == key
        {
            for (path, bytes) in &files {
                put(path.clone(), bytes.clone());
            }
            names.insert(index_key(lang), index.clone());
            memo.scripts.insert(lang.code.clone(), (key, files, index));
            // Keep this language's weights; those of documents gone are dropped with `previous`.
            for doc in &docs {
                let key = weights_key(doc);
                if let Some(w) = previous.get(&key) {
                    memo.weights.insert(key, w.clone());
                }
            }
            continue;
        }
        let mut files = Vec::new();
        let from = path(lang, PAGE);
        // The text shards and the weights are independent: make them side by side.
        let (shard_files, weights) = rayon::join(
            || -> Vec<(u64, (String, Vec<u8>))> {
                let chunks = docs.par_chunks(SHARD_SIZE).enumerate();
                chunks
                    .map(|(k, chunk)| {
                        let stem = format!("search-{}-text-{k}", lang.code);
                        let key = shard_key(k, chunk);
                        // The same passages at the same place make the same bytes:
                        // copy them from the language that made them. (The texts
                        // are shared, so comparing them is mostly comparing pointers.)
                        let copied = made_shards.get(&key).and_then(|made| made.copy_for(&stem, k, chunk));
                        let file = copied.unwrap_or_else(|| script_file(&stem, index::text_shard(k, chunk)));
                        (key, file)
                    })
                    .collect()
            },
            || -> Vec<(u64, Arc<DocWeights>, Option<Counted>)> {
                docs.par_iter()
                    .map(|doc| {
                        let key = if keep { weights_key(doc) } else { 0 };
                        let found = keep.then(|| previous.get(&key).or_else(|| memo.weights.get(&key)).cloned());
                        if let Some(found) = found.flatten() {
                            return (key, found, None);
                        }
                        let mut h = rustc_hash::FxHasher::default();
                        doc.passages.hash(&mut h);
                        let passage_key = h.finish();
                        let counted = passages.get(&passage_key).cloned();
                        let fresh = counted.is_none();
                        let counted = counted.unwrap_or_else(|| Arc::new(index::passage_weights(doc)));
                        let weights = Arc::new(index::weights_with(doc, &counted));
                        (key, weights, fresh.then_some((passage_key, counted)))
                    })
                    .collect()
            },
        );
        let weights: Vec<Keyed> = weights
            .into_iter()
            .map(|(key, w, counted)| {
                passages.extend(counted);
                (key, w)
            })
            .collect();
        let shards: Vec<String> = shard_files.iter().map(|(_, (target, _))| href(&from, target)).collect();
        let mut writes = Vec::with_capacity(shard_files.len());
        for (k, (shard, (target, bytes))) in shard_files.into_iter().enumerate() {
            if !last && !made_shards.contains_key(&shard) {
                // The passages move to the shard's entry: the index keeps the first of each.
                let chunk = docs.iter_mut().skip(k * SHARD_SIZE).take(SHARD_SIZE);
                let passages = chunk
                    .map(|d| {
                        let all = std::mem::take(&mut d.passages);
                        d.passages.extend(all.first().cloned());
                        all
                    })
                    .collect();
                let short = short_hash(&target).to_string();
                made_shards.insert(shard, MadeShard { k, passages, short, bytes: bytes.clone() });
            }
            if key.is_some() {
                files.push((target.clone(), bytes.clone()));
            }
            writes.push((target, bytes));
        }
        // A thousand files at 10,000 articles: written from every core.
        writes.into_par_iter().for_each(|(target, bytes)| put(target, bytes));
        // The shards hold the passages now, and the weights their terms; the
        // index only says whether a document has any: keep one, free the rest
        // (a copy of every article body) before the next language's are made.
        docs.iter_mut().for_each(|d| d.passages.truncate(1));
        if key.is_some() {
            memo.weights.extend(weights.iter().cloned()); // the next language may reuse them
        }
        made.push(Made { lang, key, docs, weights, shards, files });
    }
    // Each index is built on one thread (one map of every term): build the
    // languages' indexes side by side, each hashed for its name and written
    // on the thread that made it.
    let finished: Vec<_> = made
        .into_par_iter()
        .map(|Made { lang, key, docs, weights, shards, files }| {
            let script =
                Index::from_weights(weights.iter().map(|(_, w)| &**w)).to_script(&docs, &lang.code, &dirs, &shards);
            let (index, bytes) = script_file(&format!("search-{}", lang.code), script);
            let kept = key.map(|key| (key, bytes.clone())); // for the memo
            put(index.clone(), bytes);
            (lang, files, index, kept)
        })
        .collect();
    for (lang, mut files, index, kept) in finished {
        names.insert(index_key(lang), index.clone());
        if let Some((key, bytes)) = kept {
            files.push((index.clone(), bytes));
            memo.scripts.insert(lang.code.clone(), (key, files, index));
        }
    }
    names
}

/// One language's index, made but for its script: its documents, their weights,
/// the site paths of its text shards and, when memoizing, its files so far.
struct Made<'l> {
    lang: &'l Language,
    key: Option<u64>,
    docs: Vec<Document>,
    weights: Vec<Keyed>,
    shards: Vec<String>,
    files: Files,
}

/// A field's text in the page language or the first that has it, as a search field.
fn field(r: &Renderer, map: &Localized, lang: &Language, weight: u32) -> Option<Field> {
    let (l, text, _) = r.version(map, lang)?;
    Some(Field { lang: l.code.clone(), text: plain_text(text).into(), weight, anchor: None })
}

/// Every searchable document of one language's site, articles first (newest first), then topics, then entities.
pub fn documents(r: &Renderer, lang: &Language) -> Vec<Document> {
    let from = path(lang, PAGE);
    let link = |rest: String| href(&from, &path(lang, &rest));
    let titled = |map: &Localized| r.version(map, lang).map(|(l, t, _)| (l.code.clone(), t.clone()));
    // Articles on every core (their summaries are Markdown made plain), in order.
    let mut docs: Vec<Document> = {
        use rayon::prelude::*;
        r.site
            .articles
            .par_iter()
            .filter_map(|a| {
                let (title_lang, title) = titled(&a.meta.title)?;
                let mut fields: Vec<Field> = field(r, &a.meta.summary, lang, SUMMARY_WEIGHT).into_iter().collect();
                fields.extend(a.meta.key_points.iter().filter_map(|k| field(r, k, lang, KEY_POINT_WEIGHT)));
                let passages = a
                    .passages()
                    .map(|p| Field {
                        lang: a.original.code.clone(),
                        text: p.text.clone(),
                        weight: BODY_WEIGHT,
                        anchor: Some(p.id.clone()),
                    })
                    .collect();
                Some(Document {
                    kind: r.string(lang, "search_kind_article"),
                    url: link(format!("articles/{}/index.html", a.slug)),
                    title_lang,
                    title,
                    fields,
                    passages,
                })
            })
            .collect()
    };
    for (slug, t) in super::collections::topics_in_order(r.site) {
        let Some((title_lang, title)) = titled(&t.title) else { continue };
        docs.push(Document {
            kind: r.string(lang, "search_kind_topic"),
            url: link(format!("topics/{slug}/index.html")),
            title_lang,
            title,
            fields: field(r, &t.summary, lang, SUMMARY_WEIGHT).into_iter().collect(),
            passages: Vec::new(),
        });
    }
    for (slug, e) in &r.site.entities {
        let Some((title_lang, title)) = titled(&e.name) else { continue };
        let names = e.name.iter().chain(e.aliases.iter().flat_map(|(l, list)| list.iter().map(move |a| (l, a))));
        let mut fields: Vec<Field> = field(r, &e.description, lang, SUMMARY_WEIGHT).into_iter().collect();
        fields.extend(names.map(|(l, n)| Field {
            lang: l.clone(),
            text: n.as_str().into(),
            weight: NAME_WEIGHT,
            anchor: None,
        }));
        docs.push(Document {
            kind: r.string(lang, &format!("kind_{}", e.kind.as_str())),
            url: link(format!("entities/{slug}/index.html")),
            title_lang,
            title,
            fields,
            passages: Vec::new(),
        });
    }
    docs
}

/// `<lang>/search/index.html`: the form, and without JavaScript links to the indexes.
pub fn search_page<'r>(r: &'r Renderer, lang: &'r Language) -> PageSpec<'r> {
    let context = move || {
        let here = path(lang, PAGE);
        let asset = |key: &str| r.asset(key).map(|p| href(&here, p)).unwrap_or_default();
        json!({
            "script": asset("search.js"),
            "index": asset(&index_key(lang)),
            "topics": href(&here, &path(lang, "topics/index.html")),
            "entities": href(&here, &path(lang, "entities/index.html")),
        })
    };
    section(r, lang, PAGE, "search.html", "nav_search", Box::new(context))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(passages: &[&str]) -> Document {
        Document {
            kind: "Article".into(),
            url: "a/".into(),
            title_lang: "ar".into(),
            title: "t".into(),
            fields: Vec::new(),
            passages: passages
                .iter()
                .map(|t| Field {
                    lang: "ar".into(),
                    text: Arc::from(*t),
                    weight: BODY_WEIGHT,
                    anchor: Some("p1".into()),
                })
                .collect(),
        }
    }

    /// A shard is copied to another language only when it was made of the same
    /// passages at the same place, whatever the hashes say.
    #[test]
    fn a_shard_is_copied_only_for_the_same_passages_at_the_same_place() {
        let chunk = vec![doc(&["نص أول", "نص ثان"]), doc(&["نص ثالث"])];
        let (target, bytes) = script_file("search-ar-text-0", index::text_shard(0, &chunk));
        let made = MadeShard {
            k: 0,
            passages: chunk.iter().map(|d| d.passages.clone()).collect(),
            short: short_hash(&target).to_string(),
            bytes: bytes.clone(),
        };
        let copied = made.copy_for("search-en-text-0", 0, &chunk);
        assert_eq!(copied, Some((format!("assets/search-en-text-0.{}.js", made.short), bytes)));
        // As if another chunk's hash had collided with this one's.
        assert_eq!(made.copy_for("search-en-text-0", 0, &[doc(&["نص أول", "نص آخر"]), doc(&["نص ثالث"])]), None);
        assert_eq!(made.copy_for("search-en-text-0", 0, &chunk[..1]), None);
        assert_eq!(made.copy_for("search-en-text-1", 1, &chunk), None, "the same passages at another place");
        let mut anchored = chunk.clone();
        anchored[1].passages[0].anchor = Some("p2".into());
        assert_eq!(made.copy_for("search-en-text-0", 0, &anchored), None, "another anchor");
    }
}
