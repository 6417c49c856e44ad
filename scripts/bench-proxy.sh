#!/usr/bin/env bash
# What the Switchyard gateway adds over a bare nginx reverse-proxy hop, side by side in one run:
# the same small chat completion POST (scripts/bench-proxy.lua) through
#   upstream    nginx serving a fixed OpenAI chat completion (with `usage`) and a model list
#               (the monitor's probe), `worker_processes 1`: the mock provider, hit directly;
#   nginx       a second nginx (`worker_processes 1`) proxying to it over keep-alive connections
#               (`upstream` block with `keepalive 64`, HTTP/1.1, `Connection ""`): the floor;
#   hop         target/release/bare-hop (crates/bench): the gateway's own HTTP stack (its serving
#               threads, hyper's server behind axum, the hyper-util client it calls loopback
#               upstreams with) forwarding to the upstream with none of the gateway's work: what
#               switchyard adds over nginx splits into the stack's share (hop − nginx) and the
#               features' (switchyard − hop). BENCH_HOP=0 leaves it out, BENCH_HOP_BIN=PATH
#               names another build;
#   switchyard  target/release/switchyard-serve with its one backend "Upstream"
#               (openai-compatible, no key) on the same upstream, everything on (ledger,
#               monitor, cache decision, metrics), configured only through its own CLI.
# Load is wrk with one thread. A round is one concurrency (1, 8, 32 in flight) with the
# targets alternated: upstream, nginx, hop, switchyard. "Added" is a proxy's percentile minus the
# upstream's of the same round. CPU µs per request is utime+stime (/proc/PID/stat, clock ticks)
# of the target's processes (nginx: master and worker; switchyard-serve: the process, threads
# included) over the run divided by the requests wrk completed; the upstream row is the upstream
# nginx's own. Peak RSS is VmHWM (/proc/PID/status) over the run, reset before it
# (clear_refs 5), summed over the processes; "RSS after" is VmRSS when the run ended. Every
# figure is the median over the runs; ratios are switchyard over nginx (added latency, CPU,
# requests/s, peak RSS). All connections are kept alive on every hop (keepalive_requests raised
# on both nginx), so no hop pays reconnects the others do not.
#
# Modes (BENCH_MODES, default "buffered stream cache"; any subset, in any order, run in the
# order buffered, stream, cache, then the soak):
#   buffered  the above.
#   stream    the same POST with "stream":true (and stream_options.include_usage, so every
#             target answers the same bytes) to a second backend "Stream" whose base URL is
#             the upstream's /stream/v1: the upstream serves a fixed SSE chat-completion stream
#             (text/event-stream, a static file sent at once: 64 content chunks, a finish chunk,
#             a usage chunk, `data: [DONE]`); the nginx proxy has `proxy_buffering off` there.
#             wrk at BENCH_STREAM_CONNS (default "1 8") in flight: full-answer latency, CPU per
#             request; then scripts/bench-proxy-ttfb.py, BENCH_TTFB_N (default 2000) requests per
#             target alternated one at a time on keep-alive connections: time to first body
#             byte. Per chunk = (added full p50 at 1 in flight − added TTFB p50) / SSE events.
#   cache     the buffered POST with "temperature":0 on the same backend: Switchyard's cache
#             answers every request after the first (`x-switchyard-cache: hit`, counted by wrk)
#             at 1 in flight; its total latency against a direct call to the upstream (target
#             ≤ 1.3×), CPU per hit; the upstream and the nginx proxy answer as in buffered (the
#             bare hop, which has no cache, is left out).
# Stream and cache runs last BENCH_MODE_SECONDS each (default 3, or BENCH_SECONDS when smaller).
# BENCH_SOAK=S (seconds, off by default): after the modes, the buffered POST to switchyard alone
# at BENCH_SOAK_CONNS (default 32) in flight for S seconds as back-to-back wrk runs of
# BENCH_SOAK_INTERVAL (default 10) s, after a warm-up; per run requests/s, p50/p99, CPU µs per
# request (/proc/PID/stat, from the end of the previous run), the upstream nginx's CPU per request
# over the same runs (a control: its work per request never changes, so it shows the host's speed
# in each interval) with the host's steal time, VmRSS and the data folder's size. Verdict: flat
# when CPU per request over the upstream's, last minute against first, is within ±10 %, and mean
# VmRSS grew by at most 5 MiB (soaks under 2 minutes: the first and last halves).
# BENCH_MODES="" BENCH_SOAK=300 runs the soak alone. With every default the run takes ~5¼ min.
#
# Usage: scripts/bench-proxy.sh                 (run by `./dev bench-proxy`, which builds first)
# Environment: BENCH_SECONDS (per wrk run, default 8), BENCH_RUNS (default 3), BENCH_CONNS
# (default "1 8 32"), BENCH_WARMUP (seconds per target before measuring, default 2; 0: none),
# SWITCHYARD_SERVE (the binary, default target/release/switchyard-serve), BENCH_NGINX_WORKERS=N
# (the nginx proxy's worker processes, default 1; above 1 its socket is `reuseport`, one per
# worker, as the gateway has a serving thread per CPU), BENCH_KEEP=1 (keep the
# temp folder: nginx configs and logs, switchyard's data folder and log, the per-run results).
# BENCH_B=PATH: an A/B run. A second switchyard-serve (PATH, another build) is started on a copy of
# the first one's configured data folder and measured as the target "switchyard-b", alternated
# with the others in every mode (not the soak), A before B in odd runs and B before A in even
# ones; the tables add its rows and B/A ratios. Changes are judged by those ratios, measured
# side by side, not by numbers from separate runs. Build B the way A is built (one
# `cargo build -p switchyard-cli` alone: building it with another package unifies features).
# After each switchyard run the next waits for its ledger's queue to empty (at most 3 s), so its
# CPU includes writing its own requests and nothing of it spills into the next target's run.
# Installs Debian's nginx-light and wrk when missing (a temporary /usr/sbin/policy-rc.d keeps
# Debian from starting a system nginx). Only 127.0.0.1, fixed durations, no stdin needed; every
# process it starts is stopped by PID (nginx: QUIT to its master; switchyard-serve: TERM, KILL
# after 10 s), temp folders removed. Exit 1 when any run saw a non-2xx answer or socket error.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
seconds=${BENCH_SECONDS:-8}
runs=${BENCH_RUNS:-3}
conns=${BENCH_CONNS:-1 8 32}
warmup=${BENCH_WARMUP:-2}
bin=$(realpath -m "${SWITCHYARD_SERVE:-${CARGO_TARGET_DIR:-target}/release/switchyard-serve}")
bin_b=${BENCH_B:+$(realpath -m "$BENCH_B")}
hop_bin=
if [ "${BENCH_HOP:-1}" != 0 ]; then
  hop_bin=$(realpath -m "${BENCH_HOP_BIN:-${CARGO_TARGET_DIR:-target}/release/bare-hop}")
