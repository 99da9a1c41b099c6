"""hayloft/embedding-server end to end: a Deployment with `image: hayloft/embedding-server`, a
containerPort and a readiness probe on /v2/health/ready serves the KServe v2 protocol on the
host port the kubelet gives it ($PORT, found in the pod's log line), the
embeddings match the reference USE-lite outputs, its /metrics carry requests_seconds with the
Deployment's name, and `hayloft load --kserve ... --replicas 1` drives it and prints its table.
"""
import json
import math
import os
import re
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

from harness import HAYLOFT_BIN, SOURCE_DIR, HayloftTestCase, wait_until

GOLDEN = os.path.join(SOURCE_DIR, "tests", "testdata", "embedder", "use_golden.json")

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: embedding-server
spec:
  replicas: 1
  selector:
    matchLabels: {app: embedding-server}
  template:
    metadata:
      labels: {app: embedding-server}
    spec:
      containers:
        - name: server
          image: hayloft/embedding-server
          ports:
            - {name: http, containerPort: 8080}
          env:
            - {name: MODEL_NAME, value: use-lite}
          readinessProbe:
            httpGet: {path: /v2/health/ready, port: http}
            periodSeconds: 1
"""



def cosine(a, b):
    dot = sum(x * y for x, y in zip(a, b))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


class EmbeddingServerTest(HayloftTestCase):
    def cli(self, *args, timeout=120):
        env = dict(os.environ, HAYLOFT_ENDPOINT=self.hayloft.endpoint)
        return subprocess.run([HAYLOFT_BIN] + list(args), env=env, capture_output=True, text=True, timeout=timeout)

    def http(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def deployment_status(self):
        d = self.hayloft.admin("GET", "/_hayloft/get?kind=deployments&namespace=default&name=embedding-server")
        return d["object"].get("status", {})

    def pod_log(self):
        r = self.hayloft.admin("GET", "/_hayloft/logs?deployment=embedding-server&namespace=default")
        return r.get("data", "")

    def test_serves_v2_and_loads(self):
        with tempfile.TemporaryDirectory() as tmp:
            manifest = os.path.join(tmp, "server.yaml")
            with open(manifest, "w") as f:
                f.write(DEPLOYMENT)
            p = self.cli("apply", "-f", manifest)
            self.assertEqual(p.returncode, 0, p.stderr)
            wait_until(lambda: self.deployment_status().get("readyReplicas") == 1, 120, "a ready embedding server")
            port = int(wait_until(lambda: re.search(r"listening on 127\.0\.0\.1:(\d+)", self.pod_log()), 10,
                                  "the listening line").group(1))
            self.base = "http://127.0.0.1:%d" % port

            self.assertEqual(self.http("GET", "/v2/health/ready")[0], 200)
            status, body = self.http("GET", "/v2/models/use-lite")
            self.assertEqual(status, 200)
            meta = json.loads(body)
            self.assertEqual(meta["inputs"], [{"name": "text", "datatype": "BYTES", "shape": [-1]}])
            self.assertEqual(meta["outputs"], [{"name": "embedding", "datatype": "FP32", "shape": [-1, 512]}])

            with open(GOLDEN) as f:
                golden = json.load(f)
            sents = golden["sents"]
            status, body = self.http("POST", "/v2/models/use-lite/infer", {
                "id": "golden",
                "inputs": [{"name": "text", "shape": [len(sents)], "datatype": "BYTES", "data": sents}],
                "outputs": [{"name": "embedding"}]})
            self.assertEqual(status, 200, body)
            reply = json.loads(body)
            self.assertEqual(reply["id"], "golden")
            out = reply["outputs"][0]
            self.assertEqual(out["shape"], [len(sents), 512])
            self.assertEqual(len(out["data"]), len(sents) * 512)
            for i, ref in enumerate(golden["emb"]):
                row = out["data"][i * 512:(i + 1) * 512]
                self.assertGreater(cosine(row, ref), 0.99, "sentence %d: %r" % (i, sents[i]))

            status, body = self.http("POST", "/v2/models/bert/infer", {"inputs": []})
            self.assertEqual(status, 404)
            self.assertEqual(json.loads(body), {"error": "Request for unknown model: 'bert' is not found"})
            status, body = self.http("POST", "/v2/models/use-lite/infer", {
                "inputs": [{"name": "text", "shape": [3], "datatype": "BYTES", "data": ["a", "b"]}]})
            self.assertEqual(status, 400)
            self.assertIn("shape [3] expects 3, got 2", json.loads(body)["error"])

            prefix = os.path.join(tmp, "run")
            p = self.cli("load", "-H", self.base, "-u", "2", "-r", "2", "-t", "2s", "--kserve", "use-lite",
                         "--kserve-batch", "2", "--replicas", "1", "--deployment", "embedding-server", "--csv", prefix)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("infer use-lite", p.stdout)
            with open(prefix + "_replicas.csv") as f:
                rows = f.read().splitlines()
            self.assertEqual(rows[0], "Replicas,Request Count,Failure Count,Requests/s,50%,90%,99%,Max")
            fields = rows[1].split(",")
            self.assertEqual(fields[0], "1")
            self.assertGreater(int(fields[1]), 0)
            self.assertEqual(fields[2], "0", p.stdout)

            status, body = self.http("GET", "/metrics")
            self.assertEqual(status, 200)
            text = body.decode()
            m = re.search(r'requests_seconds_count\{code="200",deployment_name="embedding-server",model="use-lite"\} (\d+)', text)
            self.assertIsNotNone(m, text)
            self.assertGreaterEqual(int(m.group(1)), int(fields[1]))
            self.assertIn('nv_inference_request_success{model="use-lite",version="1"}', text)
            # Requests the load test abandoned at its end are still answered: the backlog drains.
            wait_until(lambda: 'nv_inference_pending_request_count{model="use-lite",version="1"} 0' in
                       self.http("GET", "/metrics")[1].decode(), 30, "the backlog to drain")

            # Two replicas: each pod gets its own host port from the kubelet, both serve.
            p = self.cli("scale", "deployment", "embedding-server", "--replicas=2")
            self.assertEqual(p.returncode, 0, p.stderr)
            wait_until(lambda: self.deployment_status().get("readyReplicas") == 2, 120, "two ready embedding servers")
            pods = [i["metadata"]["name"] for i in
                    self.hayloft.admin("GET", "/_hayloft/get?kind=pods&namespace=default")["items"]]
            self.assertEqual(len(pods), 2)
            ports = set()
            for pod in pods:
                log = self.hayloft.admin("GET", "/_hayloft/logs?pod=%s&namespace=default" % pod)["data"]
                ports.add(int(re.search(r"listening on 127\.0\.0\.1:(\d+)", log).group(1)))
            self.assertEqual(len(ports), 2)
            for other in ports:
                with urllib.request.urlopen("http://127.0.0.1:%d/v2/health/ready" % other, timeout=10) as r:
                    self.assertEqual(r.status, 200)

            p = self.cli("scale", "deployment", "embedding-server", "--replicas=0")
            self.assertEqual(p.returncode, 0, p.stderr)
            wait_until(lambda: not self.hayloft.admin("GET", "/_hayloft/get?kind=pods&namespace=default")["items"], 60,
                       "the pod to terminate")
            with self.assertRaises(OSError):
                urllib.request.urlopen(self.base + "/v2/health/live", timeout=5)


CPU_HPA = """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: embedding-server
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: embedding-server}
  minReplicas: 1
  maxReplicas: 2
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
"""


class EmbeddingServerCpuHpaTest(HayloftTestCase):
    """The in-process server's CPU (its thread plus its forward passes) drives a CPU HPA."""
    server_args = ("--in-memory", "--time-scale", "30")

    def test_cpu_hpa_scales_the_server_under_load(self):
        env = dict(os.environ, HAYLOFT_ENDPOINT=self.hayloft.endpoint)
        with tempfile.TemporaryDirectory() as tmp:
            manifest = os.path.join(tmp, "server.yaml")
            with open(manifest, "w") as f:
                f.write(DEPLOYMENT.replace("          readinessProbe:",
                                           "          resources: {requests: {cpu: 100m}}\n          readinessProbe:"))
                f.write("---\n" + CPU_HPA)
            p = subprocess.run([HAYLOFT_BIN, "apply", "-f", manifest], env=env, capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)

            def status():
                return self.hayloft.admin("GET", "/_hayloft/get?kind=deployments&namespace=default&name=embedding-server")["object"]

            wait_until(lambda: status().get("status", {}).get("readyReplicas") == 1, 120, "a ready embedding server")
            log = self.hayloft.admin("GET", "/_hayloft/logs?deployment=embedding-server&namespace=default")["data"]
            port = int(re.search(r"listening on 127\.0\.0\.1:(\d+)", log).group(1))
            load = subprocess.Popen([HAYLOFT_BIN, "load", "-H", "http://127.0.0.1:%d" % port, "-u", "4", "-r", "4",
                                     "-t", "60s", "--kserve", "use-lite", "--kserve-batch", "4"],
                                    env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wait_until(lambda: status()["spec"].get("replicas") == 2, 60, "the CPU HPA to scale to 2")
            finally:
                load.terminate()
                load.wait(timeout=30)
            hpa = self.hayloft.admin("GET", "/_hayloft/get?kind=hpa&namespace=default&name=embedding-server")["object"]
            cpu = [m for m in hpa["status"].get("currentMetrics", []) if m.get("type") == "Resource"]
            self.assertTrue(cpu, hpa["status"])
            self.assertGreater(cpu[0]["resource"]["current"]["averageUtilization"], 50, hpa["status"])


TRITON_DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: triton
spec:
  replicas: 1
  selector:
    matchLabels: {app: triton}
  template:
    metadata:
      labels: {app: triton}
    spec:
      containers:
        - name: triton
          image: nvcr.io/nvidia/tritonserver:24.01-py3
          args: ["tritonserver", "--model-repository=/models", "--http-port=8000"]
          ports:
            - {name: http, containerPort: 8000}
            - {name: metrics, containerPort: 8002}
          env:
            - {name: MODEL_NAME, value: embedder}
"""


class TritonImageMapTest(HayloftTestCase):
    """A Triton Deployment as written for a real cluster, its image mapped to the built-in server."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        config = os.path.join(cls.tmp.name, "hayloft.yaml")
        with open(config, "w") as f:
            f.write("images:\n  nvcr.io/nvidia/tritonserver:24.01-py3: hayloft/embedding-server\n")
        cls.server_args = ("--in-memory", "--config", config)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.tmp.cleanup()

    def test_mapped_image_serves_v2(self):
        manifest = os.path.join(self.tmp.name, "triton.yaml")
        with open(manifest, "w") as f:
            f.write(TRITON_DEPLOYMENT)
        env = dict(os.environ, HAYLOFT_ENDPOINT=self.hayloft.endpoint)
        p = subprocess.run([HAYLOFT_BIN, "apply", "-f", manifest], env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        wait_until(lambda: self.hayloft.admin("GET", "/_hayloft/get?kind=deployments&namespace=default&name=triton")
                   ["object"].get("status", {}).get("readyReplicas") == 1, 120, "a ready triton pod")
        log = self.hayloft.admin("GET", "/_hayloft/logs?deployment=triton&namespace=default")["data"]
        port = int(re.search(r"listening on 127\.0\.0\.1:(\d+)", log).group(1))
        self.assertNotEqual(port, 8000, "the kubelet's host port, not the containerPort")
        body = json.dumps({"inputs": [{"name": "text", "shape": [1], "datatype": "BYTES", "data": ["hello"]}]}).encode()
        req = urllib.request.Request("http://127.0.0.1:%d/v2/models/embedder/infer" % port, data=body, method="POST")
        with urllib.request.urlopen(req, timeout=60) as r:
            out = json.loads(r.read())["outputs"][0]
        self.assertEqual(out["shape"], [1, 512])
        self.assertAlmostEqual(math.sqrt(sum(x * x for x in out["data"])), 1.0, places=3)


PODMONITORING = """apiVersion: monitoring.googleapis.com/v1
kind: PodMonitoring
metadata:
  name: embedding-server
spec:
  selector:
    matchLabels: {app: embedding-server}
  endpoints:
    - port: http
      path: /metrics
      interval: 15s
"""


class EmbeddingServerScrapeTest(HayloftTestCase):
    """The server's own /metrics scraped through a PodMonitoring and answered by the Prometheus
    API in the shapes the KEDA and HPA manifests use."""
    server_args = ("--in-memory", "--time-scale", "30")

    def query(self, promql):
        url = self.hayloft.endpoint + "/api/v1/query?" + urllib.parse.urlencode({"query": promql})
        with urllib.request.urlopen(url, timeout=10) as r:
            body = json.load(r)
        self.assertEqual(body["status"], "success", body)
        return body["data"]["result"]

    def test_scraped_metrics(self):
        env = dict(os.environ, HAYLOFT_ENDPOINT=self.hayloft.endpoint)
        with tempfile.TemporaryDirectory() as tmp:
            manifest = os.path.join(tmp, "server.yaml")
            with open(manifest, "w") as f:
                f.write(DEPLOYMENT + "---\n" + PODMONITORING)
            p = subprocess.run([HAYLOFT_BIN, "apply", "-f", manifest], env=env, capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
        wait_until(lambda: self.hayloft.admin("GET", "/_hayloft/get?kind=deployments&namespace=default&name=embedding-server")
                   ["object"].get("status", {}).get("readyReplicas") == 1, 120, "a ready embedding server")
        log = self.hayloft.admin("GET", "/_hayloft/logs?deployment=embedding-server&namespace=default")["data"]
        port = int(re.search(r"listening on 127\.0\.0\.1:(\d+)", log).group(1))
        body = json.dumps({"inputs": [{"name": "text", "shape": [2], "datatype": "BYTES",
                                       "data": ["scrape me", "and me"]}]}).encode()

        def infer_some():
            for _ in range(20):
                req = urllib.request.Request("http://127.0.0.1:%d/v2/models/use-lite/infer" % port, data=body,
                                             method="POST")
                with urllib.request.urlopen(req, timeout=30) as r:
                    r.read()
            return True

        # The KEDA trigger's query shape: a request rate by deployment_name, above 0 under traffic.
        rate = 'sum(rate(requests_seconds_count{deployment_name=~"embedding-server",code="200"}[1m]))'
        result = wait_until(lambda: infer_some() and [r for r in self.query(rate) if float(r["value"][1]) > 0], 60,
                            "a scraped request rate")
        self.assertEqual(len(result), 1)
        # The Triton counters and the backlog gauge, per scraped pod.
        success = self.query('nv_inference_request_success{job="embedding-server",model="use-lite"}')
        self.assertEqual(len(success), 1, success)
        self.assertTrue(success[0]["metric"]["pod"].startswith("embedding-server-"), success)
        self.assertGreater(float(success[0]["value"][1]), 0)
        pending = self.query('nv_inference_pending_request_count{job="embedding-server"}')
        self.assertEqual(len(pending), 1, pending)
        count = self.query('nv_inference_count{job="embedding-server"}')
        self.assertGreaterEqual(float(count[0]["value"][1]), 2 * float(success[0]["value"][1]) - 0.5)


LOADBALANCER = """apiVersion: v1
kind: Service
metadata:
  name: embedding-server
spec:
  type: LoadBalancer
  selector: {app: embedding-server}
  ports:
    - {name: http, port: %d, targetPort: http}
"""


class ReplicaTableTest(HayloftTestCase):
    """`hayloft load --kserve --replicas 1,2` through a LoadBalancer Service: one row per count,
    no failed request while the Deployment is rescaled, and both replicas serve at 2."""

    def test_replica_table_through_a_service(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = dict(os.environ, HAYLOFT_ENDPOINT=self.hayloft.endpoint)
        with tempfile.TemporaryDirectory() as tmp:
            manifest = os.path.join(tmp, "server.yaml")
            with open(manifest, "w") as f:
                f.write(DEPLOYMENT + "---\n" + LOADBALANCER % port)
            p = subprocess.run([HAYLOFT_BIN, "apply", "-f", manifest], env=env, capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            prefix = os.path.join(tmp, "sizing")
            p = subprocess.run([HAYLOFT_BIN, "load", "-H", "http://127.0.0.1:%d" % port, "-u", "4", "-r", "100", "-t", "2s",
                                "--kserve", "use-lite", "--replicas", "1,2", "--deployment", "embedding-server",
                                "--csv", prefix], env=env, capture_output=True, text=True, timeout=300)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertIn("replicas", p.stdout)
            with open(prefix + "_replicas.csv") as f:
                rows = [line.split(",") for line in f.read().splitlines()[1:]]
        self.assertEqual([r[0] for r in rows], ["1", "2"])
        for r in rows:
            self.assertGreater(int(r[1]), 0, rows)
            self.assertEqual(r[2], "0", p.stdout)
        # Both replicas answered requests through the Service.
        pods = self.hayloft.admin("GET", "/_hayloft/get?kind=pods&namespace=default")["items"]
        self.assertEqual(len(pods), 2)
        for pod in pods:
            log = self.hayloft.admin("GET", "/_hayloft/logs?pod=%s&namespace=default" % pod["metadata"]["name"])["data"]
            own = int(re.search(r"listening on 127\.0\.0\.1:(\d+)", log).group(1))
            with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % own, timeout=10) as r:
                text = r.read().decode()
            served = re.search(r'nv_inference_request_success\{model="use-lite",version="1"\} (\d+)', text)
            self.assertGreater(int(served.group(1)), 0, pod["metadata"]["name"])


if __name__ == "__main__":
    unittest.main()
