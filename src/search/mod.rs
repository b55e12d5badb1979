//! Offline search: a compact index per language, loaded by the search page
//! as a script (no fetch, no WebAssembly), so it works from `file://`.
//!
//! [`terms`] turns text into search terms (fold, split, stem) exactly as
//! `themes/default/static/search.js` does for the reader's query; [`index`]
//! gathers terms into postings and writes the script the page loads.

pub mod index;
pub mod terms;

pub use index::{Document, Field, Index};
