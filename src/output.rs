//! The rendered site in memory, and the atomic sink that puts it on disk.
//!
//! Rendering produces files: site path → bytes (an [`Output`] when kept in
//! memory). `build` hands each page to a [`Staging`] as soon as it is
//! rendered: everything goes into a staging folder next to the output, and
//! only a complete tree is swapped in, with one atomic rename.
//! A failed or killed build therefore leaves the previous site exactly as it
//! was. `snapshots/` inside the output (the archive of editions) is carried
//! over by hard links and never rewritten.

use std::collections::{BTreeMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// A rendered site: `/`-separated relative path → file content, sorted.
pub type Output = BTreeMap<String, Vec<u8>>;

/// Where the files of a site go as they are made, from any thread: (site
/// path, bytes). A page's bytes are lent from the buffer it was rendered in:
/// a sink that writes them out copies nothing; one that keeps them, copies them.
pub type Sink<'s> = dyn Fn(String, std::borrow::Cow<'_, [u8]>) + Sync + 's;

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
/// Dropped unfinished (an error, a failed render), it leaves the output
/// exactly as it was.
///
/// The site replaced is not deleted: it is kept next to the output as the
/// *spare* (`.site.spare` for `site/`), and the next build writes into it
/// instead of a new folder. There, a file whose bytes are unchanged is left as
/// it was (same inode, same modification time, which `rsync` and caches see),
/// a changed one is overwritten in place, and what the new site no longer has
/// is removed. On a large site most pages are unchanged between builds, and
/// making and deleting tens of thousands of files is what costs most on some
/// file systems (ext4 without a journal scans every recently deleted inode when
/// it makes a new one; a disk mounted with `discard` trims on each delete).
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    old: PathBuf,
    spare: PathBuf,
    /// Site paths put so far, when `dir` is a previous site being updated
    /// (`None` when it started empty): the rest of its files are stale.
    put: Option<std::sync::Mutex<HashSet<String>>>,
    /// The first write that failed; later files are not attempted.
    failure: std::sync::Mutex<Option<io::Error>>,
    failed: AtomicBool,
    files: AtomicUsize,
    unchanged: AtomicUsize,
    bytes: AtomicU64,
    finished: bool,
}

/// Where the site that `out` replaced is kept for the next build: `.site.spare` next to `site/`.
pub fn spare_of(out: &Path) -> PathBuf {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "site".into());
    out.with_file_name(format!(".{name}.spare"))
}

/// What [`Staging::finish`] put in place.
#[derive(Debug, Clone, Copy)]
pub struct Written {
    /// Files in the site, `snapshots/` not counted.
    pub files: usize,
    /// How many of them the spare already had, byte for byte, and were left untouched.
    pub unchanged: usize,
    /// Bytes of all the files.
    pub bytes: u64,
}

