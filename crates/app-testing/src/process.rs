//! The plumbing of tests that run Switchyard's programs as processes (the CLI's tests and the
//! security suite): a free port, a child stopped on drop, and what a program said.

use std::net::TcpListener;
use std::process::{Child, Output};

/// A free TCP port on 127.0.0.1 (free a moment ago).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// What `out` said: its stdout, then its stderr.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A running child process (a `serve`), killed and reaped when dropped.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
