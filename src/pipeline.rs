//! The one pipeline every command shares: load → validate → model → render.
//!
//! `build`, `check` (and later `serve` and `snapshot`) call [`compile`] and
//! differ only in what they do with its [`Output`]: write it to disk, report
//! its diagnostics, serve it from memory, or archive it.

use crate::diag::{self, Diagnostic};
use crate::ingest::Extraction;
use crate::load::{self, Project};
use crate::output::{self, Output};
use crate::render::{self, theme};
use crate::site::{self, Drafts, Site};
use crate::term::Term;
use crate::snapshot;
use crate::validate;
use crate::{ingest, link};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

/// Ingests every article's seed once, with its `clean:` overrides. An override
/// that matches no line is a warning: it is stale or mistyped.
fn extract_all(project: &Project, diags: &mut Vec<Diagnostic>) -> BTreeMap<String, Extraction> {
    // bench (#10): seeds are independent; ingest them in parallel, report in slug order.
    use rayon::prelude::*;
    let extracted: Vec<_> = project
        .articles
        .par_iter()
        .filter_map(|(slug, a)| {
            let seed = project.seeds.get(&a.value.seed)?;
            Some((slug, a, ingest::extract_with(&seed.text, &site::overrides_of(&a.value))))
        })
        .collect();
    let mut documents = BTreeMap::new();
    for (slug, a, (doc, report)) in extracted {
        for name in report.unmatched {
            let (line, col) = a.locator.locate(&format!("clean.{name}"));
            diags.push(
                Diagnostic::warning(
                    &a.path,
                    line,
                    col,
                    format!("clean.{name} matches no line of seeds/{}", a.value.seed),
                )
                .with_hint("remove it, or check it against `nashra extract` of the seed"),
            );
        }
        documents.insert(slug.clone(), doc);
    }
    documents
}

/// A loaded, validated project: what `check` reports and `compile` builds from.
pub struct Checked {
    /// The typed content.
    pub project: Project,
    /// Each article's extracted seed, by article slug.
    pub documents: BTreeMap<String, Extraction>,
    /// Every diagnostic, sorted.
    pub diags: Vec<Diagnostic>,
}

/// Loads, ingests and validates the project. Quotes are matched against the
/// article body ingestion keeps, not the whole seed.
pub fn load_checked(root: &Path) -> Checked {
    let (project, mut diags) = load::load(root);
    let documents = extract_all(&project, &mut diags);
    let bodies: BTreeMap<String, String> =
        documents.iter().map(|(slug, doc)| (slug.clone(), ingest::body_text(doc))).collect();
    diags.extend(validate::validate(&project, &bodies));
    diag::sort(&mut diags);
    Checked { project, documents, diags }
}

/// Runs the whole pipeline in memory. Errors stop it before anything is written.
/// The live site lists the editions in the project's `site/snapshots/`.
#[allow(dead_code)] // `build` passes its own output folder; `serve` and later commands call this.
pub fn compile(root: &Path, drafts: Drafts) -> (Option<Output>, Vec<Diagnostic>) {
    compile_with(root, drafts, snapshot::Mode::Live(&root.join("site")))
}

/// Like [`compile`], for a live site written to another folder (it lists the
/// editions in that folder's `snapshots/`), or for an edition of the briefing
/// (banner, change page, `content.json`).
pub fn compile_with(root: &Path, drafts: Drafts, mode: snapshot::Mode) -> (Option<Output>, Vec<Diagnostic>) {
    let Checked { project, documents, mut diags } = load_checked(root);
    if diag::has_errors(&diags) {
        return (None, diags);
    }
    let Some(site) = Site::from_project(&project, &documents, drafts) else {
        return (None, diags);
    };
    let theme =
        match theme::theme_files(root, &site.config.theme).map_err(|d| vec![d]).and_then(|f| theme::Theme::new(&f)) {
            Ok(t) => t,
            Err(errors) => {
                diags.extend(errors);
                return (None, diags);
            }
        };
    // --- snapshot hook: the archive of editions, or the edition being made.
    let extras = snapshot::extras(root, &site, mode, &mut diags);
    if diag::has_errors(&diags) {
        return (None, diags);
    }
    // --- end snapshot hook
    let links = link::link(&site);
    match render::render(&site, &links, &theme, &extras) {
        Ok(mut out) => {
            out.extend(snapshot::edition_files(&extras)); // snapshot hook
            (Some(out), diags)
        }
        Err(errors) => {
            diags.extend(errors);
            (None, diags)
        }
    }
}

/// Prints diagnostics to stderr, one per line.
pub fn report(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{d}");
    }
}

/// `nashra check`: true when there are no errors.
pub fn check(root: &Path, json: bool, term: &Term) -> bool {
    let Checked { project, diags, .. } = load_checked(root);
    let errors = diags.iter().filter(|d| d.is_error()).count();
    if json {
        let doc = serde_json::json!({"errors": errors, "warnings": diags.len() - errors, "diagnostics": diags});
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        term.report(&diags);
        term.info(format!("{errors} error(s), {} warning(s)", diags.len() - errors));
        let drafts: Vec<&str> = project.articles.values().filter(|a| a.value.draft).map(|a| a.path.as_str()).collect();
        if !drafts.is_empty() {
            term.info(format!("drafts (left out of build unless --drafts): {}", drafts.join(", ")));
        }
    }
    errors == 0
}

/// `nashra build`: true when the site was written.
pub fn build(root: &Path, out: &Path, drafts: Drafts, term: &Term) -> bool {
    let started = Instant::now();
    let progress = term.progress("building");
    let (output, diags) = compile_with(root, drafts, crate::snapshot::Mode::Live(out));
    term.detail(format!("compiled in {:.2} s", started.elapsed().as_secs_f64()));
    drop(progress); // clear the indicator before diagnostics are printed
    term.report(&diags);
    let Some(output) = output else {
        eprintln!("build failed: {} unchanged", out.display());
        return false;
    };
    let progress = term.progress(&format!("writing {} files", output.len()));
    let written = output::write_atomically(&output, out);
    drop(progress);
    if let Err(e) = written {
        eprintln!("{}: error: cannot write the site: {e}", out.display());
        eprintln!("  hint: check free space and permissions; the previous site is unchanged");
        return false;
    }
    term.detail(format!("{} files, {} bytes", output.len(), output.values().map(Vec::len).sum::<usize>()));
    term.info(format!(
        "built {} pages in {:.2} s → {}",
        crate::term::thousands(output.keys().filter(|k| k.ends_with(".html")).count()),
        started.elapsed().as_secs_f64(),
        out.display()
    ));
    true
}

/// `nashra extract`: prints what ingestion makes of one seed file.
pub fn extract(seed: &Path, json: bool) -> bool {
    let shown = seed.display().to_string();
    let mut diags = Vec::new();
    let text = std::fs::read(seed)
        .map_err(|e| Diagnostic::error(&shown, 0, 0, format!("cannot read file: {e}")))
        .map(|bytes| load::decode(&shown, bytes, &mut diags));
    let text = match text {
        Ok(Some(t)) => t,
        Ok(None) => return report_and_fail(&diags),
        Err(d) => return report_and_fail(&[d]),
    };
    let doc = ingest::extract(&text);
    if json {
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        print!("{}", ingest::render_text(&doc));
    }
    true
}

fn report_and_fail(diags: &[Diagnostic]) -> bool {
    report(diags);
    false
}
