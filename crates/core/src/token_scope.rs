//! What a gateway token may do: everything a tool calls (a tool's token), only read
//! `GET /metrics` (a scrape token, for Prometheus), or that and the team's administration API
//! under [`TEAM_API_PREFIX`] (a team's admin token, which a desktop attaches with). One enum from
//! the store to the gateway's guard, so a new scope is a compile error wherever access is
//! decided, never a string that falls back to "all".

use serde::{Deserialize, Serialize};

/// The only path a [`TokenScope::Metrics`] token opens.
pub const METRICS_PATH: &str = "/metrics";
/// Where a team replica serves its administration API: only [`TokenScope::Admin`] opens it.
pub const TEAM_API_PREFIX: &str = "/switchyard/team/";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TokenScope {
    /// A tool's token: every gateway endpoint (generation, `/mcp`, `/metrics`).
    #[default]
    Gateway,
    /// A scrape token: `GET /metrics` only; refused everywhere else.
    Metrics,
    /// A team's admin token: what a tool's token opens and the team's administration API.
    Admin,
}

impl TokenScope {
    /// The stored name (`gateway`, `metrics`).
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Gateway => "gateway",
            TokenScope::Metrics => "metrics",
            TokenScope::Admin => "admin",
        }
    }

    /// The scope a stored name stands for. A name this version does not know grants the least
    /// (`Metrics`), so a row written by a newer version never gains access here.
    pub fn from_stored(name: &str) -> TokenScope {
        match name {
            "gateway" => TokenScope::Gateway,
            "admin" => TokenScope::Admin,
            _ => TokenScope::Metrics,
        }
    }

    /// Whether a token of this scope may call `path`.
    pub fn allows(self, path: &str) -> bool {
        match self {
            TokenScope::Gateway => !path.starts_with(TEAM_API_PREFIX),
            TokenScope::Metrics => path == METRICS_PATH,
            TokenScope::Admin => true,
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
    fn only_an_admin_token_opens_the_team_api() {
        for path in ["/switchyard/team/v1/overview", "/switchyard/team/"] {
            assert!(TokenScope::Admin.allows(path));
            assert!(!TokenScope::Gateway.allows(path), "a tool's token: {path}");
            assert!(!TokenScope::Metrics.allows(path), "a scrape token: {path}");
        }
        assert!(TokenScope::Admin.allows("/v1/chat/completions"));
        assert!(TokenScope::Admin.allows(METRICS_PATH));
    }

    #[test]
    fn stored_names_round_trip_and_unknown_ones_grant_the_least() {
        for s in [TokenScope::Gateway, TokenScope::Metrics, TokenScope::Admin] {
            assert_eq!(TokenScope::from_stored(s.as_str()), s, "round trip");
        }
        assert_eq!(
            TokenScope::from_stored("owner"),
            TokenScope::Metrics,
            "an unknown scope must not become a full token"
        );
    }
}
