"""The whole flow through the real binary: the reference manifests scaled on a real SQS queue,
the built-in consumer indexing what boto3 uploads with the real embedder, S3 notifications,
LocalStack-style bootstrap scripts and the examples/keda-haystack quickstart as its README says.
"""
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

from harness import AWS_CLI_V2, CONSUMER_DEPLOYMENT, CREDS, HAYLOFT_BIN, SOURCE_DIR, Hayloft, run_cli, wait_until

EXAMPLE = os.path.join(SOURCE_DIR, "examples", "keda-haystack")
MANIFESTS = os.path.join(EXAMPLE, "kubernetes")
TIME_SCALE = 30  # poll 1 s, HPA sync 0.5 s, cooldown and stabilization 10 s


def hayloft_cli(hayloft, *args, timeout=60):
    env = dict(os.environ, HAYLOFT_ENDPOINT=hayloft.endpoint)
    return subprocess.run([HAYLOFT_BIN] + list(args), env=env, capture_output=True, text=True, timeout=timeout)



class ReplicaRecorder(threading.Thread):
    """Polls the Deployment and records every change of spec.replicas with its time."""

    def __init__(self, hayloft, namespace, name):
        super().__init__(daemon=True)
        self.hayloft, self.namespace, self.name = hayloft, namespace, name
        self.changes = []  # (time, replicas)
        self.stopped = threading.Event()

    def replicas(self):
        d = self.hayloft.admin("GET", "/_hayloft/get?kind=deployments&namespace=%s&name=%s" % (self.namespace, self.name))
        return d["object"]["spec"].get("replicas", 1)

    def run(self):
        while not self.stopped.is_set():
            try:
                r = self.replicas()
            except (OSError, http.client.HTTPException):  # one refused or dropped poll is not a change
                time.sleep(0.05)
                continue
            if not self.changes or self.changes[-1][1] != r:
                self.changes.append((time.time(), r))
            time.sleep(0.02)

    def sequence(self):
        return [r for _, r in self.changes]

    def reached(self, n):
        return any(r == n for _, r in self.changes)


def two_page_pdf(page1, page2):
    """A minimal valid PDF with one line of Helvetica text per page."""
    objs = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>"]
    for i, text in enumerate((page1, page2)):
        stream = "BT /F1 12 Tf 40 700 Td (%s) Tj ET" % text.replace("(", "\\(").replace(")", "\\)")
        content_id = 4 + 2 * i
        objs.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                    "/Resources << /Font << /F1 7 0 R >> >> >>" % content_id)
        objs.append("<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    objs.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out, offsets = "%PDF-1.4\n", []
    for n, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += "%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += "xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += "".join("%010d 00000 n \n" % o for o in offsets)
    out += "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out.encode("latin-1")


class FlowTestCase(unittest.TestCase):
    server_args = ()

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="hayloft-flow-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb" if isinstance(data, bytes) else "w") as f:
            f.write(data)
        return path

    def start(self, *args):
        self.hayloft = Hayloft(*(list(self.server_args) + list(args))).start()
        self.addCleanup(self.hayloft.cleanup)
        self.addCleanup(self.hayloft.stop)
        self.s3 = self.hayloft.client("s3")
        self.sqs = self.hayloft.client("sqs")
        return self.hayloft

    def cli(self, *args, **kw):
        p = hayloft_cli(self.hayloft, *args, **kw)
        self.assertEqual(p.returncode, 0, "hayloft %s: %s %s" % (" ".join(args), p.stdout, p.stderr))
        return p

    def search(self, query, **params):
        from urllib.parse import urlencode
        q = dict(q=query, top_k=3, **params)
        return self.hayloft.admin("GET", "/_hayloft/search?" + urlencode(q))["results"]

    def scaling_steps(self, namespace):
        """(reason, from, to) of every scaling decision, oldest first, from the event log."""
        items = self.hayloft.admin("GET", "/_hayloft/events?namespace=" + namespace)["items"]
        return [(e["reason"], e["hayloft"].get("fromReplicas"), e["hayloft"].get("toReplicas"))
                for e in items if "toReplicas" in e.get("hayloft", {})]

    def assert_scaled_up_in_steps(self, recorder, namespace):
        """0 -> 1 by KEDA's activation, then 1 -> 2 by the HPA (the 1 may last less than a poll
        of the recorder, so the event log is the witness)."""
        seq = recorder.sequence()
        self.assertIn(seq[:3], ([0, 1, 2], [0, 2, 0], [0, 2], [0, 2, 1]), seq)
        steps = self.scaling_steps(namespace)
        self.assertEqual(steps[0], ("KEDAScaleTargetActivated", 0, 1), steps)
        self.assertIn(("SuccessfulRescale", 1, 2), steps)
        self.assertEqual(max(seq), 2)

    def mapped_libraries(self):
        """Basenames of the shared objects the server process has mapped (/proc/PID/maps)."""
        with open("/proc/%d/maps" % self.hayloft.proc.pid) as f:
            return {os.path.basename(line.split()[5]) for line in f if len(line.split()) > 5}

    def indexed_keys(self, index="default"):
        return sorted(f["key"] for f in self.hayloft.admin("GET", "/_hayloft/docs?index=" + index)["files"])


