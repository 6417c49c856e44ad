//! Release verification without a window (what `switchyard update check | apply` and the Updates
//! feature, `switchyard-updates`, stand on), reading the same release manifest and checking the same signatures as the desktop's updater plugin.
//!
//! A release publishes `latest.json` ([`Manifest`]) beside its packages; each package is signed
//! with the release key (minisign, by `tauri build`), whose public half is built into every copy
//! ([`RELEASE_KEY`], the same as `tauri.conf.json`'s `plugins.updater.pubkey`).
//!
//! Invariants:
//! - Nothing is installed unless its signature verifies against the built-in key and names the
//!   version the manifest announces and the file it lists for this install, and that file is
//!   named as a package of this platform and install format: a mirror (`--from URL`) can
//!   withhold an update, never forge one, nor hand this install another platform's package.
//! - Only a version newer than the running one by semver precedence is offered (build metadata
//!   ignored: `0.1.0+evil` is 0.1.0; pre-releases order as semver says); an older one is
//!   refused by name.
//! - The manifest and the package are read over HTTPS, or plain HTTP only from 127.0.0.1
//!   ([`fetch::allowed`], every redirect included), each under an overall deadline and a size
//!   cap ([`Limits`]); the package goes to a file as it arrives and is verified from it, so
//!   memory stays bounded.
//! - What a manifest says reaches the user [`text::printable`]: notes and quoted values carry
//!   no control character, escape sequence or bidi override.
//! - Every failure is an [`UpdateError`] saying what happened; after one, nothing was installed
//!   and nothing downloaded is kept.

mod download;
mod error;
pub mod fetch;
pub mod install;
mod manifest;
mod target;
#[cfg(feature = "testing")]
pub mod testing;
pub mod text;
mod verify;

pub use error::UpdateError;
pub use install::Installed;
pub use manifest::{Manifest, Package};
pub use semver::Version;
pub use target::{built_for, Built, Installer, Target};

use std::cmp::Ordering;
use std::path::PathBuf;
use std::time::Duration;

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

/// How long and how large the reads of an update may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest manifest read (they are a few KB).
    pub manifest_bytes: u64,
    /// The whole read of the manifest, from connecting to its last byte.
    pub manifest_deadline: Duration,
    /// The largest package read (installers are tens of MB).
    pub package_bytes: u64,
    /// The whole download of the package.
    pub package_deadline: Duration,
}

impl Default for Limits {
    /// 1 MiB and 30 s for the manifest; 1 GiB and 30 min for the package (a 60 MB installer
    /// over a link of 300 kbit/s).
    fn default() -> Limits {
        Limits {
            manifest_bytes: 1024 * 1024,
            manifest_deadline: Duration::from_secs(30),
            package_bytes: 1024 * 1024 * 1024,
            package_deadline: Duration::from_secs(30 * 60),
        }
    }
}

/// What a check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// The manifest's version is not newer than this one (`latest` may be older: a mirror
    /// behind, or a downgrade, which is never installed).
    UpToDate { running: Version, latest: Version },
    /// A newer release (boxed: an offer is much larger than the answer "up to date").
    Available(Box<Offer>),
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

/// A downloaded package whose signature verified, in a private temporary folder (inside the
/// folder given to [`Updater::downloads_in`]; removed when this is dropped).
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
    limits: Limits,
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
            limits: Limits::default(),
        })
    }

    /// Puts downloads in a private folder inside `dir` rather than the system's temp folder
    /// (which may be memory: a tmpfs). The data folder is the place: private to the user.
    pub fn downloads_in(mut self, dir: PathBuf) -> Updater {
        self.downloads = Some(dir);
        self
    }

    /// Reads within `limits` instead of [`Limits::default`] (tests make them short).
    pub fn with_limits(mut self, limits: Limits) -> Updater {
        self.limits = limits;
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
        let allowance = fetch::Allowance {
            bytes: self.limits.manifest_bytes,
            deadline: self.limits.manifest_deadline,
        };
        let body = fetch::get(&self.client, &url, allowance).await?;
        let manifest = Manifest::parse(&body).map_err(|reason| UpdateError::Manifest {
            url: url.to_string(),
            reason,
        })?;
        // Precedence, not `Ord`: semver's `Ord` also orders build metadata, which would make
        // `0.1.0+anything` newer than 0.1.0.
        if manifest.version.cmp_precedence(&self.running) != Ordering::Greater {
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
        Ok(Check::Available(Box::new(Offer {
            running: self.running.clone(),
            version: manifest.version,
            notes: manifest.notes,
            pub_date: manifest.pub_date,
            package,
        })))
    }
}
