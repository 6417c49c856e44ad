//! Where the window and the core process meet: one local socket per data folder, through
//! `interprocess`'s local sockets, so every platform runs the same code above this module.
//!
//! - **Unix** (Linux, macOS): a Unix socket file, `<data>/core.sock`, mode 0600 in the 0700 data
//!   folder: only this user can connect, and nobody else can create the name.
//! - **Windows**: a named pipe, `\\.\pipe\switchyard-domain-<hash of the data folder>`. The pipe
//!   namespace is shared by every user of the machine, so the pipe is created as the name's
//!   first instance (a name another process holds is a clear error, never shared), its DACL
//!   grants only this user (`platform::user_only`; the default would let everyone read), remote
//!   clients are refused, and the window connects only to a pipe whose server is the process
//!   named in the data folder's `core.pid` ([`Endpoint::connect`]; written by the core once it
//!   holds `core.lock`, which itself cannot be read while locked on Windows).
//!
//! Invariants: [`Endpoint::listen`] is called only while holding the data folder's core lock,
//! so a name left by a core that died is stale and is reclaimed (Unix: the file is replaced;
//! Windows: the pipe went with its process).

use interprocess::local_socket::tokio::{prelude::*, Listener, Stream};
use interprocess::local_socket::ListenerOptions;
use sha2::{Digest, Sha256};
use std::io;
use std::path::{Path, PathBuf};
use tokio::io::{ReadHalf, WriteHalf};

/// The core's end of the channel for one data folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    data_dir: PathBuf,
}

/// The channel could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    #[error("another program already uses {0}, so Switchyard's window could not reach its core safely. Quit that program (or sign out and in again), then start Switchyard again.")]
    NameTaken(String),
    #[error("cannot listen at {0}: {1}")]
    Listen(String, io::Error),
    #[error("cannot protect {0}: {1}")]
    Protect(String, io::Error),
}

impl Endpoint {
    pub fn new(data_dir: &Path) -> Endpoint {
        Endpoint {
            data_dir: data_dir.to_path_buf(),
        }
    }

    /// The socket file (Unix) or pipe path (Windows), for logs and messages.
    pub fn describe(&self) -> String {
        if cfg!(windows) {
            format!(r"\\.\pipe\{}", pipe_name(&self.data_dir))
        } else {
            socket_file(&self.data_dir).display().to_string()
        }
    }

    /// The pipe's name in the Windows pipe namespace (`switchyard-domain-…`).
    pub fn pipe_name(&self) -> String {
        pipe_name(&self.data_dir)
    }

    /// Listens for windows. Call only while holding the data folder's core lock.
    pub async fn listen(&self) -> Result<Listener, ChannelError> {
        let shown = self.describe();
        let listener = if cfg!(windows) {
            let name = pipe_name(&self.data_dir)
                .to_ns_name::<interprocess::local_socket::GenericNamespaced>()
                .map_err(|e| ChannelError::Listen(shown.clone(), e))?;
            // We hold the core lock, so no core of ours serves this name: if something answers,
            // another program took it. (Creating the pipe as its first instance refuses that
            // too on Windows; Wine does not enforce it, so this is checked first as well.)
            if Stream::connect(name.borrow()).await.is_ok() {
                return Err(ChannelError::NameTaken(shown));
            }
            platform::user_only(ListenerOptions::new().name(name))
                .map_err(|e| ChannelError::Protect(shown.clone(), e))?
                .create_tokio()
        } else {
            let file = socket_file(&self.data_dir);
            // The core lock says no core runs here: a file left behind is a dead core's.
            let _ = std::fs::remove_file(&file);
            let name = file
                .as_path()
                .to_fs_name::<interprocess::local_socket::GenericFilePath>()
                .map_err(|e| ChannelError::Listen(shown.clone(), e))?;
            ListenerOptions::new().name(name).create_tokio()
        };
        let listener = listener.map_err(|e| match e.kind() {
            io::ErrorKind::AddrInUse | io::ErrorKind::PermissionDenied if cfg!(windows) => {
                ChannelError::NameTaken(shown.clone())
            }
            _ => ChannelError::Listen(shown.clone(), e),
        })?;
        platform::protect_file(&socket_file(&self.data_dir))
            .map_err(|e| ChannelError::Protect(shown, e))?;
        Ok(listener)
    }

