//! The Updates feature: whether a newer Switchyard is out, for Settings, the tray and a desktop
//! notification. It reads the release manifest the window's updater plugin installs from (the
//! same `latest.json` and key, `switchyard-release`), at start at most once a day when the user
//! leaves "Check for updates" on, and whenever asked. Installing is the window's (the plugin
//! runs the installer and restarts the app), `switchyard update apply`'s, or this feature's at
//! Quit. Above the core, on its public API: the desktop's core process (`switchyard-tray`) and
//! the IPC layer hold one.
//!
//! Invariants:
//! - Nothing is read from the network unless the core process starts the start-up check
//!   ([`Updates::start`], the desktop app's) or the user asked ([`Updates::check`]); a failed
//!   check is a state to show, not an error.
//! - A version is notified once; a version whose install failed is not offered for installing
//!   again (Settings says how this copy is updated instead).
//! - "Install when I quit" downloads and verifies now and installs only once the core has shut
//!   down (the gateway stopped, the ledger written; [`Updates::install_staged`], called by the
//!   core process after `Switchyard::shutdown`); it is kept in memory, so a core that ends any
//!   other way installs nothing.
//! - What it shows of a release (notes, the reason a check failed) is printable: cleaned where
//!   the manifest is parsed (`switchyard-release`), and again on the way out for a status kept by
//!   an older version, so Settings, the tray and the panel show text, never control characters.
//! - A package is downloaded into a private folder inside the data folder, streamed to disk.

mod error;
mod on_quit;

pub use error::UpdatesError;

use serde::{Deserialize, Serialize};
use std::sync::Arc;
use switchyard_app::{
    AppError, DomainEvent, EventSink, Notifications, OffThread, Preferences, Switchyard,
};
use switchyard_notify::{Kind, Notification, Urgency};
use switchyard_release::text::printable;
use switchyard_release::{install, Check, Installer, Target, UpdateError, Updater};
use switchyard_runtime::Supervisor;
use switchyard_store::SettingsTable;

/// The longest reason for a failed install kept (a sentence or two of the installer's).
const MAX_REASON_CHARS: usize = 2_000;

/// How often the start-up check runs at most.
const DAY: time::Duration = time::Duration::hours(24);
const KEY: &str = "updates";

/// What is known about updates, for Settings and the tray.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct UpdateStatus {
    /// This build's version.
    pub running: String,
    /// The newest release the last check found.
    pub latest: Option<String>,
    /// `latest` is newer than this build.
    pub available: bool,
    pub notes: Option<String>,
    pub pub_date: Option<String>,
    /// When the last check ran (RFC 3339), and why it failed, if it did.
    pub checked_at: Option<String>,
    pub error: Option<String>,
    /// How this copy was installed: `deb`, `rpm`, `appimage`, `nsis`, `msi`, `app` or
    /// `unmanaged`.
    pub installer: String,
    /// Whether the app can install `latest` itself (its install format updates itself and no
    /// install of it failed); otherwise `how` says how this copy is updated.
    pub can_install: bool,
    pub how: Option<String>,
    /// Whether "Install when I quit" is offered: the core installs this format itself.
    pub can_install_on_quit: bool,
    /// The version downloaded, verified and waiting to be installed when the app quits.
    pub on_quit: Option<String>,
}

/// What is kept between runs (the settings table).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Kept {
    status: Option<UpdateStatus>,
    /// The version a notification was sent for.
    notified: Option<String>,
    /// A version whose install failed, and why.
    failed: Option<(String, String)>,
}

/// The Updates feature. Cheap to clone.
#[derive(Clone)]
pub struct Updates {
    settings: SettingsTable,
    preferences: Preferences,
    notifications: Notifications,
    events: EventSink,
    /// How this copy was installed: found on first use, off the start path (asking the
    /// package tool takes a moment).
    installer: Arc<tokio::sync::OnceCell<Installer>>,
    exe: Arc<std::path::PathBuf>,
    /// Where packages are downloaded (the data folder: private to the user, on disk).
    downloads: Arc<std::path::PathBuf>,
    /// The package to install when the app quits.
    staged: Arc<tokio::sync::Mutex<Option<on_quit::Staged>>>,
}

