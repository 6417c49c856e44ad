//! The token `connect` makes for a tool (issue 70): the tool's files hold it, and whoever squats
//! the port the tool points at captures it, so it is a connected tool's token
//! (`TokenScope::Generate`: generation and the model list, nothing of the user's data). A reconnect
//! never keeps a token of the tool's that could read more: it makes a new one.

use super::tools::{start_tools, CLAUDE_SETTINGS};
use switchyard_app::TokenScope;
use switchyard_toolconfig::ToolId;

/// Claude Code's token as its settings file holds it.
fn claude_token(settings: &std::path::Path) -> String {
    let live: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(settings).unwrap()).unwrap();
    live["env"]["ANTHROPIC_AUTH_TOKEN"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn connect_makes_a_connected_tools_token_and_a_reconnect_replaces_one_that_reads_more() {
    let t = start_tools().await;
    let settings = t.claude_settings();
    t.connect(ToolId::ClaudeCode).await.unwrap();
    let first = claude_token(&settings);
    let scope_of = |name: &str, tokens: &[switchyard_store::TokenRow]| {
        tokens
            .iter()
            .find(|r| r.name == name && r.revoked_at.is_none())
            .map(|r| r.scope)
    };
    assert_eq!(
        scope_of("claude-code", &t.tokens().await),
        Some(TokenScope::Generate),
        "the token in the tool's files generates only"
    );

    // A token of the tool's that reads more (as every connected tool's did before the store
    // narrowed them): a reconnect replaces it rather than reusing it.
    let db = t.h.app.paths().db_file.clone();
    let raw = rusqlite::Connection::open(&db).unwrap();
    raw.execute(
        "UPDATE tokens SET scope = 'gateway' WHERE name = 'claude-code'",
        [],
    )
    .unwrap();
    let store = switchyard_store::Store::open(&db).unwrap();
    t.h.app.tokens().index().reload(&store.tokens()).unwrap();
    let report = t.connect(ToolId::ClaudeCode).await.unwrap();
    let second = claude_token(&settings);
    assert_ne!(second, first, "a new token was written: {report:?}");
    let tokens = t.tokens().await;
    let name = report.token_name.unwrap();
    assert_eq!(
        scope_of(&name, &tokens),
        Some(TokenScope::Generate),
        "{tokens:?}"
    );
    assert!(
        t.h.app.tokens().index().verify(&first).is_none(),
        "the token that could read the user's data is revoked"
    );
    t.disconnect(ToolId::ClaudeCode).await.unwrap();
    assert_eq!(std::fs::read_to_string(&settings).unwrap(), CLAUDE_SETTINGS);
}
