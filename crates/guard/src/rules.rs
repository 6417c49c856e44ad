//! This workspace's rules: which findings are allowed, and why. Every allowance is exact (a
//! count, a list) so that it can only tighten: one that nothing uses any more is a problem too.

/// The root object's types (defined in `crates/app/src/service`).
pub const ROOT_OBJECT: &[&str] = &["Switchyard", "WeakSwitchyard"];

/// file → (bare spawns allowed, why their handles are owned anyway).
const SPAWNS: &[(&str, usize, &str)] = &[
    (
        "crates/gateway/src/serve.rs",
        1,
        "the gateway's serve task is returned to its owner (`Serving::Task`); its connections \
         run under a TaskTracker, which the gateway's stop waits for",
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
        "crates/update/src/testing/raw.rs",
        2,
        "the tests' raw HTTP server that drips, holds or overruns (the `testing` feature only): \
         its accept loop and each answer live as long as the test's runtime, which ends them",
    ),
    (
        "crates/update/src/testing/server.rs",
        1,
        "the tests' release server (the `testing` feature only): it lives as long as the test's \
         runtime, which ends it",
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
const STORE_HOLDERS: &[(&str, &str)] = &[(
    "service/mod.rs",
    "the composition root: it hands each feature its handles",
)];

/// The most lines of non-test Rust one crate may have: past it, a crate is doing several jobs
/// and the compiler no longer keeps their walls (issue 54 split the core along its seams).
pub const MAX_CRATE_LINES: usize = 16_000;

pub fn crate_size(krate: &str, lines: usize, problems: &mut Vec<String>, show: bool) {
    if lines > MAX_CRATE_LINES {
        problems.push(format!(
            "{krate}: {lines} lines of non-test Rust, over the {MAX_CRATE_LINES} a crate may \
             have: move a feature along its seam into a crate of its own"
        ));
    } else if show {
        println!("{krate}: {lines} lines of non-test Rust");
    }
}

fn key(krate: &str, members: &[String]) -> String {
    format!("{krate}: {}", members.join(" <-> "))
}

/// Every cycle found in the workspace (crate, members) is a problem: none is allowed.
pub fn cycles(found: &[(String, Vec<String>)], problems: &mut Vec<String>) {
    for (krate, members) in found {
        problems.push(format!(
            "module cycle: {} (break it by moving what both sides need into its own module, \
             or by passing it in)",
            key(krate, members)
        ));
    }
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

/// Modules of crates/app outside the composition root (`service`) that name the root object:
/// each is a problem (a feature gets what it needs through its constructor).
pub fn root_takers(found: &[String], problems: &mut Vec<String>) {
    for m in found {
        problems.push(format!(
            "crates/app {m}: names the root object `Switchyard`: take what it needs through \
             its constructor (a feature never reaches the root's insides)"
        ));
    }
}
