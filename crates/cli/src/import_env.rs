//! `switchyard import-env [--dotenv FILE] [--dry-run]`: provider keys in the environment (and a
//! .env file) moved into the keychain, their backends created or enabled, as the Import dialog
//! does. Findings are shown masked; malformed .env lines by number.

use super::io::Io;
use std::path::PathBuf;
use switchyard_app::{AppError, Switchyard};

#[derive(Debug, clap::Args)]
pub struct ImportEnvArgs {
    /// A .env file to read too
    #[arg(long, value_name = "FILE")]
    dotenv: Option<PathBuf>,
    /// Only say what would be imported
    #[arg(long)]
    dry_run: bool,
}

impl ImportEnvArgs {
    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        let done = self.go(app).await;
        io.finish(done)
    }

    async fn go(&self, app: &Switchyard) -> Result<String, AppError> {
        let scan = app.backends().scan_import(self.dotenv.clone()).await?;
        let mut out = String::new();
        for p in &scan.problems {
            out += &format!("line {}: {}\n", p.line, p.message);
        }
        for f in &scan.findings {
            let state = if f.already_imported {
                "already imported"
            } else if self.dry_run {
                "would import"
            } else {
                "importing"
            };
            // Where the key goes, before it is imported (issue 53: a key never goes to a host
            // the user did not see).
            out += &format!(
                "{} ({}): {} {state} → {}\n",
                f.variable,
                f.display,
                f.kind.spec().label,
                f.goes_to
            );
        }
        let new: Vec<String> = scan
            .findings
            .iter()
            .filter(|f| !f.already_imported)
            .map(|f| f.id.clone())
            .collect();
        if new.is_empty() || self.dry_run {
            if scan.findings.is_empty() {
                out += "no provider keys found\n";
            }
            return Ok(out);
        }
        let report = app.backends().import_keys(self.dotenv.clone(), new).await?;
        for s in &report.skipped {
            out += &format!("skipped {s}\n");
        }
        for b in &report.backends {
            out += &format!("enabled {b}\n");
        }
        out += &format!("imported {} key(s) into the keychain\n", report.imported);
        Ok(out)
    }
}
