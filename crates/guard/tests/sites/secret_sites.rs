//! Every place product code reads a secret's value, or clears a provider key for the network
//! (issue 53). A `SecretString` hides its value; `.expose()` is the only way to it, so this list
//! is every use of a key, token, password or space key in the clear. A provider key reaches a
//! request only through `switchyard_gateway::key_header`, which takes a `Cleared` key: made by
//! `Cleared::check` from the origins the user approved for it, at the sites listed in
//! [`CLEARED`]. A new `.expose()`, `Cleared::check(` (or `Cleared::approval(`) or `key_header(`
//! fails this test, naming its file and line, until it is reviewed here with what the value is
//! used for.
//! A team server's address reaches `TeamDb`, `Bus` and `Link` only as a
//! `switchyard_team::ServerAddress`, which says where the user gave it, made at the sites in
//! [`TEAM_SERVERS`] (its password never from a command line: `switchyard_team::credentials`).
//! The scan (and what it skips) is `egress_sites::scan`.

use super::egress_sites::scan;

/// (file, times, what the value is used for).
type Sites = &'static [(&'static str, usize, &'static str)];

const EXPOSED: Sites = &[
    ("crates/secrets/src/store.rs", 6, "the keychain: written, split into parts, joined"),
    ("crates/gateway/src/egress.rs", 3, "the gate: a cleared key into its sensitive header"),
    ("crates/gateway/src/scrub.rs", 4, "an echoed key replaced by its hint in what came back"),
    ("crates/gateway/src/socket/mod.rs", 1, "a WebSocket session's gateway token checked again (memory) before each turn and while idle; never sent or stored"),
    ("crates/app/src/backends/write.rs", 2, "keychain write and masked hint of a new backend's key"),
    ("crates/app/src/backends/keys.rs", 4, "masked hint; validated (length, shape), never sent; the keychain round trip (readiness) compares the value read back with the one written"),
    ("crates/app/src/backends/import.rs", 6, "compared with stored keys; shape checked; stored in the keychain"),
    ("crates/cli/src/key.rs", 1, "an empty key refused"),
    ("crates/reconcile/src/admin.rs", 1, "a new admin key: an empty one refused, its masked hint, into the keychain"),
    ("crates/cli/src/sync.rs", 2, "an empty URL refused; `sync key` prints the space key the user asked for"),
    ("crates/cli/src/token.rs", 1, "a new gateway token printed once to the user who made it"),
    ("crates/app/src/team/attach.rs", 2, "admin token: empty refused; bearer to the attached replica (checked_url, no redirects)"),
    ("crates/app/src/monitor/webhooks.rs", 2, "the webhook URL is its own destination: validated (https or loopback), then the notifier"),
    ("crates/team/src/synced/seal.rs", 2, "space key: parsed; the HMAC key"),
    ("crates/team/src/address.rs", 2, "a team server's password given apart from its address (file, environment, keychain), into the parsed PostgreSQL / Redis settings of that address"),
    ("crates/app/src/sync/service.rs", 7, "My machines: the database URL the user typed, to TeamDb::connect; a new space key shown once"),
    ("crates/tools/src/journal.rs", 1, "the tool journal kept in the keychain, parsed"),
    ("crates/app/src/tools/files.rs", 1, "a found key masked in a file preview"),
    ("crates/tools/src/lib.rs", 1, "a tool's gateway token written into the tool's config (the user's connect)"),
    ("crates/app/src/tools/sweep/mod.rs", 3, "found key compared with stored ones; restored into its file on undo"),
    ("crates/app/src/tools/sweep/moves.rs", 2, "compared with what the keychain holds"),
    ("crates/app/src/tools/sweep/env.rs", 3, "compared with the environment file's value; restored on undo"),
    ("crates/interfaces/src/mcp/views.rs", 1, "the caller's gateway token to this process's gateway on 127.0.0.1"),
    ("crates/drills/src/ratelimit.rs", 1, "a made-up key for a drill's mock"),
    ("crates/drills/src/shadow.rs", 1, "the shadow gateway's token, to the shadow on 127.0.0.1"),
    ("src-tauri/ipc/src/backends/commands.rs", 1, "reveal: the user's explicit, time-limited show"),
    ("src-tauri/ipc/src/gateway/dto.rs", 1, "a new gateway token shown once"),
    ("src-tauri/ipc/src/sync/commands.rs", 1, "reveal of the space key the user asked for"),
    ("src-tauri/panel/src/api.rs", 1, "a browser panel session's token checked as the gateway checks tokens (memory, then the token table); never sent or stored"),
];

