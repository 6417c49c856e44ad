//! `switchyard update check | apply` as a user runs it, through the real binary, against a
//! release server on 127.0.0.1 whose packages are signed by the real Tauri signer with a key
//! that is not this build's release key: a newer release is announced (exit 100, with its
//! notes), and installing it is refused, as a forged release must be, with nothing installed;
//! an older release is refused by name, an equal one is "up to date"; plain HTTP to another
//! machine is refused before anything is read.

use std::process::{Command, Output};
use switchyard_update::testing::{server, Files, Signer};

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

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A release server announcing `version` for every Linux x86_64 install.
async fn release(version: &str) -> String {
    let signer = Signer::new();
    let files = Files::default();
    let origin = server::start(files.clone()).await;
    let signature = signer.sign("switchyard.deb", PACKAGE, Some(version));
    files.put("switchyard.deb", PACKAGE);
    let manifest = serde_json::json!({
        "version": version,
        "notes": "Routes learn from latency.",
        "platforms": {
            "linux-x86_64": { "url": format!("{origin}/switchyard.deb"), "signature": signature }
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
