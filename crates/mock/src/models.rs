//! Owns the probe endpoints: model lists (OpenAI, Anthropic, Gemini, Ollama), Gemini's single
//! model lookup, and OpenRouter's key info and account credits.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::Json;
use serde_json::{json, Value};

use crate::auth;
use crate::books;
use crate::error::{ApiError, ErrorKind, Shape};
use crate::state::{Route, Shared};

/// `created` of every OpenAI-style model: 2025-01-01T00:00:00Z.
const CREATED_UNIX: u64 = 1_735_689_600;
/// `created_at` of every Anthropic-style model.
const CREATED_AT: &str = "2025-01-01T00:00:00Z";

/// Handler result: JSON or a provider-shaped error.
type Reply = Result<Json<Value>, ApiError>;

/// Counts the call, waits `probe_delay`, then checks the key.
async fn probe(
    state: &Shared,
    route: Route,
    headers: &HeaderMap,
    shape: Shape,
) -> Result<(), ApiError> {
    state.hit(route);
    if !state.config.probe_delay.is_zero() {
        tokio::time::sleep(state.config.probe_delay).await;
    }
    state.authorize(headers, shape)
}

/// `GET /v1/models`: Anthropic shape when the request looks Anthropic, else OpenAI shape.
pub(crate) async fn list(State(state): State<Arc<Shared>>, headers: HeaderMap) -> Reply {
    let models = &state.config.models;
    if auth::is_anthropic_style(&headers) || crate::plan_window::admits(&state.config, &headers) {
        probe(&state, Route::Models, &headers, Shape::Anthropic).await?;
        let data: Vec<Value> = models
            .iter()
            .map(|id| json!({ "type": "model", "id": id, "display_name": display_name(id), "created_at": CREATED_AT }))
            .collect();
        return Ok(Json(json!({
            "data": data,
            "has_more": false,
            "first_id": models.first(),
            "last_id": models.last(),
        })));
    }
    probe(&state, Route::Models, &headers, Shape::OpenAi).await?;
    let prices = &state.config.listed_prices;
    let data: Vec<Value> = models
        .iter()
        .map(|id| match prices.is_empty() {
            true => json!({ "id": id, "object": "model", "created": CREATED_UNIX, "owned_by": "switchyard-demo" }),
            false => openrouter_model(id, prices.iter().find(|(m, _, _)| m == id)),
        })
        .collect();
    Ok(Json(json!({ "object": "list", "data": data })))
}

/// OpenRouter's context length for every listed model.
pub const LISTED_CONTEXT: u64 = 131_072;

/// One model in OpenRouter's list shape: prices per token as decimal strings, `"-1"` unknown.
fn openrouter_model(id: &str, price: Option<&(String, f64, f64)>) -> Value {
    let per_token = |per_mtok: Option<f64>| match per_mtok {
        Some(p) => format!("{:.10}", p / 1e6),
        None => "-1".to_string(),
    };
    json!({
        "id": id,
        "name": display_name(id),
        "created": CREATED_UNIX,
        "context_length": LISTED_CONTEXT,
        "pricing": {
            "prompt": per_token(price.map(|p| p.1)),
            "completion": per_token(price.map(|p| p.2)),
            "request": "0",
        },
        "top_provider": { "context_length": LISTED_CONTEXT, "max_completion_tokens": 16_384 },
    })
}

/// Counts a Gemini probe, waits `probe_delay`, then checks the header or `?key=` key.
async fn gemini_probe(
    state: &Shared,
    route: Route,
    headers: &HeaderMap,
    uri: &Uri,
) -> Result<(), ApiError> {
    state.hit(route);
    if !state.config.probe_delay.is_zero() {
        tokio::time::sleep(state.config.probe_delay).await;
    }
    auth::check(&state.config, auth::gemini_key(headers, uri), Shape::Gemini)
}

/// `GET /v1beta/models`: Gemini shape. Also accepts the key as `?key=`, like Gemini does.
pub(crate) async fn gemini(
    State(state): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
) -> Reply {
    gemini_probe(&state, Route::GeminiModels, &headers, &uri).await?;
    let models: Vec<Value> = state
        .config
        .models
        .iter()
        .map(|id| gemini_model_object(id))
        .collect();
    Ok(Json(json!({ "models": models })))
}

