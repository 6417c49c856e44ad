//! Reports of a run — the readiness checks today, the drills next — as one model ([`Report`])
//! and three renderings: JSON in a versioned, documented schema (`docs/report-schema.json`),
//! JUnit XML for CI systems ([`junit`]), and one self-contained HTML page for people ([`html`]).
//!
//! Invariants: a report holds no secret (it is built from results that hold none: masked key
//! hints, names, numbers, messages); every rendering escapes all text; the HTML loads nothing
//! (inline CSS and SVG, no script); [`SCHEMA`] changes whenever a field's meaning does.

mod config_html;
mod html;
mod junit;
mod model;
mod timeline;

pub use html::html;
pub use junit::junit;
pub use model::{
    Blocker, Case, ConfigBackend, ConfigRoute, ConfigSetting, Configuration, Machine, Measurement,
    Previous, Report, ReportKind, Suite, Timeline, TimelineEvent, SCHEMA,
};

/// The three renderings, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ReportFormat")]
#[serde(rename_all = "camelCase")]
pub enum Format {
    Html,
    Json,
    Junit,
}

impl Format {
    pub fn render(self, report: &Report) -> String {
        match self {
            Format::Html => html(report),
            Format::Json => json(report),
            Format::Junit => junit(report),
        }
    }

    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Json => "json",
            Format::Junit => "xml",
        }
    }
}

/// The report as pretty JSON (the schema in `docs/report-schema.json`).
pub fn json(report: &Report) -> String {
    // A report is plain data (strings, numbers, vectors): encoding cannot fail.
    serde_json::to_string_pretty(report).unwrap_or_else(|_| String::from("{}"))
}

#[cfg(test)]
mod tests;
