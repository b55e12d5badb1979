//! Editions: the briefing as it stood on a date, immutable and portable.
//!
//! `nashra snapshot` renders the current briefing through the one pipeline
//! (with an edition banner and a "what changed" page), then writes it into
//! `site/snapshots/<label>/` with a `snapshot.json` manifest of every file's
//! SHA-256. Editions are the archive of record: `build` carries them over
//! untouched, and the live site lists them on `<lang>/editions/`.

mod archive;
pub mod changes;
pub mod content;
pub mod manifest;
mod verify;
mod write;

use crate::diag::Diagnostic;
use crate::output::Output;
use crate::pipeline;
use crate::site::{Drafts, Site};
use changes::Changes;
use content::Content;
use manifest::{Archive, Manifest};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub use verify::verify_command;

/// The file inside an edition that holds its [`Edition`] record.
pub const CONTENT: &str = "content.json";

/// What the pipeline renders besides the briefing itself.
pub enum Mode<'a> {
    /// The live site written to this output folder: it lists the editions in its `snapshots/`.
    Live(&'a Path),
    /// An edition, made from the project's `site/snapshots/` archive.
    Edition(&'a Request),
}

/// What `nashra snapshot` asks of the pipeline.
pub struct Request {
    /// Folder name; by default the date of the newest article.
    pub label: Option<String>,
    /// A note shown with the edition.
    pub note: Option<String>,
}

/// The edition being made: who it is, what it holds, and what changed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Edition {
    /// Folder name under `site/snapshots/`.
    pub label: String,
    /// Its place in the archive: 1 for the first.
    pub number: u32,
    /// Date of the newest article.
    pub date: String,
    /// The analyst's note.
    pub note: Option<String>,
    /// Label of the edition compared with, if there is one.
    pub previous: Option<String>,
    /// What changed since `previous`.
    pub changes: Changes,
    /// Its content, for the next edition to compare with.
    pub content: Content,
}

/// What a render adds to the briefing itself. Default: nothing.
#[derive(Debug, Default)]
pub struct Extras {
    /// Editions to list on the live site, newest first.
    pub editions: Vec<Manifest>,
    /// Set when rendering an edition rather than the live site.
    pub edition: Option<Edition>,
}

/// Reads the archive and, for a snapshot, works out the edition: its label,
/// date, previous edition and changes. Problems go to `diags`.
pub fn extras(root: &Path, site: &Site, mode: Mode, diags: &mut Vec<Diagnostic>) -> Extras {
    let request = match mode {
        Mode::Live(out) => {
            let (editions, problems) = Archive::next_to(root, out).read_all();
            diags.extend(problems);
            return Extras { editions, edition: None };
        }
        Mode::Edition(request) => request,
    };
    let archive = Archive::of_project(root);
    let (editions, problems) = archive.read_all();
    diags.extend(problems);
    let Some(newest) = site.articles.first() else {
        diags.push(
            Diagnostic::error("content/articles", 0, 0, "nothing to snapshot: the briefing has no article")
                .with_hint("add an article (or build with --drafts if they are all drafts)"),
        );
        return Extras::default();
    };
    let date = newest.date.to_string();
    let label = request.label.clone().unwrap_or_else(|| date.clone());
    if !is_valid_label(&label) {
        diags.push(
            Diagnostic::error("--label", 0, 0, format!("'{label}' cannot name an edition folder"))
                .with_hint("use letters, digits, '-', '_' and '.', not starting with '.' or '-', e.g. 2025-12-20"),
        );
        return Extras::default();
    }
    let content = content::summarize(site);
    // The edition before this one is the newest other one: editions are compared in
    // the order they were made, and re-making one (--force) keeps it reproducible.
    let previous = editions.iter().find(|m| m.label != label);
    let number = previous.map_or(1, |m| m.number + 1);
    let previous = previous.map(|m| m.label.clone());
    let changes = match &previous {
        None => Changes::default(),
        Some(prev) => match read_edition(&archive, prev) {
            Ok(old) => changes::diff(&old.content, &content),
            Err(d) => {
                diags.push(d);
                return Extras::default();
            }
        },
    };
    let note = request.note.clone().filter(|n| !n.trim().is_empty());
    Extras { editions: Vec::new(), edition: Some(Edition { label, number, date, note, previous, changes, content }) }
}

/// Files the edition adds to the rendered site: its `content.json`.
pub fn edition_files(extras: &Extras) -> Vec<(String, Vec<u8>)> {
    let Some(edition) = &extras.edition else { return Vec::new() };
    let mut json = serde_json::to_string_pretty(edition).unwrap_or_default();
    json.push('\n');
    vec![(CONTENT.to_string(), json.into_bytes())]
}

