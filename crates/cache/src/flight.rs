//! Single-flight: concurrent identical requests share one upstream call.
//!
//! [`Cache::lookup`] keeps one in-flight marker per key (a `watch` channel in a short `std`
//! mutex). The first caller of a missing key becomes the leader and gets a [`Lease`]: it checks
//! disk, else calls upstream and hands the complete answer to [`Lease::complete`], which stores
//! and publishes it; concurrent callers of the same key wait and get that answer as
//! [`Source::Shared`]. The lease does not need to live in one `async fn`: the gateway moves it
//! into a streamed response body and completes it when the stream ended cleanly.
//!
//! **Errors are not shared and never cached**: when the leader drops its lease without
//! completing it (an error, a partial stream, a cancelled request), the marker is removed and
//! each waiter retries — one becomes the new leader, so a failing upstream sees one call at a
//! time, not a stampede, and every caller gets its own error or answer.
//!
//! Accounting: a lookup is counted when it is answered — a hit, a shared answer, or a miss the
//! moment a leader is made (whether or not its upstream call then succeeds).

use crate::cache::{lock, Cache, Source};
use crate::entry::CachedAnswer;
use crate::key::CacheKey;
use crate::remote::Remote;
use crate::stats::Event;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// What [`Cache::lookup`] found.
pub enum Lookup {
    /// Answered without an upstream call ([`Source::Hit`] or [`Source::Shared`]).
    Found(Arc<CachedAnswer>, Source),
    /// Nothing stored and nobody fetching: the caller fetches and completes the lease.
    Lead(Lease),
}

/// The right (and duty) to fetch one key. Completing stores and publishes the answer; dropping
/// without completing removes the in-flight marker so waiters retry.
pub struct Lease {
    cache: Cache,
    key: CacheKey,
    ttl: Option<Duration>,
    /// `None` for a refresh lease, which is not registered as a flight.
    tx: Option<watch::Sender<Option<Arc<CachedAnswer>>>>,
    /// This process holds the shared tier's claim on the key (released if never completed).
    claimed: bool,
}

impl std::fmt::Debug for Lease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lease").field("key", &self.key).finish()
    }
}

impl Lease {
    /// The key being fetched.
    pub fn key(&self) -> CacheKey {
        self.key
    }

    /// Stores the complete answer: memory and waiters at once, the persistent layer on the
    /// blocking pool (awaited; a disk failure is counted, the answer is still served).
    pub async fn complete(mut self, answer: CachedAnswer) -> Arc<CachedAnswer> {
        let answer = self.publish(answer);
        if self.cache.inner.disk.is_some() {
            let (cache, key, ttl, stored) =
                (self.cache.clone(), self.key, self.ttl, Arc::clone(&answer));
            let written =
                tokio::task::spawn_blocking(move || cache.persist(&key, &stored, ttl)).await;
            if !matches!(written, Ok(Ok(()))) {
                self.cache.disk_error();
            }
        }
        answer
    }

    /// [`Lease::complete`] without waiting for the disk: memory and waiters are updated before
    /// this returns, the persistent write is queued for the cache's writer thread (made even if
    /// the caller's runtime stops first; [`Cache::flush`] waits for it).
    pub fn complete_in_background(mut self, answer: CachedAnswer) -> Arc<CachedAnswer> {
        let answer = self.publish(answer);
        if self.cache.inner.disk.is_some() {
            self.cache
                .persist_in_background(self.key, Arc::clone(&answer), self.ttl);
        }
        answer
    }

    fn publish(&mut self, answer: CachedAnswer) -> Arc<CachedAnswer> {
        // Storing in the shared tier ends the claim too.
        self.claimed = false;
        self.cache.remote_store(&self.key, &answer, self.ttl);
        let answer = Arc::new(answer);
        self.cache
            .remember(&self.key, Arc::clone(&answer), self.ttl);
        if let Some(tx) = &self.tx {
            tx.send_replace(Some(Arc::clone(&answer)));
        }
        answer
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if self.claimed {
            self.cache.remote_release(&self.key);
        }
        if self.tx.is_some() {
            lock(&self.cache.inner.flights).remove(&self.key);
        }
    }
}

