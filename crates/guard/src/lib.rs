//! The workspace's structure checks, reading Rust as Rust: each crate's modules parsed by syn
//! (`tree`), what each module names (`refs`: paths, `use`s, calls, macro tokens; strings and
//! comments are not code), the module graph and its cycles (`graph`), the spawn, holder and
//! call-count checks (`checks`), and the manifests read as TOML (`manifests`). `main.rs` holds
//! the rules of this workspace and runs them all.

pub mod checks;
pub mod graph;
pub mod manifests;
pub mod refs;
pub mod tree;

pub use graph::{cycles, features, shown, Crate, Graph};
pub use tree::{CrateTree, ModPath, ReadError};

/// Reads the crate whose `src/` folder is `src`.
pub fn read(src: &std::path::Path) -> Result<Crate, ReadError> {
    CrateTree::read(src).map(Crate::new)
}
