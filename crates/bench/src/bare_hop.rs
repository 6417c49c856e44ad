//! `bare-hop --port PORT --upstream URL`: the gateway's HTTP stack as a bare proxy
//! (`switchyard_gateway::BareHop`), one serving thread per core as `switchyard-serve` has, and
//! the same allocator. `scripts/bench-proxy.sh` measures it beside nginx and the gateway, so
//! what the gateway adds over a bare nginx hop splits into the stack's share and the features'.
//! Prints `listening on http://ADDR` once it serves; stops on SIGTERM or Ctrl-C.

/// As in `switchyard-serve`, so the two differ only in what the gateway does per request.
#[cfg(target_os = "linux")]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use std::time::Duration;

fn usage() -> ! {
    eprintln!("usage: bare-hop --port PORT --upstream http://127.0.0.1:PORT[/base]");
    std::process::exit(2);
}

#[allow(clippy::print_stdout)] // the binary's one line of output
fn main() {
    let mut args = std::env::args().skip(1);
    let (mut port, mut upstream) = (None, None);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--port" => port = args.next().and_then(|p| p.parse::<u16>().ok()),
            "--upstream" => upstream = args.next(),
            _ => usage(),
        }
    }
    let (Some(port), Some(upstream)) = (port, upstream) else {
        usage()
    };
    let listener = match std::net::TcpListener::bind(("127.0.0.1", port))
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
    {
        Ok(l) => l,
        Err(e) => {
            eprintln!("bare-hop: cannot listen on 127.0.0.1:{port}: {e}");
            std::process::exit(1);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("bare-hop: {e}");
            std::process::exit(1);
        }
    };
    let workers = switchyard_gateway::GatewayConfig::default().workers;
    runtime.block_on(async move {
        let hop = match switchyard_gateway::BareHop::start(listener, &upstream, workers) {
            Ok(h) => h,
            Err(e) => {
                eprintln!("bare-hop: {e}");
                std::process::exit(1);
            }
        };
        println!(
            "listening on http://{} ({workers} serving threads)",
            hop.addr()
        );
        switchyard_os::QuitRequests::listen().next().await;
        hop.stop(Duration::from_secs(5)).await;
    });
}
