//! The team servers' passwords and where they may come from (issue 70). A command line is every
//! account's to read (`ps`, `/proc/<pid>/cmdline`), so a password never comes from one: an
//! address given as an argument ([`Given::Flag`]) that holds a password is refused
//! ([`CredentialError::InArgument`]) before anything connects. The password comes from the
//! first of these that has one:
//!
//! 1. the file the command names (`--team-password-file FILE`, `--redis-password-file FILE`),
//!    its first line; a file every account can read is refused;
//! 2. the environment (`SWITCHYARD_TEAM_DATABASE_PASSWORD`, `SWITCHYARD_TEAM_REDIS_PASSWORD`);
//! 3. the address itself, when it came from the environment (a process's environment is its own
//!    account's; the configuration file's `[team]` never holds one: refused at import);
//! 4. the keychain, where `switchyard team login` kept it for that server — its user, host, port
//!    and database ([`keychain_account`]), so a password kept for one server is never sent to
//!    another;
//! 5. none (a server that trusts this host).
//!
//! Invariants: no error here carries a password, or an address (it may hold one); a password
//! read here lives only in a `SecretString`.

use crate::{Given, PasswordFrom, ServerAddress};
use std::io::Read;
use std::path::{Path, PathBuf};
use switchyard_secrets::{SecretError, SecretStore, SecretString};

/// The longest password file read: it holds a password, not a document.
pub const MAX_PASSWORD_FILE: u64 = 4096;

/// One of the team's two servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamServer {
    /// The team database (PostgreSQL).
    Database,
    /// The team's Redis.
    Redis,
}

impl TeamServer {
    /// The argument that names its address.
    pub fn address_flag(self) -> &'static str {
        match self {
            TeamServer::Database => "--team",
            TeamServer::Redis => "--redis",
        }
    }

    /// The argument that names a file holding its password.
    pub fn password_file_flag(self) -> &'static str {
        match self {
            TeamServer::Database => "--team-password-file",
            TeamServer::Redis => "--redis-password-file",
        }
    }

    /// The environment variable that holds its password.
    pub fn password_env(self) -> &'static str {
        match self {
            TeamServer::Database => "SWITCHYARD_TEAM_DATABASE_PASSWORD",
            TeamServer::Redis => "SWITCHYARD_TEAM_REDIS_PASSWORD",
        }
    }

    /// Its name in a sentence.
    pub fn name(self) -> &'static str {
        match self {
            TeamServer::Database => "the team database",
            TeamServer::Redis => "the team Redis",
        }
    }

    /// The safe ways to give its password, in a sentence.
    pub fn ways(self) -> String {
        format!(
            "in a file only you can read ({} FILE), in {} in the environment, or in the keychain \
             (`switchyard team login`)",
            self.password_file_flag(),
            self.password_env()
        )
    }
}

/// Why a team server's password could not be taken. Never carries the password or the address.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    /// A password in an address given as an argument, which every account can read.
    #[error(
        "{}'s password is in the {} argument, where every account on this machine can read it \
         (ps): nothing was started. Give the address without it and the password {}. Change \
         that password: it was visible while the command ran.",
        .0.name(),
        .0.address_flag(),
        .0.ways()
    )]
    InArgument(TeamServer),
    /// The password file could not be used.
    #[error("{}'s password file {}: {problem}", .server.name(), .path.display())]
    File {
        server: TeamServer,
        path: PathBuf,
        problem: String,
    },
    /// The address does not parse, so no keychain entry can be named for it.
    #[error("{}'s address is not valid", .0.name())]
    Address(TeamServer),
    /// The keychain failed (other than having no entry, or being absent).
    #[error("{}'s password in the keychain: {source}", .server.name())]
    Keychain {
        server: TeamServer,
        source: SecretError,
    },
}

