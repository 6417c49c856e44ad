# shellcheck shell=bash
# Starting and stopping the processes of scripts/bench-proxy.sh, sourced by it (not run on its
# own): nginx (a config per folder, started in the foreground, stopped with QUIT to its master),
# switchyard-serve and bare-hop (started with their output in a log, ready once the log says
# "listening on", stopped with TERM, KILL after 10 s). Uses bench-proxy.sh's `die` and `$nginx`.
# shellcheck disable=SC2154 # nginx and die come from bench-proxy.sh

nginx_conf() { # $1 folder, $2 the http{} body, $3 worker processes (default 1)
  mkdir -p "$1/tmp"
  cat >"$1/nginx.conf" <<EOC
worker_processes ${3:-1};
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
EOC
}
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
stop_nginx() { # QUIT to the master (graceful), KILL if it is still there after 10 s
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -QUIT "$pid" 2>/dev/null || true
  for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}
wait_listening() { # $1 PID, $2 port, $3 log, $4 name: until the log says it listens on the port
  for _ in $(seq 100); do
    grep -q "listening on http://127.0.0.1:$2" "$3" && return 0
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  die "$4 did not start on $2: $(cat "$3")"
}
stop_proc() { # $1 PID (may be empty), $2 name: TERM (switchyard-serve finishes in-flight
  #             requests and writes its ledger), KILL after 10 s
  local i pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "$2 did not stop within 10 s: killed" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
