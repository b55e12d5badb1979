//! Where a value sits in a YAML file, for diagnostics.
//!
//! serde_yaml gives positions only for parse errors; a reference that does not
//! resolve (`topics: [isis-resurgance]`) is found later, on typed values. This
//! index maps value paths such as `topics[1]`, `figures[0].quote` or
//! `title.en` to the line and column where they are written. It understands the
//! block style our content uses plus one level of flow `[…]` and `{…}`; for
//! anything else it falls back to the nearest enclosing key.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// 1-based line and column of every value path found in one YAML document.
/// The document is indexed when a position is first asked for: most files
/// never need one (only diagnostics do). Shared when cloned: a cached file's
/// locator is handed to every rebuild.
#[derive(Debug, Default, Clone)]
pub struct Locator {
    text: Text,
    positions: Arc<OnceLock<HashMap<String, (usize, usize)>>>,
}

/// Where a [`Locator`] finds its document when it is first asked.
#[derive(Debug, Clone)]
enum Text {
    /// In memory: what a load kept for rebuilds (`serve`, whose files change
    /// under its cache) gives its locators, and `site.yaml`'s.
    Held(Arc<String>),
    /// In its file, read again then, and used only when it hashes as the
    /// text that was parsed ([`crate::load::text_hash`]); else nothing is
    /// located (1:1). A one-off command need not hold every content file's
    /// text (45 MB at 10,000 articles, most of `check`'s fresh memory) for
    /// the few that get a diagnostic.
    OnDisk { path: Arc<Path>, hash: u64 },
}

impl Default for Text {
    fn default() -> Text {
        Text::Held(Arc::default())
    }
}

/// The positions found while indexing a document.
#[derive(Default)]
struct Index {
    positions: HashMap<String, (usize, usize)>,
}

#[derive(Debug)]
struct Open {
    indent: usize,
    path: String,
    is_key: bool,
}

impl Locator {
    /// A locator for `text` (a YAML document; front matter fences are fine),
    /// held in memory. Given a `String`, it keeps that string: a load kept
    /// for rebuilds hands it every content file it has parsed, and need not
    /// copy them (45 MB at 10,000 articles).
    pub fn new(text: impl Into<String>) -> Locator {
        Locator { text: Text::Held(Arc::new(text.into())), positions: Default::default() }
    }

    /// A locator for the document in the file at `path`, whose text (as
    /// [`crate::load::decode`] gives it) hashes to `hash`
    /// ([`crate::load::text_hash`]): read again when a position is first
    /// asked for, and used only if it is still that text.
    pub fn on_disk(path: impl Into<Arc<Path>>, hash: u64) -> Locator {
        Locator { text: Text::OnDisk { path: path.into(), hash }, positions: Default::default() }
    }

    fn positions(&self) -> &HashMap<String, (usize, usize)> {
        self.positions.get_or_init(|| match &self.text {
            Text::Held(text) => Index::of(text).positions,
            Text::OnDisk { path, hash: then } => super::read_file(path)
                .ok()
                .flatten()
                .and_then(|bytes| crate::load::decode("", bytes, &mut Vec::new()))
                .filter(|text| crate::load::text_hash(text) == *then)
                .map(|text| Index::of(&text).positions)
                .unwrap_or_default(),
        })
    }
}

impl Index {
    /// Indexes `text`.
    fn of(text: &str) -> Index {
        let mut loc = Index::default();
        let mut stack: Vec<Open> = Vec::new();
        let mut counters: HashMap<String, usize> = HashMap::new();
        let mut block_scalar_of: Option<usize> = None;
        for (n, raw) in text.lines().enumerate() {
            let line = n + 1;
            let indent = raw.len() - raw.trim_start_matches(' ').len();
            let content = raw[indent..].trim_end();
            if content.is_empty() || content.starts_with('#') || content == "---" {
                continue;
            }
            if let Some(parent) = block_scalar_of {
                if indent > parent {
                    continue;
                }
                block_scalar_of = None;
            }
            let is_item = content == "-" || content.starts_with("- ");
            while let Some(top) = stack.last() {
                let keep = top.indent < indent || (top.indent == indent && top.is_key && is_item);
                if keep {
                    break;
                }
                stack.pop();
            }
            let parent = stack.last().map(|o| o.path.clone()).unwrap_or_default();
            let col_of = |byte: usize| raw[..byte].chars().count() + 1;
            if is_item {
                let counter = counters.entry(parent.clone()).or_insert(0);
                let path = format!("{parent}[{counter}]");
                *counter += 1;
                let rest = content[1..].trim_start();
                let rest_at = raw.len() - raw.trim_start_matches(' ').len() + (content.len() - rest.len());
                loc.record(&path, line, col_of(rest_at.min(raw.len())));
                stack.push(Open { indent, path: path.clone(), is_key: false });
                if !rest.is_empty() {
                    let rest_indent = indent + (content.len() - rest.len());
                    loc.scan_value_or_key(
                        raw,
                        rest,
                        rest_at,
                        rest_indent,
                        line,
                        &path,
                        &mut stack,
                        &mut block_scalar_of,
                    );
                }
            } else {
                loc.scan_value_or_key(raw, content, indent, indent, line, &parent, &mut stack, &mut block_scalar_of);
            }
        }
        loc
    }

