//! Linking: entity mentions in the original text, where each provenance quote
//! sits, related articles, and the backlinks entity pages need.
//!
//! Pure: the model in, link tables out. Mentions are found with one
//! Aho-Corasick automaton over the folded text of every passage, so the cost
//! grows with the text, not with text × entities.

use crate::model::EntityFile;
use crate::search::index::{Weights, folded_passage_weights};
use crate::site::{Article, Passage, Site};
use crate::text::{Offsets, fold, fold_with_offsets};
use aho_corasick::{AhoCorasick, MatchKind};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::sync::Arc;

/// One mention of an entity in a passage of an article's original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Entity slug.
    pub entity: String,
    /// Byte range in the passage text, clitic prefix included.
    pub range: Range<usize>,
}

/// Where a figure's or event's quote sits in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteSpot {
    /// Passage id (`p12`).
    pub passage: String,
    /// Byte range of the quoted words in the passage text.
    pub range: Range<usize>,
}

/// Everything the renderer needs beyond the model. The tables that gather
/// across articles are shared (`Arc`) with the memo, so a rebuild whose
/// articles name the same entities, topics and related articles reuses them
/// without copying.
#[derive(Debug, Default)]
pub struct Links {
    /// article → passage id → mentions in order.
    pub mentions: HashMap<String, Arc<BTreeMap<String, Vec<Mention>>>>,
    /// article → figure index → quote spot.
    pub figure_spots: HashMap<String, Vec<Option<QuoteSpot>>>,
    /// article → event index → quote spot.
    pub event_spots: HashMap<String, Vec<Option<QuoteSpot>>>,
    /// article → related article slugs, best first.
    pub related: Arc<HashMap<String, Vec<String>>>,
    /// article → (entity, mention count), most mentioned first; explicit entities count 0 when unmentioned.
    pub article_entities: Arc<HashMap<String, Vec<(String, usize)>>>,
    /// entity → (article, mention count), articles newest first.
    pub entity_articles: Arc<BTreeMap<String, Vec<(String, usize)>>>,
    /// entity → co-occurring entities with the number of shared articles, most first.
    pub cooccurring: Arc<BTreeMap<String, Vec<(String, usize)>>>,
    /// article → the search terms of its passages with their weights, counted
    /// from the folded text mentions are found in: the search indexes need
    /// not fold the original texts again. `render::Prepared::new` moves the
    /// map out for the search indexes (which let each go once used): a
    /// prepared site's links hold none.
    pub passage_weights: PassageWeights,
}

/// Article slug → the search terms of its passages with their weights.
pub type PassageWeights = HashMap<String, Arc<Weights>>;

/// At most this many articles are linked one after the other by a rayon job
/// ([`crate::render::PAGES_PER_JOB`]).
const ARTICLES_PER_JOB: usize = 16;

/// The tables of [`Links`] that gather across articles.
#[derive(Clone, Default)]
struct Tables {
    related: Arc<HashMap<String, Vec<String>>>,
    article_entities: Arc<HashMap<String, Vec<(String, usize)>>>,
    entity_articles: Arc<BTreeMap<String, Vec<(String, usize)>>>,
    cooccurring: Arc<BTreeMap<String, Vec<(String, usize)>>>,
}

/// Arabic proclitics that may stand before a name: conjunction, then preposition.
const PREFIXES: [&str; 12] = ["", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك"];
/// Before «لل…» (ل + ال) only a conjunction may come.
const PREFIXES_LAM: [&str; 3] = ["", "و", "ف"];

/// Finds entity names and aliases in folded text, with clitics.
pub struct MentionFinder {
    automaton: Option<AhoCorasick>,
    /// pattern index → (entity slug, prefixes allowed before it)
    patterns: Vec<(String, &'static [&'static str])>,
    /// Hash of the needles and their patterns: two finders with the same key find the same mentions.
    key: u64,
}

impl MentionFinder {
    /// Builds one automaton over every spelling of every entity.
    pub fn new(site: &Site) -> MentionFinder {
        MentionFinder::reusing(entities_of(site), None)
    }

