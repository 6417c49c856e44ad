//! Why a provider's books could not be read. Never quotes a key.

use switchyard_domain::books::BooksProvider;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BooksError {
    /// The provider refused the key (401/403): not an admin key, revoked, or without the scope.
    #[error("{} refused the key for its usage reports (HTTP {status}): {message}", .provider.label())]
    Refused {
        provider: BooksProvider,
        status: u16,
        message: String,
    },
    /// Still rate-limited after waiting once as the provider asked.
    #[error("{} is rate-limiting its usage reports{}", .provider.label(), retry_hint(*.retry_after_s))]
    RateLimited {
        provider: BooksProvider,
        retry_after_s: Option<u64>,
    },
    /// An answer not in the provider's documented shape.
    #[error("{} answered its usage report in an unexpected shape: {what}", .provider.label())]
    Malformed {
        provider: BooksProvider,
        what: String,
    },
    /// The provider could not be reached, or answered with another error.
    #[error("{} could not be read: {message}", .provider.label())]
    Unreachable {
        provider: BooksProvider,
        message: String,
    },
    /// The egress gate withheld the key from this address.
    #[error(
        "the admin key is not sent to {origin}: it is approved only for its provider's own address"
    )]
    Withheld { origin: String },
}

fn retry_hint(after: Option<u64>) -> String {
    match after {
        Some(s) => format!(" (try again in {s} s)"),
        None => String::new(),
    }
}

impl From<switchyard_gateway::Withheld> for BooksError {
    fn from(w: switchyard_gateway::Withheld) -> Self {
        match w {
            switchyard_gateway::Withheld::NotApproved { origin } => BooksError::Withheld { origin },
            switchyard_gateway::Withheld::Unsendable => BooksError::Withheld {
                origin: "any address (the key has characters no header carries)".into(),
            },
        }
    }
}
