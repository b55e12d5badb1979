//! Parts of pages made once for every language's version of a page.

use crate::model::Language;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// Parts of pages that are the same in every language, by slug: what they
/// show of the original texts. The first of a slug's pages to be rendered
/// makes its part, and once the page of every language has had it, the slot
/// lets it go, so that a build does not keep them to its end (it renders the
/// languages' versions of an item page one after the other:
/// [`super::super::render_order`]). A page rendered again (`serve` renders a
/// page asked for before the rest) takes the part still there, or makes it anew.
pub struct Shared<T> {
    slots: HashMap<String, Mutex<Slot<T>>>,
    /// The site's language codes, in order: a language is its place here.
    languages: Vec<String>,
}

/// A slug's part, while some of its languages' pages have not had it.
struct Slot<T> {
    part: Option<Arc<T>>,
    /// The languages whose page had it, one bit each.
    served: u64,
}

impl<T> Shared<T> {
    /// Empty slots for `slugs`, in a site of `languages`.
    pub fn new<'s>(slugs: impl Iterator<Item = &'s String>, languages: &[Language]) -> Shared<T> {
        let slots = slugs.map(|slug| (slug.clone(), Mutex::new(Slot { part: None, served: 0 }))).collect();
        Shared { slots, languages: languages.iter().map(|l| l.code.clone()).collect() }
    }

    /// The part of `slug`'s page in `lang`, made by `make` unless another
    /// language's page made it. `make` runs while the slot is locked, so
    /// that two languages' pages rendered at once make it once: it must not
    /// wait for other rayon jobs (a job stolen while waiting could be this
    /// slug's other page, and lock the slot again on the same thread).
    pub fn get(&self, slug: &str, lang: &Language, make: impl FnOnce() -> T) -> Arc<T> {
        let bit = self.languages.iter().position(|code| *code == lang.code).filter(|&i| i < 64);
        let (Some(slot), Some(bit)) = (self.slots.get(slug), bit) else {
            return Arc::new(make());
        };
        let every = if self.languages.len() >= 64 { u64::MAX } else { (1 << self.languages.len()) - 1 };
        let mut slot = slot.lock().unwrap_or_else(PoisonError::into_inner);
        let part = slot.part.get_or_insert_with(|| Arc::new(make())).clone();
        slot.served |= 1 << bit;
        if slot.served == every {
            *slot = Slot { part: None, served: 0 };
        }
        part
    }
}

#[cfg(test)]
mod tests {
    use super::Shared;
    use crate::model::Language;
    use std::sync::Arc;

    fn language(code: &str) -> Language {
        Language { code: code.into(), dir: crate::model::Dir::of(code) }
    }

    #[test]
    fn a_part_is_made_once_for_the_pages_of_every_language() {
        let (ar, en) = (language("ar"), language("en"));
        let shared: Shared<&str> = Shared::new([String::from("x")].iter(), &[ar.clone(), en.clone()]);
        let made = std::cell::Cell::new(0);
        let make = || {
            made.set(made.get() + 1);
            "<mark>q</mark>"
        };
        let first = shared.get("x", &en, make);
        // The same language's page again (serve renders a page asked for, then
        // every page): the part stays for the language that has not had it.
        let again = shared.get("x", &en, make);
        let second = shared.get("x", &ar, make);
        assert_eq!(made.get(), 1);
        assert!(Arc::ptr_eq(&first, &again) && Arc::ptr_eq(&first, &second));
        // Both languages had it: the slot is empty again, and a next render makes it anew.
        shared.get("x", &ar, make);
        assert_eq!(made.get(), 2);
        // A slug without a slot, or a language the site lacks, gets its part made every time.
        shared.get("y", &ar, make);
        shared.get("y", &ar, make);
        shared.get("x", &language("fr"), make);
        assert_eq!(made.get(), 5);
    }
}
