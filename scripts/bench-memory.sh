#!/usr/bin/env bash
# Memory of the desktop app through its lifecycle: the PSS of both process trees (the core
# process `switchyard-tray`, and the window process `switchyard` with its WebKit children, summed
# from /proc/<pid>/smaps_rollup) with the window open, after a real close (WM_DELETE_WINDOW, the
# title bar's close button), open again (a new launch), then over a run with traffic through the
# gateway (window open, then closed), and finally Quit (SIGTERM to the core, the same path as the
# tray's Quit; exit code checked). Each phase lets the app settle first.
#
# Usage: scripts/bench-memory.sh [duration_s] [binary]     (run by `./dev bench-memory`)
#   duration_s  length of the traffic run, split between window open and closed (default 60;
#               600 for the recorded run in docs/BENCHMARKS.md)
# Runs in a throw-away session (Xvfb, private D-Bus and XDG folders, isolated data folder and
# keychain service name) unless it already is in one (BENCH_MEMORY_IN_SESSION=1).
# Environment: SETTLE_S (seconds to settle before each sample, default 5), RATE (requests a
# second during the traffic run, default 5), plus any WEBKIT_* variable to compare settings.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-60}
bin=$(realpath "${2:-${CARGO_TARGET_DIR:-target}/release/switchyard}")
core_bin=$(dirname "$bin")/switchyard-tray
[ -x "$bin" ] && [ -x "$core_bin" ] || { echo "no $bin or $core_bin: build them first (./dev bench-memory builds release binaries)" >&2; exit 2; }

if [ -z "${BENCH_MEMORY_IN_SESSION:-}" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp"/{data,cache,config,runtime}
  chmod 700 "$tmp/runtime"
  XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache" XDG_CONFIG_HOME="$tmp/config" \
    XDG_RUNTIME_DIR="$tmp/runtime" BENCH_MEMORY_IN_SESSION=1 \
    xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash -c '
      printf %s switchyard-bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null
      exec "$@"' _ "$0" "$duration" "$bin"
  exit
fi

settle=${SETTLE_S:-5}
rate=${RATE:-5}
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export SWITCHYARD_DATA_DIR=$data SWITCHYARD_KEYRING_SERVICE=switchyard-bench-memory SWITCHYARD_GATEWAY_PORT=$port
base=http://127.0.0.1:$port
core=
win=
traffic=
cleanup() {
  [ -n "$traffic" ] && kill "$traffic" 2>/dev/null
  [ -n "$win" ] && kill -KILL "$win" 2>/dev/null
  [ -n "$core" ] && kill -KILL "$core" 2>/dev/null
  rm -rf "$data"
}
trap cleanup EXIT

window() { xdotool search --onlyvisible --name '^Switchyard$' 2>/dev/null | head -1; }
wait_window() {
  for _ in $(seq 150); do [ -n "$(window)" ] && return; sleep 0.1; done
  echo "no window appeared" >&2; exit 1
}
close_window() {
  python3 scripts/x11-close-window.py "$(window)"
  for _ in $(seq 100); do [ -z "$(window)" ] && return; sleep 0.1; done
  echo "the window did not close" >&2; exit 1
}
# A process and every descendant (WebKitWebProcess, WebKitNetworkProcess).
tree() {
  local p=$1 c
  echo "$p"
  for c in $(pgrep -P "$p"); do tree "$c"; done
}
# One line per sample: PSS (MiB) per process kind and in total, and the anonymous + shmem part
# (what the kernel cannot drop; the rest is file-backed library and binary pages).
printf '%-22s %8s %8s %8s %8s %9s %13s\n' phase core window web network "total PSS" "anon+shmem"
sample() {
  local label=$1 cor=0 w=0 web=0 net=0 total=0 anon=0 p name pss an
  [ -n "$win" ] && ! kill -0 "$win" 2>/dev/null && win=
  for p in $(tree "$core"; [ -n "$win" ] && tree "$win"); do
    [ -r "/proc/$p/smaps_rollup" ] || continue
    read -r pss an < <(awk '/^Pss:/{p=$2} /^Pss_Anon:/{a+=$2} /^Pss_Shmem:/{a+=$2} END{print p+0, a+0}' "/proc/$p/smaps_rollup")
    name=$(basename "$(tr '\0' '\n' <"/proc/$p/cmdline" | head -1)")
    case $name in
      WebKitWebProcess) web=$((web + pss)) ;;
      WebKitNetworkProcess) net=$((net + pss)) ;;
      switchyard-tray) cor=$((cor + pss)) ;;
      *) w=$((w + pss)) ;;
    esac
    total=$((total + pss)); anon=$((anon + an))
  done
  printf '%-22s %8.1f %8.1f %8.1f %8.1f %9.1f %13.1f\n' "$label" \
    "$(bc -l <<<"$cor/1024")" "$(bc -l <<<"$w/1024")" "$(bc -l <<<"$web/1024")" "$(bc -l <<<"$net/1024")" \
    "$(bc -l <<<"$total/1024")" "$(bc -l <<<"$anon/1024")"
}
chat() {
  curl -sf -o /dev/null "$base/v1/chat/completions" -H "authorization: Bearer $token" \
    -H 'content-type: application/json' \
    -d "{\"model\":\"demo-chat\",\"stream\":$2,\"messages\":[{\"role\":\"user\",\"content\":\"bench $1\"}]}"
}
start_traffic() {
  (
    i=0
    while :; do
      i=$((i + 1))
      if [ $((i % 2)) -eq 0 ]; then chat "$i" true & else chat "$i" false & fi
      sleep "$(bc -l <<<"1/$rate")"
    done
  ) &
  traffic=$!
}
stop_traffic() { kill "$traffic" 2>/dev/null || true; wait "$traffic" 2>/dev/null || true; traffic=; }

token=$("$bin" token create bench-memory 2>/dev/null | grep -o '^sy-[0-9a-f]*')
# The core first, as start at login does (so this script sees its exit code), then the window.
"$core_bin" >"$data/core.out" 2>&1 &
core=$!
"$bin" >"$data/app.out" 2>&1 &
win=$!
wait_window
for _ in $(seq 100); do curl -s -o /dev/null "$base/" && break; sleep 0.1; done
sleep "$settle"; sample "window open"
close_window; sleep "$settle"; sample "window closed"
"$bin" >/dev/null 2>&1 & # a new launch opens the window again
win=$!
wait_window; sleep "$settle"; sample "open again"

half=$((duration / 2))
every=$(( half >= 50 ? half / 5 : 10 ))
start_traffic
for t in $(seq "$every" "$every" "$half"); do sleep "$every"; sample "traffic, open, ${t}s"; done
close_window
for t in $(seq "$every" "$every" "$half"); do sleep "$every"; sample "traffic, closed, ${t}s"; done
stop_traffic
sleep "$settle"; sample "closed, after traffic"
requests=$("$bin" requests --limit 1000 --json 2>/dev/null | grep -c '"id"' || true)

kill -TERM "$core"
code=0; wait "$core" || code=$?
core=
echo "quit (SIGTERM): exit code $code; ledger rows (newest 1000 at most): $requests"
