//! Reading whole files in few system calls, and asking the kernel to read
//! ahead the files a stage is about to read when they are not in memory.

use std::fs::File;
use std::io::{self, ErrorKind, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A whole file's bytes, in four system calls: open, its size, one read and
/// close. `std::fs::read` reads once more to meet the end, and a seed was
/// stat'ed by its path first to see that it is a file: at 10,000 articles,
/// 32,000 of the 116,000 calls that reading the content files and seeds made.
/// `Ok(None)` when the path is not a regular file; it is opened without
/// waiting, so that a pipe does not hang the build waiting for a writer.
pub(super) fn read_file(path: &Path) -> io::Result<Option<Vec<u8>>> {
    read_opened(open(path)?, None)
}

/// [`read_file`] of a file opened. With `ahead`, the first read takes only
/// what memory holds; when the file is not all there, `ahead` is told
/// ([`Folder::cold`]) and the read waits for the disk as any other.
fn read_opened(mut file: File, ahead: Option<&Folder>) -> io::Result<Option<Vec<u8>>> {
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(None);
    }
    let size = usize::try_from(meta.len()).map_err(|_| io::Error::from(ErrorKind::OutOfMemory))?;
    // Room for one byte more than the size: a read that stops short of it at
    // the size has met the end, and one that fills it finds the file grown.
    let mut bytes = vec![0; size.saturating_add(1)];
    let (mut filled, mut read) = (0, false);
    if let Some(ahead) = ahead.filter(|_| size > 0)
        && let Ok(n) = read_cached(&file, &mut bytes)
    {
        (filled, read) = (n, n > 0);
        if n < size {
            ahead.cold();
        }
    }
    loop {
        // A read that stopped at the size, with room for more, met the end.
        if read && filled == size && filled < bytes.len() {
            break;
        }
        if filled == bytes.len() {
            bytes.resize(bytes.len() * 2, 0);
        }
        let n = match file.read(&mut bytes[filled..]) {
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            break;
        }
        (filled, read) = (filled + n, true);
    }
    bytes.truncate(filled);
    Ok(Some(bytes))
}

/// Opens a file for reading without waiting for a pipe's writer. A file
/// another process holds a lease on (a file server's) refuses such an open:
/// it is opened again, waiting for the lease to be broken.
fn open(path: &Path) -> io::Result<File> {
    match std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path) {
        Err(e) if e.kind() == ErrorKind::WouldBlock => File::open(path),
        opened => opened,
    }
}

/// [`open`] of the file `name` (one or more path steps) in the folder `dir`:
/// the kernel walks `name` alone, not the folder's whole path again. At
/// 10,000 articles a `check` opens 20,000 files, and walking their paths
/// was a third of the opening.
#[cfg(target_os = "linux")]
fn open_in(dir: &File, name: &str) -> io::Result<File> {
    use std::os::fd::{AsRawFd, FromRawFd};
    let name = std::ffi::CString::new(name).map_err(|_| io::Error::from(ErrorKind::InvalidInput))?;
    let open = |flags| {
        // SAFETY: `name` is a NUL-terminated string and `dir` an open descriptor,
        // both alive for the call; the descriptor returned is owned by no one else.
        let fd = unsafe { libc::openat(dir.as_raw_fd(), name.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC | flags) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was just opened and nothing else holds it: the file closes it once.
        Ok(unsafe { File::from_raw_fd(fd) })
    };
    match open(libc::O_NONBLOCK) {
        Err(e) if e.kind() == ErrorKind::WouldBlock => open(0),
        opened => opened,
    }
}

/// Reads from the file's position what the page cache holds of it, without
/// waiting for the disk (`RWF_NOWAIT`): how many bytes, 0 when none are there.
/// An error means the system cannot say (an older kernel, another file system).
#[cfg(target_os = "linux")]
fn read_cached(file: &File, bytes: &mut [u8]) -> io::Result<usize> {
    use std::os::fd::AsRawFd;
    let iov = libc::iovec { iov_base: bytes.as_mut_ptr().cast(), iov_len: bytes.len() };
    // SAFETY: `iov` describes `bytes`, which is valid for writes of its length
    // for the call's duration; offset -1 reads from (and moves) the file's position.
    let n = unsafe { libc::preadv2(file.as_raw_fd(), &iov, 1, -1, libc::RWF_NOWAIT) };
    match usize::try_from(n) {
        Ok(n) => Ok(n),
        Err(_) => match io::Error::last_os_error() {
            e if e.kind() == ErrorKind::WouldBlock => Ok(0),
            e => Err(e),
        },
    }
}

#[cfg(not(target_os = "linux"))]
fn read_cached(_: &File, _: &mut [u8]) -> io::Result<usize> {
    Err(ErrorKind::Unsupported.into())
}

/// The files of one folder a stage is about to read, in the order it reads
/// them. Each is opened by its name in the folder, which is opened once.
///
/// When one of them is not in memory ([`read_opened`] says so), the page
/// cache is cold (a first run after a reboot or a fresh clone, or files the
/// system let go of while idle), and one read at a time per core would wait
/// for the disk file after file: a `check` at 10,000 articles with nothing
/// cached took 2.6–3.2 s against 0.9–1.0 s with everything cached. So a
/// thread of its own then asks the kernel to read every listed file ahead
/// (`posix_fadvise(WILLNEED)`, which queues the reads without waiting for
/// them), the disk serves them many at a time, and that `check` takes 1.3 s.
/// When every file is in memory, nothing is asked.
pub struct Folder<'a> {
    /// The folder's path.
    path: PathBuf,
    /// The folder, opened, when the system opens files relative to it.
    dir: Option<Arc<File>>,
    /// The files' names in the folder.
    names: Vec<&'a str>,
    asked: AtomicBool,
}

