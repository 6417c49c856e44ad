//! Tracing to stderr and to a daily-rotated file in the data folder (7 files kept).
//! Keys never reach a log: they are `Secret`s (which print `***`) and auth headers are marked
//! sensitive before any HTTP library sees them.

use std::path::Path;
pub use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

/// Default filter when `RUST_LOG` is not set.
pub const DEFAULT_FILTER: &str = "info,switchyard=debug";

/// Installs the global subscriber. Keep the guard alive for the life of the process: dropping it
/// flushes the file writer.
pub fn init(log_dir: &Path) -> Result<WorkerGuard, String> {
    init_with(log_dir, false)
}

/// Like [`init`]; `quiet` limits stderr to warnings (short CLI commands), the file keeps all.
pub fn init_with(log_dir: &Path, quiet: bool) -> Result<WorkerGuard, String> {
    let file = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("switchyard")
        .filename_suffix("log")
        .max_log_files(7)
        .build(log_dir)
        .map_err(|e| format!("cannot open the log folder {}: {e}", log_dir.display()))?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter =
        || EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let stderr_filter = if quiet && std::env::var_os("RUST_LOG").is_none() {
        EnvFilter::new("warn")
    } else {
        filter()
    };
    tracing_subscriber::registry()
        .with(
            fmt::layer()
                .with_writer(std::io::stderr)
                .with_filter(stderr_filter),
        )
        .with(
            fmt::layer()
                .with_ansi(false)
                .with_writer(writer)
                .with_filter(filter()),
        )
        .try_init()
        .map_err(|e| format!("logging already initialised: {e}"))?;
    Ok(guard)
}
