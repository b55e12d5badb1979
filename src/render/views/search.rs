//! The search page of each language and the index script it loads.
//!
//! What is searched: for articles the title, summary and key points in the
//! page's language (or the first language that has them) and the original
//! text passage by passage; for topics the title and summary; for entities
//! every name and alias in every language, and the description. Names count
//! as much as titles; the original text counts least, so results whose match
//! is in the page's language come first.

use super::{href, path, section};
use crate::link::PassageWeights;
use crate::model::{Language, Localized};
use crate::render::{PageSpec, Renderer};
use crate::search::index::Passages;
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

/// The search page's template.
const TEMPLATE: &str = "search.html";

/// Whether `page` is a search page: the one page that names the index files,
/// so it cannot be rendered before they are made.
pub fn names_indexes(page: &PageSpec) -> bool {
    page.template == TEMPLATE
}

const NAME_WEIGHT: u32 = 6;
const KEY_POINT_WEIGHT: u32 = 3;
const SUMMARY_WEIGHT: u32 = 2;

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

/// Whether two languages' text shards at the same place hold the same
/// passages, and so the same bytes. (The texts are shared with the model, so
/// comparing them is mostly comparing pointers.)
fn same_passages(a: &[Document], b: &[Document]) -> bool {
    a.iter().map(|d| &d.passages).eq(b.iter().map(|d| &d.passages))
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

/// Files an index adds to the output: (site path, bytes).
type Files = Vec<(String, Vec<u8>)>;

/// The hash of everything a document's [`DocWeights`] come from.
fn weights_key(doc: &Document) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    doc.title.hash(&mut h);
    for f in &doc.fields {
        (&f.text, f.weight).hash(&mut h);
    }
    doc.fields.len().hash(&mut h);
    for p in doc.passages.iter() {
        (&p.text, index::PASSAGE_WEIGHT).hash(&mut h);
    }
    h.finish()
}

/// Builds every language's index script, and the text shards it points at,
/// and hands each file to `put` (site path, bytes) as soon as it is made,
/// named by content hash like the theme's assets; returns asset key → site
/// path of each index. `counted` holds each article's passage weights as
/// linking counted them (by slug). Reuses from `memo` what is unchanged, and
/// fills it for the next run only when `keep` is set: a one-off build neither
/// hashes every document nor holds a second copy of the index files, and lets
/// each article's passage weights go once every language's index has them.
pub fn add_indexes(
    r: &Renderer,
    counted: PassageWeights,
    put: &(dyn Fn(String, Vec<u8>) + Sync),
    memo: &mut SearchMemo,
    keep: bool,
) -> BTreeMap<String, String> {
    use rayon::prelude::*;
    let dirs: BTreeMap<String, &str> = r.site.languages.iter().map(|l| (l.code.clone(), l.dir.as_str())).collect();
    let mut names = BTreeMap::new();
    let previous = std::mem::take(&mut memo.weights);
    let mut scripts = std::mem::take(&mut memo.scripts);
    // The languages whose documents changed since the last run (every one in
    // a one-off build); the others' files are put again from the memo.
    let mut todo = Vec::new();
    for lang in &r.site.languages {
        let docs = documents(r, lang, &counted);
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
        todo.push(ToMake { lang, key, docs });
    }
    // From here on each article's passage weights are held by its documents
    // (and, in `serve`, by the link memo, for the next run), taken out of them
    // for the index: in a one-off build, the last language to add a document
    // to its index lets them go.
    drop(counted);
    let counted: Vec<Vec<Option<Arc<Weights>>>> =
        todo.iter_mut().map(|t| t.docs.iter_mut().map(|d| d.counted.take()).collect()).collect();
    // The text shards and the indexes are independent: make them side by side.
    let indexes = || -> Vec<(Index, Vec<Keyed>)> {
        if !keep {
            return todo.par_iter().zip(counted).map(|(t, counted)| index_of(&t.docs, counted, None)).collect();
        }
        // Memoizing, the languages go one after the other, each reusing what
        // the last run and the languages before it weighed (an untranslated
        // article's title and summary are the same in every language).
        let mut reuse = previous;
        let indexed = todo.iter().zip(counted).map(|(t, counted)| {
            let (index, weights) = index_of(&t.docs, counted, Some(&reuse));
            reuse.extend(weights.iter().cloned());
            (index, weights)
        });
        indexed.collect()
    };
    let (shards, indexed) = rayon::join(|| add_shards(&todo, put, keep), indexes);
    let mut made = Vec::with_capacity(todo.len());
    for ((ToMake { lang, key, docs }, shard_files), (index, weights)) in todo.into_iter().zip(shards).zip(indexed) {
        if key.is_some() {
            memo.weights.extend(weights); // the next run reuses them
        }
        let from = path(lang, PAGE);
        let shards = shard_files.iter().map(|(target, _)| href(&from, target)).collect();
        let files = shard_files.into_iter().filter_map(|(target, bytes)| Some((target, bytes?))).collect();
        made.push(Made { lang, key, docs, index, shards, files });
    }
    // The languages' scripts side by side, each hashed for its name and
    // written on the thread that made it.
    let finished: Vec<_> = made
        .into_par_iter()
        .map(|Made { lang, key, docs, index, shards, files }| {
            let script = index.to_script(&docs, &lang.code, &dirs, &shards);
            drop(index);
            let (target, bytes) = script_file(&format!("search-{}", lang.code), script);
            let kept = key.map(|key| (key, bytes.clone())); // for the memo
            put(target.clone(), bytes);
            (lang, files, target, kept)
        })
        .collect();
    for (lang, mut files, target, kept) in finished {
        names.insert(index_key(lang), target.clone());
        if let Some((key, bytes)) = kept {
            files.push((target.clone(), bytes));
            memo.scripts.insert(lang.code.clone(), (key, files, target));
        }
    }
    names
}

