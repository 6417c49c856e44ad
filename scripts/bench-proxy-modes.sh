# shellcheck shell=bash
# The measuring half of scripts/bench-proxy.sh, sourced by it (not run on its own) once the
# targets are up and have answered one checked request: the per-target measurement (wrk run, CPU
# ticks and VmHWM/VmRSS of the target's processes, one row of results), then one function per
# step of the run, called by bench-proxy.sh in this order:
#   check_stream, check_cache  one request per target in the stream and cache modes, the answers
#                              compared (sets stream_same, cache_first, cache_same)
#   run_buffered               warm-up (at max_c in flight), then the runs into $results
#   run_stream                 warm-up, the wrk runs into $tmp/results-stream.tsv, then
#                              scripts/bench-proxy-ttfb.py into $tmp/ttfb.jsonl (ttfb_ok= on errors)
#   run_cache                  warm-up, the runs into $tmp/results-cache.tsv
#   run_soak                   switchyard alone, back-to-back wrk runs into $tmp/soak.tsv (sets
#                              intervals)
# It uses bench-proxy.sh's settings, processes and helpers (tmp, token, targets, up_pid/px_pid/
# sy_pid/sb_pid and their ports, die, log, has_mode) and sets, for its report, clk, results,
# stream_body, cache_body, sy_sent (requests switchyard answered) and sy_warm_hwm (set by note_warm_hwm).
# shellcheck disable=SC2154 # the variables above come from bench-proxy.sh

