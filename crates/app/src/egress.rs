//! Where the app clears a provider key for the network (issue 53). Every probe, key test and
//! model-list read gets its key here, as a [`Cleared`] that only `switchyard_gateway::key_header`
//! can put into a request, and only for the origin it was cleared for. The gateway's own
//! routing does the same check per attempt (`switchyard_gateway::Cleared::check` against the
//! key's approved origins, which `gateway.rs` copies into the routing table).
//!
//! A stored key is cleared for its backend's address only when the user approved that origin
//! for it (the key row's `hosts`); an unapproved key is not even read from the keychain. A key
//! found in a tool's file is cleared for the address it was shown with: its kind's official
//! host or a backend the user already trusts with a key (`backends::home_for_found_key`).

use crate::AppError;
use switchyard_gateway::Cleared;
use switchyard_secrets::{SecretStore, SecretString};
use switchyard_store::KeyRow;

/// The stored key `key`, cleared for `url` (its backend's address), read from the keychain
/// only when approved.
pub(crate) fn stored(
    secrets: &dyn SecretStore,
    key: &KeyRow,
    url: &str,
) -> Result<Cleared, AppError> {
    if !switchyard_domain::approved_for(&key.hosts, url) {
        return Err(not_approved(key, url));
    }
    let value = secrets.get(&key.id)?;
    Cleared::check(value, &key.hosts, url).map_err(|_| not_approved(key, url))
}

/// A key found in a tool's file, cleared for `home`: the address the user was shown for it.
pub(crate) fn found(value: SecretString, home: &str) -> Result<Cleared, AppError> {
    let approved: Vec<String> = switchyard_domain::origin_of(home).into_iter().collect();
    Ok(Cleared::check(value, &approved, home)?)
}

fn not_approved(key: &KeyRow, url: &str) -> AppError {
    AppError::KeyHostNotApproved {
        label: key.label.clone(),
        origin: switchyard_domain::origin_of(url).unwrap_or_else(|| url.trim().to_string()),
    }
}
