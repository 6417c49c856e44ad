//! A space's seal: the key only the user's own machines hold (drawn on the first machine,
//! entered on the others, kept in each keychain under [`account`]) and the MAC every record of
//! the space carries. Anyone else who can write the database — a teammate, a leaked password,
//! a restored backup — can put rows into the space, but not rows this machine takes: a record
//! whose seal does not verify is listed as a problem and never applied.
//!
//! The MAC is HMAC-SHA256 over the space, kind, name, version and body (the body as
//! `serde_json` writes a `Value`: keys in order, so the copy read back from JSONB gives the same
//! bytes), each length-prefixed so no two records share a message. The version is inside, so an
//! old row replayed over a newer one is still older than what this machine agreed with — and a
//! machine that never saw the newer one learns it from the space's index (the app's `sync::index`).
//!
//! Two schemes: this version seals with [`Scheme::Indexed`] (the space has an index, written
//! with every record), and still verifies [`Scheme::Plain`], the seals of versions before the
//! index. A space holding any row of the first is indexed, so a missing index is noticed.

use crate::SyncedRecord;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use switchyard_secrets::SecretString;

/// A text that is no space key: it starts with [`PREFIX`] and 64 hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("That is not a space key: it starts with “syk-” (shown on your first machine by `switchyard sync key` or Settings → My machines → Show key).")]
pub struct NotASpaceKey;

/// The MAC could not be made (HMAC takes a key of any length: only if the crate changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the space key could not be used")]
pub struct SealError;

/// How a space key starts, so a pasted value is recognised (and a token is not mistaken for
/// one).
const PREFIX: &str = "syk-";
/// Which seal a row carries: the scheme's name is first in every message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Versions before the index (issue 53).
    Plain,
    /// Written with the space's index (issue 69): this version's.
    Indexed,
}

impl Scheme {
    fn tag(self) -> &'static [u8] {
        match self {
            Scheme::Plain => b"switchyard-sync-seal-v1",
            Scheme::Indexed => b"switchyard-sync-seal-v2",
        }
    }
}

/// The keychain account of `space`'s key.
pub fn account(space: &str) -> String {
    format!("sync:space-key:{space}")
}

/// The key of one space. Holds the secret; prints as `***`.
#[derive(Clone)]
pub struct SpaceKey(SecretString);

impl std::fmt::Debug for SpaceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SpaceKey(***)")
    }
}

/// One record as it is sealed: where it lives and what it says.
#[derive(Debug, Clone, Copy)]
pub struct Sealed<'a> {
    pub space: &'a str,
    pub kind: &'a str,
    pub name: &'a str,
    pub version: i64,
    pub body: Option<&'a Value>,
}

impl SpaceKey {
    /// A new key: 244 bits from the operating system's generator (two v4 UUIDs), as text a
    /// user can copy to another machine.
    pub fn generate() -> SpaceKey {
        SpaceKey(SecretString::new(format!(
            "{PREFIX}{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        )))
    }

    /// A key the user entered (surrounding blanks ignored); refused when it is not one.
    pub fn parse(text: &SecretString) -> Result<SpaceKey, NotASpaceKey> {
        let t = text.expose().trim();
        let hex = t.strip_prefix(PREFIX).unwrap_or_default();
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(NotASpaceKey);
        }
        Ok(SpaceKey(SecretString::new(t.to_string())))
    }

    /// The key as the keychain keeps it and a user copies it.
    pub fn secret(&self) -> &SecretString {
        &self.0
    }

    /// HMAC takes a key of any length, so this fails only if the crate changes its mind.
    fn mac(&self, scheme: Scheme, r: &Sealed<'_>) -> Result<Hmac<Sha256>, SealError> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.0.expose().as_bytes())
            .map_err(|_| SealError)?;
        let body = r.body.map(Value::to_string);
        let version = r.version.to_string();
        let parts: [&[u8]; 6] = [
            scheme.tag(),
            r.space.as_bytes(),
            r.kind.as_bytes(),
            r.name.as_bytes(),
            version.as_bytes(),
            body.as_deref().unwrap_or("\u{0}tombstone").as_bytes(),
        ];
        for p in parts {
            mac.update(&(p.len() as u64).to_be_bytes());
            mac.update(p);
        }
        Ok(mac)
    }

    /// The seal of `r`, as hex (this version's scheme).
    pub fn seal(&self, r: &Sealed<'_>) -> Result<String, SealError> {
        let bytes = self.mac(Scheme::Indexed, r)?.finalize().into_bytes();
        Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Whether `record` of `space` carries this key's seal (compared in constant time).
    pub fn verifies(&self, space: &str, record: &SyncedRecord) -> bool {
        self.scheme(space, record).is_some()
    }

    /// The scheme of this key's seal that `record` of `space` carries, if any.
    pub fn scheme(&self, space: &str, record: &SyncedRecord) -> Option<Scheme> {
        let bytes = from_hex(record.mac.as_deref()?)?;
        let sealed = Sealed {
            space,
            kind: &record.kind,
            name: &record.name,
            version: record.version,
            body: record.body.as_ref(),
        };
        [Scheme::Indexed, Scheme::Plain].into_iter().find(|s| {
            self.mac(*s, &sealed)
                .is_ok_and(|mac| mac.verify_slice(&bytes).is_ok())
        })
    }
}

fn from_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) || hex.len() > 128 {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(key: &SpaceKey, space: &str, version: i64, body: Option<Value>) -> SyncedRecord {
        let mac = key
            .seal(&Sealed {
                space,
                kind: "backend",
                name: "openai",
                version,
                body: body.as_ref(),
            })
            .unwrap();
        SyncedRecord {
            kind: "backend".into(),
            name: "openai".into(),
            version,
            body,
            updated_by: "laptop".into(),
            updated_at_ms: 0,
            mac: Some(mac),
            oversize: false,
        }
    }

    #[test]
    fn a_record_verifies_only_with_its_spaces_key_and_unchanged() {
        let (key, other) = (SpaceKey::generate(), SpaceKey::generate());
        let r = record(
            &key,
            "ana",
            3,
            Some(json!({"baseUrl": "https://api.openai.com/v1"})),
        );
        assert!(key.verifies("ana", &r));
        assert!(!other.verifies("ana", &r), "another space key");
        assert!(!key.verifies("bo", &r), "moved to another space");
        let mut changed = r.clone();
        changed.body = Some(json!({"baseUrl": "https://collector.example/v1"}));
        assert!(
            !key.verifies("ana", &changed),
            "a body rewritten in the database"
        );
        let mut bumped = r.clone();
        bumped.version = 4;
        assert!(
            !key.verifies("ana", &bumped),
            "a version raised without the key"
        );
        let mut bare = r.clone();
        bare.mac = None;
        assert!(!key.verifies("ana", &bare), "an unsealed row");
        let tomb = record(&key, "ana", 4, None);
        assert!(key.verifies("ana", &tomb), "tombstones are sealed too");
    }

    #[test]
    fn only_well_formed_keys_are_taken_and_none_prints() {
        let key = SpaceKey::generate();
        assert!(
            SpaceKey::parse(&SecretString::new(format!(" {} \n", key.secret().expose()))).is_ok()
        );
        for bad in ["", "syk-1234", "sy-0123456789abcdef", &"syk-zz".repeat(11)] {
            assert!(
                SpaceKey::parse(&SecretString::new(bad.to_string())).is_err(),
                "{bad}"
            );
        }
        assert_eq!(format!("{key:?}"), "SpaceKey(***)");
    }
}
