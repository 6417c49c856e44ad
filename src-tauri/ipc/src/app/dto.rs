//! IPC shapes of the app itself: settings, keychain state, app info.

use serde::{Deserialize, Serialize};
use specta::Type;

/// The Settings page's form: the core's settings, less what only the shell writes
/// ([`Settings::apply_to`](switchyard_app::Settings::apply_to)).
pub use switchyard_app::Settings as UserSettings;

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
