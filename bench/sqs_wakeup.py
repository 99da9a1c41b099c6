"""Long-poll wake-up latency: N receivers wait in ReceiveMessage(WaitTimeSeconds=20); a sender
sends one message at a time; the latency is from just before the send to the receiver's reply.
Raw HTTP (no boto3), so the client adds well under a millisecond. Prints p50/p99 in ms."""
import http.client
import json
import sys
import threading
import time

host, port, queue_url, rounds = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
AUTH = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0"


def call(conn, target, body):
    conn.request("POST", "/", json.dumps(body), {"Content-Type": "application/x-amz-json-1.0",
                                               "X-Amz-Target": "AmazonSQS." + target, "Authorization": AUTH})
    return json.loads(conn.getresponse().read() or b"{}")


latencies = []
recv_conn = http.client.HTTPConnection(host, port)
send_conn = http.client.HTTPConnection(host, port)
for _ in range(rounds):
    got = {}

    def receiver():
        r = call(recv_conn, "ReceiveMessage", {"QueueUrl": queue_url, "WaitTimeSeconds": 20})
        got["t"] = time.perf_counter()
        got["m"] = r.get("Messages", [])

    t = threading.Thread(target=receiver)
    t.start()
    time.sleep(0.02)  # let the receive reach the server and park
    t0 = time.perf_counter()
    call(send_conn, "SendMessage", {"QueueUrl": queue_url, "MessageBody": "wake"})
    t.join(30)
    if got.get("m"):
        latencies.append((got["t"] - t0) * 1000)
        call(send_conn, "DeleteMessage", {"QueueUrl": queue_url, "ReceiptHandle": got["m"][0]["ReceiptHandle"]})
latencies.sort()
if not latencies:
    print("nan nan")
else:
    print("%.2f %.2f" % (latencies[len(latencies) // 2], latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]))
