//! A connection over time: a port change and a revoked token ask for a reconnect, which keeps
//! the user's originals (and a key they re-added); Claude Code's status line installs and goes
//! back; a symlinked config stays a link; a file two connections created goes with the last; a
//! tool folder other users can write is refused before anything is written, and the file a
//! connect writes is private.

#[cfg(unix)]
use super::tools::write;
use super::tools::{read, start_tools, CLAUDE_SETTINGS};
use super::WithTools;
use switchyard_toolconfig::ToolId;

#[tokio::test]
async fn a_port_change_shows_needs_reconnect_and_reconnect_keeps_the_original() {
    let t = start_tools().await;
    let settings = t.claude_settings();
    t.connect(ToolId::ClaudeCode).await.unwrap();
    // Another port was written by hand (as if the gateway had moved).
    let live = read(&settings);
    let root = format!(
        "http://127.0.0.1:{}",
        t.h.app.gateway_addr().unwrap().port()
    );
    std::fs::write(&settings, live.replace(&root, "http://127.0.0.1:1")).unwrap();
    let s = t.status(ToolId::ClaudeCode).await;
    assert!(s.needs_reconnect, "{s:?}");
    t.connect(ToolId::ClaudeCode).await.unwrap();
    let s = t.status(ToolId::ClaudeCode).await;
    assert!(!s.needs_reconnect, "{s:?}");
    t.disconnect(ToolId::ClaudeCode).await.unwrap();
    assert_eq!(read(&settings), CLAUDE_SETTINGS);
}

#[tokio::test]
async fn the_status_line_installs_and_restores_the_users_own() {
    let t = start_tools().await;
    let settings = t.claude_settings();
    t.h.tools().install_statusline().await.unwrap();
    let live: serde_json::Value = serde_json::from_str(&read(&settings)).unwrap();
    let command = live["statusLine"]["command"].as_str().unwrap();
    assert!(command.ends_with(" statusline"), "{command}");
    assert_eq!(t.status(ToolId::ClaudeCode).await.statusline, Some(true));
    t.h.tools().uninstall_statusline().await.unwrap();
    assert_eq!(read(&settings), CLAUDE_SETTINGS);
}

#[test]
fn the_status_line_reads_the_database_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("switchyard.sqlite");
    assert_eq!(
        switchyard_app::statusline::line(&db),
        "Switchyard · no data yet"
    );
    let store = switchyard_store::Store::open(&db).unwrap();
    drop(store);
    let line = switchyard_app::statusline::line(&db);
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
    let is_link = || {
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    };
    t.connect(ToolId::ClaudeCode).await.unwrap();
    assert!(is_link());
    assert!(
        read(&dotfiles).contains("ANTHROPIC_AUTH_TOKEN"),
        "the linked file was edited"
    );
    t.disconnect(ToolId::ClaudeCode).await.unwrap();
    assert!(is_link());
    assert_eq!(read(&dotfiles), CLAUDE_SETTINGS);
}

#[tokio::test]
async fn reconnect_after_the_token_was_revoked_succeeds_and_keeps_a_key_the_user_re_added() {
    let t = start_tools().await;
    let settings = t.claude_settings();
    t.connect(ToolId::ClaudeCode).await.unwrap();
    t.h.app.tokens().revoke("claude-code".into()).await.unwrap();
    let s = t.status(ToolId::ClaudeCode).await;
    assert!(
        s.needs_reconnect,
        "a revoked token needs a reconnect: {s:?}"
    );

    // The user puts an API key of their own back in meanwhile.
    let live = read(&settings);
    let readded = live.replace(
        "\"CLAUDE_CODE_ENABLE_TELEMETRY\": \"0\",",
        "\"CLAUDE_CODE_ENABLE_TELEMETRY\": \"0\",\n    \"ANTHROPIC_API_KEY\": \"sk-ant-api03-NEWKEYNEWKEYNEWKEYNEWKEYNEWKEYNEWK0000\",",
    );
    std::fs::write(&settings, readded).unwrap();
    let report = t.connect(ToolId::ClaudeCode).await.unwrap();
    assert_eq!(
        report.token_name.as_deref(),
        Some("claude-code"),
        "a fresh token with the tool's name"
    );
    let s = t.status(ToolId::ClaudeCode).await;
    assert!(!s.needs_reconnect, "{s:?}");
    t.disconnect(ToolId::ClaudeCode).await.unwrap();
    let after = read(&settings);
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
        t.connect(ToolId::ClaudeCode).await.unwrap();
        t.h.tools().install_statusline().await.unwrap();
        if status_line_last {
            t.disconnect(ToolId::ClaudeCode).await.unwrap();
            assert!(settings.exists(), "the status line still uses it");
            t.h.tools().uninstall_statusline().await.unwrap();
        } else {
            t.h.tools().uninstall_statusline().await.unwrap();
            assert!(settings.exists(), "Claude Code is still connected");
            t.disconnect(ToolId::ClaudeCode).await.unwrap();
        }
        assert!(
            !settings.exists(),
            "no leftover file (status line last: {status_line_last})"
        );
        assert!(!t.home.path().join(".claude").exists());
    }
}

