#!/usr/bin/env bash
# The request log's cost on the hot path. Two hayloft instances side by side: one at the default
# --log-level info (one line per request, written to a file as `up 2>log` does) and one at warn
# (no request lines). wrk loads them in turn, ROUNDS rounds of 4 KiB GetObject and 4 KiB
# PutObject each, so machine noise hits both alike; prints the medians and the cost in percent.
#   bench/request_log.sh [SECONDS] [ROUNDS]     default 5 s per wrk run, 5 rounds
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
secs="${1:-5}"
rounds="${2:-5}"
conns="${BENCH_CONNECTIONS:-32}"

start_named() {  # NAME LEVEL: sets port_NAME
  local dir="$work/$1"
  mkdir -p "$dir"
  "$HAYLOFT_BIN" up --port 0 --port-file "$dir/port" --data-dir "$dir/data" --log-level "$2" >"$dir/log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 500); do [ -s "$dir/port" ] && break; sleep 0.01; done
  wait_http "http://127.0.0.1:$(cat "$dir/port")/_hayloft/health"
  printf -v "port_$1" '%s' "$(cat "$dir/port")"
}
start_named info info
start_named warn warn
head -c 4096 /dev/urandom >"$work/obj4k"
for p in "$port_info" "$port_warn"; do
  curl -sf -X PUT "http://127.0.0.1:$p/bench" >/dev/null
  curl -sf -X PUT -H "Content-Type: application/octet-stream" --data-binary @"$work/obj4k" "http://127.0.0.1:$p/bench/obj4k" >/dev/null
done

declare -A runs
for r in $(seq 1 "$rounds"); do
  for level in info warn; do
    port_var="port_$level"
    url="http://127.0.0.1:${!port_var}"
    runs[get_$level]+="$(wrk_rps "$url/bench/obj4k" -t2 -c"$conns" -d"${secs}s") "
    runs[put_$level]+="$(wrk_rps "$url/bench/" -t2 -c"$conns" -d"${secs}s" -s "$(dirname "$0")/lib/put.lua") "
  done
done
lines=$(grep -c ' => ' "$work/info/log" || true)
python3 - "$rounds" "${runs[get_info]}" "${runs[get_warn]}" "${runs[put_info]}" "${runs[put_warn]}" "$lines" <<'PY'
import statistics, sys
rounds = int(sys.argv[1])
vals = [list(map(float, a.split())) for a in sys.argv[2:6]]
names = ["GET 4 KiB", "PUT 4 KiB"]
print(f"{'operation':12} {'info req/s':>12} {'warn req/s':>12} {'cost':>8}   (medians of {rounds} rounds, alternating)")
for i, name in enumerate(names):
    info, warn = statistics.median(vals[2 * i]), statistics.median(vals[2 * i + 1])
    print(f"{name:12} {info:12.0f} {warn:12.0f} {100 * (1 - info / warn):7.1f}%")
print(f"request lines written by the info instance: {sys.argv[6]}")
PY