impl Staging {
    /// Starts writing a new version of `out`: into the spare left by the last
    /// build when there is one, else into a new folder.
    pub fn begin(out: &Path) -> io::Result<Staging> {
        let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "site".into());
        let spare = spare_of(out);
        remove_debris(parent, &name, &spare);
        let pid = std::process::id();
        let dir = parent.join(format!(".{name}.staging-{pid}"));
        // Renaming claims the spare: another build running at the same time starts empty.
        let reusing = spare.is_dir() && std::fs::rename(&spare, &dir).is_ok();
        if !reusing {
            std::fs::create_dir(&dir)?;
        }
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            old: parent.join(format!(".{name}.old-{pid}")),
            spare,
            put: reusing.then(Default::default),
            failure: Default::default(),
            failed: AtomicBool::new(false),
            files: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            finished: false,
        })
    }

    /// Writes one file at site path `path`, unless the spare already holds
    /// exactly these bytes there. An error is kept for [`Staging::finish`].
    pub fn put(&self, path: &str, bytes: &[u8]) {
        if self.failed() {
            return;
        }
        let target = self.dir.join(path);
        let result = match &self.put {
            None => write_file(&target, bytes).map(|()| false),
            Some(put) => {
                put.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(path.to_string());
                update_file(&self.dir, &target, bytes)
            }
        };
        match result {
            Ok(unchanged) => {
                self.files.fetch_add(1, Ordering::Relaxed);
                self.unchanged.fetch_add(usize::from(unchanged), Ordering::Relaxed);
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

    /// Removes what the spare had and the new site has not, carries
    /// `snapshots/` over and swaps the staging folder in as the output, keeping
    /// the site it replaces as the next spare; or the first write error, the
    /// output unchanged.
    pub fn finish(mut self) -> io::Result<Written> {
        if let Some(e) = self.failure.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner).take() {
            return Err(e);
        }
        let linked = self.dir.join(SNAPSHOTS);
        if let Some(put) = self.put.take() {
            if linked.is_dir() {
                std::fs::remove_dir_all(&linked)?; // hard links of an older archive: cheap to drop
            }
            remove_stale(&self.dir, &put.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner))?;
        }
        let snapshots = self.out.join(SNAPSHOTS);
        if snapshots.is_dir() {
            link_tree(&snapshots, &linked)?;
        }
        swap(&self.dir, &self.out, &self.old, Some(&self.spare))?;
        self.finished = true;
        Ok(Written { files: *self.files.get_mut(), unchanged: *self.unchanged.get_mut(), bytes: *self.bytes.get_mut() })
    }
}

impl Drop for Staging {
    /// An unfinished site becomes the spare (the next build compares every
    /// file anyway), or is removed when there is one already.
    fn drop(&mut self) {
        if !self.finished && (self.spare.exists() || std::fs::rename(&self.dir, &self.spare).is_err()) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Makes the file at `path` (inside the previous site `root`) hold `bytes`.
/// True when it already did: then it is not touched. A changed file is
/// overwritten in place; a folder, a symbolic link or a file with other hard
/// links at `path` is removed first, never written through.
fn update_file(root: &Path, path: &Path, bytes: &[u8]) -> io::Result<bool> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() && links(&meta) == 1 => {
            if meta.len() == bytes.len() as u64 && std::fs::read(path)? == bytes {
                return Ok(true);
            }
            std::fs::write(path, bytes)?;
        }
        Ok(meta) => {
            if meta.is_dir() {
                std::fs::remove_dir_all(path)?;
            } else {
                std::fs::remove_file(path)?;
            }
            write_file(path, bytes)?;
        }
        Err(_) => {
            if write_file(path, bytes).is_err() {
                clear_way(root, path)?; // a file of the previous site where a folder must be
                write_file(path, bytes)?;
            }
        }
    }
    Ok(false)
}

