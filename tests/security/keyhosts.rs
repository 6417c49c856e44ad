//! Issue 40: a stored key goes only to a host the user approved for it. A configuration file
//! that moves a keyed backend to another server is refused until the user approves the move
//! (`config import --approve-hosts`); a base URL changed behind Switchyard's back gets no key;
//! the user's own `backend edit` is their approval and says so. A recording server stands in
//! for the host a hostile file names: it notes every key it is sent, by the gateway or a probe.

use crate::args::add_main_args;
use crate::harness::{client, read_request, Serve};
use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};

const KEY: &str = "sk-HOSTBOUNDh0stb0undH0STB0UND4242";

/// An OpenAI-compatible server on 127.0.0.1 that records the key of every request it gets.
struct Recorder {
    addr: SocketAddr,
    keys: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    fn start() -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let keys = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&keys);
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let seen = Arc::clone(&seen);
                std::thread::spawn(move || {
                    let asked = read_request(&conn);
                    seen.lock().unwrap().push(asked.key.clone());
                    let body = if asked.get {
                        r#"{"object":"list","data":[{"id":"m","object":"model"}]}"#.to_string()
                    } else {
                        r#"{"id":"r","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}"#.to_string()
                    };
                    let mut conn = conn;
                    let _ = write!(
                        conn,
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                });
            }
        });
        Recorder { addr, keys }
    }

    fn base(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// How many requests arrived carrying the stored key.
    fn got_key(&self) -> usize {
        self.keys
            .lock()
            .unwrap()
            .iter()
            .filter(|k| *k == KEY)
            .count()
    }
}

/// A gateway with backend "Main" (its key in the keychain) on `home`, and a token.
fn keyed_backend(home: &Recorder) -> (Serve, String) {
    let s = Serve::start();
    let base = home.base();
    s.cli_with_input(
        &[&add_main_args(&base)[..], &["--key-stdin"]].concat(),
        &format!("{KEY}\n"),
    );
    let token = s.token("keyhosts");
    (s, token)
}

fn ask(s: &Serve, token: &str) -> reqwest::blocking::Response {
    let body =
        serde_json::json!({"model": "Main/m", "messages": [{"role": "user", "content": "hi"}]});
    s.post_until_routed(&client(), token, &body)
}

#[test]
fn an_imported_file_cannot_send_a_stored_key_to_another_host() {
    let (home, elsewhere) = (Recorder::start(), Recorder::start());
    let (s, token) = keyed_backend(&home);
    assert_eq!(ask(&s, &token).status(), 200);
    assert!(home.got_key() >= 1, "the approved host gets the key");

    let exported = s.cli(&["config", "export"]);
    let hostile = exported.replace(&home.base(), &elsewhere.base());
    assert_ne!(hostile, exported, "the export names the backend's base URL");
    let file = s.data.path().join("from-a-stranger.toml");
    std::fs::write(&file, hostile).unwrap();
    let path = file.to_str().unwrap();

    let dry = s.cli_output(&["config", "import", path, "--dry-run"]);
    let said = String::from_utf8_lossy(&dry.stderr);
    assert!(
        dry.status.success(),
        "a dry run lists, it does not refuse: {said}"
    );
    let (from, to) = (
        format!("http://{}", home.addr),
        format!("http://{}", elsewhere.addr),
    );
    assert!(
        said.contains(&format!("backend Main: {from} → {to}")) && said.contains("--approve-hosts"),
        "the dry run names the move, old → new, and the flag it needs: {said}"
    );

    let refused = s.cli_output(&["config", "import", path]);
    let said = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "refused: {said}");
    assert!(
        said.contains(&format!("{from} → {to}"))
            && said.contains("--approve-hosts")
            && said.contains("nothing was changed"),
        "the refusal names old and new host and the flag: {said}"
    );
    for _ in 0..3 {
        assert_eq!(
            ask(&s, &token).status(),
            200,
            "the backend still works where it was"
        );
    }
    assert_eq!(
        elsewhere.got_key(),
        0,
        "the key never reached the file's host"
    );

    let approved = s.cli_output(&["config", "import", path, "--approve-hosts"]);
    assert!(
        approved.status.success(),
        "{}",
        String::from_utf8_lossy(&approved.stderr)
    );
    // The gateway hears of the change within a second.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while elsewhere.got_key() == 0 && std::time::Instant::now() < deadline {
        assert_eq!(ask(&s, &token).status(), 200);
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert!(
        elsewhere.got_key() >= 1,
        "with the user's approval the key goes to the new host (so the refusal above was the approval missing)"
    );
}

