"""The dashboard page in real headless Chromium (Debian's `chromium` + `chromium-driver`, driven by
python3-selenium): hayloft with the built-in consumer indexes two uploaded files; the page shows
the bucket and queue with their counts, the deployment and its pod (with logs), and a search typed
into its search box shows the file that answers it.

Set HAYLOFT_UI_SCREENSHOT=/path.png to keep a screenshot of the page."""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import CONSUMER_DEPLOYMENT, HAYLOFT_BIN, HayloftTestCase  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    HAVE_SELENIUM = True
except ImportError:
    HAVE_SELENIUM = False

MISSING = [what for what, ok in (("python3-selenium", HAVE_SELENIUM), ("chromium", os.path.exists(CHROMIUM)),
                                 ("chromium-driver", os.path.exists(CHROMEDRIVER))) if not ok]

DEPLOYMENT = CONSUMER_DEPLOYMENT.encode() + b"""---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: indexing-consumer-scaled-object
spec:
  scaleTargetRef: {name: indexing-consumer}
  minReplicaCount: 1
  maxReplicaCount: 2
  triggers:
    - type: aws-sqs-queue
      metadata:
        queueURL: http://localhost:4566/000000000000/test-queue
        queueLength: "10"
        awsRegion: eu-central-1
"""

FILES = {
    "farm/hay.txt": b"Hay is grass that has been cut, dried and stored in the loft of a barn as fodder for cattle and horses.",
    "ops/autoscaling.md": b"# Autoscaling\n\nKEDA scales a Kubernetes deployment from zero replicas when messages wait in an SQS queue.",
}


