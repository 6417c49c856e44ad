#!/usr/bin/env bash
# What the Switchyard gateway adds over a bare nginx reverse-proxy hop, side by side in one run:
# the same small chat completion POST (scripts/bench-proxy.lua) through
#   upstream    nginx serving a fixed OpenAI chat completion (with `usage`) and a model list
#               (the monitor's probe), `worker_processes 1`: the mock provider, hit directly;
#   nginx       a second nginx (`worker_processes 1`) proxying to it over keep-alive connections
#               (`upstream` block with `keepalive 64`, HTTP/1.1, `Connection ""`): the floor;
#   switchyard  target/release/switchyard-serve with its one backend "Upstream"
#               (openai-compatible, no key) on the same upstream, everything on (ledger,
#               monitor, cache decision, metrics), configured only through its own CLI.
# Load is wrk with one thread. A round is one concurrency (1, 8, 32 in flight) with the three
# targets alternated: upstream, nginx, switchyard. "Added" is a proxy's percentile minus the
# upstream's of the same round. CPU µs per request is utime+stime (/proc/PID/stat, clock ticks)
# of the target's processes (nginx: master and worker; switchyard-serve: the process, threads
# included) over the run divided by the requests wrk completed; the upstream row is the upstream
# nginx's own. Peak RSS is VmHWM (/proc/PID/status) over the run, reset before it
# (clear_refs 5), summed over the processes; "RSS after" is VmRSS when the run ended. Every
# figure is the median over the runs; ratios are switchyard over nginx (added latency, CPU,
# requests/s, peak RSS). All connections are kept alive on every hop (keepalive_requests raised
# on both nginx), so no hop pays reconnects the others do not.
#
# Usage: scripts/bench-proxy.sh                 (run by `./dev bench-proxy`, which builds first)
# Environment: BENCH_SECONDS (per wrk run, default 8), BENCH_RUNS (default 3), BENCH_CONNS
# (default "1 8 32"), BENCH_WARMUP (seconds per target before measuring, default 2; 0: none),
# SWITCHYARD_SERVE (the binary, default target/release/switchyard-serve), BENCH_KEEP=1 (keep the
# temp folder: nginx configs and logs, switchyard's data folder and log, the per-run results).
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
nginx=/usr/sbin/nginx
lua=$ROOT/scripts/bench-proxy.lua
log() { printf '\033[1;36m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
[[ $seconds =~ ^[1-9][0-9]*$ && $runs =~ ^[1-9][0-9]*$ && $warmup =~ ^[0-9]+$ ]] \
  || die "BENCH_SECONDS and BENCH_RUNS must be positive integers, BENCH_WARMUP an integer"
[ -x "$bin" ] || die "no $bin: build it first (./dev bench-proxy builds it)"

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
up_pid= px_pid= sy_pid= wrk_pid=
stop_nginx() { # QUIT to the master (graceful), KILL if it is still there after 10 s
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -QUIT "$pid" 2>/dev/null || true
  for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}
stop_serve() { # TERM (finishes in-flight requests and the ledger), KILL after 10 s
  local i
  [ -n "$sy_pid" ] && kill -0 "$sy_pid" 2>/dev/null || return 0
  kill -TERM "$sy_pid" 2>/dev/null || true
  for i in $(seq 100); do kill -0 "$sy_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$sy_pid" 2>/dev/null; then
    echo "switchyard-serve did not stop within 10 s: killed" >&2
    kill -KILL "$sy_pid" 2>/dev/null || true
  fi
  wait "$sy_pid" 2>/dev/null || true
  sy_pid=
}
cleanup() {
  set +e
  [ -n "$wrk_pid" ] && kill -TERM "$wrk_pid" 2>/dev/null && wait "$wrk_pid" 2>/dev/null
  stop_serve
  [ -n "$px_pid" ] && stop_nginx "$px_pid"
  [ -n "$up_pid" ] && stop_nginx "$up_pid"
  [ -n "$policy_created" ] && as_root rm -f "$policy"
  if [ -n "${BENCH_KEEP:-}" ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

read -r up_port px_port sy_port < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit, with uncommitted changes"
fi
echo "bench-proxy  commit $commit  $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "host: $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), Linux $(uname -r)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
echo "tools: $("$nginx" -v 2>&1 | sed 's/^nginx version: //') (nginx-light)," \
  "$(wrk -v 2>&1 | head -1 | awk '{print "wrk", $2}'), $("$bin" --version)"

# --- the mock upstream and the bare proxy ---------------------------------------------------
marker=chatcmpl-bench-proxy-nginx-upstream
completion='{"id":"'$marker'","object":"chat.completion","created":1700000000,'
completion+='"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant",'
completion+='"content":"Hello."},"logprobs":null,"finish_reason":"stop"}],'
completion+='"usage":{"prompt_tokens":14,"completion_tokens":2,"total_tokens":16}}'
models='{"object":"list","data":[{"id":"gpt-4o-mini","object":"model"}]}'
nginx_conf() { # $1 folder, $2 the http{} body
  mkdir -p "$1/tmp"
  cat >"$1/nginx.conf" <<EOF
worker_processes 1;
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $1/tmp/body;
  proxy_temp_path $1/tmp/proxy;
  fastcgi_temp_path $1/tmp/fastcgi;
  uwsgi_temp_path $1/tmp/uwsgi;
  scgi_temp_path $1/tmp/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
$2
}
EOF
}
nginx_conf "$tmp/up" "  server {
    listen 127.0.0.1:$up_port;
    default_type application/json;
    location = /v1/chat/completions { return 200 '$completion'; }
    location = /v1/models { access_log $tmp/up/probes.log; return 200 '$models'; }
    location / { return 404 '{\"error\":{\"message\":\"not found\"}}'; }
  }"
