//! A file is a handle, never a path. No command of the list ([`crate::for_each_command!`]) takes
//! a filesystem path from its caller: a command that reads or writes a file takes a
//! [`FileHandle`], and only [`FileGrants`] — the core process's one table of them — turns a
//! handle into a path, inside the command bodies of this crate ([`FileGrants::resolve`]).
//!
//! A handle is minted in three places only, each by whoever decided which file it names:
//! - the window's native dialog: the user picked the file, and the window hands the path to the
//!   core over its private socket (`switchyard-tray`'s control, never a command of the list):
//!   [`FileGrants::chosen_in_dialog`];
//! - the browser panel's upload: the bytes are kept in a folder of the panel's own under the data
//!   folder ([`FileGrants::upload`], `upload.rs`), under a size cap, a quota per holder and a
//!   total quota;
//! - the browser panel's download place, reserved there for an export or a report to write
//!   ([`FileGrants::reserve`]) and handed to the browser once ([`FileGrants::take_download`]).
//!
//! Invariants:
//! - What a handle names is inside the panel's folder or where the user's own dialog pointed;
//!   a string the caller made up is no handle (it is unknown: a `validation` error).
//! - A handle is good for what it was minted for ([`Access`]): a place to write is not a file
//!   to read, and a price or configuration file the user picked is not written.
//! - A panel holder's files go when its session ends ([`FileGrants::release`]) and all of them
//!   when the process starts; answers and errors name a handle's file as its holder knows it
//!   ([`Granted::shown`]), never the serving machine's folder.

mod upload;

pub use upload::{Refused, Upload, HOLDER_QUOTA, TOTAL_QUOTA, UPLOAD_MAX};

use crate::{ErrorKind, IpcError};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// Ids of places to write start with this, so the page knows to download them afterwards.
pub const DOWNLOAD_PREFIX: &str = "download-";
const UPLOAD_PREFIX: &str = "upload-";
const DIALOG_PREFIX: &str = "file-";

/// A file a command may read or write: the id a native dialog or the panel handed out. Opaque
/// to everyone but [`FileGrants`]; a string that no one handed out names nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(transparent)]
pub struct FileHandle(String);

impl FileHandle {
    /// The id as the page holds it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a file is chosen for: decides the dialog (open or save), its title and its filter, and
/// what the handle may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum FilePurpose {
    /// A `.env` file to find keys in (key import, key sweep; a sweep's move edits it).
    EnvFile,
    /// A price file to load.
    PriceFile,
    /// Where to save a usage export (a save dialog).
    Export,
    /// Where to save a run report (a save dialog).
    Report,
    /// A Switchyard configuration file to import (TOML).
    ConfigFile,
}

impl FilePurpose {
    fn access(self) -> Access {
        match self {
            FilePurpose::EnvFile => Access::ReadWrite,
            FilePurpose::PriceFile | FilePurpose::ConfigFile => Access::Read,
            FilePurpose::Export | FilePurpose::Report => Access::Write,
        }
    }

    /// Whether the file is written (a save dialog, a download place).
    pub fn is_saved(self) -> bool {
        self.access() == Access::Write
    }
}

/// A file the user chose: `id` for the commands, `path` to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ChosenFile {
    pub id: String,
    pub path: String,
}

/// What a command does with a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
    /// Read, and edited in place (a key moved out of a `.env`).
    ReadWrite,
}

impl Access {
    fn allows(self, wanted: Access) -> bool {
        self == Access::ReadWrite || self == wanted
    }
}

/// Who a handle was handed to: the windows of this core, or one browser session.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Holder {
    Window,
    Session(String),
}

#[derive(Debug, Clone)]
struct Grant {
    path: PathBuf,
    shown: String,
    access: Access,
    holder: Holder,
    /// The panel's own folder for this file, removed with the grant (`None`: a dialog's file,
    /// which is the user's).
    folder: Option<PathBuf>,
    /// Bytes it holds of the quotas (uploads).
    bytes: u64,
}

