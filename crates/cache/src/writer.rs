//! The persistent layer's background writes ([`crate::Lease::complete_in_background`]): one
//! thread per cache, started with its first write, taking the writes in order. A write queued
//! just before the gateway stops is still made: tokio's blocking pool, which ran these before,
//! cancels the tasks it has not started when its runtime shuts down. [`Cache::flush`] waits
//! for every write queued before it.
//!
//! The thread holds the disk layer and a weak reference to the cache (to count a failed write);
//! it ends once the cache is dropped and its queue is empty.

use crate::cache::{lock, Cache, Inner, Job};
use crate::disk::DiskCache;
use crate::entry::CachedAnswer;
use crate::key::CacheKey;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Weak};
use std::time::Duration;

impl Cache {
    /// Queues the persistent write of `answer` (nothing without a disk layer); a write that
    /// cannot be queued (the thread could not be started) is counted as a disk error, as a
    /// failed write is.
    pub(crate) fn persist_in_background(
        &self,
        key: CacheKey,
        answer: Arc<CachedAnswer>,
        ttl: Option<Duration>,
    ) {
        if self.inner.disk.is_none() {
            return;
        }
        let ttl = ttl.unwrap_or_else(|| self.default_ttl());
        let job = Job::Put {
            key,
            answer,
            now_ms: self.now(),
            ttl,
        };
        let queued = self.writer().is_some_and(|tx| tx.send(job).is_ok());
        if !queued {
            self.disk_error();
        }
    }

    /// Waits until every persistent write queued before this call is made (blocking). Returns
    /// at once when there is no disk layer or nothing was ever written.
    pub fn flush(&self) {
        let Some(tx) = lock(&self.inner.writer).clone() else {
            return;
        };
        let (done, wait) = channel();
        if tx.send(Job::Flush(done)).is_ok() {
            let _ = wait.recv();
        }
    }

    /// The writer thread's queue, started on first use; `None` without a disk layer or when
    /// the thread cannot be started.
    fn writer(&self) -> Option<Sender<Job>> {
        let disk = Arc::clone(self.inner.disk.as_ref()?);
        let mut slot = lock(&self.inner.writer);
        if let Some(tx) = slot.as_ref() {
            return Some(tx.clone());
        }
        let (tx, rx) = channel();
        let owner = Arc::downgrade(&self.inner);
        std::thread::Builder::new()
            .name("cache-writer".into())
            .spawn(move || run(&disk, &owner, &rx))
            .ok()?;
        *slot = Some(tx.clone());
        Some(tx)
    }
}

fn run(disk: &DiskCache, owner: &Weak<Inner>, jobs: &Receiver<Job>) {
    while let Ok(job) = jobs.recv() {
        match job {
            Job::Put {
                key,
                answer,
                now_ms,
                ttl,
            } => {
                if disk.put(&key, &answer, now_ms, ttl).is_err() {
                    if let Some(inner) = owner.upgrade() {
                        Cache { inner }.disk_error();
                    }
                }
            }
            Job::Flush(done) => {
                let _ = done.send(());
            }
        }
    }
}