impl<'a> Folder<'a> {
    /// The files `names` of the folder at `path`. The folder is opened only
    /// as a place to open files from (`O_PATH`): a folder that can be entered
    /// but not listed is opened too, and a path that is not a folder (a pipe
    /// would wait for a writer) is not opened, its files opened by path.
    pub fn new(path: PathBuf, names: Vec<&'a str>) -> Folder<'a> {
        #[cfg(target_os = "linux")]
        let dir = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_PATH | libc::O_DIRECTORY)
            .open(&path)
            .ok()
            .map(Arc::new);
        #[cfg(not(target_os = "linux"))]
        let dir = None;
        Folder { path, dir, names, asked: AtomicBool::new(false) }
    }

    /// The path of the file `name` of the folder.
    pub fn path_of(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// The file `name` of the folder, as [`read_file`] reads it.
    pub fn read(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
        read_opened(self.open(name)?, Some(self))
    }

    fn open(&self, name: &str) -> io::Result<File> {
        open_named(&self.path, self.dir.as_deref(), name)
    }

    /// A listed file was not in memory: the others are asked for, once.
    fn cold(&self) {
        if self.asked.swap(true, Ordering::Relaxed) {
            return;
        }
        let (path, dir) = (self.path.clone(), self.dir.clone());
        let names: Vec<String> = self.names.iter().map(|name| name.to_string()).collect();
        // Left to run on its own: it waits for no read, and a hint given
        // after the stage is over costs nothing.
        let spawned = std::thread::Builder::new()
            .name("read-ahead".into())
            .spawn(move || names.iter().for_each(|name| hint(open_named(&path, dir.as_deref(), name))));
        drop(spawned); // without the hints, the files are read as before
    }
}

/// `f` of each item, in the items' order, worked out on every core: the
/// cores take runs of `per_job` items one after the other, from the first
/// run to the last. A [`Folder`] asks for its files ahead in that order, and
/// a stage reads its files in its items' order: every core then finds the
/// files it reads asked for. (`par_iter` halves the items between the cores:
/// a second core started in the middle, where the read-ahead came last, and
/// waited for the disk file by file. With the files not in memory, 32
/// alternated `check`s at 10,000 articles: mean 0.976 -> 0.947 s.)
pub fn map_in_order<T: Sync, R: Send>(items: &[T], per_job: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use rayon::prelude::*;
    let mut runs: Vec<(usize, Vec<R>)> = items
        .chunks(per_job.max(1))
        .enumerate()
        .par_bridge() // the runs are handed out in order, as the cores ask for them
        .map(|(i, run)| (i, run.iter().map(&f).collect()))
        .collect();
    runs.sort_unstable_by_key(|(i, _)| *i);
    runs.into_iter().flat_map(|(_, run)| run).collect()
}

/// The file `name` of the folder at `path`, opened relative to `dir` (the
/// folder, opened) when there is one.
#[cfg_attr(not(target_os = "linux"), allow(unused_variables))]
fn open_named(path: &Path, dir: Option<&File>, name: &str) -> io::Result<File> {
    #[cfg(target_os = "linux")]
    if let Some(dir) = dir {
        return open_in(dir, name);
    }
    open(&path.join(name))
}

/// Asks the kernel to read a whole file into memory, without waiting for it.
#[cfg_attr(not(target_os = "linux"), allow(unused_variables))]
fn hint(file: io::Result<File>) {
    #[cfg(target_os = "linux")]
    if let Ok(file) = file {
        use std::os::fd::AsRawFd;
        // SAFETY: a plain call on a descriptor that `file` keeps open for its duration.
        unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_WILLNEED) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_file_reads_whole_files_and_waits_for_no_pipe() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("sub")).unwrap();
        let folder = Folder::new(tmp.path().to_path_buf(), vec![]);
        // Empty, within a page, a whole page, and many pages; by path, and by
        // name in the folder, with read-ahead; in the folder and below it.
        for size in [0, 1, 4095, 4096, 200_000] {
            for name in [format!("f{size}"), format!("sub/f{size}")] {
                let path = tmp.path().join(&name);
                let bytes: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
                std::fs::write(&path, &bytes).unwrap();
                assert_eq!(read_file(&path).unwrap().as_ref(), Some(&bytes), "{name}");
                assert_eq!(folder.read(&name).unwrap(), Some(bytes), "{name} in the folder");
            }
        }
        assert_eq!(read_file(tmp.path()).unwrap(), None, "a folder");
        assert_eq!(folder.read("sub").unwrap(), None, "a folder in the folder");
        let pipe = tmp.path().join("pipe");
        assert!(std::process::Command::new("mkfifo").arg(&pipe).status().unwrap().success());
        assert_eq!(read_file(&pipe).unwrap(), None, "a pipe is not read, nor waited on for a writer");
        assert_eq!(folder.read("pipe").unwrap(), None, "nor in the folder");
        hint(folder.open("pipe")); // nor waited on when asked ahead
        for absent in [read_file(&tmp.path().join("absent")), folder.read("absent")] {
            assert_eq!(absent.unwrap_err().kind(), std::io::ErrorKind::NotFound);
        }
        let nul = folder.read("a\0b").unwrap_err();
        assert_eq!(nul.kind(), std::io::ErrorKind::InvalidInput, "a name the system cannot take");
        // A folder that is a pipe is not waited on: its files are not there.
        let not_folder = Folder::new(pipe.clone(), vec!["f0"]);
        assert!(not_folder.dir.is_none());
        assert_eq!(not_folder.read("f0").unwrap_err().kind(), std::io::ErrorKind::NotADirectory);
        // A folder whose files can be opened but that cannot be listed is opened.
        let sub = tmp.path().join("sub");
        std::fs::set_permissions(&sub, std::os::unix::fs::PermissionsExt::from_mode(0o111)).unwrap();
        let entered = Folder::new(sub.clone(), vec![]);
        #[cfg(target_os = "linux")]
        assert!(entered.dir.is_some());
        assert_eq!(entered.read("f1").unwrap(), Some(vec![0]));
        std::fs::set_permissions(&sub, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    }

