//! Loading: read `content/` and the seeds it names into the typed model.
//!
//! Loading never stops at the first problem: every file is read and every
//! problem becomes a [`Diagnostic`], so `nashra check` reports them all in one
//! run. A file that cannot be parsed is left out of the [`Project`] and its
//! slug remembered, so references to it do not cause a second, misleading
//! "unknown slug" error.

pub mod locate;
mod read;

use crate::diag::{Diagnostic, did_you_mean};
use crate::model::{ArticleFile, EntityFile, Language, PageFrontMatter, SiteConfig, TopicFile};
use locate::Locator;
use read::read_file;
pub use read::{Folder, map_in_order};
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use walkdir::WalkDir;

/// A parsed content file with what diagnostics need to point into it.
#[derive(Debug)]
pub struct Loaded<T> {
    /// File name without extension: the cross-reference key.
    pub slug: String,
    /// Path relative to the project root, `/`-separated.
    pub path: String,
    /// The parsed value (shared with the load cache while the file is unchanged).
    pub value: Arc<T>,
    /// Positions of values in the file's text.
    pub locator: Locator,
}

/// A free page in one language: `content/pages/<slug>.<lang>.md`.
#[derive(Debug, Clone)]
pub struct PageFile {
    /// Language code from the file name.
    pub lang: String,
    /// Front matter.
    pub front: PageFrontMatter,
    /// Markdown body after the front matter.
    pub body: String,
}

/// A raw source article, decoded.
#[derive(Debug, Clone)]
pub struct Seed {
    /// Text with any byte-order mark removed; line ends as in the file.
    /// Shared: `serve`'s load cache hands the same text to every rebuild
    /// instead of copying every seed each time. Empty once taken by a run
    /// that ingests each seed once ([`Seed::take_text`]).
    pub text: Arc<String>,
    /// A hash of the text (what ingestion results are keyed on).
    pub hash: u64,
    /// How many lines the text has (what `lines:` ranges are checked against).
    pub lines: usize,
}

impl Seed {
    fn new(text: String) -> Seed {
        Seed { hash: text_hash(&text), lines: crate::ingest::line_count(&text), text: Arc::new(text) }
    }

    /// Takes the text out, leaving the hash and line count (all validation
    /// reads): a run that ingests each seed once frees each text as soon as
    /// its articles are ingested, for the memory they need next.
    pub fn take_text(&mut self) -> Arc<String> {
        std::mem::take(&mut self.text)
    }
}

/// What one load leaves for the next (`serve` keeps it across rebuilds): every
/// content file and seed as read and parsed, by path, with the stamp of the
/// file it came from (size, modification and change times, inode). A file
/// whose stamp is unchanged is not read again, unless it was modified less
/// than [`RACY`] before it was read: a second write within the file system's
/// timestamp resolution could then hide behind the same stamp (git's "racy"
/// index entries), so such entries are always read again.
#[derive(Default)]
pub struct LoadCache {
    /// Whether to remember anything (a one-off load does not).
    keep: bool,
    files: rustc_hash::FxHashMap<String, (Stamp, Prepared)>,
    seeds: rustc_hash::FxHashMap<String, (Stamp, ReadSeed)>,
    /// Files read (not reused) by the last load.
    pub read: usize,
}

/// How recently a file may have been modified for its cached reading to be trusted.
const RACY: std::time::Duration = std::time::Duration::from_secs(3);

/// What identifies one version of a file without reading it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Stamp {
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
    inode: u64,
    /// Whether the file was modified within [`RACY`] of being read: never reused.
    racy: bool,
}

impl Stamp {
    /// The stamp of the file at `path` now; `None` when it cannot be read.
    fn of(path: &Path) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).ok()?;
        let age = m.modified().ok().and_then(|t| t.elapsed().ok());
        Some(Stamp {
            len: m.size(),
            modified: (m.mtime(), m.mtime_nsec()),
            changed: (m.ctime(), m.ctime_nsec()),
            inode: m.ino(),
            racy: age.is_none_or(|age| age < RACY),
        })
    }

    /// Whether a reading stamped `self` stands for the file stamped `now`.
    fn reusable_for(&self, now: &Stamp) -> bool {
        !self.racy && !now.racy && self == now
    }
}

