//! Atom feeds per language and the sitemap with hreflang alternates.
//!
//! No wall-clock time: a feed is as new as its newest article, so two builds
//! of the same input are byte-identical.

use super::html::escape;
use super::{PageSpec, Renderer};
use crate::model::Language;

/// Absolute URL when `base_url` is set, else the site-relative path.
fn url(r: &Renderer, site_path: &str) -> String {
    match &r.site.config.base_url {
        Some(base) => format!("{}/{site_path}", base.trim_end_matches('/')),
        None => site_path.to_string(),
    }
}

fn timestamp(d: &crate::model::PartialDate) -> String {
    format!("{:04}-{:02}-{:02}T00:00:00Z", d.year, d.month.unwrap_or(1), d.day.unwrap_or(1))
}

/// `<lang>/feed.xml`: the articles, newest first. Links are relative to the feed when there is no base URL.
pub fn atom(r: &Renderer, lang: &Language) -> String {
    let site = r.site;
    let rel = |p: &str| match &site.config.base_url {
        Some(_) => url(r, p),
        None => p.strip_prefix(&format!("{}/", lang.code)).unwrap_or(p).to_string(),
    };
    let updated = site.articles.first().map(|a| timestamp(&a.date)).unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n", lang.code));
    out.push_str(&format!("<title>{}</title>\n", escape(&r.plain(&site.config.title, lang))));
    out.push_str(&format!("<id>{}</id>\n", escape(&url(r, &format!("{}/feed.xml", lang.code)))));
    out.push_str(&format!("<updated>{updated}</updated>\n"));
    out.push_str(&format!(
        "<link rel=\"alternate\" href=\"{}\"/>\n",
        escape(&rel(&format!("{}/index.html", lang.code)))
    ));
    for a in &site.articles {
        let page = format!("{}/articles/{}/index.html", lang.code, a.slug);
        out.push_str("<entry>\n");
        out.push_str(&format!("<title>{}</title>\n", escape(&r.plain(&a.meta.title, lang))));
        out.push_str(&format!("<id>{}</id>\n", escape(&url(r, &page))));
        out.push_str(&format!("<link rel=\"alternate\" href=\"{}\"/>\n", escape(&rel(&page))));
        out.push_str(&format!("<updated>{}</updated>\n", timestamp(&a.date)));
        if let Some(source) = &a.meta.source {
            out.push_str(&format!("<author><name>{}</name></author>\n", escape(&r.plain(&source.name, lang))));
        } else {
            out.push_str("<author><name>unknown</name></author>\n");
        }
        let summary = super::markdown::to_html(&r.plain(&a.meta.summary, lang), lang.dir);
        out.push_str(&format!("<summary type=\"html\">{}</summary>\n", escape(&summary)));
        out.push_str("</entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// `sitemap.xml` with every HTML page and its language alternates.
pub fn sitemap(r: &Renderer, pages: &[PageSpec]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(
        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for page in pages.iter().filter(|p| p.path != "404.html") {
        out.push_str(&format!("<url><loc>{}</loc>", escape(&url(r, &page.path))));
        for (l, p) in &page.alternates {
            out.push_str(&format!(
                "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                l.code,
                escape(&url(r, p))
            ));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}