    /// [`MentionFinder::new`] for `entities` (slug, file), taking the automaton
    /// of `previous` when it was built from the same needles (`serve` rebuilds
    /// it only when an entity's spellings change: the DFA takes ~10 ms at
    /// 1,000 articles, a tenth of a second at 10,000).
    fn reusing<'e>(
        entities: impl Iterator<Item = (&'e String, &'e EntityFile)>,
        previous: Option<MentionFinder>,
    ) -> MentionFinder {
        let mut seen: HashMap<String, usize> = HashMap::default();
        let mut needles = Vec::new();
        let mut patterns = Vec::new();
        for (slug, entity) in entities {
            let spellings = entity.name.values().chain(entity.aliases.values().flatten());
            for spelling in spellings {
                let folded = fold(spelling);
                if folded.chars().count() < 2 {
                    continue;
                }
                let mut add = |needle: String, prefixes: &'static [&'static str]| {
                    if !seen.contains_key(&needle) {
                        seen.insert(needle.clone(), patterns.len());
                        needles.push(needle);
                        patterns.push((slug.clone(), prefixes));
                    }
                };
                if let Some(rest) = folded.strip_prefix("ال") {
                    add(format!("لل{rest}"), &PREFIXES_LAM);
                }
                add(folded, &PREFIXES);
            }
        }
        let mut h = rustc_hash::FxHasher::default();
        (&needles, &patterns).hash(&mut h);
        let key = h.finish();
        if let Some(previous) = previous.filter(|p| p.key == key) {
            return previous;
        }
        // A DFA: every transition precomputed, one table step per byte of
        // every article body (the default contiguous NFA follows failure
        // links). The link stage at 10,000 articles: a tenth faster, for ~17 MB more.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&needles)
            .ok()
            .filter(|_| !needles.is_empty());
        MentionFinder { automaton, patterns, key }
    }

    /// Mentions in `text`, as byte ranges of `text`, in order.
    #[cfg(test)]
    pub fn find(&self, text: &str) -> Vec<Mention> {
        let p = Passage { id: String::new(), text: text.into() };
        self.find_in(&FoldedPassage::new(&p))
    }

    /// Mentions in a passage, as byte ranges of its text, in order.
    pub fn find_in(&self, passage: &FoldedPassage) -> Vec<Mention> {
        let Some(ac) = &self.automaton else { return Vec::new() };
        let (text, folded, offsets) = (&passage.passage.text, &passage.folded, &passage.offsets);
        let mut out = Vec::new();
        for m in ac.find_iter(folded) {
            let (entity, prefixes) = &self.patterns[m.pattern().as_usize()];
            if folded[m.end()..].chars().next().is_some_and(char::is_alphanumeric) {
                continue; // inside a longer word
            }
            let word_start = folded[..m.start()]
                .rfind(|c: char| !c.is_alphanumeric())
                .map_or(0, |i| i + folded[i..].chars().next().map_or(1, char::len_utf8));
            if !prefixes.contains(&&folded[word_start..m.start()]) {
                continue;
            }
            let start = offsets.original(word_start);
            let mut end = offsets.original(m.end());
            // Keep diacritics that follow the last letter inside the link.
            while let Some(c) =
                text[end..].chars().next().filter(|c| fold(&c.to_string()).is_empty() && !c.is_whitespace())
            {
                end += c.len_utf8();
            }
            out.push(Mention { entity: entity.clone(), range: start..end });
        }
        out
    }
}

/// A passage with its folded text, computed once and shared by mention
/// finding and quote location.
pub struct FoldedPassage<'a> {
    /// The passage.
    pub passage: &'a Passage,
    /// Its text after [`fold`].
    folded: String,
    /// Where its characters start in the original (see [`fold_with_offsets`]).
    offsets: Offsets,
}

