//! Owns the preamble every generation handler shares (`/v1/chat/completions`, `/v1/messages`,
//! Gemini's `generateContent` / `streamGenerateContent`, `/v1/responses` and `/v1/embeddings`):
//! count the call, apply the next scripted fault, check the key — in that order, so a fault is
//! used even by a request with a bad key.

use axum::response::{IntoResponse, Response};

use crate::auth;
use crate::error::{ApiError, Shape};
use crate::fault::{self, Effect};
use crate::state::{Route, Shared};

/// An answer that replaces the handler's normal one: an injected fault or a provider-shaped error.
#[derive(Debug)]
pub(crate) struct Early(Response);

impl From<ApiError> for Early {
    fn from(err: ApiError) -> Self {
        Early(err.into_response())
    }
}

impl IntoResponse for Early {
    fn into_response(self) -> Response {
        self.0
    }
}

/// Runs the preamble for a request to `route` carrying `key`. `Ok(cut)` means answer normally;
/// with `Some(n)` (a [`crate::Fault::CutAfterChunks`]) drop the connection after `n` frames.
pub(crate) async fn admit(
    state: &Shared,
    route: Route,
    shape: Shape,
    key: Option<&str>,
) -> Result<Option<usize>, Early> {
    admit_as(state, route, shape, Some(key)).await
}

/// [`admit`] for a caller plan mode let in with its OAuth token (see `plan`): no key check.
pub(crate) async fn admit_plan(
    state: &Shared,
    route: Route,
    shape: Shape,
) -> Result<Option<usize>, Early> {
    admit_as(state, route, shape, None).await
}

/// The preamble; `key` is `None` for a plan caller, whose key is not checked.
async fn admit_as(
    state: &Shared,
    route: Route,
    shape: Shape,
    key: Option<Option<&str>>,
) -> Result<Option<usize>, Early> {
    state.hit(route);
    let cut = match fault::apply(state, shape).await {
        Effect::Proceed => None,
        Effect::Respond(response) => return Err(Early(response)),
        Effect::Cut(n) => Some(n),
    };
    let Some(key) = key else {
        return Ok(cut);
    };
    auth::check(&state.config, key, shape).inspect_err(|e| {
        if e.kind == crate::error::ErrorKind::RateLimited {
            state.count_rate_limited();
        }
    })?;
    Ok(cut)
}
