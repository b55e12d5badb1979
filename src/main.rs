//! nashra: bilingual Arabic/English briefing sites from scraped articles.
//!
//! The pipeline: load (YAML + seeds) → validate → model → render (Tera) →
//! Output (path → bytes) → a sink (disk, dev server, snapshot).

mod diag;
mod ingest;
mod link;
mod load;
mod model;
mod output;
mod pipeline;
mod render;
mod site;
mod snapshot;
mod text;
mod validate;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Build bilingual (Arabic/English) briefing sites from scraped articles.
#[derive(Parser)]
#[command(name = "nashra", version, about)]
struct Cli {
    /// The briefing project's folder.
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    project: PathBuf,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into site/ (or --out), replacing it only when the build succeeds.
    Build {
        /// Output folder (default: site/ in the project).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Include draft articles.
        #[arg(long)]
        drafts: bool,
    },
    /// Check the content and report every problem, as `path:line:col: error|warning: message`.
    Check {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Write the briefing as an immutable, dated edition into site/snapshots/<label>/.
    Snapshot {
        /// Folder name of the edition (default: the date of the newest article, YYYY-MM-DD).
        #[arg(long, value_name = "LABEL")]
        label: Option<String>,
        /// A note shown with the edition on the editions page.
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        /// Replace an existing edition with the same label.
        #[arg(long)]
        force: bool,
        /// Also write site/snapshots/<label>.tar.gz.
        #[arg(long)]
        archive: bool,
        /// Include draft articles.
        #[arg(long)]
        drafts: bool,
        /// Check editions against their snapshot.json instead (all, or LABEL); exit 1 if any file differs.
        #[arg(long, value_name = "LABEL", num_args = 0..=1, default_missing_value = "",
              conflicts_with_all = ["label", "note", "force", "archive", "drafts"])]
        verify: Option<String>,
    },
    /// Show how a seed is read: the headline, the body blocks, and the decision taken for every line.
    Extract {
        /// The seed file (plain UTF-8 text).
        seed: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// How diagnostics are printed.
#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// One line per problem, for people.
    Text,
    /// A JSON object, for editors and CI.
    Json,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let ok = match cli.command {
        Command::Check { format } => pipeline::check(&cli.project, matches!(format, Format::Json)),
        Command::Extract { seed, format } => pipeline::extract(&seed, matches!(format, Format::Json)),
        Command::Snapshot { verify: Some(label), .. } => {
            snapshot::verify_command(&cli.project, Some(label.as_str()).filter(|l| !l.is_empty()))
        }
        Command::Snapshot { label, note, force, archive, drafts, verify: None } => {
            let drafts = if drafts { site::Drafts::Include } else { site::Drafts::Exclude };
            snapshot::snapshot_command(&cli.project, &snapshot::Options { label, note, force, archive, drafts })
        }
        Command::Build { out, drafts } => {
            let out = out.unwrap_or_else(|| cli.project.join("site"));
            let drafts = if drafts { site::Drafts::Include } else { site::Drafts::Exclude };
            pipeline::build(&cli.project, &out, drafts)
        }
    };
    if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }
}
