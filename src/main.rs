//! nashra: bilingual Arabic/English briefing sites from scraped articles.
//!
//! The pipeline: load (YAML + seeds) → validate → model → render (Tera) →
//! Output (path → bytes) → a sink (disk, dev server, snapshot).

mod add;
mod alloc;
mod cache;
mod diag;
mod incremental;
mod ingest;
mod init;
mod link;
mod load;
mod model;
mod output;
mod pipeline;
mod render;
mod search;
mod serve;
mod site;
mod snapshot;
mod term;
#[cfg(test)]
mod testing;
mod text;
mod validate;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// A build allocates and frees millions of small strings and JSON values from
/// every core; mimalloc's per-thread heaps serve them faster than glibc's malloc
/// and return freed memory sooner (docs/PERFORMANCE.md), asked as `alloc` says.
#[global_allocator]
static ALLOCATOR: alloc::Allocator = alloc::Allocator;

/// mimalloc v3's number for its `purge_delay` option (`mi_option_e` in
/// mimalloc.h); libmimalloc-sys exports no constant for it. A test reads the
/// option back to catch a renumbering.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Every command keeps the memory it frees for its own next allocations
/// instead of handing it back to the kernel a second later (mimalloc's
/// default): every page handed back is zeroed again by the kernel when it is
/// touched next, and on this class of machine that zeroing ran at ~0.5 GB/s,
/// a fifth of a first `check`'s time (docs/PERFORMANCE.md). A one-off command
/// gives everything back at exit. `serve` keeps what its first build and its
/// rebuilds freed for the next rebuild, which would otherwise fault it in
/// again after every edit more than a second after the last: at 1,000
/// articles, ten edits 1.5 s apart cost 129,395 page faults and 0.93 s of
/// system time with the default, 142 and 0.62 s without, for 443 -> 532 MB
/// resident. `MIMALLOC_PURGE_DELAY` in the environment still wins.
fn keep_freed_memory() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets one integer option of the allocator; mimalloc reads it
        // when it next considers purging, and no other thread runs yet.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    }
}

/// Seeds for the hash maps Tera makes for every view model and template
/// scope (aHash's `RandomState`), from a counter of the thread that makes
/// the map. aHash's own source is one counter for the whole process, bumped
/// atomically for every map: with every core rendering pages, millions of
/// bumps made its cache line travel between cores, ~1 % of a build's samples
/// (`gen_hasher_seed`). The keys are the view models' own field names, not
/// input text: nothing is lost against collisions an attacker could craft.
/// Set once, before Tera makes its first map.
fn seed_template_maps_per_thread() {
    let _ = ahash::random_state::set_random_source(PerThreadSeeds); // already set: leave it
}

/// aHash's seed source for [`seed_template_maps_per_thread`].
struct PerThreadSeeds;

impl ahash::random_state::RandomSource for PerThreadSeeds {
    fn gen_hasher_seed(&self) -> usize {
        thread_local!(static NEXT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) });
        NEXT.with(|next| {
            // Each thread starts from where its counter lives, as aHash's starts from an address.
            let seed = match next.get() {
                0 => std::ptr::from_ref(next) as usize,
                seed => seed,
            };
            next.set(seed.wrapping_add(0x9E37_79B9_7F4A_7C15_u64 as usize));
            seed
        })
    }
}

/// `check` gets its memory in 4 KiB pages, not in transparent huge pages. On
/// this class of machine (a VM whose host takes back what the guest does not
/// use) the first touch of fresh memory is what costs, and a huge page makes
/// the kernel zero 2 MiB at a time, often memory the host must first give
/// back. `check --no-cache` at 10,000 articles, alternated runs: median
/// 1.13-1.18 s -> 0.95-1.06 s, and no more runs with a second of system time.
/// For a build the runs disagreed (docs/PERFORMANCE.md): it keeps the
/// system's setting, as `serve` does. `MIMALLOC_ALLOW_THP` in the environment
/// still decides (mimalloc makes the same call when it is 0).
fn small_pages() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: sets one flag of this process's memory map; touches no memory.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    }
}

/// Build bilingual (Arabic/English) briefing sites from scraped articles.
#[derive(Parser)]
#[command(name = "nashra", version, about)]
struct Cli {
    /// The briefing project's folder.
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    project: PathBuf,

    /// Print only errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,

