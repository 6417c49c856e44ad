//! The provider's rate-limit headers on every answer: passed on to a caller speaking the
//! provider's format (Claude Code's near-limit warnings and status line read them), and kept
//! per key (and per backend without keys) for the live state, the `headroom` routing strategy,
//! the limit alerts and `/metrics` (which read it from [`crate::health::Health`]).

use crate::reply::Shape;
use crate::{GatewayState, Health};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use std::time::{Duration, SystemTime};
use switchyard_policy::{is_rate_limit_header, Headroom};

/// The rate-limit headers of a provider's answer that a caller speaking `shape` knows, as they
/// are: OpenAI's family (`x-ratelimit-*`, also Groq's and OpenRouter's) to OpenAI Chat and
/// Responses callers, Anthropic's (`anthropic-ratelimit-*`) to Anthropic callers, and
/// `retry-after` to every caller. Gemini has no such headers.
pub fn passed(headers: &HeaderMap, shape: Shape) -> Vec<(HeaderName, HeaderValue)> {
    let known = |name: &str| match shape {
        Shape::OpenAi | Shape::Responses => name.starts_with("x-ratelimit-"),
        Shape::Anthropic => name.starts_with("anthropic-ratelimit-"),
        Shape::Gemini => false,
    } || name == "retry-after"
        || name == "retry-after-ms";
    headers
        .iter()
        .filter(|(name, _)| known(name.as_str()))
        .map(|(name, v)| (name.clone(), v.clone()))
        .collect()
}

/// How long a provider's answer says to wait (`retry-after`, `retry-after-ms`, or its limits' resets).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)))
        .collect();
    switchyard_policy::retry_after(&pairs, SystemTime::now())
}

/// Reads what an answer says about the limits of the key (or the backend without keys) that
/// sent the request, and keeps it. Answers without rate-limit headers change nothing.
pub fn heard(health: &Health, backend_id: &str, key_id: Option<&str>, headers: &HeaderMap) {
    if !headers
        .keys()
        .any(|name| is_rate_limit_header(name.as_str()))
    {
        return;
    }
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .filter(|(name, _)| is_rate_limit_header(name.as_str()))
        .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)))
        .collect();
    let now = SystemTime::now();
    let Some(headroom) = Headroom::parse(&pairs, now) else {
        return;
    };
    health.saw_headroom(key_id.unwrap_or(backend_id), headroom, now);
}

/// The room a candidate has left: the most of any of its keys (or of the backend without
/// keys); `None` when one of them has not said.
pub fn room(state: &GatewayState, target: &crate::table::Target) -> Option<f64> {
    let now = SystemTime::now();
    if target.keys.is_empty() {
        return state.health.room([target.id.as_str()], now);
    }
    state
        .health
        .room(target.keys.iter().map(|k| k.id.as_str()), now)
}

/// Whether a key is drained (the provider said it has no room left until a reset).
pub fn drained(state: &GatewayState, key_id: &str) -> bool {
    state
        .health
        .room([key_id], SystemTime::now())
        .is_some_and(|r| r < switchyard_policy::DRAINED)
}

/// A Gemini quota error (429 `RESOURCE_EXHAUSTED`, no rate-limit headers): the wait its
/// `RetryInfo.retryDelay` names, and the quota's size from its `QuotaFailure`, when present.
pub fn gemini_quota(body: &[u8]) -> Option<(std::time::Duration, Option<u64>)> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let details = v.pointer("/error/details")?.as_array()?;
    let wait = details
        .iter()
        .find_map(|d| d.get("retryDelay")?.as_str())
        .and_then(switchyard_policy::parse_go_duration)?;
    let limit = details
        .iter()
        .filter_map(|d| d.get("violations")?.as_array())
        .flatten()
        .find_map(|q| q.get("quotaValue")?.as_str()?.parse::<u64>().ok());
    Some((wait, limit))
}

/// Keeps what a Gemini quota error says: no request left until the retry time.
pub fn heard_quota(
    state: &GatewayState,
    backend_id: &str,
    key_id: Option<&str>,
    wait: std::time::Duration,
    limit: Option<u64>,
) {
    let now = SystemTime::now();
    let resets_at = now
        .checked_add(wait)
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .and_then(|d| i64::try_from(d.as_secs()).ok());
    let headroom = Headroom {
        requests: switchyard_policy::Quota {
            limit: limit.or(Some(1)),
            remaining: Some(0),
            resets_at,
        },
        ..Headroom::default()
    };
    state
        .health
        .saw_headroom(key_id.unwrap_or(backend_id), headroom, now);
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_gemini_quota_error_says_when_and_how_many() {
        let body = br#"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[
            {"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaValue":"10"}]},
            {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"29s"}]}}"#;
        assert_eq!(
            super::gemini_quota(body),
            Some((std::time::Duration::from_secs(29), Some(10)))
        );
        assert_eq!(super::gemini_quota(br#"{"error":{"code":429}}"#), None);
        assert_eq!(super::gemini_quota(b"not json"), None);
    }
}
