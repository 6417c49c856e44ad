//! Checking, downloading and verifying an update against a release server on 127.0.0.1, with
//! packages signed by the real Tauri signer: a signed newer release is offered and verified; a
//! tampered package, a signature by another key, a signature for another version or for none,
//! an older or equal version, plain HTTP to another machine (given, in the manifest, or by a
//! redirect) and an oversized manifest are each refused by name, and nothing is written. What
//! a hostile mirror can write into a manifest is in `hostile`, servers that drip, hold or run
//! long in `pace`, the release job's manifest in `release`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

mod hostile;
mod pace;
mod release;

use switchyard_release::testing::{server, Files, Signer};
use switchyard_release::{Check, Installer, Target, UpdateError, Updater};

const PACKAGE: &[u8] = b"!<arch>\nswitchyard 0.2.0 as a Debian package would carry it\n";

fn deb() -> Target {
    Target {
        os: "linux",
        arch: "x86_64",
        installer: Installer::Deb {
            package: "switchyard".into(),
        },
    }
}

fn manifest(version: &str, url: &str, signature: &str) -> String {
    serde_json::json!({
        "version": version,
        "notes": "Faster failover.",
        "pub_date": "2026-11-27T10:00:00Z",
        "platforms": {
            "linux-x86_64-deb": { "url": url, "signature": signature },
            "windows-x86_64-nsis": { "url": "https://example.org/s-setup.exe", "signature": "c2ln" }
        }
    })
    .to_string()
}

/// A server with `latest.json` announcing 0.2.0, its package signed by `signer`.
async fn release(signer: &Signer, files: &Files) -> String {
    let origin = server::start(files.clone()).await;
    let signature = signer.sign("switchyard_0.2.0_amd64.deb", PACKAGE, Some("0.2.0"));
    let url = format!("{origin}/v0.2.0/switchyard_0.2.0_amd64.deb");
    files.put("v0.2.0/switchyard_0.2.0_amd64.deb", PACKAGE);
    files.put("latest.json", manifest("0.2.0", &url, &signature));
    origin
}

fn updater(signer: &Signer) -> Updater {
    Updater::new("0.1.0", deb())
        .unwrap()
        .with_key(&signer.public)
}

async fn offer(u: &Updater, origin: &str) -> switchyard_release::Offer {
    match u.check(&format!("{origin}/latest.json")).await.unwrap() {
        Check::Available(offer) => *offer,
        other => panic!("expected an offer, got {other:?}"),
    }
}

#[tokio::test]
async fn a_signed_newer_release_is_offered_downloaded_and_verified() {
    let signer = Signer::new();
    let files = Files::default();
    let origin = release(&signer, &files).await;
    let u = updater(&signer);
    let offer = offer(&u, &origin).await;
    assert_eq!(offer.version.to_string(), "0.2.0");
    assert_eq!(offer.notes.as_deref(), Some("Faster failover."));
    assert_eq!(
        offer.package.key, "linux-x86_64-deb",
        "the .deb for a .deb install"
    );
    let mut seen = Vec::new();
    let verified = u
        .download(&offer, &mut |got, total| seen.push((got, total)))
        .await
        .unwrap();
    assert_eq!(std::fs::read(&verified.path).unwrap(), PACKAGE);
    let len = PACKAGE.len() as u64;
    assert_eq!(
        seen.last(),
        Some(&(len, Some(len))),
        "progress reaches the whole"
    );
    let path = verified.path.clone();
    drop(verified);
    assert!(!path.exists(), "the download goes with the value");
}

#[tokio::test]
async fn a_tampered_package_is_refused_and_nothing_is_written() {
    let signer = Signer::new();
    let files = Files::default();
    let origin = release(&signer, &files).await;
    let mut tampered = PACKAGE.to_vec();
    tampered[10] ^= 1;
    files.put("v0.2.0/switchyard_0.2.0_amd64.deb", tampered);
    let downloads = tempfile::tempdir().unwrap();
    let u = updater(&signer).downloads_in(downloads.path().into());
    let offer = offer(&u, &origin).await;
    let e = u.download(&offer, &mut |_, _| {}).await.err().unwrap();
    assert!(matches!(e, UpdateError::BadSignature { .. }), "{e}");
    assert!(e.to_string().contains("switchyard_0.2.0_amd64.deb"), "{e}");
    let kept: Vec<_> = std::fs::read_dir(downloads.path()).unwrap().collect();
    assert!(
        kept.is_empty(),
        "a refused package is never written: {kept:?}"
    );
}

#[tokio::test]
async fn a_signature_by_another_key_is_refused() {
    let (ours, theirs) = (Signer::new(), Signer::new());
    let files = Files::default();
    let origin = release(&theirs, &files).await;
    let u = updater(&ours);
    let offer = offer(&u, &origin).await;
    let e = u.download(&offer, &mut |_, _| {}).await.err().unwrap();
    assert!(matches!(e, UpdateError::BadSignature { .. }), "{e}");
}