/// One seed as read: its text (`None` when unusable) and the problems met.
type ReadSeed = (Option<Seed>, Vec<Diagnostic>);

impl LoadCache {
    /// A cache that remembers what it reads, for rebuilds.
    pub fn keeping() -> LoadCache {
        LoadCache { keep: true, ..LoadCache::default() }
    }
}

/// A file's reading: `Reuse` the cached one, or a fresh one with the file's stamp.
enum Reading<T> {
    Reuse,
    Fresh(Option<Stamp>, T),
}

impl<T: Clone> Reading<T> {
    /// `Reuse` when `old` holds `rel` as the file is now, else `read` it.
    fn of(
        cache: &LoadCache,
        old: &rustc_hash::FxHashMap<String, (Stamp, T)>,
        root: &Path,
        rel: &str,
        read: impl FnOnce() -> T,
    ) -> Self {
        if !cache.keep {
            return Reading::Fresh(None, read());
        }
        let stamp = Stamp::of(&root.join(rel));
        match (stamp, old.get(rel)) {
            (Some(now), Some((then, _))) if then.reusable_for(&now) => Reading::Reuse,
            _ => Reading::Fresh(stamp, read()),
        }
    }

    /// The value, moving the entry of `rel` from `old` to `new` (or remembering the fresh one).
    fn keep(
        self,
        rel: &str,
        old: &mut rustc_hash::FxHashMap<String, (Stamp, T)>,
        new: &mut rustc_hash::FxHashMap<String, (Stamp, T)>,
    ) -> Option<T> {
        let entry = match self {
            Reading::Reuse => old.remove(rel)?,
            Reading::Fresh(None, value) => return Some(value),
            Reading::Fresh(Some(stamp), value) => (stamp, value),
        };
        let value = entry.1.clone();
        new.insert(rel.to_string(), entry);
        Some(value)
    }
}

/// Everything under `content/` and the seeds it names, typed.
#[derive(Debug, Default)]
pub struct Project {
    /// Project root on disk.
    pub root: PathBuf,
    /// `content/site.yaml`, when it parsed.
    pub site: Option<Loaded<SiteConfig>>,
    /// Resolved site languages, first is the default.
    pub languages: Vec<Language>,
    /// Articles by slug.
    pub articles: BTreeMap<String, Loaded<ArticleFile>>,
    /// Topics by slug.
    pub topics: BTreeMap<String, Loaded<TopicFile>>,
    /// Entities by slug.
    pub entities: BTreeMap<String, Loaded<EntityFile>>,
    /// Pages by slug, one entry per language file.
    pub pages: BTreeMap<String, Vec<Loaded<PageFile>>>,
    /// Seeds by file name (as articles name them).
    pub seeds: BTreeMap<String, Seed>,
    /// `kind/slug` of files that exist but failed to parse.
    pub broken: BTreeSet<String>,
}

/// The kinds of content folder and the extension their files carry.
const FOLDERS: [(&str, &str); 4] = [("articles", "yaml"), ("topics", "yaml"), ("entities", "yaml"), ("pages", "md")];

/// Reads the project at `root`, reading again only the files `cache` does
/// not hold as they are now. Returns what could be loaded and every problem met.
pub fn load_with(root: &Path, cache: &mut LoadCache) -> (Project, Vec<Diagnostic>) {
    load_inner(root, cache, true)
}

/// [`load_with`] but the seeds, and without a cache: `project.seeds` is left
/// empty, for a caller that reads each seed with [`read_seed_file`] when it
/// ingests it (`check`).
pub fn load_without_seeds(root: &Path) -> (Project, Vec<Diagnostic>) {
    load_inner(root, &mut LoadCache::default(), false)
}

