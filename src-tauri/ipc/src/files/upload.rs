//! An upload in progress: its bytes go to a file in the panel's folder as they arrive, never
//! into memory whole, and each chunk is counted before it is written against the file's cap
//! ([`UPLOAD_MAX`]), its holder's quota ([`HOLDER_QUOTA`]) and the quota of every holder
//! together ([`TOTAL_QUOTA`]). An upload that is not finished (refused, cut off, timed out)
//! leaves nothing: dropping it removes its file and gives its bytes back.

use super::{plain_name, random_id, ChosenFile, FileGrants, Grant, Holder, UPLOAD_PREFIX};
use crate::files::Access;
use crate::{ErrorKind, IpcError};
use std::path::PathBuf;
use tokio::io::AsyncWriteExt;

/// The largest file uploaded: far above any `.env`, price or configuration file.
pub const UPLOAD_MAX: u64 = 16 * 1024 * 1024;
/// What one holder (a browser session) may keep uploaded at once.
pub const HOLDER_QUOTA: u64 = 3 * UPLOAD_MAX;
/// What every holder together may keep uploaded at once.
pub const TOTAL_QUOTA: u64 = 5 * HOLDER_QUOTA;

/// Why an upload was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The file is over [`UPLOAD_MAX`].
    TooLarge,
    /// Its holder's or the total quota would be exceeded.
    Quota,
    /// The name is not a plain file name (why).
    Name(String),
    /// The disk said no.
    Io,
}

impl Refused {
    /// As the page sees it.
    pub fn error(&self) -> IpcError {
        match self {
            Refused::TooLarge => IpcError::new(
                ErrorKind::Validation,
                format!(
                    "That file is over the panel's {} MiB limit for an upload.",
                    UPLOAD_MAX >> 20
                ),
            ),
            Refused::Quota => IpcError::new(
                ErrorKind::Unavailable,
                "The panel keeps too many uploaded files right now: finish what uses them, or sign out and in again, then upload again.",
            ),
            Refused::Name(why) => IpcError::new(ErrorKind::Validation, why.clone()),
            Refused::Io => IpcError::new(
                ErrorKind::File,
                "The panel could not keep the uploaded file.",
            ),
        }
    }
}

/// One upload being written ([`FileGrants::upload`]).
pub struct Upload {
    grants: FileGrants,
    holder: Holder,
    id: String,
    name: String,
    path: PathBuf,
    folder: PathBuf,
    file: Option<tokio::fs::File>,
    /// Bytes written, and counted in the quotas.
    written: u64,
    finished: bool,
}

impl FileGrants {
    /// Starts an upload of a file named `name` for `holder`; `declared` is the length the
    /// request announced, refused at once when it cannot fit.
    pub fn upload(
        &self,
        holder: Holder,
        name: &str,
        declared: Option<u64>,
    ) -> Result<Upload, Refused> {
        let name = plain_name(name)
            .map_err(|e| Refused::Name(e.message))?
            .to_string();
        if declared.is_some_and(|n| n > UPLOAD_MAX) {
            return Err(Refused::TooLarge);
        }
        if let Some(n) = declared {
            let (held, total) = self.held(&holder);
            if held + n > HOLDER_QUOTA || total + n > TOTAL_QUOTA {
                return Err(Refused::Quota);
            }
        }
        let id = random_id(UPLOAD_PREFIX);
        let (path, folder) = self.place(&id, &name).map_err(|_| Refused::Io)?;
        let file = std::fs::File::create(&path).map_err(|e| {
            tracing::warn!(error = %e, "cannot keep an uploaded file");
            Refused::Io
        })?;
        Ok(Upload {
            grants: self.clone(),
            holder,
            id,
            name,
            path,
            folder,
            file: Some(tokio::fs::File::from_std(file)),
            written: 0,
            finished: false,
        })
    }

    /// Counts `n` more bytes for `holder`, if they fit.
    pub(super) fn take_bytes(&self, holder: &Holder, n: u64) -> bool {
        let mut table = self.lock();
        let held = table.held.get(holder).copied().unwrap_or(0);
        if held + n > HOLDER_QUOTA || table.total + n > TOTAL_QUOTA {
            return false;
        }
        table.held.insert(holder.clone(), held + n);
        table.total += n;
        true
    }

    fn give_back(&self, holder: &Holder, n: u64) {
        let mut table = self.lock();
        if let Some(held) = table.held.get_mut(holder) {
            *held = held.saturating_sub(n);
        }
        table.total = table.total.saturating_sub(n);
    }
}

impl Upload {
    /// Writes the next chunk, once it fits the cap and the quotas.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), Refused> {
        let n = chunk.len() as u64;
        if self.written + n > UPLOAD_MAX {
            return Err(Refused::TooLarge);
        }
        if !self.grants.take_bytes(&self.holder, n) {
            return Err(Refused::Quota);
        }
        self.written += n;
        let Some(file) = self.file.as_mut() else {
            return Err(Refused::Io);
        };
        file.write_all(chunk).await.map_err(|e| {
            tracing::warn!(error = %e, "cannot write an uploaded file");
            Refused::Io
        })
    }

    /// The whole file arrived: it is a handle now, named as the browser knows it.
    pub async fn finish(mut self) -> Result<ChosenFile, Refused> {
        if let Some(mut file) = self.file.take() {
            file.flush().await.map_err(|_| Refused::Io)?;
            file.sync_all().await.map_err(|_| Refused::Io)?;
        }
        let shown = format!("{} (uploaded)", self.name);
        let grant = Grant {
            path: self.path.clone(),
            shown: shown.clone(),
            // The panel's own copy: a sweep may edit it as it would the user's `.env`.
            access: Access::ReadWrite,
            holder: self.holder.clone(),
            folder: Some(self.folder.clone()),
            bytes: self.written,
        };
        self.grants.lock().grants.insert(self.id.clone(), grant);
        self.finished = true;
        Ok(ChosenFile {
            id: self.id.clone(),
            path: shown,
        })
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        self.file.take();
        self.grants.give_back(&self.holder, self.written);
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}
