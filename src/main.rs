//! nashra: bilingual Arabic/English briefing sites from scraped articles.
//!
//! The pipeline: load (YAML + seeds) → validate → model → render (Tera) →
//! Output (path → bytes) → a sink (disk, dev server, snapshot).

mod diag;
mod incremental;
mod ingest;
mod link;
mod load;
mod model;
mod output;
mod pipeline;
mod render;
mod serve;
mod site;
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
    /// Serve the site with drafts from memory, rebuild on every change and reload open tabs.
    Serve {
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on; only this machine by default.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Check the content and report every problem, as `path:line:col: error|warning: message`.
    Check {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
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
        Command::Serve { port, bind, open } => serve::serve(&cli.project, &serve::Options { port, bind, open }),
        Command::Build { out, drafts } => {
            let out = out.unwrap_or_else(|| cli.project.join("site"));
            let drafts = if drafts { site::Drafts::Include } else { site::Drafts::Exclude };
            pipeline::build(&cli.project, &out, drafts)
        }
    };
    if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }
}
