#!/usr/bin/env bash
# Start-up benchmark: launches the built app N times (fresh data folder each time, Xvfb when
# there is no display) and prints the time from process start to the UI's first paint, as
# logged by the app (`UI painted first_paint_ms=…`). Usage: scripts/bench-startup.sh [runs] [binary]
set -euo pipefail
runs=${1:-5}
bin=${2:-target/debug/switchyard}
[ -x "$bin" ] || { echo "build the app first (./dev run or cargo build -p switchyard-desktop)" >&2; exit 2; }
results=()
for i in $(seq "$runs"); do
  d=$(mktemp -d)
  cmd=(env SWITCHYARD_DATA_DIR="$d" SWITCHYARD_KEYRING_SERVICE=switchyard-bench timeout 10 "$bin")
  [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && cmd=(xvfb-run -a "${cmd[@]}")
  ( "${cmd[@]}" >/dev/null 2>&1 & pid=$!
    for _ in $(seq 100); do grep -qs first_paint_ms "$d"/logs/* && break; sleep 0.1; done
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true )
  ms=$(grep -hos "first_paint_ms=[0-9]*" "$d"/logs/* | head -1 | cut -d= -f2)
  rm -rf "$d"
  [ -n "$ms" ] || { echo "run $i: no first paint within 10 s" >&2; continue; }
  results+=("$ms")
  echo "run $i: first paint after $ms ms"
done
[ ${#results[@]} -gt 0 ] || exit 1
sorted=$(printf '%s\n' "${results[@]}" | sort -n)
echo "first paint (ms): min $(echo "$sorted" | head -1), median $(echo "$sorted" | sed -n "$(( (${#results[@]} + 1) / 2 ))p"), max $(echo "$sorted" | tail -1) over ${#results[@]} runs"
