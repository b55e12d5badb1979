//! The persistent cache: what ingestion made of each article, kept between runs
//! in `.nashra/cache/ingest` under the project, so `check`, `build`, `snapshot`
//! and the first build of `serve` do not ingest every seed again when little
//! has changed.
//!
//! Ingestion is pure in its inputs, so an entry is keyed by a SHA-256 of
//! exactly those inputs: the seed text, the article's `clean:` block and
//! `lines:` range, and the [`STAMP`] of the binary (its version and the source
//! of ingestion and folding, see build.rs). A changed input gives another key,
//! so a stale entry is never used; it is dropped at the next write. An entry
//! holds what `check` needs first, then the whole extraction ([`codec`]).
//!
//! The file is written whole to a temporary file and renamed over the old one,
//! so a reader sees the old cache or the new one, never half of one. It is read
//! tolerantly: a missing, truncated, corrupt (a SHA-256 does not match) or
//! foreign (another stamp or format) file is an empty cache, never an error.
//!
//! Layout: [`MAGIC`]; the stamp (u64 length, bytes); the entry count (u64); a
//! table of one row per entry in key order (key, u64 length, SHA-256 of the
//! entry); the SHA-256 of everything so far; then the entries, back to back in
//! table order, to the end of the file. Every entry's SHA-256 is checked on
//! open, on every core; the table lets each be found and decoded on its own.

mod codec;

use crate::ingest::Extraction;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The binary's ingestion stamp: version and a hash of ingestion's source (build.rs).
const STAMP: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("NASHRA_INGEST_STAMP"));

/// First bytes of a cache file; the number is the layout's version.
const MAGIC: &[u8] = b"nashra ingest cache 2\n";

/// Bytes of one table row: key, length, digest.
const ROW: usize = 32 + 8 + 32;

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

/// One article's ingestion encoded for the cache, with the SHA-256 of its bytes.
#[derive(Debug)]
pub struct Encoded {
    bytes: Vec<u8>,
    digest: [u8; 32],
}

impl Encoded {
    /// Encodes what `check` needs (`unmatched`, the folded `body`) and the extraction.
    pub fn new(unmatched: &[String], body: &str, doc: &Extraction) -> Encoded {
        let bytes = codec::encode(unmatched, body, doc);
        Encoded { digest: Sha256::digest(&bytes).into(), bytes }
    }
}

/// Where a stored entry is in the file, for [`IngestCache::entry`] and [`IngestCache::ingestion`].
#[derive(Clone, Debug)]
pub struct Stored(Range<usize>);

/// One entry of the file as read.
#[derive(Debug)]
struct Slot {
    range: Range<usize>,
    digest: [u8; 32],
    /// Whether this run took it (then it is written again).
    used: bool,
}

/// The entries a previous run left, and those this run adds.
#[derive(Debug)]
pub struct IngestCache {
    path: PathBuf,
    /// The file's bytes (empty when there was no usable file).
    bytes: Vec<u8>,
    /// Where each entry of `bytes` is.
    slots: HashMap<Key, Slot>,
    /// Entries this run ingested anew.
    fresh: HashMap<Key, Encoded>,
}

impl IngestCache {
    /// Opens the project's cache; empty when it is missing or unusable.
    pub fn open(root: &Path) -> IngestCache {
        let path = root.join(DIR).join("ingest");
        let bytes = read_own(&path).unwrap_or_default();
        let slots = read_table(&bytes).unwrap_or_default();
        let bytes = if slots.is_empty() { Vec::new() } else { bytes };
        IngestCache { path, bytes, slots, fresh: HashMap::new() }
    }

    /// Where the entry for `key` is, if a previous run left one; it is then kept
    /// at the next write.
    pub fn take(&mut self, key: &Key) -> Option<Stored> {
        let slot = self.slots.get_mut(key)?;
        slot.used = true;
        Some(Stored(slot.range.clone()))
    }

    /// What `check` needs of a stored entry (the rest is not decoded).
    pub fn entry(&self, stored: &Stored) -> Option<Entry> {
        codec::decode_entry(self.bytes.get(stored.0.clone())?)
    }

    /// The whole of a stored entry: unmatched overrides, folded body, extraction.
    pub fn ingestion(&self, stored: &Stored) -> Option<(Vec<String>, &str, Extraction)> {
        codec::decode(self.bytes.get(stored.0.clone())?)
    }

    /// Adds an entry this run ingested (anew, or again because the stored one did not decode).
    pub fn put(&mut self, key: Key, entry: Encoded) {
        self.fresh.insert(key, entry);
    }

