"""examples/inference-autoscaling end to end: the embedding server behind its LoadBalancer
Service, scaled by the KEDA prometheus trigger on its scraped request rate while `hayloft load`
drives it through the Service: replicas go up to the maximum with no failed request, and back
to the minimum after the cooldown (all time-scaled)."""
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import HAYLOFT_BIN, SOURCE_DIR, Hayloft, wait_until, free_port  # noqa: E402

EXAMPLE = os.path.join(SOURCE_DIR, "examples", "inference-autoscaling", "kubernetes")
TIME_SCALE = 30



def read(rel):
    with open(os.path.join(EXAMPLE, rel)) as f:
        return f.read()


class InferenceAutoscalingTest(unittest.TestCase):
    def setUp(self):
        self.hayloft = Hayloft("--in-memory", "--time-scale", str(TIME_SCALE)).start()
        self.addCleanup(self.hayloft.cleanup)
        self.addCleanup(self.hayloft.stop)
        self.tmp = tempfile.mkdtemp(prefix="hayloft-inference-")

    def cli(self, *args, stdin=None, timeout=120):
        p = subprocess.run([HAYLOFT_BIN, "--endpoint", self.hayloft.endpoint] + list(args), input=stdin,
                           capture_output=True, text=True, timeout=timeout)
        self.assertEqual(p.returncode, 0, "hayloft %s: %s%s" % (" ".join(args), p.stdout, p.stderr))
        return p.stdout

    def replicas(self):
        return json.loads(self.cli("get", "deployment", "embedder", "-o", "json"))["spec"]["replicas"]

    def test_prometheus_trigger_scales_the_server_under_load_and_back(self):
        port = free_port()
        self.cli("apply", "-f", os.path.join(EXAMPLE, "deployment.yaml"))
        # The example's Service on a free port instead of 8000 (tests run in parallel).
        self.cli("apply", "-f", "-", stdin=read("service.yaml").replace("port: 8000", "port: %d" % port))
        self.cli("apply", "-f", os.path.join(EXAMPLE, "prometheus", "podmonitoring.yaml"))
        # Rates are per second of hayloft's clock, which runs 30x faster here: a threshold of
        # 20 req/s would need 600 real requests per second per replica. 0.5 is 15 real req/s.
        so = read("prometheus/scaled-object.yaml").replace('threshold: "20"', 'threshold: "0.5"')
        self.cli("apply", "-f", "-", stdin=so)
        base = "http://127.0.0.1:%d" % port
        wait_until(lambda: self._ready(base), 60, "the Service to answer through a Ready replica")
        self.assertEqual(self.replicas(), 1)

        seen = {"max": 1}
        stop = threading.Event()

        def watch():
            while not stop.is_set():
                try:
                    seen["max"] = max(seen["max"], self.replicas())
                except AssertionError:
                    pass
                time.sleep(0.2)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        prefix = os.path.join(self.tmp, "run")
        out = self.cli("load", "-H", base, "-u", "8", "-r", "8", "--run-time", "25s", "--kserve", "use-lite",
                       "--csv", prefix, timeout=120)
        stop.set()
        watcher.join()
        self.assertEqual(seen["max"], 4, out)
        with open(prefix + "_stats.csv") as f:
            rows = {r["Name"]: r for r in csv.DictReader(f)}
        total = rows["Aggregated"]
        self.assertGreater(int(total["Request Count"]), 100, out)
        self.assertEqual(int(total["Failure Count"]), 0, out)  # no failure while replicas were added
        # Idle: after the cooldown and the HPA's scale-down stabilisation, back to minReplicaCount.
        wait_until(lambda: self.replicas() == 1, 90, "the scale-down to 1 replica")

    def _ready(self, base):
        try:
            with urllib.request.urlopen(base + "/v2/health/ready", timeout=5) as r:
                return r.status == 200
        except Exception:
            return False


if __name__ == "__main__":
    unittest.main()
