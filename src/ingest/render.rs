//! Human-readable rendering of an extraction (`nashra extract --format text`).

use std::fmt::Write as _;

use super::{Block, Extraction};

/// The headline, the blocks, then one `NNN keep|drop role: reason | text` row per line.
pub fn render_text(e: &Extraction) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail; the results are ignored for that reason.
    let _ = writeln!(out, "title: {}", e.title.as_deref().unwrap_or("(none)"));
    out.push('\n');
    for block in &e.blocks {
        let _ = match block {
            Block::Heading { text, line } => writeln!(out, "[{line}] ## {text}"),
            Block::Paragraph { text, line } => writeln!(out, "[{line}] {text}"),
            Block::Quote { text, line } => writeln!(out, "[{line}] > {text}"),
            Block::List { items } => items.iter().try_for_each(|i| writeln!(out, "[{}] - {}", i.line, i.text)),
        };
    }
    out.push_str("\nlines:\n");
    for d in &e.lines {
        let verdict = if d.kept { "keep" } else { "drop" };
        let _ = writeln!(out, "{:03} {verdict} {}: {} | {}", d.line, d.role.as_str(), d.reason, d.text);
    }
    out
}
