//! A connection over time: a port change and a revoked token ask for a reconnect, which keeps
//! the user's originals (and a key they re-added); Claude Code's status line installs and goes
//! back; a symlinked config stays a link; a file two connections created goes with the last.

use super::tools::{start_tools, write, CLAUDE_SETTINGS};
use switchyard_app::{ConnectChoice, Switchyard, ToolId, ToolStatus};

async fn claude(app: &Switchyard) -> ToolStatus {
    let tools = app.tools().list().await.unwrap();
    tools
        .into_iter()
        .find(|s| s.tool == ToolId::ClaudeCode)
        .unwrap()
}

#[tokio::test]
async fn a_port_change_shows_needs_reconnect_and_reconnect_keeps_the_original() {
    let t = start_tools().await;
    let settings = t.home.path().join(".claude/settings.json");
    write(&settings, CLAUDE_SETTINGS);
    t.h.app
        .tools()
        .connect(ToolId::ClaudeCode, ConnectChoice::default())
        .await
        .unwrap();
    // Another port was written by hand (as if the gateway had moved).
    let live = std::fs::read_to_string(&settings).unwrap();
    let root = format!(
        "http://127.0.0.1:{}",
        t.h.app.gateway_addr().unwrap().port()
    );
    std::fs::write(&settings, live.replace(&root, "http://127.0.0.1:1")).unwrap();
    let s = claude(&t.h.app).await;
    assert!(s.needs_reconnect, "{s:?}");
    t.h.app
        .tools()
        .connect(ToolId::ClaudeCode, ConnectChoice::default())
        .await
        .unwrap();
    let s = claude(&t.h.app).await;
    assert!(!s.needs_reconnect, "{s:?}");
    t.h.app
        .tools()
        .disconnect(ToolId::ClaudeCode)
        .await
        .unwrap();
    assert_eq!(std::fs::read_to_string(&settings).unwrap(), CLAUDE_SETTINGS);
}

#[tokio::test]
async fn the_status_line_installs_and_restores_the_users_own() {
    let t = start_tools().await;
    let settings = t.home.path().join(".claude/settings.json");
    write(&settings, CLAUDE_SETTINGS);
    t.h.app.tools().install_statusline().await.unwrap();
    let live: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&settings).unwrap()).unwrap();
    let command = live["statusLine"]["command"].as_str().unwrap();
    assert!(command.ends_with(" statusline"), "{command}");
    let tools = t.h.app.tools().list().await.unwrap();
    assert_eq!(
        tools
            .iter()
            .find(|s| s.tool == ToolId::ClaudeCode)
            .unwrap()
            .statusline,
        Some(true)
    );
    t.h.app.tools().uninstall_statusline().await.unwrap();
    assert_eq!(std::fs::read_to_string(&settings).unwrap(), CLAUDE_SETTINGS);
}

#[test]
fn the_status_line_reads_the_database_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("switchyard.sqlite");
    assert_eq!(
        switchyard_app::tools::statusline::line(&db),
        "Switchyard · no data yet"
    );
    let store = switchyard_store::Store::open(&db).unwrap();
    drop(store);
    let line = switchyard_app::tools::statusline::line(&db);
    assert!(line.starts_with("Switchyard $0.00 today"), "{line}");
    assert!(line.ends_with("no backends"), "{line}");
}

#[cfg(unix)]
#[tokio::test]
async fn a_symlinked_config_stays_a_symlink() {
    let t = start_tools().await;
    let dotfiles = t.home.path().join("dotfiles/claude-settings.json");
    write(&dotfiles, CLAUDE_SETTINGS);
    let link = t.home.path().join(".claude/settings.json");
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&dotfiles, &link).unwrap();
    t.h.app
        .tools()
        .connect(ToolId::ClaudeCode, ConnectChoice::default())
        .await
        .unwrap();
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(
        std::fs::read_to_string(&dotfiles)
            .unwrap()
            .contains("ANTHROPIC_AUTH_TOKEN"),
        "the linked file was edited"
    );
    t.h.app
        .tools()
        .disconnect(ToolId::ClaudeCode)
        .await
        .unwrap();
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_to_string(&dotfiles).unwrap(), CLAUDE_SETTINGS);
}

#[tokio::test]
async fn reconnect_after_the_token_was_revoked_succeeds_and_keeps_a_key_the_user_re_added() {
    let t = start_tools().await;
    let settings = t.home.path().join(".claude/settings.json");
    write(&settings, CLAUDE_SETTINGS);
    t.h.app
        .tools()
        .connect(ToolId::ClaudeCode, ConnectChoice::default())
        .await
        .unwrap();
    t.h.app.tokens().revoke("claude-code".into()).await.unwrap();
    let s = claude(&t.h.app).await;
    assert!(
        s.needs_reconnect,
        "a revoked token needs a reconnect: {s:?}"
    );

    // The user puts an API key of their own back in meanwhile.
    let live = std::fs::read_to_string(&settings).unwrap();
    let readded = live.replace(
        "\"CLAUDE_CODE_ENABLE_TELEMETRY\": \"0\",",
        "\"CLAUDE_CODE_ENABLE_TELEMETRY\": \"0\",\n    \"ANTHROPIC_API_KEY\": \"sk-ant-api03-NEWKEYNEWKEYNEWKEYNEWKEYNEWKEYNEWK0000\",",
    );
    std::fs::write(&settings, readded).unwrap();
    let report =
        t.h.app
            .tools()
            .connect(ToolId::ClaudeCode, ConnectChoice::default())
            .await
            .unwrap();
    assert_eq!(
        report.token_name.as_deref(),
        Some("claude-code"),
        "a fresh token with the tool's name"
    );
    let s = claude(&t.h.app).await;
    assert!(!s.needs_reconnect, "{s:?}");
    t.h.app
        .tools()
        .disconnect(ToolId::ClaudeCode)
        .await
        .unwrap();
    let after = std::fs::read_to_string(&settings).unwrap();
    assert!(
        after.contains("NEWKEYNEWKEY"),
        "the key the user re-added comes back, not the old one:\n{after}"
    );
    assert!(!after.contains("USERKEYUSERKEY"), "{after}");
    assert!(!after.contains("ANTHROPIC_BASE_URL"), "{after}");
}

#[tokio::test]
async fn a_settings_file_both_connections_created_goes_with_the_last_of_them() {
    for status_line_last in [true, false] {
        let t = start_tools().await;
        let settings = t.home.path().join(".claude/settings.json");
        t.h.app
            .tools()
            .connect(ToolId::ClaudeCode, ConnectChoice::default())
            .await
            .unwrap();
        t.h.app.tools().install_statusline().await.unwrap();
        if status_line_last {
            t.h.app
                .tools()
                .disconnect(ToolId::ClaudeCode)
                .await
                .unwrap();
            assert!(settings.exists(), "the status line still uses it");
            t.h.app.tools().uninstall_statusline().await.unwrap();
        } else {
            t.h.app.tools().uninstall_statusline().await.unwrap();
            assert!(settings.exists(), "Claude Code is still connected");
            t.h.app
                .tools()
                .disconnect(ToolId::ClaudeCode)
                .await
                .unwrap();
        }
        assert!(
            !settings.exists(),
            "no leftover file (status line last: {status_line_last})"
        );
        assert!(!t.home.path().join(".claude").exists());
    }
}
