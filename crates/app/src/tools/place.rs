//! Where the tools and the user's things are: the app's own folders (backups, the lock file),
//! the home folder the tools' files are looked up in, the `PATH` they are found on, and the
//! user's environment outside files. Detection, connecting and the key sweep all read it.

use super::user_env::UserEnv;
use crate::AppError;
use std::sync::Arc;
use switchyard_runtime::paths::AppPaths;
use switchyard_toolconfig::Home;

/// Where the tools are looked up, handed to the Tools service and the key sweep.
#[derive(Clone)]
pub struct Place {
    /// The data folder (backups, the lock file) and the database file (the status line).
    pub paths: AppPaths,
    /// Where the tools' files are (`None`: `HOME` and the tools' variables).
    pub home: Option<Home>,
    /// The `PATH` tools are looked up on (`None`: the process's).
    pub path: Option<String>,
    /// The user's environment outside files, which the sweep reads too.
    pub user_env: Arc<dyn UserEnv>,
}

impl Place {
    /// The home folder tools are looked up in (`HOME`, or the test's).
    pub fn home(&self) -> Result<Home, AppError> {
        self.home
            .clone()
            .or_else(Home::from_env)
            .ok_or(AppError::Unavailable(crate::Unavailable::Home))
    }

    /// The `PATH` tools are looked up on.
    pub fn path(&self) -> String {
        self.path
            .clone()
            .or_else(|| std::env::var("PATH").ok())
            .unwrap_or_default()
    }
}
