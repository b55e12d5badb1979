//! `nashra serve`: build, serve the site from memory, watch the project,
//! rebuild incrementally and tell every open tab.
//!
//! Threads: a few HTTP workers answer from the current build (an
//! `Arc<LiveSite>` swapped after each good rebuild, whose pages are rendered
//! when first asked for); the calling thread watches the files, rebuilds and
//! broadcasts; a low-priority pass renders the rest of each build once the
//! edits pause. Errors while serving never stop the server: the last good
//! site stays up and tabs show an overlay.

mod http;
mod sse;
pub mod watch;

use crate::diag::Diagnostic;
use crate::incremental::{LiveSite, Workspace};
use crate::pipeline;
use crate::site::Drafts;
use sse::{Clients, Message};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// The live-reload script, as injected into served pages (never into `build` output).
const LIVE_JS: &str = include_str!("live.js");

/// How long the files must stay quiet before a rebuild: one editor save is several events.
const QUIET: Duration = Duration::from_millis(25);

/// How long after a rebuild the rest of the site starts being rendered in the background.
const BACKGROUND_AFTER: Duration = Duration::from_millis(1000);

/// HTTP worker threads.
const WORKERS: usize = 4;

/// Command-line options of `serve`.
pub struct Options {
    /// Port; 0 picks a free one.
    pub port: u16,
    /// Address to listen on.
    pub bind: IpAddr,
    /// Open the site in the default browser.
    pub open: bool,
    /// Take the first build's ingestion from the persistent cache (src/cache), and keep it there.
    pub cached: bool,
}

/// What the HTTP workers serve: one build, and the errors of the last attempt.
#[derive(Clone, Default)]
struct Served {
    site: Option<Arc<LiveSite>>,
    /// The build served before `site`: a page whose template fails in `site` is answered from it.
    previous: Option<Arc<LiveSite>>,
    build: u64,
    errors: Vec<Diagnostic>,
}

impl http::Files for Served {
    fn file(&self, path: &str) -> Option<Arc<Vec<u8>>> {
        // A page whose template fails is answered from the build before; the
        // background pass reports the error and puts that build back.
        match self.site.as_ref()?.get(path)? {
            Ok(bytes) => Some(bytes),
            Err(_) => self.previous.as_ref()?.get(path)?.ok(),
        }
    }

    fn has(&self, path: &str) -> bool {
        self.site.as_ref().is_some_and(|s| s.has(path))
    }
}

/// State shared by the workers and the rebuild loop (owned by `serve`, not global).
#[derive(Default)]
struct Live {
    served: RwLock<Served>,
    clients: Clients,
    /// Number of the newest attempt; a background pass for an older one stops.
    attempt: AtomicU64,
}

impl Live {
    fn current(&self) -> Served {
        self.served.read().map(|s| s.clone()).unwrap_or_default()
    }
}

enum Event {
    Files(Vec<PathBuf>),
    Stop,
}

/// Runs the server until Ctrl-C. False when it could not start.
pub fn serve(root: &Path, options: &Options) -> bool {
    let listener = match TcpListener::bind(SocketAddr::new(options.bind, options.port)) {
        Ok(l) => l,
        Err(e) => {
            let what = if e.kind() == std::io::ErrorKind::AddrInUse { "is already in use" } else { "cannot be used" };
            eprintln!("error: port {} on {} {what}: {e}", options.port, options.bind);
            eprintln!("  hint: stop the other server, or pick another port with --port (--port 0 picks a free one)");
            return false;
        }
    };
    let address = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
    let server = match tiny_http::Server::from_listener(listener, None) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("error: cannot serve on {address}: {e}");
            return false;
        }
    };
    // Ctrl-C before anything else, so a stop request is never lost.
    let (tx, rx) = mpsc::channel();
    let stop = tx.clone();
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = stop.send(Event::Stop);
    }) {
        eprintln!("warning: Ctrl-C handler not installed: {e}");
    }
    let live = Arc::new(Live::default());
    let mut workspace = Workspace::new(root, Drafts::Include);
    if options.cached {
        workspace.use_cache();
    }
    let (site, diags) = workspace.rebuild();
    pipeline::report(&diags);
    let first = site.clone();
    publish(&live, site, &diags, workspace.build);
    eprintln!("built in {}", workspace.stats());
    if let Some(site) = first {
        complete_in_background(&live, &workspace, site, Served::default());
    }

    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (server, live) = (server.clone(), live.clone());
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    answer(&live, request);
                }
            })
        })
        .collect();
    let Some(watching) = start_watching(root, tx) else {
        for _ in &workers {
            server.unblock();
        }
        return false;
    };
    let url = format!("http://{address}/");
    eprintln!("serving {url} (drafts shown); watching content/, seeds/ and themes/; Ctrl-C stops");
    if options.open {
        open_browser(&url);
    }
    let ok = watch_and_rebuild(watching, &mut workspace, &live, rx);
    for _ in &workers {
        server.unblock();
    }
    for w in workers {
        let _ = w.join();
    }
    eprintln!("stopped");
    ok
}

