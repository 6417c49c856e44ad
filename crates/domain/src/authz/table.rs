//! The rows of the authorization table: one per endpoint the gateway serves (its own and the
//! application's `/metrics`, `/mcp` and team API) and one per MCP tool and resource. The macro
//! makes the enum, its list and the rows from one text, so an entry cannot lack a row.

use super::{Door, Grants, Row};

/// Everything generating or listing models: every token a tool holds (a connected tool's too) and
/// an admin token, the same everywhere.
const GENERATES: Grants = Grants::new(ALL, ALL, NO).and_generate(ALL);
/// The user's data over MCP (spend, backends, routes, health): a tool's token the user made or an
/// admin token; never a connected tool's, which a program squatting the tool's port can capture.
const TOOLS: Grants = Grants::new(ALL, ALL, NO);
/// A team replica's administration: an admin token only.
const ADMIN: Grants = Grants::new(NO, ALL, NO);
/// Who a team admin token may make and revoke a tool's token for: [`ALL`], any person of the
/// team (the team console's purpose), or [`OWN`], its own owner only. One decision, which the team
/// API's rows and the panel's team-console rows both read (a test holds them equal).
pub const TEAM_TOKENS_FOR: super::Verdict = ALL;
/// Making or revoking a person's tool token on a replica (the team API, the team console).
const TEAM_TOKENS: Grants = Grants::new(NO, TEAM_TOKENS_FOR, NO);
/// Only the one who manages this machine: a panel token.
const OPERATOR: Grants = NONE.and_panel(ALL);
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
        desktop: GENERATES, replica: GENERATES, "generates at the backends' cost, within the budgets";
    Messages => Door::Path("/v1/messages"), "POST",
        desktop: GENERATES, replica: GENERATES, "generates";
    CountTokens => Door::Path("/v1/messages/count_tokens"), "POST",
        desktop: GENERATES, replica: GENERATES, "counts a request's tokens";
    Responses => Door::Path("/v1/responses"), "POST, GET",
        desktop: GENERATES, replica: GENERATES, "generates (GET: the same over a WebSocket)";
    ResponsesInputTokens => Door::Path("/v1/responses/input_tokens"), "POST",
        desktop: GENERATES, replica: GENERATES, "counts a request's tokens";
    ResponsesCompact => Door::Path("/v1/responses/compact"), "POST",
        desktop: GENERATES, replica: GENERATES, "generates";
    Embeddings => Door::Path("/v1/embeddings"), "POST",
        desktop: GENERATES, replica: GENERATES, "embeds";
    Models => Door::Path("/v1/models"), "GET",
        desktop: GENERATES, replica: GENERATES, "lists the models and routes";
    CodexModels => Door::Path("/v1/codex/models"), "GET",
        desktop: GENERATES, replica: GENERATES, "lists the models and routes (Codex's catalogue)";
    Model => Door::Under("/v1/models/"), "GET, POST",
        desktop: GENERATES, replica: GENERATES, "one model; Gemini-style generation";
    GeminiModels => Door::Path("/v1beta/models"), "GET",
        desktop: GENERATES, replica: GENERATES, "lists the models (Gemini)";
    GeminiModel => Door::Under("/v1beta/models/"), "GET, POST",
        desktop: GENERATES, replica: GENERATES, "one model; generation (Gemini)";
    Metrics => Door::Path(crate::token_scope::METRICS_PATH), "GET",
        desktop: Grants::new(ALL, ALL, ALL), replica: Grants::new(NO, ALL, ALL),
        "every tool's spend: on a replica every person's, so not a tool's token; never a connected tool's";
    Mcp => Door::Path("/mcp"), "POST",
        desktop: TOOLS, replica: TOOLS,
        "the MCP server (spend, backends, routes): never a connected tool's; each tool and resource has its own row";
    TeamOverview => Door::Path("/switchyard/team/v1/overview"), "GET",
        desktop: NONE, replica: ADMIN, "the team's spend by person, budgets, health";
    TeamReadiness => Door::Path("/switchyard/team/v1/readiness"), "POST",
        desktop: NONE, replica: ADMIN, "runs the checks: stores a run, may notify";
    TeamTokens => Door::Path("/switchyard/team/v1/tokens"), "POST",
        desktop: NONE, replica: TEAM_TOKENS, "a tool's token for a person of the team (`own`: the admin's own owner only)";
    TeamToken => Door::Under("/switchyard/team/v1/tokens/"), "DELETE",
        desktop: NONE, replica: TEAM_TOKENS, "revokes a person's tool token (`own`: the admin's own owner's only)";
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
    Identity => Door::Page("/switchyard/identity"), "GET",
        desktop: NONE, replica: NONE,
        "proves the gateway is this data folder's (an HMAC of the caller's nonce); reveals nothing";
    Panel => Door::Panel(crate::token_scope::PANEL_PREFIX), "GET, POST, DELETE",
        desktop: OPERATOR, replica: Grants::new(OWN, ALL, NO).and_panel(ALL),
        "the control panel: manages this machine as the window does (a replica's team: an admin token; a person's token sees their own)";
    PanelCommands => Door::PanelCall("*"), "POST",
        desktop: OPERATOR, replica: OPERATOR,
        "manages this machine: backends, keys, tokens, settings, files";
    PanelAppInfo => Door::PanelCall("app_info"), "POST",
        desktop: OPERATOR, replica: Grants::new(OWN, OWN, NO).and_panel(ALL),
        "the version; the serving machine's folders to its operator only (`own`: without them)";
    PanelSettings => Door::PanelCall("get_settings"), "POST",
        desktop: OPERATOR, replica: Grants::new(ALL, ALL, NO).and_panel(ALL),
        "the theme and the page's settings, to draw the page";
    PanelFirstPaint => Door::PanelCall("report_first_paint"), "POST",
        desktop: OPERATOR, replica: Grants::new(ALL, ALL, NO).and_panel(ALL), "nothing: the page painted";
    PanelTeamConsole => Door::PanelCall("team_console"), "POST",
        desktop: OPERATOR, replica: Grants::new(OWN, ALL, NO).and_panel(ALL),
        "the team's spend, budgets and tokens (`own`: the person's)";
    PanelTeamTokens => Door::PanelCall("create_team_token"), "POST",
        desktop: OPERATOR, replica: TEAM_TOKENS.and_panel(ALL),
        "a tool's token for a person of the team, as `/switchyard/team/v1/tokens`";
    PanelRevokeTeamToken => Door::PanelCall("revoke_team_token"), "POST",
        desktop: OPERATOR, replica: Grants::new(OWN, TEAM_TOKENS_FOR, NO).and_panel(ALL),
        "revokes a person's tool token (`own`: one of the person's own)";
    PanelEvents => Door::PanelApi("/panel/api/events"), "GET",
        desktop: OPERATOR, replica: Grants::new(OWN, OWN, NO).and_panel(ALL),
        "the core's events (`own`: that something changed, never what)";
    PanelUpload => Door::PanelApi("/panel/api/files"), "POST",
        desktop: OPERATOR, replica: OPERATOR, "keeps a file to read on the serving machine, within quotas";
    PanelDownload => Door::PanelApi("/panel/api/files/…"), "GET",
        desktop: OPERATOR, replica: OPERATOR, "a file a command wrote, once, to the session that reserved it";
    TeamAdminToken => Door::Act("make or revoke a team admin token"), "—",
        desktop: NONE, replica: OPERATOR,
        "an admin token administers the team: only the replica's operator (and the CLI with the team database) makes or revokes one";
}
