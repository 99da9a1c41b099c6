#!/usr/bin/env python3
"""Benchmarks of the shared PostgreSQL document store (issue 20), against a PostgreSQL 15 that
this script starts (tests/e2e/pg_harness.py) and a `hayloft up --in-memory` for S3 and SQS:

  1. files/s with 1, 2 and 4 `hayloft consume` processes into PostgreSQL, and with 1 into SQLite;
  2. search latency at 10k and 100k chunks and a new reader's catch-up time
     (build/bench/consumer/hayloft_search_bench --docstore URL).

    bench/docstore/run.py [--files 400] [--sizes 10000,100000] [--skip-consumers] [--skip-search]

Consumers use the hash embedder so the figures measure the store and the pipeline, not the model.
"""
import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
os.environ.setdefault("HAYLOFT_BIN", os.path.join(ROOT, "build", "bin", "hayloft"))
from harness import HAYLOFT_BIN, CREDS, Hayloft  # noqa: E402
import pg_harness  # noqa: E402


def consumers_run(pg, n, files, sqlite_dir=None):
    db = "bench_%d_%d" % (n, int(time.time() * 1000) % 100000)
    url = None
    if sqlite_dir is None:
        pg.psql("CREATE DATABASE " + db)
        url = pg.url(db)
    hayloft = Hayloft("--in-memory", "--embedder", "hash").start()
    procs = []
    try:
        s3, sqs = hayloft.client("s3"), hayloft.client("sqs")
        s3.create_bucket(Bucket="test-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        q = sqs.create_queue(QueueName="test-queue")["QueueUrl"]
        for i in range(files):
            s3.put_object(Bucket="test-bucket", Key="f%04d.txt" % i, Body=(("File %d words. " % i) * 400).encode())
        for start in range(0, files, 10):
            sqs.send_message_batch(QueueUrl=q, Entries=[{"Id": str(j), "MessageBody": "f%04d.txt" % (start + j)}
                                                        for j in range(min(10, files - start))])
        env = dict(os.environ)
        env.update(CREDS)
        began = time.time()
        for i in range(n):
            store = ["--docstore", url] if url else ["--data-dir", sqlite_dir]
            procs.append(subprocess.Popen([HAYLOFT_BIN, "consume", "--endpoint", hayloft.endpoint, "--embedder", "hash",
                                           "--wait-seconds", "1", "--log-level", "warn"] + store,
                                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

        def count():
            if url:
                try:
                    return int(pg.psql("SELECT count(*) FROM hayloft_sources WHERE etag IS NOT NULL", db=db).strip() or 0)
                except RuntimeError:  # not migrated yet: no consumer has started
                    return 0
            try:
                with sqlite3.connect(os.path.join(sqlite_dir, "state.db"), timeout=5) as c:
                    return c.execute("SELECT count(DISTINCT key) FROM documents").fetchone()[0]
            except sqlite3.Error:
                return 0
        while count() < files:
            if time.time() - began > 900:
                raise RuntimeError("timed out")
            time.sleep(0.05)
        return files / (time.time() - began)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait()
        hayloft.stop()
        hayloft.cleanup()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=400)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--skip-consumers", action="store_true")
    ap.add_argument("--skip-search", action="store_true")
    a = ap.parse_args()
    pg = pg_harness.Postgres().start()
    try:
        if not a.skip_consumers:
            print("consumers  store       files/s  (%d files, hash embedder)" % a.files, flush=True)
            with tempfile.TemporaryDirectory() as d:
                print("1          sqlite      %7.1f" % consumers_run(pg, 1, a.files, sqlite_dir=d), flush=True)
            for n in (1, 2, 4):
                print("%-10d postgresql  %7.1f" % (n, consumers_run(pg, n, a.files)), flush=True)
        if not a.skip_search:
            pg.psql("CREATE DATABASE search_bench")
            bench = os.path.join(ROOT, "build", "bench", "consumer", "hayloft_search_bench")
            print("search (PostgreSQL; 'load ms' = a new reader's catch-up):", flush=True)
            subprocess.run([bench, "--sizes", a.sizes, "--docstore", pg.url("search_bench")], check=True)
            print("search (SQLite; 'load ms' = first search's mirror load):", flush=True)
            subprocess.run([bench, "--sizes", a.sizes], check=True)
    finally:
        pg.stop()


if __name__ == "__main__":
    main()
