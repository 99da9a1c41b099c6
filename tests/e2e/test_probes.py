"""Process pods that serve: each replica gets its own 127.0.0.1 port through $PORT / $(PORT),
readiness probes flip READY 0/1 <-> 1/1, and a liveness probe restarts a hung server (RESTARTS 1),
seen through `hayloft get pods`, `hayloft describe` and (when installed) kubectl's Table."""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import HAYLOFT_BIN, Hayloft, wait_until  # noqa: E402

KUBECTL = os.environ.get("KUBECTL", "/usr/bin/kubectl")
TIME_SCALE = 10

# Listens on $PORT; <dir>/<port>.fail makes /healthz answer 503, <dir>/<port>.hang makes every
# request hang. A fresh instance clears its hang file (so the restarted server is healthy).
SERVER = r'''import http.server, os, sys, time
d = sys.argv[1]
port = int(os.environ["PORT"])
hang = os.path.join(d, "%d.hang" % port)
if os.path.exists(hang):
    os.unlink(hang)
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if os.path.exists(hang):
            time.sleep(3600)
        code = 503 if self.path == "/healthz" and os.path.exists(os.path.join(d, "%d.fail" % port)) else 200
        body = ("pod %s port %d\n" % (os.environ.get("HOSTNAME"), port)).encode()
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
print("serving on", sys.argv[2:], flush=True)
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
'''

MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      terminationGracePeriodSeconds: 2
      containers:
        - name: app
          image: python:3.12-slim
          command: ["%(python)s", "%(server)s", "%(dir)s"]
          args: ["--port", "$(PORT)"]
          env:
            - {name: PORT, value: "8080"}
          ports:
            - {name: http, containerPort: 8080}
          readinessProbe:
            httpGet: {path: /healthz, port: http}
            periodSeconds: 1
            failureThreshold: 1
          startupProbe:  # a slow start (python on a busy machine) is not a liveness failure
            tcpSocket: {port: http}
            periodSeconds: 1
            failureThreshold: 600
          livenessProbe:
            httpGet: {path: /, port: 8080}
            periodSeconds: 2
            timeoutSeconds: 1
            failureThreshold: 2
