//! The user's environment kept outside files (`HKCU\Environment` on Windows, launchd's on macOS)
//! as the sweep reads and edits it. A trait so the app's tests can give a store of their own on
//! Linux, which has none; the real ones are `switchyard_os`'s, run under Wine in `./dev
//! platforms` and only type-checked for macOS.

use std::io;
pub use switchyard_os::EnvVar;

pub trait UserEnv: Send + Sync {
    /// The store's name as the user knows it; `None` where the platform has none.
    fn name(&self) -> Option<&str>;
    /// Its variables (a store that cannot list them is asked for `names`).
    fn vars(&self, names: &[&str]) -> io::Result<Vec<EnvVar>>;
    /// Removes `name`; absent is fine.
    fn remove(&self, name: &str) -> io::Result<()>;
    fn set(&self, var: &EnvVar) -> io::Result<()>;
}

/// This platform's store.
pub struct OsUserEnv;

impl UserEnv for OsUserEnv {
    fn name(&self) -> Option<&str> {
        switchyard_os::USER_ENV_STORE
    }

    fn vars(&self, names: &[&str]) -> io::Result<Vec<EnvVar>> {
        switchyard_os::user_env_vars(names)
    }

    fn remove(&self, name: &str) -> io::Result<()> {
        switchyard_os::remove_user_env_var(name)
    }

    fn set(&self, var: &EnvVar) -> io::Result<()> {
        switchyard_os::set_user_env_var(var)
    }
}
