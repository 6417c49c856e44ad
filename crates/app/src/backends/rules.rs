//! The ranges a backend's traffic limits and monitor settings must fall in.

use crate::AppError;
use switchyard_domain::{Field, IssueCode::OutOfRange};
use switchyard_store::{BackendLimits, MonitorSettings};

/// A backend's traffic limits, checked (the message says which and the range): the one check
/// the dialog, the configuration file and the CLI's flags share.
pub fn check_limits(limits: &BackendLimits) -> Result<(), AppError> {
    let bad = |f: Field, m: &str| Err(AppError::field(f, OutOfRange, m));
    if !(1..=1000).contains(&limits.max_in_flight) {
        return bad(
            Field::MaxInFlight,
            "Requests at once must be from 1 to 1000.",
        );
    }
    if limits.rpm.is_some_and(|r| !(1..=100_000).contains(&r)) {
        return bad(
            Field::Rpm,
            "Requests per minute must be from 1 to 100,000, or empty for no limit.",
        );
    }
    if limits
        .tpm
        .is_some_and(|t| !(1_000..=100_000_000).contains(&t))
    {
        return bad(
            Field::Tpm,
            "Tokens per minute must be from 1,000 to 100,000,000, or empty for no limit.",
        );
    }
    Ok(())
}

/// How the monitor treats a backend, checked.
pub(crate) fn check_monitor(m: &MonitorSettings) -> Result<(), AppError> {
    if !(10..=3600).contains(&m.probe_interval_s) {
        return Err(AppError::field(
            Field::Interval,
            OutOfRange,
            "Probe every 10 to 3600 seconds.",
        ));
    }
    if !(9000..=10_000).contains(&m.sla_target_bp) {
        return Err(AppError::field(
            Field::Sla,
            OutOfRange,
            "The uptime target must be from 90 % to 100 %.",
        ));
    }
    Ok(())
}
