//! A tier shared with other processes — a team gateway's replicas — after memory and disk: a
//! miss in both asks it, and a complete answer stored here is also handed to it. The tier holds
//! the answers' own encoding ([`CachedAnswer::encode`], checksummed), so a corrupt or foreign
//! entry is a miss, never a wrong answer. It must answer quickly or not at all: a tier that is
//! away costs each lookup at most its own timeout, and the cache goes on without it.
//!
//! Single-flight across processes, where the tier supports it ([`RemoteTier::get_or_claim`]):
//! the miss that asks the tier also claims the key; a process that finds it claimed waits for
//! the claimer's answer (polling the tier every 50 ms, for at most [`CLAIM_HOLD`]) instead of
//! calling upstream too. A claimer whose fetch fails releases its claim and a waiter fetches.

use crate::cache::{lock, Cache};
use crate::entry::CachedAnswer;
use crate::key::CacheKey;
pub use crate::tier::{Claim, RemoteFuture, RemoteTier};
use std::sync::Arc;
use std::time::Duration;

/// What the shared tier had for a key.
pub(crate) enum Remote {
    /// Its answer; `waited`: for another process's fetch to store it.
    Found {
        answer: Arc<CachedAnswer>,
        waited: bool,
    },
    /// Nothing: this process fetches; `claimed`: holding the tier's claim, which it must end.
    Fetch { claimed: bool },
}

/// How long a claim to fetch a key holds, and so the longest another process waits for its
/// answer before fetching itself (an answer still streaming after that is fetched twice).
pub const CLAIM_HOLD: Duration = Duration::from_secs(60);
/// How often a process waiting for another's answer asks the tier again.
const CLAIM_POLL: Duration = Duration::from_millis(50);

impl Cache {
    /// Adds a shared tier after memory and disk (see [`RemoteTier`]); replaces any earlier one.
    pub fn set_remote(&self, remote: Arc<dyn RemoteTier>) {
        *lock(&self.inner.remote) = Some(remote);
    }

    fn remote(&self) -> Option<Arc<dyn RemoteTier>> {
        lock(&self.inner.remote).clone()
    }

    /// The shared tier's answer for `key`, or this process's claim to fetch it: waits (polling
    /// the tier) while another process fetches it, for at most [`CLAIM_HOLD`].
    pub(crate) async fn remote_lookup(&self, key: &CacheKey) -> Remote {
        let Some(remote) = self.remote() else {
            return Remote::Fetch { claimed: false };
        };
        let started = tokio::time::Instant::now();
        let mut waited = false;
        loop {
            match remote.get_or_claim(key, CLAIM_HOLD).await {
                Claim::Found(bytes, left) => {
                    return match self.remember_remote(key, &bytes, left) {
                        Some(answer) => Remote::Found { answer, waited },
                        // Not an answer this version can read: fetch, nobody waits on it.
                        None => Remote::Fetch { claimed: false },
                    };
                }
                Claim::Claimed => return Remote::Fetch { claimed: true },
                Claim::Unknown => return Remote::Fetch { claimed: false },
                Claim::Elsewhere if started.elapsed() >= CLAIM_HOLD => {
                    return Remote::Fetch { claimed: false }
                }
                Claim::Elsewhere => {
                    waited = true;
                    tokio::time::sleep(CLAIM_POLL).await;
                }
            }
        }
    }

    /// Ends this process's claim on `key` (its fetch failed or was dropped).
    pub(crate) fn remote_release(&self, key: &CacheKey) {
        if let Some(remote) = self.remote() {
            remote.release(*key);
        }
    }

    /// An encoded answer from the shared tier, kept in memory for as long as the tier keeps it.
    fn remember_remote(
        &self,
        key: &CacheKey,
        bytes: &[u8],
        left: Duration,
    ) -> Option<Arc<CachedAnswer>> {
        let answer = Arc::new(CachedAnswer::decode(bytes).ok()?);
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