/// Documents weighed at once by [`index_of`] before they are added to the
/// index: enough for every core, few enough that their weights are let go soon.
const WEIGHED_AT_ONCE: usize = 256;

/// One language's index of `docs`, given the passage weights linking counted
/// (`counted`, by document), and the weights of every document, by their hash,
/// when `reuse` is given (weights counted before, which are reused where they
/// match). The documents are weighed a run at a time on every core and added
/// in id order; without `reuse`, each run's weights are let go once added.
fn index_of(
    docs: &[Document],
    counted: Vec<Option<Arc<Weights>>>,
    reuse: Option<&HashMap<u64, Arc<DocWeights>>>,
) -> (Index, Vec<Keyed>) {
    use rayon::prelude::*;
    let mut index = Index::default();
    let mut kept = Vec::new();
    let mut counted = counted.into_iter();
    for (run, chunk) in docs.chunks(WEIGHED_AT_ONCE).enumerate() {
        let passages: Vec<_> = counted.by_ref().take(chunk.len()).collect();
        let weights: Vec<Keyed> = chunk
            .par_iter()
            .zip(passages)
            .map(|(doc, counted)| {
                let key = if reuse.is_some() { weights_key(doc) } else { 0 };
                let found = reuse.and_then(|previous| previous.get(&key).cloned());
                let weights = found.unwrap_or_else(|| {
                    // An article's passages were counted as they were linked, once
                    // for every language; the other documents have none.
                    let passages = counted.unwrap_or_else(|| Arc::new(index::passage_weights(doc)));
                    Arc::new(index::weights_with(doc, &passages))
                });
                (key, weights)
            })
            .collect();
        for (i, (_, w)) in weights.iter().enumerate() {
            index.add(u32::try_from(run * WEIGHED_AT_ONCE + i).unwrap_or(u32::MAX), w);
        }
        if reuse.is_some() {
            kept.extend(weights);
        }
    }
    (index, kept)
}

/// A language whose index is to be made: its documents, and the hash they
/// are memoized by (when memoizing).
struct ToMake<'l> {
    lang: &'l Language,
    key: Option<u64>,
    docs: Vec<Document>,
}

/// A text shard as [`add_shards`] gives it: its site path, and its bytes when memoizing.
type Shard = (String, Option<Vec<u8>>);

/// Makes the text shards of every language in `todo` on every core and hands
/// each file to `put` as soon as it is made: none is held until all are
/// (at 10,000 articles they are ~80 MB a language). Shard k of two languages
/// whose documents there have the same passages holds the same bytes: it is
/// made once and is one file, which both languages' indexes name (a shard's
/// name is its place and the hash of its bytes, not its language: at 10,000
/// articles the site was 79 MB larger with a copy for each language). Gives
/// each language's shards in order, with their bytes when `keep`.
fn add_shards(todo: &[ToMake], put: &(dyn Fn(String, Vec<u8>) + Sync), keep: bool) -> Vec<Vec<Shard>> {
    use rayon::prelude::*;
    let count = todo.iter().map(|t| t.docs.len().div_ceil(SHARD_SIZE)).max().unwrap_or(0);
    let by_place: Vec<Vec<Option<Shard>>> = (0..count)
        .into_par_iter()
        .map(|k| {
            let chunks: Vec<Option<&[Document]>> = todo.iter().map(|t| t.docs.chunks(SHARD_SIZE).nth(k)).collect();
            let mut shards: Vec<Option<Shard>> = (0..todo.len()).map(|_| None).collect();
            for (i, chunk) in chunks.iter().enumerate() {
                let Some(chunk) = chunk.filter(|_| shards[i].is_none()) else { continue };
                let (target, bytes) = script_file(&format!("search-text-{k}"), index::text_shard(k, chunk));
                let shard = (target.clone(), keep.then(|| bytes.clone()));
                for (j, other) in chunks.iter().enumerate().skip(i + 1) {
                    if shards[j].is_none() && other.is_some_and(|other| same_passages(other, chunk)) {
                        shards[j] = Some(shard.clone());
                    }
                }
                shards[i] = Some(shard);
                put(target, bytes);
            }
            shards
        })
        .collect();
    let mut per_language: Vec<Vec<Shard>> = todo.iter().map(|_| Vec::with_capacity(count)).collect();
    for shards in by_place {
        for (list, shard) in per_language.iter_mut().zip(shards) {
            list.extend(shard);
        }
    }
    per_language
}

