//! Themes: Tera templates, static files and interface strings.
//!
//! The default theme is compiled into the binary, so a project needs no
//! `themes/` folder at all. A project's `themes/<name>/` adds to it and
//! overrides it file by file: copy one template, change it, and the rest
//! still comes from the default.

use crate::diag::Diagnostic;
use include_dir::{Dir, include_dir};
use std::collections::BTreeMap;
use std::path::Path;

/// The default theme, as shipped in the binary.
pub static DEFAULT_THEME: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A theme ready to render with.
pub struct Theme {
    /// Compiled templates.
    pub tera: tera::Tera,
    /// Interface strings per language code.
    pub strings: BTreeMap<String, BTreeMap<String, String>>,
    /// Files under `static/`, by path relative to it.
    pub statics: BTreeMap<String, Vec<u8>>,
}

/// Every file of a theme, by path relative to the theme folder.
pub type ThemeFiles = BTreeMap<String, (String, Vec<u8>)>;

/// Collects the theme's files: the embedded default, then the project's
/// `themes/<name>/` on top. Values are (path for diagnostics, bytes).
pub fn theme_files(root: &Path, name: &str) -> Result<ThemeFiles, Diagnostic> {
    let mut files = ThemeFiles::new();
    if name == "default" {
        collect_embedded(&DEFAULT_THEME, &mut files);
    }
    let dir = root.join("themes").join(name);
    if !dir.is_dir() && name != "default" {
        return Err(Diagnostic::error("content/site.yaml", 0, 0, format!("theme '{name}' not found in themes/"))
            .with_hint("create themes/<name>/ or use theme: default"));
    }
    for entry in walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !crate::load::is_ignored(e.file_name()))
    {
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        let key = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        let shown = format!("themes/{name}/{key}");
        let bytes =
            std::fs::read(entry.path()).map_err(|e| Diagnostic::error(&shown, 0, 0, format!("cannot read: {e}")))?;
        files.insert(key, (shown, bytes));
    }
    Ok(files)
}

fn collect_embedded(dir: &Dir<'_>, files: &mut ThemeFiles) {
    for file in dir.files() {
        let key = file.path().to_string_lossy().replace('\\', "/");
        files.insert(key.clone(), (format!("themes/default/{key} (built in)"), file.contents().to_vec()));
    }
    for sub in dir.dirs() {
        collect_embedded(sub, files);
    }
}

impl Theme {
    /// Compiles templates and parses interface strings.
    pub fn new(files: &ThemeFiles) -> Result<Theme, Vec<Diagnostic>> {
        let mut diags = Vec::new();
        let mut templates = Vec::new();
        let mut strings = BTreeMap::new();
        let mut statics = BTreeMap::new();
        for (key, (shown, bytes)) in files {
            let text =
                || String::from_utf8(bytes.clone()).map_err(|_| Diagnostic::error(shown, 0, 0, "not valid UTF-8"));
            if let Some(name) = key.strip_prefix("templates/") {
                match text() {
                    Ok(t) => templates.push((name.to_string(), t)),
                    Err(d) => diags.push(d),
                }
            } else if let Some(lang) = key.strip_prefix("i18n/").and_then(|k| k.strip_suffix(".yaml")) {
                match text().and_then(|t| {
                    serde_yaml::from_str::<BTreeMap<String, String>>(&t).map_err(|e| yaml_diag(shown, &e))
                }) {
                    Ok(map) => {
                        strings.insert(lang.to_string(), map);
                    }
                    Err(d) => diags.push(d),
                }
            } else if let Some(path) = key.strip_prefix("static/") {
                statics.insert(path.to_string(), bytes.clone());
            }
        }
        inline_partials(&mut templates);
        let mut tera = tera::Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(super::values::escape_html); // same bytes, written in runs
        if let Err(e) = tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str()))) {
            diags.push(
                Diagnostic::error("themes", 0, 0, format!("template error: {}", error_chain(&e)))
                    .with_hint("fix the template named in the message"),
            );
        }
        if diags.is_empty() { Ok(Theme { tera, strings, statics }) } else { Err(diags) }
    }
}

