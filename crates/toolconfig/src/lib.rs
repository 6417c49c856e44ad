//! Connecting coding tools (Claude Code, Codex, Gemini CLI, opencode, aider) to the gateway, and
//! finding provider keys left in plaintext.
//!
//! Three parts, all pure (text in, text out; the app does the I/O, the keychain and the journal):
//! - [`edit`]: key-level edits of config files that keep everything else (other keys, order,
//!   comments, formatting): JSON/JSONC through a concrete syntax tree, TOML through `toml_edit`,
//!   YAML and `.env` line-wise. [`edit::apply`] returns the new text and a record of what each
//!   key held before; [`edit::revert`] undoes exactly those keys on the *live* text, leaving
//!   anything the user changed since.
//! - [`plans`]: where each tool keeps its configuration and which keys connecting it sets.
//! - [`sweep`]: provider keys in shell profiles, `.env` files and tool configs, found by variable
//!   name and key prefix, and the line edits that move one out of a file and back.
//!
//! Invariant: no value marked secret is ever formatted by `Debug` or put in an error.

pub mod edit;
pub mod plans;
pub mod sweep;

pub use edit::{
    apply, read, revert, Applied, Change, Edit, EditError, Format, KeyPath, Record, Reverted,
};
pub use plans::{
    config_files, current_base_url, plan, sign_in_file, statusline_plan, ConnectParams, FilePlan,
    Home, TierModels, ToolId, PLAN_TOKEN_HEADER,
};
