//! Installing an update from the window: the release the core's check found (Settings →
//! Updates), downloaded with progress and verified by `switchyard-release` — the same checks as
//! `switchyard update apply` and the install at Quit: semver precedence, the manifest and the
//! package under their deadlines and caps, the package streamed into the data folder, its
//! signature by the built-in key bound to the version and to the file listed for this install —
//! then installed the way this copy was installed, and the app restarted as the new version.
//! On Linux the verified file is installed by `switchyard-release` too (the package tool, or the
//! AppImage swapped); on Windows and macOS Tauri's updater plugin runs the installer or swaps the
//! bundle, from the same verified file (the plugin takes bytes: the one moment a package is
//! whole in memory, there only; the plugin checks the signature again).
//!
//! Order, so tools see the gateway away as briefly as possible and an install that fails
//! changes nothing: download and verify first; on Linux and macOS install while the core still
//! serves (the package tool and the bundle swap replace files in place), then stop the core as
//! Quit does (requests in flight finish and are recorded) and restart; on Windows the installer
//! cannot replace a running program, so the core is stopped first and the plugin runs the
//! installer, which starts the new version. A failure of the installer itself is reported to the
//! core, which then offers that version no more; anything before it can be tried again.

use crate::remote::Remote;
use serde::{Deserialize, Serialize};
use serde_json::json;
use specta::Type;
use std::cmp::Ordering;
use std::path::{Path, PathBuf};
use std::time::Duration;
use switchyard_ipc::app::dto::UserSettings;
use switchyard_ipc::types::UpdateStatus;
use switchyard_ipc::{ErrorKind, IpcError};
use switchyard_release::{install, Check, Limits, Target, Updater};
use tauri::{AppHandle, State};
use tauri_plugin_updater::UpdaterExt;
use tauri_specta::Event;

/// How long the core gets to finish its requests and exit before the install goes on.
const CORE_EXIT: Duration = Duration::from_secs(20);

/// How far an install is, for the progress bar.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
#[serde(rename_all = "camelCase")]
pub struct UpdateProgress {
    pub version: String,
    /// `downloading`, `installing` or `restarting`.
    pub phase: String,
    /// Bytes received, and the package's size when the server said it.
    pub received: f64,
    pub total: Option<f64>,
}

fn failed(message: impl Into<String>) -> IpcError {
    IpcError::new(ErrorKind::Internal, message.into())
}

/// Installs `version` (the one Settings offers) and restarts into it. Returns only on failure
/// (the error says what happened; nothing was installed).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(app, remote))]
pub async fn install_update(
    app: AppHandle,
    remote: State<'_, Remote>,
    version: String,
) -> Result<(), IpcError> {
    let status: UpdateStatus = remote.call("update_status", json!({})).await?;
    if !status.can_install || status.latest.as_deref() != Some(version.as_str()) {
        return Err(IpcError::new(
            ErrorKind::Validation,
            status.how.unwrap_or_else(|| {
                format!("Switchyard {version} is not the update on offer; check for updates again.")
            }),
        ));
    }
    let settings: UserSettings = remote.call("get_settings", json!({})).await?;
    let Err(failure) = install(&app, &remote, &version, settings).await else {
        return Ok(());
    };
    let e = failure.error;
    tracing::warn!(error = %e.message, installing = failure.installing, "the update was not installed");
    remote.end_update();
    // Only the installer's own failure makes the version one not to offer again: a download cut
    // or a signature refused can be tried again (and is refused again, with its reason).
    if failure.installing {
        let told = remote
            .call::<()>(
                "update_install_failed",
                json!({ "version": version, "reason": e.message }),
            )
            .await;
        if let Err(e) = told {
            tracing::warn!(error = %e.message, "the core did not take the failure");
        }
    }
    Err(e)
}

/// Why an install stopped, and whether the installer itself failed.
struct Failure {
    error: IpcError,
    installing: bool,
}

impl From<IpcError> for Failure {
    fn from(error: IpcError) -> Self {
        Failure {
            error,
            installing: false,
        }
    }
}

fn installing(error: IpcError) -> Failure {
    Failure {
        error,
        installing: true,
    }
}

