//! What each space carries, by type (issue 69). A row of `synced_records` is written by whoever
//! holds the database's credentials, so it becomes a record only by parsing into its space's
//! record type, and a kind the space does not carry does not parse:
//!
//! - the team's space ([`TeamRecord`]) carries what docs/TEAM.md says the team shares — backends
//!   (without keys), routes and budgets — and nothing with authority: a follower of it cannot
//!   even represent a token;
//! - a person's own space ([`MachineRecord`]) carries those and their tools' gateway tokens
//!   ([`ToolToken`]): a token that travels is a tool's, by type (its scope is a [`ToolScope`]:
//!   a tool's or a connected tool's), so no panel, admin or scrape token is made from a row.
//!
//! Every name must be one Switchyard writes (printable, at most 100 characters; a token's is its
//! id), and a record's body must name itself: a row "x" whose body is backend "Main" would
//! otherwise replace this machine's own "Main".

use super::Kind;
use crate::config_file::file::{BackendEntry, BudgetEntry, RouteEntry};
use crate::AppError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
pub(crate) use switchyard_domain::token_scope::ToolScope;

/// The kinds the team's space carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TeamKind {
    Backend,
    Route,
    Budget,
}

impl TeamKind {
    pub const ALL: [TeamKind; 3] = [TeamKind::Backend, TeamKind::Route, TeamKind::Budget];
}

impl From<TeamKind> for Kind {
    fn from(k: TeamKind) -> Kind {
        match k {
            TeamKind::Backend => Kind::Backend,
            TeamKind::Route => Kind::Route,
            TeamKind::Budget => Kind::Budget,
        }
    }
}

/// A backend, route or budget as a row carries it: what both kinds of space share.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Setup {
    Backend(BackendEntry),
    Route(RouteEntry),
    Budget(BudgetEntry),
}

/// A tool's gateway token as it travels between a person's own machines: its hash, never its
/// value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ToolToken {
    pub name: String,
    pub hash: String,
    pub prefix: String,
    pub scope: ToolScope,
    pub revoked: bool,
}

/// What a record taken from the database does here.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Change {
    /// A backend, route or budget to import (its name is the record's).
    Setup(Setup),
    /// A backend, route or budget the other side deleted.
    Forget(TeamKind),
    /// A tool's token another of the user's machines made or revoked.
    Token(ToolToken),
    /// A token the other side deleted: revoked here.
    TokenGone,
}

/// The record type of one kind of space: which kinds it carries and how a row of one parses.
pub(crate) trait Carries: Sized {
    /// The kinds this space carries.
    type Kind: Copy + Into<Kind> + PartialEq;
    /// What the space carries, for the problem a row of another kind gets.
    const CARRIES: &'static str;
    /// The kind a row names; `None`: this space does not carry it.
    fn kind(name: &str) -> Option<Self::Kind>;
    /// A row's body as this space's record of `kind` named `name`.
    fn parse(kind: Self::Kind, name: &str, body: &Value) -> Result<Self, AppError>;
    /// What taking `record` (`None`: a tombstone) of `kind` does here.
    fn change(kind: Self::Kind, record: Option<Self>) -> Change;
}

/// A record of the team's space.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TeamRecord(Setup);

/// A record of a person's own space.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum MachineRecord {
    Setup(Setup),
    Token(ToolToken),
}

impl Carries for TeamRecord {
    type Kind = TeamKind;
    const CARRIES: &'static str =
        "the team's space carries backends, routes and budgets, never tokens";

    fn kind(name: &str) -> Option<TeamKind> {
        TeamKind::ALL
            .into_iter()
            .find(|k| Kind::from(*k).as_str() == name)
    }

    fn parse(kind: TeamKind, name: &str, body: &Value) -> Result<TeamRecord, AppError> {
        setup(kind, name, body).map(TeamRecord)
    }

    fn change(kind: TeamKind, record: Option<TeamRecord>) -> Change {
        match record {
            Some(TeamRecord(s)) => Change::Setup(s),
            None => Change::Forget(kind),
        }
    }
}

impl Carries for MachineRecord {
    type Kind = Kind;
    const CARRIES: &'static str =
        "a space of your machines carries backends, routes, budgets and tools' tokens";

    fn kind(name: &str) -> Option<Kind> {
        Kind::parse(name)
    }

    fn parse(kind: Kind, name: &str, body: &Value) -> Result<MachineRecord, AppError> {
        match team_kind(kind) {
            Some(k) => setup(k, name, body).map(MachineRecord::Setup),
            None => token(name, body).map(MachineRecord::Token),
        }
    }

    fn change(kind: Kind, record: Option<MachineRecord>) -> Change {
        match (record, team_kind(kind)) {
            (Some(MachineRecord::Setup(s)), _) => Change::Setup(s),
            (Some(MachineRecord::Token(t)), _) => Change::Token(t),
            (None, Some(k)) => Change::Forget(k),
            (None, None) => Change::TokenGone,
        }
    }
}

/// The team's kind `kind` is, if it is one (every kind but tokens).
pub(crate) fn team_kind(kind: Kind) -> Option<TeamKind> {
    TeamKind::ALL.into_iter().find(|k| Kind::from(*k) == kind)
}

