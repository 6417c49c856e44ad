//! Where Switchyard keeps its files, resolved once. `SWITCHYARD_DATA_DIR` overrides the platform
//! data folder and `SWITCHYARD_KEYRING_SERVICE` the keychain service name, so tests never touch
//! a user's real data or keychain entries.

use std::path::{Path, PathBuf};

pub const DATA_DIR_ENV: &str = "SWITCHYARD_DATA_DIR";
pub const KEYRING_SERVICE_ENV: &str = "SWITCHYARD_KEYRING_SERVICE";
pub const DEFAULT_KEYRING_SERVICE: &str = "switchyard";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPaths {
    pub data_dir: PathBuf,
    pub db_file: PathBuf,
    pub log_dir: PathBuf,
}

impl AppPaths {
    /// All paths under one data folder.
    pub fn under(data_dir: impl Into<PathBuf>) -> Self {
        let data_dir = data_dir.into();
        AppPaths {
            db_file: data_dir.join("switchyard.sqlite"),
            log_dir: data_dir.join("logs"),
            data_dir,
        }
    }

    /// `SWITCHYARD_DATA_DIR` if set, else the platform data folder
    /// (`~/.local/share/switchyard` on Linux, `~/Library/Application Support/dev.switchyard.Switchyard`
    /// on macOS, `%APPDATA%\switchyard\Switchyard\data` on Windows).
    pub fn from_env() -> Option<Self> {
        if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
            return Some(Self::under(dir));
        }
        directories::ProjectDirs::from("dev", "switchyard", "Switchyard")
            .map(|d| Self::under(d.data_dir()))
    }

    /// The folders from the environment ([`AppPaths::from_env`]), created ([`AppPaths::create`]);
    /// the error says what to do, for a program that cannot start without them.
    pub fn from_env_created() -> Result<Self, String> {
        let paths = Self::from_env()
            .ok_or("cannot find a home folder for Switchyard's data; set SWITCHYARD_DATA_DIR")?;
        paths
            .create()
            .map_err(|e| format!("cannot create {}: {e}", paths.data_dir.display()))?;
        Ok(paths)
    }

    /// Creates the folders, private to the user from the start (0700 on Unix, no window in
    /// which they are open to others; on Windows an access list granting only the user, set
    /// right after creation and inherited by every file made in it). A data folder left by an older version is made private
    /// too, with every file directly in it and in `logs` made 0600.
    pub fn create(&self) -> std::io::Result<()> {
        create_private_dir(&self.log_dir)?;
        restrict(&self.data_dir)?;
        restrict(&self.log_dir)?;
        for dir in [&self.data_dir, &self.log_dir] {
            for entry in std::fs::read_dir(dir)?.flatten() {
                if entry.file_type().is_ok_and(|t| t.is_file()) {
                    restrict_file(&entry.path())?;
                }
            }
        }
        Ok(())
    }
}

/// From here on, every file and folder this process creates is private to the user (umask
/// 077): the database and its WAL, the cache database, logs, exports, the socket, and any new
/// file written for a tool (an existing tool file keeps its own mode, see `tools/files.rs`).
/// Call first in `main`, before any thread starts.
pub fn private_files() {
    #[cfg(unix)]
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn restrict_file(file: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(file)?.permissions().mode();
    if mode & 0o077 != 0 {
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(mode & 0o700))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn restrict_file(_file: &Path) -> std::io::Result<()> {
    Ok(())
}

/// The keychain service name: `SWITCHYARD_KEYRING_SERVICE` or `switchyard`.
pub fn keyring_service_from_env() -> String {
    std::env::var(KEYRING_SERVICE_ENV)
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_KEYRING_SERVICE.to_string())
}

#[cfg(unix)]
fn restrict(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

/// Windows: an access list granting this user alone, inherited by what is in the folder.
#[cfg(windows)]
fn restrict(dir: &Path) -> std::io::Result<()> {
    switchyard_os::restrict_to_user(dir)
}

#[cfg(not(any(unix, windows)))]
fn restrict(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}
