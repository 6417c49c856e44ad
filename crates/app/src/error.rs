//! Errors the services return. Messages are written for the user and never contain a key.

use switchyard_domain::Validation;
use switchyard_secrets::SecretError;
use switchyard_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input was refused; the validation says which field and why.
    #[error("{}", .0.first_error().map(|i| i.message.as_str()).unwrap_or("Invalid input."))]
    Validation(Validation),
    /// Input was refused for a reason not tied to one form field, each its own sentence: a
    /// team database's refusal (its words), alert rules the engine refuses (its words), a found
    /// key for a backend of another kind, a key test of a backend with none, the CLI's failed
    /// key test (its result line) and unknown backend (with the names there are). Every other
    /// refusal has a typed variant; keep it that way (the guard allows at most ten uses).
    #[error("{0}")]
    Invalid(String),
    /// Something the request needs is off, not running or not set up.
    #[error("{0}")]
    Unavailable(Unavailable),
    /// A thing the user named does not exist (`There is no route “fast”.`).
    #[error("There is no {what} “{name}”.")]
    NoSuch { what: &'static str, name: String },
    /// More than a list may hold.
    #[error("At most {max} {what}.")]
    TooMany { what: &'static str, max: usize },
    /// A found key cannot be sent to the address it would go to (`switchyard_gateway`'s egress
    /// gate withheld it).
    #[error("A key cannot go there: {0}.")]
    KeyWithheld(#[from] switchyard_gateway::Withheld),
    /// A record synced from another machine that this version cannot read, or will not apply.
    #[error("{0}")]
    Synced(String),
    /// A tool cannot be connected with its plan as asked.
    #[error("{0}")]
    Plan(#[from] switchyard_domain::PlanRefused),
    /// The provider refused a key that was about to be used or moved.
    #[error("The provider refused this key ({0}).")]
    KeyRefused(String),
    /// A stored key would go to an origin the user never approved for it.
    #[error("The key “{label}” is not approved for {origin}: approve the new host by editing the backend (Backends page or `switchyard backend edit`).")]
    KeyHostNotApproved { label: String, origin: String },
    #[error("{0} not found.")]
    NotFound(&'static str),
    /// The authorization table does not let this caller do this (its sentence says what it may).
    #[error("{0}")]
    NotAllowed(&'static str),
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
    /// A provider's books (issue 75) could not be read or used: its own sentence says why.
    #[error("{0}")]
    Books(String),
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

/// What is off, not running or not set up, with how to turn it on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// The gateway did not start (or was stopped).
    Gateway,
    /// The response cache is off (no gateway runs in this process).
    Cache,
    /// The health monitor is off in this process.
    Monitor,
    /// No home folder: the tools' files and records cannot be found.
    Home,
    /// My machines is turned off.
    Sync,
    /// My machines has no space key here for this space.
    SpaceKey { space: String },
    /// My machines has no database address.
    SyncDatabase,
    /// No checked price file waits to be applied.
    CheckedPrices,
    /// No earlier price file to roll back to.
    EarlierPrices,
    /// Start at login needs the desktop app next to this program.
    DesktopApp {
        binary: &'static str,
        beside: String,
    },
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unavailable::Gateway => f.write_str(
                "No Switchyard gateway is running for this data folder: start Switchyard (the app, or `switchyard serve`), then try again.",
            ),
            Unavailable::Cache => f.write_str("The response cache is not running."),
            Unavailable::Monitor => f.write_str("The health monitor is off."),
            Unavailable::Home => {
                f.write_str("No home folder (HOME is not set): the tools' files cannot be found.")
            }
            Unavailable::Sync => f.write_str(
                "Syncing is off: turn it on in Settings → My machines (or `switchyard sync setup`).",
            ),
            Unavailable::SpaceKey { space } => write!(
                f,
                "My machines seals every record with the space's key, and none is kept here for \
                 “{space}”: turn it on again in Settings → My machines (or `switchyard sync \
                 setup`) with the key from one of your other machines."
            ),
            Unavailable::SyncDatabase => f.write_str(
                "No database is set for My machines: give its address in Settings → My machines.",
            ),
            Unavailable::CheckedPrices => f.write_str(
                "There is no checked price file to apply: check for newer prices first.",
            ),
            Unavailable::EarlierPrices => f.write_str("There is nothing to roll back to."),
            Unavailable::DesktopApp { binary, beside } => write!(
                f,
                "Start at login needs the desktop app, and {binary} is not installed next to \
                 {beside}."
            ),
        }
    }
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
        field: switchyard_domain::Field,
        code: switchyard_domain::IssueCode,
        message: impl Into<String>,
    ) -> AppError {
        AppError::Validation(Validation::one(switchyard_domain::Issue::error(
            field, code, message,
        )))
    }

    /// As [`AppError::field`], about entry `index` of a list field (a route's candidates).
    pub fn field_at(
        field: switchyard_domain::Field,
        index: usize,
        code: switchyard_domain::IssueCode,
        message: impl Into<String>,
    ) -> AppError {
        AppError::Validation(Validation::one(
            switchyard_domain::Issue::error(field, code, message).at(index),
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

impl From<switchyard_runtime::FileError> for AppError {
    fn from(switchyard_runtime::FileError(sentence): switchyard_runtime::FileError) -> Self {
        AppError::File(sentence)
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

/// A space key the user entered that is none: the field's issue, with how to find the key.
impl From<switchyard_team::synced::seal::NotASpaceKey> for AppError {
    fn from(e: switchyard_team::synced::seal::NotASpaceKey) -> Self {
        AppError::field(
            switchyard_domain::Field::KeyValue,
            switchyard_domain::IssueCode::Format,
            e.to_string(),
        )
    }
}

impl From<switchyard_team::synced::seal::SealError> for AppError {
    fn from(e: switchyard_team::synced::seal::SealError) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl From<switchyard_os::login_item::LoginError> for AppError {
    fn from(e: switchyard_os::login_item::LoginError) -> Self {
        use switchyard_os::login_item::LoginError;
        match e {
            LoginError::Failed(message) => AppError::File(message),
            LoginError::NoDesktopApp { binary, beside } => {
                AppError::Unavailable(Unavailable::DesktopApp { binary, beside })
            }
        }
    }
}