#[test]
fn a_host_changed_behind_switchyards_back_gets_no_key_until_the_user_edits_it() {
    let (home, elsewhere) = (Recorder::start(), Recorder::start());
    let (s, token) = keyed_backend(&home);
    assert_eq!(ask(&s, &token).status(), 200);
    // Another program rewrites the base URL in the database (not through Switchyard).
    let db = rusqlite::Connection::open(s.data.path().join("switchyard.sqlite")).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    db.execute(
        "UPDATE backends SET base_url = ?1 WHERE name = 'Main'",
        [elsewhere.base()],
    )
    .unwrap();
    drop(db);
    // The gateway notices another connection's commit within a second (the outside-change
    // watch) and rebuilds its table; until then it may still use the old URL.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let token2 = token;
    let resp = ask(&s, &token2);
    let status = resp.status();
    let body = resp.text().unwrap();
    assert!(
        !status.is_success(),
        "no approved key for the new host: {status} {body}"
    );
    assert!(
        body.contains("not approved for"),
        "the answer says why: {body}"
    );
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(
        elsewhere.got_key(),
        0,
        "neither the gateway nor a probe sent the key"
    );

    // The CLI asks as the import does: listed, refused without --approve-hosts.
    let dry = s.cli(&[
        "backend",
        "edit",
        "Main",
        "--base-url",
        &elsewhere.base(),
        "--dry-run",
    ]);
    assert!(
        dry.contains("needs --approve-hosts") && dry.contains("backend Main: "),
        "{dry}"
    );
    let refused = s.cli_output(&["backend", "edit", "Main", "--base-url", &elsewhere.base()]);
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && said.contains("--approve-hosts"),
        "an edit that sends keys to a new host asks first: {said}"
    );
    let out = s.cli(&[
        "backend",
        "edit",
        "Main",
        "--base-url",
        &elsewhere.base(),
        "--approve-hosts",
    ]);
    assert!(
        out.contains("will now be sent to") && out.contains("(approved)"),
        "the user's approval is said back: {out}"
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while elsewhere.got_key() == 0 && std::time::Instant::now() < deadline {
        let _ = ask(&s, &token2);
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert!(
        elsewhere.got_key() >= 1,
        "after the user's edit the key goes there"
    );
}

#[test]
fn an_untrusted_file_with_other_schemes_or_enormous_values_is_refused_whole() {
    let s = Serve::start();
    let before = s.cli(&["config", "export"]);
    let file = s.data.path().join("untrusted.toml");
    let path = file.to_str().unwrap().to_string();
    let entry = |url: &str| {
        format!("version = 1\n[[backend]]\nname = \"X\"\nkind = \"openai-compatible\"\nbaseUrl = \"{url}\"\ndefaultModel = \"m\"\n")
    };
    let long_name = "n".repeat(100_000);
    for (what, text) in [
        ("file: URL", entry("file:///etc/passwd")),
        ("ftp URL", entry("ftp://example.com/v1")),
        ("javascript: URL", entry("javascript:alert(1)")),
        ("unix socket URL", entry("unix:///run/docker.sock")),
        (
            "a 100k-character URL",
            entry(&format!("https://example.com/{}", "a".repeat(100_000))),
        ),
        (
            "a 100k-character name",
            entry("https://example.com/v1")
                .replace("name = \"X\"", &format!("name = \"{long_name}\"")),
        ),
        (
            "a 100k-character model",
            entry("https://example.com/v1").replace(
                "defaultModel = \"m\"",
                &format!("defaultModel = \"{long_name}\""),
            ),
        ),
        (
            "a number past u32",
            entry("https://example.com/v1") + "maxInFlight = 99999999999999999999\n",
        ),
    ] {
        std::fs::write(&file, text).unwrap();
        let out = s.cli_output(&["config", "import", &path]);
        let said = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{what} must be refused: {said}");
        assert!(
            said.len() < 4096,
            "{what}: the refusal does not echo the whole value back"
        );
    }
    std::fs::write(&file, "#".repeat(2 << 20)).unwrap();
    let out = s.cli_output(&["config", "import", &path]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "a 2 MiB file: {said}");
    assert!(said.contains("over 1 MiB"), "says why: {said}");
    assert_eq!(s.cli(&["config", "export"]), before, "nothing was changed");
    // The gateway is still up.
    let token = s.token("still-up");
    let resp = client()
        .get(s.url("/v1/models"))
        .bearer_auth(token)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
}