nginx_conf "$tmp/px" "  upstream mock {
    server 127.0.0.1:$up_port;
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$px_port;
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
    }
  }"
start_nginx() { # $1 folder; $! is the master (daemon off: the process started here)
  "$nginx" -t -q -p "$1" -c "$1/nginx.conf" -e "$1/error.log" </dev/null \
    || die "nginx refused $1/nginx.conf"
  "$nginx" -p "$1" -c "$1/nginx.conf" -e "$1/error.log" -g 'daemon off;' </dev/null >/dev/null 2>&1 &
}
wait_port() { # $1 port, $2 PID that must stay alive
  local i
  for i in $(seq 100); do
    kill -0 "$2" 2>/dev/null || return 1
    curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0
    sleep 0.1
  done
  return 1
}
start_nginx "$tmp/up"
up_pid=$!
wait_port "$up_port" "$up_pid" || die "the upstream nginx did not start: $(cat "$tmp/up/error.log")"
start_nginx "$tmp/px"
px_pid=$!
wait_port "$px_port" "$px_pid" || die "the proxy nginx did not start: $(cat "$tmp/px/error.log")"

# --- switchyard-serve, configured through its CLI --------------------------------------------
export SWITCHYARD_DATA_DIR=$tmp/sy SWITCHYARD_KEYRING_SERVICE=switchyard-bench-proxy
mkdir -p "$SWITCHYARD_DATA_DIR"
"$bin" backend add Upstream --kind openai-compatible --base-url "http://127.0.0.1:$up_port/v1" \
  --model gpt-4o-mini </dev/null >"$tmp/backend.out" 2>&1 \
  || die "switchyard-serve backend add failed: $(cat "$tmp/backend.out")"
token=$("$bin" token create bench </dev/null 2>"$tmp/token.err" | grep -o '^sy-[0-9a-f]*') \
  || die "switchyard-serve token create failed: $(cat "$tmp/token.err")"
"$bin" serve --port "$sy_port" </dev/null >"$tmp/serve.log" 2>&1 &
sy_pid=$!
for _ in $(seq 100); do
  grep -q listening "$tmp/serve.log" && break
  kill -0 "$sy_pid" 2>/dev/null || break
  sleep 0.1
done
grep -q "listening on http://127.0.0.1:$sy_port" "$tmp/serve.log" \
  || die "switchyard-serve did not start on $sy_port: $(cat "$tmp/serve.log")"

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
check switchyard "$sy_port"
sy_backend=$(sed -n 's/^x-switchyard-backend: *//Ip' "$tmp/switchyard.headers" | tr -d '\r')
sy_cache=$(sed -n 's/^x-switchyard-cache: *//Ip' "$tmp/switchyard.headers" | tr -d '\r')
[ -z "$sy_backend" ] || [ "$sy_backend" = Upstream ] \
  || die "switchyard routed the request to “$sy_backend”, not Upstream"

