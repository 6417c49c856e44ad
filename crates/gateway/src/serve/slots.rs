//! The connection cap, and which connection gives way at it (issue 70: every account on the
//! machine can connect to the loopback port, so one account's idle or half-sent connections
//! must not keep the user waiting; addresses cannot tell accounts apart, all are 127.0.0.1).
//!
//! Every served connection holds a slot and a [`Ticket`] saying what it is doing: *fresh* (no
//! complete request head yet), *busy* (a request in flight: from its head to the end of its
//! answer's body) or *idle* (kept alive between requests), and whether a request on it carried
//! a valid token (*vouched*). A new connection at the cap makes room by closing, in this order:
//!
//! 1. the oldest fresh connection: it has sent the least, and the user's tools send their
//!    request head as soon as they connect;
//! 2. the longest-idle kept-alive connection that never carried a valid token;
//! 3. the longest-idle vouched one (a tool's pooled connection; the tool reconnects).
//!
//! Invariants: a busy connection is never chosen, so a request in flight is never cut to make
//! room; a fresh one is closed at once (nothing of ours is in flight on it), an idle one
//! gracefully (a request that arrives while it closes is still answered); when every slot is
//! busy the new connection waits for one, as it did in the kernel's accept queue before, and the
//! choice is made again every [`RECHECK`]. The state is one atomic word per connection, written
//! by its own task (and once by the chooser, which only marks it closing), so a request pays two
//! uncontended atomic updates and the map is locked only per connection and at the cap.

use futures_util::task::AtomicWaker;
use rustc_hash::FxHashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How often a new connection waiting at the cap looks again for one to close (every slot was
/// busy, or the one chosen is still finishing an answer).
pub(crate) const RECHECK: Duration = Duration::from_millis(100);

/// How often, at most, the cap being reached is logged as a warning.
const WARN_EVERY: Duration = Duration::from_secs(60);

// A ticket's word: the state in bits 0-1, flags above, and the time it last went idle (ms since
// the slots were made) from bit `SINCE_SHIFT` on.
const FRESH: u64 = 0;
const BUSY: u64 = 1;
const IDLE: u64 = 2;
const STATE: u64 = 0b11;
/// Chosen to give way.
const CLOSING: u64 = 1 << 2;
/// A request on it carried a valid token.
const VOUCHED: u64 = 1 << 3;
/// The gateway is stopping.
const STOPPING: u64 = 1 << 4;
const SINCE_SHIFT: u32 = 5;

/// The gateway's connection slots: how many may be served at once and who holds them.
pub struct Slots {
    free: Arc<Semaphore>,
    max: usize,
    open: Mutex<Open>,
    /// Ids in accept order: the smallest fresh one is the oldest.
    next: AtomicU64,
    epoch: Instant,
    /// When the cap was last logged (ms since `epoch`, plus one; 0: never).
    warned: AtomicU64,
}

/// The connections holding a slot, and whether the gateway is stopping (one lock, so a
/// connection admitted while it stops is told so too).
#[derive(Default)]
struct Open {
    tickets: FxHashMap<u64, Arc<Ticket>>,
    stopping: bool,
}

/// What one connection is doing, and how to tell its task to close.
pub(crate) struct Ticket {
    id: u64,
    word: AtomicU64,
    waker: AtomicWaker,
    epoch: Instant,
}

/// What a signalled connection must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    /// Nothing asked of it.
    None,
    /// Close now: chosen to give way before it sent a whole request head, or the gateway is
    /// stopping before it did.
    Drop,
    /// Finish the request in flight, if any, then close.
    Finish,
}

/// A slot held by one connection; dropping it frees the slot.
pub(crate) struct Held {
    ticket: Arc<Ticket>,
    slots: Arc<Slots>,
    _permit: OwnedSemaphorePermit,
}