impl Cache {
    /// Single-flight lookup of `key` for `route` (accounting). A new entry gets `ttl` (the
    /// default when `None`). See the module docs.
    pub async fn lookup(&self, route: &str, key: CacheKey, ttl: Option<Duration>) -> Lookup {
        let mut lease = loop {
            if let Some(a) = self.peek_memory(&key) {
                self.record(route, Event::Hit { shared: false }, Some(&a));
                return Lookup::Found(a, Source::Hit);
            }
            let mut rx = {
                let mut flights = lock(&self.inner.flights);
                match flights.get(&key) {
                    Some(rx) => rx.clone(),
                    None => {
                        let (tx, rx) = watch::channel(None);
                        flights.insert(key, rx);
                        break Lease {
                            cache: self.clone(),
                            key,
                            ttl,
                            tx: Some(tx),
                            claimed: false,
                        };
                    }
                }
            };
            let shared = rx
                .wait_for(Option::is_some)
                .await
                .ok()
                .and_then(|v| v.clone());
            if let Some(a) = shared {
                self.record(route, Event::Hit { shared: true }, Some(&a));
                return Lookup::Found(a, Source::Shared);
            }
            // The leader failed or was cancelled: its marker is gone; try again.
        };
        // Stored between the memory check and taking the lead.
        if let Some(a) = self.peek_memory_again(&key) {
            self.record(route, Event::Hit { shared: false }, Some(&a));
            return Lookup::Found(a, Source::Hit);
        }
        if self.inner.disk.is_some() {
            let this = self.clone();
            let found = tokio::task::spawn_blocking(move || this.disk_lookup(&key))
                .await
                .unwrap_or_else(|_| {
                    self.disk_error();
                    None
                });
            if let Some(a) = found {
                if let Some(tx) = &lease.tx {
                    tx.send_replace(Some(Arc::clone(&a)));
                }
                self.record(route, Event::Hit { shared: false }, Some(&a));
                return Lookup::Found(a, Source::Hit);
            }
        }
        match self.remote_lookup(&key).await {
            Remote::Found { answer, waited } => {
                if let Some(tx) = &lease.tx {
                    tx.send_replace(Some(Arc::clone(&answer)));
                }
                // Waited for another process's fetch: shared, as a local waiter's answer is.
                self.record(route, Event::Hit { shared: waited }, Some(&answer));
                let source = if waited { Source::Shared } else { Source::Hit };
                return Lookup::Found(answer, source);
            }
            Remote::Fetch { claimed } => lease.claimed = claimed,
        }
        self.record(route, Event::Miss, None);
        Lookup::Lead(lease)
    }

    /// A lease that skips the lookup (`Cache-Control: no-cache`): the caller fetches and the
    /// answer replaces what is stored. Not a flight: concurrent lookups do not wait on it.
    pub fn refresh(&self, route: &str, key: CacheKey, ttl: Option<Duration>) -> Lease {
        self.record(route, Event::Miss, None);
        Lease {
            cache: self.clone(),
            key,
            ttl,
            tx: None,
            claimed: false,
        }
    }

    /// A lookup that never leads a flight (`Cache-Control: no-store`): memory, then disk.
    pub async fn lookup_only(&self, route: &str, key: CacheKey) -> Option<Arc<CachedAnswer>> {
        if self.inner.disk.is_none() {
            return self.get(route, &key);
        }
        let (this, route) = (self.clone(), route.to_owned());
        tokio::task::spawn_blocking(move || this.get(&route, &key))
            .await
            .ok()
            .flatten()
    }

    /// [`Cache::lookup`] with the fetch inline: a hit, or one shared upstream call per key.
    /// `fetch` must return only complete replies as `Ok`; an `Err` is returned to this caller
    /// only and nothing is stored.
    pub async fn get_or_fetch<F, Fut, E>(
        &self,
        route: &str,
        key: CacheKey,
        fetch: F,
    ) -> Result<(Arc<CachedAnswer>, Source), E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<CachedAnswer, E>>,
    {
        match self.lookup(route, key, None).await {
            Lookup::Found(a, source) => Ok((a, source)),
            Lookup::Lead(lease) => {
                let answer = fetch().await?;
                Ok((lease.complete(answer).await, Source::Miss))
            }
        }
    }
}

#[cfg(test)]
#[path = "flight_tests.rs"]
mod tests;
