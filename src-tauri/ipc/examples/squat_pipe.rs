//! `squat_pipe DATA_DIR`: what another program (another user's, say) could do on Windows, where
//! every account shares the pipe namespace: take the name of the core's pipe for DATA_DIR first,
//! with Windows' default access list, and hold it until killed. The Wine suite checks that the
//! core then refuses to start with a clear error and that the window's client sends nothing to
//! the squatter. Prints `squatting NAME` once it holds the name.
#![allow(
    clippy::print_stdout,
    reason = "the ready line is the program's output"
)]

use interprocess::local_socket::tokio::prelude::*;
use interprocess::local_socket::{GenericNamespaced, ListenerOptions};
use std::path::Path;
use std::process::ExitCode;
use switchyard_channel::Endpoint;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: squat_pipe DATA_DIR");
        return ExitCode::from(2);
    };
    let name = Endpoint::new(Path::new(&dir)).pipe_name();
    let listener = match name
        .as_str()
        .to_ns_name::<GenericNamespaced>()
        .and_then(|n| ListenerOptions::new().name(n).create_tokio())
    {
        Ok(l) => l,
        Err(e) => {
            eprintln!("squat_pipe: cannot take {name}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("squatting {name}");
    // Accept and hold whatever connects, answering nothing.
    let mut held = Vec::new();
    while let Ok(stream) = listener.accept().await {
        held.push(stream);
    }
    ExitCode::SUCCESS
}
