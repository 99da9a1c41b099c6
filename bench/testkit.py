"""The test kit's costs, hayloft against moto's ThreadedMotoServer in the same run.

- ready: time from starting a stack (hayloft.Stack.start, i.e. exec of `hayloft up --in-memory
  --port 0`; moto: ThreadedMotoServer().start()) until it answers;
- reset: one reset call (POST /_hayloft/reset; moto: POST /moto-api/reset);
- suite: a 100-test suite where each test resets the stack (as the `hayloft_clean` fixture does)
  and then creates a bucket, puts and gets a 1 KiB object, creates a queue, sends and receives a
  message with boto3. Reported: total time, time per test, and the part spent in reset.
Medians over RUNS runs. Usage: python3 bench/testkit.py [RUNS]   (the image's python: boto3, moto)
"""
import os
import socket
import statistics
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
from hayloft import Stack  # noqa: E402

import logging  # noqa: E402

import boto3  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
TESTS = 100
HAYLOFT = os.environ.get("HAYLOFT_BIN", os.path.join(ROOT, "build", "bin", "hayloft"))
os.environ.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url):
    urllib.request.urlopen(urllib.request.Request(url, data=b"", method="POST"), timeout=30).read()


class HayloftSide:
    name = "hayloft"

    def start(self):
        self.stack = Stack.start(flags=["--embedder", "hash", "--log-level", "warn"], binary=HAYLOFT)
        self.endpoint = self.stack.endpoint

    def reset(self):
        self.stack.reset()

    def stop(self):
        self.stack.stop()


class MotoSide:
    name = "moto"

    def start(self):
        port = free_port()
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        self.server.start()
        self.endpoint = f"http://127.0.0.1:{port}"
        urllib.request.urlopen(self.endpoint + "/moto-api/", timeout=30).read()

    def reset(self):
        post(self.endpoint + "/moto-api/reset")

    def stop(self):
        self.server.stop()


def one_test(s3, sqs, i):
    s3.create_bucket(Bucket=f"bucket-{i}")
    s3.put_object(Bucket=f"bucket-{i}", Key="k", Body=b"x" * 1024)
    assert s3.get_object(Bucket=f"bucket-{i}", Key="k")["Body"].read() == b"x" * 1024
    url = sqs.create_queue(QueueName=f"queue-{i}")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="hello")
    assert sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"][0]["Body"] == "hello"


def run_side(side):
    t0 = time.perf_counter()
    side.start()
    ready = time.perf_counter() - t0
    s3 = boto3.client("s3", endpoint_url=side.endpoint)
    sqs = boto3.client("sqs", endpoint_url=side.endpoint)
    resets = []
    t1 = time.perf_counter()
    for i in range(TESTS):
        r0 = time.perf_counter()
        side.reset()
        resets.append(time.perf_counter() - r0)
        one_test(s3, sqs, i)
    suite = time.perf_counter() - t1
    side.stop()
    return ready, statistics.median(resets), sum(resets), suite


def main():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request lines
    results = {"hayloft": [], "moto": []}
    for _ in range(RUNS):
        for side in (HayloftSide(), MotoSide()):
            results[side.name].append(run_side(side))
    med = {k: [statistics.median(r[i] for r in v) for i in range(4)] for k, v in results.items()}
    print(f"{RUNS} runs, medians; suite = {TESTS} tests, each reset + S3 create/put/get + SQS create/send/receive")
    print(f"{'':10} {'ready ms':>10} {'reset ms':>10} {'suite s':>9} {'per test ms':>12} {'in reset s':>11}")
    for k, (ready, reset, reset_total, suite) in med.items():
        print(f"{k:10} {ready * 1e3:10.1f} {reset * 1e3:10.2f} {suite:9.2f} {suite / TESTS * 1e3:12.1f} {reset_total:11.3f}")
    h, m = med["hayloft"], med["moto"]
    print(f"moto / hayloft: ready {m[0] / h[0]:.1f}x, reset {m[1] / h[1]:.1f}x, suite {m[3] / h[3]:.1f}x")


if __name__ == "__main__":
    main()
