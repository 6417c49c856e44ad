//! How the gateway copes with a failing provider: when a circuit breaker opens and closes, how
//! often a candidate is retried before the next one is tried, and how long a silent provider is
//! waited for, as the user saves it (the app's gateway settings): checked here, written into a
//! [`GatewayConfig`] when the gateway starts, and read back from one; the drills run their shadow
//! with the same values.

use crate::GatewayConfig;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use switchyard_domain::{Field, Issue, IssueCode, Validation};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ResilienceForm")]
#[serde(rename_all = "camelCase", default)]
pub struct Resilience {
    /// Consecutive failures that open a backend's (or key's) breaker.
    pub breaker_failures: u32,
    /// Share of failed requests (in percent, over the last 30 s and at least 10 requests) that
    /// also opens a breaker; 0 turns this rule off.
    pub breaker_failure_rate_pct: u32,
    /// How long an open breaker skips its backend before a trial request (doubling at each
    /// re-open, up to ten times this).
    pub breaker_open_secs: u32,
    /// Successful trials in a row that close a half-open breaker.
    pub breaker_close_after: u32,
    /// Retries of the same candidate (5xx, refused connection, timeout) before the next one.
    pub retries_per_candidate: u32,
    /// How long a provider may stay silent before its first byte before it counts as failed.
    pub first_byte_timeout_secs: u32,
}

impl Default for Resilience {
    fn default() -> Self {
        Resilience::of(&GatewayConfig::default())
    }
}

/// The accepted range of each field: (its form field, name shown, low, high).
const RANGES: [(Field, &str, u32, u32); 6] = [
    (
        Field::BreakerFailures,
        "Failures to open a breaker",
        1,
        1000,
    ),
    (
        Field::BreakerFailureRatePct,
        "Failure rate to open a breaker",
        0,
        100,
    ),
    (Field::BreakerOpenSecs, "Open period", 1, 3600),
    (Field::BreakerCloseAfter, "Good trials to close", 1, 100),
    (Field::RetriesPerCandidate, "Retries per candidate", 0, 5),
    (Field::FirstByteTimeoutSecs, "First-byte timeout", 1, 600),
];

impl Resilience {
    fn fields(&self) -> [u32; 6] {
        [
            self.breaker_failures,
            self.breaker_failure_rate_pct,
            self.breaker_open_secs,
            self.breaker_close_after,
            self.retries_per_candidate,
            self.first_byte_timeout_secs,
        ]
    }

    /// Checks every field against its range; the message names the field and the range.
    pub fn validated(self) -> Result<Self, Validation> {
        for ((field, name, low, high), value) in RANGES.iter().zip(self.fields()) {
            if !(*low..=*high).contains(&value) {
                return Err(Validation::one(Issue::error(
                    *field,
                    IssueCode::OutOfRange,
                    format!("{name} must be from {low} to {high} (it was {value})."),
                )));
            }
        }
        Ok(self)
    }

    /// Writes these values into `config`.
    pub fn apply(&self, config: &mut GatewayConfig) {
        let open = Duration::from_secs(u64::from(self.breaker_open_secs));
        config.breaker.consecutive_failures = self.breaker_failures;
        config.breaker.failure_rate = match self.breaker_failure_rate_pct {
            0 => f64::INFINITY,
            pct => f64::from(pct) / 100.0,
        };
        config.breaker.open_for = open;
        config.breaker.max_open_for = (open * 10).max(config.breaker.open_for);
        config.breaker.close_after = self.breaker_close_after;
        config.retries_per_candidate = self.retries_per_candidate;
        config.timeouts.first_byte = Duration::from_secs(u64::from(self.first_byte_timeout_secs));
    }

    /// Failed requests in a row after which a breaker opens when every request fails: the
    /// consecutive-failure threshold, or the failure-rate rule's minimum number of requests
    /// when that rule is on and comes first.
    pub fn failures_to_open(config: &GatewayConfig) -> u32 {
        let b = &config.breaker;
        if b.failure_rate <= 1.0 {
            b.consecutive_failures.min(b.min_requests)
        } else {
            b.consecutive_failures
        }
    }

    /// The values `config` runs with (for comparing a running gateway with saved settings).
    pub fn of(config: &GatewayConfig) -> Resilience {
        let secs = |d: Duration| u32::try_from(d.as_secs()).unwrap_or(u32::MAX);
        Resilience {
            breaker_failures: config.breaker.consecutive_failures,
            breaker_failure_rate_pct: if config.breaker.failure_rate <= 1.0 {
                (config.breaker.failure_rate * 100.0).round() as u32
            } else {
                0
            },
            breaker_open_secs: secs(config.breaker.open_for),
            breaker_close_after: config.breaker.close_after,
            retries_per_candidate: config.retries_per_candidate,
            first_byte_timeout_secs: secs(config.timeouts.first_byte),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_gateway_defaults_and_round_trip_through_a_config() {
        let mut config = GatewayConfig::default();
        assert_eq!(Resilience::of(&config), Resilience::default());
        let r = Resilience {
            breaker_failures: 5,
            breaker_failure_rate_pct: 0,
            breaker_open_secs: 20,
            breaker_close_after: 2,
            retries_per_candidate: 0,
            first_byte_timeout_secs: 15,
        };
        r.apply(&mut config);
        assert_eq!(Resilience::of(&config), r);
        assert_eq!(config.breaker.max_open_for, Duration::from_secs(200));
        assert_eq!(Resilience::failures_to_open(&config), 5);
        Resilience {
            breaker_failures: 1000,
            breaker_failure_rate_pct: 50,
            ..r
        }
        .apply(&mut config);
        assert_eq!(
            Resilience::failures_to_open(&config),
            10,
            "the rate rule comes first"
        );
    }

    /// The first refusal's message of `r`, which must be refused.
    fn refusal(r: Resilience) -> String {
        r.validated()
            .unwrap_err()
            .first_error()
            .unwrap()
            .message
            .clone()
    }

    #[test]
    fn out_of_range_values_are_refused_by_name() {
        let err = refusal(Resilience {
            breaker_failures: 0,
            ..Resilience::default()
        });
        assert!(
            err.contains("Failures to open a breaker must be from 1 to 1000"),
            "{err}"
        );
        let err = refusal(Resilience {
            retries_per_candidate: 9,
            ..Resilience::default()
        });
        assert!(err.contains("Retries per candidate"), "{err}");
        let high = Resilience {
            breaker_failures: 1000,
            ..Resilience::default()
        };
        assert!(
            high.validated().is_ok(),
            "a high threshold is allowed (drills flag it)"
        );
    }
}
