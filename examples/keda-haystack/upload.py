#!/usr/bin/env python3
"""The reference app's upload.py, made runnable against hayloft (or LocalStack, or AWS).

For each file: upload_file to the bucket with ACL public-read, then send the key to the queue
found by get_queue_url. Usage: upload.py [FILE|DIR ...]   (default: ./data)
Environment: AWS_ENDPOINT (default http://localhost:4566), AWS_REGION (eu-central-1),
SQS_QUEUE (test-queue), S3_BUCKET (test-bucket); credentials default to test/test.
"""
import os
import sys

import boto3

AWS_ENDPOINT = os.getenv("AWS_ENDPOINT", "http://localhost:4566")
AWS_REGION = os.getenv("AWS_REGION", "eu-central-1")
SQS_QUEUE = os.getenv("SQS_QUEUE", "test-queue")
S3_BUCKET = os.getenv("S3_BUCKET", "test-bucket")


def files_of(paths):
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, names in os.walk(path):
                dirs.sort()
                for name in sorted(names):
                    full = os.path.join(root, name)
                    yield full, os.path.relpath(full, path)
        else:
            yield path, os.path.basename(path)


def main(argv):
    session = boto3.session.Session(
        aws_access_key_id=os.getenv("AWS_ACCESS_KEY_ID", "test"),
        aws_secret_access_key=os.getenv("AWS_SECRET_ACCESS_KEY", "test"),
        region_name=AWS_REGION)
    s3 = session.client("s3", endpoint_url=AWS_ENDPOINT)
    sqs = session.client("sqs", endpoint_url=AWS_ENDPOINT)
    queue_url = sqs.get_queue_url(QueueName=SQS_QUEUE)["QueueUrl"]
    count = 0
    for path, key in files_of(argv or [os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")]):
        s3.upload_file(path, S3_BUCKET, key, ExtraArgs={"ACL": "public-read"})
        sqs.send_message(QueueUrl=queue_url, MessageBody=key)
        print("uploaded %s -> s3://%s/%s, queued on %s" % (path, S3_BUCKET, key, SQS_QUEUE))
        count += 1
    print("%d file(s) uploaded" % count)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
