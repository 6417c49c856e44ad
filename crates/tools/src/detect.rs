//! Which coding tools are installed: the tool's program on `PATH`, and its `--version` (run with
//! a short deadline, in parallel, so a slow Node start-up does not hold the page).

use std::path::{Path, PathBuf};
use std::time::Duration;
use switchyard_toolconfig::ToolId;

/// How long one `--version` may take (Node CLIs start in ~0.3–1 s).
const VERSION_DEADLINE: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Installed {
    pub path: Option<PathBuf>,
    pub version: Option<String>,
}

/// The first executable named `name` on `path_var` (a `PATH` value).
pub fn find_on_path(name: &str, path_var: &str) -> Option<PathBuf> {
    std::env::split_paths(path_var)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

/// Finds every tool and asks each found one for its version, concurrently.
pub async fn detect_all(path_var: String, home: PathBuf) -> Vec<(ToolId, Installed)> {
    let checks = ToolId::ALL.map(|tool| {
        let (path_var, home) = (path_var.clone(), home.clone());
        async move {
            let Some(path) = find_on_path(tool.binary(), &path_var) else {
                return (tool, Installed::default());
            };
            let version = version_of(&path, &home).await;
            (
                tool,
                Installed {
                    path: Some(path),
                    version,
                },
            )
        }
    });
    futures_util::future::join_all(checks).await
}

/// Versions already asked for, by program path and modification time (the page reloads often;
/// a Node CLI takes ~0.5 s to answer `--version`).
type VersionCache = std::sync::Mutex<Vec<(PathBuf, Option<std::time::SystemTime>, String)>>;
static VERSIONS: VersionCache = std::sync::Mutex::new(Vec::new());

/// `program`'s version, from the cache while the file is unchanged.
async fn version_of(program: &Path, home: &Path) -> Option<String> {
    let program = std::fs::canonicalize(program).unwrap_or_else(|_| program.to_path_buf());
    let mtime = std::fs::metadata(&program).and_then(|m| m.modified()).ok();
    let cached = VERSIONS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
        .find(|(p, t, _)| *p == program && *t == mtime)
        .map(|(_, _, v)| v.clone());
    if cached.is_some() {
        return cached;
    }
    let version = ask_version(&program, home).await?;
    let mut cache = VERSIONS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    cache.retain(|(p, _, _)| *p != program);
    cache.push((program, mtime, version.clone()));
    Some(version)
}

/// `program args` in the user's `home`, for its output only: no input, no error output, no
/// colours, killed when dropped (a deadline runs out).
pub(crate) fn quietly(program: &Path, home: &Path, args: &[&str]) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(program);
    command
        .args(args)
        .env("HOME", home)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    command
}

/// The first version-looking word of `<program> --version`, or `None` if it fails or is slow.
async fn ask_version(program: &Path, home: &Path) -> Option<String> {
    let run = quietly(program, home, &["--version"]).output();
    let out = tokio::time::timeout(VERSION_DEADLINE, run)
        .await
        .ok()?
        .ok()?;
    parse_version(&String::from_utf8_lossy(&out.stdout))
}

/// `2.1.197 (Claude Code)` → `2.1.197`; `codex-cli 0.169.0` → `0.169.0`; `aider 0.86.1` → `0.86.1`.
pub fn parse_version(out: &str) -> Option<String> {
    out.split_whitespace()
        .map(|w| w.trim_start_matches('v'))
        .find(|w| {
            w.split('.').count() >= 2
                && w.split('.').all(|p| {
                    !p.is_empty() && p.chars().next().is_some_and(|c: char| c.is_ascii_digit())
                })
        })
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_the_usual_outputs() {
        assert_eq!(
            parse_version("2.1.197 (Claude Code)\n").as_deref(),
            Some("2.1.197")
        );
        assert_eq!(
            parse_version("codex-cli 0.169.0").as_deref(),
            Some("0.169.0")
        );
        assert_eq!(parse_version("v1.0.3").as_deref(), Some("1.0.3"));
        assert_eq!(parse_version("0.61.0").as_deref(), Some("0.61.0"));
        assert_eq!(parse_version("no version here"), None);
    }

    #[test]
    fn programs_are_found_on_the_path_only_when_executable() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("claude");
        std::fs::write(&bin, "#!/bin/sh\necho 2.1.0\n").unwrap();
        let path_var = dir.path().display().to_string();
        assert_eq!(find_on_path("claude", &path_var), None);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
            assert_eq!(find_on_path("claude", &path_var), Some(bin));
        }
    }
}
