# Sourced by ./dev: Windows and macOS from this Debian machine (docs/PLATFORMS.md). Uses dev's
# ROOT, log, die, ensure_apt, in_test_session and venv_make (scripts/dev/tools.sh).
# rustup offers no Windows or macOS standard library here, but Debian's Rust 1.96 ships its
# source, so std is built for the target (-Zbuild-std; RUSTC_BOOTSTRAP lets a stable compiler
# take that flag). MinGW-w64 links Windows programs; Wine 8 runs them.
CROSS_PKGS=(rustc-web cargo-web rust-web-src rust-web-clippy mingw-w64 wine64)
WINDOWS_TARGET=x86_64-pc-windows-gnu

# cross_cargo TARGET SUBCOMMAND ARGS…: Debian's cargo/rustc/clippy 1.96 for TARGET, std from
# source, in target/cross (its own std and crates under target/cross/TARGET; build scripts and
# proc-macros shared by every target), or in CROSS_DIR when set (`./dev test` checks macOS in a
# folder of its own, so it runs beside the Windows pass instead of waiting for cargo's lock).
cross_cargo() {
  local target=$1 sub=$2
  shift 2
  PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
    CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc \
    /usr/bin/cargo "$sub" -Zbuild-std --target "$target" --target-dir "${CROSS_DIR:-$ROOT/target/cross}" "$@"
}

# Clippy (which type-checks everything) of the whole workspace's product code for Windows (every
# library, program and example; not the test and bench targets: they are platform-neutral, the
# Linux clippy checks them, and nothing runs them on Windows), zero warnings, in the same pass
# that builds them: clippy's driver wraps rustc for the workspace's own crates (as `cargo clippy`
# does, with its arguments in CLIPPY_ARGS), so the dependencies are compiled once, not checked
# and then built. That pass builds the Windows programs the Wine suite runs, and the window's
# .exe, which must build although Wine cannot run it (no WebView2). The Linux-only measuring and
# checking tools (switchyard-bench: nginx, wrk and /proc; switchyard-guard: reads our sources)
# are left out here and on macOS. `missing_const_for_thread_local`
# is allowed here only: clippy 1.96 reports it on a thread_local that is already `const`
# (crates/gateway/src/http.rs) when std is built from source; rustup's clippy on Linux keeps it on.
windows_build() {
  log "Windows: clippy -D warnings of the whole workspace, built ($WINDOWS_TARGET, std from source)"
  local arg clippy_args=""
  for arg in -D warnings -A clippy::missing_const_for_thread_local; do
    clippy_args+="$arg"__CLIPPY_HACKERY__
  done
  CLIPPY_ARGS="$clippy_args" RUSTC_WORKSPACE_WRAPPER=/usr/bin/clippy-driver \
    cross_cargo "$WINDOWS_TARGET" build --workspace --exclude switchyard-bench --exclude switchyard-guard \
    --lib --bins --examples --quiet
}

# zig from PyPI, pinned, in tests/.tools/zig: the C compiler of the macOS type check (it ships
# macOS libc headers; scripts/cross/zig-cc adapts cc-rs's arguments).
ZIG_VERSION=0.17.1
ensure_zig() {
  venv_make "$ROOT/tests/.tools/zig" "ziglang==$ZIG_VERSION" "zig $ZIG_VERSION (ziglang)" "ziglang==$ZIG_VERSION"
}

# Clippy (which type-checks everything) of the whole workspace's product code for macOS on Apple
# silicon (as for Windows: libraries, programs, examples), zero warnings. Nothing is linked and nothing runs: the macOS-only code is type-checked, no more
# (docs/PLATFORMS.md). Objective-C sources get an empty object (scripts/cross/zig-cc).
macos_check() {
  ensure_zig
  log "macOS: clippy -D warnings of the whole workspace (aarch64-apple-darwin, std from source, zig as C compiler)"
  ZIG_PYTHON="$ROOT/tests/.tools/zig/bin/python" \
    CC_aarch64_apple_darwin="$ROOT/scripts/cross/zig-cc" CXX_aarch64_apple_darwin="$ROOT/scripts/cross/zig-cc" \
    AR_aarch64_apple_darwin="$ROOT/scripts/cross/zig-ar" \
    cross_cargo aarch64-apple-darwin clippy --workspace --exclude switchyard-bench --exclude switchyard-guard \
    --lib --bins --examples --quiet -- -D warnings \
    -A clippy::missing_const_for_thread_local
}

