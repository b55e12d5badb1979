//! Markdown → HTML for summaries, descriptions and pages.
//!
//! Content is untrusted: raw HTML in Markdown is shown as text, never passed
//! through, and only relative or http(s)/mailto links survive. Text runs in
//! the other direction's script are isolated (see `html::isolate`).

use super::html::isolate;
use crate::model::Dir;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, html};

/// Renders CommonMark (plus tables and strikethrough) to safe HTML for a text in direction `dir`.
pub fn to_html(md: &str, dir: Dir) -> String {
    let parser = Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) | Event::Text(raw) => Event::InlineHtml(isolate(&raw, dir).into()),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Link { link_type, dest_url: safe_url(dest_url), title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Image { link_type, dest_url: safe_url(dest_url), title, id })
        }
        e => e,
    });
    let mut out = String::with_capacity(md.len() * 2);
    html::push_html(&mut out, parser);
    out
}

/// Renders Markdown that must stay inline (a key point, a label): no `<p>`.
pub fn to_inline_html(md: &str, dir: Dir) -> String {
    let html = to_html(md, dir);
    let trimmed = html.trim_end();
    match trimmed.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => html,
    }
}

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    let scheme = lower.split_once(':').map(|(s, _)| s).filter(|s| !s.contains('/'));
    match scheme {
        None | Some("http" | "https" | "mailto") => url,
        Some(_) => CowStr::Borrowed("#"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_escaped() {
        let html = to_html("hi <script>alert(1)</script> **b**", Dir::Ltr);
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("<strong>b</strong>"));
    }

    #[test]
    fn foreign_runs_are_isolated() {
        assert_eq!(
            to_inline_html("قالت **CENTCOM** اليوم", Dir::Rtl),
            "قالت <strong><bdi>CENTCOM</bdi></strong> اليوم"
        );
    }

    #[test]
    fn script_urls_are_dropped() {
        assert!(!to_html("[x](javascript:alert(1))", Dir::Ltr).contains("javascript"));
        assert!(to_html("[x](https://a.b/)", Dir::Ltr).contains("https://a.b/"));
        assert_eq!(to_inline_html("a *b*", Dir::Ltr), "a <em>b</em>");
    }
}