/// [`load_with`]; the seeds are read only when `seeds` is set.
fn load_inner(root: &Path, cache: &mut LoadCache, seeds: bool) -> (Project, Vec<Diagnostic>) {
    let mut project = Project { root: root.to_path_buf(), ..Project::default() };
    let mut diags = Vec::new();
    let content = root.join("content");
    if !content.is_dir() {
        diags.push(Diagnostic::error("content", 0, 0, "no content/ folder in this project").with_hint(format!(
            "run nashra in a briefing project, or pass --project DIR (looked in {})",
            root.display()
        )));
        return (project, diags);
    }
    load_site(&mut project, &mut diags);
    // Entries of files seen now move to the new cache; those of files gone are dropped.
    let mut old = std::mem::replace(cache, LoadCache { keep: cache.keep, ..LoadCache::default() });
    for (folder, ext) in FOLDERS {
        let files = content_files(root, &content.join(folder), ext, &mut diags);
        // Each file by its name in the folder.
        let prefix = format!("content/{folder}/");
        let names = files.iter().filter_map(|file| file.strip_prefix(prefix.as_str())).collect();
        let dir = Folder::new(content.join(folder), names);
        // Reading and parsing are independent per file: done on every core, then
        // taken in order, so slugs, duplicates and diagnostics come out as before.
        let readings: Vec<Reading<Prepared>> = map_in_order(&files, FILES_PER_JOB, |file| {
            Reading::of(&old, &old.files, root, file, || prepare(root, folder, file, old.keep, &dir, &prefix))
        });
        for (file, reading) in files.iter().zip(readings) {
            cache.read += usize::from(matches!(reading, Reading::Fresh(..)));
            if let Some(prepared) = reading.keep(file, &mut old.files, &mut cache.files) {
                load_file(&mut project, folder, file, prepared, &mut diags);
            }
        }
    }
    if seeds {
        load_seeds(&mut project, &mut old, cache, &mut diags);
    }
    (project, diags)
}

fn load_site(project: &mut Project, diags: &mut Vec<Diagnostic>) {
    let rel = "content/site.yaml";
    let Some(text) = read_text(read_file(&project.root.join(rel)), rel, diags, true) else { return };
    if let Some(site) = parse_yaml::<SiteConfig>(rel, &text, diags) {
        project.languages = site.languages.iter().map(|l| l.resolve()).collect();
        project.site =
            Some(Loaded { slug: "site".into(), path: rel.into(), value: Arc::new(site), locator: Locator::new(&text) });
    } else {
        project.broken.insert("site".into());
    }
}

/// Content files of one folder, sorted, skipping hidden and editor temp files.
fn content_files(root: &Path, dir: &Path, ext: &str, diags: &mut Vec<Diagnostic>) -> Vec<String> {
    if !dir.exists() {
        return Vec::new();
    }
    let suffix = format!(".{ext}");
    // What each path is, sorted afterwards (see `walk_order`): walkdir's own
    // sorting parses both paths' file names again at every comparison, 20 ms
    // of a listing done on one core at 10,000 articles. An error without a
    // path is the folder's, and comes first.
    let mut found: Vec<(Vec<u8>, String, Result<bool, String>)> = Vec::new();
    for entry in WalkDir::new(dir).into_iter().filter_entry(|e| !is_ignored(e.file_name())) {
        let of = |p: &Path| (walk_order(p), rel_path(root, p));
        match entry {
            Err(e) => {
                let (key, rel) = of(e.path().unwrap_or(dir));
                found.push((key, rel, Err(e.to_string())));
            }
            Ok(e) if e.depth() == 0 || e.file_type().is_dir() => {}
            Ok(e) => {
                let name = e.file_name().to_string_lossy();
                let wanted = name.ends_with(&suffix) || (ext == "yaml" && name.ends_with(".yml"));
                let (key, rel) = of(e.path());
                found.push((key, rel, Ok(wanted)));
            }
        }
    }
    // No two paths have the same key: a sort that keeps the order of equals
    // would only cost a scratch copy of the list (fresh memory, one core alone).
    found.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut files = Vec::with_capacity(found.len());
    for (_, rel, what) in found {
        match what {
            Ok(true) => files.push(rel),
            Ok(false) => diags.push(
                Diagnostic::warning(rel, 0, 0, "file ignored: not a content file")
                    .with_hint(format!("files in this folder end in .{ext}")),
            ),
            Err(e) => diags.push(Diagnostic::error(rel, 0, 0, format!("cannot read: {e}"))),
        }
    }
    files
}

