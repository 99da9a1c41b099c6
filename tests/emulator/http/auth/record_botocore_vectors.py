#!/usr/bin/env python3
"""Prints requests signed by botocore's own signers, for botocore_vectors_test.cc.

The C++ test holds the output of this script as recorded vectors: rerun it and paste the
printed values when botocore changes how it signs. Credentials and time are fixed:
  access key AKIDHAYLOFTTEST, secret "hayloft/secret+key", 2026-01-01T12:00:00Z.
Run: python3 tests/emulator/http/auth/record_botocore_vectors.py
"""
import datetime
import time
from unittest import mock

import botocore
import botocore.auth as auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

NOW = datetime.datetime(2026, 1, 1, 12, 0, 0)
CREDS = Credentials("AKIDHAYLOFTTEST", "hayloft/secret+key")
TOKEN_CREDS = Credentials("AKIDHAYLOFTTOKEN", "hayloft/secret+key", "session-token/abc==")


def show(name, req, body=b""):
    prepared = req.prepare()
    print(f"== {name} (botocore {botocore.__version__})")
    print(f"{prepared.method} {prepared.url}")
    for k, v in prepared.headers.items():
        print(f"  {k}: {v}")
    if body:
        print(f"  body: {body!r}")


with mock.patch.object(auth, "get_current_datetime", return_value=NOW):
    body = b"hello hayloft\n"
    req = AWSRequest(
        method="PUT",
        url="http://localhost:4566/test-bucket/reports/q1%20summary%28final%29.txt",
        data=body,
        headers={"Content-Type": "text/plain", "x-amz-meta-author": "  Ada   Lovelace ",
                 "Host": "localhost:4566"},
    )
    auth.S3SigV4Auth(CREDS, "s3", "eu-central-1").add_auth(req)
    show("s3 put", req, body)

    req = AWSRequest(method="GET", url="http://localhost:4566/test-bucket?list-type=2&prefix=a%2Fb&max-keys=5",
                     headers={"Host": "localhost:4566"})
    auth.S3SigV4Auth(TOKEN_CREDS, "s3", "us-east-1").add_auth(req)
    show("s3 list with session token", req)

    body = b'{"QueueUrl": "http://localhost:4566/000000000000/test-queue", "MessageBody": "docs/a.txt"}'
    req = AWSRequest(method="POST", url="http://localhost:4566/", data=body,
                     headers={"X-Amz-Target": "AmazonSQS.SendMessage",
                              "Content-Type": "application/x-amz-json-1.0", "Host": "localhost:4566"})
    auth.SigV4Auth(CREDS, "sqs", "eu-central-1").add_auth(req)
    show("sqs json", req, body)

    body = b"Action=SendMessage&MessageBody=docs%2Fa+b.txt&QueueUrl=http%3A%2F%2Flocalhost%3A4566%2F000000000000%2Ftest-queue&Version=2012-11-05"
    req = AWSRequest(method="POST", url="http://localhost:4566/000000000000/test-queue", data=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                              "Host": "localhost:4566"})
    auth.SigV4Auth(CREDS, "sqs", "eu-central-1").add_auth(req)
    show("sqs query", req, body)

    req = AWSRequest(method="GET", url="http://localhost:4566/test-bucket/docs/report%202026.pdf",
                     headers={"Host": "localhost:4566"})
    auth.S3SigV4QueryAuth(CREDS, "s3", "eu-central-1", expires=3600).add_auth(req)
    show("s3 presigned get", req)

with mock.patch.object(time, "time", return_value=1767268800.0):  # 2026-01-01T12:00:00Z
    req = AWSRequest(method="GET", url="http://localhost:4566/test-bucket/docs/a.txt?acl",
                     headers={"Host": "localhost:4566", "x-amz-meta-x": "1"})
    with mock.patch.object(auth, "formatdate", return_value="Thu, 01 Jan 2026 12:00:00 GMT"):
        auth.HmacV1Auth(CREDS).add_auth(req)
    show("s3 sigv2 header", req)

    req = AWSRequest(method="GET", url="http://localhost:4566/test-bucket/docs/a%2Bb.txt",
                     headers={"Host": "localhost:4566"})
    auth.HmacV1QueryAuth(CREDS, expires=600).add_auth(req)
    show("s3 sigv2 presigned", req)
