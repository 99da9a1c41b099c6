"""Soak (label `soak`, run by `scripts/test --soak`): 20 kill -9s of `hayloft up` under SQS load.
Every SendMessage that was acknowledged must still be there after the kills, and every
DeleteMessage that was acknowledged must stay deleted. Bounded: 20 rounds of at most ~1 s."""
import os
import random
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import Hayloft  # noqa: E402


class SqsKillSoakTest(unittest.TestCase):
    ROUNDS = 20

    def test_twenty_kills_under_load_lose_nothing_acknowledged(self):
        h = Hayloft()
        # attempted: DeleteMessage was sent (it may have committed although the kill ate the reply).
        sent, deleted, attempted = set(), set(), set()
        counter = [0]
        counter_lock = threading.Lock()
        try:
            for round_no in range(self.ROUNDS):
                h.start()
                sqs = h.client("sqs")
                url = sqs.create_queue(QueueName="soak", Attributes={"VisibilityTimeout": "1"})["QueueUrl"]
                stop = threading.Event()

                def sender():
                    c = h.client("sqs")
                    while not stop.is_set():
                        with counter_lock:
                            counter[0] += 1
                            body = "m%d" % counter[0]
                        try:
                            c.send_message(QueueUrl=url, MessageBody=body)
                            sent.add(body)
                        except Exception:
                            return

                def deleter():
                    c = h.client("sqs")
                    while not stop.is_set():
                        try:
                            for m in c.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
                                attempted.add(m["Body"])
                                c.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
                                deleted.add(m["Body"])
                        except Exception:
                            return

                threads = [threading.Thread(target=sender) for _ in range(3)] + [threading.Thread(target=deleter)]
                for t in threads:
                    t.start()
                time.sleep(random.uniform(0.3, 1.0))
                h.kill9()
                stop.set()
                for t in threads:
                    t.join(30)
            h.start()
            sqs = h.client("sqs")
            url = sqs.get_queue_url(QueueName="soak")["QueueUrl"]
            present = set()
            empty_polls = 0
            while empty_polls < 3:
                got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=2,
                                          VisibilityTimeout=600).get("Messages", [])
                empty_polls = 0 if got else empty_polls + 1
                present.update(m["Body"] for m in got)
            self.assertGreater(len(sent), 100, "too little load to test anything")
            self.assertEqual(sent - attempted - present, set(), "acknowledged sends lost")
            self.assertEqual(present & deleted, set(), "acknowledged deletes came back")
            print("soak: %d sends and %d deletes acknowledged over %d kills" % (len(sent), len(deleted), self.ROUNDS),
                  file=sys.stderr)
        finally:
            h.stop()
            h.cleanup()


if __name__ == "__main__":
    unittest.main()
