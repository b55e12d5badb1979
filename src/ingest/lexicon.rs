//! Word lists behind the boilerplate heuristics. These are the generic vocabulary of news
//! pages (Arabic and English), not lines of any particular seed. Every entry is folded with
//! [`fold`] once, so matching ignores hamza, diacritics and case.

// Fx, not SipHash: every token of every seed line is looked up (no untrusted keys to defend against).
use rustc_hash::FxHashSet as HashSet;
use std::sync::LazyLock;

use super::text::fold;

/// Lines that open a block of links to other articles: the article is over.
const RELATED_MARKERS: &[&str] = &[
    "مقالات ذات صلة",
    "أخبار ذات صلة",
    "مواضيع ذات صلة",
    "موضوعات ذات صلة",
    "مقالات مشابهة",
    "أخبار مشابهة",
    "مواضيع مشابهة",
    "قد يعجبك",
    "قد يعجبك أيضا",
    "قد يهمك",
    "قد يهمك أيضا",
    "الأكثر قراءة",
    "الأكثر مشاهدة",
    "الأكثر تداولا",
    "المزيد من الأخبار",
    "التعليقات",
    "اترك تعليقا",
    "أضف تعليقا",
    "أضف تعليقك",
    "comments",
    "leave a comment",
    "أخبار متعلقة",
    "مقالات متعلقة",
    "ذات صلة",
    "related",
    "related articles",
    "related stories",
    "related news",
    "more stories",
    "more from",
    "you may also like",
    "you might also like",
    "most read",
    "most popular",
    "recommended",
    "trending",
];

/// Prefixes of inline teasers for another article; the body may resume after them.
const TEASER_PREFIXES: &[&str] = &[
    "اقرأ أيضا",
    "إقرأ أيضا",
    "اقرأ أيضاً",
    "اقرأ كذلك",
    "شاهد أيضا",
    "شاهد أيضاً",
    "طالع أيضا",
    "انظر أيضا",
    "اقرأ ايضا",
    "شاهد ايضا",
    "للمزيد اقرأ",
    "اقرأ المزيد",
    "read also",
    "see also",
    "also read",
    "read more",
    "watch",
    "related",
];

/// Copyright notices.
const COPYRIGHT: &[&str] = &[
    "جميع الحقوق محفوظة",
    "حقوق النشر محفوظة",
    "كل الحقوق محفوظة",
    "الحقوق محفوظة",
    "all rights reserved",
    "copyright",
];

/// Disclaimers printed under opinion pieces.
const DISCLAIMERS: &[&str] = &[
    "الآراء الواردة",
    "المقال يعبر عن رأي كاتبه",
    "يعبر عن رأي كاتبه",
    "لا تعكس بالضرورة",
    "لا تعبر بالضرورة",
    "لا يعبر بالضرورة",
    "the views expressed",
    "do not necessarily reflect",
];

/// Prefixes of keyword and tag lists.
const KEYWORD_PREFIXES: &[&str] = &[
    "كلمات دلالية",
    "الكلمات الدلالية",
    "كلمات مفتاحية",
    "الكلمات المفتاحية",
    "الوسوم",
    "وسوم",
    "tags",
    "keywords",
    "topics",
];

/// Whole-line advertisement labels.
const AD_LABELS: &[&str] = &[
    "إعلان",
    "اعلان",
    "إعلانات",
    "محتوى مدفوع",
    "محتوى برعاية",
    "advertisement",
    "advert",
    "sponsored",
    "sponsored content",
    "ad",
    "ads",
];

/// Words that mark a line as a byline or credit when it is short.
const CREDIT_WORDS: &[&str] =
    &["ترجمة", "متابعات", "وكالات", "خاص", "مراسل", "مراسلنا", "بقلم", "تحرير", "إعداد", "staff", "agencies", "wires"];

