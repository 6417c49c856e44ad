//! The release job's manifest: `scripts/release/latest_json.py` over packages named as `tauri
//! build` names them, each signed by the real Tauri signer, read by this crate as an installed
//! copy reads it: each install format gets its own package, verified; a package whose signature
//! names another file is not published.

use super::*;
use std::path::Path;
use std::process::{Command, Output};

const VERSION: &str = "0.2.0";
const PACKAGES: [&str; 5] = [
    "Switchyard_0.2.0_amd64.deb",
    "Switchyard_0.2.0_amd64.AppImage",
    "Switchyard_0.2.0_x64-setup.exe",
    "Switchyard_0.2.0_x64_en-US.msi",
    "Switchyard_0.2.0_aarch64.app.tar.gz",
];

fn script() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/release/latest_json.py")
}

/// Runs the release job's manifest script for v0.2.0 over the packages in `release`, to be
/// downloaded from `base_url`: its output, whatever its exit code.
fn latest_json(release: &Path, base_url: &str) -> Output {
    Command::new("python3")
        .arg(script())
        .args(["--version", "v0.2.0", "--base-url", base_url])
        .arg(release)
        .output()
        .unwrap()
}

#[tokio::test]
async fn the_release_manifest_gives_each_install_format_its_own_signed_package() {
    let signer = Signer::new();
    let release = tempfile::tempdir().unwrap();
    let files = Files::default();
    let origin = server::start(files.clone()).await;
    for name in PACKAGES {
        let bytes = format!("{name} contents");
        let signature = signer.sign(name, bytes.as_bytes(), Some(VERSION));
        std::fs::write(release.path().join(name), &bytes).unwrap();
        std::fs::write(release.path().join(format!("{name}.sig")), signature).unwrap();
        files.put(&format!("v0.2.0/{name}"), bytes);
    }
    let out = latest_json(release.path(), &format!("{origin}/v0.2.0"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    files.put("latest.json", out.stdout);
    let latest = format!("{origin}/latest.json");
    let cases = [
        (
            Installer::Deb {
                package: "switchyard".into(),
            },
            "linux",
            "x86_64",
            "_amd64.deb",
        ),
        (
            Installer::AppImage {
                path: "/opt/S.AppImage".into(),
            },
            "linux",
            "x86_64",
            ".AppImage",
        ),
        (Installer::Unmanaged, "linux", "x86_64", ".AppImage"),
        (Installer::Nsis, "windows", "x86_64", "-setup.exe"),
        (Installer::Msi, "windows", "x86_64", ".msi"),
        (
            Installer::App {
                bundle: "/Applications/S.app".into(),
            },
            "darwin",
            "aarch64",
            ".app.tar.gz",
        ),
    ];
    for (installer, os, arch, ending) in cases {
        let target = Target {
            os,
            arch,
            installer,
        };
        let u = Updater::new("0.1.0", target.clone())
            .unwrap()
            .with_key(&signer.public);
        let offer = match u.check(&latest).await.unwrap() {
            Check::Available(o) => *o,
            other => panic!("{target}: expected an offer, got {other:?}"),
        };
        assert!(
            offer.package.url.as_str().ends_with(ending),
            "{target}: {}",
            offer.package.url
        );
        let verified = u.download(&offer, &mut |_, _| {}).await.unwrap();
        assert!(std::fs::read_to_string(&verified.path)
            .unwrap()
            .ends_with("contents"));
    }
}

#[test]
fn a_package_without_its_signature_is_not_published() {
    let release = tempfile::tempdir().unwrap();
    std::fs::write(release.path().join(PACKAGES[0]), "unsigned").unwrap();
    let out = latest_json(release.path(), "https://example.org/r");
    assert!(!out.status.success(), "no manifest for an unsigned package");
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no updater signature"));
}

#[test]
fn a_package_whose_signature_names_another_file_is_not_published() {
    let signer = Signer::new();
    let release = tempfile::tempdir().unwrap();
    // macOS' archive renamed for its architecture after `tauri build` signed it as
    // Switchyard.app.tar.gz: installed copies would refuse it, so the release does.
    let renamed = PACKAGES[4];
    let signature = signer.sign("Switchyard.app.tar.gz", b"the app", Some(VERSION));
    std::fs::write(release.path().join(renamed), "the app").unwrap();
    std::fs::write(release.path().join(format!("{renamed}.sig")), signature).unwrap();
    let out = latest_json(release.path(), "https://example.org/r");
    assert!(
        !out.status.success(),
        "no manifest lists a package under a name its signature does not carry"
    );
    assert!(out.stdout.is_empty());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(renamed) && said.contains("is for the file Switchyard.app.tar.gz"),
        "names both: {said}"
    );
}