impl Updates {
    /// The feature for `app` (its settings, preferences, notifications and events).
    pub fn new(app: &Switchyard) -> Updates {
        let exe = std::env::current_exe().unwrap_or_default();
        Updates {
            settings: app.settings_table(),
            preferences: app.preferences().clone(),
            notifications: app.notifications().clone(),
            events: app.event_sink(),
            installer: Arc::default(),
            exe: Arc::new(exe),
            downloads: Arc::new(app.paths().data_dir.clone()),
            staged: Arc::default(),
        }
    }

    async fn kept(&self) -> Result<Kept, AppError> {
        self.settings
            .blocking(|s| Ok(s.setting_or_default(KEY)?))
            .await
    }

    async fn keep(&self, kept: &Kept) -> Result<(), AppError> {
        let value = serde_json::to_value(kept).map_err(|e| AppError::Internal(e.to_string()))?;
        self.settings
            .blocking(move |s| Ok(s.set_setting(KEY, &value)?))
            .await?;
        self.events.emit(DomainEvent::UpdatesChanged);
        Ok(())
    }

    /// What the last check found (this build's facts when none ran).
    pub async fn status(&self) -> Result<UpdateStatus, AppError> {
        let kept = self.kept().await?;
        let base = kept.status.clone().unwrap_or_default();
        Ok(self.complete(base, &kept).await)
    }

    /// Reads the release source the user chose (Settings, or Switchyard's releases) with an
    /// updater of this build, installed as it is.
    async fn check_source(&self) -> Result<Result<(Updater, Check), UpdateError>, AppError> {
        let source = self
            .preferences
            .get()
            .await?
            .update_source
            .unwrap_or_else(|| switchyard_release::DEFAULT_MANIFEST.to_string());
        let target = Target::current(self.installer().await.clone());
        Ok(match Updater::new(env!("CARGO_PKG_VERSION"), target) {
            Ok(u) => {
                let u = u.downloads_in(self.downloads.to_path_buf());
                u.check(&source).await.map(|found| (u, found))
            }
            Err(e) => Err(e),
        })
    }

    /// Checks now, keeps and returns the result (a failure is in `error`).
    pub async fn check(&self) -> Result<UpdateStatus, AppError> {
        let mut status = UpdateStatus::default();
        let found = self.check_source().await?.map(|(_, found)| found);
        match found {
            Ok(Check::UpToDate { latest, .. }) => status.latest = Some(latest.to_string()),
            Ok(Check::Available(offer)) => {
                status.latest = Some(offer.version.to_string());
                status.available = true;
                status.notes = offer.notes;
                status.pub_date = offer.pub_date;
            }
            Err(e) => status.error = Some(e.to_string()),
        }
        status.checked_at = Some(switchyard_store::now());
        let mut kept = self.kept().await?;
        kept.status = Some(status.clone());
        self.keep(&kept).await?;
        Ok(self.complete(status, &kept).await)
    }

    /// The window's install of `version` failed: it is not offered for installing again.
    pub async fn install_failed(
        &self,
        version: String,
        reason: String,
    ) -> Result<(), UpdatesError> {
        // The window says what failed; whatever called, only a version and a short printable
        // reason are kept (they are shown again in Settings and the panel).
        if switchyard_release::Version::parse(version.trim_start_matches('v')).is_err() {
            return Err(UpdatesError::NotAVersion);
        }
        let reason: String = switchyard_release::text::printable(&reason)
            .chars()
            .take(MAX_REASON_CHARS)
            .collect();
        let mut kept = self.kept().await?;
        kept.failed = Some((version, reason));
        Ok(self.keep(&kept).await?)
    }

