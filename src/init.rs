//! `nashra init`: a new briefing project that passes `check` and `build` at once.
//!
//! Writes `content/site.yaml`, the empty content folders, `seeds/` and a
//! `.gitignore`. The default theme stays in the binary unless the user asks
//! for a copy to edit. Refuses a folder that holds anything: nothing a person
//! made is ever overwritten.

use crate::add::yaml::quoted;
use crate::render::theme::DEFAULT_THEME;
use std::path::{Path, PathBuf};

/// What `nashra init` was asked for.
pub struct InitOptions {
    /// Language codes, the first is the default.
    pub languages: Vec<String>,
    /// Title in the first language.
    pub title: Option<String>,
    /// Copy the default theme into `themes/default/` for editing.
    pub eject_theme: bool,
}

/// Why `init` refused or failed: a message and what to do.
#[derive(Debug)]
pub struct InitError {
    /// What went wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

fn error(message: impl Into<String>, hint: Option<&str>) -> InitError {
    InitError { message: message.into(), hint: hint.map(str::to_string) }
}

/// Creates the project in `dir` (made if missing). Returns the files written,
/// relative to `dir`.
pub fn init(dir: &Path, options: &InitOptions) -> Result<Vec<String>, InitError> {
    if options.languages.is_empty() || options.languages.iter().any(|l| !is_language_code(l)) {
        return Err(error(
            format!("invalid --languages '{}'", options.languages.join(",")),
            Some("list language codes separated by commas, e.g. --languages ar,en"),
        ));
    }
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if let Some(first) = entries.next() {
                let name = first.map(|e| e.file_name().to_string_lossy().into_owned()).unwrap_or_default();
                return Err(error(
                    format!("{} is not empty (it holds {name}); nothing was written", dir.display()),
                    Some("choose a new or empty folder: nashra init NEW-FOLDER"),
                ));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(error(format!("cannot read {}: {e}", dir.display()), None)),
    }
    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![
        ("content/site.yaml".into(), site_yaml(dir, options).into_bytes()),
        (".gitignore".into(), GITIGNORE.as_bytes().to_vec()),
    ];
    for folder in ["content/articles", "content/topics", "content/entities", "content/pages", "seeds"] {
        // Git keeps no empty folders; the loader ignores dot files.
        files.push((Path::new(folder).join(".gitkeep"), Vec::new()));
    }
    if options.eject_theme {
        collect_theme(&DEFAULT_THEME, &mut files);
    }
    let mut written = Vec::new();
    for (rel, bytes) in &files {
        let path = dir.join(rel);
        let parent = path.parent().unwrap_or(dir);
        std::fs::create_dir_all(parent)
            .and_then(|_| std::fs::write(&path, bytes))
            .map_err(|e| error(format!("cannot write {}: {e}", path.display()), Some("check permissions")))?;
        written.push(rel.to_string_lossy().replace('\\', "/"));
    }
    Ok(written)
}

const GITIGNORE: &str = "\
# Build output is generated; editions under site/snapshots/ are the archive of record.
/site/*
!/site/snapshots/
/.site.*
# What nashra remembers between runs (what it read out of each seed); safe to delete.
/.nashra/
";

/// Titles for a new briefing in the languages we can write them in.
fn default_title(code: &str) -> Option<&'static str> {
    match code {
        "ar" => Some("نشرة جديدة"),
        "en" => Some("New briefing"),
        _ => None,
    }
}

fn site_yaml(dir: &Path, options: &InitOptions) -> String {
    let folder = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "briefing".into());
    let mut out = String::from("# Site settings: see docs/CONTENT-FORMAT.md (content/site.yaml).\ntitle:\n");
    for (i, code) in options.languages.iter().enumerate() {
        let title = match (&options.title, i) {
            (Some(t), 0) => Some(t.clone()),
            (Some(_), _) => None, // the given title is in the first language: translate it here
            (None, _) => Some(default_title(code).map(str::to_string).unwrap_or_else(|| folder.clone())),
        };
        if let Some(title) = title {
            out.push_str(&format!("  {code}: {}\n", quoted(&title)));
        }
    }
    out.push_str(&format!("languages: [{}]   # the first is the default\n", options.languages.join(", ")));
    out.push_str("# base_url: \"https://example.org/briefing/\"   # optional: feeds, sitemap, canonical links\n");
    out.push_str("theme: default\n");
    out
}

fn is_language_code(code: &str) -> bool {
    code.len() >= 2
        && code.split('-').enumerate().all(|(n, part)| {
            !part.is_empty()
                && part.chars().all(|c| c.is_ascii_alphanumeric())
                && (n > 0 || part.chars().all(|c| c.is_ascii_lowercase()))
        })
}

fn collect_theme(dir: &include_dir::Dir<'_>, files: &mut Vec<(PathBuf, Vec<u8>)>) {
    for file in dir.files() {
        files.push((Path::new("themes/default").join(file.path()), file.contents().to_vec()));
    }
    for sub in dir.dirs() {
        collect_theme(sub, files);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_yaml_puts_the_title_in_the_first_language() {
        let opts = InitOptions {
            languages: vec!["en".into(), "ar".into()],
            title: Some("A \"B\"".into()),
            eject_theme: false,
        };
        let yaml = site_yaml(Path::new("x"), &opts);
        let site: crate::model::SiteConfig = serde_yaml::from_str(&yaml).unwrap();
        assert_eq!(site.title.get("en").map(String::as_str), Some("A \"B\""));
        assert!(!site.title.contains_key("ar"));
        assert_eq!(site.languages.len(), 2);
    }

    #[test]
    fn language_codes() {
        assert!(is_language_code("ar") && is_language_code("pt-BR"));
        assert!(!is_language_code("AR") && !is_language_code("a") && !is_language_code("ar,en"));
    }
}
