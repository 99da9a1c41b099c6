#!/usr/bin/env bash
# SQS throughput and long-poll wake-up, hayloft (durable: every SendMessage fsynced before it is
# acknowledged, commits shared) against moto_server, in one run.
#   bench/sqs_vs_moto.sh [SECONDS]   default 10 s per wrk run, 2 threads, 32 connections
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
secs="${1:-10}"
conns="${BENCH_CONNECTIONS:-32}"
lib="$(dirname "$0")/lib"
start_hayloft
start_moto
H="http://127.0.0.1:$HAYLOFT_PORT" M="http://127.0.0.1:$MOTO_PORT"
create() {  # ENDPOINT NAME -> queue URL
  curl -sf -X POST "$1/" -H 'Content-Type: application/x-amz-json-1.0' -H 'X-Amz-Target: AmazonSQS.CreateQueue' \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0' \
    -d "{\"QueueName\":\"$2\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["QueueUrl"])'
}
run() {  # ENDPOINT QUEUE SCRIPT [MAX]
  BENCH_QUEUE_URL="$(create "$1" "$2")" BENCH_MAX="${4:-1}" wrk_rps "$1/" -t2 -c"$conns" -d"${secs}s" -s "$lib/$3"
}
declare -A r
for side in H M; do
  ep="${!side}"
  r[$side.send]=$(run "$ep" bench-send sqs_send.lua)
  r[$side.batch]=$(run "$ep" bench-batch sqs_send_batch.lua)
  # Receive+delete drains what the two send runs queued.
  r[$side.recv]=$(run "$ep" bench-send sqs_recv_delete.lua 1)
  r[$side.recvb]=$(run "$ep" bench-batch sqs_recv_delete.lua 10)
  url="$(create "$ep" bench-wake)"
  port="${ep##*:}"
  r[$side.wake]=$(python3 "$(dirname "$0")/sqs_wakeup.py" 127.0.0.1 "$port" "$url" 50)
done
printf '\n%-38s %12s %12s %8s\n' "operation (requests/s)" "hayloft" "moto" "ratio"
row() { printf '%-38s %12s %12s %8s\n' "$1" "${r[H.$2]}" "${r[M.$2]}" "$(ratio "${r[H.$2]}" "${r[M.$2]}")x"; }
row "SendMessage" send
row "SendMessageBatch (10/request)" batch
row "Receive(1)+Delete (requests)" recv
row "Receive(10)+DeleteBatch (requests)" recvb
echo "long-poll wake-up p50/p99 ms: hayloft ${r[H.wake]}   moto ${r[M.wake]}"