@unittest.skipIf(MISSING, "not installed: %s (scripts/setup installs them)" % ", ".join(MISSING))
class DashboardUiTest(HayloftTestCase):
    server_args = ("--in-memory", "--embedder", "hash")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    "--window-size=1400,1800", "--no-first-run", "--disable-extensions"):
            options.add_argument(arg)
        cls.profile = tempfile.mkdtemp(prefix="hayloft-chromium-")
        options.add_argument("--user-data-dir=" + cls.profile)
        cls.browser = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()
        shutil.rmtree(cls.profile, ignore_errors=True)
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="hayloft-ui-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def hayloft_cli(self, *args):
        env = dict(os.environ, HAYLOFT_ENDPOINT=self.hayloft.endpoint)
        return subprocess.run([HAYLOFT_BIN] + list(args), env=env, capture_output=True, text=True, timeout=120)

    def index_files(self):
        s3 = self.hayloft.client("s3")
        sqs = self.hayloft.client("sqs")
        s3.create_bucket(Bucket="test-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        url = sqs.create_queue(QueueName="test-queue", Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
        manifest = os.path.join(self.tmp, "consumer.yaml")
        with open(manifest, "wb") as f:
            f.write(DEPLOYMENT)
        p = self.hayloft_cli("apply", "-f", manifest)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        # upload.py's protocol: the object, then its key on the queue.
        for key, body in FILES.items():
            s3.put_object(Bucket="test-bucket", Key=key, Body=body, ACL="public-read")
            sqs.send_message(QueueUrl=url, MessageBody=key)
        deadline = time.time() + 60
        while time.time() < deadline:
            files = self.hayloft.admin("GET", "/_hayloft/docs?index=default")["files"]
            if sorted(f["key"] for f in files) == sorted(FILES):
                return
            time.sleep(0.1)
        self.fail("not indexed in 60 s: %r" % files)

    def wait_for(self, what, fn, timeout=20):
        try:
            # The page re-renders parts on each poll: an element found a moment ago may be gone.
            return WebDriverWait(self.browser, timeout, poll_frequency=0.1,
                                 ignored_exceptions=(StaleElementReferenceException,)).until(lambda _: fn())
        except Exception as e:  # selenium's TimeoutException carries no context
            shot = os.path.join(self.tmp, "failure.png")
            self.browser.save_screenshot(shot)
            self.fail("%s: not seen in %d s (%s); page text:\n%s" % (
                what, timeout, type(e).__name__, self.browser.find_element(By.TAG_NAME, "body").text))

    def cells(self, table, name):
        """The cell texts of a table's row, read in one step (no stale elements)."""
        return self.browser.execute_script(
            "const r = document.querySelector(`#${arguments[0]} tbody tr[data-name='${arguments[1]}']`);"
            "return r ? [...r.cells].map((c) => c.textContent) : null;", table, name)

    def text(self, selector):
        return self.browser.execute_script(
            "const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", selector)

    def test_page_shows_the_stack_and_searches_the_documents(self):
        self.index_files()
        self.browser.get(self.hayloft.endpoint + "/_hayloft/ui")
        self.assertEqual(self.browser.title, "hayloft")

        # Buckets and queues with live counts: two objects stored, every message consumed.
        self.wait_for("test-bucket with 2 objects", lambda: (self.cells("buckets", "test-bucket") or [None, None])[1] == "2")
        self.wait_for("test-queue drained", lambda: self.cells("queues", "test-queue") == ["test-queue", "0", "0", "0"])
        # A message sent now shows up as visible on the next poll (the consumer may take it at
        # once, so accept it visible or in flight, then gone again).
        sqs = self.hayloft.client("sqs")
        url = sqs.get_queue_url(QueueName="test-queue")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="not-there.txt", DelaySeconds=900)
        self.wait_for("the delayed message", lambda: self.cells("queues", "test-queue") == ["test-queue", "0", "0", "1"])

        # The deployment with its scaler and chart, and its pod with logs.
        card = "#deployments .deployment[data-name='indexing-consumer']"
        self.wait_for("the deployment card", lambda: self.text(card))
        self.assertIn("indexing-consumer-scaled-object: aws-sqs-queue on test-queue", self.text(card))
        self.wait_for("the replicas line in the chart", lambda: self.browser.find_elements(
            By.CSS_SELECTOR, card + " svg.chart path.replicas"))
        pod = self.wait_for("a Running pod", lambda: self.browser.execute_script(
            "const r = [...document.querySelectorAll('#pods tbody tr[data-name]')].find((r) => r.cells[2].textContent === 'Running');"
            "return r ? r.dataset.name : null;"))
        self.assertTrue(pod.startswith("indexing-consumer-"), pod)

        # The pods table re-renders each poll (ages): click in the same step as the lookup.
        self.browser.execute_script("document.querySelector(arguments[0]).click()", "#pods tr[data-name='%s'] button" % pod)
        self.wait_for("the pod's log naming an indexed key", lambda: "hay.txt" in (self.text("#log-text") or ""))

        # Scaling events: the deployment was scaled up for the pod.
        self.wait_for("a scaling event", lambda: "ScalingReplicaSet" in self.text("#events"))

        # The search box: a question about hay finds the hay file first.
        box = self.browser.find_element(By.ID, "search-q")
        box.send_keys("where is dried grass stored for cattle")
        self.browser.find_element(By.ID, "search-go").click()
        self.wait_for("search results", lambda: self.browser.find_elements(By.CSS_SELECTOR, "#search-results .result"))
        first = self.browser.find_element(By.CSS_SELECTOR, "#search-results .result")
        self.assertEqual(first.get_attribute("data-key"), "farm/hay.txt")
        self.assertIn("test-bucket/farm/hay.txt", first.text)
        self.assertIn("stored in the loft of a barn", first.text)

        box.clear()
        box.send_keys("KEDA scales a deployment on an SQS queue")
        self.browser.find_element(By.ID, "search-go").click()
        self.wait_for("the autoscaling file first", lambda: self.browser.find_elements(
            By.CSS_SELECTOR, "#search-results .result[data-key='ops/autoscaling.md']:first-child"))

        shot = os.environ.get("HAYLOFT_UI_SCREENSHOT")
        if shot:
            self.browser.save_screenshot(shot)

    def test_status_overview_and_metrics_show_the_same_stack(self):
        self.index_files()
        overview = self.hayloft.admin("GET", "/_hayloft/overview")
        self.assertEqual([(b["name"], b["objects"]) for b in overview["buckets"]], [("test-bucket", 2)])
        self.assertEqual(overview["queues"], [{"name": "test-queue", "visible": 0, "in_flight": 0, "delayed": 0}])
        deployment = overview["deployments"][0]
        self.assertEqual((deployment["name"], deployment["current"], deployment["scaler"]["queue"]),
                         ("indexing-consumer", 1, "test-queue"))
        # The history is sampled every 2 s of clock time (the reset before this test emptied it).
        deadline = time.time() + 10
        while not overview["history"]["series"] and time.time() < deadline:
            time.sleep(0.2)
            overview = self.hayloft.admin("GET", "/_hayloft/overview")
        series = overview["history"]["series"]
        self.assertEqual([(x["name"], x["samples"][-1][1:]) for x in series], [("indexing-consumer", [0, 1])])
        p = self.hayloft_cli("status")
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        self.assertEqual(lines[0], "BUCKETS")
        self.assertRegex(p.stdout, r"\ntest-bucket +2 +\d+ B +eu-central-1 ")
        self.assertRegex(p.stdout, r"\ntest-queue +0 +0 +0\n")
        self.assertRegex(p.stdout, r"\ndefault +indexing-consumer +1/1 +1 +1 +indexing-consumer-scaled-object \(aws-sqs-queue test-queue\) +0/10 +1/2\n")
        self.assertRegex(p.stdout, r"\ndefault +indexing-consumer-[a-z0-9]+-[a-z0-9]+ +1/1 +Running +0 +\d+s\n")
        self.assertIn("ScalingReplicaSet", p.stdout)
        p = self.hayloft_cli("status", "--endpoint", "http://127.0.0.1:1")
        self.assertEqual(p.returncode, 1)
        self.assertIn("error:", p.stderr)
        metrics = urllib.request.urlopen(self.hayloft.endpoint + "/metrics", timeout=30).read().decode()
        self.assertIn('hayloft_sqs_messages{queue="test-queue",state="visible"} 0', metrics)

    def test_empty_hayloft_and_a_search_with_nothing_indexed(self):
        self.browser.get(self.hayloft.endpoint + "/_hayloft/ui")
        self.wait_for("empty tables", lambda: "no buckets" in self.text("#buckets"))
        self.assertIn("no deployments", self.text("#deployments"))
        box = self.browser.find_element(By.ID, "search-q")
        box.send_keys("anything")
        self.browser.find_element(By.ID, "search-go").click()
        self.wait_for("no results", lambda: "no results" in self.text("#search-results"))


if __name__ == "__main__":
    unittest.main()
