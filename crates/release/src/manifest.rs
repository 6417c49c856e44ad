//! The release manifest, `latest.json`, in the shape Tauri's updater reads: a version, notes,
//! a publication date, and per platform key the package's URL and its signature (the base64 of
//! the minisign signature file). Parsed whole and strictly, as the plugin does: an entry
//! without a valid URL or signature makes the manifest invalid, never a partial offer.
//!
//! Invariants: the notes are [`printable`] (no control character but newline and tab, no escape
//! sequence, no bidi override), so every surface shows them as they are; a platform key holds
//! nothing [`printable`] would remove; every entry's URL names a file ([`Package::file`], the
//! name its signature must carry); an error quoting the manifest quotes it [`printable`].

use crate::target::Target;
use crate::text::printable;
use semver::Version;
use serde::Deserialize;
use std::collections::BTreeMap;
use url::Url;

/// One platform's package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The platform key it was found under (`linux-x86_64-deb`).
    pub key: String,
    pub url: Url,
    /// The file the URL names (its last path segment, decoded): what the package is called,
    /// which its signature's trusted comment must name and its name say it is built for.
    pub file: String,
    /// Base64 of the minisign signature file, as `tauri build` writes it next to the package.
    pub signature: String,
}

/// A release, as its manifest announces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub version: Version,
    /// The release's notes, [`printable`].
    pub notes: Option<String>,
    /// RFC 3339, when given.
    pub pub_date: Option<String>,
    packages: BTreeMap<String, Package>,
}

#[derive(Deserialize)]
struct Raw {
    #[serde(alias = "name")]
    version: String,
    notes: Option<String>,
    pub_date: Option<String>,
    platforms: Option<BTreeMap<String, RawPackage>>,
    url: Option<String>,
    signature: Option<String>,
}

#[derive(Deserialize)]
struct RawPackage {
    url: String,
    signature: String,
}

impl Manifest {
    /// Parses a manifest; the error says what is wrong, for [`crate::UpdateError::Manifest`],
    /// quoting the manifest [`printable`].
    pub fn parse(bytes: &[u8]) -> Result<Manifest, String> {
        Manifest::parse_raw(bytes).map_err(|reason| printable(&reason))
    }

    fn parse_raw(bytes: &[u8]) -> Result<Manifest, String> {
        let raw: Raw = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        let version = Version::parse(raw.version.trim_start_matches('v'))
            .map_err(|e| format!("version “{}”: {e}", raw.version))?;
        if let Some(date) = &raw.pub_date {
            time::OffsetDateTime::parse(date, &time::format_description::well_known::Rfc3339)
                .map_err(|e| format!("pub_date “{date}”: {e}"))?;
        }
        let entries: Vec<(String, RawPackage)> = match (raw.platforms, raw.url, raw.signature) {
            (Some(map), _, _) => map.into_iter().collect(),
            (None, Some(url), Some(signature)) => {
                vec![(String::new(), RawPackage { url, signature })]
            }
            _ => {
                return Err(
                    "it names no package (no “platforms”, nor “url” and “signature”)".into(),
                )
            }
        };
        let mut packages = BTreeMap::new();
        for (key, p) in entries {
            if printable(&key) != key {
                return Err(format!("platform key “{key}” holds control characters"));
            }
            let url = Url::parse(&p.url).map_err(|e| format!("{key}: url “{}”: {e}", p.url))?;
            let file = file_name(&url)
                .ok_or_else(|| format!("{key}: url “{url}” names no file (…/name.deb)"))?;
            if p.signature.trim().is_empty() {
                return Err(format!("{key}: empty signature"));
            }
            let package = Package {
                key: key.clone(),
                url,
                file,
                signature: p.signature,
            };
            packages.insert(key, package);
        }
        Ok(Manifest {
            version,
            notes: raw.notes.as_deref().map(printable),
            pub_date: raw.pub_date,
            packages,
        })
    }

    /// The package for `target`: the first of its keys the manifest has (a manifest of the
    /// single-package form fits every target).
    pub fn package(&self, target: &Target) -> Option<&Package> {
        if let Some(only) = self.packages.get("") {
            return Some(only);
        }
        target.keys().iter().find_map(|k| self.packages.get(k))
    }

