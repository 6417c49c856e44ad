//! IPC of routes and the gateway's live health.

pub mod commands;
pub mod dto;
