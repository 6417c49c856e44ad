//! IPC of Settings → My machines: what syncs between this user's machines, the database, passes
//! and conflicts.

pub mod commands;
pub mod dto;
