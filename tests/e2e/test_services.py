"""Services end to end: a Deployment of process pods (a tiny Python HTTP server) behind a
LoadBalancer Service, driven with urllib through the Service proxy on 127.0.0.1; `hayloft get svc`
and the real kubectl's `get svc` / `get endpoints` / `describe svc`; `hayloft port-forward`."""
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import HAYLOFT_BIN, HayloftTestCase, free_port  # noqa: E402

KUBECTL = os.environ.get("KUBECTL", "/usr/bin/kubectl")

# Answers every GET/POST with "<pod> <method> <body bytes>", /health 200; /slow sleeps.
SERVER = r'''
import http.server, os, socketserver, sys, time
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if self.path.startswith("/slow"):
            time.sleep(0.3)
        out = ("%s %s %d xff=%s" % (os.environ["POD"], self.command, len(body), self.headers.get("X-Forwarded-For"))).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
    do_GET = do_POST = do_PUT = answer
    def log_message(self, *a):
        pass
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
S(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
'''


def wait_until(fn, timeout, what):
    # A Service port opens and its pods become Ready asynchronously: refused or 503 is "not yet".
    return harness.wait_until(fn, timeout, what, ignore=(OSError, urllib.error.URLError, http.client.HTTPException))


def manifests(script, backend_port, service_port):
    # Two replicas, each on its own host port ($(PORT), given by the kubelet for containerPort).
    return """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: python:3-slim
          command: [python3, %s, "$(PORT)"]
          env: [{name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
          ports: [{name: http, containerPort: %d}]
          readinessProbe: {httpGet: {path: /, port: http}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{name: http, port: %d, targetPort: http}]
""" % (script, backend_port, service_port)


