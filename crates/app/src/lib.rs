//! The Tauri-free application: paths, logging, and the services behind every UI action
//! (backends, keys, key tests, import, settings) plus the built-in Demo server.
//! Domain events leave through a broadcast channel; the shell decides how to show them.

mod backends;
mod error;
mod events;
mod import;
mod keys;
pub mod logging;
pub mod paths;
pub mod probe;
mod service;
mod settings;

pub use backends::{BackendView, KeyView};
pub use error::AppError;
pub use events::DomainEvent;
pub use import::{Environment, Finding, FindingSource, ImportProblem, ImportReport, ImportScan};
pub use keys::NewKey;
pub use paths::AppPaths;
pub use probe::ProbeResult;
pub use service::{Options, Switchyard};
pub use settings::{Settings, Theme};
pub use switchyard_secrets as secrets;
pub use switchyard_store::{BackendRow, CheckRow, KeyRow};

/// A fresh random id for rows and keychain accounts.
pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}
