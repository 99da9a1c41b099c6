"""End-to-end SQS: the same scenarios under boto3 1.43 (JSON 1.0) and Debian's boto3 1.26 (query
protocol), plus both aws CLIs and the reference bootstrap through scripts/awslocal."""
import json
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import AWS_CLI_V1, AWS_CLI_V2, Hayloft, HayloftTestCase, run_cli  # noqa: E402

import botocore  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402


class SqsBoto3Test(HayloftTestCase):
    def setUp(self):
        super().setUp()
        self.sqs = self.hayloft.client("sqs")

    def test_reference_upload_flow(self):
        self.sqs.create_queue(QueueName="test-queue", Attributes={"VisibilityTimeout": "30"})
        url = self.sqs.get_queue_url(QueueName="test-queue")["QueueUrl"]
        self.assertEqual(url, "%s/000000000000/test-queue" % self.hayloft.endpoint)
        sent = self.sqs.send_message(QueueUrl=url, MessageBody="docs/a.txt",
                                     MessageAttributes={"kind": {"DataType": "String", "StringValue": "upload"},
                                                        "n": {"DataType": "Number", "StringValue": "3"},
                                                        "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}})
        self.assertIn("MD5OfMessageAttributes", sent)  # botocore verifies both MD5s itself
        got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"],
                                       AttributeNames=["All"])["Messages"]
        self.assertEqual(len(got), 1)
        m = got[0]
        self.assertEqual(m["Body"], "docs/a.txt")
        self.assertEqual(m["MessageAttributes"]["kind"]["StringValue"], "upload")
        self.assertEqual(m["Attributes"]["ApproximateReceiveCount"], "1")
        attrs = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        self.assertEqual(attrs["ApproximateNumberOfMessagesNotVisible"], "1")
        self.assertEqual(attrs["VisibilityTimeout"], "30")
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        attrs = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        self.assertEqual(attrs["ApproximateNumberOfMessages"], "0")
        self.assertEqual(attrs["ApproximateNumberOfMessagesNotVisible"], "0")

    def test_long_poll_wakes_on_send(self):
        url = self.sqs.create_queue(QueueName="poll")["QueueUrl"]
        result = {}

        def receive():
            t0 = time.monotonic()
            result["msgs"] = self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10).get("Messages", [])
            result["took"] = time.monotonic() - t0

        t = threading.Thread(target=receive)
        t.start()
        time.sleep(0.5)
        self.hayloft.client("sqs").send_message(QueueUrl=url, MessageBody="wake")
        t.join(15)
        self.assertEqual([m["Body"] for m in result["msgs"]], ["wake"])
        self.assertLess(result["took"], 5)

    def test_batches_and_visibility(self):
        url = self.sqs.create_queue(QueueName="batch")["QueueUrl"]
        out = self.sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "m%d" % i} for i in range(10)])
        self.assertEqual(len(out["Successful"]), 10)
        with self.assertRaises(ClientError) as e:
            self.sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "x", "MessageBody": "a"}, {"Id": "x", "MessageBody": "b"}])
        self.assertIn("BatchEntryIdsNotDistinct", e.exception.response["Error"]["Code"])
        with self.assertRaises(ClientError) as e:
            self.sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "a"} for i in range(11)])
        self.assertIn("TooManyEntriesInBatchRequest", e.exception.response["Error"]["Code"])
        msgs = []
        while len(msgs) < 10:
            got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60).get("Messages", [])
            self.assertTrue(got)
            msgs += got
        self.assertEqual(sorted(m["Body"] for m in msgs), sorted("m%d" % i for i in range(10)))
        self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=msgs[0]["ReceiptHandle"], VisibilityTimeout=0)
        again = self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2)["Messages"]
        self.assertEqual(again[0]["Body"], msgs[0]["Body"])
        out = self.sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                                                                  for i, m in enumerate(msgs[1:] + again)])
        self.assertEqual(len(out["Successful"]), 10)

    def test_errors_keep_legacy_codes(self):
        with self.assertRaises(ClientError) as e:
            self.sqs.get_queue_url(QueueName="missing")
        self.assertEqual(e.exception.response["Error"]["Code"], "AWS.SimpleQueueService.NonExistentQueue")
        url = self.sqs.create_queue(QueueName="q", Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
        with self.assertRaises(ClientError) as e:
            self.sqs.create_queue(QueueName="q", Attributes={"VisibilityTimeout": "31"})
        self.assertIn("QueueAlreadyExists", e.exception.response["Error"]["Code"])
        with self.assertRaises(ClientError) as e:
            self.sqs.delete_message(QueueUrl=url, ReceiptHandle="garbage")
        self.assertIn("ReceiptHandleIsInvalid", e.exception.response["Error"]["Code"])
        with self.assertRaises(ClientError) as e:
            self.sqs.send_message(QueueUrl=url, MessageBody="x" * (1024 * 1024 + 1))
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)

    def test_one_mebibyte_messages_and_batches(self):
        """Issue 17: 1 MiB (1,048,576 bytes) per message and per batch, the default MaximumMessageSize. The
        bodies are non-ASCII so that both wire encodings (JSON \\u escapes, query percent-encoding) carry about
        3 MiB: the edge spills such a body to a file, and it must still reach SQS."""
        mib = 1024 * 1024
        url = self.sqs.create_queue(QueueName="big")["QueueUrl"]
        attrs = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["MaximumMessageSize"])["Attributes"]
        self.assertEqual(attrs["MaximumMessageSize"], "1048576")
        body = "\u00e9" * (mib // 2)  # 2 bytes each in UTF-8: exactly 1 MiB
        self.sqs.send_message(QueueUrl=url, MessageBody=body)
        got = self.sqs.receive_message(QueueUrl=url)["Messages"][0]
        self.assertEqual(got["Body"], body)
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=got["ReceiptHandle"])
        with self.assertRaises(ClientError) as e:
            self.sqs.send_message(QueueUrl=url, MessageBody=body + "x")
        err = e.exception.response["Error"]
        self.assertEqual(err["Code"], "InvalidParameterValue")
        self.assertEqual(err["Message"], "One or more parameters are invalid. Reason: Message must be shorter than "
                                         "1048576 bytes.")
        out = self.sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "x" * (mib // 4)}
                                                                 for i in range(4)])
        self.assertEqual(len(out["Successful"]), 4)
        with self.assertRaises(ClientError) as e:
            self.sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "x" * 104858}
                                                               for i in range(10)])
        err = e.exception.response["Error"]
        self.assertEqual(err["Code"], "AWS.SimpleQueueService.BatchRequestTooLong")
        self.assertEqual(err["Message"], "Batch requests cannot be longer than 1048576 bytes. You have sent 1048580 "
                                         "bytes.")
        attrs = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
        self.assertEqual(attrs["Attributes"]["ApproximateNumberOfMessages"], "4")

    def test_huge_number_attribute_is_refused_and_the_process_lives(self):
        """Issue 14: a 30,000-digit Number value segfaulted the process (std::regex on client input)."""
        url = self.sqs.create_queue(QueueName="nums")["QueueUrl"]
        with self.assertRaises(ClientError) as e:
            self.sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes={
                "n": {"DataType": "Number", "StringValue": "1" * 30000}})
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidParameterValue")
        self.assertEqual(e.exception.response["Error"]["Message"],
                         "Can't cast the value of message (user) attribute 'n' to a number.")
        self.sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes={
            "n": {"DataType": "Number", "StringValue": "9" * 38}})
        self.assertIsNone(self.hayloft.proc.poll())
        self.assertIsNotNone(self.hayloft.admin("GET", "/_hayloft/health"))

    def test_fifo_ordering_and_dedup(self):
        url = self.sqs.create_queue(QueueName="jobs.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
        for i in range(3):
            self.sqs.send_message(QueueUrl=url, MessageBody="a%d" % i, MessageGroupId="g")
        dup = self.sqs.send_message(QueueUrl=url, MessageBody="a0", MessageGroupId="g")
        self.assertIn("SequenceNumber", dup)
        got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        self.assertEqual([m["Body"] for m in got], ["a0", "a1", "a2"])

    def test_dead_letter_queue_after_max_receives(self):
        dlq = self.sqs.create_queue(QueueName="dlq")["QueueUrl"]
        dlq_arn = self.sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        src = self.sqs.create_queue(QueueName="src", Attributes={
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"})})["QueueUrl"]
        self.sqs.send_message(QueueUrl=src, MessageBody="poison")
        for _ in range(2):
            m = self.sqs.receive_message(QueueUrl=src, WaitTimeSeconds=2)["Messages"][0]
            self.sqs.change_message_visibility(QueueUrl=src, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=src))
        self.assertEqual(self.sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=2)["Messages"][0]["Body"], "poison")
        self.assertEqual(self.sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"], [src])

    def test_list_purge_tags_delete(self):
        for n in ("alpha-1", "alpha-2", "beta"):
            self.sqs.create_queue(QueueName=n, tags={"team": n})
        urls = self.sqs.list_queues(QueueNamePrefix="alpha")["QueueUrls"]
        self.assertEqual(sorted(u.rsplit("/", 1)[1] for u in urls), ["alpha-1", "alpha-2"])
        url = urls[0]
        self.sqs.tag_queue(QueueUrl=url, Tags={"env": "dev"})
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=url)["Tags"]["env"], "dev")
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        self.sqs.purge_queue(QueueUrl=url)
        self.assertEqual(self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
                         ["Attributes"]["ApproximateNumberOfMessages"], "0")
        self.sqs.delete_queue(QueueUrl=url)
        with self.assertRaises(ClientError):
            self.sqs.get_queue_url(QueueName=url.rsplit("/", 1)[1])


