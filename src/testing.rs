//! Helpers shared by unit tests.

use std::path::PathBuf;

/// A fresh copy of tests/fixtures/valid, the smallest project that builds.
pub fn valid_project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let from = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let target = tmp.path().join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    tmp
}

/// [`valid_project`] with every file last modified `age` ago: old enough
/// for the load cache to trust its stamps (a file changed within a few
/// seconds of being read is read again).
pub fn aged_project(age: std::time::Duration) -> tempfile::TempDir {
    let tmp = valid_project();
    let when = std::time::SystemTime::now() - age;
    for entry in walkdir::WalkDir::new(tmp.path()).into_iter().filter_map(Result::ok) {
        if entry.file_type().is_file() {
            std::fs::File::options().write(true).open(entry.path()).unwrap().set_modified(when).unwrap();
        }
    }
    tmp
}
