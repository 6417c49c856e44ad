//! Who else can write where a tool's file is written. A connect puts a gateway token into a
//! tool's config file (and a disconnect puts the user's own values back); in a folder another
//! local user can write, that user could read the token through a file of their own, or swap
//! the file for a link between Switchyard's read and its rename. So a file is written only
//! where nobody else can change what a name points at.
//!
//! Invariants (Unix; elsewhere every check passes, the OS's ACLs decide):
//! - The folder the file is in (the link's folder and, for a symlinked dotfile, the target's
//!   folder too; the nearest existing one when it does not exist yet, since Switchyard creates
//!   the rest with mode 0700) is owned by the user (or root) and writable by no one else: not
//!   by others, and by the group only when it is the user's private group (gid = uid, the
//!   Debian/Ubuntu/Fedora convention that umask 002 relies on). Sticky folders such as /tmp are
//!   refused too: the sticky bit keeps others from renaming the user's file, not from planting a
//!   name the user has not created yet.
//! - A symlinked config file is followed only when the link is the user's (or root's).
//! - Checked before anything is written; a refusal is a [`FolderError`] naming the folder, its
//!   mode and owner, and the fix.

use std::path::{Path, PathBuf};
use switchyard_app::AppError;

/// A folder (or link) someone else could use to swap or read a tool's file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FolderError {
    #[error(
        "{folder} can be written by other users (mode {mode:04o}), so one of them could swap {file} or read the token Switchyard would write there. Nothing was changed. Fix it with `chmod go-w {folder}`, then try again."
    )]
    WritableByOthers {
        folder: String,
        file: String,
        mode: u32,
    },
    #[error(
        "{folder} belongs to another user (uid {owner}), who could swap {file} or read the token Switchyard would write there. Nothing was changed. Keep the tool's settings in a folder of your own (or `sudo chown $USER {folder}` if it should be yours), then try again."
    )]
    OwnedByOther {
        folder: String,
        file: String,
        owner: u32,
    },
    #[error(
        "{file} is a link created by another user (uid {owner}); Switchyard does not write through it. Nothing was changed. Remove the link (or replace it with one of your own), then try again."
    )]
    ForeignLink { file: String, owner: u32 },
}

impl From<FolderError> for AppError {
    fn from(e: FolderError) -> Self {
        AppError::File(e.to_string())
    }
}

/// Refuses `path` (a tool file about to be written) unless no other user can write where it
/// is written; see the module's invariants.
pub fn check(path: &Path) -> Result<(), AppError> {
    imp::check(path).map_err(AppError::from)
}

/// The folders a write of `path` depends on: its own folder, and the target's folder when
/// `path` is a link (resolved now; a dangling link has no target to check).
fn folders_of(path: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = path.parent().map(Path::to_path_buf).into_iter().collect();
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link {
        if let Some(dir) = std::fs::canonicalize(path)
            .ok()
            .and_then(|t| t.parent().map(Path::to_path_buf))
        {
            out.push(dir);
        }
    }
    out
}

/// `dir`, or its nearest ancestor that exists (what a write would create folders under).
fn nearest_existing(dir: &Path) -> Option<&Path> {
    dir.ancestors().find(|d| d.exists())
}

#[cfg(unix)]
mod imp {
    use super::{folders_of, nearest_existing, FolderError};
    use std::os::unix::fs::MetadataExt;
    use std::path::Path;

    /// Group- and other-writable bits.
    const GROUP_WRITE: u32 = 0o020;
    const OTHER_WRITE: u32 = 0o002;

    pub fn check(path: &Path) -> Result<(), FolderError> {
        let me = rustix::process::geteuid().as_raw();
        let my_group = rustix::process::getegid().as_raw();
        let file = path.display().to_string();
        if let Ok(link) = std::fs::symlink_metadata(path) {
            if link.file_type().is_symlink() && !trusted_owner(link.uid(), me) {
                return Err(FolderError::ForeignLink {
                    file,
                    owner: link.uid(),
                });
            }
        }
        for dir in folders_of(path) {
            let Some(dir) = nearest_existing(&dir) else {
                continue;
            };
            // Followed: a folder reached through a link is judged by the real folder.
            let Ok(meta) = std::fs::metadata(dir) else {
                continue;
            };
            let folder = dir.display().to_string();
            if !trusted_owner(meta.uid(), me) {
                return Err(FolderError::OwnedByOther {
                    folder,
                    file,
                    owner: meta.uid(),
                });
            }
            let mode = meta.mode() & 0o7777;
            let private_group = me != 0 && meta.gid() == me && my_group == me;
            let group_risk = mode & GROUP_WRITE != 0 && !private_group;
            if mode & OTHER_WRITE != 0 || group_risk {
                return Err(FolderError::WritableByOthers { folder, file, mode });
            }
        }
        Ok(())
    }

    /// The user's own, or root's (root can change anything anyway).
    fn trusted_owner(owner: u32, me: u32) -> bool {
        owner == me || owner == 0
    }
}

#[cfg(not(unix))]
mod imp {
    use super::FolderError;
    use std::path::Path;

    /// Windows folders are guarded by ACLs, which this check does not read.
    pub fn check(path: &Path) -> Result<(), FolderError> {
        let _ = (super::folders_of(path), super::nearest_existing(path));
        Ok(())
    }
}

#[cfg(all(test, unix))]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn chmod(path: &Path, mode: u32) {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn a_folder_others_can_write_is_refused_with_its_mode_and_the_fix() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join(".codex");
        std::fs::create_dir(&dir).unwrap();
        chmod(&dir, 0o777);
        let err = check(&dir.join("config.toml")).unwrap_err().to_string();
        assert!(
            err.contains("(mode 0777)") && err.contains(&format!("chmod go-w {}", dir.display())),
            "the message names the folder, its mode and the fix: {err}"
        );
        chmod(&dir, 0o1777);
        assert!(
            check(&dir.join("config.toml")).is_err(),
            "a sticky folder lets others plant the name first"
        );
        chmod(&dir, 0o700);
        assert!(
            check(&dir.join("config.toml")).is_ok(),
            "a private folder is fine"
        );
    }

    #[test]
    fn a_missing_folder_is_judged_by_the_nearest_one_that_exists() {
        let home = tempfile::tempdir().unwrap();
        chmod(home.path(), 0o777);
        let err = check(&home.path().join(".gemini/.env"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&home.path().display().to_string()),
            "others could create .gemini there first: {err}"
        );
        chmod(home.path(), 0o755);
        assert!(check(&home.path().join(".gemini/.env")).is_ok());
    }

    #[test]
    fn a_symlinked_dotfile_is_judged_by_the_targets_folder_too() {
        let home = tempfile::tempdir().unwrap();
        let shared = home.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::write(shared.join("settings.json"), "{}").unwrap();
        let link_dir = home.path().join(".claude");
        std::fs::create_dir(&link_dir).unwrap();
        let link = link_dir.join("settings.json");
        std::os::unix::fs::symlink(shared.join("settings.json"), &link).unwrap();
        assert!(check(&link).is_ok(), "the user's own dotfiles repository");
        chmod(&shared, 0o777);
        let err = check(&link).unwrap_err().to_string();
        assert!(
            err.contains(&shared.display().to_string()),
            "the target's folder is where the file is replaced: {err}"
        );
    }
}
