//! Ingest tests: gold-label evaluation on the seeds, hand-written shape samples, edge
//! cases, overrides and property tests.

use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::*;

/// The crate root (gold labels and seeds are read relative to it).
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Gold labels: `line<TAB>B|X`, one per input line.
fn read_gold(path: &Path) -> Vec<bool> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .enumerate()
        .map(|(i, row)| {
            let (n, label) = row.split_once('\t').unwrap_or_else(|| panic!("bad gold row {row:?}"));
            assert_eq!(n.parse::<usize>().ok(), Some(i + 1), "gold rows must be numbered in order");
            match label {
                "B" => true,
                "X" => false,
                other => panic!("bad label {other:?}"),
            }
        })
        .collect()
}

/// Synthetic sample written for these tests, under `tests/fixtures/ingest/samples/`.
fn sample(name: &str) -> String {
    let path = root().join("tests/fixtures/ingest/samples").join(name);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Body flags of an extraction (title and body roles count as body).
fn kept(e: &Extraction) -> Vec<bool> {
    e.lines.iter().map(|d| d.kept).collect()
}

#[test]
fn gold_precision_and_recall_on_seeds() {
    let gold_dir = root().join("tests/fixtures/ingest");
    let mut stems: Vec<String> = fs::read_dir(&gold_dir)
        .expect("gold directory")
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".gold").map(str::to_string))
        .collect();
    stems.sort();
    assert!(stems.len() >= 5, "expected gold labels for the five seeds");
    let (mut tp_all, mut fp_all, mut fn_all) = (0, 0, 0);
    let mut failures = Vec::new();
    for stem in &stems {
        let seed = fs::read_to_string(root().join("seeds").join(format!("{stem}.txt"))).expect("seed file");
        let gold = read_gold(&gold_dir.join(format!("{stem}.gold")));
        let e = extract(&seed);
        assert_eq!(e.lines.len(), gold.len(), "{stem}: one gold label per line");
        let got = kept(&e);
        let tp = got.iter().zip(&gold).filter(|(g, b)| **g && **b).count();
        let fp = got.iter().zip(&gold).filter(|(g, b)| **g && !**b).count();
        let fneg = got.iter().zip(&gold).filter(|(g, b)| !**g && **b).count();
        let precision = tp as f64 / (tp + fp).max(1) as f64;
        let recall = tp as f64 / (tp + fneg).max(1) as f64;
        println!("{stem}: precision {precision:.3} recall {recall:.3} (tp {tp}, fp {fp}, fn {fneg})");
        for (d, b) in e.lines.iter().zip(&gold) {
            if d.kept != *b {
                println!("  line {} gold {} got {:?}: {}", d.line, if *b { "B" } else { "X" }, d.role, d.reason);
            }
        }
        if precision < 0.98 || recall < 0.98 {
            failures.push(stem.clone());
        }
        (tp_all, fp_all, fn_all) = (tp_all + tp, fp_all + fp, fn_all + fneg);
    }
    println!(
        "all: precision {:.3} recall {:.3}",
        tp_all as f64 / (tp_all + fp_all).max(1) as f64,
        tp_all as f64 / (tp_all + fn_all).max(1) as f64
    );
    assert!(failures.is_empty(), "below 0.98 on {failures:?}");
}

