//! This workspace's rules about its manifests: which crates may turn on which features of the
//! others, which crates only tests may name, and where the Tauri-side crates may appear. Read
//! from the manifests as TOML (`switchyard_guard::manifests`).

use switchyard_guard::manifests::{forwarded, Manifest, Section};

/// feature → (the crates whose normal dependencies may turn it on, why). Anywhere else only a
/// `[dev-dependencies]` entry may: what a test needs never reaches a shipped binary. A crate's
/// own feature may forward it only under the same name (`specta = ["switchyard-domain/specta"]`),
/// so the gate holds however deep the forwarding goes, and no `default` may list it.
const GATED: &[(&str, &[&str], &str)] = &[
    (
        "testing",
        &["crates/bench"],
        "test servers and fixtures: in a shipped binary they would be reachable code with no \
         purpose (the benchmarks, never shipped, start the team's throw-away PostgreSQL and \
         Redis with them)",
    ),
    (
        "fault-injection",
        &[],
        "`SWITCHYARD_FAULT` aborts the process mid-connect: a release build must not read it",
    ),
    (
        "specta",
        &["src-tauri/ipc"],
        "the UI's TypeScript types are derived where each type lives, and only the IPC crate, \
         which exports them, compiles specta: the CLI, the server and the team gateway never do",
    ),
];

/// crate → why only `[dev-dependencies]` may name it (the workspace root only declares it).
const DEV_ONLY: &[(&str, &str)] = &[(
    "switchyard-app-testing",
    "the integration tests' harness of switchyard-app: a core on a temp folder with an in-memory \
     keychain has no place in a shipped binary",
)];

/// Dependencies no crate under `crates/` may have at all: the window's toolkit and its
/// bindings exporter live in `src-tauri/` only (the core crates build and test without them).
const SHELL_ONLY: &[&str] = &["tauri", "tauri-specta", "specta-typescript", "tauri-build"];

/// Checks one manifest; `krate` is its folder (`crates/app`, `src-tauri/ipc`, `.` for the root).
pub fn check(krate: &str, m: &Manifest, problems: &mut Vec<String>) {
    for dep in &m.deps {
        if let Some((_, why)) = DEV_ONLY.iter().find(|(n, _)| *n == dep.name) {
            if dep.section != Section::Dev && krate != "." {
                problems.push(format!(
                    "{krate}/Cargo.toml: depends on `{}` outside [dev-dependencies] ({why})",
                    dep.name
                ));
            }
        }
        for feature in &dep.features {
            let Some((_, allowed, why)) = GATED.iter().find(|(g, ..)| g == feature) else {
                continue;
            };
            if dep.section != Section::Dev && !allowed.contains(&krate) {
                problems.push(format!(
                    "{krate}/Cargo.toml: `{}` turns on its `{feature}` feature outside \
                     [dev-dependencies] ({why})",
                    dep.name
                ));
            }
        }
        if krate.starts_with("crates/") {
            if SHELL_ONLY.contains(&dep.name.as_str()) {
                problems.push(format!(
                    "{krate}/Cargo.toml: depends on `{}`, which only src-tauri/ may",
                    dep.name
                ));
            }
            if dep.name == "specta" && dep.section == Section::Normal && !dep.optional {
                problems.push(format!(
                    "{krate}/Cargo.toml: `specta` must be optional, turned on by the crate's own \
                     `specta` feature"
                ));
            }
        }
    }
    for (name, list) in &m.features {
        for entry in list {
            // `x/f` turns on dependency x's `f`; a bare `f` the crate's own `f` (`dep:x` names a
            // dependency, never a feature).
            let (owner, feature) = forwarded(entry).unwrap_or(("this crate", entry.as_str()));
            if GATED.iter().any(|(g, ..)| *g == feature) && name != feature {
                problems.push(format!(
                    "{krate}/Cargo.toml: feature `{name}` turns on {owner}'s `{feature}`: only \
                     a feature of the same name may (never `default`)"
                ));
            }
        }
    }
}
