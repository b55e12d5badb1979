//! The typed model of a briefing project, exactly as the content files say it.
//!
//! These structs mirror docs/CONTENT-FORMAT.md. Unknown fields are errors
//! (`deny_unknown_fields`), so a typo is caught instead of silently ignored.
//! Values are checked by `validate`; here we only give them shape.

use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::fmt;

/// Human-readable text per language code: `{ar: "…", en: "…"}`.
///
/// A map of a few entries kept as one sorted list: a briefing has one of
/// these for every title, summary, key point, figure label and event, and a
/// `BTreeMap` node for two entries takes ~540 bytes, most of a loaded
/// project's memory at 10,000 articles (docs/PERFORMANCE.md). It reads,
/// iterates, compares, prints and (de)serializes as the
/// `BTreeMap<String, String>` it replaces.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Localized {
    /// (language code, text), sorted by code, each code once.
    entries: Vec<(String, String)>,
}

impl Localized {
    /// An empty map.
    pub fn new() -> Localized {
        Localized::default()
    }

    /// Where `code` is, or where it would go.
    fn find(&self, code: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(code))
    }

    /// The text in language `code`.
    pub fn get(&self, code: &str) -> Option<&String> {
        self.find(code).ok().map(|i| &self.entries[i].1)
    }

    /// Whether there is a text in language `code`.
    pub fn contains_key(&self, code: &str) -> bool {
        self.find(code).is_ok()
    }

    /// Sets the text in language `code`; gives the one it replaces.
    pub fn insert(&mut self, code: String, text: String) -> Option<String> {
        match self.find(&code) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, text)),
            Err(i) => {
                self.entries.insert(i, (code, text));
                None
            }
        }
    }

    /// (code, text) in code order.
    pub fn iter(&self) -> Texts<'_> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The codes, in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The texts, in code order.
    pub fn values(&self) -> impl Iterator<Item = &String> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// How many languages have a text.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no language has a text.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// [`Localized::iter`]'s iterator: (code, text) pairs.
pub type Texts<'a> =
    std::iter::Map<std::slice::Iter<'a, (String, String)>, fn(&(String, String)) -> (&String, &String)>;

impl<'a> IntoIterator for &'a Localized {
    type Item = (&'a String, &'a String);
    type IntoIter = Texts<'a>;

    fn into_iter(self) -> Texts<'a> {
        self.iter()
    }
}

impl FromIterator<(String, String)> for Localized {
    /// Later entries replace earlier ones with the same code, as in a map.
    fn from_iter<I: IntoIterator<Item = (String, String)>>(items: I) -> Localized {
        let mut map = Localized::new();
        for (code, text) in items {
            map.insert(code, text);
        }
        map
    }
}

impl<const N: usize> From<[(String, String); N]> for Localized {
    fn from(items: [(String, String); N]) -> Localized {
        items.into_iter().collect()
    }
}

impl std::ops::Index<&str> for Localized {
    type Output = String;

    /// The text in language `code`; panics when there is none, as a map does.
    fn index(&self, code: &str) -> &String {
        self.get(code).unwrap_or_else(|| panic!("no text in '{code}'"))
    }
}

impl fmt::Debug for Localized {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl serde::Serialize for Localized {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Localized {
    /// A map of strings, as a `BTreeMap<String, String>` reads one (a later
    /// duplicate code replaces the earlier text), with the same errors.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Localized, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Localized;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut access: A) -> Result<Localized, A::Error> {
                // Most have two languages: room for them, not the four a growing list starts with.
                let mut map = Localized { entries: Vec::with_capacity(access.size_hint().unwrap_or(2).min(16)) };
                while let Some((code, text)) = access.next_entry::<String, String>()? {
                    map.insert(code, text);
                }
                Ok(map)
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// Text direction of a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dir {
    /// Left to right.
    Ltr,
    /// Right to left.
    Rtl,
}

impl Dir {
    /// The direction a language is written in, from its code.
    pub fn of(code: &str) -> Dir {
        let base = code.split(['-', '_']).next().unwrap_or(code);
        match base {
            "ar" | "fa" | "he" | "ur" | "ckb" | "ps" | "yi" => Dir::Rtl,
            _ => Dir::Ltr,
        }
    }

