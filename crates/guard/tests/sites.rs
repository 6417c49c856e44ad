//! The reviewed sites of the workspace's product code, read from the source (issue 53): every
//! outbound client or connection (`egress_sites`) and every place a secret's value is read or a
//! provider key cleared for the network (`secret_sites`). Text scans of `crates/` and
//! `src-tauri/` that need nothing built, so they live with the other structure checks.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

#[path = "sites/egress_sites.rs"]
mod egress_sites;
#[path = "sites/secret_sites.rs"]
mod secret_sites;