"""



class ProbesTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="hayloft-probes-")
        self.hayloft = Hayloft("--in-memory", "--time-scale", str(TIME_SCALE)).start()
        self.addCleanup(self.hayloft.cleanup)
        self.addCleanup(self.hayloft.stop)
        server = os.path.join(self.tmp, "server.py")
        with open(server, "w") as f:
            f.write(SERVER)
        manifest = os.path.join(self.tmp, "web.yaml")
        with open(manifest, "w") as f:
            f.write(MANIFEST % {"python": sys.executable, "server": server, "dir": self.tmp})
        out = self.cli("apply", "-f", manifest)
        self.assertEqual(out.strip(), "deployment.apps/web created")

    def cli(self, *args):
        p = subprocess.run([HAYLOFT_BIN, "--endpoint", self.hayloft.endpoint] + list(args), capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        return p.stdout

    def pods(self):
        return self.hayloft.admin("GET", "/_hayloft/get?kind=pods&namespace=default")["items"]

    def host_port(self, pod):
        return pod["status"]["containerStatuses"][0]["hayloft"]["ports"][0]["hostPort"]

    def table(self):
        """NAME -> (READY, STATUS, RESTARTS) from `hayloft get pods`."""
        rows = self.cli("get", "pods").splitlines()
        self.assertEqual(rows[0].split()[:4], ["NAME", "READY", "STATUS", "RESTARTS"])
        return {r.split()[0]: tuple(r.split()[1:4]) for r in rows[1:]}

    def get(self, port, path="/"):
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=5) as r:
            return r.status, r.read().decode()

    def both_ready(self):
        t = self.table()
        return len(t) == 2 and all(v[0] == "1/1" and v[1] == "Running" for v in t.values()) and t

    def test_replicas_serve_on_their_own_ports_and_readiness_flips(self):
        wait_until(self.both_ready, 60, "2 pods 1/1 Running")
        pods = self.pods()
        ports = {p["metadata"]["name"]: self.host_port(p) for p in pods}
        self.assertEqual(len(set(ports.values())), 2, ports)
        for name, port in ports.items():
            status, body = self.get(port)
            self.assertEqual((status, body), (200, "pod %s port %d\n" % (name, port)))
            self.assertEqual(pods[0]["status"]["podIP"], "127.0.0.1")
        # describe shows the binding and the probes.
        name, port = sorted(ports.items())[0]
        text = self.cli("describe", "pod", name)
        self.assertIn("8080/TCP -> 127.0.0.1:%d" % port, text)
        self.assertIn("Readiness:      http-get http://:http/healthz delay=0s timeout=1s period=1s #success=1 #failure=1",
                      text)
        # Fail one pod's health path: READY 0/1, still Running, no restart.
        open(os.path.join(self.tmp, "%d.fail" % port), "w").close()
        wait_until(lambda: self.table()[name][0] == "0/1", 30, name + " 0/1")
        self.assertEqual(self.table()[name][1:], ("Running", "0"))
        dep = self.hayloft.admin("GET", "/_hayloft/get?kind=deployment&namespace=default&name=web")["object"]
        self.assertEqual(dep["status"]["readyReplicas"], 1)
        events = self.hayloft.admin("GET", "/_hayloft/events?namespace=default")["items"]
        self.assertTrue(any(e["reason"] == "Unhealthy" and
                            e["message"] == "Readiness probe failed: HTTP probe failed with statuscode: 503"
                            for e in events), events)
        if os.path.exists(KUBECTL):
            self.assertEqual(self.kubectl_ready()[name], "0/1")
        os.unlink(os.path.join(self.tmp, "%d.fail" % port))
        wait_until(lambda: self.table()[name][0] == "1/1", 30, name + " 1/1")
        if os.path.exists(KUBECTL):
            self.assertEqual(self.kubectl_ready()[name], "1/1")

    def test_liveness_restarts_a_hung_server(self):
        wait_until(self.both_ready, 60, "2 pods 1/1 Running")
        pods = self.pods()
        name, port = pods[0]["metadata"]["name"], self.host_port(pods[0])
        other = pods[1]["metadata"]["name"]
        open(os.path.join(self.tmp, "%d.hang" % port), "w").close()
        wait_until(lambda: self.table()[name][2] == "1", 60, name + " RESTARTS 1")
        events = self.hayloft.admin("GET", "/_hayloft/events?namespace=default&kind=pod&name=" + name)["items"]
        messages = [(e["reason"], e["message"]) for e in events]
        self.assertIn(("Killing", "Container app failed liveness probe, will be restarted"), messages)
        self.assertTrue(any(r == "Unhealthy" and m.startswith('Liveness probe failed: Get "http://127.0.0.1:%d/": '
                                                              'context deadline exceeded' % port)
                            for r, m in messages), messages)
        # The restarted server is back on the same port and Ready; the other replica never restarted.
        wait_until(lambda: self.table()[name][:2] == ("1/1", "Running"), 60, name + " 1/1 again")
        self.assertEqual(self.get(port)[0], 200)
        last = [p for p in self.pods() if p["metadata"]["name"] == name][0]["status"]["containerStatuses"][0]
        self.assertEqual(last["lastState"]["terminated"]["exitCode"], 143)
        self.assertEqual(self.table()[other], ("1/1", "Running", "0"))

    def kubectl_ready(self):
        kubeconfig = os.path.join(self.tmp, "kubeconfig")
        with open(kubeconfig, "w") as f:
            f.write(self.cli("kubeconfig"))
        env = dict(os.environ, KUBECONFIG=kubeconfig, HOME=self.tmp)
        out = subprocess.run([KUBECTL, "get", "pods"], capture_output=True, text=True, env=env, timeout=60,
                             check=True).stdout.splitlines()
        self.assertEqual(out[0].split()[:2], ["NAME", "READY"])
        return {r.split()[0]: r.split()[1] for r in out[1:]}


if __name__ == "__main__":
    unittest.main()
