// Service tests: bucket operations, addressing, routing and error rendering.
#include "tests/s3/fixture.h"

namespace hayloft::s3::testing {
namespace {

using S3BucketsTest = service_test;

constexpr std::string_view eu_config =
    "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>eu-central-1"
    "</LocationConstraint></CreateBucketConfiguration>";

TEST_F(S3BucketsTest, CreateHeadListDelete) {
  auto r = call("PUT", "/photos");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.headers.value_or("Location", ""), "/photos");
  EXPECT_FALSE(r.headers.value_or("x-amz-request-id", "").empty());
  EXPECT_FALSE(r.headers.value_or("x-amz-id-2", "").empty());
  ASSERT_EQ(call("PUT", "/docs", std::string(eu_config)).status, 200u);
  r = call("HEAD", "/docs");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.headers.value_or("x-amz-bucket-region", ""), "eu-central-1");
  r = call("GET", "/");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(xml_count(r.body, "Bucket"), 2u);
  EXPECT_NE(r.body.find("<Name>docs</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate>"), std::string::npos)
      << r.body;
  EXPECT_EQ(call("DELETE", "/docs").status, 204u);
  r = call("HEAD", "/docs");
  EXPECT_EQ(r.status, 404u);
  EXPECT_TRUE(r.body.empty());
}

TEST_F(S3BucketsTest, UsageCountsObjectsAndBytesPerBucket) {
  create("full");
  create("empty");
  put("full/a", "12345");
  put("full/b/c", "123");
  put("full/a", "1234567");  // an overwrite counts once, with its new size
  auto u = svc_->usage();
  ASSERT_TRUE(u.ok()) << u.err().message;
  ASSERT_EQ(u->size(), 2u);
  EXPECT_EQ((*u)[0].bucket.name, "empty");
  EXPECT_EQ((*u)[0].objects, 0);
  EXPECT_EQ((*u)[0].bytes, 0);
  EXPECT_EQ((*u)[1].bucket.name, "full");
  EXPECT_EQ((*u)[1].objects, 2);
  EXPECT_EQ((*u)[1].bytes, 10);
}

TEST_F(S3BucketsTest, RecreateFollowsAws) {
  create("east");
  // us-east-1: re-creating your own bucket succeeds.
  EXPECT_EQ(call("PUT", "/east").status, 200u);
  ASSERT_EQ(call("PUT", "/west", std::string(eu_config)).status, 200u);
  auto r = call("PUT", "/west", std::string(eu_config));
  EXPECT_EQ(r.status, 409u);
  EXPECT_EQ(xml_text(r.body, "Code"), "BucketAlreadyOwnedByYou");
  EXPECT_EQ(xml_text(r.body, "BucketName"), "west");
}

TEST_F(S3BucketsTest, RegionFromSignatureWhenNoConstraint) {
  auto r = call("PUT", "/signed", "",
                {{"Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/ap-south-1/s3/aws4_request, "
                                   "SignedHeaders=host, Signature=x"}});
  ASSERT_EQ(r.status, 200u);
  r = call("GET", "/signed?location");
  EXPECT_NE(r.body.find(">ap-south-1</LocationConstraint>"), std::string::npos) << r.body;
  create("plain");
  r = call("GET", "/plain?location");
  EXPECT_NE(r.body.find("<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>"), std::string::npos)
      << r.body;
}

