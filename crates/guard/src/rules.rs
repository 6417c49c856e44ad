//! This workspace's rules: which findings are allowed, and why. Every allowance is exact (a
//! count, a list) so that it can only tighten: one that nothing uses any more is a problem too.

use std::collections::BTreeSet;

/// The root object's types (defined in `crates/app/src/service`).
pub const ROOT_OBJECT: &[&str] = &["Switchyard", "WeakSwitchyard"];

/// Cycles still to be broken (crate, sorted members joined by ` <-> `). May only shrink. Both
/// are the root object taken back (see `ROOT_TAKERS`): the composition root builds these
/// features and they name `Switchyard` again. They go as `MachineSync` and `config_file` get
/// their handles through constructors.
const KNOWN_CYCLES: &[(&str, &str)] = &[
    (
        "crates/app",
        "config_file <-> config_file::check <-> config_file::import <-> readiness <-> service <-> sync <-> sync::local <-> sync::pass <-> sync::service <-> team",
    ),
    (
        "crates/app (features)",
        "config_file <-> readiness <-> service <-> sync <-> team <-> tools",
    ),
];

/// file → (bare spawns allowed, why their handles are owned anyway).
const SPAWNS: &[(&str, usize, &str)] = &[
    (
        "crates/gateway/src/serve.rs",
        2,
        "the gateway's serve task is returned to its owner (`Serving::Task`), and each \
         connection runs under hyper's graceful shutdown, which the gateway's stop waits for",
    ),
    (
        "crates/gateway/src/serve/threads.rs",
        2,
        "each worker thread's own runtime: its accept loop ends with the worker's stop token, \
         and the runtime (and its heartbeat) with the thread, which the gateway joins",
    ),
    (
        "crates/team/src/bus.rs",
        1,
        "the Redis listener: its handle is kept in `Listener`, which aborts it when the last \
         clone of the bus is dropped",
    ),
    (
        "src-tauri/src/window_tasks.rs",
        1,
        "spawns on Tauri's runtime a future tracked by the window's Supervisor (`track`)",
    ),
    (
        "src-tauri/ipc/src/wire.rs",
        3,
        "a connection's writer (aborted and awaited when it closes) and a client's writer and \
         reader (aborted when the client is dropped)",
    ),
    (
        "src-tauri/src/lifecycle.rs",
        1,
        "the window's exit path: it stops the window's tracked tasks, so it cannot be one",
    ),
    (
        "src-tauri/src/remote.rs",
        1,
        "reaps the core process it started: a blocking wait that must outlive the window",
    ),
    (
        "src-tauri/tray/src/tray/mod.rs",
        1,
        "reaps the window process it opened: a blocking wait that must outlive the core",
    ),
];

/// Files of crates/app whose structs hold the whole `Store` (everyone else gets its table
/// handles through its constructor), and why.
const STORE_HOLDERS: &[(&str, &str)] = &[
    (
        "service/mod.rs",
        "the composition root: it hands each feature its handles",
    ),
    (
        "readiness/mod.rs",
        "its checks are of the database itself (integrity, schema version)",
    ),
];

/// Modules of crates/app, outside the composition root, that still name the root object
/// (`Switchyard`) instead of getting what they need through their constructor. May only shrink.
const ROOT_TAKERS: &[&str] = &[
    "config_file",
    "config_file::check",
    "config_file::import",
    "sync",
    "sync::local",
    "sync::pass",
    "sync::service",
    "team",
];

fn key(krate: &str, members: &[String]) -> String {
    format!("{krate}: {}", members.join(" <-> "))
}

/// Every cycle found in the workspace (crate, members) against `KNOWN_CYCLES`: a new one is a
/// problem, and so is a known one no longer found (the ratchet tightens).
pub fn cycles(found: &[(String, Vec<String>)], problems: &mut Vec<String>, show: bool) {
    let found: BTreeSet<String> = found.iter().map(|(c, m)| key(c, m)).collect();
    let known: BTreeSet<String> = KNOWN_CYCLES
        .iter()
        .map(|(c, m)| format!("{c}: {m}"))
        .collect();
    for k in found.difference(&known) {
        problems.push(format!(
            "module cycle: {k} (break it by moving what both sides need into its own module, \
             or by passing it in)"
        ));
    }
    for k in known.difference(&found) {
        problems.push(format!(
            "known cycle is gone: remove it from KNOWN_CYCLES: {k}"
        ));
    }
    if show {
        for k in found.intersection(&known) {
            println!("known cycle: {k}");
        }
    }
}

/// How many cycles are still allowed.
pub fn known_cycles() -> usize {
    KNOWN_CYCLES.len()
}

pub fn spawns(found: &[(String, crate::checks::Site)], problems: &mut Vec<String>, show: bool) {
    let mut files: Vec<&str> = found.iter().map(|(f, _)| f.as_str()).collect();
    files.dedup();
    for file in &files {
        let n = found.iter().filter(|(f, _)| f == file).count();
        let allowed = SPAWNS
            .iter()
            .find(|(f, ..)| f == file)
            .map_or(0, |(_, n, _)| *n);
        if n > allowed {
            for (_, s) in found.iter().filter(|(f, _)| f == file) {
                problems.push(format!(
                    "bare spawn: {file}:{} {} ({allowed} allowed here): spawn through the \
                     Supervisor, a TaskTracker or a JoinSet, or add it to SPAWNS with why its \
                     handle is owned",
                    s.line, s.what
                ));
            }
        } else if show {
            println!("{file}: {n} bare spawn(s), allowed");
        }
    }
    for (file, n, _) in SPAWNS {
        let have = found.iter().filter(|(f, _)| f == file).count();
        if have < *n {
            problems.push(format!(
                "{file}: SPAWNS allows {n} bare spawn(s) but it has {have}: lower it"
            ));
        }
    }
}

pub fn store_holders(found: &[String], problems: &mut Vec<String>, show: bool) {
    for f in found {
        if STORE_HOLDERS.iter().any(|(a, _)| a == f) {
            if show {
                println!("crates/app/src/{f}: holds the whole Store (allowed)");
            }
        } else {
            problems.push(format!(
                "crates/app/src/{f}: holds the whole Store: take the table handles it needs \
                 (`Store::backends()`, …) in its constructor instead"
            ));
        }
    }
    for (f, _) in STORE_HOLDERS {
        if !found.iter().any(|x| x == f) {
            problems.push(format!(
                "crates/app/src/{f}: no longer holds the Store: remove it from STORE_HOLDERS"
            ));
        }
    }
}

pub fn root_takers(found: &[String], problems: &mut Vec<String>, show: bool) {
    for m in found {
        if ROOT_TAKERS.contains(&m.as_str()) {
            if show {
                println!("crates/app {m}: names the root object (known)");
            }
        } else {
            problems.push(format!(
                "crates/app {m}: names the root object `Switchyard`: take what it needs through \
                 its constructor (a feature never reaches the root's insides)"
            ));
        }
    }
    for m in ROOT_TAKERS {
        if !found.iter().any(|x| x == m) {
            problems.push(format!(
                "crates/app {m}: no longer names the root object: remove it from ROOT_TAKERS"
            ));
        }
    }
}