/// Where a command may find a server's password besides the address.
#[derive(Default)]
pub struct Sources<'a> {
    /// The file its password-file argument named.
    pub file: Option<&'a Path>,
    /// Its password variable's value, when set and not empty.
    pub environment: Option<SecretString>,
    /// The keychain `switchyard team login` keeps passwords in.
    pub keychain: Option<&'a dyn SecretStore>,
}

/// `url`, given at `given`, with its password from the first of `sources` that has one (see the
/// module's order). An argument holding a password is refused.
pub fn resolve(
    server: TeamServer,
    url: &str,
    given: Given,
    sources: Sources<'_>,
) -> Result<ServerAddress, CredentialError> {
    if given == Given::Flag {
        refuse_in_argument(server, url)?;
    }
    let address = ServerAddress::given(url, given);
    if let Some(path) = sources.file {
        return Ok(address.with_password(read_file(server, path)?, PasswordFrom::File));
    }
    if let Some(password) = sources.environment {
        return Ok(address.with_password(password, PasswordFrom::Environment));
    }
    if holds_password(server, url) {
        return Ok(address.holding_its_password());
    }
    let Some(store) = sources.keychain else {
        return Ok(address);
    };
    let Ok(account) = keychain_account(server, url) else {
        // An address that does not parse fails where it is used, with its own message.
        return Ok(address);
    };
    match store.get(&account) {
        Ok(password) => Ok(address.with_password(password, PasswordFrom::Keychain)),
        // No entry, or no keychain on this machine (a server's service account): none from it.
        Err(e) if e == SecretError::NotFound || e.is_unavailable() => Ok(address),
        Err(source) => Err(CredentialError::Keychain { server, source }),
    }
}

/// `url` with `password`, typed by the user for the keychain (`switchyard team login` tries it
/// before keeping it).
pub fn typed(
    server: TeamServer,
    url: &str,
    given: Given,
    password: SecretString,
) -> Result<ServerAddress, CredentialError> {
    if given == Given::Flag {
        refuse_in_argument(server, url)?;
    }
    Ok(ServerAddress::given(url, given).with_password(password, PasswordFrom::Keychain))
}

/// Refuses `url` as an argument when it holds a password.
pub fn refuse_in_argument(server: TeamServer, url: &str) -> Result<(), CredentialError> {
    match holds_password(server, url) {
        true => Err(CredentialError::InArgument(server)),
        false => Ok(()),
    }
}

/// Whether `url` holds a password, as the client that would use it reads it — in its user
/// information, a query parameter (`?password=`, Redis's `?pass=`), or PostgreSQL's `key=value`
/// form — or as it reads to a person: an address its client cannot parse (a Redis URL with
/// TLS this build lacks, a typo) is looked at as text, so that a password in it is still
/// refused rather than left on a command line.
pub fn holds_password(server: TeamServer, url: &str) -> bool {
    let url = url.trim();
    let parsed = match server {
        TeamServer::Database => url
            .parse::<tokio_postgres::Config>()
            .is_ok_and(|c| c.get_password().is_some()),
        TeamServer::Redis => {
            use redis::IntoConnectionInfo;
            url.into_connection_info()
                .is_ok_and(|i| i.redis_settings().password().is_some())
        }
    };
    parsed || reads_as_password(url)
}

/// A password by the look of `url`: `user:password@` before its host, or a `password=` or
/// `pass=` parameter (`sslpassword=` too: a client key's password).
fn reads_as_password(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    if lower.contains("password=") || lower.contains("pass=") {
        return true;
    }
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority
        .rsplit_once('@')
        .is_some_and(|(userinfo, _)| userinfo.contains(':'))
}

