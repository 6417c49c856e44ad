//! A connected tool signed in to its own vendor with a plan (a Claude plan for Claude Code): its
//! requests come to the gateway with the tool's own sign-in beside the Switchyard token, and the
//! gateway passes that sign-in on unchanged, only to the vendor's host, only for that tool's
//! token. What a token's connection says about it is a [`Subscription`], stored with the token
//! (never the sign-in itself: the gateway never holds it past the request that carried it).
//!
//! Stored as JSON and read back strictly: a row this version cannot read, or whose host is not
//! an `https` origin (or a loopback `http` one, a local test server), is no subscription at all,
//! so a sign-in is then never passed anywhere.

use serde::{Deserialize, Serialize};

/// The header a tool connected with its plan sends the Switchyard token in, beside its own
/// sign-in: what `connect` writes into the tool's files and the gateway's guard reads.
pub const TOKEN_HEADER: &str = "x-switchyard-token";

/// The vendor whose plan a tool is signed in to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Vendor {
    /// A Claude plan (Pro, Max), as Claude Code signs in to it.
    Anthropic,
    /// A ChatGPT plan (Plus, Pro), as Codex signs in to it.
    ChatGpt,
}

impl Vendor {
    pub const ALL: [Vendor; 2] = [Vendor::Anthropic, Vendor::ChatGpt];

    /// Where the vendor serves its plans.
    pub fn official_host(self) -> &'static str {
        match self {
            Vendor::Anthropic => "https://api.anthropic.com",
            Vendor::ChatGpt => "https://chatgpt.com",
        }
    }

    /// The plan as people call it: "Claude plan".
    pub fn plan_label(self) -> &'static str {
        match self {
            Vendor::Anthropic => "Claude plan",
            Vendor::ChatGpt => "ChatGPT plan",
        }
    }

    /// The stable id: `anthropic`.
    pub fn as_str(self) -> &'static str {
        match self {
            Vendor::Anthropic => "anthropic",
            Vendor::ChatGpt => "chatgpt",
        }
    }
}

/// Where a tool's requests go when its plan's window is used up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", tag = "to", content = "route")]
pub enum Overflow {
    /// Nowhere: plan only (observed: ledger, health, windows); the vendor's refusal reaches the
    /// tool, which waits for the reset as it would without Switchyard.
    Off,
    /// The backends that serve the requested model with the user's keys (an API key of the same
    /// vendor), as a plain model name resolves.
    Keys,
    /// A route of the user's (translated when its backends speak another format).
    Route(String),
}

/// How a connected tool's plan is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    pub vendor: Vendor,
    /// The origin the tool's sign-in may go to: the vendor's own, unless the user named another
    /// when connecting (a proxy of theirs, a test server).
    pub host: String,
    pub overflow: Overflow,
}

impl Subscription {
    /// A plan at the vendor's own host.
    pub fn official(vendor: Vendor, overflow: Overflow) -> Subscription {
        Subscription {
            vendor,
            host: vendor.official_host().to_string(),
            overflow,
        }
    }

    /// The stored form.
    pub fn to_stored(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A stored subscription, or `None` when this version cannot read it or its host is not one
    /// a sign-in may go to ([`checked_host`]).
    pub fn from_stored(text: &str) -> Option<Subscription> {
        let s: Subscription = serde_json::from_str(text).ok()?;
        let host = checked_host(&s.host).ok()?;
        if let Overflow::Route(r) = &s.overflow {
            if r.trim().is_empty() {
                return None;
            }
        }
        Some(Subscription { host, ..s })
    }
}

/// Why a tool cannot be connected with its plan as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanRefused {
    /// The tool signs in to no plan Switchyard can pass through.
    #[error("{tool} has no plan Switchyard can pass through: connect it with API keys.")]
    NoPlan { tool: &'static str },
    /// A team gateway never receives a person's own sign-in.
    #[error(
        "A plan's sign-in is passed through this machine's gateway only: connect without --team."
    )]
    ThroughTeam,
    /// The host named for the plan is not one a sign-in may go to.
    #[error("The plan's host: {0}.")]
    Host(String),
}

/// `url` as the origin a sign-in may go to: `https` anywhere, `http` only on this machine; no
/// user part, path, query or fragment. Lower-cased, without a default port.
pub fn checked_host(url: &str) -> Result<String, String> {
    let parsed = url::Url::parse(url.trim()).map_err(|_| format!("“{url}” is not an address"))?;
    let local = crate::is_loopback_host(&parsed);
    let ok_scheme = parsed.scheme() == "https" || (parsed.scheme() == "http" && local);
    if !ok_scheme {
        return Err("a plan's sign-in goes only over https (or http to this machine)".to_string());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("the address must not carry a user or password".to_string());
    }
    if parsed.path() != "/" || parsed.query().is_some() || parsed.fragment().is_some() {
        return Err("give the host only, without a path".to_string());
    }
    crate::origin_of(url).ok_or_else(|| format!("“{url}” has no host"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_subscription_reads_back_and_a_bad_one_is_none() {
        let s = Subscription::official(Vendor::Anthropic, Overflow::Route("fast".into()));
        assert_eq!(Subscription::from_stored(&s.to_stored()), Some(s.clone()));
        let keys = Subscription::official(Vendor::Anthropic, Overflow::Keys);
        assert_eq!(Subscription::from_stored(&keys.to_stored()), Some(keys));
        for bad in [
            "",
            "{}",
            r#"{"vendor":"openAi","host":"https://api.openai.com","overflow":{"to":"off"}}"#,
            r#"{"vendor":"anthropic","host":"http://evil.example","overflow":{"to":"off"}}"#,
            r#"{"vendor":"anthropic","host":"https://a.example/path","overflow":{"to":"off"}}"#,
            r#"{"vendor":"anthropic","host":"https://u:p@a.example","overflow":{"to":"off"}}"#,
            r#"{"vendor":"anthropic","host":"https://a.example","overflow":{"to":"route","route":" "}}"#,
        ] {
            assert_eq!(Subscription::from_stored(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_host_is_an_https_origin_or_this_machine() {
        assert_eq!(
            checked_host("HTTPS://API.Anthropic.com:443").as_deref(),
            Ok("https://api.anthropic.com")
        );
        assert_eq!(
            checked_host("http://127.0.0.1:4000/").as_deref(),
            Ok("http://127.0.0.1:4000")
        );
        for bad in ["http://10.0.0.1", "ftp://x", "https://x/v1", "nonsense"] {
            assert!(checked_host(bad).is_err(), "{bad}");
        }
    }
}
