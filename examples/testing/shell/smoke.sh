#!/usr/bin/env bash
# An aws CLI + kubectl script, run against a private stack with nothing but the environment
# `hayloft exec` sets:   hayloft exec -- examples/testing/shell/smoke.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${AWS_ENDPOINT_URL:?run me under hayloft exec}"

awslocal s3 mb s3://smoke-bucket
echo "hello from smoke.sh" > "${TMPDIR:-/tmp}/smoke-$$.txt"
awslocal s3 cp "${TMPDIR:-/tmp}/smoke-$$.txt" s3://smoke-bucket/hello.txt
rm -f "${TMPDIR:-/tmp}/smoke-$$.txt"
[ "$(awslocal s3 cp s3://smoke-bucket/hello.txt -)" = "hello from smoke.sh" ]

url="$(awslocal sqs create-queue --queue-name smoke-queue --query QueueUrl --output text)"
awslocal sqs send-message --queue-url "$url" --message-body hello.txt >/dev/null
[ "$(awslocal sqs receive-message --queue-url "$url" --query 'Messages[0].Body' --output text)" = "hello.txt" ]

kubectl create namespace smoke
kubectl apply -n smoke -f "$here/web.yaml"
kubectl get deployment web -n smoke -o jsonpath='{.spec.replicas}' | grep -qx 2
kubectl scale deployment web -n smoke --replicas=3
kubectl get deployment web -n smoke -o jsonpath='{.spec.replicas}' | grep -qx 3
echo "smoke: ok"
