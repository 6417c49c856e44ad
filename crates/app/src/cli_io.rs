//! What every CLI command shares: where it reads and writes ([`Io`]), and opening the core the
//! way the desktop app does. The command modules (`cli_*`) depend on this, never on `cli`.

use crate::paths::{keyring_service_from_env, AppPaths};
use crate::secrets::KeychainStore;
use crate::{logging, AppError, BackendView, Options, Switchyard};
use std::sync::Arc;

/// Where a command reads and writes: the process's streams, or buffers in tests.
pub struct Io<'a> {
    pub stdin: &'a mut dyn std::io::BufRead,
    pub stdout: &'a mut dyn std::io::Write,
    pub stderr: &'a mut dyn std::io::Write,
}

/// Opens the core like the desktop app does; `with_gateway` binds the gateway port.
pub(crate) async fn open(
    gateway: Option<crate::GatewayConfig>,
    port_fixed: bool,
    monitor: bool,
) -> Result<
    (
        Switchyard,
        Option<tracing_appender::non_blocking::WorkerGuard>,
    ),
    String,
> {
    let saved = gateway.is_some();
    open_with(gateway, port_fixed, monitor, saved).await
}

/// As [`open`]; `saved_settings` applies the saved gateway settings to `gateway` (off for a
/// process's private loopback gateway, such as `switchyard mcp`'s).
pub(crate) async fn open_with(
    gateway: Option<crate::GatewayConfig>,
    port_fixed: bool,
    monitor: bool,
    saved_settings: bool,
) -> Result<
    (
        Switchyard,
        Option<tracing_appender::non_blocking::WorkerGuard>,
    ),
    String,
> {
    let quiet = gateway.is_none();
    let paths = AppPaths::from_env().ok_or("cannot find a home folder; set SWITCHYARD_DATA_DIR")?;
    paths
        .create()
        .map_err(|e| format!("cannot create {}: {e}", paths.data_dir.display()))?;
    let guard = logging::init_with(&paths.log_dir, quiet).ok();
    let secrets = Arc::new(KeychainStore::platform(keyring_service_from_env()));
    let mut opts = Options::new(paths, secrets);
    opts.use_saved_gateway_settings = saved_settings && gateway.is_some();
    opts.gateway_port_fixed = port_fixed;
    // Only `serve` watches backends; one-shot commands never probe anything.
    opts.monitor = monitor;
    opts.gateway = gateway;
    let app = Switchyard::start(opts).await.map_err(|e| e.to_string())?;
    Ok((app, guard))
}

/// A backend by name (exact, then case-insensitive) or id.
pub(crate) async fn find(app: &Switchyard, name: &str) -> Result<BackendView, AppError> {
    let list = app.backends().list().await?;
    let found = list
        .iter()
        .find(|b| b.row.name == name || b.row.id == name)
        .or_else(|| list.iter().find(|b| b.row.name.eq_ignore_ascii_case(name)))
        .cloned();
    found.ok_or_else(|| {
        let names: Vec<&str> = list.iter().map(|b| b.row.name.as_str()).collect();
        AppError::Invalid(format!(
            "There is no backend “{name}”; there are: {}.",
            names.join(", ")
        ))
    })
}

/// A JSON value as `--json` prints it: pretty, with a final newline.
pub(crate) fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

/// Rows as aligned columns: every cell but the last padded to its column's widest, two spaces
/// between, one line per row.
pub(crate) fn aligned<const N: usize>(rows: &[[String; N]]) -> String {
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            if i + 1 == N {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<w$}  "));
            }
        }
        out.push('\n');
    }
    out
}
