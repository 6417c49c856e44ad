# shellcheck shell=bash
# `./dev compat`: the newest published version of each of the ten agents and of the official
# SDKs, checked against this tree's gateway. Sourced by ./dev (log, die, ensure_*, venv_make,
# in_test_session come from there).
#
# 1. scripts/compat-resolve.mjs asks npm and PyPI for the newest versions (and their release
#    times) and writes the install manifests into the compat folder, outside the repository:
#    ${SWITCHYARD_COMPAT_DIR:-${XDG_CACHE_HOME:-~/.cache}/switchyard/compat/<date>}.
# 2. They are installed there (npm; aider into a virtualenv), not in tests/clis: `./dev test`
#    keeps its pins.
# 3. tests/clis runs against them (SWITCHYARD_CLIS_DIR, SWITCHYARD_AIDER) with every request the
#    agents send recorded by a hop in front of the gateway (SWITCHYARD_RECORD_DIR,
#    tests/sdk/record.js); a copy of the SDK suites runs with the newest SDKs beside it.
#    The agents' own usage records in the suites' throw-away HOMEs are kept, scrubbed, before
#    those go (SWITCHYARD_USAGE_LOGS_DIR, tests/clis/keep-logs.js: an allow-list of record files).
# 4. scripts/compat-fixtures.mjs keeps the recorded requests as tests/fixtures/agents/,
#    scripts/compat-logs.mjs the usage records as tests/fixtures/usage/compat/ (read back by
#    crates/usage/tests/compat_logs.rs), and scripts/compat-report.mjs writes
#    docs/COMPATIBILITY.md from the results.
# No step reads stdin; each is bounded by `timeout` (COMPAT_TIMEOUT, seconds, per suite run).

# The SDK suites run with the newest SDKs: those of one process each with the mock (the team,
# metrics and bench files need PostgreSQL, Redis or promtool and check no SDK surface more).
COMPAT_SDK_SUITES=(anthropic.test.js chat.test.js embeddings.test.js gemini.test.js responses.test.js sdk.test.js limits.test.js)

# npm install in `dir` when its package.json changed since the last install there.
compat_npm() {
  local dir=$1 stamp="$1/node_modules/.switchyard-manifest"
  if [ -f "$stamp" ] && cmp -s "$dir/package.json" "$stamp"; then return; fi
  log "installing $(node -p 'Object.entries({...require(process.argv[1]).dependencies, ...require(process.argv[1]).optionalDependencies}).map(([k, v]) => k + "@" + v).join(", ")' "$dir/package.json") into $dir"
  (cd "$dir" && timeout 1200 npm install --no-audit --no-fund --loglevel=error </dev/null)
  cp "$dir/package.json" "$stamp"
}

# Runs `node --test FILES` in `cwd` under the test session, with the results as JSON lines in
# `results` (scripts/compat-reporter.mjs) and the usual spec output on the terminal. Never fails:
# the report says what failed.
compat_suite() {
  local cwd=$1 results=$2
  shift 2
  rm -f "$results"
  # shellcheck disable=SC2016 # expanded by the inner shell, from its arguments
  in_test_session bash -c 'cd "$1" && exec timeout "$COMPAT_TIMEOUT" node --test --test-concurrency=1 \
      --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter="$2" --test-reporter-destination="$3" "${@:4}" </dev/null' \
    _ "$cwd" "$ROOT/scripts/compat-reporter.mjs" "$results" "$@" || true
}

cmd_compat() {
  ensure_apt "${SESSION_PKGS[@]}" zstd
  ensure_rust
  ensure_node
  local day dir
  day=$(date -u +%F)
  dir=${SWITCHYARD_COMPAT_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/switchyard/compat/$day}
  export COMPAT_TIMEOUT=${COMPAT_TIMEOUT:-2400}
  mkdir -p "$dir"
  # One day's install is about 3 GB: an older day's folder in the default place is removed.
  if [ -z "${SWITCHYARD_COMPAT_DIR:-}" ]; then
    find "$(dirname "$dir")" -mindepth 1 -maxdepth 1 -type d ! -name "$day" -exec rm -rf {} +
  fi
  log "the newest published agents and SDKs (npm view, PyPI)"
  timeout 600 node scripts/compat-resolve.mjs "$dir" </dev/null
  compat_npm "$dir/clis"
  compat_npm "$dir/sdk"
  local aider
  aider=$(node -p 'require(process.argv[1]).find((v) => v.id === "aider").version' "$dir/versions.json")
  venv_make "$dir/aider-venv" "aider-chat==$aider" "aider $aider" "aider-chat==$aider"
  cargo build -p switchyard-cli --bin switchyard-serve -p switchyard-mock --quiet

  log "real coding CLIs (the newest versions, in $dir) against the headless gateway, their requests recorded"
  rm -rf "$dir/raw" "$dir/usage-logs"
  local suites=(tests/clis/*.test.js)
  SWITCHYARD_CLIS_DIR="$dir/clis" SWITCHYARD_AIDER="$dir/aider-venv/bin/aider" SWITCHYARD_RECORD_DIR="$dir/raw" \
    SWITCHYARD_USAGE_LOGS_DIR="$dir/usage-logs" compat_suite "$ROOT/tests/clis" "$dir/clis-results.jsonl" "${suites[@]##*/}"

  log "official SDKs (the newest versions) against the headless gateway"
  cp tests/sdk/harness.js tests/sdk/record.js "${COMPAT_SDK_SUITES[@]/#/tests/sdk/}" "$dir/sdk/"
  SWITCHYARD_ROOT="$ROOT" compat_suite "$dir/sdk" "$dir/sdk-results.jsonl" "${COMPAT_SDK_SUITES[@]}"

  log "the agents' requests as fixtures (tests/fixtures/agents)"
  node scripts/compat-fixtures.mjs "$dir/raw" "$dir/versions.json" tests/fixtures/agents
  log "the agents' own usage records as fixtures (tests/fixtures/usage/compat)"
  node scripts/compat-logs.mjs "$dir/usage-logs" "$dir/versions.json" tests/fixtures/usage/compat "$day"
  log "docs/COMPATIBILITY.md"
  node scripts/compat-report.mjs "$dir" docs/COMPATIBILITY.md "$day" || die "some checks failed with the newest versions: see docs/COMPATIBILITY.md"
  log "all checks pass with the newest versions"
}
