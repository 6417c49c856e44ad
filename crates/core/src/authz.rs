//! One authorization table: every endpoint the gateway serves and every MCP tool and resource,
//! on a desktop and on a team replica, with what each token scope may do there ([`Entry::row`]).
//! The gateway's guard asks it for every request ([`allowed_somewhere`]: a route without a row is
//! refused to every token), and every handler whose answer depends on the place or the caller
//! (`/metrics`, `/mcp`'s tools and resources, the team API) asks [`verdict`] again. A tool's token
//! sees its owner's spend only: on a replica the owner is the person the token was made for; on a
//! desktop every token is the one user's, so its owner is that user and it sees the machine's.
//! The table is printed in docs/architecture/security.md's threat model ([`markdown`]).

mod table;

pub use table::Entry;

use crate::TokenScope;

/// Where the table is asked: a desktop (its own tokens) or a team replica (the team's too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Desktop,
    Replica,
}

/// How much of an answer a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sees {
    /// Only its owner's part (spend: the owner's requests; tokens: the owner's).
    Own,
    /// The whole answer.
    All,
}

/// What the table says for one caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Refused,
    Allowed(Sees),
}

impl Verdict {
    pub fn is_allowed(self) -> bool {
        matches!(self, Verdict::Allowed(_))
    }

    fn cell(self) -> &'static str {
        match self {
            Verdict::Refused => "—",
            Verdict::Allowed(Sees::Own) => "own",
            Verdict::Allowed(Sees::All) => "all",
        }
    }
}

