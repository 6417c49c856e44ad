//! What a gateway token may do: everything a tool calls (a tool's token), only read
//! `GET /metrics` (a scrape token, for Prometheus), that and the team's administration API
//! under [`TEAM_API_PREFIX`] (a team's admin token, which a desktop attaches with), or sign in to
//! the control panel in a browser under [`PANEL_PREFIX`] (a panel token). One enum from
//! the store to the gateway's guard, so a new scope is a compile error wherever access is
//! decided, never a string that falls back to "all". What each scope may call is the
//! authorization table's ([`crate::authz`]).

use serde::{Deserialize, Serialize};

/// The only path a [`TokenScope::Metrics`] token opens.
pub const METRICS_PATH: &str = "/metrics";
/// Where a team replica serves its administration API: only [`TokenScope::Admin`] opens it.
pub const TEAM_API_PREFIX: &str = "/switchyard/team/";
/// Where the control panel is served to a browser (`switchyard serve --ui`): its pages, its
/// sign-in and, once signed in, the window's commands and events.
pub const PANEL_PREFIX: &str = "/panel/";

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
    /// A panel token: signs a browser in to the control panel, and opens nothing else. It
    /// manages this machine's Switchyard as the window does, so it is never a tool's token.
    Panel,
}

impl TokenScope {
    /// The stored name (`gateway`, `metrics`, `admin`, `panel`).
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Gateway => "gateway",
            TokenScope::Metrics => "metrics",
            TokenScope::Admin => "admin",
            TokenScope::Panel => "panel",
        }
    }

    /// The scope a stored name stands for. A name this version does not know grants the least
    /// (`Metrics`), so a row written by a newer version never gains access here.
    pub fn from_stored(name: &str) -> TokenScope {
        match name {
            "gateway" => TokenScope::Gateway,
            "admin" => TokenScope::Admin,
            "panel" => TokenScope::Panel,
            _ => TokenScope::Metrics,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip_and_unknown_ones_grant_the_least() {
        for s in [
            TokenScope::Gateway,
            TokenScope::Metrics,
            TokenScope::Admin,
            TokenScope::Panel,
        ] {
            assert_eq!(TokenScope::from_stored(s.as_str()), s, "round trip");
        }
        assert_eq!(
            TokenScope::from_stored("owner"),
            TokenScope::Metrics,
            "an unknown scope must not become a full token"
        );
    }
}
