//! Answering one HTTP request from the rendered site in memory.
//!
//! Only what the build produced can be served: a URL is decoded into a site
//! path and looked up in the [`Output`] map. No file system is touched, so
//! `../`, `%2e%2e`, encoded slashes, absolute paths and symlinks cannot reach
//! anything outside the site: they are just keys that are not in the map.

use crate::output::Output;
use std::sync::Arc;

/// What requests are answered from: the files of one build.
pub trait Files {
    /// The bytes at a site path, or `None` when the build has no such file.
    fn file(&self, path: &str) -> Option<Arc<Vec<u8>>>;
    /// Whether the build has a file at `path` (without rendering it).
    fn has(&self, path: &str) -> bool;
}

impl Files for Output {
    fn file(&self, path: &str) -> Option<Arc<Vec<u8>>> {
        self.get(path).map(|b| Arc::new(b.clone()))
    }

    fn has(&self, path: &str) -> bool {
        self.contains_key(path)
    }
}

/// Where open tabs subscribe to rebuild events.
pub const EVENTS: &str = "/__nashra/events";

/// What to send back for one request.
#[derive(Debug, PartialEq, Eq)]
pub struct Answer {
    /// HTTP status code.
    pub status: u16,
    /// `Content-Type` header.
    pub content_type: &'static str,
    /// Extra headers: (name, value).
    pub headers: Vec<(&'static str, String)>,
    /// Body (for HEAD, tiny_http sends the headers only).
    pub body: Vec<u8>,
}

/// What a request asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// The live-reload event stream.
    Events,
    /// Anything else: answered from the site.
    Site(Answer),
}

/// The `Content-Type` of a site path, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Percent-decodes a URL path; `None` when it is not valid UTF-8 afterwards.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The site path a request URL names (`/en/` → `en/index.html`), or `None`
/// when it cannot name a page (`..`, backslashes, NUL, invalid encoding).
pub fn site_path(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path)?;
    let rel = decoded.strip_prefix('/')?;
    if rel.contains(['\\', '\0']) || rel.split('/').any(|seg| seg == ".." || seg == ".") || rel.contains("//") {
        return None;
    }
    if rel.is_empty() || rel.ends_with('/') { Some(format!("{rel}index.html")) } else { Some(rel.to_string()) }
}

/// The page a tab subscribing to the event stream shows: the `page` query
/// parameter (a URL path, as `location.pathname`) as a site path.
pub fn events_page(url: &str) -> Option<String> {
    let query = url.split_once('?')?.1.split('#').next()?;
    let value = query.split('&').find_map(|kv| kv.strip_prefix("page="))?;
    site_path(&percent_decode(value)?)
}

/// Answers a request from `output`; `script` is put into every HTML page before `</body>`.
pub fn route(output: &dyn Files, method: &str, url: &str, script: &str) -> Route {
    if method != "GET" && method != "HEAD" {
        return Route::Site(Answer {
            status: 405,
            content_type: "text/plain; charset=utf-8",
            headers: vec![("Allow", "GET, HEAD".into())],
            body: b"405 method not allowed: this server only reads\n".to_vec(),
        });
    }
    if url.split('?').next() == Some(EVENTS) {
        return Route::Events;
    }
    let found = site_path(url).and_then(|p| output.file(&p).map(|bytes| (p, bytes)));
    if let Some((path, bytes)) = found {
        let content_type = content_type(&path);
        let body = if path.ends_with(".html") { inject(&bytes, script) } else { Arc::unwrap_or_clone(bytes) };
        return Route::Site(Answer { status: 200, content_type, headers: no_cache(), body });
    }
    // `/en/articles` names a folder: send the browser to `/en/articles/` so relative links resolve.
    if let Some(path) = site_path(url).filter(|p| !p.ends_with(".html"))
        && output.has(&format!("{path}/index.html"))
    {
        let location = format!("{}/", url.split('?').next().unwrap_or(url));
        let mut headers = no_cache();
        headers.push(("Location", location));
        return Route::Site(Answer { status: 301, content_type: "text/plain; charset=utf-8", headers, body: vec![] });
    }
    let body = match output.file("404.html") {
        Some(page) => inject(&rebase_404(&page, url), script),
        None => inject(
            b"<!DOCTYPE html><html lang=\"en\"><head><title>404</title></head><body><p>404 not found</p></body></html>",
            script,
        ),
    };
    Route::Site(Answer { status: 404, content_type: "text/html; charset=utf-8", headers: no_cache(), body })
}

fn no_cache() -> Vec<(&'static str, String)> {
    vec![("Cache-Control", "no-store".into())]
}