    /// Connects to the core serving this data folder. On Windows the pipe's server must be the
    /// process that holds the data folder's core lock (its pid is in `core.pid`): another
    /// user's process squatting on the name is refused before a byte is sent.
    pub async fn connect(&self) -> io::Result<Stream> {
        let stream = if cfg!(windows) {
            let name = pipe_name(&self.data_dir)
                .to_ns_name::<interprocess::local_socket::GenericNamespaced>()?;
            Stream::connect(name).await?
        } else {
            let file = socket_file(&self.data_dir);
            let name = file
                .as_path()
                .to_fs_name::<interprocess::local_socket::GenericFilePath>()?;
            Stream::connect(name).await?
        };
        if cfg!(windows) {
            let server = stream.peer_creds()?.pid().map(i64::from);
            let holder = lock_holder(&self.data_dir);
            if server.is_none() || server != holder {
                return Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    format!(
                        "{} is served by process {server:?}, not by Switchyard's core ({holder:?})",
                        self.describe()
                    ),
                ));
            }
        }
        Ok(stream)
    }

    /// Removes what listening left behind (the socket file; a pipe goes with its process).
    pub fn remove(&self) {
        if !cfg!(windows) {
            let _ = std::fs::remove_file(socket_file(&self.data_dir));
        }
    }
}

/// A connection's two halves, for a reader task and a writer task.
pub fn split(stream: Stream) -> (ReadHalf<Stream>, WriteHalf<Stream>) {
    tokio::io::split(stream)
}

/// The pid the core holding the data folder's lock wrote into `core.pid`.
fn lock_holder(data_dir: &Path) -> Option<i64> {
    let text = std::fs::read_to_string(data_dir.join(CORE_PID)).ok()?;
    text.trim().parse().ok()
}

/// The core lock's file name in the data folder: held (locked) by the running core.
pub const CORE_LOCK: &str = "core.lock";
/// The running core's pid, written once it holds [`CORE_LOCK`]. A separate file because Windows
/// locks are mandatory: nobody else can read a locked `core.lock` there.
pub const CORE_PID: &str = "core.pid";

fn socket_file(data_dir: &Path) -> PathBuf {
    data_dir.join("core.sock")
}

/// `switchyard-domain-` and 16 hex digits of the SHA-256 of the data folder's path, so two data
/// folders (a test's and the user's, two users') never share a pipe.
fn pipe_name(data_dir: &Path) -> String {
    let digest = Sha256::digest(data_dir.to_string_lossy().to_lowercase().as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("switchyard-domain-{hex}")
}

#[cfg(unix)]
mod platform {
    use interprocess::local_socket::ListenerOptions;
    use std::io;
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    /// Unix sockets are protected by their file's mode (below).
    pub fn user_only(options: ListenerOptions<'_>) -> io::Result<ListenerOptions<'_>> {
        Ok(options)
    }

    /// The socket file: readable and writable by this user only.
    pub fn protect_file(file: &Path) -> io::Result<()> {
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))
    }
}

#[cfg(windows)]
mod platform;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_data_folder_has_its_own_pipe_name_whatever_its_case() {
        let a = pipe_name(Path::new(
            r"C:\Users\Zoë Ångström\AppData\Roaming\Switchyard",
        ));
        let b = pipe_name(Path::new(
            r"C:\Users\zoë ångström\appdata\roaming\switchyard",
        ));
        let c = pipe_name(Path::new(r"C:\Users\Other\AppData\Roaming\Switchyard"));
        assert_eq!(a, b, "Windows paths are case-insensitive");
        assert_ne!(a, c);
        assert!(a.starts_with("switchyard-domain-") && a.len() == "switchyard-domain-".len() + 16);
        assert!(
            a.is_ascii(),
            "a pipe name is plain ASCII whatever the user's name"
        );
    }
}