/// The key that sorts paths as a walk sorted by file name meets them: by
/// their components, a folder's contents right after the folder's name among
/// its siblings' (`a/z.yaml` before `a.yaml`). That is the order of the
/// path's bytes as the system gives them (not made valid UTF-8 first) with
/// `/` below every other byte, as no name holds it.
fn walk_order(path: &Path) -> Vec<u8> {
    path.as_os_str().as_encoded_bytes().iter().map(|&b| if b == b'/' { 0 } else { b }).collect()
}

/// Hidden files and the temp, backup and lock files editors leave while saving:
/// never content. The loader, the theme and the dev server's watcher share this list.
pub fn is_ignored(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('#')
        || name.ends_with('~')
        || [".swp", ".swx", ".swo", ".kate-swp", ".tmp", ".bak", ".orig", ".crdownload"]
            .iter()
            .any(|ext| name.ends_with(ext))
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
        || name == "4913" // vim's write test file (not every all-digit name: folders may be years)
}

fn rel_path(root: &Path, p: &Path) -> String {
    let rel = p.strip_prefix(root).unwrap_or(p);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// A content file's value, parsed by [`prepare`].
#[derive(Clone)]
enum Parsed {
    Article(Arc<ArticleFile>),
    Topic(Arc<TopicFile>),
    Entity(Arc<EntityFile>),
    Page(Arc<PageFile>),
}

/// A content file read and parsed ahead of [`load_file`]: `None` when it could
/// not be read, else its locator and its value (`None` when it does not parse),
/// with the problems met.
#[derive(Clone)]
struct Prepared {
    read: Option<(Locator, Option<Parsed>)>,
    diags: Vec<Diagnostic>,
}

/// Reads and parses the content file `rel` of `folder`; pure, so files are
/// prepared in parallel. It is read from `dir` (the folder `prefix` names)
/// by its name there, `rel` after `prefix`. Its locator holds its text when `hold` is set (a load
/// that is kept for rebuilds), else reads the file again if a diagnostic
/// needs a position.
fn prepare(root: &Path, folder: &str, rel: &str, hold: bool, dir: &Folder, prefix: &str) -> Prepared {
    let mut diags = Vec::new();
    let path = root.join(rel);
    let read = rel.strip_prefix(prefix).map_or_else(|| read_file(&path), |name| dir.read(name));
    let Some(text) = read_text(read, rel, &mut diags, false) else {
        return Prepared { read: None, diags };
    };
    let parsed = match folder {
        "articles" => parse_yaml::<ArticleFile>(rel, &text, &mut diags).map(|v| Parsed::Article(Arc::new(v))),
        "topics" => parse_yaml::<TopicFile>(rel, &text, &mut diags).map(|v| Parsed::Topic(Arc::new(v))),
        "entities" => parse_yaml::<EntityFile>(rel, &text, &mut diags).map(|v| Parsed::Entity(Arc::new(v))),
        _ => {
            let file_name = rel.rsplit('/').next().unwrap_or(rel);
            let stem = file_name.trim_end_matches(".yaml").trim_end_matches(".yml").trim_end_matches(".md");
            // Without a language in its name the file is rejected before its value is used.
            let lang = stem.rsplit_once('.').map(|(_, lang)| lang.to_string()).unwrap_or_default();
            parse_page(rel, &text, lang, &mut diags).map(|v| Parsed::Page(Arc::new(v)))
        }
    };
    let locator = if hold { Locator::new(text) } else { Locator::on_disk(path, text_hash(&text)) };
    Prepared { read: Some((locator, parsed)), diags }
}

fn load_file(project: &mut Project, folder: &str, rel: &str, prepared: Prepared, diags: &mut Vec<Diagnostic>) {
    let file_name = rel.rsplit('/').next().unwrap_or(rel);
    let stem = file_name.trim_end_matches(".yaml").trim_end_matches(".yml").trim_end_matches(".md");
    let (slug, lang) = match folder {
        "pages" => match stem.rsplit_once('.') {
            Some((slug, lang)) => (slug.to_string(), Some(lang.to_string())),
            None => {
                diags.push(
                    Diagnostic::error(rel, 0, 0, "a page file must name its language")
                        .with_hint(format!("rename it to {stem}.<lang>.md, e.g. {stem}.en.md")),
                );
                return;
            }
        },
        _ => (stem.to_string(), None),
    };
    if !is_valid_slug(&slug) {
        diags.push(Diagnostic::error(rel, 0, 0, format!("invalid slug '{slug}'")).with_hint(format!(
            "rename the file: slugs use lower-case ASCII letters, digits and '-', e.g. '{}'",
            suggest_slug(&slug)
        )));
        return;
    }
    let key = format!("{folder}/{slug}");
    let duplicate = match folder {
        "articles" => project.articles.get(&slug).map(|l| l.path.clone()),
        "topics" => project.topics.get(&slug).map(|l| l.path.clone()),
        "entities" => project.entities.get(&slug).map(|l| l.path.clone()),
        _ => project
            .pages
            .get(&slug)
            .and_then(|v| v.iter().find(|p| Some(&p.value.lang) == lang.as_ref()))
            .map(|l| l.path.clone()),
    };
    if let Some(first) = duplicate {
        diags.push(
            Diagnostic::error(rel, 0, 0, format!("duplicate slug '{slug}': {first} has it already"))
                .with_hint("slugs must be unique within a folder and its subfolders; rename one of the files"),
        );
        return;
    }
    let Prepared { read, diags: found } = prepared;
    diags.extend(found);
    let Some((locator, parsed)) = read else {
        project.broken.insert(key);
        return;
    };
    fn wrap<T>(slug: &str, rel: &str, value: Arc<T>, locator: Locator) -> Loaded<T> {
        Loaded { slug: slug.to_string(), path: rel.to_string(), value, locator }
    }
    let ok = match parsed {
        Some(Parsed::Article(v)) => {
            project.articles.insert(slug.clone(), wrap(&slug, rel, v, locator));
            true
        }
        Some(Parsed::Topic(v)) => {
            project.topics.insert(slug.clone(), wrap(&slug, rel, v, locator));
            true
        }
        Some(Parsed::Entity(v)) => {
            project.entities.insert(slug.clone(), wrap(&slug, rel, v, locator));
            true
        }
        Some(Parsed::Page(page)) => {
            project.pages.entry(slug.clone()).or_default().push(wrap(&slug, rel, page, locator));
            true
        }
        None => false,
    };
    if !ok {
        project.broken.insert(key);
    }
}

/// Lower-case ASCII letters, digits and single inner hyphens.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
}

