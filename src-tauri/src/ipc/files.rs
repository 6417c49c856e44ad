//! Files the page works with, chosen only in native dialogs this process opens.
//!
//! The page never sends a path. [`choose_file`] opens the dialog (parented to the window) and
//! answers with an id for the chosen file and its path to show; the commands that read or write
//! a file take that id, and this process forwards the path it stands for to the core through the
//! typed calls generated from the core's list ([`switchyard_ipc::file_calls`]): no command name
//! or argument key is written here. A page that runs script it should not can
//! therefore reach only files the user picked in this window's dialogs, never `~/.ssh` or a file
//! it names itself. Ids live as long as the window process.

use crate::remote::Remote;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use switchyard_ipc::file_calls as core;
use switchyard_ipc::types::{
    ConfigApproval, ConfigImport, CostRange, ExportDone, ExportFormat, ExportKind, ImportResult,
    ImportScanResult, KeySweep, MovedKey, Prices, ReportFormat,
};
use switchyard_ipc::{ErrorKind, IpcError};
use tauri::{State, WebviewWindow};
use tauri_plugin_dialog::DialogExt;

type Res<T> = Result<T, IpcError>;

/// What a file is chosen for: decides the dialog (open or save), its title and its filter.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum FilePurpose {
    /// A `.env` file to find keys in (key import, key sweep).
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

/// A file the user chose: `id` for the commands, `path` to show.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ChosenFile {
    pub id: String,
    pub path: String,
}

/// Managed state: every file chosen in this window, by id.
#[derive(Default)]
pub struct ChosenFiles {
    next: AtomicU64,
    files: Mutex<HashMap<String, PathBuf>>,
}

impl ChosenFiles {
    fn add(&self, path: PathBuf) -> ChosenFile {
        let id = format!("file-{}", self.next.fetch_add(1, Ordering::Relaxed) + 1);
        let shown = path.display().to_string();
        self.files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(id.clone(), path);
        ChosenFile { id, path: shown }
    }

    /// The path `id` stands for; an id this window never handed out is a validation error.
    fn path(&self, id: &str) -> Res<PathBuf> {
        self.files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(id)
            .cloned()
            .ok_or_else(|| {
                IpcError::new(
                    ErrorKind::Validation,
                    "That file was not chosen in this window; choose it again.",
                )
            })
    }

    fn paths(&self, ids: &[String]) -> Res<Vec<PathBuf>> {
        ids.iter().map(|id| self.path(id)).collect()
    }

    fn path_opt(&self, id: Option<&str>) -> Res<Option<PathBuf>> {
        id.map(|id| self.path(id)).transpose()
    }
}

/// A suggested name must be a plain file name: the dialog, not the page, picks the folder.
fn plain_file_name(name: &str) -> Res<&str> {
    let plain = !name.is_empty()
        && name.len() <= 255
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0']);
    if plain {
        Ok(name)
    } else {
        Err(IpcError::new(
            ErrorKind::Validation,
            "A suggested file name cannot contain a folder.",
        ))
    }
}

