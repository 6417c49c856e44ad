//! The team's servers as the only way to open a connection that carries the team's secrets
//! (issue 53): the database's password and a Redis's credentials ride in the address. So
//! [`TeamDb::connect`](crate::TeamDb::connect), [`Bus::start`](crate::Bus::start) and
//! [`Link::new`](crate::Link::new) take a [`ServerAddress`], never a bare string, and a
//! `ServerAddress` says where the user gave it ([`Given`]): a command line, the environment,
//! an approved configuration import, or the keychain the window saved it in. The sites that
//! make one are on the reviewed list of `crates/cli/tests/app/secret_sites.rs`, each with where
//! its address comes from.

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

/// A team server's address (which may hold a password), with where the user gave it.
#[derive(Clone)]
pub struct ServerAddress {
    url: String,
    given: Given,
}

impl std::fmt::Debug for ServerAddress {
    /// Never the address: it may hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerAddress")
            .field("given", &self.given)
            .finish_non_exhaustive()
    }
}

impl ServerAddress {
    /// The address `url`, as the user gave it at `given`.
    pub fn given(url: impl Into<String>, given: Given) -> ServerAddress {
        ServerAddress {
            url: url.into().trim().to_string(),
            given,
        }
    }

    /// Where the user gave it.
    pub fn given_by(&self) -> Given {
        self.given
    }

    /// The address, for this crate's clients only.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_never_shows_in_debug_output() {
        let a = ServerAddress::given(" postgres://u:hunter2@db:5432/team ", Given::Flag);
        assert_eq!(a.url(), "postgres://u:hunter2@db:5432/team");
        let shown = format!("{a:?}");
        assert!(
            !shown.contains("hunter2") && shown.contains("Flag"),
            "{shown}"
        );
    }
}
