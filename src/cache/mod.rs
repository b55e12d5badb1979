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
//! tolerantly: a missing, truncated, corrupt (the header's or the table's
//! SHA-256 does not match) or foreign (another stamp or format) file is an
//! empty cache, never an error; an entry whose own SHA-256 does not match is
//! left out, and only that seed is ingested again.
//!
//! Layout: [`MAGIC`]; the stamp (u64 length, bytes); the entry count (u64); a
//! table of one row per entry in key order (key, then the u64 length and the
//! SHA-256 of its head and of its document, see [`codec`]); the SHA-256 of
//! everything so far; then every head, back to back in table order; then every
//! document likewise, to the end of the file. `check` reads the heads alone;
//! `build` reads everything. What is read has every digest checked on open, on
//! every core; the table lets each entry be found and decoded on its own.

mod codec;

use crate::ingest::{ArticleText, Extraction};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The binary's ingestion stamp: version and a hash of ingestion's source (build.rs).
const STAMP: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("NASHRA_INGEST_STAMP"));

/// First bytes of a cache file; the number is the layout's version.
const MAGIC: &[u8] = b"nashra ingest cache 2\n";

/// Bytes of one table row: key, then length and digest of the head and of the document.
const ROW: usize = 32 + 2 * (8 + 32);

/// The cache's place under the project root (git-ignored: see `nashra init`).
pub const DIR: &str = ".nashra/cache";

/// What `check` needs of one article's ingestion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Names of `clean:` overrides that matched no line.
    pub unmatched: Vec<String>,
    /// The kept body as plain text, for quote validation.
    pub body: String,
}

/// The key of one article's ingestion: SHA-256 of the stamp and every input.
pub type Key = [u8; 32];

/// A SHA-256.
type Digest256 = [u8; 32];

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

/// How much of the file a command reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The heads alone: what `check` needs.
    Heads,
    /// Heads and documents: what `build` needs.
    Whole,
}

/// One article's ingestion encoded for the cache: its head and its document,
/// each with the SHA-256 of its bytes.
#[derive(Debug)]
pub struct Encoded {
    head: (Vec<u8>, Digest256),
    doc: (Vec<u8>, Digest256),
}

impl Encoded {
    /// Encodes what `check` needs (`unmatched`, the `body`) and the extraction.
    pub fn new(unmatched: &[String], body: &str, doc: &Extraction) -> Encoded {
        let with_digest = |bytes: Vec<u8>| {
            let digest = Sha256::digest(&bytes).into();
            (bytes, digest)
        };
        Encoded { head: with_digest(codec::encode_head(unmatched, body)), doc: with_digest(codec::encode_doc(doc)) }
    }
}

/// Where a stored entry's head and document are in the file.
#[derive(Clone, Debug)]
pub struct Stored {
    head: Range<usize>,
    doc: Range<usize>,
}

/// One entry of the file as read.
#[derive(Debug)]
struct Slot {
    stored: Stored,
    /// SHA-256 of the head and of the document.
    digests: [Digest256; 2],
    /// Whether this run took it (then it is written again).
    used: bool,
}

impl Slot {
    fn head_intact(&self, bytes: &[u8]) -> bool {
        intact(bytes, &self.stored.head, &self.digests[0])
    }

    fn doc_intact(&self, bytes: &[u8]) -> bool {
        intact(bytes, &self.stored.doc, &self.digests[1])
    }
}

/// Whether `range` of `bytes` is there and has this SHA-256.
fn intact(bytes: &[u8], range: &Range<usize>, digest: &Digest256) -> bool {
    bytes.get(range.clone()).is_some_and(|b| Sha256::digest(b).as_slice() == digest)
}

