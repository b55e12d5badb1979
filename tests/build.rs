//! `nashra build`: what it writes, and that a failed or killed build loses nothing.

mod common;
use common::*;
use std::path::Path;
use std::time::Instant;

#[test]
fn bom_and_crlf_seed_builds_with_clean_text_and_right_direction() {
    let project = valid_project();
    let out = run(project.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let site = project.path().join("site");
    let ar = read(&site.join("ar/articles/coalition-entry/index.html"));
    let en = read(&site.join("en/articles/coalition-entry/index.html"));
    assert!(ar.starts_with("<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">"), "{ar}");
    assert!(en.starts_with("<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">"), "{en}");
    // The seed starts with a byte-order mark and uses CRLF: neither reaches the page.
    assert!(!ar.contains('\u{FEFF}') && !ar.contains('\r'));
    // The body is there, with mentions linked to their entity pages.
    assert!(ar.contains("أعلنت <a href=\"../../../ar/entities/damascus/index.html\">دمشق</a> انضمامها"), "{ar}");
    assert!(en.contains("Damascus joins the coalition"));
    for home in ["ar/index.html", "en/index.html", "index.html"] {
        assert!(site.join(home).is_file(), "{home}");
    }
}

#[test]
fn seed_text_is_escaped() {
    let project = valid_project();
    let seed = project.path().join("seeds/plain.txt");
    let mut text = read(&seed);
    text.push_str(
        "وقال المسؤولون في بيان مطول إن <script>alert('x')</script> لا يغير شيئًا من موقفهم، وإن التعاون مستمر & قائم.\n",
    );
    std::fs::write(&seed, text).unwrap();
    assert!(run(project.path(), &["build"]).status.success());
    let page = read(&project.path().join("site/en/articles/ambush/index.html"));
    assert!(!page.contains("<script>alert"), "raw script tag reached the page");
    assert!(page.contains("بيان مطول إن &lt;"), "the tag is shown as text");
}

#[test]
fn failed_build_leaves_previous_site_and_snapshots_untouched() {
    let project = valid_project();
    let site = project.path().join("site");
    assert!(run(project.path(), &["build"]).status.success());
    let edition = site.join("snapshots/2025-12-01");
    std::fs::create_dir_all(&edition).unwrap();
    std::fs::write(edition.join("index.html"), "edition of record").unwrap();
    let before = tree_digest(&site);

    // Bad YAML.
    let article = project.path().join("content/articles/ambush.yaml");
    let good = read(&article);
    std::fs::write(&article, "title: [unclosed\n").unwrap();
    let out = run(project.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("content/articles/ambush.yaml:"), "{}", text(&out));
    assert_eq!(tree_digest(&site), before, "a failed build changed site/");
    std::fs::write(&article, good).unwrap();

    // Template error in a project override of one template.
    override_template(
        project.path(),
        "article.html",
        "{% extends \"base.html\" %}{% block main %}{{ article.title.text | no_such_filter }}{% endblock main %}",
    );
    let out = run(project.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("no_such_filter"), "{}", text(&out));
    assert_eq!(tree_digest(&site), before, "a template error changed site/");
    std::fs::remove_dir_all(project.path().join("themes")).unwrap();

    // A good build replaces the site and carries the edition over unchanged.
    std::fs::write(&article, read(&article).replace("The Palmyra ambush", "The ambush near Palmyra")).unwrap();
    assert!(run(project.path(), &["build"]).status.success());
    assert!(read(&site.join("en/articles/ambush/index.html")).contains("The ambush near Palmyra"));
    assert_eq!(read(&edition.join("index.html")), "edition of record");
}

#[test]
fn out_flag_writes_elsewhere() {
    let project = valid_project();
    let out_dir = project.path().join("public");
    let out = nashra().arg("--project").arg(project.path()).arg("build").arg("--out").arg(&out_dir).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(out_dir.join("en/index.html").is_file());
    assert!(!project.path().join("site").exists());
}

#[test]
fn two_builds_are_byte_identical() {
    let project = valid_project();
    assert!(run(project.path(), &["build"]).status.success());
    let first = tree_digest(&project.path().join("site"));
    assert!(run(project.path(), &["build"]).status.success());
    assert_eq!(first, tree_digest(&project.path().join("site")));
}

#[test]
fn build_into_the_spare_site_equals_a_fresh_build() {
    let project = valid_project();
    let site = project.path().join("site");
    let article = project.path().join("content/articles/ambush.yaml");
    for _ in 0..2 {
        assert!(run(project.path(), &["build"]).status.success());
    }
    assert!(project.path().join(".site.spare/en/articles/ambush/index.html").is_file());
    // An edit that changes some pages, adds one and removes one, then a build that updates the spare.
    std::fs::write(&article, read(&article).replace("The Palmyra ambush", "The ambush near Palmyra")).unwrap();
    let pages = project.path().join("content/pages");
    for lang in ["ar", "en"] {
        std::fs::rename(pages.join(format!("about.{lang}.md")), pages.join(format!("about-us.{lang}.md"))).unwrap();
    }
    let out = run(project.path(), &["-v", "build"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains(" unchanged since the spare site"), "{}", text(&out));
    let fresh = project.path().join("fresh");
    let out = nashra().arg("--project").arg(project.path()).arg("build").arg("--out").arg(&fresh).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(tree_digest(&site), tree_digest(&fresh));
    assert!(read(&site.join("en/articles/ambush/index.html")).contains("The ambush near Palmyra"));
    assert!(site.join("en/pages/about-us/index.html").is_file() && !site.join("en/pages/about").exists());
}

/// Writes a synthetic project with `n` articles whose pages take a while to build.
fn large_project(dir: &Path, n: usize, variant: &str) {
    copy_tree(&fixture("valid"), dir);
    let sentence = "تعرضت دورية لكمين قرب تدمر، وقتل جنديان أمريكيان ومترجم في هجوم تبناه تنظيم داعش.";
    let body: String = (0..60).map(|i| format!("{sentence} ({i})\n")).collect();
    std::fs::write(dir.join("seeds/large.txt"), body).unwrap();
    for i in 0..n {
        let yaml = format!(
            "seed: large.txt\ntitle: {{ar: \"مقالة {i}\", en: \"Article {i} {variant}\"}}\ndate: 2025-01-{:02}\nsummary: {{ar: \"ملخص\", en: \"Summary\"}}\ntopics: [coalition]\nentities: [isis]\n",
            i % 28 + 1
        );
        std::fs::write(dir.join(format!("content/articles/a{i}.yaml")), yaml).unwrap();
    }
}

#[test]
fn killed_build_never_leaves_a_partial_site() {
    let project = tempfile::tempdir().unwrap();
    let dir = project.path();
    let site = dir.join("site");
    large_project(dir, 300, "A");
    assert!(run(dir, &["build"]).status.success());
    let a = tree_digest(&site);
    large_project(dir, 300, "B");
    let started = Instant::now();
    assert!(run(dir, &["build"]).status.success());
    let full = started.elapsed();
    let b = tree_digest(&site);
    assert_ne!(a, b);

    // Kill builds that switch between the two variants at spread-out moments.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut seen_partial = Vec::new();
    for round in 0..8 {
        large_project(dir, 300, if round % 2 == 0 { "A" } else { "B" });
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let delay = full.mul_f64((state % 1000) as f64 / 1000.0 * 1.1);
        let mut child =
            nashra().arg("--project").arg(dir).arg("build").stderr(std::process::Stdio::null()).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let now = tree_digest(&site);
        if now != a && now != b {
            seen_partial.push(format!("round {round} after {delay:?}"));
        }
        for entry in std::fs::read_dir(&site).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(!name.contains("staging"), "staging debris inside site/: {name}");
        }
    }
    assert!(seen_partial.is_empty(), "site/ was neither the old nor the new build: {seen_partial:?}");
    // The next build cleans any debris a kill left next to site/: what remains
    // is the site it replaced, kept as the spare the build after writes into.
    assert!(run(dir, &["build"]).status.success());
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".site."))
        .collect();
    assert_eq!(leftovers, [".site.spare"]);
}

/// `partials/card.html` is rendered once per article, language and depth and
/// reused by every list: a project's override of it still shows on every
/// list, with the globals of the page's depth; a broken one fails the build.
#[test]
fn an_overridden_card_partial_shows_in_every_list() {
    let project = valid_project();
    override_template(
        project.path(),
        "partials/card.html",
        "<a class=\"my-card\" href=\"{{ card.href }}\" data-root=\"{{ root }}\" lang=\"{{ lang }}\">{{ t.draft }}</a>",
    );
    let out = run(project.path(), &["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let site = project.path().join("site");
    let topic = read(&site.join("en/topics/coalition/index.html"));
    assert!(
        topic.contains(
            "<a class=\"my-card\" href=\"../../../en/articles/ambush/index.html\" data-root=\"../../../\" lang=\"en\">"
        ),
        "{topic}"
    );
    let list = read(&site.join("ar/articles/index.html"));
    assert!(
        list.contains(
            "<a class=\"my-card\" href=\"../../ar/articles/ambush/index.html\" data-root=\"../../\" lang=\"ar\">"
        ),
        "{list}"
    );
    assert!(!list.contains("class=\"card-meta\""), "the default card is still shown: {list}");

    override_template(project.path(), "partials/card.html", "{{ card.title | no_such_filter }}");
    let out = run(project.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("no_such_filter"), "{}", text(&out));
}

/// The default templates show every piece of text through
/// `partials/text.html` and `partials/block_text.html`, copied into them while
/// those are the built-in ones: a copy that differs from the built-in ones
/// only by a comment renders the same bytes, and a project's change to
/// either shows on every page.
#[test]
fn overridden_text_partials_show_on_every_page() {
    let project = valid_project();
    // Untranslated text in both shapes: the English title and summary are missing.
    std::fs::write(
        project.path().join("content/topics/coalition.yaml"),
        "title: {ar: \"سوريا والتحالف\"}\nsummary: {ar: \"ملخص الموضوع.\"}\n",
    )
    .unwrap();
    let site = project.path().join("site");
    let build = || {
        let out = run(project.path(), &["build"]);
        assert!(out.status.success(), "{}", text(&out));
    };
    build();
    let built_in = tree_digest(&site);
    let topic = read(&site.join("en/topics/coalition/index.html"));
    assert!(topic.contains("<p class=\"untranslated\">"), "the fixture shows an untranslated block: {topic}");

    for partial in ["text", "block_text"] {
        let path = format!("partials/{partial}.html");
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates").join(&path);
        let source = std::fs::read_to_string(file).unwrap();
        override_template(project.path(), &path, &format!("{{# a copy #}}{source}"));
    }
    build();
    assert_eq!(tree_digest(&site), built_in, "the built-in partials, included, render other bytes");

    override_template(project.path(), "partials/text.html", "<span class=\"my-text\">{{ text.html | safe }}</span>");
    override_template(
        project.path(),
        "partials/block_text.html",
        "<div class=\"my-block\">{{ text.html | safe }}</div>",
    );
    build();
    let page = |path: &str| read(&site.join(path));
    let article = page("en/articles/ambush/index.html");
    assert!(article.contains("<h1><span class=\"my-text\">The Palmyra ambush</span></h1>"), "{article}");
    assert!(article.contains("<div class=\"my-block\">"), "{article}");
    let topic = page("en/topics/coalition/index.html");
    assert!(topic.contains("<h1><span class=\"my-text\">سوريا والتحالف</span></h1>"), "{topic}");
    assert!(topic.contains("<div class=\"my-block\"><p>ملخص الموضوع.</p>"), "{topic}");
    assert!(!topic.contains("untranslated"), "the built-in partials still show: {topic}");
    // Cards, timeline entries, entity names and the home page's lists.
    for path in ["en/articles/index.html", "en/timeline/index.html", "en/entities/index.html", "ar/index.html"] {
        assert!(page(path).contains("<span class=\"my-text\">"), "{path}: {}", page(path));
    }
}

/// Writes the project's own version of one of the default theme's templates.
fn override_template(project: &std::path::Path, template: &str, text: &str) {
    let path = project.join("themes/default/templates").join(template);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}
