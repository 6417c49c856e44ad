//! The panel's files: where the window opens a native dialog, the browser uploads or downloads.
//! A file to read (a `.env`, a price file, a configuration) is uploaded ([`Files::upload`]) into
//! the data folder's private `panel-files/` and named by a random id; a file to write (an
//! export, a report) is a place reserved there ([`Files::choose`]), which the browser downloads
//! once the command wrote it ([`Files::download`]). The file commands get the paths those ids
//! stand for ([`Files::core_args`]), as the window's resolve its dialog's ids: a page can name
//! only files it uploaded or places the panel reserved, never a path of its own.

use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use switchyard_ipc::{ErrorKind, IpcError};

/// The largest upload: far above any `.env`, price or configuration file.
pub const MAX_UPLOAD: usize = 16 * 1024 * 1024;
/// Ids of places to write start with this, so the page knows to download them afterwards.
pub const DOWNLOAD_PREFIX: &str = "download-";

#[derive(Clone)]
struct Entry {
    path: PathBuf,
    name: String,
}

/// The uploaded files and reserved places of this process, by id.
#[derive(Clone)]
pub struct Files {
    dir: PathBuf,
    map: Arc<Mutex<HashMap<String, Entry>>>,
}

/// What the window's `choose_file` is asked for, with the page's argument names in the core's
/// case (`fileName` → `file_name`, as every command's are: `commands::core_args`).
#[derive(serde::Deserialize)]
struct Choose {
    purpose: String,
    file_name: Option<String>,
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
        && !name.contains(['/', '\\', '\0']);
    plain
        .then_some(name)
        .ok_or_else(|| invalid("A file name cannot contain a folder."))
}

