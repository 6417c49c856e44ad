//! Why a gateway request or one of its upstream attempts failed, as the ledger records it: a
//! closed set, so the Requests page, the CLI and `/metrics` can filter and count by it. Each
//! class knows the HTTP status the gateway answers with when the failure is its own, whether a
//! retry on another candidate can help, and how loudly it is logged.
//!
//! Invariants: the stored names (`as_str`) never change — they are in every ledger written so
//! far; a stored name this version does not know reads as [`ErrorClass::Other`], never as no
//! error.

use serde::{Deserialize, Serialize};

/// Why a request or an attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ErrorClassName")]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    // One attempt, from the provider's answer (or its absence).
    /// No answer before the first-byte deadline.
    Timeout,
    /// The connection could not be made.
    Connect,
    /// 401 or 403: the key was refused.
    KeyInvalid,
    /// 429 from the provider.
    RateLimited,
    /// A 5xx from the provider.
    #[serde(rename = "upstream_5xx")]
    Upstream5xx,
    /// Another 4xx from the provider: the request itself was refused.
    ClientError,
    // The whole request, from the gateway.
    /// No route or backend serves the model asked for.
    UnknownModel,
    /// The request uses something the chosen backend's format cannot express.
    Untranslatable,
    /// A budget's hard stop refused it.
    BudgetExceeded,
    /// Every backend that could serve it is at its own rate limit (requests or tokens a minute,
    /// requests at once), on this gateway or for the team: answered 429 with `Retry-After`.
    LimitReached,
    /// The whole request ran past its deadline.
    TimeoutTotal,
    /// Every candidate failed, or none was available.
    NoCandidate,
    /// The request's body is not what its API takes.
    BadRequest,
    /// The caller went away before the answer was complete.
    ClientDisconnected,
    /// The provider's answer could not be read to its end.
    UpstreamRead,
    /// The provider's answer is not what its API promises.
    UpstreamInvalid,
    /// The provider's stream broke off.
    UpstreamBroken,
    /// The provider's stream went quiet for too long.
    UpstreamIdleTimeout,
    /// The provider's answer was over the gateway's limit.
    UpstreamTooLarge,
    /// The provider's stream ended with an error event.
    UpstreamError,
    /// The provider's stream ended without its final event.
    UpstreamIncomplete,
    /// The provider's answer could not be put in the caller's format.
    Translation,
    /// A name this version does not know (a newer version wrote it).
    Other,
}

/// How loudly a failure is logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    /// Expected in normal use (a caller's mistake, a budget doing its job).
    Info,
    /// Worth a look (a provider misbehaving, a key refused).
    Warn,
}

impl ErrorClass {
    pub const ALL: [ErrorClass; 23] = [
        ErrorClass::Timeout,
        ErrorClass::Connect,
        ErrorClass::KeyInvalid,
        ErrorClass::RateLimited,
        ErrorClass::Upstream5xx,
        ErrorClass::ClientError,
        ErrorClass::UnknownModel,
        ErrorClass::Untranslatable,
        ErrorClass::BudgetExceeded,
        ErrorClass::LimitReached,
        ErrorClass::TimeoutTotal,
        ErrorClass::NoCandidate,
        ErrorClass::BadRequest,
        ErrorClass::ClientDisconnected,
        ErrorClass::UpstreamRead,
        ErrorClass::UpstreamInvalid,
        ErrorClass::UpstreamBroken,
        ErrorClass::UpstreamIdleTimeout,
        ErrorClass::UpstreamTooLarge,
        ErrorClass::UpstreamError,
        ErrorClass::UpstreamIncomplete,
        ErrorClass::Translation,
        ErrorClass::Other,
    ];

