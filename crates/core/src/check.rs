//! The outcome of a zero-cost key or backend check, and the status a backend shows because of it.

use serde::{Deserialize, Serialize};

/// What a test against the provider's model-list (or key-info) endpoint found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
}

/// What the Backends list and Overview show for a backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BackendStatus {
    Healthy,
    Untested,
    NoKey,
    KeyInvalid,
    RateLimited,
    Unreachable,
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
    } else if has(CheckOutcome::Unreachable)
        || has(CheckOutcome::Timeout)
        || has(CheckOutcome::Unexpected)
    {
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