# --- measuring ---------------------------------------------------------------------------------
clk=$(getconf CLK_TCK)
procs() { # a PID and its children (nginx: master and worker)
  local p=$1
  echo "$p"
  cat /proc/"$p"/task/*/children 2>/dev/null | tr ' ' '\n' | sed '/^$/d'
}
steal_ticks() { awk '$1 == "cpu" {print $9}' /proc/stat; } # the host's steal time, all CPUs
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
  case $1 in
    upstream) echo "$up_pid" ;; nginx) echo "$px_pid" ;; switchyard) echo "$sy_pid" ;;
    switchyard-b) echo "$sb_pid" ;; hop) echo "$hop_pid" ;;
  esac
}
port_of() {
  case $1 in
    upstream) echo "$up_port" ;; nginx) echo "$px_port" ;; switchyard) echo "$sy_port" ;;
    switchyard-b) echo "$sb_port" ;; hop) echo "$hop_port" ;;
  esac
}
# The other modes' requests: the same question, streamed (to the Stream backend; upstream and
# nginx at /stream/v1), or with temperature 0 (cacheable, to the Upstream backend).
stream_body='{"model":"'$stream_model'","stream":true,"stream_options":{"include_usage":true},'
stream_body+='"messages":[{"role":"user","content":"Say hello in one word."}]}'
cache_body='{"model":"gpt-4o-mini","temperature":0,'
cache_body+='"messages":[{"role":"user","content":"Say hello in one word."}]}'
stream_tail=$'data: [DONE]\n\n'
path_of() { # $1 mode, $2 target: the request's path
  if [ "$1" = stream ] && [[ $2 != switchyard* ]]; then
    echo /stream/v1/chat/completions
  else
    echo /v1/chat/completions
  fi
}
body_of() { # $1 mode
  case $1 in buffered) echo "$body" ;; stream) echo "$stream_body" ;; cache) echo "$cache_body" ;; esac
}
wrk_run() { # $1 target, $2 connections, $3 seconds, $4 mode (buffered); output in $tmp/wrk.out
  local mode=${4:-buffered} tail= hits=
  if [ "$mode" = stream ]; then tail=$stream_tail; fi
  if [ "$mode" = cache ]; then hits=1; fi
  BENCH_TOKEN=$token BENCH_BODY=$(body_of "$mode") BENCH_TAIL=$tail BENCH_COUNT_HITS=$hits \
    wrk -t1 -c"$2" -d"$3s" --timeout 5s --latency -s "$lua" \
    "http://127.0.0.1:$(port_of "$1")$(path_of "$mode" "$1")" </dev/null >"$tmp/wrk.out" 2>&1 &
  wrk_pid=$!
  wait "$wrk_pid" || die "wrk failed against $1: $(cat "$tmp/wrk.out")"
  wrk_pid=
}
wrk_requests() { sed -n 's/^BENCH requests=\([0-9]*\).*/\1/p' "$tmp/wrk.out"; }
fetch() { # $1 mode, $2 target, $3 file prefix: one request with curl, its HTTP status on stdout
  curl -sS -o "$3.body" -D "$3.headers" -w '%{http_code}' \
    "http://127.0.0.1:$(port_of "$2")$(path_of "$1" "$2")" -H "authorization: Bearer $token" \
    -H 'content-type: application/json' -d "$(body_of "$1")" || true
}
header() { sed -n "s/^$1: *//Ip" "$2" | tr -d '\r'; } # $1 name, $2 headers file
settle() { # $1 target: a switchyard's ledger queue empty (its last batch written), at most 3 s
  local i
  [[ $1 == switchyard* ]] || return 0
  for i in $(seq 150); do
    curl -s -H "authorization: Bearer $token" "http://127.0.0.1:$(port_of "$1")/metrics" | grep -q '^switchyard_ledger_queue_depth 0$' \
      && return 0
    sleep 0.02
  done
}
in_order() { # $1 run, $2 targets: in an A/B run, B before A in even runs
  if [ $(($1 % 2)) -eq 0 ]; then echo "${2/switchyard switchyard-b/switchyard-b switchyard}"; else echo "$2"; fi
}
results=$tmp/results.tsv
sy_sent=1 # the checked request in bench-proxy.sh
measure() { # $1 run, $2 connections, $3 target, $4 mode: one row of $results (buffered) or
  #           $tmp/results-MODE.tsv
  local run=$1 c=$2 name=$3 mode=${4:-buffered} pids=() p cpu0 cpu1 cpu line kv out=$results
  local requests= rps= p50= p99= p999= non2xx= sockerr= hits=0 badbody=0 tag=
  if [ "$mode" != buffered ]; then out=$tmp/results-$mode.tsv tag="$mode  "; fi
  mapfile -t pids < <(procs "$(pid_of "$name")")
  for p in "${pids[@]}"; do { echo 5 >"/proc/$p/clear_refs"; } 2>/dev/null || true; done
  cpu0=$(cpu_ticks "${pids[@]}")
  wrk_run "$name" "$c" "$([ "$mode" = buffered ] && echo "$seconds" || echo "$mode_seconds")" "$mode"
  settle "$name"
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || die "$name process $p died during the run"; done
  cpu1=$(cpu_ticks "${pids[@]}")
  line=$(grep '^BENCH ' "$tmp/wrk.out") || die "no BENCH line from wrk: $(cat "$tmp/wrk.out")"
  for kv in $line; do
    case $kv in
      requests=* | rps=* | p50=* | p99=* | p999=* | non2xx=* | sockerr=* | hits=* | badbody=*)
        printf -v "${kv%%=*}" %s "${kv#*=}" ;;
    esac
  done
  [ "$requests" -gt 0 ] || die "wrk completed no request against $name: $(cat "$tmp/wrk.out")"
  if [ "$name" = switchyard ]; then sy_sent=$((sy_sent + requests)); fi
  cpu=$(awk -v t=$((cpu1 - cpu0)) -v k="$clk" -v n="$requests" 'BEGIN {printf "%.1f", t * 1e6 / k / n}')
  printf '%s\t' "$run" "$c" "$name" "$p50" "$p99" "$p999" "$rps" "$requests" "$cpu" \
    "$(mem_kib VmHWM "${pids[@]}")" "$(mem_kib VmRSS "${pids[@]}")" "$non2xx" "$sockerr" \
    "$hits" >>"$out"
  printf '%s\n' "$badbody" >>"$out"
  printf '  %srun %s/%s  %2s in flight  %-10s p50 %6s µs  p99 %6s µs  %9s req/s  non-2xx %s  socket errors %s\n' \
    "$tag" "$run" "$runs" "$c" "$name" "$p50" "$p99" "$rps" "$non2xx" "$sockerr" >&2
}
sy_warm_hwm=
note_warm_hwm() { [ -n "$sy_warm_hwm" ] || sy_warm_hwm=$(mem_kib VmHWM "$sy_pid"); }
mode_warmup() { # $1 mode, $2 connections: 1 s per target, not measured
  local name
  [ "$warmup" -gt 0 ] || return 0
  log "$1 warm-up: 1 s per target at $2 in flight (not measured)"
  for name in $(if [ "$1" = cache ]; then cache_targets; else echo "$targets"; fi); do
    wrk_run "$name" "$2" 1 "$1"
    if [ "$name" = switchyard ]; then sy_sent=$((sy_sent + $(wrk_requests))); fi
  done
}

