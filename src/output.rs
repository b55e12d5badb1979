//! The rendered site in memory, and the atomic sink that puts it on disk.
//!
//! Rendering produces an [`Output`]: site path → bytes. `build` writes it with
//! [`write_atomically`]: everything goes into a staging folder next to the
//! output, and only a complete tree is swapped in, with one atomic rename.
//! A failed or killed build therefore leaves the previous site exactly as it
//! was. `snapshots/` inside the output (the archive of editions) is carried
//! over by hard links and never rewritten.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// A rendered site: `/`-separated relative path → file content, sorted.
pub type Output = BTreeMap<String, Vec<u8>>;

/// The folder inside the output that `build` never touches.
pub const SNAPSHOTS: &str = "snapshots";

/// Writes `output` to `out`, replacing its previous content atomically.
/// `out/snapshots/` survives unchanged.
pub fn write_atomically(output: &Output, out: &Path) -> io::Result<()> {
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "site".into());
    remove_debris(parent, &name);
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.staging-{pid}"));
    let result = (|| {
        write_tree(output, &staging)?;
        let snapshots = out.join(SNAPSHOTS);
        if snapshots.is_dir() {
            link_tree(&snapshots, &staging.join(SNAPSHOTS))?;
        }
        swap_in(&staging, out, &parent.join(format!(".{name}.old-{pid}")))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

/// Writes every file of `output` under `dir` (which must not exist yet).
pub fn write_tree(output: &Output, dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    std::fs::create_dir_all(dir)?;
    let mut made: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    for path in output.keys() {
        if let Some(p) = dir.join(path).parent()
            && made.insert(p.to_path_buf())
        {
            std::fs::create_dir_all(p)?;
        }
    }
    // Folders exist: the files are independent, and writing them from several threads
    // keeps the disk busy while another thread waits in a system call.
    let files: Vec<(&String, &Vec<u8>)> = output.iter().collect();
    files.par_iter().try_for_each(|(path, bytes)| std::fs::write(dir.join(path), bytes))
}

/// Recreates the folder tree of `from` under `to`, hard-linking its files.
fn link_tree(from: &Path, to: &Path) -> io::Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.map_err(io::Error::other)?;
        let rel = entry.path().strip_prefix(from).map_err(io::Error::other)?;
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)?;
        } else if std::fs::hard_link(entry.path(), &target).is_err() {
            std::fs::copy(entry.path(), &target)?; // another file system: copy
        }
    }
    Ok(())
}

/// Makes `staging` become `out` in one step; the old tree is removed after.
pub fn swap_in(staging: &Path, out: &Path, old: &Path) -> io::Result<()> {
    if !out.exists() {
        return std::fs::rename(staging, out);
    }
    if exchange(staging, out).is_ok() {
        // `staging` now holds the previous site.
        return std::fs::remove_dir_all(staging);
    }
    // No atomic exchange on this platform: two renames, a tiny window.
    std::fs::rename(out, old)?;
    std::fs::rename(staging, out)?;
    std::fs::remove_dir_all(old)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are valid NUL-terminated strings for the call's duration.
    let rc =
        unsafe { libc::renameat2(libc::AT_FDCWD, ca.as_ptr(), libc::AT_FDCWD, cb.as_ptr(), libc::RENAME_EXCHANGE) };
    if rc == 0 { Ok(()) } else { Err(io::Error::last_os_error()) }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::other("no atomic exchange"))
}

/// Removes staging and old trees that killed builds left behind.
fn remove_debris(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if file.starts_with(&format!(".{name}.staging-")) || file.starts_with(&format!(".{name}.old-")) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(pairs: &[(&str, &str)]) -> Output {
        pairs.iter().map(|(p, c)| (p.to_string(), c.as_bytes().to_vec())).collect()
    }

    #[test]
    fn replaces_site_and_keeps_snapshots() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        write_atomically(&site(&[("index.html", "one"), ("old.html", "x")]), &out).unwrap();
        std::fs::create_dir_all(out.join("snapshots/2025-01-01")).unwrap();
        std::fs::write(out.join("snapshots/2025-01-01/index.html"), "edition").unwrap();
        write_atomically(&site(&[("index.html", "two")]), &out).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(!out.join("old.html").exists());
        assert_eq!(std::fs::read_to_string(out.join("snapshots/2025-01-01/index.html")).unwrap(), "edition");
        let debris: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(debris, vec![std::ffi::OsString::from("site")]);
    }
}
