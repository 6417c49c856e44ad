//! How this copy was installed, and installing a verified package the way that format allows,
//! without a window: a Debian or RPM package through the package tool (as root, or asking
//! through pkexec or sudo, as the desktop's updater plugin does), an AppImage by replacing the
//! file. Windows' installers and a macOS app are updated from the app's window (the updater
//! plugin runs the installer and restarts it); a copy no installer manages is never touched.
//!
//! Invariant: [`install`] is only ever given a package whose signature was verified, and on
//! any failure leaves the installed copy as it was (the package tool's own transaction; the
//! AppImage swapped by one rename).

use crate::target::Installer;
use crate::UpdateError;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// How the program at `exe` was installed.
pub fn detect(exe: &Path) -> Installer {
    if cfg!(target_os = "linux") {
        if let Some(image) = std::env::var_os("APPIMAGE").filter(|p| !p.is_empty()) {
            return Installer::AppImage {
                path: PathBuf::from(image),
            };
        }
        if let Some(package) = owner("dpkg-query", &["-S"], exe) {
            return Installer::Deb { package };
        }
        if let Some(package) = owner("rpm", &["-qf", "--qf", "%{NAME}:"], exe) {
            return Installer::Rpm { package };
        }
    }
    if cfg!(windows) {
        let dir = exe.parent().unwrap_or(exe);
        if dir.join("uninstall.exe").is_file() {
            return Installer::Nsis;
        }
    }
    if cfg!(target_os = "macos") {
        if let Some(bundle) = exe
            .ancestors()
            .find(|p| p.extension().is_some_and(|e| e == "app"))
        {
            return Installer::App {
                bundle: bundle.to_path_buf(),
            };
        }
    }
    Installer::Unmanaged
}

/// The package owning `exe` per `tool` (`dpkg-query -S`: `name: /path`), if any.
fn owner(tool: &str, args: &[&str], exe: &Path) -> Option<String> {
    let out = Command::new(tool)
        .args(args)
        .arg(exe)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let name = text.lines().next()?.split(':').next()?.trim();
    (!name.is_empty() && !name.contains(' ')).then(|| name.to_string())
}

/// What [`install`] did, for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    pub how: String,
}

/// Installs the verified package at `package` over this copy (installed as `installer`, found
/// at `exe`), or says how this copy is updated instead. `url` is where the package came from.
pub fn install(
    installer: &Installer,
    package: &Path,
    exe: &Path,
    url: &str,
) -> Result<Installed, UpdateError> {
    match installer {
        Installer::Deb { package: name } => {
            run_as_root(&["dpkg", "-i"], package)?;
            Ok(Installed {
                how: format!("installed the new {name} package with dpkg"),
            })
        }
        Installer::Rpm { package: name } => {
            run_as_root(&["rpm", "-U"], package)?;
            Ok(Installed {
                how: format!("installed the new {name} package with rpm"),
            })
        }
        Installer::AppImage { path } => {
            replace_appimage(path, package)?;
            Ok(Installed {
                how: format!("replaced {}", path.display()),
            })
        }
        Installer::Nsis | Installer::Msi | Installer::App { .. } => {
            Err(UpdateError::NotSelfUpdating(
                "On Windows and macOS the app's window installs updates (Settings → Check for updates), so it can close and reopen itself. Nothing was installed.".into(),
            ))
        }
        Installer::Unmanaged => Err(UpdateError::NotSelfUpdating(format!(
            "This copy runs from {}, which no installer manages (built from source or copied), so it does not update itself. The new release is at {url}. Nothing was installed.",
            exe.display()
        ))),
    }
}

/// Whether this process runs as root (it owns its own `/proc` entry as its effective user).
fn is_root() -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// Runs `tool… package` as root: directly when root, else through pkexec (a desktop's
/// password prompt), else sudo (a terminal's).
fn run_as_root(tool: &[&str], package: &Path) -> Result<(), UpdateError> {
    let mut tries: Vec<Vec<&str>> = Vec::new();
    if is_root() {
        tries.push(tool.to_vec());
    } else {
        tries.push([&["pkexec"], tool].concat());
        tries.push([&["sudo"], tool].concat());
    }
    let mut last = String::new();
    for argv in tries {
        let Some((program, args)) = argv.split_first() else {
            continue;
        };
        match Command::new(program).args(args).arg(package).status() {
            Ok(s) if s.success() => return Ok(()),
            Ok(s) => last = format!("{} exited with {s}", argv.join(" ")),
            Err(e) => last = format!("{program}: {e}"),
        }
    }
    Err(UpdateError::Install(format!(
        "{last}. The installed copy is as it was."
    )))
}

/// Puts the new AppImage where the old one is with one rename (same folder, same mode), copied
/// from the package file in chunks (never whole in memory).
fn replace_appimage(path: &Path, package: &Path) -> Result<(), UpdateError> {
    use std::io::Read;
    let fail = |e: std::io::Error| {
        UpdateError::Install(format!(
            "cannot replace {}: {e}. It is as it was.",
            path.display()
        ))
    };
    let mut source = std::fs::File::open(package).map_err(fail)?;
    let mut magic = [0u8; 4];
    let is_elf = source.read_exact(&mut magic).is_ok() && &magic == b"\x7fELF";
    if !is_elf {
        return Err(UpdateError::Install(
            "the package is not an AppImage (not a Linux program). Nothing was installed.".into(),
        ));
    }
    let mut source = std::fs::File::open(package).map_err(fail)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    std::io::copy(&mut source, &mut tmp).map_err(fail)?;
    let mode = std::fs::metadata(path).map_err(fail)?.permissions();
    std::fs::set_permissions(tmp.path(), mode).map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_no_installer_manages_is_never_touched() {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("switchyard");
        std::fs::write(&exe, b"the program").unwrap();
        let package = dir.path().join("new.deb");
        std::fs::write(&package, b"the package").unwrap();
        let url = "https://example.org/switchyard_0.2.0_amd64.deb";
        let e = install(&Installer::Unmanaged, &package, &exe, url).unwrap_err();
        let said = e.to_string();
        assert!(
            said.contains("no installer manages") && said.contains(url),
            "says why and where the release is: {said}"
        );
        assert_eq!(std::fs::read(&exe).unwrap(), b"the program");
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_program_in_a_build_folder_is_unmanaged_and_an_appimage_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("switchyard");
        std::fs::write(&exe, b"\x7fELF old").unwrap();
        assert_eq!(detect(&exe), Installer::Unmanaged, "no package owns it");
        let package = dir.path().join("Switchyard.AppImage");
        std::fs::write(&package, b"\x7fELF new").unwrap();
        let image = Installer::AppImage { path: exe.clone() };
        install(&image, &package, &exe, "https://example.org/s.AppImage").unwrap();
        assert_eq!(std::fs::read(&exe).unwrap(), b"\x7fELF new");
        std::fs::write(&package, b"<html>not a program</html>").unwrap();
        assert!(install(&image, &package, &exe, "https://example.org/s.AppImage").is_err());
        assert_eq!(
            std::fs::read(&exe).unwrap(),
            b"\x7fELF new",
            "left as it was"
        );
    }
}
