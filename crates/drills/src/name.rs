//! The drills by name, and how hard they push.

use std::time::Duration;

/// A drill, by the name the CLI and the report use (the window sends it camelCase: `rateLimit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "Drill"))]
pub enum DrillName {
    Failover,
    Breaker,
    RateLimit,
    Recovery,
    Distribution,
    Stampede,
    Configuration,
}

impl DrillName {
    pub const ALL: [DrillName; 7] = [
        DrillName::Failover,
        DrillName::Breaker,
        DrillName::RateLimit,
        DrillName::Recovery,
        DrillName::Distribution,
        DrillName::Stampede,
        DrillName::Configuration,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DrillName::Failover => "failover",
            DrillName::Breaker => "breaker",
            DrillName::RateLimit => "rate-limit",
            DrillName::Recovery => "recovery",
            DrillName::Distribution => "distribution",
            DrillName::Stampede => "stampede",
            DrillName::Configuration => "configuration",
        }
    }

    pub fn parse(name: &str) -> Option<DrillName> {
        DrillName::ALL.into_iter().find(|d| d.as_str() == name)
    }

    pub fn title(self) -> &'static str {
        match self {
            DrillName::Failover => "Failover",
            DrillName::Breaker => "Circuit breaker",
            DrillName::RateLimit => "Rate limits",
            DrillName::Recovery => "Recovery",
            DrillName::Distribution => "Load distribution",
            DrillName::Stampede => "Cache stampede",
            DrillName::Configuration => "Configuration",
        }
    }
}

/// How hard the drills push.
#[derive(Debug, Clone)]
pub struct DrillOptions {
    /// Requests in flight during a load.
    pub in_flight: usize,
    /// Length of one load phase.
    pub phase: Duration,
}

impl Default for DrillOptions {
    fn default() -> Self {
        DrillOptions {
            in_flight: 4,
            phase: Duration::from_millis(1500),
        }
    }
}