/// Prefixes of byline and source lines (followed by a name).
const BYLINE_PREFIXES: &[&str] = &[
    "بقلم",
    "كتب:",
    "كتبت:",
    "إعداد:",
    "تحرير:",
    "ترجمة:",
    "تصوير:",
    "المصدر:",
    "مصدر الصورة",
    "by ",
    "written by",
    "reporting by",
    "source:",
    "photo:",
    "image:",
    "credit:",
    "editing by",
];

/// Prefixes of publication timestamps.
const TIMESTAMP_PREFIXES: &[&str] = &[
    "نشر في",
    "نشر",
    "نُشر",
    "تاريخ النشر",
    "آخر تحديث",
    "تم التحديث",
    "محدث",
    "published",
    "updated",
    "posted",
    "last updated",
];

/// Words that appear in photo credits, mostly inside a closing parenthesis.
const PHOTO_CREDITS: &[&str] = &[
    "رويترز",
    "الأناضول",
    "أ ف ب",
    "فرانس برس",
    "غيتي",
    "غيتي إيميجز",
    "أسوشيتد برس",
    "إي بي إيه",
    "أرشيفية",
    "أرشيف",
    "صورة",
    "مواقع التواصل",
    "إنترنت",
    "reuters",
    "afp",
    "ap",
    "getty",
    "getty images",
    "epa",
    "file photo",
    "archive",
    "photo",
    "anadolu",
];

/// Names of social networks; two or more on a short line make it a share bar.
const SOCIAL: &[&str] = &[
    "facebook",
    "twitter",
    "youtube",
    "instagram",
    "whatsapp",
    "telegram",
    "tiktok",
    "linkedin",
    "فيسبوك",
    "فيس بوك",
    "تويتر",
    "يوتيوب",
    "انستغرام",
    "إنستغرام",
    "واتساب",
    "تلغرام",
    "تيليغرام",
    "تيك توك",
];

/// Prefixes of "follow us / share" prompts.
const FOLLOW_PREFIXES: &[&str] = &[
    "تابعونا",
    "تابعوا",
    "تابع",
    "شارك",
    "شاركوا",
    "مشاركة",
    "انضم",
    "اشترك",
    "follow",
    "share",
    "subscribe",
    "join us",
];

/// Counter nouns after a bare number (views, comments, reading time).
const COUNTER_WORDS: &[&str] = &[
    "مشاهدة",
    "مشاهدات",
    "قراءة",
    "قراءات",
    "تعليق",
    "تعليقات",
    "دقائق",
    "دقيقة",
    "دقيقه",
    "views",
    "view",
    "comments",
    "comment",
    "min",
    "mins",
    "minutes",
    "read",
    "shares",
    "likes",
];

/// Words a date or time line is made of (months in both calendars, weekdays, time words).
const DATE_WORDS: &[&str] = &[
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "إبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
    "كانون",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين",
    "الأول",
    "الثاني",
    "السبت",
    "الأحد",
    "الاثنين",
    "الإثنين",
    "الثلاثاء",
    "الأربعاء",
    "الخميس",
    "الجمعة",
    "ص",
    "م",
    "صباحا",
    "مساء",
    "مساءً",
    "منذ",
    "ساعة",
    "ساعات",
    "دقيقة",
    "دقائق",
    "يوم",
    "أيام",
    "بتوقيت",
    "غرينتش",
    "مكة",
    "هـ",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "am",
    "pm",
    "gmt",
    "utc",
    "ago",
    "hours",
    "hour",
    "minutes",
    "at",
    "on",
    "الساعة",
    "في",
];

/// Extra function words missing from the `stop-words` lists (Arabic prefixed forms).
const EXTRA_STOPWORDS: &[&str] = &[
    "وفي",
    "ومن",
    "وعلى",
    "وإلى",
    "وأن",
    "وإن",
    "بأن",
    "لأن",
    "كما",
    "التي",
    "الذي",
    "الذين",
    "إلى",
    "على",
    "أن",
    "إن",
    "عن",
    "مع",
    "بين",
    "بعد",
    "قبل",
    "حيث",
    "ضد",
    "خلال",
    "لكن",
    "بل",
];

