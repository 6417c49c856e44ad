#!/usr/bin/env bash
# `switchyard statusline` against its floor, side by side with hyperfine: the same binary printing
# its version (process start and exit, nothing else), on a data folder with 200 recorded
# requests and two backends (one failing), plus the command as installed (the core's binary) and
# the window binary's. Run by `./dev bench-statusline`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/switchyard-serve
data=$(mktemp -d)
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$data"' EXIT
export SWITCHYARD_DATA_DIR=$data SWITCHYARD_KEYRING_SERVICE=switchyard-bench-statusline SWITCHYARD_GATEWAY_PORT=0

token=$("$bin" token create bench | grep -o '^sy-[0-9a-f]*')
"$bin" backend add Local --kind openai-compatible --base-url http://127.0.0.1:9/v1 --model m >/dev/null
"$bin" serve >"$data/serve.log" 2>&1 & pid=$!
for _ in $(seq 50); do grep -q listening "$data/serve.log" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$data/serve.log" | head -1)
# The Demo backend answers like a real model (hundreds of ms): 16 at a time.
seq 200 | xargs -P 16 -I{} curl -s -o /dev/null "$url/v1/chat/completions" -H "authorization: Bearer $token" \
  -H 'content-type: application/json' -d '{"model":"demo-chat","messages":[{"role":"user","content":"hi {}"}]}'

kill "$pid"; wait "$pid" 2>/dev/null || true
echo "statusline: $("$bin" statusline)"
# The command Switchyard installs is the core binary's (`switchyard-tray statusline`); the window
# binary's (`switchyard statusline`, which loads GTK and WebKit before it execs the core's) is
# measured too for comparison. Both when they are built (`./dev bench-memory` builds them).
extra=()
for b in target/release/switchyard-tray target/release/switchyard; do
  [ -x target/release/switchyard-tray ] && [ -x "$b" ] && extra+=("$b statusline")
done
hyperfine -N --warmup 5 --runs 200 "$bin --version" "$bin statusline" "${extra[@]}"
