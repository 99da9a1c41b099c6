"""End-to-end S3 object history (issue 15): versioning, delete markers and ListObjectVersions,
driven by boto3 (1.43 and Debian's 1.26) and both aws CLIs, as scripts written for AWS drive it."""
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import AWS_CLI_V1, AWS_CLI_V2, Hayloft, HayloftTestCase, run_cli  # noqa: E402

import botocore  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402


def error_of(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        return e.response
    raise AssertionError("%s succeeded" % fn.__name__)


class S3VersioningBoto3Test(HayloftTestCase):
    def setUp(self):
        super().setUp()
        self.s3 = self.hayloft.client("s3")
        self.s3.create_bucket(Bucket="vbucket", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})

    def enable(self, status="Enabled"):
        self.s3.put_bucket_versioning(Bucket="vbucket", VersioningConfiguration={"Status": status})

    def test_versioning_configuration(self):
        self.assertNotIn("Status", self.s3.get_bucket_versioning(Bucket="vbucket"))
        self.enable()
        self.assertEqual(self.s3.get_bucket_versioning(Bucket="vbucket")["Status"], "Enabled")
        self.enable("Suspended")
        self.assertEqual(self.s3.get_bucket_versioning(Bucket="vbucket")["Status"], "Suspended")
        err = error_of(self.s3.put_bucket_versioning, Bucket="vbucket",
                       VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"})
        self.assertEqual(err["Error"]["Code"], "AccessDenied")

    def test_versions_markers_and_reads_by_version(self):
        self.enable()
        v1 = self.s3.put_object(Bucket="vbucket", Key="k", Body=b"one")["VersionId"]
        v2 = self.s3.put_object(Bucket="vbucket", Key="k", Body=b"two")["VersionId"]
        self.assertNotEqual(v1, v2)
        self.assertEqual(self.s3.get_object(Bucket="vbucket", Key="k")["Body"].read(), b"two")
        self.assertEqual(self.s3.get_object(Bucket="vbucket", Key="k", VersionId=v1)["Body"].read(), b"one")
        self.assertEqual(self.s3.head_object(Bucket="vbucket", Key="k", VersionId=v1)["VersionId"], v1)
        deleted = self.s3.delete_object(Bucket="vbucket", Key="k")
        self.assertTrue(deleted["DeleteMarker"])
        marker = deleted["VersionId"]
        err = error_of(self.s3.get_object, Bucket="vbucket", Key="k")
        self.assertEqual(err["Error"]["Code"], "NoSuchKey")
        self.assertEqual(err["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"], "true")
        err = error_of(self.s3.get_object, Bucket="vbucket", Key="k", VersionId=marker)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 405)
        self.assertEqual(err["Error"]["Code"], "MethodNotAllowed")
        listed = self.s3.list_object_versions(Bucket="vbucket")
        self.assertEqual([(v["VersionId"], v["IsLatest"]) for v in listed["Versions"]], [(v2, False), (v1, False)])
        self.assertEqual([(m["VersionId"], m["IsLatest"]) for m in listed["DeleteMarkers"]], [(marker, True)])
        self.s3.delete_object(Bucket="vbucket", Key="k", VersionId=marker)
        self.assertEqual(self.s3.get_object(Bucket="vbucket", Key="k")["Body"].read(), b"two")
        copied = self.s3.copy_object(Bucket="vbucket", Key="copy", CopySource={"Bucket": "vbucket", "Key": "k", "VersionId": v1})
        self.assertEqual(copied["CopySourceVersionId"], v1)
        self.assertTrue(copied["VersionId"])
        self.assertEqual(self.s3.get_object(Bucket="vbucket", Key="copy")["Body"].read(), b"one")
        err = error_of(self.s3.get_object, Bucket="vbucket", Key="k", VersionId="A" * 32)
        self.assertEqual(err["Error"]["Code"], "NoSuchVersion")

    def test_suspended_bucket_writes_the_null_version(self):
        self.enable()
        v1 = self.s3.put_object(Bucket="vbucket", Key="k", Body=b"v1")["VersionId"]
        self.enable("Suspended")
        self.assertEqual(self.s3.put_object(Bucket="vbucket", Key="k", Body=b"n1")["VersionId"], "null")
        self.assertEqual(self.s3.put_object(Bucket="vbucket", Key="k", Body=b"n2")["VersionId"], "null")
        versions = self.s3.list_object_versions(Bucket="vbucket")["Versions"]
        self.assertEqual([v["VersionId"] for v in versions], ["null", v1])
        self.assertEqual(self.s3.get_object(Bucket="vbucket", Key="k", VersionId="null")["Body"].read(), b"n2")

    def test_paginated_listing_and_delete_objects_with_versions(self):
        self.enable()
        expected = []
        for key in ("a", "b", "dir/c"):
            for i in range(3):
                expected.append((key, self.s3.put_object(Bucket="vbucket", Key=key, Body=b"%d" % i)["VersionId"]))
        want = []  # by key, newest first within a key
        for key in ("a", "b", "dir/c"):
            want += [(k, v) for k, v in reversed(expected) if k == key]
        got = []
        for page in self.s3.get_paginator("list_object_versions").paginate(Bucket="vbucket", PaginationConfig={"PageSize": 2}):
            self.assertLessEqual(len(page.get("Versions", [])), 2)
            got += [(v["Key"], v["VersionId"]) for v in page.get("Versions", [])]
        self.assertEqual(got, want)
        top = self.s3.list_object_versions(Bucket="vbucket", Delimiter="/")
        self.assertEqual([p["Prefix"] for p in top["CommonPrefixes"]], ["dir/"])
        self.assertEqual(len(top["Versions"]), 6)
        result = self.s3.delete_objects(Bucket="vbucket", Delete={"Objects": [{"Key": k, "VersionId": v} for k, v in expected]})
        self.assertEqual(len(result["Deleted"]), 9)
        self.assertNotIn("Versions", self.s3.list_object_versions(Bucket="vbucket"))
        self.s3.delete_bucket(Bucket="vbucket")

    def test_resource_idiom_empties_a_versioned_bucket(self):
        import boto3
        self.enable()
        for i in range(5):
            self.s3.put_object(Bucket="vbucket", Key="k%d" % (i % 2), Body=b"x")
        self.s3.delete_object(Bucket="vbucket", Key="k0")
        bucket = boto3.resource("s3", endpoint_url=self.hayloft.endpoint, region_name="eu-central-1",
                                aws_access_key_id="test", aws_secret_access_key="test").Bucket("vbucket")
        bucket.object_versions.delete()
        bucket.delete()
        self.assertNotIn("vbucket", [b["Name"] for b in self.s3.list_buckets()["Buckets"]])


