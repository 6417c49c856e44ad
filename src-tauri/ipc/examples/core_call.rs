//! `core_call DATA_DIR COMMAND [ARGS_JSON]`: one call to the core process serving `DATA_DIR`,
//! over the same channel and client the window uses (a named pipe on Windows, a Unix socket
//! elsewhere); prints the answer as JSON. The Wine suite (`tests/wine/check_wine.py`) runs its
//! Windows build to prove the Windows core answers the window's channel.
//! Exit codes: 0 answered, 1 the core answered with an error (printed), 2 usage, 3 no core.
#![allow(clippy::print_stdout, reason = "the answer is the program's output")]

use std::path::Path;
use std::process::ExitCode;
use switchyard_channel::Endpoint;
use switchyard_ipc::wire::Client;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (dir, command, call_args) = match args.as_slice() {
        [dir, command] => (dir, command, "{}"),
        [dir, command, json] => (dir, command, json.as_str()),
        _ => {
            eprintln!("usage: core_call DATA_DIR COMMAND [ARGS_JSON]");
            return ExitCode::from(2);
        }
    };
    let Ok(call_args) = serde_json::from_str::<serde_json::Value>(call_args) else {
        eprintln!("core_call: ARGS_JSON is not JSON");
        return ExitCode::from(2);
    };
    let endpoint = Endpoint::new(Path::new(dir));
    let (events, _rx) = tokio::sync::mpsc::unbounded_channel();
    let client = match Client::connect(&endpoint, events).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!(
                "core_call: cannot reach the core at {}: {e}",
                endpoint.describe()
            );
            return ExitCode::from(3);
        }
    };
    match client.call::<serde_json::Value>(command, call_args).await {
        Ok(value) => {
            println!("{value}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("{}", serde_json::to_string(&e).unwrap_or_default());
            ExitCode::FAILURE
        }
    }
}
