//! A backend's traffic limits on the command line: `backend add|edit … [--max-in-flight N]
//! [--rpm N] [--tpm N]` (and on `edit`, `--no-rpm` / `--no-tpm` to lift one), through the
//! Backends service's `set_limits`, so the ranges and messages are the Backends dialog's. With
//! the team's variables set, the command runs on the team's records and every replica takes the
//! limits (`team_config`), counted for the whole team with Redis.

use switchyard_app::{AppError, BackendView, Switchyard};
use switchyard_store::BackendLimits;

/// The limit flags `add` and `edit` share.
#[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args)]
pub struct LimitFlags {
    /// Requests sent to the backend at once (1–1000; default 50)
    #[arg(long, value_name = "N")]
    max_in_flight: Option<u32>,
    /// Requests per minute the gateway sends the backend (1–100,000)
    #[arg(long, value_name = "N")]
    rpm: Option<u32>,
    /// Tokens per minute the gateway sends the backend (1,000–100,000,000)
    #[arg(long, value_name = "N")]
    tpm: Option<u32>,
}

/// `edit`'s flags: the limits, and lifting one.
#[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args)]
pub struct EditLimitFlags {
    #[command(flatten)]
    limits: LimitFlags,
    /// No requests-per-minute limit any more
    #[arg(long, conflicts_with = "rpm")]
    no_rpm: bool,
    /// No tokens-per-minute limit any more
    #[arg(long, conflicts_with = "tpm")]
    no_tpm: bool,
}

impl LimitFlags {
    /// Whether any limit was given.
    pub fn given(&self) -> bool {
        self.max_in_flight.is_some() || self.rpm.is_some() || self.tpm.is_some()
    }

    /// `current` with what was given, checked (the dialog's ranges and messages).
    pub fn over(&self, current: &BackendLimits) -> Result<BackendLimits, AppError> {
        let limits = BackendLimits {
            max_in_flight: self.max_in_flight.unwrap_or(current.max_in_flight),
            rpm: self.rpm.or(current.rpm),
            tpm: self.tpm.or(current.tpm),
        };
        switchyard_app::check_limits(&limits)?;
        Ok(limits)
    }
}

impl EditLimitFlags {
    pub fn given(&self) -> bool {
        self.limits.given() || self.no_rpm || self.no_tpm
    }

    /// `current` with what was given and lifted, checked.
    pub fn over(&self, current: &BackendLimits) -> Result<BackendLimits, AppError> {
        let mut limits = self.limits.over(current)?;
        if self.no_rpm {
            limits.rpm = None;
        }
        if self.no_tpm {
            limits.tpm = None;
        }
        Ok(limits)
    }

    /// Saves the limits on backend `b` when any flag was given.
    pub async fn apply(&self, app: &Switchyard, b: &BackendView) -> Result<(), AppError> {
        if self.given() {
            let limits = self.over(&b.row.limits)?;
            app.backends().set_limits(b.row.id.clone(), limits).await?;
        }
        Ok(())
    }
}

/// `50 at once, 60 requests/min, no token limit`.
pub fn described(l: &BackendLimits) -> String {
    let per_minute = |n: Option<u32>, what: &str| match n {
        Some(n) => format!("{n} {what}/min"),
        None => format!("no {} limit", what.trim_end_matches('s')),
    };
    format!(
        "{} at once, {}, {}",
        l.max_in_flight,
        per_minute(l.rpm, "requests"),
        per_minute(l.tpm, "tokens")
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn given_limits_replace_the_current_ones_and_the_rest_stay() {
        let current = BackendLimits {
            max_in_flight: 20,
            rpm: Some(60),
            tpm: Some(90_000),
        };
        let flags = EditLimitFlags {
            limits: LimitFlags {
                rpm: Some(30),
                ..LimitFlags::default()
            },
            no_tpm: true,
            ..EditLimitFlags::default()
        };
        let next = flags.over(&current).unwrap();
        assert_eq!(
            (next.max_in_flight, next.rpm, next.tpm),
            (20, Some(30), None)
        );
        assert_eq!(
            described(&next),
            "20 at once, 30 requests/min, no token limit"
        );
    }

    #[test]
    fn a_limit_out_of_range_is_refused_with_the_dialogs_message() {
        let flags = LimitFlags {
            tpm: Some(10),
            ..LimitFlags::default()
        };
        let e = flags.over(&BackendLimits::default()).unwrap_err();
        assert!(
            e.to_string()
                .contains("Tokens per minute must be from 1,000"),
            "{e}"
        );
    }
}