class ReferenceScalingTest(FlowTestCase):
    """The reference manifests, unchanged, scale a Deployment 0 -> 1 -> 2 -> 0 on test-queue."""

    def test_scales_up_on_messages_and_back_to_zero_after_the_cooldown(self):
        config = self.write("hayloft.yaml", "images:\n  arzelaascoli/keda-haystack-consumer:latest: hayloft/echo\n")
        self.start("--in-memory", "--time-scale", str(TIME_SCALE), "--config", config)
        queue_url = self.sqs.create_queue(QueueName="test-queue", Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
        self.cli("create", "namespace", "indexing")
        self.cli("apply", "-f", os.path.join(MANIFESTS, "deployment-consumer.yaml"), "--namespace", "indexing")
        self.cli("apply", "-f", os.path.join(MANIFESTS, "keda"), "--namespace", "indexing")
        recorder = ReplicaRecorder(self.hayloft, "indexing", "indexing-consumer")
        recorder.start()
        self.addCleanup(recorder.stopped.set)
        # Nothing queued: KEDA keeps the Deployment at zero over several polls.
        time.sleep(3)
        self.assertEqual(recorder.sequence(), [0])

        for i in range(25):
            self.sqs.send_message(QueueUrl=queue_url, MessageBody="doc-%02d.txt" % i)
        # 25 messages / queueLength 10 = 3 replicas, clamped to maxReplicaCount 2.
        wait_until(lambda: recorder.reached(2), 60, "two replicas")
        time.sleep(2)
        self.assert_scaled_up_in_steps(recorder, "indexing")
        running = wait_until(lambda: [p for p in self.hayloft.admin("GET", "/_hayloft/get?kind=pods&namespace=indexing")["items"]
                                      if p["status"].get("phase") == "Running"], 30, "running pods")
        self.assertGreaterEqual(len(running), 1)

        self.sqs.purge_queue(QueueUrl=queue_url)
        drained = time.time()
        wait_until(lambda: recorder.sequence()[-1] == 0, 90, "scale to zero")
        to_zero = recorder.changes[-1][0] - drained
        # cooldownPeriod 300 s / 30: not before ~10 s (less one 1 s poll of slack).
        self.assertGreater(to_zero, 300 / TIME_SCALE - 1.5, recorder.changes)
        seq = recorder.sequence()
        self.assertEqual(seq[-1], 0, seq)
        self.assertLessEqual(len(seq), 5, seq)

        events = self.cli("get", "events", "-n", "indexing").stdout
        for reason in ("KEDAScaleTargetActivated", "SuccessfulRescale", "KEDAScaleTargetDeactivated"):
            self.assertIn(reason, events)
        described = self.cli("describe", "scaledobject", "indexing-consumer-scaled-object", "-n", "indexing").stdout
        self.assertIn("KEDAScaleTargetActivated", described)


class ScaleInOnApplyMixin:
    """The walkthrough's order (bootstrap, namespace, the Deployment, the reference's manual
    `scale --replicas=1`, then `apply -f ./kubernetes/keda`) with an empty queue: KEDA's first
    check, made when the ScaledObject is created, scales 1 -> 0 before any clock tick (no
    trigger ever active: lastActiveTime nil counts as cooldown over); an upload then brings
    it back 0 -> 1 at the next poll. Run on --clock manual and on --time-scale."""
    clock_args = ()

    def advance(self, duration):
        """One polling interval: the manual clock is advanced; a scaled clock just runs."""

    def test_scale_in_right_after_apply_then_out_on_upload(self):
        config = self.write("hayloft.yaml", "images:\n  arzelaascoli/keda-haystack-consumer:latest: hayloft/echo\n")
        self.start("--in-memory", "--config", config, "--bootstrap", os.path.join(EXAMPLE, "scripts"), *self.clock_args)
        wait_until(lambda: self.hayloft.admin("GET", "/_localstack/init")["completed"]["READY"], 120, "bootstrap")
        self.cli("create", "namespace", "indexing")
        self.cli("apply", "-f", os.path.join(MANIFESTS, "deployment-consumer.yaml"), "--namespace", "indexing")
        out = self.cli("scale", "deployment", "indexing-consumer", "--namespace=indexing", "--replicas=1").stdout
        self.assertEqual(out, "deployment.apps/indexing-consumer scaled\n")
        self.advance("0s")  # the pod starts at the next loop iteration
        wait_until(lambda: [p for p in self.hayloft.admin("GET", "/_hayloft/get?kind=pods&namespace=indexing")["items"]
                            if p["status"].get("phase") == "Running"], 30, "the consumer pod running")
        recorder = ReplicaRecorder(self.hayloft, "indexing", "indexing-consumer")
        recorder.start()
        self.addCleanup(recorder.stopped.set)
        wait_until(lambda: recorder.sequence() == [1], 10, "the recorder's first sample")

        before = self.hayloft.admin("GET", "/_hayloft/clock")
        self.cli("apply", "-f", os.path.join(MANIFESTS, "keda"), "--namespace", "indexing")
        # The apply has returned: the check made at creation has already scaled in.
        self.assertEqual(recorder.replicas(), 0)
        after = self.hayloft.admin("GET", "/_hayloft/clock")
        if before["kind"] == "manual":
            self.assertEqual(after["unix_ms"], before["unix_ms"])  # no clock advance
        steps = self.scaling_steps("indexing")
        self.assertIn(("KEDAScaleTargetDeactivated", 1, 0), steps)
        described = self.cli("describe", "scaledobject", "indexing-consumer-scaled-object", "-n", "indexing").stdout
        self.assertIn("Last Active Poll:  <none> (no trigger active since creation)", described)
        self.assertIn("Deactivated apps/v1.Deployment indexing/indexing-consumer from 1 to 0", described)
        tables = self.cli("get", "scaledobject,hpa", "-n", "indexing").stdout
        self.assertIn("scaledobject.keda.sh/indexing-consumer-scaled-object", tables)
        self.assertIn("\n\nNAME ", tables)
        self.assertIn("horizontalpodautoscaler.autoscaling/keda-hpa-indexing-consumer-scaled-object", tables)

        env = dict(os.environ, AWS_ENDPOINT=self.hayloft.endpoint, AWS_REGION="eu-central-1", SQS_QUEUE="test-queue",
                   S3_BUCKET="test-bucket", **CREDS)
        p = subprocess.run([sys.executable, os.path.join(EXAMPLE, "upload.py"), os.path.join(EXAMPLE, "data", "barns.txt")],
                           env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.advance("30s")  # the next poll: active, 0 -> 1
        wait_until(lambda: recorder.sequence()[-1] == 1, 30, "0 -> 1 after the upload")
        self.assertEqual(recorder.sequence(), [1, 0, 1])
        steps = [s for s in self.scaling_steps("indexing") if s[0].startswith("KEDA")]
        self.assertEqual(steps, [("KEDAScaleTargetDeactivated", 1, 0), ("KEDAScaleTargetActivated", 0, 1)])


class ScaleInOnApplyManualClockTest(ScaleInOnApplyMixin, FlowTestCase):
    clock_args = ("--clock", "manual")

    def advance(self, duration):
        self.cli("clock", "advance", duration)


class ScaleInOnApplyTimeScaleTest(ScaleInOnApplyMixin, FlowTestCase):
    clock_args = ("--time-scale", str(TIME_SCALE))


class IndexingFlowTest(FlowTestCase):
    """boto3 uploads a text file and a PDF; a consumer pod indexes them with the real embedder;
    semantic queries whose words differ from the text find each."""

    def test_semantic_search_finds_uploaded_text_and_pdf(self):
        self.start("--in-memory")
        # PDF (poppler) and BLAS code is loaded on first use: an idle server maps neither.
        idle = " ".join(sorted(self.mapped_libraries()))
        for lib in ("libhayloft_pdf.so", "libpoppler", "libopenblas", "libgfortran", "libnss3"):
            self.assertNotIn(lib, idle)
        self.sqs.create_queue(QueueName="test-queue")
        self.s3.create_bucket(Bucket="test-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        text = self.write("volcano.txt", "Volcanoes erupt when molten rock from deep below the crust forces its way to the "
                                         "surface, pouring out lava and clouds of ash.\n")
        pdf = self.write("baking.pdf", two_page_pdf(
            "Sourdough bread is leavened with a starter of wild yeast and bacteria.",
            "Knead the dough, let it ferment overnight, then bake the loaf in a hot oven."))
        self.s3.upload_file(text, "test-bucket", "notes/volcano.txt", ExtraArgs={"ACL": "public-read"})
        self.s3.upload_file(pdf, "test-bucket", "recipes/baking.pdf", ExtraArgs={"ACL": "public-read"})
        url = self.sqs.get_queue_url(QueueName="test-queue")["QueueUrl"]
        for key in ("notes/volcano.txt", "recipes/baking.pdf"):
            self.sqs.send_message(QueueUrl=url, MessageBody=key)
        self.cli("apply", "-f", self.write("consumer.yaml", CONSUMER_DEPLOYMENT))
        wait_until(lambda: self.indexed_keys() == ["notes/volcano.txt", "recipes/baking.pdf"], 120, "both files indexed")
        wait_until(lambda: self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
                   ["ApproximateNumberOfMessagesNotVisible"] == "0", 30, "messages deleted")
        attrs = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        self.assertEqual(attrs["ApproximateNumberOfMessages"], "0")
        busy = " ".join(sorted(self.mapped_libraries()))
        for lib in ("libhayloft_pdf.so", "libpoppler-cpp", "libopenblas"):
            self.assertIn(lib, busy)

        hits = self.search("which mountains spew fire and magma?")
        self.assertEqual(hits[0]["meta"]["key"], "notes/volcano.txt", hits)
        hits = self.search("how do I make a loaf at home?")
        self.assertEqual(hits[0]["meta"]["key"], "recipes/baking.pdf", hits)
        self.assertIn(hits[0]["meta"].get("page"), (1, 2), hits[0])
        # The CLI agrees, and the model is named: the real embedder, not the lexical one.
        out = self.cli("search", "eruption of a volcano", "-o", "json").stdout
        body = json.loads(out)
        self.assertEqual(body["results"][0]["meta"]["key"], "notes/volcano.txt")
        self.assertIn("use", json.dumps(body.get("model", body)).lower())


class NotificationFlowTest(FlowTestCase):
    """The bucket notifies the queue; the aws CLI uploads; the consumer indexes with no explicit send."""

    def test_uploads_are_indexed_through_bucket_notifications(self):
        self.start("--in-memory", "--embedder", "hash")
        env = self.hayloft.cli_env()
        run_cli(AWS_CLI_V2, ["--endpoint-url", self.hayloft.endpoint, "sqs", "create-queue", "--queue-name", "test-queue"], env)
        run_cli(AWS_CLI_V2, ["--endpoint-url", self.hayloft.endpoint, "s3api", "create-bucket", "--bucket", "test-bucket", "--create-bucket-configuration",
                             "LocationConstraint=eu-central-1"], env)
        # A destination that does not exist is refused, as S3 refuses it.
        bad = json.dumps({"QueueConfigurations": [{"QueueArn": "arn:aws:sqs:eu-central-1:000000000000:nope",
                                                   "Events": ["s3:ObjectCreated:*"]}]})
        p = run_cli(AWS_CLI_V2, ["--endpoint-url", self.hayloft.endpoint, "s3api", "put-bucket-notification-configuration", "--bucket", "test-bucket",
                                 "--notification-configuration", bad], env, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("Unable to validate the following destination configurations", p.stderr)

        config = json.dumps({"QueueConfigurations": [{
            "QueueArn": "arn:aws:sqs:eu-central-1:000000000000:test-queue", "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
            "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": ".txt"}]}}}]})
        run_cli(AWS_CLI_V2, ["--endpoint-url", self.hayloft.endpoint, "s3api", "put-bucket-notification-configuration", "--bucket", "test-bucket",
                             "--notification-configuration", config], env)
        url = self.sqs.get_queue_url(QueueName="test-queue")["QueueUrl"]
        # The configuration sends one s3:TestEvent, which the consumer must skip without harm.
        msgs = self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5).get("Messages", [])
        self.assertEqual(len(msgs), 1)
        self.assertEqual(json.loads(msgs[0]["Body"])["Event"], "s3:TestEvent")
        self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=msgs[0]["ReceiptHandle"], VisibilityTimeout=0)

        self.cli("apply", "-f", self.write("consumer.yaml", CONSUMER_DEPLOYMENT))
        doc = self.write("in/field notes.txt", "Barn owls hunt mice in the hayloft at night.\n")
        run_cli(AWS_CLI_V2, ["--endpoint-url", self.hayloft.endpoint, "s3", "cp", doc, "s3://test-bucket/notes/field notes.txt"], env)
        run_cli(AWS_CLI_V2, ["--endpoint-url", self.hayloft.endpoint, "s3", "cp", self.write("in/skip.bin", b"\x00\x01"), "s3://test-bucket/skip.bin"], env)
        wait_until(lambda: self.indexed_keys() == ["notes/field notes.txt"], 60, "the notified object indexed")
        wait_until(lambda: self.sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["All"])["Attributes"]["ApproximateNumberOfMessages"] == "0"
            and self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
            ["ApproximateNumberOfMessagesNotVisible"] == "0", 30, "the queue drained")
        self.assertEqual(self.search("owls", index="default")[0]["meta"]["key"], "notes/field notes.txt")
        # Deleting the object removes its documents (ObjectRemoved:Delete reaches the consumer).
        run_cli(AWS_CLI_V2, ["--endpoint-url", self.hayloft.endpoint, "s3", "rm", "s3://test-bucket/notes/field notes.txt"], env)
        wait_until(lambda: self.indexed_keys() == [], 60, "documents of the deleted object removed")
        # /metrics names each request's operation, and the embedder's latency.
        with urllib.request.urlopen(self.hayloft.endpoint + "/metrics", timeout=30) as r:
            metrics = r.read().decode()
        for needle in ('operation="PutBucketNotificationConfiguration"', 'operation="PutObject"',
                       'operation="CreateQueue"', 'operation="DeleteObject"',
                       'hayloft_embedder_seconds_count{model="hash-lexical-512"}'):
            self.assertIn(needle, metrics)


