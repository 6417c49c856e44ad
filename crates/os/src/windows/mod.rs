//! Windows FFI through `windows-sys`.
#![allow(unsafe_code)]

mod sid;

pub use sid::current_user_sid;