/// `GET /v1beta/models/{model}`: one Gemini model object; 404 (Gemini shape) for a model that is
/// not in the configuration.
pub(crate) async fn gemini_model(
    State(state): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Reply {
    gemini_probe(&state, Route::GeminiModel, &headers, &uri).await?;
    if !state.config.models.contains(&id) {
        let message = format!(
            "models/{id} is not found for API version v1beta, or is not supported for \
             generateContent. Call ListModels to see the list of available models and their \
             supported methods."
        );
        return Err(ApiError::new(Shape::Gemini, ErrorKind::NotFound(message)));
    }
    Ok(Json(gemini_model_object(&id)))
}

/// One model in Gemini's shape.
fn gemini_model_object(id: &str) -> Value {
    json!({
        "name": format!("models/{id}"),
        "version": "001",
        "displayName": display_name(id),
        "description": "Switchyard demo model",
        "inputTokenLimit": 32768,
        "outputTokenLimit": 8192,
        "supportedGenerationMethods": ["generateContent", "countTokens"],
    })
}

/// `GET /api/tags`: Ollama shape.
pub(crate) async fn tags(State(state): State<Arc<Shared>>, headers: HeaderMap) -> Reply {
    probe(&state, Route::Tags, &headers, Shape::OpenAi).await?;
    let models: Vec<Value> = state
        .config
        .models
        .iter()
        .map(|id| {
            let name = if id.contains(':') {
                id.clone()
            } else {
                format!("{id}:latest")
            };
            json!({
                "name": name,
                "model": name,
                "modified_at": CREATED_AT,
                "size": 1_000_000_000u64 + fnv1a(id) % 1_000_000_000,
                "digest": digest(id),
                "details": {
                    "parent_model": "",
                    "format": "gguf",
                    "family": "demo",
                    "families": ["demo"],
                    "parameter_size": "1B",
                    "quantization_level": "Q4_0",
                },
            })
        })
        .collect();
    Ok(Json(json!({ "models": models })))
}

/// Whether the request carries the admin key of books mode (OpenRouter's management key).
fn is_admin(state: &Shared, headers: &HeaderMap) -> bool {
    let key = auth::extract_key(headers, Shape::OpenAi);
    key.is_some() && key == state.config.admin_key.as_deref()
}

/// `GET /v1/key`: OpenRouter key info, with the key's own spend on the books (a management key,
/// the admin key of books mode, is let in too and has spent nothing).
pub(crate) async fn key(State(state): State<Arc<Shared>>, headers: HeaderMap) -> Reply {
    let admin = is_admin(&state, &headers);
    if admin {
        state.hit(Route::Key);
    } else {
        probe(&state, Route::Key, &headers, Shape::OpenAi).await?;
    }
    let key = auth::extract_key(&headers, Shape::OpenAi).unwrap_or_default();
    let (usage, daily, weekly, monthly) = books::openrouter::spend(&state, key);
    let limit = state.config.credit_limit_usd;
    let label = if key.is_empty() {
        "demo".to_owned()
    } else {
        books::openrouter::label(key)
    };
    Ok(Json(json!({
        "data": {
            "label": label,
            "usage": usage,
            "usage_daily": daily,
            "usage_weekly": weekly,
            "usage_monthly": monthly,
            "byok_usage": 0.0,
            "byok_usage_daily": 0.0,
            "byok_usage_weekly": 0.0,
            "byok_usage_monthly": 0.0,
            "limit": limit,
            "limit_remaining": limit.map(|l| (l - usage).max(0.0)),
            "limit_reset": null,
            "include_byok_in_limit": false,
            "is_free_tier": false,
            "is_management_key": admin,
            "is_provisioning_key": admin,
            "expires_at": null,
        }
    })))
}

/// `GET /v1/credits`: OpenRouter's account credits (a management key's), or 403 for a key that
/// may not read them.
pub(crate) async fn credits(State(state): State<Arc<Shared>>, headers: HeaderMap) -> Reply {
    if is_admin(&state, &headers) {
        state.hit(Route::Credits);
    } else {
        probe(&state, Route::Credits, &headers, Shape::OpenAi).await?;
    }
    let Some(total) = state.config.account_credits_usd else {
        return Err(ApiError::new(
            Shape::OpenAi,
            ErrorKind::Injected(axum::http::StatusCode::FORBIDDEN),
        ));
    };
    Ok(Json(
        json!({ "data": { "total_credits": total, "total_usage": served_usd(&state) } }),
    ))
}

/// What the generations served so far cost on the books, every key's (see `books`: each at the
/// model's listed price, else a thousandth of a dollar), `--books-extra` lines included.
fn served_usd(state: &Shared) -> f64 {
    state.books.total_usd()
}

/// "demo-chat" → "Demo Chat".
fn display_name(id: &str) -> String {
    id.split(['-', '_', ':', '/'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect::<String>()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// 64-bit FNV-1a hash, for stable fake sizes, digests and embeddings.
pub(crate) fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A stable 64-hex-digit fake digest for `id`.
fn digest(id: &str) -> String {
    (0..4u8)
        .map(|i| format!("{:016x}", fnv1a(&format!("{i}{id}"))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_digests() {
        assert_eq!(display_name("demo-chat"), "Demo Chat");
        assert_eq!(digest("x").len(), 64);
        assert_eq!(digest("x"), digest("x"));
    }
}
