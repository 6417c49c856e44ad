//! Every place the workspace's own code builds an outbound client or opens a connection, read
//! from the source (issue 53): each must be in [`REVIEWED`], with what it carries and what
//! approves where it goes, and appear there exactly as often as listed. A new HTTP, database or
//! Redis client fails this test, naming its file and line, until it is reviewed and listed (or it
//! goes through a reviewed one: `HttpClients`, `probe::http_client`, `TeamDb`). A site marked
//! `direct` talks to this machine only and must never use a proxy (`.no_proxy()` within a few
//! lines): a system proxy would be handed what it carries. Tests, `crates/bench` and the
//! `testing`-feature helpers are not scanned; `#[cfg(test)]` items inside a file are skipped.

use std::path::{Path, PathBuf};

/// The text that builds a client or opens a connection.
const PATTERNS: &[&str] = &[
    "Client::new(",
    "Client::builder(",
    "ClientBuilder::new(",
    "reqwest::get(",
    "reqwest::blocking",
    "HttpClients::build(",
    ".for_url(",
    "HttpConnector::new(",
    "TeamDb::connect",
    "tokio_postgres::connect(",
    "Manager::from_config(",
    "Client::open(",
    "Stream::connect(",
    "TcpSocket::new(",
    "connect_async(",
    "Connection::session(",
    "Connection::system(",
];

/// Not scanned: test-only code outside `tests/` (behind the `testing` feature, or the harness
/// crate that only dev-dependencies name).
const NOT_SCANNED: &[&str] = &[
    "crates/team/src/testing.rs",
    "crates/team/src/bin/",
    "crates/app-testing/",
];

struct Site {
    path: &'static str,
    pattern: &'static str,
    count: usize,
    /// Talks to this machine only: must never go through a proxy.
    direct: bool,
    /// What it carries, to where, and what approves that destination.
    why: &'static str,
}

const fn site(path: &'static str, pattern: &'static str, count: usize, why: &'static str) -> Site {
    Site {
        path,
        pattern,
        count,
        direct: false,
        why,
    }
}

const fn direct(path: &'static str, pattern: &'static str, why: &'static str) -> Site {
    Site {
        path,
        pattern,
        count: 1,
        direct: true,
        why,
    }
}

