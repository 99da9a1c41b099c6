"""End-to-end S3 bucket and object configuration (issue 16): tagging, ACLs, ownership controls,
the public access block and CORS, driven by boto3 (1.43 and Debian's 1.26) and both aws CLIs, as
scripts written for AWS drive it."""
import json
import os
import sys
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import AWS_CLI_V1, AWS_CLI_V2, Hayloft, HayloftTestCase, run_cli  # noqa: E402

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


OWNER = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


class S3AccessBoto3Test(HayloftTestCase):
    def setUp(self):
        super().setUp()
        self.s3 = self.hayloft.client("s3")

    def test_access_control_policy_documents_and_grants(self):
        self.s3.create_bucket(Bucket="acl", ObjectOwnership="ObjectWriter")
        self.s3.put_object(Bucket="acl", Key="k", Body=b"x", GrantRead='uri="%s"' % ALL_USERS)
        grants = self.s3.get_object_acl(Bucket="acl", Key="k")["Grants"]
        self.assertIn({"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"}, grants)
        policy = {"Owner": {"ID": OWNER}, "Grants": [
            {"Grantee": {"Type": "CanonicalUser", "ID": OWNER}, "Permission": "FULL_CONTROL"},
            {"Grantee": {"Type": "AmazonCustomerByEmail", "EmailAddress": "ops@example.com"}, "Permission": "READ_ACP"},
            {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"}]}
        self.s3.put_object_acl(Bucket="acl", Key="k", AccessControlPolicy=policy)
        got = self.s3.get_object_acl(Bucket="acl", Key="k")
        self.assertEqual(got["Owner"]["ID"], OWNER)
        self.assertEqual(len(got["Grants"]), 3)
        self.s3.put_bucket_acl(Bucket="acl", AccessControlPolicy=policy)
        self.assertEqual(len(self.s3.get_bucket_acl(Bucket="acl")["Grants"]), 3)
        bad = dict(policy, Grants=[{"Grantee": {"Type": "Group", "URI": "http://example.com/x"}, "Permission": "READ"}])
        self.assertEqual(error_of(self.s3.put_object_acl, Bucket="acl", Key="k", AccessControlPolicy=bad)["Error"]["Code"],
                         "InvalidArgument")
        err = error_of(self.s3.put_object, Bucket="acl", Key="j", Body=b"x", ACL="private", GrantRead='id="%s"' % OWNER)
        self.assertEqual(err["Error"]["Code"], "InvalidRequest")

    def test_ownership_controls_refuse_acls(self):
        self.s3.create_bucket(Bucket="own")
        err = error_of(self.s3.get_bucket_ownership_controls, Bucket="own")
        self.assertEqual(err["Error"]["Code"], "OwnershipControlsNotFoundError")
        self.s3.put_bucket_ownership_controls(
            Bucket="own", OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
        rules = self.s3.get_bucket_ownership_controls(Bucket="own")["OwnershipControls"]["Rules"]
        self.assertEqual(rules, [{"ObjectOwnership": "BucketOwnerEnforced"}])
        err = error_of(self.s3.put_object, Bucket="own", Key="k", Body=b"x", ACL="public-read")
        self.assertEqual(err["Error"]["Code"], "AccessControlListNotSupported")
        self.s3.put_object(Bucket="own", Key="k", Body=b"x", ACL="bucket-owner-full-control")
        err = error_of(self.s3.put_bucket_acl, Bucket="own", ACL="public-read")
        self.assertEqual(err["Error"]["Code"], "AccessControlListNotSupported")
        err = error_of(self.s3.create_bucket, Bucket="own2", ACL="public-read", ObjectOwnership="BucketOwnerEnforced")
        self.assertEqual(err["Error"]["Code"], "InvalidBucketAclWithObjectOwnership")
        self.s3.delete_bucket_ownership_controls(Bucket="own")
        self.s3.put_object(Bucket="own", Key="k", Body=b"x", ACL="public-read")

    def test_public_access_block(self):
        self.s3.create_bucket(Bucket="pab")
        err = error_of(self.s3.get_public_access_block, Bucket="pab")
        self.assertEqual(err["Error"]["Code"], "NoSuchPublicAccessBlockConfiguration")
        self.s3.put_public_access_block(Bucket="pab", PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": False})
        got = self.s3.get_public_access_block(Bucket="pab")["PublicAccessBlockConfiguration"]
        self.assertEqual(got, {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
                               "RestrictPublicBuckets": False})
        err = error_of(self.s3.put_object, Bucket="pab", Key="k", Body=b"x", ACL="public-read")
        self.assertEqual(err["Error"]["Code"], "AccessDenied")
        self.s3.delete_public_access_block(Bucket="pab")
        self.s3.put_object(Bucket="pab", Key="k", Body=b"x", ACL="public-read")


class S3PolicyBoto3Test(HayloftTestCase):
    def test_bucket_policy_validation_status_and_public_access_block(self):
        s3 = self.hayloft.client("s3")
        s3.create_bucket(Bucket="pol")
        self.assertEqual(error_of(s3.get_bucket_policy, Bucket="pol")["Error"]["Code"], "NoSuchBucketPolicy")
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"],
            "Resource": ["arn:aws:s3:::pol/*"]}]})
        s3.put_bucket_policy(Bucket="pol", Policy=policy)
        self.assertEqual(json.loads(s3.get_bucket_policy(Bucket="pol")["Policy"]), json.loads(policy))
        self.assertTrue(s3.get_bucket_policy_status(Bucket="pol")["PolicyStatus"]["IsPublic"])
        err = error_of(s3.put_bucket_policy, Bucket="pol", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::pol"}]}))
        self.assertEqual(err["Error"]["Code"], "MalformedPolicy")
        self.assertEqual(err["Error"]["Message"], "Action does not apply to any resource(s) in statement")
        self.assertEqual(error_of(s3.put_bucket_policy, Bucket="pol", Policy="nope")["Error"]["Code"], "MalformedPolicy")
        s3.delete_bucket_policy(Bucket="pol")
        s3.put_public_access_block(Bucket="pol", PublicAccessBlockConfiguration={"BlockPublicPolicy": True})
        self.assertEqual(error_of(s3.put_bucket_policy, Bucket="pol", Policy=policy)["Error"]["Code"], "AccessDenied")


def raw(method, url, headers=None, data=None):
    req = urllib.request.Request(url, method=method, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


class S3CorsBoto3Test(HayloftTestCase):
    def test_cors_configuration_preflight_and_actual_requests(self):
        s3 = self.hayloft.client("s3")
        s3.create_bucket(Bucket="web")
        err = error_of(s3.get_bucket_cors, Bucket="web")
        self.assertEqual(err["Error"]["Code"], "NoSuchCORSConfiguration")
        s3.put_bucket_cors(Bucket="web", CORSConfiguration={"CORSRules": [
            {"ID": "upload", "AllowedOrigins": ["http://localhost:*"], "AllowedMethods": ["PUT", "POST"],
             "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 600},
            {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]})
        rules = s3.get_bucket_cors(Bucket="web")["CORSRules"]
        self.assertEqual(rules[0]["ID"], "upload")
        self.assertEqual(rules[0]["MaxAgeSeconds"], 600)
        err = error_of(s3.put_bucket_cors, Bucket="web", CORSConfiguration={"CORSRules": [
            {"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}]})
        self.assertEqual(err["Error"]["Code"], "InvalidRequest")

        url = self.hayloft.endpoint + "/web/file.txt"
        status, headers, _ = raw("OPTIONS", url, {"Origin": "http://localhost:8000",
                                                  "Access-Control-Request-Method": "PUT",
                                                  "Access-Control-Request-Headers": "content-type,x-amz-date"})
        self.assertEqual(status, 200)
        self.assertEqual(headers["Access-Control-Allow-Origin"], "http://localhost:8000")
        self.assertEqual(headers["Access-Control-Allow-Headers"], "content-type, x-amz-date")
        self.assertEqual(headers["Access-Control-Max-Age"], "600")
        status, _, body = raw("OPTIONS", url, {"Origin": "http://evil.example", "Access-Control-Request-Method": "PUT"})
        self.assertEqual(status, 403)
        self.assertIn(b"<Code>AccessForbidden</Code>", body)
        s3.put_object(Bucket="web", Key="file.txt", Body=b"hello")
        status, headers, body = raw("GET", self.hayloft.endpoint + "/web/file.txt", {"Origin": "http://a.example"})
        self.assertEqual(headers.get("Access-Control-Allow-Origin"), "*")
        s3.delete_bucket_cors(Bucket="web")
        status, headers, _ = raw("OPTIONS", url, {"Origin": "http://localhost:8000", "Access-Control-Request-Method": "PUT"})
        self.assertEqual(status, 403)


class S3PolicyAuthTest(unittest.TestCase):
    """--auth: the bucket policy, ACLs and public access block decide for anonymous and
    cross-account callers; explicit Deny wins, also for the owner."""
    OTHER = "111122223333"

    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.cfg = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        cls.cfg.write("auth:\n  credentials:\n"
                      "    - access_key_id: AKIDOWNER\n      secret_access_key: owner-secret\n"
                      "    - access_key_id: AKIDOTHER\n      secret_access_key: other-secret\n"
                      "      account_id: '%s'\n" % cls.OTHER)
        cls.cfg.close()
        cls.hayloft = Hayloft("--in-memory", "--auth", "--config", cls.cfg.name).start()

    @classmethod
    def tearDownClass(cls):
        cls.hayloft.stop()
        cls.hayloft.cleanup()
        os.unlink(cls.cfg.name)

    def client(self, key, secret):
        import boto3
        from botocore.config import Config
        return boto3.client("s3", endpoint_url=self.hayloft.endpoint, region_name="us-east-1",
                            aws_access_key_id=key, aws_secret_access_key=secret,
                            config=Config(retries={"max_attempts": 1}))

    def policy(self, *statements):
        self.owner.put_bucket_policy(Bucket=self.bucket, Policy=json.dumps({"Version": "2012-10-17",
                                                                           "Statement": list(statements)}))

    def anonymous(self, method, key, data=None):
        return raw(method, "%s/%s/%s" % (self.hayloft.endpoint, self.bucket, key), data=data)[0]

    def setUp(self):
        self.owner = self.client("AKIDOWNER", "owner-secret")
        self.other = self.client("AKIDOTHER", "other-secret")
        self.bucket = "site-" + self.id().rsplit(".", 1)[-1].replace("_", "-")[:40]
        self.owner.create_bucket(Bucket=self.bucket)
        self.owner.put_object(Bucket=self.bucket, Key="index.html", Body=b"<h1>hi</h1>")
        self.owner.put_object(Bucket=self.bucket, Key="private/x", Body=b"secret")

    def test_anonymous_public_read_through_the_policy(self):
        self.assertEqual(self.anonymous("GET", "index.html"), 403)
        self.policy({"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                     "Resource": "arn:aws:s3:::%s/*" % self.bucket},
                    {"Sid": "NotThis", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
                     "Resource": "arn:aws:s3:::%s/private/*" % self.bucket})
        status, _, body = raw("GET", "%s/%s/index.html" % (self.hayloft.endpoint, self.bucket))
        self.assertEqual((status, body), (200, b"<h1>hi</h1>"))
        self.assertEqual(self.anonymous("GET", "private/x"), 403)
        self.assertEqual(self.anonymous("PUT", "new", data=b"x"), 403)
        self.assertEqual(self.anonymous("GET", ""), 403)
        # Explicit Deny wins over the owner's own rights.
        err = error_of(self.owner.get_object, Bucket=self.bucket, Key="private/x")
        self.assertEqual(err["Error"]["Code"], "AccessDenied")
        self.assertEqual(self.other.get_object(Bucket=self.bucket, Key="index.html")["Body"].read(), b"<h1>hi</h1>")
        # RestrictPublicBuckets: the public policy no longer grants outsiders anything.
        self.owner.put_public_access_block(Bucket=self.bucket,
                                           PublicAccessBlockConfiguration={"RestrictPublicBuckets": True})
        self.assertEqual(self.anonymous("GET", "index.html"), 403)
        self.owner.delete_public_access_block(Bucket=self.bucket)
        self.assertEqual(self.anonymous("GET", "index.html"), 200)

    def test_cross_account_allowed_implicitly_denied_and_conditions(self):
        err = error_of(self.other.put_object, Bucket=self.bucket, Key="uploads/a", Body=b"x")
        self.assertEqual(err["Error"]["Code"], "AccessDenied")
        self.policy({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % self.OTHER},
                     "Action": "s3:PutObject", "Resource": "arn:aws:s3:::%s/uploads/*" % self.bucket,
                     "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}},
                    {"Effect": "Allow", "Principal": {"AWS": self.OTHER}, "Action": "s3:ListBucket",
                     "Resource": "arn:aws:s3:::%s" % self.bucket,
                     "Condition": {"StringLike": {"s3:prefix": "uploads/*"}}},
                    {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject",
                     "Resource": "arn:aws:s3:::%s/*" % self.bucket,
                     "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}})
        self.other.put_object(Bucket=self.bucket, Key="uploads/a", Body=b"x", ACL="bucket-owner-full-control")
        err = error_of(self.other.put_object, Bucket=self.bucket, Key="uploads/b", Body=b"x")
        self.assertEqual(err["Error"]["Code"], "AccessDenied")
        err = error_of(self.other.put_object, Bucket=self.bucket, Key="elsewhere", Body=b"x",
                       ACL="bucket-owner-full-control")
        self.assertEqual(err["Error"]["Code"], "AccessDenied")
        listed = self.other.list_objects_v2(Bucket=self.bucket, Prefix="uploads/")
        self.assertEqual([o["Key"] for o in listed["Contents"]], ["uploads/a"])
        err = error_of(self.other.list_objects_v2, Bucket=self.bucket, Prefix="private/")
        self.assertEqual(err["Error"]["Code"], "AccessDenied")
        err = error_of(self.owner.delete_object, Bucket=self.bucket, Key="uploads/a")
        self.assertEqual(err["Error"]["Code"], "AccessDenied")
        self.owner.delete_bucket_policy(Bucket=self.bucket)
        self.owner.delete_object(Bucket=self.bucket, Key="uploads/a")

    def test_acls_decide_without_a_policy(self):
        self.assertEqual(self.anonymous("GET", "index.html"), 403)
        self.owner.put_object_acl(Bucket=self.bucket, Key="index.html", ACL="public-read")
        self.assertEqual(self.anonymous("GET", "index.html"), 200)
        self.assertEqual(self.anonymous("GET", "private/x"), 403)
        self.assertEqual(self.anonymous("GET", "?list-type=2"), 403)
        self.owner.put_bucket_acl(Bucket=self.bucket, ACL="public-read")
        self.assertEqual(self.anonymous("GET", "?list-type=2"), 200)
        self.owner.put_object_acl(Bucket=self.bucket, Key="private/x", ACL="authenticated-read")
        self.assertEqual(self.anonymous("GET", "private/x"), 403)
        self.assertEqual(self.other.get_object(Bucket=self.bucket, Key="private/x")["Body"].read(), b"secret")
        self.owner.put_public_access_block(Bucket=self.bucket, PublicAccessBlockConfiguration={"IgnorePublicAcls": True})
        self.assertEqual(self.anonymous("GET", "index.html"), 403)
        # Forged caller headers are replaced by the gate.
        status = raw("GET", "%s/%s/index.html" % (self.hayloft.endpoint, self.bucket),
                     {"x-hayloft-caller": "000000000000 arn:aws:iam::000000000000:root"})[0]
        self.assertEqual(status, 403)


class S3SettingsBoto3Test(HayloftTestCase):
    def test_stored_settings_round_trip(self):
        s3 = self.hayloft.client("s3")
        s3.create_bucket(Bucket="settings")
        s3.create_bucket(Bucket="settings-logs")
        self.assertNotIn("Status", s3.get_bucket_accelerate_configuration(Bucket="settings"))
        s3.put_bucket_accelerate_configuration(Bucket="settings", AccelerateConfiguration={"Status": "Enabled"})
        self.assertEqual(s3.get_bucket_accelerate_configuration(Bucket="settings")["Status"], "Enabled")
        self.assertEqual(s3.get_bucket_request_payment(Bucket="settings")["Payer"], "BucketOwner")
        s3.put_bucket_request_payment(Bucket="settings", RequestPaymentConfiguration={"Payer": "Requester"})
        self.assertEqual(s3.get_bucket_request_payment(Bucket="settings")["Payer"], "Requester")
        self.assertNotIn("LoggingEnabled", s3.get_bucket_logging(Bucket="settings"))
        s3.put_bucket_logging(Bucket="settings", BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": "settings-logs", "TargetPrefix": "access/"}})
        self.assertEqual(s3.get_bucket_logging(Bucket="settings")["LoggingEnabled"]["TargetPrefix"], "access/")
        err = error_of(s3.put_bucket_logging, Bucket="settings", BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": "missing-logs", "TargetPrefix": "x/"}})
        self.assertEqual(err["Error"]["Code"], "InvalidTargetBucketForLogging")
        rule = s3.get_bucket_encryption(Bucket="settings")["ServerSideEncryptionConfiguration"]["Rules"][0]
        self.assertEqual(rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], "AES256")
        s3.put_bucket_encryption(Bucket="settings", ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/k"},
            "BucketKeyEnabled": True}]})
        rule = s3.get_bucket_encryption(Bucket="settings")["ServerSideEncryptionConfiguration"]["Rules"][0]
        self.assertEqual(rule["ApplyServerSideEncryptionByDefault"], {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/k"})
        self.assertTrue(rule["BucketKeyEnabled"])
        put = s3.put_object(Bucket="settings", Key="enc", Body=b"x")
        self.assertEqual((put["ServerSideEncryption"], put["SSEKMSKeyId"], put["BucketKeyEnabled"]), ("aws:kms", "alias/k", True))
        self.assertEqual(s3.head_object(Bucket="settings", Key="enc")["SSEKMSKeyId"], "alias/k")
        s3.delete_bucket_encryption(Bucket="settings")
        self.assertEqual(s3.put_object(Bucket="settings", Key="enc2", Body=b"x")["ServerSideEncryption"], "AES256")
        self.assertEqual(error_of(s3.get_bucket_website, Bucket="settings")["Error"]["Code"], "NoSuchWebsiteConfiguration")
        s3.put_bucket_website(Bucket="settings", WebsiteConfiguration={
            "IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"},
            "RoutingRules": [{"Condition": {"KeyPrefixEquals": "old/"}, "Redirect": {"ReplaceKeyPrefixWith": "new/"}}]})
        site = s3.get_bucket_website(Bucket="settings")
        self.assertEqual(site["IndexDocument"]["Suffix"], "index.html")
        self.assertEqual(site["RoutingRules"][0]["Redirect"]["ReplaceKeyPrefixWith"], "new/")
        s3.delete_bucket_website(Bucket="settings")
        self.assertEqual(error_of(s3.get_bucket_replication, Bucket="settings")["Error"]["Code"],
                         "ReplicationConfigurationNotFoundError")
        replication = {"Role": "arn:aws:iam::000000000000:role/replication", "Rules": [{
            "ID": "all", "Status": "Enabled", "Prefix": "", "Destination": {"Bucket": "arn:aws:s3:::settings-logs"}}]}
        err = error_of(s3.put_bucket_replication, Bucket="settings", ReplicationConfiguration=replication)
        self.assertEqual(err["Error"]["Code"], "InvalidRequest")
        s3.put_bucket_versioning(Bucket="settings", VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_replication(Bucket="settings", ReplicationConfiguration=replication)
        s3.put_bucket_notification_configuration(Bucket="settings", NotificationConfiguration={
            "TopicConfigurations": [{"Id": "t", "TopicArn": "arn:aws:sns:us-east-1:000000000000:uploads",
                                     "Events": ["s3:ObjectCreated:*"]}],
            "LambdaFunctionConfigurations": [{"Id": "f", "Events": ["s3:ObjectRemoved:*"],
                                              "LambdaFunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:f"}]})
        s3.put_bucket_inventory_configuration(Bucket="settings", Id="daily", InventoryConfiguration={
            "Id": "daily", "IsEnabled": True, "IncludedObjectVersions": "Current", "Schedule": {"Frequency": "Daily"},
            "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::settings-logs", "Format": "CSV"}}})
        got = s3.get_bucket_inventory_configuration(Bucket="settings", Id="daily")["InventoryConfiguration"]
        self.assertEqual(got["Destination"]["S3BucketDestination"]["Format"], "CSV")
        for i in range(3):
            s3.put_bucket_metrics_configuration(Bucket="settings", Id="m%d" % i, MetricsConfiguration={
                "Id": "m%d" % i, "Filter": {"Prefix": "p%d/" % i}})
        listed = s3.list_bucket_metrics_configurations(Bucket="settings")
        self.assertEqual([m["Id"] for m in listed["MetricsConfigurationList"]], ["m0", "m1", "m2"])
        self.assertFalse(listed["IsTruncated"])
        s3.delete_bucket_metrics_configuration(Bucket="settings", Id="m1")
        err = error_of(s3.get_bucket_metrics_configuration, Bucket="settings", Id="m1")
        self.assertEqual(err["Error"]["Code"], "NoSuchConfiguration")
        got = s3.get_bucket_notification_configuration(Bucket="settings")
        self.assertEqual(got["TopicConfigurations"][0]["TopicArn"], "arn:aws:sns:us-east-1:000000000000:uploads")
        self.assertEqual(got["LambdaFunctionConfigurations"][0]["Id"], "f")
        self.assertEqual(s3.get_bucket_replication(Bucket="settings")["ReplicationConfiguration"]["Rules"][0]["ID"], "all")


class S3WebsiteEndpointTest(HayloftTestCase):
    def test_website_endpoint_serves_index_error_and_redirects(self):
        s3 = self.hayloft.client("s3")
        s3.create_bucket(Bucket="www")
        s3.put_bucket_website(Bucket="www", WebsiteConfiguration={
            "IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"}})
        s3.put_object(Bucket="www", Key="index.html", Body=b"<h1>home</h1>", ContentType="text/html")
        s3.put_object(Bucket="www", Key="blog/index.html", Body=b"blog", ContentType="text/html")
        s3.put_object(Bucket="www", Key="error.html", Body=b"oops", ContentType="text/html")
        port = self.hayloft.port
        site = {"Host": "www.s3-website.localhost:%d" % port}

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args):
                return None
        opener = urllib.request.build_opener(NoRedirect)

        def get(path, headers):
            try:
                with opener.open(urllib.request.Request(self.hayloft.endpoint + path, headers=headers), timeout=30) as r:
                    return r.status, dict(r.headers), r.read()
            except urllib.error.HTTPError as e:
                return e.code, dict(e.headers), e.read()
        self.assertEqual(get("/", site)[::2], (200, b"<h1>home</h1>"))
        status, headers, _ = get("/blog", site)
        self.assertEqual((status, headers.get("Location")), (302, "/blog/"))
        self.assertEqual(get("/nope.html", site)[::2], (404, b"oops"))
        path_form = {"Host": "s3-website.localhost:%d" % port}
        self.assertEqual(get("/www/blog/", path_form)[::2], (200, b"blog"))


class S3TerraformBootstrapTest(unittest.TestCase):
    """A bootstrap script configuring a bucket as Terraform's aws_s3_bucket_* resources do runs
    unchanged through `up --bootstrap`."""

    def test_bootstrap_script_configures_every_setting(self):
        import time
        h = Hayloft("--in-memory", "--bootstrap", os.path.join(os.path.dirname(__file__), "data", "s3_bootstrap")).start()
        try:
            deadline = time.time() + 180
            while time.time() < deadline:
                state = h.admin("GET", "/_localstack/init")
                if state["completed"]["READY"]:
                    break
                time.sleep(0.2)
            self.assertEqual([(s["name"], s["state"]) for s in state["scripts"]],
                             [("10-terraform-like-bucket.sh", "SUCCESSFUL")])
            s3 = h.client("s3")
            self.assertEqual(s3.get_bucket_versioning(Bucket="tf-assets")["Status"], "Enabled")
            rule = s3.get_bucket_encryption(Bucket="tf-assets")["ServerSideEncryptionConfiguration"]["Rules"][0]
            self.assertEqual(rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], "aws:kms")
            self.assertTrue(s3.get_public_access_block(Bucket="tf-assets")["PublicAccessBlockConfiguration"]["BlockPublicAcls"])
            self.assertEqual(s3.get_bucket_ownership_controls(Bucket="tf-assets")["OwnershipControls"]["Rules"][0]
                             ["ObjectOwnership"], "BucketOwnerEnforced")
            self.assertEqual(s3.get_bucket_cors(Bucket="tf-assets")["CORSRules"][0]["MaxAgeSeconds"], 3000)
            self.assertEqual([r["ID"] for r in s3.get_bucket_lifecycle_configuration(Bucket="tf-assets")["Rules"]],
                             ["tmp", "old"])
            self.assertIn("TLSOnly", s3.get_bucket_policy(Bucket="tf-assets")["Policy"])
            self.assertEqual(len(s3.get_bucket_tagging(Bucket="tf-assets")["TagSet"]), 2)
            err = error_of(s3.put_object, Bucket="tf-assets", Key="k", Body=b"x", ACL="public-read")
            self.assertEqual(err["Error"]["Code"], "AccessControlListNotSupported")
        finally:
            h.stop()
            h.cleanup()


class S3AwsBucketDefaultsTest(unittest.TestCase):
    def test_new_buckets_get_aws_defaults_with_the_flag(self):
        h = Hayloft("--in-memory", "--s3-aws-bucket-defaults").start()
        try:
            s3 = h.client("s3")
            s3.create_bucket(Bucket="modern")
            rules = s3.get_bucket_ownership_controls(Bucket="modern")["OwnershipControls"]["Rules"]
            self.assertEqual(rules, [{"ObjectOwnership": "BucketOwnerEnforced"}])
            pab = s3.get_public_access_block(Bucket="modern")["PublicAccessBlockConfiguration"]
            self.assertTrue(all(pab.values()) and len(pab) == 4)
            err = error_of(s3.put_object, Bucket="modern", Key="k", Body=b"x", ACL="public-read")
            self.assertEqual(err["Error"]["Code"], "AccessControlListNotSupported")
            s3.put_object(Bucket="modern", Key="k", Body=b"x")
        finally:
            h.stop()
            h.cleanup()


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
                api("put-bucket-ownership-controls", "--bucket", "cli-c", "--ownership-controls",
                    "Rules=[{ObjectOwnership=BucketOwnerPreferred}]")
                self.assertEqual(api("get-bucket-ownership-controls", "--bucket", "cli-c")["OwnershipControls"]["Rules"],
                                 [{"ObjectOwnership": "BucketOwnerPreferred"}])
                api("put-public-access-block", "--bucket", "cli-c", "--public-access-block-configuration",
                    "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true")
                self.assertTrue(api("get-public-access-block", "--bucket", "cli-c")
                                ["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"])
                api("delete-public-access-block", "--bucket", "cli-c")
                api("put-object-acl", "--bucket", "cli-c", "--key", "k", "--grant-read", 'uri="%s"' % ALL_USERS)
                self.assertEqual(len(api("get-object-acl", "--bucket", "cli-c", "--key", "k")["Grants"]), 1)
                api("put-bucket-cors", "--bucket", "cli-c", "--cors-configuration",
                    json.dumps({"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "HEAD"]}]}))
                self.assertEqual(api("get-bucket-cors", "--bucket", "cli-c")["CORSRules"][0]["AllowedMethods"],
                                 ["GET", "HEAD"])
                api("delete-bucket-cors", "--bucket", "cli-c")
                api("put-bucket-policy", "--bucket", "cli-c", "--policy", json.dumps({
                    "Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                                                            "Resource": ["arn:aws:s3:::cli-c", "arn:aws:s3:::cli-c/*"],
                                                            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
                self.assertIn("SecureTransport", api("get-bucket-policy", "--bucket", "cli-c")["Policy"])
                self.assertFalse(api("get-bucket-policy-status", "--bucket", "cli-c")["PolicyStatus"]["IsPublic"])
                api("delete-bucket-policy", "--bucket", "cli-c")
                api("put-bucket-encryption", "--bucket", "cli-c", "--server-side-encryption-configuration",
                    json.dumps({"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}))
                self.assertEqual(api("get-bucket-encryption", "--bucket", "cli-c")["ServerSideEncryptionConfiguration"]
                                 ["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], "AES256")
                api("put-bucket-website", "--bucket", "cli-c", "--website-configuration",
                    json.dumps({"IndexDocument": {"Suffix": "index.html"}}))
                self.assertEqual(api("get-bucket-website", "--bucket", "cli-c")["IndexDocument"]["Suffix"], "index.html")
                api("delete-bucket-website", "--bucket", "cli-c")
                api("put-bucket-accelerate-configuration", "--bucket", "cli-c", "--accelerate-configuration",
                    "Status=Suspended")
                self.assertEqual(api("get-bucket-accelerate-configuration", "--bucket", "cli-c")["Status"], "Suspended")
                api("put-bucket-request-payment", "--bucket", "cli-c", "--request-payment-configuration",
                    "Payer=Requester")
                api("put-bucket-logging", "--bucket", "cli-c", "--bucket-logging-status", "{}")
                api("delete-bucket-ownership-controls", "--bucket", "cli-c")


if __name__ == "__main__":
    unittest.main()