/// The 404 page's links are relative to the site root; served at a deeper
/// URL, they need a `<base>` pointing back at the root.
fn rebase_404(page: &[u8], url: &str) -> Vec<u8> {
    let depth = url.split('?').next().unwrap_or("").trim_start_matches('/').matches('/').count();
    if depth == 0 {
        return page.to_vec();
    }
    let base = format!("<base href=\"{}\">", "../".repeat(depth));
    let text = String::from_utf8_lossy(page);
    match text.find("<head>") {
        Some(at) => format!("{}{base}{}", &text[..at + 6], &text[at + 6..]).into_bytes(),
        None => page.to_vec(),
    }
}

/// Puts `script` before the last `</body>` of an HTML page (or at its end).
pub fn inject(html: &[u8], script: &str) -> Vec<u8> {
    let at = html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Output {
        [
            ("index.html", "<html><body>home</body></html>"),
            ("404.html", "<html><head></head><body>missing</body></html>"),
            ("en/index.html", "<body>en</body>"),
            ("assets/style.abc.css", "body{}"),
        ]
        .iter()
        .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
        .collect()
    }

    fn answer(method: &str, url: &str) -> Answer {
        match route(&site(), method, url, "<script>S</script>") {
            Route::Site(a) => a,
            Route::Events => panic!("not the event stream"),
        }
    }

    #[test]
    fn serves_pages_with_the_script_and_assets_without() {
        let a = answer("GET", "/en/");
        assert_eq!((a.status, a.content_type), (200, "text/html; charset=utf-8"));
        assert_eq!(a.body, b"<body>en<script>S</script></body>");
        let css = answer("GET", "/assets/style.abc.css?v=1");
        assert_eq!(
            (css.status, css.content_type, css.body.as_slice()),
            (200, "text/css; charset=utf-8", &b"body{}"[..])
        );
        assert_eq!(answer("GET", "/").body, b"<html><body>home<script>S</script></body></html>");
    }

    #[test]
    fn nothing_outside_the_site_is_reachable() {
        for url in [
            "/../Cargo.toml",
            "/en/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/en%2f..%2f..%2fetc%2fpasswd",
            "//etc/passwd",
            "/..\\..\\etc\\passwd",
            "/etc/passwd",
            "/%00",
            "/%ff",
        ] {
            let a = answer("GET", url);
            assert_eq!(a.status, 404, "{url}");
            assert!(String::from_utf8_lossy(&a.body).contains("missing"), "{url} gets the theme's 404 page");
        }
        assert_eq!(site_path("/en/%2e%2e/x"), None);
        assert_eq!(site_path("/en/a%20b.html"), Some("en/a b.html".into()));
    }

    #[test]
    fn only_reads_are_allowed() {
        for method in ["POST", "PUT", "DELETE", "PATCH"] {
            let a = answer(method, "/en/");
            assert_eq!(a.status, 405);
            assert!(a.headers.contains(&("Allow", "GET, HEAD".to_string())));
        }
        assert_eq!(answer("HEAD", "/en/").status, 200);
        assert_eq!(route(&site(), "GET", "/__nashra/events", ""), Route::Events);
    }

    #[test]
    fn tabs_name_their_page_when_subscribing() {
        assert_eq!(
            events_page("/__nashra/events?page=%2Fen%2Farticles%2Fx%2F"),
            Some("en/articles/x/index.html".into())
        );
        assert_eq!(events_page("/__nashra/events?x=1&page=/ar/"), Some("ar/index.html".into()));
        assert_eq!(events_page("/__nashra/events?page=%2F..%2Fetc"), None);
        assert_eq!(events_page("/__nashra/events"), None);
    }

    #[test]
    fn folders_redirect_to_their_slash_form() {
        let a = answer("GET", "/en");
        assert_eq!(a.status, 301);
        assert!(a.headers.contains(&("Location", "/en/".to_string())));
    }

    #[test]
    fn the_404_page_links_back_to_the_root_from_any_depth() {
        let a = answer("GET", "/en/articles/gone/");
        assert!(String::from_utf8_lossy(&a.body).contains("<head><base href=\"../../../\">"));
    }

    #[test]
    fn content_types() {
        for (p, t) in [
            ("a.json", "application/json"),
            ("a.xml", "application/xml; charset=utf-8"),
            ("a.svg", "image/svg+xml"),
            ("a.png", "image/png"),
            ("a.woff2", "font/woff2"),
            ("a.js", "text/javascript; charset=utf-8"),
        ] {
            assert_eq!(content_type(p), t);
        }
    }
}
