//! IPC shapes of the app itself: settings, keychain state, app info.

use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::{Settings, Theme};

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UserSettings {
    pub theme: Theme,
    pub reveal_seconds: u32,
    /// Requests older than this many days leave the ledger.
    pub request_retention_days: u32,
    /// Closing the window keeps Switchyard running in the tray.
    pub keep_running_in_tray: bool,
    /// Start Switchyard in the tray when the user logs in.
    pub start_at_login: bool,
    /// The first-run offer to start at login was answered or dismissed.
    pub start_at_login_offered: bool,
    /// Check for a newer Switchyard at start, at most once a day.
    pub check_updates: bool,
    /// Where the release manifest is read (a mirror); null: the project's releases.
    pub update_source: Option<String>,
}

impl From<Settings> for UserSettings {
    fn from(s: Settings) -> Self {
        // Destructured: a setting added to the core fails to build here until the page has it.
        let Settings {
            theme,
            reveal_seconds,
            request_retention_days,
            keep_running_in_tray,
            start_at_login,
            start_at_login_offered,
            close_hint_shown: _,
            check_updates,
            update_source,
        } = s;
        UserSettings {
            theme,
            reveal_seconds,
            request_retention_days,
            keep_running_in_tray,
            start_at_login,
            start_at_login_offered,
            check_updates,
            update_source,
        }
    }
}

impl UserSettings {
    /// The settings to save: this form over `saved`, keeping what only the shell writes (the
    /// one-time close hint).
    pub fn apply_to(self, saved: Settings) -> Settings {
        Settings {
            theme: self.theme,
            reveal_seconds: self.reveal_seconds,
            request_retention_days: self.request_retention_days,
            keep_running_in_tray: self.keep_running_in_tray,
            start_at_login: self.start_at_login,
            start_at_login_offered: self.start_at_login_offered,
            check_updates: self.check_updates,
            update_source: self.update_source.filter(|s| !s.trim().is_empty()),
            ..saved
        }
    }
}

/// Whether keys can be stored right now, and how to fix it if not.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KeychainStatus {
    pub available: bool,
    pub service: String,
    pub message: String,
    pub hint: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub log_dir: String,
    pub db_file: String,
    pub demo_base_url: String,
    /// Milliseconds from process start to the UI's first paint, once reported.
    pub first_paint_ms: Option<u32>,
}

impl AppInfo {
    /// This answer without the serving machine's folders and addresses: what a caller that
    /// does not manage the machine sees (a team token's session of the browser panel).
    pub fn without_paths(self) -> AppInfo {
        AppInfo {
            data_dir: String::new(),
            log_dir: String::new(),
            db_file: String::new(),
            demo_base_url: String::new(),
            ..self
        }
    }
}

impl KeychainStatus {
    pub fn from_check(
        service: &str,
        check: Result<(), switchyard_app::secrets::SecretError>,
    ) -> Self {
        let service = service.to_string();
        match check {
            Ok(()) => KeychainStatus {
                available: true,
                service,
                message: "The OS keychain is ready.".into(),
                hint: None,
            },
            Err(e) => KeychainStatus {
                available: false,
                service,
                message: e.to_string(),
                hint: Some(e.fix_hint().into()),
            },
        }
    }
}