    /// `ltr` or `rtl`, as HTML wants it.
    pub fn as_str(self) -> &'static str {
        match self {
            Dir::Ltr => "ltr",
            Dir::Rtl => "rtl",
        }
    }
}

/// A language entry of `site.yaml`: a bare code, or a code with a direction.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum LanguageSpec {
    /// `ar`
    Code(String),
    /// `{code: ku, dir: ltr}`
    Full {
        /// Language code.
        code: String,
        /// Overrides the direction derived from the code.
        dir: Option<Dir>,
    },
}

/// A site language, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    /// BCP 47 code, e.g. `ar`.
    pub code: String,
    /// Direction of its script.
    pub dir: Dir,
}

impl LanguageSpec {
    /// The code and the effective direction.
    pub fn resolve(&self) -> Language {
        match self {
            LanguageSpec::Code(code) => Language { code: code.clone(), dir: Dir::of(code) },
            LanguageSpec::Full { code, dir } => {
                Language { code: code.clone(), dir: dir.unwrap_or_else(|| Dir::of(code)) }
            }
        }
    }
}

/// `content/site.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Site title.
    pub title: Localized,
    /// One-sentence description, for the home page and feeds.
    #[serde(default)]
    pub description: Localized,
    /// Site languages; the first is the default.
    pub languages: Vec<LanguageSpec>,
    /// Absolute URL of the published site; only for feeds, sitemap and canonical links.
    #[serde(default)]
    pub base_url: Option<String>,
    /// Theme folder under `themes/`.
    #[serde(default = "default_theme")]
    pub theme: String,
}

fn default_theme() -> String {
    "default".to_string()
}

/// Where an article comes from.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The outlet's name.
    pub name: Localized,
    /// Link to the original.
    #[serde(default)]
    pub url: Option<String>,
    /// The original publisher, when this outlet translated or relayed it.
    #[serde(default)]
    pub via: Option<Localized>,
}

/// A number an article reports, for comparison across sources.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    /// Free key; the same key across articles means the same quantity.
    pub metric: String,
    /// The value as the source gives it (`"80"`, `"2500-3000"`, `">80"`).
    #[serde(deserialize_with = "scalar_string")]
    pub value: String,
    /// When the value holds: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "opt_scalar_string")]
    pub as_of: Option<String>,
    /// What is counted.
    pub label: Localized,
    /// The seed's own words that state it.
    #[serde(default)]
    pub quote: Option<String>,
}

/// The numbers a figure's value admits, so that two reports can be compared:
/// `89`, `2,500-3,000`, `>80`, `>=80`, `<10`, `<=10`, `~80` (read as within 10 %).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Bounds {
    lo: f64,
    lo_open: bool,
    hi: f64,
    hi_open: bool,
}

impl Bounds {
    fn parse(value: &str) -> Option<Bounds> {
        let v: String = value.chars().filter(|c| !c.is_whitespace() && *c != ',').collect();
        let num = |s: &str| s.parse::<f64>().ok().filter(|n| n.is_finite());
        let closed = |lo, hi| Bounds { lo, lo_open: false, hi, hi_open: false };
        let b = if let Some(n) = v.strip_prefix(">=") {
            Bounds { hi: f64::INFINITY, hi_open: true, ..closed(num(n)?, 0.0) }
        } else if let Some(n) = v.strip_prefix("<=") {
            Bounds { lo: f64::NEG_INFINITY, lo_open: true, ..closed(0.0, num(n)?) }
        } else if let Some(n) = v.strip_prefix('>') {
            Bounds { lo: num(n)?, lo_open: true, hi: f64::INFINITY, hi_open: true }
        } else if let Some(n) = v.strip_prefix('<') {
            Bounds { lo: f64::NEG_INFINITY, lo_open: true, hi: num(n)?, hi_open: true }
        } else if let Some(n) = v.strip_prefix('~') {
            let n = num(n)?;
            closed(n - n.abs() / 10.0, n + n.abs() / 10.0)
        } else if let Some((a, b)) = v.split_once('-').filter(|(a, _)| !a.is_empty()) {
            closed(num(a)?, num(b)?)
        } else {
            let n = num(&v)?;
            closed(n, n)
        };
        (b.lo <= b.hi).then_some(b)
    }

    fn overlaps(&self, other: &Bounds) -> bool {
        let (lo, lo_open) = match self.lo.total_cmp(&other.lo) {
            std::cmp::Ordering::Greater => (self.lo, self.lo_open),
            std::cmp::Ordering::Less => (other.lo, other.lo_open),
            std::cmp::Ordering::Equal => (self.lo, self.lo_open || other.lo_open),
        };
        let (hi, hi_open) = match self.hi.total_cmp(&other.hi) {
            std::cmp::Ordering::Less => (self.hi, self.hi_open),
            std::cmp::Ordering::Greater => (other.hi, other.hi_open),
            std::cmp::Ordering::Equal => (self.hi, self.hi_open || other.hi_open),
        };
        lo < hi || (lo == hi && !lo_open && !hi_open)
    }
}