/// Makes a build the one served (when it succeeded) and records the errors of the attempt.
fn publish(live: &Live, site: Option<Arc<LiveSite>>, diags: &[Diagnostic], build: u64) {
    live.attempt.fetch_add(1, Ordering::SeqCst);
    if let Ok(mut served) = live.served.write() {
        if let Some(site) = site {
            served.previous = served.site.replace(site);
            served.build = build;
        }
        served.errors = diags.iter().filter(|d| d.is_error()).cloned().collect();
    }
}

/// Renders the rest of `site` on low-priority threads, once the edits pause,
/// so every page's template is tried and the next rebuild can reuse unchanged
/// pages. A template error puts `before` (the build served until this one)
/// back and shows the overlay; a newer attempt stops the pass.
fn complete_in_background(live: &Arc<Live>, workspace: &Workspace, site: Arc<LiveSite>, before: Served) {
    let (live, pages) = (live.clone(), workspace.pages.clone());
    let attempt = live.attempt.load(Ordering::SeqCst);
    std::thread::spawn(move || {
        let stop = || live.attempt.load(Ordering::SeqCst) != attempt;
        // Wait for the edits to pause: pages asked for meanwhile are rendered on request.
        let quiet = std::time::Instant::now() + BACKGROUND_AFTER;
        while std::time::Instant::now() < quiet {
            std::thread::sleep(Duration::from_millis(20));
            if stop() {
                return;
            }
        }
        let mut guard = pages.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let memo = &mut *guard;
        let done = background_pool().install(|| site.complete(memo, &stop));
        drop(guard);
        let Some(Err(errors)) = done else { return };
        {
            let Ok(mut served) = live.served.write() else { return };
            // Checked under the lock: a newer build published meanwhile stays.
            if stop() {
                return;
            }
            // The first build has nothing before it: it stays, its failing pages missing.
            let (site, build) = match before.site {
                Some(site) => (Some(site), before.build),
                None => (served.site.take(), served.build),
            };
            *served = Served { site, previous: None, build, errors: errors.clone() };
        }
        pipeline::report(&errors);
        eprintln!("build failed: still serving the last good site ({} error(s))", errors.len());
        live.clients.broadcast(&Message::Errors(errors));
    });
}

/// Threads for background rendering, at the lowest priority: a page a browser
/// asks for is rendered first.
fn background_pool() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("nashra-background-{i}"))
            .start_handler(|_| {
                // On Linux the nice value is per thread; elsewhere this lowers the process, which is harmless.
                // SAFETY: setpriority only reads its integer arguments.
                unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 19) };
            })
            .build()
            .unwrap_or_else(|_| rayon::ThreadPoolBuilder::new().build().expect("a thread pool"))
    })
}

fn answer(live: &Live, request: tiny_http::Request) {
    let served = live.current();
    let script = format!("<script>{}</script>", LIVE_JS.replace("__NASHRA_BUILD__", &served.build.to_string()));
    let method = request.method().as_str().to_ascii_uppercase();
    match http::route(&served, &method, request.url(), &script) {
        http::Route::Events => {
            if live.clients.len() >= sse::MAX_CLIENTS {
                let _ = request.respond(tiny_http::Response::from_string("too many open tabs\n").with_status_code(503));
                return;
            }
            let page = http::events_page(request.url());
            let state = if served.errors.is_empty() { Message::Ok } else { Message::Errors(served.errors) };
            live.clients.add(request.into_writer(), page, &[Message::Hello(served.build), state]);
        }
        http::Route::Site(a) => {
            let mut response = tiny_http::Response::from_data(a.body).with_status_code(a.status);
            let headers = std::iter::once(("Content-Type", a.content_type.to_string())).chain(a.headers);
            for (name, value) in headers {
                if let Ok(h) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
                    response.add_header(h);
                }
            }
            let _ = request.respond(response);
        }
    }
}

/// What watching needs: the canonical root, the watcher and the folders it watches.
struct Watching {
    root: PathBuf,
    watcher: notify::RecommendedWatcher,
    watched: Vec<PathBuf>,
}

/// Starts watching the project, before the URL is printed: an edit made as soon
/// as the server says it is serving must not be missed.
fn start_watching(root: &Path, files: mpsc::Sender<Event>) -> Option<Watching> {
    use notify::Watcher;
    // Events name paths under the folder as watched: watch the canonical root, classify against it.
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // Reads are not changes (and the rebuild itself reads every file).
        if let Ok(e) = event
            && !matches!(e.kind, notify::EventKind::Access(_))
        {
            let _ = files.send(Event::Files(e.paths));
        }
    });
    let mut watcher = match watcher {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot watch the project: {e}");
            return None;
        }
    };
    // The project root itself, not recursively: so a `themes/` created later is noticed and watched.
    if let Err(e) = watcher.watch(&root, notify::RecursiveMode::NonRecursive) {
        eprintln!("warning: cannot watch {}: {e}", root.display());
    }
    let mut watched = Vec::new();
    watch_inputs(&root, &mut watcher, &mut watched);
    Some(Watching { root, watcher, watched })
}

