//! `IpcError`: the one error shape the UI sees. `kind` lists only what the UI branches on;
//! internal failures are logged here once and reach the user as a short, safe sentence.

use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::secrets::SecretError;
use switchyard_app::AppError;
use switchyard_domain::Issue;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ErrorKind {
    /// Input refused; `issues` says which fields.
    Validation,
    NotFound,
    /// The OS keychain cannot be used; `hint` says how to fix it.
    KeychainUnavailable,
    /// Raced another change: reload and retry.
    Conflict,
    /// A file could not be read.
    File,
    /// Desktop notifications cannot be delivered; `hint` says how to fix it.
    NotificationsUnavailable,
    /// Something the request needs is off or not set up; `message` says how to turn it on.
    Unavailable,
    /// The user cancelled the run; nothing of it was stored.
    Cancelled,
    /// The caller may not do this (the authorization table's row); `message` says what it may.
    Forbidden,
    Internal,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct IpcError {
    pub kind: ErrorKind,
    pub message: String,
    pub hint: Option<String>,
    pub issues: Vec<Issue>,
}

impl IpcError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        IpcError {
            kind,
            message: message.into(),
            hint: None,
            issues: Vec::new(),
        }
    }
}

impl From<AppError> for IpcError {
    fn from(e: AppError) -> Self {
        let message = e.to_string();
        match e {
            AppError::Validation(v) => IpcError {
                kind: ErrorKind::Validation,
                message,
                hint: None,
                issues: v.issues.into_iter().collect(),
            },
            AppError::Invalid(_)
            | AppError::TooMany { .. }
            | AppError::KeyRefused(_)
            | AppError::Plan(_) => IpcError::new(ErrorKind::Validation, message),
            AppError::Unavailable(_) => IpcError::new(ErrorKind::Unavailable, message),
            AppError::NoSuch { .. } => IpcError::new(ErrorKind::NotFound, message),
            AppError::KeyWithheld(_) | AppError::Synced(_) => {
                IpcError::new(ErrorKind::Conflict, message)
            }
            AppError::KeyHostNotApproved { .. } => IpcError::new(ErrorKind::Conflict, message),
            AppError::NotFound(_) => IpcError::new(ErrorKind::NotFound, message),
            AppError::NotAllowed(_) => IpcError::new(ErrorKind::Forbidden, message),
            AppError::Conflict(_) => IpcError::new(ErrorKind::Conflict, message),
            AppError::File(_) => IpcError::new(ErrorKind::File, message),
            AppError::Team(_) => IpcError::new(ErrorKind::Internal, message),
            AppError::Books(_) => IpcError::new(ErrorKind::Unavailable, message),
            AppError::Keychain(k) => IpcError {
                kind: match k {
                    _ if k.is_unavailable() => ErrorKind::KeychainUnavailable,
                    SecretError::NotFound => ErrorKind::NotFound,
                    _ => ErrorKind::Internal,
                },
                hint: Some(k.fix_hint().to_string()),
                message,
                issues: Vec::new(),
            },
            AppError::Notifications { hint, .. } => IpcError {
                kind: ErrorKind::NotificationsUnavailable,
                message,
                hint,
                issues: Vec::new(),
            },
            AppError::Store(_) | AppError::Internal(_) => {
                tracing::error!(error = %message, "internal error");
                IpcError::new(
                    ErrorKind::Internal,
                    "Something went wrong; the details are in the log file.",
                )
            }
        }
    }
}

/// A drill run's failure: cancelled, a live plan refused (the user's input), or the app's.
impl From<switchyard_drills::DrillError> for IpcError {
    fn from(e: switchyard_drills::DrillError) -> Self {
        use switchyard_drills::DrillError;
        match e {
            DrillError::Cancelled => IpcError::new(ErrorKind::Cancelled, e.to_string()),
            DrillError::Refused(_) => IpcError::new(ErrorKind::Validation, e.to_string()),
            DrillError::App(app) => app.into(),
        }
    }
}

/// The page's kind of an update's failure: a refused address is the user's input, a release
/// that cannot be read is unavailable, a package refused on its signature or version conflicts
/// with what this copy trusts.
fn update_kind(e: &switchyard_release::UpdateError) -> ErrorKind {
    use switchyard_release::UpdateError as U;
    match e {
        U::Insecure { .. } | U::BadUrl { .. } => ErrorKind::Validation,
        U::NotNewer { .. }
        | U::BadSignature { .. }
        | U::SignedVersion { .. }
        | U::SignedFile { .. }
        | U::OtherPlatform { .. }
        | U::Unversioned { .. } => ErrorKind::Conflict,
        U::Unreachable { .. }
        | U::Status { .. }
        | U::TooLarge { .. }
        | U::TimedOut { .. }
        | U::Manifest { .. }
        | U::NoPackage { .. }
        | U::NotSelfUpdating(_)
        | U::Install(_) => ErrorKind::Unavailable,
    }
}

/// An update action's failure: the release's own kind, an update not on offer, or the app's.
impl From<switchyard_updates::UpdatesError> for IpcError {
    fn from(e: switchyard_updates::UpdatesError) -> Self {
        use switchyard_updates::UpdatesError as U;
        match e {
            U::Release(r) => IpcError::new(update_kind(&r), r.to_string()),
            U::NotOffered { .. } => IpcError::new(ErrorKind::Unavailable, e.to_string()),
            U::NotAVersion => IpcError::new(ErrorKind::Validation, e.to_string()),
            U::App(app) => app.into(),
        }
    }
}