    /// Writes the entries this run took or put as the new cache, unless the
    /// file already holds exactly those. True when it wrote the file.
    pub fn save(self) -> std::io::Result<bool> {
        if self.fresh.is_empty() && self.slots.values().all(|slot| slot.used) {
            return Ok(false);
        }
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let temp = dir.join(format!(".ingest.{}.tmp", std::process::id()));
        let written = self.write(&temp).and_then(|()| std::fs::rename(&temp, &self.path));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp); // best effort: the error reported is the write's
        }
        written.map(|()| true)
    }

    /// Writes the file to `temp`: header and table, then the entries, taken
    /// from the old file's bytes or from this run's, without copying them.
    fn write(&self, temp: &Path) -> std::io::Result<()> {
        let used = self.slots.iter().filter(|(key, slot)| slot.used && !self.fresh.contains_key(*key));
        let mut entries: Vec<(&Key, &[u8], &[u8; 32])> = used
            .filter_map(|(key, slot)| Some((key, self.bytes.get(slot.range.clone())?, &slot.digest)))
            .chain(self.fresh.iter().map(|(key, e)| (key, e.bytes.as_slice(), &e.digest)))
            .collect();
        entries.sort_unstable_by_key(|(key, _, _)| *key);
        let mut head = Vec::with_capacity(MAGIC.len() + STAMP.len() + 16 + entries.len() * ROW + 32);
        head.extend_from_slice(MAGIC);
        head.extend_from_slice(&(STAMP.len() as u64).to_le_bytes());
        head.extend_from_slice(STAMP.as_bytes());
        head.extend_from_slice(&(entries.len() as u64).to_le_bytes());
        for (key, bytes, digest) in &entries {
            head.extend_from_slice(*key);
            head.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            head.extend_from_slice(*digest);
        }
        let digest: [u8; 32] = Sha256::digest(&head).into();
        head.extend_from_slice(&digest);
        let mut file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(temp)?);
        file.write_all(&head)?;
        for (_, bytes, _) in &entries {
            file.write_all(bytes)?;
        }
        // No fsync: after a crash a half-written file fails its digests and is no cache.
        file.flush()
    }
}

