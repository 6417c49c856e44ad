//! `switchyard update check | apply` as a user runs it, through the real binary, against a
//! release server on 127.0.0.1 whose packages are signed by the real Tauri signer with a key
//! that is not this build's release key: a newer release is announced (exit 100, with its
//! notes), and installing it is refused, as a forged release must be, with nothing installed;
//! an older release is refused by name, an equal one is "up to date", and so is one that differs
//! only in build metadata; plain HTTP to another machine is refused before anything is read; a
//! manifest's notes and values reach the terminal without a control character or escape
//! sequence.

use std::process::{Command, Output};
use switchyard_app_testing::process::text;
use switchyard_release::testing::{server, Files, Signer};

const PACKAGE: &[u8] = b"switchyard 9.0.0, signed by someone else\n";

fn update(args: &[&str]) -> Output {
    let data = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_switchyard-serve"))
        .arg("update")
        .args(args)
        .env("SWITCHYARD_DATA_DIR", data.path())
        .env_remove("APPIMAGE")
        .output()
        .unwrap()
}

/// A release server announcing `version` for every Linux x86_64 install.
async fn release(version: &str) -> String {
    release_with(version, "Routes learn from latency.").await
}

/// A release server announcing `version` with `notes`, its package named as a release names it.
async fn release_with(version: &str, notes: &str) -> String {
    let signer = Signer::new();
    let files = Files::default();
    let origin = server::start(files.clone()).await;
    let name = format!("switchyard_{version}_amd64.AppImage");
    let signature = signer.sign(&name, PACKAGE, Some(version));
    files.put(&name, PACKAGE);
    let manifest = serde_json::json!({
        "version": version,
        "notes": notes,
        "platforms": {
            "linux-x86_64": { "url": format!("{origin}/{name}"), "signature": signature }
        }
    });
    files.put("latest.json", manifest.to_string());
    format!("{origin}/latest.json")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_newer_release_is_announced_and_a_package_not_signed_with_the_release_key_is_refused() {
    let latest = release("9.0.0").await;
    let checked = update(&["check", "--from", &latest]);
    assert_eq!(checked.status.code(), Some(100), "{}", text(&checked));
    let said = text(&checked);
    assert!(
        said.contains("Switchyard 9.0.0 is available")
            && said.contains("Routes learn from latency."),
        "{said}"
    );
    let json = update(&["check", "--from", &latest, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        (v["available"].as_bool(), v["latest"].as_str()),
        (Some(true), Some("9.0.0"))
    );

    let applied = update(&["apply", "--from", &latest]);
    assert_eq!(applied.status.code(), Some(1), "{}", text(&applied));
    let said = text(&applied);
    assert!(
        said.contains("does not carry a valid signature of Switchyard's release key")
            && said.contains("It was not installed"),
        "a package signed by another key is refused, by name: {said}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_older_release_is_refused_and_an_equal_one_is_up_to_date() {
    let older = release("0.0.1").await;
    let applied = update(&["apply", "--from", &older]);
    assert_eq!(applied.status.code(), Some(1), "{}", text(&applied));
    assert!(
        text(&applied).contains("Version 0.0.1 is not newer than this one"),
        "{}",
        text(&applied)
    );
    let checked = update(&["check", "--from", &older]);
    assert_eq!(checked.status.code(), Some(0), "{}", text(&checked));
    let same = release(env!("CARGO_PKG_VERSION")).await;
    let applied = update(&["apply", "--from", &same]);
    assert_eq!(applied.status.code(), Some(0), "{}", text(&applied));
    assert!(
        text(&applied).contains("is up to date"),
        "{}",
        text(&applied)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_release_that_differs_only_in_build_metadata_is_not_an_update() {
    let evil = release(&format!("{}+evil", env!("CARGO_PKG_VERSION"))).await;
    for command in ["check", "apply"] {
        let out = update(&[command, "--from", &evil]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{command}: the same version with other build metadata is no update: {}",
            text(&out)
        );
        assert!(text(&out).contains("is up to date"), "{}", text(&out));
    }
}

/// Bytes a terminal takes as commands (C0 but newline and tab, DEL, C1 in UTF-8) or that
/// reorder a line (bidi embeddings, overrides and isolates in UTF-8).
fn hostile_bytes(out: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(out);
    text.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n' && c != '\t')
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        })
        .map(|c| format!("{c:?}"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn release_notes_reach_the_terminal_without_control_characters() {
    let notes = "\u{1b}[2J\u{1b}[31mRed\u{1b}[0m alert\r\n\u{1b}]0;pwned\u{7}Title\tkept\u{9b}31m \u{202e}desrever\u{202c}\u{7}";
    let latest = release_with("9.0.0", notes).await;
    let checked = update(&["check", "--from", &latest]);
    assert_eq!(checked.status.code(), Some(100), "{}", text(&checked));
    assert_eq!(
        hostile_bytes(&checked.stdout),
        Vec::<String>::new(),
        "no escape sequence, control character or bidi override reaches the terminal: {:?}",
        text(&checked)
    );
    assert!(
        text(&checked).contains("Red alert\nTitle\tkept desrever"),
        "the notes' text is shown: {:?}",
        text(&checked)
    );
    let json = update(&["check", "--from", &latest, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let shown = v["notes"].as_str().unwrap();
    assert_eq!(
        hostile_bytes(shown.as_bytes()),
        Vec::<String>::new(),
        "nor to a script reading --json: {shown:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manifest_quoted_in_an_error_reaches_the_terminal_without_control_characters() {
    let files = Files::default();
    let origin = server::start(files.clone()).await;
    let manifest = serde_json::json!({
        "version": "\u{1b}]0;pwned\u{7}\u{1b}[2J9.0.0",
        "platforms": { "linux-x86_64": { "url": "not\u{1b}[2J a url", "signature": "c2ln" } }
    });
    files.put("latest.json", manifest.to_string());
    let out = update(&["check", "--from", &format!("{origin}/latest.json")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("is not valid"), "{}", text(&out));
    assert_eq!(
        hostile_bytes(&out.stderr),
        Vec::<String>::new(),
        "the error quotes the manifest printable: {:?}",
        text(&out)
    );
}

#[test]
fn plain_http_to_another_machine_is_refused() {
    let out = update(&["apply", "--from", "http://updates.example.org/latest.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("is plain HTTP to another machine")
            && text(&out).contains("Nothing was installed"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_data_folder_a_newer_switchyard_wrote_is_refused_by_name_and_left_as_it_was() {
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("switchyard.sqlite");
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch(
            "CREATE TABLE from_the_future (x); INSERT INTO from_the_future VALUES (1);",
        )
        .unwrap();
        c.pragma_update(None, "user_version", 999).unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_switchyard-serve"))
        .args(["token", "list"])
        .env("SWITCHYARD_DATA_DIR", data.path())
        .env("SWITCHYARD_KEYRING_SERVICE", "switchyard-test-newer-data")
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    let said = text(&out);
    assert!(
        said.contains("was written by a newer Switchyard (data version 999")
            && said.contains("It was left as it is"),
        "says what happened and what to do: {said}"
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "not a byte of it changed"
    );
}
