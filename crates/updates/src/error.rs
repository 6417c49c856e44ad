//! The Updates feature's errors: a release refused or unreachable (`switchyard-release`'s own
//! words), an install asked for a version not on offer, a window's failure report naming no
//! version; everything else is the app's error, passed through. The app's error enum carries no
//! update case.

use switchyard_app::AppError;
use switchyard_release::UpdateError;

/// Why an update action failed; nothing was installed.
#[derive(Debug, thiserror::Error)]
pub enum UpdatesError {
    /// The release could not be checked, downloaded, verified or installed (its words say
    /// which).
    #[error(transparent)]
    Release(#[from] UpdateError),
    /// The update asked for is not the one on offer, or this copy cannot install it itself
    /// (`how` says how it is updated).
    #[error("{}", how.clone().unwrap_or_else(|| format!("Switchyard {version} is not the update on offer any more: check for updates again.")))]
    NotOffered {
        version: String,
        how: Option<String>,
    },
    /// A failure report for something that is not a version Switchyard offers.
    #[error("That is not a version Switchyard offered.")]
    NotAVersion,
    /// What the app's services refused or failed with (settings, the store).
    #[error(transparent)]
    App(#[from] AppError),
}
