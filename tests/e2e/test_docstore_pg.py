"""End-to-end: N `hayloft consume` processes and one `hayloft up` share one PostgreSQL document
store (a real PostgreSQL 15 started by the test). Hundreds of files with re-deliveries, a
consumer killed with SIGKILL mid-run, PostgreSQL stopped and restarted mid-run: every file is
indexed once, no chunk is duplicated, search answers 503 while the database is down and recovers
by itself."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import HAYLOFT_BIN, CREDS, SOURCE_DIR, Hayloft, wait_until  # noqa: E402
import pg_harness  # noqa: E402


def start_consumer(hayloft, url, log_path, *extra):
    env = dict(os.environ)
    env.update(CREDS)
    env.pop("AWS_PROFILE", None)
    log = open(log_path, "ab")
    return subprocess.Popen([HAYLOFT_BIN, "consume", "--endpoint", hayloft.endpoint, "--embedder", "hash",
                             "--docstore", url, "--wait-seconds", "1"] + list(extra),
                            stdout=log, stderr=subprocess.STDOUT, env=env)


def stop_consumer(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


@unittest.skipUnless(pg_harness.available(), "PostgreSQL 15 is not installed (scripts/setup installs it)")
class SharedDocstoreTest(unittest.TestCase):
    files = 200

    @classmethod
    def setUpClass(cls):
        cls.pg = pg_harness.Postgres().start()
        cls.pg.psql("CREATE DATABASE hayloft")
        cls.url = cls.pg.url("hayloft")
        cls.hayloft = Hayloft("--in-memory", "--embedder", "hash", "--docstore", cls.url).start()
        cls.tmp = tempfile.mkdtemp(prefix="hayloft-docstore-e2e-")

    @classmethod
    def tearDownClass(cls):
        cls.hayloft.stop()
        cls.hayloft.cleanup()
        cls.pg.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def search(self, q):
        try:
            with urllib.request.urlopen(self.hayloft.endpoint + "/_hayloft/search?top_k=3&q=" + urllib.parse.quote(q), timeout=10) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def indexed(self):
        return int(self.pg.psql("SELECT count(*) FROM hayloft_sources WHERE etag IS NOT NULL", db="hayloft").strip())

    def test_consumers_share_one_index_through_kill_and_restart(self):
        s3, sqs = self.hayloft.client("s3"), self.hayloft.client("sqs")
        s3.create_bucket(Bucket="test-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        url = sqs.create_queue(QueueName="test-queue", Attributes={"VisibilityTimeout": "5"})["QueueUrl"]
        for i in range(self.files):
            body = ("Document %d is about topic%d. " % (i, i)) * (20 + i % 40)
            s3.put_object(Bucket="test-bucket", Key="docs/f%03d.txt" % i, Body=body.encode())
        # Every file once, a quarter of them twice more (re-delivery), in batches.
        keys = ["docs/f%03d.txt" % i for i in range(self.files)] + ["docs/f%03d.txt" % i for i in range(0, self.files, 4)] * 2
        for start in range(0, len(keys), 10):
            sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(j), "MessageBody": k} for j, k in enumerate(keys[start:start + 10])])

        consumers = [start_consumer(self.hayloft, self.url, os.path.join(self.tmp, "c%d.log" % i)) for i in range(3)]
        self.addCleanup(lambda: [stop_consumer(p) for p in consumers])
        wait_until(lambda: self.indexed() >= 30, 120, "30 files indexed")
        consumers[0].kill()  # SIGKILL mid-run: its messages come back after the visibility timeout
        consumers[0].wait()

        self.pg.stop_server("fast")
        status, body = wait_until(lambda: (lambda r: r if r[0] == 503 else None)(self.search("topic7")), 20, "search 503")
        self.assertEqual(body["error"]["code"], "ServiceUnavailable")
        self.assertTrue(body["error"]["message"])
        # S3 and SQS keep working while the document store is down.
        self.assertEqual(s3.head_object(Bucket="test-bucket", Key="docs/f001.txt")["ResponseMetadata"]["HTTPStatusCode"], 200)
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
        time.sleep(3)  # consumers meet the outage: they must pause, not delete
        self.pg.restart()
        consumers.append(start_consumer(self.hayloft, self.url, os.path.join(self.tmp, "c3.log")))

        wait_until(lambda: self.indexed() == self.files, 300, "every file indexed")

        def drained():
            a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
            return a["ApproximateNumberOfMessages"] == "0" and a["ApproximateNumberOfMessagesNotVisible"] == "0"
        wait_until(drained, 120, "queue drained")

        dups = self.pg.psql("SELECT count(*) FROM (SELECT idx, bucket, key, chunk, member FROM hayloft_chunks "
                            "GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1) d", db="hayloft").strip()
        self.assertEqual(dups, "0")
        stale = self.pg.psql("SELECT count(*) FROM hayloft_chunks c JOIN hayloft_sources s USING (idx, bucket, key) "
                             "WHERE c.etag <> s.etag OR s.etag IS NULL", db="hayloft").strip()
        self.assertEqual(stale, "0")
        # Every file has all its chunks: the one-transaction write leaves no partial document.
        chunks = self.pg.psql("SELECT key, count(*), max(chunk) + 1 FROM hayloft_chunks GROUP BY key", db="hayloft").split()
        self.assertEqual(len(chunks), self.files)
        for row in chunks:
            key, n, top = row.split("|")
            self.assertEqual(n, top, key)

        # `up` recovered by itself and searches the shared index within a second of the writes.
        def found():
            status, body = self.search("Document 7 is about topic7")
            return status == 200 and body["results"] and body["results"][0]["meta"]["key"] == "docs/f007.txt"
        wait_until(found, 30, "search finds docs/f007.txt")
        logs = ""
        for f in os.listdir(self.tmp):
            with open(os.path.join(self.tmp, f), errors="replace") as fh:
                logs += fh.read()
        self.assertIn("pausing until the document store answers", logs)

    def test_docstore_commands_and_direct_search(self):
        out = subprocess.run([HAYLOFT_BIN, "docstore", "status", "--docstore", self.url], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("schema version:  2 (this hayloft: 2)", out.stdout)
        bad = self.url.replace(pg_harness.PASSWORD, "wrong")
        out = subprocess.run([HAYLOFT_BIN, "docstore", "migrate", "--docstore", bad], capture_output=True, text=True)
        self.assertEqual(out.returncode, 1)
        self.assertIn("password authentication failed", out.stderr)
        self.assertNotIn("wrong", out.stderr)
        out = subprocess.run([HAYLOFT_BIN, "consume", "--embedder", "hash", "--docstore", bad, "--endpoint", self.hayloft.endpoint],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 1)
        self.assertIn("password authentication failed", out.stdout + out.stderr)
        # A database that does not answer yet is waited for (not an error); SIGTERM ends the wait.
        env = dict(os.environ)
        env.update(CREDS)
        down = "postgresql://postgres@127.0.0.1:%d/hayloft" % __import__("harness").free_port()
        p = subprocess.Popen([HAYLOFT_BIN, "consume", "--embedder", "hash", "--docstore", down, "--endpoint", self.hayloft.endpoint],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        time.sleep(1.5)
        self.assertIsNone(p.poll())
        p.send_signal(signal.SIGTERM)
        out_text = p.communicate(timeout=20)[0]
        self.assertEqual(p.returncode, 0, out_text)
        self.assertIn("retrying in", out_text)
        out = subprocess.run([HAYLOFT_BIN, "docs", "--docstore", self.url, "-o", "json"], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("files", json.loads(out.stdout))
        out = subprocess.run([HAYLOFT_BIN, "search", "anything", "--embedder", "hash", "--docstore", self.url, "-o", "json"],
                             capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertTrue(json.loads(out.stdout)["model"].startswith("hash"), out.stdout)


@unittest.skipUnless(pg_harness.available(), "PostgreSQL 15 is not installed (scripts/setup installs it)")
class DatabaseDownAtStartTest(unittest.TestCase):
    """`up` started while its PostgreSQL is not running yet serves S3, SQS and the orchestrator,
    answers search with 503 and the reason, and connects, migrates and searches once it runs."""

    def test_up_serves_aws_while_postgresql_is_down_and_recovers_by_itself(self):
        pg = pg_harness.Postgres()  # nothing listens on its port until start()
        self.addCleanup(pg.stop)
        h = Hayloft("--in-memory", "--embedder", "hash", "--docstore", pg.url("postgres")).start()
        self.addCleanup(h.cleanup)
        self.addCleanup(h.stop)
        s3 = h.client("s3")
        s3.create_bucket(Bucket="down-bucket")
        s3.put_object(Bucket="down-bucket", Key="a.txt", Body=b"served while the database is down")
        self.assertEqual(s3.get_object(Bucket="down-bucket", Key="a.txt")["Body"].read(), b"served while the database is down")
        sqs = h.client("sqs")
        url = sqs.create_queue(QueueName="down-queue")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="hello")
        self.assertEqual(sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"], "hello")
        self.assertIn("s3", json.dumps(h.admin("GET", "/_hayloft/health")))

        def search():
            try:
                with urllib.request.urlopen(h.endpoint + "/_hayloft/search?q=served", timeout=10) as r:
                    return r.status, json.loads(r.read())
            except urllib.error.HTTPError as e:
                return e.code, json.loads(e.read())

        status, body = search()
        self.assertEqual(status, 503, body)
        self.assertEqual(body["error"]["code"], "ServiceUnavailable")
        self.assertIn(str(pg.port), body["error"]["message"])
        self.assertNotIn(pg_harness.PASSWORD, body["error"]["message"])

        pg.start()
        wait_until(lambda: search()[0] == 200, 60, "search once PostgreSQL runs")
        self.assertIn("hayloft_sources", pg.psql("SELECT tablename FROM pg_tables WHERE tablename LIKE 'hayloft_%'"))


@unittest.skipUnless(pg_harness.available(), "PostgreSQL 15 is not installed (scripts/setup installs it)")
class ClusterScaleExampleTest(unittest.TestCase):
    """examples/cluster-scale, unchanged, applied to hayloft with a local PostgreSQL."""

    def test_manifests_scale_and_index_into_postgresql(self):
        example = os.path.join(SOURCE_DIR, "examples", "cluster-scale")
        pg = pg_harness.Postgres().start()
        self.addCleanup(pg.stop)
        pg.psql("CREATE DATABASE hayloft")
        url = pg.url("hayloft")
        hayloft = Hayloft("--in-memory", "--embedder", "hash", "--config", os.path.join(example, "hayloft.yaml"),
                          "--docstore", url, "--apply", os.path.join(example, "kubernetes"), "--time-scale", "10").start()
        self.addCleanup(hayloft.cleanup)
        self.addCleanup(hayloft.stop)
        s3, sqs = hayloft.client("s3"), hayloft.client("sqs")
        s3.create_bucket(Bucket="hayloft-documents", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        q = sqs.create_queue(QueueName="hayloft-ingest")["QueueUrl"]
        for i in range(20):
            s3.put_object(Bucket="hayloft-documents", Key="d%02d.txt" % i, Body=("Cluster document %d about subject%d. " % (i, i) * 30).encode())
            sqs.send_message(QueueUrl=q, MessageBody="d%02d.txt" % i)
        count = lambda: int(pg.psql("SELECT count(*) FROM hayloft_sources WHERE etag IS NOT NULL", db="hayloft").strip())
        wait_until(lambda: count() == 20, 240, "20 files indexed by the example's pods")
        # The only consumers are the example's pods: KEDA scaled the Deployment from zero.
        out = subprocess.run([HAYLOFT_BIN, "--endpoint", hayloft.endpoint, "get", "scaledobject", "hayloft-consumer"],
                             capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("hayloft-consumer", out.stdout)

        def found():
            with urllib.request.urlopen(hayloft.endpoint + "/_hayloft/search?q=" + urllib.parse.quote("Cluster document 3 about subject3"), timeout=10) as r:
                body = json.loads(r.read())
            return body["results"] and body["results"][0]["meta"]["key"] == "d03.txt"
        wait_until(found, 30, "search finds d03.txt")


if __name__ == "__main__":
    unittest.main()
