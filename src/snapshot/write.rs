//! Puts an edition on disk all at once: everything is written into a hidden
//! staging folder next to it, then renamed into place. A killed snapshot
//! leaves only hidden debris, which the next one removes; never a half edition.

use super::manifest::{MANIFEST, Manifest};
use crate::output::{self, Output};
use std::io;
use std::path::Path;

/// Writes `output` plus `snapshot.json` as `dir/<label>/`, replacing an
/// existing edition of that label only after the new one is complete.
pub fn publish(output: &Output, manifest: &Manifest, dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    remove_debris(dir);
    let label = &manifest.label;
    let pid = std::process::id();
    let staging = dir.join(format!(".{label}.staging-{pid}"));
    let result = (|| {
        output::write_tree(output, &staging)?;
        std::fs::write(staging.join(MANIFEST), manifest.to_bytes())?;
        output::swap_in(&staging, &dir.join(label), &dir.join(format!(".{label}.old-{pid}")))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

/// Removes staging folders, old trees and partial archives that killed snapshots left behind.
fn remove_debris(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') {
            continue;
        }
        if name.contains(".staging-") || name.contains(".old-") {
            let _ = std::fs::remove_dir_all(entry.path());
        } else if name.contains(".tar.gz.partial-") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
