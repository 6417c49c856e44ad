//! Circuit breakers for the whole team: when one replica's breaker for a backend opens, every
//! replica avoids that backend until it would close. The opening replica writes
//! `switchyard:breaker:{name}` with the open time as its expiry and announces it on the bus;
//! the others keep what they heard in memory, so the request path never waits for Redis. A
//! replica that was away from Redis (or just started) reads the keys again on
//! [`Change::Resync`] and at start.
//!
//! Each replica keeps its own breaker too: what it sees itself opens it at once, with or without
//! Redis. Redis away means breakers are per replica (degraded) until it is back.

use crate::link::Link;
use crate::{Bus, Change};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

const KEY_PREFIX: &str = "switchyard:breaker:";
/// The names of every backend whose breaker was ever opened (read instead of scanning keys).
const NAMES: &str = "switchyard:breakers";

/// The team's open breakers, as one replica knows them. Cheap to clone.
#[derive(Clone)]
pub struct TeamBreakers {
    link: Arc<Link>,
    bus: Bus,
    /// Distinguishes this replica's own notices (its own breaker already holds them).
    replica: String,
    open: Arc<Mutex<HashMap<String, Instant>>>,
}

impl TeamBreakers {
    /// Breakers shared through `link` (writes) and `bus` (notices).
    pub fn new(link: Arc<Link>, bus: Bus) -> TeamBreakers {
        TeamBreakers {
            link,
            bus,
            replica: uuid::Uuid::new_v4().simple().to_string(),
            open: Arc::default(),
        }
    }

    /// Keeps this replica's view current: the open breakers in Redis now and after every
    /// resync, and each notice as it comes. Runs until dropped (the app's supervisor owns it).
    pub fn follow(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let me = self.clone();
        let mut notices = self.bus.subscribe();
        async move {
            me.read_all().await;
            loop {
                match notices.recv().await {
                    Ok(Change::BreakerOpened {
                        replica,
                        backend,
                        for_ms,
                    }) if replica != me.replica => {
                        me.hold(backend, Duration::from_millis(for_ms));
                    }
                    Ok(Change::Resync) => me.read_all().await,
                    Ok(_) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        me.read_all().await;
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
            }
        }
    }

    fn hold(&self, backend: String, for_: Duration) {
        let until = Instant::now() + for_;
        let mut open = lock(&self.open);
        let now = Instant::now();
        open.retain(|_, t| *t > now);
        let held = open.entry(backend).or_insert(until);
        *held = (*held).max(until);
    }

    /// Reads every open breaker from Redis (its remaining time is the key's expiry).
    async fn read_all(&self) {
        let found = self
            .link
            .run("breakers", |mut conn| async move {
                let names: Vec<String> = redis::cmd("SMEMBERS")
                    .arg(NAMES)
                    .query_async(&mut conn)
                    .await?;
                if names.is_empty() {
                    // An empty pipeline is not a command Redis answers.
                    return Ok(Vec::new());
                }
                let mut pipe = redis::pipe();
                for name in &names {
                    pipe.cmd("PTTL").arg(format!("{KEY_PREFIX}{name}"));
                }
                let left: Vec<i64> = pipe.query_async(&mut conn).await?;
                Ok(names.into_iter().zip(left).collect::<Vec<_>>())
            })
            .await;
        for (name, ms) in found.unwrap_or_default() {
            // A negative time: closed (the key expired) or never had an expiry.
            if let Ok(ms) = u64::try_from(ms) {
                self.hold(name, Duration::from_millis(ms));
            }
        }
    }
}

impl switchyard_gateway::SharedBreakers for TeamBreakers {
    fn opened(&self, backend: &str, open_for: Duration) {
        let me = self.clone();
        let backend = backend.to_string();
        let for_ms = u64::try_from(open_for.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        self.link.background(async move {
            let (key, name) = (format!("{KEY_PREFIX}{backend}"), backend.clone());
            let replica = me.replica.clone();
            let written = me
                .link
                .run("breakers", |mut conn| async move {
                    redis::pipe()
                        .cmd("SET")
                        .arg(key)
                        .arg(replica)
                        .arg("PX")
                        .arg(for_ms)
                        .ignore()
                        .cmd("SADD")
                        .arg(NAMES)
                        .arg(name)
                        .ignore()
                        .query_async::<()>(&mut conn)
                        .await
                })
                .await;
            let notice = Change::BreakerOpened {
                replica: me.replica.clone(),
                backend,
                for_ms,
            };
            if written.is_some() {
                if let Err(e) = me.bus.publish(notice).await {
                    tracing::debug!(error = %e, "the breaker notice did not go out");
                }
            }
        });
    }

    fn open_elsewhere(&self, backend: &str) -> Option<Duration> {
        let open = lock(&self.open);
        let left = open.get(backend)?.saturating_duration_since(Instant::now());
        (!left.is_zero()).then_some(left)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
