//! Writing YAML by hand, so a draft can carry comments for the person who
//! finishes it (date candidates, mention counts) where serde_yaml would drop them.
//!
//! Every string is written double-quoted with escapes, so no text from a
//! seed (colons, `#`, quotes, leading dashes, `yes`/`no`) can change the
//! document's structure. Tests parse the output back.

use std::fmt::Write;

/// `s` as a double-quoted YAML scalar.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // Controls, bidi marks and the BOM would be invisible or rejected: escape them.
            c if c.is_control()
                || crate::text::is_invisible(c)
                || c == '\u{85}'
                || c == '\u{2028}'
                || c == '\u{2029}' =>
            {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text fit for a one-line `# comment`: line breaks and controls become spaces.
pub fn comment_text(s: &str) -> String {
    s.chars().map(|c| if c.is_control() || c == '\u{2028}' || c == '\u{2029}' { ' ' } else { c }).collect()
}

/// A flow list of slugs: `[a, b]` (slugs need no quotes; anything else is quoted).
pub fn flow_list(items: &[String]) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|s| {
            if crate::load::is_valid_slug(s) && !s.bytes().all(|b| b.is_ascii_digit()) { s.clone() } else { quoted(s) }
        })
        .collect();
    format!("[{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_strings_parse_back_unchanged() {
        for s in ["", "a: b # c", "\"قال\" \\ – 80%", "- yes", "line\nbreak\ttab", "\u{200F}x\u{FEFF}", "null", "@x"]
        {
            let back: String = serde_yaml::from_str(&quoted(s)).unwrap();
            assert_eq!(back, s);
        }
    }

    #[test]
    fn flow_lists_parse_back() {
        let items = vec!["isis".to_string(), "2025".to_string(), "a b".to_string()];
        let back: Vec<String> = serde_yaml::from_str(&flow_list(&items)).unwrap();
        assert_eq!(back, items);
    }
}
