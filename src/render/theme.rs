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
