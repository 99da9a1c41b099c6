#!/usr/bin/env bash
# Per-request cost that machine noise cannot move: user-space instructions per 4 KiB GetObject and
# PutObject (valgrind --tool=callgrind, collecting only while the requests run) and the write-type
# system calls per request (strace), for one hayloft binary at one log level.
#   bench/request_instructions.sh [N] [LOG_LEVEL]    default 2000 requests of each kind, info
# HAYLOFT_BIN picks the binary (default build/bin/hayloft): run it for two binaries to compare.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
n="${1:-2000}"
level="${2:-info}"
client="$(dirname "${BASH_SOURCE[0]}")/lib/keepalive_requests.py"

start() {  # TOOL...: starts hayloft under TOOL, sets port and pid
  rm -f "$work/port"
  "$@" "$HAYLOFT_BIN" up --port 0 --port-file "$work/port" --data-dir "$work/data-$RANDOM" --log-level "$level" \
    >"$work/hayloft.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1 6000); do [ -s "$work/port" ] && break; sleep 0.02; done
  port="$(cat "$work/port")"
  for _ in $(seq 1 1500); do curl -s -o /dev/null "http://127.0.0.1:$port/_hayloft/health" && break; sleep 0.1; done
  head -c 4096 /dev/urandom >"$work/obj4k"
  curl -sf -X PUT "http://127.0.0.1:$port/bench" >/dev/null
  curl -sf -X PUT --data-binary @"$work/obj4k" "http://127.0.0.1:$port/bench/obj4k" >/dev/null
  python3 "$client" "$port" get 50  # warm up
}
stop() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }

instructions() {  # get|put: instructions per request
  local out="$work/callgrind.$1"
  start valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out"
  callgrind_control -i on "$pid" >/dev/null 2>&1
  python3 "$client" "$port" "$1" "$n"
  callgrind_control -i off "$pid" >/dev/null 2>&1
  stop
  local total
  total=$(grep -h "^totals:" "$out"* | awk '{s += $2} END {print s}')
  echo $(( total / n ))
}

syscalls() {  # get|put: write-type system calls per request (all threads)
  start
  # -f with -p attaches every thread of the process.
  strace -f -qq -e trace=write,writev,pwrite64,sendto,sendmsg -o "$work/strace.$1" -p "$pid" &
  local spid=$!
  sleep 1
  python3 "$client" "$port" "$1" "$n"
  kill -INT "$spid"; wait "$spid" 2>/dev/null || true
  stop
  python3 -c "import sys; print('%.2f' % (sum(1 for _ in open(sys.argv[1])) / int(sys.argv[2])))" "$work/strace.$1" "$n"
}

echo "hayloft $HAYLOFT_BIN, --log-level $level, $n requests of each kind on one connection"
printf '%-12s %16s %20s\n' "request" "instructions" "write syscalls"
for kind in get put; do
  printf '%-12s %16s %20s\n' "$kind 4 KiB" "$(instructions "$kind")" "$(syscalls "$kind")"
done
