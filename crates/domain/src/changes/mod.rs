//! The check every writer of configuration takes before it writes (issue 53): what the write
//! does to where secrets go and who may call the gateway ([`Effects`]), listed in the same words
//! wherever the user looks ([`Effects::lines`]), and one decision ([`decide`]) about who may
//! approve it.
//!
//! - **Needs the user's approval**: a keyed backend moved to an origin its keys are not approved
//!   for ([`HostChange`]); the gateway opened to more callers, or other team servers
//!   ([`ExposureChange`]). The user approves in the dialog that listed them, or on the command
//!   line with `--approve-hosts` after the list was printed (`--dry-run` prints it only).
//! - **Listed, no question**: a route whose traffic goes to a backend it did not use
//!   ([`RouteMove`]); a token another machine brought in ([`TokenAdded`]).
//! - **Unattended writers never approve**: a My machines pull or a team follower is refused
//!   any change that needs approval, and the reason is listed where the user reads that
//!   writer's report. Its user approves on this machine by making the change here.
//!
//! Writers: `config import` (file and dialog; a file's effects are found in
//! `config_file::effects`), My machines pulls and a replica following its team (through the
//! same import; tokens through `sync::local`), every backend save (`Backends::update`: the CLI's
//! `backend edit`, the window's dialog, which sends back the host its note showed), every
//! gateway settings save (`GatewayControl::update_settings`: the window sends back the list its
//! question showed) and every route save (`Routes::save` returns its move) — see
//! docs/architecture/security.md's threat model for the list and what each takes.

mod effects;

use crate::TokenScope;
pub use effects::{Approved, ExposureChange, HostChange};
use serde::{Deserialize, Serialize};

/// A route that will also send requests to backends it does not use now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ConfigRouteMove")]
#[serde(rename_all = "camelCase")]
pub struct RouteMove {
    pub route: String,
    /// The backends (by name) new to it, in the entry's order.
    pub to: Vec<String>,
}

impl RouteMove {
    /// `route` moved: the backends of `after` that `before` does not name, once each, in
    /// `after`'s order; `None` when it sends nothing to a backend it does not use now.
    pub fn between<'a>(
        route: &str,
        before: &[&str],
        after: impl IntoIterator<Item = &'a str>,
    ) -> Option<RouteMove> {
        let mut to: Vec<String> = Vec::new();
        for b in after {
            if !before.contains(&b) && !to.iter().any(|t| t == b) {
                to.push(b.to_string());
            }
        }
        (!to.is_empty()).then(|| RouteMove {
            route: route.to_string(),
            to,
        })
    }
}

/// A gateway token another writer brought in (a My machines pull): it can call this gateway
/// from now on. Listed, not asked: only the user's machines can seal such a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenAdded {
    pub name: String,
    pub scope: TokenScope,
}

/// What one write does to where secrets go and who may call the gateway.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effects {
    pub hosts: Vec<HostChange>,
    pub exposure: Vec<ExposureChange>,
    pub routes: Vec<RouteMove>,
    pub tokens: Vec<TokenAdded>,
}

impl Effects {
    /// Whether the write needs the user's approval.
    pub fn needs_approval(&self) -> bool {
        !self.hosts.is_empty() || !self.exposure.is_empty()
    }

    /// One sentence per effect, the approvals first: the same words in the CLI, a sync report
    /// and the log.
    pub fn lines(&self) -> Vec<String> {
        let mut out = self.to_approve();
        out.extend(self.notes());
        out
    }

    /// The sentences of the changes that need the user's approval.
    pub fn to_approve(&self) -> Vec<String> {
        let mut out = Vec::new();
        for h in &self.hosts {
            out.push(format!(
                "backend {}: {} → {} ({} key(s) would be sent there)",
                h.backend, h.from, h.to, h.keys
            ));
        }
        for e in &self.exposure {
            // `team.database`, `team.redis`: the servers this machine serves a team from.
            let what = if e.setting.starts_with("team.") {
                ""
            } else {
                "gateway "
            };
            out.push(format!("{what}{}: {} → {}", e.setting, e.from, e.to));
        }
        out
    }

    /// The sentences of what is listed and never asked: routes sent to other backends, tokens
    /// that can call the gateway.
    pub fn notes(&self) -> Vec<String> {
        let routes = self.routes.iter().map(|r| {
            format!(
                "route {}: now also sends requests to {}",
                r.route,
                r.to.join(", ")
            )
        });
        let tokens = self.tokens.iter().map(|t| {
            let scope = match t.scope {
                TokenScope::Gateway => "tool",
                TokenScope::Metrics => "scrape",
                TokenScope::Admin => "admin",
                TokenScope::Panel => "panel",
                TokenScope::Generate => "connected tool",
            };
            format!("token {} ({scope}): can now call this gateway", t.name)
        });
        routes.chain(tokens).collect()
    }
}

/// Who is writing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Writer {
    /// The user, at this machine (a dialog, a command).
    #[default]
    User,
    /// Something that runs without the user (`My machines`, a team follower): it can never
    /// approve.
    Unattended(&'static str),
}

/// Whether a write with `effects` goes ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Write,
    /// Needs an approval the writer did not give; for an unattended writer, the sentence to
    /// list in its report.
    Refuse(String),
}

/// The one decision: a write that needs no approval goes ahead; one that does goes ahead only
/// for the user, and only when `approved` covers each change; an unattended writer is refused,
/// with the changes named.
pub fn decide(writer: &Writer, effects: &Effects, approved: &Approved) -> Decision {
    if !effects.needs_approval() {
        return Decision::Write;
    }
    let listed = || effects.to_approve().join("; ");
    match writer {
        Writer::User if approved.covers(&effects.hosts, &effects.exposure) => Decision::Write,
        Writer::User => Decision::Refuse(format!("needs your approval: {}", listed())),
        Writer::Unattended(who) => Decision::Refuse(format!(
            "{who} cannot approve {}; make that change on this machine to approve it",
            listed()
        )),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn moved() -> Effects {
        Effects {
            hosts: vec![HostChange {
                backend: "Main".into(),
                from: "https://api.openai.com".into(),
                to: "https://collector.example".into(),
                keys: 2,
            }],
            routes: vec![RouteMove {
                route: "fast".into(),
                to: vec!["collector".into()],
            }],
            ..Effects::default()
        }
    }

    #[test]
    fn only_the_user_approves_and_only_what_was_listed() {
        let e = moved();
        assert_eq!(decide(&Writer::User, &e, &Approved::All), Decision::Write);
        let Decision::Refuse(why) = decide(&Writer::User, &e, &Approved::Nothing) else {
            panic!("a move without approval was written")
        };
        assert!(why.contains("https://collector.example"), "{why}");
        let Decision::Refuse(why) = decide(&Writer::Unattended("My machines"), &e, &Approved::All)
        else {
            panic!("an unattended writer approved a move")
        };
        assert!(
            why.starts_with("My machines cannot approve backend Main"),
            "{why}"
        );
        let listed_only = Effects {
            hosts: vec![],
            ..moved()
        };
        assert_eq!(
            decide(
                &Writer::Unattended("My machines"),
                &listed_only,
                &Approved::Nothing
            ),
            Decision::Write,
            "a route move is listed, not asked"
        );
        assert_eq!(
            listed_only.lines(),
            ["route fast: now also sends requests to collector"]
        );
    }
}