    #[allow(clippy::too_many_arguments)]
    fn scan_value_or_key(
        &mut self,
        raw: &str,
        content: &str,
        at: usize,
        indent: usize,
        line: usize,
        parent: &str,
        stack: &mut Vec<Open>,
        block_scalar_of: &mut Option<usize>,
    ) {
        let col_of = |byte: usize| raw[..byte.min(raw.len())].chars().count() + 1;
        let Some((key, value_at)) = split_key(content) else {
            return; // a scalar item: already recorded by the caller
        };
        let path = join(parent, &key);
        let value = content[value_at..].trim();
        let value_start = at + value_at + (content[value_at..].len() - content[value_at..].trim_start().len());
        self.record(&path, line, col_of(at));
        if value.is_empty() {
            stack.push(Open { indent, path, is_key: true });
        } else if value.starts_with('|') || value.starts_with('>') {
            *block_scalar_of = Some(indent);
        } else if value.starts_with('[') || value.starts_with('{') {
            for (i, (item, offset)) in flow_items(value).into_iter().enumerate() {
                let item_path = if value.starts_with('[') {
                    format!("{path}[{i}]")
                } else {
                    match split_key(item) {
                        Some((k, _)) => join(&path, &k),
                        None => continue,
                    }
                };
                self.record(&item_path, line, col_of(value_start + offset));
            }
        } else {
            // Point at the value itself: that is what is wrong when a value is invalid.
            self.record(&path, line, col_of(value_start));
        }
    }

    fn record(&mut self, path: &str, line: usize, col: usize) {
        self.positions.insert(path.to_string(), (line, col));
    }
}

impl Locator {
    /// Line and column of `path`, or of its nearest recorded ancestor, or 1:1.
    pub fn locate(&self, path: &str) -> (usize, usize) {
        let mut p = path;
        loop {
            if let Some(&pos) = self.positions().get(p) {
                return pos;
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return (1, 1),
            }
        }
    }
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() { key.to_string() } else { format!("{parent}.{key}") }
}

/// `key: value` → (`key`, byte offset just after the colon).
fn split_key(content: &str) -> Option<(String, usize)> {
    let (key, rest_at) = if let Some(q) = content.strip_prefix('"') {
        let end = q.find('"')?;
        (q[..end].to_string(), end + 2)
    } else {
        if content.starts_with(['[', '{', '\'', '|', '>']) {
            return None;
        }
        let colon = content.match_indices(':').find(|(i, _)| {
            let after = content[i + 1..].chars().next();
            after.is_none() || after == Some(' ')
        })?;
        (content[..colon.0].trim().to_string(), colon.0)
    };
    if !content[rest_at..].starts_with(':') || key.is_empty() {
        return None;
    }
    Some((key, rest_at + 1))
}

/// The top-level items of a one-line flow collection, with byte offsets into `value`.
fn flow_items(value: &str) -> Vec<(&str, usize)> {
    let inner_end = value.rfind([']', '}']).unwrap_or(value.len());
    let mut items = Vec::new();
    let (mut depth, mut quote, mut start) = (0usize, None, 1usize);
    for (i, c) in value.char_indices().take_while(|(i, _)| *i < inner_end).skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => {
                push_item(value, start, i, &mut items);
                start = i + 1;
            }
            _ => {}
        }
    }
    push_item(value, start, inner_end, &mut items);
    items
}

fn push_item<'a>(value: &'a str, start: usize, end: usize, items: &mut Vec<(&'a str, usize)>) {
    let slice = &value[start..end];
    let trimmed = slice.trim_start();
    if !trimmed.trim().is_empty() {
        items.push((trimmed.trim_end(), start + slice.len() - trimmed.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::text_hash;

    const DOC: &str = "seed: a.txt\ntitle: {ar: \"عنوان\", en: \"Title\"}\ntopics: [one, two]\nentities:\n  - sdf\n  - isis\nfigures:\n  - metric: m\n    value: \"3\"\n    quote: \"x\"\n  - metric: n\n    quote: |\n      long\n      text\n    label: {en: y}\nrelated:\n- a\n- b\n";

    #[test]
    fn finds_block_and_flow_values() {
        let loc = Locator::new(DOC);
        assert_eq!(loc.locate("seed"), (1, 7));
        assert_eq!(loc.locate("title.en"), (2, 22));
        assert_eq!(loc.locate("topics[1]"), (3, 15));
        assert_eq!(loc.locate("entities[1]"), (6, 5));
        assert_eq!(loc.locate("figures[0].quote"), (10, 12));
        assert_eq!(loc.locate("figures[1].metric"), (11, 13));
        assert_eq!(loc.locate("figures[1].label.en"), (15, 13));
        assert_eq!(loc.locate("related[1]"), (18, 3));
    }

    #[test]
    fn a_file_is_read_again_only_while_it_is_the_text_parsed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        std::fs::write(&path, format!("\u{FEFF}{DOC}")).unwrap();
        let loc = Locator::on_disk(path.as_path(), text_hash(DOC));
        assert_eq!(loc.locate("seed"), (1, 7), "the byte-order mark is not a column");
        assert_eq!(loc.locate("figures[0].quote"), (10, 12));
        std::fs::write(&path, format!("\n{DOC}")).unwrap();
        let stale = Locator::on_disk(path.as_path(), text_hash(DOC));
        assert_eq!(stale.locate("figures[0].quote"), (1, 1), "an edited file locates nothing");
        let gone = Locator::on_disk(dir.path().join("gone.yaml"), text_hash(DOC));
        assert_eq!(gone.locate("seed"), (1, 1));
    }

    #[test]
    fn unknown_paths_fall_back_to_ancestor() {
        let loc = Locator::new(DOC);
        assert_eq!(loc.locate("figures[0].label"), loc.locate("figures[0]"));
        assert_eq!(loc.locate("nothing.here"), (1, 1));
    }
}
