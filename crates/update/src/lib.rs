//! Switchyard's updates without a window (`switchyard update check | apply`), reading the same
//! release manifest and checking the same signatures as the desktop's updater plugin.
//!
//! A release publishes `latest.json` ([`Manifest`]) beside its packages; each package is signed
//! with the release key (minisign, by `tauri build`), whose public half is built into every copy
//! ([`RELEASE_KEY`], the same as `tauri.conf.json`'s `plugins.updater.pubkey`).
//!
//! Invariants:
//! - Nothing is installed unless its signature verifies against the built-in key and names the
//!   version the manifest announces: a mirror (`--from URL`) can withhold an update, never
//!   forge one.
//! - Only a version newer than the running one is offered; an older one is refused by name.
//! - The manifest and the package are read over HTTPS, or plain HTTP only from 127.0.0.1
//!   ([`fetch::allowed`], every redirect included), with bounded sizes.
//! - Every failure is an [`UpdateError`] saying what happened; after one, nothing was installed.

mod error;
pub mod fetch;
pub mod install;
mod manifest;
mod target;
#[cfg(feature = "testing")]
pub mod testing;
mod verify;

pub use error::UpdateError;
pub use install::Installed;
pub use manifest::{Manifest, Package};
pub use semver::Version;
pub use target::{Installer, Target};

use std::path::PathBuf;

/// The release key: base64 of the minisign public key file. A build for the update tests is
/// given a throw-away key instead, through `SWITCHYARD_UPDATE_PUBKEY` at build time.
pub const RELEASE_KEY: &str = match option_env!("SWITCHYARD_UPDATE_PUBKEY") {
    Some(key) => key,
    None => include_str!("../release-key.pub").trim_ascii(),
};

/// Where releases are announced: the repository's latest release's `latest.json`.
pub const DEFAULT_MANIFEST: &str = concat!(
    env!("CARGO_PKG_REPOSITORY"),
    "/releases/latest/download/latest.json"
);

/// The largest manifest read (they are a few KB).
const MANIFEST_LIMIT: u64 = 1024 * 1024;
/// The largest package read (installers are tens of MB).
const PACKAGE_LIMIT: u64 = 1024 * 1024 * 1024;

/// What a check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// The manifest's version is not newer than this one (`latest` may be older: a mirror
    /// behind, or a downgrade, which is never installed).
    UpToDate {
        running: Version,
        latest: Version,
    },
    Available(Offer),
}

/// A newer release, with the package for this install.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub running: Version,
    pub version: Version,
    pub notes: Option<String>,
    pub pub_date: Option<String>,
    pub package: Package,
}

/// A downloaded package whose signature verified, in a private temporary folder (removed
/// when this is dropped).
pub struct Verified {
    pub path: PathBuf,
    _dir: tempfile::TempDir,
}

/// Checks for, downloads and verifies updates of the running version.
pub struct Updater {
    client: reqwest::Client,
    key: String,
    running: Version,
    target: Target,
    /// Where downloads go (a private folder inside; `None`: the system's temp folder).
    downloads: Option<PathBuf>,
}

impl Updater {
    /// An updater of version `running` (this build's), installed as `target` says, checking
    /// signatures against [`RELEASE_KEY`].
    pub fn new(running: &str, target: Target) -> Result<Updater, UpdateError> {
        let running = Version::parse(running).map_err(|e| {
            UpdateError::Install(format!("this build's version “{running}” is invalid: {e}"))
        })?;
        Ok(Updater {
            client: fetch::client()?,
            key: RELEASE_KEY.to_string(),
            running,
            target,
            downloads: None,
        })
    }

    /// Puts downloads in a private folder inside `dir` rather than the system's temp folder.
    pub fn downloads_in(mut self, dir: PathBuf) -> Updater {
        self.downloads = Some(dir);
        self
    }

    /// Checks against `key` instead of the built-in one (tests).
    pub fn with_key(mut self, key: &str) -> Updater {
        self.key = key.trim().to_string();
        self
    }

    /// Reads the manifest at `from` and says whether it offers a newer version for this
    /// install.
    pub async fn check(&self, from: &str) -> Result<Check, UpdateError> {
        let url = fetch::parse(from)?;
        let body = fetch::get(&self.client, &url, MANIFEST_LIMIT, &mut |_, _| {}).await?;
        let manifest = Manifest::parse(&body).map_err(|reason| UpdateError::Manifest {
            url: url.to_string(),
            reason,
        })?;
        if manifest.version <= self.running {
            return Ok(Check::UpToDate {
                running: self.running.clone(),
                latest: manifest.version,
            });
        }
        let package = manifest
            .package(&self.target)
            .ok_or_else(|| UpdateError::NoPackage {
                wanted: self.target.keys().join(" or "),
                offered: manifest.keys().join(", "),
            })?
            .clone();
        fetch::allowed(&package.url)?;
        Ok(Check::Available(Offer {
            running: self.running.clone(),
            version: manifest.version,
            notes: manifest.notes,
            pub_date: manifest.pub_date,
            package,
        }))
    }

    /// Downloads the offer's package (`progress(received, total)` as it arrives) and verifies
    /// its signature; only a verified package is written to disk.
    pub async fn download(
        &self,
        offer: &Offer,
        progress: &mut (dyn FnMut(u64, Option<u64>) + Send),
    ) -> Result<Verified, UpdateError> {
        let url = &offer.package.url;
        let name = url
            .path_segments()
            .and_then(|mut s| s.next_back())
            .filter(|n| !n.is_empty() && !n.contains(['/', '\\']))
            .unwrap_or("package")
            .to_string();
        let bytes = fetch::get(&self.client, url, PACKAGE_LIMIT, progress).await?;
        verify::verify(
            &self.key,
            &bytes,
            &offer.package.signature,
            &name,
            &offer.version,
        )?;
        let fail = |e: std::io::Error| UpdateError::Install(format!("cannot save {name}: {e}"));
        let mut dir = tempfile::Builder::new();
        dir.prefix("switchyard-update-");
        let dir = match &self.downloads {
            Some(parent) => dir.tempdir_in(parent),
            None => dir.tempdir(),
        }
        .map_err(fail)?;
        let path = dir.path().join(&name);
        std::fs::write(&path, &bytes).map_err(fail)?;
        Ok(Verified { path, _dir: dir })
    }
}