class ServicesTest(HayloftTestCase):
    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="hayloft-svc-")
        self.script = os.path.join(self.tmp, "server.py")
        with open(self.script, "w") as f:
            f.write(SERVER)
        self.backend_port, self.service_port = free_port(), free_port()

    def hayloft_cli(self, *args, check=True):
        p = subprocess.run([HAYLOFT_BIN, "--endpoint", self.hayloft.endpoint] + list(args), capture_output=True,
                           text=True, timeout=60)
        if check and p.returncode != 0:
            self.fail("hayloft %s: %s%s" % (" ".join(args), p.stdout, p.stderr))
        return p

    def ready_endpoints(self):
        ep = self.hayloft.admin("GET", "/_hayloft/get?kind=endpoints&name=web")["object"]
        return [a for sub in ep.get("subsets", []) for a in sub.get("addresses", [])]

    def apply(self, text):
        path = os.path.join(self.tmp, "m.yaml")
        with open(path, "w") as f:
            f.write(text)
        return self.hayloft_cli("apply", "-f", path)

    def test_load_balancer_spreads_streams_and_answers_503_without_pods(self):
        out = self.apply(manifests(self.script, self.backend_port, self.service_port)).stdout
        self.assertIn("service/web created", out)
        url = "http://127.0.0.1:%d" % self.service_port

        def get(path="/"):
            with urllib.request.urlopen(url + path, timeout=10) as r:
                return r.status, r.read().decode()

        status, body = wait_until(lambda: get(), 30, "the pod behind the Service")
        self.assertEqual(status, 200)
        self.assertTrue(body.startswith("web-"), body)
        self.assertIn("xff=127.0.0.1", body)
        # Keep-alive on the client side: many requests on one connection, spread over both pods
        # once both are Ready.
        wait_until(lambda: len(self.ready_endpoints()) == 2, 30, "two Ready endpoints")
        conn = http.client.HTTPConnection("127.0.0.1", self.service_port, timeout=10)
        pods = set()
        for _ in range(20):
            conn.request("GET", "/")
            r = conn.getresponse()
            self.assertEqual(r.status, 200)
            pods.add(r.read().decode().split()[0])
        self.assertEqual(len(pods), 2, pods)
        # A streamed upload bigger than the replay buffer.
        data = b"x" * (5 * 1024 * 1024)
        conn.request("POST", "/upload", body=data)
        r = conn.getresponse()
        self.assertIn(" POST %d " % len(data), r.read().decode())
        conn.close()

        out = self.hayloft_cli("get", "svc").stdout.splitlines()
        self.assertEqual(out[0].split(), ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"])
        cols = out[1].split()
        self.assertEqual(cols[:2], ["web", "LoadBalancer"])
        self.assertTrue(cols[2].startswith("10.43."), cols)
        self.assertEqual(cols[3], "127.0.0.1")
        self.assertRegex(cols[4], r"^%d:3\d{4}/TCP$" % self.service_port)

        # No Ready pods: 503 from the proxy, promptly.
        self.hayloft_cli("scale", "deployment", "web", "--replicas=0")

        def unavailable():
            try:
                get()
            except urllib.error.HTTPError as e:
                return e.code == 503 and b"no endpoints available" in e.read()
            return False
        wait_until(unavailable, 30, "503 without endpoints")
        # Deleting the Service closes its port.
        self.hayloft_cli("delete", "svc", "web")

        def closed():
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", self.service_port)) != 0
        wait_until(closed, 10, "the listener to close")

    def test_port_forward(self):
        self.apply(manifests(self.script, self.backend_port, self.service_port).replace("LoadBalancer", "ClusterIP"))
        local = free_port()
        p = subprocess.Popen([HAYLOFT_BIN, "--endpoint", self.hayloft.endpoint, "port-forward", "svc/web",
                              "%d:%d" % (local, self.service_port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        try:
            line = p.stdout.readline()
            self.assertEqual(line, "Forwarding from 127.0.0.1:%d -> %d\n" % (local, self.backend_port))  # the pod's port

            def get():
                with urllib.request.urlopen("http://127.0.0.1:%d/" % local, timeout=10) as r:
                    return r.read().decode()
            self.assertTrue(wait_until(get, 30, "the forwarded port").startswith("web-"))
        finally:
            p.terminate()
            p.wait(timeout=10)
            p.stdout.close()
            p.stderr.close()

        def closed():
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", local)) != 0
        wait_until(closed, 10, "port-forward's listener to close with the command")
        # Errors as kubectl prints them.
        p = self.hayloft_cli("port-forward", "svc/nope", "8080:80", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, 'Error from server (NotFound): services "nope" not found\n')
        p = self.hayloft_cli("port-forward", "svc/web", "8080:81", check=False)
        self.assertEqual(p.stderr, "error: Service web does not have a service port 81\n")

    def test_port_in_use_is_an_event_and_reset_closes_listeners(self):
        taken = socket.socket()
        taken.bind(("127.0.0.1", self.service_port))
        taken.listen(1)
        try:
            self.apply(manifests(self.script, self.backend_port, self.service_port))

            def warned():
                out = self.hayloft_cli("describe", "svc", "web").stdout
                return "FailedToListen" in out and "address already in use" in out.lower()
            wait_until(warned, 30, "a FailedToListen event on the Service")
        finally:
            taken.close()
        # Once the port is free the proxy listens (retried at every sync).
        url = "http://127.0.0.1:%d/" % self.service_port
        wait_until(lambda: urllib.request.urlopen(url, timeout=10).status == 200, 30, "the listener after the port freed")
        self.hayloft.reset()

        def closed():
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", self.service_port)) != 0
        wait_until(closed, 10, "reset to close the listener")

    @unittest.skipUnless(os.path.exists(KUBECTL), "kubectl is not installed")
    def test_kubectl_sees_services_and_endpoints(self):
        self.apply(manifests(self.script, self.backend_port, self.service_port))
        kubeconfig = os.path.join(self.tmp, "kubeconfig")
        with open(kubeconfig, "w") as f:
            f.write(self.hayloft_cli("kubeconfig").stdout)
        env = dict(os.environ, KUBECONFIG=kubeconfig, HOME=self.tmp)

        def kubectl(*args):
            return subprocess.run([KUBECTL] + list(args), capture_output=True, text=True, env=env, timeout=60)
        out = kubectl("get", "svc").stdout.splitlines()
        self.assertEqual(out[0].split(), ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"])
        self.assertEqual(out[1].split()[:4][:2], ["web", "LoadBalancer"])
        wait_until(lambda: len(self.ready_endpoints()) == 2, 30, "two Ready endpoints")
        out = kubectl("get", "endpoints", "web").stdout.splitlines()
        self.assertEqual(out[0].split(), ["NAME", "ENDPOINTS", "AGE"])
        self.assertRegex(out[1], r"^web\s+127\.0\.0\.1:\d+,127\.0\.0\.1:\d+\s")
        d = kubectl("describe", "svc", "web")
        self.assertEqual(d.returncode, 0, d.stderr)
        self.assertIn("LoadBalancer Ingress:", d.stdout)
        # kubectl 1.32 fills it from the EndpointSlices: both pods' addresses.
        self.assertRegex(d.stdout, r"Endpoints:\s+127\.0\.0\.1:\d+,127\.0\.0\.1:\d+\n")
        p = kubectl("get", "svc", "nope")
        self.assertEqual(p.returncode, 1)
        self.assertIn('services "nope" not found', p.stderr)


if __name__ == "__main__":
    unittest.main()
