//! The plaintext-key sweep: provider keys left in shell profiles, `.env` files and tool configs,
//! and the line edits that move one out of its file and back.
//!
//! A line holds a finding when it assigns a literal to a variable or config key and either the
//! name is a provider's key variable (`OPENAI_API_KEY`, aider's `anthropic-api-key`, …) or the
//! literal starts with a provider's key prefix and looks like a key (rules in `classify.rs`).
//! References (`$OTHER`, `$(cmd)`, `{env:X}`), placeholders, gateway tokens (`sy-…`) and
//! `OLLAMA_HOST` are never findings.
//!
//! [`take_out`] turns the line into a comment with the key masked (JSON has no comments, so there
//! the member is removed and the comma before it fixed) and returns a [`Moved`] record;
//! [`restore`] finds the text it left, even after lines were added above, and puts the original
//! back byte for byte.
//!
//! Invariant: the key itself appears only in [`Found::value`]. `Debug` of every type here, every
//! error message and both texts of [`Moved`] hold at most the masked hint.

mod classify;
mod lines;
mod moves;
mod syntax;
mod tokens;

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use switchyard_domain::{mask_key, BackendKind};
use switchyard_secrets::SecretString;

pub use moves::{restore, take_out};

/// What stands in for the key in [`Moved::template`].
pub const PLACEHOLDER: &str = "{{switchyard-key}}";

/// The syntax a file is read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SourceKind {
    /// `.bashrc`, `.zshrc`, `.profile`, `.bash_profile`, `.envrc`, …: `export NAME=value`, and
    /// macOS's `launchctl setenv NAME value`.
    Shell,
    /// PowerShell profiles (`*.ps1`): `$env:NAME = 'value'`,
    /// `[Environment]::SetEnvironmentVariable('NAME', 'value', 'User')`.
    PowerShell,
    /// `config.fish`: `set -gx NAME value`.
    Fish,
    /// `.env`, `.env.local`, `*.env`: `NAME=value`, spaces around `=` allowed.
    Dotenv,
    Json,
    Toml,
    Yaml,
}

impl SourceKind {
    /// Picks the syntax by file name and extension; anything unrecognised is read as a shell file.
    pub fn for_path(path: &Path) -> SourceKind {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
        match ext {
            "fish" => SourceKind::Fish,
            "ps1" => SourceKind::PowerShell,
            "json" | "jsonc" => SourceKind::Json,
            "toml" => SourceKind::Toml,
            "yml" | "yaml" => SourceKind::Yaml,
            _ if name == ".env" || name.starts_with(".env.") || ext == "env" => SourceKind::Dotenv,
            _ => SourceKind::Shell,
        }
    }
}

/// A provider key found in a file. `Debug` leaves the value out.
#[derive(Clone)]
pub struct Found {
    /// 1-based line number.
    pub line: u32,
    /// The variable or config key the value is assigned to, as written (`OPENAI_API_KEY`,
    /// `openai-api-key`, `apiKey`).
    pub variable: String,
    pub kind: BackendKind,
    pub value: SecretString,
    /// [`mask_key`] of the value.
    pub masked: String,
}

impl fmt::Debug for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Found")
            .field("line", &self.line)
            .field("variable", &self.variable)
            .field("kind", &self.kind)
            .field("masked", &self.masked)
            .finish_non_exhaustive()
    }
}

/// What [`take_out`] changed, enough for [`restore`] to undo it. Holds no key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Moved {
    /// The 1-based line the finding was on.
    pub line: u32,
    /// The exact text that now stands where the original was: the commented-out line, or for
    /// JSON the neighbouring line the member was removed next to (for a last member, the lines
    /// from the one that lost its comma). Whole lines, without the final line break.
    pub inserted: String,
    /// The original text of the same span, with the key replaced by [`PLACEHOLDER`].
    pub template: String,
}

/// Why a key could not be moved or put back. Messages never quote the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SweepError {
    #[error("the file changed since it was scanned; scan it again")]
    Changed,
    #[error("this key cannot be moved automatically: {0}")]
    Unsupported(String),
    #[error("the line Switchyard left in the file is gone, so the key cannot be put back")]
    NotFound,
}

/// Every provider key assigned literally in `text`, in file order.
pub fn scan(text: &str, source: SourceKind) -> Vec<Found> {
    let mut out = Vec::new();
    for (i, line) in lines::split(text).iter().enumerate() {
        let content = &text[line.content.clone()];
        for (assignment, kind) in findings_on_line(content, source) {
            let value = &content[assignment.value.clone()];
            out.push(Found {
                line: lines::number(i),
                variable: assignment.variable,
                kind,
                value: SecretString::from(value),
                masked: mask_key(value),
            });
        }
    }
    out
}

/// A variable of the user's environment kept outside files (`HKCU\Environment`, launchd's) as
/// a finding on line 0, when its value is a provider key.
pub fn scan_variable(name: &str, value: &str) -> Option<Found> {
    let kind = classify::classify(name, value)?;
    Some(Found {
        line: 0,
        variable: name.to_string(),
        kind,
        value: SecretString::from(value),
        masked: mask_key(value),
    })
}

/// The assignments on one line whose values are keys, with the kind of each.
fn findings_on_line(content: &str, source: SourceKind) -> Vec<(syntax::Assignment, BackendKind)> {
    syntax::assignments(content, source)
        .into_iter()
        .filter_map(|a| {
            let kind = classify::classify(&a.variable, &content[a.value.clone()])?;
            Some((a, kind))
        })
        .collect()
}