/// Opens the native dialog for `purpose` (a save dialog for exports, suggesting `file_name`) and
/// answers with the chosen file, or null when the user cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_file(
    window: WebviewWindow,
    chosen: State<'_, ChosenFiles>,
    purpose: FilePurpose,
    file_name: Option<String>,
) -> Res<Option<ChosenFile>> {
    let mut dialog = window.dialog().file().set_parent(&window);
    if let Some(name) = &file_name {
        dialog = dialog.set_file_name(plain_file_name(name)?);
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let send = move |picked: Option<tauri_plugin_dialog::FilePath>| {
        let _ = tx.send(picked);
    };
    match purpose {
        FilePurpose::EnvFile => dialog.set_title("Choose a .env file").pick_file(send),
        FilePurpose::PriceFile => dialog
            .set_title("Choose a price file")
            .add_filter("Price files (JSON)", &["json"])
            .pick_file(send),
        FilePurpose::ConfigFile => dialog
            .set_title("Choose a configuration file")
            .add_filter("Switchyard configuration (TOML)", &["toml"])
            .pick_file(send),
        FilePurpose::Export | FilePurpose::Report => {
            let ext = file_name
                .as_deref()
                .and_then(|n| n.rsplit_once('.'))
                .map(|(_, ext)| ext.to_ascii_lowercase());
            let dialog = dialog.set_title(match purpose {
                FilePurpose::Report => "Save the report",
                _ => "Save the export",
            });
            match ext.as_deref() {
                Some("csv") => dialog.add_filter("CSV", &["csv"]).save_file(send),
                Some("json") => dialog.add_filter("JSON", &["json"]).save_file(send),
                Some("html") => dialog.add_filter("Web page", &["html"]).save_file(send),
                Some("xml") => dialog.add_filter("JUnit XML", &["xml"]).save_file(send),
                Some("toml") => dialog.add_filter("TOML", &["toml"]).save_file(send),
                _ => dialog.save_file(send),
            }
        }
    }
    let Some(picked) = rx.await.ok().flatten() else {
        return Ok(None);
    };
    let path = picked.into_path().map_err(|e| {
        tracing::warn!(error = %e, "the dialog answered with something other than a file");
        IpcError::new(ErrorKind::File, "That is not a file on this computer.")
    })?;
    Ok(Some(chosen.add(path)))
}

/// The window's file commands: each takes the page's arguments (file ids among them), resolves
/// the ids to the paths they stand for in `$chosen` (ids this window handed out, nothing else)
/// and forwards them through the typed core call of the same name.
macro_rules! file_commands {
    ($($(#[$doc:meta])* fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty, |$chosen:ident| ($($pass:expr),*);)*) => {
        $(
            $(#[$doc])*
            #[tauri::command]
            #[specta::specta]
            pub async fn $name(
                remote: State<'_, Remote>,
                $chosen: State<'_, ChosenFiles>,
                $($arg: $ty),*
            ) -> Res<$ret> {
                core::$name(&*remote, $($pass),*).await
            }
        )*
    };
}

file_commands! {
    /// Finds keys in the environment and, if given, a chosen `.env` file. Results are masked.
    fn scan_import(file: Option<String>) -> ImportScanResult,
        |chosen| (chosen.path_opt(file.as_deref())?);
    /// Imports the findings `ids` of the last scan of the same file.
    fn import_keys(file: Option<String>, ids: Vec<String>) -> ImportResult,
        |chosen| (chosen.path_opt(file.as_deref())?, ids);
    /// Loads a chosen price file; a malformed one is refused with the reason.
    fn load_price_file(file: String) -> Prices, |chosen| (chosen.path(&file)?);
    /// Writes the ledger or its rollups for a range as CSV or JSON to a file chosen in the save
    /// dialog or, when null, into the data folder's `exports/`; says where.
    fn export_usage(range: CostRange, kind: ExportKind, format: ExportFormat, file: Option<String>) -> ExportDone,
        |chosen| (range, kind, format, chosen.path_opt(file.as_deref())?);
    /// Provider keys in shell profiles, the tools' files and the chosen `files`, masked.
    fn find_keys(files: Vec<String>) -> KeySweep, |chosen| (chosen.paths(&files)?);
    /// Tests finding `id` (from `find_keys` over the same files), stores it under `backend_id`
    /// (or the first backend of its kind, else a new one) and takes it out of its file.
    fn move_key(id: String, files: Vec<String>, backend_id: Option<String>) -> MovedKey,
        |chosen| (id, chosen.paths(&files)?, backend_id);
    /// Writes stored readiness run `run_id`'s report as `format` to a file chosen in the save
    /// dialog; answers with the path written.
    fn export_readiness_report(run_id: String, format: ReportFormat, file: String) -> String,
        |chosen| (run_id, format, chosen.path(&file)?);
    /// Writes stored drill run `run_id`'s report as `format` to a file chosen in the save
    /// dialog; answers with the path written.
    fn export_drill_report(run_id: String, format: ReportFormat, file: String) -> String,
        |chosen| (run_id, format, chosen.path(&file)?);
    /// Writes the configuration (no secrets) as TOML to a file chosen in the save dialog;
    /// answers with the path written.
    fn export_config(file: String) -> String, |chosen| (chosen.path(&file)?);
    /// Previews (`dry_run`) or applies the chosen configuration file; applied only with no
    /// issue and every key-host and exposure change in `approved` (what the dialog showed).
    fn import_config(file: String, dry_run: bool, approved: ConfigApproval) -> ConfigImport,
        |chosen| (chosen.path(&file)?, dry_run, approved);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ids_handed_out_resolve() {
        let files = ChosenFiles::default();
        let chosen = files.add(PathBuf::from("/p/.env"));
        assert_eq!(chosen.path, "/p/.env");
        assert_eq!(files.path(&chosen.id).ok(), Some(PathBuf::from("/p/.env")));
        for forged in ["/etc/passwd", "file-0", "file-2", ""] {
            let e = files.path(forged).err().map(|e| e.kind);
            assert!(matches!(e, Some(ErrorKind::Validation)), "{forged}");
        }
        assert!(files.paths(&[chosen.id.clone(), "x".into()]).is_err());
        assert_eq!(files.path_opt(None).ok(), Some(None));
    }

    #[test]
    fn a_suggested_name_holds_no_folder() {
        assert!(plain_file_name("switchyard-requests.csv").is_ok());
        for bad in ["", ".", "..", "../x.csv", "/tmp/x.csv", "a\\b", "a\0b"] {
            assert!(plain_file_name(bad).is_err(), "{bad:?}");
        }
        assert!(plain_file_name(&"a".repeat(256)).is_err());
    }
}
