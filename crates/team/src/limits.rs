//! Rate-limit windows counted for the whole team: "60 requests a minute" (and "100 000 tokens a
//! minute") holds across every replica, not per replica. Each window is a sorted set in Redis, trimmed and counted by one Lua
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
use switchyard_gateway::SharedAnswer;

/// Trims the window, counts it, and takes a place if one is left. Returns 1 when admitted, else
/// minus the milliseconds until the oldest place leaves the window.
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
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]
return -math.max(1, tonumber(oldest or now) + window - now)
";

/// The tokens a window used, per second of Redis's clock: the seconds past the window are
/// dropped, the rest summed. Returns 1 while the sum is under the limit, else minus the
/// milliseconds until the oldest second leaves the window.
const TOKENS_LEFT: &str = r"
local now = tonumber(redis.call('TIME')[1])
local window = tonumber(ARGV[1])
local seen = redis.call('HGETALL', KEYS[1])
local sum = 0
local oldest = now
for i = 1, #seen, 2 do
  local second = tonumber(seen[i])
  if second <= now - window then
    redis.call('HDEL', KEYS[1], seen[i])
  else
    sum = sum + tonumber(seen[i + 1])
    oldest = math.min(oldest, second)
  end
end
if sum < tonumber(ARGV[2]) then return 1 end
return -1000 * math.max(1, oldest + window - now)
";

/// Adds tokens to the current second of a window.
const TOKENS_ADD: &str = r"
local now = redis.call('TIME')[1]
redis.call('HINCRBY', KEYS[1], now, ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
return 1
";

/// One admission's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub admitted: bool,
    /// Counted for the whole team (Redis answered); `false`: counted by this replica alone.
    pub shared: bool,
    /// When refused: how long until the window has room.
    pub retry_in: Duration,
}

impl Verdict {
    /// The answer of a script (1: admitted, else minus the milliseconds to wait).
    fn of_script(n: i64) -> Verdict {
        Verdict {
            admitted: n == 1,
            shared: true,
            retry_in: Duration::from_millis(n.min(0).unsigned_abs()),
        }
    }

    fn local(wait: Option<Duration>) -> Verdict {
        Verdict {
            admitted: wait.is_none(),
            shared: false,
            retry_in: wait.unwrap_or_default(),
        }
    }

    /// As the gateway takes it.
    fn room(self) -> switchyard_gateway::Room {
        if self.admitted {
            Ok(())
        } else {
            Err(self.retry_in)
        }
    }
}

/// The team's rate-limit windows, as one replica sees them.
pub struct SharedWindow {
    link: Option<Arc<Link>>,
    script: redis::Script,
    tokens_left_script: redis::Script,
    tokens_add_script: redis::Script,
    /// Distinguishes this replica's entries in a shared window.
    replica: String,
    seq: AtomicU64,
    local: Mutex<HashMap<String, VecDeque<Instant>>>,
    /// Tokens used, as this replica counted them (what it goes by while Redis is away).
    local_tokens: Mutex<HashMap<String, VecDeque<(Instant, u64)>>>,
}

impl SharedWindow {
    /// Windows shared through `link`; `None` counts on this replica only.
    pub fn new(link: Option<Arc<Link>>) -> SharedWindow {
        SharedWindow {
            link,
            script: redis::Script::new(SCRIPT),
            tokens_left_script: redis::Script::new(TOKENS_LEFT),
            tokens_add_script: redis::Script::new(TOKENS_ADD),
            replica: uuid::Uuid::new_v4().simple().to_string(),
            seq: AtomicU64::new(0),
            local: Mutex::default(),
            local_tokens: Mutex::default(),
        }
    }

    /// Takes a place in window `key` (at most `limit` per `window`) if one is left.
    pub async fn admit(&self, key: &str, limit: u32, window: Duration) -> Verdict {
        if let Some(n) = self.shared(key, limit, window).await {
            return Verdict::of_script(n);
        }
        Verdict::local(self.local(key, limit, window))
    }

    /// The team's answer (the script's), or `None` when Redis cannot give it now.
    async fn shared(&self, key: &str, limit: u32, window: Duration) -> Option<i64> {
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
        Some(n)
    }

