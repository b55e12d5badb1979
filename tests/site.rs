//! The built site: URL layout, cross-links, provenance marks and language
//! markup, on the valid fixture project whose content we know line by line.

mod common;
use common::*;
use std::path::Path;

fn build(project: &Path) -> std::path::PathBuf {
    let out = run(project, &["build"]);
    assert!(out.status.success(), "{}", text(&out));
    project.join("site")
}

fn page(site: &Path, rel: &str) -> String {
    std::fs::read_to_string(site.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn url_layout_of_the_contract_exists() {
    let project = valid_project();
    let site = build(project.path());
    for lang in ["ar", "en"] {
        for rel in [
            "index.html",
            "articles/ambush/index.html",
            "topics/index.html",
            "topics/coalition/index.html",
            "entities/index.html",
            "entities/isis/index.html",
            "timeline/index.html",
            "figures/index.html",
            "pages/about/index.html",
            "feed.xml",
        ] {
            assert!(site.join(lang).join(rel).is_file(), "{lang}/{rel}");
        }
    }
    for rel in ["index.html", "sitemap.xml", "404.html"] {
        assert!(site.join(rel).is_file(), "{rel}");
    }
    let css: Vec<_> = std::fs::read_dir(site.join("assets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        css.iter().any(|n| n.starts_with("style.") && n.ends_with(".css") && n.len() > "style..css".len() + 8),
        "{css:?}"
    );
}

#[test]
fn mentions_with_clitics_link_to_entity_pages() {
    let project = valid_project();
    let site = build(project.path());
    let ar = page(&site, "ar/articles/ambush/index.html");
    // plain.txt line 3: «وتوعد المسؤولون بالرد على داعش.» — the alias داعش of entity isis.
    assert!(ar.contains("<a href=\"../../../ar/entities/isis/index.html\">داعش</a>"), "{ar}");
    // The original text is annotated once for both languages' article pages: each links its own language's entity.
    let en = page(&site, "en/articles/ambush/index.html");
    assert!(en.contains("<a href=\"../../../en/entities/isis/index.html\">داعش</a>"), "{en}");
    assert!(!en.contains("../ar/entities/"), "{en}");
    let isis = page(&site, "en/entities/isis/index.html");
    assert!(isis.contains("../../../en/articles/ambush/index.html#p3"), "entity page links to the mention's passage");
    assert!(isis.contains("<mark>داعش</mark>"), "snippet marks the mention");
    // The snippets are made once for both languages' pages: each links its own language's article.
    let isis_ar = page(&site, "ar/entities/isis/index.html");
    assert!(isis_ar.contains("../../../ar/articles/ambush/index.html#p3"), "{isis_ar}");
    assert!(isis_ar.contains("<mark>داعش</mark>"), "{isis_ar}");
}

/// An entity's page quotes each article at most three times: the first
/// mentions in reading order, whose passage numbers do not sort as text
/// does (p10 after p9).
#[test]
fn an_entity_page_quotes_an_article_s_first_three_mentions() {
    let project = valid_project();
    // Line 2 keeps the quote of the article's event.
    let lines: Vec<String> = (2..=12)
        .map(|n| match n {
            2 => "تعرضت دورية لكمين قرب تدمر، وقتل جنديان أمريكيان ومترجم.".to_string(),
            3 | 10 | 11 | 12 => format!("قال المسؤولون في البيان رقم {n} إنهم سيردون على داعش قريبا."),
            _ => format!("وصلت الدورية رقم {n} إلى المدينة بعد ظهر يوم الأحد الماضي."),
        })
        .collect();
    std::fs::write(project.path().join("seeds/plain.txt"), format!("كمين تدمر\n{}\n", lines.join("\n"))).unwrap();
    let site = build(project.path());
    let isis = page(&site, "en/entities/isis/index.html");
    let quoted: Vec<&str> = ["#p3\"", "#p10\"", "#p11\"", "#p12\""]
        .into_iter()
        .filter(|id| isis.contains(&format!("ambush/index.html{id}")))
        .collect();
    assert_eq!(quoted, ["#p3\"", "#p10\"", "#p11\""], "{isis}");
    let at = |id: &str| isis.find(&format!("ambush/index.html{id}")).unwrap();
    assert!(at("#p3\"") < at("#p10\"") && at("#p10\"") < at("#p11\""), "in reading order: {isis}");
}

#[test]
fn figures_and_events_link_to_their_marked_quote() {
    let project = valid_project();
    let site = build(project.path());
    let en = page(&site, "en/articles/coalition-entry/index.html");
    // The figure's quote «ويضم 89 دولة» is in the seed's second line, which is passage p2 (line 1 is the headline).
    assert!(en.contains("<a href=\"#p2\">"), "{en}");
    assert!(en.contains("<mark>ويضم 89 دولة</mark>"), "{en}");
    assert!(en.contains("id=\"p2\""));
    let timeline = page(&site, "en/timeline/index.html");
    assert!(timeline.contains("../../en/articles/ambush/index.html#p2"), "{timeline}");
    let figures = page(&site, "ar/figures/index.html");
    assert!(figures.contains("../../ar/articles/coalition-entry/index.html#p2"));
}

#[test]
fn other_language_text_is_marked_up_with_lang_and_dir() {
    let project = valid_project();
    let site = build(project.path());
    let en = page(&site, "en/articles/ambush/index.html");
    assert!(
        en.contains("<div class=\"original\" lang=\"ar\" dir=\"rtl\">"),
        "Arabic original is isolated on English pages"
    );
    // Every alternate is reciprocal: each page names itself and the other language.
    for (from, other) in [("en", "ar"), ("ar", "en")] {
        let p = page(&site, &format!("{from}/topics/coalition/index.html"));
        assert!(p.contains(&format!(
            "<link rel=\"alternate\" hreflang=\"{other}\" href=\"../../../{other}/topics/coalition/index.html\">"
        )));
        assert!(p.contains(&format!(
            "<link rel=\"alternate\" hreflang=\"{from}\" href=\"../../../{from}/topics/coalition/index.html\">"
        )));
    }
}

#[test]
fn missing_translation_is_shown_not_blank() {
    let project = valid_project();
    let topic = project.path().join("content/topics/coalition.yaml");
    std::fs::write(
        &topic,
        "title: {ar: \"سوريا والتحالف\"}\nsummary: {ar: \"ملخص الموضوع.\", en: \"Topic synthesis.\"}\n",
    )
    .unwrap();
    let site = build(project.path());
    let en = page(&site, "en/topics/coalition/index.html");
    assert!(en.contains("<span class=\"untranslated\">Not yet translated:</span> <span lang=\"ar\" dir=\"rtl\">سوريا والتحالف</span>"), "{en}");
}

#[test]
fn dates_use_month_names_of_the_page_language() {
    let project = valid_project();
    let site = build(project.path());
    assert!(page(&site, "ar/articles/ambush/index.html").contains("14 ديسمبر/كانون الأول 2025"));
    assert!(page(&site, "en/articles/ambush/index.html").contains("14 December 2025"));
}

#[test]
fn bundled_briefing_builds_and_checks_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = run(root, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("0 error(s), 0 warning(s)"), "{}", text(&out));
    let tmp = tempfile::tempdir().unwrap();
    let out =
        nashra().arg("--project").arg(root).args(["build", "--out"]).arg(tmp.path().join("site")).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
}

/// A seed holding two articles, the second appended after "اقرأ أيضاً": line 7 is its
/// headline and line 9 holds the quoted figure.
const DIGEST: &str = "دمشق تنضم إلى التحالف الدولي\n\
أعلنت دمشق انضمامها إلى التحالف الدولي ضد داعش، في خطوة ينتظرها المراقبون منذ أشهر.\n\
\n\
اقرأ أيضاً:\n\
\n\
\n\
التحالف الدولي يرحب بالعضو الجديد في صفوفه\n\
\n\
رحب التحالف الدولي بانضمام دمشق، وقال بيان له إن التحالف يضم أكثر من 80 دولة حول العالم.\n\
وأكد البيان أن التعاون سيشمل تبادل المعلومات بين الأجهزة الأمنية.\n";

#[test]
fn an_article_read_from_a_line_range_keeps_the_seeds_anchors() {
    let project = valid_project();
    std::fs::write(project.path().join("seeds/digest.txt"), DIGEST).unwrap();
    std::fs::write(
        project.path().join("content/articles/coalition-welcome.yaml"),
        "seed: digest.txt\nlines: 7-10\ntitle: {ar: \"ترحيب التحالف\", en: \"The coalition welcomes Damascus\"}\n\
         date: 2025-11-11\nsummary: {ar: \"ترحيب.\", en: \"A welcome.\"}\nfigures:\n  - metric: coalition-members\n\
         \x20   value: \">80\"\n    label: {ar: \"عدد الدول الأعضاء\", en: \"Member states\"}\n    quote: \"يضم أكثر من 80 دولة\"\n",
    )
    .unwrap();
    let site = build(project.path());
    let en = page(&site, "en/articles/coalition-welcome/index.html");
    // Line 9 of the seed is passage p9, marked where the figure links to.
    assert!(en.contains("<a href=\"#p9\">"), "{en}");
    assert!(en.contains("id=\"p9\""), "{en}");
    assert!(en.contains("<mark>يضم أكثر من 80 دولة</mark>"), "{en}");
    assert!(en.contains("التحالف الدولي يرحب بالعضو الجديد في صفوفه"), "the range's own headline");
    assert!(!en.contains("ينتظرها المراقبون"), "the first article's text is not this article's");
    // 89 and "more than 80" stand side by side, and are not flagged: 89 is more than 80.
    let figures = page(&site, "en/figures/index.html");
    let start = figures.find("id=\"m-coalition-members\"").expect("metric block");
    let block = &figures[start..start + figures[start..].find("</article>").unwrap()];
    assert!(block.contains("<bdi dir=\"ltr\">89</bdi>") && block.contains("<bdi dir=\"ltr\">&gt;80</bdi>"), "{block}");
    assert!(block.contains("../../en/articles/coalition-welcome/index.html#p9"), "{block}");
    assert!(!figures.contains("class=\"metric disagree\" id=\"m-coalition-members\""), "{figures}");
}

#[test]
fn reports_that_cannot_both_hold_are_flagged() {
    let project = valid_project();
    let path = project.path().join("content/articles/coalition-entry.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    // A second report of the same metric and (absent) date: 89 vs 80. Only the values matter here.
    let yaml = yaml.replace(
        "events:",
        "  - metric: coalition-members\n    value: \"80\"\n    label: {ar: \"عدد الدول\", en: \"States\"}\n    quote: \"ويضم 89 دولة\"\nevents:",
    );
    std::fs::write(&path, yaml).unwrap();
    let figures = page(&build(project.path()), "en/figures/index.html");
    assert!(figures.contains("class=\"metric disagree\" id=\"m-coalition-members\""), "{figures}");
}
