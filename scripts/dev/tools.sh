# Sourced by ./dev: the test tools it installs when they are missing, each pinned (PyPI
# virtualenvs under tests/, Debian's Prometheus unpacked into tests/.tools, cargo installs).
# Uses dev's ROOT, log, die, as_root and ensure_apt.

# venv_make VENV STAMP WHAT PIP_ARGS…: a virtualenv at VENV with `pip install PIP_ARGS…` from PyPI,
# remade only when STAMP (what pins it: a version, a requirements file's text) changed.
venv_make() {
  local venv=$1 stamp=$2 what=$3
  shift 3
  if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.switchyard-stamp" 2>/dev/null)" = "$stamp" ]; then
    return
  fi
  python3 -c 'import ensurepip, venv' 2>/dev/null || ensure_apt python3-venv python3-pip
  log "installing $what from PyPI into ${venv#"$ROOT"/}"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$@"
  printf '%s' "$stamp" > "$venv/.switchyard-stamp"
}

# venv_install VENV REQUIREMENTS WHAT: venv_make pinned by a requirements file.
venv_install() {
  venv_make "$1" "$(cat "$2")" "$3" -r "$2"
}

# aider is a Python program (PyPI): pinned, in a virtualenv of the CLI suite (about 2 minutes once).
AIDER_VERSION=0.86.2
ensure_aider() {
  venv_make "$ROOT/tests/clis/.venv" "aider-chat==$AIDER_VERSION" "aider $AIDER_VERSION" "aider-chat==$AIDER_VERSION"
}

# The real consumers of the run reports (junitparser, jsonschema), pinned, in tests/reports/.venv.
ensure_report_tools() {
  venv_install "$ROOT/tests/reports/.venv" "$ROOT/tests/reports/requirements.txt" "junitparser and jsonschema"
}

# Debian's promtool and Prometheus server (from the prometheus package, unpacked into tests/.tools:
# installing the package would also install and start a system Prometheus). Exports PROMTOOL and
# PROMETHEUS for the tests: promtool checks the exposition, the server scrapes with a scrape token.
ensure_promtool() {
  local dir="$ROOT/tests/.tools"
  if command -v promtool >/dev/null && command -v prometheus >/dev/null; then
    export PROMTOOL=$(command -v promtool) PROMETHEUS=$(command -v prometheus)
    return
  fi
  if [ ! -x "$dir/promtool" ] || [ ! -x "$dir/prometheus" ]; then
    log "unpacking promtool and prometheus from Debian's prometheus package into tests/.tools"
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download prometheus >/dev/null 2>&1) \
      || { as_root apt-get update -qq && (cd "$tmp" && apt-get download prometheus >/dev/null 2>&1); } \
      || die "cannot download Debian's prometheus package (for promtool and the Prometheus server)"
    dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/x"
    mkdir -p "$dir"
    cp "$tmp/x/usr/bin/promtool" "$tmp/x/usr/bin/prometheus" "$dir/"
    rm -rf "$tmp"
  fi
  export PROMTOOL="$dir/promtool" PROMETHEUS="$dir/prometheus"
}

# The official MCP Python SDK (PyPI `mcp`), pinned, in tests/mcp/.venv: the MCP server's client.
ensure_mcp_client() {
  venv_install "$ROOT/tests/mcp/.venv" "$ROOT/tests/mcp/requirements.txt" "the MCP Python SDK"
}

# check-jsonschema (PyPI), pinned, with its own copy of GitHub's workflow schema: checks
# .github/workflows/release.yml, which only GitHub can run.
ensure_workflow_check() {
  venv_install "$ROOT/tests/.tools/check-jsonschema" "$ROOT/scripts/ci/workflow-requirements.txt" "check-jsonschema"
}

ensure_tauri_driver() {
  command -v tauri-driver >/dev/null && return
  log "installing tauri-driver (cargo install, about a minute)"
  cargo install tauri-driver --version '^2' --locked --quiet
}

ensure_cargo_deny() {
  command -v cargo-deny >/dev/null && return
  log "installing cargo-deny (cargo install, about four minutes)"
  cargo install cargo-deny --version '^0.20' --locked --quiet
}