fi
nginx=/usr/sbin/nginx
lua=$ROOT/scripts/bench-proxy.lua
report=$ROOT/scripts/bench-proxy-report.py # the stream answer, the ledger summary, the tables
log() { printf '\033[1;36m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
# shellcheck source=scripts/bench-proxy-procs.sh
. "$ROOT/scripts/bench-proxy-procs.sh"
[[ $seconds =~ ^[1-9][0-9]*$ && $runs =~ ^[1-9][0-9]*$ && $warmup =~ ^[0-9]+$ ]] \
  || die "BENCH_SECONDS and BENCH_RUNS must be positive integers, BENCH_WARMUP an integer"
modes=${BENCH_MODES-buffered stream cache}
mode_seconds=${BENCH_MODE_SECONDS:-$((seconds < 3 ? seconds : 3))}
stream_conns=${BENCH_STREAM_CONNS:-1 8}
ttfb_n=${BENCH_TTFB_N:-2000}
px_workers=${BENCH_NGINX_WORKERS:-1}
soak=${BENCH_SOAK:-0}
soak_interval=${BENCH_SOAK_INTERVAL:-10}
for m in $modes; do
  case $m in buffered | stream | cache) ;; *) die "BENCH_MODES: “$m” is not buffered, stream or cache" ;; esac
