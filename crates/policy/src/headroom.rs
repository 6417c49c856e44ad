//! A provider's rate-limit headers read into one picture of a key's headroom: how many requests
//! and tokens it may still send and when each count resets, and — for Anthropic's subscription
//! plans — how much of each plan window (5 hours, 7 days) is used.
//!
//! The headers read (names compared without case):
//! - OpenAI and Groq: `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`, resets as Go
//!   durations (`6m0s`, `20ms`, `2m59.56s`);
//! - OpenRouter: `x-ratelimit-{limit,remaining,reset}` (reset in Unix milliseconds);
//! - Anthropic: `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,
//!   remaining,reset}` (RFC 3339), and the plan's `anthropic-ratelimit-unified-status`,
//!   `-unified-reset` and `-unified-{5h,7d,7d_oi,overage}-{utilization,reset}` (a fraction in
//!   `0..=1`, Unix seconds) as Claude Code reads them.

use crate::parse::{parse_go_duration, parse_rfc3339};
use serde::{Deserialize, Serialize};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One counted limit: requests or tokens per period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Quota {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    /// When the count is full again, Unix seconds.
    pub resets_at: Option<i64>,
}

impl Quota {
    fn is_empty(&self) -> bool {
        self.limit.is_none() && self.remaining.is_none() && self.resets_at.is_none()
    }

    /// The share left, `0..=1`, when both counts are known and the limit is not 0.
    pub fn room(&self) -> Option<f64> {
        let (limit, remaining) = (self.limit?, self.remaining?);
        (limit > 0).then(|| (remaining.min(limit) as f64) / (limit as f64))
    }
}

/// One window of a subscription plan (Anthropic's `5h`, `7d`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanWindow {
    /// The provider's short name: `5h`, `7d`, `7d_oi`, `overage`.
    pub name: String,
    /// Share used, `0..=1`.
    pub utilization: f64,
    /// Unix seconds.
    pub resets_at: Option<i64>,
}

/// What a provider's last answer said about a key's limits.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Headroom {
    pub requests: Quota,
    pub tokens: Quota,
    pub input_tokens: Quota,
    pub output_tokens: Quota,
    /// Plan windows, in the order the provider's names are listed above.
    pub windows: Vec<PlanWindow>,
    /// Anthropic's plan status: `allowed`, `allowed_warning` or `rejected`.
    pub plan_status: Option<String>,
}

const OPENAI_KINDS: [(&str, usize); 2] = [("requests", 0), ("tokens", 1)];
const ANTHROPIC_KINDS: [(&str, usize); 4] = [
    ("requests", 0),
    ("tokens", 1),
    ("input-tokens", 2),
    ("output-tokens", 3),
];
const WINDOWS: [&str; 4] = ["5h", "7d", "7d_oi", "overage"];

/// Whether a header is one of a provider's rate-limit headers, which the gateway passes on to a
/// caller speaking that provider's format.
pub fn is_rate_limit_header(name: &str) -> bool {
    let n = name.as_bytes();
    let starts = |p: &str| n.len() >= p.len() && n[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    starts("x-ratelimit-")
        || starts("anthropic-ratelimit-")
        || name.eq_ignore_ascii_case("retry-after")
        || name.eq_ignore_ascii_case("retry-after-ms")
}

impl Headroom {
    /// Reads the headers; `None` when none of them is a rate-limit header this knows.
    pub fn parse(headers: &[(&str, &str)], now: SystemTime) -> Option<Headroom> {
        let get = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim())
        };
        let count = |name: &str| get(name).and_then(|v| v.parse::<u64>().ok());
        let unix = |t: SystemTime| {
            t.duration_since(UNIX_EPOCH)
                .ok()
                .and_then(|d| i64::try_from(d.as_secs()).ok())
        };
        let after = |d: Duration| now.checked_add(d).and_then(unix);
        let mut h = Headroom::default();
        let mut slots = [Quota::default(); 4];
        for (kind, i) in OPENAI_KINDS {
            slots[i] = Quota {
                limit: count(&format!("x-ratelimit-limit-{kind}")),
                remaining: count(&format!("x-ratelimit-remaining-{kind}")),
                resets_at: get(&format!("x-ratelimit-reset-{kind}"))
                    .and_then(parse_go_duration)
                    .and_then(after),
            };
        }
        if slots[0].is_empty() {
            // OpenRouter: one request count, reset in Unix milliseconds.
            slots[0] = Quota {
                limit: count("x-ratelimit-limit"),
                remaining: count("x-ratelimit-remaining"),
                resets_at: count("x-ratelimit-reset").and_then(|ms| i64::try_from(ms / 1000).ok()),
            };
        }
        for (kind, i) in ANTHROPIC_KINDS {
            let q = Quota {
                limit: count(&format!("anthropic-ratelimit-{kind}-limit")),
                remaining: count(&format!("anthropic-ratelimit-{kind}-remaining")),
                resets_at: get(&format!("anthropic-ratelimit-{kind}-reset"))
                    .and_then(parse_rfc3339)
                    .and_then(unix),
            };
            if !q.is_empty() {
                slots[i] = q;
            }
        }
        [h.requests, h.tokens, h.input_tokens, h.output_tokens] = slots;
        for name in WINDOWS {
            let used = get(&format!("anthropic-ratelimit-unified-{name}-utilization"))
                .and_then(|v| v.parse::<f64>().ok())
                .filter(|u| u.is_finite() && *u >= 0.0);
            if let Some(u) = used {
                h.windows.push(PlanWindow {
                    name: name.to_string(),
                    utilization: u,
                    resets_at: get(&format!("anthropic-ratelimit-unified-{name}-reset"))
                        .and_then(|v| v.parse::<i64>().ok()),
                });
            }
        }
        h.plan_status =
            get("anthropic-ratelimit-unified-status").map(|s| s.chars().take(40).collect());
        (h != Headroom::default()).then_some(h)
    }

    /// The smallest share left among the request and token counts and the plan windows, as of
    /// `now` (a count whose reset has passed is full again); `None` when nothing is known.
    pub fn room(&self, now: SystemTime) -> Option<f64> {
        let now = now
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let reset = |at: Option<i64>| at.is_some_and(|t| t <= now);
        let counts = [
            &self.requests,
            &self.tokens,
            &self.input_tokens,
            &self.output_tokens,
        ]
        .into_iter()
        .map(|q| {
            if reset(q.resets_at) {
                Some(1.0)
            } else {
                q.room()
            }
        });
        let windows = self.windows.iter().map(|w| {
            Some(if reset(w.resets_at) {
                1.0
            } else {
                (1.0 - w.utilization).clamp(0.0, 1.0)
            })
        });
        let rejected = (self.plan_status.as_deref() == Some("rejected")).then_some(Some(0.0));
        counts
            .chain(windows)
            .chain(rejected)
            .flatten()
            .reduce(f64::min)
    }

    /// The latest reset among the counts and windows with nothing left, Unix seconds: when the
    /// key has room again.
    pub fn room_again_at(&self) -> Option<i64> {
        let counts = [
            &self.requests,
            &self.tokens,
            &self.input_tokens,
            &self.output_tokens,
        ]
        .into_iter()
        .filter(|q| q.remaining == Some(0))
        .filter_map(|q| q.resets_at);
        let windows = self
            .windows
            .iter()
            .filter(|w| w.utilization >= 1.0)
            .filter_map(|w| w.resets_at);
        counts.chain(windows).max()
    }
}

#[cfg(test)]
#[path = "headroom_tests.rs"]
mod tests;
