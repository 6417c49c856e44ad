//! The contract of a tier shared with other processes (see `remote`).

use crate::key::CacheKey;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// What a [`RemoteTier`] call returns.
pub type RemoteFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What [`RemoteTier::get_or_claim`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The encoded answer and how long it has left.
    Found(Vec<u8>, Duration),
    /// Nothing stored: this process fetches it, and the others wait for its answer.
    Claimed,
    /// Nothing stored, and another process is fetching it.
    Elsewhere,
    /// The tier cannot say now (away, slow): this process fetches, nobody waits for it.
    Unknown,
}

/// Storage shared with other processes (see the `remote` module).
pub trait RemoteTier: Send + Sync + 'static {
    /// The encoded answer under `key` and how long it has left; `None` on a miss, or when the
    /// tier cannot answer in time.
    fn get<'a>(&'a self, key: &'a CacheKey) -> RemoteFuture<'a, Option<(Vec<u8>, Duration)>>;
    /// Stores an encoded answer for `ttl` and ends a claim on `key`. Must not block: the write
    /// goes out in the background.
    fn put(&self, key: CacheKey, encoded: Vec<u8>, ttl: Duration);
    /// As [`RemoteTier::get`], and on a miss claims the fetch of `key` for `hold` unless another
    /// process holds it — single-flight across processes, in one round trip. Without claims
    /// (the default), every miss is this process's to fetch.
    fn get_or_claim<'a>(&'a self, key: &'a CacheKey, hold: Duration) -> RemoteFuture<'a, Claim> {
        let _ = hold;
        Box::pin(async move {
            match self.get(key).await {
                Some((bytes, left)) => Claim::Found(bytes, left),
                None => Claim::Unknown,
            }
        })
    }
    /// Ends this process's claim on `key` without an answer (its fetch failed): the others stop
    /// waiting and one of them fetches. Must not block.
    fn release(&self, key: CacheKey) {
        let _ = key;
    }
}
