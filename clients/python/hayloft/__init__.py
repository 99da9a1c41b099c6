"""hayloft for test suites: start (or reach) a hayloft stack and drive it.

Standard library only; boto3 is imported when `s3()` / `sqs()` are first called.

    from hayloft import Stack
    stack = Stack.start(flags=["--clock", "manual"])   # a private stack on a free port
    stack.s3().create_bucket(Bucket="b")
    stack.clock.advance("5m")
    stack.stop()

The pytest plugin (`hayloft.pytest_plugin`, loaded automatically once installed) wraps this in
fixtures.
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

__all__ = ["Stack", "HayloftError", "find_binary"]
__version__ = "0.1.0"


class HayloftError(RuntimeError):
    """Something about the stack itself went wrong: the message says what, and what to do."""


def find_binary(binary=None):
    """The hayloft binary: `binary`, else $HAYLOFT_BIN, else `hayloft` on PATH."""
    candidate = binary or os.environ.get("HAYLOFT_BIN") or shutil.which("hayloft")
    if not candidate:
        raise HayloftError("hayloft binary not found: set HAYLOFT_BIN to build/bin/hayloft, or put hayloft on "
                           "PATH (scripts/setup builds it), or reuse a running stack with --hayloft-endpoint "
                           "/ HAYLOFT_ENDPOINT")
    if not (os.path.isfile(candidate) and os.access(candidate, os.X_OK)):
        raise HayloftError(f"hayloft binary {candidate!r} does not exist or is not executable "
                           "(HAYLOFT_BIN points at it?)")
    return candidate


def _tail(path, lines=20):
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return "\n".join("  | " + l for l in text.splitlines()[-lines:])


def _read_manifests(yaml_or_path):
    if os.path.isdir(yaml_or_path):
        docs = []
        for root, dirs, files in os.walk(yaml_or_path):
            dirs.sort()
            for name in sorted(files):
                if name.endswith((".yaml", ".yml", ".json")):
                    with open(os.path.join(root, name)) as f:
                        docs.append(f.read())
        if not docs:
            raise HayloftError(f"no .yaml, .yml or .json manifests under {yaml_or_path}")
        return "\n---\n".join(docs)
    if os.path.isfile(yaml_or_path):
        with open(yaml_or_path) as f:
            return f.read()
    if "\n" not in yaml_or_path and ":" not in yaml_or_path:
        raise HayloftError(f"{yaml_or_path!r} is neither a manifest file, a folder, nor YAML text")
    return yaml_or_path


class Clock:
    """The stack's clock: `advance("30s")` moves a manual clock (and runs every loop due)."""

    def __init__(self, stack):
        self._stack = stack

    def now(self):
        return self._stack.request("GET", "/_hayloft/clock")

    def advance(self, duration):
        if isinstance(duration, (int, float)):
            duration = f"{duration}s"
        return self._stack.request("POST", "/_hayloft/clock", {"advance": duration})


