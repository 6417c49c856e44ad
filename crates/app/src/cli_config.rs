//! `switchyard config export [FILE]` and `switchyard config import FILE [--dry-run] [--json]`:
//! the whole configuration as one TOML file without secrets (`config_file`). Export writes to
//! FILE (0600, replaced atomically) or stdout; import lists every issue by path and changes
//! nothing when there is one (exit 1), or what it changed (exit 0); `--dry-run` only checks and
//! lists. Usage errors exit 2.

use crate::cli_io::Io;
use crate::config_file::{self, ImportOutcome};
use crate::Switchyard;
use std::path::PathBuf;

pub const USAGE: &str = "usage:
  switchyard config export [FILE]                 the configuration as TOML (no secrets)
  switchyard config import FILE [--dry-run] [--json]";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigCommand {
    Export(Option<PathBuf>),
    Import {
        file: PathBuf,
        dry_run: bool,
        json: bool,
    },
}

impl ConfigCommand {
    pub fn parse(args: &[&str]) -> Result<ConfigCommand, String> {
        let usage = |p: &str| format!("switchyard: {p}\n{USAGE}");
        match args {
            ["config", "export"] => Ok(ConfigCommand::Export(None)),
            ["config", "export", file] if !file.starts_with("--") => {
                Ok(ConfigCommand::Export(Some(PathBuf::from(file))))
            }
            ["config", "import", rest @ ..] => {
                let (mut file, mut dry_run, mut json) = (None, false, false);
                for w in rest {
                    match *w {
                        "--dry-run" => dry_run = true,
                        "--json" => json = true,
                        f if !f.starts_with("--") && file.is_none() => {
                            file = Some(PathBuf::from(f))
                        }
                        other => return Err(usage(&format!("unexpected “{other}”"))),
                    }
                }
                let file = file.ok_or_else(|| usage("name the file to import"))?;
                Ok(ConfigCommand::Import {
                    file,
                    dry_run,
                    json,
                })
            }
            _ => Err(usage("unknown command or wrong arguments")),
        }
    }

    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        match self {
            ConfigCommand::Export(file) => {
                let text = match config_file::export(app)
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|f| config_file::file::to_toml(&f))
                {
                    Ok(t) => t,
                    Err(e) => return fail(io, &e),
                };
                match file {
                    None => {
                        let _ = io.stdout.write_all(text.as_bytes());
                        0
                    }
                    Some(path) => match crate::tools::files::write_atomic(path, &text) {
                        Ok(()) => {
                            let _ = writeln!(io.stderr, "wrote {}", path.display());
                            0
                        }
                        Err(e) => fail(io, &format!("cannot write {}: {e}", path.display())),
                    },
                }
            }
            ConfigCommand::Import {
                file,
                dry_run,
                json,
            } => {
                let text = match std::fs::read_to_string(file) {
                    Ok(t) => t,
                    Err(e) => return fail(io, &format!("cannot read {}: {e}", file.display())),
                };
                let parsed = match config_file::file::from_toml(&text) {
                    Ok(p) => p,
                    Err(e) => {
                        return fail(
                            io,
                            &format!("{} is not a Switchyard configuration: {e}", file.display()),
                        )
                    }
                };
                match config_file::import(app, &parsed, *dry_run).await {
                    Ok(outcome) => report(io, &outcome, *dry_run, *json),
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

fn report(io: &mut Io<'_>, o: &ImportOutcome, dry_run: bool, json: bool) -> u8 {
    let code = u8::from(!o.issues.is_empty());
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
    let verb = if dry_run { "would" } else { "did" };
    for c in &o.changes {
        let _ = writeln!(io.stdout, "{verb} {} {}", c.action, c.what);
    }
    for w in &o.warnings {
        let _ = writeln!(io.stderr, "warning: {}: {}", w.path, w.message);
    }
    code
}
