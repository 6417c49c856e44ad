//! Key-level edits of config files that keep everything else byte for byte, and can be undone.
//!
//! [`apply`] sets or removes keys and returns the new text plus a [`Record`] of what each key
//! held before; [`revert`] undoes exactly those keys on the *live* text. A key the user changed
//! since (its value is no longer what we wrote) is left alone and reported in
//! [`Reverted::kept`]. Each format has its own engine: JSON/JSONC as text splices around the
//! parser's ranges, TOML through `toml_edit` (its changes mapped back onto the original text so
//! line endings and untouched lines stay as they were), YAML and `.env` line-wise.
//!
//! Invariants:
//! - `revert(apply(orig).text, record).text == orig`, byte for byte, for every format (the
//!   [`Layout`] of each edit carries the formatting needed for that; it never holds a value).
//! - The text outside the keys we touch is never rewritten: a byte order mark, CRLF line endings
//!   and a missing final newline stay as they were.
//! - No value marked secret appears in `Debug` output or in an [`EditError`].

mod engine;
mod json;
mod layout;
mod lines;
mod text;
mod toml;

#[cfg(test)]
mod tests;

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use engine::{apply, read, revert};
pub use layout::{Anchor, Frame, Layout};

fn engine_of(format: Format) -> &'static dyn engine::Engine {
    match format {
        Format::Json => &json::Json,
        Format::Toml => &toml::Toml,
        Format::Yaml => &lines::Lines::YAML,
        Format::Dotenv => &lines::Lines::DOTENV,
        Format::ShellEnv => &lines::Lines::SHELL_ENV,
        Format::Profile => &lines::Lines::PROFILE,
    }
}

/// The syntax of a config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Format {
    /// JSON; comments and trailing commas are tolerated (JSONC, e.g. `opencode.jsonc`).
    Json,
    Toml,
    /// Top-level `key: scalar` lines only.
    Yaml,
    /// `KEY=value` lines, optionally `export`ed.
    Dotenv,
    /// A file of `export KEY=value` lines a shell sources (`.env` rules; new keys `export`ed).
    ShellEnv,
    /// A shell's startup file (`~/.bashrc`, `~/.zshrc`): only the lines Switchyard wrote, each
    /// ending in `# switchyard:KEY`, are read or changed; every other line is the user's, never
    /// parsed.
    Profile,
}

/// A key inside a document: object/table names from the root, e.g. `["env", "ANTHROPIC_BASE_URL"]`.
pub type KeyPath = Vec<String>;

/// One key-level change to make.
#[derive(Clone, PartialEq)]
pub enum Change {
    /// Set the key, creating missing parent objects/tables.
    Set {
        path: KeyPath,
        value: Value,
        secret: bool,
    },
    /// Remove the key; nothing is recorded when it is absent.
    Remove { path: KeyPath, secret: bool },
}

impl Change {
    /// The key this change touches.
    pub fn path(&self) -> &[String] {
        match self {
            Change::Set { path, .. } | Change::Remove { path, .. } => path,
        }
    }

    /// Whether the value is a secret (never shown in `Debug`).
    pub fn secret(&self) -> bool {
        match self {
            Change::Set { secret, .. } | Change::Remove { secret, .. } => *secret,
        }
    }
}

impl fmt::Debug for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Set {
                path,
                value,
                secret,
            } => f
                .debug_struct("Set")
                .field("path", path)
                .field("value", &Shown(Some(value), *secret))
                .field("secret", secret)
                .finish(),
            Change::Remove { path, secret } => f
                .debug_struct("Remove")
                .field("path", path)
                .field("secret", secret)
                .finish(),
        }
    }
}

/// What one change did to one key: enough to undo it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Edit {
    pub path: KeyPath,
    /// The value before (`None`: the key was absent).
    pub previous: Option<Value>,
    /// The value we wrote (`None`: we removed the key).
    pub written: Option<Value>,
    pub secret: bool,
    /// Formatting needed to undo this edit byte for byte. Never holds a value.
    #[serde(default, skip_serializing_if = "Layout::is_empty")]
    pub layout: Layout,
}

impl fmt::Debug for Edit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Edit")
            .field("path", &self.path)
            .field("previous", &Shown(self.previous.as_ref(), self.secret))
            .field("written", &Shown(self.written.as_ref(), self.secret))
            .field("secret", &self.secret)
            .field("layout", &self.layout)
            .finish()
    }
}

/// Everything one [`apply`] did to one file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// In the order they were made; [`revert`] undoes them in reverse.
    pub edits: Vec<Edit>,
    /// Containers (objects/tables) this apply created, parents first.
    pub created: Vec<KeyPath>,
    /// Whether the file existed before.
    pub file_existed: bool,
    /// The file did not end with a newline (revert gives it back without one).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_final_newline: bool,
}

/// The result of [`apply`].
#[derive(Clone, PartialEq)]
pub struct Applied {
    pub text: String,
    pub record: Record,
    /// Whether `text` differs from the original.
    pub changed: bool,
}

impl fmt::Debug for Applied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Applied")
            .field("text", &format_args!("<{} bytes>", self.text.len()))
            .field("record", &self.record)
            .field("changed", &self.changed)
            .finish()
    }
}

/// The result of [`revert`].
#[derive(Clone, PartialEq)]
pub struct Reverted {
    /// The text to write; `None`: delete the file (it did not exist before and nothing is left).
    pub text: Option<String>,
    /// Keys the user changed since connecting: left as they are.
    pub kept: Vec<KeyPath>,
}

impl fmt::Debug for Reverted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.text.as_ref().map(|t| format!("<{} bytes>", t.len()));
        f.debug_struct("Reverted")
            .field("text", &text)
            .field("kept", &self.kept)
            .finish()
    }
}

/// Why a file could not be read or edited. Messages never quote the file's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The file is not valid in its format. `line` and `column` are 1-based.
    #[error("line {line}, column {column}: {message}")]
    Parse {
        line: u32,
        column: u32,
        message: String,
    },
    /// The file is valid but a key on the way is not what the edit needs.
    #[error("`{path}`: {message}")]
    Shape { path: String, message: String },
    /// A construct this editor does not change (e.g. a nested YAML mapping).
    #[error("{0}")]
    Unsupported(String),
}

impl EditError {
    pub(crate) fn shape(path: &[String], message: impl Into<String>) -> Self {
        EditError::Shape {
            path: path.join("."),
            message: message.into(),
        }
    }
}

/// `Debug` for a value that may be secret.
struct Shown<'a>(Option<&'a Value>, bool);

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shown(None, _) => f.write_str("None"),
            Shown(Some(_), true) => f.write_str("Some(***)"),
            Shown(Some(v), false) => write!(f, "Some({v})"),
        }
    }
}
