"""A pytest suite for an upload.py-style app (examples/keda-haystack) against hayloft, with the
hayloft pytest plugin: upload a file, watch KEDA scale the consumer 0 -> 1, find the document by
search, and watch it scale back after the cooldown. The clock is manual, so nothing sleeps: the
test moves time itself.

    pip install ./clients/python            # once (offline), or: pytest -p hayloft.pytest_plugin
    HAYLOFT_BIN=build/bin/hayloft pytest examples/testing/python
"""
import pathlib

import pytest

APP = pathlib.Path(__file__).resolve().parents[2] / "keda-haystack"
NAMESPACE = "indexing"
DEPLOYMENT = "indexing-consumer"

pytestmark = pytest.mark.hayloft(
    clock="manual",
    flags=["--config", str(APP / "hayloft.yaml"), "--embedder", "hash"],
    apply=[str(APP / "kubernetes" / "deployment-consumer.yaml"), str(APP / "kubernetes" / "keda")],
    namespace=NAMESPACE)


@pytest.fixture
def app(hayloft_clean):
    """What the app's scripts/sqs_bucket_bootstrap.sh creates."""
    s3 = hayloft_clean.s3(region="eu-central-1")
    sqs = hayloft_clean.sqs(region="eu-central-1")
    sqs.create_queue(QueueName="test-queue", Attributes={"VisibilityTimeout": "30"})
    s3.create_bucket(Bucket="test-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    return s3, sqs


def upload(app, path):
    """What the app's upload.py does for one file."""
    s3, sqs = app
    s3.upload_file(str(path), "test-bucket", path.name, ExtraArgs={"ACL": "public-read"})
    url = sqs.get_queue_url(QueueName="test-queue")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=path.name)


def test_idle_consumer_stays_at_zero(hayloft_clean, app):
    hayloft_clean.clock.advance("5m")
    assert hayloft_clean.replicas(DEPLOYMENT, NAMESPACE) == 0


def test_upload_scales_up_indexes_and_scales_back(hayloft_clean, app):
    stack = hayloft_clean
    assert stack.replicas(DEPLOYMENT, NAMESPACE) == 0
    upload(app, APP / "data" / "barns.txt")

    stack.clock.advance("30s")  # KEDA's next poll (pollingInterval 30) sees the message
    assert stack.replicas(DEPLOYMENT, NAMESPACE) == 1

    def indexed():
        return [r for r in stack.search("where do farmers keep the hay", top_k=3)
                if r["meta"]["key"] == "barns.txt"]
    hits = stack.wait_for(indexed, timeout=60, message="barns.txt was not indexed")
    assert "hay" in hits[0]["text"].lower()

    stack.clock.advance("270s")  # inside cooldownPeriod (300) of the last active poll
    assert stack.replicas(DEPLOYMENT, NAMESPACE) == 1
    for _ in range(2):  # the poll at or right after lastActiveTime + cooldownPeriod scales in
        stack.clock.advance("30s")
        if stack.replicas(DEPLOYMENT, NAMESPACE) == 0:
            break
    assert stack.replicas(DEPLOYMENT, NAMESPACE) == 0
