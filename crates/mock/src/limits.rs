//! The provider's rate limits, as the real ones send them: every generation answer carries the
//! key's request and token counts (OpenAI and Groq `x-ratelimit-*`, Anthropic
//! `anthropic-ratelimit-*` with the plan's `unified-*` windows), and a key past its requests per
//! minute gets a 429 with `retry-after`. Gemini sends no such headers (its limits show only as
//! `RESOURCE_EXHAUSTED` errors), so neither does this.
//!
//! Counted per key (or per "no key") in fixed one-minute windows; tokens are counted as the
//! requests times [`TOKENS_PER_REQUEST`], a stand-in the headers make visible but nothing checks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth;
use crate::error::{ApiError, ErrorKind, Shape};

/// Marks a request let in by plan mode (a request extension), so the per-minute limits leave it
/// to its plan window.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PlanCaller;

const WINDOW: Duration = Duration::from_secs(60);
/// Tokens counted per request in the token headers.
pub const TOKENS_PER_REQUEST: u64 = 100;
/// The plan's 5-hour window, as a multiple of the per-minute request limit.
const PLAN_REQUESTS: u64 = 50;

/// Requests counted in the current window of each key.
#[derive(Debug, Default)]
pub(crate) struct Counts(Mutex<HashMap<String, (SystemTime, u64, u64)>>);

impl Counts {
    /// Counts one request of `key` at `now`: `(used in this window, window start, used in the
    /// plan window)`, or `Err(window start)` when the key has no request left.
    fn take(
        &self,
        key: &str,
        limit: u64,
        now: SystemTime,
    ) -> Result<(u64, SystemTime, u64), SystemTime> {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = map.entry(key.to_string()).or_insert((now, 0, 0));
        if now.duration_since(slot.0).unwrap_or_default() >= WINDOW {
            slot.0 = now;
            slot.1 = 0;
        }
        if slot.1 >= limit {
            return Err(slot.0);
        }
        slot.1 += 1;
        slot.2 += 1;
        Ok((slot.1, slot.0, slot.2))
    }
}

/// The shape whose limits a generation path speaks; `None` for the others.
fn shape_of(path: &str) -> Option<Shape> {
    match path {
        "/v1/messages" => Some(Shape::Anthropic),
        "/v1/chat/completions" | "/v1/responses" | "/v1/embeddings" => Some(Shape::OpenAi),
        _ => None,
    }
}

pub(crate) fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// RFC 3339 (UTC, whole seconds) for Anthropic's reset headers.
fn rfc3339(t: SystemTime) -> String {
    let secs = unix(t);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The headers of an answer to a key that has used `used` of `limit` requests this window.
fn headers(
    shape: Shape,
    limit: u64,
    used: u64,
    start: SystemTime,
    plan_used: u64,
) -> Vec<(String, String)> {
    let reset_at = start + WINDOW;
    let left = SystemTime::now();
    let reset_in = reset_at.duration_since(left).unwrap_or_default();
    let (tokens_limit, tokens_left) = (
        limit * TOKENS_PER_REQUEST,
        (limit - used.min(limit)) * TOKENS_PER_REQUEST,
    );
    let remaining = limit - used.min(limit);
    match shape {
        Shape::OpenAi => vec![
            ("x-ratelimit-limit-requests".into(), limit.to_string()),
            (
                "x-ratelimit-remaining-requests".into(),
                remaining.to_string(),
            ),
            (
                "x-ratelimit-reset-requests".into(),
                format!("{}ms", reset_in.as_millis()),
            ),
            ("x-ratelimit-limit-tokens".into(), tokens_limit.to_string()),
            (
                "x-ratelimit-remaining-tokens".into(),
                tokens_left.to_string(),
            ),
            (
                "x-ratelimit-reset-tokens".into(),
                format!("{}ms", reset_in.as_millis()),
            ),
        ],
        Shape::Anthropic => {
            let plan = (limit * PLAN_REQUESTS).max(1);
            let utilization = (plan_used as f64 / plan as f64).min(1.0);
            let status = if utilization >= 1.0 {
                "rejected"
            } else if utilization >= 0.9 {
                "allowed_warning"
            } else {
                "allowed"
            };
            let five_h = unix(start) + 5 * 3600;
            let mut pairs = vec![
                (
                    "anthropic-ratelimit-requests-limit".into(),
                    limit.to_string(),
                ),
                (
                    "anthropic-ratelimit-requests-remaining".into(),
                    remaining.to_string(),
                ),
                (
                    "anthropic-ratelimit-requests-reset".into(),
                    rfc3339(reset_at),
                ),
                (
                    "anthropic-ratelimit-tokens-limit".into(),
                    tokens_limit.to_string(),
                ),
                (
                    "anthropic-ratelimit-tokens-remaining".into(),
                    tokens_left.to_string(),
                ),
                ("anthropic-ratelimit-tokens-reset".into(), rfc3339(reset_at)),
            ];
            pairs.extend(unified(status, five_h, utilization));
            pairs.extend([
                (
                    "anthropic-ratelimit-unified-7d-utilization".into(),
                    format!("{:.4}", utilization / 7.0),
                ),
                (
                    "anthropic-ratelimit-unified-7d-reset".into(),
                    (unix(start) + 7 * 86_400).to_string(),
                ),
            ]);
            pairs
        }
        Shape::Gemini => Vec::new(),
    }
}

/// Anthropic's `unified-*` headers of a plan whose five-hour window is the binding one: its
/// `status` (`allowed`, `allowed_warning` or `rejected`), when it resets (`reset`, Unix seconds)
/// and the share of it used (`utilization`, 0 to 1).
pub(crate) fn unified(status: &str, reset: u64, utilization: f64) -> Vec<(String, String)> {
    vec![
        ("anthropic-ratelimit-unified-status".into(), status.into()),
        (
            "anthropic-ratelimit-unified-reset".into(),
            reset.to_string(),
        ),
        (
            "anthropic-ratelimit-unified-representative-claim".into(),
            "five_hour".into(),
        ),
        (
            "anthropic-ratelimit-unified-5h-utilization".into(),
            format!("{utilization:.4}"),
        ),
        (
            "anthropic-ratelimit-unified-5h-reset".into(),
            reset.to_string(),
        ),
    ]
}

/// Sets each `(name, value)` on `response` (replacing a header of that name; invalid ones are skipped).
pub(crate) fn put(response: &mut Response, pairs: Vec<(String, String)>) {
    for (name, value) in pairs {
        if let (Ok(n), Ok(v)) = (HeaderName::try_from(name), HeaderValue::from_str(&value)) {
            response.headers_mut().insert(n, v);
        }
    }
}

/// What the limits need of the server's state (the state implements it; this module does not
/// know the state).
pub(crate) trait Limited: Send + Sync + 'static {
    /// The keys' counts.
    fn counts(&self) -> &Counts;
    /// Requests per minute each key may send.
    fn requests_per_minute(&self) -> u32;
    /// Notes a request refused for its rate limit.
    fn refused(&self);
}