#[derive(Default)]
struct Table {
    grants: HashMap<String, Grant>,
    /// Bytes being uploaded or kept, by holder.
    held: HashMap<Holder, u64>,
    total: u64,
}

/// The core process's handles, by id. Cheap to clone: every clone is the same table.
#[derive(Clone)]
pub struct FileGrants {
    dir: PathBuf,
    table: Arc<Mutex<Table>>,
}

/// A handle resolved for a command: the path to use, and how to name it to its holder.
#[derive(Debug, Clone)]
pub struct Granted {
    path: PathBuf,
    shown: String,
}

impl Granted {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file as its holder knows it (the dialog's path, or "usage.csv (downloaded)").
    pub fn shown(&self) -> String {
        self.shown.clone()
    }

    /// `error` with the serving machine's path of this file replaced by its shown name.
    pub fn scrub(&self, mut error: IpcError) -> IpcError {
        let path = self.path.display().to_string();
        if path.is_empty() || path == self.shown {
            return error;
        }
        error.message = error.message.replace(&path, &self.shown);
        error.hint = error.hint.map(|h| h.replace(&path, &self.shown));
        error
    }
}

fn invalid(message: &str) -> IpcError {
    IpcError::new(ErrorKind::Validation, message)
}

/// A file name the browser gave or the page suggested, as a plain name (no folder).
pub fn plain_name(name: &str) -> Result<&str, IpcError> {
    let plain = !name.is_empty()
        && name.len() <= 255
        && name != "."
        && name != ".."
        && !name
            .chars()
            .any(|c| matches!(c, '/' | '\\') || c.is_control());
    plain
        .then_some(name)
        .ok_or_else(|| invalid("A file name cannot contain a folder or control characters."))
}

fn random_id(prefix: &str) -> String {
    format!(
        "{prefix}{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

impl FileGrants {
    /// Handles whose panel files live in `dir` (the data folder's `panel-files/`), emptied now:
    /// handles of an earlier run name nothing any more.
    pub fn new(dir: PathBuf) -> FileGrants {
        let _ = std::fs::remove_dir_all(&dir);
        FileGrants {
            dir,
            table: Arc::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A file the user picked in the window's native dialog for `purpose`. Called only by the
    /// core process's control socket, with what the window's dialog answered.
    pub fn chosen_in_dialog(&self, path: PathBuf, purpose: FilePurpose) -> ChosenFile {
        let id = random_id(DIALOG_PREFIX);
        let shown = path.display().to_string();
        let grant = Grant {
            path,
            shown: shown.clone(),
            access: purpose.access(),
            holder: Holder::Window,
            folder: None,
            bytes: 0,
        };
        self.lock().grants.insert(id.clone(), grant);
        ChosenFile { id, path: shown }
    }

    /// A private folder of the panel's for one file.
    fn place(&self, id: &str, name: &str) -> Result<(PathBuf, PathBuf), IpcError> {
        let folder = self.dir.join(id);
        let made = std::fs::create_dir_all(&folder).and_then(|()| private(&self.dir));
        made.map_err(|e| {
            tracing::warn!(error = %e, "cannot make the panel's file folder");
            IpcError::new(ErrorKind::File, "The panel could not keep the file.")
        })?;
        Ok((folder.join(name), folder))
    }

    /// A place in the panel's folder for an export or a report named `name`, which `holder`
    /// downloads once a command wrote it ([`FileGrants::take_download`]).
    pub fn reserve(
        &self,
        holder: Holder,
        purpose: FilePurpose,
        name: &str,
    ) -> Result<ChosenFile, IpcError> {
        if !purpose.is_saved() {
            return Err(invalid(
                "In the panel a file to read is uploaded from the browser: choose it again.",
            ));
        }
        let name = plain_name(name)?;
        let id = random_id(DOWNLOAD_PREFIX);
        let (path, folder) = self.place(&id, name)?;
        let grant = Grant {
            path,
            shown: format!("{name} (downloaded)"),
            access: Access::Write,
            holder,
            folder: Some(folder),
            bytes: 0,
        };
        let shown = grant.shown.clone();
        self.lock().grants.insert(id.clone(), grant);
        Ok(ChosenFile { id, path: shown })
    }

    /// The file `handle` names, for `wanted`; a handle no one handed out, or one minted for
    /// something else, is a `validation` error.
    pub fn resolve(&self, handle: &FileHandle, wanted: Access) -> Result<Granted, IpcError> {
        let table = self.lock();
        let grant = table.grants.get(handle.as_str()).ok_or_else(|| {
            invalid("That file was not chosen here, or it has gone; choose it again.")
        })?;
        if !grant.access.allows(wanted) {
            return Err(invalid(match wanted {
                Access::Write => {
                    "That file was chosen to be read, not written: choose where to save."
                }
                _ => {
                    "That file was chosen as a place to save, not a file to read: choose it again."
                }
            }));
        }
        Ok(Granted {
            path: grant.path.clone(),
            shown: grant.shown.clone(),
        })
    }

    /// Resolves `handle` to write, has `write` write its path and answers with the file as its
    /// holder knows it; an error names the file that way too ([`Granted::scrub`]).
    pub async fn write_with<T, E, F, Fut>(
        &self,
        handle: &FileHandle,
        write: F,
    ) -> Result<String, IpcError>
    where
        F: FnOnce(PathBuf) -> Fut,
        Fut: std::future::Future<Output = Result<T, E>>,
        IpcError: From<E>,
    {
        let file = self.resolve(handle, Access::Write)?;
        write(file.path().into())
            .await
            .map_err(|e| file.scrub(e.into()))?;
        Ok(file.shown())
    }

    /// `resolve` for an optional handle.
    pub fn resolve_opt(
        &self,
        handle: Option<&FileHandle>,
        wanted: Access,
    ) -> Result<Option<Granted>, IpcError> {
        handle.map(|h| self.resolve(h, wanted)).transpose()
    }

    /// `resolve` for each handle.
    pub fn resolve_all(
        &self,
        handles: &[FileHandle],
        wanted: Access,
    ) -> Result<Vec<Granted>, IpcError> {
        handles.iter().map(|h| self.resolve(h, wanted)).collect()
    }

    /// The download `id`, once: its name and the path a command wrote, now no longer a
    /// handle. `None` for another holder's id, an upload, or a place nothing was written to.
    pub fn take_download(&self, holder: &Holder, id: &str) -> Option<(String, PathBuf)> {
        if !id.starts_with(DOWNLOAD_PREFIX) {
            return None;
        }
        let mut table = self.lock();
        let grant = table.grants.get(id).filter(|g| &g.holder == holder)?;
        if !grant.path.is_file() {
            return None;
        }
        let grant = table.grants.remove(id)?;
        let name = grant
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Some((name, grant.path))
    }

    /// Everything `holder` was handed (a session that ended): its files are removed.
    pub fn release(&self, holder: &Holder) {
        let gone: Vec<Grant> = {
            let mut table = self.lock();
            let ids: Vec<String> = table
                .grants
                .iter()
                .filter(|(_, g)| &g.holder == holder)
                .map(|(id, _)| id.clone())
                .collect();
            let gone: Vec<Grant> = ids
                .iter()
                .filter_map(|id| table.grants.remove(id))
                .collect();
            let bytes: u64 = gone.iter().map(|g| g.bytes).sum();
            table.total = table.total.saturating_sub(bytes);
            table.held.remove(holder);
            gone
        };
        for grant in gone {
            if let Some(folder) = grant.folder {
                let _ = std::fs::remove_dir_all(folder);
            }
        }
    }

    /// How many bytes `holder` keeps in uploads (and all holders, second).
    pub fn held(&self, holder: &Holder) -> (u64, u64) {
        let table = self.lock();
        (table.held.get(holder).copied().unwrap_or(0), table.total)
    }
}

/// The folder readable by this user only.
fn private(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests;
