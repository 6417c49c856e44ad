//! The `SecretStore` trait and its two implementations: the OS keychain (via keyring-core's
//! default store, installed once at start-up) and an in-memory map for unit tests.
//! Every call is blocking: async callers use `spawn_blocking`.

use crate::{parts, SecretError, SecretString};
use std::collections::HashMap;
use std::sync::Mutex;

/// Where keys live. `account` names one key (Switchyard uses the key's id).
pub trait SecretStore: Send + Sync {
    fn set(&self, account: &str, secret: &SecretString) -> Result<(), SecretError>;
    fn get(&self, account: &str) -> Result<SecretString, SecretError>;
    /// Idempotent: deleting a missing entry succeeds.
    fn delete(&self, account: &str) -> Result<(), SecretError>;
    /// Cheap reachability check: looks up an entry that does not exist.
    fn check(&self) -> Result<(), SecretError> {
        match self.get("switchyard-reachability-check") {
            Ok(_) | Err(SecretError::NotFound) => Ok(()),
            Err(e) => Err(e),
        }
    }
    /// The keychain service name entries are filed under.
    fn service(&self) -> &str;
}

/// The OS keychain: macOS Keychain, Windows Credential Manager, Secret Service on Linux.
pub struct KeychainStore {
    service: String,
    init: Result<(), SecretError>,
}

impl KeychainStore {
    /// Installs the platform's default store (once per process) and files entries under `service`.
    /// A store that cannot be created is remembered: every call then returns that error.
    pub fn platform(service: impl Into<String>) -> Self {
        let init = match keyring::Entry::store_status() {
            Ok(()) => Ok(()),
            Err(e) => {
                let e = SecretError::from(clone_error(e));
                tracing::warn!(error = %e, "OS keychain unavailable");
                Err(e)
            }
        };
        KeychainStore {
            service: service.into(),
            init,
        }
    }

    /// Uses whatever default store is installed (a mock one in tests).
    pub fn with_current_default(service: impl Into<String>) -> Self {
        KeychainStore {
            service: service.into(),
            init: Ok(()),
        }
    }

    fn entry(&self, account: &str) -> Result<keyring_core::Entry, SecretError> {
        self.init.clone()?;
        Ok(keyring_core::Entry::new(&self.service, account)?)
    }
}

/// `store_status` hands out a reference; rebuild an owned error with the same safe meaning.
fn clone_error(e: &keyring_core::Error) -> keyring_core::Error {
    use keyring_core::Error as K;
    match e {
        K::NoStorageAccess(p) => K::NoStorageAccess(p.to_string().into()),
        K::PlatformFailure(p) => K::PlatformFailure(p.to_string().into()),
        K::NoDefaultStore => K::NoDefaultStore,
        other => K::PlatformFailure(other.to_string().into()),
    }
}

impl KeychainStore {
    /// The number of parts the value under `account` is split into (0: whole, or absent).
    fn parts_now(&self, account: &str) -> Result<usize, SecretError> {
        match self.entry(account)?.get_password() {
            Ok(first) => Ok(parts::count(&first).unwrap_or(0)),
            Err(keyring_core::Error::NoEntry) => Ok(0),
            Err(e) => Err(e.into()),
        }
    }

    fn delete_entry(&self, account: &str) -> Result<(), SecretError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes parts `from..=to` of `account`.
    fn delete_parts(&self, account: &str, from: usize, to: usize) -> Result<(), SecretError> {
        for i in from..=to {
            self.delete_entry(&parts::part_account(account, i))?;
        }
        Ok(())
    }
}

impl SecretStore for KeychainStore {
    /// A value longer than one entry takes is split ([`parts`]): the parts are written first and
    /// the header last, so a reader sees the old value or the whole new one.
    fn set(&self, account: &str, secret: &SecretString) -> Result<(), SecretError> {
        let before = self.parts_now(account)?;
        let written = match parts::split(secret.expose()) {
            None => {
                self.entry(account)?.set_password(secret.expose())?;
                0
            }
            Some(pieces) => {
                for (i, piece) in pieces.iter().enumerate() {
                    self.entry(&parts::part_account(account, i + 1))?
                        .set_password(piece)?;
                }
                self.entry(account)?
                    .set_password(&format!("{}{}", parts::HEADER, pieces.len()))?;
                pieces.len()
            }
        };
        self.delete_parts(account, written + 1, before)
    }

    fn get(&self, account: &str) -> Result<SecretString, SecretError> {
        let first = SecretString::new(self.entry(account)?.get_password()?);
        let Some(n) = parts::count(first.expose()) else {
            return Ok(first);
        };
        if n > parts::MAX_PARTS {
            return Err(SecretError::Corrupt);
        }
        let mut whole = SecretString::new(String::new());
        for i in 1..=n {
            let piece = SecretString::new(
                self.entry(&parts::part_account(account, i))?
                    .get_password()
                    .map_err(|e| match e {
                        keyring_core::Error::NoEntry => SecretError::Corrupt,
                        e => e.into(),
                    })?,
            );
            whole = SecretString::new(format!("{}{}", whole.expose(), piece.expose()));
        }
        Ok(whole)
    }