impl FoldedPassage<'_> {
    /// Folds `passage` once.
    pub fn new(passage: &Passage) -> FoldedPassage<'_> {
        let (folded, offsets) = fold_with_offsets(&passage.text);
        FoldedPassage { passage, folded, offsets }
    }
}

/// Where `quote` occurs in the passages, matched after folding.
pub fn locate_quote(quote: &str, passages: &[FoldedPassage]) -> Option<QuoteSpot> {
    let needle = fold(quote);
    if needle.is_empty() {
        return None;
    }
    let finder = memchr::memmem::Finder::new(needle.as_bytes());
    passages.iter().find_map(|p| {
        let at = finder.find(p.folded.as_bytes())?;
        Some(QuoteSpot {
            passage: p.passage.id.clone(),
            range: p.offsets.original(at)..p.offsets.original(at + needle.len()),
        })
    })
}

/// What linking leaves for the next run: each article's own links by the hash
/// of everything they depend on (its passages, its quotes and the entity
/// spellings), so an edit to one article folds and searches that article alone;
/// and the tables that gather across articles by the hash of what they are made
/// from (every article's slug, place, topics, related and entity counts).
#[derive(Default)]
pub struct LinkMemo {
    finder: Option<MentionFinder>,
    articles: HashMap<u64, Arc<ArticleLinks>>,
    tables: Option<(u64, Tables)>,
}

/// The site's entities as [`MentionFinder::reusing`] takes them: (slug, file).
fn entities_of(site: &Site) -> impl Iterator<Item = (&String, &EntityFile)> {
    site.entities.iter().map(|(slug, e)| (slug, &**e))
}

impl LinkMemo {
    /// Makes (or keeps) the mention finder of the site's `entities` ahead of
    /// [`link_with`], which then reuses its automaton: the automaton depends
    /// on the entities alone, so it is built while the model is (its one
    /// core's tenth of a second at 10,000 articles had the other core idle).
    pub fn prepare_finder<'e>(&mut self, entities: impl Iterator<Item = (&'e String, &'e EntityFile)>) {
        self.finder = Some(MentionFinder::reusing(entities, self.finder.take()));
    }
}

/// The hash of everything [`link_article`] reads.
fn article_key(finder: &MentionFinder, a: &Article) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    finder.key.hash(&mut h);
    a.body_key.hash(&mut h); // the passages
    for f in &a.meta.figures {
        f.quote.hash(&mut h);
    }
    a.meta.figures.len().hash(&mut h);
    for e in &a.meta.events {
        e.quote.hash(&mut h);
    }
    a.meta.events.len().hash(&mut h);
    h.finish()
}

/// What linking finds in one article's own text.
struct ArticleLinks {
    mentions: Arc<BTreeMap<String, Vec<Mention>>>,
    counts: BTreeMap<String, usize>,
    figure_spots: Vec<Option<QuoteSpot>>,
    event_spots: Vec<Option<QuoteSpot>>,
    passage_weights: Arc<Weights>,
}

/// Mentions and quote spots of one article: its passages are folded once for both.
fn link_article(finder: &MentionFinder, a: &Article) -> ArticleLinks {
    let passages: Vec<FoldedPassage> = a.passages().map(FoldedPassage::new).collect();
    let mut mentions = BTreeMap::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for p in &passages {
        let found = finder.find_in(p);
        for m in &found {
            *counts.entry(m.entity.clone()).or_default() += 1;
        }
        if !found.is_empty() {
            mentions.insert(p.passage.id.clone(), found);
        }
    }
    let spot = |q: &Option<String>| q.as_deref().and_then(|q| locate_quote(q, &passages));
    ArticleLinks {
        mentions: Arc::new(mentions),
        counts,
        figure_spots: a.meta.figures.iter().map(|f| spot(&f.quote)).collect(),
        event_spots: a.meta.events.iter().map(|e| spot(&e.quote)).collect(),
        passage_weights: Arc::new(folded_passage_weights(passages.iter().map(|p| p.folded.as_str()))),
    }
}

/// Computes every link table of the site.
pub fn link(site: &Site) -> Links {
    link_with(site, &mut LinkMemo::default())
}

