//! `switchyard-serve`: the headless gateway and token commands without any GUI library linked.
//! Same commands, data folder and keychain as `switchyard serve` / `switchyard token …`; smaller
//! and lighter for servers, CI and benchmarks.

fn main() -> std::process::ExitCode {
    switchyard_app::paths::private_files();
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        args.push("serve".into());
    }
    switchyard_app::cli::main(&args)
}
