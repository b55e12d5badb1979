//! `nashra snapshot --verify`: re-hash an edition against its manifest.

use super::content::hex;
use super::manifest::{Archive, MANIFEST, Manifest};
use crate::pipeline;
use sha2::{Digest, Sha256};
use std::io;
use std::path::Path;

/// How an edition on disk differs from its manifest; each list sorted.
#[derive(Debug, Default, PartialEq)]
pub struct Report {
    /// Files whose content no longer matches.
    pub modified: Vec<String>,
    /// Listed files that are gone.
    pub missing: Vec<String>,
    /// Files that are not listed.
    pub extra: Vec<String>,
}

impl Report {
    /// True when the edition is exactly as written.
    pub fn is_clean(&self) -> bool {
        self.modified.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Compares the files under `dir` with `manifest`.
pub fn verify(dir: &Path, manifest: &Manifest) -> io::Result<Report> {
    let mut report = Report::default();
    let mut found = std::collections::BTreeSet::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).map_err(io::Error::other)?;
        let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        if rel == MANIFEST {
            continue;
        }
        match manifest.files.get(&rel) {
            None => report.extra.push(rel.clone()),
            Some(expected) => {
                let actual = hex(&Sha256::digest(std::fs::read(entry.path())?));
                if &actual != expected {
                    report.modified.push(rel.clone());
                }
            }
        }
        found.insert(rel);
    }
    report.missing = manifest.files.keys().filter(|p| !found.contains(*p)).cloned().collect();
    Ok(report)
}

/// Verifies one edition, or every edition when `label` is `None`. True when all are intact.
pub fn verify_command(root: &Path, label: Option<&str>) -> bool {
    let archive = Archive::of_project(root);
    let manifests = match label {
        Some(label) => match archive.read(label) {
            Ok(m) => vec![m],
            Err(d) => {
                pipeline::report(&[d]);
                return false;
            }
        },
        None => {
            let (all, diags) = archive.read_all();
            pipeline::report(&diags);
            if crate::diag::has_errors(&diags) {
                return false;
            }
            if all.is_empty() {
                eprintln!("no edition to verify in {}", archive.dir.display());
            }
            all
        }
    };
    let mut ok = true;
    for m in &manifests {
        let dir = archive.dir.join(&m.label);
        let report = match verify(&dir, m) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{}: error: cannot read the edition: {e}", archive.shown(&m.label, ""));
                ok = false;
                continue;
            }
        };
        if report.is_clean() {
            println!("{}: intact ({} files)", m.label, m.files.len());
            continue;
        }
        ok = false;
        for (kind, list) in [("modified", &report.modified), ("missing", &report.missing), ("extra", &report.extra)] {
            for path in list {
                println!("{}: {kind}: {}", m.label, path);
            }
        }
    }
    ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::changes::Changes;

    #[test]
    fn names_modified_missing_and_extra_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::create_dir_all(dir.join("en")).unwrap();
        let files = [("en/index.html", "home"), ("a.css", "css"), ("gone.html", "x")];
        let hashes = files.iter().map(|(p, c)| (p.to_string(), hex(&Sha256::digest(c.as_bytes())))).collect();
        for (p, c) in &files[..2] {
            std::fs::write(dir.join(p), c).unwrap();
        }
        std::fs::write(dir.join(MANIFEST), "{}").unwrap();
        let m = Manifest {
            label: "x".into(),
            number: 1,
            date: "2025".into(),
            note: None,
            tool: "t".into(),
            inputs: "0".into(),
            drafts: false,
            previous: None,
            changes: Changes::default(),
            files: hashes,
        };
        assert!(verify(dir, &m).unwrap().missing == ["gone.html"]);
        std::fs::write(dir.join("en/index.html"), "tampered").unwrap();
        std::fs::write(dir.join("en/new.html"), "added").unwrap();
        let r = verify(dir, &m).unwrap();
        assert_eq!(r.modified, ["en/index.html"]);
        assert_eq!(r.missing, ["gone.html"]);
        assert_eq!(r.extra, ["en/new.html"]);
        assert!(!r.is_clean());
    }
}
