"""The request log as users read it: boto3 calls against the built binary print one line each,
LocalStack style, in text and as JSON lines; an unimplemented operation logs a warning naming it;
--log-level warn silences the request lines."""
import json
import os
import sys
import unittest

import botocore.exceptions

sys.path.insert(0, os.path.dirname(__file__))
from harness import Hayloft, wait_until  # noqa: E402


def log_text(h):
    h.log.flush()
    with open(os.path.join(h.data_dir, "hayloft.log"), encoding="utf-8", errors="replace") as f:
        return f.read()


def exercise(h):
    s3 = h.client("s3")
    sqs = h.client("sqs")
    s3.create_bucket(Bucket="log-bucket")
    with unittest.TestCase().assertRaises(botocore.exceptions.ClientError):
        s3.get_object(Bucket="log-bucket", Key="missing")
    with unittest.TestCase().assertRaises(botocore.exceptions.ClientError):
        s3.get_object_torrent(Bucket="log-bucket", Key="any")
    sqs.create_queue(QueueName="log-queue")
    h.admin("GET", "/_hayloft/health")


class RequestLogTest(unittest.TestCase):
    def run_with(self, *args):
        h = Hayloft("--in-memory", *args).start()
        self.addCleanup(h.cleanup)
        self.addCleanup(h.stop)
        exercise(h)
        return h

    def test_text_lines_name_service_operation_status_and_error(self):
        h = self.run_with()
        text = wait_until(lambda: (lambda t: t if "AWS sqs.CreateQueue => 200" in t else None)(log_text(h)),
                          10, "the CreateQueue line")
        self.assertIn("AWS s3.CreateBucket => 200 ", text)
        self.assertIn("AWS s3.GetObject => 404 (NoSuchKey) ", text)
        self.assertIn("GetObjectTorrent is not implemented", text)
        self.assertIn("AWS s3.GetObjectTorrent => 501 (NotImplemented)", text)
        # Admin requests are debug lines: absent at the default level.
        self.assertNotIn("/_hayloft/health =>", text)

    def test_json_lines_for_every_line(self):
        h = self.run_with("--log-format", "json", "--log-level", "debug")
        # The health request is the last one exercise() makes; lines reach the file in order, in
        # batches (at most 100 ms late), so once it is there every earlier line is too.
        def health_after_create_queue():
            text = log_text(h)
            at = text.find("CreateQueue")
            return at >= 0 and text.find('"operation":"health"', at) >= 0
        wait_until(health_after_create_queue, 10, "the health request's line")
        records = [json.loads(line) for line in log_text(h).splitlines() if line.strip()]
        self.assertTrue(all({"time", "level", "msg"} <= set(r) for r in records))
        self.assertTrue(any("listening on" in r["msg"] for r in records))
        missing = [r for r in records if r.get("operation") == "GetObject"]
        self.assertEqual(missing[0]["status"], 404)
        self.assertEqual(missing[0]["error"], "NoSuchKey")
        self.assertEqual(missing[0]["service"], "s3")
        self.assertGreaterEqual(missing[0]["ms"], 0)
        health = [r for r in records if r.get("service") == "admin" and r.get("operation") == "health"]
        self.assertEqual(health[0]["level"], "debug")
        self.assertEqual(health[0]["path"], "/_hayloft/health")

    def test_warn_level_silences_request_lines(self):
        h = self.run_with("--log-level", "warn")
        text = wait_until(lambda: (lambda t: t if "is not implemented" in t else None)(log_text(h)), 10,
                          "the NotImplemented warning")
        self.assertIn("GetObjectTorrent is not implemented", text)
        self.assertNotIn("AWS ", text)


if __name__ == "__main__":
    unittest.main()
