//! Line decisions → the `Extraction`: headline, blocks in order, and the per-line record.

use super::layout::Decision;
use super::shape::{LineInfo, list_item_text};
use super::{Block, Extraction, LineDecision, ListItem, Role};

/// Builds the extraction from the final decisions. The lines' cleaned texts
/// move into the per-line record rather than being copied into it; without
/// the record (`record` false: `lines` is left empty), into the blocks.
pub(crate) fn assemble(mut lines: Vec<LineInfo>, decisions: Vec<Decision>, record: bool) -> Extraction {
    let mut title: Option<String> = None;
    let mut blocks: Vec<Block> = Vec::new();
    // Whether the previous kept line was a list item (consecutive items share a block).
    let mut in_list = false;
    for (line, d) in lines.iter_mut().zip(&decisions) {
        if !d.kept {
            continue;
        }
        let text = match &d.body {
            Some(body) => body.clone(),
            None if record => line.text.clone(),
            None => std::mem::take(&mut line.text),
        };
        let number = line.number;
        let was_list = std::mem::replace(&mut in_list, d.role == Role::ListItem);
        match d.role {
            Role::Title if title.is_none() => title = Some(text),
            Role::Title => blocks.push(Block::Heading { text, line: number }),
            Role::Heading => blocks.push(Block::Heading { text, line: number }),
            Role::Quote => blocks.push(Block::Quote { text, line: number }),
            Role::ListItem => {
                let item = ListItem { text: list_item_text(&text).to_string(), line: number };
                match blocks.last_mut() {
                    Some(Block::List { items }) if was_list => items.push(item),
                    _ => blocks.push(Block::List { items: vec![item] }),
                }
            }
            Role::Paragraph => {
                match blocks.last_mut() {
                    Some(Block::Paragraph { text: open, .. }) if d.continues.is_some() => {
                        open.push(' ');
                        open.push_str(&text);
                    }
                    _ => blocks.push(Block::Paragraph { text, line: number }),
                }
                if let Some(heading) = &d.trailing_heading {
                    blocks.push(Block::Heading { text: heading.clone(), line: number });
                }
            }
            Role::Boilerplate | Role::Blank => {}
        }
    }
    if !record {
        return Extraction { title, blocks, lines: Vec::new() };
    }
    let lines = lines
        .into_iter()
        .zip(decisions)
        .map(|(line, d)| LineDecision {
            line: line.number,
            text: line.text,
            kept: d.kept,
            role: d.role,
            reason: d.reason,
        })
        .collect();
    Extraction { title, blocks, lines }
}
