//! Downloading an offer's package: checked for this install before a byte is read, streamed to
//! a file in a private folder as it arrives (under the package's deadline and cap), then its
//! signature verified over the file's bytes.
//!
//! Invariants: the package is never whole in memory (chunks go to disk; the signature is checked
//! by reading the file back in chunks); a [`Verified`] is returned only for a file whose
//! signature, version and file name all held; on any refusal the private folder and what was
//! received go with it.

use crate::target::built_for;
use crate::verify::Signed;
use crate::{fetch, Offer, UpdateError, Updater, Verified};

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
        dir.prefix("switchyard-update-");
        let dir = match &self.downloads {
            Some(parent) => dir.tempdir_in(parent),
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
        let budget = fetch::Budget {
            bytes: self.limits.package_bytes,
            deadline: self.limits.package_deadline,
        };
        fetch::save(&self.client, &package.url, budget, &mut saved, progress).await?;
        drop(saved);
        let (check, version) = (path.clone(), offer.version.clone());
        tokio::task::spawn_blocking(move || signed.verify_file(&check, &version))
            .await
            .map_err(|e| UpdateError::Install(format!("the signature check stopped: {e}")))??;
        Ok(Verified { path, _dir: dir })
    }
}
