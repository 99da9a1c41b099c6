"""End-to-end S3: the built binary driven by boto3 and both aws CLIs, as users drive LocalStack."""
import hashlib
import os
import subprocess
import sys
import tempfile
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import AWS_CLI_V1, AWS_CLI_V2, Hayloft, HayloftTestCase, run_cli  # noqa: E402

import botocore  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402


class S3Boto3Test(HayloftTestCase):
    def setUp(self):
        super().setUp()
        self.s3 = self.hayloft.client("s3")
        self.s3.create_bucket(Bucket="test-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})

    def test_put_get_head_list_delete(self):
        self.s3.put_object(Bucket="test-bucket", Key="docs/a.txt", Body=b"hello", ContentType="text/plain",
                           Metadata={"owner": "me"})
        got = self.s3.get_object(Bucket="test-bucket", Key="docs/a.txt")
        self.assertEqual(got["Body"].read(), b"hello")
        self.assertEqual(got["ETag"], '"%s"' % hashlib.md5(b"hello").hexdigest())
        self.assertEqual(got["ContentType"], "text/plain")
        self.assertEqual(got["Metadata"], {"owner": "me"})
        head = self.s3.head_object(Bucket="test-bucket", Key="docs/a.txt")
        self.assertEqual(head["ContentLength"], 5)
        self.s3.put_object(Bucket="test-bucket", Key="docs/b.txt", Body=b"x")
        self.s3.put_object(Bucket="test-bucket", Key="top.txt", Body=b"y")
        listed = self.s3.list_objects_v2(Bucket="test-bucket", Delimiter="/")
        self.assertEqual([o["Key"] for o in listed["Contents"]], ["top.txt"])
        self.assertEqual([p["Prefix"] for p in listed["CommonPrefixes"]], ["docs/"])
        self.s3.delete_object(Bucket="test-bucket", Key="top.txt")
        with self.assertRaises(ClientError) as e:
            self.s3.get_object(Bucket="test-bucket", Key="top.txt")
        self.assertEqual(e.exception.response["Error"]["Code"], "NoSuchKey")

    def test_upload_file_with_public_read_acl_as_upload_py_does(self):
        with tempfile.NamedTemporaryFile(suffix=".txt") as f:
            f.write(b"reference app upload")
            f.flush()
            self.s3.upload_file(f.name, "test-bucket", "upload.txt", ExtraArgs={"ACL": "public-read"})
        self.assertEqual(self.s3.get_object(Bucket="test-bucket", Key="upload.txt")["Body"].read(), b"reference app upload")

    def test_multipart_upload_and_download_file(self):
        data = os.urandom(21 * 1024 * 1024 + 17)
        with tempfile.TemporaryDirectory() as d:
            src, dst = os.path.join(d, "src.bin"), os.path.join(d, "dst.bin")
            open(src, "wb").write(data)
            cfg = __import__("boto3").s3.transfer.TransferConfig(multipart_threshold=8 * 1024 * 1024,
                                                                 multipart_chunksize=8 * 1024 * 1024)
            self.s3.upload_file(src, "test-bucket", "big.bin", Config=cfg)
            head = self.s3.head_object(Bucket="test-bucket", Key="big.bin")
            self.assertEqual(head["ContentLength"], len(data))
            self.assertTrue(head["ETag"].endswith('-3"'), head["ETag"])
            self.s3.download_file("test-bucket", "big.bin", dst, Config=cfg)
            self.assertEqual(hashlib.sha256(open(dst, "rb").read()).digest(), hashlib.sha256(data).digest())

    def test_ranges_and_conditionals(self):
        self.s3.put_object(Bucket="test-bucket", Key="r", Body=b"0123456789")
        self.assertEqual(self.s3.get_object(Bucket="test-bucket", Key="r", Range="bytes=2-4")["Body"].read(), b"234")
        self.assertEqual(self.s3.get_object(Bucket="test-bucket", Key="r", Range="bytes=-3")["Body"].read(), b"789")
        with self.assertRaises(ClientError) as e:
            self.s3.get_object(Bucket="test-bucket", Key="r", Range="bytes=20-30")
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidRange")
        etag = self.s3.head_object(Bucket="test-bucket", Key="r")["ETag"]
        with self.assertRaises(ClientError) as e:
            self.s3.get_object(Bucket="test-bucket", Key="r", IfMatch='"nope"')
        self.assertEqual(e.exception.response["Error"]["Code"], "PreconditionFailed")
        with self.assertRaises(ClientError) as e:
            self.s3.get_object(Bucket="test-bucket", Key="r", IfNoneMatch=etag)
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 304)

    def test_bad_input_gets_the_error_s3_sends(self):
        self.s3.put_object(Bucket="test-bucket", Key="r", Body=b"0123456789")
        # A first byte position beyond 64 bits is past the end: 416, not the whole body.
        with self.assertRaises(ClientError) as e:
            self.s3.get_object(Bucket="test-bucket", Key="r", Range="bytes=99999999999999999999-")
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidRange")
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 416)
        self.assertEqual(self.s3.get_object(Bucket="test-bucket", Key="r", Range="bytes=0-99999999999999999999")["Body"].read(),
                         b"0123456789")
        for token in ("garbage", "Z2FyYmFnZQ==", "!!"):
            with self.assertRaises(ClientError) as e:
                self.s3.list_objects_v2(Bucket="test-bucket", ContinuationToken=token)
            self.assertEqual(e.exception.response["Error"]["Code"], "InvalidArgument")
            self.assertEqual(e.exception.response["Error"]["Message"], "The continuation token provided is incorrect")
        with self.assertRaises(ClientError) as e:
            self.s3.copy_object(Bucket="test-bucket", Key="dst", CopySource={"Bucket": "no-such-source", "Key": "k"})
        self.assertEqual(e.exception.response["Error"]["Code"], "NoSuchBucket")
        self.assertEqual(e.exception.response["Error"]["BucketName"], "no-such-source")
        with self.assertRaises(ClientError) as e:
            self.s3.delete_objects(Bucket="test-bucket", Delete={"Objects": [{"Key": "k%d" % i} for i in range(1001)]})
        self.assertEqual(e.exception.response["Error"]["Code"], "MalformedXML")

    def test_keys_xml_cannot_carry(self):
        import xml.etree.ElementTree as ET
        key = "ctl\x01key\x1f/nul\x00end\rcr"
        self.s3.put_object(Bucket="test-bucket", Key=key, Body=b"x")
        # boto3 asks for encoding-type=url and decodes: the key comes back exactly.
        self.assertEqual([o["Key"] for o in self.s3.list_objects_v2(Bucket="test-bucket")["Contents"]], [key])
        self.assertEqual(self.s3.get_object(Bucket="test-bucket", Key=key)["Body"].read(), b"x")
        base = "http://127.0.0.1:%d/test-bucket" % self.hayloft.port
        body = urllib.request.urlopen(base + "?list-type=2&encoding-type=url", timeout=10).read()
        root = ET.fromstring(body)  # well-formed XML 1.0
        ns = "{http://s3.amazonaws.com/doc/2006-03-01/}"
        self.assertEqual(root.find(ns + "Contents/" + ns + "Key").text, "ctl%01key%1F/nul%00end%0Dcr")
        # Without encoding-type S3 writes such characters as references (&#x1;), never raw bytes.
        body = urllib.request.urlopen(base + "?list-type=2", timeout=10).read()
        self.assertIn(b"<Key>ctl&#x1;key&#x1F;/nul&#x0;end&#xD;cr</Key>", body)
        self.assertFalse(any(b < 0x20 and b not in (0x09, 0x0A) for b in body), body)
        # A key that is not UTF-8 is refused, as S3 refuses it.
        req = urllib.request.Request(base + "/bad%FFkey", data=b"x", method="PUT")
        with self.assertRaises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=10)
        self.assertEqual(e.exception.code, 400)
        self.assertIn(b"<Code>InvalidURI</Code>", e.exception.read())

    def test_copy_and_batch_delete(self):
        self.s3.put_object(Bucket="test-bucket", Key="src", Body=b"copy me", Metadata={"a": "1"})
        self.s3.copy_object(Bucket="test-bucket", Key="dst", CopySource={"Bucket": "test-bucket", "Key": "src"})
        dst = self.s3.get_object(Bucket="test-bucket", Key="dst")
        self.assertEqual(dst["Body"].read(), b"copy me")
        self.assertEqual(dst["Metadata"], {"a": "1"})
        self.s3.copy_object(Bucket="test-bucket", Key="dst2", CopySource="test-bucket/src", MetadataDirective="REPLACE",
                            Metadata={"b": "2"})
        self.assertEqual(self.s3.head_object(Bucket="test-bucket", Key="dst2")["Metadata"], {"b": "2"})
        out = self.s3.delete_objects(Bucket="test-bucket", Delete={"Objects": [{"Key": k} for k in ("src", "dst", "dst2", "missing")]})
        self.assertEqual(sorted(d["Key"] for d in out["Deleted"]), ["dst", "dst2", "missing", "src"])
        self.assertEqual(self.s3.list_objects_v2(Bucket="test-bucket")["KeyCount"], 0)

    def test_bucket_errors(self):
        with self.assertRaises(ClientError) as e:
            self.s3.list_objects_v2(Bucket="no-such-bucket")
        self.assertEqual(e.exception.response["Error"]["Code"], "NoSuchBucket")
        self.s3.put_object(Bucket="test-bucket", Key="k", Body=b"1")
        with self.assertRaises(ClientError) as e:
            self.s3.delete_bucket(Bucket="test-bucket")
        self.assertEqual(e.exception.response["Error"]["Code"], "BucketNotEmpty")
        with self.assertRaises(ClientError) as e:
            self.s3.create_bucket(Bucket="Invalid_Name")
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidBucketName")

    def test_hostile_keys_are_only_keys(self):
        for key in ["../../etc/passwd", "a/../../b", "k" * 1024, "sp ace/ü/%41?#"]:
            self.s3.put_object(Bucket="test-bucket", Key=key, Body=key.encode())
            self.assertEqual(self.s3.get_object(Bucket="test-bucket", Key=key)["Body"].read(), key.encode())
        with self.assertRaises(ClientError) as e:
            self.s3.put_object(Bucket="test-bucket", Key="k" * 1025, Body=b"x")
        self.assertEqual(e.exception.response["Error"]["Code"], "KeyTooLongError")

    def test_paging_with_continuation_tokens(self):
        for i in range(25):
            self.s3.put_object(Bucket="test-bucket", Key="p/%03d" % i, Body=b"")
        keys = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket="test-bucket", PaginationConfig={"PageSize": 10}):
            keys += [o["Key"] for o in page["Contents"]]
        self.assertEqual(keys, ["p/%03d" % i for i in range(25)])
        keys = []
        for page in self.s3.get_paginator("list_objects").paginate(Bucket="test-bucket", PaginationConfig={"PageSize": 7}):
            keys += [o["Key"] for o in page["Contents"]]
        self.assertEqual(len(keys), 25)

    def test_presigned_url_fetched_with_curl(self):
        self.s3.put_object(Bucket="test-bucket", Key="shared.txt", Body=b"presigned")
        url = self.s3.generate_presigned_url("get_object", Params={"Bucket": "test-bucket", "Key": "shared.txt"}, ExpiresIn=60)
        out = subprocess.run(["curl", "-sf", url], capture_output=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout, b"presigned")

    def test_virtual_host_addressing(self):
        self.s3.put_object(Bucket="test-bucket", Key="vh.txt", Body=b"virtual")
        req = urllib.request.Request("http://127.0.0.1:%d/vh.txt" % self.hayloft.port,
                                     headers={"Host": "test-bucket.s3.localhost:%d" % self.hayloft.port})
        self.assertEqual(urllib.request.urlopen(req, timeout=10).read(), b"virtual")