# --- measuring ---------------------------------------------------------------------------------
clk=$(getconf CLK_TCK)
procs() { # a PID and its children (nginx: master and worker)
  local p=$1
  echo "$p"
  cat /proc/"$p"/task/*/children 2>/dev/null | tr ' ' '\n' | sed '/^$/d'
}
cpu_ticks() { # utime + stime of the PIDs (every thread included), clock ticks
  local p t=0
  for p in "$@"; do t=$((t + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13}'))); done
  echo "$t"
}
mem_kib() { # $1 VmHWM or VmRSS, summed over the PIDs
  local f=$1 p t=0
  shift
  for p in "$@"; do t=$((t + $(awk -v f="$f:" '$1 == f {print $2}' "/proc/$p/status"))); done
  echo "$t"
}
pid_of() { # $1 target
  case $1 in upstream) echo "$up_pid" ;; nginx) echo "$px_pid" ;; switchyard) echo "$sy_pid" ;; esac
}
port_of() {
  case $1 in upstream) echo "$up_port" ;; nginx) echo "$px_port" ;; switchyard) echo "$sy_port" ;; esac
}
wrk_run() { # $1 target, $2 connections, $3 seconds; wrk's output in $tmp/wrk.out
  BENCH_TOKEN=$token wrk -t1 -c"$2" -d"$3s" --timeout 5s --latency -s "$lua" \
    "http://127.0.0.1:$(port_of "$1")/v1/chat/completions" </dev/null >"$tmp/wrk.out" 2>&1 &
  wrk_pid=$!
  wait "$wrk_pid" || die "wrk failed against $1: $(cat "$tmp/wrk.out")"
  wrk_pid=
}
results=$tmp/results.tsv
sy_sent=1 # the check above
measure() { # $1 run, $2 connections, $3 target: one row of $results
  local run=$1 c=$2 name=$3 pids=() p cpu0 cpu1 cpu line kv
  local requests= rps= p50= p99= p999= non2xx= sockerr=
  mapfile -t pids < <(procs "$(pid_of "$name")")
  for p in "${pids[@]}"; do { echo 5 >"/proc/$p/clear_refs"; } 2>/dev/null || true; done
  cpu0=$(cpu_ticks "${pids[@]}")
  wrk_run "$name" "$c" "$seconds"
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || die "$name process $p died during the run"; done
  cpu1=$(cpu_ticks "${pids[@]}")
  line=$(grep '^BENCH ' "$tmp/wrk.out") || die "no BENCH line from wrk: $(cat "$tmp/wrk.out")"
  for kv in $line; do
    case $kv in
      requests=* | rps=* | p50=* | p99=* | p999=* | non2xx=* | sockerr=*)
        printf -v "${kv%%=*}" %s "${kv#*=}" ;;
    esac
  done
  [ "$requests" -gt 0 ] || die "wrk completed no request against $name: $(cat "$tmp/wrk.out")"
  if [ "$name" = switchyard ]; then sy_sent=$((sy_sent + requests)); fi
  cpu=$(awk -v t=$((cpu1 - cpu0)) -v k="$clk" -v n="$requests" 'BEGIN {printf "%.1f", t * 1e6 / k / n}')
  printf '%s\t' "$run" "$c" "$name" "$p50" "$p99" "$p999" "$rps" "$requests" "$cpu" \
    "$(mem_kib VmHWM "${pids[@]}")" "$(mem_kib VmRSS "${pids[@]}")" "$non2xx" >>"$results"
  printf '%s\n' "$sockerr" >>"$results"
  printf '  run %s/%s  %2s in flight  %-10s p50 %6s µs  p99 %6s µs  %9s req/s  non-2xx %s  socket errors %s\n' \
    "$run" "$runs" "$c" "$name" "$p50" "$p99" "$rps" "$non2xx" "$sockerr" >&2
}

max_c=0
for c in $conns; do
  [[ $c =~ ^[1-9][0-9]*$ ]] || die "BENCH_CONNS must list positive integers, not “$c”"
  if [ "$c" -gt "$max_c" ]; then max_c=$c; fi
done
sy_start_hwm=$(mem_kib VmHWM "$sy_pid")
if [ "$warmup" -gt 0 ]; then
  log "warm-up: ${warmup} s per target at $max_c in flight (not measured)"
  for name in upstream nginx switchyard; do
    wrk_run "$name" "$max_c" "$warmup"
    if [ "$name" = switchyard ]; then
      sy_sent=$((sy_sent + $(sed -n 's/^BENCH requests=\([0-9]*\).*/\1/p' "$tmp/wrk.out")))
    fi
  done
fi
sy_warm_hwm=$(mem_kib VmHWM "$sy_pid")
log "measuring: $runs run(s) × concurrency {$conns} × 3 targets × ${seconds} s"
: >"$results"
for run in $(seq "$runs"); do
  for c in $conns; do
    for name in upstream nginx switchyard; do measure "$run" "$c" "$name"; done
  done
done

# --- what switchyard recorded, then stop it (the ledger is flushed on TERM) -------------------
metrics=$(curl -s "http://127.0.0.1:$sy_port/metrics" | grep -E '^switchyard_ledger[a-z_]* ' || true)
stop_serve
ledger=$(python3 - "$SWITCHYARD_DATA_DIR/switchyard.sqlite" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("select coalesce(backend, 'no backend'), status, count(*), sum(input_tokens),"
                  " sum(output_tokens) from requests group by 1, 2").fetchall()
print("; ".join(f"{b} {s}: {n} requests, {i} input + {o} output tokens" for b, s, n, i, o in rows)
      or "no rows")
EOF
) || ledger="could not be read"
serve_warnings=$(grep -ciE ' (warn|error) ' "$tmp/serve.log" || true)
probes=$(wc -l <"$tmp/up/probes.log" 2>/dev/null || echo 0)

# --- the table -----------------------------------------------------------------------------------
echo "load: wrk -t1, POST /v1/chat/completions ($(printf %s "$body" | wc -c) bytes, answer" \
  "$(printf %s "$completion" | wc -c) bytes), ${seconds} s per run, median of $runs run(s), warm-up ${warmup} s"
echo "switchyard: x-switchyard-backend ${sy_backend:-(none)}, x-switchyard-cache ${sy_cache:-(none)};" \
  "VmHWM after start $((sy_start_hwm / 1024)) MiB, after warm-up $((sy_warm_hwm / 1024)) MiB;" \
  "warning/error lines on its stdout/stderr: $serve_warnings"
echo "switchyard ledger: $ledger. wrk completed $sy_sent (warm-up and the check included); wrk does" \
  "not count the requests in flight when it stops: the ledger has them as 200, or 499 if cut off"
echo "monitor probes seen by the upstream (GET /v1/models): $probes;" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
if [ -n "$metrics" ]; then echo "switchyard metrics before stop: $(echo $metrics)"; fi
echo
python3 - "$results" "$conns" <<'EOF'
import sys
from statistics import median
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
conns = [int(c) for c in sys.argv[2].split()]
names = ["upstream", "nginx", "switchyard"]
label = {"upstream": "upstream (direct)", "nginx": "nginx proxy", "switchyard": "switchyard-serve"}
R = {}
for run, c, name, p50, p99, p999, rps, n, cpu, hwm, rss, bad, err in rows:
    R[(int(run), int(c), name)] = dict(p50=float(p50), p99=float(p99), p999=float(p999),
        rps=float(rps), cpu=float(cpu), hwm=int(hwm) / 1024, rss=int(rss) / 1024,
        bad=int(bad) + int(err))
runs = sorted({k[0] for k in R})
def med(c, name, key, added=False):
    vals = [R[(r, c, name)][key] - (R[(r, c, "upstream")][key] if added else 0) for r in runs]
    return median(vals)
us = lambda v: f"{v:.0f}"
head = ("target", "in flight", "p50 µs", "p99 µs", "p99.9 µs", "+p50 µs", "+p99 µs", "+p99.9 µs",
        "req/s", "CPU µs/req", "peak RSS MiB", "RSS after MiB", "non-2xx")
out = [head]
flagged = False
for c in conns:
    for name in names:
        bad = sum(R[(r, c, name)]["bad"] for r in runs)
        flagged |= bad > 0
        pcts = ("p50", "p99", "p999")
        add = ["–"] * 3 if name == "upstream" else [us(med(c, name, k, True)) for k in pcts]
        out.append((label[name], str(c), *(us(med(c, name, k)) for k in pcts), *add,
                    f"{med(c, name, 'rps'):.0f}", f"{med(c, name, 'cpu'):.1f}",
                    f"{med(c, name, 'hwm'):.1f}", f"{med(c, name, 'rss'):.1f}",
                    str(bad) + (" FLAGGED" if bad else "")))
w = [max(len(r[i]) for r in out) for i in range(len(head))]
for i, r in enumerate(out):
    print("  ".join(v.ljust(w[j]) if j == 0 else v.rjust(w[j]) for j, v in enumerate(r)))
    if i and i % 3 == 0 and i < len(out) - 1:
        print()
print("+p50, +p99, +p99.9: the target's percentile minus the upstream's in the same round, median"
      " over the runs (below 0: within the noise).\nCPU µs/req and RSS: the target's own processes;"
      " the upstream's row is the upstream nginx. non-2xx: non-2xx answers and socket errors, all runs.")
def ratio(c, key, added=False, digits=1):
    a, b = med(c, "switchyard", key, added), med(c, "nginx", key, added)
    return f"{a / b:.{digits}f}×" if b > 0 else "n/a (nginx's is ≤ 0)"
print("\nswitchyard-serve / nginx proxy (ratios of the medians):")
for c in conns:
    parts = [f"added p50 {ratio(c, 'p50', True)}", f"added p99 {ratio(c, 'p99', True)}"]
    if c > 1:
        parts.append(f"added p99.9 {ratio(c, 'p999', True)}")
    parts += [f"CPU/req {ratio(c, 'cpu')}", f"req/s {ratio(c, 'rps', digits=2)}",
              f"peak RSS {ratio(c, 'hwm')}"]
    print(f"  {c:>2} in flight: " + ", ".join(parts))
if flagged:
    print("\nFLAGGED: runs with non-2xx answers or socket errors (column non-2xx)")
sys.exit(1 if flagged else 0)
EOF
