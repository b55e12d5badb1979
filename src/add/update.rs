//! `nashra add --update`: fill the empty fields of an existing article and
//! leave every other byte as the person left it (comments included).
//!
//! Works line by line on the shapes `add` writes: a field is filled only when
//! its line holds nothing but the key and an empty value (`""`, `''`, `[]`,
//! `~`, `null` or nothing), optionally followed by a comment. Anything else
//! is someone's text, or a shape we do not rewrite, and is kept.

use super::draft::Draft;
use super::yaml::{flow_list, quoted};

/// The updated text, and which fields were filled or kept.
pub struct Outcome {
    /// The new file text.
    pub text: String,
    /// Fields that were empty and are now filled.
    pub filled: Vec<String>,
    /// Fields left as they were because they hold text or are not in a shape we rewrite.
    pub kept: Vec<String>,
}

/// True when the rest of a `key:` line is an empty value and maybe a comment.
fn is_empty_value(rest: &str) -> bool {
    let value = match rest.find(" #") {
        Some(i) => &rest[..i],
        None if rest.trim_start().starts_with('#') => "",
        None => rest,
    };
    matches!(value.trim(), "" | "\"\"" | "''" | "[]" | "~" | "null")
}

/// Fills the empty fields of `current` from `draft`.
pub fn fill_empty(current: &str, draft: &Draft) -> Outcome {
    // The parsed document decides what is empty; the lines only say where it is written.
    let doc: serde_yaml::Value = serde_yaml::from_str(current).unwrap_or_default();
    let empty = |v: Option<&serde_yaml::Value>| match v {
        None | Some(serde_yaml::Value::Null) => true,
        Some(serde_yaml::Value::String(s)) => s.trim().is_empty(),
        Some(serde_yaml::Value::Sequence(items)) => items.is_empty(),
        Some(_) => false,
    };
    let mut lines: Vec<String> = current.lines().map(str::to_string).collect();
    let mut filled = Vec::new();
    let mut kept = Vec::new();
    // Replacements: (line index, new lines), applied bottom-up so indices hold.
    let mut edits: Vec<(usize, Vec<String>)> = Vec::new();

    let top = |key: &str| -> Option<usize> {
        lines.iter().position(|l| l.strip_prefix(key).is_some_and(|r| r.starts_with(':')))
    };
    let mut fill_top = |key: &str, value: Option<Vec<String>>, edits: &mut Vec<(usize, Vec<String>)>| {
        let Some(value) = value else { return };
        match top(key) {
            Some(i) if empty(doc.get(key)) && is_empty_value(&lines[i][key.len() + 1..]) => {
                edits.push((i, value));
                filled.push(key.to_string());
            }
            _ => kept.push(key.to_string()),
        }
    };
    let as_lines = |s: String| s.lines().map(str::to_string).collect::<Vec<_>>();
    fill_top("date", draft.date.as_ref().map(|d| vec![format!("date: {}", quoted(d))]), &mut edits);
    fill_top(
        "entities",
        (!draft.entities.is_empty()).then(|| vec![format!("entities: {}", flow_list(&draft.entity_slugs()))]),
        &mut edits,
    );
    fill_top(
        "topics",
        (draft.topics_chosen > 0).then(|| vec![format!("topics: {}", flow_list(&draft.topic_slugs()))]),
        &mut edits,
    );
    let figures = (!draft.figures.is_empty())
        .then(|| as_lines(draft.figure_lines()).into_iter().filter(|l| !l.starts_with('#')).collect());
    fill_top("figures", figures, &mut edits);

    // title.<lang>: inside the block under `title:`.
    if let Some(start) = top("title") {
        let end = (start + 1..lines.len())
            .find(|&i| !lines[i].starts_with(' ') && !lines[i].trim().is_empty())
            .unwrap_or(lines.len());
        for (lang, text) in draft.title.iter().filter(|(_, t)| !t.is_empty()) {
            let field = format!("title.{lang}");
            let key = format!("{lang}:");
            let at = (start + 1..end).find(|&i| lines[i].trim_start().starts_with(&key));
            match at {
                Some(i)
                    if empty(doc.get("title").and_then(|t| t.get(lang.as_str())))
                        && is_empty_value(&lines[i].trim_start()[key.len()..]) =>
                {
                    let indent = lines[i].len() - lines[i].trim_start().len();
                    edits.push((i, vec![format!("{}{key} {}", " ".repeat(indent), quoted(text))]));
                    filled.push(field);
                }
                _ => kept.push(field),
            }
        }
    }

    edits.sort_by_key(|(i, _)| std::cmp::Reverse(*i));
    for (i, new) in edits {
        lines.splice(i..=i, new);
    }
    let mut text = lines.join("\n");
    if current.ends_with('\n') || current.is_empty() {
        text.push('\n');
    }
    Outcome { text, filled, kept }
}

#[cfg(test)]
mod tests {
    use super::super::figures::FigureCandidate;
    use super::*;

    fn draft() -> Draft {
        Draft {
            slug: "s".into(),
            seed: "x.txt".into(),
            title: vec![("ar".into(), "عنوان".into()), ("en".into(), "Title".into())],
            dates: vec![],
            date: Some("2025-01-24".into()),
            languages: vec!["ar".into(), "en".into()],
            entities: vec![("isis".into(), 2)],
            topics: vec![("t".into(), 1)],
            topics_chosen: 1,
            figures: vec![FigureCandidate { value: "4".into(), quote: "أربعة أشخاص".into() }],
        }
    }

    #[test]
    fn fills_only_what_is_empty() {
        let current = "seed: x.txt\ndraft: true\n# my note\ntitle:\n  ar: \"عنواني أنا\"\n  en: \"\"\ndate: \"\"  # to check\nsummary:\n  ar: \"ملخصي\"\n  en: \"\"\nentities: [sdf]\ntopics: []\nfigures: []\n";
        let out = fill_empty(current, &draft());
        assert!(out.text.contains("  ar: \"عنواني أنا\""), "the person's title stays");
        assert!(out.text.contains("  en: \"Title\""));
        assert!(out.text.contains("date: \"2025-01-24\"\n"));
        assert!(out.text.contains("entities: [sdf]"), "a person's list stays");
        assert!(out.text.contains("topics: [t]"));
        assert!(out.text.contains("# my note") && out.text.contains("  ar: \"ملخصي\""));
        let a: crate::model::ArticleFile = serde_yaml::from_str(&out.text).unwrap();
        assert_eq!(a.figures[0].quote.as_deref(), Some("أربعة أشخاص"));
        assert_eq!(out.filled, ["date", "topics", "figures", "title.en"]);
        assert_eq!(out.kept, ["entities", "title.ar"]);
    }

    #[test]
    fn a_complete_article_is_left_byte_for_byte() {
        let current = "seed: x.txt\ntitle: {ar: \"أ\", en: \"\"}\ndate: 2025-01-01\nsummary: {ar: \"م\"}\nentities: [a]\ntopics: [b]\nfigures:\n  - metric: m\n    value: 1\n    label: {ar: \"ل\"}\n";
        let out = fill_empty(current, &draft());
        assert_eq!(out.text, current);
        assert!(out.filled.is_empty());
    }
}
