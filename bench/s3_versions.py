"""S3 object history, side by side in one run:
  - PUT 4 KiB req/s into a versioned bucket against an unversioned one, on hayloft (wrk -t2 -c32,
    alternating, median of RUNS); goal: within 10 %;
  - ListObjectVersions pages/s (max-keys 1000) over N versions (default 100,000: 1,000 keys x
    100 versions), hayloft against moto_server, walking key-marker/version-id-marker to the end.

  python3 bench/s3_versions.py [--versions N] [--runs R] [--seconds S]

Every server binds 127.0.0.1; hayloft is durable (a data dir, fsync), as `hayloft up` runs.
"""
import argparse
import concurrent.futures
import hashlib
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HAYLOFT = os.environ.get("HAYLOFT_BIN", os.path.join(ROOT, "build", "bin", "hayloft"))
ENABLE = b"<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def signed_headers(port, method, path, body):
    """SigV4 headers (moto answers 403 to anonymous writes; hayloft ignores them without --auth)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    body = body or b""
    req = AWSRequest(method=method, url="http://127.0.0.1:%d%s" % (port, path), data=body,
                     headers={"Content-Type": "application/octet-stream",
                              "x-amz-content-sha256": hashlib.sha256(body).hexdigest()})
    SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(req)
    return dict(req.headers.items())


def request(port, method, path, body=None, conn=None):
    c = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    c.request(method, path, body=body, headers=signed_headers(port, method, path, body))
    r = c.getresponse()
    data = r.read()
    if r.status >= 300:
        raise RuntimeError("%s %s -> %d %s" % (method, path, r.status, data[:200]))
    if conn is None:
        c.close()
    return data


def wait_up(port, path):
    for _ in range(1000):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", path)
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("server on %d did not start" % port)


def start(work):
    hp, mp = free_port(), free_port()
    procs = [
        subprocess.Popen([HAYLOFT, "up", "--port", str(hp), "--data-dir", os.path.join(work, "data"), "--log-level", "warn"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(mp)], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL),
    ]
    wait_up(hp, "/_hayloft/health")
    wait_up(mp, "/moto-api/")
    return hp, mp, procs


def wrk_put(port, bucket, seconds):
    script = os.path.join(ROOT, "bench", "lib", "put.lua")
    out = subprocess.run(["wrk", "-t2", "-c32", "-d%ds" % seconds, "-s", script, "http://127.0.0.1:%d/%s/" % (port, bucket)],
                         capture_output=True, text=True, check=True).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def fill(port, bucket, keys, per_key):
    def one(k):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for v in range(per_key):
            request(port, "PUT", "/%s/key-%05d" % (bucket, k), b"v%d" % v, conn=c)
        c.close()
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        list(pool.map(one, range(keys)))


def walk(port, bucket):
    """Pages through every version; returns (pages, versions)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    key_marker = version_marker = None
    pages = versions = 0
    while True:
        q = {"versions": "", "max-keys": "1000"}
        if key_marker is not None:
            q["key-marker"] = key_marker
            q["version-id-marker"] = version_marker
        body = request(port, "GET", "/%s?%s" % (bucket, urllib.parse.urlencode(q)), conn=c).decode()
        pages += 1
        versions += body.count("<Version>")
        if "<IsTruncated>true</IsTruncated>" not in body:
            break
        key_marker = re.search(r"<NextKeyMarker>(.*?)</NextKeyMarker>", body).group(1)
        version_marker = re.search(r"<NextVersionIdMarker>(.*?)</NextVersionIdMarker>", body).group(1)
    c.close()
    return pages, versions


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--versions", type=int, default=100000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="hayloft-bench-")
    hp, mp, procs = start(work)
    try:
        plain, versioned = [], []
        if shutil.which("wrk"):
            # Fresh buckets per run: wrk's keys repeat from run to run, and a versioned bucket would
            # otherwise carry the previous runs' versions (bigger tables) into the next.
            for i in range(args.runs):
                for b in ("plain-%d" % i, "versioned-%d" % i):
                    request(hp, "PUT", "/" + b)
                request(hp, "PUT", "/versioned-%d?versioning" % i, ENABLE)
                plain.append(wrk_put(hp, "plain-%d" % i, args.seconds))
                versioned.append(wrk_put(hp, "versioned-%d" % i, args.seconds))
            p, v = statistics.median(plain), statistics.median(versioned)
            print("PUT 4 KiB req/s (hayloft, durable, median of %d): unversioned %.0f, versioned %.0f, "
                  "versioned/unversioned %.3f (goal >= 0.9)" % (args.runs, p, v, v / p))
        else:
            print("wrk not installed: PUT comparison skipped (apt-get install wrk)")
        keys = max(1, args.versions // 100)
        per_key = args.versions // keys
        rates = {}
        for name, port in (("hayloft", hp), ("moto", mp)):
            request(port, "PUT", "/history")
            request(port, "PUT", "/history?versioning", ENABLE)
            t0 = time.time()
            fill(port, "history", keys, per_key)
            fill_s = time.time() - t0
            runs = []
            for _ in range(args.runs):
                t0 = time.time()
                pages, n = walk(port, "history")
                runs.append(pages / (time.time() - t0))
                assert n == keys * per_key, (name, n)
            rates[name] = statistics.median(runs)
            print("%-8s %d versions loaded in %.1f s; ListObjectVersions %d pages, %.1f pages/s (median of %d)"
                  % (name, keys * per_key, fill_s, pages, rates[name], args.runs))
        print("ListObjectVersions pages/s hayloft/moto: %.1fx" % (rates["hayloft"] / rates["moto"]))
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