/// A cache file's bytes: read into memory piece by piece ([`Part::Heads`]), or
/// mapped whole ([`Part::Whole`]). A build reads hundreds of megabytes of
/// documents; mapped, they are the kernel's cached pages of the file, not a
/// copy in fresh memory the kernel must zero first (docs/PERFORMANCE.md).
#[derive(Debug)]
enum Bytes {
    Read(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl Default for Bytes {
    fn default() -> Bytes {
        Bytes::Read(Vec::new())
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Read(bytes) => bytes,
            Bytes::Mapped(map) => map,
        }
    }
}

/// The entries a previous run left, and those this run adds.
#[derive(Debug)]
pub struct IngestCache {
    path: PathBuf,
    /// The file as far as it was read (empty when there was no usable file).
    bytes: Bytes,
    /// The file, while its documents are unread ([`Part::Heads`]): a write copies them from it.
    unread: Option<File>,
    /// Where each entry of `bytes` is.
    slots: HashMap<Key, Slot>,
    /// Entries this run ingested anew.
    fresh: HashMap<Key, Encoded>,
}

impl IngestCache {
    /// Opens the project's cache, reading `part` of it; empty when it is missing or unusable.
    pub fn open(root: &Path, part: Part) -> IngestCache {
        let path = root.join(DIR).join("ingest");
        let (bytes, slots, unread) = read(&path, part).unwrap_or_default();
        IngestCache { path, bytes, unread, slots, fresh: HashMap::new() }
    }

    /// Where the entry for `key` is, if a previous run left one; it is then kept
    /// at the next write.
    pub fn take(&mut self, key: &Key) -> Option<Stored> {
        let stored = self.peek(key)?;
        self.keep(key);
        Some(stored)
    }

    /// Where the entry for `key` is, if a previous run left one, without
    /// marking it kept: readers on every core look, then [`Self::keep`] marks.
    pub fn peek(&self, key: &Key) -> Option<Stored> {
        self.slots.get(key).map(|slot| slot.stored.clone())
    }

    /// Keeps the entry for `key`, if there is one, at the next write.
    pub fn keep(&mut self, key: &Key) {
        if let Some(slot) = self.slots.get_mut(key) {
            slot.used = true;
        }
    }

    /// What `check` needs of a stored entry, its head: the unmatched overrides
    /// and the body, borrowed from the file's bytes (not copied: at
    /// 10,000 articles they are tens of megabytes).
    pub fn entry(&self, stored: &Stored) -> Option<(Vec<String>, &str)> {
        codec::decode_head(self.bytes.get(stored.head.clone())?)
    }

    /// What `build` needs of a stored entry: unmatched overrides, body and
    /// the article text (`None` when the cache was opened for [`Part::Heads`]).
    pub fn ingestion(&self, stored: &Stored) -> Option<(Vec<String>, &str, ArticleText)> {
        codec::decode(self.bytes.get(stored.head.clone())?, self.bytes.get(stored.doc.clone())?)
    }

    /// Adds an entry this run ingested (anew, or again because the stored one did not decode).
    pub fn put(&mut self, key: Key, entry: Encoded) {
        self.fresh.insert(key, entry);
    }

    /// Writes the entries this run took or put as the new cache, unless the
    /// file already holds exactly those. True when it wrote the file.
    pub fn save(mut self) -> std::io::Result<bool> {
        if self.fresh.is_empty() && self.slots.values().all(|slot| slot.used) {
            return Ok(false);
        }
        // Documents not read yet are copied from the file opened then (never
        // another one renamed over it since), once their digests are checked.
        let late = match (self.unread.take(), &mut self.bytes) {
            (Some(mut file), Bytes::Read(bytes)) => {
                let _ = file.read_to_end(bytes); // what could not be read fails its digest below
                true
            }
            _ => false,
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let temp = dir.join(format!(".ingest.{}.tmp", std::process::id()));
        let written = self.write(&temp, late).and_then(|()| std::fs::rename(&temp, &self.path));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp); // best effort: the error reported is the write's
        }
        written.map(|()| true)
    }

