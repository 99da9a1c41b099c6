"""Snapshots of a whole stack: save and restore of a seeded state, next to reset and start-up.

The state: 1,000 S3 objects (900 of 1 KiB stored inline, 100 of 100 KiB as blob files) in one
bucket, 10,000 SQS messages in 10 queues (1,000 of them received, so in flight), and 10
Deployments of one replica each (the built-in hayloft/echo workload). Measured, medians over
RUNS runs, from the client (one HTTP round trip each) and as hayloft reports it ("ms" of the
restore):

- save: POST /_hayloft/snapshots of that state;
- restore: POST /_hayloft/snapshots/NAME/restore of that state (goal < 50 ms);
- reset: POST /_hayloft/reset of a test's worth of state (a bucket, an object, a queue and a
  message), as hayloft_clean does between tests (goal < 5 ms);
- ready: hayloft.Stack.start() (exec of `hayloft up --in-memory --port 0` until it answers), the
  pytest fixture's start (goal < 50 ms).

Usage: python3 bench/snapshot.py [RUNS]   (boto3: the image's python3)
"""
import concurrent.futures
import json
import os
import statistics
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
from hayloft import Stack  # noqa: E402

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 15
HAYLOFT = os.environ.get("HAYLOFT_BIN", os.path.join(ROOT, "build", "bin", "hayloft"))
FLAGS = ["--embedder", "hash", "--log-level", "warn", "--clock", "manual"]
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web-%d}
spec:
  replicas: 1
  selector: {matchLabels: {app: web-%d}}
  template:
    metadata: {labels: {app: web-%d}}
    spec: {containers: [{name: c, image: hayloft/echo}]}
"""


def clients(stack):
    cfg = Config(max_pool_connections=16, retries={"max_attempts": 1})
    return stack.s3(config=cfg), stack.sqs(config=cfg)


def seed(stack):
    s3, sqs = clients(stack)
    s3.create_bucket(Bucket="seed")
    small, large = b"s" * 1024, b"L" * (100 * 1024)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: s3.put_object(Bucket="seed", Key=f"obj-{i:04}", Body=large if i % 10 == 0 else small),
                      range(1000)))
        urls = [sqs.create_queue(QueueName=f"q-{q}")["QueueUrl"] for q in range(10)]

        def fill(url):
            for b in range(100):
                sqs.send_message_batch(QueueUrl=url, Entries=[
                    {"Id": str(i), "MessageBody": f"message {b * 10 + i} " + "x" * 200} for i in range(10)])
            for _ in range(10):
                sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)  # 100 in flight per queue
        list(pool.map(fill, urls))
    stack.apply("---\n".join(DEPLOYMENT % (i, i, i) for i in range(10)))


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t0) * 1e3, out


def main():
    readies = []
    for _ in range(RUNS):
        ms, stack = timed(lambda: Stack.start(flags=FLAGS, binary=HAYLOFT))
        readies.append(ms)
        stack.stop()

    stack = Stack.start(flags=FLAGS, binary=HAYLOFT)
    try:
        t0 = time.perf_counter()
        seed(stack)
        seeded_s = time.perf_counter() - t0
        saves, restores, reported, resets = [], [], [], []
        for _ in range(RUNS):
            ms, saved = timed(lambda: stack.snapshot("seeded"))
            saves.append(ms)
        s3, sqs = clients(stack)
        for i in range(RUNS):
            s3.delete_object(Bucket="seed", Key=f"obj-{i:04}")  # something to undo
            ms, out = timed(lambda: stack.restore("seeded"))
            restores.append(ms)
            reported.append(out["ms"])
        attrs = sqs.get_queue_attributes(QueueUrl=sqs.get_queue_url(QueueName="q-0")["QueueUrl"],
                                         AttributeNames=["All"])["Attributes"]
        assert attrs["ApproximateNumberOfMessages"] == "900", attrs
        assert attrs["ApproximateNumberOfMessagesNotVisible"] == "100", attrs
        assert s3.list_objects_v2(Bucket="seed")["KeyCount"] == 1000
        for i in range(RUNS):
            stack.reset()
            s3.create_bucket(Bucket=f"bucket-{i}")
            s3.put_object(Bucket=f"bucket-{i}", Key="k", Body=b"x" * 1024)
            url = sqs.create_queue(QueueName=f"test-{i}")["QueueUrl"]
            sqs.send_message(QueueUrl=url, MessageBody="m")
            ms, _ = timed(stack.reset)
            resets.append(ms)
    finally:
        stack.stop()
    med = statistics.median
    print(f"{RUNS} runs, medians. State: 1,000 objects ({saved['blobs']} blob files), 10,000 messages "
          f"(1,000 in flight), 10 deployments; snapshot {saved['bytes'] / 2**20:.1f} MiB; seeding took {seeded_s:.1f} s")
    print(f"{'stack ready (Stack.start)':34} {med(readies):8.1f} ms   goal < 50")
    print(f"{'reset (a test worth of state)':34} {med(resets):8.2f} ms   goal < 5")
    print(f"{'save the seeded state':34} {med(saves):8.1f} ms")
    print(f"{'restore the seeded state':34} {med(restores):8.1f} ms   goal < 50  (hayloft's own: {med(reported):.1f} ms)")


if __name__ == "__main__":
    main()
