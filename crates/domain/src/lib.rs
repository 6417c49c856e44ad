//! Switchyard's domain: the backend kinds and their defaults, validation with one-click fixes,
//! key masking, `.env` parsing and import rules, the request ledger's record types and what of
//! them may be stored (`storable`).
//! Pure: no I/O, no clock, no Tauri.
//!
//! The types the window shows derive their TypeScript type here, behind the `specta` feature
//! (`#[cfg_attr(feature = "specta", derive(specta::Type), …)]`), which only the IPC crate turns
//! on. Where the UI knows a type by another name, a container `serde(rename)` under the same
//! feature keeps it: JSON never carries a struct's or an enum's own name, so the wire is the same
//! with the feature on or off.

pub mod address;
pub mod authz;
pub mod books;
pub mod catalogue;
pub mod changes;
pub mod check;
pub mod circuit;
pub mod dotenv;
pub mod error_class;
pub mod hex;
pub mod import;
pub mod issue;
pub mod key_host;
pub mod kind;
pub mod ledger;
pub mod mask;
pub mod readiness;
pub mod reconcile;
pub mod storable;
pub mod subscription;
pub mod token_scope;
mod url_check;
pub mod validate;
pub mod words;

pub use address::Address;
pub use check::{backend_status, BackendStatus, CheckOutcome};
pub use circuit::Circuit;
pub use error_class::ErrorClass;
pub use key_host::{approved_for, endpoint_shown, origin_of, unapproved_move, HostMove};
pub use kind::{AuthStyle, BackendKind, KindSpec};
pub use ledger::{AttemptRecord, RequestRecord};
pub use mask::mask_key;
pub use storable::Storable;
pub use subscription::{Overflow, PlanRefused, Subscription, Vendor};
pub use token_scope::TokenScope;
pub use url_check::{is_loopback_host, is_readable_release, release_source, SourceRefused};
pub use validate::{
    free_name, looks_like_key, BackendDraft, Field, Fix, Issue, IssueCode, Severity, Validation,
};
