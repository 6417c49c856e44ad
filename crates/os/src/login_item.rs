//! Start at login: the operating system's own login entry for the desktop app, in each
//! platform's idiom — an XDG autostart `.desktop` file on Linux, a value under
//! `HKCU\Software\Microsoft\Windows\CurrentVersion\Run` on Windows (this user only), a launch
//! agent on macOS — through `auto-launch`. The entry starts the window's binary with
//! [`HIDDEN_ARG`]: the core and its tray icon, no window.
//!
//! The core process owns it (the window asks it, and so does `switchyard start-at-login`), so
//! one piece of code writes the entry on every platform, and the Windows one runs under Wine in
//! the tests.

use auto_launch::{AutoLaunch, AutoLaunchBuilder};
use std::path::{Path, PathBuf};

/// The entry's name (the `.desktop` file's, the Run value's, the launch agent's).
pub const APP_NAME: &str = "Switchyard";
/// What the entry passes: start in the tray, without a window.
pub const HIDDEN_ARG: &str = "--hidden";
/// The window's binary, installed next to the core's.
const WINDOW_BINARY: &str = if cfg!(windows) {
    "switchyard.exe"
} else {
    "switchyard"
};

/// `window` as the entry's command line names it. The Run value and the `.desktop` file's `Exec`
/// are command lines: a path with a space (`C:\Program Files\…`, `C:\Users\Zoë Ångström\…`)
/// must be quoted, or Windows would try `C:\Program.exe` first. (A launch agent lists the path
/// as one plist string: never quoted.)
fn command_path(window: &Path) -> String {
    let path = window.display().to_string();
    let quote = cfg!(windows) || (cfg!(target_os = "linux") && path.contains(char::is_whitespace));
    if quote {
        format!("\"{path}\"")
    } else {
        path
    }
}

/// The desktop app's login entry.
pub struct LoginItem {
    entry: AutoLaunch,
    window: PathBuf,
}

/// Why the entry could not be read or changed.
#[derive(Debug)]
pub enum LoginError {
    /// The platform refused (its own words).
    Failed(String),
    /// No desktop app (`binary`) installed next to this program (`beside`).
    NoDesktopApp {
        binary: &'static str,
        beside: String,
    },
}

fn failed(verb: &str, e: impl std::fmt::Display) -> LoginError {
    tracing::warn!(error = %e, verb, "the login entry could not be changed");
    LoginError::Failed(format!("Could not {verb} start at login: {e}"))
}

impl LoginItem {
    /// The entry that starts `window` (the desktop app's binary) in the tray.
    pub fn for_window(window: &Path) -> Result<LoginItem, LoginError> {
        let entry = AutoLaunchBuilder::new()
            .set_app_name(APP_NAME)
            .set_app_path(&command_path(window))
            .set_args(&[HIDDEN_ARG])
            .set_windows_enable_mode(auto_launch::WindowsEnableMode::CurrentUser)
            .set_macos_launch_mode(auto_launch::MacOSLaunchMode::LaunchAgent)
            .build()
            .map_err(|e| failed("set up", e))?;
        Ok(LoginItem {
            entry,
            window: window.to_path_buf(),
        })
    }

    /// The entry for the desktop app this program belongs to: the window's binary next to this
    /// one (or, on Linux, the AppImage this runs from). A program installed without the window
    /// (`switchyard-serve`) has nothing to start at login: a clear error says so.
    pub fn of_this_install() -> Result<LoginItem, LoginError> {
        #[cfg(target_os = "linux")]
        if let Some(appimage) = std::env::var_os("APPIMAGE").filter(|p| !p.is_empty()) {
            return LoginItem::for_window(Path::new(&appimage));
        }
        let exe = std::env::current_exe().map_err(|e| failed("find", e))?;
        let window = exe
            .parent()
            .map(|dir| dir.join(WINDOW_BINARY))
            .filter(|w| w.is_file())
            .ok_or_else(|| LoginError::NoDesktopApp {
                binary: WINDOW_BINARY,
                beside: exe.display().to_string(),
            })?;
        LoginItem::for_window(&window)
    }

    /// The program the entry starts.
    pub fn window(&self) -> &Path {
        &self.window
    }

    /// Adds (or rewrites, so it names this install) or removes the entry.
    pub fn set(&self, on: bool) -> Result<(), LoginError> {
        if on {
            self.entry.enable().map_err(|e| failed("turn on", e))
        } else if self.is_on()? {
            self.entry.disable().map_err(|e| failed("turn off", e))
        } else {
            Ok(())
        }
    }

    /// Whether the entry is there.
    pub fn is_on(&self) -> Result<bool, LoginError> {
        self.entry.is_enabled().map_err(|e| failed("check", e))
    }
}