done
has_mode() { [[ " $modes " == *" $1 "* ]]; }
[[ $mode_seconds =~ ^[1-9][0-9]*$ && $ttfb_n =~ ^[1-9][0-9]*$ && $soak =~ ^[0-9]+$ \
  && $px_workers =~ ^[1-9][0-9]*$ \
  && $soak_interval =~ ^[1-9][0-9]*$ ]] \
  || die "BENCH_MODE_SECONDS, BENCH_TTFB_N, BENCH_SOAK_INTERVAL and BENCH_NGINX_WORKERS must be positive integers, BENCH_SOAK an integer"
for c in $stream_conns; do
  [[ $c =~ ^[1-9][0-9]*$ ]] || die "BENCH_STREAM_CONNS must list positive integers, not “$c”"
done
[ -n "${modes// /}" ] || [ "$soak" -gt 0 ] || die "nothing to do: BENCH_MODES is empty and BENCH_SOAK is not set"
[ -x "$bin" ] || die "no $bin: build it first (./dev bench-proxy builds it)"
[ -z "$bin_b" ] || [ -x "$bin_b" ] || die "BENCH_B: no executable $bin_b"
[ -z "$hop_bin" ] || [ -x "$hop_bin" ] \
  || die "no $hop_bin: build it first (./dev bench-proxy builds it) or set BENCH_HOP=0"

