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
use std::time::{SystemTime, UNIX_EPOCH};

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
        // One pass over the headers, each name matched against the known families (no name is
        // built per lookup: this runs on every answer that carries them).
        let unix = |t: SystemTime| {
            t.duration_since(UNIX_EPOCH)
                .ok()
                .and_then(|d| i64::try_from(d.as_secs()).ok())
        };
        let count = |v: &str| v.parse::<u64>().ok();
        let (mut openai, mut openrouter, mut anthropic) = (
            [Quota::default(); 2],
            Quota::default(),
            [Quota::default(); 4],
        );
        let mut windows: [(Option<f64>, Option<i64>); 4] = [(None, None); 4];
        let mut plan_status = None;
        for (name, value) in headers {
            let (name, value) = (name.trim(), value.trim());
            let lower;
            let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
                lower = name.to_ascii_lowercase();
                lower.as_str()
            } else {
                name
            };
            if let Some(rest) = name.strip_prefix("x-ratelimit-") {
                let (field, kind) = rest.split_once('-').unwrap_or((rest, ""));
                let q = match kind {
                    "requests" => &mut openai[0],
                    "tokens" => &mut openai[1],
                    "" => &mut openrouter,
                    _ => continue,
                };
                match (field, kind) {
                    ("limit", _) => q.limit = count(value),
                    ("remaining", _) => q.remaining = count(value),
                    ("reset", "") => {
                        q.resets_at = count(value).and_then(|ms| i64::try_from(ms / 1000).ok())
                    }
                    ("reset", _) => {
                        q.resets_at = parse_go_duration(value)
                            .and_then(|d| now.checked_add(d))
                            .and_then(unix);
                    }
                    _ => {}
                }
            } else if let Some(rest) = name.strip_prefix("anthropic-ratelimit-unified-") {
                if rest == "status" {
                    plan_status = Some(value.chars().take(40).collect());
                    continue;
                }
                let Some((i, field)) = WINDOWS
                    .iter()
                    .enumerate()
                    .find_map(|(i, w)| Some((i, rest.strip_prefix(w)?.strip_prefix('-')?)))
                else {
                    continue;
                };
                match field {
                    "utilization" => {
                        windows[i].0 = value
                            .parse::<f64>()
                            .ok()
                            .filter(|u| u.is_finite() && *u >= 0.0);
                    }
                    "reset" => windows[i].1 = value.parse::<i64>().ok(),
                    _ => {}
                }
            } else if let Some(rest) = name.strip_prefix("anthropic-ratelimit-") {
                let Some((i, field)) = ANTHROPIC_KINDS
                    .iter()
                    .find_map(|(kind, i)| Some((*i, rest.strip_prefix(kind)?.strip_prefix('-')?)))
                else {
                    continue;
                };
                let q = &mut anthropic[i];
                match field {
                    "limit" => q.limit = count(value),
                    "remaining" => q.remaining = count(value),
                    "reset" => q.resets_at = parse_rfc3339(value).and_then(unix),
                    _ => {}
                }
            }
        }
        let mut slots = [Quota::default(); 4];
        slots[..2].copy_from_slice(&openai);
        if slots[0].is_empty() {
            // OpenRouter: one request count, reset in Unix milliseconds.
            slots[0] = openrouter;
        }
        for (slot, q) in slots.iter_mut().zip(anthropic) {
            if !q.is_empty() {
                *slot = q;
            }
        }
        let mut h = Headroom::default();
        [h.requests, h.tokens, h.input_tokens, h.output_tokens] = slots;
        h.windows = WINDOWS
            .iter()
            .zip(windows)
            .filter_map(|(name, (used, resets_at))| {
                Some(PlanWindow {
                    name: (*name).to_string(),
                    utilization: used?,
                    resets_at,
                })
            })
            .collect();
        h.plan_status = plan_status;
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
}

#[cfg(test)]
#[path = "headroom_tests.rs"]
mod tests;
