//! A package's signature, checked as Tauri's updater checks it, and more strictly: the
//! manifest's `signature` is the base64 of a minisign signature file, the release key the base64
//! of a minisign public key file; the signature covers the package's bytes as saved on disk, read
//! back in chunks (a package is never whole in memory).
//!
//! Invariants, each refused by name:
//! - The signature is by the release key and prehashed (what `tauri signer` makes; minisign's
//!   legacy mode needs the whole package in memory, so it is refused) — known before a byte of
//!   the package is downloaded ([`Signed::read`]).
//! - Its trusted comment (`timestamp:<n>\tfile:<name>\tversion:<v>`, which `tauri build` and
//!   `tauri signer sign --app-version` write) is read only once the signature verified, since
//!   only then is it the key's word. Its `version:` is the version the manifest announces (so an
//!   old signed package cannot pass for a new release; the desktop's plugin is set to the same
//!   rule, `requireSignedVersion`), and its `file:` is the file the manifest lists for this
//!   install (so a package signed for another platform, or under another name, cannot be listed
//!   in this one's place).

use crate::UpdateError;
use base64::Engine;
use minisign_verify::{PublicKey, Signature};
use semver::Version;
use std::io::Read;
use std::path::Path;

fn text(b64: &str) -> Result<String, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|e| format!("not base64: {e}"))?;
    String::from_utf8(bytes).map_err(|_| "not text".to_string())
}

/// A signature read and matched to the release key, for the package `file`; its trusted
/// comment is not yet trusted.
pub struct Signed {
    key: PublicKey,
    signature: Signature,
    file: String,
}

impl Signed {
    /// Reads `signature` for the package the manifest lists as `file`, and checks what can be
    /// checked before downloading: it is readable, by `key`, and prehashed.
    pub fn read(key: &str, signature: &str, file: &str) -> Result<Signed, UpdateError> {
        let bad = |reason: String| UpdateError::BadSignature {
            file: file.to_string(),
            reason,
        };
        let key = text(key)
            .and_then(|k| PublicKey::decode(&k).map_err(|e| e.to_string()))
            .map_err(|e| {
                bad(format!(
                    "the release key built into this copy is unusable: {e}"
                ))
            })?;
        let signature = text(signature)
            .and_then(|s| Signature::decode(&s).map_err(|e| e.to_string()))
            .map_err(|e| bad(format!("the signature is unreadable: {e}")))?;
        key.verify_stream(&signature).map_err(|e| {
            bad(format!(
                "{e} (it is by another key, or in minisign's legacy mode)"
            ))
        })?;
        Ok(Signed {
            key,
            signature,
            file: file.to_string(),
        })
    }

    /// Checks that the saved package at `path` is what the key signed, for version `offered`
    /// and under the file name the manifest lists. Reads the file in chunks (blocking).
    pub fn verify_file(&self, path: &Path, offered: &Version) -> Result<(), UpdateError> {
        let file = self.file.clone();
        let bad = |reason: String| UpdateError::BadSignature {
            file: file.clone(),
            reason,
        };
        let unreadable = |e: std::io::Error| {
            UpdateError::Install(format!("cannot read the downloaded {file}: {e}"))
        };
        let mut verifier = self
            .key
            .verify_stream(&self.signature)
            .map_err(|e| bad(e.to_string()))?;
        let mut package = std::fs::File::open(path).map_err(unreadable)?;
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let n = package.read(&mut chunk).map_err(unreadable)?;
            if n == 0 {
                break;
            }
            verifier.update(&chunk[..n]);
        }
        verifier.finalize().map_err(|e| bad(e.to_string()))?;
        self.bound(offered)
    }

    /// The verified trusted comment's version and file, against the manifest's.
    fn bound(&self, offered: &Version) -> Result<(), UpdateError> {
        let comment = self.signature.trusted_comment();
        let field = |name: &str| {
            comment
                .split('\t')
                .find_map(|f| f.strip_prefix(name))
                .map(crate::text::printable)
        };
        let Some(signed) = field("version:") else {
            return Err(UpdateError::Unversioned {
                file: self.file.clone(),
            });
        };
        let same = match Version::parse(signed.trim_start_matches('v')) {
            Ok(v) => v == *offered,
            Err(_) => signed == offered.to_string(),
        };
        if !same {
            return Err(UpdateError::SignedVersion {
                file: self.file.clone(),
                signed,
                offered: offered.to_string(),
            });
        }
        match field("file:") {
            Some(signed) if signed == self.file => Ok(()),
            signed => Err(UpdateError::SignedFile {
                signed: signed.unwrap_or_else(|| "no file (its trusted comment names none)".into()),
                listed: self.file.clone(),
            }),
        }
    }
}