    async fn installer(&self) -> &Installer {
        let exe = Arc::clone(&self.exe);
        self.installer
            .get_or_init(|| async move {
                tokio::task::spawn_blocking(move || install::detect(&exe))
                    .await
                    .unwrap_or(Installer::Unmanaged)
            })
            .await
    }

    /// `status` with this build's facts: the version, the install format, and whether the app
    /// can install the update.
    async fn complete(&self, mut status: UpdateStatus, kept: &Kept) -> UpdateStatus {
        let installer = self.installer().await;
        status.notes = status.notes.as_deref().map(printable);
        status.error = status.error.as_deref().map(printable);
        status.running = env!("CARGO_PKG_VERSION").to_string();
        status.installer = installer.key().unwrap_or("unmanaged").to_string();
        let failed = kept
            .failed
            .as_ref()
            .filter(|(v, _)| status.latest.as_ref() == Some(v));
        status.how = match (failed, installer) {
            (Some((v, reason)), _) => Some(format!(
                "Installing {v} failed ({reason}), so it is not offered again. Install it from the release page or with your package manager."
            )),
            (None, Installer::Unmanaged) => Some(format!(
                "This copy runs from {}, which no installer manages (built from source or copied): install or build the new version yourself.",
                self.exe.display()
            )),
            (None, _) => None,
        };
        status.can_install = status.available && status.how.is_none();
        status.can_install_on_quit = status.can_install && installer.installs_itself();
        status.on_quit = self.staged.lock().await.as_ref().map(|s| s.version.clone());
        status
    }

    /// At start (the desktop app's core process calls it), when the user left it on: a check if
    /// the last is a day old, and a notification the first time a version is found.
    pub fn start(&self, tasks: &Supervisor) {
        let updates = self.clone();
        tasks.spawn("update check", async move {
            if let Err(e) = updates.check_if_due().await {
                tracing::warn!(error = %e, "the update check failed");
            }
        });
    }

    async fn check_if_due(&self) -> Result<(), AppError> {
        if !self.preferences.get().await?.check_updates {
            return Ok(());
        }
        let kept = self.kept().await?;
        let last = kept
            .status
            .as_ref()
            .and_then(|s| s.checked_at.as_deref())
            .and_then(|t| {
                time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
            });
        if last.is_some_and(|at| time::OffsetDateTime::now_utc() - at < DAY) {
            return Ok(());
        }
        let status = self.check().await?;
        let Some(latest) = status.latest.clone().filter(|_| status.available) else {
            return Ok(());
        };
        let mut kept = self.kept().await?;
        if kept.notified.as_ref() == Some(&latest) {
            return Ok(());
        }
        self.notifications.send(announcement(&status)).await;
        kept.notified = Some(latest);
        self.keep(&kept).await
    }

    /// The tray's "Check for updates": checks now and says the result in a notification,
    /// whatever it is.
    pub async fn check_and_tell(&self) -> Result<(), AppError> {
        let status = self.check().await?;
        self.notifications.send(announcement(&status)).await;
        if status.available {
            let mut kept = self.kept().await?;
            kept.notified = status.latest.clone();
            self.keep(&kept).await?;
        }
        Ok(())
    }
}

/// What a check found, as a notification.
fn announcement(status: &UpdateStatus) -> Notification {
    let (summary, body) = match (&status.error, &status.latest) {
        (Some(e), _) => ("Could not check for updates".to_string(), e.clone()),
        (None, Some(v)) if status.available => {
            let body = match status.can_install {
                true => "Open Switchyard's Settings to see what changed and install it.".into(),
                false => status.how.clone().unwrap_or_default(),
            };
            (format!("Switchyard {v} is available"), body)
        }
        _ => (
            format!("Switchyard {} is up to date", status.running),
            String::new(),
        ),
    };
    Notification::new(Kind::Update, Urgency::Low, summary, body)
}