class S3CliTest(HayloftTestCase):
    def _both(self):
        for cli in (AWS_CLI_V1, AWS_CLI_V2):
            if os.path.exists(cli) or cli == "aws":
                yield cli

    def test_cp_sync_ls_rm_with_both_clis(self):
        env = self.hayloft.cli_env()
        for cli in self._both():
            with self.subTest(cli=cli):
                self.hayloft.reset()
                ep = ["--endpoint-url", self.hayloft.endpoint]
                run_cli(cli, ep + ["s3", "mb", "s3://cli-bucket"], env)
                with tempfile.TemporaryDirectory() as d:
                    os.makedirs(os.path.join(d, "tree", "sub"))
                    for name, body in [("tree/a.txt", b"a"), ("tree/sub/b.txt", b"b" * 10000)]:
                        open(os.path.join(d, name), "wb").write(body)
                    big = os.path.join(d, "big.bin")
                    open(big, "wb").write(os.urandom(9 * 1024 * 1024))
                    run_cli(cli, ep + ["s3", "cp", big, "s3://cli-bucket/big.bin"], env)
                    run_cli(cli, ep + ["s3", "sync", os.path.join(d, "tree"), "s3://cli-bucket/tree"], env)
                    ls = run_cli(cli, ep + ["s3", "ls", "--recursive", "s3://cli-bucket"], env).stdout
                    for key in ("big.bin", "tree/a.txt", "tree/sub/b.txt"):
                        self.assertIn(key, ls)
                    run_cli(cli, ep + ["s3", "cp", "s3://cli-bucket/big.bin", os.path.join(d, "back.bin")], env)
                    self.assertEqual(open(big, "rb").read(), open(os.path.join(d, "back.bin"), "rb").read())
                    run_cli(cli, ep + ["s3", "sync", "s3://cli-bucket/tree", os.path.join(d, "down")], env)
                    self.assertEqual(open(os.path.join(d, "down", "sub", "b.txt"), "rb").read(), b"b" * 10000)
                run_cli(cli, ep + ["s3", "rm", "--recursive", "s3://cli-bucket"], env)
                run_cli(cli, ep + ["s3api", "head-bucket", "--bucket", "cli-bucket"], env)
                run_cli(cli, ep + ["s3api", "delete-bucket", "--bucket", "cli-bucket"], env)
                err = run_cli(cli, ep + ["s3api", "head-object", "--bucket", "cli-bucket", "--key", "x"], env, check=False)
                self.assertNotEqual(err.returncode, 0)

    def test_awslocal_wrapper_runs_bootstrap_commands(self):
        env = self.hayloft.cli_env()
        env.pop("AWS_ACCESS_KEY_ID")
        env.pop("AWS_SECRET_ACCESS_KEY")
        awslocal = os.path.join(os.environ.get("HAYLOFT_SOURCE_DIR", "."), "scripts", "awslocal")
        run_cli(awslocal, ["s3api", "create-bucket", "--bucket", "test-bucket", "--region", "eu-central-1",
                           "--create-bucket-configuration", "LocationConstraint=eu-central-1"], env)
        out = run_cli(awslocal, ["s3api", "list-buckets"], env).stdout
        self.assertIn("test-bucket", out)