impl Slots {
    /// Room for `max` connections at once (at least one).
    pub fn new(max: usize) -> Arc<Slots> {
        let max = max.max(1);
        Arc::new(Slots {
            free: Arc::new(Semaphore::new(max)),
            max,
            open: Mutex::new(Open::default()),
            next: AtomicU64::new(0),
            epoch: Instant::now(),
            warned: AtomicU64::new(0),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A slot for a connection just accepted: a free one, or one another connection gives up
    /// (see the module's order); waits while every slot is busy.
    pub(crate) async fn admit(self: &Arc<Self>) -> Held {
        loop {
            if let Ok(permit) = Arc::clone(&self.free).try_acquire_owned() {
                return self.hold(permit);
            }
            self.warn_at_cap();
            self.make_room();
            let wait = tokio::time::timeout(RECHECK, Arc::clone(&self.free).acquire_owned());
            if let Ok(Ok(permit)) = wait.await {
                return self.hold(permit);
            }
        }
    }

    fn hold(self: &Arc<Self>, permit: OwnedSemaphorePermit) -> Held {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let mut open = self.lock();
        let ticket = Arc::new(Ticket {
            id,
            word: AtomicU64::new(if open.stopping { STOPPING } else { FRESH }),
            waker: AtomicWaker::new(),
            epoch: self.epoch,
        });
        open.tickets.insert(id, Arc::clone(&ticket));
        drop(open);
        Held {
            ticket,
            slots: Arc::clone(self),
            _permit: permit,
        }
    }

    /// Marks the connection that should give way (the module's order) as closing and wakes it;
    /// whether there was one (none when every connection is busy or already closing).
    pub(crate) fn make_room(&self) -> bool {
        let open = self.lock();
        // A connection's task may change its word between the look and the mark: look again.
        for _ in 0..3 {
            let chosen = open
                .tickets
                .values()
                .filter_map(|t| {
                    let word = t.word.load(Ordering::Acquire);
                    rank(word, t.id).map(|r| (r, word, t))
                })
                .min_by_key(|(r, _, _)| *r);
            let Some((_, word, ticket)) = chosen else {
                return false;
            };
            if ticket
                .word
                .compare_exchange(word, word | CLOSING, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                ticket.waker.wake();
                tracing::debug!(
                    fresh = word & STATE == FRESH,
                    vouched = word & VOUCHED != 0,
                    "a connection gave way at the connection cap"
                );
                return true;
            }
        }
        false
    }

    /// Tells every connection the gateway is stopping: idle ones close, requests in flight
    /// finish first.
    pub(crate) fn stop_all(&self) {
        let mut open = self.lock();
        open.stopping = true;
        for ticket in open.tickets.values() {
            ticket.word.fetch_or(STOPPING, Ordering::AcqRel);
            ticket.waker.wake();
        }
    }

    /// Connections holding a slot now.
    #[cfg(test)]
    pub(crate) fn open(&self) -> usize {
        self.lock().tickets.len()
    }

    fn warn_at_cap(&self) {
        let now = ms_since(self.epoch) + 1;
        let last = self.warned.load(Ordering::Relaxed);
        let every = u64::try_from(WARN_EVERY.as_millis()).unwrap_or(u64::MAX);
        if (last == 0 || now.saturating_sub(last) >= every)
            && self
                .warned
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            tracing::warn!(
                max = self.max,
                "the gateway is at its connection cap: connections that sent no request (or \
                 sit idle) are closed to make room; another program on this machine may be \
                 holding connections open"
            );
        }
    }
}

/// Where a connection in state `word` stands in the order of giving way (smaller first);
/// `None` when it must not be chosen (busy, or already closing).
fn rank(word: u64, id: u64) -> Option<(u8, u64)> {
    if word & (CLOSING | STOPPING) != 0 {
        return None;
    }
    let since = word >> SINCE_SHIFT;
    match word & STATE {
        FRESH => Some((0, id)),
        IDLE if word & VOUCHED == 0 => Some((1, since)),
        IDLE => Some((2, since)),
        _ => None,
    }
}

fn ms_since(epoch: Instant) -> u64 {
    u64::try_from(epoch.elapsed().as_millis()).unwrap_or(u64::MAX >> SINCE_SHIFT)
}

impl Ticket {
    /// A request head arrived: busy until its answer's body is done.
    pub(crate) fn begin(&self) {
        self.set_state(|_| BUSY);
    }

    /// The answer's body is done (or dropped): idle, kept alive, from now.
    pub(crate) fn end(&self) {
        let since = ms_since(self.epoch) << SINCE_SHIFT;
        self.set_state(|_| IDLE | since);
    }

    /// A request on this connection carried a valid token.
    pub(crate) fn vouch(&self) {
        self.word.fetch_or(VOUCHED, Ordering::AcqRel);
    }

    /// Keeps the flags, replaces the state (and its time) with `to(old)`.
    fn set_state(&self, to: impl Fn(u64) -> u64) {
        let flags = CLOSING | VOUCHED | STOPPING;
        let _ = self
            .word
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |w| {
                Some((w & flags) | to(w))
            });
    }

    /// Registers the connection's task to be woken when it is signalled, then says what it must
    /// do. Call on every poll, before looking at anything else.
    pub(crate) fn signal(&self, waker: &std::task::Waker) -> Signal {
        self.waker.register(waker);
        let word = self.word.load(Ordering::Acquire);
        if word & (CLOSING | STOPPING) == 0 {
            Signal::None
        } else if word & STATE == FRESH {
            Signal::Drop
        } else {
            Signal::Finish
        }
    }
}

impl Held {
    /// The connection's ticket (the service and its answers' bodies update it).
    pub(crate) fn ticket(&self) -> &Arc<Ticket> {
        &self.ticket
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.slots.lock().tickets.remove(&self.ticket.id);
    }
}

#[cfg(test)]
#[path = "slots_tests.rs"]
mod tests;