/// The partials shown for every piece of text: about 15 per article page.
const INLINED: [&str; 2] = ["partials/text.html", "partials/block_text.html"];

/// Copies the built-in text partials into the built-in templates that
/// include them, as long as the theme has not changed the partial. An
/// `include` costs Tera a template lookup and a new scope for the variables
/// (~700 instructions; 2 % of a build's, ~147,000 includes at 1,000
/// articles); the copy renders the same bytes, as the partials set no
/// variable and include nothing. A
/// template the project changed is compiled as written, so its errors point
/// into its own lines; a partial the project changed is included everywhere.
fn inline_partials(templates: &mut [(String, String)]) {
    let built_in = |name: &str, text: &str| {
        DEFAULT_THEME.get_file(format!("templates/{name}")).is_some_and(|f| f.contents() == text.as_bytes())
    };
    let partials: Vec<(String, String)> = INLINED
        .iter()
        .filter_map(|partial| templates.iter().find(|(name, text)| name == partial && built_in(name, text)))
        .map(|(name, text)| (format!("{{% include \"{name}\" %}}"), text.clone()))
        .collect();
    for (_, text) in templates.iter_mut().filter(|(name, text)| built_in(name, text)) {
        for (tag, partial) in &partials {
            if text.contains(tag.as_str()) {
                *text = text.replace(tag.as_str(), partial);
            }
        }
    }
}

fn yaml_diag(shown: &str, e: &serde_yaml::Error) -> Diagnostic {
    let (line, col) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
    Diagnostic::error(shown, line, col, format!("interface strings: {e}")).with_hint("each line is `key: \"text\"`")
}

/// The error and all its causes, on one line.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "{% include \"partials/text.html\" %}";
    const BLOCK: &str = "{% include \"partials/block_text.html\" %}";

    /// The default theme's templates, by name.
    fn default_templates() -> Vec<(String, String)> {
        let files = theme_files(Path::new("/no/such/project"), "default").unwrap();
        let template = |(key, (_, bytes)): (String, (String, Vec<u8>))| {
            Some((key.strip_prefix("templates/")?.to_string(), String::from_utf8(bytes).unwrap()))
        };
        files.into_iter().filter_map(template).collect()
    }

    fn get<'t>(templates: &'t [(String, String)], name: &str) -> &'t str {
        &templates.iter().find(|(n, _)| n == name).unwrap().1
    }

    #[test]
    fn built_in_templates_get_the_built_in_text_partials_copied_in() {
        let mut templates = default_templates();
        assert!(get(&templates, "article.html").contains(TEXT) && get(&templates, "article.html").contains(BLOCK));
        assert!(get(&templates, "partials/card.html").contains(TEXT));
        // A project's own article page: the built-in one and a comment.
        let mine = format!("{}{{# mine #}}", get(&templates, "article.html"));
        templates.iter_mut().find(|(n, _)| n == "article.html").unwrap().1 = mine.clone();
        inline_partials(&mut templates);
        for (name, text) in &templates {
            if name != "article.html" {
                assert!(!text.contains(TEXT) && !text.contains(BLOCK), "{name} still includes a text partial");
            }
        }
        assert_eq!(get(&templates, "article.html"), mine, "a project's template is compiled as written");
        let card = get(&templates, "partials/card.html");
        assert!(card.contains(get(&templates, "partials/text.html")), "{card}");
    }

    #[test]
    fn a_changed_text_partial_is_included_where_it_was() {
        let mut templates = default_templates();
        let mine = "{% set shown = text.html %}<b>{{ shown }}</b>";
        templates.iter_mut().find(|(n, _)| n == "partials/text.html").unwrap().1 = mine.into();
        let before = templates.clone();
        inline_partials(&mut templates);
        for ((name, text), (_, was)) in templates.iter().zip(&before) {
            assert_eq!(text.contains(TEXT), was.contains(TEXT), "{name}");
            assert!(name == "partials/text.html" || !text.contains(mine), "{name}");
            assert!(!text.contains(BLOCK), "{name}: the built-in block partial is copied in still");
        }
    }
}
