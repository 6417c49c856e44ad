//! Watching the tools' record folders (the `notify` crate: inotify, ReadDirectoryChangesW,
//! FSEvents) so a new line is imported within seconds rather than at the next 30 s pass.
//! A burst of writes (Claude Code flushes every 100 ms) becomes one pass after a short quiet
//! time. Folders that do not exist yet are not watched: the periodic pass finds them.

use notify::{RecursiveMode, Watcher};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// How long after the last change a pass starts.
pub(super) const QUIET: Duration = Duration::from_millis(500);

/// Watches `roots` (those that exist); `changed` is notified on every change under them. The
/// watcher stops when the returned value is dropped.
pub(super) fn watch(roots: &[PathBuf], changed: Arc<Notify>) -> Option<notify::RecommendedWatcher> {
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|e| !e.kind.is_access()) {
            changed.notify_one();
        }
    })
    .map_err(|e| tracing::debug!(error = %e, "tool records not watched"))
    .ok()?;
    let mut watched = 0;
    for root in roots.iter().filter(|r| r.is_dir()) {
        match watcher.watch(root, RecursiveMode::Recursive) {
            Ok(()) => watched += 1,
            Err(e) => tracing::debug!(root = %root.display(), error = %e, "not watched"),
        }
    }
    (watched > 0).then_some(watcher)
}
