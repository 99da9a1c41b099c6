"""`hayloft snapshot save|restore|ls|rm`, `hayloft up --snapshot NAME|PATH` and `hayloft exec
--snapshot`, with the built binary and boto3, as users run them: a snapshot of a persistent stack
survives its restart, is copied to another folder and started from, and the CLI says what went
wrong (a missing snapshot, an incompatible one)."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest
import urllib.request

from harness import HAYLOFT_BIN, Hayloft

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: hayloft/echo}]}
"""


def cli(endpoint, *args):
    return subprocess.run([HAYLOFT_BIN, "--endpoint", endpoint, *args], capture_output=True, text=True, timeout=120)


class SnapshotCliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="hayloft-snapshot-e2e-")
        self.data = os.path.join(self.tmp, "data")
        self.stacks = []

    def tearDown(self):
        for h in self.stacks:
            h.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, *args, data_dir=None):
        os.makedirs(data_dir or self.data, exist_ok=True)
        h = Hayloft("--clock", "manual", *args, data_dir=data_dir or self.data).start()
        self.stacks.append(h)
        return h

    def seed(self, h):
        s3, sqs = h.client("s3"), h.client("sqs")
        s3.create_bucket(Bucket="seed", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        s3.put_object(Bucket="seed", Key="big.bin", Body=b"B" * 200_000)
        s3.put_object(Bucket="seed", Key="small.txt", Body=b"hello")
        url = sqs.create_queue(QueueName="seed-queue")["QueueUrl"]
        for i in range(3):
            sqs.send_message(QueueUrl=url, MessageBody="m%d" % i)
        req = urllib.request.Request(h.endpoint + "/_hayloft/apply?namespace=shop", data=DEPLOY.encode(), method="POST")
        urllib.request.urlopen(req, timeout=30).read()

    def check_seeded(self, h):
        s3, sqs = h.client("s3"), h.client("sqs")
        self.assertEqual(s3.get_object(Bucket="seed", Key="big.bin")["Body"].read(), b"B" * 200_000)
        self.assertEqual(s3.get_object(Bucket="seed", Key="small.txt")["Body"].read(), b"hello")
        self.assertEqual([b["Name"] for b in s3.list_buckets()["Buckets"]], ["seed"])
        url = sqs.get_queue_url(QueueName="seed-queue")["QueueUrl"]
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
        self.assertEqual(attrs["Attributes"]["ApproximateNumberOfMessages"], "3")
        got = h.admin("GET", "/_hayloft/get?kind=deployment&namespace=shop&name=web")
        self.assertEqual(got.get("object", got)["spec"]["replicas"], 2)

    def test_save_ls_restore_rm_and_restart(self):
        h = self.start()
        self.seed(h)
        r = cli(h.endpoint, "snapshot", "save", "seeded")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("saved snapshot seeded", r.stdout)
        s3 = h.client("s3")
        s3.delete_object(Bucket="seed", Key="big.bin")
        s3.create_bucket(Bucket="later", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        r = cli(h.endpoint, "snapshot", "restore", "seeded")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"restored snapshot seeded in [0-9.]+ ms")
        self.check_seeded(h)
        r = cli(h.endpoint, "snapshot", "ls")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"(?m)^seeded\s.*\syes$")
        listed = json.loads(cli(h.endpoint, "snapshot", "ls", "-o", "json").stdout)
        self.assertEqual([s["name"] for s in listed["snapshots"]], ["seeded"])

        # The snapshot lives in the data dir: it survives a restart, and the stack starts from it.
        h.stop()
        self.stacks.remove(h)
        h = self.start("--snapshot", "seeded")
        self.check_seeded(h)

        r = cli(h.endpoint, "snapshot", "rm", "seeded")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = cli(h.endpoint, "snapshot", "restore", "seeded")
        self.assertEqual(r.returncode, 1)
        self.assertIn('no snapshot named "seeded"', r.stderr)
        r = cli(h.endpoint, "snapshot", "rm", "seeded")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(cli(h.endpoint, "snapshot", "frobnicate").returncode, 2)
        self.assertEqual(cli(h.endpoint, "snapshot", "save").returncode, 2)

    def test_a_copied_snapshot_folder_starts_another_stack_and_exec(self):
        h = self.start()
        self.seed(h)
        saved = h.admin("POST", "/_hayloft/snapshots", {"name": "portable"})
        moved = os.path.join(self.tmp, "elsewhere", "portable")
        shutil.copytree(saved["path"], moved)  # another folder, as on another machine
        other = self.start("--snapshot", moved, data_dir=os.path.join(self.tmp, "other"))
        self.check_seeded(other)
        memory = Hayloft("--in-memory", "--clock", "manual", "--snapshot", moved).start()
        self.stacks.append(memory)
        self.check_seeded(memory)
        script = ("import boto3; s3 = boto3.client('s3'); "
                  "assert s3.get_object(Bucket='seed', Key='small.txt')['Body'].read() == b'hello'")
        p = subprocess.run([HAYLOFT_BIN, "exec", "--snapshot", moved, "--", sys.executable, "-c", script],
                           capture_output=True, text=True, timeout=120,
                           env=dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test"))
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_start_refuses_a_missing_or_incompatible_snapshot(self):
        h = self.start()
        saved = h.admin("POST", "/_hayloft/snapshots", {"name": "old"})
        db = sqlite3.connect(os.path.join(saved["path"], "state.db"))
        db.execute("UPDATE hayloft_schema SET version = version + 1 WHERE module = 's3'")
        db.commit()
        db.close()
        r = cli(h.endpoint, "snapshot", "restore", "old")
        self.assertEqual(r.returncode, 1)
        self.assertIn("take the snapshot again with this version", r.stderr)
        self.assertRegex(cli(h.endpoint, "snapshot", "ls").stdout, r"(?m)^old\s.*no: this hayloft needs s3")
        h.stop()
        self.stacks.remove(h)
        for args in (["--snapshot", "old"], ["--snapshot", "absent"], ["--snapshot", os.path.join(self.tmp, "nowhere")]):
            p = subprocess.run([HAYLOFT_BIN, "up", "--port", "0", "--data-dir", self.data, *args],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 1, args)
            self.assertIn("--snapshot", p.stdout + p.stderr)


if __name__ == "__main__":
    unittest.main()