#[test]
fn seeds_have_expected_titles_and_structure() {
    let read =
        |stem: &str| extract(&fs::read_to_string(root().join("seeds").join(format!("{stem}.txt"))).expect("seed"));
    let e0 = read("000_633bce33b27bf64e");
    assert_eq!(e0.title, None);
    // The glued copy of "الدوافع السورية" is removed and the sentence rejoined.
    assert!(
        e0.blocks
            .iter()
            .any(|b| matches!(b, Block::Paragraph { text, line: 12 } if text.starts_with("في هذا السياق،")))
    );
    assert!(
        e0.blocks
            .iter()
            .any(|b| matches!(b, Block::List { items } if items.len() == 4 && !items[0].text.starts_with('·')))
    );
    assert!(e0.blocks.iter().any(|b| matches!(b, Block::Heading { text, line: 57 } if text.starts_with("1."))));
    let e1 = read("001_702b1aa0186a693c");
    assert_eq!(e1.title.as_deref(), Some("دمشق وواشنطن: شراكة غير مسبوقة في مواجهة تنظيم الدولة الإرهابي"));
    let e3 = read("003_7bf24089af2b59ad");
    assert!(e3.title.as_deref().is_some_and(|t| t.starts_with("تنسيق استخباراتي")));
    // The comma-broken sentence at 41/43 is one paragraph.
    assert!(
        e3.blocks.iter().any(|b| matches!(b, Block::Paragraph { text, line: 41 } if text.ends_with("خلايا \"داعش\".")))
    );
    let e4 = read("004_b392eab0c756c445");
    assert!(e4.blocks.iter().any(|b| matches!(b, Block::Heading { text, line: 29 } if text == "الأهداف الأميركية")));
    assert!(e4.blocks.iter().any(|b| matches!(b, Block::Paragraph { text, line: 33 } if text.starts_with("تعتبر"))));
    assert!(body_text(&e4).contains("سوريا عادت إلى صفّنا"));
    assert!(!body_text(&e4).contains("لعبه كرة السلة"));
}

#[test]
fn doubled_masthead_is_not_the_headline() {
    let e = extract(&sample("doubled_masthead.txt"));
    assert_eq!(e.title.as_deref(), Some("افتتاح معرض الكتاب في المدينة بمشاركة مئة دار نشر"));
    assert!(!e.lines[0].kept && !e.lines[1].kept);
    let text = body_text(&e);
    assert!(text.contains("افتتح وزير الثقافة"));
    assert!(!text.contains("حقوق"));
    assert!(!text.contains("تابعونا"));
}

#[test]
fn english_article() {
    let e = extract(&sample("english.txt"));
    assert_eq!(e.title.as_deref(), Some("City council approves new budget for public libraries"));
    let text = body_text(&e);
    assert!(text.contains("The council voted"));
    assert!(text.contains("What comes next"));
    assert!(!text.contains("Advertisement"));
    assert!(!text.contains("Related articles"));
    assert!(!text.contains("All rights reserved"));
    assert!(!text.contains("Storm closes"), "teasers after the related marker are dropped");
}

#[test]
fn no_boilerplate_means_nothing_dropped() {
    let e = extract(&sample("clean_article.txt"));
    for d in &e.lines {
        assert!(d.kept || d.role == Role::Blank, "line {} dropped: {}", d.line, d.reason);
    }
    assert!(e.title.is_some());
}

#[test]
fn echoed_headline_and_caption() {
    let e = extract(&sample("echoed_headline.txt"));
    assert_eq!(e.title.as_deref(), Some("ارتفاع أسعار القمح في الأسواق المحلية للمرة الثالثة"));
    assert!(!e.lines[1].kept, "second copy of the headline is dropped");
    assert!(!body_text(&e).contains("رويترز"));
    assert!(body_text(&e).contains("ارتفعت أسعار القمح"));
}

#[test]
fn inline_see_also_box_and_caption() {
    let e = extract(&sample("inline_teasers.txt"));
    assert_eq!(e.title.as_deref(), Some("تراجع معدل التضخم في البلاد إلى أدنى مستوى منذ عامين"));
    let text = body_text(&e);
    assert!(text.contains("ويتوقع خبراء"), "the body resumes after the see-also box");
    assert!(text.contains("موقف الحكومة"));
    for furniture in ["البنك المركزي", "أرشيفية", "سامر خليل", "الرئيسية", "09:15", "الوسوم"]
    {
        assert!(!text.contains(furniture), "{furniture} leaked into the body");
    }
}

#[test]
fn second_article_after_a_footer_without_marker() {
    let e = extract(&sample("appended_article.txt"));
    assert_eq!(e.title.as_deref(), Some("افتتاح جسر جديد يربط ضفتي النهر في المدينة"));
    let text = body_text(&e);
    assert!(text.contains("مقاومة الزلازل"));
    assert!(!text.contains("مهرجان"), "the appended article is dropped");
}