    /// Also print what each step did.
    #[arg(long, short, global = true)]
    verbose: bool,

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
        /// Ingest every seed anew, neither reading nor writing the cache in .nashra/cache/.
        #[arg(long)]
        no_cache: bool,
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
        /// Ingest every seed anew, neither reading nor writing the cache in .nashra/cache/.
        #[arg(long)]
        no_cache: bool,
    },
    /// Check the content and report every problem, as `path:line:col: error|warning: message`.
    Check {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Ingest every seed anew, neither reading nor writing the cache in .nashra/cache/.
        #[arg(long)]
        no_cache: bool,
    },
    /// Start a new briefing project in DIR (which must be new or empty).
    Init {
        /// The folder to create the project in.
        dir: PathBuf,
        /// Site languages, the first is the default.
        #[arg(long, value_delimiter = ',', default_value = "ar,en", value_name = "CODES")]
        languages: Vec<String>,
        /// Site title, in the first language.
        #[arg(long, value_name = "TEXT")]
        title: Option<String>,
        /// Copy the default theme into themes/default/ for editing (otherwise it is used from the binary).
        #[arg(long)]
        eject_theme: bool,
    },
    /// Add a scraped article: copy it into seeds/ and write a draft in content/articles/.
    Add {
        /// The scraped article (plain UTF-8 text).
        seed: PathBuf,
        /// The article's slug (default: from --title-en, else from the seed's file name).
        #[arg(long)]
        slug: Option<String>,
        /// The English title.
        #[arg(long, value_name = "TEXT")]
        title_en: Option<String>,
        /// Fill only the empty fields of the article that already uses this seed or slug.
        #[arg(long)]
        update: bool,
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
        /// Ingest every seed anew, neither reading nor writing the cache in .nashra/cache/.
        #[arg(long)]
        no_cache: bool,
        /// Check editions against their snapshot.json instead (all, or LABEL); exit 1 if any file differs.
        #[arg(long, value_name = "LABEL", num_args = 0..=1, default_missing_value = "",
              conflicts_with_all = ["label", "note", "force", "archive", "drafts", "no_cache"])]
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
    let term = term::Term::detect(cli.quiet, cli.verbose);
    keep_freed_memory();
    seed_template_maps_per_thread();
    if matches!(cli.command, Command::Check { .. }) {
        small_pages();
    }
    let ok = match cli.command {
        Command::Check { format, no_cache } => {
            pipeline::check(&cli.project, matches!(format, Format::Json), !no_cache, &term)
        }
        Command::Extract { seed, format } => pipeline::extract(&seed, matches!(format, Format::Json)),
        Command::Snapshot { verify: Some(label), .. } => {
            snapshot::verify_command(&cli.project, Some(label.as_str()).filter(|l| !l.is_empty()))
        }
        Command::Snapshot { label, note, force, archive, drafts, no_cache, verify: None } => {
            let drafts = if drafts { site::Drafts::Include } else { site::Drafts::Exclude };
            let options = snapshot::Options { label, note, force, archive, drafts, cached: !no_cache };
            snapshot::snapshot_command(&cli.project, &options, &term)
        }
        Command::Serve { port, bind, open, no_cache } => {
            serve::serve(&cli.project, &serve::Options { port, bind, open, cached: !no_cache })
        }
        Command::Build { out, drafts, no_cache } => {
            let out = out.unwrap_or_else(|| cli.project.join("site"));
            let drafts = if drafts { site::Drafts::Include } else { site::Drafts::Exclude };
            pipeline::build(&cli.project, &out, drafts, !no_cache, &term)
        }
        Command::Init { dir, languages, title, eject_theme } => {
            run_init(&dir, init::InitOptions { languages, title, eject_theme }, &term)
        }
        Command::Add { seed, slug, title_en, update } => {
            run_add(&cli.project, &add::AddOptions { seed, slug, title_en, update }, &term)
        }
    };
    if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

/// `nashra init`: creates the project and says what to do next.
fn run_init(dir: &std::path::Path, options: init::InitOptions, term: &term::Term) -> bool {
    match init::init(dir, &options) {
        Ok(files) => {
            for f in &files {
                term.detail(format!("wrote {}", f));
            }
            term.info(format!("created a briefing project in {}", dir.display()));
            term.info(format!(
                "next: nashra --project {0} add ARTICLE.txt, then nashra --project {0} build",
                dir.display()
            ));
            true
        }
        Err(e) => {
            term.fail(&e.message, e.hint.as_deref());
            false
        }
    }
}

/// `nashra add`: writes the draft and says what it holds and what is left.
fn run_add(root: &std::path::Path, options: &add::AddOptions, term: &term::Term) -> bool {
    match add::add(root, options) {
        Ok(added) => {
            let d = &added.draft;
            if added.copied {
                term.info(format!("copied the seed to {}", added.seed));
            } else {
                term.info(format!("the seed is already in {}", added.seed));
            }
            if added.fields == ["all"] {
                term.info(format!(
                    "wrote {} (draft): headline {}, date {}, {} entities, {} topics, {} figures",
                    added.article,
                    if d.headline { "found" } else { "not found" },
                    d.date.as_deref().unwrap_or("not found"),
                    d.entities,
                    d.topics,
                    d.figures
                ));
            } else {
                term.info(format!("updated {}: filled {}", added.article, list_or_none(&added.fields)));
                term.info(format!("kept as written: {}", list_or_none(&added.kept)));
            }
            term.detail(format!("{} date candidates", d.dates));
            term.info("next: fill in the empty fields; `nashra check` lists them");
            true
        }
        Err(d) => {
            term.report(&[d]);
            false
        }
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() { "nothing".to_string() } else { items.join(", ") }
}

#[cfg(test)]
mod tests {
    use super::MI_OPTION_PURGE_DELAY;

    /// Maps Tera makes one after another on a thread, or on threads alive at
    /// the same time, get seeds of their own.
    #[test]
    fn template_maps_get_seeds_of_their_own() {
        use ahash::random_state::RandomSource;
        let seeds = || (0..1000).map(|_| super::PerThreadSeeds.gen_hasher_seed()).collect::<Vec<usize>>();
        // All alive at once (a thread started after another ended could reuse its counter's place).
        let together = std::sync::Arc::new(std::sync::Barrier::new(4));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let together = together.clone();
                std::thread::spawn(move || {
                    together.wait();
                    let mine = seeds();
                    together.wait();
                    mine
                })
            })
            .collect();
        let mut all: Vec<usize> = threads.into_iter().flat_map(|t| t.join().expect("no panic")).collect();
        let count = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), count, "a seed was given twice");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn check_asks_the_kernel_for_small_pages() {
        if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
            super::small_pages();
            // SAFETY: reads one flag of this process's memory map.
            assert_eq!(unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) }, 1);
        }
    }

    #[test]
    fn the_purge_delay_option_number_is_mimallocs() {
        // SAFETY: reads and writes one integer option; the allocator tolerates
        // either value at any time.
        let before = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(before, 1000, "mimalloc v3's default purge delay, in ms (src/options.c)");
        }
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 1234) };
        let after = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, before) };
        assert_eq!(after, 1234);
    }
}
