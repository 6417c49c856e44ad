//! What the gateway serves, as model lists in each API's shape — `GET /v1/models` and
//! `/v1/models/{id}` (OpenAI, or Anthropic or Gemini for those clients), `GET /v1beta/models` and
//! `/v1beta/models/{model}` (Gemini) — and what a candidate's model can take ([`caps`]).
//!
//! The lists hold the user's route names and each enabled backend's default model: the names a
//! tool can use as its model. Looking one model up also answers for any model a request could
//! be routed with. Context limits come from the price table where it knows the model.
//!
//! Anthropic's shape lists each id a Claude client keeps: Claude Code's gateway discovery
//! (`CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY`) drops every id naming neither "claude" nor
//! "anthropic", so any other id is listed as its alias `claude-via-<id>` (shown by its own name),
//! which `resolve` reads back to the id ([`crate::resolve::claude_id`]).

use crate::inbound::Caps;
use crate::reply::{error, Shape};
use crate::resolve::{claude_id, unalias};
use crate::GatewayState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::sync::Arc;
use switchyard_domain::BackendKind;
use switchyard_domain::ErrorClass;
use switchyard_pricing::{provider_of, Mode, PriceTable};
use switchyard_wire::{gemini, CacheMarkers};

/// What `model` on a backend of `kind` can take. Unknown models get no reasoning options; the
/// Demo backend takes everything (it ignores what it does not use).
pub fn caps(table: &PriceTable, kind: BackendKind, model: &str) -> Caps {
    Caps {
        cache: cache_markers(kind),
        ..model_caps(table, kind, model)
    }
}

/// Which prompt-caching hints a backend of `kind` takes on a translated request (the rule and
/// its sources are in `switchyard_wire::cache`): OpenRouter documents Anthropic-style
/// `cache_control` on Chat content parts, and Anthropic takes it on its own blocks; OpenAI
/// documents `prompt_cache_key` and refuses unknown fields, so it gets the key and no markers.
/// Every other kind gets neither: a strict host would answer an unknown field with 400.
pub fn cache_markers(kind: BackendKind) -> CacheMarkers {
    CacheMarkers {
        parts: matches!(kind, BackendKind::OpenRouter | BackendKind::Anthropic),
        key: kind == BackendKind::OpenAi,
    }
}

fn model_caps(table: &PriceTable, kind: BackendKind, model: &str) -> Caps {
    let Some(provider) = provider_of(kind) else {
        return Caps {
            reasoning: true,
            ..Caps::default()
        };
    };
    // Mistral, OpenRouter and Ollama take reasoning options in forms of their own (or refuse
    // unknown fields), so only the providers whose format carries them get them.
    let speaks_reasoning = matches!(
        kind,
        BackendKind::OpenAi | BackendKind::Anthropic | BackendKind::Gemini | BackendKind::Groq
    );
    match table.info(provider, model) {
        Some(info) => Caps {
            reasoning: info.supports_reasoning && speaks_reasoning,
            responses_only: info.mode == Mode::Responses,
            ..Caps::default()
        },
        None => Caps::default(),
    }
}

/// Who "owns" a route in the lists.
const ROUTE_OWNER: &str = "switchyard-route";

/// Every id a tool can ask for, with who serves it (a route, or the backend's name) and its
/// context limit when known (a route's: its first candidate's).
pub(crate) fn ids(state: &GatewayState) -> Vec<(String, String, Option<u64>)> {
    let table = state.table.get();
    let prices = state.spend.prices();
    let mut ids: Vec<(String, String, Option<u64>)> = table
        .routes
        .iter()
        .map(|r| {
            let limit = crate::resolve::resolve(&table, &r.name)
                .and_then(|plan| plan.candidates.into_iter().next())
                .and_then(|c| Some((provider_of(c.target.kind)?, c.model)))
                .and_then(|(p, model)| prices.info(p, &model))
                .and_then(|i| i.max_input_tokens);
            (r.name.clone(), ROUTE_OWNER.to_string(), limit)
        })
        .collect();
    for t in &table.targets {
        if !t.default_model.is_empty() && !ids.iter().any(|(id, ..)| id == &t.default_model) {
            let limit = provider_of(t.kind)
                .and_then(|p| prices.info(p, &t.default_model))
                .and_then(|i| i.max_input_tokens);
            ids.push((t.default_model.clone(), t.name.clone(), limit));
        }
    }
    ids
}

fn openai_model(id: &str, owner: &str) -> Value {
    json!({"id": id, "object": "model", "created": 0, "owned_by": owner})
}

/// What a picker says of an id served by `owner` (a route, or a backend's name).
pub(crate) fn described(owner: &str) -> String {
    if owner == ROUTE_OWNER {
        "A Switchyard route".to_string()
    } else {
        format!("Through Switchyard, on {owner}")
    }
}

