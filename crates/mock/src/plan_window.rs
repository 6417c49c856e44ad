//! Plan mode's bookkeeping, apart from its answers (`plan.rs`): what a request's credentials
//! are to plan mode ([`bearer`], [`admits`]) and each plan token's usage window ([`Window`],
//! [`Windows`]), which the server's state holds. ChatGPT mode (`chatgpt.rs`) counts its access
//! tokens in windows of the same kind; the windows know nothing of either vendor.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use axum::http::HeaderMap;

use crate::auth;
use crate::config::MockConfig;
use crate::error::Shape;

/// The `anthropic-beta` flag without which Anthropic refuses an OAuth token.
pub(crate) const OAUTH_BETA: &str = "oauth-2025-04-20";

/// What plan mode makes of a request's credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bearer<'a> {
    /// Not plan mode's business: plan mode off, a key in `x-api-key`, or no bearer token.
    None,
    /// A plan token with the OAuth beta flag.
    Plan(&'a str),
    /// A plan token without the OAuth beta flag.
    NoBeta,
    /// A bearer token that is no plan token.
    Unknown,
}

/// Reads a request's credentials as plan mode sees them (see [`Bearer`]).
pub(crate) fn bearer<'a>(config: &MockConfig, headers: &'a HeaderMap) -> Bearer<'a> {
    let Some(plan) = &config.plan else {
        return Bearer::None;
    };
    if auth::extract_key(headers, Shape::Anthropic).is_some() {
        return Bearer::None;
    }
    // Anthropic's bearer is read like OpenAI's key: `Authorization: Bearer TOKEN`.
    let Some(token) = auth::extract_key(headers, Shape::OpenAi) else {
        return Bearer::None;
    };
    if !plan.tokens.iter().any(|t| t == token) {
        return Bearer::Unknown;
    }
    let beta = headers
        .get_all("anthropic-beta")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|flag| flag.trim() == OAUTH_BETA);
    if beta {
        Bearer::Plan(token)
    } else {
        Bearer::NoBeta
    }
}

/// True when plan mode lets this request in with its OAuth token (the handlers then skip the key check).
pub(crate) fn admits(config: &MockConfig, headers: &HeaderMap) -> bool {
    matches!(bearer(config, headers), Bearer::Plan(_))
}

/// One token's usage window: when it started (`None` before the first request) and how many
/// requests it answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Window {
    start: Option<SystemTime>,
    used: u64,
}

/// What the window says to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Turn {
    /// Answer it: `used` requests of the window are used, this one included; it ends at `reset`.
    Allowed { used: u64, reset: SystemTime },
    /// Refuse it: the window is used up until `reset`.
    Rejected { reset: SystemTime },
}

impl Window {
    /// Counts a request at `now` against a window of `limit` requests lasting `length`. A request
    /// at or after the window's end (or the first one) starts a new window; refused requests are
    /// not counted.
    pub(crate) fn take(&mut self, limit: u64, length: Duration, now: SystemTime) -> Turn {
        let start = match self.start {
            Some(start) if now.duration_since(start).unwrap_or_default() < length => start,
            _ => {
                *self = Window {
                    start: Some(now),
                    used: 0,
                };
                now
            }
        };
        let reset = start + length;
        if self.used >= limit {
            return Turn::Rejected { reset };
        }
        self.used += 1;
        Turn::Allowed {
            used: self.used,
            reset,
        }
    }
}

/// Every plan token's window.
#[derive(Debug, Default)]
pub(crate) struct Windows(Mutex<HashMap<String, Window>>);

impl Windows {
    /// Counts a request of `token` at `now` (see [`Window::take`]).
    pub(crate) fn take(&self, token: &str, limit: u64, length: Duration, now: SystemTime) -> Turn {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        map.entry(token.to_owned())
            .or_default()
            .take(limit, length, now)
    }
}