/// Where a provider key is cleared for the network, and against what.
const CLEARED: Sites = &[
    ("crates/gateway/src/attempt.rs", 1, "cleared_key, for each attempt and token count: the key's approved origins (routing table) against that address, before the key is read"),
    ("crates/app/src/egress.rs", 2, "stored keys (row hosts vs backend URL, unread if unapproved); found keys for the address shown"),
    ("crates/app/src/monitor/prober.rs", 1, "monitor probes: the key row's hosts against the backend's URL"),
    ("crates/gateway/src/sign_in.rs", 1, "a tool's own plan sign-in, from its request only, against its token's plan host (the plan candidate's address)"),
    ("crates/reconcile/src/read.rs", 2, "an organization admin key (issue 75), against the one origin stored with it (its backend's when added), before it is read; an OpenRouter backend's own keys read with themselves (GET /key), each against its row's approved hosts vs the backend's URL as egress::stored does, unread if unapproved"),
];

/// The one function that puts a provider key into a request, and its callers.
const HEADER: Sites = &[
    ("crates/gateway/src/egress.rs", 1, "its definition"),
    ("crates/gateway/src/upstream.rs", 1, "gateway requests"),
    (
        "crates/gateway/src/probe/mod.rs",
        1,
        "probes, key tests, model lists",
    ),
    (
        "crates/gateway/src/sign_in.rs",
        1,
        "a tool's own plan sign-in, in the style it came in, to its plan's host",
    ),
    (
        "crates/books/src/http.rs",
        1,
        "the providers' books (issue 75): an admin / management key, cleared by the caller for \
         the provider's address, on each GET to that provider's usage, cost and key-list \
         endpoints; a redirect's answer from another origin is not read",
    ),
];

/// Where a team server's address (the database's password, a Redis's credentials inside it) is
/// given a provenance: `switchyard_team::ServerAddress`, the only thing its clients take.
const TEAM_SERVERS: Sites = &[
    (
        "crates/team/src/credentials.rs",
        2,
        "credentials::resolve (the CLI's team_servers: the flag, else the environment, else the \
         approved import's [team]; a flag holding a password refused) and credentials::typed \
         (`team login` tries a typed password before the keychain keeps it)",
    ),
    (
        "crates/app/src/sync/service.rs",
        2,
        "My machines: the address the user typed, then the keychain's copy of it",
    ),
];

fn check(pattern: &'static str, reviewed: Sites) -> Vec<String> {
    check_any(&[pattern], reviewed)
}

/// As [`check`], for several spellings of one site (counted together).
fn check_any(patterns: &[&'static str], reviewed: Sites) -> Vec<String> {
    let pattern = patterns.join("` or `");
    let hits = scan(patterns);
    let mut problems = Vec::new();
    for (path, line, _, _) in &hits {
        if !reviewed.iter().any(|(p, _, _)| p == path) {
            problems.push(format!(
                "{path}:{line}: `{pattern}` is not reviewed: say what the secret is used for, \
                 or take a provider key through the gate (`Cleared`, `key_header`)"
            ));
        }
    }
    for (path, count, why) in reviewed {
        assert!(!why.trim().is_empty(), "{path}: give the reason");
        let lines: Vec<usize> = hits
            .iter()
            .filter(|(p, ..)| p == path)
            .map(|(_, n, ..)| *n)
            .collect();
        if lines.len() != *count {
            problems.push(format!(
                "{path}: `{pattern}` {} time(s) (lines {lines:?}), reviewed {count}: review the \
                 change and update the list",
                lines.len()
            ));
        }
    }
    problems
}

#[test]
fn every_use_of_a_secrets_value_is_reviewed() {
    let problems = check(".expose()", EXPOSED);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn provider_keys_are_cleared_and_sent_only_at_reviewed_sites() {
    let mut problems = check_any(&["Cleared::check(", "Cleared::approval("], CLEARED);
    problems.extend(check("key_header(", HEADER));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn team_servers_are_given_only_where_the_user_gives_them() {
    let problems = check("ServerAddress::given(", TEAM_SERVERS);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
