//! The configuration file from the window: export to a file the user chose, and an import that
//! previews first, then applies with the user's one approval of what it listed.

pub mod commands;
pub mod dto;