#[test]
fn a_line_range_reads_the_appended_article_alone() {
    let seed = sample("appended_article.txt");
    let (e, report) = extract_with(&seed, &Overrides { lines: Some(15..=20), ..Overrides::default() });
    assert!(report.unmatched.is_empty());
    assert_eq!(e.title.as_deref(), Some("مهرجان الربيع يعود إلى الحدائق العامة بعد غياب"));
    let text = body_text(&e);
    assert!(text.contains("مئة ألف زائر") && !text.contains("الجسر"), "{text}");
    // Blocks keep the seed's own line numbers, so passage anchors match `nashra extract`.
    assert!(matches!(e.blocks.first(), Some(Block::Paragraph { line: 16, .. })), "{:?}", e.blocks);
    assert_eq!(e.lines.len(), 20);
    assert!(e.lines[..14].iter().all(|d| !d.kept && d.reason == "outside the article's lines 15-20"));
    // The first article alone, up to the footer, is what the heuristics find without a range.
    let (first, _) = extract_with(&seed, &Overrides { lines: Some(1..=5), ..Overrides::default() });
    assert_eq!(body_text(&first), body_text(&extract(&seed)));
}

#[test]
fn long_unpunctuated_headline_and_author_name() {
    let e = extract(&sample("long_headline.txt"));
    assert!(e.title.as_deref().is_some_and(|t| t.starts_with("من المقرر أن يلتقي")));
    assert!(!e.lines[1].kept, "the author's name is not a heading");
    assert_eq!(e.blocks.len(), 2);
}

#[test]
fn empty_and_blank_inputs() {
    let e = extract("");
    assert!(e.lines.is_empty() && e.blocks.is_empty() && e.title.is_none());
    let e = extract("\n\n   \n");
    assert_eq!(e.lines.len(), 3);
    assert!(e.lines.iter().all(|d| d.role == Role::Blank && !d.kept));
    let e = extract("\u{FEFF}");
    assert!(e.lines.is_empty());
}

#[test]
fn bom_crlf_tabs_and_controls() {
    let text = "\u{FEFF}عنوان\u{200F} الخبر\tالمهم جدا\r\n\r\nقال\u{A0}المتحدث الرسمي إن الاجتماع\u{200B} سيعقد غدا في العاصمة.\r\n";
    let e = extract(text);
    assert_eq!(e.lines.len(), 3);
    assert_eq!(e.title.as_deref(), Some("عنوان الخبر المهم جدا"));
    assert_eq!(body_text(&e), "قال المتحدث الرسمي إن الاجتماع سيعقد غدا في العاصمة.");
}

#[test]
fn overrides_apply_and_report_unmatched() {
    let seed = fs::read_to_string(root().join("seeds/004_b392eab0c756c445.txt")).expect("seed");
    let overrides = Overrides {
        title_line: Some(5),
        drop: vec![Regex::new("^والأهم").expect("re"), Regex::new("^لا يوجد سطر كهذا$").expect("re")],
        keep: vec![Regex::new("^المصدر:").expect("re")],
        stop_at: Some("لذلك يُنظر إلى زيارة الشرع".into()),
        lines: None,
    };
    let (e, report) = extract_with(&seed, &overrides);
    assert_eq!(e.title.as_deref(), Some("أهمية الانضمام"));
    assert_eq!(report.unmatched, vec!["drop[1]".to_string()]);
    assert!(!e.lines[10].kept && e.lines[10].reason == "clean.drop[0]");
    assert!(!e.lines[44].kept && e.lines[46].reason == "clean.stop_at");
    let missing =
        Overrides { title_line: Some(999), stop_at: Some("غير موجود".into()), ..Overrides::default() };
    let (_, report) = extract_with(&seed, &missing);
    assert_eq!(report.unmatched, vec!["stop_at".to_string(), "title_line".to_string()]);
}