TEST_F(S3BucketsTest, Errors) {
  create("full");
  put("full/x", "1");
  struct {
    std::string method, target, body;
    unsigned status;
    std::string code;
  } cases[] = {
      {"PUT", "/Bad_Name", "", 400, "InvalidBucketName"},
      {"PUT", "/ab", "", 400, "InvalidBucketName"},
      {"PUT", "/newbucket", "<CreateBucketConfiguration><LocationConstraint>us-east-1</LocationConstraint>"
                            "</CreateBucketConfiguration>", 400, "InvalidLocationConstraint"},
      {"PUT", "/newbucket", "<CreateBucketConfiguration><Location", 400, "MalformedXML"},
      // The region becomes the x-amz-bucket-region header: nothing but a region name is stored.
      {"PUT", "/newbucket", "<CreateBucketConfiguration><LocationConstraint>eu&#xA;x-evil: 1</LocationConstraint>"
                            "</CreateBucketConfiguration>", 400, "InvalidLocationConstraint"},
      {"PUT", "/newbucket", "<!DOCTYPE x><CreateBucketConfiguration/>", 400, "MalformedXML"},
      {"GET", "/?continuation-token=Z2FyYmFnZQ%3D%3D", "", 400, "InvalidArgument"},
      {"DELETE", "/full", "", 409, "BucketNotEmpty"},
      {"DELETE", "/missing", "", 404, "NoSuchBucket"},
      {"GET", "/missing", "", 404, "NoSuchBucket"},
      {"GET", "/missing?location", "", 404, "NoSuchBucket"},
      {"GET", "/full?cors", "", 404, "NoSuchCORSConfiguration"},
      {"GET", "/full?session", "", 501, "NotImplemented"},
      {"GET", "/full?analytics&id=none", "", 404, "NoSuchConfiguration"},
      {"PUT", "/full?website", "<WebsiteConfiguration/>", 400, "InvalidArgument"},
      {"DELETE", "/full?logging", "", 405, "MethodNotAllowed"},
      {"PUT", "/full?policyStatus", "", 405, "MethodNotAllowed"},
      {"PUT", "/full?versioning", "<VersioningConfiguration><Status>On</Status></VersioningConfiguration>", 400,
       "IllegalVersioningConfigurationException"},
      {"PATCH", "/full", "", 405, "MethodNotAllowed"},
      {"DELETE", "/", "", 405, "MethodNotAllowed"},
      {"GET", "/full?list-type=2&max-keys=abc", "", 400, "InvalidArgument"},
      {"GET", "/full?list-type=2&encoding-type=base64", "", 400, "InvalidArgument"},
      {"GET", "/full?list-type=2&continuation-token=%21%21", "", 400, "InvalidArgument"},
  };
  for (const auto& c : cases) {
    auto r = call(c.method, c.target, c.body);
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.target << "\n" << r.body;
    EXPECT_EQ(xml_text(r.body, "Code"), c.code) << c.method << " " << c.target;
    EXPECT_EQ(r.headers.value_or("Content-Type", ""), "application/xml");
    EXPECT_FALSE(xml_text(r.body, "RequestId").empty());
    EXPECT_EQ(xml_text(r.body, "Resource"), c.target.substr(0, c.target.find('?')));
  }
}

TEST_F(S3BucketsTest, VirtualHostAddressing) {
  create("vhost");
  for (std::string host : {"vhost.localhost:4566", "vhost.s3.localhost:4566", "vhost.s3.eu-west-1.localhost",
                           "vhost.s3.localhost.localstack.cloud:4566"}) {
    auto r = call(make_request("PUT", "/k.txt", "via " + host, {}, host));
    ASSERT_EQ(r.status, 200u) << host << r.body;
    r = call("GET", "/vhost/k.txt");
    EXPECT_EQ(r.body, "via " + host);
    r = call(make_request("GET", "/?list-type=2", {}, {}, host));
    EXPECT_EQ(xml_text(r.body, "Name"), "vhost") << host;
  }
}

TEST_F(S3BucketsTest, AclAndVersioning) {
  ASSERT_EQ(call("PUT", "/pub", "", {{"x-amz-acl", "public-read"}}).status, 200u);
  auto r = call("GET", "/pub?acl");
  EXPECT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("http://acs.amazonaws.com/groups/global/AllUsers"), std::string::npos) << r.body;
  EXPECT_EQ(call("PUT", "/pub?acl", "", {{"x-amz-acl", "private"}}).status, 200u);
  r = call("GET", "/pub?acl");
  EXPECT_EQ(r.body.find("AllUsers"), std::string::npos);
  EXPECT_EQ(xml_text(call("PUT", "/x2x", "", {{"x-amz-acl", "everyone"}}).body, "Code"), "InvalidArgument");
  r = call("GET", "/pub?versioning");
  EXPECT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("VersioningConfiguration"), std::string::npos);
}

