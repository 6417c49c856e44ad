//! Rate-limit windows counted for the whole team: "60 requests a minute" holds across every
//! replica, not per replica. Each window is a sorted set in Redis, trimmed and counted by one Lua
//! script, so concurrent admissions on different replicas cannot both take the last place; the
//! script reads Redis's own clock, so replicas' clocks need not agree.
//!
//! With Redis away a replica counts on its own (the same limit, per replica: degraded, and said
//! so in [`Verdict::shared`]) and tries Redis again after a pause.

use crate::link::Link;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

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
    link: Option<Arc<Link>>,
    script: redis::Script,
    /// Distinguishes this replica's entries in a shared window.
    replica: String,
    seq: AtomicU64,
    local: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl SharedWindow {
    /// Windows shared through `link`; `None` counts on this replica only.
    pub fn new(link: Option<Arc<Link>>) -> SharedWindow {
        SharedWindow {
            link,
            script: redis::Script::new(SCRIPT),
            replica: uuid::Uuid::new_v4().simple().to_string(),
            seq: AtomicU64::new(0),
            local: Mutex::default(),
        }
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
        let link = self.link.as_ref()?;
        let member = format!(
            "{}:{}",
            self.replica,
            self.seq.fetch_add(1, Ordering::Relaxed)
        );
        let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX);
        let n = link
            .run("rate limits", |mut conn| async move {
                self.script
                    .key(format!("switchyard:limit:{key}"))
                    .arg(window_ms)
                    .arg(limit)
                    .arg(&member)
                    .invoke_async::<i64>(&mut conn)
                    .await
            })
            .await?;
        Some(n == 1)
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