    /// The platform keys it has, for a message.
    pub fn keys(&self) -> Vec<&str> {
        self.packages.keys().map(String::as_str).collect()
    }
}

/// The file `url` names: its last path segment, percent-decoded; `None` when there is none, or
/// it is not a plain file name (a separator, `.`/`..`, or a control character once decoded).
fn file_name(url: &Url) -> Option<String> {
    let last = url.path_segments()?.next_back()?;
    let name = String::from_utf8(percent_decoded(last)).ok()?;
    let plain = !matches!(name.as_str(), "" | "." | "..")
        && !name.contains(['/', '\\'])
        && printable(&name) == name
        && !name.contains(['\n', '\t']);
    plain.then_some(name)
}

/// `text` with each `%XY` replaced by the byte it stands for.
fn percent_decoded(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::Installer;

    fn linux(installer: Installer) -> Target {
        Target {
            os: "linux",
            arch: "x86_64",
            installer,
        }
    }

    const MANIFEST: &str = r#"{
      "version": "v0.2.0",
      "notes": "Faster failover.",
      "pub_date": "2026-11-27T10:00:00Z",
      "platforms": {
        "linux-x86_64": { "url": "https://example.org/s.AppImage", "signature": "c2ln" },
        "linux-x86_64-deb": { "url": "https://example.org/s.deb", "signature": "ZGVi" },
        "windows-x86_64-nsis": { "url": "https://example.org/s-setup.exe", "signature": "bnNpcw==" }
      }
    }"#;

    #[test]
    fn the_installer_specific_package_is_preferred_then_the_platform_one() {
        let m = Manifest::parse(MANIFEST.as_bytes()).unwrap();
        assert_eq!(m.version, Version::new(0, 2, 0), "a leading v is allowed");
        let deb = linux(Installer::Deb {
            package: "switchyard".into(),
        });
        assert_eq!(m.package(&deb).unwrap().key, "linux-x86_64-deb");
        assert_eq!(
            m.package(&linux(Installer::Unmanaged)).unwrap().key,
            "linux-x86_64"
        );
        let mac = Target {
            os: "darwin",
            arch: "aarch64",
            installer: Installer::Unmanaged,
        };
        assert!(m.package(&mac).is_none(), "no package for macOS here");
    }

    #[test]
    fn a_manifest_with_one_bad_entry_or_date_is_invalid_whole() {
        let bad_url = MANIFEST.replace("https://example.org/s.deb", "not a url");
        assert!(Manifest::parse(bad_url.as_bytes())
            .unwrap_err()
            .contains("linux-x86_64-deb"));
        let bad_date = MANIFEST.replace("2026-11-27T10:00:00Z", "yesterday");
        assert!(Manifest::parse(bad_date.as_bytes())
            .unwrap_err()
            .contains("pub_date"));
        let bad_version = MANIFEST.replace("v0.2.0", "soon");
        assert!(Manifest::parse(bad_version.as_bytes())
            .unwrap_err()
            .contains("version"));
        assert!(Manifest::parse(b"{\"version\": \"1.0.0\"}")
            .unwrap_err()
            .contains("no package"));
        let no_file = MANIFEST.replace("https://example.org/s.deb", "https://example.org/");
        assert!(Manifest::parse(no_file.as_bytes())
            .unwrap_err()
            .contains("names no file"));
        let hidden = MANIFEST.replace("https://example.org/s.deb", "https://example.org/a%2Fb.deb");
        assert!(
            Manifest::parse(hidden.as_bytes()).is_err(),
            "a separator in disguise"
        );
    }

    #[test]
    fn an_entrys_file_is_the_name_its_url_ends_in_decoded() {
        let spaced = MANIFEST.replace(
            "https://example.org/s.deb",
            "https://example.org/r/My%20App_0.2.0_amd64.deb?x=1",
        );
        let m = Manifest::parse(spaced.as_bytes()).unwrap();
        assert_eq!(
            m.packages["linux-x86_64-deb"].file,
            "My App_0.2.0_amd64.deb"
        );
    }
}
