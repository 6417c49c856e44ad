#!/usr/bin/env bash
# Start-up benchmark: launches the built app N times (fresh data folder each time, Xvfb when
# there is no display) and prints, per run, when the window was mapped (xdotool) and when the UI
# first painted (the app logs `UI painted first_paint_ms=…`), both from process start. Each run
# starts cold: the window starts its core process (which is quit after the run).
# Usage: scripts/bench-startup.sh [runs] [binary]
set -euo pipefail
runs=${1:-5}
bin=$(realpath "${2:-target/debug/switchyard}")
[ -x "$bin" ] || { echo "build the app first (./dev run or cargo build -p switchyard-desktop)" >&2; exit 2; }
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$runs" "$bin"
fi
maps=(); paints=()
for i in $(seq "$runs"); do
  d=$(mktemp -d)
  start=$(date +%s%N)
  SWITCHYARD_DATA_DIR="$d" SWITCHYARD_KEYRING_SERVICE=switchyard-bench SWITCHYARD_GATEWAY_PORT=0 \
    "$bin" >/dev/null 2>&1 &
  pid=$!
  timeout 10 xdotool search --sync --onlyvisible --name '^Switchyard$' >/dev/null 2>&1 || true
  mapped=$(( ($(date +%s%N) - start) / 1000000 ))
  for _ in $(seq 100); do grep -qs first_paint_ms "$d"/logs/* && break; sleep 0.1; done
  paint=$(grep -hos "first_paint_ms=[0-9]*" "$d"/logs/* | head -1 | cut -d= -f2 || true)
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  # The window started its core process: it names its pid in the lock file.
  core=$(cat "$d/core.lock" 2>/dev/null || true)
  if [ -n "$core" ]; then kill -TERM "$core" 2>/dev/null || true; while kill -0 "$core" 2>/dev/null; do sleep 0.05; done; fi
  rm -rf "$d"
  [ -n "$paint" ] || { echo "run $i: no first paint within 10 s" >&2; continue; }
  maps+=("$mapped"); paints+=("$paint")
  echo "run $i: window mapped after $mapped ms, first paint after $paint ms"
done
[ ${#paints[@]} -gt 0 ] || exit 1
stats() { sort -n | awk '{a[NR]=$1} END {printf "min %d, median %d, max %d", a[1], a[int((NR+1)/2)], a[NR]}'; }
echo "window mapped (ms): $(printf '%s\n' "${maps[@]}" | stats) over ${#maps[@]} runs"
echo "first paint (ms):   $(printf '%s\n' "${paints[@]}" | stats) over ${#paints[@]} runs"