fn suggest_slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "my-slug".into() } else { out }
}

/// The UTF-8 text of the file `rel` (as diagnostics name it), from its
/// reading; `required` makes a missing file an error of its own.
fn read_text(
    read: std::io::Result<Option<Vec<u8>>>,
    rel: &str,
    diags: &mut Vec<Diagnostic>,
    required: bool,
) -> Option<String> {
    match read {
        Ok(Some(bytes)) => decode(rel, bytes, diags),
        Ok(None) => {
            diags.push(
                Diagnostic::error(rel, 0, 0, "not a regular file")
                    .with_hint("this path is a folder, a pipe or a device: put a plain text file here"),
            );
            None
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && required => {
            diags.push(
                Diagnostic::error(rel, 0, 0, "file not found")
                    .with_hint("every project needs content/site.yaml: run `nashra init` in a new folder to see one"),
            );
            None
        }
        Err(e) => {
            diags.push(cannot_read(rel, &e));
            None
        }
    }
}

fn cannot_read(rel: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(rel, 0, 0, format!("cannot read file: {e}"))
        .with_hint("check that the file exists and is readable")
}

/// The hash of a decoded text: a seed's ([`Seed::hash`], which ingestion is
/// cached by: changing it makes every cache entry stale) and the one a
/// [`Locator::on_disk`] checks its file against when it reads it again.
pub fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    text.hash(&mut h);
    h.finish()
}

