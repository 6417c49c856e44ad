//! What a gateway token may do: everything a tool calls (a tool's token), only generate and list
//! models (a connected tool's token: the one `connect` writes into a tool's files), only read
//! `GET /metrics` (a scrape token, for Prometheus), that and the team's administration API
//! under [`TEAM_API_PREFIX`] (a team's admin token, which a desktop attaches with), or sign in to
//! the control panel in a browser under [`PANEL_PREFIX`] (a panel token). One enum from
//! the store to the gateway's guard, so a new scope is a compile error wherever access is
//! decided, never a string that falls back to "all". What each scope may call is the
//! authorization table's ([`crate::authz`]).
//!
//! A token that travels between a person's own machines (My machines) has a [`ToolScope`]: a
//! tool's or a connected tool's, and no other scope can be written down.

use serde::{Deserialize, Serialize};

/// The only path a [`TokenScope::Metrics`] token opens.
pub const METRICS_PATH: &str = "/metrics";
/// Where a team replica serves its administration API: only [`TokenScope::Admin`] opens it.
pub const TEAM_API_PREFIX: &str = "/switchyard/team/";
/// Where the control panel is served to a browser (`switchyard serve --ui`): its pages, its
/// sign-in and, once signed in, the window's commands and events.
pub const PANEL_PREFIX: &str = "/panel/";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum TokenScope {
    /// A tool's token the user made (`token create`, the window): every gateway endpoint
    /// (generation, `/mcp`, `/metrics`).
    #[default]
    Gateway,
    /// A scrape token: `GET /metrics` only; refused everywhere else.
    Metrics,
    /// A team's admin token: what a tool's token opens and the team's administration API.
    Admin,
    /// A panel token: signs a browser in to the control panel, and opens nothing else. It
    /// manages this machine's Switchyard as the window does, so it is never a tool's token.
    Panel,
    /// A connected tool's token: the one `connect` writes into a tool's files, where a program
    /// that squats the port the tool points at can capture it. It generates and lists models in
    /// every format the gateway serves, and reads nothing of the user's (`/metrics`, `/mcp`, the
    /// team API, the panel): whoever captures it can spend within the budgets, not read.
    Generate,
}

impl TokenScope {
    /// The stored name (`gateway`, `metrics`, `admin`, `panel`, `generate`).
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Gateway => "gateway",
            TokenScope::Metrics => "metrics",
            TokenScope::Admin => "admin",
            TokenScope::Panel => "panel",
            TokenScope::Generate => "generate",
        }
    }

    /// The scope a stored name stands for. A name this version does not know grants the least
    /// (`Metrics`), so a row written by a newer version never gains access here.
    pub fn from_stored(name: &str) -> TokenScope {
        match name {
            "gateway" => TokenScope::Gateway,
            "admin" => TokenScope::Admin,
            "panel" => TokenScope::Panel,
            "generate" => TokenScope::Generate,
            _ => TokenScope::Metrics,
        }
    }
}

/// The scope of a token travelling between a person's own machines (My machines): a tool's
/// ([`TokenScope::Gateway`]) or a connected tool's ([`TokenScope::Generate`]). A synced record
/// whose scope is anything else does not parse, so no panel, admin or scrape token is ever made
/// from one. An older version that knows only `gateway` refuses a `generate` record: it never
/// takes it in as a wider token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ToolScope {
    #[serde(rename = "gateway")]
    Tool,
    #[serde(rename = "generate")]
    Connected,
}

impl ToolScope {
    /// How a token of `scope` travels, or `None`: it stays on the machine that made it.
    pub fn of(scope: TokenScope) -> Option<ToolScope> {
        match scope {
            TokenScope::Gateway => Some(ToolScope::Tool),
            TokenScope::Generate => Some(ToolScope::Connected),
            TokenScope::Metrics | TokenScope::Admin | TokenScope::Panel => None,
        }
    }
}

impl From<ToolScope> for TokenScope {
    fn from(scope: ToolScope) -> TokenScope {
        match scope {
            ToolScope::Tool => TokenScope::Gateway,
            ToolScope::Connected => TokenScope::Generate,
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
            TokenScope::Generate,
        ] {
            assert_eq!(TokenScope::from_stored(s.as_str()), s, "round trip");
            if let Some(travels) = ToolScope::of(s) {
                assert_eq!(TokenScope::from(travels), s, "a token travels as it is");
            }
        }
        assert_eq!(
            TokenScope::from_stored("owner"),
            TokenScope::Metrics,
            "an unknown scope must not become a full token"
        );
    }

    #[test]
    fn only_a_tools_token_travels_and_a_connected_tools_travels_as_such() {
        let travels = |s: TokenScope| ToolScope::of(s).map(|t| serde_json::to_value(t).ok());
        assert_eq!(travels(TokenScope::Gateway), Some(Some("gateway".into())));
        assert_eq!(
            travels(TokenScope::Generate),
            Some(Some("generate".into())),
            "a connected tool's token must not arrive elsewhere as a full one"
        );
        for kept in [TokenScope::Metrics, TokenScope::Admin, TokenScope::Panel] {
            assert_eq!(travels(kept), None, "{kept:?} stays on its machine");
        }
        assert!(
            serde_json::from_str::<ToolScope>("\"admin\"").is_err(),
            "no record can name another scope"
        );
    }
}
