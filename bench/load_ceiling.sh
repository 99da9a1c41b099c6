#!/usr/bin/env bash
# The ceiling of `hayloft load`: requests/s against nginx (one worker) serving a 17-byte static
# file, with wrk against the same nginx in the same run as the reference. When the two are
# close, the server (or the machine), not the load generator, is the limit.
#   bench/load_ceiling.sh [SECONDS] [USERS]     default 10 s, 64 users (wrk: -t2 -c64)
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
secs="${1:-10}"
users="${2:-64}"

mkdir -p "$work/static"
chmod 755 "$work" "$work/static"  # nginx workers run as nobody when started by root
echo "hello from nginx" >"$work/static/index.html"
start_nginx "$work/static"
N="http://127.0.0.1:$NGINX_PORT"
echo '{"name": "index", "path": "/index.html"}' >"$work/requests.jsonl"

wrk_n=$(wrk_rps "$N/index.html" -t2 -c"$users" -d"${secs}s")
"$HAYLOFT_BIN" load -H "$N" -u "$users" -r 1000 -t "${secs}s" -f "$work/requests.jsonl" --csv "$work/load" >"$work/load.txt" 2>/dev/null
grep -q "Errors:" "$work/load.txt" && { echo "hayloft load saw failures:" >&2; cat "$work/load.txt" >&2; exit 1; }
load_n=$(awk -F, '$2 == "Aggregated" {print $10}' "$work/load_stats.csv")
printf '\n%-34s %12s\n' "client (-u $users, ${secs}s)" "req/s"
printf '%-34s %12.0f\n' "wrk -t2 -c$users" "$wrk_n" "hayloft load -u $users" "$load_n"
echo "hayloft load / wrk: $(ratio "$load_n" "$wrk_n")"