class SqsCliTest(HayloftTestCase):
    def test_sqs_commands_with_both_clis_and_awslocal_bootstrap(self):
        env = self.hayloft.cli_env()
        for cli in (AWS_CLI_V1, AWS_CLI_V2):
            with self.subTest(cli=cli):
                self.hayloft.reset()
                ep = ["--endpoint-url", self.hayloft.endpoint, "--region", "eu-central-1"]
                out = json.loads(run_cli(cli, ep + ["sqs", "create-queue", "--queue-name", "test-queue",
                                                    "--attributes", "VisibilityTimeout=30"], env).stdout)
                url = out["QueueUrl"]
                run_cli(cli, ep + ["sqs", "send-message", "--queue-url", url, "--message-body", "hello"], env)
                got = json.loads(run_cli(cli, ep + ["sqs", "receive-message", "--queue-url", url], env).stdout)
                self.assertEqual(got["Messages"][0]["Body"], "hello")
                run_cli(cli, ep + ["sqs", "delete-message", "--queue-url", url, "--receipt-handle",
                                   got["Messages"][0]["ReceiptHandle"]], env)
                attrs = json.loads(run_cli(cli, ep + ["sqs", "get-queue-attributes", "--queue-url", url,
                                                      "--attribute-names", "All"], env).stdout)
                self.assertEqual(attrs["Attributes"]["VisibilityTimeout"], "30")
        # The reference bootstrap, word for word, through the awslocal wrapper.
        self.hayloft.reset()
        awslocal = os.path.join(os.environ.get("HAYLOFT_SOURCE_DIR", "."), "scripts", "awslocal")
        env.pop("AWS_ACCESS_KEY_ID")
        env.pop("AWS_SECRET_ACCESS_KEY")
        run_cli(awslocal, ["--endpoint-url=%s" % self.hayloft.localhost_endpoint, "sqs", "create-queue", "--queue-name",
                           "test-queue", "--region", "eu-central-1", "--attributes", "VisibilityTimeout=30"], env)
        run_cli(awslocal, ["--endpoint-url=%s" % self.hayloft.localhost_endpoint, "s3api", "create-bucket", "--bucket",
                           "test-bucket", "--region", "eu-central-1", "--create-bucket-configuration",
                           "LocationConstraint=eu-central-1"], env)
        sqs = self.hayloft.client("sqs")
        self.assertTrue(sqs.get_queue_url(QueueName="test-queue")["QueueUrl"].endswith("/000000000000/test-queue"))


class SqsDurabilityTest(unittest.TestCase):
    def test_acknowledged_messages_survive_kill9(self):
        h = Hayloft().start()
        try:
            sqs = h.client("sqs")
            url = sqs.create_queue(QueueName="durable", Attributes={"VisibilityTimeout": "1"})["QueueUrl"]
            for i in range(50):
                sqs.send_message(QueueUrl=url, MessageBody=str(i))
            inflight = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=5)["Messages"]
            sqs.delete_message(QueueUrl=url, ReceiptHandle=inflight[0]["ReceiptHandle"])
            h.kill9()
            h.start()
            sqs = h.client("sqs")
            url = sqs.get_queue_url(QueueName="durable")["QueueUrl"]
            seen = set()
            deadline = time.time() + 20
            while len(seen) < 49 and time.time() < deadline:
                for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
                    seen.add(m["Body"])
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            self.assertEqual(seen, set(str(i) for i in range(50)) - {inflight[0]["Body"]})
        finally:
            h.stop()
            h.cleanup()


if __name__ == "__main__":
    print("boto3", __import__("boto3").__version__, "botocore", botocore.__version__, file=sys.stderr)
    unittest.main()
