//! Switchyard's domain: the backend kinds and their defaults, validation with one-click fixes,
//! key masking, `.env` parsing and import rules. Pure: no I/O, no clock, no Tauri.

pub mod check;
pub mod dotenv;
pub mod import;
pub mod kind;
pub mod mask;
pub mod readiness;
mod url_check;
pub mod validate;

pub use check::{backend_status, BackendStatus, CheckOutcome};
pub use kind::{AuthStyle, BackendKind, KindSpec};
pub use mask::mask_key;
pub use url_check::is_loopback_host;
pub use validate::{
    free_name, looks_like_key, BackendDraft, Field, Fix, Issue, Severity, Validation,
};
