//! Connecting coding tools end to end, in a temp HOME: Connect edits only Switchyard's keys and
//! the tool's own token answers through the gateway, attributed to the tool; Disconnect leaves
//! the files as they were (byte for byte) or keeps what the user changed in between; a file that
//! cannot be parsed is refused untouched; an interrupted connect is repaired at the next start.

use super::*;
use std::path::PathBuf;
use switchyard_app::AppError;
use switchyard_toolconfig::ToolId;
use switchyard_tools::{ConnectChoice, ToolReport, ToolStatus};

pub const CLAUDE_SETTINGS: &str = r#"{
  "$schema": "https://json.schemastore.org/claude-code-settings.json",
  "permissions": {
    "allow": ["Bash(npm run test:*)", "Read(~/.zshrc)"],
    "deny": ["Read(./.env)"]
  },
  "env": {
    "CLAUDE_CODE_ENABLE_TELEMETRY": "0",
    "ANTHROPIC_API_KEY": "sk-ant-api03-USERKEYUSERKEYUSERKEYUSERKEYUSERKEY0000"
  },
  "hooks": {
    "PostToolUse": [
      { "matcher": "Edit|Write", "hooks": [{ "type": "command", "command": "prettier --write" }] }
    ]
  },
  "statusLine": { "type": "command", "command": "~/.claude/statusline.sh" }
}
"#;

const CODEX_CONFIG: &str = r#"# Codex settings
model = "gpt-5-codex"
approval_policy = "on-request"

[mcp_servers.docs]
command = "npx"
args = ["-y", "docs-mcp"] # keep this comment

[profiles.fast]
model = "gpt-5-mini"
"#;

pub struct ToolsHarness {
    pub h: Harness,
    pub home: tempfile::TempDir,
}

impl ToolsHarness {
    /// Connects `tool` with the default choice: the answer as is.
    pub async fn connect(&self, tool: ToolId) -> Result<ToolReport, AppError> {
        self.h.tools().connect(tool, ConnectChoice::default()).await
    }

    /// Disconnects `tool`: the answer as is.
    pub async fn disconnect(&self, tool: ToolId) -> Result<ToolReport, AppError> {
        self.h.tools().disconnect(tool).await
    }

    /// How `tool` stands now.
    pub async fn status(&self, tool: ToolId) -> ToolStatus {
        let tools = self.h.tools().list().await.unwrap();
        tools.into_iter().find(|s| s.tool == tool).unwrap()
    }

    /// `~/.claude/settings.json`, written with [`CLAUDE_SETTINGS`].
    pub fn claude_settings(&self) -> PathBuf {
        let settings = self.home.path().join(".claude/settings.json");
        write(&settings, CLAUDE_SETTINGS);
        settings
    }

    /// Every token, as listed now.
    pub async fn tokens(&self) -> Vec<switchyard_store::TokenRow> {
        self.h.app.tokens().list().await.unwrap()
    }
}

pub async fn start_tools() -> ToolsHarness {
    let keychain = Arc::new(MemoryStore::new());
    let (app, dir, home) = start_tools_with(keychain.clone()).await;
    ToolsHarness {
        h: Harness::new(app, keychain, dir),
        home,
    }
}

/// A core with a gateway, the given keychain, a temp data folder and a temp HOME for the tools.
pub async fn start_tools_with(
    secrets: Arc<dyn switchyard_app::secrets::SecretStore>,
) -> (Switchyard, tempfile::TempDir, tempfile::TempDir) {
    start_tools_custom(secrets, |_| {}).await
}

/// As [`start_tools_with`], with `custom` changing the options last; the interrupted connects
/// repaired, as the binaries do once their core has started.
pub async fn start_tools_custom(
    secrets: Arc<dyn switchyard_app::secrets::SecretStore>,
    custom: impl FnOnce(&mut Options),
) -> (Switchyard, tempfile::TempDir, tempfile::TempDir) {
    let (app, dir, home) = start_in_home(secrets, custom).await;
    switchyard_tools::Tools::repair_at_start(&app).await;
    (app, dir, home)
}

pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The text of the file at `path`.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

async fn ask_anthropic(base: &str, token: &str, model: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{base}/v1/messages"))
        .header("authorization", format!("Bearer {token}"))
        .header("anthropic-version", "2023-06-01")
        .json(&serde_json::json!({"model": model, "max_tokens": 32, "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn claude_code_connects_answers_as_itself_and_disconnects_to_the_same_bytes() {
    let t = start_tools().await;
    let settings = t.claude_settings();

    let report = t.connect(ToolId::ClaudeCode).await.unwrap();
    assert_eq!(report.token_name.as_deref(), Some("claude-code"));
    assert_eq!(
        report.model.as_deref(),
        Some("Demo/demo-chat"),
        "Demo only: a model the gateway serves"
    );
    assert_eq!(
        report.files.changed,
        vec!["~/.claude/settings.json".to_string()]
    );
    assert_eq!(report.files.backups.len(), 1);
    let backup = read(Path::new(&report.files.backups[0]));
    assert!(
        !backup.contains("USERKEYUSERKEY"),
        "a backup never holds a key in plaintext"
    );

    let live: serde_json::Value = serde_json::from_str(&read(&settings)).unwrap();
    let env = &live["env"];
    let root = format!(
        "http://127.0.0.1:{}",
        t.h.app.gateway_addr().unwrap().port()
    );
    assert_eq!(env["ANTHROPIC_BASE_URL"], root.as_str());
    assert!(
        env.get("ANTHROPIC_API_KEY").is_none(),
        "exactly one auth variable"
    );
    assert_eq!(env["ANTHROPIC_MODEL"], "Demo/demo-chat");
    assert_eq!(env["ANTHROPIC_DEFAULT_HAIKU_MODEL"], "Demo/demo-chat");
    assert_eq!(env["CLAUDE_CODE_ENABLE_TELEMETRY"], "0");
    assert_eq!(live["hooks"]["PostToolUse"][0]["matcher"], "Edit|Write");
    assert_eq!(live["statusLine"]["command"], "~/.claude/statusline.sh");
    assert_eq!(live["permissions"]["deny"][0], "Read(./.env)");
    let token = env["ANTHROPIC_AUTH_TOKEN"].as_str().unwrap().to_string();

    let answer = ask_anthropic(&root, &token, "Demo/demo-chat").await;
    assert_eq!(answer.status(), 200);
    t.h.app.flush_ledger();
    let claude = t.status(ToolId::ClaudeCode).await;
    assert!(claude.connected && !claude.needs_reconnect, "{claude:?}");
    assert!(!claude.installed, "no program on the test's PATH");
    assert_eq!(claude.token_name.as_deref(), Some("claude-code"));
    assert_eq!(claude.requests_today, 1, "its request is attributed to it");
    assert_eq!(claude.points_at.as_deref(), Some(root.as_str()));
    assert_eq!(
        claude.config_files,
        vec!["~/.claude/settings.json".to_string()]
    );

    // Connect again: idempotent, same token, nothing written.
    let again = t.connect(ToolId::ClaudeCode).await.unwrap();
    assert!(again.files.changed.is_empty(), "{again:?}");
    assert_eq!(
        ask_anthropic(&root, &token, "demo-chat").await.status(),
        200
    );

    let gone = t.disconnect(ToolId::ClaudeCode).await.unwrap();
    assert_eq!(gone.token_name.as_deref(), Some("claude-code"));
    assert_eq!(read(&settings), CLAUDE_SETTINGS, "byte for byte");
    assert_eq!(
        ask_anthropic(&root, &token, "demo-chat").await.status(),
        401,
        "token revoked"
    );
    assert!(!t.status(ToolId::ClaudeCode).await.connected);
}

#[tokio::test]
async fn codex_keeps_the_users_edits_made_while_connected() {
    let t = start_tools().await;
    let config = t.home.path().join(".codex/config.toml");
    write(&config, CODEX_CONFIG);
    let choice = ConnectChoice {
        model: Some("demo-chat".into()),
        ..Default::default()
    };
    t.h.tools().connect(ToolId::Codex, choice).await.unwrap();
    let connected = read(&config);
    assert!(
        connected.contains("model_provider = \"switchyard\""),
        "{connected}"
    );
    assert!(connected.contains("wire_api = \"responses\""));
    assert!(connected.contains("[mcp_servers.docs]") && connected.contains("# keep this comment"));
    assert!(
        !t.home.path().join(".codex/auth.json").exists(),
        "auth.json is never touched"
    );

    // The user adds an MCP server and picks another model while connected.
    let edited = connected.replace("model = \"demo-chat\"", "model = \"gpt-5\"")
        + "\n[mcp_servers.search]\ncommand = \"search-mcp\"\n";
    std::fs::write(&config, &edited).unwrap();
    let report = t.disconnect(ToolId::Codex).await.unwrap();
    assert_eq!(
        report.files.kept,
        vec!["~/.codex/config.toml: model".to_string()]
    );
    let after = read(&config);
    assert!(
        after.contains("[mcp_servers.search]"),
        "the user's new server stays: {after}"
    );
    assert!(
        after.contains("model = \"gpt-5\""),
        "the user's own model choice stays"
    );
    assert!(
        !after.contains("switchyard"),
        "every Switchyard key is gone: {after}"
    );
    assert!(after.contains("# keep this comment"));
}

#[tokio::test]
async fn an_unparseable_file_is_refused_and_left_alone() {
    let t = start_tools().await;
    let settings = t.home.path().join(".claude/settings.json");
    let broken = "{\n  \"env\": {\n    \"A\": 1,,\n  }\n}\n";
    write(&settings, broken);
    let msg = t.connect(ToolId::ClaudeCode).await.unwrap_err().to_string();
    assert!(msg.contains("line 3"), "{msg}");
    assert!(msg.contains("Nothing was changed"), "{msg}");
    assert_eq!(read(&settings), broken);
    let tokens = t.tokens().await;
    assert!(
        tokens.iter().all(|t| t.revoked_at.is_some()),
        "no live token left behind: {tokens:?}"
    );
    assert!(
        !t.h.dir.path().join("backups").exists()
            || std::fs::read_dir(t.h.dir.path().join("backups"))
                .unwrap()
                .next()
                .is_none()
    );
}

#[tokio::test]
async fn a_missing_file_is_created_and_removed_again_with_its_folder() {
    let t = start_tools().await;
    t.connect(ToolId::Aider).await.unwrap();
    let conf = t.home.path().join(".aider.conf.yml");
    let text = read(&conf);
    assert!(
        text.contains("openai-api-base: http://127.0.0.1:") && text.contains("/v1"),
        "{text}"
    );
    assert!(text.contains("model: openai/Demo/demo-chat"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&conf).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a new file holding a token is private");
    }
    t.connect(ToolId::GeminiCli).await.unwrap();
    assert!(t.home.path().join(".gemini/.env").exists());
    t.disconnect(ToolId::Aider).await.unwrap();
    t.disconnect(ToolId::GeminiCli).await.unwrap();
    assert!(!conf.exists());
    assert!(
        !t.home.path().join(".gemini").exists(),
        "the folder Switchyard created goes too"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_read_only_tool_file_is_refused_whole_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let t = start_tools().await;
    let config = t.home.path().join(".codex/config.toml");
    write(&config, CODEX_CONFIG);
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o444)).unwrap();

    let text = t.connect(ToolId::Codex).await.unwrap_err().to_string();
    assert!(
        text.contains("is read-only") && text.contains("chmod u+w"),
        "{text}"
    );
    assert_eq!(read(&config), CODEX_CONFIG);
    let mode = std::fs::metadata(&config).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o444, "its mode is kept too");
    let list = t.h.tools().list().await.unwrap();
    assert!(list.iter().all(|s| !s.connected), "nothing recorded");
    let tokens = t.tokens().await;
    assert!(
        tokens.iter().all(|t| t.revoked_at.is_some()),
        "the token made for it is revoked: {tokens:?}"
    );

    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    t.connect(ToolId::Codex).await.unwrap();
}
