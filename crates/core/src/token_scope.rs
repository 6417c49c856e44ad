//! What a gateway token may do: everything (a tool's token) or only read `GET /metrics` (a
//! scrape token, for Prometheus). One enum from the store to the gateway's guard, so a new scope
//! is a compile error wherever access is decided, never a string that falls back to "all".

use serde::{Deserialize, Serialize};

/// The only path a [`TokenScope::Metrics`] token opens.
pub const METRICS_PATH: &str = "/metrics";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TokenScope {
    /// A tool's token: every gateway endpoint (generation, `/mcp`, `/metrics`).
    #[default]
    Gateway,
    /// A scrape token: `GET /metrics` only; refused everywhere else.
    Metrics,
}

impl TokenScope {
    /// The stored name (`gateway`, `metrics`).
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Gateway => "gateway",
            TokenScope::Metrics => "metrics",
        }
    }

    /// The scope a stored name stands for. A name this version does not know grants the least
    /// (`Metrics`), so a row written by a newer version never gains access here.
    pub fn from_stored(name: &str) -> TokenScope {
        match name {
            "gateway" => TokenScope::Gateway,
            _ => TokenScope::Metrics,
        }
    }

    /// Whether a token of this scope may call `path`.
    pub fn allows(self, path: &str) -> bool {
        match self {
            TokenScope::Gateway => true,
            TokenScope::Metrics => path == METRICS_PATH,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scrape_token_opens_metrics_and_nothing_else() {
        assert!(TokenScope::Metrics.allows("/metrics"));
        for path in [
            "/v1/chat/completions",
            "/v1/messages",
            "/mcp",
            "/metrics/",
            "/metrics/../v1/models",
            "/",
        ] {
            assert!(
                !TokenScope::Metrics.allows(path),
                "a scrape token must not open {path}"
            );
            assert!(
                TokenScope::Gateway.allows(path),
                "a tool's token is not limited"
            );
        }
    }

    #[test]
    fn stored_names_round_trip_and_unknown_ones_grant_the_least() {
        for s in [TokenScope::Gateway, TokenScope::Metrics] {
            assert_eq!(TokenScope::from_stored(s.as_str()), s, "round trip");
        }
        assert_eq!(
            TokenScope::from_stored("admin"),
            TokenScope::Metrics,
            "an unknown scope must not become a full token"
        );
    }
}
