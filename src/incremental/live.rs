//! A build being served while it is edited: each page is rendered when it is
//! first asked for, and the whole site afterwards, in the background.
//!
//! This is what makes an edit visible fast at any size: a rebuild stops after
//! the model, the links and the search indexes ([`Prepared`]); the page a tab
//! shows is rendered on its own (a few milliseconds), not after the thousands
//! of others. The background pass ([`LiveSite::complete`]) then renders the
//! rest, reusing every page whose view model is unchanged, so template errors
//! anywhere are still reported and the complete site equals a full build
//! byte for byte (src/incremental/tests.rs).

use crate::diag::Diagnostic;
use crate::output::Output;
use crate::render::{PageMemo, Prepared};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

/// One good build, as served.
pub struct LiveSite {
    prepared: Prepared,
    /// Every site path the build has, worked out when first asked for: making
    /// every page's description to learn its path took 5 ms after each
    /// rebuild at 1,000 articles, before a tab's page could be rendered.
    paths: OnceLock<HashSet<String>>,
    /// Pages rendered on request, by site path.
    rendered: Mutex<HashMap<String, Arc<Vec<u8>>>>,
    /// Every file, once [`LiveSite::complete`] has rendered them all.
    complete: OnceLock<Arc<Output>>,
}

impl LiveSite {
    /// A build whose pages are not rendered yet.
    pub fn new(prepared: Prepared) -> LiveSite {
        LiveSite { prepared, paths: OnceLock::new(), rendered: Mutex::default(), complete: OnceLock::new() }
    }

    /// Whether the build has a file at `path`.
    pub fn has(&self, path: &str) -> bool {
        let paths = self.paths.get_or_init(|| self.prepared.paths().into_iter().collect());
        paths.contains(path) || self.prepared.is_search_file(path)
    }

    /// Site paths of the stylesheets.
    pub fn stylesheets(&self) -> Vec<String> {
        let mut css: Vec<String> =
            self.prepared.assets().filter(|k| k.starts_with("assets/") && k.ends_with(".css")).cloned().collect();
        css.sort();
        css
    }

    /// The file at `path`, rendering it now if it is a page not rendered yet;
    /// `None` when the build has no such file, an error when its template fails.
    pub fn get(&self, path: &str) -> Option<Result<Arc<Vec<u8>>, Diagnostic>> {
        if let Some(out) = self.complete.get() {
            return out.get(path).map(|bytes| Ok(Arc::new(bytes.clone())));
        }
        // No look in every path first: `render_path` knows a page by its
        // path alone, and is `None` for a path the build does not have.
        if let Some(bytes) = self.rendered.lock().ok().and_then(|m| m.get(path).cloned()) {
            return Some(Ok(bytes));
        }
        let rendered = self.prepared.render_path(path)?;
        // Every test that serves a page checks that the build has it.
        #[cfg(test)]
        assert!(self.has(path), "{path} is rendered on request but is not in the build");
        let bytes = match rendered {
            Ok(bytes) => Arc::new(bytes),
            Err(d) => return Some(Err(d)),
        };
        if let Ok(mut rendered) = self.rendered.lock() {
            rendered.insert(path.to_string(), bytes.clone());
        }
        Some(Ok(bytes))
    }

    /// Renders every file (reusing from `memo` each page whose view model is
    /// unchanged since the last complete build), unless `stop` says a newer
    /// build has come: then `None`, and `memo` is left as it was.
    pub fn complete(
        &self,
        memo: &mut PageMemo,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<Result<Arc<Output>, Vec<Diagnostic>>> {
        if let Some(out) = self.complete.get() {
            return Some(Ok(out.clone()));
        }
        let out = match self.prepared.render_all_unless(memo, stop)? {
            Ok(out) => Arc::new(out),
            Err(diags) => return Some(Err(diags)),
        };
        memo.remember(out.clone());
        let out = self.complete.get_or_init(|| out).clone();
        if let Ok(mut rendered) = self.rendered.lock() {
            rendered.clear(); // the complete output answers from now on
        }
        Some(Ok(out))
    }
}