class S3LockLifecycleBoto3Test(HayloftTestCase):
    """Object Lock, lifecycle, storage classes, restore and GetObjectAttributes on --clock manual:
    advancing the clock runs lifecycle passes and completes restores."""
    server_args = ("--in-memory", "--clock", "manual")

    def setUp(self):
        super().setUp()
        self.s3 = self.hayloft.client("s3")

    def advance(self, duration):
        self.hayloft.admin("POST", "/_hayloft/clock", {"advance": duration})

    def eventually(self, fn):
        """The passes a clock advance starts commit on the writer: poll until one is visible."""
        from harness import wait_until
        return wait_until(fn, 30, fn.__name__ if hasattr(fn, "__name__") else "lifecycle")

    def test_object_lock_retention_and_legal_hold(self):
        import datetime
        self.s3.create_bucket(Bucket="lock-bucket", ObjectLockEnabledForBucket=True)
        self.assertEqual(self.s3.get_bucket_versioning(Bucket="lock-bucket")["Status"], "Enabled")
        self.s3.put_object_lock_configuration(Bucket="lock-bucket", ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
        rule = self.s3.get_object_lock_configuration(Bucket="lock-bucket")["ObjectLockConfiguration"]["Rule"]
        self.assertEqual(rule["DefaultRetention"], {"Mode": "GOVERNANCE", "Days": 1})
        v = self.s3.put_object(Bucket="lock-bucket", Key="k", Body=b"keep")["VersionId"]
        self.assertEqual(self.s3.get_object_retention(Bucket="lock-bucket", Key="k")["Retention"]["Mode"], "GOVERNANCE")
        err = error_of(self.s3.delete_object, Bucket="lock-bucket", Key="k", VersionId=v)
        self.assertEqual(err["Error"]["Code"], "AccessDenied")
        self.s3.put_object_legal_hold(Bucket="lock-bucket", Key="k", LegalHold={"Status": "ON"})
        self.assertEqual(self.s3.get_object_legal_hold(Bucket="lock-bucket", Key="k")["LegalHold"]["Status"], "ON")
        err = error_of(self.s3.delete_object, Bucket="lock-bucket", Key="k", VersionId=v, BypassGovernanceRetention=True)
        self.assertEqual(err["Error"]["Code"], "AccessDenied")
        self.s3.put_object_legal_hold(Bucket="lock-bucket", Key="k", LegalHold={"Status": "OFF"})
        c = self.s3.put_object(Bucket="lock-bucket", Key="c", Body=b"c", ObjectLockMode="COMPLIANCE",
                               ObjectLockRetainUntilDate=datetime.datetime(2100, 1, 1, tzinfo=datetime.timezone.utc))["VersionId"]
        err = error_of(self.s3.delete_object, Bucket="lock-bucket", Key="c", VersionId=c, BypassGovernanceRetention=True)
        self.assertEqual(err["Error"]["Code"], "AccessDenied")
        head = self.s3.head_object(Bucket="lock-bucket", Key="c")
        self.assertEqual(head["ObjectLockMode"], "COMPLIANCE")
        # GOVERNANCE yields to bypass; otherwise the clock ends it.
        self.s3.delete_object(Bucket="lock-bucket", Key="k", VersionId=v, BypassGovernanceRetention=True)
        v2 = self.s3.put_object(Bucket="lock-bucket", Key="k2", Body=b"x")["VersionId"]
        self.advance("25h")
        self.s3.delete_object(Bucket="lock-bucket", Key="k2", VersionId=v2)

    def test_lifecycle_expires_and_transitions_on_the_clock(self):
        self.s3.create_bucket(Bucket="lc-bucket")
        self.s3.put_bucket_lifecycle_configuration(Bucket="lc-bucket", LifecycleConfiguration={"Rules": [
            {"ID": "tmp", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled", "Expiration": {"Days": 1}},
            {"ID": "cold", "Filter": {"Prefix": "cold/"}, "Status": "Enabled",
             "Transitions": [{"Days": 1, "StorageClass": "GLACIER"}]},
            {"ID": "mpu", "Filter": {"Prefix": ""}, "Status": "Enabled",
             "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}]})
        rules = self.s3.get_bucket_lifecycle_configuration(Bucket="lc-bucket")["Rules"]
        self.assertEqual([r["ID"] for r in rules], ["tmp", "cold", "mpu"])
        err = error_of(self.s3.put_bucket_lifecycle_configuration, Bucket="lc-bucket", LifecycleConfiguration={"Rules": [
            {"ID": "bad", "Filter": {"Prefix": ""}, "Status": "Enabled", "Expiration": {"Days": 0}}]})
        self.assertEqual(err["Error"]["Code"], "InvalidArgument")
        self.s3.put_object(Bucket="lc-bucket", Key="tmp/a", Body=b"a")
        self.s3.put_object(Bucket="lc-bucket", Key="cold/b", Body=b"b" * (200 * 1024))
        self.s3.create_multipart_upload(Bucket="lc-bucket", Key="half")
        self.assertIn('rule-id="tmp"', self.s3.head_object(Bucket="lc-bucket", Key="tmp/a")["Expiration"])
        self.advance("49h")

        def expired():
            try:
                self.s3.head_object(Bucket="lc-bucket", Key="tmp/a")
                return False
            except ClientError as e:
                return e.response["ResponseMetadata"]["HTTPStatusCode"] == 404
        self.eventually(expired)
        self.assertEqual(self.s3.head_object(Bucket="lc-bucket", Key="cold/b")["StorageClass"], "GLACIER")
        self.assertNotIn("Uploads", self.s3.list_multipart_uploads(Bucket="lc-bucket"))
        err = error_of(self.s3.get_object, Bucket="lc-bucket", Key="cold/b")
        self.assertEqual(err["Error"]["Code"], "InvalidObjectState")
        self.s3.restore_object(Bucket="lc-bucket", Key="cold/b", RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}})
        self.assertIn('ongoing-request="true"', self.s3.head_object(Bucket="lc-bucket", Key="cold/b")["Restore"])
        self.advance("5m")
        self.assertIn('ongoing-request="false"', self.s3.head_object(Bucket="lc-bucket", Key="cold/b")["Restore"])
        self.assertEqual(len(self.s3.get_object(Bucket="lc-bucket", Key="cold/b")["Body"].read()), 200 * 1024)
        self.s3.delete_bucket_lifecycle(Bucket="lc-bucket")
        err = error_of(self.s3.get_bucket_lifecycle_configuration, Bucket="lc-bucket")
        self.assertEqual(err["Error"]["Code"], "NoSuchLifecycleConfiguration")

    def test_storage_classes_and_object_attributes(self):
        self.s3.create_bucket(Bucket="sc-bucket")
        self.s3.put_object(Bucket="sc-bucket", Key="ia", Body=b"hello", StorageClass="STANDARD_IA")
        self.assertEqual(self.s3.head_object(Bucket="sc-bucket", Key="ia")["StorageClass"], "STANDARD_IA")
        self.assertEqual(self.s3.list_objects_v2(Bucket="sc-bucket")["Contents"][0]["StorageClass"], "STANDARD_IA")
        self.s3.copy_object(Bucket="sc-bucket", Key="ia", CopySource={"Bucket": "sc-bucket", "Key": "ia"}, StorageClass="GLACIER_IR")
        attrs = self.s3.get_object_attributes(Bucket="sc-bucket", Key="ia",
                                              ObjectAttributes=["ETag", "StorageClass", "ObjectSize"])
        self.assertEqual(attrs["StorageClass"], "GLACIER_IR")
        self.assertEqual(attrs["ObjectSize"], 5)
        self.assertEqual(attrs["ETag"], "5d41402abc4b2a76b9719d911017c592")
        err = error_of(self.s3.put_object, Bucket="sc-bucket", Key="x", Body=b"x", StorageClass="OUTPOSTS")
        self.assertEqual(err["Error"]["Code"], "InvalidStorageClass")


class S3VersioningCliTest(HayloftTestCase):
    def test_s3api_versioning_verbs_with_both_clis(self):
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

                api("create-bucket", "--bucket", "cli-v", "--create-bucket-configuration",
                    "LocationConstraint=eu-central-1")
                api("put-bucket-versioning", "--bucket", "cli-v", "--versioning-configuration", "Status=Enabled")
                self.assertEqual(api("get-bucket-versioning", "--bucket", "cli-v")["Status"], "Enabled")
                v1 = api("put-object", "--bucket", "cli-v", "--key", "k")["VersionId"]
                api("put-object", "--bucket", "cli-v", "--key", "k")
                marker = api("delete-object", "--bucket", "cli-v", "--key", "k")
                self.assertTrue(marker["DeleteMarker"])
                listed = api("list-object-versions", "--bucket", "cli-v")
                self.assertEqual(len(listed["Versions"]), 2)
                self.assertEqual(listed["DeleteMarkers"][0]["VersionId"], marker["VersionId"])
                api("delete-object", "--bucket", "cli-v", "--key", "k", "--version-id", v1)
                self.assertEqual(len(api("list-object-versions", "--bucket", "cli-v")["Versions"]), 1)
                api("put-bucket-lifecycle-configuration", "--bucket", "cli-v", "--lifecycle-configuration",
                    json.dumps({"Rules": [{"ID": "r", "Filter": {"Prefix": "logs/"}, "Status": "Enabled",
                                           "NoncurrentVersionExpiration": {"NoncurrentDays": 7}}]}))
                self.assertEqual(api("get-bucket-lifecycle-configuration", "--bucket", "cli-v")["Rules"][0]["ID"], "r")
                api("put-object", "--bucket", "cli-v", "--key", "cold", "--storage-class", "DEEP_ARCHIVE")
                attrs = api("get-object-attributes", "--bucket", "cli-v", "--key", "cold",
                            "--object-attributes", "StorageClass", "ObjectSize")
                self.assertEqual(attrs["StorageClass"], "DEEP_ARCHIVE")
                api("restore-object", "--bucket", "cli-v", "--key", "cold", "--restore-request", "Days=1")


class S3VersionsKillTest(unittest.TestCase):
    def test_versions_and_markers_survive_kill9(self):
        h = Hayloft().start()
        try:
            s3 = h.client("s3")
            s3.create_bucket(Bucket="keep")
            s3.put_bucket_versioning(Bucket="keep", VersioningConfiguration={"Status": "Enabled"})
            v1 = s3.put_object(Bucket="keep", Key="k", Body=b"L" * (2 * 1024 * 1024))["VersionId"]
            marker = s3.delete_object(Bucket="keep", Key="k")["VersionId"]
            s3.create_bucket(Bucket="locked", ObjectLockEnabledForBucket=True)
            locked = s3.put_object(Bucket="locked", Key="k", Body=b"x", ObjectLockLegalHoldStatus="ON")["VersionId"]
            s3.put_object(Bucket="keep", Key="cold", Body=b"c", StorageClass="GLACIER")
            s3.restore_object(Bucket="keep", Key="cold", RestoreRequest={"Days": 1})
            h.kill9()
            h.start()
            s3 = h.client("s3")
            listed = s3.list_object_versions(Bucket="keep", Prefix="k")
            self.assertEqual([v["VersionId"] for v in listed["Versions"]], [v1])
            self.assertEqual([m["VersionId"] for m in listed["DeleteMarkers"]], [marker])
            self.assertEqual(len(s3.get_object(Bucket="keep", Key="k", VersionId=v1)["Body"].read()), 2 * 1024 * 1024)
            err = error_of(s3.delete_object, Bucket="locked", Key="k", VersionId=locked)
            self.assertEqual(err["Error"]["Code"], "AccessDenied")
            self.assertIn('ongoing-request="true"', s3.head_object(Bucket="keep", Key="cold")["Restore"])
        finally:
            h.stop()
            h.cleanup()


class S3LifecycleKillTest(unittest.TestCase):
    """A lifecycle pass killed midway (kill -9 at several points after the clock advance) leaves
    every object either before or after its action: a listed object reads back whole, an expired
    one is gone, and after start-up no blob file is left that no object names."""
    BUCKETS, OBJECTS, SIZE = 8, 40, 64 * 1024 + 1  # over the inline threshold: each body is a file

    @staticmethod
    def quietly(fn, *args):
        try:
            fn(*args)
        except OSError:
            pass  # the server died under the request

    def blob_files(self, h):
        root = os.path.join(h.data_dir, "blobs", "s3")
        return sum(len(files) for _, _, files in os.walk(root))

    def test_pass_killed_midway_leaves_each_object_before_or_after(self):
        from concurrent.futures import ThreadPoolExecutor
        from harness import wait_until
        h = Hayloft("--clock", "manual").start()
        body = bytes(range(256)) * (self.SIZE // 256) + b"x" * (self.SIZE % 256)
        try:
            took = None  # how long the first (waited-for) advance took: the later kills land inside it
            for fraction in (None, 0.1, 0.4, 0.7, 1.0):
                s3 = h.client("s3")
                buckets = ["lc-kill-%d" % b for b in range(self.BUCKETS)]
                for b in buckets:
                    try:
                        s3.create_bucket(Bucket=b)
                    except ClientError:
                        pass
                    s3.put_bucket_lifecycle_configuration(Bucket=b, LifecycleConfiguration={"Rules": [
                        {"ID": "gone", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled", "Expiration": {"Days": 1}}]})
                keys = [(b, "tmp/%03d" % i) for b in buckets for i in range(self.OBJECTS)]
                with ThreadPoolExecutor(8) as pool:
                    list(pool.map(lambda bk: s3.put_object(Bucket=bk[0], Key=bk[1], Body=body), keys))
                # The advance runs the pass; the kill lands before, during or after its commits.
                import threading
                started = time.monotonic()
                advance = threading.Thread(target=lambda: self.quietly(h.admin, "POST", "/_hayloft/clock", {"advance": "49h"}))
                advance.start()
                if fraction is None:
                    advance.join()
                    took = time.monotonic() - started
                    delay = took
                else:
                    delay = took * fraction
                    time.sleep(delay)
                h.kill9()
                advance.join()
                h.start()
                s3 = h.client("s3")
                listed = {(b, o["Key"]) for b in buckets
                          for page in s3.get_paginator("list_objects_v2").paginate(Bucket=b)
                          for o in page.get("Contents", [])}
                self.assertLessEqual(listed, set(keys))
                for b, k in sorted(listed)[:: max(1, len(listed) // 20)]:
                    self.assertEqual(s3.get_object(Bucket=b, Key=k)["Body"].read(), body, (delay, b, k))
                for b, k in sorted(set(keys) - listed)[:5]:
                    err = error_of(s3.head_object, Bucket=b, Key=k)
                    self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 404)
                # Start-up collected every file no row names, and removed none that one does.
                self.assertEqual(self.blob_files(h), len(listed), delay)
                print("lifecycle kill after %.0f ms: %d of %d objects expired before the kill"
                      % (delay * 1000, len(keys) - len(listed), len(keys)), file=sys.stderr)
            # The next pass finishes the work.
            h.admin("POST", "/_hayloft/clock", {"advance": "49h"})
            s3 = h.client("s3")
            wait_until(lambda: all("Contents" not in s3.list_objects_v2(Bucket="lc-kill-%d" % b)
                                   for b in range(self.BUCKETS)), 30, "the pass after restart")
            wait_until(lambda: self.blob_files(h) == 0, 30, "blob files removed")
        finally:
            h.stop()
            h.cleanup()


if __name__ == "__main__":
    print("boto3", __import__("boto3").__version__, "botocore", botocore.__version__, file=sys.stderr)
    unittest.main()