/// True when two reported values of one metric cannot both be right: their numbers do not
/// overlap (`89` and `>80` agree; `89` and `80` do not). Values that are not numbers or
/// number ranges conflict when their text differs.
pub fn values_conflict(a: &str, b: &str) -> bool {
    match (Bounds::parse(a), Bounds::parse(b)) {
        (Some(x), Some(y)) => !x.overlaps(&y),
        _ => a.trim() != b.trim(),
    }
}

/// A dated event, for the timeline.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// `YYYY-MM-DD`, or `YYYY-MM` / `YYYY` when the day is not known.
    #[serde(deserialize_with = "scalar_string")]
    pub date: String,
    /// What happened.
    pub text: Localized,
    /// The seed's own words that report it.
    #[serde(default)]
    pub quote: Option<String>,
}

/// Curation of the seed text on top of the automatic extraction.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Clean {
    /// This 1-based line of the seed is the headline.
    #[serde(default)]
    pub title_line: Option<usize>,
    /// Regexes: lines to drop.
    #[serde(default)]
    pub drop: Vec<String>,
    /// Regexes: lines never dropped by heuristics.
    #[serde(default)]
    pub keep: Vec<String>,
    /// Everything from the first line containing this text is dropped.
    #[serde(default)]
    pub stop_at: Option<String>,
}

/// `content/articles/<slug>.yaml`: the curated summary of one seed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleFile {
    /// File name under `seeds/`.
    pub seed: String,
    /// The seed lines that hold this article (`FROM-TO`, 1-based, inclusive), when the seed
    /// holds several; parsed by [`LineRange::parse`]. Absent: the whole seed.
    #[serde(default, deserialize_with = "opt_scalar_string")]
    pub lines: Option<String>,
    /// Headline per language.
    pub title: Localized,
    /// Publication date of the source, `YYYY-MM-DD`.
    #[serde(deserialize_with = "scalar_string")]
    pub date: String,
    /// Why the date is an estimate, when it is one.
    #[serde(default)]
    pub date_note: Option<Localized>,
    /// The outlet.
    #[serde(default)]
    pub source: Option<Source>,
    /// Curated summary (Markdown).
    pub summary: Localized,
    /// Short bullets.
    #[serde(default)]
    pub key_points: Vec<Localized>,
    /// Topic slugs.
    #[serde(default)]
    pub topics: Vec<String>,
    /// Entity slugs.
    #[serde(default)]
    pub entities: Vec<String>,
    /// Reported numbers.
    #[serde(default)]
    pub figures: Vec<Figure>,
    /// Dated events.
    #[serde(default)]
    pub events: Vec<Event>,
    /// Explicitly related article slugs.
    #[serde(default)]
    pub related: Vec<String>,
    /// Curation of the seed text.
    #[serde(default)]
    pub clean: Option<Clean>,
    /// A draft is left out of `build` and `snapshot` unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
}

impl ArticleFile {
    /// The seed lines this article is read from; `None` for the whole seed or an invalid
    /// range (which validation reports).
    pub fn line_range(&self) -> Option<LineRange> {
        self.lines.as_deref().and_then(LineRange::parse)
    }
}

/// An inclusive range of 1-based seed lines: `lines: 69-79`, or `lines: 79` for one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineRange {
    /// First line.
    pub from: usize,
    /// Last line (inclusive).
    pub to: usize,
}

impl LineRange {
    /// Parses `FROM-TO` or `LINE` (spaces around `-` allowed); `None` unless both are whole
    /// numbers from 1 and `from <= to`.
    pub fn parse(s: &str) -> Option<LineRange> {
        let number = |p: &str| p.trim().parse::<usize>().ok().filter(|&n| n >= 1);
        let (from, to) = match s.split_once('-') {
            Some((a, b)) => (number(a)?, number(b)?),
            None => (number(s)?, number(s)?),
        };
        (from <= to).then_some(LineRange { from, to })
    }

    /// True when the two ranges share at least one line.
    pub fn overlaps(&self, other: &LineRange) -> bool {
        self.from <= other.to && other.from <= self.to
    }
}