#[tokio::test]
async fn a_signature_for_another_version_or_none_is_refused() {
    let signer = Signer::new();
    let files = Files::default();
    let origin = release(&signer, &files).await;
    let url = format!("{origin}/v0.2.0/switchyard_0.2.0_amd64.deb");
    let u = updater(&signer);
    // An old release's genuine package, announced as the new version.
    let old = signer.sign("switchyard_0.2.0_amd64.deb", PACKAGE, Some("0.1.5"));
    files.put("latest.json", manifest("0.2.0", &url, &old));
    let e = u.download(&offer(&u, &origin).await, &mut |_, _| {}).await;
    assert!(
        matches!(&e, Err(UpdateError::SignedVersion { signed, .. }) if signed == "0.1.5"),
        "{:?}",
        e.err()
    );
    let unbound = signer.sign("switchyard_0.2.0_amd64.deb", PACKAGE, None);
    files.put("latest.json", manifest("0.2.0", &url, &unbound));
    let e = u.download(&offer(&u, &origin).await, &mut |_, _| {}).await;
    assert!(
        matches!(e, Err(UpdateError::Unversioned { .. })),
        "{:?}",
        e.err()
    );
}

#[tokio::test]
async fn an_older_or_equal_version_is_not_offered() {
    let signer = Signer::new();
    let files = Files::default();
    let origin = release(&signer, &files).await;
    let latest = format!("{origin}/latest.json");
    for (running, expect) in [("0.2.0", "0.2.0"), ("0.3.1", "0.2.0")] {
        let u = Updater::new(running, deb())
            .unwrap()
            .with_key(&signer.public);
        match u.check(&latest).await.unwrap() {
            Check::UpToDate { latest, .. } => assert_eq!(latest.to_string(), expect),
            other => panic!("{running}: nothing newer is offered, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn plain_http_to_another_machine_is_refused_wherever_it_appears() {
    let signer = Signer::new();
    let files = Files::default();
    let origin = release(&signer, &files).await;
    let u = updater(&signer);
    let given = u.check("http://updates.example.org/latest.json").await;
    assert!(
        matches!(given, Err(UpdateError::Insecure { .. })),
        "{given:?}"
    );
    let sig = signer.sign("s.deb", PACKAGE, Some("0.2.0"));
    files.put(
        "latest.json",
        manifest("0.2.0", "http://10.1.2.3/s.deb", &sig),
    );
    let listed = u.check(&format!("{origin}/latest.json")).await;
    assert!(
        matches!(listed, Err(UpdateError::Insecure { .. })),
        "{listed:?}"
    );
    files.redirect("mirror.json", "http://10.1.2.3/latest.json");
    let redirected = u.check(&format!("{origin}/mirror.json")).await;
    let Err(UpdateError::Unreachable { reason, .. }) = redirected else {
        panic!("a redirect to plain HTTP elsewhere is not followed: {redirected:?}");
    };
    assert!(
        reason.contains("not HTTPS") || reason.contains("redirect"),
        "{reason}"
    );
}

#[tokio::test]
async fn a_broken_or_oversized_manifest_or_a_missing_package_is_refused() {
    let signer = Signer::new();
    let files = Files::default();
    let origin = release(&signer, &files).await;
    let u = updater(&signer);
    let latest = format!("{origin}/latest.json");
    files.put(
        "latest.json",
        "{\"version\": \"0.2.0\", \"platforms\": {\"linux-x86_64\": {}}}",
    );
    assert!(matches!(
        u.check(&latest).await,
        Err(UpdateError::Manifest { .. })
    ));
    files.put("latest.json", vec![b' '; 2 * 1024 * 1024]);
    assert!(matches!(
        u.check(&latest).await,
        Err(UpdateError::TooLarge { .. })
    ));
    let only_windows = serde_json::json!({
        "version": "0.2.0",
        "platforms": { "windows-x86_64-nsis": { "url": "https://example.org/s.exe", "signature": "c2ln" } }
    });
    files.put("latest.json", only_windows.to_string());
    let e = u.check(&latest).await.err().unwrap();
    assert!(
        e.to_string().contains("linux-x86_64-deb or linux-x86_64"),
        "says what it looked for: {e}"
    );
    let missing = u.check(&format!("{origin}/nothing.json")).await;
    assert!(matches!(
        missing,
        Err(UpdateError::Status { status: 404, .. })
    ));
}

#[test]
fn the_window_and_the_command_line_trust_the_same_key_and_read_the_same_manifest() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tauri.conf.json");
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let updater = &config["plugins"]["updater"];
    if option_env!("SWITCHYARD_UPDATE_PUBKEY").is_none() {
        assert_eq!(
            updater["pubkey"].as_str(),
            Some(switchyard_release::RELEASE_KEY),
            "tauri.conf.json's plugins.updater.pubkey is crates/release/release-key.pub (./dev release-key writes both)"
        );
    }
    assert_eq!(
        updater["endpoints"][0].as_str(),
        Some(switchyard_release::DEFAULT_MANIFEST)
    );
    assert_eq!(
        updater["requireSignedVersion"], true,
        "as this crate requires"
    );
}
