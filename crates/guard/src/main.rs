//! `cargo run -p switchyard-guard`: the structure checks on this workspace, with its rules
//! (`rules.rs`); run by `./dev test`. `--show` prints every finding, allowed ones too.
//! Exit 1 with one line per finding a rule does not allow, or per allowance nothing uses any
//! more (a ratchet only tightens).

#![allow(
    clippy::print_stdout,
    reason = "a report on standard output is this program's job"
)]

mod feature_rules;
mod rules;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use switchyard_guard::{checks, cycles, features, shown, Crate};

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let show = std::env::args().any(|a| a == "--show");
    let mut problems = Vec::new();
    let mut spawns = Vec::new();
    let mut all_cycles = Vec::new();
    let mut refusals = Vec::new();
    manifest_rules(&root, ".", &mut problems);
    for dir in crate_dirs(&root) {
        let rel = dir
            .strip_prefix(&root)
            .unwrap_or(&dir)
            .to_string_lossy()
            .replace('\\', "/");
        let c = match switchyard_guard::read(&dir.join("src")) {
            Ok(c) => c,
            Err(e) => {
                problems.push(format!("{rel}: cannot read: {e}"));
                continue;
            }
        };
        manifest_rules(&root, &rel, &mut problems);
        rules::crate_size(&rel, c.tree.code_lines(), &mut problems, show);
        for s in checks::calls_of(&c, "AppError", "Invalid") {
            refusals.push((rel.clone(), s));
        }
        let graph = c.graph();
        let mut found: Vec<(String, Vec<String>)> = cycles(&graph)
            .into_iter()
            .map(|cy| (rel.clone(), cy.iter().map(|m| shown(m)).collect()))
            .collect();
        // The feature-level view adds only what the module level does not already show.
        let module_level: Vec<Vec<String>> = found.iter().map(|(_, m)| m.clone()).collect();
        found.extend(
            cycles(&features(&graph))
                .into_iter()
                .map(|cy| cy.iter().map(|m| shown(m)).collect::<Vec<String>>())
                .filter(|cy| !module_level.contains(cy))
                .map(|cy| (format!("{rel} (features)"), cy)),
        );
        all_cycles.extend(found);
        if !rel.starts_with("crates/bench") && !rel.starts_with("crates/mock") {
            for s in checks::bare_spawns(&c) {
                spawns.push((format!("{rel}/src/{}", s.file), s));
            }
        }
        if rel == "crates/app" {
            app_rules(&c, &mut problems, show);
        }
    }
    rules::spawns(&spawns, &mut problems, show);
    rules::untyped_refusals(&refusals, &mut problems, show);
    rules::cycles(&all_cycles, &mut problems);
    for p in &problems {
        println!("{p}");
    }
    if problems.is_empty() {
        println!(
            "guard: no module cycle, {} bare spawn(s) each owned, the Store held as listed, \
             the root object named only by the composition root, each crate under its cap \
             (default {}), {} untyped refusal(s), every gated feature turned on only where \
             allowed",
            spawns.len(),
            rules::DEFAULT_CAP,
            refusals.len()
        );
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "guard: {} problem(s); the rules and their reasons: crates/guard/src/rules.rs",
            problems.len()
        );
        ExitCode::FAILURE
    }
}

fn app_rules(c: &Crate, problems: &mut Vec<String>, show: bool) {
    let holders: Vec<String> = checks::field_holders(c, "switchyard_store", "Store")
        .into_iter()
        .map(|s| s.file)
        .collect();
    rules::store_holders(&holders, problems, show);
    let takers: Vec<String> = checks::namers(c, &["service".to_string()], rules::ROOT_OBJECT)
        .iter()
        .map(|m| shown(m))
        .collect();
    rules::root_takers(&takers, problems);
}

/// The manifest rules on `<root>/<rel>/Cargo.toml`.
fn manifest_rules(root: &Path, rel: &str, problems: &mut Vec<String>) {
    match switchyard_guard::manifests::read(&root.join(rel).join("Cargo.toml")) {
        Ok(m) => feature_rules::check(rel, &m, problems),
        Err(e) => problems.push(format!("{rel}/Cargo.toml: cannot read: {e}")),
    }
}

/// Every crate with a `src/`: crates/*, src-tauri and its member crates.
fn crate_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for parent in [root.join("crates"), root.join("src-tauri")] {
        if let Ok(entries) = std::fs::read_dir(&parent) {
            dirs.extend(entries.filter_map(Result::ok).map(|e| e.path()));
        }
    }
    dirs.push(root.join("src-tauri"));
    dirs.retain(|d| d.join("Cargo.toml").exists() && d.join("src").is_dir());
    dirs.sort();
    dirs
}

#[cfg(test)]
mod rules_tests;
