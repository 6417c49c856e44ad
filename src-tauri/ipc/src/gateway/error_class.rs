//! The ledger's error classes as the UI names them (`switchyard_core::ErrorClass`, a closed set),
//! both ways: the Requests page shows them and filters by them.

use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_core::ErrorClass;

/// Why a request or an attempt failed: the ledger's closed set (`switchyard_core::ErrorClass`),
/// by the names the ledger stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub enum ErrorClassName {
    #[serde(rename = "timeout")]
    Timeout,
    #[serde(rename = "connect")]
    Connect,
    #[serde(rename = "key_invalid")]
    KeyInvalid,
    #[serde(rename = "rate_limited")]
    RateLimited,
    #[serde(rename = "upstream_5xx")]
    Upstream5xx,
    #[serde(rename = "client_error")]
    ClientError,
    #[serde(rename = "unknown_model")]
    UnknownModel,
    #[serde(rename = "untranslatable")]
    Untranslatable,
    #[serde(rename = "budget_exceeded")]
    BudgetExceeded,
    #[serde(rename = "timeout_total")]
    TimeoutTotal,
    #[serde(rename = "no_candidate")]
    NoCandidate,
    #[serde(rename = "bad_request")]
    BadRequest,
    #[serde(rename = "client_disconnected")]
    ClientDisconnected,
    #[serde(rename = "upstream_read")]
    UpstreamRead,
    #[serde(rename = "upstream_invalid")]
    UpstreamInvalid,
    #[serde(rename = "upstream_broken")]
    UpstreamBroken,
    #[serde(rename = "upstream_idle_timeout")]
    UpstreamIdleTimeout,
    #[serde(rename = "upstream_too_large")]
    UpstreamTooLarge,
    #[serde(rename = "upstream_error")]
    UpstreamError,
    #[serde(rename = "upstream_incomplete")]
    UpstreamIncomplete,
    #[serde(rename = "translation")]
    Translation,
    #[serde(rename = "other")]
    Other,
}

impl From<ErrorClass> for ErrorClassName {
    fn from(c: ErrorClass) -> Self {
        match c {
            ErrorClass::Timeout => ErrorClassName::Timeout,
            ErrorClass::Connect => ErrorClassName::Connect,
            ErrorClass::KeyInvalid => ErrorClassName::KeyInvalid,
            ErrorClass::RateLimited => ErrorClassName::RateLimited,
            ErrorClass::Upstream5xx => ErrorClassName::Upstream5xx,
            ErrorClass::ClientError => ErrorClassName::ClientError,
            ErrorClass::UnknownModel => ErrorClassName::UnknownModel,
            ErrorClass::Untranslatable => ErrorClassName::Untranslatable,
            ErrorClass::BudgetExceeded => ErrorClassName::BudgetExceeded,
            ErrorClass::TimeoutTotal => ErrorClassName::TimeoutTotal,
            ErrorClass::NoCandidate => ErrorClassName::NoCandidate,
            ErrorClass::BadRequest => ErrorClassName::BadRequest,
            ErrorClass::ClientDisconnected => ErrorClassName::ClientDisconnected,
            ErrorClass::UpstreamRead => ErrorClassName::UpstreamRead,
            ErrorClass::UpstreamInvalid => ErrorClassName::UpstreamInvalid,
            ErrorClass::UpstreamBroken => ErrorClassName::UpstreamBroken,
            ErrorClass::UpstreamIdleTimeout => ErrorClassName::UpstreamIdleTimeout,
            ErrorClass::UpstreamTooLarge => ErrorClassName::UpstreamTooLarge,
            ErrorClass::UpstreamError => ErrorClassName::UpstreamError,
            ErrorClass::UpstreamIncomplete => ErrorClassName::UpstreamIncomplete,
            ErrorClass::Translation => ErrorClassName::Translation,
            ErrorClass::Other => ErrorClassName::Other,
        }
    }
}

impl From<ErrorClassName> for ErrorClass {
    fn from(c: ErrorClassName) -> Self {
        match c {
            ErrorClassName::Timeout => ErrorClass::Timeout,
            ErrorClassName::Connect => ErrorClass::Connect,
            ErrorClassName::KeyInvalid => ErrorClass::KeyInvalid,
            ErrorClassName::RateLimited => ErrorClass::RateLimited,
            ErrorClassName::Upstream5xx => ErrorClass::Upstream5xx,
            ErrorClassName::ClientError => ErrorClass::ClientError,
            ErrorClassName::UnknownModel => ErrorClass::UnknownModel,
            ErrorClassName::Untranslatable => ErrorClass::Untranslatable,
            ErrorClassName::BudgetExceeded => ErrorClass::BudgetExceeded,
            ErrorClassName::TimeoutTotal => ErrorClass::TimeoutTotal,
            ErrorClassName::NoCandidate => ErrorClass::NoCandidate,
            ErrorClassName::BadRequest => ErrorClass::BadRequest,
            ErrorClassName::ClientDisconnected => ErrorClass::ClientDisconnected,
            ErrorClassName::UpstreamRead => ErrorClass::UpstreamRead,
            ErrorClassName::UpstreamInvalid => ErrorClass::UpstreamInvalid,
            ErrorClassName::UpstreamBroken => ErrorClass::UpstreamBroken,
            ErrorClassName::UpstreamIdleTimeout => ErrorClass::UpstreamIdleTimeout,
            ErrorClassName::UpstreamTooLarge => ErrorClass::UpstreamTooLarge,
            ErrorClassName::UpstreamError => ErrorClass::UpstreamError,
            ErrorClassName::UpstreamIncomplete => ErrorClass::UpstreamIncomplete,
            ErrorClassName::Translation => ErrorClass::Translation,
            ErrorClassName::Other => ErrorClass::Other,
        }
    }
}
