//! Check before reading. Every handler decides from the headers alone — the gateway's Host and
//! network checks, the panel's door, then the session, origin and CSRF (`api::gate`) — before a
//! byte of a body is read; then a body is read under a size cap and a deadline of its route
//! ([`Limit`]), so a caller that never finishes, or sends too much, holds neither memory nor a
//! connection for long. Only so many bodies are read at once ([`Admission`]): past that a
//! request is answered at once and its connection closed, so the panel can never hold the
//! connections the gateway's tools need.

use crate::reply::refuse;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use std::sync::Arc;
use std::time::Duration;
use switchyard_ipc::ErrorKind;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A route's body limits.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max_bytes: usize,
    /// The whole body must arrive within this.
    pub within: Duration,
}

/// A sign-in: a token, in a small JSON object.
pub const SIGN_IN: Limit = Limit {
    max_bytes: 4 * 1024,
    within: Duration::from_secs(5),
};
/// A command's arguments (a 1 MiB string fits; nothing the page sends comes near).
pub const CALL: Limit = Limit {
    max_bytes: 2 * 1024 * 1024,
    within: Duration::from_secs(15),
};
/// An upload's deadline (its size is the upload's own cap, `switchyard_ipc::files::UPLOAD_MAX`).
pub const UPLOAD_WITHIN: Duration = Duration::from_secs(120);

/// How many sign-ins (no session yet) and how many signed-in bodies are read at once.
#[derive(Clone)]
pub struct Admission {
    sign_ins: Arc<Semaphore>,
    bodies: Arc<Semaphore>,
}

/// Sign-ins read at once: a person signs in once a day, a script rarely more than a few.
pub const SIGN_INS_AT_ONCE: usize = 16;
/// Signed-in bodies (commands, uploads) read at once.
pub const BODIES_AT_ONCE: usize = 32;

impl Default for Admission {
    fn default() -> Self {
        Admission {
            sign_ins: Arc::new(Semaphore::new(SIGN_INS_AT_ONCE)),
            bodies: Arc::new(Semaphore::new(BODIES_AT_ONCE)),
        }
    }
}

impl Admission {
    /// A place to read a sign-in's body, if there is one now (else answer [`busy`]).
    pub fn sign_in(&self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.sign_ins).try_acquire_owned().ok()
    }

    /// A place to read a signed-in call's body, if there is one now (else answer [`busy`]).
    pub fn body(&self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.bodies).try_acquire_owned().ok()
    }
}

/// `resp` with its connection closed after it (its body, if any, is left unread).
pub fn closing(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

/// No place to read a body now: try again in a moment (the connection closes).
pub fn busy() -> Response {
    let mut resp = refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Unavailable,
        "The panel is busy with other requests; try again in a moment.",
    );
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
    closing(resp)
}

/// The length the request announced, if any.
pub fn declared(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

pub fn too_large(max_bytes: u64) -> Response {
    closing(refuse(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::Validation,
        &format!(
            "The request is over the panel's limit of {} KiB.",
            max_bytes.div_ceil(1024)
        ),
    ))
}

pub fn too_slow() -> Response {
    closing(refuse(
        StatusCode::REQUEST_TIMEOUT,
        ErrorKind::Validation,
        "The request's body did not arrive in time.",
    ))
}

/// The body, whole, within `limit`; a declared length over the cap is refused before a byte is
/// read.
pub async fn read(headers: &HeaderMap, body: Body, limit: Limit) -> Result<Bytes, Response> {
    let cap = limit.max_bytes as u64;
    if declared(headers).is_some_and(|n| n > cap) {
        return Err(too_large(cap));
    }
    match tokio::time::timeout(limit.within, axum::body::to_bytes(body, limit.max_bytes)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) if is_length_limit(&e) => Err(too_large(cap)),
        Ok(Err(_)) => Err(closing(refuse(
            StatusCode::BAD_REQUEST,
            ErrorKind::Validation,
            "The request's body could not be read.",
        ))),
        Err(_) => Err(too_slow()),
    }
}

fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = err.source();
    }
    false
}
