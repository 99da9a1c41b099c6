"""Pod metrics end to end: real process pods serving Prometheus text on $PORT, scraped because a
PodMonitoring or the prometheus.io annotations select them; the series answered by the
Prometheus API; a KEDA prometheus trigger and an HPA Pods metric scaling on them; and resource
usage as `hayloft top pods` and the real `kubectl top pods` show it."""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import HAYLOFT_BIN, Hayloft, wait_until  # noqa: E402

KUBECTL = os.environ.get("KUBECTL", "/usr/bin/kubectl")
TIME_SCALE = 30  # 15 s scrape intervals and HPA syncs take 0.5 s

# A tiny exporter: its gauge `work_queue_depth` is whatever was last POSTed to /set, and a
# counter grows on every GET /work. Listens on $PORT, which hayloft gives each replica.
EXPORTER = r'''
import http.server, os, sys
depth = float(os.environ.get("DEPTH", "0"))
served = 0
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        global served
        if self.path == "/metrics":
            body = ("# TYPE work_queue_depth gauge\nwork_queue_depth %s\n"
                    "# TYPE work_served_total counter\nwork_served_total %d\n" % (depth, served)).encode()
        else:
            served += 1
            body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
print("listening on", os.environ["PORT"], flush=True)
http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
'''


def deployment(name, replicas, depth, annotations=""):
    script = "\n".join("          " + line for line in EXPORTER.strip("\n").split("\n"))
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}, tier: backend}}
{annotations}    spec:
      containers:
      - name: exporter
        image: python:3.11
        command: ["{sys.executable}", "-c"]
        args:
        - |
{script}
        env:
        - {{name: DEPTH, value: "{depth}"}}
        ports:
        - {{name: metrics, containerPort: 9100}}
"""


class MetricsTestCase(unittest.TestCase):
    def setUp(self):
        self.hayloft = Hayloft("--in-memory", "--time-scale", str(TIME_SCALE)).start()
        self.addCleanup(self.hayloft.cleanup)
        self.addCleanup(self.hayloft.stop)

    def cli(self, *args, stdin=None, check=True):
        p = subprocess.run([HAYLOFT_BIN, "--endpoint", self.hayloft.endpoint] + list(args), input=stdin,
                           capture_output=True, text=True, timeout=60)
        if check and p.returncode != 0:
            self.fail("hayloft %s failed (%d): %s%s" % (" ".join(args), p.returncode, p.stdout, p.stderr))
        return p

    def apply(self, yaml):
        return self.cli("apply", "-f", "-", stdin=yaml)

    def query(self, promql):
        url = self.hayloft.endpoint + "/api/v1/query?" + urllib.parse.urlencode({"query": promql})
        with urllib.request.urlopen(url, timeout=10) as r:
            body = json.load(r)
        self.assertEqual(body["status"], "success", body)
        return body["data"]["result"]

    def replicas(self, name):
        out = self.cli("get", "deployment", name, "-o", "json").stdout
        return json.loads(out)["spec"]["replicas"]


class PodMonitoringTest(MetricsTestCase):
    def test_podmonitoring_and_annotations_are_scraped_and_drive_scaling(self):
        self.apply(deployment("exporter", 2, 7))
        self.apply("""apiVersion: monitoring.googleapis.com/v1
kind: PodMonitoring
metadata:
  name: exporter
spec:
  selector:
    matchLabels: {app: exporter}
  endpoints:
  - port: metrics
    interval: 15s
  targetLabels:
    fromPod:
    - {from: tier}
""")
        # Both replicas scraped on their own ports, with GMP's target labels.
        series = wait_until(lambda: [s for s in self.query('work_queue_depth{job="exporter"}') if s["value"][1] == "7"]
                            if len(self.query('work_queue_depth{job="exporter"}')) == 2 else None, 30, "two scraped pods")
        pods = sorted(s["metric"]["pod"] for s in series)
        self.assertTrue(all(p.startswith("exporter-") for p in pods), series)
        for s in series:
            self.assertEqual(s["metric"]["namespace"], "default")
            self.assertEqual(s["metric"]["container"], "exporter")
            self.assertEqual(s["metric"]["tier"], "backend")
            self.assertEqual(s["metric"]["instance"], s["metric"]["pod"] + ":metrics")
        up = self.query('up{job="exporter"}')
        self.assertEqual([u["value"][1] for u in up], ["1", "1"])

        # An HPA on the Pods metric: 7 per pod against 2 -> ceil(2 x 3.5) = 7, capped at 4.
        self.apply("""apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: exporter}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: exporter}
  minReplicas: 1
  maxReplicas: 4
  metrics:
  - type: Pods
    pods:
      metric: {name: work_queue_depth}
      target: {type: AverageValue, averageValue: "2"}
