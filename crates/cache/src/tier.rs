//! The contract of a tier shared with other processes (see `remote`).

use crate::key::CacheKey;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// What a [`RemoteTier`] call returns.
pub type RemoteFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Storage shared with other processes (see the `remote` module).
pub trait RemoteTier: Send + Sync + 'static {
    /// The encoded answer under `key` and how long it has left; `None` on a miss, or when the
    /// tier cannot answer in time.
    fn get<'a>(&'a self, key: &'a CacheKey) -> RemoteFuture<'a, Option<(Vec<u8>, Duration)>>;
    /// Stores an encoded answer for `ttl`. Must not block: the write goes out in the background.
    fn put(&self, key: CacheKey, encoded: Vec<u8>, ttl: Duration);
}
