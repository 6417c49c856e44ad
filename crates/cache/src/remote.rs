//! A tier shared with other processes — a team gateway's replicas — after memory and disk: a
//! miss in both asks it, and a complete answer stored here is also handed to it. The tier holds
//! the answers' own encoding ([`CachedAnswer::encode`], checksummed), so a corrupt or foreign
//! entry is a miss, never a wrong answer. It must answer quickly or not at all: a tier that is
//! away costs each lookup at most its own timeout, and the cache goes on without it.

use crate::cache::{lock, Cache};
use crate::entry::CachedAnswer;
use crate::key::CacheKey;
pub use crate::tier::{RemoteFuture, RemoteTier};
use std::sync::Arc;
use std::time::Duration;

impl Cache {
    /// Adds a shared tier after memory and disk (see [`RemoteTier`]); replaces any earlier one.
    pub fn set_remote(&self, remote: Arc<dyn RemoteTier>) {
        *lock(&self.inner.remote) = Some(remote);
    }

    fn remote(&self) -> Option<Arc<dyn RemoteTier>> {
        lock(&self.inner.remote).clone()
    }

    /// The shared tier's answer for `key`, kept in memory for as long as the tier keeps it.
    pub(crate) async fn remote_lookup(&self, key: &CacheKey) -> Option<Arc<CachedAnswer>> {
        let remote = self.remote()?;
        let (bytes, left) = remote.get(key).await?;
        let answer = Arc::new(CachedAnswer::decode(&bytes).ok()?);
        lock(&self.inner.memory).insert(
            *key,
            Arc::clone(&answer),
            bytes.len(),
            self.now(),
            Some(left),
        );
        Some(answer)
    }

    /// Hands a complete answer to the shared tier, if there is one.
    pub(crate) fn remote_store(
        &self,
        key: &CacheKey,
        answer: &CachedAnswer,
        ttl: Option<Duration>,
    ) {
        if let Some(remote) = self.remote() {
            let ttl = ttl.unwrap_or_else(|| self.default_ttl());
            remote.put(*key, answer.encode(), ttl);
        }
    }
}
