//! Typed user settings over the settings table, validated before they are saved.

use crate::{AppError, Switchyard};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    pub theme: Theme,
    /// How long a revealed key stays visible.
    pub reveal_seconds: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: Theme::System,
            reveal_seconds: 5,
        }
    }
}

const KEY: &str = "ui";

impl Switchyard {
    pub async fn settings(&self) -> Result<Settings, AppError> {
        self.blocking(|inner| {
            Ok(match inner.store.get_setting(KEY)? {
                // A damaged value falls back to defaults instead of locking the user out.
                Some(v) => serde_json::from_value(v).unwrap_or_default(),
                None => Settings::default(),
            })
        })
        .await
    }

    pub async fn update_settings(&self, settings: Settings) -> Result<Settings, AppError> {
        if !(1..=60).contains(&settings.reveal_seconds) {
            return Err(AppError::Invalid(
                "Reveal time must be between 1 and 60 seconds.".into(),
            ));
        }
        let value =
            serde_json::to_value(&settings).map_err(|e| AppError::Internal(e.to_string()))?;
        self.blocking(move |inner| Ok(inner.store.set_setting(KEY, &value)?))
            .await?;
        Ok(settings)
    }
}