# Runs the Windows build under Wine in a throw-away prefix: the SDK, MCP, reports and headless
# suites against switchyard-serve.exe, then the Windows-only checks (tests/wine/check_wine.py).
# Wine 8 lacks bcryptprimitives.dll (ProcessPrng, which Rust's std needs): the shim built from
# scripts/cross/bcryptprimitives.c sits next to the .exe files, for these tests only.
wine_suites() {
  local out="$ROOT/target/cross/$WINDOWS_TARGET/debug" tmp rc=0 # cargo's TARGET/debug
  tmp=$(mktemp -d)
  mkdir -p "$tmp/bin"
  x86_64-w64-mingw32-gcc -shared -O2 -o "$tmp/bin/bcryptprimitives.dll" \
    "$ROOT/scripts/cross/bcryptprimitives.c" -ladvapi32
  # The window's .exe too: start at login names it (it cannot run: Wine has no WebView2).
  cp "$out/switchyard-serve.exe" "$out/switchyard-tray.exe" "$out/switchyard.exe" \
    "$out/examples/core_call.exe" "$out/examples/squat_pipe.exe" "$out/examples/hold_file.exe" "$tmp/bin/"
  printf '#!/usr/bin/env bash\nexec %q %q "$@"\n' "$ROOT/scripts/cross/wine-run" "$tmp/bin/switchyard-serve.exe" \
    > "$tmp/switchyard-serve"
  chmod +x "$tmp/switchyard-serve"
  export WINEPREFIX="$tmp/prefix" WINEDEBUG=-all WINE_BIN="$tmp/bin" \
    SWITCHYARD_MOCK="$ROOT/target/debug/switchyard-mock"
  log "Wine: creating a throw-away prefix"
  /usr/lib/wine/wine64 "$tmp/bin/switchyard-serve.exe" --version >/dev/null 2>&1 \
    || die "switchyard-serve.exe does not run under Wine"
  # Wine links the profile's Documents, Desktop, … to the Linux home; the tests write there (a
  # PowerShell profile in Documents), so they become plain folders of the throw-away prefix.
  local link
  for link in "$WINEPREFIX"/drive_c/users/*/*; do
    if [ -L "$link" ]; then rm "$link" && mkdir "$link"; fi
  done
  # One wineserver for the whole run: two Wine programs started at the same moment with none
  # running can race to start it, and one of them hangs. (`-p` refuses while one still runs.)
  # The first program then starts Wine's system programs (services, explorer), which keep its
  # standard streams: given a test's captured pipe they would hold it open, so a program with
  # none starts them.
  /usr/lib/wine/wineserver -w
  /usr/lib/wine/wineserver -p </dev/null >/dev/null 2>&1
  /usr/lib/wine/wine64 "$tmp/bin/switchyard-serve.exe" --version </dev/null >/dev/null 2>&1
  # Wine's Credential Manager makes its encryption key on the prefix's first credential write,
  # unlocked: two programs storing their first keys at once (the SDK suites run three stacks at
  # a time) each make one, the later overwrites it, and the earlier one's keys read back as
  # garbage ("not valid text"). A fresh prefix gets its key here, before anything runs at once.
  /usr/lib/wine/wine64 reg add 'HKCU\Software\Wine\Credential Manager' /v EncryptionKey \
    /t REG_BINARY /d "$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')" /f </dev/null >/dev/null 2>&1 \
    || die "could not give Wine's Credential Manager its key"
  log "Wine: official SDKs, MCP SDK, reports and the headless set-up against switchyard-serve.exe"
  # SWITCHYARD_WINE tells the suites they drive the Windows build (team.test.js skips itself).
  SWITCHYARD_WINE=1 SWITCHYARD_SERVE="$tmp/switchyard-serve" in_test_session bash -c '
    set -e
    (cd tests/sdk && npm test --silent)
    tests/mcp/.venv/bin/python tests/mcp/check_mcp.py
    tests/reports/.venv/bin/python tests/reports/check_reports.py
    python3 tests/headless/check_setup.py
    python3 tests/wine/check_wine.py' || rc=$?
  /usr/lib/wine/wineserver -k </dev/null >/dev/null 2>&1 || true
  rm -rf "$tmp"
  unset WINEPREFIX WINE_BIN
  [ "$rc" -eq 0 ] || die "the Wine suites failed"
}


# .github/workflows/release.yml runs only on GitHub. Here it is checked against GitHub's workflow
# schema (check-jsonschema's copy) and for being in step with ./dev: its Linux tests are
# .ci/run, it builds with the Rust that builds here, and it ships the sidecar that
# src-tauri/tauri.bundle.json names.
check_release_workflow() {
  local wf="$ROOT/.github/workflows/release.yml" rust
  log "release workflow: GitHub's schema, and in step with ./dev"
  ensure_workflow_check
  "$ROOT/tests/.tools/check-jsonschema/bin/check-jsonschema" --builtin-schema vendor.github-workflows \
    "$wf" >/dev/null || die "$wf does not follow GitHub's workflow schema"
  grep -q 'run: bash .ci/run' "$wf" || die "release.yml's Linux tests do not run .ci/run"
  rust=$(rustc -V | sed -E 's/^rustc ([0-9]+\.[0-9]+).*/\1/')
  grep -q "RUST_TOOLCHAIN: \"$rust\"" "$wf" || die "release.yml does not build with Rust $rust, as ./dev does"
  grep -q '"binaries/switchyard-tray"' "$ROOT/src-tauri/tauri.bundle.json" \
    && grep -q 'src-tauri/binaries/switchyard-tray-' "$wf" \
    || die "release.yml and src-tauri/tauri.bundle.json disagree on the core process's sidecar"
  # Updates: signed packages, each signature checked against the key copies carry, then the
  # manifest (its script is tested with real signatures in crates/release's tests).
  grep -q 'createUpdaterArtifacts' "$wf" && grep -q 'TAURI_SIGNING_PRIVATE_KEY: ' "$wf" \
    && grep -q 'crates/release/release-key.pub' "$wf" && grep -q 'scripts/release/latest_json.py' "$wf" \
    || die "release.yml does not sign the packages for the updater and publish latest.json"
}
