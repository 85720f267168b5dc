//! Giving freed memory back to the system after a burst of allocation (a counter rebuild).
//!
//! Rebuilding counters from SQL reads every bucket of the retention at once: rows, a map merging
//! them and the list of buckets, several hundred bytes per bucket, freed as soon as the counters are
//! built. glibc's allocator keeps freed memory that lies below a live allocation (and in its per-thread
//! arenas) mapped, so after a 14-day rebuild a server kept ~450 MB resident of which its counters
//! used 14 MB. `malloc_trim(0)` returns every free page of every arena to the kernel.
//!
//! One of the two modules that may use `unsafe` (the crate denies `unsafe_code`, see
//! `store/sqlite_writer.rs`).
#![allow(unsafe_code)]

/// Returns the allocator's free pages to the system (glibc on Linux; elsewhere nothing to do).
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only reorganises the allocator's own free lists under its locks; it takes
    // no pointer and may be called from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
