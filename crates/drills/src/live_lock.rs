//! One live drill at a time per data folder, across every Switchyard process on it (the window,
//! `switchyard drill live` in any number of terminals): `<data>/live-drill.lock`, held with an
//! exclusive advisory lock (`flock` on Unix, `LockFileEx` on Windows) from before the first
//! key is read until the run's spend is in the ledger. Without it, two runs started at once
//! could each spend up to the maximum the user confirmed, so the user would pay twice what
//! they allowed.
//!
//! Invariants: the lock is taken without waiting (a second run is refused at once with
//! [`LiveBusy`], nothing spent); the operating system releases it when the holder drops it or
//! its process ends however it ends, so a crashed run never blocks the next; the file says
//! only when the run started and which program holds it (no route, key or amount).

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::Path;
use switchyard_app::AppError;

/// The lock file's name in the data folder.
pub const LOCK_FILE: &str = "live-drill.lock";

/// The most of the lock file read back for the refusal (it holds two short lines).
const MAX_HOLDER_BYTES: u64 = 1024;

/// The live-drill lock; released when dropped.
pub(crate) struct LiveLock {
    _file: File,
}

/// A live drill is already running on this data folder: who holds the lock, as it wrote it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "A live drill is already running ({}); wait for it to finish or stop it (Cancel on the Drills page, or Ctrl+C where `switchyard drill live` runs), then try again. Nothing was spent.",
    holder_text(.started.as_deref(), .by.as_deref())
)]
pub struct LiveBusy {
    /// When the running drill started, local time (`HH:MM`); `None` when it cannot be read.
    pub started: Option<String>,
    /// The program holding the lock (`switchyard-serve drill live, process 4242`).
    pub by: Option<String>,
}

fn holder_text(started: Option<&str>, by: Option<&str>) -> String {
    match (started, by) {
        (Some(at), Some(by)) => format!("started {at} by {by}"),
        (None, Some(by)) => format!("started by {by}"),
        (Some(at), None) => format!("started {at}"),
        (None, None) => "started by another Switchyard process".into(),
    }
}

impl From<LiveBusy> for AppError {
    fn from(e: LiveBusy) -> Self {
        AppError::Conflict(e.to_string())
    }
}

/// Takes the live-drill lock of `data_dir`, or answers who holds it. Blocking (file I/O): call
/// it on the blocking pool.
pub(crate) fn acquire(data_dir: &Path) -> Result<LiveLock, AppError> {
    let path = data_dir.join(LOCK_FILE);
    let fail = |e: std::io::Error| {
        AppError::File(format!(
            "Cannot lock {} for the live drill: {e}. Check that the data folder is yours and writable.",
            path.display()
        ))
    };
    // Not truncated on open: the holder's lines must survive until this process owns the lock.
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(fail)?;
    if !fs4::fs_std::FileExt::try_lock_exclusive(&file).map_err(fail)? {
        let mut held = String::new();
        // Unreadable (Windows locks are mandatory) or half written: the refusal says less.
        let _ = (&mut file).take(MAX_HOLDER_BYTES).read_to_string(&mut held);
        return Err(parse_holder(&held).into());
    }
    file.set_len(0).map_err(fail)?;
    file.rewind().map_err(fail)?;
    file.write_all(holder_lines().as_bytes()).map_err(fail)?;
    file.flush().map_err(fail)?;
    Ok(LiveLock { _file: file })
}

/// `started=<RFC 3339, local offset>` and `by=<program, process id>`.
fn holder_lines() -> String {
    let started = chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    format!("started={started}\nby={}\n", this_program())
}

/// The program and its first plain words (`switchyard-serve drill live`), and its process id.
/// Flags and their values are left out.
fn this_program() -> String {
    let mut args = std::env::args_os();
    let exe = args
        .next()
        .and_then(|a| {
            Path::new(&a)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "Switchyard".into());
    let words: Vec<String> = args
        .map(|a| a.to_string_lossy().into_owned())
        .take_while(|a| !a.starts_with('-'))
        .take(2)
        .collect();
    let command = std::iter::once(exe)
        .chain(words)
        .collect::<Vec<_>>()
        .join(" ");
    format!("{command}, process {}", std::process::id())
}

/// What the holder wrote, as [`LiveBusy`].
fn parse_holder(text: &str) -> LiveBusy {
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix('='))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    LiveBusy {
        started: field("started")
            .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.with_timezone(&chrono::Local).format("%H:%M").to_string()),
        by: field("by").map(|b| b.chars().take(200).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_folder_is_refused_with_who_holds_it_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let first = acquire(dir.path()).unwrap();
        let refused = acquire(dir.path()).err().expect("one live drill at a time");
        let message = refused.to_string();
        assert!(
            matches!(refused, AppError::Conflict(_)),
            "a conflict the window can show: {refused:?}"
        );
        assert!(
            message.starts_with("A live drill is already running (started ")
                && message.contains(&format!("process {}", std::process::id()))
                && message.contains("Nothing was spent."),
            "the refusal names the holder and that nothing was spent: {message}"
        );
        drop(first);
        assert!(
            acquire(dir.path()).is_ok(),
            "the lock is free again once the run that held it ends"
        );
    }

    #[test]
    fn a_holder_file_that_cannot_be_read_still_gives_a_clear_refusal() {
        assert_eq!(
            parse_holder("garbage").to_string(),
            "A live drill is already running (started by another Switchyard process); wait for it to finish or stop it (Cancel on the Drills page, or Ctrl+C where `switchyard drill live` runs), then try again. Nothing was spent."
        );
        let busy = parse_holder(
            "started=2024-05-01T14:02:09+00:00\nby=switchyard drill live, process 7\n",
        );
        assert!(busy.started.is_some(), "the time is read back: {busy:?}");
        assert_eq!(busy.by.as_deref(), Some("switchyard drill live, process 7"));
    }
}
