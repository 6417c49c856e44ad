//! What goes with an answer to the caller, whichever way it is read (whole in `respond`,
//! streamed in `stream`): the `x-switchyard-*` headers of the backend that served it
//! ([`Served`]), its ledger record, its cache capture and the key scrubber ([`Answered`]).

use crate::capture::Capture;
use crate::log::RequestLog;
use crate::reply::Wire;
use crate::scrub::Scrub;
use axum::http::{HeaderMap, HeaderValue};

/// What goes with an answer to the caller.
pub struct Answered {
    /// The format the backend answered in.
    pub out: Wire,
    pub log: RequestLog,
    /// `x-switchyard-*` headers.
    pub extra: Served,
    /// Stores the answer in the response cache once it is complete.
    pub capture: Option<Capture>,
    /// Takes the attempt's key out of the answer before anyone sees it.
    pub scrub: Option<Scrub>,
}

impl Answered {
    /// A provider's error being passed on: the served-by headers, nothing to store.
    pub fn passed_on(out: Wire, log: RequestLog, extra: Served, scrub: Option<Scrub>) -> Self {
        Answered {
            out,
            log,
            extra,
            capture: None,
            scrub,
        }
    }
}

/// The `x-switchyard-*` headers of an answer: which backend served and why, and the request id.
/// Made before the answer is read and written into its response by [`Served::write`], with no
/// map of their own to build and merge.
pub struct Served {
    backend: Option<HeaderValue>,
    model: Option<HeaderValue>,
    reason: Option<HeaderValue>,
    id: Option<HeaderValue>,
    /// The provider's own headers passed on (its rate limits).
    passed: Vec<(axum::http::HeaderName, HeaderValue)>,
}

impl Served {
    /// The same headers with the provider's `passed` ones.
    #[must_use]
    pub fn with(mut self, passed: Vec<(axum::http::HeaderName, HeaderValue)>) -> Self {
        self.passed = passed;
        self
    }

    /// Sets the headers on `h` (replacing any of the same names).
    pub fn write(self, h: &mut HeaderMap) {
        use crate::names;
        h.reserve(6 + self.passed.len());
        for (name, v) in self.passed {
            h.insert(name, v);
        }
        for (name, v) in [
            (names::BACKEND, self.backend),
            (names::MODEL, self.model),
            (names::REASON, self.reason),
        ] {
            if let Some(v) = v {
                h.insert(name, v);
            }
        }
        if let Some(id) = self.id {
            h.insert(names::REQUEST_ID, id.clone());
            // The ids the official SDKs surface (`_request_id`, `requestID`): the Requests page row.
            h.insert(names::SDK_REQUEST_ID, id.clone());
            h.insert(names::SDK_REQUEST_ID_SHORT, id);
        }
    }
}

/// The served-by headers for an answer from `backend`'s `model`.
pub fn served_headers(backend: &str, model: &str, reason: &str, log: &RequestLog) -> Served {
    let value = |v: &str| {
        let printable = |c: char| c.is_ascii() && !c.is_ascii_control();
        if v.chars().all(printable) {
            HeaderValue::from_str(v).ok()
        } else {
            HeaderValue::from_str(&v.chars().filter(|c| printable(*c)).collect::<String>()).ok()
        }
    };
    Served {
        backend: value(backend),
        model: value(model),
        reason: value(reason),
        id: value(log.id()),
        passed: Vec::new(),
    }
}
