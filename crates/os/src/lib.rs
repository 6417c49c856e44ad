//! What only a platform's own API can do, each behind one `cfg` module. Everything else in
//! Switchyard is the same code on every platform; this crate is small on purpose, and it is the
//! only place unsafe code is allowed (Windows FFI, each block with its SAFETY reasoning).

mod env_var;
pub mod login_item;
mod quit;
mod user_env;
#[cfg(windows)]
mod windows;

pub use quit::QuitRequests;
pub use user_env::{remove_user_env_var, set_user_env_var, user_env_vars, EnvVar, USER_ENV_STORE};

#[cfg(windows)]
pub use windows::current_user_sid;
#[cfg(windows)]
pub use windows::{access_of, attach_parent_console, restrict_to_user};