#[cfg(unix)]
const CODEX_CONFIG: &str = "model = \"gpt-5-codex\"\n";

/// Every file under `dir`, as paths relative to it.
#[cfg(unix)]
fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path.display().to_string());
        }
    }
    out.sort();
    out
}

#[cfg(unix)]
#[tokio::test]
async fn a_tool_folder_others_can_write_is_refused_with_the_fix_and_nothing_is_written() {
    use std::os::unix::fs::PermissionsExt;
    let t = start_tools().await;
    let folder = t.home.path().join(".codex");
    let config = folder.join("config.toml");
    write(&config, CODEX_CONFIG);
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o777)).unwrap();
    let home_before = files_under(t.home.path());
    let data_before = files_under(t.h.dir.path());

    let refused = t.connect(ToolId::Codex).await.unwrap_err();
    let message = refused.to_string();
    assert!(
        matches!(refused, switchyard_app::AppError::File(_)),
        "a file problem the window shows as such: {refused:?}"
    );
    assert!(
        message.contains(&format!(
            "{} can be written by other users (mode 0777)",
            folder.display()
        )) && message.contains(&format!("`chmod go-w {}`", folder.display()))
            && message.contains("Nothing was changed."),
        "the refusal names the folder, its mode and the fix: {message}"
    );
    assert_eq!(read(&config), CODEX_CONFIG, "the tool's file is untouched");
    assert_eq!(
        files_under(t.home.path()),
        home_before,
        "no temp file, no new file"
    );
    assert_eq!(
        files_under(t.h.dir.path()),
        data_before,
        "no backup and no journal file in the data folder"
    );
    let tokens = t.tokens().await;
    assert!(
        tokens
            .iter()
            .all(|tok| tok.name != "codex" || tok.revoked_at.is_some()),
        "no live token is left for a connection that did not happen: {tokens:?}"
    );
    assert!(!t.status(ToolId::Codex).await.connected, "not connected");

    // Fixed as the message says: the connect goes through and the file it wrote is private.
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o700)).unwrap();
    t.connect(ToolId::Codex).await.unwrap();
    let mode = std::fs::metadata(&config).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode, 0o600,
        "a config holding a gateway token is readable by the user only (it was 0644)"
    );
    assert!(read(&config).contains("sy-"));
    t.disconnect(ToolId::Codex).await.unwrap();
    assert_eq!(read(&config), CODEX_CONFIG);
}

#[cfg(unix)]
#[tokio::test]
async fn a_tool_folder_owned_by_another_user_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let t = start_tools().await;
    let folder = t.home.path().join(".codex");
    write(&folder.join("config.toml"), CODEX_CONFIG);
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    // Only root can give a folder away; as anyone else this part cannot be set up.
    if std::os::unix::fs::chown(&folder, Some(65534), Some(65534)).is_err() {
        return;
    }
    let message = t.connect(ToolId::Codex).await.unwrap_err().to_string();
    assert!(
        message.contains("belongs to another user (uid 65534)"),
        "another user could swap the file there: {message}"
    );
    assert_eq!(read(&folder.join("config.toml")), CODEX_CONFIG);
}
