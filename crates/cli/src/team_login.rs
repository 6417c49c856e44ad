//! `switchyard team login` and `team logout`: the team's passwords in this machine's keychain
//! (issue 70), so that `serve` and the team commands run with bare addresses and no password
//! anywhere a neighbour reads. The servers are the ones `serve` would use (flags, the
//! environment, the configuration file's `[team]`); stdin's first line is the database's
//! password, its second the Redis's (an empty or missing line leaves that one as it is).
//!
//! Invariants: each password typed is tried on its server first, and nothing is kept when one
//! is refused; a password is kept only under its server's entry (user, host, port, database:
//! `credentials::keychain_account`), so it is never sent to another server; none is printed.

use super::io::Io;
use super::team_servers::{self, AsGiven, Flags, Keychain};
use switchyard_secrets::SecretString;
use switchyard_team::credentials::{self, CredentialError, TeamServer};
use switchyard_team::{Link, ServerAddress, TeamDb};

/// `team login`: exit 0 with what was kept, or 1 with why nothing was.
pub(super) async fn login(flags: &Flags, io: &mut Io<'_>) -> u8 {
    let servers = match named(flags) {
        Ok(s) => s,
        Err(e) => return io.refuse(&e),
    };
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stdin());
    let mut typed: Vec<(TeamServer, String, SecretString)> = Vec::new();
    for (server, (url, given)) in servers {
        if terminal {
            let _ = writeln!(
                io.stderr,
                "{}'s password, then Enter (shown as typed; to hide it, pipe it in; empty: \
                 unchanged):",
                server.name()
            );
        }
        let mut line = String::with_capacity(1024);
        if let Err(e) = io.stdin.read_line(&mut line) {
            drop(SecretString::from(line));
            return io.refuse(&format!("stdin could not be read: {e}"));
        }
        let Some(password) = credentials::first_line(line) else {
            continue;
        };
        let address = match credentials::typed(server, &url, given, password.clone()) {
            Ok(a) => a,
            Err(e) => return io.refuse(&e.to_string()),
        };
        if let Err(e) = try_on(server, &address).await {
            return io.refuse(&format!(
                "{} did not take the password ({e}): nothing was kept",
                server.name()
            ));
        }
        typed.push((server, url, password));
    }
    if typed.is_empty() {
        return io.refuse("no password on stdin: nothing was kept");
    }
    let keychain = Keychain::default();
    for (server, url, password) in &typed {
        match credentials::keep(*server, url, password, &keychain) {
            Ok(account) => {
                let _ = writeln!(
                    io.stdout,
                    "kept in the keychain: {}'s password ({account})",
                    server.name()
                );
            }
            Err(e) => return refuse(io, &e),
        }
    }
    0
}

/// `team logout`: exit 0 with what was removed.
pub(super) fn logout(flags: &Flags, io: &mut Io<'_>) -> u8 {
    let servers = match named(flags) {
        Ok(s) => s,
        Err(e) => return io.refuse(&e),
    };
    let keychain = Keychain::default();
    for (server, (url, _)) in servers {
        match credentials::forget(server, &url, &keychain) {
            Ok(account) => {
                let _ = writeln!(io.stdout, "removed from the keychain: {account}");
            }
            Err(e) => return refuse(io, &e),
        }
    }
    0
}

/// The servers `serve` would use, the database first.
fn named(flags: &Flags) -> Result<Vec<(TeamServer, AsGiven)>, String> {
    let Some((database, redis)) = team_servers::given(flags, team_servers::saved) else {
        return Err(
            "no team database: give --team postgres://user@host/db, set \
                    SWITCHYARD_TEAM_DATABASE_URL, or import a configuration file with [team]"
                .into(),
        );
    };
    let mut servers = vec![(TeamServer::Database, database)];
    servers.extend(redis.map(|r| (TeamServer::Redis, r)));
    Ok(servers)
}

/// Whether `server` at `address` (with the typed password) lets this machine in.
async fn try_on(server: TeamServer, address: &ServerAddress) -> Result<(), String> {
    match server {
        TeamServer::Database => TeamDb::connect(address).await.map(drop),
        TeamServer::Redis => match Link::new(address) {
            Ok(link) => link.check().await,
            Err(e) => Err(e),
        },
    }
    .map_err(|e| e.to_string())
}

/// A keychain failure, with what to do about it.
fn refuse(io: &mut Io<'_>, e: &CredentialError) -> u8 {
    match e {
        CredentialError::Keychain { source, .. } => {
            io.refuse(&format!("{e}\n  hint: {}", source.fix_hint()))
        }
        other => io.refuse(&other.to_string()),
    }
}
