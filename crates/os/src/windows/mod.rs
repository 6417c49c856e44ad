//! Windows FFI through `windows-sys`.
#![allow(unsafe_code)]

mod access;
mod acl;
mod console;
mod sid;
pub(crate) mod user_env;

pub use access::access_of;
pub use acl::restrict_to_user;
pub use console::attach_parent_console;
pub use sid::current_user_sid;