/// How a caller reaches an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// This HTTP path on the gateway's address.
    Path(&'static str),
    /// Every path under this prefix (`/v1/models/{id}`).
    Under(&'static str),
    /// A tool of the MCP server (over `/mcp`, or stdio).
    McpTool(&'static str),
    /// A resource of the MCP server.
    McpResource(&'static str),
    /// This exact path, answered to anyone who reaches the address, with no token: it sends a
    /// browser to the panel.
    Page(&'static str),
    /// The browser panel: this prefix without its last `/` and every path under it. Its pages
    /// and its sign-in take no token; every other call needs the session a sign-in made, and
    /// the session's token must be allowed by the row (the panel asks [`verdict`]).
    Panel(&'static str),
}

impl Door {
    /// Whether the gateway's guard lets a request through without a token, to a handler that
    /// checks its caller itself (the panel's session).
    pub fn signs_in_itself(self) -> bool {
        matches!(self, Door::Page(_) | Door::Panel(_))
    }
}

/// Each scope's verdict at one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grants {
    /// A tool's token ([`TokenScope::Gateway`]).
    pub tool: Verdict,
    /// A team's admin token ([`TokenScope::Admin`]).
    pub admin: Verdict,
    /// A scrape token ([`TokenScope::Metrics`]).
    pub scrape: Verdict,
    /// A panel token ([`TokenScope::Panel`]).
    pub panel: Verdict,
}

impl Grants {
    pub const fn new(tool: Verdict, admin: Verdict, scrape: Verdict) -> Grants {
        Grants {
            tool,
            admin,
            scrape,
            panel: Verdict::Refused,
        }
    }

    /// These grants, and `panel` for a panel token (refused unless given).
    pub const fn and_panel(self, panel: Verdict) -> Grants {
        Grants { panel, ..self }
    }

    pub fn of(self, scope: TokenScope) -> Verdict {
        match scope {
            TokenScope::Gateway => self.tool,
            TokenScope::Admin => self.admin,
            TokenScope::Metrics => self.scrape,
            TokenScope::Panel => self.panel,
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub entry: Entry,
    pub door: Door,
    /// The HTTP methods served (`MCP` for a tool or resource).
    pub method: &'static str,
    pub desktop: Grants,
    pub replica: Grants,
    /// What it does that decides who may.
    pub why: &'static str,
}

impl Row {
    pub fn at(&self, place: Place) -> Grants {
        match place {
            Place::Desktop => self.desktop,
            Place::Replica => self.replica,
        }
    }
}

/// What a token of `scope` may do with `entry` at `place`.
pub fn verdict(entry: Entry, place: Place, scope: TokenScope) -> Verdict {
    entry.row().at(place).of(scope)
}

impl Entry {
    /// The entry serving HTTP `path`, or `None` (no route may be served without a row).
    pub fn at_path(path: &str) -> Option<Entry> {
        Entry::ALL.iter().copied().find(|e| match e.row().door {
            Door::Path(p) => p == path,
            Door::Under(prefix) => path.starts_with(prefix) && path.len() > prefix.len(),
            Door::Page(p) => p == path,
            Door::Panel(prefix) => {
                path.starts_with(prefix) || Some(path) == prefix.strip_suffix('/')
            }
            Door::McpTool(_) | Door::McpResource(_) => false,
        })
    }

    /// The MCP tool named `name`, or `None`.
    pub fn mcp_tool(name: &str) -> Option<Entry> {
        Entry::ALL
            .iter()
            .copied()
            .find(|e| matches!(e.row().door, Door::McpTool(n) if n == name))
    }

    /// The MCP resource at `uri`, or `None`.
    pub fn mcp_resource(uri: &str) -> Option<Entry> {
        Entry::ALL
            .iter()
            .copied()
            .find(|e| matches!(e.row().door, Door::McpResource(u) if u == uri))
    }
}

/// The guard's question, asked before it knows the place: may `scope` call `path` anywhere?
/// `false` for a path without a row. Handlers whose verdict differs by place ask [`verdict`].
pub fn allowed_somewhere(scope: TokenScope, path: &str) -> bool {
    Entry::at_path(path).is_some_and(|e| {
        let row = e.row();
        row.desktop.of(scope).is_allowed() || row.replica.of(scope).is_allowed()
    })
}

/// The table as Markdown, as docs/architecture/security.md prints it (a test keeps the two equal).
pub fn markdown() -> String {
    let mut out = String::from(
        "| Endpoint, MCP tool or resource | Method | Desktop: tool · admin · scrape · panel | Replica: tool · admin · scrape · panel | Why |\n|---|---|---|---|---|\n",
    );
    let cells = |g: Grants| {
        format!(
            "{} · {} · {} · {}",
            g.tool.cell(),
            g.admin.cell(),
            g.scrape.cell(),
            g.panel.cell()
        )
    };
    for e in Entry::ALL {
        let row = e.row();
        let door = match row.door {
            Door::Path(p) => format!("`{p}`"),
            Door::Under(p) => format!("`{p}…`"),
            Door::McpTool(t) => format!("MCP tool `{t}`"),
            Door::McpResource(r) => format!("MCP resource `{r}`"),
            Door::Page(p) => format!("`{p}` (no token)"),
            Door::Panel(p) => format!("`{p}…` (signed in)"),
        };
        out.push_str(&format!(
            "| {door} | {} | {} | {} | {} |\n",
            row.method,
            cells(row.desktop),
            cells(row.replica),
            row.why
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_finds_its_row_and_unknown_paths_none() {
        assert_eq!(Entry::at_path("/v1/models"), Some(Entry::Models));
        assert_eq!(Entry::at_path("/v1/models/gpt-4o"), Some(Entry::Model));
        assert_eq!(
            Entry::at_path("/switchyard/team/v1/tokens/abc"),
            Some(Entry::TeamToken)
        );
        assert_eq!(Entry::at_path("/"), Some(Entry::PanelHome));
        for path in ["/panel", "/panel/", "/panel/api/call/list_backends"] {
            assert_eq!(Entry::at_path(path), Some(Entry::Panel), "{path}");
        }
        for path in [
            "/index.html",
            "/panelx",
            "/v1/models/",
            "/metrics/",
            "/mcp/x",
            "/switchyard/team/v1/",
        ] {
            assert_eq!(Entry::at_path(path), None, "{path} has no row");
        }
    }

    #[test]
    fn each_door_has_one_row() {
        for e in Entry::ALL {
            let twins = Entry::ALL
                .iter()
                .filter(|o| o.row().door == e.row().door)
                .count();
            assert_eq!(twins, 1, "{e:?}'s door is listed once");
        }
    }

    #[test]
    fn a_scrape_token_opens_metrics_only_and_a_tool_token_not_the_team_api() {
        for e in Entry::ALL {
            for place in [Place::Desktop, Place::Replica] {
                let scrape = verdict(*e, place, TokenScope::Metrics).is_allowed();
                assert_eq!(
                    scrape,
                    *e == Entry::Metrics,
                    "{e:?} at {place:?} for a scrape token"
                );
            }
        }
        assert!(!allowed_somewhere(
            TokenScope::Gateway,
            "/switchyard/team/v1/overview"
        ));
        assert!(allowed_somewhere(
            TokenScope::Admin,
            "/switchyard/team/v1/overview"
        ));
    }

    #[test]
    fn a_panel_token_opens_the_panel_only_and_the_panel_no_tool_token_on_a_desktop() {
        for e in Entry::ALL {
            for place in [Place::Desktop, Place::Replica] {
                assert_eq!(
                    verdict(*e, place, TokenScope::Panel).is_allowed(),
                    *e == Entry::Panel,
                    "{e:?} at {place:?} for a panel token: it is never a tool's token"
                );
            }
            assert_eq!(
                e.row().door.signs_in_itself(),
                matches!(e, Entry::Panel | Entry::PanelHome),
                "{e:?}: only the panel's doors skip the guard's token check"
            );
        }
        for scope in [TokenScope::Gateway, TokenScope::Metrics, TokenScope::Admin] {
            assert!(
                !verdict(Entry::Panel, Place::Desktop, scope).is_allowed(),
                "a {scope:?} token must not open this machine's panel"
            );
        }
        assert_eq!(
            verdict(Entry::Panel, Place::Replica, TokenScope::Gateway),
            Verdict::Allowed(Sees::Own),
            "on a replica a person's own token shows them their own spend and tokens"
        );
    }

    #[test]
    fn an_admin_token_may_do_everything_a_tool_token_may() {
        for e in Entry::ALL {
            for place in [Place::Desktop, Place::Replica] {
                if verdict(*e, place, TokenScope::Gateway).is_allowed() {
                    assert!(
                        verdict(*e, place, TokenScope::Admin).is_allowed(),
                        "{e:?} at {place:?}: an admin token is a tool token and more"
                    );
                }
            }
        }
    }
}
