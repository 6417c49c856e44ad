//! IPC of the response cache.

pub mod commands;
pub mod dto;
