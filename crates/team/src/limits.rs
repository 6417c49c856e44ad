//! Rate-limit windows counted for the whole team: "60 requests a minute" holds across every
//! replica, not per replica. Each window is a sorted set in Redis, trimmed and counted by one Lua
//! script, so concurrent admissions on different replicas cannot both take the last place; the
//! script reads Redis's own clock, so replicas' clocks need not agree.
//!
//! With Redis away a replica counts on its own (the same limit, per replica: degraded, and said
//! so in [`Verdict::shared`]) and tries Redis again after a pause.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::Mutex as AsyncMutex;

/// How long one admission may wait for Redis before counting locally.
const REDIS_TIMEOUT: Duration = Duration::from_millis(250);
/// After Redis failed, how long to count locally before trying it again.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// Trims the window, counts it, and takes a place if one is left. Returns 1 when admitted.
const SCRIPT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 1
end
return 0
";

/// One admission's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub admitted: bool,
    /// Counted for the whole team (Redis answered); `false`: counted by this replica alone.
    pub shared: bool,
}

/// The team's rate-limit windows, as one replica sees them.
pub struct SharedWindow {
    client: Option<redis::Client>,
    conn: AsyncMutex<Option<redis::aio::MultiplexedConnection>>,
    script: redis::Script,
    /// Distinguishes this replica's entries in a shared window.
    replica: String,
    seq: AtomicU64,
    /// Until when Redis is skipped after a failure.
    skip_until: Mutex<Option<Instant>>,
    local: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl SharedWindow {
    /// Windows shared through `redis_url`; `None` counts on this replica only.
    pub fn new(redis_url: Option<&str>) -> Result<SharedWindow, crate::TeamError> {
        let client = redis_url
            .map(redis::Client::open)
            .transpose()
            .map_err(|_| crate::TeamError::Invalid("the Redis URL is not valid".into()))?;
        Ok(SharedWindow {
            client,
            conn: AsyncMutex::new(None),
            script: redis::Script::new(SCRIPT),
            replica: uuid::Uuid::new_v4().simple().to_string(),
            seq: AtomicU64::new(0),
            skip_until: Mutex::new(None),
            local: Mutex::default(),
        })
    }

    /// Takes a place in window `key` (at most `limit` per `window`) if one is left.
    pub async fn admit(&self, key: &str, limit: u32, window: Duration) -> Verdict {
        if let Some(admitted) = self.shared(key, limit, window).await {
            return Verdict {
                admitted,
                shared: true,
            };
        }
        Verdict {
            admitted: self.local(key, limit, window),
            shared: false,
        }
    }

    /// The team's answer, or `None` when Redis cannot give it now.
    async fn shared(&self, key: &str, limit: u32, window: Duration) -> Option<bool> {
        let client = self.client.as_ref()?;
        if self
            .skip_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some_and(|t| Instant::now() < t)
        {
            return None;
        }
        let member = format!(
            "{}:{}",
            self.replica,
            self.seq.fetch_add(1, Ordering::Relaxed)
        );
        let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX);
        let attempt = async {
            let mut conn = {
                let mut held = self.conn.lock().await;
                match held.as_ref() {
                    Some(c) => c.clone(),
                    None => {
                        let c = client.get_multiplexed_async_connection().await?;
                        *held = Some(c.clone());
                        c
                    }
                }
            };
            self.script
                .key(format!("switchyard:limit:{key}"))
                .arg(window_ms)
                .arg(limit)
                .arg(&member)
                .invoke_async::<i64>(&mut conn)
                .await
        };
        match tokio::time::timeout(REDIS_TIMEOUT, attempt).await {
            Ok(Ok(n)) => Some(n == 1),
            failed => {
                let why = match failed {
                    Ok(Err(e)) => e.to_string(),
                    _ => "no answer in time".to_string(),
                };
                tracing::warn!(error = %why, "rate limits counted per replica until Redis answers");
                *self.conn.lock().await = None;
                *self
                    .skip_until
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = Some(Instant::now() + RETRY_AFTER);
                None
            }
        }
    }

    /// This replica's own count of window `key`.
    fn local(&self, key: &str, limit: u32, window: Duration) -> bool {
        let now = Instant::now();
        let mut windows = self.local.lock().unwrap_or_else(PoisonError::into_inner);
        let seen = windows.entry(key.to_string()).or_default();
        while seen
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            seen.pop_front();
        }
        if seen.len() < usize::try_from(limit).unwrap_or(usize::MAX) {
            seen.push_back(now);
            return true;
        }
        false
    }
}

/// The gateway's side: a backend's requests-per-minute window, for the whole team.
impl switchyard_gateway::SharedLimits for SharedWindow {
    fn admit<'a>(
        &'a self,
        key: &'a str,
        limit: u32,
        window: Duration,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send + 'a>> {
        Box::pin(async move {
            SharedWindow::admit(self, &format!("backend:{key}"), limit, window)
                .await
                .admitted
        })
    }
}