/// The keychain entry of `server`'s password at `url`: the server, its user and its database,
/// never a password (`team-database-password:ana@db.internal:5432/team`).
pub fn keychain_account(server: TeamServer, url: &str) -> Result<String, CredentialError> {
    let bad = || CredentialError::Address(server);
    match server {
        TeamServer::Database => {
            use tokio_postgres::config::Host;
            let c: tokio_postgres::Config = url.trim().parse().map_err(|_| bad())?;
            let hosts: Vec<String> = c
                .get_hosts()
                .iter()
                .map(|h| match h {
                    Host::Tcp(name) => name.clone(),
                    #[cfg(unix)]
                    Host::Unix(path) => path.display().to_string(),
                })
                .collect();
            let ports: Vec<String> = match c.get_ports() {
                [] => vec!["5432".into()],
                ports => ports.iter().map(u16::to_string).collect(),
            };
            let user = c.get_user().unwrap_or("");
            let db = c.get_dbname().unwrap_or(user);
            Ok(format!(
                "team-database-password:{user}@{}:{}/{db}",
                hosts.join(","),
                ports.join(",")
            ))
        }
        TeamServer::Redis => {
            use redis::IntoConnectionInfo;
            let info = url.trim().into_connection_info().map_err(|_| bad())?;
            let user = info.redis_settings().username().unwrap_or("");
            let db = info.redis_settings().db();
            Ok(format!("team-redis-password:{user}@{}/{db}", info.addr()))
        }
    }
}

/// Keeps `password` in `store` for `server` at `url` (after `switchyard team login` tried it).
pub fn keep(
    server: TeamServer,
    url: &str,
    password: &SecretString,
    store: &dyn SecretStore,
) -> Result<String, CredentialError> {
    let account = keychain_account(server, url)?;
    store
        .set(&account, password)
        .map_err(|source| CredentialError::Keychain { server, source })?;
    Ok(account)
}

/// Removes what [`keep`] kept for `server` at `url` (done when there is none).
pub fn forget(
    server: TeamServer,
    url: &str,
    store: &dyn SecretStore,
) -> Result<String, CredentialError> {
    let account = keychain_account(server, url)?;
    store
        .delete(&account)
        .map_err(|source| CredentialError::Keychain { server, source })?;
    Ok(account)
}

/// The first line of `text`, without its line ending: the password of a file or of a line
/// typed at `switchyard team login` (spaces inside and around it are the password's); `None`
/// when it is empty. `text` moves into the secret, which wipes it.
pub fn first_line(mut text: String) -> Option<SecretString> {
    let end = text.find('\n').unwrap_or(text.len());
    let end = match text[..end].ends_with('\r') {
        true => end - 1,
        false => end,
    };
    text.truncate(end);
    let empty = text.is_empty();
    let password = SecretString::from(text);
    (!empty).then_some(password)
}

/// The password in `path`'s first line. Refused: a file every account can read, one that is
/// not text, an empty one, one over [`MAX_PASSWORD_FILE`] bytes.
fn read_file(server: TeamServer, path: &Path) -> Result<SecretString, CredentialError> {
    let problem = |problem: String| CredentialError::File {
        server,
        path: path.to_path_buf(),
        problem,
    };
    let file = std::fs::File::open(path).map_err(|e| problem(format!("cannot be read: {e}")))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file
            .metadata()
            .map_err(|e| problem(format!("cannot be read: {e}")))?
            .permissions()
            .mode();
        if mode & 0o004 != 0 {
            return Err(problem(format!(
                "every account on this machine can read it: make it yours alone (chmod 600 {})",
                path.display()
            )));
        }
    }
    let mut bytes = Vec::new();
    file.take(MAX_PASSWORD_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| problem(format!("cannot be read: {e}")))?;
    if bytes.len() as u64 > MAX_PASSWORD_FILE {
        wipe(bytes);
        return Err(problem(format!(
            "is over {MAX_PASSWORD_FILE} bytes: it holds the password alone, on its first line"
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        wipe(e.into_bytes());
        problem("is not text".into())
    })?;
    first_line(text).ok_or_else(|| problem("is empty: the password goes on its first line".into()))
}

/// Drops bytes that may hold a password, wiped.
fn wipe(bytes: Vec<u8>) {
    drop(switchyard_secrets::Secret::new(bytes));
}

#[cfg(test)]
#[path = "credentials_tests.rs"]
mod tests;