fn anthropic_model(id: &str, owner: &str) -> Value {
    let description = described(owner);
    json!({
        "type": "model", "id": claude_id(id), "display_name": id, "description": description,
        "created_at": "2025-01-01T00:00:00Z",
    })
}

fn gemini_model(id: &str, limit: Option<u64>) -> Value {
    gemini::model_object(id, id, limit.unwrap_or(128_000), 8192)
}

/// `GET /v1/models`: routes and the default model of each enabled backend.
pub async fn list(State(state): State<Arc<GatewayState>>, headers: HeaderMap) -> Response {
    let ids = ids(&state);
    let shape = Shape::of("/v1/models", &headers);
    if shape == Shape::Gemini {
        // `@google/genai` 3 asks `/v1/models` (its default API version is `v1`).
        return gemini_models(&ids);
    }
    if shape == Shape::Anthropic {
        let data: Vec<Value> = ids
            .iter()
            .map(|(id, o, _)| anthropic_model(id, o))
            .collect();
        let first = ids.first().map(|i| claude_id(&i.0));
        let last = ids.last().map(|i| claude_id(&i.0));
        return Json(json!({"data": data, "has_more": false, "first_id": first, "last_id": last}))
            .into_response();
    }
    let data: Vec<Value> = ids.iter().map(|(id, o, _)| openai_model(id, o)).collect();
    Json(json!({"object": "list", "data": data})).into_response()
}

/// A listed id, or any model a request could be routed with (a concrete model some backend
/// serves, `Backend/model`): (id, owner, context limit).
fn find(state: &GatewayState, id: &str) -> Option<(String, String, Option<u64>)> {
    let id = unalias(id).unwrap_or(id);
    if let Some(found) = ids(state).into_iter().find(|(m, ..)| m == id) {
        return Some(found);
    }
    let plan = crate::resolve::resolve(&state.table.get(), id)?;
    let first = plan.candidates.first()?;
    let prices = state.spend.prices();
    let limit = provider_of(first.target.kind)
        .and_then(|p| prices.info(p, &first.model))
        .and_then(|i| i.max_input_tokens);
    Some((id.to_string(), first.target.name.clone(), limit))
}

/// `GET /v1/models/{id}`: one of them, or 404.
pub async fn get(
    State(state): State<Arc<GatewayState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let shape = Shape::of("/v1/models", &headers);
    match find(&state, &id) {
        Some((id, owner, _)) if shape == Shape::Anthropic => {
            Json(anthropic_model(&id, &owner)).into_response()
        }
        Some((id, _, limit)) if shape == Shape::Gemini => {
            Json(gemini_model(&id, limit)).into_response()
        }
        Some((id, owner, _)) => Json(openai_model(&id, &owner)).into_response(),
        None => unknown(shape, &id),
    }
}

/// `GET /v1beta/models`: Gemini's list.
pub async fn gemini_list(State(state): State<Arc<GatewayState>>) -> Response {
    gemini_models(&ids(&state))
}

fn gemini_models(ids: &[(String, String, Option<u64>)]) -> Response {
    let models: Vec<Value> = ids
        .iter()
        .map(|(id, _, limit)| gemini_model(id, *limit))
        .collect();
    Json(json!({ "models": models })).into_response()
}

/// `GET /v1beta/models/{model}`.
pub async fn gemini_get(
    State(state): State<Arc<GatewayState>>,
    Path(model): Path<String>,
) -> Response {
    let model = model.strip_prefix("models/").unwrap_or(&model).to_string();
    match find(&state, &model) {
        Some((id, _, limit)) => Json(gemini_model(&id, limit)).into_response(),
        None => unknown(Shape::Gemini, &model),
    }
}

fn unknown(shape: Shape, id: &str) -> Response {
    let shown: String = id.chars().take(80).collect();
    let msg = format!("Unknown model “{shown}”: use a route name or a backend's default model (see the models list).");
    error(shape, ErrorClass::UnknownModel, &msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_come_from_the_price_table() {
        let t = PriceTable::bundled();
        let codex = caps(t, BackendKind::OpenAi, "gpt-5-codex");
        assert!(codex.responses_only && codex.reasoning);
        let plain = caps(t, BackendKind::OpenAi, "gpt-4.1");
        assert!(!plain.responses_only && !plain.reasoning);
        assert_eq!(
            caps(t, BackendKind::OpenAiCompatible, "my-local-model"),
            Caps::default(),
            "an unknown model gets no reasoning options"
        );
        assert!(caps(t, BackendKind::Demo, "demo-chat").reasoning);
        assert!(
            !caps(t, BackendKind::Mistral, "magistral-medium-latest").reasoning,
            "Mistral refuses OpenAI's reasoning_effort"
        );
    }
}