const REVIEWED: &[Site] = &[
    site("crates/gateway/src/http.rs", "Client::builder(", 2,
        "HttpClients: a proxied client and a direct one for loopback hosts; carries what its users attach"),
    site("crates/gateway/src/lib.rs", "HttpClients::build(", 1,
        "gateway upstreams, no redirects: provider keys only of the routing table, which app/gateway.rs fills with keys approved_for the backend's base URL"),
    site("crates/gateway/src/outbound.rs", "HttpConnector::new(", 1,
        "gateway: hyper client for plain-http loopback upstreams only (Address::local); same keys as above"),
    site("crates/gateway/src/outbound.rs", "Client::builder(", 1,
        "gateway: the same hyper client's pool"),
    site("crates/gateway/src/hop.rs", "HttpClients::build(", 1,
        "bench-proxy's bare hop, not in the product: forwards the bench's requests to the upstream on its command line"),
    direct("crates/notify/src/webhook.rs", "Client::builder(",
        "alert webhook: its URL (the secret, from the keychain) to itself only, https or loopback http (validate_webhook_url), no redirects; loopback never via a proxy"),
    site("crates/reconcile/src/lib.rs", "Client::builder(", 1,
        "the providers' books (issue 75): an admin key, cleared for its backend's origin, through switchyard_books' one GET (key_header); no redirects, an answer from another origin not read"),
    site("crates/release/src/fetch.rs", "Client::builder(", 1,
        "updates: the release manifest and its package, no secret, from the project's releases or the source the user set (Settings, --from); https, or plain http to loopback only, every redirect checked (fetch::allowed)"),
    site("crates/notify/src/desktop.rs", "Connection::session(", 1,
        "this user's D-Bus session bus: notification text, no secret"),
    site("crates/team/src/bus.rs", "Client::open(", 1,
        "team Redis pub/sub: the Redis address from --redis / SWITCHYARD_TEAM_REDIS_URL / an approved [team] import, its password from credentials (a file, the environment, the keychain entry of that very server; never an argument)"),
    site("crates/team/src/link.rs", "Client::open(", 1,
        "team Redis commands: the same URL as the bus"),
    site("crates/team/src/db.rs", "Manager::from_config(", 2,
        "team/My machines database pool: the URL's password to the host the caller was given (below); TLS verified with sslmode=require"),
    site("crates/app/src/team/mod.rs", "TeamDb::connect", 1,
        "replica start: TeamOptions (flag or env, or the [team] section a user-approved import saved)"),
    site("crates/cli/src/team_login.rs", "TeamDb::connect", 1,
        "`team login`: the password typed on stdin, tried on the server it will be kept for (flag, env or approved [team])"),
    site("crates/cli/src/reconcile.rs", "TeamDb::connect", 1,
        "`reconcile` beside a team: TeamOptions (the team's ledger, read only)"),
    site("crates/cli/src/requests.rs", "TeamDb::connect", 1,
        "`requests --team`: TeamOptions"),
    site("crates/cli/src/team_config.rs", "TeamDb::connect", 2,
        "team configuration commands: TeamOptions"),
    site("crates/app/src/sync/service.rs", "TeamDb::connect", 2,
        "My machines: the database URL the user typed (tried before the keychain keeps it), or the kept one"),
    site("crates/gateway/src/probe/mod.rs", "HttpClients::build(", 1,
        "the app's check client (5 s connect, no redirects): readiness, key tests, monitor, catalogue, team link"),
    site("crates/gateway/src/probe/mod.rs", ".for_url(", 3,
        "probes: a key only after approved_for (backends/keys.rs, monitor/prober.rs) or, found in a tool's file, to its kind's official host or a backend the user picked or already trusts (backends::home_for_found_key)"),
    site("crates/gateway/src/probe/models.rs", ".for_url(", 1,
        "model lists: the key Catalogue::key_for picks, approved_for the backend's base URL"),
    site("crates/readiness/src/system.rs", ".for_url(", 1,
        "readiness Host-guard check: no secret, to the gateway on 127.0.0.1"),
    site("crates/app/src/team/attach.rs", ".for_url(", 1,
        "Team gateway link: the admin token (keychain) to the replica the user attached, https or loopback http (checked_url), no redirects"),
    site("crates/app/src/costs/price_sync.rs", "Client::builder(", 1,
        "price sync: no secret, from the URL the user gave"),
    direct("crates/interfaces/src/mcp/views.rs", "Client::builder(",
        "MCP ask: the caller's gateway token to this process's gateway on 127.0.0.1"),
    direct("crates/drills/src/load.rs", "Client::builder(",
        "drills' shadow_client: the shadow gateway's token to the shadow on 127.0.0.1 (every drill)"),
    site("src-tauri/channel/src/lib.rs", "Stream::connect(", 3,
        "window ↔ core: the local socket / named pipe of this user's data folder, no network"),
    site("crates/gateway/src/presence.rs", "Stream::connect(", 1,
        "the gateway's proof of identity: a random nonce to 127.0.0.1 (the port the data folder's record names); carries no secret, reads a bounded answer"),
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn is_test_file(rel: &str) -> bool {
    let stem = rel.rsplit('/').next().unwrap_or("").trim_end_matches(".rs");
    rel.split('/').any(|part| part == "tests")
        || stem == "tests"
        || stem == "proptests"
        || stem == "test_support"
        || stem.ends_with("_tests")
        || stem.starts_with("tests_")
}

fn rust_files(dir: &Path, root: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let rel = p
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let name = p.file_name().unwrap().to_string_lossy();
        if p.is_dir() {
            if !matches!(&*name, "target" | "node_modules" | "gen") && rel != "crates/bench" {
                rust_files(&p, root, out);
            }
        } else if name.ends_with(".rs")
            && !is_test_file(&rel)
            && !NOT_SCANNED.iter().any(|n| rel.starts_with(n))
        {
            out.push(rel);
        }
    }
}

/// `{` minus `}` on a line, outside string and char literals.
fn depth_change(line: &str) -> i64 {
    let (mut d, mut in_str, mut chars) = (0, false, line.chars().peekable());
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_str => {
                chars.next();
            }
            '"' => in_str = !in_str,
            '\'' if !in_str => {
                // A char literal ('{', '\'') is skipped whole; a lifetime is not a literal.
                let rest: String = chars.clone().take(3).collect();
                if rest.chars().nth(1) == Some('\'') || rest.starts_with('\\') {
                    while let Some(n) = chars.next() {
                        if n == '\\' {
                            chars.next();
                        } else if n == '\'' {
                            break;
                        }
                    }
                }
            }
            '{' if !in_str => d += 1,
            '}' if !in_str => d -= 1,
            _ => {}
        }
    }
    d
}

