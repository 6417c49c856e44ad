//! Signatures made by the real signer, the Tauri CLI, with a throw-away key.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Signer {
    dir: tempfile::TempDir,
    /// Base64 of the public key file, as `tauri.conf.json` holds it.
    pub public: String,
}

fn tauri() -> PathBuf {
    let cli = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/node_modules/.bin/tauri");
    assert!(
        cli.is_file(),
        "{} is missing: `./dev test` installs ui's npm packages (the Tauri CLI signs here)",
        cli.display()
    );
    cli
}

impl Default for Signer {
    fn default() -> Signer {
        Signer::new()
    }
}

impl Signer {
    /// A new key pair, with an empty password (as CI's secret may have).
    pub fn new() -> Signer {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("release.key");
        let out = Command::new(tauri())
            .args(["signer", "generate", "--ci", "-p", "", "-w"])
            .arg(&key)
            .output()
            .unwrap();
        assert!(out.status.success(), "tauri signer generate: {out:?}");
        let public = std::fs::read_to_string(dir.path().join("release.key.pub")).unwrap();
        Signer { dir, public }
    }

    /// The signature of `bytes` (named `name`), bound to `version` as `tauri build` binds it
    /// (`None`: unbound, as a hand signature without `--app-version`).
    pub fn sign(&self, name: &str, bytes: &[u8], version: Option<&str>) -> String {
        let file = self.dir.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        self.sign_file(&file, version)
    }

    /// The signature of the file at `file` (under its own name), bound to `version`; for a
    /// package too large to hand over as bytes.
    pub fn sign_file(&self, file: &Path, version: Option<&str>) -> String {
        let mut cmd = Command::new(tauri());
        cmd.args(["signer", "sign", "-p", ""])
            .arg("-f")
            .arg(self.dir.path().join("release.key"));
        if let Some(v) = version {
            cmd.args(["--app-version", v]);
        }
        let out = cmd.arg(file).output().unwrap();
        assert!(out.status.success(), "tauri signer sign: {out:?}");
        let sig = format!("{}.sig", file.display());
        let signature = std::fs::read_to_string(&sig).unwrap();
        std::fs::remove_file(sig).unwrap();
        signature
    }
}
