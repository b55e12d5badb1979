//! The global allocator: mimalloc, asked for a plain block wherever a plain
//! block is aligned enough.
//!
//! The `mimalloc` crate's allocator asks for every block with
//! `mi_malloc_aligned`, even a string's (alignment 1). mimalloc v3 serves
//! such a request from its plain bins only when the block's size is a power
//! of two; any other size goes to its generic path, which over-allocates to
//! align. Callgrind of `check --no-cache` at 1,000 articles: 43,380 aligned
//! requests made 31,737 over-allocations, ~600 instructions each, where a
//! plain `mi_malloc` takes a few dozen (the same was measured and fixed in
//! reussir-lang/reussir#339; purpleprotocol/mimalloc_rust#170 proposes it
//! upstream).

use libmimalloc_sys::{
    mi_free, mi_malloc, mi_malloc_aligned, mi_realloc, mi_realloc_aligned, mi_zalloc, mi_zalloc_aligned,
};
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// mimalloc with plain requests where they do.
pub struct Allocator;

/// The alignment every block of mimalloc has: its size classes are multiples
/// of a word and its pages start 16-byte aligned.
const PLAIN_ALIGN: usize = std::mem::size_of::<usize>();

fn plain(layout: &Layout) -> bool {
    layout.align() <= PLAIN_ALIGN
}

// SAFETY: every block comes from mimalloc, aligned as its layout asks (plain
// blocks are word-aligned, see PLAIN_ALIGN; others are asked aligned), and
// is given back to it with `mi_free`, which takes blocks of every kind.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: plain calls into the allocator; null on failure, as `alloc` returns.
        unsafe {
            if plain(&layout) { mi_malloc(layout.size()) } else { mi_malloc_aligned(layout.size(), layout.align()) }
        }
        .cast()
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`; the block comes zeroed.
        unsafe {
            if plain(&layout) { mi_zalloc(layout.size()) } else { mi_zalloc_aligned(layout.size(), layout.align()) }
        }
        .cast()
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator (the caller's contract).
        unsafe { mi_free(ptr.cast::<c_void>()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` was allocated by this allocator with `layout` (the
        // caller's contract); the new block keeps the alignment asked.
        unsafe {
            if plain(&layout) {
                mi_realloc(ptr.cast(), new_size)
            } else {
                mi_realloc_aligned(ptr.cast(), new_size, layout.align())
            }
        }
        .cast()
    }
}

#[cfg(test)]
mod tests {
    /// Blocks of every size class and of large sizes, at every alignment a
    /// type may ask, are aligned as asked, keep their bytes when they grow
    /// or shrink, and come zeroed when asked so. (The tests run with this
    /// allocator: it is the binary's global allocator.)
    #[test]
    fn blocks_are_aligned_as_asked_and_keep_their_bytes() {
        use std::alloc::{Layout, alloc, alloc_zeroed, dealloc, realloc};
        let sizes = (1..=300).chain([1000, 1023, 1025, 4095, 4097, 65_537, 1 << 20, (1 << 22) + 3]);
        for size in sizes {
            for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: a layout of non-zero size; every block is freed with its layout.
                unsafe {
                    let zeroed = alloc_zeroed(layout);
                    assert!(!zeroed.is_null() && zeroed.addr().is_multiple_of(align), "zeroed {size} at {align}");
                    assert!(std::slice::from_raw_parts(zeroed, size).iter().all(|&b| b == 0), "{size} zeroed");
                    dealloc(zeroed, layout);
                    for new_size in [size * 2 + 7, size.div_ceil(2)] {
                        let block = alloc(layout);
                        assert!(!block.is_null() && block.addr().is_multiple_of(align), "{size} at {align}");
                        for i in 0..size {
                            block.add(i).write(i as u8);
                        }
                        let moved = realloc(block, layout, new_size);
                        assert!(
                            !moved.is_null() && moved.addr().is_multiple_of(align),
                            "{size} -> {new_size} at {align}"
                        );
                        let kept = size.min(new_size);
                        assert!((0..kept).all(|i| moved.add(i).read() == i as u8), "{size} -> {new_size}: bytes");
                        dealloc(moved, Layout::from_size_align(new_size, align).unwrap());
                    }
                }
            }
        }
    }
}