/// `String::from_utf8`, validated with SIMD first: std's validator takes about ten
/// instructions per byte of Arabic script, and `check` validates every seed.
pub fn utf8_string(bytes: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    if simdutf8::basic::from_utf8(&bytes).is_ok() {
        // SAFETY: simdutf8 has just validated every byte as UTF-8.
        Ok(unsafe { String::from_utf8_unchecked(bytes) })
    } else {
        String::from_utf8(bytes) // the error, with its position
    }
}

/// UTF-8 with or without a byte-order mark; anything else is an error at its byte.
pub fn decode(rel: &str, bytes: Vec<u8>, diags: &mut Vec<Diagnostic>) -> Option<String> {
    match utf8_string(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{FEFF}') {
                s.drain(..3);
            }
            Some(s)
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let col = String::from_utf8_lossy(&bytes[line_start..at]).chars().count() + 1;
            diags.push(
                Diagnostic::error(
                    rel,
                    line,
                    col,
                    format!("not valid UTF-8 at byte offset {at} (byte 0x{:02X})", bytes[at]),
                )
                .with_hint("save the file as UTF-8 (most editors: \"Save with encoding\" → UTF-8)"),
            );
            None
        }
    }
}

/// Parses YAML into `T`; a failure becomes one located diagnostic.
fn parse_yaml<T: DeserializeOwned>(rel: &str, text: &str, diags: &mut Vec<Diagnostic>) -> Option<T> {
    parse_yaml_at(rel, text, 0, diags)
}

fn parse_yaml_at<T: DeserializeOwned>(
    rel: &str,
    text: &str,
    line_offset: usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    if text.trim().is_empty() {
        diags.push(
            Diagnostic::error(rel, 1, 1, "empty file")
                .with_hint("see docs/CONTENT-FORMAT.md for the fields this file needs"),
        );
        return None;
    }
    match serde_yaml::from_str::<T>(text) {
        Ok(v) => Some(v),
        Err(e) => {
            let (line, col) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            let raw = e.to_string();
            let message = raw.split(" at line ").next().unwrap_or(&raw).to_string();
            diags.push(
                Diagnostic::error(rel, line + line_offset, col, message.clone()).with_hint_opt(yaml_hint(&message)),
            );
            None
        }
    }
}

/// A hint for serde's most common complaints: a misspelt field or variant.
fn yaml_hint(message: &str) -> Option<String> {
    let re = regex::Regex::new(r"unknown (field|variant) `([^`]*)`, expected (?:one of )?(.*)").ok()?;
    if let Some(c) = re.captures(message) {
        let expected: Vec<&str> = c[3].split(", ").map(|s| s.trim_matches('`')).collect();
        let wanted = &c[2];
        return Some(match did_you_mean(wanted, expected.iter().copied()) {
            Some(best) => format!("did you mean '{best}'?"),
            None => format!("allowed here: {}", expected.join(", ")),
        });
    }
    if let Some(field) = message.strip_prefix("missing field `").and_then(|s| s.split('`').next()) {
        return Some(format!("add the required field '{field}' (see docs/CONTENT-FORMAT.md)"));
    }
    if message.starts_with("did not find expected") || message.starts_with("mapping values are not allowed") {
        return Some("check brackets, quotes and indentation on this line and the lines just before it".into());
    }
    if message.contains("invalid type") {
        return Some("check the value's shape against docs/CONTENT-FORMAT.md (text per language is a map like {ar: \"…\", en: \"…\"})".into());
    }
    None
}

