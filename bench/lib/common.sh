# Shared helpers for the side-by-side benchmarks: free ports, starting hayloft, moto_server and
# nginx on loopback, and parsing wrk output. Every server binds 127.0.0.1 only.
set -euo pipefail
bench_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HAYLOFT_BIN="${HAYLOFT_BIN:-$bench_root/build/bin/hayloft}"
work="$(mktemp -d /tmp/hayloft-bench.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_http() {  # URL
  for _ in $(seq 1 500); do curl -s -o /dev/null "$1" && return 0; sleep 0.02; done
  echo "server at $1 did not start" >&2; return 1
}

start_hayloft() {  # extra args...; sets HAYLOFT_PORT
  local dir="$work/hayloft-data"
  mkdir -p "$dir"
  "$HAYLOFT_BIN" up --port 0 --port-file "$work/hayloft.port" --data-dir "$dir" --log-level "${BENCH_LOG_LEVEL:-warn}" "$@" >"$work/hayloft.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 500); do [ -s "$work/hayloft.port" ] && break; sleep 0.01; done
  HAYLOFT_PORT="$(cat "$work/hayloft.port")"
  wait_http "http://127.0.0.1:$HAYLOFT_PORT/_hayloft/health"
}

start_moto() {  # sets MOTO_PORT
  MOTO_PORT="$(free_port)"
  moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$work/moto.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$MOTO_PORT/moto-api/"
}

write_nginx_conf() {  # ROOT PORT: $work/nginx/nginx.conf, one worker serving ROOT on 127.0.0.1:PORT
  mkdir -p "$work/nginx"
  cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$2; root $1; }
}
CONF
}

start_nginx() {  # FILE_DIR; sets NGINX_PORT (one worker, as the target says)
  NGINX_PORT="$(free_port)"
  write_nginx_conf "$1" "$NGINX_PORT"
  nginx -c "$work/nginx/nginx.conf" &
  pids+=($!)
  wait_http "http://127.0.0.1:$NGINX_PORT/"
}

# wrk_rps URL [wrk args...]: prints requests/second.
wrk_rps() {
  local url="$1"; shift
  wrk "$@" "$url" 2>&1 | tee -a "$work/wrk.log" | awk '/Requests\/sec/ {print $2}'
}

ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print('%.1f' % (a/b if b else float('inf')))" "$1" "$2"; }
