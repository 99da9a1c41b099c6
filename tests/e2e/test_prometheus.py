"""The Prometheus HTTP API on hayloft's port, over hayloft's own metrics, on the manual clock."""
import json
import os
import sys
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import HayloftTestCase  # noqa: E402


class PrometheusApiTest(HayloftTestCase):
    server_args = ("--in-memory", "--clock", "manual")

    def api(self, path, params=None, method="GET"):
        url = self.hayloft.endpoint + path
        data = None
        headers = {}
        if params and method == "GET":
            url += "?" + urllib.parse.urlencode(params, doseq=True)
        elif params:
            data = urllib.parse.urlencode(params, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def advance(self, seconds):
        self.hayloft.admin("POST", "/_hayloft/clock", {"advance": "%ds" % seconds})

    def wait_for(self, query, predicate, timeout=20):
        # Samples are taken on hayloft's task pool right after the clock moves: poll briefly.
        deadline = time.time() + timeout
        while True:
            status, body = self.api("/api/v1/query", {"query": query})
            self.assertEqual(status, 200, body)
            if predicate(body["data"]["result"]) or time.time() > deadline:
                return body["data"]["result"]
            time.sleep(0.05)

    def test_own_metrics_are_queryable(self):
        s3 = self.hayloft.client("s3")
        for i in range(3):
            s3.create_bucket(Bucket="prom-bucket-%d" % i, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        for _ in range(4):
            self.advance(15)
        result = self.wait_for('sum(hayloft_http_requests_total{service="s3"})',
                               lambda r: r and float(r[0]["value"][1]) >= 3)
        self.assertEqual(len(result), 1)
        self.assertEqual(result[0]["metric"], {})
        self.assertGreaterEqual(float(result[0]["value"][1]), 3)

        status, by = self.api("/api/v1/query", {"query": "sum by (service) (hayloft_http_requests_total)"}, method="POST")
        self.assertEqual(status, 200, by)
        self.assertEqual(by["status"], "success")
        self.assertEqual(by["data"]["resultType"], "vector")
        self.assertIn({"service": "s3"}, [r["metric"] for r in by["data"]["result"]])

        clock = self.hayloft.admin("GET", "/_hayloft/clock")
        now = clock["unix_ms"] / 1000
        status, rng = self.api("/api/v1/query_range", {"query": 'sum(hayloft_http_requests_total{service="s3"})',
                                                        "start": now - 45, "end": now, "step": "15s"})
        self.assertEqual(status, 200, rng)
        self.assertEqual(rng["data"]["resultType"], "matrix")
        self.assertEqual(len(rng["data"]["result"][0]["values"]), 4)

        status, series = self.api("/api/v1/series", {"match[]": "hayloft_http_requests_total"})
        self.assertEqual(status, 200, series)
        self.assertTrue(all(s["__name__"] == "hayloft_http_requests_total" and s["job"] == "hayloft" for s in series["data"]))
        status, labels = self.api("/api/v1/labels")
        self.assertIn("service", labels["data"])
        status, values = self.api("/api/v1/label/service/values")
        self.assertIn("s3", values["data"])

    def test_errors_have_prometheus_shape(self):
        status, body = self.api("/api/v1/query", {"query": "histogram_quantile(0.9, rate(x_bucket[5m]))"})
        self.assertEqual(status, 400)
        self.assertEqual(body["status"], "error")
        self.assertEqual(body["errorType"], "bad_data")
        self.assertIn("unsupported function histogram_quantile", body["error"])
        status, body = self.api("/api/v1/series")
        self.assertEqual(status, 400)
        self.assertIn("no match[] parameter provided", body["error"])


if __name__ == "__main__":
    unittest.main()