/// All folded word lists, built once.
pub(crate) struct Lexicon {
    /// Standalone markers of a related-articles block.
    pub related: Prefixes,
    /// Prefixes of see-also teasers.
    pub teasers: Prefixes,
    /// Copyright phrases (list 0) and disclaimer phrases (list 1), in one automaton.
    pub footers: Phrases<2>,
    /// Prefixes of keyword and tag lists.
    pub keywords: Prefixes,
    /// Whole-line advertisement labels.
    pub ad_labels: HashSet<String>,
    /// Credit words of short bylines.
    pub credit_words: HashSet<String>,
    /// Folded byline prefixes, with whether the line must hold a separator (`:` `-` `|`).
    pub bylines: Vec<(String, bool)>,
    /// Prefixes of timestamps.
    pub timestamps: Prefixes,
    /// Photo credit words.
    pub photo_credits: Vec<String>,
    /// Social network names.
    pub social: Vec<memchr::memmem::Finder<'static>>,
    /// Follow and share prompts.
    pub follow: Prefixes,
    /// Counter nouns (views, comments, minutes).
    pub counters: HashSet<String>,
    /// Words of date and time lines.
    pub date_words: HashSet<String>,
    /// Arabic and English function words.
    pub stopwords: Words,
}

/// Folds every entry of a list.
fn fold_all(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| fold(w)).filter(|w| !w.is_empty()).collect()
}

/// The shared, immutable word lists.
pub(crate) static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let mut stopwords = Words::default();
    for code in ["ar", "en"] {
        for w in stop_words::lookup(code).unwrap_or(&[]) {
            let f = fold(w);
            if !f.is_empty() && !f.contains(' ') {
                stopwords.insert(f);
            }
        }
    }
    stopwords.extend(fold_all(EXTRA_STOPWORDS));
    Lexicon {
        related: Prefixes::new(fold_all(RELATED_MARKERS)),
        teasers: Prefixes::new(fold_all(TEASER_PREFIXES)),
        footers: Phrases::sets([fold_all(COPYRIGHT), fold_all(DISCLAIMERS)]),
        keywords: Prefixes::new(fold_all(KEYWORD_PREFIXES)),
        ad_labels: fold_all(AD_LABELS).into_iter().collect(),
        credit_words: fold_all(CREDIT_WORDS).into_iter().collect(),
        bylines: BYLINE_PREFIXES.iter().map(|s| (fold(s), s.ends_with(':'))).collect(),
        timestamps: Prefixes::new(fold_all(TIMESTAMP_PREFIXES)),
        photo_credits: fold_all(PHOTO_CREDITS),
        // A finder each, made once (a `str::contains` sets its searcher up at every call).
        social: fold_all(SOCIAL).iter().map(|p| memchr::memmem::Finder::new(p).into_owned()).collect(),
        follow: Prefixes::new(fold_all(FOLLOW_PREFIXES)),
        counters: fold_all(COUNTER_WORDS).into_iter().collect(),
        date_words: fold_all(DATE_WORDS).into_iter().collect(),
        stopwords,
    }
});

/// A set of folded words in which every word of every line is looked up (the
/// function words). A word of up to 15 bytes is looked up as one `u128` (its
/// bytes, zero-padded, and its length in the last byte), made from a few
/// overlapping loads rather than copied byte by byte, in a table of such keys
/// of its own (open addressing, linear probing). Most words of a line are not
/// in the set: a bit per hash of the words held rules them out before the
/// table is read. Longer words (no list has one today) and the empty word
/// are in a string set.
pub(crate) struct Words {
    /// Bit `hash >> 48` of each word held.
    filter: Box<[u64; FILTER_BITS / 64]>,
    /// The keys, at `hash & (len - 1)` or the next free slot after it; 0 is a
    /// free slot (no key is 0: its length is not). Never more than a
    /// quarter full.
    slots: Box<[u128]>,
    held: usize,
    long: HashSet<String>,
}

