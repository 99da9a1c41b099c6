"""Starts a real `hayloft up` for end-to-end tests and hands out clients.

Each test class gets its own server on 127.0.0.1 with a free port and a fresh data dir;
tests reset state with POST /_hayloft/reset. Works under the image's Python (boto3 1.43,
SQS over JSON) and Debian's /usr/bin/python3 (boto3 1.26, SQS over the query protocol).
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.request

HAYLOFT_BIN = os.environ.get("HAYLOFT_BIN") or os.path.join(
    os.environ.get("HAYLOFT_BINARY_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build")), "bin", "hayloft")
SOURCE_DIR = os.environ.get("HAYLOFT_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
CREDS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "eu-central-1"}


# One replica of hayloft's built-in indexing consumer (queue test-queue, bucket test-bucket).
CONSUMER_DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: indexing-consumer
spec:
  replicas: 1
  selector:
    matchLabels: {app: indexing-consumer}
  template:
    metadata:
      labels: {app: indexing-consumer}
    spec:
      containers:
        - name: indexing-consumer
          image: hayloft/indexing-consumer
"""


def free_port():
    """A TCP port free on 127.0.0.1 right now (for a Service or listener a test opens)."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(fn, timeout, what, ignore=()):
    """Polls fn every 0.1 s until it returns something truthy (returned), or fails the test.
    Exceptions of the types in `ignore` (e.g. a connection refused while a port opens) count as
    not yet."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = fn()
        except ignore as e:
            last = e
            time.sleep(0.1)
            continue
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError("timed out waiting for %s (last: %r)" % (what, last))


class Hayloft:
    def __init__(self, *extra_args, data_dir=None, env=None):
        self.owns_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="hayloft-e2e-")
        self.extra_args = list(extra_args)
        self.env = env
        self.proc = None
        self.port = None

    def start(self):
        port_file = os.path.join(self.data_dir, "port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        self.log = open(os.path.join(self.data_dir, "hayloft.log"), "ab")
        self.proc = subprocess.Popen(
            [HAYLOFT_BIN, "up", "--port", "0", "--port-file", port_file, "--data-dir", self.data_dir] + self.extra_args,
            stdout=self.log, stderr=subprocess.STDOUT, env=self.env)
        deadline = time.time() + 20
        while time.time() < deadline:
            if os.path.exists(port_file):
                self.port = int(open(port_file).read().strip())
                return self
            if self.proc.poll() is not None:
                raise RuntimeError("hayloft exited: " + open(os.path.join(self.data_dir, "hayloft.log")).read())
            time.sleep(0.01)
        raise RuntimeError("hayloft did not start")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def kill9(self):
        self.proc.kill()
        self.proc.wait()
        self.log.close()

    def cleanup(self):
        if self.owns_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.port

    @property
    def localhost_endpoint(self):
        return "http://localhost:%d" % self.port

    def admin(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        req = urllib.request.Request(self.endpoint + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read() or b"null")

    def reset(self):
        return self.admin("POST", "/_hayloft/reset")

    def client(self, service, **kw):
        import boto3
        from botocore.config import Config
        cfg = kw.pop("config", None) or Config(retries={"max_attempts": 1}, connect_timeout=10, read_timeout=60)
        return boto3.client(service, endpoint_url=kw.pop("endpoint_url", self.endpoint), region_name=kw.pop("region_name", "eu-central-1"),
                            aws_access_key_id="test", aws_secret_access_key="test", config=cfg, **kw)

    def cli_env(self):
        env = dict(os.environ)
        env.update(CREDS)
        env["AWS_ENDPOINT_URL"] = self.endpoint
        env.pop("AWS_PROFILE", None)
        return env


class HayloftTestCase(unittest.TestCase):
    """One hayloft per test class; state reset before each test."""
    server_args = ("--in-memory",)

    @classmethod
    def setUpClass(cls):
        cls.hayloft = Hayloft(*cls.server_args).start()

    @classmethod
    def tearDownClass(cls):
        cls.hayloft.stop()
        cls.hayloft.cleanup()

    def setUp(self):
        self.hayloft.reset()


# The two aws CLIs on these machines: v1 from the image's Python, v2 from Debian.
AWS_CLI_V1 = shutil.which("aws", path=os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if "pyenv" in p)) or "aws"
AWS_CLI_V2 = "/usr/bin/aws"


def run_cli(cli, args, env, check=True, input=None):
    p = subprocess.run([cli] + args, env=env, capture_output=True, text=True, timeout=300, input=input)
    if check and p.returncode != 0:
        raise AssertionError("%s %s failed (%d): %s %s" % (cli, " ".join(args), p.returncode, p.stdout, p.stderr))
    return p
