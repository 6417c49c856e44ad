//! IPC of readiness checks, notifications and per-backend monitor settings.

pub mod commands;
pub mod dto;