    /// Writes the file to `temp`: header and table, then the heads, then the
    /// documents, taken from the old file's bytes or from this run's without
    /// copying them. With `late`, a kept entry whose document was read just now
    /// is written only if that document is intact.
    fn write(&self, temp: &Path, late: bool) -> std::io::Result<()> {
        use rayon::prelude::*;
        type Row<'a> = (&'a Key, (&'a [u8], &'a Digest256), (&'a [u8], &'a Digest256));
        let bytes = &self.bytes;
        let kept: Vec<_> =
            self.slots.iter().filter(|(key, slot)| slot.used && !self.fresh.contains_key(*key)).collect();
        let kept =
            kept.into_par_iter().filter(|(_, slot)| !late || slot.doc_intact(bytes)).filter_map(|(key, slot)| {
                let head = (bytes.get(slot.stored.head.clone())?, &slot.digests[0]);
                Some((key, head, (bytes.get(slot.stored.doc.clone())?, &slot.digests[1])))
            });
        let mut rows: Vec<Row> = kept.collect();
        rows.extend(
            self.fresh.iter().map(|(key, e)| (key, (e.head.0.as_slice(), &e.head.1), (e.doc.0.as_slice(), &e.doc.1))),
        );
        rows.sort_unstable_by_key(|(key, _, _)| *key);
        let mut head = Vec::with_capacity(MAGIC.len() + STAMP.len() + 16 + rows.len() * ROW + 32);
        head.extend_from_slice(MAGIC);
        head.extend_from_slice(&(STAMP.len() as u64).to_le_bytes());
        head.extend_from_slice(STAMP.as_bytes());
        head.extend_from_slice(&(rows.len() as u64).to_le_bytes());
        for (key, (entry_head, head_digest), (doc, doc_digest)) in &rows {
            head.extend_from_slice(*key);
            head.extend_from_slice(&(entry_head.len() as u64).to_le_bytes());
            head.extend_from_slice(*head_digest);
            head.extend_from_slice(&(doc.len() as u64).to_le_bytes());
            head.extend_from_slice(*doc_digest);
        }
        let digest: Digest256 = Sha256::digest(&head).into();
        head.extend_from_slice(&digest);
        let mut file = std::io::BufWriter::with_capacity(1 << 20, File::create(temp)?);
        file.write_all(&head)?;
        for (_, (entry_head, _), _) in &rows {
            file.write_all(entry_head)?;
        }
        for (_, _, (doc, _)) in &rows {
            file.write_all(doc)?;
        }
        // No fsync: after a crash a half-written file fails its digests and is no cache.
        file.flush()
    }
}

/// What [`read`] makes of a file: its bytes as far as read, the entries, and
/// the file itself while its documents are unread.
type Opened = (Bytes, HashMap<Key, Slot>, Option<File>);

/// Reads `part` of the cache file at `path`; `None` when it is not one this
/// binary wrote whole (a header or table digest that does not match, lengths
/// that do not add up to the file's size). A file another version wrote is not
/// read past its stamp. An entry whose head (or, read whole, whose document)
/// fails its digest is left out: that seed alone is ingested again.
fn read(path: &Path, part: Part) -> Option<Opened> {
    use rayon::prelude::*;
    let mut file = File::open(path).ok()?;
    let size = usize::try_from(file.metadata().ok()?.len()).ok()?;
    let mut bytes = Vec::new();
    let mut expected = MAGIC.to_vec();
    expected.extend_from_slice(&(STAMP.len() as u64).to_le_bytes());
    expected.extend_from_slice(STAMP.as_bytes());
    read_more(&mut file, &mut bytes, expected.len())?;
    if bytes != expected {
        return None;
    }
    read_more(&mut file, &mut bytes, 8)?;
    let count = usize::try_from(u64_of(&bytes[expected.len()..])?).ok()?;
    let table_len = count.checked_mul(ROW).filter(|&n| n <= size)?;
    read_more(&mut file, &mut bytes, table_len + 32)?;
    let end = bytes.len() - 32;
    if Sha256::digest(&bytes[..end]).as_slice() != &bytes[end..] {
        return None;
    }
    let mut rows = Vec::with_capacity(count);
    let (mut heads, mut docs) = (0usize, 0usize);
    for row in bytes[end - table_len..end].chunks_exact(ROW) {
        let (key, row) = row.split_at(32);
        let (head_len, row) = row.split_at(8);
        let (head_digest, row) = row.split_at(32);
        let (doc_len, doc_digest) = row.split_at(8);
        let (head_len, doc_len) = (usize::try_from(u64_of(head_len)?).ok()?, usize::try_from(u64_of(doc_len)?).ok()?);
        heads = heads.checked_add(head_len)?;
        docs = docs.checked_add(doc_len)?;
        let digests = [head_digest.try_into().ok()?, doc_digest.try_into().ok()?];
        rows.push((Key::try_from(key).ok()?, head_len, doc_len, digests));
    }
    let start = bytes.len();
    if start.checked_add(heads)?.checked_add(docs)? != size {
        return None;
    }
    let (mut head_at, mut doc_at) = (start, start + heads);
    let mut slots = HashMap::with_capacity(count);
    for (key, head_len, doc_len, digests) in rows {
        let stored = Stored { head: head_at..head_at + head_len, doc: doc_at..doc_at + doc_len };
        slots.insert(key, Slot { stored, digests, used: false });
        (head_at, doc_at) = (head_at + head_len, doc_at + doc_len);
    }
    if slots.len() != count {
        return None; // a key twice
    }
    let whole = part == Part::Whole;
    let bytes = if whole {
        // SAFETY: the map is read-only and private to this run. nashra never
        // writes a cache file in place: a new one is renamed over it, and this
        // map keeps the old one. What the map holds is checked below like read
        // bytes: the header read above, then every digest.
        let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
        (map.len() == size && map.get(..start) == Some(&bytes[..])).then_some(Bytes::Mapped(map))?
    } else {
        read_more(&mut file, &mut bytes, heads)?;
        Bytes::Read(bytes)
    };
    // An entry whose bytes fail their digest is left out, and ingested again;
    // the table, checked above, says where every other entry is.
    let damaged: Vec<Key> = slots
        .par_iter()
        .filter(|(_, slot)| !(slot.head_intact(&bytes) && (!whole || slot.doc_intact(&bytes))))
        .map(|(key, _)| *key)
        .collect();
    for key in &damaged {
        slots.remove(key);
    }
    Some((bytes, slots, (!whole).then_some(file)))
}

