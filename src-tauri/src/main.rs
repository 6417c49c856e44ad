//! `switchyard`: the desktop window, and Switchyard's command line. CLI commands (`serve`,
//! `token …`, `statusline`, …) run in the core's binary (`switchyard-tray`, next to this one),
//! which this process becomes through `exec`: the window binary links no gateway, store or CLI,
//! which keeps the open window small.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    switchyard_runtime::paths::private_files();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if switchyard_cli::is_command(&args) {
        return run_cli(&args);
    }
    match switchyard_desktop::run() {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(e) => {
            eprintln!("switchyard: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Becomes `switchyard-tray ARGS…` (same arguments, environment, standard streams and exit
/// code); returns only if that fails.
#[cfg(unix)]
fn run_cli(args: &[String]) -> ExitCode {
    use std::os::unix::process::CommandExt;
    let Some(core) = switchyard_desktop::core_binary() else {
        eprintln!("switchyard: cannot find this program's folder");
        return ExitCode::FAILURE;
    };
    let argv0 = std::env::args()
        .next()
        .unwrap_or_else(|| "switchyard".into());
    let e = std::process::Command::new(&core)
        .arg0(argv0)
        .args(args)
        .exec();
    eprintln!("switchyard: cannot run {}: {e}", core.display());
    ExitCode::FAILURE
}

/// Runs `switchyard-tray.exe ARGS…` on this terminal and exits with its code. A release build of
/// this binary is a window program with no console of its own, so it first attaches to the
/// terminal it was started from (the output then shows there, as a console program's would).
#[cfg(windows)]
fn run_cli(args: &[String]) -> ExitCode {
    switchyard_os::attach_parent_console();
    let Some(core) = switchyard_desktop::core_binary() else {
        eprintln!("switchyard: cannot find this program's folder");
        return ExitCode::FAILURE;
    };
    match std::process::Command::new(&core).args(args).status() {
        Ok(status) => ExitCode::from(
            status
                .code()
                .and_then(|c| u8::try_from(c).ok())
                .unwrap_or(1),
        ),
        Err(e) => {
            eprintln!("switchyard: cannot run {}: {e}", core.display());
            ExitCode::FAILURE
        }
    }
}
