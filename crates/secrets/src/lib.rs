//! Secrets: the `Secret<T>` wrapper and the `SecretStore` abstraction over the OS keychain.
//! Keys live only in the keychain; this crate never writes them anywhere else.

mod error;
mod parts;
mod secret;
mod store;

pub use error::SecretError;
pub use secret::{Secret, SecretString};
pub use store::{KeychainStore, MemoryStore, SecretStore};