    /// The name the ledger stores (and `--json`, the UI and `/metrics` show).
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorClass::Timeout => "timeout",
            ErrorClass::Connect => "connect",
            ErrorClass::KeyInvalid => "key_invalid",
            ErrorClass::RateLimited => "rate_limited",
            ErrorClass::Upstream5xx => "upstream_5xx",
            ErrorClass::ClientError => "client_error",
            ErrorClass::UnknownModel => "unknown_model",
            ErrorClass::Untranslatable => "untranslatable",
            ErrorClass::BudgetExceeded => "budget_exceeded",
            ErrorClass::LimitReached => "limit_reached",
            ErrorClass::TimeoutTotal => "timeout_total",
            ErrorClass::NoCandidate => "no_candidate",
            ErrorClass::BadRequest => "bad_request",
            ErrorClass::ClientDisconnected => "client_disconnected",
            ErrorClass::UpstreamRead => "upstream_read",
            ErrorClass::UpstreamInvalid => "upstream_invalid",
            ErrorClass::UpstreamBroken => "upstream_broken",
            ErrorClass::UpstreamIdleTimeout => "upstream_idle_timeout",
            ErrorClass::UpstreamTooLarge => "upstream_too_large",
            ErrorClass::UpstreamError => "upstream_error",
            ErrorClass::UpstreamIncomplete => "upstream_incomplete",
            ErrorClass::Translation => "translation",
            ErrorClass::Other => "other",
        }
    }

    /// A stored name: an unknown one is [`ErrorClass::Other`].
    pub fn from_stored(name: &str) -> ErrorClass {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == name)
            .unwrap_or(ErrorClass::Other)
    }

    /// What it means, for the Requests page's filter and the CLI.
    pub fn label(self) -> &'static str {
        match self {
            ErrorClass::Timeout => "Provider timed out",
            ErrorClass::Connect => "Could not connect",
            ErrorClass::KeyInvalid => "Key refused",
            ErrorClass::RateLimited => "Rate-limited by the provider",
            ErrorClass::Upstream5xx => "Provider error (5xx)",
            ErrorClass::ClientError => "Refused by the provider (4xx)",
            ErrorClass::UnknownModel => "Unknown model",
            ErrorClass::Untranslatable => "Not expressible for the backend",
            ErrorClass::BudgetExceeded => "Budget hard stop",
            ErrorClass::LimitReached => "At a backend's rate limit",
            ErrorClass::TimeoutTotal => "Request timed out",
            ErrorClass::NoCandidate => "No backend could answer",
            ErrorClass::BadRequest => "Bad request",
            ErrorClass::ClientDisconnected => "Caller went away",
            ErrorClass::UpstreamRead => "Answer could not be read",
            ErrorClass::UpstreamInvalid => "Invalid answer",
            ErrorClass::UpstreamBroken => "Stream broke off",
            ErrorClass::UpstreamIdleTimeout => "Stream went quiet",
            ErrorClass::UpstreamTooLarge => "Answer too large",
            ErrorClass::UpstreamError => "Stream ended in an error",
            ErrorClass::UpstreamIncomplete => "Stream ended early",
            ErrorClass::Translation => "Answer could not be translated",
            ErrorClass::Other => "Other",
        }
    }

    /// Whether another candidate (or a later try) can succeed where this failed.
    pub fn retryable(self) -> bool {
        matches!(
            self,
            ErrorClass::Timeout
                | ErrorClass::Connect
                | ErrorClass::KeyInvalid
                | ErrorClass::RateLimited
                | ErrorClass::Upstream5xx
        )
    }

    /// The HTTP status the gateway answers with when this failure is its own (`None` for an
    /// attempt's class: the provider's own status is passed on or the request fails over).
    pub fn status(self) -> Option<u16> {
        Some(match self {
            ErrorClass::UnknownModel => 404,
            ErrorClass::Untranslatable | ErrorClass::BadRequest => 400,
            ErrorClass::BudgetExceeded => 402,
            ErrorClass::LimitReached => 429,
            ErrorClass::TimeoutTotal => 504,
            ErrorClass::NoCandidate => 503,
            ErrorClass::ClientDisconnected => 499,
            ErrorClass::UpstreamRead
            | ErrorClass::UpstreamInvalid
            | ErrorClass::UpstreamBroken
            | ErrorClass::UpstreamIdleTimeout
            | ErrorClass::UpstreamTooLarge
            | ErrorClass::UpstreamError
            | ErrorClass::UpstreamIncomplete
            | ErrorClass::Translation
            | ErrorClass::Other => 502,
            ErrorClass::Timeout
            | ErrorClass::Connect
            | ErrorClass::KeyInvalid
            | ErrorClass::RateLimited
            | ErrorClass::Upstream5xx
            | ErrorClass::ClientError => return None,
        })
    }

    /// How loudly the gateway logs it.
    pub fn level(self) -> LogLevel {
        match self {
            ErrorClass::UnknownModel
            | ErrorClass::Untranslatable
            | ErrorClass::BadRequest
            | ErrorClass::BudgetExceeded
            | ErrorClass::LimitReached
            | ErrorClass::ClientDisconnected
            | ErrorClass::ClientError
            | ErrorClass::RateLimited => LogLevel::Info,
            _ => LogLevel::Warn,
        }
    }
}

impl std::fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip_and_an_unknown_one_is_other() {
        for c in ErrorClass::ALL {
            assert_eq!(ErrorClass::from_stored(c.as_str()), c);
            assert_eq!(
                serde_json::to_value(c).unwrap(),
                serde_json::json!(c.as_str()),
                "JSON says the stored name"
            );
        }
        assert_eq!(ErrorClass::from_stored("quantum_flux"), ErrorClass::Other);
    }

    #[test]
    fn the_gateways_own_failures_have_a_status_and_attempts_do_not() {
        assert_eq!(ErrorClass::NoCandidate.status(), Some(503));
        assert_eq!(ErrorClass::BudgetExceeded.status(), Some(402));
        assert_eq!(ErrorClass::RateLimited.status(), None);
        assert!(ErrorClass::Upstream5xx.retryable() && !ErrorClass::BadRequest.retryable());
    }
}
