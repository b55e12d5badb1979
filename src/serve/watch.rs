//! What a burst of file-system events means for the site: a pure function
//! from changed paths to a classified [`ChangeSet`].
//!
//! Editors save in many ways (write in place, write a temp file then rename
//! it over the original, keep a backup, touch a lock file), so one save is
//! several events on several paths. Classification looks only at the paths:
//! temp and backup files are dropped, the rest are named by what they are in
//! the project. Whether a file was created, changed or removed does not
//! matter here: the rebuild reads the project as it is now.

use std::collections::BTreeSet;
use std::path::Path;

/// One input of the site that changed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// `content/site.yaml`.
    Config,
    /// `content/articles/<slug>.yaml`.
    Article(String),
    /// `content/topics/<slug>.yaml`.
    Topic(String),
    /// `content/entities/<slug>.yaml`.
    Entity(String),
    /// `content/pages/<slug>.<lang>.md`.
    Page(String),
    /// `seeds/<name>`.
    Seed(String),
    /// `themes/<name>/templates/…`.
    Template(String),
    /// `themes/<name>/i18n/<lang>.yaml`.
    Strings(String),
    /// A stylesheet under `themes/<name>/static/`.
    Style(String),
    /// Any other file under `themes/<name>/static/`.
    Static(String),
    /// Something else under `content/`, `seeds/` or `themes/` (a folder, an unknown file).
    Other(String),
}

/// The changes of one burst of events, deduplicated and sorted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ChangeSet(pub BTreeSet<Change>);

impl ChangeSet {
    /// True when nothing the site is built from changed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// True when only stylesheets changed: open pages can swap them without reloading.
    pub fn is_style_only(&self) -> bool {
        !self.0.is_empty() && self.0.iter().all(|c| matches!(c, Change::Style(_)))
    }
}

/// Names what a changed path under the project `root` is. `None`: not an input of the site.
pub fn classify_path(root: &Path, path: &Path) -> Option<Change> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    let name = parts.last()?;
    let hidden_folder = parts[..parts.len() - 1].iter().any(|p| p.starts_with('.'));
    // A changed file named only by digits is vim's write test (4913, 5036, …); the
    // loader cannot say so of every such name, since folders may be years.
    let vim_probe = name.chars().all(|c| c.is_ascii_digit());
    if crate::load::is_ignored(std::ffi::OsStr::new(name)) || vim_probe || hidden_folder {
        return None;
    }
    let stem = |exts: &[&str]| exts.iter().find_map(|e| name.strip_suffix(e)).map(str::to_string);
    let joined = parts.join("/");
    let change = match parts.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["content", "site.yaml"] => Change::Config,
        ["content", "articles", .., _] => stem(&[".yaml", ".yml"]).map_or(Change::Other(joined), Change::Article),
        ["content", "topics", .., _] => stem(&[".yaml", ".yml"]).map_or(Change::Other(joined), Change::Topic),
        ["content", "entities", .., _] => stem(&[".yaml", ".yml"]).map_or(Change::Other(joined), Change::Entity),
        ["content", "pages", .., _] => match name.strip_suffix(".md").and_then(|s| s.rsplit_once('.')) {
            Some((slug, _lang)) => Change::Page(slug.to_string()),
            None => Change::Other(joined),
        },
        ["content", ..] => Change::Other(joined),
        ["seeds", .., _] => Change::Seed(parts[1..].join("/")),
        ["themes", _, "templates", rest @ ..] if !rest.is_empty() => Change::Template(rest.join("/")),
        ["themes", _, "i18n", lang] => Change::Strings(lang.trim_end_matches(".yaml").to_string()),
        ["themes", _, "static", rest @ ..] if name.ends_with(".css") && !rest.is_empty() => {
            Change::Style(rest.join("/"))
        }
        ["themes", _, "static", rest @ ..] if !rest.is_empty() => Change::Static(rest.join("/")),
        ["themes", ..] => Change::Other(joined),
        _ => return None,
    };
    Some(change)
}

