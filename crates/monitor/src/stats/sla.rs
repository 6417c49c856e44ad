//! SLA targets per backend and breach detection.
//!
//! Invariants: the comparison is exact integer arithmetic in parts per million (a 99.9 % target
//! is 999 000 ppm), so 999 up out of 1000 meets 99.9 % and 998 does not, with no float edge
//! cases; a window without samples neither meets nor breaches (no report).

use super::Uptime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const PPM: u128 = 1_000_000;

/// An uptime target in percent, e.g. 99.9.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SlaTarget(pub f64);

impl Default for SlaTarget {
    fn default() -> Self {
        SlaTarget(99.9)
    }
}

impl SlaTarget {
    /// A target given in basis points, as the backend settings store it (9990 = 99.9 %).
    pub fn from_basis_points(bp: u32) -> Self {
        SlaTarget(f64::from(bp) / 100.0)
    }

    /// The target in parts per million, clamped to `[0, 1 000 000]` (NaN → 0).
    fn ppm(self) -> u128 {
        if self.0.is_nan() {
            return 0;
        }
        (self.0.clamp(0.0, 100.0) * 10_000.0).round() as u128
    }

    /// How `uptime` measures up; `None` without samples.
    pub fn check(self, uptime: Uptime) -> Option<SlaReport> {
        if uptime.total == 0 {
            return None;
        }
        let total = u128::from(uptime.total);
        // The most failures that still meet the target: floor(total × (1 − target)).
        let allowed = total * (PPM - self.ppm()) / PPM;
        let allowed_failures = u64::try_from(allowed).unwrap_or(u64::MAX);
        let failures = uptime.failures();
        Some(SlaReport {
            uptime,
            target_percent: self.0,
            breached: failures > allowed_failures,
            allowed_failures,
            budget_left: i64::try_from(i128::from(allowed_failures) - i128::from(failures))
                .unwrap_or(i64::MIN),
        })
    }
}

/// The outcome of an SLA check over a window.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlaReport {
    /// The measured uptime.
    pub uptime: Uptime,
    /// The target, in percent.
    pub target_percent: f64,
    /// Uptime is below the target.
    pub breached: bool,
    /// The most failures the window could have had and still met the target.
    pub allowed_failures: u64,
    /// Error budget: failures still allowed (negative once breached).
    pub budget_left: i64,
}

/// SLA targets: one default (99.9 %) and overrides per backend.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SlaTargets {
    /// Target for backends without an override.
    pub default: SlaTarget,
    /// Overrides by backend id.
    pub per_backend: BTreeMap<String, SlaTarget>,
}

impl SlaTargets {
    /// The target that applies to `backend_id`.
    pub fn for_backend(&self, backend_id: &str) -> SlaTarget {
        self.per_backend
            .get(backend_id)
            .copied()
            .unwrap_or(self.default)
    }
}
