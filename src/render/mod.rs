//! Rendering: the validated site → an in-memory [`Output`].
//!
//! The Rust side prepares view models (plain serializable structs); the
//! templates only loop and branch over them. Every link is relative to the
//! page, and points at `index.html` explicitly, so the site works from
//! `file://` and from any sub-path of a web server.

pub mod markdown;
pub mod theme;

use crate::diag::Diagnostic;
use crate::model::{Dir, Language, Localized};
use crate::output::Output;
use crate::site::{Article, Site};
use serde::Serialize;
use theme::Theme;

/// Text in one language, with what the template needs to mark it up honestly.
#[derive(Debug, Clone, Serialize)]
pub struct Text {
    /// The text (or HTML, for Markdown fields).
    pub text: String,
    /// Language the text is actually in.
    pub lang: String,
    /// Its direction.
    pub dir: &'static str,
    /// True when the page's language has no version and another one is shown.
    pub missing: bool,
}

/// Picks the page language's version of a field, or says it is missing and
/// shows the first available one (in its own language and direction).
pub fn pick(map: &Localized, lang: &Language, languages: &[Language]) -> Text {
    if let Some(t) = map.get(&lang.code).filter(|t| !t.trim().is_empty()) {
        return Text { text: t.clone(), lang: lang.code.clone(), dir: lang.dir.as_str(), missing: false };
    }
    let fallback = languages.iter().find_map(|l| map.get(&l.code).filter(|t| !t.trim().is_empty()).map(|t| (l, t)));
    match fallback {
        Some((l, t)) => Text { text: t.clone(), lang: l.code.clone(), dir: l.dir.as_str(), missing: true },
        None => Text { text: String::new(), lang: lang.code.clone(), dir: lang.dir.as_str(), missing: true },
    }
}

/// Like [`pick`], rendering Markdown to HTML.
pub fn pick_md(map: &Localized, lang: &Language, languages: &[Language]) -> Text {
    let mut t = pick(map, lang, languages);
    t.text = markdown::to_html(&t.text);
    t
}

/// `../` repeated once per folder level of `path`.
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// What every page's context holds.
#[derive(Serialize)]
struct Common<'a> {
    lang: &'a str,
    dir: &'static str,
    root: String,
    site_title: String,
    t: &'a std::collections::BTreeMap<String, String>,
    alternates: Vec<Alternate>,
    stylesheet: &'a str,
}

#[derive(Serialize)]
struct Alternate {
    lang: String,
    dir: &'static str,
    name: String,
    href: String,
    current: bool,
}

/// Renders the whole site.
pub fn render(site: &Site, theme: &Theme) -> Result<Output, Vec<Diagnostic>> {
    let mut out = Output::new();
    let stylesheet = add_assets(theme, &mut out);
    let mut diags = Vec::new();
    let r = Renderer { site, theme, stylesheet: &stylesheet };
    for lang in &site.languages {
        let index = format!("{}/index.html", lang.code);
        r.page(
            &mut out,
            &mut diags,
            "index.html",
            &index,
            lang,
            |l| format!("{}/index.html", l.code),
            |ctx| {
                let articles: Vec<_> = site.articles.iter().map(|a| r.article_card(a, lang, &index)).collect();
                ctx.insert("articles", &articles);
                ctx.insert("description", &pick(&site.config.description, lang, &site.languages));
            },
        );
        for a in &site.articles {
            let path = format!("{}/articles/{}/index.html", lang.code, a.slug);
            r.page(
                &mut out,
                &mut diags,
                "article.html",
                &path,
                lang,
                |l| format!("{}/articles/{}/index.html", l.code, a.slug),
                |ctx| {
                    ctx.insert("article", &r.article_view(a, lang));
                },
            );
        }
    }
    let default = &site.languages[0];
    r.page(&mut out, &mut diags, "landing.html", "index.html", default, |l| format!("{}/index.html", l.code), |ctx| {
        let homes: Vec<_> = site
            .languages
            .iter()
            .map(|l| serde_json::json!({"lang": l.code, "dir": l.dir.as_str(), "href": format!("{}/index.html", l.code), "title": pick(&site.config.title, l, &site.languages), "description": pick(&site.config.description, l, &site.languages), "enter": r.string(l, "enter")}))
            .collect();
        ctx.insert("homes", &homes);
    });
    if diags.is_empty() { Ok(out) } else { Err(diags) }
}

