//! IPC of the Team gateway: attaching this desktop to a team replica, and the team's overview.

pub mod commands;
pub mod dto;
