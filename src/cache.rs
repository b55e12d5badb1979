//! The persistent cache: what ingestion made of each article, kept between runs
//! in `.nashra/cache/ingest` under the project, so `check` does not ingest
//! every seed again when little has changed.
//!
//! Ingestion is pure in its inputs, so an entry is keyed by a SHA-256 of
//! exactly those inputs: the seed text, the article's `clean:` block and
//! `lines:` range, and the [`STAMP`] of the binary (its version and the source
//! of ingestion and folding, see build.rs). A changed input gives another key,
//! so a stale entry is never used; it is dropped at the next write.
//!
//! The file is written whole to a temporary file and renamed over the old one,
//! so a reader sees the old cache or the new one, never half of one. It is read
//! tolerantly: a missing, truncated, corrupt (its SHA-256 does not match) or
//! foreign (another stamp) file is an empty cache, never an error.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The binary's ingestion stamp: version and a hash of ingestion's source (build.rs).
const STAMP: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("NASHRA_INGEST_STAMP"));

/// First bytes of a cache file, then the stamp, a newline and the entries.
const MAGIC: &[u8] = b"nashra ingest cache 1\n";

/// The cache's place under the project root (git-ignored: see `nashra init`).
pub const DIR: &str = ".nashra/cache";

/// What `check` needs of one article's ingestion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Names of `clean:` overrides that matched no line.
    pub unmatched: Vec<String>,
    /// The kept body as plain text, folded, for quote validation.
    pub body: String,
}

/// The key of one article's ingestion: SHA-256 of the stamp and every input.
pub type Key = [u8; 32];

/// The key of ingesting `seed` with the article's `clean:` block and `lines:` range.
pub fn key(seed: &str, article: &crate::model::ArticleFile) -> Key {
    let mut h = Sha256::new();
    // Each part is length-prefixed so no two different inputs hash the same bytes.
    for part in [STAMP, seed, &format!("{:?}", article.clean), &format!("{:?}", article.lines)] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().into()
}

/// The entries a previous run left, until this run takes them.
#[derive(Debug)]
pub struct IngestCache {
    path: PathBuf,
    entries: HashMap<Key, Entry>,
    /// How many keys this run asked for that the file does not hold.
    missed: usize,
}

impl IngestCache {
    /// Opens the project's cache; empty when it is missing or unusable.
    pub fn open(root: &Path) -> IngestCache {
        let path = root.join(DIR).join("ingest");
        let entries = std::fs::read(&path).ok().and_then(|bytes| decode(&bytes)).unwrap_or_default();
        IngestCache { path, entries, missed: 0 }
    }

    /// Takes the entry for `key`, if a previous run left one; remembers a miss.
    pub fn take(&mut self, key: &Key) -> Option<Entry> {
        let entry = self.entries.remove(key);
        self.missed += usize::from(entry.is_none());
        entry
    }

    /// Writes `used` (this run's entries) as the new cache, unless the file
    /// already holds exactly those: nothing was missed and nothing is left over.
    pub fn save<'a>(self, used: impl IntoIterator<Item = (&'a Key, &'a Entry)>) -> std::io::Result<()> {
        if self.missed == 0 && self.entries.is_empty() {
            return Ok(());
        }
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let temp = dir.join(format!(".ingest.{}.tmp", std::process::id()));
        let written = std::fs::write(&temp, encode(used)).and_then(|()| std::fs::rename(&temp, &self.path));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp); // best effort: the error reported is the write's
        }
        written
    }
}

/// The file's bytes: magic, stamp, entries in key order, then the SHA-256 of all that.
fn encode<'a>(entries: impl IntoIterator<Item = (&'a Key, &'a Entry)>) -> Vec<u8> {
    let mut entries: Vec<_> = entries.into_iter().collect();
    entries.sort_by_key(|(key, _)| *key);
    entries.dedup_by_key(|(key, _)| *key);
    let mut out = Vec::with_capacity(entries.iter().map(|(_, e)| e.body.len() + 64).sum::<usize>() + 128);
    out.extend_from_slice(MAGIC);
    put_bytes(&mut out, STAMP.as_bytes());
    out.extend_from_slice(&(entries.len() as u64).to_le_bytes());
    for (key, entry) in entries {
        out.extend_from_slice(key);
        out.extend_from_slice(&(entry.unmatched.len() as u64).to_le_bytes());
        for name in &entry.unmatched {
            put_bytes(&mut out, name.as_bytes());
        }
        put_bytes(&mut out, entry.body.as_bytes());
    }
    let digest: [u8; 32] = Sha256::digest(&out).into();
    out.extend_from_slice(&digest);
    out
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

/// The entries of a cache file; `None` when it is not one this binary wrote whole.
fn decode(bytes: &[u8]) -> Option<HashMap<Key, Entry>> {
    let (payload, digest) = bytes.split_at_checked(bytes.len().checked_sub(32)?)?;
    if Sha256::digest(payload).as_slice() != digest {
        return None;
    }
    let mut r = Reader(payload.strip_prefix(MAGIC)?);
    if r.bytes()? != STAMP.as_bytes() {
        return None;
    }
    let count = r.len()?;
    let mut entries = HashMap::with_capacity(count.min(payload.len() / 48));
    for _ in 0..count {
        let key: Key = r.take(32)?.try_into().ok()?;
        let unmatched = (0..r.len()?).map(|_| r.string()).collect::<Option<Vec<_>>>()?;
        let body = r.string()?;
        entries.insert(key, Entry { unmatched, body });
    }
    r.0.is_empty().then_some(entries)
}

/// A cursor over a cache file's bytes; every read fails on truncation.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn len(&mut self) -> Option<usize> {
        usize::try_from(u64::from_le_bytes(self.take(8)?.try_into().ok()?)).ok()
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.len()?;
        self.take(n)
    }

    fn string(&mut self) -> Option<String> {
        crate::load::utf8_string(self.bytes()?.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> HashMap<Key, Entry> {
        let mut m = HashMap::new();
        m.insert([1; 32], Entry { unmatched: vec!["drop[0]".into()], body: "نص مطوي\nسطر".into() });
        m.insert([2; 32], Entry { unmatched: vec![], body: String::new() });
        m
    }

    #[test]
    fn a_file_reads_back_as_written() {
        assert_eq!(decode(&encode(&sample())), Some(sample()));
    }

    #[test]
    fn a_damaged_or_foreign_file_is_no_cache() {
        let good = encode(&sample());
        for cut in [0, 1, MAGIC.len(), good.len() / 2, good.len() - 1] {
            assert_eq!(decode(&good[..cut]), None, "truncated at {cut}");
        }
        for at in [0, MAGIC.len() + 3, good.len() / 2, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 0x20;
            assert_eq!(decode(&bad), None, "byte {at} flipped");
        }
        // A file another version wrote, whole and with a valid digest, is still refused.
        let mut foreign = good[..good.len() - 32].to_vec();
        let stamp_at = MAGIC.len() + 8;
        foreign[stamp_at] ^= 0x01;
        let digest: [u8; 32] = Sha256::digest(&foreign).into();
        foreign.extend_from_slice(&digest);
        assert_eq!(decode(&foreign), None);
    }
}
