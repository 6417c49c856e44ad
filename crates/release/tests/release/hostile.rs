//! What a hostile mirror (`--from`, Settings' release source) can put in a manifest, and what
//! it gets: a version that differs only in build metadata is no update; pre-releases order as
//! semver says; notes, a bad version and platform keys reach no screen with a control character
//! in them; a package signed for another platform, or under another file name, is refused by
//! name with nothing kept, even though the release key signed it.

use super::*;

/// A manifest announcing `version` with `notes`, for a .deb install.
fn announcing(version: &str, notes: &str) -> String {
    serde_json::json!({
        "version": version,
        "notes": notes,
        "platforms": {
            "linux-x86_64-deb": { "url": "https://example.org/s_amd64.deb", "signature": "c2ln" }
        }
    })
    .to_string()
}

#[tokio::test]
async fn a_version_that_differs_only_in_build_metadata_is_not_newer_and_pre_releases_order_as_semver(
) {
    let files = Files::default();
    let origin = server::start(files.clone()).await;
    let latest = format!("{origin}/latest.json");
    let cases = [
        ("0.1.0", "0.1.0+evil", false),
        ("0.1.0", "0.1.0+20991231", false),
        ("0.1.0+build.5", "0.1.0", false),
        ("0.1.0+build.5", "0.1.0+build.6", false),
        ("0.1.0", "0.1.1-rc.1", true),
        ("0.2.0", "0.2.0-rc.1", false),
        ("0.2.0-rc.1", "0.2.0", true),
        ("0.2.0-rc.2", "0.2.0-rc.10", true),
        ("0.2.0-alpha", "0.2.0-alpha.1", true),
        ("0.2.0-beta", "0.2.0-alpha.9", false),
        ("0.1.0", "0.1.1+evil", true),
    ];
    for (running, offered, newer) in cases {
        files.put("latest.json", announcing(offered, "notes"));
        let u = Updater::new(running, deb()).unwrap();
        let found = u.check(&latest).await.unwrap();
        assert_eq!(
            matches!(found, Check::Available(_)),
            newer,
            "{offered} offered to {running}: semver precedence decides, build metadata ignored ({found:?})"
        );
    }
}

/// Every character a terminal or a text field could take as a command, or that reorders text.
fn hostile(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n' && c != '\t')
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        })
        .collect()
}

/// Notes as a hostile manifest writes them: a screen cleared, a window title set, colours, a
/// line overwritten with a carriage return, C1 controls, bidi overrides, a NUL and a bell.
pub const HOSTILE_NOTES: &str = "\u{1b}[2J\u{1b}[31mRed\u{1b}[0m alert\r\n\u{1b}]0;pwned\u{7}Title\tkept\rover\u{9b}31mC1 \u{202e}desrever\u{202c} and \u{2066}iso\u{2069}\u{0}\u{7f}\u{1b}c end";

#[tokio::test]
async fn release_notes_reach_the_offer_with_control_characters_removed() {
    let files = Files::default();
    let origin = server::start(files.clone()).await;
    files.put("latest.json", announcing("0.2.0", HOSTILE_NOTES));
    let u = Updater::new("0.1.0", deb()).unwrap();
    let offer = offer(&u, &origin).await;
    let notes = offer.notes.unwrap();
    assert_eq!(
        hostile(&notes),
        Vec::<char>::new(),
        "no control character, escape sequence or bidi override reaches a screen: {notes:?}"
    );
    assert_eq!(
        notes, "Red alert\nTitle\tkept\noverC1 desrever and iso end",
        "the text itself is kept, lines and tabs included"
    );
}

