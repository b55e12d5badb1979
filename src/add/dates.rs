//! Candidate dates in a seed: the publication date a draft proposes, and the
//! others it lists for the person who checks it.
//!
//! Pure: text in, candidates out. Month names come in the Levantine series
//! (كانون الثاني … كانون الأول), the Egyptian one (يناير … ديسمبر), often both
//! (`13 ديسمبر/كانون الأول`), and in English; digits may be Arabic-Indic.
//! Matching runs on folded text ([`fold`]: hamza forms unified, Arabic-Indic
//! digits made ASCII), so `أكتوبر`, `اكتوبر` and `٢٠٢٥` need no extra entries.

use crate::text::fold_with_offsets;
use regex::Regex;
use std::fmt;
use std::ops::Range;
use std::sync::LazyLock;

/// Spellings the sites' month tables (`render::dates`) do not use, and English
/// abbreviations, with their number; folded when the patterns are built.
const OTHER_MONTH_SPELLINGS: &[(&str, u32)] = &[
    ("إبريل", 4),
    ("يونيه", 6),
    ("يوليه", 7),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

/// Every month name the text may use, with its number: both Arabic series and
/// English, as the site writes them, plus [`OTHER_MONTH_SPELLINGS`].
fn month_names() -> impl Iterator<Item = (&'static str, u32)> {
    use crate::render::dates::{AR_EGYPTIAN, AR_LEVANTINE, EN};
    let numbered = |names: [&'static str; 12]| names.into_iter().zip(1..);
    numbered(AR_LEVANTINE).chain(numbered(AR_EGYPTIAN)).chain(numbered(EN)).chain(OTHER_MONTH_SPELLINGS.iter().copied())
}

/// A date written in the text; year or day may be missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FoundDate {
    /// Year, when the text gives it.
    pub year: Option<i32>,
    /// Month 1–12.
    pub month: u32,
    /// Day of month, when the text gives it.
    pub day: Option<u32>,
}

impl FoundDate {
    /// Year, month and day all known: usable as a publication date.
    pub fn is_full(&self) -> bool {
        self.year.is_some() && self.day.is_some()
    }
}

impl fmt::Display for FoundDate {
    /// ISO form; an unknown year is `????`, an unknown day is left out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.year {
            Some(y) => write!(f, "{y:04}")?,
            None => f.write_str("????")?,
        }
        write!(f, "-{:02}", self.month)?;
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

/// One date found in the seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The date.
    pub date: FoundDate,
    /// The words as written in the seed.
    pub text: String,
    /// 1-based seed line.
    pub line: usize,
    /// The line holds little besides the date: a dateline or timestamp.
    pub dateline: bool,
}

struct Patterns {
    /// (regex, what its groups mean)
    list: Vec<(Regex, Shape)>,
    /// folded month name → number
    months: Vec<(String, u32)>,
}

#[derive(Clone, Copy)]
enum Shape {
    /// With a month name: `13 ديسمبر 2024`, `January 24, 2025`, `أيلول 2014`.
    Named,
    /// All digits: `2025-10-20`, `20/10/2025`.
    Numeric,
}

