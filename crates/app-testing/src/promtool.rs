//! `promtool check metrics` over a `/metrics` text, for the tests of the Prometheus exposition
//! (the interfaces' unit tests, a team replica's metrics in the CLI's tests). Skipped, saying so,
//! where promtool is not installed; ./dev installs it.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// `$PROMTOOL` (set by ./dev), else the one ./dev unpacks into tests/.tools, else `promtool`.
fn promtool() -> PathBuf {
    if let Some(p) = std::env::var_os("PROMTOOL") {
        return p.into();
    }
    let unpacked =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/.tools/promtool");
    if unpacked.exists() {
        return unpacked;
    }
    "promtool".into()
}

/// Asserts that promtool finds nothing to say about `text` (`what` names it in the failure);
/// skipped, saying so, without promtool.
pub fn accepts(text: &str, what: &str) {
    let child = Command::new(promtool())
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("promtool not found (run ./dev test, or set PROMTOOL): check skipped");
            return;
        }
        Err(e) => panic!("promtool could not start: {e}"),
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && said.trim().is_empty(),
        "promtool refused {what} ({}):\n{said}",
        out.status
    );
}
