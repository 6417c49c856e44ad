//! The outcome of a zero-cost key or backend check, and the status a backend shows because of it.

use crate::BackendKind;
use serde::{Deserialize, Serialize};

/// What a test against the provider's model-list (or key-info) endpoint found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "Outcome"))]
#[serde(rename_all = "camelCase")]
pub enum CheckOutcome {
    /// 2xx: the key works.
    Valid,
    /// 401/403: the provider refused the key.
    Invalid,
    /// 429: the key works but is throttled right now.
    RateLimited,
    /// Could not connect (DNS, refused, TLS).
    Unreachable,
    /// No answer in time.
    Timeout,
    /// Any other status: the provider answered something we did not expect.
    Unexpected,
}

impl CheckOutcome {
    pub const ALL: [CheckOutcome; 6] = [
        CheckOutcome::Valid,
        CheckOutcome::Invalid,
        CheckOutcome::RateLimited,
        CheckOutcome::Unreachable,
        CheckOutcome::Timeout,
        CheckOutcome::Unexpected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckOutcome::Valid => "valid",
            CheckOutcome::Invalid => "invalid",
            CheckOutcome::RateLimited => "rateLimited",
            CheckOutcome::Unreachable => "unreachable",
            CheckOutcome::Timeout => "timeout",
            CheckOutcome::Unexpected => "unexpected",
        }
    }

    pub fn parse(s: &str) -> Option<CheckOutcome> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// Classifies an HTTP status from a check request.
    pub fn from_status(status: u16) -> CheckOutcome {
        match status {
            200..=299 => CheckOutcome::Valid,
            401 | 403 => CheckOutcome::Invalid,
            429 => CheckOutcome::RateLimited,
            _ => CheckOutcome::Unexpected,
        }
    }

    /// Classifies a probe answer, with each provider's quirks: Gemini refuses a bad key with
    /// 400 `API_KEY_INVALID`, not 401.
    pub fn classify(kind: BackendKind, status: u16, body: &str) -> CheckOutcome {
        let gemini_bad_key = kind == BackendKind::Gemini
            && status == 400
            && (body.contains("API_KEY_INVALID") || body.contains("API key not valid"));
        if gemini_bad_key {
            CheckOutcome::Invalid
        } else {
            Self::from_status(status)
        }
    }
}

/// What the Backends list and Overview show for a backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "Status"))]
#[serde(rename_all = "camelCase")]
pub enum BackendStatus {
    Healthy,
    Untested,
    NoKey,
    KeyInvalid,
    RateLimited,
    Unreachable,
    /// The provider answered, but not as expected (5xx, 404 …).
    Failing,
    Disabled,
}

/// Derives a backend's status from whether it is enabled, needs a key, has keys, and the latest
/// check outcomes of the backend and its keys. Any valid key makes the backend healthy.
pub fn backend_status(
    enabled: bool,
    needs_key: bool,
    key_count: usize,
    outcomes: &[CheckOutcome],
) -> BackendStatus {
    if !enabled {
        return BackendStatus::Disabled;
    }
    if needs_key && key_count == 0 {
        return BackendStatus::NoKey;
    }
    let has = |o: CheckOutcome| outcomes.contains(&o);
    if has(CheckOutcome::Valid) {
        BackendStatus::Healthy
    } else if has(CheckOutcome::RateLimited) {
        BackendStatus::RateLimited
    } else if has(CheckOutcome::Invalid) {
        BackendStatus::KeyInvalid
    } else if has(CheckOutcome::Unexpected) {
        BackendStatus::Failing
    } else if has(CheckOutcome::Unreachable) || has(CheckOutcome::Timeout) {
        BackendStatus::Unreachable
    } else {
        BackendStatus::Untested
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_ids_round_trip_and_statuses_classify() {
        for o in CheckOutcome::ALL {
            assert_eq!(CheckOutcome::parse(o.as_str()), Some(o));
        }
        assert_eq!(CheckOutcome::from_status(200), CheckOutcome::Valid);
        assert_eq!(CheckOutcome::from_status(403), CheckOutcome::Invalid);
        assert_eq!(CheckOutcome::from_status(429), CheckOutcome::RateLimited);
        assert_eq!(CheckOutcome::from_status(500), CheckOutcome::Unexpected);
        let gemini_bad = r#"{"error":{"code":400,"status":"INVALID_ARGUMENT","details":[{"reason":"API_KEY_INVALID"}]}}"#;
        assert_eq!(
            CheckOutcome::classify(BackendKind::Gemini, 400, gemini_bad),
            CheckOutcome::Invalid
        );
        assert_eq!(
            CheckOutcome::classify(BackendKind::OpenAi, 400, gemini_bad),
            CheckOutcome::Unexpected
        );
    }

    #[test]
    fn status_prefers_any_valid_key() {
        use CheckOutcome::*;
        assert_eq!(
            backend_status(true, true, 2, &[Invalid, Valid]),
            BackendStatus::Healthy
        );
        assert_eq!(
            backend_status(true, true, 1, &[Invalid]),
            BackendStatus::KeyInvalid
        );
        assert_eq!(backend_status(true, true, 0, &[]), BackendStatus::NoKey);
        assert_eq!(backend_status(true, false, 0, &[]), BackendStatus::Untested);
        assert_eq!(
            backend_status(false, true, 1, &[Valid]),
            BackendStatus::Disabled
        );
        assert_eq!(
            backend_status(true, false, 0, &[Timeout]),
            BackendStatus::Unreachable
        );
    }
}