/// Appends exactly `n` more bytes of `file` to `bytes`; `None` when it has fewer.
fn read_more(file: &mut File, bytes: &mut Vec<u8>, n: usize) -> Option<()> {
    bytes.reserve(n);
    let got = Read::by_ref(file).take(n as u64).read_to_end(bytes).ok()?;
    (got == n).then_some(())
}

/// A little-endian u64 from exactly 8 bytes.
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

    fn file(dir: &Path) -> PathBuf {
        dir.join(DIR).join("ingest")
    }

    /// A cache in `dir` holding `entries`, saved; the file's bytes.
    fn saved(dir: &Path, entries: &[(Key, Entry, Extraction)]) -> Vec<u8> {
        let mut cache = IngestCache::open(dir, Part::Whole);
        for (key, entry, doc) in entries {
            cache.put(*key, Encoded::new(&entry.unmatched, &entry.body, doc));
        }
        assert!(cache.save().unwrap());
        std::fs::read(file(dir)).unwrap()
    }

    /// What a cache opened for the whole file gives for each key.
    fn read_back(dir: &Path, keys: &[Key]) -> Vec<Option<(Entry, ArticleText)>> {
        let mut cache = IngestCache::open(dir, Part::Whole);
        keys.iter()
            .map(|key| {
                let stored = cache.take(key)?;
                let entry =
                    cache.entry(&stored).map(|(unmatched, body)| Entry { unmatched, body: body.to_string() })?;
                let (unmatched, body, doc) = cache.ingestion(&stored)?;
                assert_eq!(entry, Entry { unmatched, body: body.to_string() });
                Some((entry, doc))
            })
            .collect()
    }

    /// A document read back is the article text of the extraction stored
    /// (the codec tests check its line decisions).
    fn same(a: &ArticleText, b: &Extraction) -> bool {
        (&a.title, &a.blocks) == (&b.title, &b.blocks)
    }

    #[test]
    fn a_file_reads_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        saved(dir.path(), &sample());
        let back = read_back(dir.path(), &[[1; 32], [2; 32], [3; 32], [4; 32]]);
        for ((_, entry, doc), back) in sample().iter().zip(&back) {
            let (e, d) = back.as_ref().expect("stored");
            assert_eq!(e, entry);
            assert!(same(d, doc));
        }
        assert!(back[3].is_none(), "a key never stored");
        // Opened for the heads alone: what check needs, and no document.
        let mut heads = IngestCache::open(dir.path(), Part::Heads);
        let stored = heads.take(&[1; 32]).unwrap();
        let entry = sample()[0].1.clone();
        assert_eq!(heads.entry(&stored), Some((entry.unmatched, entry.body.as_str())));
        assert!(heads.ingestion(&stored).is_none());
        assert!(heads.bytes.len() < std::fs::read(file(dir.path())).unwrap().len(), "documents not read");
    }

    #[test]
    fn only_what_this_run_used_is_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let whole = saved(dir.path(), &sample());
        for part in [Part::Heads, Part::Whole] {
            // Every entry used: nothing to write.
            let mut cache = IngestCache::open(dir.path(), part);
            for (key, _, _) in sample() {
                cache.take(&key).unwrap();
            }
            assert!(!cache.save().unwrap());
        }
        // One left unused: it is dropped; the others are copied as they were,
        // documents too when only the heads had been read.
        let expected = {
            let again = tempfile::tempdir().unwrap();
            let fresh: Vec<_> = sample().into_iter().filter(|(key, _, _)| *key != [2; 32]).collect();
            saved(again.path(), &fresh)
        };
        for part in [Part::Heads, Part::Whole] {
            std::fs::write(file(dir.path()), &whole).unwrap();
            let mut cache = IngestCache::open(dir.path(), part);
            cache.take(&[1; 32]).unwrap();
            cache.take(&[3; 32]).unwrap();
            assert!(cache.save().unwrap());
            assert_eq!(std::fs::read(file(dir.path())).unwrap(), expected, "{part:?}");
            let back = read_back(dir.path(), &[[1; 32], [2; 32], [3; 32]]);
            assert!(back[0].is_some() && back[1].is_none() && back[2].is_some());
        }
    }

    #[test]
    fn a_damaged_or_foreign_file_is_no_cache_and_a_damaged_entry_is_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = file(dir.path());
        let good = saved(dir.path(), &sample());
        let opens = |bytes: &[u8], part| {
            std::fs::write(&path, bytes).unwrap();
            read(&path, part).is_some()
        };
        assert!(opens(&good, Part::Whole) && opens(&good, Part::Heads));
        for cut in [0, 1, MAGIC.len(), good.len() / 2, good.len() - 1] {
            assert!(!opens(&good[..cut], Part::Whole) && !opens(&good[..cut], Part::Heads), "truncated at {cut}");
        }
        assert!(!opens(&[good.as_slice(), &[0]].concat(), Part::Whole), "a byte too many");
        // Header, stamp, table, its digest: no part of the file is read.
        let table_end = MAGIC.len() + 8 + STAMP.len() + 8 + sample().len() * ROW;
        for at in [0, MAGIC.len() + 3, MAGIC.len() + 8, table_end - 1, table_end + 31] {
            let mut bad = good.clone();
            bad[at] ^= 0x20;
            assert!(!opens(&bad, Part::Whole) && !opens(&bad, Part::Heads), "byte {at} flipped");
        }
        let entries = |bytes: &[u8], part| {
            std::fs::write(&path, bytes).unwrap();
            read(&path, part).map(|(_, slots, _)| slots.len())
        };
        // A damaged head: that entry is left out, whatever is read; the others are kept.
        let mut bad = good.clone();
        bad[table_end + 32] ^= 0x20;
        let all = sample().len();
        assert_eq!((entries(&bad, Part::Whole), entries(&bad, Part::Heads)), (Some(all - 1), Some(all - 1)));
        // A damaged document: that entry is left out of the whole file; the heads are all sound.
        for at in [good.len() / 2, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 0x20;
            assert_eq!(
                (entries(&bad, Part::Whole), entries(&bad, Part::Heads)),
                (Some(all - 1), Some(all)),
                "byte {at}"
            );
        }
        let mut bad = good.clone();
        *bad.last_mut().unwrap() ^= 0x20;
        std::fs::write(&path, &bad).unwrap();
        // If check then writes the file, the damaged entry is left out, the others are kept.
        let mut cache = IngestCache::open(dir.path(), Part::Heads);
        cache.take(&[1; 32]).unwrap();
        cache.take(&[3; 32]).unwrap(); // the damaged one; [2; 32] is left unused, so the file is written
        assert!(cache.save().unwrap());
        let back = read_back(dir.path(), &[[1; 32], [2; 32], [3; 32]]);
        assert!(back[0].is_some() && back[1].is_none() && back[2].is_none(), "{back:?}");
        // A file another version wrote, whole and with valid digests, is refused.
        let mut foreign = good.clone();
        let stamp_at = MAGIC.len() + 8;
        foreign[stamp_at] ^= 0x01;
        let digest: Digest256 = Sha256::digest(&foreign[..table_end]).into();
        foreign[table_end..table_end + 32].copy_from_slice(&digest);
        assert!(!opens(&foreign, Part::Whole));
        // An empty cache from a damaged file.
        std::fs::write(&path, &good[..good.len() - 1]).unwrap();
        assert!(read_back(dir.path(), &[[1; 32]])[0].is_none());
    }
}
