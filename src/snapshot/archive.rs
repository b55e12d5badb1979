//! `site/snapshots/<label>.tar.gz`: one edition in one file, for e-mail.
//!
//! Deterministic: entries in path order under `<label>/`, fixed mode, owner
//! 0, an mtime from `SOURCE_DATE_EPOCH` or else the edition's date, and a
//! gzip header without a timestamp. The same edition gives the same bytes.

use super::manifest::{MANIFEST, Manifest};
use crate::model::PartialDate;
use crate::output::Output;
use flate2::{Compression, GzBuilder};
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes the archive next to the edition folder (atomically) and returns its path.
pub fn write(output: &Output, manifest: &Manifest, dir: &Path) -> io::Result<PathBuf> {
    let label = &manifest.label;
    let target = dir.join(format!("{label}.tar.gz"));
    let partial = dir.join(format!(".{label}.tar.gz.partial-{}", std::process::id()));
    let bytes = tar_gz(output, manifest, mtime(manifest))?;
    let result = std::fs::write(&partial, bytes).and_then(|()| std::fs::rename(&partial, &target));
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result.map(|()| target)
}

/// Seconds since 1970 for every entry: `SOURCE_DATE_EPOCH` when set, else
/// midnight UTC of the edition's date (the first of the month or year when
/// the date is partial).
fn mtime(manifest: &Manifest) -> u64 {
    if let Some(epoch) = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<u64>().ok()) {
        return epoch;
    }
    PartialDate::parse(&manifest.date)
        .and_then(|d| chrono::NaiveDate::from_ymd_opt(d.year, d.month.unwrap_or(1), d.day.unwrap_or(1)))
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or(0, |t| t.and_utc().timestamp().max(0) as u64)
}

/// The gzipped tar of the edition's files and its manifest.
fn tar_gz(output: &Output, manifest: &Manifest, mtime: u64) -> io::Result<Vec<u8>> {
    let manifest_bytes = manifest.to_bytes();
    let mut files: BTreeMap<&str, &[u8]> = output.iter().map(|(p, b)| (p.as_str(), b.as_slice())).collect();
    files.insert(MANIFEST, &manifest_bytes);
    // GzBuilder writes mtime 0 and no file name unless told otherwise.
    let gz = GzBuilder::new().mtime(0).write(Vec::new(), Compression::best());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    for (path, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_uid(0);
        header.set_gid(0);
        header.set_mtime(mtime);
        tar.append_data(&mut header, format!("{}/{path}", manifest.label), bytes)?;
    }
    let mut gz = tar.into_inner()?;
    gz.flush()?;
    gz.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::changes::Changes;

    fn manifest() -> Manifest {
        Manifest {
            label: "2025-12-20".into(),
            number: 1,
            date: "2025-12-20".into(),
            note: None,
            tool: "nashra test".into(),
            inputs: "0".into(),
            drafts: false,
            previous: None,
            changes: Changes::default(),
            files: BTreeMap::new(),
        }
    }

    #[test]
    fn archive_is_deterministic_and_holds_every_file_under_the_label() {
        let output: Output =
            [("en/index.html", "hello"), ("assets/style.css", "body{}")].map(|(p, c)| (p.into(), c.into())).into();
        let m = manifest();
        let a = tar_gz(&output, &m, mtime(&m)).unwrap();
        let b = tar_gz(&output, &m, mtime(&m)).unwrap();
        assert_eq!(a, b);
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(a.as_slice()));
        let mut seen = Vec::new();
        for entry in archive.entries().unwrap() {
            let entry = entry.unwrap();
            let h = entry.header();
            assert_eq!((h.uid().unwrap(), h.gid().unwrap(), h.mode().unwrap()), (0, 0, 0o644));
            assert_eq!(h.mtime().unwrap(), 1_766_188_800, "midnight UTC of 2025-12-20");
            seen.push(entry.path().unwrap().to_string_lossy().into_owned());
        }
        assert_eq!(seen, ["2025-12-20/assets/style.css", "2025-12-20/en/index.html", "2025-12-20/snapshot.json"]);
    }
}
