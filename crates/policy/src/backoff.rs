//! Retry pacing: exponential backoff with full jitter, and reading how long a provider asked us
//! to wait (`Retry-After` and the OpenAI/Anthropic rate-limit headers).
//!
//! Invariants: delays never exceed `Backoff::max` and never overflow, whatever the attempt
//! number; a provider's requested wait is clamped to [`MAX_RETRY_AFTER`]; header names match
//! case-insensitively; a header that does not parse is skipped in favour of the next source.

use crate::parse::{parse_go_duration, parse_http_date, parse_rfc3339};
use serde::{Deserialize, Serialize};
use std::time::{Duration, SystemTime};

/// The longest wait a provider can impose through headers; longer values are clamped.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);

/// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and
/// Jitter"): attempt `n` waits a uniform draw in `[0, min(max, base × 2ⁿ))`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Backoff {
    /// Cap of the first retry's delay (attempt 0). Default 200 ms.
    #[serde(rename = "baseMs", with = "crate::serde_ms")]
    pub base: Duration,
    /// Cap of any delay. Default 10 s.
    #[serde(rename = "maxMs", with = "crate::serde_ms")]
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::from_millis(200),
            max: Duration::from_secs(10),
        }
    }
}

impl Backoff {
    /// The jitter ceiling for `attempt` (0-based): `min(max, base × 2^attempt)`, saturating.
    pub fn cap(&self, attempt: u32) -> Duration {
        2u32.checked_pow(attempt)
            .and_then(|factor| self.base.checked_mul(factor))
            .map_or(self.max, |d| d.min(self.max))
    }

    /// The delay before retry `attempt` given a uniform draw `rand01` in `[0, 1)`.
    /// Draws outside the range are clamped; NaN counts as 0.
    pub fn delay(&self, attempt: u32, rand01: f64) -> Duration {
        let r = if rand01 >= 0.0 { rand01.min(1.0) } else { 0.0 };
        self.cap(attempt).mul_f64(r)
    }
}

/// How long the provider asked us to wait, from response headers, clamped to
/// [`MAX_RETRY_AFTER`]. Sources in precedence order (the first that yields a value wins):
///
/// 1. `retry-after-ms`: float milliseconds (OpenAI, Azure).
/// 2. `retry-after`: integer seconds or an IMF-fixdate (a past date means "now").
/// 3. OpenAI `x-ratelimit-reset-requests` / `x-ratelimit-reset-tokens` (Go durations), each only
///    when its `x-ratelimit-remaining-*` is `"0"`; the larger wins.
/// 4. Anthropic `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-reset`
///    (RFC 3339), each only when its `-remaining` is `"0"`; the latest wins.
pub fn retry_after(headers: &[(&str, &str)], now: SystemTime) -> Option<Duration> {
    let get = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    };
    let until = |t: SystemTime| t.duration_since(now).unwrap_or(Duration::ZERO);
    let exhausted = |name: &str| get(name) == Some("0");

    let from_ms = get("retry-after-ms")
        .and_then(|v| v.parse::<f64>().ok())
        .and_then(|ms| Duration::try_from_secs_f64(ms / 1000.0).ok());
    let from_retry_after = || {
        let v = get("retry-after")?;
        if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
            return Some(v.parse().map_or(MAX_RETRY_AFTER, Duration::from_secs));
        }
        parse_http_date(v).map(until)
    };
    let from_openai = || {
        ["requests", "tokens"]
            .iter()
            .filter(|kind| exhausted(&format!("x-ratelimit-remaining-{kind}")))
            .filter_map(|kind| get(&format!("x-ratelimit-reset-{kind}")))
            .filter_map(parse_go_duration)
            .max()
    };
    let from_anthropic = || {
        ["requests", "tokens", "input-tokens", "output-tokens"]
            .iter()
            .filter(|kind| exhausted(&format!("anthropic-ratelimit-{kind}-remaining")))
            .filter_map(|kind| get(&format!("anthropic-ratelimit-{kind}-reset")))
            .filter_map(parse_rfc3339)
            .map(until)
            .max()
    };
    from_ms
        .or_else(from_retry_after)
        .or_else(from_openai)
        .or_else(from_anthropic)
        .map(|d| d.min(MAX_RETRY_AFTER))
}

#[cfg(test)]
#[path = "backoff_tests.rs"]
mod tests;