/// The bytes of the file at `path` when it starts as this binary's files do: a
/// file another version of nashra wrote is not read past its first bytes.
fn read_own(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let size = usize::try_from(file.metadata().ok()?.len()).ok()?;
    let mut expected = MAGIC.to_vec();
    expected.extend_from_slice(&(STAMP.len() as u64).to_le_bytes());
    expected.extend_from_slice(STAMP.as_bytes());
    let mut bytes = Vec::with_capacity(size);
    (&mut file).take(expected.len() as u64).read_to_end(&mut bytes).ok()?;
    if bytes != expected {
        return None;
    }
    file.read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// Where each entry of a cache file is; `None` when the file is not one this
/// binary wrote whole (any digest that does not match, any length that does not add up).
fn read_table(bytes: &[u8]) -> Option<HashMap<Key, Slot>> {
    use rayon::prelude::*;
    let mut r = codec::Reader(bytes.strip_prefix(MAGIC)?);
    let stamp_len = usize::try_from(u64_of(r.take(8)?)?).ok()?;
    let stamp = r.take(stamp_len)?;
    if stamp != STAMP.as_bytes() {
        return None;
    }
    let count = usize::try_from(u64_of(r.take(8)?)?).ok()?;
    let table = r.take(count.checked_mul(ROW)?)?;
    let head = bytes.len() - r.0.len();
    if Sha256::digest(&bytes[..head]).as_slice() != r.take(32)? {
        return None;
    }
    let mut at = bytes.len() - r.0.len();
    let mut slots = HashMap::with_capacity(count);
    for row in table.chunks_exact(ROW) {
        let (key, rest) = row.split_at(32);
        let (len, digest) = rest.split_at(8);
        let end = at.checked_add(usize::try_from(u64_of(len)?).ok()?)?;
        let slot = Slot { range: at..end, digest: digest.try_into().ok()?, used: false };
        slots.insert(key.try_into().ok()?, slot);
        at = end;
    }
    if at != bytes.len() || slots.len() != count {
        return None;
    }
    let intact = slots.par_iter().all(|(_, slot)| Sha256::digest(&bytes[slot.range.clone()]).as_slice() == slot.digest);
    intact.then_some(slots)
}

fn u64_of(bytes: &[u8]) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<(Key, Entry, Extraction)> {
        let seed = "عنوان الخبر المهم اليوم\n\nقال المسؤولون في بيان رسمي إن الاجتماع انتهى دون نتائج.\n";
        let doc = crate::ingest::extract(seed);
        vec![
            ([1; 32], Entry { unmatched: vec!["drop[0]".into()], body: "نص مطوي\nسطر".into() }, doc.clone()),
            ([2; 32], Entry { unmatched: vec![], body: String::new() }, crate::ingest::extract("")),
            ([3; 32], Entry { unmatched: vec![], body: "x".into() }, doc),
        ]
    }

    /// A cache in `dir` holding `entries`, saved; the file's bytes.
    fn saved(dir: &Path, entries: &[(Key, Entry, Extraction)]) -> Vec<u8> {
        let mut cache = IngestCache::open(dir);
        for (key, entry, doc) in entries {
            cache.put(*key, Encoded::new(&entry.unmatched, &entry.body, doc));
        }
        assert!(cache.save().unwrap());
        std::fs::read(dir.join(DIR).join("ingest")).unwrap()
    }

    fn read_back(dir: &Path, keys: &[Key]) -> Vec<Option<(Entry, Extraction)>> {
        let mut cache = IngestCache::open(dir);
        keys.iter()
            .map(|key| {
                let stored = cache.take(key)?;
                let entry = cache.entry(&stored)?;
                let (unmatched, body, doc) = cache.ingestion(&stored)?;
                assert_eq!(entry, Entry { unmatched, body: body.to_string() });
                Some((entry, doc))
            })
            .collect()
    }

    #[test]
    fn a_file_reads_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        saved(dir.path(), &sample());
        let back = read_back(dir.path(), &[[1; 32], [2; 32], [3; 32], [4; 32]]);
        for ((_, entry, doc), back) in sample().iter().zip(&back) {
            let (e, d) = back.as_ref().expect("stored");
            assert_eq!(e, entry);
            assert_eq!((&d.title, &d.blocks, &d.lines), (&doc.title, &doc.blocks, &doc.lines));
        }
        assert!(back[3].is_none(), "a key never stored");
    }

    #[test]
    fn only_what_this_run_used_is_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let whole = saved(dir.path(), &sample());
        // Every entry used: nothing to write.
        let mut cache = IngestCache::open(dir.path());
        for (key, _, _) in sample() {
            cache.take(&key).unwrap();
        }
        assert!(!cache.save().unwrap());
        // One left unused: it is dropped; the others are copied as they were.
        let mut cache = IngestCache::open(dir.path());
        cache.take(&[1; 32]).unwrap();
        cache.take(&[3; 32]).unwrap();
        assert!(cache.save().unwrap());
        let smaller = std::fs::read(dir.path().join(DIR).join("ingest")).unwrap();
        assert!(smaller.len() < whole.len());
        let back = read_back(dir.path(), &[[1; 32], [2; 32], [3; 32]]);
        assert!(back[0].is_some() && back[1].is_none() && back[2].is_some());
        // The same entries written from scratch give the same bytes.
        let again = tempfile::tempdir().unwrap();
        let fresh: Vec<_> = sample().into_iter().filter(|(key, _, _)| *key != [2; 32]).collect();
        assert_eq!(saved(again.path(), &fresh), smaller);
    }

    #[test]
    fn a_damaged_or_foreign_file_is_no_cache() {
        let dir = tempfile::tempdir().unwrap();
        let good = saved(dir.path(), &sample());
        assert!(read_table(&good).is_some());
        for cut in [0, 1, MAGIC.len(), good.len() / 2, good.len() - 1] {
            assert!(read_table(&good[..cut]).is_none(), "truncated at {cut}");
        }
        let mut longer = good.clone();
        longer.push(0);
        assert!(read_table(&longer).is_none(), "a byte too many");
        for at in [0, MAGIC.len() + 3, good.len() / 2, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 0x20;
            assert!(read_table(&bad).is_none(), "byte {at} flipped");
        }
        // A file another version wrote, whole and with valid digests, is still refused.
        let mut foreign = good.clone();
        let stamp_at = MAGIC.len() + 8;
        foreign[stamp_at] ^= 0x01;
        let head = MAGIC.len() + 8 + STAMP.len() + 8 + sample().len() * ROW;
        let digest: [u8; 32] = Sha256::digest(&foreign[..head]).into();
        foreign[head..head + 32].copy_from_slice(&digest);
        assert!(read_table(&foreign).is_none());
        // Opening a damaged file gives an empty cache.
        std::fs::write(dir.path().join(DIR).join("ingest"), &good[..good.len() - 1]).unwrap();
        assert!(read_back(dir.path(), &[[1; 32]])[0].is_none());
    }
}
