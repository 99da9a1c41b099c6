"""End-to-end `hayloft upload` and `hayloft consume`: the built binary as a client of a running
`hayloft up`, checked with boto3 (objects, multipart ETags, queued messages) and by reading the
standalone consumer's state.db and log."""
import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import CONSUMER_DEPLOYMENT, CREDS, HAYLOFT_BIN, HayloftTestCase  # noqa: E402

MIB = 1024 * 1024


def md5(data):
    return hashlib.md5(data).hexdigest()


def multipart_etag(data, part):
    digests = b"".join(hashlib.md5(data[i:i + part]).digest() for i in range(0, len(data), part))
    return "%s-%d" % (hashlib.md5(digests).hexdigest(), (len(data) + part - 1) // part)


class RemoteTestCase(HayloftTestCase):
    def setUp(self):
        super().setUp()
        self.s3 = self.hayloft.client("s3")
        self.sqs = self.hayloft.client("sqs")
        self.tmp = tempfile.mkdtemp(prefix="hayloft-remote-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def env(self, **extra):
        env = dict(os.environ)
        env.update(CREDS)
        env["HAYLOFT_ENDPOINT"] = self.hayloft.endpoint
        for k in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT", "SQS_QUEUE", "S3_BUCKET", "AWS_PROFILE"):
            env.pop(k, None)
        env.update(extra)
        return env

    def hayloft_cli(self, *args, env=None, timeout=300):
        return subprocess.run([HAYLOFT_BIN] + list(args), env=env or self.env(), capture_output=True, text=True,
                              timeout=timeout)

    def make_stack(self, bucket="test-bucket", queue="test-queue"):
        self.s3.create_bucket(Bucket=bucket)
        return self.sqs.create_queue(QueueName=queue, Attributes={"VisibilityTimeout": "30"})["QueueUrl"]

    def write(self, rel, data):
        path = os.path.join(self.tmp, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def drain(self, url):
        bodies = []
        while True:
            got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
            if not got:
                return bodies
            bodies += [m["Body"] for m in got]


class UploadTest(RemoteTestCase):
    def test_directory_with_a_multipart_file_and_small_files(self):
        url = self.make_stack()
        big = bytes((i * 131 >> 3) & 0xFF for i in range(256)) * (20 * MIB // 256)
        files = {
            "big.bin": big,
            "notes/a.txt": b"first note\n",
            "notes/deeper/b.md": b"# second\n\nnote\n",
            "with space & plus+.txt": b"odd name",
            "empty.txt": b"",
        }
        for rel, data in files.items():
            self.write(os.path.join("docs", rel), data)
        p = self.hayloft_cli("upload", os.path.join(self.tmp, "docs"), "--prefix", "in/", "--jobs", "3")
        self.assertEqual(p.returncode, 0, p.stderr)
        keys = sorted("in/" + rel for rel in files)
        for rel, data in files.items():
            self.assertIn("uploaded in/%s (%d bytes)" % (rel, len(data)), p.stdout)
        self.assertIn("uploaded 5 files", p.stdout)

        listed = self.s3.list_objects_v2(Bucket="test-bucket", Prefix="in/")["Contents"]
        self.assertEqual(sorted(o["Key"] for o in listed), keys)
        for rel, data in files.items():
            obj = self.s3.get_object(Bucket="test-bucket", Key="in/" + rel)
            body = obj["Body"].read()
            self.assertEqual(len(body), len(data), rel)
            self.assertTrue(body == data, rel)
            expected = multipart_etag(data, 8 * MIB) if len(data) > 8 * MIB else md5(data)
            self.assertEqual(obj["ETag"].strip('"'), expected, rel)
        self.assertEqual(self.s3.head_object(Bucket="test-bucket", Key="in/notes/a.txt")["ContentType"], "text/plain")
        # upload.py's protocol: one message per uploaded key, the key as the body.
        self.assertEqual(sorted(self.drain(url)), keys)

    def test_single_file_without_queue(self):
        url = self.make_stack()
        path = self.write("one/report.txt", b"report")
        p = self.hayloft_cli("upload", path, "--no-queue", "--bucket", "test-bucket")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.s3.get_object(Bucket="test-bucket", Key="report.txt")["Body"].read(), b"report")
        self.assertEqual(self.drain(url), [])

    def test_endpoint_flag_and_other_bucket_and_queue(self):
        self.make_stack(bucket="other-bucket", queue="other-queue")
        url = self.sqs.get_queue_url(QueueName="other-queue")["QueueUrl"]
        path = self.write("x.md", b"# x")
        env = self.env(HAYLOFT_ENDPOINT="http://127.0.0.1:1")
        p = self.hayloft_cli("upload", path, "--endpoint", self.hayloft.endpoint, "--bucket", "other-bucket",
                             "--queue", "other-queue", env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.drain(url), ["x.md"])

    def test_failures_exit_1_with_the_aws_error(self):
        path = self.write("a.txt", b"a")
        p = self.hayloft_cli("upload", path)
        self.assertEqual(p.returncode, 1)
        self.assertIn("QueueDoesNotExist", p.stderr)
        self.sqs.create_queue(QueueName="test-queue")
        p = self.hayloft_cli("upload", path)
        self.assertEqual(p.returncode, 1)
        self.assertIn("NoSuchBucket", p.stderr)
        self.assertIn("1 of 1 files failed", p.stderr)
        p = self.hayloft_cli("upload", os.path.join(self.tmp, "missing"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("no such file or directory", p.stderr)
        p = self.hayloft_cli("upload", path, "--endpoint", "http://127.0.0.1:1")
        self.assertEqual(p.returncode, 1)
        self.assertIn("cannot connect", p.stderr)

    def test_wait_gives_up_when_nothing_indexes(self):
        self.make_stack()
        path = self.write("a.txt", b"never indexed")
        p = self.hayloft_cli("upload", path, "--wait", "--wait-timeout", "1")
        self.assertEqual(p.returncode, 1)
        self.assertIn("timed out", p.stderr)
        self.assertIn("0 of 1 files indexed", p.stderr)


DEPLOYMENT = CONSUMER_DEPLOYMENT.encode()


class UploadWaitTest(RemoteTestCase):
    """`upload --wait` against hayloft's own consumer (one in-process pod)."""
    server_args = ("--in-memory", "--embedder", "hash")

    def test_wait_returns_once_every_key_is_indexed_with_its_etag(self):
        self.make_stack()
        p = self.hayloft_cli("apply", "-f", self.write("deployment.yaml", DEPLOYMENT))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.write("docs/a.txt", b"Hay is dried grass.")
        self.write("docs/b/c.md", b"# Lofts\n\nA hayloft is the space above a barn.")
        p = self.hayloft_cli("upload", os.path.join(self.tmp, "docs"), "--wait", "--wait-timeout", "120")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertRegex(p.stdout, r"indexed 2 files in \d+\.\ds")
        docs = self.hayloft.admin("GET", "/_hayloft/docs?index=default")["files"]
        self.assertEqual(sorted(f["key"] for f in docs), ["a.txt", "b/c.md"])
        # A changed file: --wait holds out for the new ETag, not the one already indexed.
        self.write("docs/a.txt", b"Hay is dried grass, stored in a loft.")
        p = self.hayloft_cli("upload", os.path.join(self.tmp, "docs", "a.txt"), "--wait", "--wait-timeout", "120")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        etag = self.s3.head_object(Bucket="test-bucket", Key="a.txt")["ETag"].strip('"')
        docs = self.hayloft.admin("GET", "/_hayloft/docs?index=default")["files"]
        self.assertEqual([f["etag"].strip('"') for f in docs if f["key"] == "a.txt"], [etag])
        # A file the consumer cannot index makes --wait give up after its timeout, naming it.
        self.write("bad/broken.pdf", b"%PDF-1.4 not really a pdf")
        p = self.hayloft_cli("upload", os.path.join(self.tmp, "bad"), "--wait", "--wait-timeout", "3")
        self.assertEqual(p.returncode, 1)
        self.assertIn("not indexed: broken.pdf", p.stderr)


class ConsumerMixin:
    """Runs `hayloft consume` against the test's hayloft, its output in consumer.log."""

    def start_consumer(self, *args, env=None):
        self.data_dir = os.path.join(self.tmp, "consumer")
        self.log_path = os.path.join(self.tmp, "consumer.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [HAYLOFT_BIN, "consume", "--endpoint", self.hayloft.endpoint, "--embedder", "hash", "--data-dir",
             self.data_dir, "--wait-seconds", "1"] + list(args),
            env=env or self.env(), stdout=self.log, stderr=subprocess.STDOUT)
        self.addCleanup(self.stop_consumer)

    def stop_consumer(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait_for_log(self, needle, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if needle in self.log_text():
                return
            if self.proc.poll() is not None:
                self.fail("consumer exited (%s): %s" % (self.proc.returncode, self.log_text()))
            time.sleep(0.05)
        self.fail("no %r in the consumer log: %s" % (needle, self.log_text()))

    def chunks(self, key):
        db = sqlite3.connect(os.path.join(self.data_dir, "state.db"))
        try:
            return db.execute("SELECT etag, chunk, text FROM documents WHERE bucket='test-bucket' AND key=? "
                              "ORDER BY chunk", (key,)).fetchall()
        finally:
            db.close()


class ConsumeTest(ConsumerMixin, RemoteTestCase):
    def test_indexes_a_text_file_named_by_a_message(self):
        url = self.make_stack()
        text = b"Hayloft runs the indexing consumer on its own. " * 20
        put = self.s3.put_object(Bucket="test-bucket", Key="docs/hello.txt", Body=text)
        self.sqs.send_message(QueueUrl=url, MessageBody="docs/hello.txt")
        self.start_consumer("--queue", "test-queue", "--bucket", "test-bucket")
        self.wait_for_log("indexed s3://test-bucket/docs/hello.txt")
        rows = self.chunks("docs/hello.txt")
        self.assertGreaterEqual(len(rows), 1)
        self.assertEqual({r[0] for r in rows}, {put["ETag"].strip('"')})
        self.assertIn("Hayloft runs the indexing consumer", rows[0][2])
        # The message is deleted once the chunks are committed.
        deadline = time.time() + 10
        while time.time() < deadline:
            attrs = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
            if attrs["ApproximateNumberOfMessages"] == "0" and attrs["ApproximateNumberOfMessagesNotVisible"] == "0":
                break
            time.sleep(0.05)
        self.assertEqual(attrs["ApproximateNumberOfMessagesNotVisible"], "0")
        # A graceful stop on SIGTERM, exit code 0.
        self.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.proc.wait(timeout=30), 0, self.log_text())
        self.assertIn("SIGTERM: stopping", self.log_text())
        self.assertIn("1 files indexed", self.log_text())

    def test_settings_from_the_environment_and_a_pipeline_yaml(self):
        self.make_stack(bucket="env-bucket", queue="env-queue")
        url = self.sqs.get_queue_url(QueueName="env-queue")["QueueUrl"]
        words = " ".join("word%d" % i for i in range(100)) + "."
        self.s3.put_object(Bucket="env-bucket", Key="w.txt", Body=words.encode())
        self.sqs.send_message(QueueUrl=url, MessageBody="w.txt")
        pipeline = self.write("pipeline.yaml", b"""
version: 1.15.1
components:
  - name: Splitter
    type: PreProcessor
    params:
      split_by: word
      split_length: 10
      split_overlap: 0
      split_respect_sentence_boundary: false
pipelines:
  - name: indexing
    nodes:
      - name: Splitter
        inputs: [File]
""")
        self.start_consumer("--pipeline", pipeline, env=self.env(SQS_QUEUE="env-queue", S3_BUCKET="env-bucket"))
        self.wait_for_log("indexed s3://env-bucket/w.txt")
        db = sqlite3.connect(os.path.join(self.data_dir, "state.db"))
        count = db.execute("SELECT COUNT(*) FROM documents WHERE bucket='env-bucket' AND key='w.txt'").fetchone()[0]
        db.close()
        self.assertEqual(count, 10)
        self.proc.send_signal(signal.SIGINT)
        self.assertEqual(self.proc.wait(timeout=30), 0, self.log_text())

    def test_a_missing_object_is_left_for_the_redrive_policy(self):
        url = self.make_stack()
        self.sqs.send_message(QueueUrl=url, MessageBody="nowhere.txt")
        self.start_consumer()
        self.wait_for_log("cannot fetch s3://test-bucket/nowhere.txt")
        self.assertIn("NoSuchKey", self.log_text())
        attrs = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        self.assertEqual(attrs["ApproximateNumberOfMessagesNotVisible"], "1")
        self.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.proc.wait(timeout=30), 0, self.log_text())

    def test_an_unknown_queue_fails_at_start(self):
        self.make_stack()
        self.start_consumer("--queue", "no-such-queue")
        self.assertEqual(self.proc.wait(timeout=30), 1)
        self.assertIn("QueueDoesNotExist", self.log_text())

    def test_upload_then_consume(self):
        """The whole laptop flow with the consumer outside hayloft: upload a directory, consume it."""
        self.make_stack()
        self.write("docs/one.txt", b"The first document talks about hay.")
        self.write("docs/two/two.md", b"# Second\n\nThe second one talks about lofts.")
        p = self.hayloft_cli("upload", os.path.join(self.tmp, "docs"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.start_consumer("--workers", "2")
        self.wait_for_log("indexed s3://test-bucket/one.txt")
        self.wait_for_log("indexed s3://test-bucket/two/two.md")
        self.assertEqual(len(self.chunks("one.txt")), 1)
        self.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.proc.wait(timeout=30), 0, self.log_text())


class ConsumeAuthTest(ConsumerMixin, RemoteTestCase):
    """Against `hayloft up --auth`: the consumer's SigV4 signatures are checked."""
    server_args = ("--in-memory", "--auth")

    def test_signed_requests_are_accepted_and_a_wrong_secret_is_not(self):
        url = self.make_stack()
        self.s3.put_object(Bucket="test-bucket", Key="signed.txt", Body=b"signed and sealed")
        self.sqs.send_message(QueueUrl=url, MessageBody="signed.txt")
        bad = self.hayloft_cli("consume", "--endpoint", self.hayloft.endpoint, "--embedder", "hash", "--data-dir",
                               os.path.join(self.tmp, "bad"), env=self.env(AWS_SECRET_ACCESS_KEY="wrong"), timeout=60)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("SignatureDoesNotMatch", bad.stdout + bad.stderr)
        self.start_consumer("--region", "eu-central-1")
        self.wait_for_log("indexed s3://test-bucket/signed.txt")
        self.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.proc.wait(timeout=30), 0, self.log_text())


if __name__ == "__main__":
    unittest.main()