static PATTERNS: LazyLock<Patterns> = LazyLock::new(|| {
    let mut months: Vec<(String, u32)> = month_names().map(|(m, n)| (crate::text::fold(m), n)).collect();
    months.sort_by_key(|(m, _)| std::cmp::Reverse(m.chars().count())); // longest first: "تشرين الاول" before "اب"
    let names: Vec<String> = months.iter().map(|(m, _)| regex::escape(m).replace(' ', r"\s+")).collect();
    let alternatives = names.join("|");
    let month = |name: &str| format!(r"(?P<{name}>{alternatives})\.?");
    let (m1, second) = (month("m1"), format!(r"(?:\s*/\s*و?{})?", month("m2")));
    let year = r"(?P<year>(?:19|20)[0-9]{2})";
    // Before digits anything but a digit ("و5 آذار"); before a month name a
    // word boundary, optionally with a clitic ("وتشرين الاول").
    let (digit_led, month_led) = (r"(?:^|[^0-9])", r"(?:^|[^\p{L}0-9]|\b[وبل])");
    let sources = [
        (
            format!(
                r"{digit_led}(?P<d>(?P<day>[0-9]{{1,2}})\s+(?:من\s+)?{m1}{second}(?:\s*[,،]?\s*(?:من\s+)?(?:عام|العام|سنه|لعام)?\s*{year})?)\b"
            ),
            Shape::Named,
        ),
        (format!(r"{month_led}(?P<d>{m1}{second}\s+(?P<day>[0-9]{{1,2}})\s*,?\s+{year})\b"), Shape::Named),
        (
            format!(r"{month_led}(?P<d>{m1}{second}\s*[,،]?\s+(?:من\s+)?(?:عام\s+|العام\s+|سنه\s+)?{year})\b"),
            Shape::Named,
        ),
        (format!(r"{digit_led}(?P<d>{year}[-/.](?P<mon>[0-9]{{1,2}})[-/.](?P<day>[0-9]{{1,2}}))\b"), Shape::Numeric),
        (format!(r"{digit_led}(?P<d>(?P<day>[0-9]{{1,2}})[-/.](?P<mon>[0-9]{{1,2}})[-/.]{year})\b"), Shape::Numeric),
    ];
    let list = sources
        .into_iter()
        // The patterns are literals built above; a failure would be a bug caught by the unit tests.
        .filter_map(|(src, shape)| Regex::new(&src).ok().map(|re| (re, shape)))
        .collect();
    Patterns { list, months }
});

impl Patterns {
    fn month(&self, folded: &str) -> Option<u32> {
        let key: String = folded.split_whitespace().collect::<Vec<_>>().join(" ");
        self.months.iter().find(|(m, _)| *m == key).map(|(_, n)| *n)
    }
}

/// Every date written in `text`, in reading order.
pub fn candidates(text: &str) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let (folded, offsets) = fold_with_offsets(line);
        for (span, date) in in_folded(&folded) {
            let original = line[offsets.original(span.start)..offsets.original(span.end)].trim().to_string();
            let rest = folded.len() - span.len();
            out.push(Candidate { date, text: original, line: n + 1, dateline: rest < 30 });
        }
    }
    out
}

/// Dates in one folded line, as byte ranges of it, in order.
pub fn in_folded(folded: &str) -> Vec<(Range<usize>, FoundDate)> {
    let p = &*PATTERNS;
    // An impossible date ("31 شباط 2024") still claims its words, so a shorter
    // pattern does not turn it into a plausible one ("شباط 2024").
    let mut taken: Vec<(Range<usize>, Option<FoundDate>)> = Vec::new();
    for (re, shape) in &p.list {
        for c in re.captures_iter(folded) {
            let Some(whole) = c.name("d") else { continue };
            if taken.iter().any(|(r, _)| whole.start() < r.end && r.start < whole.end()) {
                continue;
            }
            let num = |g: &str| c.name(g).and_then(|g| g.as_str().parse::<i64>().ok());
            let month = match shape {
                Shape::Numeric => num("mon").and_then(|m| u32::try_from(m).ok()),
                _ => c.name("m1").and_then(|g| p.month(g.as_str())),
            };
            taken.push((whole.range(), valid((num("year"), month, num("day")))));
        }
    }
    taken.sort_by_key(|(r, _)| r.start);
    taken.into_iter().filter_map(|(r, d)| Some((r, d?))).collect()
}

fn valid((year, month, day): (Option<i64>, Option<u32>, Option<i64>)) -> Option<FoundDate> {
    let month = month.filter(|m| (1..=12).contains(m))?;
    let year = year.map(i32::try_from).transpose().ok()?;
    let day = day.map(u32::try_from).transpose().ok()?;
    match (year, day) {
        (Some(y), Some(d)) => chrono::NaiveDate::from_ymd_opt(y, month, d).map(|_| ())?,
        (_, Some(d)) if !(1..=31).contains(&d) => return None,
        _ => {}
    }
    Some(FoundDate { year, month, day })
}

