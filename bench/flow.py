#!/usr/bin/env python3
"""End-to-end figures of the whole flow, through the real binary.

  bench/flow.py files [--files 1000] [--replicas 2] [--embedder use|hash]
      files/s for a corpus of small text files: `hayloft upload DIR --wait` against hayloft's
      own consumer Deployment (built-in `hayloft/indexing-consumer`, `replicas` pods); prints
      the upload time and the time until every file is indexed.
  bench/flow.py quickstart [--files 100] [--time-scale 30] [--runs 3]
      seconds from exec of `hayloft up` (with the reference app's bootstrap script and manifests
      from examples/keda-haystack, `--time-scale` so the 30 s poll does not dominate) until all
      uploaded files are searchable: KEDA activates the Deployment, pods index, search answers.

Each run uses a fresh data dir (durable, fsyncs on). Medians over --runs.
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BIN = os.environ.get("HAYLOFT_BIN", os.path.join(ROOT, "build", "bin", "hayloft"))
EXAMPLE = os.path.join(ROOT, "examples", "keda-haystack")
WORDS = ("barn hay loft grass field farmer tractor harvest summer winter cattle horse stable oats wheat rain sun "
         "river bridge mountain valley forest village market bread cheese milk wool fence gate path road cart "
         "lantern night morning evening storm wind cloud seed soil plough orchard apple pear cherry honey bee").split()

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: bench-consumer}
spec:
  replicas: %d
  selector: {matchLabels: {app: bench-consumer}}
  template:
    metadata: {labels: {app: bench-consumer}}
    spec:
      containers:
        - {name: consumer, image: hayloft/indexing-consumer}
"""


def get(endpoint, path):
    with urllib.request.urlopen(endpoint + path, timeout=60) as r:
        return json.loads(r.read())


def start(args, data_dir):
    port_file = os.path.join(data_dir, "port")
    log = open(os.path.join(data_dir, "hayloft.log"), "wb")
    t0 = time.perf_counter()
    proc = subprocess.Popen([BIN, "up", "--port", "0", "--port-file", port_file, "--data-dir", data_dir] + args,
                            stdout=log, stderr=subprocess.STDOUT)
    while not os.path.exists(port_file):
        if proc.poll() is not None:
            sys.exit("hayloft exited: " + open(os.path.join(data_dir, "hayloft.log")).read())
        time.sleep(0.002)
    endpoint = "http://127.0.0.1:%s" % open(port_file).read().strip()
    return proc, endpoint, t0


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def corpus(dirname, n, rng):
    os.makedirs(dirname)
    for i in range(n):
        words = [rng.choice(WORDS) for _ in range(rng.randint(60, 120))]
        with open(os.path.join(dirname, "doc-%05d.txt" % i), "w") as f:
            f.write("Document %d. " % i + " ".join(words) + ".\n")


def cli(endpoint, *args):
    env = dict(os.environ, HAYLOFT_ENDPOINT=endpoint, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
    return subprocess.run([BIN] + list(args), env=env, capture_output=True, text=True, timeout=3600)


def bench_files(a):
    tmp = tempfile.mkdtemp(prefix="hayloft-flow-bench-")
    try:
        corpus(os.path.join(tmp, "docs"), a.files, random.Random(1))
        data = os.path.join(tmp, "data")
        os.makedirs(data)
        proc, endpoint, _ = start(["--embedder", a.embedder], data)
        try:
            import boto3
            kw = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
            boto3.client("sqs", **kw).create_queue(QueueName="test-queue")
            boto3.client("s3", **kw).create_bucket(Bucket="test-bucket")
            with open(os.path.join(tmp, "d.yaml"), "w") as f:
                f.write(DEPLOYMENT % a.replicas)
            p = cli(endpoint, "apply", "-f", os.path.join(tmp, "d.yaml"))
            assert p.returncode == 0, p.stderr
            t = time.perf_counter()
            p = cli(endpoint, "upload", os.path.join(tmp, "docs"), "--wait", "--wait-timeout", "3600")
            total = time.perf_counter() - t
            assert p.returncode == 0, p.stdout + p.stderr
            files = get(endpoint, "/_hayloft/docs")["files"]
            assert len(files) == a.files, len(files)
            chunks = sum(f["chunks"] for f in files)
            print("files: %d (%d chunks), replicas %d, embedder %s" % (a.files, chunks, a.replicas, a.embedder))
            print("upload + index: %.1f s  ->  %.1f files/s, %.1f chunks/s end to end" % (total, a.files / total, chunks / total))
            print(p.stdout.strip().splitlines()[-1])
        finally:
            stop(proc)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def upload_py(endpoint, folder):
    env = dict(os.environ, AWS_ENDPOINT=endpoint, AWS_REGION="eu-central-1", SQS_QUEUE="test-queue",
               S3_BUCKET="test-bucket", AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
    p = subprocess.run([sys.executable, os.path.join(EXAMPLE, "upload.py"), folder], env=env, capture_output=True,
                       text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr


def bench_quickstart(a):
    results = []
    for run in range(a.runs):
        tmp = tempfile.mkdtemp(prefix="hayloft-quick-bench-")
        try:
            corpus(os.path.join(tmp, "docs"), a.files, random.Random(run))
            data = os.path.join(tmp, "data")
            os.makedirs(data)
            proc, endpoint, t0 = start(["--config", os.path.join(EXAMPLE, "hayloft.yaml"),
                                        "--bootstrap", os.path.join(EXAMPLE, "scripts"),
                                        "--apply", os.path.join(EXAMPLE, "kubernetes"), "--apply-namespace", "indexing",
                                        "--time-scale", str(a.time_scale)], data)
            try:
                ready = time.perf_counter() - t0
                while not get(endpoint, "/_localstack/init")["completed"]["READY"]:
                    time.sleep(0.01)
                bootstrapped = time.perf_counter() - t0
                upload_py(endpoint, os.path.join(tmp, "docs"))
                uploaded = time.perf_counter() - t0
                while len(get(endpoint, "/_hayloft/docs")["files"]) < a.files:
                    time.sleep(0.02)
                q = urllib.parse.urlencode({"q": "hay in the barn", "top_k": 3})
                assert get(endpoint, "/_hayloft/search?" + q)["results"]
                searchable = time.perf_counter() - t0
                results.append((ready, bootstrapped, uploaded, searchable))
                print("run %d: edge ready %.3f s, bootstrap done %.1f s, uploaded %.1f s, all %d searchable %.1f s"
                      % (run + 1, ready, bootstrapped, uploaded, a.files, searchable))
            finally:
                stop(proc)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    med = [statistics.median(r[i] for r in results) for i in range(4)]
    print("median over %d runs: edge ready %.3f s, bootstrap %.1f s, upload done %.1f s, %d files searchable %.1f s"
          " after exec of hayloft up (--time-scale %s)" % (a.runs, med[0], med[1], med[2], a.files, med[3], a.time_scale))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)
    f = sub.add_parser("files")
    f.add_argument("--files", type=int, default=1000)
    f.add_argument("--replicas", type=int, default=2)
    f.add_argument("--embedder", default="use")
    q = sub.add_parser("quickstart")
    q.add_argument("--files", type=int, default=100)
    q.add_argument("--time-scale", type=float, default=30)
    q.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    bench_files(a) if a.mode == "files" else bench_quickstart(a)


if __name__ == "__main__":
    main()
