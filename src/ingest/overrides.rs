//! The `clean:` curation of CONTENT-FORMAT.md, applied on top of the heuristics:
//! `stop_at`, `drop` and `title_line` are imposed before the layout is decided (so the body
//! run is found without the lines they remove); `keep` restores lines afterwards. When a
//! line matches both `drop` and `keep`, `drop` wins: `keep` only overrules the heuristics.

use super::layout::{Decision, Forced};
use super::shape::{Content, LineInfo};
use super::text::fold;
use super::{OverrideReport, Overrides, Role};

/// Turns overrides into forced decisions; reports `stop_at`, `drop[i]`, `title_line` misses.
pub(crate) fn force(lines: &[LineInfo], overrides: &Overrides) -> (Forced, OverrideReport) {
    let mut report = OverrideReport::default();
    let mut drop: Vec<Option<String>> = vec![None; lines.len()];
    if let Some(marker) = overrides.stop_at.as_deref() {
        let folded_marker = fold(marker);
        let hit = lines
            .iter()
            .position(|l| l.text.contains(marker) || (!folded_marker.is_empty() && l.folded.contains(&folded_marker)));
        match hit {
            Some(start) => drop[start..].iter_mut().for_each(|d| *d = Some("clean.stop_at".into())),
            None => report.unmatched.push("stop_at".into()),
        }
    }
    for (k, pattern) in overrides.drop.iter().enumerate() {
        let mut matched = false;
        for (i, line) in lines.iter().enumerate() {
            if pattern.is_match(&line.text) {
                matched = true;
                drop[i].get_or_insert_with(|| format!("clean.drop[{k}]"));
            }
        }
        if !matched {
            report.unmatched.push(format!("drop[{k}]"));
        }
    }
    let title = overrides.title_line.and_then(|n| {
        let i = n.checked_sub(1)?;
        lines.get(i).filter(|l| !l.is_blank() && drop[i].is_none()).map(|_| i)
    });
    if overrides.title_line.is_some() && title.is_none() {
        report.unmatched.push("title_line".into());
    }
    (Forced { title, drop }, report)
}

/// Restores lines matching a `keep` pattern that the heuristics dropped.
pub(crate) fn apply_keep(
    lines: &[LineInfo],
    overrides: &Overrides,
    decisions: &mut [Decision],
    report: &mut OverrideReport,
) {
    for (k, pattern) in overrides.keep.iter().enumerate() {
        let mut matched = false;
        for (i, line) in lines.iter().enumerate() {
            if line.is_blank() || !pattern.is_match(&line.text) {
                continue;
            }
            matched = true;
            let forced_drop = decisions[i].reason.starts_with("clean.");
            if !decisions[i].kept && !forced_drop {
                let role = match line.content {
                    Some(Content::Heading) => Role::Heading,
                    Some(Content::ListItem { .. }) => Role::ListItem,
                    Some(Content::Quote) => Role::Quote,
                    _ => Role::Paragraph,
                };
                decisions[i] =
                    Decision::keep(role, format!("clean.keep[{k}] (heuristics said: {})", decisions[i].reason));
            }
        }
        if !matched {
            report.unmatched.push(format!("keep[{k}]"));
        }
    }
}