/// Removes every file or link inside `root` that stands where a folder leading to `path` must be.
fn clear_way(root: &Path, path: &Path) -> io::Result<()> {
    let mut folder = root.to_path_buf();
    let rel = path.strip_prefix(root).map_err(io::Error::other)?;
    for part in rel.parent().into_iter().flat_map(Path::components) {
        folder.push(part);
        if std::fs::symlink_metadata(&folder).is_ok_and(|m| !m.is_dir()) {
            std::fs::remove_file(&folder)?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn links(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(meta)
}

#[cfg(not(unix))]
fn links(_: &std::fs::Metadata) -> u64 {
    1
}

/// Removes from `root` every file whose site path is not in `keep`, and the
/// folders that leaves empty.
fn remove_stale(root: &Path, keep: &HashSet<String>) -> io::Result<()> {
    // The folders that hold a kept file stay; every other one is empty once its
    // content is gone (the walk visits a folder after its content).
    let folders: HashSet<&str> =
        keep.iter().flat_map(|path| path.match_indices('/').map(move |(end, _)| &path[..end])).collect();
    for entry in walkdir::WalkDir::new(root).min_depth(1).contents_first(true) {
        let entry = entry.map_err(io::Error::other)?;
        let rel = entry.path().strip_prefix(root).map_err(io::Error::other)?;
        let rel = rel.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/");
        if entry.file_type().is_dir() {
            if !folders.contains(rel.as_str()) {
                std::fs::remove_dir(entry.path())?;
            }
        } else if !keep.contains(&rel) {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
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
    swap(staging, out, old, None)
}

/// Makes `staging` become `out` in one step. The old tree is renamed to
/// `spare` when given (and removed if that fails), else removed.
fn swap(staging: &Path, out: &Path, old: &Path, spare: Option<&Path>) -> io::Result<()> {
    if !out.exists() {
        return std::fs::rename(staging, out);
    }
    let previous = if exchange(staging, out).is_ok() {
        staging // it now holds the previous site
    } else {
        // No atomic exchange on this platform: two renames, a tiny window.
        std::fs::rename(out, old)?;
        std::fs::rename(staging, out)?;
        old
    };
    match spare {
        Some(spare) if std::fs::rename(previous, spare).is_ok() => Ok(()),
        _ => std::fs::remove_dir_all(previous),
    }
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

/// Clears what killed builds left next to the output: a staging folder or an
/// old tree becomes the spare when there is none (any previous tree will do:
/// the next build compares every file), the others are removed.
fn remove_debris(parent: &Path, name: &str, spare: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let debris = file.starts_with(&format!(".{name}.staging-")) || file.starts_with(&format!(".{name}.old-"));
        if debris && (spare.exists() || std::fs::rename(entry.path(), spare).is_err()) {
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
        assert_eq!(names(tmp.path()), [".site.spare", "site"]);
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> =
            std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[cfg(unix)]
    #[test]
    fn next_build_updates_the_spare_and_never_writes_through_links() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let inode = |path: &str| std::fs::metadata(out.join(path)).unwrap().ino();
        let first =
            [("same.html", "same"), ("index.html", "one"), ("gone/x.html", "x"), ("dir/f.html", "f"), ("a", "a")];
        write_atomically(&first, &out).unwrap();
        let kept = inode("same.html");
        write_atomically(&[("same.html", "same")], &out).unwrap(); // the first tree is now the spare
        // Files outside the site, reachable from the spare by a symbolic and a hard link.
        let spare = tmp.path().join(".site.spare");
        std::fs::write(tmp.path().join("outside"), "mine").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("outside"), spare.join("link.html")).unwrap();
        std::fs::write(tmp.path().join("shared"), "mine too").unwrap();
        std::fs::hard_link(tmp.path().join("shared"), spare.join("index.html.tmp")).unwrap();
        std::fs::rename(spare.join("index.html.tmp"), spare.join("index.html")).unwrap();

        let third = [
            ("same.html", "same"),
            ("index.html", "three"),
            ("link.html", "l"),
            ("dir", "now a file"),
            ("a/b.html", "b"),
        ];
        let written = write_atomically(&third, &out).unwrap();
        assert_eq!((written.files, written.unchanged), (5, 1));
        assert_eq!(inode("same.html"), kept, "an unchanged file was rewritten");
        for (path, content) in third {
            assert_eq!(std::fs::read_to_string(out.join(path)).unwrap(), content, "{path}");
        }
        assert!(!out.join("gone").exists(), "a page the new site has not was kept");
        assert!(std::fs::symlink_metadata(out.join("link.html")).unwrap().is_file());
        assert_eq!(std::fs::read_to_string(tmp.path().join("outside")).unwrap(), "mine");
        assert_eq!(std::fs::read_to_string(tmp.path().join("shared")).unwrap(), "mine too");
        assert_eq!(names(&out), ["a", "dir", "index.html", "link.html", "same.html"]);
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
        // A write that fails (a name too long for the file system) is reported by `finish`, naming the file.
        let long = format!("en/{}.html", "x".repeat(300));
        let failing = write_atomically(&[("en/index.html", "new"), (&long, "")], &out).unwrap_err();
        assert!(failing.to_string().contains(&long), "{failing}");
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "old");
        // What was written became the spare; nothing else is left next to the site.
        assert_eq!(names(tmp.path()), [".site.spare", "site"]);
    }
}