/// An edition's record, from its `content.json`.
fn read_edition(archive: &Archive, label: &str) -> Result<Edition, Diagnostic> {
    let hint = "check it with `nashra snapshot --verify`; restore it from the edition's .tar.gz";
    archive.read_json(label, CONTENT, ("the previous edition's content", hint), ("edition record", hint))
}

/// A label names one folder: ASCII letters, digits, `-`, `_`, `.`; no leading `.` or `-`.
pub fn is_valid_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 100
        && label.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !label.starts_with(['.', '-'])
}

/// `nashra snapshot` options.
pub struct Options {
    /// See [`Request::label`].
    pub label: Option<String>,
    /// See [`Request::note`].
    pub note: Option<String>,
    /// Replace an existing edition with the same label.
    pub force: bool,
    /// Also write `site/snapshots/<label>.tar.gz`.
    pub archive: bool,
    /// Drafts are left out unless asked for.
    pub drafts: Drafts,
    /// Take ingestion from the persistent cache (src/cache), and keep it there.
    pub cached: bool,
}

/// `nashra snapshot`: true when the edition was written.
pub fn snapshot_command(root: &Path, opts: &Options, term: &crate::term::Term) -> bool {
    let request = Request { label: opts.label.clone(), note: opts.note.clone() };
    let mut memo = crate::incremental::Memo::once(opts.cached);
    let (output, diags) = pipeline::compile_with(root, opts.drafts, Mode::Edition(&request), &mut memo);
    term.detail(format!("compiled in {}", memo.stats));
    pipeline::report_cache(&memo.stats, term);
    term.report(&diags);
    let Some(output) = output else {
        eprintln!("snapshot failed: no edition written");
        return false;
    };
    match make(root, opts, &output) {
        Ok(done) => {
            term.info(done);
            term.info("  run `nashra build` to list it on the live site's editions page");
            true
        }
        Err(d) => {
            term.report(&[d]);
            eprintln!("snapshot failed: no edition written");
            false
        }
    }
}

/// Writes the edition (and its archive) from a rendered output.
fn make(root: &Path, opts: &Options, output: &Output) -> Result<String, Diagnostic> {
    // compile_with put the record there; its absence would be a bug, not bad input.
    let edition: Edition = output
        .get(CONTENT)
        .and_then(|bytes| serde_json::from_slice(bytes).ok())
        .ok_or_else(|| Diagnostic::error(CONTENT, 0, 0, "the rendered edition has no record (a nashra bug)"))?;
    let label = &edition.label;
    let archive = Archive::of_project(root);
    let dir = &archive.dir;
    let shown = archive.shown(label, "");
    if dir.join(label).exists() && !opts.force {
        return Err(Diagnostic::error(
            &shown,
            0,
            0,
            format!("edition '{label}' already exists; editions never change"),
        )
        .with_hint("choose another --label, or pass --force to replace it (readers may have cited it)"));
    }
    let io_error = |what: &str, e: std::io::Error| {
        Diagnostic::error(&shown, 0, 0, format!("cannot {what}: {e}"))
            .with_hint("check free space and permissions; no half edition was left behind")
    };
    let inputs =
        manifest::inputs_hash(root, opts.drafts == Drafts::Include).map_err(|e| io_error("read the inputs", e))?;
    let manifest = Manifest {
        label: label.clone(),
        number: edition.number,
        date: edition.date.clone(),
        note: edition.note.clone(),
        tool: format!("nashra {}", env!("CARGO_PKG_VERSION")),
        inputs,
        drafts: opts.drafts == Drafts::Include,
        previous: edition.previous.clone(),
        changes: edition.changes.clone(),
        files: manifest::file_hashes(output),
    };
    write::publish(output, &manifest, dir).map_err(|e| io_error("write the edition", e))?;
    let mut done = format!("edition {label}: {} files → {}", output.len() + 1, dir.join(label).display());
    if opts.archive {
        let path = archive::write(output, &manifest, dir).map_err(|e| io_error("write the archive", e))?;
        done.push_str(&format!("\narchive → {}", path.display()));
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_one_safe_folder() {
        for ok in ["2025-12-20", "q4.final", "Edition_2"] {
            assert!(is_valid_label(ok), "{ok}");
        }
        for bad in ["", ".hidden", "-x", "a/b", "..", "a b", "تقرير"] {
            assert!(!is_valid_label(bad), "{bad}");
        }
    }
}
