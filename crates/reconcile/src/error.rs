//! Why a books action failed. Never quotes a key.

use switchyard_books::BooksError;

#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error("No backend named {0}.")]
    NoBackend(String),
    #[error("{0} keeps no books Switchyard reads: OpenAI, Anthropic and OpenRouter backends do.")]
    NoBooks(String),
    #[error("No admin key {0}.")]
    NoAdminKey(String),
    #[error("An admin key cannot be empty or hold spaces.")]
    EmptyKey,
    #[error("{backend} already has an admin key labelled {label}.")]
    LabelTaken { backend: String, label: String },
    #[error("{0}'s address has no origin an admin key can be approved for.")]
    NoOrigin(String),
    #[error("{0} has no admin key to read its books with.")]
    NoAdminKeyFor(String),
    #[error("None of {backend}'s keys is approved for {origin}: its books are not read there.")]
    KeysWithheld { backend: String, origin: String },
    #[error(transparent)]
    Books(#[from] BooksError),
    #[error(transparent)]
    Keychain(#[from] switchyard_secrets::SecretError),
    #[error(transparent)]
    Store(#[from] switchyard_store::StoreError),
    /// The team database could not be read.
    #[error("{0}")]
    Team(String),
    #[error("{0}")]
    Internal(String),
}

impl From<ReconcileError> for switchyard_app::AppError {
    fn from(e: ReconcileError) -> Self {
        use switchyard_app::AppError;
        match e {
            ReconcileError::NoBackend(_) => AppError::NotFound("Backend"),
            ReconcileError::NoAdminKey(_) => AppError::NotFound("Admin key"),
            ReconcileError::LabelTaken { .. } => AppError::Conflict(e.to_string()),
            ReconcileError::Keychain(k) => AppError::Keychain(k),
            ReconcileError::Store(s) => AppError::Store(s),
            ReconcileError::Books(BooksError::Withheld { origin })
            | ReconcileError::KeysWithheld { origin, .. } => {
                AppError::KeyWithheld(switchyard_gateway::Withheld::NotApproved { origin })
            }
            ReconcileError::Books(BooksError::Refused { message, .. }) => {
                AppError::KeyRefused(message)
            }
            ReconcileError::Team(m) => AppError::Team(m),
            other => AppError::Books(other.to_string()),
        }
    }
}
