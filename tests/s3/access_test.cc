// Service tests: ACLs (canned, grant headers, AccessControlPolicy documents), ownership controls
// (BucketOwnerEnforced refusing ACLs) and the public access block, with hayloft's default bucket
// settings and with AWS's (options::aws_bucket_defaults).
#include "s3/api/results.h"
#include "tests/s3/fixture.h"

namespace hayloft::s3::testing {
namespace {

const std::string owner(owner_id);
const std::string all_users = "http://acs.amazonaws.com/groups/global/AllUsers";

std::string policy(std::string grants) {
  return "<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>" + owner +
         "</ID></Owner><AccessControlList>" + grants + "</AccessControlList></AccessControlPolicy>";
}
std::string grant(std::string type, std::string inner, std::string permission) {
  return "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"" + type + "\">" + inner +
         "</Grantee><Permission>" + permission + "</Permission></Grant>";
}
const std::string owner_full = grant("CanonicalUser", "<ID>" + owner + "</ID>", "FULL_CONTROL");
const std::string public_read = grant("Group", "<URI>" + all_users + "</URI>", "READ");
const std::string enforced =
    "<OwnershipControls><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>";

class S3AccessTest : public service_test {
 protected:
  std::string code(const core::response& r) { return xml_text(r.body, "Code"); }
};

TEST_F(S3AccessTest, FullAccessControlPolicyDocuments) {
  create("bkt");
  put("bkt/k", "x");
  auto r = call("PUT", "/bkt/k?acl", policy(owner_full + public_read));
  ASSERT_EQ(r.status, 200u) << r.body;
  r = call("GET", "/bkt/k?acl");
  EXPECT_EQ(xml_count(r.body, "Grant"), 2u) << r.body;
  EXPECT_NE(r.body.find(all_users), std::string::npos);
  EXPECT_NE(r.body.find("xsi:type=\"CanonicalUser\""), std::string::npos);
  r = call("PUT", "/bkt?acl",
           policy(grant("AmazonCustomerByEmail", "<EmailAddress>ops@example.com</EmailAddress>", "READ_ACP")));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_NE(call("GET", "/bkt?acl").body.find("<EmailAddress>ops@example.com</EmailAddress>"), std::string::npos);
  EXPECT_EQ(code(call("PUT", "/bkt/k?acl", policy(grant("Group", "<URI>http://x/y</URI>", "READ")))), "InvalidArgument");
  EXPECT_EQ(code(call("PUT", "/bkt/k?acl", policy(grant("Group", "<URI>" + all_users + "</URI>", "ALL")))),
            "MalformedACLError");
  EXPECT_EQ(code(call("PUT", "/bkt/k?acl", "<AccessControlPolicy><AccessControlList/></AccessControlPolicy>")),
            "MalformedACLError");
  EXPECT_EQ(code(call("PUT", "/bkt/k?acl",
                      "<AccessControlPolicy><Owner><ID>" + std::string(64, 'b') +
                          "</ID></Owner><AccessControlList/></AccessControlPolicy>")),
            "AccessDenied");
  // A refused document leaves the ACL as it was.
  EXPECT_NE(call("GET", "/bkt/k?acl").body.find(all_users), std::string::npos);
}

TEST_F(S3AccessTest, GrantHeadersOnWrites) {
  ASSERT_EQ(call("PUT", "/bkt", "", {{"x-amz-grant-write", "uri=\"http://acs.amazonaws.com/groups/s3/LogDelivery\""}})
                .status,
            200u);
  EXPECT_NE(call("GET", "/bkt?acl").body.find("LogDelivery"), std::string::npos);
  put("bkt/k", "x", {{"x-amz-grant-read", "uri=\"" + all_users + "\""}, {"x-amz-grant-full-control", "id=\"" + owner + "\""}});
  auto r = call("GET", "/bkt/k?acl");
  EXPECT_EQ(xml_count(r.body, "Grant"), 2u) << r.body;
  EXPECT_NE(r.body.find(all_users), std::string::npos);
  EXPECT_EQ(code(call("PUT", "/bkt/j", "x", {{"x-amz-acl", "private"}, {"x-amz-grant-read", "id=\"" + owner + "\""}})),
            "InvalidRequest");
  EXPECT_EQ(code(call("PUT", "/bkt/j", "x", {{"x-amz-grant-read", "id=\"short\""}})), "InvalidArgument");
  EXPECT_EQ(call("PUT", "/bkt/k?acl", "", {{"x-amz-grant-read-acp", "emailAddress=\"a@b.c\""}}).status, 200u);
  EXPECT_NE(call("GET", "/bkt/k?acl").body.find("a@b.c"), std::string::npos);
}

TEST_F(S3AccessTest, OwnershipControls) {
  create("bkt");
  auto r = call("GET", "/bkt?ownershipControls");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(code(r), "OwnershipControlsNotFoundError");
  ASSERT_EQ(call("PUT", "/bkt?ownershipControls", enforced).status, 200u);
  EXPECT_NE(call("GET", "/bkt?ownershipControls").body.find("<ObjectOwnership>BucketOwnerEnforced</ObjectOwnership>"),
            std::string::npos);
  r = call("PUT", "/bkt/k", "x", {{"x-amz-acl", "public-read"}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(code(r), "AccessControlListNotSupported");
  EXPECT_EQ(call("HEAD", "/bkt/k").status, 404u);
  put("bkt/k", "x", {{"x-amz-acl", "bucket-owner-full-control"}});
  EXPECT_EQ(code(call("PUT", "/bkt/k?acl", "", {{"x-amz-acl", "public-read"}})), "AccessControlListNotSupported");
  EXPECT_EQ(call("PUT", "/bkt/k?acl", policy(owner_full)).status, 200u);
  EXPECT_EQ(code(call("PUT", "/bkt/k?acl", policy(owner_full + public_read))), "AccessControlListNotSupported");
  EXPECT_EQ(code(call("PUT", "/bkt?acl", "", {{"x-amz-acl", "public-read"}})), "AccessControlListNotSupported");
  EXPECT_EQ(code(call("PUT", "/bkt/g", "x", {{"x-amz-grant-read", "uri=\"" + all_users + "\""}})),
            "AccessControlListNotSupported");
  EXPECT_EQ(code(call("POST", "/bkt/mp?uploads", "", {{"x-amz-acl", "public-read-write"}})),
            "AccessControlListNotSupported");
  EXPECT_EQ(code(call("PUT", "/bkt/copy", "", {{"x-amz-copy-source", "/bkt/k"}, {"x-amz-acl", "authenticated-read"}})),
            "AccessControlListNotSupported");
  // Reading ACLs still works; ObjectWriter turns ACLs back on.
  EXPECT_EQ(call("GET", "/bkt/k?acl").status, 200u);
  ASSERT_EQ(call("PUT", "/bkt?ownershipControls",
                 "<OwnershipControls><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule></OwnershipControls>")
                .status,
            200u);
  put("bkt/k", "x", {{"x-amz-acl", "public-read"}});
  ASSERT_EQ(call("PUT", "/bkt?acl", "", {{"x-amz-acl", "public-read"}}).status, 200u);
  // Enforcing is refused while the bucket's own ACL grants others.
  EXPECT_EQ(code(call("PUT", "/bkt?ownershipControls", enforced)), "InvalidBucketAclWithObjectOwnership");
  EXPECT_EQ(call("DELETE", "/bkt?ownershipControls").status, 204u);
  EXPECT_EQ(code(call("GET", "/bkt?ownershipControls")), "OwnershipControlsNotFoundError");
  for (auto bad : {"<OwnershipControls/>", "<OwnershipControls><Rule><ObjectOwnership>Mine</ObjectOwnership></Rule></OwnershipControls>",
                   "<OwnershipControls><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule><Rule><ObjectOwnership>"
                   "ObjectWriter</ObjectOwnership></Rule></OwnershipControls>",
                   "<Nope/>"})
    EXPECT_EQ(code(call("PUT", "/bkt?ownershipControls", bad)), "MalformedXML") << bad;
  EXPECT_EQ(code(call("GET", "/none?ownershipControls")), "NoSuchBucket");
}

TEST_F(S3AccessTest, ObjectOwnershipAtCreateBucket) {
  ASSERT_EQ(call("PUT", "/enf", "", {{"x-amz-object-ownership", "BucketOwnerEnforced"}}).status, 200u);
  EXPECT_EQ(code(call("PUT", "/enf/k", "x", {{"x-amz-acl", "public-read"}})), "AccessControlListNotSupported");
  auto r = call("PUT", "/pub", "", {{"x-amz-object-ownership", "BucketOwnerEnforced"}, {"x-amz-acl", "public-read"}});
  EXPECT_EQ(code(r), "InvalidBucketAclWithObjectOwnership");
  EXPECT_EQ(call("HEAD", "/pub").status, 404u);
  EXPECT_EQ(call("PUT", "/pub", "", {{"x-amz-object-ownership", "ObjectWriter"}, {"x-amz-acl", "public-read"}}).status,
            200u);
  EXPECT_EQ(code(call("PUT", "/bad", "", {{"x-amz-object-ownership", "Nobody"}})), "InvalidArgument");
}

TEST_F(S3AccessTest, PublicAccessBlock) {
  create("bkt");
  auto r = call("GET", "/bkt?publicAccessBlock");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(code(r), "NoSuchPublicAccessBlockConfiguration");
  ASSERT_EQ(call("PUT", "/bkt?publicAccessBlock",
                 "<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>")
                .status,
            200u);
  r = call("GET", "/bkt?publicAccessBlock");
  EXPECT_EQ(xml_text(r.body, "BlockPublicAcls"), "true");
  EXPECT_EQ(xml_text(r.body, "IgnorePublicAcls"), "false");
  EXPECT_EQ(xml_text(r.body, "RestrictPublicBuckets"), "false");
  r = call("PUT", "/bkt/k", "x", {{"x-amz-acl", "public-read"}});
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(code(r), "AccessDenied");
  put("bkt/k", "x", {{"x-amz-acl", "log-delivery-write"}});
  EXPECT_EQ(code(call("PUT", "/bkt?acl", policy(owner_full + public_read))), "AccessDenied");
  EXPECT_EQ(call("DELETE", "/bkt?publicAccessBlock").status, 204u);
  put("bkt/k", "x", {{"x-amz-acl", "public-read"}});
  for (auto bad : {"<PublicAccessBlockConfiguration><BlockPublicAcls>yes</BlockPublicAcls></PublicAccessBlockConfiguration>",
                   "<PublicAccessBlockConfiguration><Other>true</Other></PublicAccessBlockConfiguration>", "<Nope/>"})
    EXPECT_EQ(code(call("PUT", "/bkt?publicAccessBlock", bad)), "MalformedXML") << bad;
}

TEST_F(S3AccessTest, SettingsSurviveRestart) {
  ASSERT_EQ(call("PUT", "/bkt", "", {{"x-amz-object-ownership", "BucketOwnerPreferred"}}).status, 200u);
  ASSERT_EQ(call("PUT", "/bkt?publicAccessBlock",
                 "<PublicAccessBlockConfiguration><IgnorePublicAcls>true</IgnorePublicAcls></PublicAccessBlockConfiguration>")
                .status,
            200u);
  close();
  open();
  EXPECT_NE(call("GET", "/bkt?ownershipControls").body.find("BucketOwnerPreferred"), std::string::npos);
  EXPECT_EQ(xml_text(call("GET", "/bkt?publicAccessBlock").body, "IgnorePublicAcls"), "true");
}

class S3AwsBucketDefaultsTest : public S3AccessTest {
 protected:
  options service_options() override {
    auto o = S3AccessTest::service_options();
    o.aws_bucket_defaults = true;
    return o;
  }
};

TEST_F(S3AwsBucketDefaultsTest, NewBucketsEnforceOwnershipAndBlockPublicAccess) {
  create("bkt");
  EXPECT_NE(call("GET", "/bkt?ownershipControls").body.find("BucketOwnerEnforced"), std::string::npos);
  auto r = call("GET", "/bkt?publicAccessBlock");
  for (auto e : {"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"})
    EXPECT_EQ(xml_text(r.body, e), "true") << e;
  EXPECT_EQ(code(call("PUT", "/bkt/k", "x", {{"x-amz-acl", "public-read"}})), "AccessControlListNotSupported");
  put("bkt/k", "x", {{"x-amz-acl", "bucket-owner-full-control"}});
  EXPECT_EQ(code(call("PUT", "/pub", "", {{"x-amz-acl", "public-read"}})), "InvalidBucketAclWithObjectOwnership");
}

}  // namespace
}  // namespace hayloft::s3::testing