class BootstrapTest(FlowTestCase):
    """`up --bootstrap DIR` runs LocalStack-style init scripts in order once the edge is ready."""

    def test_scripts_run_in_order_with_awslocal_and_failures_are_reported(self):
        init = os.path.join(self.tmp, "init")
        os.makedirs(os.path.join(init, "b-sub"))
        shutil.copy(os.path.join(EXAMPLE, "scripts", "sqs_bucket_bootstrap.sh"), os.path.join(init, "10-setup.sh"))
        self.write("init/20-fails.sh", "echo about to fail\nexit 3\n")
        self.write("init/30-after.py", "import os, urllib.request\n"
                   "urllib.request.urlopen(os.environ['AWS_ENDPOINT_URL'] + '/_hayloft/health').read()\n"
                   "print('python init ran against', os.environ['LOCALSTACK_HOST'])\n")
        self.write("init/b-sub/40-nested.sh", "awslocal sqs create-queue --queue-name from-subdir\n")
        self.write("init/notes.txt", "not a script\n")
        self.start("--in-memory", "--bootstrap", init)
        state = wait_until(lambda: (lambda s: s if s["completed"]["READY"] else None)(
            self.hayloft.admin("GET", "/_localstack/init")), 120, "init scripts done")
        self.assertEqual([(s["name"], s["state"]) for s in state["scripts"]],
                         [("10-setup.sh", "SUCCESSFUL"), ("20-fails.sh", "ERROR"), ("30-after.py", "SUCCESSFUL"),
                          ("40-nested.sh", "SUCCESSFUL")])
        self.assertTrue(all(s["stage"] == "READY" for s in state["scripts"]))
        attrs = self.sqs.get_queue_attributes(QueueUrl=self.sqs.get_queue_url(QueueName="test-queue")["QueueUrl"],
                                              AttributeNames=["VisibilityTimeout"])["Attributes"]
        self.assertEqual(attrs["VisibilityTimeout"], "30")
        self.assertEqual(self.s3.get_bucket_location(Bucket="test-bucket")["LocationConstraint"], "eu-central-1")
        self.sqs.get_queue_url(QueueName="from-subdir")
        log = open(os.path.join(self.hayloft.data_dir, "hayloft.log")).read()
        self.assertIn("init 20-fails.sh: about to fail", log)
        self.assertIn("python init ran against 127.0.0.1:%d" % self.hayloft.port, log)

    def test_missing_bootstrap_dir_fails_start(self):
        h = Hayloft("--in-memory", "--bootstrap", os.path.join(self.tmp, "nope"))
        with self.assertRaises(RuntimeError) as ctx:
            h.start()
        h.cleanup()
        self.assertIn("no such file or directory", str(ctx.exception))


