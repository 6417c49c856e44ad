//! The window process's background tasks, owned: each runs on Tauri's runtime, tracked by one
//! [`Supervisor`] kept in the app's state, and is stopped (and waited for, briefly) before the
//! process exits. The exit path itself (`lifecycle::closed`) is the one task not tracked: it is
//! what stops the others.

use std::future::Future;
use std::time::Duration;
use switchyard_runtime::Supervisor;
use tauri::{AppHandle, Manager};

/// How long the exit waits for the window's tasks.
const STOP_WITHIN: Duration = Duration::from_secs(1);

/// The owner, in Tauri's state.
#[derive(Default)]
pub struct WindowTasks(Supervisor);

/// Runs `task` on Tauri's runtime, owned by the window's supervisor.
pub fn spawn(app: &AppHandle, name: &'static str, task: impl Future<Output = ()> + Send + 'static) {
    match app.try_state::<WindowTasks>() {
        Some(tasks) => drop(tauri::async_runtime::spawn(tasks.0.track(name, task))),
        None => tracing::warn!(task = name, "not started: the window's tasks are gone"),
    }
}

/// Stops every task and waits for them, briefly.
pub async fn stop(app: &AppHandle) {
    if let Some(tasks) = app.try_state::<WindowTasks>() {
        tasks.0.stop(STOP_WITHIN).await;
    }
}
