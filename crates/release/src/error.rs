//! What can go wrong with an update, each said as what happened and what was (not) done. No
//! variant holds a key or a package's bytes; URLs are the user's or the manifest's, and any
//! text taken from a manifest or a server is printable (`text::printable`), so a message is
//! safe to print on a terminal.

/// An update that could not be checked, downloaded or installed. Whenever one is returned,
/// nothing was installed.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error("{url} is plain HTTP to another machine; updates are read over HTTPS (plain HTTP only from this machine, 127.0.0.1). Nothing was installed.")]
    Insecure { url: String },
    #[error("{url} is not a valid address: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("Cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("{url} answered HTTP {status}.")]
    Status { url: String, status: u16 },
    #[error("{url} is larger than {limit} bytes; refused. Nothing was installed.")]
    TooLarge { url: String, limit: u64 },
    #[error("{url} did not finish within {after}, so the read was stopped (a server this slow, or sending a byte now and then, is not waited for). Nothing was installed.")]
    TimedOut { url: String, after: String },
    #[error("The update manifest at {url} is not valid: {reason}. Nothing was installed.")]
    Manifest { url: String, reason: String },
    #[error("Version {offered} is not newer than this one ({running}), so it is not installed.")]
    NotNewer { offered: String, running: String },
    #[error("The update manifest has no package for this install ({wanted}); it has {offered}.")]
    NoPackage { wanted: String, offered: String },
    #[error("The package {file} does not carry a valid signature of Switchyard's release key ({reason}). It was not installed: it may have been tampered with, or signed by someone else.")]
    BadSignature { file: String, reason: String },
    #[error("The package {file} is signed as version {signed}, but the manifest announces {offered}. It was not installed.")]
    SignedVersion {
        file: String,
        signed: String,
        offered: String,
    },
    #[error("The package {file} is built for {built_for}, not for this install ({target}), so it was not installed: a package of another platform or install format is refused even when signed.")]
    OtherPlatform {
        file: String,
        built_for: String,
        target: String,
    },
    #[error("The package's signature is for the file {signed}, but the manifest lists {listed} for this install. It was not installed: a signature covers one file, under the name it was signed as.")]
    SignedFile { signed: String, listed: String },
    #[error("The package {file} is signed without naming a version (a release signs its version, so an older package cannot pass for it). It was not installed.")]
    Unversioned { file: String },
    #[error("{0}")]
    NotSelfUpdating(String),
    #[error("Installing the update failed: {0}")]
    Install(String),
}
