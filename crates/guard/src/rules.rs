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
        "crates/release/src/testing/raw.rs",
        2,
        "the tests' raw HTTP server that drips, holds or overruns (the `testing` feature only): \
         its accept loop and each answer live as long as the test's runtime, which ends them",
    ),
    (
        "crates/release/src/testing/server.rs",
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
pub const DEFAULT_CAP: usize = 15_000;

/// crate → (its own cap, why). Each is at most [`CAP_SLACK`] above the crate's lines, so a cap
/// follows a crate down and never waits above it for the next review (issue 72).
const CAPS: &[(&str, usize, &str)] = &[(
    "src-tauri/ipc",
    4_500,
    "the commands, the input forms and the views that add to a domain type (masks, labels, \
         pretty JSON); every other UI type is derived where it lives (issue 72)",
)];

/// How far above a crate's lines its own cap may stay.
pub const CAP_SLACK: usize = 1_000;

/// `krate`'s cap, and whether it is its own (listed in [`CAPS`]).
pub fn cap(krate: &str) -> (usize, bool) {
    CAPS.iter()
        .find(|(k, ..)| *k == krate)
        .map_or((DEFAULT_CAP, false), |(_, cap, _)| (*cap, true))
}

pub fn crate_size(krate: &str, lines: usize, problems: &mut Vec<String>, show: bool) {
    let (cap, own) = cap(krate);
    if lines > cap {
        problems.push(format!(
            "{krate}: {lines} lines of non-test Rust, over the {cap} it may have: move a feature \
             along its seam into a crate of its own"
        ));
    } else if own && lines + CAP_SLACK < cap {
        problems.push(format!(
            "{krate}: {lines} lines of non-test Rust, more than {CAP_SLACK} under its cap of \
             {cap} in CAPS: lower the cap to what it has now"
        ));
    } else if show {
        println!("{krate}: {lines} lines of non-test Rust (cap {cap})");
    }
}

/// How many `AppError::Invalid(String)` refusals the non-test code may build, and why each
/// stays untyped: a team database's refusal and the alert engine's (their own words), a found
/// key for a backend of another kind, a key test of a backend with none, and the CLI's failed
/// key test and unknown backend. Exact, so it
/// only tightens: a refusal the UI or a script must tell apart gets a typed variant instead.
pub const UNTYPED_REFUSALS: usize = 6;

pub fn untyped_refusals(
    found: &[(String, crate::checks::Site)],
    problems: &mut Vec<String>,
    show: bool,
) {
    let n = found.len();
    if n > UNTYPED_REFUSALS {
        for (krate, s) in found {
            problems.push(format!(
                "untyped refusal: {krate}/src/{}:{} builds `AppError::Invalid` ({n} in all, \
                 {UNTYPED_REFUSALS} allowed): give the refusal a typed variant or field issue",
                s.file, s.line
            ));
        }
    } else if n < UNTYPED_REFUSALS {
        problems.push(format!(
            "UNTYPED_REFUSALS allows {UNTYPED_REFUSALS} `AppError::Invalid` refusals but the \
             code builds {n}: lower it"
        ));
    } else if show {
        println!("{n} untyped refusal(s) (`AppError::Invalid`), as allowed");
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
