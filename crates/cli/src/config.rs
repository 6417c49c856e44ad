//! `switchyard config export [FILE]` and
//! `switchyard config import FILE [--dry-run] [--approve-hosts] [--json]`: the whole
//! configuration as one TOML file without secrets (`config_file`). Export writes to FILE (0600,
//! replaced atomically) or stdout; import lists every issue by path and changes nothing when
//! there is one (exit 1), or what it changed (exit 0); `--dry-run` only checks and lists. A file
//! that moves a backend with keys to a new host, opens the gateway to more callers, or names other
//! team servers (where the team database's password would go) is refused
//! (exit 1, each change listed old → new) unless `--approve-hosts` says the user trusts it. A
//! file over 1 MiB is refused unread. Usage errors exit 2.

use super::io::Io;
use std::path::PathBuf;
use switchyard_app::config_file::{self, Approved, ImportOptions, ImportOutcome, Writer};
use switchyard_app::Switchyard;

#[derive(Debug, clap::Subcommand)]
pub enum ConfigCommand {
    /// Write the configuration as TOML: into FILE (0600, replaced atomically) or on stdout
    Export {
        /// Where to write it
        file: Option<PathBuf>,
    },
    /// Apply a configuration file: every issue is listed by path, and nothing changes if there
    /// is one
    Import {
        /// The TOML file (at most 1 MiB)
        file: PathBuf,
        /// Only check and list what would change
        #[arg(long)]
        dry_run: bool,
        /// Accept the hosts the file names: the new hosts it sends your keys to, the machines,
        /// pages and networks it lets call the gateway, and the team servers it names
        #[arg(long)]
        approve_hosts: bool,
        /// The outcome as JSON
        #[arg(long)]
        json: bool,
    },
}

impl ConfigCommand {
    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        match self {
            ConfigCommand::Export { file: Some(path) } => {
                match app.config_file().export_to(path.clone()).await {
                    Ok(()) => {
                        let _ = writeln!(io.stderr, "wrote {}", path.display());
                        0
                    }
                    Err(e) => fail(io, &e.to_string()),
                }
            }
            ConfigCommand::Export { file: None } => {
                let text = app
                    .config_file()
                    .export()
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|f| config_file::file::to_toml(&f));
                match text {
                    Ok(t) => {
                        let _ = io.stdout.write_all(t.as_bytes());
                        0
                    }
                    Err(e) => fail(io, &e),
                }
            }
            ConfigCommand::Import {
                file,
                dry_run,
                approve_hosts,
                json,
            } => {
                let options = &ImportOptions {
                    dry_run: *dry_run,
                    approved: if *approve_hosts {
                        Approved::All
                    } else {
                        ImportOptions::default().approved
                    },
                    records_only: false,
                    writer: Writer::User,
                };
                let parsed = match config_file::read(file.clone()).await {
                    Ok(p) => p,
                    Err(e) => return fail(io, &e.to_string()),
                };
                match app.config_file().import(&parsed, options).await {
                    Ok(outcome) => report(io, &outcome, options, *json),
                    Err(e) => fail(io, &format!("the import stopped: {e}")),
                }
            }
        }
    }
}

fn fail(io: &mut Io<'_>, message: &str) -> u8 {
    let _ = writeln!(io.stderr, "switchyard: {message}");
    1
}

fn report(io: &mut Io<'_>, o: &ImportOutcome, options: &ImportOptions, json: bool) -> u8 {
    let approved = options.approved == Approved::All;
    let refused = o.needs_approval() && !approved && !options.dry_run;
    let code = u8::from(!o.issues.is_empty() || refused);
    if json {
        let _ = writeln!(
            io.stdout,
            "{}",
            serde_json::to_string_pretty(o).unwrap_or_default()
        );
        return code;
    }
    if !o.issues.is_empty() {
        let _ = writeln!(
            io.stderr,
            "switchyard: the file has {} issue(s); nothing was changed:",
            o.issues.len()
        );
        for i in &o.issues {
            let _ = writeln!(io.stderr, "  {}: {}", i.path, i.message);
        }
        return code;
    }
    if o.needs_approval() {
        let head = if approved {
            "approved: the changes this file makes to where your keys go and who may call the gateway:"
        } else if options.dry_run {
            "this file changes where your keys go or who may call the gateway (the import needs --approve-hosts):"
        } else {
            "this file changes where your keys go or who may call the gateway; nothing was changed:"
        };
        let _ = writeln!(io.stderr, "switchyard: {head}");
        for line in o.effects().to_approve() {
            let _ = writeln!(io.stderr, "  {line}");
        }
        if refused {
            let _ = writeln!(
                io.stderr,
                "Only if you trust this file, run again with --approve-hosts."
            );
            return code;
        }
    }
    let verb = if options.dry_run { "would" } else { "did" };
    for c in &o.changes {
        let _ = writeln!(io.stdout, "{verb} {} {}", c.action, c.what);
    }
    // Listed, never asked: a route that sends requests to a backend it did not use.
    for line in o.effects().notes() {
        let _ = writeln!(io.stdout, "note: {line}");
    }
    for w in &o.warnings {
        let _ = writeln!(io.stderr, "warning: {}: {}", w.path, w.message);
    }
    code
}