""")
        wait_until(lambda: self.replicas("exporter") == 4, 60, "the HPA to scale to 4")
        # The new replicas are scraped too.
        wait_until(lambda: len(self.query('work_queue_depth{job="exporter"}')) == 4, 30, "four scraped pods")

    def test_prometheus_io_annotations_and_a_keda_prometheus_trigger(self):
        annotations = ('      annotations:\n        prometheus.io/scrape: "true"\n'
                       '        prometheus.io/port: "9100"\n        prometheus.io/path: /metrics\n')
        self.apply(deployment("worker", 1, 0, annotations))
        wait_until(lambda: self.query('work_served_total{job="kubernetes-pods",app="worker"}'), 30, "the annotated pod")
        self.apply("""apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: worker}
spec:
  scaleTargetRef: {name: worker}
  pollingInterval: 5
  cooldownPeriod: 30
  minReplicaCount: 1
  maxReplicaCount: 3
  triggers:
  - type: prometheus
    metadata:
      serverAddress: http://prometheus.monitoring.svc.cluster.local:9090
      query: sum(rate(work_served_total{app="worker"}[1m]))
      threshold: "0.5"
""")
        pod = json.loads(self.cli("get", "pods", "-o", "json").stdout)["items"][0]
        port = None
        for cs in pod["status"]["containerStatuses"]:
            for p in cs["hayloft"].get("ports", []):
                port = p["hostPort"]
        self.assertIsNotNone(port, pod)
        # The rate is per clock second, and hayloft's clock runs 30x faster: 3 replicas need
        # ceil(rate / 0.5) >= 3, more than 1 request per clock second or 30 per real second,
        # which this loop reaches on a loaded machine too (a threshold of 2 needed 120/s and
        # failed under load).
        deadline = time.time() + 60
        while time.time() < deadline and self.replicas("worker") < 3:
            for _ in range(20):
                urllib.request.urlopen("http://127.0.0.1:%d/work" % port, timeout=5).read()
            time.sleep(0.05)
        self.assertEqual(self.replicas("worker"), 3)
        # Idle again: after the cooldown KEDA's HPA scales back to minReplicaCount.
        wait_until(lambda: self.replicas("worker") == 1, 90, "the scale-down after the cooldown")


class TopTest(MetricsTestCase):
    def test_top_pods_with_hayloft_and_kubectl(self):
        self.apply("""apiVersion: apps/v1
kind: Deployment
metadata: {name: burner}
spec:
  replicas: 1
  selector: {matchLabels: {app: burner}}
  template:
    metadata: {labels: {app: burner}}
    spec:
      containers:
      - name: burn
        image: busybox
        command: ["/bin/sh", "-c", "while :; do :; done"]
""")
        out = wait_until(lambda: (lambda p: p.stdout if p.returncode == 0 else None)(self.cli("top", "pods", check=False)),
                         30, "hayloft top pods")
        header, row = out.splitlines()[:2]
        self.assertEqual(header.split(), ["NAME", "CPU(cores)", "MEMORY(bytes)"])
        name, cpu, mem = row.split()
        self.assertTrue(name.startswith("burner-"))
        self.assertTrue(cpu.endswith("m") and int(cpu[:-1]) > 100, row)
        self.assertTrue(mem.endswith("Mi"), row)
        if not os.path.exists(KUBECTL):
            return
        tmp = tempfile.mkdtemp(prefix="hayloft-top-")
        kubeconfig = os.path.join(tmp, "kubeconfig")
        with open(kubeconfig, "w") as f:
            f.write(self.cli("kubeconfig").stdout)
        env = dict(os.environ, KUBECONFIG=kubeconfig, HOME=tmp)
        p = subprocess.run([KUBECTL, "top", "pods"], capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["NAME", "CPU(cores)", "MEMORY(bytes)"])
        self.assertTrue(lines[1].startswith("burner-"), p.stdout)


if __name__ == "__main__":
    unittest.main()