/// Adds the theme's static files under `assets/`, CSS with a content hash in its name.
fn add_assets(theme: &Theme, out: &mut Output) -> String {
    use sha2::Digest;
    let mut stylesheet = String::new();
    for (path, bytes) in &theme.statics {
        let target = match path.rsplit_once('.') {
            Some((stem, ext @ ("css" | "js"))) => {
                let hash = sha2::Sha256::digest(bytes);
                let short: String = hash.iter().take(5).map(|b| format!("{b:02x}")).collect();
                format!("assets/{stem}.{short}.{ext}")
            }
            _ => format!("assets/{path}"),
        };
        if path == "style.css" {
            stylesheet = target.clone();
        }
        out.insert(target, bytes.clone());
    }
    stylesheet
}

struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    stylesheet: &'a str,
}

impl Renderer<'_> {
    fn string(&self, lang: &Language, key: &str) -> String {
        self.theme.strings.get(&lang.code).and_then(|m| m.get(key)).cloned().unwrap_or_else(|| key.to_string())
    }

    #[allow(clippy::too_many_arguments)]
    fn page(
        &self,
        out: &mut Output,
        diags: &mut Vec<Diagnostic>,
        template: &str,
        path: &str,
        lang: &Language,
        path_in: impl Fn(&Language) -> String,
        fill: impl FnOnce(&mut tera::Context),
    ) {
        let root = root_of(path);
        let empty = Default::default();
        let t = self.theme.strings.get(&lang.code).unwrap_or(&empty);
        let alternates = self
            .site
            .languages
            .iter()
            .map(|l| Alternate {
                lang: l.code.clone(),
                dir: l.dir.as_str(),
                name: self.string(l, "language_name"),
                href: format!("{root}{}", path_in(l)),
                current: l.code == lang.code,
            })
            .collect();
        let common = Common {
            lang: &lang.code,
            dir: lang.dir.as_str(),
            root: root.clone(),
            site_title: pick(&self.site.config.title, lang, &self.site.languages).text,
            t,
            alternates,
            stylesheet: self.stylesheet,
        };
        let mut ctx = match tera::Context::from_serialize(&common) {
            Ok(c) => c,
            Err(e) => {
                diags.push(Diagnostic::error(path, 0, 0, theme::error_chain(&e)));
                return;
            }
        };
        fill(&mut ctx);
        match self.theme.tera.render(template, &ctx) {
            Ok(html) => {
                out.insert(path.to_string(), html.into_bytes());
            }
            Err(e) => diags.push(
                Diagnostic::error(
                    format!("templates/{template}"),
                    0,
                    0,
                    format!("rendering {path}: {}", theme::error_chain(&e)),
                )
                .with_hint("fix the template; the previous site is left as it was"),
            ),
        }
    }

    fn article_card(&self, a: &Article, lang: &Language, from: &str) -> serde_json::Value {
        serde_json::json!({
            "href": format!("{}{}/articles/{}/index.html", root_of(from), lang.code, a.slug),
            "title": pick(&a.meta.title, lang, &self.site.languages),
            "date": a.date.to_string(),
        })
    }

    fn article_view(&self, a: &Article, lang: &Language) -> serde_json::Value {
        let langs = &self.site.languages;
        let paragraphs: Vec<&str> = a.seed_text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        let original_lang = Language { code: "ar".into(), dir: Dir::Rtl };
        serde_json::json!({
            "title": pick(&a.meta.title, lang, langs),
            "date": a.date.to_string(),
            "summary": pick_md(&a.meta.summary, lang, langs),
            "original": {"lang": original_lang.code, "dir": original_lang.dir.as_str(), "paragraphs": paragraphs},
        })
    }
}
