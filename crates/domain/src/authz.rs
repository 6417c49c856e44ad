//! One authorization table: every endpoint the gateway serves and every MCP tool and resource,
//! on a desktop and on a team replica, with what each token scope may do there ([`Entry::row`]).
//! The gateway's guard asks it for every request ([`allowed_somewhere`]: a route without a row is
//! refused to every token), and every handler whose answer depends on the place or the caller
//! (`/metrics`, `/mcp`'s tools and resources, the team API) asks [`verdict`] again. A tool's token
//! sees its owner's spend only: on a replica the owner is the person the token was made for; on a
//! desktop every token is the one user's, so its owner is that user and it sees the machine's.
//! A connected tool's token (`TokenScope::Generate`, the one `connect` writes into a tool's files)
//! has a column of its own: it generates and lists models, and reads nothing of the user's.
//! The table is printed in docs/architecture/security.md's threat model ([`markdown`]).

mod table;

pub use table::{Entry, TEAM_TOKENS_FOR};

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
    /// browser to the panel, or proves whose gateway this is.
    Page(&'static str),
    /// The browser panel: this prefix without its last `/` and every path under it. Its pages
    /// and its sign-in take no token; every other call needs the session a sign-in made, and
    /// the session's token must be allowed by the row (the panel asks [`verdict`]).
    Panel(&'static str),
    /// One of the window's commands called through the panel (`*`: every command without a row
    /// of its own). The panel asks [`panel_call`] for each call.
    PanelCall(&'static str),
    /// One of the panel's own calls under its prefix (its uploads and downloads), which the
    /// panel asks about after the `Panel` row let the session in.
    PanelApi(&'static str),
    /// A decision inside a call that the table makes on its own, whichever interface asks (a
    /// team admin token made: through the panel, and nowhere else but the CLI).
    Act(&'static str),
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
    /// A connected tool's token ([`TokenScope::Generate`]).
    pub generate: Verdict,
    /// A team's admin token ([`TokenScope::Admin`]).
    pub admin: Verdict,
    /// A scrape token ([`TokenScope::Metrics`]).
    pub scrape: Verdict,
    /// A panel token ([`TokenScope::Panel`]).
    pub panel: Verdict,
}

impl Grants {
    /// These verdicts for a tool's, an admin and a scrape token; a panel token and a connected
    /// tool's token are refused unless given ([`Grants::and_panel`], [`Grants::and_generate`]).
    pub const fn new(tool: Verdict, admin: Verdict, scrape: Verdict) -> Grants {
        Grants {
            tool,
            generate: Verdict::Refused,
            admin,
            scrape,
            panel: Verdict::Refused,
        }
    }

    /// These grants, and `generate` for a connected tool's token (refused unless given).
    pub const fn and_generate(self, generate: Verdict) -> Grants {
        Grants { generate, ..self }
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
            TokenScope::Generate => self.generate,
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
            Door::McpTool(_)
            | Door::McpResource(_)
            | Door::PanelCall(_)
            | Door::PanelApi(_)
            | Door::Act(_) => false,
        })
    }

    /// The row of the window's command `name` called through the panel: its own, or the row of
    /// every other command.
    pub fn panel_call(name: &str) -> Entry {
        Entry::ALL
            .iter()
            .copied()
            .find(|e| matches!(e.row().door, Door::PanelCall(n) if n == name))
            .unwrap_or(Entry::PanelCommands)
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
        "| Endpoint, MCP tool or resource | Method | Desktop: tool · generate · admin · scrape · panel | Replica: tool · generate · admin · scrape · panel | Why |\n|---|---|---|---|---|\n",
    );
    let cells = |g: Grants| {
        format!(
            "{} · {} · {} · {} · {}",
            g.tool.cell(),
            g.generate.cell(),
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
            Door::PanelCall("*") => "Panel: every other command".to_string(),
            Door::PanelCall(c) => format!("Panel: command `{c}`"),
            Door::PanelApi(p) => format!("Panel: `{p}`"),
            Door::Act(what) => format!("Act: {what}"),
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
mod tests;
