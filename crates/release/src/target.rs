//! Which package of a release fits this install: the manifest's platform keys are Tauri's
//! (`{os}-{arch}` and `{os}-{arch}-{installer}`: `linux-x86_64-deb`, `windows-x86_64-nsis`,
//! `darwin-aarch64-app`), so the desktop's updater plugin and this crate pick the same one.
//!
//! A key is only the manifest's word, so the package's own file name decides what it was built
//! for ([`built_for`]), read as the release job reads it (`scripts/release/latest_json.py`: the
//! format from the name's ending, the architecture from its last architecture token), and a
//! package is taken only when that is this install's ([`Target::takes`]). The signature binds
//! the file name (`verify`), so a signed package of another platform cannot be renamed into
//! this one's place.

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

/// What a package was built for, read from its file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Built {
    pub os: &'static str,
    pub arch: &'static str,
    /// Tauri's installer name ([`Installer::key`]).
    pub installer: &'static str,
}

impl fmt::Display for Built {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}", self.os, self.arch, self.installer)
    }
}

/// The architecture tokens release file names carry, and the manifest's name for each.
const ARCH: [(&str, &str); 5] = [
    ("amd64", "x86_64"),
    ("x64", "x86_64"),
    ("x86_64", "x86_64"),
    ("arm64", "aarch64"),
    ("aarch64", "aarch64"),
];

/// Each package format by its file name's ending: (ending, os, installer).
const FORMATS: [(&str, &str, &str); 6] = [
    (".deb", "linux", "deb"),
    (".rpm", "linux", "rpm"),
    (".AppImage", "linux", "appimage"),
    ("-setup.exe", "windows", "nsis"),
    (".msi", "windows", "msi"),
    (".app.tar.gz", "darwin", "app"),
];

/// What the package called `file` was built for, as the release names its packages
/// (`Switchyard_0.2.0_amd64.deb`, `Switchyard_0.2.0_x64-setup.exe`); `None` when the name says
/// no known format or no architecture.
pub fn built_for(file: &str) -> Option<Built> {
    let (ending, os, installer) = FORMATS.iter().find(|(e, _, _)| file.ends_with(e))?;
    let stem = &file[..file.len() - ending.len()];
    let (_, arch) = ARCH
        .iter()
        .filter_map(|(token, arch)| last_token(stem, token).map(|at| (at, *arch)))
        .max_by_key(|(at, _)| *at)?;
    Some(Built {
        os,
        arch,
        installer,
    })
}

/// Where `token` last stands whole in `stem` (between `_`, `.`, `-` or the ends).
fn last_token(stem: &str, token: &str) -> Option<usize> {
    let separator = |c: Option<char>| c.is_none_or(|c| matches!(c, '_' | '.' | '-'));
    stem.rmatch_indices(token).map(|(at, _)| at).find(|&at| {
        separator(stem[..at].chars().next_back())
            && separator(stem[at + token.len()..].chars().next())
    })
}

impl Target {
    /// Whether a package built for `built` is one for this install: the same platform, and the
    /// same install format (a copy no installer manages takes any format of its platform; it
    /// installs none).
    pub fn takes(&self, built: &Built) -> bool {
        built.os == self.os
            && built.arch == self.arch
            && self
                .installer
                .key()
                .is_none_or(|kind| kind == built.installer)
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

    #[test]
    fn a_package_is_for_the_platform_and_format_its_name_says() {
        let built = |name| built_for(name).map(|b| b.to_string());
        for (name, said) in [
            ("Switchyard_0.2.0_amd64.deb", "linux-x86_64-deb"),
            ("Switchyard_0.2.0_arm64.deb", "linux-aarch64-deb"),
            ("Switchyard-0.2.0-1.x86_64.rpm", "linux-x86_64-rpm"),
            ("Switchyard_0.2.0_amd64.AppImage", "linux-x86_64-appimage"),
            ("Switchyard_0.2.0_x64-setup.exe", "windows-x86_64-nsis"),
            ("Switchyard_0.2.0_x64_en-US.msi", "windows-x86_64-msi"),
            ("Switchyard_0.2.0_aarch64.app.tar.gz", "darwin-aarch64-app"),
        ] {
            assert_eq!(built(name).as_deref(), Some(said), "{name}");
        }
        for unknown in [
            "Switchyard.app.tar.gz",
            "switchyard.deb",
            "Switchyard_0.2.0_amd64.deb.zip",
            "Switchyard_0.2.0_xamd64.deb",
        ] {
            assert_eq!(
                built(unknown),
                None,
                "{unknown}: no format or no architecture"
            );
        }
    }

    #[test]
    fn an_install_takes_only_its_own_platform_and_format() {
        let deb = Target {
            os: "linux",
            arch: "x86_64",
            installer: Installer::Deb {
                package: "switchyard".into(),
            },
        };
        let of = |name| built_for(name).unwrap();
        assert!(deb.takes(&of("Switchyard_0.2.0_amd64.deb")));
        for other in [
            "Switchyard_0.2.0_arm64.deb",
            "Switchyard_0.2.0_amd64.AppImage",
            "Switchyard_0.2.0_x64-setup.exe",
        ] {
            assert!(
                !deb.takes(&of(other)),
                "{other} is not for a .deb on x86_64"
            );
        }
        let bare = Target {
            installer: Installer::Unmanaged,
            ..deb
        };
        assert!(bare.takes(&of("Switchyard_0.2.0_amd64.AppImage")));
        assert!(!bare.takes(&of("Switchyard_0.2.0_x64-setup.exe")));
    }
}