/// Rebuilds after each burst of changes, until Ctrl-C.
fn watch_and_rebuild(
    Watching { root, mut watcher, mut watched }: Watching,
    workspace: &mut Workspace,
    live: &Arc<Live>,
    rx: mpsc::Receiver<Event>,
) -> bool {
    let root = &root;
    let mut last_warnings: Vec<Diagnostic> = Vec::new();
    loop {
        let mut paths = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(Event::Files(p)) => p,
            Ok(Event::Stop) | Err(RecvTimeoutError::Disconnected) => return true,
            Err(RecvTimeoutError::Timeout) => {
                live.clients.ping();
                continue;
            }
        };
        loop {
            match rx.recv_timeout(QUIET) {
                Ok(Event::Files(p)) => paths.extend(p),
                Ok(Event::Stop) => return true,
                Err(_) => break,
            }
        }
        watch_inputs(root, &mut watcher, &mut watched);
        let changes = watch::classify(root, paths.iter().map(PathBuf::as_path));
        if changes.is_empty() {
            continue;
        }
        rebuild(workspace, live, &changes, &mut last_warnings);
    }
}

/// Watches `content/`, `seeds/` and `themes/` (each once, as soon as it exists).
fn watch_inputs(root: &Path, watcher: &mut impl notify::Watcher, watched: &mut Vec<PathBuf>) {
    for dir in ["content", "seeds", "themes"] {
        let path = root.join(dir);
        if path.is_dir() && !watched.contains(&path) {
            match watcher.watch(&path, notify::RecursiveMode::Recursive) {
                Ok(()) => watched.push(path),
                Err(e) => eprintln!("warning: cannot watch {}: {e}", path.display()),
            }
        }
    }
}

/// One rebuild after `changes`: serve it if it is good, tell the tabs, print what happened.
/// The pages open in tabs are rendered before the tabs are told, each tab
/// reloads only when its page changed, and the rest is rendered afterwards.
fn rebuild(
    workspace: &mut Workspace,
    live: &Arc<Live>,
    changes: &watch::ChangeSet,
    last_warnings: &mut Vec<Diagnostic>,
) {
    let before = live.current();
    let (site, mut diags) = workspace.rebuild();
    // The open pages first: a template error there fails the build now.
    let started = std::time::Instant::now();
    let mut open = std::collections::HashMap::new();
    if let Some(site) = &site {
        for page in live.clients.pages() {
            match site.get(&page) {
                Some(Ok(bytes)) => drop(open.insert(page, Some(bytes))),
                Some(Err(d)) => diags.push(d),
                None => drop(open.insert(page, None)),
            }
        }
    }
    // A build whose open page failed is not served, but its other pages are still tried (all errors shown).
    let failed = site.clone().filter(|_| crate::diag::has_errors(&diags));
    let site = site.filter(|_| !crate::diag::has_errors(&diags));
    let (errors, warnings): (Vec<_>, Vec<_>) = diags.iter().cloned().partition(Diagnostic::is_error);
    pipeline::report(&errors);
    if warnings != *last_warnings {
        pipeline::report(&warnings);
        *last_warnings = warnings;
    }
    let good = site.clone();
    let style_only = changes.is_style_only() && before.errors.is_empty();
    let stylesheets = site.as_ref().map(|s| s.stylesheets()).unwrap_or_default();
    let build = workspace.build;
    // What a tab showing `page` is told.
    let message = |page: Option<&str>| -> Message {
        if good.is_none() {
            return Message::Errors(errors.clone());
        }
        if style_only {
            return Message::Css(stylesheets.clone(), build);
        }
        let now = page.and_then(|p| open.get(p)).cloned().flatten();
        let then = page.zip(before.site.as_ref()).and_then(|(p, s)| s.get(p)).and_then(Result::ok);
        match (now, then) {
            (Some(now), Some(then)) if now == then => Message::Ok,
            _ => Message::Reload(build),
        }
    };
    // Worked out before the tabs' lock is taken: comparing may render the page on the old build.
    let messages: std::collections::HashMap<String, Message> =
        open.keys().map(|page| (page.clone(), message(Some(page)))).collect();
    let other = message(None);
    publish(live, site, &diags, build);
    live.clients.broadcast_each(|page| page.and_then(|p| messages.get(p)).unwrap_or(&other).clone());
    match good {
        Some(site) => {
            let pages = started.elapsed().as_secs_f64() * 1000.0;
            eprintln!("rebuilt in {}; {} open page(s) rendered in {pages:.1} ms", workspace.stats(), open.len());
            complete_in_background(live, workspace, site, before);
        }
        None => {
            eprintln!("build failed: still serving the last good site ({} error(s))", errors.len());
            if let Some(site) = failed {
                complete_in_background(live, workspace, site, before);
            }
        }
    }
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    if let Err(e) = std::process::Command::new(opener).arg(url).spawn() {
        eprintln!("warning: cannot open a browser ({opener}: {e}); open {url} yourself");
    }
}
