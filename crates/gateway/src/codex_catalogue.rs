//! Codex's model catalogue (`model_catalog_url`): `GET /v1/codex/models` answers
//! `{"models": [ModelInfo, …]}` with one entry per id the model lists hold (routes first), so
//! Codex's `/model` picker shows the user's routes.
//!
//! Codex takes a catalogue entry's instructions as its system prompt, so an entry is Codex's
//! own metadata — a template the app reads from the user's Codex (its bundled catalogue) and
//! hands the gateway ([`crate::GatewayHandle::set_codex_template`]) — with the id, the name
//! shown, the order and the context window made the route's. Without a template the catalogue
//! is empty: Codex keeps its own models and prompt, and a route still answers by its name.

use crate::GatewayState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// The fields of a template entry that name or place one model, replaced per id (the rest —
/// instructions, tool and shell types, reasoning levels, truncation — is Codex's own).
const PER_MODEL: [&str; 8] = [
    "slug",
    "display_name",
    "description",
    "priority",
    "visibility",
    "upgrade",
    "availability_nux",
    "context_window",
];

/// The keys a template must have for Codex to read an entry made from it (Codex 0.171: an
/// entry missing any of them fails the whole catalogue's decoding).
const REQUIRED: [&str; 7] = [
    "supported_reasoning_levels",
    "shell_type",
    "supported_in_api",
    "support_verbosity",
    "truncation_policy",
    "experimental_supported_tools",
    "base_instructions",
];

/// Codex's metadata for one model, kept only when Codex could read entries made from it.
#[derive(Debug, Clone, PartialEq)]
pub struct CodexTemplate(Map<String, Value>);

/// Why a template is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Codex's model metadata lacks `{0}`")]
pub struct TemplateError(String);

impl CodexTemplate {
    /// From one entry of Codex's catalogue (`codex debug models --bundled`): what names or
    /// places that model is dropped; the instructions may be `base_instructions` or
    /// `model_messages.instructions_template`.
    pub fn from_entry(entry: &Value) -> Result<CodexTemplate, TemplateError> {
        let Some(fields) = entry.as_object() else {
            return Err(TemplateError("an object".into()));
        };
        let templated = entry["model_messages"]["instructions_template"].is_string();
        for key in REQUIRED {
            let instructions = key == "base_instructions";
            if !(fields.contains_key(key) || instructions && templated) {
                return Err(TemplateError(key.into()));
            }
        }
        let mut kept = fields.clone();
        for key in PER_MODEL {
            kept.remove(key);
        }
        Ok(CodexTemplate(kept))
    }

    /// What is kept (to store it; [`CodexTemplate::from_entry`] reads it back).
    pub fn to_value(&self) -> Value {
        Value::Object(self.0.clone())
    }

    fn entry(&self, id: &str, owner: &str, limit: Option<u64>, priority: usize) -> Value {
        let mut entry = self.0.clone();
        let description = crate::models::described(owner);
        let per_model = json!({
            "slug": id, "display_name": id, "description": description, "visibility": "list",
            "priority": priority, "supported_in_api": true,
        });
        if let Value::Object(fields) = per_model {
            entry.extend(fields);
        }
        if let Some(limit) = limit {
            entry.insert("context_window".into(), json!(limit));
        }
        Value::Object(entry)
    }
}

/// `GET /v1/codex/models`.
pub async fn list(State(state): State<Arc<GatewayState>>) -> Response {
    let template = state
        .codex_template
        .read()
        .ok()
        .and_then(|t| t.as_ref().map(Arc::clone));
    let models: Vec<Value> = match template {
        None => Vec::new(),
        Some(template) => crate::models::ids(&state)
            .iter()
            .enumerate()
            .map(|(i, (id, owner, limit))| template.entry(id, owner, *limit, i))
            .collect(),
    };
    Json(json!({ "models": models })).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> Value {
        json!({"slug": "gpt-9-codex", "display_name": "gpt-9-codex", "priority": 1,
            "visibility": "list", "context_window": 400000, "upgrade": null,
            "supported_reasoning_levels": [{"effort": "low", "description": "Fast"}],
            "shell_type": "shell_command", "supported_in_api": true, "support_verbosity": false,
            "truncation_policy": {"mode": "tokens", "limit": 10000},
            "experimental_supported_tools": [], "base_instructions": "You are Codex."})
    }

    #[test]
    fn an_entry_is_codex_own_metadata_named_and_placed_as_the_route() {
        let t = CodexTemplate::from_entry(&bundled()).unwrap();
        let e = t.entry("fast", "switchyard-route", Some(128_000), 0);
        assert_eq!(e["slug"], "fast");
        assert_eq!(e["display_name"], "fast");
        assert_eq!(e["base_instructions"], "You are Codex.");
        assert_eq!(e["context_window"], 128_000);
        assert_eq!(
            (e["priority"].as_u64(), e["visibility"].as_str()),
            (Some(0), Some("list"))
        );
        let unknown = t.entry("Local/m", "Local", None, 3);
        assert!(
            unknown.get("context_window").is_none(),
            "no window but the route's own"
        );
        assert!(unknown.get("upgrade").is_none());
    }

    #[test]
    fn metadata_codex_could_not_read_is_refused() {
        let mut no_shell = bundled();
        no_shell.as_object_mut().unwrap().remove("shell_type");
        assert_eq!(
            CodexTemplate::from_entry(&no_shell),
            Err(TemplateError("shell_type".into()))
        );
        let mut templated = bundled();
        templated
            .as_object_mut()
            .unwrap()
            .remove("base_instructions");
        templated["model_messages"] =
            json!({"instructions_template": "You are Codex. {{ personality }}"});
        assert!(CodexTemplate::from_entry(&templated).is_ok());
        assert!(CodexTemplate::from_entry(&json!([1])).is_err());
    }
}