fn random_id(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

impl Files {
    /// Files kept in `dir` (the data folder's `panel-files/`), emptied now: ids of an earlier
    /// run mean nothing any more.
    pub fn new(dir: PathBuf) -> Files {
        let _ = std::fs::remove_dir_all(&dir);
        Files {
            dir,
            map: Arc::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A private folder for one file (the folder only this user reads).
    fn place(&self, id: &str, name: &str) -> Result<PathBuf, IpcError> {
        let folder = self.dir.join(id);
        let made = std::fs::create_dir_all(&folder).and_then(|()| private(&self.dir));
        made.map_err(|e| {
            tracing::warn!(error = %e, "cannot make the panel's file folder");
            IpcError::new(ErrorKind::File, "The panel could not keep the file.")
        })?;
        Ok(folder.join(name))
    }

    /// `choose_file`: a place to write for an export or a report; a file to read must be
    /// uploaded instead (the page does that before it calls).
    pub fn choose(&self, args: &Value) -> Result<Value, IpcError> {
        let ask: Choose = serde_json::from_value(args.clone())
            .map_err(|_| invalid("The arguments of “choose_file” do not fit the command."))?;
        if !matches!(ask.purpose.as_str(), "export" | "report") {
            return Err(invalid(
                "In the panel a file to read is uploaded from the browser: choose it again.",
            ));
        }
        let name = plain_name(ask.file_name.as_deref().unwrap_or("switchyard-export"))?;
        let id = random_id(DOWNLOAD_PREFIX);
        let path = self.place(&id, name)?;
        self.lock().insert(
            id.clone(),
            Entry {
                path,
                name: name.to_string(),
            },
        );
        Ok(json!({ "id": id, "path": name }))
    }

    /// Keeps an uploaded file named `name`; answers as `choose_file` does.
    pub fn upload(&self, name: &str, bytes: &[u8]) -> Result<Value, IpcError> {
        let name = plain_name(name)?;
        let id = random_id("upload-");
        let path = self.place(&id, name)?;
        std::fs::write(&path, bytes).map_err(|e| {
            tracing::warn!(error = %e, "cannot keep an uploaded file");
            IpcError::new(
                ErrorKind::File,
                "The panel could not keep the uploaded file.",
            )
        })?;
        self.lock().insert(
            id.clone(),
            Entry {
                path,
                name: name.to_string(),
            },
        );
        Ok(json!({ "id": id, "path": format!("{name} (uploaded)") }))
    }

    /// A written download's name and bytes, once; the file is then gone.
    pub fn download(&self, id: &str) -> Option<(String, Vec<u8>)> {
        if !id.starts_with(DOWNLOAD_PREFIX) {
            return None;
        }
        let entry = self.lock().get(id).cloned()?;
        let bytes = std::fs::read(&entry.path).ok()?;
        self.lock().remove(id);
        if let Some(folder) = entry.path.parent() {
            let _ = std::fs::remove_dir_all(folder);
        }
        Some((entry.name, bytes))
    }

    fn path(&self, id: &Value) -> Result<Value, IpcError> {
        let id = id.as_str().unwrap_or_default();
        let map = self.lock();
        let entry = map.get(id).ok_or_else(|| {
            invalid("That file was not uploaded to this panel, or it has gone; choose it again.")
        })?;
        Ok(json!(entry.path.display().to_string()))
    }

    /// A file command's answer as the page shows it: a path the panel stands for named as the
    /// browser knows it ("usage.csv (downloaded)"), never the serving machine's folder.
    pub fn shown(&self, answer: Value) -> Value {
        let names: HashMap<String, String> = self
            .lock()
            .iter()
            .map(|(id, entry)| {
                let how = if id.starts_with(DOWNLOAD_PREFIX) {
                    "downloaded"
                } else {
                    "uploaded"
                };
                let path = entry.path.display().to_string();
                (path, format!("{} ({how})", entry.name))
            })
            .collect();
        renamed(answer, &names)
    }

    /// A file command's arguments with its file ids as the paths they stand for, under the
    /// core's names (`file` → `env_file` or `path`, `files` → `extra_files`).
    pub fn core_args(&self, command: &str, args: Value) -> Result<Value, IpcError> {
        let Value::Object(mut fields) = args else {
            return Ok(args);
        };
        if let Some(file) = fields.remove("file") {
            let key = match command {
                "scan_import" | "import_keys" => "env_file",
                _ => "path",
            };
            let path = if file.is_null() {
                Value::Null
            } else {
                self.path(&file)?
            };
            fields.insert(key.into(), path);
        }
        if let Some(files) = fields.remove("files") {
            let ids = files.as_array().cloned().unwrap_or_default();
            let paths = ids
                .iter()
                .map(|id| self.path(id))
                .collect::<Result<Vec<_>, _>>()?;
            fields.insert("extra_files".into(), Value::Array(paths));
        }
        Ok(Value::Object(fields))
    }
}

/// `value` with every string that is a key of `names` replaced by its name.
fn renamed(value: Value, names: &HashMap<String, String>) -> Value {
    match value {
        Value::String(s) => Value::String(names.get(&s).cloned().unwrap_or(s)),
        Value::Array(items) => Value::Array(items.into_iter().map(|v| renamed(v, names)).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(k, v)| (k, renamed(v, names)))
                .collect(),
        ),
        other => other,
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
mod tests {
    use super::*;

    /// Arguments as the page sends them, as `choose` gets them.
    fn page(args: Value) -> Value {
        crate::commands::core_args(args)
    }

    #[test]
    fn only_ids_the_panel_handed_out_become_paths() {
        let tmp = tempfile::tempdir().unwrap();
        let files = Files::new(tmp.path().join("panel-files"));
        let up = files.upload(".env", b"OPENAI_API_KEY=x").unwrap();
        let id = up["id"].as_str().unwrap();
        let args = files.core_args("scan_import", json!({"file": id})).unwrap();
        let path = args["env_file"].as_str().unwrap();
        assert_eq!(std::fs::read(path).unwrap(), b"OPENAI_API_KEY=x");
        for forged in ["/etc/passwd", "upload-0", ""] {
            assert!(
                files
                    .core_args("scan_import", json!({"file": forged}))
                    .is_err(),
                "{forged} is not a file the panel handed out"
            );
        }
        assert_eq!(
            files
                .core_args("export_usage", json!({"file": null}))
                .unwrap(),
            json!({"path": null})
        );
        assert!(files.upload("../x", b"").is_err(), "no folder in a name");
    }

    #[test]
    fn a_download_is_given_once_after_the_command_wrote_it() {
        let tmp = tempfile::tempdir().unwrap();
        let files = Files::new(tmp.path().join("panel-files"));
        let chosen = files
            .choose(&page(json!({"purpose": "export", "fileName": "usage.csv"})))
            .unwrap();
        let id = chosen["id"].as_str().unwrap();
        assert!(id.starts_with(DOWNLOAD_PREFIX));
        assert!(files.download(id).is_none(), "nothing written yet");
        let args = files
            .core_args("export_config", json!({"file": id}))
            .unwrap();
        let written = args["path"].clone();
        assert_eq!(
            files.shown(json!({"path": written, "rows": 2})),
            json!({"path": "usage.csv (downloaded)", "rows": 2}),
            "the page never sees the serving machine's folder"
        );
        std::fs::write(args["path"].as_str().unwrap(), "a,b\n").unwrap();
        assert_eq!(
            files.download(id),
            Some(("usage.csv".to_string(), b"a,b\n".to_vec()))
        );
        assert!(files.download(id).is_none(), "once");
        assert!(
            files
                .choose(&page(json!({"purpose": "envFile", "fileName": null})))
                .is_err(),
            "a file to read is uploaded"
        );
    }
}
