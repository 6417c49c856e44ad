//! Typed user settings over the settings table, validated before they are saved; the ledger's
//! retention follows them (pruned at once on a change and every 6 hours).

use crate::blocking::OffThread;
use crate::events::EventSink;
use crate::AppError;
use serde::{Deserialize, Serialize};
use switchyard_domain::IssueCode;
use switchyard_runtime::Supervisor;
use switchyard_store::{LedgerTable, SettingsTable, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ThemeChoice")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

/// The Settings page's values, and its form (less the shell's one-time close hint).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "UserSettings")]
pub struct Settings {
    pub theme: Theme,
    /// How long a revealed key stays visible.
    pub reveal_seconds: u32,
    /// Requests older than this are deleted from the ledger (checked at start and every 6 h).
    pub request_retention_days: u32,
    /// Closing the window keeps the core, gateway, monitor and tray running (desktop app).
    pub keep_running_in_tray: bool,
    /// Start Switchyard (in the tray, without a window) when the user logs in.
    pub start_at_login: bool,
    /// The first-run offer to start at login was answered or dismissed.
    pub start_at_login_offered: bool,
    /// The one-time "still running in the tray" notification was shown (the shell's alone: not
    /// in the page's form, and [`Settings::apply_to`] keeps the saved one).
    #[cfg_attr(feature = "specta", specta(skip))]
    pub close_hint_shown: bool,
    /// Check for a newer Switchyard at start, at most once a day (the desktop app).
    pub check_updates: bool,
    /// Where the release manifest is read (a mirror); `None`: the project's releases.
    pub update_source: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: Theme::System,
            reveal_seconds: 5,
            request_retention_days: 90,
            keep_running_in_tray: true,
            start_at_login: false,
            start_at_login_offered: false,
            close_hint_shown: false,
            check_updates: true,
            update_source: None,
        }
    }
}

impl Settings {
    /// The settings to save: this form over `saved`, keeping what only the shell writes (the
    /// one-time close hint); a blank update source is the project's releases.
    pub fn apply_to(self, saved: Settings) -> Settings {
        Settings {
            close_hint_shown: saved.close_hint_shown,
            update_source: self.update_source.filter(|s| !s.trim().is_empty()),
            ..self
        }
    }
}

const KEY: &str = "ui";

/// The Preferences feature: the Settings page's values. Cheap to clone.
#[derive(Clone)]
pub struct Preferences {
    settings: SettingsTable,
    /// Only to prune requests past the retention the user set.
    ledger: LedgerTable,
    events: EventSink,
}

impl Preferences {
    /// Needs the store (the settings row; pruning the ledger) and the event sink (a prune
    /// refreshes the request lists).
    pub(crate) fn new(store: Store, events: EventSink) -> Preferences {
        Preferences {
            settings: store.settings(),
            ledger: store.ledger(),
            events,
        }
    }

    pub async fn get(&self) -> Result<Settings, AppError> {
        self.settings
            .blocking(|settings| Ok(settings.setting_or_default(KEY)?))
            .await
    }

    pub async fn update(&self, settings: Settings) -> Result<Settings, AppError> {
        if !(1..=60).contains(&settings.reveal_seconds) {
            return Err(AppError::field(
                switchyard_domain::Field::RevealSeconds,
                switchyard_domain::IssueCode::OutOfRange,
                "Reveal time must be between 1 and 60 seconds.",
            ));
        }
        if !(1..=3650).contains(&settings.request_retention_days) {
            return Err(AppError::field(
                switchyard_domain::Field::RetentionDays,
                switchyard_domain::IssueCode::OutOfRange,
                "Keep requests for 1 to 3650 days.",
            ));
        }
        if let Some(source) = &settings.update_source {
            switchyard_domain::release_source(source).map_err(|refused| {
                let code = match refused {
                    switchyard_domain::SourceRefused::PlainHttp => IssueCode::Unsafe,
                    switchyard_domain::SourceRefused::Scheme(_)
                    | switchyard_domain::SourceRefused::NotAnAddress(_) => IssueCode::Format,
                };
                AppError::field(switchyard_domain::Field::Url, code, refused.to_string())
            })?;
        }
        let value =
            serde_json::to_value(&settings).map_err(|e| AppError::Internal(e.to_string()))?;
        self.settings
            .blocking(move |settings| Ok(settings.set_setting(KEY, &value)?))
            .await?;
        self.prune_ledger().await?;
        Ok(settings)
    }

    /// Deletes ledger rows older than the retention setting. Returns how many went.
    pub async fn prune_ledger(&self) -> Result<usize, AppError> {
        let days = self.get().await?.request_retention_days.max(1);
        let cutoff = time::OffsetDateTime::now_utc() - time::Duration::days(i64::from(days));
        let before = cutoff
            .format(&time::format_description::well_known::Rfc3339)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let n = self
            .ledger
            .blocking(move |ledger| Ok(ledger.prune_requests(&before)?))
            .await?;
        if n > 0 {
            tracing::info!(deleted = n, days, "old requests pruned from the ledger");
            self.events
                .emit(crate::DomainEvent::RequestsRecorded { count: 0 });
        }
        Ok(n)
    }

    /// Prunes the ledger now and every 6 hours while the app runs.
    pub(crate) fn start(&self, tasks: &Supervisor) {
        let app = self.clone();
        let every = std::time::Duration::from_secs(6 * 3600);
        tasks.every("ledger retention", every, move || {
            let app = app.clone();
            async move {
                if let Err(e) = app.prune_ledger().await {
                    tracing::warn!(error = %e, "could not prune the ledger");
                }
            }
        });
    }
}