fn parse_page(rel: &str, text: &str, lang: String, diags: &mut Vec<Diagnostic>) -> Option<PageFile> {
    let rest = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n"));
    let Some(rest) = rest else {
        diags.push(
            Diagnostic::error(rel, 1, 1, "missing front matter")
                .with_hint("start the page with ---, a line `title: \"…\"`, and --- again"),
        );
        return None;
    };
    let Some(end) = rest
        .find("\n---")
        .filter(|&i| rest[i + 4..].starts_with('\n') || rest[i + 4..].starts_with("\r\n") || rest.len() == i + 4)
    else {
        diags.push(
            Diagnostic::error(rel, 1, 1, "front matter is not closed")
                .with_hint("end the front matter with a line holding only ---"),
        );
        return None;
    };
    let front = parse_yaml_at::<PageFrontMatter>(rel, &rest[..end + 1], 1, diags)?;
    let body = rest[end + 4..].trim_start_matches(['\r', '\n']).to_string();
    Some(PageFile { lang, front, body })
}

/// At most this many files are read one after the other by a rayon job
/// ([`crate::render::PAGES_PER_JOB`]).
const FILES_PER_JOB: usize = 16;

/// Reads every seed an article names, once.
fn load_seeds(project: &mut Project, old: &mut LoadCache, cache: &mut LoadCache, diags: &mut Vec<Diagnostic>) {
    let names: BTreeSet<&String> = project.articles.values().map(|a| &a.value.seed).collect();
    let names: Vec<&String> = names.into_iter().collect();
    let seeds = seeds_folder(&project.root, names.iter().map(|n| n.as_str()));
    // Read on every core, then taken in name order, so diagnostics come out as before.
    let read: Vec<(String, Reading<ReadSeed>)> = map_in_order(&names, FILES_PER_JOB, |name| {
        let reading =
            Reading::of(old, &old.seeds, &project.root, &format!("seeds/{name}"), || read_seed_file(&seeds, name));
        ((*name).clone(), reading)
    });
    for (name, reading) in read {
        cache.read += usize::from(matches!(reading, Reading::Fresh(..)));
        let Some((seed, found)) = reading.keep(&format!("seeds/{name}"), &mut old.seeds, &mut cache.seeds) else {
            continue;
        };
        diags.extend(found);
        if let Some(seed) = seed {
            project.seeds.insert(name, seed);
        }
    }
}

/// The seed `name` of the project's `seeds` folder ([`seeds_folder`]), read
/// as [`load_with`] reads it, and the problems met: `None` when it cannot be used.
pub fn read_seed_file(seeds: &Folder, name: &str) -> (Option<Seed>, Vec<Diagnostic>) {
    let mut found = Vec::new();
    (read_seed(seeds, name, &mut found).map(Seed::new), found)
}

/// True for a seed name that names a file in `seeds/` itself: not empty, no
/// folder, no way out of it, nothing hidden. Validation reports the others.
pub fn is_seed_name(name: &str) -> bool {
    !(name.is_empty() || name.contains('/') || name.contains('\\') || name.starts_with('.'))
}

/// The `seeds` folder of the project at `root`, whose files named in `names`
/// (those [`read_seed`] reads) are about to be read.
pub fn seeds_folder<'a>(root: &Path, names: impl Iterator<Item = &'a str>) -> Folder<'a> {
    Folder::new(root.join("seeds"), names.filter(|name| is_seed_name(name)).collect())
}