/// The most likely publication date among the candidates: a dateline (a
/// line that is little more than a date) first, else the latest full date
/// the text mentions, as articles report what happened before they appeared.
/// `None` when no candidate has a year, a month and a day.
pub fn most_likely(candidates: &[Candidate]) -> Option<&Candidate> {
    let full = || candidates.iter().filter(|c| c.date.is_full());
    full().find(|c| c.dateline).or_else(|| full().max_by_key(|c| c.date))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(text: &str) -> Vec<String> {
        candidates(text).iter().map(|c| c.date.to_string()).collect()
    }

    #[test]
    fn levantine_month_names() {
        assert_eq!(dates("نُشر في 20 تشرين الأول 2025 في دمشق"), ["2025-10-20"]);
        assert_eq!(dates("بين 3 شباط 2024 و5 آذار 2024 وفي 1 آب 2023"), ["2024-02-03", "2024-03-05", "2023-08-01"]);
        assert_eq!(dates("منذ كانون الثاني 2019"), ["2019-01"]);
    }

    #[test]
    fn egyptian_month_names_and_combined_forms() {
        assert_eq!(dates("في 13 ديسمبر/كانون الأول، تعرضت دورية"), ["????-12-13"]);
        assert_eq!(dates("سقوط الأسد في 8 ديسمبر 2024، قال"), ["2024-12-08"]);
        assert_eq!(dates("منذ تأسيسه في سبتمبر/أيلول 2014"), ["2014-09"]);
        assert_eq!(dates("في كانون الأول/ديسمبر 2024 وظهر"), ["2024-12"]);
        assert_eq!(dates("حزيران/يونيو وتشرين الأول/وأكتوبر 2025"), ["2025-10"]);
        assert_eq!(dates("في الأول من إبريل عام 2023"), ["2023-04"]);
    }

    #[test]
    fn arabic_indic_digits() {
        assert_eq!(dates("الخميس ١٣ ديسمبر ٢٠٢٤"), ["2024-12-13"]);
        assert_eq!(dates("بتاريخ ۲۰۲۵/۱۰/۲۰"), ["2025-10-20"]);
    }

    #[test]
    fn latin_and_numeric_dates() {
        assert_eq!(dates("Wissam (@W) January 24, 2025"), ["2025-01-24"]);
        assert_eq!(dates("video on Syria after 8 Dec 2024."), ["2024-12-08"]);
        assert_eq!(dates("2025-10-20 and 20/10/2025 and 31.12.2024"), ["2025-10-20", "2025-10-20", "2024-12-31"]);
    }

    #[test]
    fn impossible_dates_and_plain_numbers_are_not_dates() {
        assert!(dates("في 31 شباط 2024").is_empty());
        assert!(dates("نفذوا 80 عملية و2500 مقاتل عام 2014").is_empty());
        assert!(dates("أب وابنه").is_empty());
    }

    #[test]
    fn the_original_words_are_kept() {
        let c = candidates("قال: في ٢٤ كانون الثاني/يناير ٢٠٢٥ اجتمعوا");
        assert_eq!(c[0].text, "٢٤ كانون الثاني/يناير ٢٠٢٥");
        assert_eq!(c[0].date.to_string(), "2025-01-24");
    }

    #[test]
    fn a_dateline_wins_over_the_latest_date_mentioned() {
        let text = "الأحد 2 تشرين الثاني 2025\nوقع الهجوم في 8 ديسمبر 2024 ثم في 5 كانون الثاني 2026 كما يتوقع المحللون في تقريرهم\n";
        assert_eq!(most_likely(&candidates(text)).map(|c| c.date.to_string()).as_deref(), Some("2025-11-02"));
        let text = "وقع الهجوم في 8 ديسمبر 2024 ثم التقى الطرفان في 5 كانون الثاني 2025 كما قال المحللون في تقريرهم";
        assert_eq!(most_likely(&candidates(text)).map(|c| c.date.to_string()).as_deref(), Some("2025-01-05"));
        assert!(most_likely(&candidates("في 13 ديسمبر وفي سبتمبر 2014")).is_none());
    }
}