impl fmt::Display for LineRange {
    /// `FROM-TO`, as written in article files.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.from, self.to)
    }
}

/// `content/topics/<slug>.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicFile {
    /// Topic title.
    pub title: Localized,
    /// Synthesis across the articles (Markdown).
    #[serde(default)]
    pub summary: Localized,
    /// Position in the topic index.
    #[serde(default)]
    pub order: Option<i64>,
}

/// What an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// A person.
    Person,
    /// A group, institution, state body or armed force.
    Organization,
    /// A country, city, region or site.
    Place,
}

impl EntityKind {
    /// The lower-case name used in files and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organization => "organization",
            EntityKind::Place => "place",
        }
    }
}

/// `content/entities/<slug>.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityFile {
    /// Name per language.
    pub name: Localized,
    /// Person, organization or place.
    pub kind: EntityKind,
    /// Other spellings per language, used to find mentions.
    #[serde(default)]
    pub aliases: BTreeMap<String, Vec<String>>,
    /// Short description (Markdown).
    #[serde(default)]
    pub description: Localized,
}

/// Front matter of `content/pages/<slug>.<lang>.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageFrontMatter {
    /// Page title in the file's language.
    pub title: String,
    /// Position in navigation.
    #[serde(default)]
    pub order: Option<i64>,
}

/// A date that may lack its day or month: `2025`, `2025-10`, `2025-10-18`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    /// Year.
    pub year: i32,
    /// Month 1–12, when known.
    pub month: Option<u32>,
    /// Day of month, when known.
    pub day: Option<u32>,
}

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; `None` for anything else or an impossible date.
    pub fn parse(s: &str) -> Option<PartialDate> {
        let parts: Vec<&str> = s.trim().split('-').collect();
        let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
        let ok = match parts.as_slice() {
            [y] => digits(y, 4),
            [y, m] => digits(y, 4) && digits(m, 2),
            [y, m, d] => digits(y, 4) && digits(m, 2) && digits(d, 2),
            _ => false,
        };
        if !ok {
            return None;
        }
        let year = parts[0].parse().ok()?;
        let month = parts.get(1).and_then(|m| m.parse().ok());
        let day = parts.get(2).and_then(|d| d.parse().ok());
        match (month, day) {
            (Some(m), Some(d)) => chrono::NaiveDate::from_ymd_opt(year, m, d).map(|_| ()),
            (Some(m), None) => (1..=12).contains(&m).then_some(()),
            _ => Some(()),
        }?;
        Some(PartialDate { year, month, day })
    }

    /// True when year, month and day are all known.
    pub fn is_full(&self) -> bool {
        self.day.is_some()
    }
}

impl fmt::Display for PartialDate {
    /// ISO form with only the known parts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

/// Accepts a YAML string or number as text, so `as_of: 2025` and `value: 80` work.
fn scalar_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or a number")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
    }
    d.deserialize_any(V)
}