class Stack:
    """One hayloft: started here (`Stack.start`) or already running (`Stack.connect`)."""

    def __init__(self, endpoint, process=None, workdir=None, flags=()):
        self.endpoint = endpoint.rstrip("/")
        self.flags = list(flags)
        self._process = process
        self._workdir = workdir
        self._stopped = False
        self.clock = Clock(self)

    # -- life cycle -------------------------------------------------------------------------

    @classmethod
    def start(cls, flags=(), binary=None, timeout=30):
        """Starts `hayloft up` in memory on a free 127.0.0.1 port with `flags` and waits until it
        answers. Raises HayloftError with the stack's last log lines if it cannot start."""
        binary = find_binary(binary)
        workdir = tempfile.mkdtemp(prefix="hayloft-pytest-")
        port_file = os.path.join(workdir, "port")
        log_path = os.path.join(workdir, "hayloft.log")
        args = [binary, "up", "--port", "0", "--port-file", port_file, "--in-memory", *flags]
        with open(log_path, "wb") as log:
            process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       start_new_session=True)
        stack = cls("http://127.0.0.1:0", process, workdir, flags)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                tail = _tail(log_path)
                shutil.rmtree(workdir, ignore_errors=True)
                raise HayloftError(f"hayloft exited during start-up (exit code {process.returncode}) with "
                                   f"flags {list(flags)}; its log ends with:\n{tail}")
            try:
                with open(port_file) as f:
                    port = int(f.read().strip() or 0)
            except (OSError, ValueError):
                port = 0
            if port:
                stack.endpoint = f"http://127.0.0.1:{port}"
                try:
                    stack.health()
                    return stack
                except HayloftError:
                    pass
            time.sleep(0.002)
        stack.stop()
        raise HayloftError(f"hayloft did not answer within {timeout} s (machine overloaded?); "
                           f"its log ends with:\n{_tail(log_path)}")

    @classmethod
    def connect(cls, endpoint):
        """A stack that is already running (e.g. `hayloft up` in another terminal)."""
        stack = cls(endpoint)
        stack.health()
        return stack

    @property
    def owned(self):
        """True when this object started the stack (and stops it)."""
        return self._process is not None

    def alive(self):
        return self._process is None or self._process.poll() is None

    def stop(self):
        self._stopped = True
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait()
        if self._workdir:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def log_tail(self, lines=20):
        return _tail(os.path.join(self._workdir, "hayloft.log"), lines) if self._workdir else ""

    # -- the admin API --------------------------------------------------------------------

    def request(self, method, path, body=None, timeout=30):
        """JSON in, JSON out, against the admin API. Raises HayloftError for a dead stack or an
        error answer (with hayloft's message)."""
        data = None
        headers = {}
        if body is not None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            headers["Content-Type"] = "application/json" if not isinstance(body, str) else "application/yaml"
        req = urllib.request.Request(self.endpoint + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                raw = r.read()
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                message = json.loads(raw)["error"]["message"]
            except (ValueError, KeyError, TypeError):
                message = raw.decode("utf-8", "replace")
            raise HayloftError(f"{method} {path}: HTTP {e.code}: {message}") from None
        except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
            if self._stopped:
                raise HayloftError(f"this hayloft stack ({self.endpoint}) was stopped") from None
            if self._process is not None and self._process.poll() is not None:
                raise HayloftError(f"the hayloft stack died (exit code {self._process.returncode}); its log ends "
                                   f"with:\n{self.log_tail()}") from None
            raise HayloftError(f"no hayloft answers at {self.endpoint} ({e}); is it running?") from None
        return json.loads(raw) if raw else None

    def health(self):
        return self.request("GET", "/_hayloft/health", timeout=5)

    def reset(self):
        """Empties everything: buckets, queues, objects of the orchestrator, indexed documents."""
        return self.request("POST", "/_hayloft/reset")

    def snapshot(self, name):
        """Saves the whole state (buckets and objects, queues and messages with their visibility,
        orchestrator objects, indexed documents) as snapshot `name`, replacing one of that name.
        On an in-memory stack snapshots live as long as the stack."""
        return self.request("POST", "/_hayloft/snapshots", {"name": name}, timeout=120)

    def restore(self, name):
        """Brings back snapshot `name` atomically (requests see the state before or after it;
        waiting long polls get no messages). Raises HayloftError naming what to do when there is
        no such snapshot in this stack or it comes from an incompatible hayloft."""
        try:
            return self.request("POST", f"/_hayloft/snapshots/{urllib.parse.quote(name, safe='')}/restore",
                                timeout=120)
        except HayloftError as e:
            if "HTTP 404" in str(e):
                raise HayloftError(f"no snapshot named {name!r} in the stack at {self.endpoint}: save it first, "
                                   f"e.g. in a session fixture: hayloft_session.snapshot({name!r})") from None
            raise

    def snapshots(self):
        """The snapshots of this stack: [{"name", "created", "hayloft", "bytes", "compatible", ...}]."""
        return self.request("GET", "/_hayloft/snapshots")["snapshots"]

    def remove_snapshot(self, name):
        return self.request("DELETE", f"/_hayloft/snapshots/{urllib.parse.quote(name, safe='')}")

    def apply(self, yaml_or_path, namespace=None):
        """Applies manifests: YAML text, a file, or a folder (recursively), as `hayloft apply -f`."""
        path = "/_hayloft/apply" + (f"?namespace={urllib.parse.quote(namespace)}" if namespace else "")
        return self.request("POST", path, _read_manifests(yaml_or_path))

    def get(self, kind, name=None, namespace="default"):
        query = {"kind": kind, "namespace": namespace}
        if name:
            query["name"] = name
        return self.request("GET", "/_hayloft/get?" + urllib.parse.urlencode(query))

    def replicas(self, deployment, namespace="default"):
        """The replicas the deployment is scaled to (spec.replicas), as KEDA or the HPA left it."""
        obj = self.get("deployment", deployment, namespace)
        if isinstance(obj, dict) and "object" in obj:
            obj = obj["object"]
        elif isinstance(obj, dict) and "items" in obj:
            items = [i for i in obj["items"] if i["metadata"]["name"] == deployment]
            if not items:
                raise HayloftError(f"no deployment {deployment!r} in namespace {namespace!r}")
            obj = items[0]
        return int(obj.get("spec", {}).get("replicas", 0))

    def search(self, query, top_k=3):
        q = urllib.parse.urlencode({"q": query, "top_k": top_k})
        return self.request("GET", "/_hayloft/search?" + q)["results"]

    def wait_for(self, predicate, timeout=10.0, interval=0.02, message=None):
        """Polls `predicate()` (real time) until it returns something truthy, which is returned;
        raises AssertionError after `timeout` seconds. For work that runs on its own threads
        (an indexing pod, a bootstrap script); on a manual clock, advance it instead of waiting."""
        deadline = time.monotonic() + timeout
        last = None
        while True:
            last = predicate()
            if last:
                return last
            if not self.alive():
                raise HayloftError(f"the hayloft stack died (exit code {self._process.returncode}) while "
                                   f"waiting; its log ends with:\n{self.log_tail()}")
            if time.monotonic() >= deadline:
                raise AssertionError(message or f"condition not met within {timeout} s (last value {last!r})")
            time.sleep(interval)

    # -- AWS clients ----------------------------------------------------------------------

    def client(self, service, region="us-east-1", **kwargs):
        try:
            import boto3
        except ImportError:
            raise HayloftError("boto3 is not installed: `apt install python3-boto3` or `pip install boto3`") from None
        kwargs.setdefault("aws_access_key_id", "test")
        kwargs.setdefault("aws_secret_access_key", "test")
        return boto3.client(service, endpoint_url=self.endpoint, region_name=region, **kwargs)

    def s3(self, **kwargs):
        return self.client("s3", **kwargs)

    def sqs(self, **kwargs):
        return self.client("sqs", **kwargs)

    def env(self):
        """The environment a subprocess needs to reach this stack (as `hayloft exec` sets it)."""
        return {"AWS_ENDPOINT_URL": self.endpoint, "HAYLOFT_ENDPOINT": self.endpoint,
                "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1"}

    def __repr__(self):
        return f"<hayloft.Stack {self.endpoint}{' (owned)' if self.owned else ''}>"
