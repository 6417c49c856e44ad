//! My machines in tests: the settings of a space and a core joining it on a throw-away
//! PostgreSQL, as a user turns it on in the window (a second machine with the space's key
//! copied over from the first).

use crate::Harness;
use switchyard_app::secrets::SecretString;
use switchyard_app::sync::{SyncReport, SyncSettings};

/// My machines on, in space `space`, with every kind.
pub fn space(space: &str) -> SyncSettings {
    SyncSettings {
        enabled: true,
        space: space.into(),
        ..SyncSettings::default()
    }
}

impl Harness {
    /// Turns My machines on for this core with the PostgreSQL at `url` and `settings`; with
    /// `from`, the space's key entered from that machine (as a user copies it over); without,
    /// this machine draws one. The first pass must run; its report.
    pub async fn join_machines(
        &self,
        url: &str,
        settings: SyncSettings,
        from: Option<&Harness>,
    ) -> SyncReport {
        let key = match from {
            Some(other) => Some(other.app.sync().reveal_space_key().await.unwrap()),
            None => None,
        };
        self.join_machines_with_key(url, settings, key).await
    }

    /// As [`Harness::join_machines`], with the space's key `key` as the user typed it.
    pub async fn join_machines_with_key(
        &self,
        url: &str,
        settings: SyncSettings,
        key: Option<SecretString>,
    ) -> SyncReport {
        let status = self
            .app
            .sync()
            .save(Some(url.into()), key, settings)
            .await
            .unwrap();
        let last = status.last.unwrap();
        assert_eq!(last.error, None, "the first pass runs");
        last.report.unwrap()
    }
}