/// The code lines of a file, numbered from 1: comment lines and `#[cfg(test)]` items dropped.
fn code_lines(text: &str) -> Vec<(usize, &str)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trim();
        if t == "#[cfg(test)]" {
            // Skip its other attributes, then the item: to its `;` or its balanced block.
            i += 1;
            while i < lines.len() && lines[i].trim().starts_with("#[") {
                i += 1;
            }
            let mut depth = 0;
            while i < lines.len() {
                depth += depth_change(lines[i]);
                let t = lines[i].trim();
                i += 1;
                if depth <= 0 && (t.ends_with(';') || t.ends_with('}')) {
                    break;
                }
            }
            continue;
        }
        if !t.starts_with("//") {
            out.push((i + 1, lines[i]));
        }
        i += 1;
    }
    out
}

/// Every (file, line, pattern, next lines) of [`PATTERNS`] in the scanned sources.
fn found() -> Vec<(String, usize, &'static str, Vec<String>)> {
    scan(PATTERNS)
}

/// Every (file, line, pattern, next lines) of `patterns` in the scanned sources: the workspace's
/// product code, without tests, comments and `#[cfg(test)]` items.
pub(crate) fn scan(patterns: &[&'static str]) -> Vec<(String, usize, &'static str, Vec<String>)> {
    let root = workspace();
    let mut files = Vec::new();
    for top in ["crates", "src-tauri"] {
        rust_files(&root.join(top), &root, &mut files);
    }
    assert!(
        files.len() > 100,
        "the scan found too few files: {}",
        files.len()
    );
    files.sort();
    let mut hits = Vec::new();
    for rel in files {
        let text = std::fs::read_to_string(root.join(&rel)).unwrap();
        let code = code_lines(&text);
        for (k, (n, line)) in code.iter().enumerate() {
            for p in patterns {
                for _ in line.match_indices(p) {
                    let after = code[k..]
                        .iter()
                        .take(6)
                        .map(|(_, l)| l.to_string())
                        .collect();
                    hits.push((rel.clone(), *n, *p, after));
                }
            }
        }
    }
    hits
}

#[test]
fn every_outbound_client_is_a_reviewed_site() {
    let hits = found();
    let mut problems = Vec::new();
    for (path, line, pattern, after) in &hits {
        match REVIEWED
            .iter()
            .find(|s| s.path == path && s.pattern == *pattern)
        {
            None => problems.push(format!(
                "{path}:{line}: `{pattern}` is not a reviewed site: say in REVIEWED what it \
                 carries and what approves its destination, or use a reviewed client"
            )),
            Some(s) if s.direct && !after.iter().any(|l| l.contains("no_proxy()")) => problems
                .push(format!(
                    "{path}:{line}: `{pattern}` talks to this machine only and must not use a \
                     proxy: add `.no_proxy()`"
                )),
            Some(_) => {}
        }
    }
    for s in REVIEWED {
        assert!(!s.why.trim().is_empty(), "{}: give the reason", s.path);
        let lines: Vec<usize> = hits
            .iter()
            .filter(|(p, _, pat, _)| p == s.path && *pat == s.pattern)
            .map(|(_, n, _, _)| *n)
            .collect();
        if lines.len() != s.count {
            problems.push(format!(
                "{}: `{}` {} time(s) (lines {lines:?}), reviewed {}: review the change and \
                 update REVIEWED",
                s.path,
                s.pattern,
                lines.len(),
                s.count
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn test_code_and_comments_are_not_sites() {
    let text = "fn a() {}\n// reqwest::Client::new()\n#[cfg(test)]\nmod tests {\n    \
                fn b() { let s = \"}\"; let c = '{'; reqwest::Client::new(); }\n}\n\
                fn c() { reqwest::Client::new(); }\n";
    let lines: Vec<usize> = code_lines(text)
        .into_iter()
        .filter(|(_, l)| l.contains("Client::new("))
        .map(|(n, _)| n)
        .collect();
    assert_eq!(lines, vec![7]);
    assert!(is_test_file("crates/store/src/tests_key_hosts.rs"));
    assert!(is_test_file("crates/cli/src/requests_tests.rs"));
    assert!(!is_test_file("crates/gateway/src/probe/mod.rs"));
}