# --- tools ---------------------------------------------------------------------------------
policy=/usr/sbin/policy-rc.d
policy_created=
ensure_tools() {
  local missing=() p rc=0
  for p in nginx-light wrk curl; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  command -v python3 >/dev/null || missing+=(python3)
  [ ${#missing[@]} -eq 0 ] && return
  command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get: install them by hand"
  if [ ! -e "$policy" ]; then # invoke-rc.d and deb-systemd-invoke start nothing while it exits 101
    printf '#!/bin/sh\n# switchyard bench-proxy: no service starts during its install\nexit 101\n' \
      | as_root tee "$policy" >/dev/null
    as_root chmod 755 "$policy"
    policy_created=1
  fi
  log "installing Debian packages: ${missing[*]}"
  { as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq \
      --no-install-recommends "${missing[@]}" >/dev/null; } </dev/null || rc=$?
  if [ -n "$policy_created" ]; then as_root rm -f "$policy"; policy_created=; fi
  [ "$rc" -eq 0 ] || die "apt-get install ${missing[*]} failed"
}
ensure_tools

# --- processes and clean-up ----------------------------------------------------------------
tmp=$(mktemp -d)
chmod 755 "$tmp" # nginx workers may run as nobody
up_pid= px_pid= hop_pid= hop_port= sy_pid= sb_pid= sb_port= wrk_pid=
cleanup() {
  set +e
  [ -n "$wrk_pid" ] && kill -TERM "$wrk_pid" 2>/dev/null && wait "$wrk_pid" 2>/dev/null
  stop_proc "$sy_pid" switchyard-serve
  stop_proc "$sb_pid" "switchyard-serve B"
  stop_proc "$hop_pid" bare-hop
  [ -n "$px_pid" ] && stop_nginx "$px_pid"
  [ -n "$up_pid" ] && stop_nginx "$up_pid"
  [ -n "$policy_created" ] && as_root rm -f "$policy"
  if [ -n "${BENCH_KEEP:-}" ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

read -r up_port px_port sy_port b_port h_port < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(5)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit, with uncommitted changes"
fi
echo "bench-proxy  commit $commit  $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "host: $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), Linux $(uname -r)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
# How an idle CPU sleeps sets the latency at 1 in flight (docs/BENCHMARKS.md, ninth session).
idle=$(cat /sys/devices/system/cpu/cpuidle/current_driver 2>/dev/null || echo unknown)
poll=/sys/module/haltpoll/parameters/guest_halt_poll_ns
if [ -r "$poll" ]; then idle+=", guest_halt_poll_ns $(cat "$poll")"; fi
echo "idle CPUs: cpuidle driver $idle; nginx proxy: $px_workers worker process(es)"
echo "tools: $("$nginx" -v 2>&1 | sed 's/^nginx version: //') (nginx-light)," \
  "$(wrk -v 2>&1 | head -1 | awk '{print "wrk", $2}'), $("$bin" --version)"
if [ -n "$bin_b" ]; then
  echo "A/B: switchyard = $bin, switchyard-b = $bin_b ($("$bin_b" --version))"
fi
if [ -n "$hop_bin" ]; then echo "hop: $hop_bin (the gateway's HTTP stack, nothing else)"; fi

# --- the mock upstream and the bare proxy ---------------------------------------------------
marker=chatcmpl-bench-proxy-nginx-upstream
completion='{"id":"'$marker'","object":"chat.completion","created":1700000000,'
completion+='"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant",'
completion+='"content":"Hello."},"logprobs":null,"finish_reason":"stop"}],'
completion+='"usage":{"prompt_tokens":14,"completion_tokens":2,"total_tokens":16}}'
models='{"object":"list","data":[{"id":"gpt-4o-mini","object":"model"}]}'
# The streamed answer (stream mode): a static file, since one nginx string holds at most 4 KiB.
stream_marker=chatcmpl-bench-proxy-nginx-stream
stream_model=gpt-4o-mini-stream
mkdir -p "$tmp/up/www"
stream_events=$(python3 "$report" stream-file "$tmp/up/www/stream.sse" "$stream_marker" "$stream_model")
nginx_conf "$tmp/up" "  server {
    listen 127.0.0.1:$up_port;
    default_type application/json;
    location = /v1/chat/completions { return 200 '$completion'; }
    location = /v1/models { access_log $tmp/up/probes.log; return 200 '$models'; }
    # POST to a static file: nginx refuses it (405); the error page turns it into a GET of the file.
    location = /stream/v1/chat/completions { error_page 405 =200 /stream.sse; return 405; }
    location = /stream.sse { internal; root $tmp/up/www; default_type text/event-stream; etag off; }
    location = /stream/v1/models { access_log $tmp/up/probes.log; return 200 '${models/gpt-4o-mini/$stream_model}'; }
    location / { return 404 '{\"error\":{\"message\":\"not found\"}}'; }
  }"
nginx_conf "$tmp/px" "  upstream mock {
    server 127.0.0.1:$up_port;
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$px_port$([ "$px_workers" = 1 ] || echo ' reuseport');
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
    }
    location /stream/ {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
      proxy_buffering off;
    }
  }" "$px_workers"
start_nginx "$tmp/up"
up_pid=$!
wait_port "$up_port" "$up_pid" || die "the upstream nginx did not start: $(cat "$tmp/up/error.log")"
start_nginx "$tmp/px"
px_pid=$!
wait_port "$px_port" "$px_pid" || die "the proxy nginx did not start: $(cat "$tmp/px/error.log")"
if [ -n "$hop_bin" ]; then
  "$hop_bin" --port "$h_port" --upstream "http://127.0.0.1:$up_port" </dev/null >"$tmp/hop.log" 2>&1 &
  hop_pid=$! hop_port=$h_port
  wait_listening "$hop_pid" "$hop_port" "$tmp/hop.log" bare-hop
fi

# --- switchyard-serve, configured through its CLI --------------------------------------------
export SWITCHYARD_DATA_DIR=$tmp/sy SWITCHYARD_KEYRING_SERVICE=switchyard-bench-proxy
mkdir -p "$SWITCHYARD_DATA_DIR"
"$bin" backend add Upstream --kind openai-compatible --base-url "http://127.0.0.1:$up_port/v1" \
  --model gpt-4o-mini </dev/null >"$tmp/backend.out" 2>&1 \
  || die "switchyard-serve backend add failed: $(cat "$tmp/backend.out")"