#[tokio::test]
async fn what_a_manifest_says_reaches_no_error_message_with_control_characters() {
    let files = Files::default();
    let origin = server::start(files.clone()).await;
    let latest = format!("{origin}/latest.json");
    let u = Updater::new("0.1.0", deb()).unwrap();
    let bad_version = announcing("\u{1b}]0;pwned\u{7}1.0.0", "");
    let bad_key = serde_json::json!({
        "version": "0.2.0",
        "platforms": { "linux\u{1b}[2J-x86_64": { "url": "https://example.org/s.deb", "signature": "c2ln" } }
    });
    let bad_url = serde_json::json!({
        "version": "0.2.0",
        "platforms": { "linux-x86_64-deb": { "url": "not\u{1b}[2J a url", "signature": "c2ln" } }
    });
    for manifest in [bad_version, bad_key.to_string(), bad_url.to_string()] {
        files.put("latest.json", manifest.clone());
        let e = u.check(&latest).await.err().unwrap().to_string();
        assert_eq!(
            hostile(&e),
            Vec::<char>::new(),
            "the error quotes the manifest without its control characters: {e:?}"
        );
    }
}

const WINDOWS: &str = "Switchyard_0.2.0_x64-setup.exe";
const DEB: &str = "Switchyard_0.2.0_amd64.deb";

/// A release whose .deb entry lists `listed`, serving `bytes` there with `signature`.
async fn listing(listed: &str, bytes: &[u8], signature: &str) -> (String, tempfile::TempDir) {
    let files = Files::default();
    let origin = server::start(files.clone()).await;
    let url = format!("{origin}/v0.2.0/{listed}");
    files.put(&format!("v0.2.0/{listed}"), bytes.to_vec());
    files.put("latest.json", manifest("0.2.0", &url, signature));
    (origin, tempfile::tempdir().unwrap())
}

fn nothing_kept(downloads: &tempfile::TempDir) {
    let kept: Vec<_> = std::fs::read_dir(downloads.path()).unwrap().collect();
    assert!(kept.is_empty(), "a refused package is not kept: {kept:?}");
}

#[tokio::test]
async fn a_package_signed_for_another_platform_is_refused_naming_both() {
    let signer = Signer::new();
    let installer = b"MZ the Windows installer of 0.2.0";
    // The release key's genuine signature of the Windows installer, for the right version.
    let signature = signer.sign(WINDOWS, installer, Some("0.2.0"));
    let (origin, downloads) = listing(WINDOWS, installer, &signature).await;
    let u = updater(&signer).downloads_in(downloads.path().into());
    let e = u.download(&offer(&u, &origin).await, &mut |_, _| {}).await;
    let Err(e @ UpdateError::OtherPlatform { .. }) = e else {
        panic!(
            "a Windows installer is never installed on a .deb install: {:?}",
            e.err()
        );
    };
    let said = e.to_string();
    assert!(
        said.contains(WINDOWS) && said.contains("linux-x86_64-deb"),
        "names the package and this install: {said}"
    );
    nothing_kept(&downloads);
}

#[tokio::test]
async fn a_signature_over_another_file_name_is_refused_naming_both() {
    let signer = Signer::new();
    let arm = "Switchyard_0.2.0_arm64.deb";
    for (signed, bytes) in [
        (WINDOWS, &b"MZ the Windows installer of 0.2.0"[..]),
        (arm, &b"!<arch>\nthe arm64 package of 0.2.0"[..]),
    ] {
        // Another platform's genuine package and signature, served under this one's name.
        let signature = signer.sign(signed, bytes, Some("0.2.0"));
        let (origin, downloads) = listing(DEB, bytes, &signature).await;
        let u = updater(&signer).downloads_in(downloads.path().into());
        let e = u.download(&offer(&u, &origin).await, &mut |_, _| {}).await;
        let Err(e @ UpdateError::SignedFile { .. }) = e else {
            panic!("{signed} passed off as {DEB} is refused: {:?}", e.err());
        };
        let said = e.to_string();
        assert!(
            said.contains(signed) && said.contains(DEB),
            "names the file signed and the file listed: {said}"
        );
        nothing_kept(&downloads);
    }
}