/// [`link`], reusing from `memo` the links of every article whose inputs are
/// unchanged, and leaving in it this run's.
pub fn link_with(site: &Site, memo: &mut LinkMemo) -> Links {
    let finder = MentionFinder::reusing(entities_of(site), memo.finder.take());
    // Articles are linked independently, in parallel; the merge below keeps their order.
    let previous = std::mem::take(&mut memo.articles);
    let per_article: Vec<(u64, Arc<ArticleLinks>)> = site
        .articles
        .par_iter()
        .with_max_len(ARTICLES_PER_JOB) // no core is left alone with a long run of articles
        .map(|a| {
            let key = article_key(&finder, a);
            (key, previous.get(&key).cloned().unwrap_or_else(|| Arc::new(link_article(&finder, a))))
        })
        .collect();
    drop(previous);
    // An article is about the entities it names explicitly and those its text mentions.
    let counts: Vec<BTreeMap<&str, usize>> = site
        .articles
        .par_iter()
        .zip(&per_article)
        .with_max_len(ARTICLES_PER_JOB)
        .map(|(a, (_, found))| {
            let mut counts: BTreeMap<&str, usize> = found.counts.iter().map(|(e, n)| (e.as_str(), *n)).collect();
            for e in &a.meta.entities {
                counts.entry(e.as_str()).or_insert(0);
            }
            counts
        })
        .collect();
    let mut links = Links::default();
    // Reserved at their size: grown entry by entry, each map was moved at every doubling.
    let n = per_article.len();
    links.mentions.reserve(n);
    links.figure_spots.reserve(n);
    links.event_spots.reserve(n);
    links.passage_weights.reserve(n);
    memo.articles.reserve(n);
    for (a, (key, found)) in site.articles.iter().zip(&per_article) {
        links.mentions.insert(a.slug.clone(), found.mentions.clone());
        links.figure_spots.insert(a.slug.clone(), found.figure_spots.clone());
        links.event_spots.insert(a.slug.clone(), found.event_spots.clone());
        links.passage_weights.insert(a.slug.clone(), found.passage_weights.clone());
        memo.articles.insert(*key, found.clone());
    }
    let key = tables_key(&site.articles, &counts);
    let tables = match memo.tables.take() {
        Some((k, tables)) if k == key => tables,
        _ => tables(&site.articles, &counts),
    };
    memo.tables = Some((key, tables.clone()));
    Tables {
        related: links.related,
        article_entities: links.article_entities,
        entity_articles: links.entity_articles,
        cooccurring: links.cooccurring,
    } = tables;
    memo.finder = Some(finder);
    links
}

/// The hash of everything [`tables`] reads: each article in order with its
/// topics, related articles and entity counts.
fn tables_key(articles: &[Article], counts: &[BTreeMap<&str, usize>]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    for (a, counts) in articles.iter().zip(counts) {
        (&a.slug, &a.meta.topics, &a.meta.related, counts).hash(&mut h);
    }
    articles.len().hash(&mut h);
    h.finish()
}

/// The tables that gather across articles; `counts` are each article's entity counts.
fn tables(articles: &[Article], counts: &[BTreeMap<&str, usize>]) -> Tables {
    // Related articles read only the articles and their counts: made beside the rest.
    let (related, (article_entities, entity_articles, cooccurring)) =
        rayon::join(|| related(articles, counts), || entity_tables(articles, counts));
    Tables {
        related: Arc::new(related),
        article_entities: Arc::new(article_entities),
        entity_articles: Arc::new(entity_articles),
        cooccurring: Arc::new(cooccurring),
    }
}

/// Entities with the articles that name them (and how often), or entities
/// with those they occur with.
type Named = BTreeMap<String, Vec<(String, usize)>>;

/// Each article with the entities it names, and how often.
type Naming = HashMap<String, Vec<(String, usize)>>;

