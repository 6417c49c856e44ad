#!/usr/bin/env bash
# Instructions (callgrind) or allocations (DHAT) per gateway request, free of the host's noise:
# `switchyard-serve` with one openai-compatible backend on a Python mock, N1 then N2 sequential
# keep-alive requests in two separate processes; per request = (count(N2) - count(N1)) / (N2 - N1).
# Every ledger batch then holds one record (under load it holds hundreds), and background work
# that runs on a clock (the monitor's evaluation, probes) adds a little per request, as the
# requests take time under valgrind: compare binaries with the same N1 and N2.
#
#   scripts/bench-icount.sh [BIN] [N1] [N2]   callgrind; THREADS=1 also prints each thread's
#                                             total (the serving thread, the ledger, ...)
#   TOOL=dhat scripts/bench-icount.sh ...     DHAT: allocations per request by call site; DHAT
#                                             sees only the system allocator, so give it a
#                                             binary built with `--no-default-features` (the
#                                             default switchyard-serve uses jemalloc)
#   STREAM=1 ...                              streamed requests (67 SSE events per answer)
#
# BIN defaults to target/release/switchyard-serve; N1 200, N2 1200 (DHAT 200, 700). Needs
# valgrind (installed with apt-get when missing). Used in docs/BENCHMARKS.md (issue #19).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
tool=${TOOL:-callgrind}
bin=$(realpath -m "${1:-$ROOT/target/release/switchyard-serve}")
n1=${2:-200}
n2=${3:-$([ "$tool" = dhat ] && echo 700 || echo 1200)}
[ -x "$bin" ] || { echo "no $bin: cargo build --release -p switchyard-cli --bin switchyard-serve" >&2; exit 1; }
[[ $n1 =~ ^[0-9]+$ && $n2 =~ ^[0-9]+$ && $n2 -gt $n1 ]] || { echo "N1 < N2, both integers" >&2; exit 1; }
case $tool in callgrind | dhat) ;; *) echo "TOOL is callgrind or dhat" >&2; exit 1 ;; esac
if ! command -v valgrind >/dev/null; then
  [ "$(id -u)" -eq 0 ] || { echo "valgrind is missing: apt-get install valgrind" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null
fi
py=$ROOT/scripts/bench-icount.py
work=$(mktemp -d)
read -r up port < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')
python3 "$py" upstream "$up" &
up_pid=$!
serve_pid=
cleanup() {
  [ -n "$serve_pid" ] && kill -KILL "$serve_pid" 2>/dev/null
  kill "$up_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# One process of N requests; its profile files end up in $work/$n.
profile() {
  local n=$1
  local dir=$work/$n
  mkdir -p "$dir/sy"
  export SWITCHYARD_DATA_DIR=$dir/sy SWITCHYARD_KEYRING_SERVICE=switchyard-bench-icount
  "$bin" backend add Upstream --kind openai-compatible --base-url "http://127.0.0.1:$up/v1" \
    --model gpt-4o-mini </dev/null >"$dir/setup.log" 2>&1
  local token
  token=$("$bin" token create bench </dev/null 2>>"$dir/setup.log" | grep -o '^sy-[0-9a-f]*')
  local opts=(--tool=callgrind "--callgrind-out-file=$dir/cg.%p")
  [ -n "${THREADS:-}" ] && opts+=(--separate-threads=yes)
  [ "$tool" = dhat ] && opts=(--tool=dhat "--dhat-out-file=$dir/dhat.json")
  valgrind "${opts[@]}" "$bin" serve --port "$port" </dev/null >"$dir/serve.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 600); do grep -q "listening on http://127.0.0.1:$port" "$dir/serve.log" && break; sleep 0.1; done
  grep -q "listening on" "$dir/serve.log" || { echo "serve did not start: $(tail -5 "$dir/serve.log")" >&2; exit 1; }
  python3 "$py" client "$port" "$token" "$n"
  kill -TERM "$serve_pid"
  wait "$serve_pid" || true
  serve_pid=
}
total() { # PROGRAM TOTALS of one callgrind file (0 for a file without events)
  local t
  t=$(callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ && !done {gsub(",", "", $1); print $1; done = 1}') || true
  echo "${t:-0}"
}
profile "$n1"
profile "$n2"
echo "$bin, $((n2 - n1)) requests between the two runs${STREAM:+ (streamed)}:"
if [ "$tool" = dhat ]; then
  python3 "$py" dhat-diff "$work/$n1/dhat.json" "$work/$n2/dhat.json" $((n2 - n1))
  exit 0
fi
sum() { local f s=0; for f in "$work/$1"/cg.*; do s=$((s + $(total "$f"))); done; echo "$s"; }
a=$(sum "$n1")
b=$(sum "$n2")
echo "instructions per request: $(((b - a) / (n2 - n1)))  (totals $a for $n1, $b for $n2)"
if [ -n "${THREADS:-}" ]; then
  for f in "$work/$n2"/cg.*-*; do
    t=${f##*-}
    g=$(ls "$work/$n1"/cg.*-"$t" 2>/dev/null | head -1)
    x=$(total "$f"); y=0
    [ -n "$g" ] && y=$(total "$g")
    per=$(((x - y) / (n2 - n1)))
    [ "$per" -gt 1000 ] && echo "  thread $t: $per per request"
  done
fi
