//! What every Switchyard process stands on, below the app and beside the shell: where its files
//! live ([`paths`]), a file replaced whole so a crash leaves the old one or the new ([`atomic`]),
//! its log files ([`logging`]), and the [`Supervisor`] that owns its background tasks. None of it
//! knows a feature; the app, the CLI, the tray and the window use it directly.

pub mod atomic;
pub mod logging;
pub mod paths;
mod supervisor;

pub use atomic::FileError;
pub use supervisor::Supervisor;
