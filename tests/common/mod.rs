//! Helpers shared by the integration tests: run the real binary on fixture projects.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary under test.
pub fn nashra() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nashra"))
}

/// `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Copies a folder tree (symlinks are recreated as symlinks).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.path_is_symlink() {
            let link = std::fs::read_link(entry.path()).unwrap();
            let _ = std::fs::remove_file(&target);
            std::os::unix::fs::symlink(link, &target).unwrap();
        } else if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A fresh copy of the valid fixture project in a temporary folder.
pub fn valid_project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixture("valid"), tmp.path());
    tmp
}

/// Runs `nashra --project DIR args…`.
pub fn run(project: &Path, args: &[&str]) -> Output {
    nashra().arg("--project").arg(project).args(args).output().unwrap()
}

/// stdout + stderr as text.
pub fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// A digest of every path and file content under `dir`.
#[allow(dead_code)] // not every test binary compares trees
pub fn tree_digest(dir: &Path) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        h.update(e.path().strip_prefix(dir).unwrap().to_string_lossy().as_bytes());
        if e.file_type().is_file() {
            h.update(std::fs::read(e.path()).unwrap());
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A file's text.
#[allow(dead_code)] // not every test binary reads files
pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}