/// Bits of [`Words::filter`], 8 KiB a set: for the ~1,600 function words of
/// both languages, about one in 40 bits is set.
const FILTER_BITS: usize = 1 << 16;

impl Default for Words {
    fn default() -> Words {
        Words { filter: Box::new([0; FILTER_BITS / 64]), slots: vec![0; 16].into(), held: 0, long: HashSet::default() }
    }
}

impl Words {
    /// The `u128` of a word of 1 to 15 bytes: its bytes in little-endian
    /// order, zero-padded, and its length in the last byte.
    #[inline]
    fn key(word: &str) -> Option<u128> {
        let bytes = word.as_bytes();
        let n = bytes.len();
        let eight = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"));
        let four = |at: usize| u64::from(u32::from_le_bytes(bytes[at..at + 4].try_into().expect("four bytes")));
        // Two loads that overlap when the word is shorter than both, shifted so
        // that each byte lands at its own place.
        let (low, high) = match n {
            0 | 16.. => return None,
            1..=3 => (
                u64::from(bytes[0])
                    | u64::from(bytes[n / 2]) << (8 * (n / 2))
                    | u64::from(bytes[n - 1]) << (8 * (n - 1)),
                0,
            ),
            4..=7 => (four(0) | four(n - 4) << (8 * (n - 4)), 0),
            8 => (eight(0), 0),
            _ => (eight(0), eight(n - 8) >> (8 * (16 - n))),
        };
        Some(u128::from(low) | u128::from(high | (n as u64) << 56) << 64)
    }

    /// A hash of a key: the two halves multiplied as 128 bits, and the
    /// product's halves combined (a folded multiply).
    #[inline]
    fn hash(key: u128) -> u64 {
        let (low, high) = (key as u64 ^ 0x243F_6A88_85A3_08D3, (key >> 64) as u64 ^ 0x1319_8A2E_0370_7344);
        let product = u128::from(low) * u128::from(high);
        product as u64 ^ (product >> 64) as u64
    }

    /// Adds a word.
    pub(crate) fn insert(&mut self, word: String) {
        match Words::key(&word) {
            Some(key) => {
                if !self.contains(&word) {
                    if (self.held + 1) * 4 > self.slots.len() {
                        self.grow();
                    }
                    self.place(key);
                    self.held += 1;
                }
            }
            None => _ = self.long.insert(word),
        }
    }

    /// Sets a key's filter bit and puts it in the table's first free slot from its hash.
    fn place(&mut self, key: u128) {
        let hash = Words::hash(key);
        let bit = (hash >> 48) as usize;
        self.filter[bit / 64] |= 1 << (bit % 64);
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        while self.slots[at] != 0 {
            at = (at + 1) & mask;
        }
        self.slots[at] = key;
    }

    /// Doubles the table, placing again the keys it holds.
    fn grow(&mut self) {
        let doubled = vec![0; self.slots.len() * 2].into();
        let old = std::mem::replace(&mut self.slots, doubled);
        old.iter().filter(|&&key| key != 0).for_each(|&key| self.place(key));
    }

    /// True when `word` is in the set.
    #[inline]
    pub(crate) fn contains(&self, word: &str) -> bool {
        let Some(key) = Words::key(word) else { return !self.long.is_empty() && self.long.contains(word) };
        let hash = Words::hash(key);
        let bit = (hash >> 48) as usize;
        if self.filter[bit / 64] >> (bit % 64) & 1 == 0 {
            return false;
        }
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        loop {
            match self.slots[at] {
                0 => return false,
                held if held == key => return true,
                _ => at = (at + 1) & mask,
            }
        }
    }
}

impl Extend<String> for Words {
    fn extend<I: IntoIterator<Item = String>>(&mut self, words: I) {
        words.into_iter().for_each(|w| self.insert(w));
    }
}

