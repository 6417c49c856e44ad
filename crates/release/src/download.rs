//! Downloading an offer's package: checked for this install before a byte is read, streamed to
//! a file in a private folder as it arrives (under the package's deadline and cap), then its
//! signature verified over the file's bytes.
//!
//! Invariants: the package is never whole in memory (chunks go to disk; the signature is checked
//! by reading the file back in chunks); a [`Verified`] is returned only for a file whose
//! signature, version and file name all held; on any refusal the private folder and what was
//! received go with it. A folder a crash left behind (no destructor ran) is removed by the next
//! download into the same place once it is a day old (younger ones may be another process's:
//! the CLI and the core share the data folder).

use crate::target::built_for;
use crate::verify::Signed;
use crate::{fetch, Offer, UpdateError, Updater, Verified};
use std::path::Path;
use std::time::{Duration, SystemTime};

/// The name every download folder starts with.
const PREFIX: &str = "switchyard-release-";
/// How old a download folder is before it counts as left behind.
const LEFT_BEHIND: Duration = Duration::from_secs(24 * 60 * 60);

impl Updater {
    /// Downloads the offer's package (`progress(received, total)` as it arrives) and verifies
    /// it; only a verified package is handed back.
    pub async fn download(
        &self,
        offer: &Offer,
        progress: &mut (dyn FnMut(u64, Option<u64>) + Send),
    ) -> Result<Verified, UpdateError> {
        let package = &offer.package;
        let file = &package.file;
        let built = built_for(file);
        if !built.is_some_and(|b| self.target.takes(&b)) {
            return Err(UpdateError::OtherPlatform {
                file: file.clone(),
                built_for: built.map_or_else(
                    || {
                        "no platform a release names (no known format and architecture in its name)"
                            .into()
                    },
                    |b| b.to_string(),
                ),
                target: self.target.to_string(),
            });
        }
        let signed = Signed::read(&self.key, &package.signature, file)?;
        let fail = |e: std::io::Error| UpdateError::Install(format!("cannot save {file}: {e}"));
        let mut dir = tempfile::Builder::new();
        dir.prefix(PREFIX);
        let dir = match &self.downloads {
            Some(parent) => {
                sweep(parent);
                dir.tempdir_in(parent)
            }
            None => dir.tempdir(),
        }
        .map_err(fail)?;
        let path = dir.path().join(file);
        let mut saved = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await
            .map_err(fail)?;
        let allowance = fetch::Allowance {
            bytes: self.limits.package_bytes,
            deadline: self.limits.package_deadline,
        };
        fetch::save(&self.client, &package.url, allowance, &mut saved, progress).await?;
        drop(saved);
        let (check, version) = (path.clone(), offer.version.clone());
        tokio::task::spawn_blocking(move || signed.verify_file(&check, &version))
            .await
            .map_err(|e| UpdateError::Install(format!("the signature check stopped: {e}")))??;
        Ok(Verified { path, _dir: dir })
    }
}

/// Removes the download folders in `parent` older than [`LEFT_BEHIND`]; what cannot be read or
/// removed is left (it is only space).
fn sweep(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let ours = entry.file_name().to_string_lossy().starts_with(PREFIX);
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|at| now.duration_since(at).is_ok_and(|age| age > LEFT_BEHIND));
        if ours && old && entry.file_type().is_ok_and(|t| t.is_dir()) {
            if let Err(e) = std::fs::remove_dir_all(entry.path()) {
                tracing::warn!(error = %e, folder = %entry.path().display(), "a download left behind stays");
            }
        }
    }
}
