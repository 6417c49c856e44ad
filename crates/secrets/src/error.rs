//! Keychain failures as data. Messages are safe to show: they never carry secret bytes (keyring's
//! `BadEncoding` holds the raw secret, so it is mapped without its payload).

/// Why a keychain operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// No keychain service can be reached (no D-Bus session, no Secret Service provider).
    #[error("The OS keychain is not available ({reason}).")]
    Unavailable { reason: String },
    /// The keychain is there but locked or refused access.
    #[error("The OS keychain is locked or refused access ({reason}).")]
    Locked { reason: String },
    #[error("No such key in the keychain.")]
    NotFound,
    #[error("The keychain entry is not valid text.")]
    Corrupt,
    #[error("The keychain rejected the request: {0}")]
    Rejected(String),
}

impl SecretError {
    /// True when the fix is on the user's side (start or unlock the keychain).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            SecretError::Unavailable { .. } | SecretError::Locked { .. }
        )
    }

    /// What the user can do about it, for this platform.
    pub fn fix_hint(&self) -> &'static str {
        match self {
            SecretError::Unavailable { .. } | SecretError::Locked { .. } => PLATFORM_HINT,
            SecretError::NotFound => "Add the key again from the Backends page.",
            SecretError::Corrupt => "Delete the key and add it again.",
            SecretError::Rejected(_) => "Try again; if it persists, check the keychain app.",
        }
    }
}

#[cfg(target_os = "macos")]
const PLATFORM_HINT: &str = "Open Keychain Access, unlock the login keychain, then try again.";
#[cfg(target_os = "windows")]
const PLATFORM_HINT: &str =
    "Make sure the Credential Manager service is running and you are signed in, then try again.";
#[cfg(not(any(target_os = "macos", target_os = "windows")))]
const PLATFORM_HINT: &str = "Start a Secret Service provider (GNOME Keyring or KWallet) and unlock its default collection, then restart Switchyard. Headless: run inside `dbus-run-session` and unlock with `gnome-keyring-daemon --unlock`.";

impl From<keyring_core::Error> for SecretError {
    fn from(e: keyring_core::Error) -> Self {
        use keyring_core::Error as K;
        match e {
            K::NoEntry => SecretError::NotFound,
            K::NoDefaultStore => SecretError::Unavailable {
                reason: "no keychain store".into(),
            },
            K::PlatformFailure(p) => SecretError::Unavailable {
                reason: p.to_string(),
            },
            K::NoStorageAccess(p) => SecretError::Locked {
                reason: p.to_string(),
            },
            // Both carry the secret's bytes: drop them.
            K::BadEncoding(_) | K::BadDataFormat(..) => SecretError::Corrupt,
            K::TooLong(attr, max) => SecretError::Rejected(format!("{attr} is over {max} bytes")),
            K::Invalid(what, why) => SecretError::Rejected(format!("{what}: {why}")),
            K::Ambiguous(_) => SecretError::Rejected("several keychain entries match".into()),
            K::BadStoreFormat(why) => SecretError::Rejected(why),
            K::NotSupportedByStore(why) => SecretError::Rejected(why),
            _ => SecretError::Rejected("unexpected keychain error".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_encoding_drops_the_secret_bytes() {
        let e = SecretError::from(keyring_core::Error::BadEncoding(b"sk-secret".to_vec()));
        assert_eq!(e, SecretError::Corrupt);
        assert!(!format!("{e:?}{e}").contains("sk-secret"));
    }

    #[test]
    fn missing_store_is_unavailable_with_a_hint() {
        let e = SecretError::from(keyring_core::Error::NoDefaultStore);
        assert!(e.is_unavailable());
        assert!(!e.fix_hint().is_empty());
    }
}