    #[test]
    fn map_in_order_keeps_the_items_order() {
        for (n, per_job) in [(0, 4), (1, 4), (7, 1), (100, 16), (1000, 7), (33, 0)] {
            let items: Vec<usize> = (0..n).collect();
            let mapped = map_in_order(&items, per_job, |&i| i * 3);
            assert_eq!(mapped, items.iter().map(|i| i * 3).collect::<Vec<_>>(), "{n} items, {per_job} a job");
        }
    }

    /// A file the page cache let go of is read whole, and the others listed are asked for.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_not_in_memory_asks_for_the_rest() {
        use std::os::fd::AsRawFd;
        // Beside the test binary, in the build's folder on a disk: the system's
        // temporary folder may be in memory (tmpfs), which never lets go of a file.
        let built = std::env::current_exe().unwrap();
        let tmp = tempfile::tempdir_in(built.parent().unwrap()).unwrap();
        let names = ["a.txt", "b.txt"];
        let bytes: Vec<u8> = (0..100_000).map(|i| (i % 251) as u8).collect();
        for name in names {
            std::fs::write(tmp.path().join(name), &bytes).unwrap();
        }
        let ahead = Folder::new(tmp.path().to_path_buf(), names.to_vec());
        assert_eq!(ahead.read("a.txt").unwrap().as_ref(), Some(&bytes));
        assert!(!ahead.asked.load(Ordering::Relaxed), "a file in memory asks for nothing");
        // Written to the disk, then dropped from memory.
        let file = std::fs::File::open(tmp.path().join("b.txt")).unwrap();
        file.sync_all().unwrap();
        // SAFETY: a plain call on a descriptor `file` keeps open.
        assert_eq!(unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) }, 0);
        assert_eq!(ahead.read("b.txt").unwrap(), Some(bytes));
        // (A file system that keeps every file in memory, or cannot say what it
        // holds without waiting, would fail here: the build folder is on a disk.)
        assert!(ahead.asked.load(Ordering::Relaxed), "a file not in memory asks for the others");
    }
}