/// Classifies every path of a burst of events.
pub fn classify<'p>(root: &Path, paths: impl IntoIterator<Item = &'p Path>) -> ChangeSet {
    ChangeSet(paths.into_iter().filter_map(|p| classify_path(root, p)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn set(paths: &[&str]) -> ChangeSet {
        let root = Path::new("/p");
        let full: Vec<PathBuf> = paths.iter().map(|p| root.join(p)).collect();
        classify(root, full.iter().map(PathBuf::as_path))
    }

    fn of(changes: &[Change]) -> ChangeSet {
        ChangeSet(changes.iter().cloned().collect())
    }

    #[test]
    fn names_every_kind_of_input() {
        assert_eq!(set(&["content/site.yaml"]), of(&[Change::Config]));
        assert_eq!(set(&["content/articles/a-b.yaml"]), of(&[Change::Article("a-b".into())]));
        assert_eq!(set(&["content/articles/2025/a.yml"]), of(&[Change::Article("a".into())]));
        assert_eq!(set(&["content/topics/t.yaml"]), of(&[Change::Topic("t".into())]));
        assert_eq!(set(&["content/entities/e.yaml"]), of(&[Change::Entity("e".into())]));
        assert_eq!(set(&["content/pages/about.ar.md"]), of(&[Change::Page("about".into())]));
        assert_eq!(set(&["seeds/001_x.txt"]), of(&[Change::Seed("001_x.txt".into())]));
        assert_eq!(
            set(&["themes/default/templates/partials/card.html"]),
            of(&[Change::Template("partials/card.html".into())])
        );
        assert_eq!(set(&["themes/default/i18n/en.yaml"]), of(&[Change::Strings("en".into())]));
        assert_eq!(set(&["themes/default/static/style.css"]), of(&[Change::Style("style.css".into())]));
        assert_eq!(set(&["themes/default/static/logo.svg"]), of(&[Change::Static("logo.svg".into())]));
    }

    #[test]
    fn ignores_output_and_outside_paths() {
        assert!(set(&["site/en/index.html", "target/x", "README.md"]).is_empty());
        // The ingestion cache (src/cache), written while serving, would otherwise trigger a rebuild.
        assert!(set(&[".nashra/cache/ingest", ".nashra/cache/.ingest.123.tmp"]).is_empty());
        let outside = classify(Path::new("/p"), [Path::new("/elsewhere/content/site.yaml")]);
        assert!(outside.is_empty());
    }

    #[test]
    fn vim_save_is_one_change() {
        // vim: probe file 4913, rename the original to a backup, write anew, delete the backup.
        let burst = set(&[
            "content/articles/a.yaml",
            "content/articles/4913",
            "content/articles/4913",
            "content/articles/a.yaml~",
            "content/articles/a.yaml",
            "content/articles/.a.yaml.swp",
            "content/articles/a.yaml~",
        ]);
        assert_eq!(burst, of(&[Change::Article("a".into())]));
    }

    #[test]
    fn temp_then_rename_saves_are_one_change() {
        // JetBrains, gedit, Emacs and atomic writers: a temp file renamed over the original.
        let burst = set(&[
            "content/topics/t.yaml___jb_tmp___",
            "content/topics/t.yaml___jb_old___",
            "content/topics/.goutputstream-X1Y2",
            "content/topics/#t.yaml#",
            "content/topics/.#t.yaml",
            "content/topics/t.yaml.tmp",
            "content/topics/t.yaml",
        ]);
        assert_eq!(burst, of(&[Change::Topic("t".into())]));
    }

    #[test]
    fn style_only_is_told_apart() {
        assert!(set(&["themes/default/static/style.css", "themes/default/static/.style.css.swp"]).is_style_only());
        assert!(!set(&["themes/default/static/style.css", "content/site.yaml"]).is_style_only());
        assert!(!set(&[]).is_style_only());
    }
}
