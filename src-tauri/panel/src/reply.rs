//! The panel's answers that are not a command's: a typed error with its status, and the few
//! refusals every handler gives. Depends on nothing of the panel, so every module can use it.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use switchyard_ipc::{ErrorKind, IpcError};

/// An answer `{ "error": IpcError }` with `status`.
pub fn refuse(status: StatusCode, kind: ErrorKind, message: &str) -> Response {
    let error = IpcError::new(kind, message);
    (status, axum::Json(json!({ "error": error }))).into_response()
}

pub fn forbidden(message: &str) -> Response {
    refuse(StatusCode::FORBIDDEN, ErrorKind::Unavailable, message)
}

pub fn not_ready() -> Response {
    refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Unavailable,
        "Switchyard is still starting; try again in a moment.",
    )
}

/// The HTTP status of a command's typed error.
pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::Validation | ErrorKind::File => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict | ErrorKind::Cancelled => StatusCode::CONFLICT,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::KeychainUnavailable
        | ErrorKind::NotificationsUnavailable
        | ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}
