//! IPC of backends, keys and key import.

pub mod commands;
pub mod dto;
pub mod forms;
pub mod models;