/// Folded prefixes looked for at the start of a line, with the meaning of
/// `list.iter().any(|p| starts_with_word(line, p))`. A line that starts with
/// a prefix at a word boundary starts with that prefix's first word: the first
/// words are a set, which most lines' first word is not in, and only the
/// others are compared with the whole list.
pub(crate) struct Prefixes {
    list: Vec<String>,
    firsts: Words,
}

impl Prefixes {
    fn new(list: Vec<String>) -> Prefixes {
        let mut firsts = Words::default();
        firsts.extend(list.iter().map(|p| first_word(p).to_string()));
        Prefixes { list, firsts }
    }

    /// True when `folded` starts with one of the prefixes at a word boundary.
    pub(crate) fn any_starts(&self, folded: &str) -> bool {
        self.firsts.contains(first_word(folded)) && self.list.iter().any(|p| starts_with_word(folded, p))
    }

    /// True when `folded` is one of the prefixes.
    pub(crate) fn holds(&self, folded: &str) -> bool {
        self.list.iter().any(|p| p == folded)
    }
}

/// The text up to its first space (all of it when it has none).
fn first_word(folded: &str) -> &str {
    memchr::memchr(b' ', folded.as_bytes()).map_or(folded, |i| &folded[..i])
}

/// True when `folded` starts with `prefix` at a word boundary.
pub(crate) fn starts_with_word(folded: &str, prefix: &str) -> bool {
    folded.starts_with(prefix) && folded[prefix.len()..].chars().next().is_none_or(|c| c == ' ')
}

/// Lists of folded phrases looked for in a line all at once (one automaton, one pass),
/// each with the meaning of `list.iter().any(|p| contains_phrase(line, p))`.
pub(crate) struct Phrases<const N: usize> {
    #[cfg(test)] // the tests compare with one search per phrase
    lists: [Vec<String>; N],
    /// The list of each phrase of the automaton.
    list_of: Vec<usize>,
    finder: aho_corasick::AhoCorasick,
}

impl<const N: usize> Phrases<N> {
    fn sets(lists: [Vec<String>; N]) -> Phrases<N> {
        let list_of = lists.iter().enumerate().flat_map(|(n, list)| std::iter::repeat_n(n, list.len())).collect();
        // Infallible in practice: a few dozen short phrases, far below the automaton's limits.
        let finder = aho_corasick::AhoCorasick::new(lists.iter().flatten()).expect("phrase list compiles");
        Phrases {
            #[cfg(test)]
            lists,
            list_of,
            finder,
        }
    }

    /// For each list, whether `folded` contains one of its phrases between word boundaries.
    pub(crate) fn found_in(&self, folded: &str) -> [bool; N] {
        // Overlapping search sees every occurrence of every phrase; `contains_phrase`
        // sees non-overlapping ones, the same set for phrases that cannot overlap
        // themselves at a word boundary (tested below for every list).
        let mut found = [false; N];
        for m in self.finder.find_overlapping_iter(folded) {
            let list = self.list_of[m.pattern().as_usize()];
            if !found[list] && at_word_boundaries(folded, m.start(), m.end()) {
                found[list] = true;
                if found.iter().all(|f| *f) {
                    break;
                }
            }
        }
        found
    }
}

/// True when `folded[start..end]` is bounded by spaces or the ends of the line.
fn at_word_boundaries(folded: &str, start: usize, end: usize) -> bool {
    folded[..start].chars().next_back().is_none_or(|c| c == ' ')
        && folded[end..].chars().next().is_none_or(|c| c == ' ')
}

