//! A window program's console: a release build of the window binary has none, so its command
//! line borrows the terminal it was started from.

use windows_sys::Win32::System::Console::{AttachConsole, ATTACH_PARENT_PROCESS};

/// Attaches to the console of the process that started this one (a terminal), so standard
/// output and error show there. Does nothing when there is none or one is attached already.
pub fn attach_parent_console() {
    // SAFETY: AttachConsole takes a process id (here the documented ATTACH_PARENT_PROCESS) and
    // touches no memory of ours; failing (no parent console, one already attached) is harmless.
    unsafe { AttachConsole(ATTACH_PARENT_PROCESS) };
}
