//! `snapshot.json`: what an edition is (label, date, note, tool, inputs) and
//! the SHA-256 of every file in it; and the archive of editions that the live
//! site lists, read from `site/snapshots/*/snapshot.json`.

use super::changes::Changes;
use super::content::hex;
use crate::diag::Diagnostic;
use crate::output::{Output, SNAPSHOTS};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The manifest's file name inside an edition.
pub const MANIFEST: &str = "snapshot.json";

/// The contents of `snapshot.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The edition's folder name under `site/snapshots/`.
    pub label: String,
    /// 1 for the first edition, then one more than the newest other edition.
    pub number: u32,
    /// Date of the newest article in it, `YYYY-MM-DD` (or `YYYY-MM`, `YYYY`).
    pub date: String,
    /// The analyst's note, if any.
    pub note: Option<String>,
    /// `nashra <version>` that made it.
    pub tool: String,
    /// Hex SHA-256 over every input file (content, seeds, project theme) and the drafts switch.
    pub inputs: String,
    /// Whether draft articles were included.
    pub drafts: bool,
    /// Label of the edition it is compared with; none for the first.
    pub previous: Option<String>,
    /// What changed since `previous`.
    pub changes: Changes,
    /// Every file of the edition except this manifest: path → hex SHA-256.
    pub files: BTreeMap<String, String>,
}

impl Manifest {
    /// Pretty JSON with a final newline, stable for identical inputs.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text.into_bytes()
    }
}

/// Hex SHA-256 of every file of an output.
pub fn file_hashes(output: &Output) -> BTreeMap<String, String> {
    output.iter().map(|(path, bytes)| (path.clone(), hex(&Sha256::digest(bytes)))).collect()
}

/// A folder of editions: where it is, and how diagnostics name it.
pub struct Archive {
    /// The folder holding `<label>/` editions.
    pub dir: PathBuf,
    /// Its name in diagnostics: project-relative when it is inside the project.
    name: String,
}

impl Archive {
    /// `site/snapshots/` of a project: where `snapshot` writes.
    pub fn of_project(root: &Path) -> Archive {
        Archive { dir: root.join("site").join(SNAPSHOTS), name: format!("site/{SNAPSHOTS}") }
    }

    /// `snapshots/` inside a site output folder `out`: the editions next to that site.
    pub fn next_to(root: &Path, out: &Path) -> Archive {
        let dir = out.join(SNAPSHOTS);
        let name = match dir.strip_prefix(root) {
            Ok(rel) => rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"),
            Err(_) => dir.display().to_string(),
        };
        Archive { dir, name }
    }

    /// The name of a file of an edition, for diagnostics.
    pub fn shown(&self, label: &str, file: &str) -> String {
        format!("{}/{label}/{file}", self.name)
    }

    /// Reads one edition's manifest.
    pub fn read(&self, label: &str) -> Result<Manifest, Diagnostic> {
        self.read_json(
            label,
            MANIFEST,
            (
                "the edition's manifest",
                "restore the edition from its .tar.gz, or remove its folder to drop it from the archive",
            ),
            (
                "edition manifest",
                "snapshot.json is written by `nashra snapshot`; restore it from the edition's .tar.gz",
            ),
        )
    }

    /// Reads and parses one JSON file of an edition. A failure names the file
    /// (with line and column when it does not parse): `unreadable` and `invalid`
    /// are (what the file is, what to do).
    pub fn read_json<T: serde::de::DeserializeOwned>(
        &self,
        label: &str,
        file: &str,
        unreadable: (&str, &str),
        invalid: (&str, &str),
    ) -> Result<T, Diagnostic> {
        let name = self.shown(label, file);
        let bytes = std::fs::read(self.dir.join(label).join(file)).map_err(|e| {
            Diagnostic::error(&name, 0, 0, format!("cannot read {}: {e}", unreadable.0)).with_hint(unreadable.1)
        })?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Diagnostic::error(&name, e.line(), e.column(), format!("not a valid {}: {e}", invalid.0))
                .with_hint(invalid.1)
        })
    }

    /// Every edition, newest (highest number) first. A folder without
    /// `snapshot.json` is not an edition: a warning, and it is left out.
    pub fn read_all(&self) -> (Vec<Manifest>, Vec<Diagnostic>) {
        let mut editions = Vec::new();
        let mut diags = Vec::new();
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return (editions, diags) };
        let mut labels: Vec<String> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| !name.starts_with('.'))
            .collect();
        labels.sort();
        for label in labels {
            if !self.dir.join(&label).join(MANIFEST).exists() {
                diags.push(
                    Diagnostic::warning(
                        self.shown(&label, ""),
                        0,
                        0,
                        "folder has no snapshot.json: not listed as an edition",
                    )
                    .with_hint("editions are made by `nashra snapshot`; move other files out of the snapshots folder"),
                );
                continue;
            }
            match self.read(&label) {
                Ok(m) if m.label == label => editions.push(m),
                Ok(m) => diags.push(
                    Diagnostic::error(
                        self.shown(&label, MANIFEST),
                        0,
                        0,
                        format!("the manifest is for edition '{}'", m.label),
                    )
                    .with_hint(format!("an edition's folder keeps its label: rename the folder back to '{}'", m.label)),
                ),
                Err(d) => diags.push(d),
            }
        }
        sort_newest_first(&mut editions);
        (editions, diags)
    }
}

/// Newest first: by number (the order they were made in), then label.
pub fn sort_newest_first(editions: &mut [Manifest]) {
    editions.sort_by(|a, b| (b.number, &b.label).cmp(&(a.number, &a.label)));
}

/// Hex SHA-256 over the project's inputs: every file under `content/`, `seeds/`
/// and `themes/` (path and bytes, in path order) and the drafts switch.
pub fn inputs_hash(root: &Path, drafts: bool) -> std::io::Result<String> {
    let mut h = Sha256::new();
    for folder in ["content", "seeds", "themes"] {
        let dir = root.join(folder);
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| !crate::load::is_ignored(e.file_name()))
        {
            let entry = entry.map_err(std::io::Error::other)?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
            let name = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            let bytes = std::fs::read(entry.path())?;
            // Length-prefixed, so no two different trees feed the same bytes.
            h.update((name.len() as u64).to_le_bytes());
            h.update(name.as_bytes());
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(&bytes);
        }
    }
    h.update([u8::from(drafts)]);
    Ok(hex(&h.finalize()))
}
