#!/usr/bin/env bash
# hayloft/embedding-server throughput: requests/s and p50 of POST /v2/models/use-lite/infer with
# one sentence per request and with batches of 8, measured with `hayloft load --kserve` against
# one pod (the real USE-lite model; its compute pool has one thread per core).
#   bench/serving/infer.sh [SECONDS] [USERS] [EMBEDDER]    default 10 s, 8 users, use (USE-lite; or hash)
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
secs="${1:-10}"
users="${2:-8}"
embedder="${3:-use}"

start_hayloft --in-memory --embedder "$embedder"
cat >"$work/server.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: embedding-server}
spec:
  replicas: 1
  selector: {matchLabels: {app: embedding-server}}
  template:
    metadata: {labels: {app: embedding-server}}
    spec:
      containers:
        - name: server
          image: hayloft/embedding-server
          ports: [{containerPort: 8080}]
YAML
export HAYLOFT_ENDPOINT="http://127.0.0.1:$HAYLOFT_PORT"
"$HAYLOFT_BIN" apply -f "$work/server.yaml" >/dev/null
# The kubelet gives the pod a free host port ($PORT): read the one it listens on from its log.
for _ in $(seq 1 600); do
  line="$("$HAYLOFT_BIN" logs deployment/embedding-server 2>/dev/null | grep -o 'listening on 127.0.0.1:[0-9]*' || true)"
  ready="$(curl -s -o /dev/null -w '%{http_code}' "http://${line#listening on }/v2/health/ready" 2>/dev/null || true)"
  [ "$ready" = 200 ] && break
  sleep 0.1
done
[ "$ready" = 200 ] || { echo "the embedding server did not become ready" >&2; cat "$work/hayloft.log" >&2; exit 1; }
S="http://${line#listening on }"

printf '\n%-24s %10s %10s %10s %10s %10s\n' "infer (${secs}s each)" "req/s" "texts/s" "p50 ms" "p99 ms" "failures"
for u in 1 "$users"; do
  for batch in 1 8; do
    "$HAYLOFT_BIN" load -H "$S" -u "$u" -r 1000 -t "${secs}s" --kserve use-lite --kserve-batch "$batch" \
      --csv "$work/u${u}b$batch" >"$work/u${u}b$batch.txt" 2>/dev/null
    awk -F, -v b="$batch" -v name="-u $u, batch $batch" '$2 == "Aggregated" {printf "%-24s %10.1f %10.1f %10.2f %10.2f %10d\n", name, $10, $10 * b, $12, $19, $4}' \
      "$work/u${u}b${batch}_stats.csv"
  done
done