/// One language's index, made but for its script: its documents, its index,
/// the site paths of its text shards and, when memoizing, its files so far.
struct Made<'l> {
    lang: &'l Language,
    key: Option<u64>,
    docs: Vec<Document>,
    index: Index,
    shards: Vec<String>,
    files: Files,
}

/// A field's text in the page language or the first that has it, as a search field.
fn field(r: &Renderer, map: &Localized, lang: &Language, weight: u32) -> Option<Field> {
    let (l, text, _) = r.version(map, lang)?;
    Some(Field { lang: l.code.clone(), text: plain_text(text).into(), weight })
}

/// Every searchable document of one language's site, articles first (newest first), then topics, then entities.
pub fn documents(r: &Renderer, lang: &Language, counted: &PassageWeights) -> Vec<Document> {
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
                let passages = Passages { lang: a.original.code.clone(), body: a.body.clone() };
                Some(Document {
                    kind: r.string(lang, "search_kind_article"),
                    url: link(format!("articles/{}/index.html", a.slug)),
                    title_lang,
                    title,
                    fields,
                    passages,
                    counted: counted.get(&a.slug).cloned(),
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
            passages: Passages::default(),
            counted: None,
        });
    }
    for (slug, e) in &r.site.entities {
        let Some((title_lang, title)) = titled(&e.name) else { continue };
        let names = e.name.iter().chain(e.aliases.iter().flat_map(|(l, list)| list.iter().map(move |a| (l, a))));
        let mut fields: Vec<Field> = field(r, &e.description, lang, SUMMARY_WEIGHT).into_iter().collect();
        fields.extend(names.map(|(l, n)| Field { lang: l.clone(), text: n.as_str().into(), weight: NAME_WEIGHT }));
        docs.push(Document {
            kind: r.string(lang, &format!("kind_{}", e.kind.as_str())),
            url: link(format!("entities/{slug}/index.html")),
            title_lang,
            title,
            fields,
            passages: Passages::default(),
            counted: None,
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
    section(r, lang, PAGE, TEMPLATE, "nav_search", Box::new(context))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Paragraphs in Arabic, anchored `p1`, `p2`, … in order.
    fn paragraphs(texts: &[&str]) -> Passages {
        let ids: Vec<String> = (1..=texts.len()).map(|i| format!("p{i}")).collect();
        let list: Vec<(&str, &str)> = ids.iter().map(String::as_str).zip(texts.iter().copied()).collect();
        Passages::paragraphs("ar", &list)
    }

    fn doc(passages: &[&str]) -> Document {
        Document {
            kind: "Article".into(),
            url: "a/".into(),
            title_lang: "ar".into(),
            title: "t".into(),
            fields: Vec::new(),
            passages: paragraphs(passages),
            counted: None,
        }
    }

    /// Documents weighed a run at a time and added as they go make the index
    /// that adding them all at once makes: ids go on across runs, and the
    /// weights are the same whether the passages' come from linking, from the
    /// passages themselves, or from weights counted before. (How a document's
    /// terms merge into one posting is `Index::add`'s, tested in its module.)
    #[test]
    fn an_index_made_run_by_run_is_the_index_of_all_the_documents() {
        let words = ["داعش", "التحالف", "سوريا", "بغداد", "واشنطن", "الرقة", "t"];
        let docs: Vec<Document> = (0..2 * WEIGHED_AT_ONCE + 7)
            .map(|i| {
                let mut d = doc(&[words[i % 7], &format!("{} {}", words[(i / 7) % 7], words[(i * 3) % 7])]);
                d.title = words[(i / 2) % 7].to_string();
                d
            })
            .collect();
        let all: Vec<DocWeights> = docs.iter().map(index::weights).collect();
        let expected = Index::from_weights(all.iter()).postings;
        let counted = |every: usize| -> Vec<Option<Arc<Weights>>> {
            docs.iter()
                .enumerate()
                .map(|(i, d)| (i % every == 0).then(|| Arc::new(index::passage_weights(d))))
                .collect()
        };
        let (index, kept) = index_of(&docs, counted(2), None);
        assert_eq!(index.postings, expected);
        assert!(kept.is_empty(), "a one-off build keeps no weights");
        let (index, kept) = index_of(&docs, counted(3), Some(&HashMap::default()));
        assert_eq!(index.postings, expected);
        assert_eq!(kept.len(), docs.len());
        let previous: HashMap<u64, Arc<DocWeights>> = kept.into_iter().collect();
        let (index, _) = index_of(&docs, vec![None; docs.len()], Some(&previous));
        assert_eq!(index.postings, expected);
    }

    /// Every language gets the shard its own documents make at each place,
    /// whichever language made the bytes, and languages whose documents there
    /// agree get the same file: here `ar` and `fr` agree at shard 0 and `en`
    /// does not, all agree at shard 1, and `fr` has no shard 2. Each file is
    /// put once; the bytes are kept for the memo alone.
    #[test]
    fn every_language_gets_the_shards_of_its_own_documents() {
        use crate::model::{Dir, Language};
        let langs: Vec<Language> =
            ["ar", "en", "fr"].iter().map(|c| Language { code: c.to_string(), dir: Dir::of(c) }).collect();
        let place = |k: usize, text: &str| -> Vec<Document> {
            (0..SHARD_SIZE).map(|i| doc(&[format!("{text} {k} {i}").as_str()])).collect()
        };
        let ar = [place(0, "نص"), place(1, "مشترك"), place(2, "أخير")].concat();
        let en = [place(0, "آخر"), place(1, "مشترك"), place(2, "أخير")].concat();
        let fr = [place(0, "نص"), place(1, "مشترك")].concat();
        for keep in [false, true] {
            let todo: Vec<ToMake> = langs
                .iter()
                .zip([&ar, &en, &fr])
                .map(|(lang, docs)| ToMake { lang, key: keep.then_some(0), docs: docs.clone() })
                .collect();
            let put_files = std::sync::Mutex::new(Vec::new());
            let put = |path: String, bytes: Vec<u8>| put_files.lock().unwrap().push((path, bytes));
            let shards = add_shards(&todo, &put, keep);
            let mut expected_files = Vec::new();
            for (t, made) in todo.iter().zip(&shards) {
                let chunks: Vec<&[Document]> = t.docs.chunks(SHARD_SIZE).collect();
                assert_eq!(made.len(), chunks.len(), "{}", t.lang.code);
                for (k, ((target, kept), chunk)) in made.iter().zip(chunks).enumerate() {
                    let own = script_file(&format!("search-text-{k}"), index::text_shard(k, chunk));
                    assert_eq!(target, &own.0, "{} {k}", t.lang.code);
                    assert_eq!(kept.as_ref(), keep.then_some(&own.1), "{} {k}", t.lang.code);
                    expected_files.push(own);
                }
            }
            let mut files = put_files.into_inner().unwrap();
            files.sort();
            expected_files.sort();
            expected_files.dedup();
            assert_eq!(expected_files.len(), 4, "shard 0 of ar and fr, 0 of en, 1 of all, 2 of ar and en");
            assert_eq!(files, expected_files, "each file put once, with its bytes");
        }
    }

    /// A shard is made once for two languages only when their documents there
    /// have the same passages: the same texts with the same anchors.
    #[test]
    fn a_shard_is_shared_only_by_the_same_passages() {
        let chunk = vec![doc(&["نص أول", "نص ثان"]), doc(&["نص ثالث"])];
        assert!(same_passages(&chunk, &chunk.clone()));
        assert!(!same_passages(&chunk, &[doc(&["نص أول", "نص آخر"]), doc(&["نص ثالث"])]), "another text");
        assert!(!same_passages(&chunk, &chunk[..1]), "fewer documents");
        let mut anchored = chunk.clone();
        anchored[1].passages = Passages::paragraphs("ar", &[("p2", "نص ثالث")]);
        assert!(!same_passages(&chunk, &anchored), "another anchor");
        let mut language = chunk.clone();
        language[1].passages.lang = "en".into();
        assert!(!same_passages(&chunk, &language), "another language");
        let mut elsewhere = chunk.clone();
        elsewhere[0].passages = paragraphs(&["نص أول"]);
        elsewhere[1].passages = Passages::paragraphs("ar", &[("p2", "نص ثان"), ("p1", "نص ثالث")]);
        assert!(!same_passages(&chunk, &elsewhere), "the same passages in other documents");
    }
}
