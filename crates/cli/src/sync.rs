//! `switchyard sync`: My machines from the command line — turn it on with a space (the
//! database's address on stdin: it may hold a password; then the space's key, from another of
//! the user's machines), see the last pass, run one, settle a conflict, show the space's key,
//! turn it off. The same service as Settings → My machines.

use super::io::{pretty, read_key, Io};
use switchyard_app::sync::{Keep, Kind, SyncReport, SyncSettings, SyncStatus};
use switchyard_app::Switchyard;

#[derive(Debug, clap::Subcommand)]
pub enum SyncCommand {
    /// What syncs, where, and the last pass
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Turn syncing on: stdin's first line is the database's address (empty: keep the saved
    /// one), its second the space's key from another of your machines (empty or absent: the
    /// kept one, or a new one for a space with no records yet, printed once)
    Setup {
        /// The space your machines share (the same on each)
        #[arg(long)]
        space: String,
        /// Only these kinds (default: all)
        #[arg(long, value_enum, value_delimiter = ',')]
        only: Vec<KindArg>,
    },
    /// Run a pass now
    Now {
        #[arg(long)]
        json: bool,
    },
    /// Settle a conflict: keep this machine's copy or the database's
    Resolve {
        #[arg(value_enum)]
        kind: KindArg,
        name: String,
        #[arg(long, value_enum)]
        keep: KeepArg,
    },
    /// Print the space's key, to enter on your other machines (it is a secret: records sealed
    /// with it are taken by every machine that holds it)
    Key,
    /// Turn syncing off and forget the database's address (records stay as they are)
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KindArg {
    Backend,
    Route,
    Budget,
    Token,
}

impl From<KindArg> for Kind {
    fn from(k: KindArg) -> Kind {
        match k {
            KindArg::Backend => Kind::Backend,
            KindArg::Route => Kind::Route,
            KindArg::Budget => Kind::Budget,
            KindArg::Token => Kind::Token,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KeepArg {
    Mine,
    Theirs,
}

fn report_text(r: &SyncReport) -> String {
    let mut out = String::new();
    for (verb, list) in [("sent", &r.pushed), ("took", &r.pulled)] {
        for what in list {
            out.push_str(&format!("{verb} {what}\n"));
        }
    }
    for c in &r.conflicts {
        out.push_str(&format!(
            "conflict: {} “{}” changed here and on {}; keep one: switchyard sync resolve {} \"{}\" --keep mine|theirs\n",
            c.kind.as_str(), c.name, c.their_machine, c.kind.as_str(), c.name
        ));
    }
    for p in &r.problems {
        out.push_str(&format!("not taken: {p}\n"));
    }
    if out.is_empty() {
        out.push_str("up to date\n");
    }
    out
}

fn status_text(s: &SyncStatus) -> String {
    let kinds: Vec<&str> = s.settings.kinds().iter().map(|k| k.as_str()).collect();
    let mut out = if s.settings.enabled {
        format!(
            "syncing space “{}” as {} ({})\n",
            s.settings.space,
            s.machine,
            kinds.join(", ")
        )
    } else {
        "off\n".to_string()
    };
    match s.last.as_ref().filter(|_| s.settings.enabled) {
        Some(l) if l.error.is_some() => {
            out.push_str(&format!(
                "last pass failed: {}\n",
                l.error.clone().unwrap_or_default()
            ));
        }
        Some(l) => out.push_str(&l.report.as_ref().map(report_text).unwrap_or_default()),
        None => {}
    }
    out
}

impl SyncCommand {
    pub(super) async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        let sync = app.sync();
        match self {
            SyncCommand::Status { json } => match sync.status().await {
                Ok(s) if *json => io.out(&pretty(&s)),
                Ok(s) => io.out(&status_text(&s)),
                Err(e) => io.report(&e),
            },
            SyncCommand::Setup { space, only } => {
                let mut line = || match read_key(io.stdin) {
                    Ok(u) if u.expose().is_empty() => Ok(None),
                    Ok(u) => Ok(Some(u)),
                    Err(e) => Err(e),
                };
                let (url, key) = match (line(), line()) {
                    (Ok(url), Ok(key)) => (url, key),
                    (Err(e), _) | (_, Err(e)) => {
                        return io.refuse(&format!("cannot read stdin: {e}"))
                    }
                };
                let all = only.is_empty();
                let has = |k| all || only.contains(&k);
                let settings = SyncSettings {
                    enabled: true,
                    space: space.clone(),
                    backends: has(KindArg::Backend),
                    routes: has(KindArg::Route),
                    budgets: has(KindArg::Budget),
                    tokens: has(KindArg::Token),
                };
                match sync.save(url, key, settings).await {
                    Ok(s) => {
                        let failed = s.last.as_ref().is_some_and(|l| l.error.is_some());
                        let code = io.out(&status_text(&s));
                        if let Some(k) = &s.new_space_key {
                            let _ = writeln!(
                                io.stderr,
                                "switchyard: a new key seals this space's records; give it to `switchyard sync setup` (second line of stdin) or Settings → My machines on your other machines:"
                            );
                            let _ = writeln!(io.stdout, "space key: {k}");
                        }
                        if failed {
                            1
                        } else {
                            code
                        }
                    }
                    Err(e) => io.report(&e),
                }
            }
            SyncCommand::Now { json } => match sync.run().await {
                Ok(r) if *json => io.out(&pretty(&r)),
                Ok(r) => {
                    let code = io.out(&report_text(&r));
                    if r.conflicts.is_empty() {
                        code
                    } else {
                        1
                    }
                }
                Err(e) => io.report(&e),
            },
            SyncCommand::Resolve { kind, name, keep } => {
                let keep = match keep {
                    KeepArg::Mine => Keep::Mine,
                    KeepArg::Theirs => Keep::Theirs,
                };
                match sync.resolve((*kind).into(), name.clone(), keep).await {
                    Ok(r) => io.out(&report_text(&r)),
                    Err(e) => io.report(&e),
                }
            }
            SyncCommand::Key => match sync.reveal_space_key().await {
                Ok(k) => io.out(&format!("{}\n", k.expose())),
                Err(e) => io.report(&e),
            },
            SyncCommand::Off => match sync.forget().await {
                Ok(s) => io.out(&status_text(&s)),
                Err(e) => io.report(&e),
            },
        }
    }
}
