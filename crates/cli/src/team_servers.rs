//! Where the team's servers and their passwords come from, for every command that reaches them:
//! `serve` and `team …` (their flags, then the environment; `serve` and `team login|logout`
//! then the configuration file's `[team]`), and `check`, `requests`, and `token`, `backend`,
//! `route`, `budget`, `key` with the team's database set (the environment alone).
//!
//! Invariants (issue 70): a password in a `--team` or `--redis` argument is refused at parse
//! time ([`check_flags`]), before anything opens, and never echoed; each server's password is
//! taken in `switchyard_team::credentials`' order — its password file, its password variable,
//! an environment address's own, the keychain `switchyard team login` filled — and never from
//! an argument. The keychain is opened only when a password is looked for there.

use super::values::usage_error;
use std::path::PathBuf;
use std::sync::OnceLock;
use switchyard_app::secrets::KeychainStore;
use switchyard_app::team::{TeamOptions, TEAM_DATABASE_ENV, TEAM_REDIS_ENV};
use switchyard_runtime::paths::keyring_service_from_env;
use switchyard_secrets::{SecretError, SecretStore, SecretString};
use switchyard_team::credentials::{self, Sources, TeamServer};
use switchyard_team::{Given, ServerAddress};

/// A command's team-server arguments (`serve`, `team`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Flags {
    pub team: Option<String>,
    pub redis: Option<String>,
    pub team_password_file: Option<PathBuf>,
    pub redis_password_file: Option<PathBuf>,
}

/// An address as given, before its password is looked for.
pub(crate) type AsGiven = (String, Given);

/// The team's servers' addresses as given: each from its flag, else the environment, else the
/// configuration file's `[team]` (saved by an approved `config import`; read only when neither
/// a flag nor the environment names a database: the file's Redis belongs to the file's
/// database). `None`: no team database anywhere.
pub(crate) fn addresses(
    flags: (Option<String>, Option<String>),
    env: (Option<String>, Option<String>),
    saved: impl FnOnce() -> Option<(String, Option<String>)>,
) -> Option<(AsGiven, Option<AsGiven>)> {
    let (saved_db, saved_redis) = match flags.0.is_some() || env.0.is_some() {
        true => (None, None),
        false => match saved() {
            Some((db, redis)) => (Some(db), redis),
            None => (None, None),
        },
    };
    let first = |flag: Option<String>, env: Option<String>, file: Option<String>| {
        flag.map(|u| (u, Given::Flag))
            .or_else(|| env.map(|u| (u, Given::Environment)))
            .or_else(|| file.map(|u| (u, Given::ApprovedImport)))
    };
    let database = first(flags.0, env.0, saved_db)?;
    Some((database, first(flags.1, env.1, saved_redis)))
}

/// The addresses `flags`, the environment and (`saved`) the configuration file give.
pub(crate) fn given(
    flags: &Flags,
    saved: impl FnOnce() -> Option<(String, Option<String>)>,
) -> Option<(AsGiven, Option<AsGiven>)> {
    addresses(
        (flags.team.clone(), flags.redis.clone()),
        (env(TEAM_DATABASE_ENV), env(TEAM_REDIS_ENV)),
        saved,
    )
}

/// The team's servers with their passwords; `Ok(None)` with no team database anywhere. The
/// error says what to fix and never holds a password.
pub(crate) fn resolve(
    flags: &Flags,
    saved: impl FnOnce() -> Option<(String, Option<String>)>,
) -> Result<Option<TeamOptions>, String> {
    let Some((database, redis)) = given(flags, saved) else {
        return Ok(None);
    };
    let keychain = Keychain::default();
    let database = with_password(
        TeamServer::Database,
        database,
        flags.team_password_file.as_deref(),
        &keychain,
    )?;
    let redis = redis
        .map(|r| {
            with_password(
                TeamServer::Redis,
                r,
                flags.redis_password_file.as_deref(),
                &keychain,
            )
        })
        .transpose()?;
    Ok(Some(TeamOptions { database, redis }))
}

/// The servers the environment names, with their passwords (commands without team flags).
pub(crate) fn from_env() -> Result<Option<TeamOptions>, String> {
    resolve(&Flags::default(), || None)
}