    /// This replica's own count of window `key`: `None` when admitted, else how long to wait.
    fn local(&self, key: &str, limit: u32, window: Duration) -> Option<Duration> {
        let now = Instant::now();
        let mut windows = self.local.lock().unwrap_or_else(PoisonError::into_inner);
        let seen = windows.entry(key.to_string()).or_default();
        drop_expired(seen, now, window, |t| *t);
        if seen.len() < usize::try_from(limit).unwrap_or(usize::MAX) {
            seen.push_back(now);
            return None;
        }
        let oldest = seen.front().copied().unwrap_or(now);
        Some(window.saturating_sub(now.duration_since(oldest)))
    }
}

impl SharedWindow {
    /// Whether window `key` used fewer than `limit` tokens in the last `window`: the team's
    /// count, or this replica's while Redis cannot answer.
    pub async fn tokens_left(&self, key: &str, limit: u32, window: Duration) -> Verdict {
        if let Some(link) = &self.link {
            let secs = window.as_secs().max(1);
            let left = link
                .run("token limits", |mut conn| async move {
                    self.tokens_left_script
                        .key(format!("switchyard:tokens:{key}"))
                        .arg(secs)
                        .arg(limit)
                        .invoke_async::<i64>(&mut conn)
                        .await
                })
                .await;
            if let Some(n) = left {
                return Verdict::of_script(n);
            }
        }
        let now = Instant::now();
        let mut windows = self
            .local_tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let seen = windows.entry(key.to_string()).or_default();
        drop_expired(seen, now, window, |(t, _)| *t);
        let used: u64 = seen.iter().map(|(_, n)| n).sum();
        let oldest = seen.front().map_or(now, |(t, _)| *t);
        Verdict::local(
            (used >= u64::from(limit)).then(|| window.saturating_sub(now.duration_since(oldest))),
        )
    }

    /// Adds `n` tokens to window `key`: at once in this replica's count, in the background in
    /// the team's (kept for `window`).
    pub fn used_tokens(&self, key: &str, n: u64, window: Duration) {
        self.local_tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(key.to_string())
            .or_default()
            .push_back((Instant::now(), n));
        let Some(link) = self.link.clone() else {
            return;
        };
        let (key, secs) = (format!("switchyard:tokens:{key}"), window.as_secs().max(1));
        let (writer, script) = (Arc::clone(&link), self.tokens_add_script.clone());
        link.background(async move {
            let _: Option<i64> = writer
                .run("token limits", |mut conn| async move {
                    script
                        .key(key)
                        .arg(n)
                        .arg(secs)
                        .invoke_async(&mut conn)
                        .await
                })
                .await;
        });
    }
}

/// Drops the entries of `seen` (oldest first; `at` gives each one's time) that left the
/// `window` ending `now`.
fn drop_expired<T>(
    seen: &mut VecDeque<T>,
    now: Instant,
    window: Duration,
    at: impl Fn(&T) -> Instant,
) {
    while seen
        .front()
        .is_some_and(|e| now.duration_since(at(e)) >= window)
    {
        seen.pop_front();
    }
}

/// What a backend's shared window counts.
enum Count {
    Requests,
    Tokens,
}

impl SharedWindow {
    /// Whether backend `key`'s window (by `count`) has room, as the gateway asks it.
    async fn backend_window(
        &self,
        count: Count,
        key: &str,
        limit: u32,
        window: Duration,
    ) -> switchyard_gateway::Room {
        let key = format!("backend:{key}");
        let checked = match count {
            Count::Requests => self.admit(&key, limit, window).await,
            Count::Tokens => self.tokens_left(&key, limit, window).await,
        };
        checked.room()
    }
}

/// The gateway's side: a backend's requests-per-minute window, for the whole team.
impl switchyard_gateway::SharedLimits for SharedWindow {
    fn admit<'a>(
        &'a self,
        key: &'a str,
        limit: u32,
        window: Duration,
    ) -> SharedAnswer<'a, switchyard_gateway::Room> {
        Box::pin(self.backend_window(Count::Requests, key, limit, window))
    }

    fn tokens_left<'a>(
        &'a self,
        key: &'a str,
        limit: u32,
        window: Duration,
    ) -> SharedAnswer<'a, switchyard_gateway::Room> {
        Box::pin(self.backend_window(Count::Tokens, key, limit, window))
    }

    fn used_tokens(&self, key: &str, n: u64) {
        SharedWindow::used_tokens(self, &format!("backend:{key}"), n, TOKEN_WINDOW);
    }
}

/// The tokens-per-minute window.
const TOKEN_WINDOW: Duration = Duration::from_secs(60);