fn opt_scalar_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    scalar_string(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_from_code_and_override() {
        assert_eq!(LanguageSpec::Code("ar".into()).resolve().dir, Dir::Rtl);
        assert_eq!(LanguageSpec::Code("en".into()).resolve().dir, Dir::Ltr);
        assert_eq!(LanguageSpec::Code("fa-IR".into()).resolve().dir, Dir::Rtl);
        let ku = LanguageSpec::Full { code: "ku".into(), dir: Some(Dir::Ltr) };
        assert_eq!(ku.resolve().dir, Dir::Ltr);
    }

    #[test]
    fn partial_dates() {
        assert_eq!(PartialDate::parse("2025-10").map(|d| d.to_string()), Some("2025-10".into()));
        assert!(PartialDate::parse("2025-02-30").is_none());
        assert!(PartialDate::parse("2025-13").is_none());
        assert!(PartialDate::parse("25-01-01").is_none());
        assert!(PartialDate::parse("2025-10-18").unwrap().is_full());
        assert!(PartialDate::parse("2024") < PartialDate::parse("2024-12"));
    }

    #[test]
    fn line_ranges() {
        let r = |s| LineRange::parse(s).map(|r| r.to_string());
        assert_eq!(r("69-79"), Some("69-79".into()));
        assert_eq!(r(" 69 - 79 "), Some("69-79".into()));
        assert_eq!(r("79"), Some("79-79".into()));
        for bad in ["79-69", "0-5", "-5", "5-", "a-b", "1-2-3", "", "1.5-2"] {
            assert_eq!(r(bad), None, "{bad:?}");
        }
        let range = |s| LineRange::parse(s).unwrap();
        assert!(range("1-10").overlaps(&range("10-20")));
        assert!(range("10-20").overlaps(&range("1-10")));
        assert!(range("5-6").overlaps(&range("1-10")));
        assert!(!range("1-9").overlaps(&range("10-20")));
        assert!(!range("11-20").overlaps(&range("1-10")));
    }

    #[test]
    fn reported_values_conflict_only_when_their_numbers_cannot_overlap() {
        for (a, b) in [("89", ">80"), ("89", "89"), ("2500-3000", "3000-5000"), ("2,500", "2500"), ("<=10", "10")] {
            assert!(!values_conflict(a, b), "{a} vs {b}");
            assert!(!values_conflict(b, a), "{b} vs {a}");
        }
        assert!(!values_conflict("~80", "85"));
        for (a, b) in [("89", "80"), (">80", "80"), ("<10", "10"), ("2500-2900", "3000-5000"), ("~80", "95")] {
            assert!(values_conflict(a, b), "{a} vs {b}");
            assert!(values_conflict(b, a), "{b} vs {a}");
        }
        assert!(values_conflict("dozens", "hundreds"));
        assert!(!values_conflict("dozens", "dozens"));
    }

    #[test]
    fn numbers_are_accepted_as_text() {
        let f: Figure = serde_yaml::from_str("metric: m\nvalue: 80\nas_of: 2025\nlabel: {en: x}\n").unwrap();
        assert_eq!((f.value.as_str(), f.as_of.as_deref()), ("80", Some("2025")));
    }

    /// The same YAML read as a `Localized` and as the `BTreeMap` it
    /// replaces: the same entries, or the same error at the same place.
    fn read_as_map(yaml: &str) -> (Result<Localized, String>, Result<BTreeMap<String, String>, String>) {
        (
            serde_yaml::from_str::<Localized>(yaml).map_err(|e| e.to_string()),
            serde_yaml::from_str::<BTreeMap<String, String>>(yaml).map_err(|e| e.to_string()),
        )
    }

    #[test]
    fn localized_reads_as_a_map_of_strings_does() {
        let inputs = [
            "{en: Title, ar: عنوان}",
            "ar: عنوان\nen: Title\n",
            "{}",
            "{fr: a, en: b, ar: c, de: d, es: e}",
            "{en: first, en: second}",
            "{en: 12, ar: 2025-10-18}",
            "{en: true}",
            "{en: ~}",
            "{en: [a, b]}",
            "{en: {x: y}}",
            "just text",
            "[en, ar]",
            "",
            "~",
            "{? [a]: b}",
        ];
        for yaml in inputs {
            let (ours, map) = read_as_map(yaml);
            match (&ours, &map) {
                (Ok(ours), Ok(map)) => {
                    let entries: Vec<(&String, &String)> = ours.iter().collect();
                    assert_eq!(entries, map.iter().collect::<Vec<_>>(), "{yaml}");
                    assert_eq!(format!("{ours:?}"), format!("{map:?}"), "{yaml}");
                    assert_eq!(serde_json::to_string(ours).unwrap(), serde_json::to_string(map).unwrap());
                }
                (Err(ours), Err(map)) => assert_eq!(ours, map, "{yaml}"),
                _ => panic!("{yaml}: {ours:?} against {map:?}"),
            }
        }
    }

    #[test]
    fn localized_keeps_one_text_per_code_in_code_order() {
        let mut map = Localized::new();
        assert_eq!(map.insert("en".into(), "b".into()), None);
        assert_eq!(map.insert("ar".into(), "a".into()), None);
        assert_eq!(map.insert("en".into(), "c".into()), Some("b".into()));
        assert_eq!(map.keys().collect::<Vec<_>>(), ["ar", "en"]);
        assert_eq!(map.values().collect::<Vec<_>>(), ["a", "c"]);
        assert_eq!((map.get("en"), map.get("fr"), map.len()), (Some(&"c".to_string()), None, 2));
        assert!(map.contains_key("ar") && !map.contains_key("a"));
        let collected: Localized =
            [("en", "x"), ("ar", "y"), ("en", "z")].into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        assert_eq!(
            collected.iter().collect::<Vec<_>>(),
            [(&"ar".to_string(), &"y".to_string()), (&"en".to_string(), &"z".to_string())]
        );
    }
}