FACTS = [
    "Honeybees dance in the hive to tell each other where the flowers are.",
    "The violin has four strings tuned in fifths and is played with a bow.",
    "Glaciers carve deep U-shaped valleys as they slide slowly downhill.",
    "A marathon runner covers forty-two kilometres on foot.",
    "Penguins cannot fly but they swim fast in cold southern seas.",
    "Espresso is brewed by forcing hot water through finely ground coffee.",
    "The printing press let books be copied quickly and cheaply.",
    "Chess players move a knight in the shape of the letter L.",
    "Lightning is a giant electric spark between clouds and the ground.",
    "Tomatoes ripen from green to red in the summer sun.",
    "A lighthouse warns ships away from rocks with a bright rotating lamp.",
    "Antibiotics kill bacteria but do nothing against viruses.",
    "The Sahara is the largest hot desert, covered in sand dunes.",
    "Submarines dive by filling their ballast tanks with sea water.",
    "Origami is the Japanese art of folding paper into shapes.",
    "Bicycles have two wheels, pedals and a chain driving the rear wheel.",
    "Earthquakes happen when tectonic plates slip along a fault.",
    "Cheese is made by curdling milk and pressing the curds.",
    "The telescope gathers light so we can see distant galaxies.",
    "Wolves live and hunt together in packs led by a pair.",
    "A baker kneads dough before dawn to sell fresh rolls.",
    "Rainforests hold more species of plants and animals than any other land.",
    "Solar panels turn sunlight directly into electricity.",
    "Knitting loops yarn with two needles to make a sweater.",
    "The heart pumps blood through arteries and veins around the body.",
    "Skiers glide down snowy mountain slopes on long narrow boards.",
    "Compost turns kitchen scraps into rich soil for the garden.",
    "A locksmith opens doors when people lose their keys.",
    "Whales sing long songs that travel far under the ocean.",
    "Typhoons are tropical storms with fierce winds over the Pacific.",
]