# The stream mode's backend, added in every mode so the configuration does not depend on the
# modes: an openai-compatible backend serves only its default model, so the buffered and cache
# requests (gpt-4o-mini) never reach it.
"$bin" backend add Stream --kind openai-compatible \
  --base-url "http://127.0.0.1:$up_port/stream/v1" --model "$stream_model" \
  </dev/null >>"$tmp/backend.out" 2>&1 \
  || die "switchyard-serve backend add failed: $(cat "$tmp/backend.out")"
token=$("$bin" token create bench </dev/null 2>"$tmp/token.err" | grep -o '^sy-[0-9a-f]*') \
  || die "switchyard-serve token create failed: $(cat "$tmp/token.err")"
# B (BENCH_B) serves a copy of the same configuration: the same backends and token.
if [ -n "$bin_b" ]; then cp -a "$SWITCHYARD_DATA_DIR" "$tmp/sy-b"; fi
"$bin" serve --port "$sy_port" </dev/null >"$tmp/serve.log" 2>&1 &
sy_pid=$!
wait_listening "$sy_pid" "$sy_port" "$tmp/serve.log" switchyard-serve
targets="upstream nginx${hop_bin:+ hop} switchyard"
if [ -n "$bin_b" ]; then
  SWITCHYARD_DATA_DIR=$tmp/sy-b "$bin_b" serve --port "$b_port" </dev/null >"$tmp/serve-b.log" 2>&1 &
  sb_pid=$! sb_port=$b_port
  wait_listening "$sb_pid" "$sb_port" "$tmp/serve-b.log" "switchyard-serve B"
  targets+=" switchyard-b"
fi

# --- one checked request per target -----------------------------------------------------------
body='{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello in one word."}]}'
check() { # $1 name, $2 port: 200 with the upstream's answer
  local code
  code=$(curl -sS -o "$tmp/$1.body" -D "$tmp/$1.headers" -w '%{http_code}' \
    "http://127.0.0.1:$2/v1/chat/completions" -H "authorization: Bearer $token" \
    -H 'content-type: application/json' -d "$body") || true
  [ "$code" = 200 ] && grep -q "$marker" "$tmp/$1.body" \
    || die "$1 answered $code, not the upstream's completion: $(head -c 300 "$tmp/$1.body")"
}
check upstream "$up_port"
check nginx "$px_port"
if [ -n "$hop_port" ]; then check hop "$hop_port"; fi
check switchyard "$sy_port"
if [ -n "$sb_port" ]; then check switchyard-b "$sb_port"; fi
sy_backend=$(sed -n 's/^x-switchyard-backend: *//Ip' "$tmp/switchyard.headers" | tr -d '\r')
sy_cache=$(sed -n 's/^x-switchyard-cache: *//Ip' "$tmp/switchyard.headers" | tr -d '\r')
[ -z "$sy_backend" ] || [ "$sy_backend" = Upstream ] \
  || die "switchyard routed the request to “$sy_backend”, not Upstream"

# --- measuring: the helpers and the modes' steps (scripts/bench-proxy-modes.sh) ----------------
# shellcheck source=scripts/bench-proxy-modes.sh
. "$ROOT/scripts/bench-proxy-modes.sh"
stream_same= cache_first= cache_same=
if has_mode stream; then check_stream; fi
if has_mode cache; then check_cache; fi
max_c=0
for c in $conns; do
  [[ $c =~ ^[1-9][0-9]*$ ]] || die "BENCH_CONNS must list positive integers, not “$c”"
  if [ "$c" -gt "$max_c" ]; then max_c=$c; fi
done
sy_start_hwm=$(mem_kib VmHWM "$sy_pid")
if has_mode buffered; then run_buffered; fi
ttfb_ok=1
if has_mode stream; then run_stream; fi
if has_mode cache; then run_cache; fi
soak_c=${BENCH_SOAK_CONNS:-32}
if [ "$soak" -gt 0 ]; then run_soak; fi
[ -n "$sy_warm_hwm" ] || sy_warm_hwm=$(mem_kib VmHWM "$sy_pid")

