//! IPC of the Team gateway: attaching this desktop to a team replica, and the team's overview;
//! on a replica, its console (`console`).

pub mod commands;
pub mod console;
pub mod dto;
