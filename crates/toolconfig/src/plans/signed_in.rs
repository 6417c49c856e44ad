//! What connecting a tool with its own plan sign-in writes (issue 74): the gateway's address and
//! the token in a header of its own, and no key in place of the tool's sign-in (the gateway
//! passes that sign-in to the tool's vendor for this token's requests only).

use super::{codex_provider, key, set, set_secret, ConnectParams};
use crate::edit::Change;

/// The header a tool connected with its plan sends the Switchyard token in.
pub use switchyard_domain::subscription::TOKEN_HEADER as PLAN_TOKEN_HEADER;

/// Claude Code with its plan: the gateway's address, the token in a header of its own, and no
/// key (its own sign-in is what it sends; a key in its settings would replace the plan). Its
/// models are its plan's: no picker discovery, no tier models.
pub(super) fn claude_plan(root: &str, params: &ConnectParams) -> Vec<Change> {
    let header = format!("{PLAN_TOKEN_HEADER}: {}", params.token);
    vec![
        set(&["env", "ANTHROPIC_BASE_URL"], root),
        set_secret(&["env", "ANTHROPIC_CUSTOM_HEADERS"], &header),
        Change::Remove {
            path: key(&["env", "ANTHROPIC_AUTH_TOKEN"]),
            secret: true,
        },
        Change::Remove {
            path: key(&["env", "ANTHROPIC_API_KEY"]),
            secret: true,
        },
    ]
}

/// Codex with its ChatGPT plan: the gateway as a provider that uses Codex's own sign-in
/// (`requires_openai_auth`), the token in a header of its own; over HTTP (the plan is not served
/// on the gateway's WebSocket), with Codex's own models.
pub(super) fn codex_plan(v1: &str, params: &ConnectParams) -> Vec<Change> {
    let at = codex_provider;
    let remove = |k: &str, secret: bool| Change::Remove {
        path: key(&at(k)),
        secret,
    };
    vec![
        set(&["model_provider"], "switchyard"),
        set(&at("name"), "Switchyard"),
        set(&at("base_url"), v1),
        set(&at("wire_api"), "responses"),
        set(&at("requires_openai_auth"), true),
        set_secret(
            &[
                "model_providers",
                "switchyard",
                "http_headers",
                PLAN_TOKEN_HEADER,
            ],
            &params.token,
        ),
        remove("experimental_bearer_token", true),
        remove("supports_websockets", false),
        remove("model_catalog_url", false),
    ]
}
