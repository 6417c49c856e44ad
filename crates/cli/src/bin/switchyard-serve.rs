//! `switchyard-serve`: the headless gateway and token commands without any GUI library linked.
//! Same commands, data folder and keychain as `switchyard serve` / `switchyard token …`; smaller
//! and lighter for servers, CI and benchmarks.

/// jemalloc rather than glibc's malloc: a proxied request allocates and frees about fifty
/// blocks on its serving thread, several of them 8 KiB buffers that miss glibc's per-thread
/// cache; at 8 requests in flight jemalloc takes about a seventh off the CPU per request, for
/// 2–4 MiB more peak RSS (docs/BENCHMARKS.md, issue #19). The desktop's core process keeps the
/// system allocator: its memory, not its throughput, is what it is measured by. Linux only
/// (where it was measured, and the only target it builds for from this machine).
#[cfg(all(feature = "jemalloc", target_os = "linux"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    switchyard_runtime::paths::private_files();
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        args.push("serve".into());
    }
    switchyard_cli::main(&args)
}
