//! What every command shares: where it reads and writes ([`Io`]), opening the core the way the
//! desktop app does, finding a backend by name, and how an error is printed. The command files
//! depend on this, never on each other.

use std::process::ExitCode;
use std::sync::Arc;
use switchyard_app::secrets::KeychainStore;
use switchyard_app::{AppError, BackendView, Options, Switchyard};
use switchyard_domain::{Issue, Severity, Validation};
use switchyard_runtime::logging;
use switchyard_runtime::paths::{keyring_service_from_env, AppPaths};
use switchyard_secrets::SecretString;

/// Where a command reads and writes: the process's streams, or buffers in tests.
pub struct Io<'a> {
    pub stdin: &'a mut dyn std::io::BufRead,
    pub stdout: &'a mut dyn std::io::Write,
    pub stderr: &'a mut dyn std::io::Write,
}

impl Io<'_> {
    /// Writes `text` to stdout: exit 0, or 1 when stdout is gone.
    pub(crate) fn out(&mut self, text: &str) -> u8 {
        match self.stdout.write_all(text.as_bytes()) {
            Ok(()) => 0,
            Err(_) => 1,
        }
    }

    /// `switchyard: MESSAGE` on stderr: exit 1.
    pub(crate) fn refuse(&mut self, message: &str) -> u8 {
        let _ = writeln!(self.stderr, "switchyard: {message}");
        1
    }

    /// Prints a service error (its issues by field, or its message and a keychain's hint):
    /// exit 1.
    pub(crate) fn report(&mut self, e: &AppError) -> u8 {
        match e {
            AppError::Validation(v) => self.issues(v),
            AppError::Keychain(k) => {
                let _ = writeln!(self.stderr, "switchyard: {k}\n  hint: {}", k.fix_hint());
            }
            other => {
                let _ = writeln!(self.stderr, "switchyard: {other}");
            }
        }
        1
    }

    /// `switchyard: warning: keyValue: …` per issue (field ids as in the UI's IPC).
    pub(crate) fn issues(&mut self, v: &Validation) {
        for issue in &v.issues {
            let _ = writeln!(self.stderr, "{}", issue_line(issue));
        }
    }

    /// Text or a service error, as a command's exit code.
    pub(crate) fn finish(&mut self, done: Result<String, AppError>) -> u8 {
        match done {
            Ok(text) => self.out(&text),
            Err(e) => self.report(&e),
        }
    }
}

/// An issue as one line: severity, field and message, never the fix (it can echo input).
pub fn issue_line(issue: &Issue) -> String {
    let field = serde_json::to_value(issue.field)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let severity = match issue.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    format!("switchyard: {severity}: {field}: {}", issue.message)
}

/// `switchyard: MESSAGE` on stderr, exit 1 (the process's own streams).
pub(crate) fn fail(msg: &str) -> ExitCode {
    eprintln!("switchyard: {msg}");
    ExitCode::FAILURE
}

/// Reads one line and trims it, in place: the only copy of the key moves into the secret, which
/// wipes it on drop (the buffer is sized so that a key never makes it grow and move).
pub(crate) fn read_key(stdin: &mut dyn std::io::BufRead) -> std::io::Result<SecretString> {
    let mut line = String::with_capacity(4096);
    if let Err(e) = stdin.read_line(&mut line) {
        drop(SecretString::from(line));
        return Err(e);
    }
    let end = line.trim_end().len();
    line.truncate(end);
    let start = line.len() - line.trim_start().len();
    line.drain(..start);
    Ok(SecretString::from(line))
}

/// A command that opens its own core was given an open one (only the test seam can).
pub(crate) fn own_core(io: &mut Io<'_>, name: &str) -> u8 {
    let _ = writeln!(
        io.stderr,
        "switchyard: `{name}` runs in a process of its own, from the shell"
    );
    2
}

/// Opens the core like the desktop app does; `gateway` binds the gateway port.
pub(crate) async fn open(
    gateway: Option<switchyard_app::GatewayConfig>,
    port_fixed: bool,
    monitor: bool,
) -> Result<(Switchyard, Option<switchyard_runtime::logging::WorkerGuard>), String> {
    let saved = gateway.is_some();
    open_with(gateway, port_fixed, monitor, saved, None).await
}

/// As [`open`]; `saved_settings` applies the saved gateway settings to `gateway` (off for a
/// process's private loopback gateway, such as `switchyard mcp`'s); `team` makes a team replica.
pub(crate) async fn open_with(
    gateway: Option<switchyard_app::GatewayConfig>,
    port_fixed: bool,
    monitor: bool,
    saved_settings: bool,
    team: Option<switchyard_app::team::Team>,
) -> Result<(Switchyard, Option<switchyard_runtime::logging::WorkerGuard>), String> {
    let quiet = gateway.is_none();
    let paths = AppPaths::from_env_created()?;
    let guard = logging::init_with(&paths.log_dir, quiet).ok();
    let secrets = Arc::new(KeychainStore::platform(keyring_service_from_env()));
    let mut opts = Options::new(paths, secrets);
    opts.use_saved_gateway_settings = saved_settings && gateway.is_some();
    opts.gateway_port_fixed = port_fixed;
    // `serve`, the one command serving with the monitor, serves the user's gateway; `check`'s
    // and `mcp`'s are private.
    opts.publish_gateway = monitor && opts.use_saved_gateway_settings;
    // Only `serve` watches backends; one-shot commands never probe anything.
    opts.monitor = monitor;
    // A gateway serves /metrics, /mcp and, on a team replica, the team API beside its own routes.
    if gateway.is_some() {
        opts.mounted = Some(switchyard_interfaces::mount());
    }
    opts.gateway = gateway;
    opts.team = team;
    let app = Switchyard::start(opts).await.map_err(|e| e.to_string())?;
    switchyard_tools::Tools::repair_at_start(&app).await;
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
pub(crate) fn pretty(v: &impl serde::Serialize) -> String {
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
