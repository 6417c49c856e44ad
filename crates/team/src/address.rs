//! The team's servers as the only way to open a connection that carries the team's secrets
//! (issue 53): the database's password and a Redis's credentials. So
//! [`TeamDb::connect`](crate::TeamDb::connect), [`Bus::start`](crate::Bus::start) and
//! [`Link::new`](crate::Link::new) take a [`ServerAddress`], never a bare string, and a
//! `ServerAddress` says where the user gave it ([`Given`]): a command line, the environment,
//! an approved configuration import, or the keychain the window saved it in. The sites that
//! make one are on the reviewed list of `crates/guard/tests/sites/secret_sites.rs`, each with where
//! its address comes from.
//!
//! The password rides beside the address, not in it, when it was given apart from it (a file,
//! the environment, the keychain: `credentials`, issue 70); it is applied to the parsed
//! configuration, so it is never escaped into a URL, and it wins over one inside the address.

use crate::TeamError;
use switchyard_secrets::SecretString;

/// Where the user gave a team server's address. A file's `[team]` section is only
/// [`Given::ApprovedImport`] once the user approved that import's server change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Given {
    /// On the command line (`serve --team`, `--redis`).
    Flag,
    /// In this process's environment (`SWITCHYARD_TEAM_DATABASE_URL`, `SWITCHYARD_TEAM_REDIS_URL`).
    Environment,
    /// The `[team]` section of a `config import` the user approved (the database's password
    /// from `SWITCHYARD_TEAM_DATABASE_PASSWORD`).
    ApprovedImport,
    /// Typed by the user in the window or `switchyard sync` (My machines) and kept in the
    /// keychain.
    Keychain,
}

/// Where a team server's password came from (see `credentials` for the order they are tried in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordFrom {
    /// The file a command named (`--team-password-file`, `--redis-password-file`).
    File,
    /// This process's environment (`SWITCHYARD_TEAM_DATABASE_PASSWORD`,
    /// `SWITCHYARD_TEAM_REDIS_PASSWORD`).
    Environment,
    /// The address itself (an address from the environment may hold one).
    Address,
    /// The keychain, where `switchyard team login` kept it for this server.
    Keychain,
}

/// A team server's address (which may hold a password), with where the user gave it, and the
/// password given apart from it.
#[derive(Clone)]
pub struct ServerAddress {
    url: String,
    given: Given,
    password: Option<SecretString>,
    password_from: Option<PasswordFrom>,
}

impl std::fmt::Debug for ServerAddress {
    /// Never the address: it may hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerAddress")
            .field("given", &self.given)
            .field("password_from", &self.password_from)
            .finish_non_exhaustive()
    }
}

impl ServerAddress {
    /// The address `url`, as the user gave it at `given`.
    pub fn given(url: impl Into<String>, given: Given) -> ServerAddress {
        ServerAddress {
            url: url.into().trim().to_string(),
            given,
            password: None,
            password_from: None,
        }
    }

    /// This address with `password`, which came from `from` (and wins over one inside it).
    pub(crate) fn with_password(mut self, password: SecretString, from: PasswordFrom) -> Self {
        self.password = Some(password);
        self.password_from = Some(from);
        self
    }

    /// This address, which holds its own password.
    pub(crate) fn holding_its_password(mut self) -> Self {
        self.password_from = Some(PasswordFrom::Address);
        self
    }

    /// Where its password came from; `None`: no password was given (a server that trusts this
    /// host, or one that will ask for it).
    pub fn password_from(&self) -> Option<PasswordFrom> {
        self.password_from
    }

    /// Where the user gave it.
    pub fn given_by(&self) -> Given {
        self.given
    }

    /// The team database's connection settings, with the password given apart. The error never
    /// repeats the address.
    pub(crate) fn postgres(&self) -> Result<tokio_postgres::Config, TeamError> {
        let mut config: tokio_postgres::Config = self.url.parse().map_err(|_| {
            TeamError::Invalid(
                "the team database URL is not valid: expected postgres://user@host:port/database"
                    .into(),
            )
        })?;
        if let Some(password) = &self.password {
            config.password(password.expose().as_bytes());
        }
        Ok(config)
    }

    /// The team Redis's connection settings, with the password given apart.
    pub(crate) fn redis(&self) -> Result<redis::ConnectionInfo, TeamError> {
        use redis::IntoConnectionInfo;
        let info = self.url.as_str().into_connection_info().map_err(|_| {
            TeamError::Invalid("the Redis URL is not valid: expected redis://host:port".into())
        })?;
        Ok(match &self.password {
            Some(password) => {
                let settings = info
                    .redis_settings()
                    .clone()
                    .set_password(password.expose());
                info.set_redis_settings(settings)
            }
            None => info,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_never_shows_in_debug_output() {
        let a = ServerAddress::given(" postgres://u:hunter2@db:5432/team ", Given::Flag);
        assert_eq!(
            a.postgres().unwrap().get_password(),
            Some(&b"hunter2"[..]),
            "trimmed, parsed"
        );
        let shown = format!("{a:?}");
        assert!(
            !shown.contains("hunter2") && shown.contains("Flag"),
            "{shown}"
        );
        let apart = ServerAddress::given("postgres://u@db/team", Given::Flag)
            .with_password(SecretString::from("p@ss:w/rd"), PasswordFrom::File);
        let shown = format!("{apart:?}");
        assert!(!shown.contains("p@ss") && shown.contains("File"), "{shown}");
    }

    #[test]
    fn a_password_given_apart_reaches_the_settings_unescaped_and_wins_over_the_addresses() {
        let pg = ServerAddress::given("postgres://u:old@db/team", Given::Environment)
            .with_password(SecretString::from("p@ss:w/rd %"), PasswordFrom::Environment);
        let config = pg.postgres().unwrap();
        assert_eq!(config.get_password(), Some(&b"p@ss:w/rd %"[..]));
        let redis = ServerAddress::given("redis://:old@cache:6379", Given::Environment)
            .with_password(SecretString::from("r@ss:w/rd %"), PasswordFrom::Keychain);
        let info = redis.redis().unwrap();
        assert_eq!(info.redis_settings().password(), Some("r@ss:w/rd %"));
        let bare = ServerAddress::given("redis://cache:6379", Given::Flag);
        assert_eq!(bare.redis().unwrap().redis_settings().password(), None);
    }
}