# --- the other modes' checks: one request per target, the answers compared ---------------------
check_stream() {
  local name code ctype events b
  for name in $targets; do
    code=$(fetch stream "$name" "$tmp/stream-$name")
    ctype=$(header content-type "$tmp/stream-$name.headers")
    events=$(grep -c '^data: ' "$tmp/stream-$name.body" || true)
    [ "$code" = 200 ] && [[ $ctype == text/event-stream* ]] && [ "$events" = "$stream_events" ] \
      && grep -q "$stream_marker" "$tmp/stream-$name.body" \
      && tail -c ${#stream_tail} "$tmp/stream-$name.body" | cmp -s - <(printf %s "$stream_tail") \
      || die "$name answered the stream with $code ($ctype, $events of $stream_events events):" \
        "$(head -c 300 "$tmp/stream-$name.body")"
  done
  sy_sent=$((sy_sent + 1))
  b=$(header x-switchyard-backend "$tmp/stream-switchyard.headers")
  [ -z "$b" ] || [ "$b" = Stream ] || die "switchyard routed the stream to “$b”, not Stream"
  stream_same=$(compared "$tmp/stream-switchyard.body" "$tmp/stream-upstream.body")
}
# How switchyard's answer ($1) compares with the upstream's ($2), as a phrase.
compared() {
  if cmp -s "$1" "$2"; then
    echo "byte-identical to the upstream's"
  else
    echo "differs from the upstream's ($(wc -c <"$1") bytes, the upstream's $(wc -c <"$2"))"
  fi
}
# The cache mode compares Switchyard's hits with a direct call and the nginx hop: the bare hop
# has no cache and is left out.
cache_targets() { echo "${targets/ hop/}"; }
check_cache() {
  local name code label
  for name in $(cache_targets); do
    code=$(fetch cache "$name" "$tmp/cache-$name")
    [ "$code" = 200 ] && grep -q '"Hello\."' "$tmp/cache-$name.body" \
      || die "$name answered the cacheable request with $code: $(head -c 300 "$tmp/cache-$name.body")"
  done
  cache_first=$(header x-switchyard-cache "$tmp/cache-switchyard.headers")
  sy_sent=$((sy_sent + 2))
  for name in switchyard ${sb_port:+switchyard-b}; do
    code=$(fetch cache "$name" "$tmp/cache-hit-$name")
    label=$(header x-switchyard-cache "$tmp/cache-hit-$name.headers")
    [ "$code" = 200 ] && [ "$label" = hit ] \
      || die "$name's cache did not answer the repeated request: $code, x-switchyard-cache" \
        "“$label” (the first: “$(header x-switchyard-cache "$tmp/cache-$name.headers")”)"
  done
  cache_same=$(compared "$tmp/cache-hit-switchyard.body" "$tmp/cache-upstream.body")
}

# --- buffered ------------------------------------------------------------------------------------
run_buffered() {
  local name run c
  if [ "$warmup" -gt 0 ]; then
    log "warm-up: ${warmup} s per target at $max_c in flight (not measured)"
    for name in $targets; do
      wrk_run "$name" "$max_c" "$warmup"
      if [ "$name" = switchyard ]; then sy_sent=$((sy_sent + $(wrk_requests))); fi
    done
  fi
  note_warm_hwm
  log "measuring: $runs run(s) × concurrency {$conns} × {$targets} × ${seconds} s"
  : >"$results"
  for run in $(seq "$runs"); do
    for c in $conns; do
      for name in $(in_order "$run" "$targets"); do measure "$run" "$c" "$name"; done
    done
  done
}

# --- stream: full answers with wrk, then the time to first byte ---------------------------------
run_stream() {
  local max_sc c run name
  max_sc=0
  for c in $stream_conns; do if [ "$c" -gt "$max_sc" ]; then max_sc=$c; fi; done
  mode_warmup stream "$max_sc"
  note_warm_hwm
  log "stream: $runs run(s) × concurrency {$stream_conns} × {$targets} × ${mode_seconds} s"
  : >"$tmp/results-stream.tsv"
  for run in $(seq "$runs"); do
    for c in $stream_conns; do
      for name in $(in_order "$run" "$targets"); do measure "$run" "$c" "$name" stream; done
    done
  done
  log "stream: time to first byte, $ttfb_n requests per target (and 200 warm-up), alternated"
  printf %s "$stream_body" >"$tmp/stream-request.json"
  # shellcheck disable=SC2034 # ttfb_ok is read by bench-proxy.sh
  python3 "$ROOT/scripts/bench-proxy-ttfb.py" "$ttfb_n" "$tmp/stream-request.json" "$token" \
    "upstream=$up_port:/stream/v1/chat/completions" "nginx=$px_port:/stream/v1/chat/completions" \
    ${hop_port:+"hop=$hop_port:/stream/v1/chat/completions"} "switchyard=$sy_port:/v1/chat/completions" \
    ${sb_port:+"switchyard-b=$sb_port:/v1/chat/completions"} </dev/null >"$tmp/ttfb.jsonl" 2>"$tmp/ttfb.err" \
    || ttfb_ok=
  [ -s "$tmp/ttfb.jsonl" ] || die "the TTFB client failed: $(cat "$tmp/ttfb.err")"
  sy_sent=$((sy_sent + ttfb_n + 200))
}

# --- cache: hits at 1 in flight --------------------------------------------------------------------
run_cache() {
  local run name
  mode_warmup cache 1
  note_warm_hwm
  log "cache: $runs run(s) × 1 in flight × {$(cache_targets)} × ${mode_seconds} s"
  : >"$tmp/results-cache.tsv"
  for run in $(seq "$runs"); do
    for name in $(in_order "$run" "$(cache_targets)"); do measure "$run" 1 "$name" cache; done
  done
}

# --- soak: switchyard alone, back-to-back wrk runs ------------------------------------------------
run_soak() {
  local i cpu0 cpu1 rss data_kib line kv requests seconds_run rps p50 p99 non2xx sockerr
  [[ $soak_c =~ ^[1-9][0-9]*$ ]] || die "BENCH_SOAK_CONNS must be a positive integer"
  if [ "$warmup" -gt 0 ]; then
    log "soak warm-up: ${warmup} s at $soak_c in flight (not measured)"
    wrk_run switchyard "$soak_c" "$warmup"
    sy_sent=$((sy_sent + $(wrk_requests)))
  fi
  note_warm_hwm
  intervals=$(((soak + soak_interval - 1) / soak_interval))
  log "soak: switchyard alone at $soak_c in flight, $intervals × ${soak_interval} s"
  : >"$tmp/soak.tsv"
  # The control: the upstream nginx does the same work per request all along, so its CPU per
  # request shows how fast the host ran each interval (with the steal time of /proc/stat).
  local up_pids=() up0 up1 st0 st1
  mapfile -t up_pids < <(procs "$(pid_of upstream)")
  cpu0=$(cpu_ticks "$sy_pid") up0=$(cpu_ticks "${up_pids[@]}") st0=$(steal_ticks)
  for i in $(seq "$intervals"); do
    wrk_run switchyard "$soak_c" "$soak_interval"
    kill -0 "$sy_pid" 2>/dev/null || die "switchyard-serve died during the soak"
    cpu1=$(cpu_ticks "$sy_pid") up1=$(cpu_ticks "${up_pids[@]}") st1=$(steal_ticks)
    rss=$(mem_kib VmRSS "$sy_pid")
    data_kib=$(du -sk "$SWITCHYARD_DATA_DIR" | cut -f1)
    line=$(grep '^BENCH ' "$tmp/wrk.out") || die "no BENCH line from wrk: $(cat "$tmp/wrk.out")"
    requests= seconds_run= rps= p50= p99= non2xx= sockerr=
    for kv in $line; do
      case $kv in
        requests=* | rps=* | p50=* | p99=* | non2xx=* | sockerr=*) printf -v "${kv%%=*}" %s "${kv#*=}" ;;
        seconds=*) seconds_run=${kv#*=} ;;
      esac
    done
    [ "$requests" -gt 0 ] || die "wrk completed no request in the soak: $(cat "$tmp/wrk.out")"
    sy_sent=$((sy_sent + requests))
    printf '%s\t' "$((i * soak_interval))" "$requests" "$seconds_run" "$p50" "$p99" \
      "$((cpu1 - cpu0))" "$rss" "$data_kib" "$non2xx" >>"$tmp/soak.tsv"
    printf '%s\t' "$sockerr" "$((up1 - up0))" >>"$tmp/soak.tsv"
    printf '%s\n' "$((st1 - st0))" >>"$tmp/soak.tsv"
    printf '  soak %4s s  %9s req/s  p50 %6s µs  p99 %6s µs  CPU %6s µs/req  RSS %6s MiB  non-2xx %s  socket errors %s\n' \
      "$((i * soak_interval))" "$rps" "$p50" "$p99" \
      "$(awk -v t=$((cpu1 - cpu0)) -v k="$clk" -v n="$requests" 'BEGIN {printf "%.1f", t * 1e6 / k / n}')" \
      "$(awk -v r="$rss" 'BEGIN {printf "%.1f", r / 1024}')" "$non2xx" "$sockerr" >&2
    cpu0=$cpu1 up0=$up1 st0=$st1
  done
}
