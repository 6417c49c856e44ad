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
    #[serde(rename = "limit_reached")]
    LimitReached,
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

mirror_enum!(
    ErrorClass,
    ErrorClassName {
        Timeout,
        Connect,
        KeyInvalid,
        RateLimited,
        Upstream5xx,
        ClientError,
        UnknownModel,
        Untranslatable,
        BudgetExceeded,
        LimitReached,
        TimeoutTotal,
        NoCandidate,
        BadRequest,
        ClientDisconnected,
        UpstreamRead,
        UpstreamInvalid,
        UpstreamBroken,
        UpstreamIdleTimeout,
        UpstreamTooLarge,
        UpstreamError,
        UpstreamIncomplete,
        Translation,
        Other,
    }
);
