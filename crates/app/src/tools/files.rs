//! File handling for connections and key moves: bounded reads, atomic writes that keep the
//! original's permissions (a connect's write also drops every group and other bit, since the
//! file then holds a gateway token), masked backups, and the content hash the journal compares.
//!
//! Invariants: a write never goes through a name someone else placed: the temporary file is
//! created new (`O_EXCL`, never following a link), then renamed over the target (a rename
//! replaces a link rather than following it); a symlinked dotfile is written at its target,
//! resolved once, and the folders involved were checked first (`folders::check`).

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
/// `connect-after-rename` after the renames, before the journal says "connected";
/// `touch-before-rename` edits the first file (as the tool saving it would) just before the
/// renames.
pub const FAULT_ENV: &str = "SWITCHYARD_FAULT";

/// `<data>/tools.lock`, held exclusively: connects, disconnects, key moves and the start-up
/// repair of every Switchyard process on one data folder take turns (a CLI's repair never rolls
/// back a connect the app is in the middle of). Released when dropped.
pub struct ToolsLock(#[allow(dead_code, reason = "held for its lock")] std::fs::File);

pub fn lock(data_dir: &Path) -> Result<ToolsLock, AppError> {
    let path = data_dir.join("tools.lock");
    let fail = |e: std::io::Error| AppError::File(format!("Cannot lock {}: {e}.", path.display()));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(false)
        .open(&path)
        .map_err(fail)?;
    fs4::fs_std::FileExt::lock_exclusive(&file).map_err(fail)?;
    Ok(ToolsLock(file))
}

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
pub fn check_replaceable(path: &Path) -> Result<(), AppError> {
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
        return Err(AppError::File(format!(
            "{} is read-only, so Switchyard left it as it is; {fix}, then try again.",
            path.display()
        )));
    }
    held_open(path)
}

#[cfg(windows)]
fn held_open(path: &Path) -> Result<(), AppError> {
    use std::os::windows::fs::OpenOptionsExt;
    /// The `DELETE` access right: what replacing the file by a rename needs from its sharers.
    const DELETE: u32 = 0x0001_0000;
    const SHARING_VIOLATION: i32 = 32;
    const LOCK_VIOLATION: i32 = 33;
    match std::fs::OpenOptions::new().access_mode(DELETE).open(path) {
        Err(e) if matches!(e.raw_os_error(), Some(SHARING_VIOLATION | LOCK_VIOLATION)) => {
            Err(AppError::File(format!(
                "{} is open in another program that keeps others from changing it; close it there, then try again. Nothing was changed.",
                path.display()
            )))
        }
        _ => Ok(()),
    }
}

#[cfg(not(windows))]
fn held_open(_path: &Path) -> Result<(), AppError> {
    Ok(())
}

/// Writes `text` next to `path` and fsyncs it for a connect: private to the user (the
/// original's mode without group or other bits; 0600 for a new file), since it holds a gateway
/// token. The rename is separate ([`commit`]) so the journal can sit between the two.
pub fn stage(path: &Path, text: &str) -> Result<PathBuf, AppError> {
    stage_as(path, text, true)
}

/// As [`stage`]; `private` drops the group and other bits of the original's mode, else it is
/// kept as it is.
fn stage_as(path: &Path, text: &str, private: bool) -> Result<PathBuf, AppError> {
    let tmp = tmp_path(path);
    let path = &write_target(path);
    let shown = path.display();
    let fail = |e: std::io::Error| AppError::File(format!("Cannot write {shown}: {e}."));
    check_replaceable(path)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(AppError::File(format!(
            "{shown} is a link to a file that does not exist; fix the link, then try again."
        )));
    }
    // A stale temp file (or a link planted there) goes first; the new one is private from its
    // first byte (it holds a token), then gets the original's mode.
    remove(&tmp)?;
    let mut file = create_private(&tmp).map_err(fail)?;
    file.write_all(text.as_bytes()).map_err(fail)?;
    file.sync_all().map_err(fail)?;
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
pub fn commit(tmp: &Path, path: &Path) -> Result<(), AppError> {
    std::fs::rename(tmp, write_target(path))
        .map_err(|e| AppError::File(format!("Cannot replace {}: {e}.", path.display())))
}

/// Stages and commits in one go (no journal step between), keeping the original's mode.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), AppError> {
    let tmp = stage_as(path, text, false)?;
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
/// provider key the sweep recognises and every gateway token masked: a backup must not become
/// another plaintext copy of a credential (the exact values a connection replaced are in the
/// keychain, and Disconnect restores them; a backup is for reading what the file held).
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

/// `text` with every recognised provider key replaced by its masked hint, and every gateway
/// token (`sy-` + 64 hex digits) by `sy-…`.
pub fn mask_keys(path: &Path, text: &str) -> String {
    let source = switchyard_connect::sweep::SourceKind::for_path(path);
    let mut out = text.to_string();
    for found in switchyard_connect::sweep::scan(text, source) {
        out = out.replace(found.value.expose().as_str(), &found.masked);
    }
    mask_tokens(&out)
}

fn mask_tokens(text: &str) -> String {
    const PREFIX: &str = crate::tokens::TOKEN_PREFIX;
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(PREFIX) {
        let tail = &rest[at + PREFIX.len()..];
        let hex = tail.bytes().take_while(u8::is_ascii_hexdigit).count();
        out.push_str(&rest[..at]);
        if hex >= 32 {
            out.push_str(PREFIX);
            out.push('…');
            rest = &tail[hex..];
        } else {
            out.push_str(PREFIX);
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// The user-facing form of a path: `~/…` under the home folder (`~\…` on Windows).
pub fn shown(home: &Path, path: &Path) -> String {
    match path.strip_prefix(home) {
        Ok(rest) => format!("~{}{}", std::path::MAIN_SEPARATOR, rest.display()),
        Err(_) => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backups_mask_provider_keys_and_gateway_tokens() {
        let token = format!("sy-{}", "ab12".repeat(16));
        let key = "sk-ant-api03-CANARYc4n4ryC4N4RYc4n4ryC4N4RY0123";
        let text = format!("ANTHROPIC_API_KEY={key}\nSWITCHYARD_TOKEN={token}\nNOTE=sy-short\n");
        let masked = mask_keys(Path::new(".env"), &text);
        assert!(
            !masked.contains(key) && !masked.contains(&token),
            "{masked}"
        );
        assert!(masked.contains("SWITCHYARD_TOKEN=sy-…\n"), "{masked}");
        assert!(masked.contains("NOTE=sy-short"), "{masked}");
    }
}
