//! One replica's connection to the team's Redis for calls on the request path: one multiplexed
//! connection shared by every caller, a short timeout, and after a failure a pause during which
//! callers get `None` at once (and fall back to this replica's own state) instead of each
//! waiting for a Redis that is away.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::Mutex as AsyncMutex;

/// How long one call may wait for Redis before the caller falls back.
pub(crate) const REDIS_TIMEOUT: Duration = Duration::from_millis(250);
/// How long [`Link::check`] waits for an answer (a person is waiting, not a request).
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);
/// After a failure, how long callers skip Redis before it is tried again.
pub(crate) const RETRY_AFTER: Duration = Duration::from_secs(1);
/// How often [`Link::heartbeat`] asks Redis, so an idle replica's degraded state (and its end)
/// shows on `/metrics` and the Team page without waiting for a request.
pub const HEARTBEAT: Duration = Duration::from_secs(2);

/// A shared, self-healing Redis connection. See the module docs.
pub struct Link {
    client: redis::Client,
    conn: AsyncMutex<Option<redis::aio::MultiplexedConnection>>,
    skip_until: Mutex<Option<Instant>>,
    /// Whether the last call got its answer.
    up: AtomicBool,
    /// Writes made off the request path (see [`Link::background`]).
    writes: tokio_util::task::TaskTracker,
}

impl Link {
    /// A link to `address` (`redis://host:port`, as the user gave it); connects on first use.
    pub fn new(address: &crate::ServerAddress) -> Result<Link, crate::TeamError> {
        let client = redis::Client::open(address.redis()?).map_err(|_| {
            crate::TeamError::Invalid(
                "the Redis URL is not valid: expected redis://host:port".into(),
            )
        })?;
        Ok(Link {
            client,
            conn: AsyncMutex::new(None),
            skip_until: Mutex::new(None),
            up: AtomicBool::new(true),
            writes: tokio_util::task::TaskTracker::new(),
        })
    }

    /// Whether the last call to Redis was answered.
    pub fn is_up(&self) -> bool {
        self.up.load(Ordering::Relaxed)
    }

    /// Runs `write` off the request path (each must be bounded by a timeout);
    /// [`Link::finish`] waits for those under way.
    pub fn background(&self, write: impl Future<Output = ()> + Send + 'static) {
        self.writes.spawn(write);
    }

    /// Takes no more background writes and waits for those under way (at most
    /// their timeouts).
    pub async fn finish(&self) {
        self.writes.close();
        self.writes.wait().await;
    }

    /// PINGs Redis every [`HEARTBEAT`], for ever (run it under the task supervisor): one small
    /// call off the request path that keeps [`Link::is_up`] true to the moment.
    pub async fn heartbeat(&self) {
        loop {
            self.ping().await;
            tokio::time::sleep(HEARTBEAT).await;
        }
    }

    /// Whether Redis answers a PING now (within [`REDIS_TIMEOUT`]; `false` while skipped after
    /// a failure).
    pub async fn ping(&self) -> bool {
        self.run("limits, breakers and the cache", |mut c| async move {
            redis::cmd("PING").query_async::<String>(&mut c).await
        })
        .await
        .is_some()
    }

    /// PINGs Redis once, on a connection of its own, with Redis's reason when it does not
    /// answer (a wrong password: `WRONGPASS`): `switchyard team login` checks a password before
    /// the keychain keeps it.
    pub async fn check(&self) -> Result<(), crate::TeamError> {
        let attempt = async {
            let mut c = self.client.get_multiplexed_async_connection().await?;
            redis::cmd("PING").query_async::<String>(&mut c).await
        };
        match tokio::time::timeout(CHECK_TIMEOUT, attempt).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(e.into()),
            Err(_) => Err(crate::TeamError::Redis(format!(
                "no answer within {} s",
                CHECK_TIMEOUT.as_secs()
            ))),
        }
    }

    /// Runs `call` on the shared connection within [`REDIS_TIMEOUT`]; `None` when Redis did not
    /// answer (or is being skipped after a failure), which `what` names in the one warning.
    pub async fn run<T, F, Fut>(&self, what: &str, call: F) -> Option<T>
    where
        F: FnOnce(redis::aio::MultiplexedConnection) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        if lock(&self.skip_until).is_some_and(|t| Instant::now() < t) {
            return None;
        }
        let attempt = async {
            let conn = {
                let mut held = self.conn.lock().await;
                match held.as_ref() {
                    Some(c) => c.clone(),
                    None => {
                        let c = self.client.get_multiplexed_async_connection().await?;
                        *held = Some(c.clone());
                        c
                    }
                }
            };
            call(conn).await
        };
        match tokio::time::timeout(REDIS_TIMEOUT, attempt).await {
            Ok(Ok(v)) => {
                if !self.up.swap(true, Ordering::Relaxed) {
                    tracing::info!("Redis answers again: {what} shared with the team");
                }
                Some(v)
            }
            failed => {
                let why = match failed {
                    Ok(Err(e)) => e.to_string(),
                    _ => "no answer in time".to_string(),
                };
                if self.up.swap(false, Ordering::Relaxed) {
                    tracing::warn!(error = %why, "{what} kept by this replica until Redis answers");
                }
                *self.conn.lock().await = None;
                *lock(&self.skip_until) = Some(Instant::now() + RETRY_AFTER);
                None
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
