//! `switchyard backend|route|budget …` with the team's database set
//! (`SWITCHYARD_TEAM_DATABASE_URL`): the command administers the team's records, which every
//! replica follows, instead of this machine's. It runs against a scratch core in a temporary
//! folder that first takes the team's records (so the command's own checks see the team's
//! backends); what the command changed is then written to the team's database over the
//! versions it read — a record someone changed meanwhile is a conflict, said, and not written —
//! and the replicas are told through Redis. Nothing is written when the database cannot be
//! reached. Keys never go there: `backend add --key-stdin` is refused, and `switchyard key`
//! stays on this machine (`key add` after taking the team's backends, so a replica's key can be
//! added before its first sync; a backend made on this machine is never replaced or deleted by
//! the team's, and `key list` reads only).

use super::io::Io;
use super::Command;
use std::collections::BTreeSet;
use std::sync::Arc;
use switchyard_app::sync::{self, Kind};
use switchyard_app::team::TeamOptions;
use switchyard_app::{AppError, AppPaths, Options, Switchyard};
use switchyard_team::{Bus, Change, ServerAddress, TeamDb};

/// The team's database when `command` administers the team's records (`Err`: its password
/// could not be taken).
pub(super) fn target(command: &Command) -> Option<Result<TeamOptions, String>> {
    matches!(
        command,
        Command::Backend(_) | Command::Route(_) | Command::Budget(_)
    )
    .then(super::team_servers::from_env)?
    .transpose()
}

/// Runs `command` on the team's records.
pub(super) async fn run(command: &Command, team: &TeamOptions, io: &mut Io<'_>) -> u8 {
    if let Command::Backend(super::backend::BackendCommand::Add(a)) = command {
        if a.key_stdin {
            return io.refuse(
                "the team's keys are never stored in its database: add the backend without \
                 --key-stdin, then on each replica: switchyard key add NAME (the key on stdin)",
            );
        }
    }
    let db = match TeamDb::connect(&team.database).await {
        Ok(db) => db,
        Err(e) => return io.refuse(&format!("the team's configuration is not changed: {e}")),
    };
    let scratch = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => return io.refuse(&format!("cannot make a scratch folder: {e}")),
    };
    let app = match scratch_core(scratch.path()).await {
        Ok(app) => app,
        Err(e) => return io.report(&e),
    };
    let code = match on_team(&app, &db, command, io).await {
        Ok(code) => code,
        Err(e) => io.report(&e),
    };
    app.shutdown(std::time::Duration::from_secs(1)).await;
    if code == 0 {
        if let Some(address) = &team.redis {
            tell_replicas(address).await;
        }
    }
    code
}

async fn scratch_core(dir: &std::path::Path) -> Result<Switchyard, AppError> {
    let secrets = Arc::new(switchyard_secrets::MemoryStore::new());
    let mut opts = Options::new(AppPaths::under(dir), secrets);
    opts.gateway = None;
    opts.monitor = false;
    opts.tool_usage = false;
    opts.notify = switchyard_app::NotifyChannel::Recording(Arc::new(
        switchyard_notify::RecordingNotifier::new(),
    ));
    Switchyard::start(opts).await
}

async fn on_team(
    app: &Switchyard,
    db: &TeamDb,
    command: &Command,
    io: &mut Io<'_>,
) -> Result<u8, AppError> {
    let taken = app.sync().follow_team(db).await?;
    for p in &taken.problems {
        let _ = writeln!(io.stderr, "switchyard: warning: {p}");
    }
    let before = app.sync().snapshot(&Kind::ALL).await?;
    let code = super::on_core(command, app, io).await;
    let after = app.sync().snapshot(&Kind::ALL).await?;
    let changed: BTreeSet<sync::Key> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect();
    if changed.is_empty() {
        return Ok(code);
    }
    let written = app.sync().write_team(db, &changed).await?;
    for c in &written.conflicts {
        let _ = writeln!(
            io.stderr,
            "switchyard: {} “{}” was changed meanwhile by {} (version {}): not written; run the command again",
            c.kind.as_str(),
            c.name,
            c.their_machine,
            c.their_version
        );
    }
    Ok(if written.conflicts.is_empty() {
        code
    } else {
        1
    })
}

/// Tells every replica to take the team's records now (they also do every 10 s).
async fn tell_replicas(address: &ServerAddress) {
    let told = async {
        let bus = Bus::start(address)?;
        bus.publish(Change::Config).await
    };
    if let Err(e) = told.await {
        tracing::warn!(error = %e, "replicas not told; they take the change within 10 s");
    }
}

/// Before `switchyard key add` with the team's database set: this machine takes the team's
/// backends (as its replica does every 10 s), so a key can be added for one before the
/// replica's first sync. An unreachable database is a warning: keys are this machine's.
pub(super) async fn before_key(command: &Command, app: &Switchyard, io: &mut Io<'_>) {
    // Only `key add` needs the team's backends; reading commands change nothing.
    let Command::Key(super::key::KeyCommand::Add { .. }) = command else {
        return;
    };
    let team = match super::team_servers::from_env() {
        Ok(Some(team)) => team,
        Ok(None) => return,
        Err(e) => {
            let _ = writeln!(
                io.stderr,
                "switchyard: warning: {e}; this machine's backends are used"
            );
            return;
        }
    };
    let taken = async {
        let db = TeamDb::connect(&team.database).await?;
        app.sync().follow_team(&db).await
    };
    if let Err(e) = taken.await {
        let _ = writeln!(
            io.stderr,
            "switchyard: warning: the team's backends were not read ({e}); this machine's are used"
        );
    }
}