/// Whether the environment names a team database (the token commands then act on the team's).
pub(crate) fn named_in_env() -> bool {
    env(TEAM_DATABASE_ENV).is_some()
}

/// The configuration file's `[team]`, for `serve` and `team login|logout`.
pub(crate) fn saved() -> Option<(String, Option<String>)> {
    let paths = switchyard_runtime::paths::AppPaths::from_env()?;
    switchyard_app::config_file::team::saved(&paths.db_file)
}

/// Refuses, as a usage error of `command`, a password in its `--team` or `--redis` argument.
pub(crate) fn check_flags(
    command: &str,
    team: Option<&str>,
    redis: Option<&str>,
) -> Result<(), clap::Error> {
    for (server, url) in [(TeamServer::Database, team), (TeamServer::Redis, redis)] {
        if let Some(url) = url {
            credentials::refuse_in_argument(server, url).map_err(|e| usage_error(command, e))?;
        }
    }
    Ok(())
}

/// `e`, a failure to reach the team's servers, with the ways to give the database's password
/// when none was given and the database asked for one ("password missing").
pub(crate) fn explain(e: impl std::fmt::Display, opts: &TeamOptions) -> String {
    let text = e.to_string();
    if opts.database.password_from().is_none() && text.contains("password") {
        let server = TeamServer::Database;
        return format!(
            "{text}: give {}'s password {}",
            server.name(),
            server.ways()
        );
    }
    text
}

fn with_password(
    server: TeamServer,
    (url, given): AsGiven,
    file: Option<&std::path::Path>,
    keychain: &Keychain,
) -> Result<ServerAddress, String> {
    let sources = Sources {
        file,
        environment: env(server.password_env()).map(SecretString::from),
        keychain: Some(keychain),
    };
    credentials::resolve(server, &url, given, sources).map_err(|e| e.to_string())
}

/// A variable of this process's environment, when set and not empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The keychain (`SWITCHYARD_KEYRING_SERVICE`'s service), opened on first use: most replicas
/// find their password elsewhere, and a server may have no keychain at all.
#[derive(Default)]
pub(crate) struct Keychain(OnceLock<KeychainStore>);

impl Keychain {
    fn store(&self) -> &KeychainStore {
        self.0
            .get_or_init(|| KeychainStore::platform(keyring_service_from_env()))
    }
}

impl SecretStore for Keychain {
    fn set(&self, account: &str, secret: &SecretString) -> Result<(), SecretError> {
        self.store().set(account, secret)
    }
    fn get(&self, account: &str) -> Result<SecretString, SecretError> {
        self.store().get(account)
    }
    fn delete(&self, account: &str) -> Result<(), SecretError> {
        self.store().delete(account)
    }
    fn service(&self) -> &str {
        self.store().service()
    }
}

#[cfg(test)]
mod tests {
    use super::addresses;
    use switchyard_team::Given;

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn each_team_address_comes_from_the_flag_else_the_environment_else_the_file() {
        let file = || Some(("postgres://file/db".to_string(), s("redis://file")));
        let given = |a: Option<(String, Given)>| a.map(|(_, g)| g);
        let o = addresses((None, None), (None, s("redis://env")), file);
        let (db, redis) = o.unwrap_or_else(|| panic!("the file names a database"));
        assert_eq!(db.1, Given::ApprovedImport);
        assert_eq!(
            given(redis),
            Some(Given::Environment),
            "the environment's Redis wins over the file's (the documented order)"
        );
        let o = addresses((None, s("redis://flag")), (None, s("redis://env")), file);
        assert_eq!(
            o.and_then(|(_, r)| given(r)),
            Some(Given::Flag),
            "a --redis flag is kept when the database comes from the file"
        );
        let o = addresses((None, None), (s("postgres://env/db"), None), file);
        let (db, redis) = o.unwrap_or_else(|| panic!("the environment names a database"));
        assert_eq!(db.1, Given::Environment);
        assert!(
            redis.is_none(),
            "the file's Redis belongs to the file's database, not the environment's"
        );
        assert!(addresses((None, None), (None, s("redis://env")), || None).is_none());
    }
}