/// [`tables`] but the related articles: the entities each article names, the
/// articles that name each entity, and the entities that occur together.
fn entity_tables(articles: &[Article], counts: &[BTreeMap<&str, usize>]) -> (Naming, Named, Named) {
    // Gathered by entity name borrowed from the counts, then keyed by an owned
    // name once per entity: a map keyed by owned names took a copy of the name
    // and a dozen string comparisons for each (article, entity) pair.
    let mut by_entity: HashMap<&str, Vec<(String, usize)>> = HashMap::default();
    let mut article_entities = Naming::default();
    for (a, counts) in articles.iter().zip(counts) {
        for (&entity, &n) in counts {
            by_entity.entry(entity).or_default().push((a.slug.clone(), n));
        }
        let mut named: Vec<(String, usize)> = counts.iter().map(|(e, n)| (e.to_string(), *n)).collect();
        named.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
        article_entities.insert(a.slug.clone(), named);
    }
    let mut names: Vec<&str> = by_entity.keys().copied().collect();
    names.sort_unstable();
    // Pairs are counted on entity numbers, their order by name: comparing two
    // numbers compares the names.
    let number: HashMap<&str, u32> = names.iter().enumerate().map(|(i, e)| (*e, i as u32)).collect();
    let mut pairs: HashMap<(u32, u32), usize> = HashMap::default();
    for counts in counts {
        let list: Vec<u32> = counts.keys().map(|e| number[e]).collect(); // ascending, as the keys are sorted
        for (i, &x) in list.iter().enumerate() {
            for &y in &list[i + 1..] {
                *pairs.entry((x, y)).or_default() += 1;
            }
        }
    }
    let mut with: Vec<Vec<(u32, usize)>> = vec![Vec::new(); names.len()];
    for ((x, y), n) in pairs {
        with[x as usize].push((y, n));
        with[y as usize].push((x, n));
    }
    let mut cooccurring = Named::new();
    for (x, mut list) in with.into_iter().enumerate() {
        if list.is_empty() {
            continue;
        }
        list.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let list = list.into_iter().map(|(y, n)| (names[y as usize].to_string(), n)).collect();
        cooccurring.insert(names[x].to_string(), list);
    }
    let entity_articles = by_entity.into_iter().map(|(e, list)| (e.to_string(), list)).collect();
    (article_entities, entity_articles, cooccurring)
}

/// Up to this many related articles per article.
const RELATED_MAX: usize = 5;

/// What [`related`] reads of one article.
struct Features<'a> {
    slug: &'a str,
    topics: &'a [String],
    /// Explicitly related slugs.
    related: &'a [String],
    /// Entities the article names or mentions, sorted.
    entities: Vec<&'a str>,
}

/// Related articles: explicit ones first, then by shared topics and entities,
/// weighted by rarity, so that an entity every article names links nothing.
fn related(articles: &[Article], counts: &[BTreeMap<&str, usize>]) -> HashMap<String, Vec<String>> {
    let features: Vec<Features> = articles
        .iter()
        .zip(counts)
        .map(|(a, counts)| Features {
            slug: &a.slug,
            topics: &a.meta.topics,
            related: &a.meta.related,
            entities: counts.keys().copied().collect(),
        })
        .collect();
    related_of(&features)
}