/// True when `folded` contains `phrase` between word boundaries.
pub(crate) fn contains_phrase(folded: &str, phrase: &str) -> bool {
    folded.match_indices(phrase).any(|(at, _)| at_word_boundaries(folded, at, at + phrase.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The old, one-phrase-at-a-time meaning of `Phrases::found_in`.
    fn found_one_by_one<const N: usize>(p: &Phrases<N>, folded: &str) -> [bool; N] {
        p.lists.each_ref().map(|list| list.iter().any(|phrase| contains_phrase(folded, phrase)))
    }

    proptest::proptest! {
        /// A line starts with a prefix of the set when it starts with one of
        /// the list, the first-word test ruling out only lines that do not.
        #[test]
        fn prefixes_start_what_the_list_starts(
            list in proptest::collection::vec("[اب ]{1,6}", 1..8),
            probes in proptest::collection::vec("[اب ]{0,10}", 0..20),
        ) {
            let list: Vec<String> = list.iter().map(|p| fold(p)).filter(|p| !p.is_empty()).collect();
            let prefixes = Prefixes::new(list.clone());
            for probe in list.iter().cloned().chain(probes.iter().map(|p| fold(p))) {
                let expected = list.iter().any(|p| starts_with_word(&probe, p));
                proptest::prop_assert_eq!(prefixes.any_starts(&probe), expected, "{:?}", probe);
            }
        }

        /// A word set holds what a set of strings holds: words around 16 bytes
        /// long, words that are a prefix of another, words with NUL bytes.
        #[test]
        fn words_hold_what_a_string_set_holds(
            words in proptest::collection::vec("[ابت\\x00a]{0,10}", 0..20),
            probes in proptest::collection::vec("[ابت\\x00a]{0,10}", 0..20),
        ) {
            let mut set = Words::default();
            set.extend(words.iter().cloned());
            let strings: HashSet<&String> = words.iter().collect();
            for probe in words.iter().chain(&probes) {
                proptest::prop_assert_eq!(set.contains(probe), strings.contains(probe), "{:?}", probe);
            }
        }
    }

    #[test]
    fn function_words_are_what_the_lists_give() {
        for code in ["ar", "en"] {
            for w in stop_words::lookup(code).unwrap_or(&[]) {
                let f = fold(w);
                if !f.is_empty() && !f.contains(' ') {
                    assert!(LEXICON.stopwords.contains(&f), "{f:?}");
                }
            }
        }
        for w in ["في", "من", "the", "and"] {
            assert!(LEXICON.stopwords.contains(w), "{w}");
        }
        for w in ["", "سوريا", "coalition", "فيي", "nashra"] {
            assert!(!LEXICON.stopwords.contains(w), "{w}");
        }
    }

    #[test]
    fn phrase_sets_mean_what_one_search_per_phrase_meant() {
        let set = &LEXICON.footers;
        // No phrase overlaps itself (a proper prefix that is also a suffix), so the
        // automaton's overlapping matches are exactly `match_indices`' matches.
        for phrase in set.lists.iter().flatten() {
            let borders = (1..phrase.len())
                .filter(|&k| phrase.is_char_boundary(k) && phrase.is_char_boundary(phrase.len() - k))
                .filter(|&k| phrase[..k] == phrase[phrase.len() - k..])
                .count();
            assert_eq!(borders, 0, "{phrase:?} overlaps itself");
        }
        let mut lines: Vec<String> = Vec::new();
        for phrase in set.lists.iter().flatten() {
            let first = phrase.split(' ').next().unwrap_or_default();
            for line in [
                phrase.clone(),
                format!("x{phrase}"),
                format!("{phrase}x"),
                format!("قال {phrase} اليوم"),
                format!("{phrase} {phrase}"),
                format!("{first}{phrase}"),
                phrase[..(0..=phrase.len() / 2).rfind(|&k| phrase.is_char_boundary(k)).unwrap_or(0)].to_string(),
            ] {
                lines.push(line);
            }
        }
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        for entry in std::fs::read_dir(seeds).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            lines.extend(text.lines().map(fold));
        }
        // A line with a phrase of each list, in either order.
        let (copyright, disclaimer) = (&set.lists[0][0], &set.lists[1][0]);
        lines.push(format!("{copyright} {disclaimer}"));
        lines.push(format!("{disclaimer} {copyright}"));
        for line in &lines {
            assert_eq!(set.found_in(line), found_one_by_one(set, line), "{line:?}");
        }
    }
}
