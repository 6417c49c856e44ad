//! For tests (the `testing` feature): a release server on 127.0.0.1, a raw one that sets its own
//! pace (dripping, held part-way, longer than a cap), and packages signed by the real signer, the
//! Tauri CLI from ui's npm packages (`tauri signer generate` and `sign`, what `tauri build` runs
//! in the release workflow), with a throw-away key each.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::missing_panics_doc,
    reason = "test support: a failure here is the test's"
)]

pub mod raw;
pub mod server;
pub mod signer;

pub use server::Files;
pub use signer::Signer;