/// [`related`] on the features alone. Topics and entities are numbered, each
/// article's scores are summed in an array indexed by article (in the same
/// order as a map would sum them, so the same floating-point values), and only
/// the few best candidates are sorted: at 10,000 articles, maps keyed by
/// `t:slug` strings and a sort of every candidate took half a second.
fn related_of(articles: &[Features]) -> HashMap<String, Vec<String>> {
    let n = articles.len().max(1) as f64;
    // A topic and an entity with the same slug are different features.
    let mut number: HashMap<(bool, &str), u32> = HashMap::default();
    let mut postings: Vec<Vec<u32>> = Vec::new();
    let own: Vec<Vec<u32>> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let named = a.topics.iter().map(|t| (true, t.as_str())).chain(a.entities.iter().map(|e| (false, *e)));
            named
                .map(|key| {
                    let next = postings.len() as u32;
                    let f = *number.entry(key).or_insert(next);
                    if f == next {
                        postings.push(Vec::new());
                    }
                    postings[f as usize].push(i as u32);
                    f
                })
                .collect()
        })
        .collect();
    // Features shared by a large share of a big corpus say little and would make this quadratic.
    let cap = (n.sqrt() as usize * 8).max(64);
    let weight: Vec<f64> = postings.iter().map(|list| (n / list.len() as f64).ln() + 0.1).collect();
    let by_score = |x: &(usize, f64), y: &(usize, f64)| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(&y.0));
    let lists = articles.par_iter().zip(&own).enumerate().map_init(
        || (vec![0.0f64; articles.len()], Vec::new()),
        |(score, touched), (i, (a, own))| {
            // Every weight is at least 0.1, so a score of zero is a candidate not yet seen.
            for &f in own {
                let list = &postings[f as usize];
                if list.len() > cap {
                    continue;
                }
                for &j in list.iter().filter(|&&j| j as usize != i) {
                    let s = &mut score[j as usize];
                    if *s == 0.0 {
                        touched.push(j as usize);
                    }
                    *s += weight[f as usize];
                }
            }
            let mut ranked: Vec<(usize, f64)> = touched.drain(..).map(|j| (j, std::mem::take(&mut score[j]))).collect();
            // At most one candidate per explicit slug is passed over, so this many are enough.
            let wanted = RELATED_MAX + a.related.len();
            if ranked.len() > wanted {
                ranked.select_nth_unstable_by(wanted, by_score);
                ranked.truncate(wanted);
            }
            ranked.sort_by(by_score);
            let mut list: Vec<String> = a.related.to_vec();
            for (j, _) in ranked {
                if list.len() >= RELATED_MAX {
                    break;
                }
                if !list.iter().any(|s| s == articles[j].slug) {
                    list.push(articles[j].slug.to_string());
                }
            }
            (a.slug.to_string(), list)
        },
    );
    lists.collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntityFile, EntityKind};

    fn finder(entities: &[(&str, &str, &[&str])]) -> MentionFinder {
        let mut site = Site::empty();
        for (slug, name, aliases) in entities {
            site.entities.insert(
                slug.to_string(),
                std::sync::Arc::new(EntityFile {
                    name: [("ar".to_string(), name.to_string())].into(),
                    kind: EntityKind::Organization,
                    aliases: [("ar".to_string(), aliases.iter().map(|s| s.to_string()).collect())].into(),
                    description: Default::default(),
                }),
            );
        }
        MentionFinder::new(&site)
    }

    fn found<'a>(f: &MentionFinder, text: &'a str) -> Vec<(&'a str, String)> {
        f.find(text).into_iter().map(|m| (&text[m.range], m.entity)).collect()
    }

    #[test]
    fn matches_clitics_and_the_article() {
        let f = finder(&[
            ("sdf", "قوات سوريا الديمقراطية", &["قسد"]),
            ("damascus", "دمشق", &[]),
            ("coalition", "التحالف", &[]),
        ]);
        let text = "قال لقسد إن بدمشق والتحالف، وللتحالف وبالتحالف دوراً.";
        let got: Vec<&str> = found(&f, text).into_iter().map(|(s, _)| s).collect();
        assert_eq!(got, vec!["لقسد", "بدمشق", "والتحالف", "وللتحالف", "وبالتحالف"]);
    }

    #[test]
    fn does_not_link_inside_other_words() {
        let f = finder(&[("damascus", "دمشق", &[]), ("sdf", "قسد", &[])]);
        assert!(found(&f, "الدمشقيون ومقسدة").is_empty());
        assert!(found(&f, "دمشقي").is_empty());
    }

    #[test]
    fn diacritics_and_hamza_do_not_hide_a_mention() {
        let f = finder(&[("isis", "تنظيم الدولة", &["داعش"])]);
        assert_eq!(found(&f, "هاجم دَاعِشُ القرية")[0].0, "دَاعِشُ");
        let f = finder(&[("us", "الولايات المتحدة الأمريكية", &[])]);
        assert_eq!(found(&f, "مع الولايات المتحدة الامريكية").len(), 1);
    }

    /// The related-articles ranking as it was first written: maps keyed by
    /// `t:slug` and `e:slug`, and a sort of every candidate.
    fn related_reference(articles: &[Features]) -> HashMap<String, Vec<String>> {
        let n = articles.len().max(1) as f64;
        let mut postings: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, a) in articles.iter().enumerate() {
            for t in a.topics {
                postings.entry(format!("t:{t}")).or_default().push(i);
            }
            for e in &a.entities {
                postings.entry(format!("e:{e}")).or_default().push(i);
            }
        }
        let cap = (n.sqrt() as usize * 8).max(64);
        let weight: HashMap<&String, f64> =
            postings.iter().map(|(k, v)| (k, (n / v.len() as f64).ln() + 0.1)).collect();
        let mut lists = HashMap::default();
        for (i, a) in articles.iter().enumerate() {
            let mut score: HashMap<usize, f64> = HashMap::default();
            let features = a.topics.iter().map(|t| format!("t:{t}")).chain(a.entities.iter().map(|e| format!("e:{e}")));
            for f in features {
                let Some(list) = postings.get(&f).filter(|l| l.len() <= cap) else { continue };
                for &j in list.iter().filter(|&&j| j != i) {
                    *score.entry(j).or_default() += weight[&f];
                }
            }
            let mut ranked: Vec<(usize, f64)> = score.into_iter().collect();
            ranked.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
            let mut list: Vec<String> = a.related.to_vec();
            for (j, _) in ranked {
                if list.len() >= RELATED_MAX {
                    break;
                }
                if !list.iter().any(|s| s == articles[j].slug) {
                    list.push(articles[j].slug.to_string());
                }
            }
            lists.insert(a.slug.to_string(), list);
        }
        lists
    }

    proptest::proptest! {
        /// Small vocabularies make ties, shared slugs between topics and
        /// entities, repeated topics and explicit slugs that are also candidates.
        #[test]
        fn related_agrees_with_the_reference(
            raw in proptest::collection::vec(
                (
                    proptest::collection::vec(0u8..6, 0..4),
                    proptest::collection::btree_set(0u8..8, 0..5),
                    proptest::collection::vec(0u8..40, 0..7),
                ),
                0..90,
            )
        ) {
            let slugs: Vec<String> = (0..raw.len()).map(|i| format!("a{i}")).collect();
            let names: Vec<String> = (0..8).map(|i| format!("x{i}")).collect();
            let owned: Vec<(Vec<String>, Vec<String>)> = raw
                .iter()
                .map(|(topics, _, related)| {
                    (topics.iter().map(|t| names[*t as usize].clone()).collect(),
                     related.iter().map(|r| format!("a{r}")).collect())
                })
                .collect();
            let articles: Vec<Features> = raw
                .iter()
                .zip(&owned)
                .zip(&slugs)
                .map(|(((_, entities, _), (topics, related)), slug)| Features {
                    slug,
                    topics,
                    related,
                    entities: entities.iter().map(|e| names[*e as usize].as_str()).collect(),
                })
                .collect();
            proptest::prop_assert_eq!(related_of(&articles), related_reference(&articles));
        }
    }

    #[test]
    fn quotes_are_located_in_their_passage() {
        let p1 = Passage { id: "p1".into(), text: "مقدمة".into() };
        let p2 = Passage { id: "p3".into(), text: "قتل 14 إرهابيًا واعتقال 119 آخرين".into() };
        let passages = [FoldedPassage::new(&p1), FoldedPassage::new(&p2)];
        let spot = locate_quote("واعتقال 119", &passages).unwrap();
        assert_eq!(spot.passage, "p3");
        assert_eq!(&p2.text[spot.range], "واعتقال 119");
        assert!(locate_quote("غير موجود", &passages).is_none());
    }
}
