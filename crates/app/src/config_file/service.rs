//! [`ConfigFiles`]: what the configuration file service does. Built (in `mod.rs`) with the feature services it reads
//! and writes through, so an import takes the same checked path as the window and the CLI; My
//! machines and a team replica's follower import their records through it too.

use super::{ConfigFile, ConfigFiles, ImportOptions, ImportOutcome};
use crate::AppError;
use std::path::PathBuf;

impl ConfigFiles {
    /// The configuration as it is now.
    pub async fn export(&self) -> Result<ConfigFile, AppError> {
        super::export(self).await
    }

    /// Checks `file` and applies it unless it is a dry run, it has issues, or it has a change
    /// the user did not approve (`options.approved`: a key to a new host, the gateway opened
    /// wider).
    pub async fn import(
        &self,
        file: &ConfigFile,
        options: &ImportOptions,
    ) -> Result<ImportOutcome, AppError> {
        super::import::run(self, file, options).await
    }

    /// Writes the configuration as it is now to `path` (replaced atomically, a new file private
    /// to the user). Blocking work on the blocking pool.
    pub async fn export_to(&self, path: PathBuf) -> Result<(), AppError> {
        let text = super::file::to_toml(&self.export().await?).map_err(AppError::Internal)?;
        Ok(tokio::task::spawn_blocking(move || {
            switchyard_runtime::atomic::write(&path, text.as_bytes())
        })
        .await??)
    }
}
