//! The user's environment kept outside files, where a provider key set once stays for every
//! program the user starts: on Windows `HKCU\Environment` (what "Edit environment variables for
//! your account" and `setx` write), on macOS the launchd session (`launchctl setenv`). Linux has
//! no such place: its environment lives in files (shell profiles), which the sweep reads.
//!
//! Values pass through here and nowhere else: nothing is logged, and errors name the variable
//! only.

pub use crate::env_var::EnvVar;
use std::io;

/// The store's name as the user knows it (`HKCU\Environment`, `launchctl`); `None` where there
/// is none.
pub const USER_ENV_STORE: Option<&str> = if cfg!(windows) {
    Some(r"HKCU\Environment")
} else if cfg!(target_os = "macos") {
    Some("launchctl")
} else {
    None
};

/// The store's variables: on Windows all of them, on macOS those of `names` that are set
/// (launchd lists none), elsewhere none.
pub fn user_env_vars(names: &[&str]) -> io::Result<Vec<EnvVar>> {
    imp::vars(names)
}

/// Removes `name` from the store (and tells running programs, on Windows). Absent is fine.
pub fn remove_user_env_var(name: &str) -> io::Result<()> {
    imp::remove(name)
}

/// Sets `var` in the store.
pub fn set_user_env_var(var: &EnvVar) -> io::Result<()> {
    imp::set(var)
}

#[cfg(windows)]
use crate::windows::user_env as imp;

#[cfg(target_os = "macos")]
mod imp {
    //! launchd's session environment, through `launchctl` (it has no library interface). Setting
    //! a value puts it on `launchctl`'s command line for the moment it runs, as the user's own
    //! `launchctl setenv` did.

    use super::EnvVar;
    use std::io;
    use std::process::{Command, Stdio};

    fn launchctl(args: &[&str]) -> io::Result<String> {
        let out = Command::new("/bin/launchctl")
            .args(args)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()?;
        if !out.status.success() {
            return Err(io::Error::other(format!(
                "launchctl {} failed ({})",
                args.first().copied().unwrap_or_default(),
                out.status
            )));
        }
        String::from_utf8(out.stdout)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "launchctl: not UTF-8"))
    }

    pub fn vars(names: &[&str]) -> io::Result<Vec<EnvVar>> {
        let mut out = Vec::new();
        for name in names {
            let value = launchctl(&["getenv", name])?;
            let value = value.trim_end_matches('\n');
            if !value.is_empty() {
                out.push(EnvVar {
                    name: (*name).to_string(),
                    value: value.to_string(),
                    expand: false,
                });
            }
        }
        Ok(out)
    }

    pub fn remove(name: &str) -> io::Result<()> {
        launchctl(&["unsetenv", name]).map(drop)
    }

    pub fn set(var: &EnvVar) -> io::Result<()> {
        launchctl(&["setenv", &var.name, &var.value]).map(drop)
    }
}

#[cfg(not(any(windows, target_os = "macos")))]
mod imp {
    use super::EnvVar;
    use std::io;

    pub fn vars(_names: &[&str]) -> io::Result<Vec<EnvVar>> {
        Ok(Vec::new())
    }

    pub fn remove(_name: &str) -> io::Result<()> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "this platform keeps no environment outside files",
        ))
    }

    pub fn set(var: &EnvVar) -> io::Result<()> {
        remove(&var.name)
    }
}
