//! Files the page works with, chosen only in native dialogs this process opens.
//!
//! The page never sends a path. [`choose_file`] opens the dialog (parented to the window) and
//! hands the chosen path to the core process over the window's private socket
//! ([`switchyard_ipc::wire::GRANT_FILE`], not a command of the list); the core answers with a
//! handle (`switchyard_ipc::files`), which the page passes to the file commands like any other
//! argument. A page that runs script it should not can therefore reach only files the user picked
//! in this window's dialogs, never `~/.ssh` or a file it names itself.

use crate::remote::Remote;
use switchyard_ipc::types::{ChosenFile, FilePurpose};
use switchyard_ipc::{ErrorKind, IpcError};
use tauri::{State, WebviewWindow};
use tauri_plugin_dialog::DialogExt;

type Res<T> = Result<T, IpcError>;

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
    remote: State<'_, Remote>,
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
    let grant = switchyard_ipc::wire::Grant { path, purpose };
    let args = serde_json::to_value(grant).map_err(|_| {
        IpcError::new(
            ErrorKind::File,
            "That file's name cannot be sent to Switchyard's core (it is not valid Unicode).",
        )
    })?;
    remote
        .call(switchyard_ipc::wire::GRANT_FILE, args)
        .await
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suggested_name_holds_no_folder() {
        assert!(plain_file_name("switchyard-requests.csv").is_ok());
        for bad in ["", ".", "..", "../x.csv", "/tmp/x.csv", "a\\b", "a\0b"] {
            assert!(plain_file_name(bad).is_err(), "{bad:?}");
        }
        assert!(plain_file_name(&"a".repeat(256)).is_err());
    }
}
