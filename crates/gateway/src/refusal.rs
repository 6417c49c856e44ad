//! Why the gateway answers with an error of its own, and the one map from that to an HTTP
//! status. A failed request's [`ErrorClass`] (what the ledger records) takes its status from
//! `ErrorClass::status`; what is refused before there is a request to record (the guard, a
//! path or method the gateway does not serve, a body too large or too slow) is a [`Refused`]
//! of its own. No handler writes a status for an error itself.

use axum::http::StatusCode;
use switchyard_domain::ErrorClass;

/// Why the gateway refuses, with its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// A request that failed, as the ledger records it.
    Failed(ErrorClass),
    /// The gateway is paused (from the tray or the Gateway page).
    Paused,
    /// A provider's error answer, passed on with its own status in the caller's format.
    Provider(u16),
    /// No token, or one the gateway does not know.
    Unauthorized,
    /// A `Host`, origin, network or token scope the gateway does not let in.
    Forbidden,
    /// A request the guard cannot read (a `Host` header missing or malformed).
    Malformed,
    /// A path or method the gateway does not serve.
    NotFound,
    /// A body in a format the endpoint does not take.
    UnsupportedMediaType,
    /// A body over the gateway's limit.
    TooLarge,
    /// A body that did not arrive in time.
    TooSlow,
    /// A WebSocket the gateway cannot open now (every session in use): the caller is to use HTTP.
    UpgradeRequired,
}

impl Refused {
    /// The status the gateway answers with.
    pub fn status(self) -> StatusCode {
        match self {
            Refused::Failed(class) => class
                .status()
                .and_then(|s| StatusCode::from_u16(s).ok())
                .unwrap_or(StatusCode::BAD_GATEWAY),
            Refused::Paused => StatusCode::SERVICE_UNAVAILABLE,
            Refused::Provider(status) => {
                StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY)
            }
            Refused::Unauthorized => StatusCode::UNAUTHORIZED,
            Refused::Forbidden => StatusCode::FORBIDDEN,
            Refused::Malformed => StatusCode::BAD_REQUEST,
            Refused::NotFound => StatusCode::NOT_FOUND,
            Refused::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Refused::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Refused::TooSlow => StatusCode::REQUEST_TIMEOUT,
            Refused::UpgradeRequired => StatusCode::UPGRADE_REQUIRED,
        }
    }
}

impl From<ErrorClass> for Refused {
    fn from(class: ErrorClass) -> Self {
        Refused::Failed(class)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_request_answers_with_its_class_status() {
        assert_eq!(
            Refused::from(ErrorClass::BudgetExceeded).status(),
            StatusCode::PAYMENT_REQUIRED
        );
        assert_eq!(
            Refused::from(ErrorClass::NoCandidate).status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            Refused::from(ErrorClass::Timeout).status(),
            StatusCode::BAD_GATEWAY,
            "an attempt's class has no status of its own: the gateway's answer is a 502"
        );
    }
}
