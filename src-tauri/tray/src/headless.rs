//! `switchyard serve --ui`: this core process without a tray icon, serving the control panel to
//! a browser beside the gateway (`switchyard-panel`). It is the same core process the window
//! talks to, over the same local socket, so a window opened on this machine and the panel are
//! two clients of one core and see the same state at once.

use std::process::ExitCode;
use switchyard_app::Switchyard;
use switchyard_cli::ServeArgs;
use switchyard_ipc::IpcError;
use switchyard_panel::Panel;

/// How this core process was started.
pub enum Launch {
    /// By the window or at login: the tray icon; the panel while the `servePanel` setting is on.
    Desktop { panel: Panel },
    /// `switchyard serve --ui`: no tray icon, the panel served; the address printed.
    Serve { args: ServeArgs, panel: Panel },
}

impl Launch {
    pub fn desktop() -> Launch {
        Launch::Desktop {
            panel: Panel::by_setting(),
        }
    }

    /// The panel this process mounts.
    pub fn panel(&self) -> &Panel {
        match self {
            Launch::Desktop { panel } | Launch::Serve { panel, .. } => panel,
        }
    }
}

/// Why `serve --ui` did not start: the data folder's core already runs.
pub const ALREADY_RUNNING: &str = "Switchyard already runs on this data folder (the desktop app, or another `serve --ui`): quit it first, then serve the panel from here.";

/// Runs `serve --ui` until SIGINT or SIGTERM; exit 1 with the reason when it cannot.
pub fn main(args: ServeArgs) -> ExitCode {
    let launch = Launch::Serve {
        args,
        panel: Panel::new(),
    };
    match crate::run(launch) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("switchyard: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints where the gateway and the panel are, and how to sign in; the core's failure to start
/// is the error.
#[allow(clippy::print_stdout, reason = "the command line's own output")]
pub fn announce(core: &Result<Switchyard, IpcError>) -> Result<(), String> {
    let app = core.as_ref().map_err(|e| e.message.clone())?;
    let addr = app
        .gateway_addr()
        .map_err(|e| format!("the gateway could not start: {e}"))?;
    let https = app.gateway_https();
    let also = if https {
        " (and https://, same port)"
    } else {
        ""
    };
    println!("Switchyard gateway listening on http://{addr}{also}");
    println!("  OpenAI-shaped:    base_url = http://{addr}/v1");
    println!("  Anthropic-shaped: base_url = http://{addr}");
    println!("  Gemini-shaped:    base_url = http://{addr}");
    let port = addr.port();
    println!("  control panel:    http://127.0.0.1:{port}/panel/");
    println!("    sign in with a panel token: switchyard token create NAME --panel");
    match (!addr.ip().is_loopback(), https) {
        (true, true) => println!(
            "    other machines: https://THIS-MACHINE:{port}/panel/ (the name the certificate is for)"
        ),
        (true, false) => println!(
            "    other machines get it only over HTTPS (--tls-cert FILE --tls-key FILE), or through ssh -L {port}:127.0.0.1:{port} HOST"
        ),
        (false, true) => println!(
            "    HTTPS is on, but only this machine can connect: other machines need allowNonLoopback (Gateway settings, or [gateway] in a configuration file)"
        ),
        (false, false) => {}
    }
    println!("  data: {}", app.paths().data_dir.display());
    if app.team().is_some() {
        println!("  team: the team's tokens accepted, requests in its ledger, limits shared");
    }
    Ok(())
}
