//! Injected crashes for the repair tests (`crates/cli/tests/cli/tools_repair.rs`), compiled in
//! only with the `fault-injection` feature, which only the CLI's dev-dependencies turn on (the
//! guard refuses it anywhere else): a release build reads no such variable and cannot be made to
//! abort mid-connect from its environment.
//!
//! `SWITCHYARD_FAULT=connect-before-rename` aborts the process after the journal and the temp
//! files are written, before the renames; `connect-after-rename` after the renames, before the
//! journal says "connected"; `touch-before-rename` edits the first file (as the tool saving it
//! would) just before the renames.

/// The variable the tests set.
const FAULT_ENV: &str = "SWITCHYARD_FAULT";

/// Whether the test asked for the fault at `point`; always false without the feature.
pub(crate) fn injected(point: &str) -> bool {
    cfg!(feature = "fault-injection") && std::env::var(FAULT_ENV).as_deref() == Ok(point)
}
