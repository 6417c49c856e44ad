//! IPC of the gateway (status, tokens, requests, settings, limits).

pub mod commands;
pub mod dto;