fn refused(what: impl std::fmt::Display) -> AppError {
    AppError::Synced(what.to_string())
}

fn body<T: serde::de::DeserializeOwned>(kind: Kind, body: &Value) -> Result<T, AppError> {
    T::deserialize(body).map_err(|e| {
        refused(format!(
            "this version cannot read that {}: {}",
            kind.as_str(),
            shown(&e.to_string())
        ))
    })
}

fn setup(kind: TeamKind, name: &str, value: &Value) -> Result<Setup, AppError> {
    check_name(name)?;
    let (setup, named) = match kind {
        TeamKind::Backend => {
            let b: BackendEntry = body(kind.into(), value)?;
            if !b.keys.is_empty() {
                // Keys stay in each machine's keychain: a record never names any.
                return Err(refused(
                    "a backend's record carries no keys, and this one names some",
                ));
            }
            let n = b.name.clone();
            (Setup::Backend(b), n)
        }
        TeamKind::Route => {
            let r: RouteEntry = body(kind.into(), value)?;
            let n = r.name.clone();
            (Setup::Route(r), n)
        }
        TeamKind::Budget => {
            let b: BudgetEntry = body(kind.into(), value)?;
            let n = b.name.clone();
            (Setup::Budget(b), n)
        }
    };
    if named != name {
        return Err(refused(format!(
            "its body names another {} (“{}”)",
            Kind::from(kind).as_str(),
            shown(&named)
        )));
    }
    Ok(setup)
}

fn token(id: &str, value: &Value) -> Result<ToolToken, AppError> {
    let ok_id = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !ok_id {
        return Err(refused(
            "a token's record is named by its id, and that is none",
        ));
    }
    // What a row says a token's scope is decides nothing: anything but a tool's fails here.
    let t: ToolToken = body(Kind::Token, value).map_err(|_| {
        refused("only a tool's gateway token follows between machines, and this is not one")
    })?;
    let hex = |s: &str| s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let prefix_ok = t.prefix.starts_with(crate::tokens::TOKEN_PREFIX)
        && t.prefix.len() <= 16
        && t.prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !hex(&t.hash) || !prefix_ok || check_name(&t.name).is_err() {
        return Err(refused("its hash, prefix or name is not a token's"));
    }
    Ok(t)
}

/// A record's name as Switchyard writes one: 1 to 100 characters, none of them a control or a
/// direction override.
pub(crate) fn check_name(name: &str) -> Result<(), AppError> {
    let n = name.chars().count();
    if n == 0 || n > 100 || name.chars().any(hidden) {
        return Err(refused(
            "its name is not one Switchyard writes (1 to 100 printable characters)",
        ));
    }
    Ok(())
}

/// Characters a terminal or a page would act on rather than show.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` from the database as it may be shown: without controls or direction overrides, and at
/// most 100 characters.
pub(crate) fn shown(text: &str) -> String {
    let mut out: String = text.chars().filter(|c| !hidden(*c)).take(100).collect();
    if text.chars().filter(|c| !hidden(*c)).nth(100).is_some() {
        out.push('…');
    }
    out
}

pub(super) fn label((kind, name): &(Kind, String)) -> String {
    format!("{} “{}”", kind.as_str(), shown(name))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use serde_json::json;

    fn tool(scope: &str) -> Value {
        json!({"name": "codex", "hash": "a".repeat(64), "prefix": "sy-abcdef",
               "scope": scope, "revoked": false})
    }

    #[test]
    fn the_team_space_cannot_represent_a_token() {
        assert_eq!(TeamRecord::kind("token"), None);
        assert_eq!(TeamRecord::kind("backend"), Some(TeamKind::Backend));
        assert_eq!(TeamRecord::kind("index"), None);
    }

    #[test]
    fn only_a_tools_token_parses_in_a_persons_space() {
        assert!(MachineRecord::parse(Kind::Token, "abc123", &tool("gateway")).is_ok());
        for scope in ["panel", "admin", "metrics", "Gateway", ""] {
            assert!(
                MachineRecord::parse(Kind::Token, "abc123", &tool(scope)).is_err(),
                "a {scope:?} token must not parse"
            );
        }
        let mut extra = tool("gateway");
        extra["owner"] = json!("root");
        assert!(MachineRecord::parse(Kind::Token, "abc123", &extra).is_err());
        assert!(MachineRecord::parse(Kind::Token, "../x", &tool("gateway")).is_err());
    }

    #[test]
    fn a_record_must_name_itself_and_shown_text_carries_no_controls() {
        let demo = json!({"name": "Main", "kind": "demo", "baseUrl": "http://127.0.0.1:1",
                          "defaultModel": "m"});
        let e = TeamRecord::parse(TeamKind::Backend, "x", &demo).unwrap_err();
        assert!(e.to_string().contains("names another backend"), "{e}");
        assert!(check_name("a\u{1b}[2J").is_err() && check_name("a\u{202e}b").is_err());
        assert_eq!(shown("a\u{1b}[2Jb\u{0}"), "a[2Jb");
        assert_eq!(shown(&"x".repeat(150)).chars().count(), 101);
    }
}