async fn install(
    app: &AppHandle,
    remote: &Remote,
    version: &str,
    settings: UserSettings,
) -> Result<(), Failure> {
    let source = settings
        .update_source
        .unwrap_or_else(|| switchyard_release::DEFAULT_MANIFEST.to_string());
    let exe = std::env::current_exe()
        .map_err(|e| failed(format!("This program's own file is unknown: {e}")))?;
    let installer = {
        let exe = exe.clone();
        tauri::async_runtime::spawn_blocking(move || install::detect(&exe))
            .await
            .map_err(|e| failed(format!("The install format could not be told: {e}")))?
    };
    // The key the core checks with (built in, or a test build's throw-away one), and the same
    // updater: the window trusts exactly what `switchyard update` trusts.
    let mut updater = Updater::new(
        env!("CARGO_PKG_VERSION"),
        Target::current(installer.clone()),
    )
    .map_err(|e| failed(e.to_string()))?;
    if let Some(dir) = data_dir() {
        updater = updater.downloads_in(dir);
    }
    let offer = match updater
        .check(&source)
        .await
        .map_err(|e| failed(e.to_string()))?
    {
        Check::Available(offer) if offer.version.to_string() == version => offer,
        Check::Available(offer) => {
            return Err(failed(format!(
                "The release on offer is now {}; check for updates again.",
                offer.version
            ))
            .into())
        }
        Check::UpToDate { .. } => {
            return Err(failed("No newer release is offered any more; check again.").into())
        }
    };
    let progress = |phase: &str, received: u64, total: Option<u64>| {
        let p = UpdateProgress {
            version: version.to_string(),
            phase: phase.to_string(),
            received: received as f64,
            total: total.map(|t| t as f64),
        };
        if let Err(e) = p.emit(app) {
            tracing::warn!(error = %e, "could not report the update's progress");
        }
    };
    let mut received = 0u64;
    let package = updater
        .download(&offer, &mut |got, total| {
            received = got;
            progress("downloading", got, total);
        })
        .await
        .map_err(|e| failed(format!("The package was not installed: {e}")))?;
    progress("installing", received, Some(received));
    remote.begin_update();
    if installer.installs_itself() {
        let url = offer.package.url.to_string();
        let path = package.path.clone();
        tauri::async_runtime::spawn_blocking(move || {
            install::install(&installer, &path, &exe, &url)
        })
        .await
        .map_err(|e| installing(failed(format!("The installer stopped: {e}"))))?
        .map_err(|e| installing(failed(e.to_string())))?;
        // Gone before the restart, which runs no destructor: the data folder keeps no package.
        drop(package);
        stop_core(remote).await.map_err(installing)?;
    } else {
        let installed = by_the_plugin(app, remote, version, &source, &package.path).await;
        drop(package);
        installed?;
    }
    progress("restarting", received, Some(received));
    tracing::info!(version, "update installed; restarting");
    app.restart()
}

/// The data folder, where a download waits (private to the user, on disk), when it exists.
fn data_dir() -> Option<PathBuf> {
    switchyard_runtime::paths::AppPaths::from_env()
        .map(|p| p.data_dir)
        .filter(|d| d.is_dir())
}

/// Windows and macOS: the plugin installs the verified package at `path` (it runs the
/// installer, or swaps the bundle), once it has found the same release at `source`.
async fn by_the_plugin(
    app: &AppHandle,
    remote: &Remote,
    version: &str,
    source: &str,
    path: &Path,
) -> Result<(), Failure> {
    let url = switchyard_release::fetch::parse(source).map_err(|e| failed(e.to_string()))?;
    let updater = app
        .updater_builder()
        .pubkey(switchyard_release::RELEASE_KEY)
        .endpoints(vec![url])
        .map(|b| {
            b.timeout(Limits::default().manifest_deadline)
                .version_comparator(|running, release| {
                    release.version.cmp_precedence(&running) == Ordering::Greater
                })
        })
        .and_then(|b| b.build())
        .map_err(|e| failed(format!("The updater could not start: {e}")))?;
    let update = updater
        .check()
        .await
        .map_err(|e| failed(format!("The release could not be read: {e}")))?
        .ok_or_else(|| failed("No newer release is offered any more; check again."))?;
    if update.version != version {
        return Err(failed(format!(
            "The release on offer is now {}; check for updates again.",
            update.version
        ))
        .into());
    }
    let path = path.to_path_buf();
    let bytes = tauri::async_runtime::spawn_blocking(move || std::fs::read(path))
        .await
        .map_err(|e| failed(format!("The downloaded package could not be read: {e}")))?
        .map_err(|e| failed(format!("The downloaded package could not be read: {e}")))?;
    if cfg!(windows) {
        stop_core(remote).await.map_err(installing)?;
    }
    tauri::async_runtime::spawn_blocking(move || update.install(bytes))
        .await
        .map_err(|e| installing(failed(format!("The installer stopped: {e}"))))?
        .map_err(|e| installing(failed(format!("Installing failed: {e}"))))?;
    if !cfg!(windows) {
        stop_core(remote).await.map_err(installing)?;
    }
    Ok(())
}

/// Stops the core as Quit does, and waits until it is gone.
async fn stop_core(remote: &Remote) -> Result<(), IpcError> {
    remote
        .call::<serde_json::Value>("quit_for_update", json!({}))
        .await?;
    if remote.wait_gone(CORE_EXIT).await {
        Ok(())
    } else {
        Err(failed(format!(
            "Switchyard's core did not stop within {} s; nothing was installed.",
            CORE_EXIT.as_secs()
        )))
    }
}
