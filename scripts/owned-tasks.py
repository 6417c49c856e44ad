#!/usr/bin/env python3
"""Every task a Switchyard process spawns has an owner that stops it and waits for it: the
`Supervisor` (crates/app/src/supervisor.rs; the core's loops, the core process's tray and event
loops, the window process's tasks) or a `TaskTracker`. A bare spawn — `tokio::spawn`,
`tauri::async_runtime::spawn`, `std::thread::spawn` — is allowed only where this file names it
with the reason its handle is owned some other way; `./dev test` fails on any other.

Test code (`#[cfg(test)]` modules, `*_tests.rs`, `tests/`), the benches and the mock provider (a
test tool) are not read. A new bare spawn fails the check: spawn through the owner, or add it
here with its reason.
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
SPAWN = re.compile(r"\b(?:tokio::spawn|tokio::task::spawn|async_runtime::spawn|thread::spawn)\s*\(")

# file → (bare spawns allowed, why their handles are owned)
ALLOWED = {
    "crates/gateway/src/serve.rs": (
        2,
        "the gateway's serve task is returned to its owner (`Serving::Task`), and each "
        "connection runs under hyper's graceful shutdown, which the gateway's stop waits for",
    ),
    "crates/gateway/src/serve/threads.rs": (
        2,
        "each worker thread's own runtime: its accept loop ends with the worker's stop token, "
        "and the runtime (and its heartbeat) with the thread, which the gateway joins",
    ),
    "crates/app/src/drills/load.rs": (1, "the load's workers: their handles are joined"),
    "src-tauri/src/window_tasks.rs": (
        1,
        "spawns on Tauri's runtime a future tracked by the window's Supervisor (`track`)",
    ),
    "src-tauri/ipc/src/wire.rs": (
        3,
        "a connection's writer (aborted and awaited when it closes) and a client's writer and "
        "reader (aborted when the client is dropped)",
    ),
    "src-tauri/src/lifecycle.rs": (
        1,
        "the window's exit path: it stops the window's tracked tasks, so it cannot be one",
    ),
    "src-tauri/src/remote.rs": (
        1,
        "reaps the core process it started: a blocking wait that must outlive the window",
    ),
    "src-tauri/tray/src/tray/mod.rs": (
        1,
        "reaps the window process it opened: a blocking wait that must outlive the core",
    ),
}

SKIP_DIRS = ("crates/bench/", "crates/mock/", "/tests/", "/benches/", "/examples/")


def code_of(text):
    test = re.search(r"#\[cfg\(test\)\]\s*(?:#\[[^\]]*\]\s*)*mod\s+\w+\s*\{", text)
    if test:
        text = text[: test.start()]
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', text)


def main():
    counts = {}
    for path in sorted(list(ROOT.glob("crates/*/src/**/*.rs")) + list(ROOT.glob("src-tauri/**/src/**/*.rs"))):
        rel = path.relative_to(ROOT).as_posix()
        if any(d in f"/{rel}" for d in SKIP_DIRS) or rel.endswith("_tests.rs") or rel.endswith("/tests.rs"):
            continue
        n = len(SPAWN.findall(code_of(path.read_text(encoding="utf-8"))))
        if n:
            counts[rel] = n
    bad = []
    for rel, n in counts.items():
        allowed = ALLOWED.get(rel, (0, ""))[0]
        if n > allowed:
            bad.append(f"{rel}: {n} bare spawn(s), {allowed} allowed")
    stale = [rel for rel in ALLOWED if counts.get(rel, 0) < ALLOWED[rel][0]]
    for line in bad:
        print(line)
    for rel in stale:
        print(f"{rel}: allows {ALLOWED[rel][0]} bare spawn(s) but has {counts.get(rel, 0)}: lower it")
    if bad or stale:
        print("spawn through the Supervisor (or a TaskTracker), or name the spawn here with why its "
              "handle is owned", file=sys.stderr)
        sys.exit(1)
    print(f"owned tasks: {sum(counts.values())} bare spawn(s), each owned as scripts/owned-tasks.py says")


if __name__ == "__main__":
    main()