/// One seed's text; `None` when it cannot be used (validation reports a bad or missing name).
fn read_seed(seeds: &Folder, name: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let rel = format!("seeds/{name}");
    if !is_seed_name(name) {
        return None; // reported by validation as an invalid seed name
    }
    let bytes = match seeds.read(name) {
        Ok(Some(bytes)) => bytes,
        // What is not a file there (missing, a folder, a loop of links...) is
        // reported by validation, at the article that names it.
        Ok(None) => return None,
        Err(_) if !seeds.path_of(name).is_file() => return None,
        Err(e) => {
            diags.push(cannot_read(&rel, &e));
            return None;
        }
    };
    let text = decode(&rel, bytes, diags)?;
    if text.trim().is_empty() {
        diags.push(
            Diagnostic::error(&rel, 1, 1, "seed is empty")
                .with_hint("a seed holds the scraped article text; copy the article into it"),
        );
        return None;
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_valid_slug("isis-resurgence-2"));
        for bad in ["", "Isis", "a_b", "-a", "a-", "a--b", "دمشق"] {
            assert!(!is_valid_slug(bad), "{bad}");
        }
        assert_eq!(suggest_slug("My Slug_2"), "my-slug-2");
    }

    #[test]
    fn decode_reports_byte_offset_and_strips_bom() {
        let mut d = Vec::new();
        assert_eq!(decode("x", b"\xEF\xBB\xBFok".to_vec(), &mut d).as_deref(), Some("ok"));
        assert!(decode("x", b"ab\ncd\xFFe".to_vec(), &mut d).is_none());
        assert_eq!((d[0].line, d[0].column), (2, 3));
        assert!(d[0].message.contains("byte offset 5"), "{}", d[0].message);
    }

    fn title(project: &Project) -> String {
        project.articles["ambush"].value.title["en"].clone()
    }

    #[test]
    fn a_rebuild_reads_again_only_changed_files() {
        let tmp = crate::testing::aged_project(std::time::Duration::from_secs(3600));
        let mut cache = LoadCache::keeping();
        let (first, _) = load_with(tmp.path(), &mut cache);
        let files = cache.read;
        assert!(files >= 4, "every file read the first time");
        let (again, _) = load_with(tmp.path(), &mut cache);
        assert_eq!(cache.read, 0, "nothing changed, nothing read");
        assert_eq!(title(&again), title(&first));
        // An edit of the same length right away: the stamp's size is the same and
        // its times may be too, within the file system's resolution; still seen.
        let path = tmp.path().join("content/articles/ambush.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replacen("Palmyra", "Palmyrb", 1)).unwrap();
        let (edited, _) = load_with(tmp.path(), &mut cache);
        assert!(title(&edited).contains("Palmyrb"), "{}", title(&edited));
        assert_eq!(cache.read, 1, "only the edited file is read");
        std::fs::write(&path, text.replacen("Palmyra", "Palmyrc", 1)).unwrap();
        let (again, _) = load_with(tmp.path(), &mut cache);
        assert!(title(&again).contains("Palmyrc"), "a racy entry is never trusted: {}", title(&again));
    }

    /// Names whose byte order differs from a walk's (`a-b` < `a.yaml` < `a/`),
    /// nested folders, upper case, Arabic, names that are not UTF-8 (sorted by
    /// their bytes, not by their U+FFFD), a file that is not content and a
    /// hidden one: listed in the order of walkdir's own sorted walk, with a
    /// warning for the stray file.
    #[test]
    fn content_files_come_in_the_order_of_a_sorted_walk() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("content/articles");
        let names = [
            "a.yaml",
            "a/z.yaml",
            "a/b/c.yaml",
            "a-b.yaml",
            "a0.yaml",
            "b.yaml",
            "B.yaml",
            "b/a.yaml",
            "ا.yaml",
            "ab/x.yaml",
            "notes.txt",
            ".hidden.yaml",
        ];
        for name in names {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        #[cfg(unix)]
        for name in [&b"\x80.yaml"[..], b"\xC3\xA9.yaml", b"\xFF.yaml"] {
            use std::os::unix::ffi::OsStrExt;
            std::fs::write(dir.join(std::ffi::OsStr::from_bytes(name)), "").unwrap();
        }
        let mut diags = Vec::new();
        let files = content_files(tmp.path(), &dir, "yaml", &mut diags);
        let walked: Vec<String> = WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| !is_ignored(e.file_name()))
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file() && e.file_name().to_string_lossy().ends_with(".yaml"))
            .map(|e| rel_path(tmp.path(), e.path()))
            .collect();
        assert_eq!(files, walked);
        assert_eq!(files.len(), if cfg!(unix) { 13 } else { 10 });
        assert_eq!(diags.len(), 1);
        assert!(diags[0].to_string().contains("content/articles/notes.txt"), "{}", diags[0]);
    }

    #[test]
    fn temp_files_are_ignored() {
        for name in [".a.yaml", "a.yaml~", "#a.yaml#", ".a.yaml.swp", "4913"] {
            assert!(is_ignored(std::ffi::OsStr::new(name)), "{name}");
        }
        assert!(!is_ignored(std::ffi::OsStr::new("a.yaml")));
    }
}
