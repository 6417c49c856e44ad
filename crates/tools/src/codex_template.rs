//! Codex's own model metadata, read from the user's Codex when it is connected
//! (`codex debug models --bundled`: the catalogue built into that program, no network), which
//! the gateway's catalogue dresses as each route (`switchyard_gateway::CodexTemplate`), so a
//! route Codex picks gets Codex's own instructions.
//!
//! Which entry: the first Codex offers among those with its standard tool set (no `tool_mode`
//! such as `code_mode_only`, no `use_responses_lite`): the others' instructions and requests
//! assume tools only OpenAI serves. Of it, what only OpenAI serves is left out — its search
//! tool, service tiers, experimental tools, multi-agent settings — so Codex asks any backend
//! what it asks of an unknown model today.

use std::path::Path;
use std::time::Duration;
use switchyard_gateway::CodexTemplate;
use switchyard_toolconfig::{Home, ToolId};

/// How long Codex may take to print its catalogue (a native program: well under a second).
const DEADLINE: Duration = Duration::from_secs(20);

/// The most of Codex's catalogue read (the program on `PATH` is outside data: its output is
/// bounded; 0.171's bundled catalogue is about 350 KiB).
const MAX_CATALOGUE: u64 = 8 << 20;

impl super::service::Tools {
    /// Reads Codex's own model metadata from the user's Codex and gives it to the gateway's
    /// catalogue; whether Codex can be pointed at that catalogue (else it keeps its own
    /// models and prompt, and a route still answers by name).
    pub(crate) async fn codex_catalogue(&self, home: &Home) -> bool {
        let path = std::env::var("PATH").unwrap_or_default();
        let Some(program) = super::detect::find_on_path(ToolId::Codex.binary(), &path) else {
            return false;
        };
        let kept = match read(&program, &home.home).await {
            Ok(template) => self.gateway.keep_codex_template(template),
            Err(why) => {
                tracing::warn!(%why, "Codex's picker keeps its own models");
                return false;
            }
        };
        kept.inspect_err(|e| tracing::warn!(error = %e, "Codex's model metadata not kept"))
            .is_ok()
    }
}

/// The template from the Codex program at `program`, or why not.
pub(crate) async fn read(program: &Path, home: &Path) -> Result<CodexTemplate, String> {
    let printed = tokio::time::timeout(DEADLINE, catalogue_of(program, home)).await;
    let stdout = match printed {
        Ok(result) => result?,
        Err(_) => return Err(format!("`codex debug models` took over {DEADLINE:?}")),
    };
    let catalogue: serde_json::Value = serde_json::from_slice(&stdout)
        .map_err(|e| format!("`codex debug models` printed no catalogue: {e}"))?;
    first_offered(&catalogue)
}

/// What `codex debug models --bundled` prints, at most [`MAX_CATALOGUE`] bytes.
async fn catalogue_of(program: &Path, home: &Path) -> Result<Vec<u8>, String> {
    use tokio::io::AsyncReadExt;
    let mut child = crate::detect::quietly(program, home, &["debug", "models", "--bundled"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("`codex debug models` did not run: {e}"))?;
    let mut stdout = Vec::new();
    if let Some(out) = child.stdout.take() {
        out.take(MAX_CATALOGUE + 1)
            .read_to_end(&mut stdout)
            .await
            .map_err(|e| format!("`codex debug models` could not be read: {e}"))?;
    }
    if stdout.len() as u64 > MAX_CATALOGUE {
        return Err(format!(
            "`codex debug models` printed over {MAX_CATALOGUE} bytes"
        ));
    }
    let status = child
        .wait()
        .await
        .map_err(|e| format!("`codex debug models` did not end: {e}"))?;
    if !status.success() {
        return Err(format!("`codex debug models` ended with {status}"));
    }
    Ok(stdout)
}

/// What only OpenAI serves, left out of the template (Codex's defaults apply: none of them).
const OPENAI_ONLY: [&str; 9] = [
    "supports_search_tool",
    "web_search_tool_type",
    "service_tiers",
    "additional_speed_tiers",
    "default_service_tier",
    "multi_agent_version",
    "multi_agent_reasoning_effort",
    "supports_experimental_context",
    "comp_hash",
];

/// The entry Codex's picker shows first among those with its standard tools, as a template.
fn first_offered(catalogue: &serde_json::Value) -> Result<CodexTemplate, String> {
    let entries = catalogue["models"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let standard = |m: &&serde_json::Value| {
        m["visibility"] == "list" && m["tool_mode"].is_null() && m["use_responses_lite"] != true
    };
    let first = entries
        .iter()
        .filter(standard)
        .min_by_key(|m| m["priority"].as_i64().unwrap_or(i64::MAX))
        .ok_or("Codex's catalogue lists no model with its standard tools")?;
    let mut entry = first.clone();
    if let Some(fields) = entry.as_object_mut() {
        for key in OPENAI_ONLY {
            fields.remove(key);
        }
        fields.insert("experimental_supported_tools".into(), serde_json::json!([]));
    }
    CodexTemplate::from_entry(&entry).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_template_is_the_entry_codex_offers_first() {
        let entry = |slug: &str, priority: i64, visibility: &str| {
            json!({"slug": slug, "priority": priority, "visibility": visibility,
                "supported_reasoning_levels": [], "shell_type": "shell_command",
                "supported_in_api": true, "support_verbosity": false,
                "truncation_policy": {"mode": "tokens", "limit": 1}, "experimental_supported_tools": [],
                "base_instructions": format!("You are {slug}.")})
        };
        let mut coded = entry("coded", 0, "list");
        coded["tool_mode"] = json!("code_mode_only");
        let mut searching = entry("a", 1, "list");
        searching["supports_search_tool"] = json!(true);
        searching["experimental_supported_tools"] = json!(["clock"]);
        let catalogue = json!({"models": [entry("b", 2, "list"), entry("hidden", 0, "hide"), coded, searching]});
        let t = first_offered(&catalogue).unwrap().to_value();
        assert_eq!(t["base_instructions"], "You are a.", "standard tools only");
        assert!(t.get("supports_search_tool").is_none());
        assert_eq!(t["experimental_supported_tools"], json!([]));
        assert!(first_offered(&json!({"models": []})).is_err());
        assert!(first_offered(&json!("no")).is_err());
    }

    /// A program on `PATH` named `codex` that prints `script`'s output.
    #[cfg(unix)]
    fn fake_codex(dir: &Path, script: &str) -> std::path::PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let program = dir.join("codex");
        std::fs::write(&program, format!("#!/bin/sh\n{script}\n")).unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        program
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_program_that_prints_without_end_or_fails_gives_no_template() {
        let dir = tempfile::tempdir().unwrap();
        let endless = fake_codex(dir.path(), "yes '{\"models\": []}'");
        let e = read(&endless, dir.path()).await.err().unwrap();
        assert!(e.contains("over"), "bounded: {e}");
        let failing = fake_codex(dir.path(), "exit 3");
        assert!(read(&failing, dir.path())
            .await
            .err()
            .unwrap()
            .contains("ended with"));
        let good = serde_json::json!({"models": [{"slug": "a", "priority": 1, "visibility": "list",
            "supported_reasoning_levels": [], "shell_type": "shell_command", "supported_in_api": true,
            "support_verbosity": false, "truncation_policy": {"mode": "tokens", "limit": 1},
            "experimental_supported_tools": [], "base_instructions": "You are a."}]});
        let printing = fake_codex(dir.path(), &format!("echo '{good}'"));
        let t = read(&printing, dir.path()).await.unwrap();
        assert_eq!(t.to_value()["base_instructions"], "You are a.");
    }
}
