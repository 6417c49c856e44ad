//! Replacing a file whole, written once for the app: a new file is staged next to the target
//! (created new, private from its first byte, fsynced, then given the original's mode) and
//! renamed over it, so a crash leaves the old file or the new one. Tool configs (with a journal
//! step between stage and commit), price files, reports, exports and the configuration file all
//! go through here.
//!
//! Invariants: a write never goes through a name someone else placed: the temporary file is
//! created new (`O_EXCL`, never following a link), then renamed over the target (a rename
//! replaces a link rather than following it); a symlinked dotfile is written at its target,
//! resolved once; a file marked read-only, or on Windows held open without delete sharing, is
//! refused before anything is written.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a file could not be written or replaced: one sentence naming the file and what to do
/// (the app shows it as its `File` error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError(pub String);

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FileError {}

/// The suffix of the temporary file a write goes through (`settings.json.switchyard-tmp`).
pub const TMP_SUFFIX: &str = ".switchyard-tmp";

/// Where a write to `path` lands: the file a symlink points at (a dotfiles repository keeps its
/// link), else `path` itself.
pub fn write_target(path: &Path) -> PathBuf {
    match std::fs::symlink_metadata(path) {
        // A dangling link resolves to nothing: `stage` refuses it rather than replace the link.
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

/// Refuses a file Switchyard must not or cannot replace, before anything is written: one marked
/// read-only (the user's way of saying "leave it"), and on Windows one another program holds
/// open without letting others replace it (an editor's lock: a sharing violation). Absent is
/// fine.
pub fn check_replaceable(path: &Path) -> Result<(), FileError> {
    let path = &write_target(path);
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(());
    };
    if meta.permissions().readonly() {
        let fix = if cfg!(windows) {
            format!(
                "clear its Read-only attribute (attrib -r \"{}\")",
                path.display()
            )
        } else {
            format!("make it writable (chmod u+w '{}')", path.display())
        };
        return Err(FileError(format!(
            "{} is read-only, so Switchyard left it as it is; {fix}, then try again.",
            path.display()
        )));
    }
    held_open(path)
}

#[cfg(windows)]
fn held_open(path: &Path) -> Result<(), FileError> {
    use std::os::windows::fs::OpenOptionsExt;
    /// The `DELETE` access right: what replacing the file by a rename needs from its sharers.
    const DELETE: u32 = 0x0001_0000;
    const SHARING_VIOLATION: i32 = 32;
    const LOCK_VIOLATION: i32 = 33;
    match std::fs::OpenOptions::new().access_mode(DELETE).open(path) {
        Err(e) if matches!(e.raw_os_error(), Some(SHARING_VIOLATION | LOCK_VIOLATION)) => {
            Err(FileError(format!(
                "{} is open in another program that keeps others from changing it; close it there, then try again. Nothing was changed.",
                path.display()
            )))
        }
        _ => Ok(()),
    }
}

#[cfg(not(windows))]
fn held_open(_path: &Path) -> Result<(), FileError> {
    Ok(())
}

/// Writes `text` next to `path` and fsyncs it for a connect: private to the user (the
/// original's mode without group or other bits; 0600 for a new file), since it holds a gateway
/// token. The rename is separate ([`commit`]) so the journal can sit between the two.
pub fn stage(path: &Path, text: &str) -> Result<PathBuf, FileError> {
    stage_with(path, true, |f| f.write_all(text.as_bytes()))
}

/// Writes a new file next to `path` with `write` and fsyncs it; `private` drops the group and
/// other bits of the original's mode (0600 for a new file), else the original's mode is kept.
/// Returns the staged file, for [`commit`].
pub fn stage_with(
    path: &Path,
    private: bool,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<PathBuf, FileError> {
    let tmp = tmp_path(path);
    let path = &write_target(path);
    let shown = path.display();
    let fail = |e: std::io::Error| FileError(format!("Cannot write {shown}: {e}."));
    check_replaceable(path)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(FileError(format!(
            "{shown} is a link to a file that does not exist; fix the link, then try again."
        )));
    }
    // A stale temp file (or a link planted there) goes first; the new one is private from its
    // first byte (it may hold a token), then gets the original's mode.
    remove(&tmp)?;
    let mut file = create_private(&tmp).map_err(fail)?;
    if let Err(e) = write(&mut file).and_then(|()| file.sync_all()) {
        drop(file);
        let _ = remove(&tmp);
        return Err(fail(e));
    }
    drop(file);
    set_permissions(path, &tmp, private).map_err(fail)?;
    Ok(tmp)
}

#[cfg(unix)]
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(unix)]
fn set_permissions(original: &Path, tmp: &Path, private: bool) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = match std::fs::metadata(original) {
        Ok(m) => m.permissions().mode() & 0o7777,
        Err(_) => 0o600,
    };
    let mode = if private { mode & !0o077 } else { mode };
    std::fs::set_permissions(tmp, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_permissions(original: &Path, tmp: &Path, _private: bool) -> std::io::Result<()> {
    match std::fs::metadata(original) {
        Ok(m) => std::fs::set_permissions(tmp, m.permissions()),
        Err(_) => Ok(()),
    }
}

/// Renames a staged file over its target (atomic on one filesystem).
pub fn commit(tmp: &Path, path: &Path) -> Result<(), FileError> {
    std::fs::rename(tmp, write_target(path))
        .map_err(|e| FileError(format!("Cannot replace {}: {e}.", path.display())))
}

/// Replaces `path` with `bytes` in one go (staged, then renamed over it), keeping the
/// original's mode: a crash leaves the old file or the new one, never half of either.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    write_with(path, |f| f.write_all(bytes))
}

/// As [`write`], with what `write` streams into the new file (an export).
pub fn write_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), FileError> {
    let tmp = stage_with(path, false, write)?;
    commit(&tmp, path)
}

pub fn remove(path: &Path) -> Result<(), FileError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(FileError(format!("Cannot remove {}: {e}.", path.display()))),
    }
}