TEST_F(S3BucketsTest, ListBucketsPagination) {
  for (auto b : {"aaa", "bbb", "ccc", "abc"}) create(b);
  auto r = call("GET", "/?max-buckets=2&prefix=a");
  EXPECT_EQ(xml_count(r.body, "Bucket"), 2u);
  EXPECT_EQ(xml_text(r.body, "ContinuationToken"), "<missing>");
  r = call("GET", "/?max-buckets=2");
  EXPECT_EQ(xml_count(r.body, "Bucket"), 2u);
  auto token = xml_text(r.body, "ContinuationToken");
  r = call("GET", "/?max-buckets=2&continuation-token=" + core::url_encode(token));
  EXPECT_NE(r.body.find("<Name>bbb</Name>"), std::string::npos);
  EXPECT_NE(r.body.find("<Name>ccc</Name>"), std::string::npos);
}

TEST_F(S3BucketsTest, RenderErrorForEdge) {
  auto req = make_request("GET", "/b/k");
  auto r = svc_->render_error(req, {403, "SignatureDoesNotMatch", "The request signature we calculated does not match"});
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(xml_text(r.body, "Code"), "SignatureDoesNotMatch");
  EXPECT_EQ(r.headers.value_or("x-amz-request-id", ""), req.request_id);
  auto head = make_request("HEAD", "/b/k");
  EXPECT_TRUE(svc_->render_error(head, {403, "AccessDenied", "Access Denied"}).body.empty());
}

TEST_F(S3BucketsTest, TypedApi) {
  ASSERT_TRUE(svc_->create_bucket("typed", "eu-west-1").ok());
  auto again = svc_->create_bucket("typed", "eu-west-1");
  EXPECT_EQ(to_errc(again.code()), errc::bucket_already_owned_by_you);
  auto list = svc_->list_buckets();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].region, "eu-west-1");
  auto info = svc_->put_object("typed", "notes/a.txt", "hello", "text/plain");
  ASSERT_TRUE(info.ok()) << info.err().message;
  EXPECT_EQ(info->etag, "\"5d41402abc4b2a76b9719d911017c592\"");
  EXPECT_EQ(info->size, 5u);
  auto data = svc_->get_object("typed", "notes/a.txt");
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(data->bytes, "hello");
  EXPECT_EQ(data->content_type, "text/plain");
  EXPECT_EQ(data->last_modified, clock_->now());
  EXPECT_EQ(to_errc(svc_->get_object("typed", "nope").code()), errc::no_such_key);
  EXPECT_EQ(to_errc(svc_->head_object("nobucket", "nope").code()), errc::no_such_bucket);
  ASSERT_TRUE(svc_->delete_object("typed", "notes/a.txt").ok());
  EXPECT_EQ(to_errc(svc_->head_object("typed", "notes/a.txt").code()), errc::no_such_key);
}

TEST_F(S3BucketsTest, ResetEmptiesEverything) {
  create("rr1");
  put("rr1/small", "x");
  put("rr1/big", std::string(200000, 'b'));
  ASSERT_EQ(call("POST", "/rr1/up?uploads").status, 200u);
  EXPECT_EQ(blob_files(), 1u);
  ASSERT_TRUE(svc_->reset().ok());
  EXPECT_EQ(call("HEAD", "/rr1").status, 404u);
  EXPECT_EQ(xml_count(call("GET", "/").body, "Bucket"), 0u);
  EXPECT_EQ(blob_files(), 0u);
  create("rr1");
  EXPECT_EQ(call("GET", "/rr1/small").status, 404u);
}

}  // namespace
}  // namespace hayloft::s3::testing
