//! The drills' own errors: a cancelled run and the live drill's refusals of a plan are typed
//! here, so the app's error enum carries no drill case; everything else is the app's error,
//! passed through unchanged.

use switchyard_app::AppError;

/// Why a drill run or a live plan failed.
#[derive(Debug, thiserror::Error)]
pub enum DrillError {
    /// The user cancelled the run before it ended; nothing of it was stored.
    #[error("The drill run was cancelled: nothing was stored.")]
    Cancelled,
    /// The live drill cannot run on this plan (the user's input or configuration).
    #[error("{0}")]
    Refused(LiveRefusal),
    /// What the features the drills call refused or failed with.
    #[error(transparent)]
    App(#[from] AppError),
}

/// Why a live drill of a route cannot run; each says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LiveRefusal {
    /// The request count is outside 1 to `max`.
    #[error("A live drill sends 1 to {max} requests (it was {requests}).")]
    Requests { requests: u32, max: u32 },
    /// The route has no enabled backend.
    #[error("Route “{route}” has no enabled backend.")]
    NoBackend { route: String },
    /// The route has one backend, so nothing to fail over to.
    #[error("Route “{route}” has one backend, so there is nothing to fail over to: add a candidate on another backend first.")]
    OneBackend { route: String },
    /// A backend that would take over needs a key and has none.
    #[error("{backend} has no key, so it cannot answer; add one in Backends first.")]
    NoKey { backend: String },
}

impl From<LiveRefusal> for DrillError {
    fn from(r: LiveRefusal) -> Self {
        DrillError::Refused(r)
    }
}

impl From<tokio::task::JoinError> for DrillError {
    fn from(e: tokio::task::JoinError) -> Self {
        DrillError::App(e.into())
    }
}
