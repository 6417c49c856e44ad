//! IPC of connecting coding tools and the key sweep.

pub mod commands;
pub mod dto;
