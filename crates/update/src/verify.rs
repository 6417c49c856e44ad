//! A package's signature, checked as Tauri's updater checks it: the manifest's `signature` is
//! the base64 of a minisign signature file, the release key the base64 of a minisign public key
//! file; the signature covers the package's bytes as downloaded, and its trusted comment's
//! `version:` field (which `tauri build` writes) must name the version the manifest announces,
//! so an old signed package cannot be passed off as a new release (the desktop's plugin is set
//! to the same rule, `requireSignedVersion`).

use crate::UpdateError;
use base64::Engine;
use minisign_verify::{PublicKey, Signature};
use semver::Version;

fn text(b64: &str) -> Result<String, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|e| format!("not base64: {e}"))?;
    String::from_utf8(bytes).map_err(|_| "not text".to_string())
}

/// Checks that `data` (the package `file`) is signed by `key` for version `offered`.
pub fn verify(
    key: &str,
    data: &[u8],
    signature: &str,
    file: &str,
    offered: &Version,
) -> Result<(), UpdateError> {
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
    key.verify(data, &signature, true)
        .map_err(|e| bad(e.to_string()))?;
    let signed = signature
        .trusted_comment()
        .split('\t')
        .find_map(|field| field.strip_prefix("version:"));
    let Some(signed) = signed else {
        return Err(UpdateError::Unversioned {
            file: file.to_string(),
        });
    };
    let same = match Version::parse(signed.trim_start_matches('v')) {
        Ok(v) => v == *offered,
        Err(_) => signed == offered.to_string(),
    };
    if !same {
        return Err(UpdateError::SignedVersion {
            file: file.to_string(),
            signed: signed.to_string(),
            offered: offered.to_string(),
        });
    }
    Ok(())
}
