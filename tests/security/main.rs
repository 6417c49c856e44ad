//! The security suite (issue 16): a real `switchyard-serve` process per test, its own data
//! folder and keychain service name, probed over real sockets — raw TCP where a well-behaved
//! client would not send what an attacker sends. Run by the README's test command (it is a test
//! target of `switchyard-app`, so `cargo test --workspace` builds the binary it starts).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

mod args;
mod harness;
mod stdin;

#[path = "bodies.rs"]
mod bodies;
#[path = "canary.rs"]
mod canary;
#[path = "caps.rs"]
mod caps;
// A connected tool's token as a neighbour captures it (issue 70): Unix (HOME).
#[cfg(unix)]
#[path = "captured.rs"]
mod captured;
#[path = "echo.rs"]
mod echo;
#[path = "env_keys.rs"]
mod env_keys;
// File modes: Unix. On Windows the data folder's ACL is checked by the Wine suite.
#[cfg(unix)]
#[path = "files.rs"]
mod files;
#[path = "holding.rs"]
mod holding;
#[path = "host.rs"]
mod host;
#[path = "keyhosts.rs"]
mod keyhosts;
#[path = "live_drill.rs"]
mod live_drill;
#[path = "metrics.rs"]
mod metrics;
// Another account on the machine (issue 70): loopback ports, /proc; Unix.
#[cfg(unix)]
#[path = "neighbour.rs"]
mod neighbour;
#[path = "slow.rs"]
mod slow;
// A throw-away PostgreSQL (switchyard_team::testing): Unix.
#[cfg(unix)]
#[path = "sync_seal.rs"]
mod sync_seal;
// A throw-away PostgreSQL: Unix.
#[cfg(unix)]
#[path = "sync_replay.rs"]
mod sync_replay;
#[path = "team_file.rs"]
mod team_file;
#[cfg(unix)]
#[path = "team_tombstone.rs"]
mod team_tombstone;
#[path = "tokens.rs"]
mod tokens;
