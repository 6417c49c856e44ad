//! The report flags `check`, `drill` and `drill live` share: `--json [FILE]` (stdout without a
//! file), `--junit FILE`, `--html FILE`. Each file is replaced atomically; the formats are
//! `switchyard_report`'s (JSON in `docs/report-schema.json`, JUnit XML, self-contained HTML).

use std::path::PathBuf;

/// Where a run's report goes: stdout as JSON, and/or files.
#[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args)]
pub struct ReportFlags {
    /// The report as JSON: on stdout, or into FILE
    #[arg(long, value_name = "FILE", num_args = 0..=1)]
    pub json: Option<Option<PathBuf>>,
    /// The report as JUnit XML, into FILE
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// The report as a self-contained HTML page, into FILE
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

impl ReportFlags {
    /// `--json` without a file: the report replaces the text on stdout.
    pub fn json_stdout(&self) -> bool {
        matches!(self.json, Some(None))
    }

    /// Writes the report to every file asked for (each replaced atomically).
    pub fn write(&self, report: &switchyard_report::Report) -> Result<(), String> {
        let files = [
            (
                self.json.clone().flatten(),
                switchyard_report::json as fn(&_) -> String,
            ),
            (self.junit.clone(), switchyard_report::junit),
            (self.html.clone(), switchyard_report::html),
        ];
        for (path, render) in files {
            if let Some(path) = path {
                switchyard_app::tools::write_atomic(&path, &render(report))
                    .map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    }
}
