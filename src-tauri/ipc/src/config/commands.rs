//! Configuration file commands. Both take a path the window resolved from a file the user chose
//! in its own dialog (`for_each_file_command!`).

use super::dto::{ConfigApproval, ConfigImport};
use crate::{Core, IpcError};
use std::path::PathBuf;
use switchyard_app::config_file::{self, ImportOptions};

type Res<T> = Result<T, IpcError>;

/// Writes the configuration (no secrets) to `path`; answers with the path written.
#[tracing::instrument(skip(core))]
pub async fn export_config(core: &Core, path: PathBuf) -> Res<String> {
    core.app()?.config_file().export_to(path.clone()).await?;
    Ok(path.display().to_string())
}

/// Checks the file at `path` and, unless `dry_run`, applies it when it has no issue and every
/// change that needs approval is in `approved` (what the dialog showed the user).
#[tracing::instrument(skip(core, approved))]
pub async fn import_config(
    core: &Core,
    path: PathBuf,
    dry_run: bool,
    approved: ConfigApproval,
) -> Res<ConfigImport> {
    let app = core.app()?;
    let file = config_file::read(path).await?;
    let options = ImportOptions {
        dry_run,
        approved: approved.into(),
        ..ImportOptions::default()
    };
    Ok(app.config_file().import(&file, &options).await?.into())
}
