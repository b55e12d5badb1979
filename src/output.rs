//! The rendered site in memory, and the atomic sink that puts it on disk.
//!
//! Rendering produces files: site path → bytes (an [`Output`] when kept in
//! memory). `build` hands each page to a [`Staging`] as soon as it is
//! rendered: everything goes into a staging folder next to the output, and
//! only a complete tree is swapped in, with one atomic rename.
//! A failed or killed build therefore leaves the previous site exactly as it
//! was. `snapshots/` inside the output (the archive of editions) is carried
//! over by hard links and never rewritten.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// A rendered site: `/`-separated relative path → file content, sorted.
pub type Output = BTreeMap<String, Vec<u8>>;

/// The folder inside the output that `build` never touches.
pub const SNAPSHOTS: &str = "snapshots";

/// Writes every file of `output` under `dir` (which must not exist yet).
pub fn write_tree(output: &Output, dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    std::fs::create_dir_all(dir)?;
    // The files are independent: writing them from several threads keeps the
    // disk busy while another thread waits in a system call.
    output.par_iter().try_for_each(|(path, bytes)| write_file(&dir.join(path), bytes))
}

/// Writes one file, making its folder first if needed.
fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)?; // one `mkdir` that fails with "exists" for most files
    }
    std::fs::write(path, bytes)
}

/// A site being written: files go into a hidden staging folder next to the
/// output as soon as they are rendered, from any thread, so the whole site is
/// never held in memory; [`Staging::finish`] swaps the complete tree in.
/// Dropped unfinished (an error, a failed render), it removes the staging
/// folder and the output is left exactly as it was.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    old: PathBuf,
    /// The first write that failed; later files are not attempted.
    failure: std::sync::Mutex<Option<io::Error>>,
    failed: AtomicBool,
    files: AtomicUsize,
    bytes: AtomicU64,
    finished: bool,
}

/// What [`Staging::finish`] put in place.
#[derive(Debug, Clone, Copy)]
pub struct Written {
    /// Files written, `snapshots/` not counted.
    pub files: usize,
    /// Their bytes.
    pub bytes: u64,
}

impl Staging {
    /// Starts writing a new version of `out`, removing what killed builds left behind.
    pub fn begin(out: &Path) -> io::Result<Staging> {
        let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "site".into());
        remove_debris(parent, &name);
        let pid = std::process::id();
        let dir = parent.join(format!(".{name}.staging-{pid}"));
        std::fs::create_dir(&dir)?;
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            old: parent.join(format!(".{name}.old-{pid}")),
            failure: Default::default(),
            failed: AtomicBool::new(false),
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            finished: false,
        })
    }

    /// Writes one file at site path `path`. An error is kept for [`Staging::finish`].
    pub fn put(&self, path: &str, bytes: &[u8]) {
        if self.failed() {
            return;
        }
        match write_file(&self.dir.join(path), bytes) {
            Ok(()) => {
                self.files.fetch_add(1, Ordering::Relaxed);
                self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
            }
            Err(e) => {
                let mut failure = self.failure.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                failure.get_or_insert(io::Error::new(e.kind(), format!("{path}: {e}")));
                self.failed.store(true, Ordering::Relaxed);
            }
        }
    }

    /// Whether a write failed: the site cannot be finished, rendering may stop.
    pub fn failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    /// Carries `snapshots/` over and swaps the staging folder in as the output;
    /// or the first write error, the output unchanged.
    pub fn finish(mut self) -> io::Result<Written> {
        if let Some(e) = self.failure.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner).take() {
            return Err(e);
        }
        let snapshots = self.out.join(SNAPSHOTS);
        if snapshots.is_dir() {
            link_tree(&snapshots, &self.dir.join(SNAPSHOTS))?;
        }
        swap_in(&self.dir, &self.out, &self.old)?;
        self.finished = true;
        Ok(Written { files: *self.files.get_mut(), bytes: *self.bytes.get_mut() })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
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

    /// Writes the site `pairs` to `out` the way `build` does.
    fn write_atomically(pairs: &[(&str, &str)], out: &Path) -> io::Result<Written> {
        let staging = Staging::begin(out)?;
        pairs.iter().for_each(|(path, content)| staging.put(path, content.as_bytes()));
        staging.finish()
    }

    #[test]
    fn replaces_site_and_keeps_snapshots() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        write_atomically(&[("index.html", "one"), ("old.html", "x")], &out).unwrap();
        std::fs::create_dir_all(out.join("snapshots/2025-01-01")).unwrap();
        std::fs::write(out.join("snapshots/2025-01-01/index.html"), "edition").unwrap();
        let written = write_atomically(&[("en/index.html", "two"), ("index.html", "three")], &out).unwrap();
        assert_eq!((written.files, written.bytes), (2, 8));
        assert_eq!(std::fs::read_to_string(out.join("en/index.html")).unwrap(), "two");
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "three");
        assert!(!out.join("old.html").exists());
        assert_eq!(std::fs::read_to_string(out.join("snapshots/2025-01-01/index.html")).unwrap(), "edition");
        let debris: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(debris, vec![std::ffi::OsString::from("site")]);
    }

    #[test]
    fn unfinished_or_failed_site_leaves_the_old_one() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        write_atomically(&[("index.html", "old")], &out).unwrap();
        // A render that fails drops its staging folder unfinished.
        let staging = Staging::begin(&out).unwrap();
        staging.put("index.html", b"half");
        drop(staging);
        // A write that fails (a folder where a file is) is reported by `finish`, naming the file.
        let failing = write_atomically(&[("en", "a file"), ("en/index.html", "new")], &out).unwrap_err();
        assert!(failing.to_string().contains("en/index.html"), "{failing}");
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "old");
        let debris: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(debris, vec![std::ffi::OsString::from("site")]);
    }
}
