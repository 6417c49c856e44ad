//! Windows FFI through `windows-sys`.
#![allow(unsafe_code)]

mod console;
mod sid;

pub use console::attach_parent_console;
pub use sid::current_user_sid;
