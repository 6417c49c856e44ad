//! The app's lifecycle: the window comes and goes, the core stays.
//!
//! - Closing the window destroys it and its webview, so a closed window costs no WebKit memory.
//!   With "keep running in the tray" on (the default) the core, gateway, monitor and tray keep
//!   running, and the first time this happens a notification says so. With it off, closing quits.
//! - Open (the tray's "Open Switchyard", a second launch) creates the window again from
//!   `tauri.conf.json`'s "main" entry (the window-state plugin restores its geometry). Events
//!   reach it through the `AppHandle`, so the new window shows live data.
//! - Quit (the tray, closing with the setting off, SIGTERM/SIGINT, any other exit request) runs
//!   the core's clean shutdown with [`QUIT_GRACE`], then exits with code 0.
//!
//! Invariant: the process never ends because its last window went away; every exit request is
//! held back until [`quit`] has shut the core down.

use crate::ipc::Core;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use switchyard_app::Switchyard;
use switchyard_notify::{Kind, Notification, Urgency};
use tauri::{AppHandle, Manager, RunEvent, WebviewWindow, WebviewWindowBuilder};

/// The label of the one window, as in `tauri.conf.json`.
pub const MAIN: &str = "main";
/// How long Quit lets requests in flight finish before the gateway cuts them.
pub const QUIT_GRACE: Duration = Duration::from_secs(10);
/// Starts without a window, in the tray only (what start-at-login passes).
pub const HIDDEN_ARG: &str = "--hidden";

/// Where the app is in its shutdown (managed state).
#[derive(Default)]
pub struct Lifecycle {
    /// Quit has begun: no new window, exit requests wait for the shutdown.
    quitting: AtomicBool,
    /// The core is shut down: the next exit request goes through.
    finished: AtomicBool,
}

/// Whether this launch asked to start in the tray only.
pub fn hidden_requested<S: AsRef<str>>(args: &[S]) -> bool {
    args.iter().any(|a| a.as_ref() == HIDDEN_ARG)
}

fn core(app: &AppHandle) -> Option<Switchyard> {
    app.try_state::<Core>()?.app().ok().cloned()
}

fn lifecycle(app: &AppHandle) -> Option<tauri::State<'_, Lifecycle>> {
    app.try_state::<Lifecycle>()
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

/// Shows and focuses the main window, creating it if it was closed (tray "Open", second launch).
pub fn open_main(app: &AppHandle) {
    let handle = app.clone();
    let scheduled = app.run_on_main_thread(move || {
        if lifecycle(&handle).is_some_and(|l| l.quitting.load(Ordering::SeqCst)) {
            return;
        }
        let window = match handle.get_webview_window(MAIN) {
            Some(w) => w,
            None => match create_main(&handle) {
                Ok(w) => {
                    tracing::info!("window opened again");
                    w
                }
                Err(e) => {
                    tracing::warn!(error = %e, "could not open the window");
                    return;
                }
            },
        };
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    });
    if let Err(e) = scheduled {
        tracing::warn!(error = %e, "could not reach the main thread to open the window");
    }
}

/// Shuts the core down (up to [`QUIT_GRACE`]) and exits with code 0. Safe to call again.
pub fn quit(app: &AppHandle) {
    let Some(state) = lifecycle(app) else {
        app.exit(0);
        return;
    };
    if state.quitting.swap(true, Ordering::SeqCst) {
        return;
    }
    tracing::info!("quitting");
    // The window goes at once; the drain can take up to the grace period.
    for w in app.webview_windows().into_values() {
        let _ = w.destroy();
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Some(core) = core(&app) {
            core.shutdown(QUIT_GRACE).await;
        }
        tracing::info!("core shut down; exiting");
        if let Some(state) = lifecycle(&app) {
            state.finished.store(true, Ordering::SeqCst);
        }
        app.exit(0);
    });
}

/// The last window closed: keep running in the tray, or quit, as the settings say.
fn last_window_closed(app: &AppHandle) {
    let Some(core) = core(app) else {
        // Without a core there is nothing to keep running.
        quit(app);
        return;
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let settings = match core.preferences().get().await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the settings; keeping Switchyard running");
                return;
            }
        };
        if !settings.keep_running_in_tray {
            quit(&app);
            return;
        }
        tracing::info!("window closed; still running in the tray");
        if settings.close_hint_shown {
            return;
        }
        core.notifications()
            .send(Notification::new(
                Kind::Verdict,
                Urgency::Low,
                "Switchyard is still running in the tray",
                "The gateway keeps serving your tools. Open Switchyard from the tray icon or \
                 by launching it again; Quit in the tray menu stops it.",
            ))
            .await;
        let shown = switchyard_app::Settings {
            close_hint_shown: true,
            ..settings
        };
        if let Err(e) = core.preferences().update(shown).await {
            tracing::warn!(error = %e, "could not remember that the close hint was shown");
        }
    });
}

/// The run loop's events: holds every exit back until the core is shut down.
pub fn on_run_event(app: &AppHandle, event: RunEvent) {
    match event {
        RunEvent::ExitRequested { code, api, .. } => {
            let Some(state) = lifecycle(app) else { return };
            if state.finished.load(Ordering::SeqCst) {
                return;
            }
            api.prevent_exit();
            if state.quitting.load(Ordering::SeqCst) {
                return;
            }
            if code.is_none() && app.webview_windows().is_empty() {
                last_window_closed(app);
            } else {
                quit(app);
            }
        }
        RunEvent::Exit => {
            // Idempotent: after Quit this returns at once; after any other exit it drains here.
            if let Some(core) = core(app) {
                tauri::async_runtime::block_on(core.shutdown(QUIT_GRACE));
            }
        }
        _ => {}
    }
}

/// SIGTERM and SIGINT quit like the tray's Quit (clean shutdown, exit 0).
pub fn quit_on_signals(app: &AppHandle) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
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
            quit(&app);
        });
    }
    #[cfg(not(unix))]
    let _ = app;
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
