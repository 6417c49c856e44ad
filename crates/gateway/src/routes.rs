//! The gateway's routes: the provider APIs behind the guard (Host, Origin, token), any routes the
//! application adds (`Deps::extra_routes`, e.g. `/metrics` and `/mcp`), the `Keep-Alive` hint and
//! the provider-shaped 404.

use crate::reply::{self, Shape};
use crate::{generate, guard, models, GatewayState};
use axum::body::Body;
use axum::http::{HeaderValue, Request};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;

pub(crate) fn router(state: Arc<GatewayState>, extra: Option<Router>) -> Router {
    use generate as g;
    let api = Router::new()
        .route("/v1/chat/completions", post(g::chat_completions))
        .route("/v1/messages", post(g::messages))
        .route("/v1/messages/count_tokens", post(g::count_tokens))
        .route(
            "/v1/responses",
            post(g::responses_create).get(crate::socket::upgrade),
        )
        .route("/v1/responses/input_tokens", post(g::input_tokens))
        .route("/v1/responses/compact", post(g::compact))
        .route("/v1/embeddings", post(g::embeddings))
        .route("/v1/models", get(models::list))
        .route("/v1/codex/models", get(crate::codex_catalogue::list))
        .route("/v1/models/{*id}", get(models::get).post(g::gemini_post))
        .route("/v1beta/models", get(models::gemini_list))
        .route(
            "/v1beta/models/{*rest}",
            get(models::gemini_get).post(g::gemini_post),
        )
        .route(crate::presence::IDENTITY_PATH, get(crate::presence::answer))
        .with_state(Arc::clone(&state));
    let api = match extra {
        Some(extra) => api.merge(extra),
        None => api,
    };
    api.layer(axum::middleware::from_fn_with_state(
        Arc::clone(&state),
        guard::check,
    ))
    .fallback(not_found)
    .layer(axum::middleware::map_response_with_state(
        keep_alive_hint(&state),
        |axum::extract::State(hint): axum::extract::State<Option<HeaderValue>>,
         mut resp: Response| async move {
            if let Some(hint) = hint {
                resp.headers_mut().insert(crate::names::KEEP_ALIVE, hint);
            }
            resp
        },
    ))
}

/// `Keep-Alive: timeout=N`, a second under the gateway's idle close (`serve.rs`), so pooling
/// clients (undici, the Node SDKs) retire a connection before the gateway closes it. Made once.
fn keep_alive_hint(state: &GatewayState) -> Option<HeaderValue> {
    let secs = state
        .config
        .connections
        .header_read
        .as_secs()
        .saturating_sub(1)
        .max(1);
    HeaderValue::from_str(&format!("timeout={secs}")).ok()
}

async fn not_found(req: Request<Body>) -> Response {
    let shape = Shape::of(req.uri().path(), req.headers());
    reply::error(
        shape,
        reply::Refused::NotFound,
        "No such endpoint: use /v1/chat/completions, /v1/responses, /v1/messages, /v1/embeddings, /v1/models or /v1beta/models.",
    )
}
