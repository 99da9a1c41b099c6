#!/usr/bin/env bash
# S3 throughput, hayloft against moto_server (and nginx for static GETs), in one run.
#   bench/s3_vs_moto.sh [SECONDS]     default 10 s per wrk run, 2 threads, 32 connections
# Prints requests/s for 4 KiB PutObject and GetObject, MB/s for 64 MiB objects, and ratios.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
secs="${1:-10}"
conns="${BENCH_CONNECTIONS:-32}"

start_hayloft
start_moto
mkdir -p "$work/static"
head -c 4096 /dev/urandom >"$work/static/obj4k"
start_nginx "$work/static"
H="http://127.0.0.1:$HAYLOFT_PORT" M="http://127.0.0.1:$MOTO_PORT" N="http://127.0.0.1:$NGINX_PORT"
for ep in "$H" "$M"; do
  curl -sf -X PUT -H "x-amz-acl: public-read-write" "$ep/bench" >/dev/null
  curl -sf -X PUT -H "x-amz-acl: public-read" -H "Content-Type: application/octet-stream" --data-binary @"$work/static/obj4k" "$ep/bench/obj4k" >/dev/null
done

echo "== 4 KiB GetObject (wrk -t2 -c$conns -d${secs}s)"
get_n=$(wrk_rps "$N/obj4k" -t2 -c"$conns" -d"${secs}s")
get_h=$(wrk_rps "$H/bench/obj4k" -t2 -c"$conns" -d"${secs}s")
get_m=$(wrk_rps "$M/bench/obj4k" -t2 -c"$conns" -d"${secs}s")
echo "== 4 KiB PutObject"
put_h=$(wrk_rps "$H/bench/" -t2 -c"$conns" -d"${secs}s" -s "$(dirname "$0")/lib/put.lua")
put_m=$(wrk_rps "$M/bench/" -t2 -c"$conns" -d"${secs}s" -s "$(dirname "$0")/lib/put.lua")

echo "== 64 MiB objects (3 PUTs and 3 GETs each, curl)"
head -c $((64 * 1024 * 1024)) /dev/urandom >"$work/obj64m"
big() {  # ENDPOINT -> "put_MBps get_MBps"
  local t0 t1 t2
  t0=$(date +%s.%N)
  for i in 1 2 3; do curl -sf -X PUT -H "x-amz-acl: public-read" -H "Content-Type: application/octet-stream" --data-binary @"$work/obj64m" "$1/bench/big$i" >/dev/null; done
  t1=$(date +%s.%N)
  for i in 1 2 3; do curl -sf "$1/bench/big$i" -o /dev/null; done
  t2=$(date +%s.%N)
  python3 -c "import sys; t0,t1,t2=map(float,sys.argv[1:]); print('%.0f %.0f' % (192/(t1-t0), 192/(t2-t1)))" "$t0" "$t1" "$t2"
}
read -r bput_h bget_h <<<"$(big "$H")"
read -r bput_m bget_m <<<"$(big "$M")"

printf '\n%-26s %12s %12s %12s %8s\n' "operation" "hayloft" "moto" "nginx" "ratio"
printf '%-26s %12s %12s %12s %8s\n' "GET 4 KiB (req/s)" "$get_h" "$get_m" "$get_n" "$(ratio "$get_h" "$get_m")x moto"
printf '%-26s %12s %12s %12s %8s\n' "PUT 4 KiB (req/s)" "$put_h" "$put_m" "-" "$(ratio "$put_h" "$put_m")x moto"
printf '%-26s %12s %12s %12s %8s\n' "PUT 64 MiB (MB/s)" "$bput_h" "$bput_m" "-" "$(ratio "$bput_h" "$bput_m")x moto"
printf '%-26s %12s %12s %12s %8s\n' "GET 64 MiB (MB/s)" "$bget_h" "$bget_m" "-" "$(ratio "$bget_h" "$bget_m")x moto"
echo "hayloft GET 4 KiB / nginx static 4 KiB: $(ratio "$get_h" "$get_n")  (goal >= 0.5)"
echo "hayloft peak RSS (KiB): $(grep VmHWM /proc/"${pids[0]}"/status | awk '{print $2}')"
