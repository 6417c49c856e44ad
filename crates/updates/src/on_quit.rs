//! "Install when I quit": the update on offer is downloaded (with progress events) and its
//! signature verified now; the package waits in a private temporary folder until Quit, when the
//! core process, after `Switchyard::shutdown` has stopped the gateway and written the ledger,
//! installs it the way this copy was installed. The next start is the new version.

use super::Updates;
use crate::UpdatesError;
use switchyard_app::{AppError, DomainEvent};
use switchyard_release::{install, Check, Verified};

/// A verified package waiting for Quit.
pub(super) struct Staged {
    pub(super) version: String,
    url: String,
    package: Verified,
}

/// Progress events at most once per percent (or per MiB when the size is unknown).
struct Throttle {
    last: Option<u64>,
}

impl Throttle {
    fn step(&mut self, received: u64, total: Option<u64>) -> Option<u64> {
        let step = match total.filter(|t| *t > 0) {
            Some(total) => received.saturating_mul(100) / total,
            None => received >> 20,
        };
        (self.last != Some(step)).then(|| {
            self.last = Some(step);
            step
        })
    }
}

impl Updates {
    /// Downloads and verifies `version` (the update Settings offers) to install it when the app
    /// quits. Refused, with how this copy is updated, when the core cannot install it itself
    /// (on Windows and macOS the window installs, with "Install and restart").
    pub async fn install_on_quit(
        &self,
        version: String,
    ) -> Result<super::UpdateStatus, UpdatesError> {
        let status = self.status().await?;
        if !status.can_install_on_quit || status.latest.as_deref() != Some(version.as_str()) {
            return Err(UpdatesError::NotOffered {
                version,
                how: status.how,
            });
        }
        let (updater, found) = self.check_source().await??;
        let offer = match found {
            Check::Available(offer) if offer.version.to_string() == version => offer,
            _ => return Err(UpdatesError::NotOffered { version, how: None }),
        };
        let events = self.events.clone();
        let mut throttle = Throttle { last: None };
        let announced = version.clone();
        let mut progress = move |received: u64, total: Option<u64>| {
            if throttle.step(received, total).is_some() {
                events.emit(DomainEvent::UpdateDownload {
                    version: announced.clone(),
                    received,
                    total,
                });
            }
        };
        let package = updater.download(&offer, &mut progress).await?;
        tracing::info!(
            version,
            "update verified; it is installed when Switchyard quits"
        );
        *self.staged.lock().await = Some(Staged {
            version,
            url: offer.package.url.to_string(),
            package,
        });
        self.events.emit(DomainEvent::UpdatesChanged);
        Ok(self.status().await?)
    }

    /// Installs nothing at Quit after all (the package is deleted).
    pub async fn cancel_install_on_quit(&self) -> Result<super::UpdateStatus, AppError> {
        if self.staged.lock().await.take().is_some() {
            tracing::info!("the update waiting for Quit was cancelled");
            self.events.emit(DomainEvent::UpdatesChanged);
        }
        self.status().await
    }

    /// Installs the package waiting for Quit, if there is one: the core process calls it once
    /// `Switchyard::shutdown` returned. A failure is logged and kept, so that version is not
    /// offered for installing again.
    pub async fn install_staged(&self) {
        let Some(staged) = self.staged.lock().await.take() else {
            return;
        };
        let installer = self.installer().await.clone();
        let exe = std::sync::Arc::clone(&self.exe);
        let Staged {
            version,
            url,
            package,
        } = staged;
        let done = tokio::task::spawn_blocking(move || {
            install::install(&installer, &package.path, &exe, &url)
        })
        .await;
        match done {
            Ok(Ok(installed)) => {
                tracing::info!(version, how = %installed.how, "update installed at Quit");
            }
            Ok(Err(e)) => {
                tracing::warn!(version, error = %e, "the update was not installed at Quit");
                if let Err(kept) = self.install_failed(version, e.to_string()).await {
                    tracing::warn!(error = %kept, "the failed install was not recorded");
                }
            }
            Err(e) => tracing::error!(version, error = %e, "the update's installer stopped"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Throttle;

    #[test]
    fn progress_is_told_once_per_percent_or_per_mib() {
        let mut t = Throttle { last: None };
        assert_eq!(t.step(0, Some(1000)), Some(0));
        assert_eq!(t.step(5, Some(1000)), None);
        assert_eq!(t.step(10, Some(1000)), Some(1));
        assert_eq!(t.step(1000, Some(1000)), Some(100));
        let mut t = Throttle { last: None };
        assert_eq!(t.step(1, None), Some(0));
        assert_eq!(t.step(1 << 19, None), None);
        assert_eq!(t.step(1 << 20, None), Some(1));
    }
}
