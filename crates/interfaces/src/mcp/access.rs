//! Who calls an MCP tool or resource, and what the authorization table
//! (`switchyard_domain::authz`) lets them see. Over `/mcp` the caller is the gateway guard's
//! [`Caller`] (in the request's `Parts`); over stdio it is the user who started
//! `switchyard mcp` on this machine, who holds the data folder and so counts as an admin token.
//! A request over HTTP without a caller is refused (fail closed).

use super::OwnToken;
use rmcp::service::RequestContext;
use rmcp::RoleServer;
use switchyard_app::Switchyard;
use switchyard_domain::authz::{self, Entry, Place, Sees, Verdict};
use switchyard_domain::TokenScope;
use switchyard_gateway::Caller;

/// What a caller may see of one entry, and whose part "its own" is.
pub(super) struct Granted {
    pub sees: Sees,
    /// The person a team token was made for (`None`: a machine's own token, or stdio).
    pub owner: Option<String>,
}

/// Where this core serves: a team replica (with `serve --team`) or a desktop.
pub(super) fn place(app: &Switchyard) -> Place {
    if app.team().is_some() {
        Place::Replica
    } else {
        Place::Desktop
    }
}

/// The table's verdict on `entry` for the caller of this request, or the refusal's reason.
pub(super) fn check(
    app: &Switchyard,
    own: &OwnToken,
    ctx: &RequestContext<RoleServer>,
    entry: Entry,
) -> Result<Granted, String> {
    let caller = ctx
        .extensions
        .get::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<Caller>());
    let (scope, owner) = match (caller, own) {
        (Some(c), _) => (c.scope, c.owner.clone()),
        (None, OwnToken::Process(_)) => (TokenScope::Admin, None),
        (None, OwnToken::None) => return Err("No gateway token came with the request.".into()),
    };
    let place = place(app);
    match authz::verdict(entry, place, scope) {
        Verdict::Allowed(sees) => Ok(Granted { sees, owner }),
        Verdict::Refused => Err(refused(entry, place)),
    }
}

fn refused(entry: Entry, place: Place) -> String {
    let what = match entry.row().door {
        authz::Door::McpTool(name) => format!("the tool `{name}`"),
        authz::Door::McpResource(uri) => format!("the resource {uri}"),
        authz::Door::Path(p)
        | authz::Door::Under(p)
        | authz::Door::Page(p)
        | authz::Door::Panel(p)
        | authz::Door::PanelCall(p)
        | authz::Door::PanelApi(p)
        | authz::Door::Act(p) => p.to_string(),
    };
    let at = match place {
        Place::Replica => "on a team replica",
        Place::Desktop => "here",
    };
    format!(
        "This token may not use {what} {at}: it needs a team admin token (switchyard team token create NAME --owner PERSON --admin)."
    )
}
