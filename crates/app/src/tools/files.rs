//! File handling for connections and key moves: bounded reads, atomic writes that keep the
//! original's permissions, masked backups, and the content hash the journal compares.

use crate::AppError;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Largest config or profile file read: these are a few KB; anything bigger is a wrong file.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The suffix of the temporary file a write goes through (`settings.json.switchyard-tmp`).
pub const TMP_SUFFIX: &str = ".switchyard-tmp";

/// Injected crashes for the repair tests: `SWITCHYARD_FAULT=connect-before-rename` aborts the
/// process after the journal and the temp files are written, before the renames;
/// `connect-after-rename` after the renames, before the journal says "connected".
pub const FAULT_ENV: &str = "SWITCHYARD_FAULT";

/// The file's text, `None` when it does not exist.
pub fn read_text(path: &Path) -> Result<Option<String>, AppError> {
    let shown = path.display();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(AppError::File(format!("Cannot read {shown}: {e}."))),
    };
    if !meta.is_file() {
        return Err(AppError::File(format!("{shown} is not a file.")));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(AppError::File(format!(
            "{shown} is larger than 1 MiB; Switchyard edits only small config files."
        )));
    }
    let bytes =
        std::fs::read(path).map_err(|e| AppError::File(format!("Cannot read {shown}: {e}.")))?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| AppError::File(format!("{shown} is not UTF-8 text; nothing was changed.")))
}

/// Hex SHA-256 of a file's content (`None`: absent), as the journal records it.
pub fn digest(text: Option<&str>) -> Option<String> {
    text.map(|t| {
        Sha256::digest(t.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    })
}

/// Where a write to `path` lands: the file a symlink points at (a dotfiles repository keeps its
/// link), else `path` itself.
pub fn write_target(path: &Path) -> PathBuf {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

pub fn tmp_path(path: &Path) -> PathBuf {
    let path = write_target(path);
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(TMP_SUFFIX);
    path.with_file_name(name)
}

/// Writes `text` next to `path` and fsyncs it, with the original's permissions (0600 for a new
/// file: it holds a gateway token). The rename is separate ([`commit`]) so the journal can sit
/// between the two.
pub fn stage(path: &Path, text: &str) -> Result<PathBuf, AppError> {
    let tmp = tmp_path(path);
    let path = &write_target(path);
    let shown = path.display();
    let fail = |e: std::io::Error| AppError::File(format!("Cannot write {shown}: {e}."));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut file = std::fs::File::create(&tmp).map_err(fail)?;
    file.write_all(text.as_bytes()).map_err(fail)?;
    file.sync_all().map_err(fail)?;
    drop(file);
    set_permissions(path, &tmp).map_err(fail)?;
    Ok(tmp)
}

#[cfg(unix)]
fn set_permissions(original: &Path, tmp: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = match std::fs::metadata(original) {
        Ok(m) => m.permissions().mode() & 0o7777,
        Err(_) => 0o600,
    };
    std::fs::set_permissions(tmp, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_permissions(original: &Path, tmp: &Path) -> std::io::Result<()> {
    match std::fs::metadata(original) {
        Ok(m) => std::fs::set_permissions(tmp, m.permissions()),
        Err(_) => Ok(()),
    }
}

/// Renames a staged file over its target (atomic on one filesystem).
pub fn commit(tmp: &Path, path: &Path) -> Result<(), AppError> {
    std::fs::rename(tmp, write_target(path))
        .map_err(|e| AppError::File(format!("Cannot replace {}: {e}.", path.display())))
}

/// Stages and commits in one go (no journal step between).
pub fn write_atomic(path: &Path, text: &str) -> Result<(), AppError> {
    let tmp = stage(path, text)?;
    commit(&tmp, path)
}

pub fn remove(path: &Path) -> Result<(), AppError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(AppError::File(format!(
            "Cannot remove {}: {e}.",
            path.display()
        ))),
    }
}

/// Copies `text` (the file as it was) into `<data>/backups/<stamp>-<tool>-<name>`, 0600, with every
/// provider key the sweep recognises replaced by its masked hint: a backup must not become
/// another plaintext copy of a key (the exact values a connection replaced are in the keychain).
pub fn backup(data_dir: &Path, tool: &str, path: &Path, text: &str) -> Result<PathBuf, AppError> {
    let dir = data_dir.join("backups");
    std::fs::create_dir_all(&dir)
        .map_err(|e| AppError::File(format!("Cannot create {}: {e}.", dir.display())))?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let target = dir.join(format!("{stamp}-{tool}-{name}"));
    write_atomic(&target, &mask_keys(path, text))?;
    Ok(target)
}

/// `text` with every recognised key value replaced by its masked hint.
pub fn mask_keys(path: &Path, text: &str) -> String {
    let source = switchyard_connect::sweep::SourceKind::for_path(path);
    let mut out = text.to_string();
    for found in switchyard_connect::sweep::scan(text, source) {
        out = out.replace(found.value.expose().as_str(), &found.masked);
    }
    out
}

/// The user-facing form of a path: `~/…` under the home folder.
pub fn shown(home: &Path, path: &Path) -> String {
    match path.strip_prefix(home) {
        Ok(rest) => format!("~/{}", rest.display()),
        Err(_) => path.display().to_string(),
    }
}
