//! `switchyard keys find|move|restore`: provider keys left in plaintext (shell profiles, tool
//! configs, .env files, the user's environment store), moved into the keychain one at a time and
//! put back on request, as the Tools page's key sweep does. Findings are shown masked.

use super::io::Io;
use std::path::PathBuf;
use switchyard_app::{AppError, Switchyard};

#[derive(Debug, clap::Subcommand)]
pub enum KeysCommand {
    /// Find provider keys in the usual places and in the files given
    Find {
        /// A file to look in too (repeatable)
        #[arg(long = "file", value_name = "FILE")]
        files: Vec<PathBuf>,
        /// One JSON object per finding, one per line
        #[arg(long)]
        json: bool,
    },
    /// Move one finding into the keychain and out of its file (its id from `keys find`)
    Move {
        /// The finding's id
        id: String,
        /// The files `keys find` was given, so the finding is found again (repeatable)
        #[arg(long = "file", value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The backend to add it to (default: the first of its kind, or a new one)
        #[arg(long, value_name = "BACKEND_ID")]
        backend: Option<String>,
    },
    /// Put a moved key's line back where it was
    Restore {
        /// The move's id, as `keys move` printed it
        move_id: String,
    },
}

impl KeysCommand {
    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        let done = self.go(app, io).await;
        io.finish(done)
    }

    async fn go(&self, app: &Switchyard, io: &mut Io<'_>) -> Result<String, AppError> {
        let tools = app.key_sweep();
        match self {
            KeysCommand::Find { files, json } => {
                let scan = tools.find_keys(files.clone()).await?;
                for p in &scan.problems {
                    let _ = writeln!(io.stderr, "skipped: {p}");
                }
                let mut out = String::new();
                for f in &scan.findings {
                    if *json {
                        let v = serde_json::json!({
                            "id": f.id, "path": f.path, "line": f.line, "variable": f.variable,
                            "kind": f.kind.as_str(), "masked": f.masked, "inKeychain": f.in_keychain,
                        });
                        out += &format!("{v}\n");
                    } else {
                        let known = if f.in_keychain {
                            "  (already in the keychain)"
                        } else {
                            ""
                        };
                        out += &format!(
                            "{}:{}  {}  {} {}{known}\n  id: {}\n",
                            f.path,
                            f.line,
                            f.variable,
                            f.kind.spec().label,
                            f.masked,
                            f.id
                        );
                    }
                }
                Ok(out)
            }
            KeysCommand::Move { id, files, backend } => {
                let m = tools
                    .move_key(id.clone(), files.clone(), backend.clone())
                    .await?;
                Ok(format!(
                    "moved {} from {}:{} into the keychain as {}/{} (test: {}); move id {}\n",
                    m.masked,
                    m.path,
                    m.line,
                    m.backend,
                    m.key_label,
                    m.tested.unwrap_or_default(),
                    m.id
                ))
            }
            KeysCommand::Restore { move_id } => {
                let m = tools.restore_key(move_id.clone()).await?;
                Ok(format!(
                    "put {} back in {}:{}\n",
                    m.variable, m.path, m.line
                ))
            }
        }
    }
}