/// Counts the request against its key's limit: a 429 past it, else the answer with the key's
/// rate-limit headers.
pub(crate) async fn layer<S: Limited>(
    State(shared): State<Arc<S>>,
    req: Request,
    next: Next,
) -> Response {
    let Some(shape) = shape_of(req.uri().path()) else {
        return next.run(req).await;
    };
    if req.extensions().get::<PlanCaller>().is_some() {
        // A subscription's requests are counted by its plan window (see `plan`), not per minute.
        return next.run(req).await;
    }
    let key = auth::extract_key(req.headers(), shape)
        .unwrap_or("")
        .to_string();
    let limit = u64::from(shared.requests_per_minute().max(1));
    let now = SystemTime::now();
    match shared.counts().take(&key, limit, now) {
        Ok((used, start, plan_used)) => {
            let mut response = next.run(req).await;
            // A handler's own 429 (a key in `rate_limited_keys`) keeps its headers.
            if !response.headers().contains_key("retry-after") {
                put(&mut response, headers(shape, limit, used, start, plan_used));
            }
            response
        }
        Err(start) => {
            shared.refused();
            let wait = (start + WINDOW).duration_since(now).unwrap_or_default();
            let mut response = ApiError::new(shape, ErrorKind::RateLimited).into_response();
            put(
                &mut response,
                headers(shape, limit, limit, start, limit * PLAN_REQUESTS),
            );
            put(
                &mut response,
                vec![("retry-after".into(), wait.as_secs().max(1).to_string())],
            );
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc3339_utc() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(1_795_608_030)),
            "2026-11-25T12:00:30Z"
        );
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00Z"
        );
    }

    #[test]
    fn a_key_is_refused_past_its_limit_until_the_window_turns() {
        let c = Counts::default();
        let t0 = UNIX_EPOCH + Duration::from_secs(1_000);
        assert_eq!(c.take("k", 2, t0).map(|r| r.0), Ok(1));
        assert_eq!(c.take("k", 2, t0).map(|r| r.0), Ok(2));
        assert_eq!(c.take("k", 2, t0), Err(t0));
        assert_eq!(
            c.take("other", 2, t0).map(|r| r.0),
            Ok(1),
            "counted per key"
        );
        let t1 = t0 + WINDOW;
        assert_eq!(
            c.take("k", 2, t1),
            Ok((1, t1, 3)),
            "a new window; the plan keeps counting"
        );
    }
}
