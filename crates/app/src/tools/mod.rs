//! What the core keeps of the coding tools: where they and the user's things are ([`Place`], the
//! user's environment outside files), the file helpers and the lock that connecting (the
//! `switchyard-tools` crate, above the core) and the key sweep share, and the key sweep itself
//! ([`sweep`]), which stays here because a found key is tested through the core's egress gate.
//!
//! Invariant: nothing returned or logged here holds a key or a gateway token.

pub mod files;
mod place;
pub mod sweep;
pub mod user_env;

pub use files::write_atomic;
pub use place::Place;
pub use sweep::KeySweep;