    fn delete(&self, account: &str) -> Result<(), SecretError> {
        let n = self.parts_now(account)?.min(parts::MAX_PARTS);
        self.delete_entry(account)?;
        self.delete_parts(account, 1, n)
    }

    fn service(&self) -> &str {
        &self.service
    }
}

/// An in-memory store for unit tests; can pretend the keychain is unavailable.
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, String>>,
    unavailable: Mutex<bool>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes every following call fail as if no keychain were running.
    pub fn set_unavailable(&self, unavailable: bool) {
        *lock(&self.unavailable) = unavailable;
    }

    /// Number of stored entries (for assertions).
    pub fn len(&self) -> usize {
        lock(&self.entries).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn guard(&self) -> Result<(), SecretError> {
        if *lock(&self.unavailable) {
            return Err(SecretError::Unavailable {
                reason: "simulated".into(),
            });
        }
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl SecretStore for MemoryStore {
    fn set(&self, account: &str, secret: &SecretString) -> Result<(), SecretError> {
        self.guard()?;
        lock(&self.entries).insert(account.to_string(), secret.expose().clone());
        Ok(())
    }

    fn get(&self, account: &str) -> Result<SecretString, SecretError> {
        self.guard()?;
        lock(&self.entries)
            .get(account)
            .cloned()
            .map(SecretString::new)
            .ok_or(SecretError::NotFound)
    }

    fn delete(&self, account: &str) -> Result<(), SecretError> {
        self.guard()?;
        lock(&self.entries).remove(account);
        Ok(())
    }

    fn service(&self) -> &str {
        "memory"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// keyring-core's mock store, installed once: tests run in parallel, and replacing the
    /// default under a running test would lose its entries.
    fn mock_default_store() {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            keyring_core::set_default_store(keyring_core::mock::Store::new().unwrap());
        });
    }

    fn round_trip(store: &dyn SecretStore) {
        store.set("k1", &"sk-one".into()).unwrap();
        assert_eq!(store.get("k1").unwrap().expose(), "sk-one");
        store.set("k1", &"sk-two".into()).unwrap();
        assert_eq!(
            store.get("k1").unwrap().expose(),
            "sk-two",
            "set overwrites"
        );
        store.delete("k1").unwrap();
        assert_eq!(store.get("k1").unwrap_err(), SecretError::NotFound);
        store.delete("k1").expect("deleting twice is fine");
    }

    #[test]
    fn memory_store_round_trips() {
        round_trip(&MemoryStore::new());
    }

    #[test]
    fn keychain_store_round_trips_through_keyring_core() {
        // keyring-core's mock store stands in for the platform store; the real Secret Service
        // is exercised by tests/keychain.rs under dbus-run-session.
        mock_default_store();
        round_trip(&KeychainStore::with_current_default("switchyard-unit"));
    }

    #[test]
    fn keychain_store_splits_long_values_and_leaves_no_stale_parts() {
        mock_default_store();
        let store = KeychainStore::with_current_default("switchyard-unit-parts");
        let long: String = (0..3000)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        store.set("record", &long.as_str().into()).unwrap();
        assert_eq!(store.get("record").unwrap().expose(), &long);
        let first = keyring_core::Entry::new("switchyard-unit-parts", "record")
            .unwrap()
            .get_password()
            .unwrap();
        assert_eq!(first, format!("{}3", parts::HEADER), "three parts");
        // Shorter again: one entry, the parts gone.
        store.set("record", &"short".into()).unwrap();
        assert_eq!(store.get("record").unwrap().expose(), "short");
        let part = keyring_core::Entry::new("switchyard-unit-parts", "record#1").unwrap();
        assert!(matches!(
            part.get_password(),
            Err(keyring_core::Error::NoEntry)
        ));
        store.set("record", &long.as_str().into()).unwrap();
        store.delete("record").unwrap();
        assert_eq!(store.get("record").unwrap_err(), SecretError::NotFound);
        assert!(matches!(
            part.get_password(),
            Err(keyring_core::Error::NoEntry)
        ));
    }

    #[test]
    fn unavailable_memory_store_fails_typed() {
        let store = MemoryStore::new();
        store.set_unavailable(true);
        assert!(store.set("k", &"v".into()).unwrap_err().is_unavailable());
        assert!(store.check().unwrap_err().is_unavailable());
        assert!(
            store.is_empty(),
            "nothing is written when the keychain is down"
        );
    }
}
