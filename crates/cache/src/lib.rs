//! Switchyard's response cache core, without Tauri and without the gateway.
//!
//! * [`key`] turns a canonical [`switchyard_wire::ChatRequest`] (plus the resolved route and the
//!   output-affecting [`OutputExtras`] the canonical model drops) into a [`CacheKey`] that is the
//!   same for an OpenAI and an Anthropic body of the same conversation, and ignores `stream`
//!   and transport metadata; [`is_cacheable`] is the policy (temperature 0 or opt-in, `n ≤ 1`).
//! * [`entry`] is the stored [`CachedAnswer`] (a canonical reply, replayable in either format and
//!   as a stream) and its versioned, checksummed encoding.
//! * [`memory`] is the in-memory layer bounded by entries and bytes, with a TTL per entry: LRU
//!   eviction with frequency-based (TinyLFU-style) admission, so one-off keys do not push out
//!   popular ones.
//! * [`disk`] is the persistent SQLite layer: its own file, a byte cap, LRU eviction.
//! * [`cache`] combines them, with invalidation and accounting.
//! * [`remote`] is an optional tier shared with other processes (a team gateway's Redis).
//! * [`flight`] is single-flight: [`Cache::lookup`] answers or hands out one [`Lease`] per key,
//!   so concurrent identical requests share one upstream call.
//!
//! Invariants for the whole crate: wall-clock time is injected (a [`Clock`] for [`Cache`],
//! `now_ms` arguments everywhere else); a corrupt, truncated or expired stored answer is a miss
//! and is removed, never a panic or a wrong answer; errors and partial streams are never stored
//! (the gateway hands [`Cache`] complete replies only); no lock is held across an `.await`, and
//! SQLite work runs on tokio's blocking pool in async paths (background writes on the cache's own
//! writer thread). Error messages never quote request
//! or response content.

pub mod cache;
pub mod disk;
pub mod entry;
mod extras;
pub mod flight;
pub mod key;
pub mod memory;
pub mod remote;
pub mod stats;
mod tier;
mod writer;

pub use cache::{Cache, CacheConfig, Clock, Source};
pub use disk::{DiskCache, DiskStats};
pub use entry::{CachedAnswer, DecodeError, ENCODING_VERSION};
pub use flight::{Lease, Lookup};
pub use key::{is_cacheable, CacheKey, OutputExtras};
pub use memory::{MemoryCache, MemoryConfig, DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, DEFAULT_TTL};
pub use remote::{Claim, RemoteFuture, RemoteTier, CLAIM_HOLD};
pub use stats::{CacheStats, RouteStats};

/// What can go wrong in the cache's own storage. Messages never quote cached content.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// SQLite failed.
    #[error("cache database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The cache file's folder could not be created.
    #[error("cache folder error: {0}")]
    Io(std::io::Error),
    /// A blocking task panicked or was cancelled.
    #[error("cache background task failed")]
    Task,
}

#[cfg(test)]
mod test_support;
