//! File handling for connections and key moves: bounded reads, masked backups, the content hash
//! the journal compares, and the tools' lock. Writes go through `crate::atomic` (a connect's
//! write drops every group and other bit, since the file then holds a gateway token); the
//! folders involved were checked first (`folders::check`).

use crate::AppError;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Largest config or profile file read: these are a few KB; anything bigger is a wrong file.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

pub use switchyard_runtime::atomic::{check_replaceable, commit, remove, stage, tmp_path};

/// Replaces `path` with `text` (staged and renamed over it), keeping the original's mode.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), AppError> {
    Ok(switchyard_runtime::atomic::write(path, text.as_bytes())?)
}

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
    let source = switchyard_toolconfig::sweep::SourceKind::for_path(path);
    let mut out = text.to_string();
    for found in switchyard_toolconfig::sweep::scan(text, source) {
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