/// Without the decisions line by line, the same headline and blocks: for every
/// seed and sample, with and without overrides (a glued heading's body text,
/// a line range, a forced title).
#[test]
fn the_article_alone_is_the_recorded_one() {
    let mut texts: Vec<String> = fs::read_dir(root().join("seeds"))
        .expect("seeds")
        .chain(fs::read_dir(root().join("tests/fixtures/ingest/samples")).expect("samples"))
        .map(|e| fs::read_to_string(e.expect("entry").path()).expect("text"))
        .collect();
    texts.push("عنوان\n\nفقرة أولى طويلة بما يكفي لتكون فقرة في المتن، وتنتهي بنقطة.\n· بند\n· بند ثان\n".into());
    let overrides = [
        Overrides::default(),
        Overrides { title_line: Some(3), lines: Some(2..=30), ..Overrides::default() },
        Overrides { drop: vec![Regex::new("^ال").expect("re")], ..Overrides::default() },
    ];
    for (text, overrides) in texts.iter().flat_map(|t| overrides.iter().map(move |o| (t, o))) {
        let (recorded, report) = extract_with(text, overrides);
        let (alone, alone_report) = extract_recording(text, overrides, false);
        assert!(alone.lines.is_empty());
        assert_eq!((alone.title, alone.blocks), (recorded.title, recorded.blocks));
        assert_eq!(alone_report, report);
    }
}

#[test]
fn json_contract() {
    let e = extract(
        "عنوان الخبر المهم هنا\n\nقال المتحدث إن الاجتماع سيعقد غدا في العاصمة دمشق.\n· بند أول في القائمة\n· بند ثان في القائمة\n",
    );
    let json = serde_json::to_value(&e).expect("json");
    assert_eq!(json["title"], "عنوان الخبر المهم هنا");
    assert_eq!(json["blocks"][0]["kind"], "paragraph");
    assert_eq!(json["blocks"][1]["kind"], "list");
    assert_eq!(json["blocks"][1]["items"][1]["line"], 5);
    assert_eq!(json["lines"][1]["role"], "blank");
    assert_eq!(json["lines"][3]["role"], "list_item");
    assert_eq!(json["lines"].as_array().map(Vec::len), Some(5));
    assert!(render_text(&e).contains("004 keep list_item:"));
}

#[test]
fn large_input_is_linear() {
    let seed = fs::read_to_string(root().join("seeds/004_b392eab0c756c445.txt")).expect("seed");
    let big = seed.repeat((20 << 20) / seed.len() + 1);
    let start = std::time::Instant::now();
    let e = extract(&big);
    assert_eq!(e.lines.len(), big.lines().count());
    println!("20 MB in {:?}", start.elapsed());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_and_covers_every_line(text in "\\PC{0,400}") {
        let e = extract(&text);
        let expected = text::split_lines(&text).len();
        prop_assert_eq!(e.lines.len(), expected);
        for (i, d) in e.lines.iter().enumerate() {
            prop_assert_eq!(d.line, i + 1);
        }
        let _ = render_text(&e);
        let _ = body_text(&e);
    }

    /// A seed's line count is the number of lines ingestion numbers.
    #[test]
    fn line_count_is_the_number_of_lines(text in "\u{FEFF}?[a\n\r ا]{0,40}") {
        prop_assert_eq!(line_count(&text), text::split_lines(&text).len());
    }

    #[test]
    fn line_soup_is_covered(parts in proptest::collection::vec(
        prop_oneof![
            Just(String::new()), Just("إعلان".to_string()), Just("76".to_string()),
            Just("مقالات ذات صلة".to_string()), Just("الخلفية التاريخية".to_string()),
            Just("قال المتحدث إن الاجتماع سيعقد غدا في العاصمة، وسيناقش الملفات العالقة.".to_string()),
            Just("· بند في قائمة".to_string()), Just("\u{200F}\r".to_string()), "\\PC{0,80}",
        ], 0..60)) {
        let text = parts.join("\n");
        let e = extract(&text);
        prop_assert_eq!(e.lines.len(), text::split_lines(&text).len());
        for (i, d) in e.lines.iter().enumerate() {
            prop_assert_eq!(d.line, i + 1);
            prop_assert_eq!(d.kept, !matches!(d.role, Role::Boilerplate | Role::Blank));
        }
    }
}
