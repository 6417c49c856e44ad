//! `switchyard mcp`: the MCP server on stdin/stdout, for `claude mcp add switchyard --
//! switchyard mcp`, Codex's `[mcp_servers.switchyard]` or any MCP client. It opens the core on
//! the same data folder and keychain as the app, with a private gateway on a free loopback port
//! for `ask` (whose requests are recorded as the tool "mcp"). Logs go to stderr and the log file:
//! stdout carries the protocol.

use std::process::ExitCode;

pub async fn mcp() -> ExitCode {
    let mut config = switchyard_app::GatewayConfig::default();
    config.bind.set_port(0);
    let (app, _guard) = match super::io::open_with(Some(config), true, false, false, None).await {
        Ok(a) => a,
        Err(e) => {
            eprintln!("switchyard: {e}");
            return ExitCode::FAILURE;
        }
    };
    let served = switchyard_interfaces::mcp::serve_stdio(app.clone()).await;
    app.shutdown(std::time::Duration::from_secs(5)).await;
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("switchyard: {e}");
            ExitCode::FAILURE
        }
    }
}