# --- what switchyard recorded, then stop it (the ledger is flushed on TERM) -------------------
metrics=$(curl -s -H "authorization: Bearer $token" "http://127.0.0.1:$sy_port/metrics" | grep -E '^switchyard_ledger[a-z_]* ' || true)
stop_proc "$sy_pid" switchyard-serve
sy_pid=
ledger=$(python3 "$report" ledger "$SWITCHYARD_DATA_DIR/switchyard.sqlite") || ledger="could not be read"
ledger_kinds=
if has_mode stream || has_mode cache; then
  ledger_kinds=$(python3 "$report" ledger-kinds "$SWITCHYARD_DATA_DIR/switchyard.sqlite") \
    || ledger_kinds="could not be read"
fi
serve_warnings=$(grep -ciE ' (warn|error) ' "$tmp/serve.log" || true)
if [ -n "$bin_b" ]; then
  serve_warnings+=" (B: $(grep -ciE ' (warn|error) ' "$tmp/serve-b.log" || true))"
fi
probes=$(wc -l <"$tmp/up/probes.log" 2>/dev/null || echo 0)

# --- the tables ----------------------------------------------------------------------------------
if has_mode buffered; then
  echo "load: wrk -t1, POST /v1/chat/completions ($(printf %s "$body" | wc -c) bytes, answer" \
    "$(printf %s "$completion" | wc -c) bytes), ${seconds} s per run, median of $runs run(s), warm-up ${warmup} s"
fi
echo "switchyard: x-switchyard-backend ${sy_backend:-(none)}, x-switchyard-cache ${sy_cache:-(none)};" \
  "VmHWM after start $((sy_start_hwm / 1024)) MiB, after warm-up $((sy_warm_hwm / 1024)) MiB;" \
  "warning/error lines on its stdout/stderr: $serve_warnings"
echo "switchyard ledger: $ledger. wrk completed $sy_sent (warm-up and the check included); wrk does" \
  "not count the requests in flight when it stops: the ledger has them as 200, or 499 if cut off"
if [ -n "$ledger_kinds" ]; then echo "switchyard ledger by kind: $ledger_kinds"; fi
echo "monitor probes seen by the upstream (GET /v1/models${bin_b:+, both switchyards}): $probes;" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
if [ -n "$metrics" ]; then echo "switchyard metrics before stop: $(echo $metrics)"; fi
status=0
if has_mode buffered; then
  echo
  python3 "$report" buffered "$results" "$conns" || status=1
fi

if has_mode stream; then
  echo
  echo "STREAM: POST \"stream\":true ($(printf %s "$stream_body" | wc -c) bytes) to the Stream backend," \
    "answer $(wc -c <"$tmp/up/www/stream.sse") bytes in $stream_events SSE events (64 content chunks," \
    "a finish chunk, a usage chunk, [DONE]) sent at once by the upstream; ${mode_seconds} s per run," \
    "median of $runs run(s). switchyard's stream: $stream_same"
  python3 "$report" stream "$tmp/results-stream.tsv" "$stream_conns" "$tmp/ttfb.jsonl" "$stream_events" \
    "$ttfb_n" "$ttfb_ok" "$(has_mode buffered && echo "$results")" || status=1
fi

if has_mode cache; then
  echo
  echo "CACHE HIT: POST with \"temperature\":0 ($(printf %s "$cache_body" | wc -c) bytes) at 1 in" \
    "flight, ${mode_seconds} s per run, median of $runs run(s); switchyard's first answer" \
    "x-switchyard-cache ${cache_first:-(none)}, then hit; its hit body $cache_same"
  python3 "$report" cache "$tmp/results-cache.tsv" || status=1
fi

if [ "$soak" -gt 0 ]; then
  echo
  echo "SOAK: switchyard-serve alone, POST /v1/chat/completions (buffered) at $soak_c in flight," \
    "$intervals back-to-back wrk runs of ${soak_interval} s, after a ${warmup} s warm-up"
  python3 "$report" soak "$tmp/soak.tsv" "$clk" "$soak_interval" || status=1
fi
exit "$status"
