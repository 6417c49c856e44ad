//! The rows of the authorization table: one per endpoint the gateway serves (its own and the
//! application's `/metrics`, `/mcp` and team API) and one per MCP tool and resource. The macro
//! makes the enum, its list and the rows from one text, so an entry cannot lack a row.

use super::{Door, Grants, Row};

/// Everything generating or listing models: a tool's or an admin token, the same everywhere.
const TOOLS: Grants = Grants::new(ALL, ALL, NO);
/// A team replica's administration: an admin token only.
const ADMIN: Grants = Grants::new(NO, ALL, NO);
/// Making or revoking tokens: an admin token, for its own owner only.
const ADMIN_OWN: Grants = Grants::new(NO, OWN, NO);
/// Not served at this place (the team API on a desktop).
const NONE: Grants = Grants::new(NO, NO, NO);

use super::Verdict::{Allowed, Refused as NO};
const ALL: super::Verdict = Allowed(super::Sees::All);
const OWN: super::Verdict = Allowed(super::Sees::Own);

macro_rules! table {
    ($($entry:ident => $door:expr, $method:literal, desktop: $desktop:expr, replica: $replica:expr, $why:literal;)*) => {
        /// One endpoint, MCP tool or MCP resource of the table.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Entry {
            $($entry,)*
        }

        impl Entry {
            /// Every entry, in the table's order.
            pub const ALL: &'static [Entry] = &[$(Entry::$entry,)*];

            /// This entry's row.
            pub fn row(self) -> Row {
                match self {
                    $(Entry::$entry => Row {
                        entry: Entry::$entry,
                        door: $door,
                        method: $method,
                        desktop: $desktop,
                        replica: $replica,
                        why: $why,
                    },)*
                }
            }
        }
    };
}

table! {
    ChatCompletions => Door::Path("/v1/chat/completions"), "POST",
        desktop: TOOLS, replica: TOOLS, "generates at the backends' cost, within the budgets";
    Messages => Door::Path("/v1/messages"), "POST",
        desktop: TOOLS, replica: TOOLS, "generates";
    CountTokens => Door::Path("/v1/messages/count_tokens"), "POST",
        desktop: TOOLS, replica: TOOLS, "counts a request's tokens";
    Responses => Door::Path("/v1/responses"), "POST",
        desktop: TOOLS, replica: TOOLS, "generates";
    ResponsesInputTokens => Door::Path("/v1/responses/input_tokens"), "POST",
        desktop: TOOLS, replica: TOOLS, "counts a request's tokens";
    ResponsesCompact => Door::Path("/v1/responses/compact"), "POST",
        desktop: TOOLS, replica: TOOLS, "generates";
    Embeddings => Door::Path("/v1/embeddings"), "POST",
        desktop: TOOLS, replica: TOOLS, "embeds";
    Models => Door::Path("/v1/models"), "GET",
        desktop: TOOLS, replica: TOOLS, "lists the models and routes";
    Model => Door::Under("/v1/models/"), "GET, POST",
        desktop: TOOLS, replica: TOOLS, "one model; Gemini-style generation";
    GeminiModels => Door::Path("/v1beta/models"), "GET",
        desktop: TOOLS, replica: TOOLS, "lists the models (Gemini)";
    GeminiModel => Door::Under("/v1beta/models/"), "GET, POST",
        desktop: TOOLS, replica: TOOLS, "one model; generation (Gemini)";
    Metrics => Door::Path(crate::token_scope::METRICS_PATH), "GET",
        desktop: Grants::new(ALL, ALL, ALL), replica: Grants::new(NO, ALL, ALL),
        "every tool's spend: on a replica every person's, so not a tool's token";
    Mcp => Door::Path("/mcp"), "POST",
        desktop: TOOLS, replica: TOOLS, "the MCP server; each tool and resource has its own row";
    TeamOverview => Door::Path("/switchyard/team/v1/overview"), "GET",
        desktop: NONE, replica: ADMIN, "the team's spend by person, budgets, health";
    TeamReadiness => Door::Path("/switchyard/team/v1/readiness"), "POST",
        desktop: NONE, replica: ADMIN, "runs the checks: stores a run, may notify";
    TeamTokens => Door::Path("/switchyard/team/v1/tokens"), "POST",
        desktop: NONE, replica: ADMIN_OWN, "a tool's token for the admin's own owner";
    TeamToken => Door::Under("/switchyard/team/v1/tokens/"), "DELETE",
        desktop: NONE, replica: ADMIN_OWN, "revokes one of the admin's owner's tokens";
    McpAsk => Door::McpTool("ask"), "MCP",
        desktop: TOOLS, replica: TOOLS, "generates with the caller's own token";
    McpStatus => Door::McpTool("status"), "MCP",
        desktop: TOOLS, replica: TOOLS, "backends' health";
    McpCosts => Door::McpTool("costs"), "MCP",
        desktop: TOOLS, replica: Grants::new(OWN, ALL, NO),
        "spend: on a replica a tool's token sees its owner's only";
    McpReadiness => Door::McpTool("readiness"), "MCP",
        desktop: TOOLS, replica: ADMIN, "runs the checks: stores a run, may notify";
    McpListBackends => Door::McpTool("list_backends"), "MCP",
        desktop: TOOLS, replica: TOOLS, "backends (keys counted, never shown)";
    McpListRoutes => Door::McpTool("list_routes"), "MCP",
        desktop: TOOLS, replica: TOOLS, "routes";
    McpHealth => Door::McpResource("switchyard://health"), "MCP",
        desktop: TOOLS, replica: TOOLS, "backends' health, as `status`";
    McpCostsToday => Door::McpResource("switchyard://costs/today"), "MCP",
        desktop: TOOLS, replica: Grants::new(OWN, ALL, NO), "today's spend, as `costs`";
    PanelHome => Door::Page("/"), "GET",
        desktop: NONE, replica: NONE, "sends a browser to the panel; reads nothing";
    Panel => Door::Panel(crate::token_scope::PANEL_PREFIX), "GET, POST, DELETE",
        desktop: NONE.and_panel(ALL), replica: Grants::new(OWN, ALL, NO).and_panel(ALL),
        "the control panel: manages this machine as the window does (a replica's team: an admin token; a person's token sees their own)";
}
