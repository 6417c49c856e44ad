//! The window's lifecycle. The window process *is* the window: the core, gateway, monitor and
//! tray live in the core process (`switchyard-tray`), so closing the window ends this process
//! and no WebKit memory stays behind.
//!
//! - Closing the window tells the core (`window_closed`): with "keep running in the tray" on
//!   (the default) the core keeps serving and says so once in a notification; with it off, the
//!   core quits too. Then this process exits.
//! - Open (the tray's "Open Switchyard", a second launch) starts this process again; a launch
//!   while the window is open brings it to the front instead (single instance).
//! - The core's Quit (the tray, SIGTERM to the core) reaches the window as an event and closes it.
//! - SIGTERM/SIGINT to this process close the window only.
//!
//! Invariant: the process never exits before the core heard that its window closed.

use crate::remote::Remote;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tauri::{AppHandle, Manager, RunEvent, WebviewWindow, WebviewWindowBuilder};

/// The label of the one window, as in `tauri.conf.json`.
pub const MAIN: &str = "main";
/// Starts without a window (what start-at-login passes): the core only.
pub const HIDDEN_ARG: &str = switchyard_app::login_item::HIDDEN_ARG;
/// How long the core gets to acknowledge the close before the window exits anyway.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// Where the window is in its exit (managed state).
#[derive(Default)]
pub struct Lifecycle {
    /// The core was told (or told us): the next exit request goes through.
    finished: AtomicBool,
    /// Closing has begun.
    closing: AtomicBool,
}

/// Whether this launch asked to start in the tray only.
pub fn hidden_requested<S: AsRef<str>>(args: &[S]) -> bool {
    args.iter().any(|a| a.as_ref() == HIDDEN_ARG)
}

/// Creates the main window from its configuration. Call on the main thread.
pub fn create_main(app: &AppHandle) -> tauri::Result<WebviewWindow> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN)
        .cloned()
        .ok_or_else(|| tauri::Error::WindowNotFound)?;
    WebviewWindowBuilder::from_config(app, &config)?.build()
}

/// Shows and focuses the main window (a second launch while it is open).
pub fn focus_main(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

/// Exits this process now (the core already knows).
pub fn exit(app: &AppHandle) {
    if let Some(state) = app.try_state::<Lifecycle>() {
        state.finished.store(true, Ordering::SeqCst);
    }
    app.exit(0);
}

/// The window closed: tell the core, then exit.
fn closed(app: &AppHandle) {
    let Some(state) = app.try_state::<Lifecycle>() else {
        app.exit(0);
        return;
    };
    if state.closing.swap(true, Ordering::SeqCst) {
        return;
    }
    let app = app.clone();
    // The exit path: not a tracked task, since it stops the tracked ones.
    tauri::async_runtime::spawn(async move {
        crate::window_tasks::stop(&app).await;
        // Closing to restart into an update is not the user closing the window: the core is
        // already stopped, and telling the new one would start it only to mark the hint shown.
        if let Some(remote) = app.try_state::<Remote>().filter(|r| !r.updating()) {
            let told = tokio::time::timeout(
                CLOSE_TIMEOUT,
                remote.call::<Value>("window_closed", json!({})),
            )
            .await;
            match told {
                Ok(Ok(answer)) => tracing::info!(%answer, "window closed"),
                Ok(Err(e)) => tracing::warn!(error = %e, "the core did not take the close"),
                Err(_) => tracing::warn!("the core did not answer the close in time"),
            }
        }
        exit(&app);
    });
}

/// The run loop's events: an exit request (the last window closed, a signal) tells the core
/// first.
pub fn on_run_event(app: &AppHandle, event: RunEvent) {
    if let RunEvent::ExitRequested { api, .. } = event {
        let finished = app
            .try_state::<Lifecycle>()
            .is_none_or(|s| s.finished.load(Ordering::SeqCst));
        if !finished {
            api.prevent_exit();
            for w in app.webview_windows().into_values() {
                let _ = w.destroy();
            }
            closed(app);
        }
    }
}

/// SIGTERM and SIGINT close the window (the core keeps running, as when the window is closed).
/// On Windows a window program gets no console signals: closing it, logoff and shutdown arrive
/// as window messages, which Tauri turns into `ExitRequested` ([`on_run_event`]).
#[cfg(windows)]
pub fn close_on_signals(_app: &AppHandle) {}

/// SIGTERM and SIGINT close the window (the core keeps running, as when the window is closed).
#[cfg(unix)]
pub fn close_on_signals(app: &AppHandle) {
    use tokio::signal::unix::{signal, SignalKind};
    let app = app.clone();
    let owner = app.clone();
    crate::window_tasks::spawn(&owner, "close on SIGTERM or SIGINT", async move {
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            tracing::warn!("cannot listen for SIGTERM/SIGINT");
            return;
        };
        tokio::select! {
            _ = term.recv() => tracing::info!("SIGTERM"),
            _ = int.recv() => tracing::info!("SIGINT"),
        }
        let _ = app.run_on_main_thread({
            let app = app.clone();
            move || {
                for w in app.webview_windows().into_values() {
                    let _ = w.destroy();
                }
            }
        });
        closed(&app);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_hidden_flag_starts_without_a_window() {
        assert!(hidden_requested(&["/usr/bin/switchyard", "--hidden"]));
        assert!(!hidden_requested(&["/usr/bin/switchyard"]));
        assert!(!hidden_requested::<&str>(&[]));
    }
}
