//! Which package of a release fits this install: the manifest's platform keys are Tauri's
//! (`{os}-{arch}` and `{os}-{arch}-{installer}`: `linux-x86_64-deb`, `windows-x86_64-nsis`,
//! `darwin-aarch64-app`), so the desktop's updater plugin and this crate pick the same one.

use std::fmt;

/// How this copy was installed, as far as updating is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installer {
    /// A Debian package; updated by installing the new `.deb` (dpkg).
    Deb { package: String },
    /// An RPM package.
    Rpm { package: String },
    /// An AppImage file, replaced whole.
    AppImage { path: std::path::PathBuf },
    /// Windows' NSIS installer (the `-setup.exe`), run again for the new version.
    Nsis,
    /// Windows' MSI.
    Msi,
    /// A macOS `.app` bundle.
    App { bundle: std::path::PathBuf },
    /// Built from source or copied by hand: nothing can update it but its owner.
    Unmanaged,
}

impl Installer {
    /// Whether [`crate::install::install`] installs this format itself (the Linux packages and
    /// the AppImage); Windows' and macOS' formats are installed by the window's updater.
    pub fn installs_itself(&self) -> bool {
        matches!(
            self,
            Installer::Deb { .. } | Installer::Rpm { .. } | Installer::AppImage { .. }
        )
    }

    /// Tauri's name for it in a platform key (`deb`, `nsis`, …); `None` when unmanaged.
    pub fn key(&self) -> Option<&'static str> {
        Some(match self {
            Installer::Deb { .. } => "deb",
            Installer::Rpm { .. } => "rpm",
            Installer::AppImage { .. } => "appimage",
            Installer::Nsis => "nsis",
            Installer::Msi => "msi",
            Installer::App { .. } => "app",
            Installer::Unmanaged => return None,
        })
    }
}

/// This build's platform and install format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `linux`, `darwin` or `windows`.
    pub os: &'static str,
    /// `x86_64`, `aarch64`, …
    pub arch: &'static str,
    pub installer: Installer,
}

impl Target {
    /// This process's platform, installed as `installer`.
    pub fn current(installer: Installer) -> Target {
        let os = match std::env::consts::OS {
            "macos" => "darwin",
            other => other,
        };
        let arch = match std::env::consts::ARCH {
            "x86" => "i686",
            "arm" => "armv7",
            other => other,
        };
        Target {
            os,
            arch,
            installer,
        }
    }

    /// The manifest keys that fit, best first: with the installer, then without.
    pub fn keys(&self) -> Vec<String> {
        let base = format!("{}-{}", self.os, self.arch);
        match self.installer.key() {
            Some(kind) => vec![format!("{base}-{kind}"), base],
            None => vec![base],
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.keys()[0])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_tauris_with_the_installer_first() {
        let deb = Target {
            os: "linux",
            arch: "x86_64",
            installer: Installer::Deb {
                package: "switchyard".into(),
            },
        };
        assert_eq!(deb.keys(), ["linux-x86_64-deb", "linux-x86_64"]);
        let bare = Target {
            installer: Installer::Unmanaged,
            ..deb
        };
        assert_eq!(bare.keys(), ["linux-x86_64"]);
    }
}
