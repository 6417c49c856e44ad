//! Configuration file commands. Both take a handle to a file chosen in a dialog or the panel
//! (`crate::files`), never a path.

use super::dto::ConfigApproval;
use crate::files::{Access, FileHandle};
use crate::{Core, IpcError};
use switchyard_app::config_file::{self, ImportOptions, ImportOutcome};

type Res<T> = Result<T, IpcError>;

/// Writes the configuration (no secrets) to `file`; answers with the file as the caller knows it.
#[tracing::instrument(skip(core))]
pub async fn export_config(core: &Core, file: FileHandle) -> Res<String> {
    let config = core.app()?.config_file();
    let write = |path| config.export_to(path);
    core.files()?.write_with(&file, write).await
}

/// Checks `file` and, unless `dry_run`, applies it when it has no issue and every change that
/// needs approval is in `approved` (what the dialog showed the user).
#[tracing::instrument(skip(core, approved))]
pub async fn import_config(
    core: &Core,
    file: FileHandle,
    dry_run: bool,
    approved: ConfigApproval,
) -> Res<ImportOutcome> {
    let app = core.app()?;
    let chosen = core.files()?.resolve(&file, Access::Read)?;
    let read = config_file::read(chosen.path().into()).await;
    let file = read.map_err(|e| chosen.scrub(e.into()))?;
    let options = ImportOptions {
        dry_run,
        approved: approved.into(),
        ..ImportOptions::default()
    };
    Ok(app.config_file().import(&file, &options).await?)
}
