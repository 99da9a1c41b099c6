"""End-to-end S3 bucket and object configuration (issue 16): tagging, driven by boto3 (1.43 and
Debian's 1.26) and both aws CLIs, as scripts written for AWS drive it."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import AWS_CLI_V1, AWS_CLI_V2, HayloftTestCase, run_cli  # noqa: E402

from botocore.exceptions import ClientError  # noqa: E402


def error_of(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        return e.response
    raise AssertionError("%s succeeded" % fn.__name__)


def tag_set(*pairs):
    return {"TagSet": [{"Key": k, "Value": v} for k, v in pairs]}


class S3TaggingBoto3Test(HayloftTestCase):
    def setUp(self):
        super().setUp()
        self.s3 = self.hayloft.client("s3")
        self.s3.create_bucket(Bucket="tags", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})

    def test_bucket_tagging(self):
        err = error_of(self.s3.get_bucket_tagging, Bucket="tags")
        self.assertEqual(err["Error"]["Code"], "NoSuchTagSet")
        self.s3.put_bucket_tagging(Bucket="tags", Tagging=tag_set(("env", "dev"), ("owner", "team a")))
        got = self.s3.get_bucket_tagging(Bucket="tags")["TagSet"]
        self.assertEqual(sorted((t["Key"], t["Value"]) for t in got), [("env", "dev"), ("owner", "team a")])
        err = error_of(self.s3.put_bucket_tagging, Bucket="tags", Tagging=tag_set(("k", "1"), ("k", "2")))
        self.assertEqual(err["Error"]["Code"], "InvalidTag")
        err = error_of(self.s3.put_bucket_tagging, Bucket="tags",
                       Tagging=tag_set(*[("k%d" % i, "v") for i in range(51)]))
        self.assertEqual(err["Error"]["Code"], "InvalidTag")
        self.s3.delete_bucket_tagging(Bucket="tags")
        self.assertEqual(error_of(self.s3.get_bucket_tagging, Bucket="tags")["Error"]["Code"], "NoSuchTagSet")

    def test_object_tagging_header_copy_and_multipart(self):
        self.s3.put_object(Bucket="tags", Key="a", Body=b"x", Tagging="project=hay&stage=dev%20one")
        head = self.s3.head_object(Bucket="tags", Key="a")
        self.assertEqual(head["ResponseMetadata"]["HTTPHeaders"]["x-amz-tagging-count"], "2")
        self.assertEqual(self.s3.get_object(Bucket="tags", Key="a")["TagCount"], 2)
        got = self.s3.get_object_tagging(Bucket="tags", Key="a")["TagSet"]
        self.assertIn({"Key": "stage", "Value": "dev one"}, got)
        self.s3.put_object_tagging(Bucket="tags", Key="a", Tagging=tag_set(("only", "one")))
        self.assertEqual(self.s3.get_object_tagging(Bucket="tags", Key="a")["TagSet"], [{"Key": "only", "Value": "one"}])
        err = error_of(self.s3.put_object_tagging, Bucket="tags", Key="a",
                       Tagging=tag_set(*[("k%d" % i, "v") for i in range(11)]))
        self.assertEqual(err["Error"]["Code"], "BadRequest")
        err = error_of(self.s3.put_object, Bucket="tags", Key="b", Body=b"x", Tagging="a=1&a=2")
        self.assertEqual(err["Error"]["Code"], "InvalidArgument")

        self.s3.copy_object(Bucket="tags", Key="copied", CopySource={"Bucket": "tags", "Key": "a"})
        self.assertEqual(self.s3.get_object_tagging(Bucket="tags", Key="copied")["TagSet"], [{"Key": "only", "Value": "one"}])
        self.s3.copy_object(Bucket="tags", Key="replaced", CopySource={"Bucket": "tags", "Key": "a"},
                            TaggingDirective="REPLACE", Tagging="new=tag")
        self.assertEqual(self.s3.get_object_tagging(Bucket="tags", Key="replaced")["TagSet"], [{"Key": "new", "Value": "tag"}])

        mp = self.s3.create_multipart_upload(Bucket="tags", Key="mp", Tagging="m=1")
        part = self.s3.upload_part(Bucket="tags", Key="mp", UploadId=mp["UploadId"], PartNumber=1, Body=b"p")
        self.s3.complete_multipart_upload(Bucket="tags", Key="mp", UploadId=mp["UploadId"],
                                          MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        self.assertEqual(self.s3.get_object_tagging(Bucket="tags", Key="mp")["TagSet"], [{"Key": "m", "Value": "1"}])
        self.s3.delete_object_tagging(Bucket="tags", Key="mp")
        self.assertEqual(self.s3.get_object_tagging(Bucket="tags", Key="mp")["TagSet"], [])

    def test_version_tagging(self):
        self.s3.put_bucket_versioning(Bucket="tags", VersioningConfiguration={"Status": "Enabled"})
        v1 = self.s3.put_object(Bucket="tags", Key="v", Body=b"1", Tagging="v=1")["VersionId"]
        self.s3.put_object(Bucket="tags", Key="v", Body=b"2")
        got = self.s3.get_object_tagging(Bucket="tags", Key="v", VersionId=v1)
        self.assertEqual(got["VersionId"], v1)
        self.assertEqual(got["TagSet"], [{"Key": "v", "Value": "1"}])
        self.assertEqual(self.s3.get_object_tagging(Bucket="tags", Key="v")["TagSet"], [])


class S3ConfigCliTest(HayloftTestCase):
    def test_s3api_configuration_verbs_with_both_clis(self):
        env = self.hayloft.cli_env()
        for cli in (AWS_CLI_V1, AWS_CLI_V2):
            if not (os.path.exists(cli) or cli == "aws"):
                continue
            with self.subTest(cli=cli):
                self.hayloft.reset()
                ep = ["--endpoint-url", self.hayloft.endpoint, "--output", "json"]

                def api(*args):
                    out = run_cli(cli, ep + ["s3api"] + list(args), env).stdout
                    return json.loads(out) if out.strip() else {}

                api("create-bucket", "--bucket", "cli-c")
                api("put-bucket-tagging", "--bucket", "cli-c", "--tagging", "TagSet=[{Key=env,Value=dev}]")
                self.assertEqual(api("get-bucket-tagging", "--bucket", "cli-c")["TagSet"], [{"Key": "env", "Value": "dev"}])
                api("put-object", "--bucket", "cli-c", "--key", "k", "--tagging", "a=b")
                self.assertEqual(api("get-object-tagging", "--bucket", "cli-c", "--key", "k")["TagSet"],
                                 [{"Key": "a", "Value": "b"}])
                api("put-object-tagging", "--bucket", "cli-c", "--key", "k", "--tagging",
                    json.dumps(tag_set(("x", "y"), ("z", ""))))
                self.assertEqual(len(api("get-object-tagging", "--bucket", "cli-c", "--key", "k")["TagSet"]), 2)
                api("delete-object-tagging", "--bucket", "cli-c", "--key", "k")
                api("delete-bucket-tagging", "--bucket", "cli-c")


if __name__ == "__main__":
    unittest.main()
