//! IPC of the app itself (info, keychain, settings).

pub mod commands;
pub mod dto;