class QuickstartTest(FlowTestCase):
    """examples/keda-haystack/README.md, step by step: bootstrap, apply, upload 30 files with
    upload.py, replicas 0 -> 1 -> 2 -> 0 (time-scaled), and search finds every file."""

    def test_readme_walkthrough(self):
        self.start("--config", os.path.join(EXAMPLE, "hayloft.yaml"), "--bootstrap", os.path.join(EXAMPLE, "scripts"),
                   "--time-scale", str(TIME_SCALE))
        wait_until(lambda: self.hayloft.admin("GET", "/_localstack/init")["completed"]["READY"], 120, "bootstrap")
        self.assertEqual([s["state"] for s in self.hayloft.admin("GET", "/_localstack/init")["scripts"]], ["SUCCESSFUL"])
        self.cli("create", "namespace", "indexing")
        self.cli("apply", "-f", os.path.join(MANIFESTS, "deployment-consumer.yaml"), "--namespace", "indexing")
        self.cli("apply", "-f", os.path.join(MANIFESTS, "keda"), "--namespace", "indexing")
        watch_log = open(os.path.join(self.tmp, "watch.log"), "w+")
        watch = subprocess.Popen([HAYLOFT_BIN, "get", "pods", "-n", "indexing", "-w"], stdout=watch_log,
                                 stderr=subprocess.STDOUT, env=dict(os.environ, HAYLOFT_ENDPOINT=self.hayloft.endpoint))
        self.addCleanup(watch.wait)
        self.addCleanup(watch.terminate)
        recorder = ReplicaRecorder(self.hayloft, "indexing", "indexing-consumer")
        recorder.start()
        self.addCleanup(recorder.stopped.set)

        data = os.path.join(self.tmp, "data")
        # Each file repeats its one fact to ~1,500 words (6 chunks), so a pod takes longer over a
        # batch of 10 than upload.py takes over all 30 files: the backlog the HPA needs to see for
        # the second replica is there whatever the machine's load (scaleOnInFlight is false).
        for i, fact in enumerate(FACTS):
            self.write("data/doc-%02d.txt" % i, " ".join([fact] * (1500 // len(fact.split()))) + "\n")
        env = dict(os.environ, AWS_ENDPOINT=self.hayloft.endpoint, AWS_REGION="eu-central-1", SQS_QUEUE="test-queue",
                   S3_BUCKET="test-bucket", **CREDS)
        p = subprocess.run([sys.executable, os.path.join(EXAMPLE, "upload.py"), data], env=env, capture_output=True,
                           text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("30 file(s) uploaded", p.stdout)

        keys = ["doc-%02d.txt" % i for i in range(len(FACTS))]
        wait_until(lambda: self.indexed_keys() == keys, 240, "all 30 files indexed")
        wait_until(lambda: recorder.sequence()[-1] == 0 and len(recorder.sequence()) > 1, 120, "back to zero")
        self.assert_scaled_up_in_steps(recorder, "indexing")
        for i, fact in enumerate(FACTS):
            self.assertEqual(self.search(fact)[0]["meta"]["key"], keys[i], fact)
        # `get pods -w` printed the pods coming and going.
        watch.terminate()
        watch.wait()
        watch_log.seek(0)
        shown = watch_log.read()
        self.assertIn("indexing-consumer-", shown)
        self.assertIn("Running", shown)


if __name__ == "__main__":
    unittest.main()