class AuthTest(unittest.TestCase):
    """--auth: SigV4 headers and presigned URLs are verified against the config's credentials."""

    @classmethod
    def setUpClass(cls):
        import tempfile as _t
        cls.cfg = _t.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        cls.cfg.write("auth:\n  credentials:\n    - access_key_id: AKIDEXAMPLE\n      secret_access_key: s3cr3t\n")
        cls.cfg.close()
        cls.hayloft = Hayloft("--in-memory", "--auth", "--config", cls.cfg.name).start()

    @classmethod
    def tearDownClass(cls):
        cls.hayloft.stop()
        cls.hayloft.cleanup()
        os.unlink(cls.cfg.name)

    def client(self, service, key="AKIDEXAMPLE", secret="s3cr3t"):
        import boto3
        from botocore.config import Config
        return boto3.client(service, endpoint_url=self.hayloft.endpoint, region_name="eu-central-1",
                            aws_access_key_id=key, aws_secret_access_key=secret, config=Config(retries={"max_attempts": 1}))

    def test_signed_requests_pass_and_bad_ones_get_aws_errors(self):
        s3 = self.client("s3")
        s3.create_bucket(Bucket="auth-bucket")
        s3.put_object(Bucket="auth-bucket", Key="k", Body=b"signed body")
        self.assertEqual(s3.get_object(Bucket="auth-bucket", Key="k")["Body"].read(), b"signed body")
        self.client("sqs").create_queue(QueueName="auth-queue")
        cases = [("s3", "AKIDEXAMPLE", "wrong", "SignatureDoesNotMatch"), ("sqs", "AKIDEXAMPLE", "wrong", "SignatureDoesNotMatch"),
                 ("s3", "NOPE", "s3cr3t", "InvalidAccessKeyId"), ("sqs", "NOPE", "s3cr3t", "InvalidClientTokenId")]
        for service, key, secret, code in cases:
            with self.subTest(service=service, code=code):
                c = self.client(service, key, secret)
                with self.assertRaises(ClientError) as e:
                    c.list_buckets() if service == "s3" else c.list_queues()
                self.assertEqual(e.exception.response["Error"]["Code"], code)
                self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        unsigned = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                   self.hayloft.endpoint + "/auth-bucket/k"], capture_output=True, text=True, timeout=30)
        self.assertEqual(unsigned.stdout, "403")

    def test_presigned_url_expires(self):
        s3 = self.client("s3")
        s3.create_bucket(Bucket="presign-bucket")
        s3.put_object(Bucket="presign-bucket", Key="k", Body=b"soon gone")
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "presign-bucket", "Key": "k"}, ExpiresIn=1)
        self.assertEqual(urllib.request.urlopen(url, timeout=10).read(), b"soon gone")
        import time as _time
        _time.sleep(2.2)
        with self.assertRaises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(url, timeout=10)
        self.assertEqual(e.exception.code, 403)
        self.assertIn(b"Request has expired", e.exception.read())


class S3PersistenceTest(unittest.TestCase):
    def test_objects_survive_restart_and_kill9(self):
        h = Hayloft().start()
        try:
            s3 = h.client("s3")
            s3.create_bucket(Bucket="keep")
            s3.put_object(Bucket="keep", Key="small", Body=b"s" * 100)
            s3.put_object(Bucket="keep", Key="large", Body=b"L" * (3 * 1024 * 1024))
            h.stop()
            h.start()
            s3 = h.client("s3")
            self.assertEqual(s3.get_object(Bucket="keep", Key="small")["Body"].read(), b"s" * 100)
            s3.put_object(Bucket="keep", Key="after", Body=b"acknowledged")
            h.kill9()
            h.start()
            s3 = h.client("s3")
            self.assertEqual(s3.get_object(Bucket="keep", Key="large")["Body"].read(), b"L" * (3 * 1024 * 1024))
            self.assertEqual(s3.get_object(Bucket="keep", Key="after")["Body"].read(), b"acknowledged")
        finally:
            h.stop()
            h.cleanup()


if __name__ == "__main__":
    print("boto3", __import__("boto3").__version__, "botocore", botocore.__version__, file=sys.stderr)
    unittest.main()
