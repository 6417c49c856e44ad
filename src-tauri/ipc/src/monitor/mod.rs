//! IPC of the health monitor and alerts.

pub mod commands;
pub mod dto;
