//! Errors the services return. Messages are written for the user and never contain a key.

use switchyard_core::Validation;
use switchyard_secrets::SecretError;
use switchyard_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input was refused; the validation says which field and why.
    #[error("{}", .0.first_error().map(|i| i.message.as_str()).unwrap_or("Invalid input."))]
    Validation(Validation),
    /// Input was refused for a reason not tied to one form field.
    #[error("{0}")]
    Invalid(String),
    /// A stored key would go to an origin the user never approved for it.
    #[error("The key “{label}” is not approved for {origin}: approve the new host by editing the backend (Backends page or `switchyard backend edit`).")]
    KeyHostNotApproved { label: String, origin: String },
    #[error("{0} not found.")]
    NotFound(&'static str),
    /// The request raced another change (a name taken meanwhile, a file that changed).
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Keychain(#[from] SecretError),
    #[error("{0}")]
    File(String),
    #[error("Storage failed: {0}")]
    Store(#[from] StoreError),
    #[error("Internal error: {0}")]
    Internal(String),
    /// The team database or the team's Redis failed (unreachable, refused, too new).
    #[error("{0}")]
    Team(String),
    /// A notification could not be delivered (only surfaced for the test button).
    #[error("{message}")]
    Notifications {
        message: String,
        hint: Option<String>,
    },
}

/// The team database's and Redis's failures in the app's words.
impl From<switchyard_team::TeamError> for AppError {
    fn from(e: switchyard_team::TeamError) -> Self {
        use switchyard_team::TeamError;
        match e {
            TeamError::NotFound(what) => AppError::NotFound(what),
            TeamError::Invalid(message) => AppError::Invalid(message),
            other => AppError::Team(other.to_string()),
        }
    }
}

impl AppError {
    /// Input refused for one form field: the UI shows `message` under it, the CLI prints
    /// `field: message`.
    pub fn field(
        field: switchyard_core::Field,
        code: switchyard_core::IssueCode,
        message: impl Into<String>,
    ) -> AppError {
        AppError::Validation(Validation::one(switchyard_core::Issue::error(
            field, code, message,
        )))
    }

    /// As [`AppError::field`], about entry `index` of a list field (a route's candidates).
    pub fn field_at(
        field: switchyard_core::Field,
        index: usize,
        code: switchyard_core::IssueCode,
        message: impl Into<String>,
    ) -> AppError {
        AppError::Validation(Validation::one(
            switchyard_core::Issue::error(field, code, message).at(index),
        ))
    }

    /// A store error, or `Conflict` when it is a unique name taken meanwhile.
    pub(crate) fn conflict_on_duplicate(e: StoreError) -> AppError {
        if e.is_unique_violation() {
            AppError::Conflict("That name is already taken.".into())
        } else {
            AppError::Store(e)
        }
    }
}

impl From<tokio::task::JoinError> for AppError {
    /// A panic message can quote user input (string slicing does), so it is not kept.
    fn from(e: tokio::task::JoinError) -> Self {
        let what = if e.is_panic() {
            "panicked"
        } else {
            "was cancelled"
        };
        AppError::Internal(format!("a background task {what}"))
    }
}
