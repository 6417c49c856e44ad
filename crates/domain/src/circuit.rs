//! The state of a circuit breaker as the rest of the app sees it: no timers, no counts — the
//! gateway's breaker (switchyard-policy) owns those. One enum from the gateway to the DTO, so a
//! new state is a compile error everywhere it matters, never a string that falls back to
//! `Closed`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "Breaker"))]
#[serde(rename_all = "camelCase")]
pub enum Circuit {
    /// Requests flow.
    #[default]
    Closed,
    /// Repeated failures: requests skip the backend or key until the open period ends.
    Open,
    /// Trial requests only; enough successes close it, a failure opens it again.
    HalfOpen,
}

impl Circuit {
    /// The name in logs and JSON (`closed`, `open`, `halfOpen`).
    pub fn as_str(self) -> &'static str {
        match self {
            Circuit::Closed => "closed",
            Circuit::Open => "open",
            Circuit::HalfOpen => "halfOpen",
        }
    }
}

impl std::fmt::Display for Circuit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
