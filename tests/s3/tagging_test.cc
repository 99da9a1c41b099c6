// Service tests: bucket and object tagging (documents, x-amz-tagging on writes, the COPY/REPLACE
// directive, multipart uploads, x-amz-tagging-count, versions, events, persistence) and
// lifecycle rules that filter on tags.
#include <nlohmann/json.hpp>

#include "tests/s3/fixture.h"

namespace hayloft::s3::testing {
namespace {

std::string tagging(std::vector<std::pair<std::string, std::string>> tags) {
  std::string body = "<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet>";
  for (const auto& [k, v] : tags) body += "<Tag><Key>" + k + "</Key><Value>" + v + "</Value></Tag>";
  return body + "</TagSet></Tagging>";
}

std::vector<std::pair<std::string, std::string>> many(int n) {
  std::vector<std::pair<std::string, std::string>> out;
  for (int i = 0; i < n; ++i) out.emplace_back("k" + std::to_string(i), "v");
  return out;
}

class S3TaggingTest : public service_test {
 protected:
  void SetUp() override {
    service_test::SetUp();
    create("bkt");
  }
  std::string code(const core::response& r) { return xml_text(r.body, "Code"); }
};

TEST_F(S3TaggingTest, BucketTagsRoundTripAndDelete) {
  auto r = call("GET", "/bkt?tagging");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(code(r), "NoSuchTagSet");
  r = call("PUT", "/bkt?tagging", tagging({{"env", "dev"}, {"team", "a b+c-=._:/@"}}));
  EXPECT_EQ(r.status, 204u) << r.body;
  r = call("GET", "/bkt?tagging");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(xml_count(r.body, "Tag"), 2u);
  EXPECT_NE(r.body.find("<Key>team</Key><Value>a b+c-=._:/@</Value>"), std::string::npos) << r.body;
  EXPECT_EQ(call("DELETE", "/bkt?tagging").status, 204u);
  EXPECT_EQ(code(call("GET", "/bkt?tagging")), "NoSuchTagSet");
  EXPECT_EQ(code(call("PUT", "/nope?tagging", tagging({{"a", "b"}}))), "NoSuchBucket");
}

TEST_F(S3TaggingTest, BucketTagsAreValidated) {
  EXPECT_EQ(call("PUT", "/bkt?tagging", tagging(many(50))).status, 204u);
  auto r = call("PUT", "/bkt?tagging", tagging(many(51)));
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(code(r), "InvalidTag");
  EXPECT_EQ(code(call("PUT", "/bkt?tagging", tagging({{"a", "1"}, {"a", "2"}}))), "InvalidTag");
  EXPECT_EQ(xml_text(call("PUT", "/bkt?tagging", tagging({{"a", "1"}, {"a", "2"}})).body, "Message"),
            "Cannot provide multiple Tags with the same key");
  EXPECT_EQ(code(call("PUT", "/bkt?tagging", tagging({{"aws:x", "1"}}))), "InvalidTag");
  EXPECT_EQ(code(call("PUT", "/bkt?tagging", tagging({{"", "1"}}))), "InvalidTag");
  EXPECT_EQ(code(call("PUT", "/bkt?tagging", tagging({{std::string(129, 'k'), "1"}}))), "InvalidTag");
  EXPECT_EQ(call("PUT", "/bkt?tagging", tagging({{std::string(128, 'k'), std::string(256, 'v')}})).status, 204u);
  EXPECT_EQ(code(call("PUT", "/bkt?tagging", tagging({{"k", std::string(257, 'v')}}))), "InvalidTag");
  EXPECT_EQ(code(call("PUT", "/bkt?tagging", tagging({{"k", "a&amp;b"}}))), "InvalidTag");
  EXPECT_EQ(code(call("PUT", "/bkt?tagging", tagging({{"k", "a,b"}}))), "InvalidTag");
  // Unicode letters are allowed (counted as characters, not bytes).
  EXPECT_EQ(call("PUT", "/bkt?tagging", tagging({{"ключ", std::string(256 / 2, 'v') + "é"}})).status, 204u);
  EXPECT_EQ(code(call("PUT", "/bkt?tagging", "<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>")),
            "MalformedXML");
  EXPECT_EQ(code(call("PUT", "/bkt?tagging", "<Tagging/>")), "MalformedXML");
  EXPECT_EQ(code(call("PUT", "/bkt?tagging", "<Nope><TagSet/></Nope>")), "MalformedXML");
}

TEST_F(S3TaggingTest, ObjectTagsRoundTripWithCountAndEvents) {
  ASSERT_EQ(call("PUT", "/bkt?notification",
                 "<NotificationConfiguration><QueueConfiguration><Id>t</Id><Queue>arn:aws:sqs:us-east-1:0:q</Queue>"
                 "<Event>s3:ObjectTagging:*</Event></QueueConfiguration></NotificationConfiguration>")
                .status,
            200u);
  sink_.take();
  put("bkt/k", "data");
  auto r = call("GET", "/bkt/k?tagging");
  ASSERT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("<TagSet/>"), std::string::npos) << r.body;
  EXPECT_EQ(xml_count(r.body, "Tag"), 0u);
  EXPECT_FALSE(call("HEAD", "/bkt/k").headers.has("x-amz-tagging-count"));
  EXPECT_EQ(call("PUT", "/bkt/k?tagging", tagging({{"a", "1"}, {"b", ""}})).status, 200u);
  EXPECT_EQ(call("HEAD", "/bkt/k").headers.value_or("x-amz-tagging-count", ""), "2");
  EXPECT_EQ(call("GET", "/bkt/k").headers.value_or("x-amz-tagging-count", ""), "2");
  r = call("GET", "/bkt/k?tagging");
  EXPECT_NE(r.body.find("<Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value/></Tag>"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(call("DELETE", "/bkt/k?tagging").status, 204u);
  EXPECT_FALSE(call("HEAD", "/bkt/k").headers.has("x-amz-tagging-count"));
  auto events = sink_.take();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(events[0].body)["Records"][0]["eventName"], "ObjectTagging:Put");
  EXPECT_EQ(nlohmann::json::parse(events[1].body)["Records"][0]["eventName"], "ObjectTagging:Delete");
  EXPECT_EQ(code(call("GET", "/bkt/none?tagging")), "NoSuchKey");
  EXPECT_EQ(code(call("PUT", "/bkt/none?tagging", tagging({{"a", "1"}}))), "NoSuchKey");
}

TEST_F(S3TaggingTest, ObjectTagsAreValidated) {
  put("bkt/k", "data");
  EXPECT_EQ(call("PUT", "/bkt/k?tagging", tagging(many(10))).status, 200u);
  auto r = call("PUT", "/bkt/k?tagging", tagging(many(11)));
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(code(r), "BadRequest");
  EXPECT_EQ(xml_text(r.body, "Message"), "Object tags cannot be greater than 10");
  r = call("PUT", "/bkt/k?tagging", tagging({{"aws:k", "v"}}));
  EXPECT_EQ(code(r), "InvalidTag");
  EXPECT_EQ(xml_text(r.body, "Message"), "Your TagKey cannot be prefixed with aws:");
  EXPECT_EQ(code(call("PUT", "/bkt/k?tagging", tagging({{"k", "v"}, {"k", "w"}}))), "InvalidTag");
  // A refused change keeps the tags.
  EXPECT_EQ(call("HEAD", "/bkt/k").headers.value_or("x-amz-tagging-count", ""), "10");
}

TEST_F(S3TaggingTest, TaggingHeaderOnPutCopyAndMultipart) {
  put("bkt/src", "data", {{"x-amz-tagging", "a=1&b=x%20y&c"}});
  auto r = call("GET", "/bkt/src?tagging");
  EXPECT_NE(r.body.find("<Key>b</Key><Value>x y</Value>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<Key>c</Key><Value/>"), std::string::npos) << r.body;
  EXPECT_EQ(call("HEAD", "/bkt/src").headers.value_or("x-amz-tagging-count", ""), "3");
  r = call("PUT", "/bkt/dup", "x", {{"x-amz-tagging", "a=1&a=2"}});
  EXPECT_EQ(code(r), "InvalidArgument");
  EXPECT_NE(xml_text(r.body, "Message").find("x-amz-tagging"), std::string::npos);
  EXPECT_EQ(code(call("PUT", "/bkt/bad", "x", {{"x-amz-tagging", "a=%zz"}})), "InvalidArgument");
  EXPECT_EQ(code(call("PUT", "/bkt/bad", "x", {{"x-amz-tagging", "a=%7B"}})), "InvalidTag");
  std::string eleven;
  for (int i = 0; i < 11; ++i) eleven += (i ? "&k" : "k") + std::to_string(i) + "=v";
  EXPECT_EQ(code(call("PUT", "/bkt/bad", "x", {{"x-amz-tagging", eleven}})), "BadRequest");
  EXPECT_EQ(call("HEAD", "/bkt/bad").status, 404u);

  // Copy keeps the source's tags unless REPLACE.
  EXPECT_EQ(call("PUT", "/bkt/copy1", "", {{"x-amz-copy-source", "/bkt/src"}, {"x-amz-tagging", "z=9"}}).status, 200u);
  EXPECT_EQ(call("HEAD", "/bkt/copy1").headers.value_or("x-amz-tagging-count", ""), "3");
  EXPECT_EQ(call("PUT", "/bkt/copy2", "",
                 {{"x-amz-copy-source", "/bkt/src"}, {"x-amz-tagging-directive", "REPLACE"}, {"x-amz-tagging", "z=9"}})
                .status,
            200u);
  EXPECT_NE(call("GET", "/bkt/copy2?tagging").body.find("<Key>z</Key><Value>9</Value>"), std::string::npos);
  EXPECT_EQ(call("PUT", "/bkt/copy3", "", {{"x-amz-copy-source", "/bkt/src"}, {"x-amz-tagging-directive", "REPLACE"}})
                .status,
            200u);
  EXPECT_FALSE(call("HEAD", "/bkt/copy3").headers.has("x-amz-tagging-count"));
  EXPECT_EQ(code(call("PUT", "/bkt/copy4", "", {{"x-amz-copy-source", "/bkt/src"}, {"x-amz-tagging-directive", "KEEP"}})),
            "InvalidArgument");

  // Multipart: the tags given at creation apply at completion.
  r = call("POST", "/bkt/mp?uploads", "", {{"x-amz-tagging", "m=1&n=2"}});
  ASSERT_EQ(r.status, 200u);
  auto upload = xml_text(r.body, "UploadId");
  auto etag = std::string(call("PUT", "/bkt/mp?partNumber=1&uploadId=" + upload, "p").headers.value_or("ETag", ""));
  ASSERT_EQ(call("POST", "/bkt/mp?uploadId=" + upload,
                 "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + etag +
                     "</ETag></Part></CompleteMultipartUpload>")
                .status,
            200u);
  auto head = call("HEAD", "/bkt/mp");
  EXPECT_EQ(head.headers.value_or("x-amz-tagging-count", ""), "2");
  EXPECT_FALSE(head.headers.has("x-amz-tagging"));
  EXPECT_EQ(code(call("POST", "/bkt/mp2?uploads", "", {{"x-amz-tagging", "aws:a=1"}})), "InvalidTag");
}

TEST_F(S3TaggingTest, VersionsKeepTheirOwnTags) {
  ASSERT_EQ(call("PUT", "/bkt?versioning", "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>")
                .status,
            200u);
  auto v1 = std::string(call("PUT", "/bkt/k", "one", {{"x-amz-tagging", "v=1"}}).headers.value_or("x-amz-version-id", ""));
  auto v2 = std::string(call("PUT", "/bkt/k", "two").headers.value_or("x-amz-version-id", ""));
  ASSERT_FALSE(v1.empty());
  auto r = call("GET", "/bkt/k?tagging&versionId=" + v1);
  EXPECT_EQ(r.headers.value_or("x-amz-version-id", ""), v1);
  EXPECT_EQ(xml_count(r.body, "Tag"), 1u);
  EXPECT_EQ(xml_count(call("GET", "/bkt/k?tagging").body, "Tag"), 0u);
  r = call("PUT", "/bkt/k?tagging&versionId=" + v2, tagging({{"v", "2"}}));
  EXPECT_EQ(r.headers.value_or("x-amz-version-id", ""), v2);
  EXPECT_NE(call("GET", "/bkt/k?tagging").body.find("<Value>2</Value>"), std::string::npos);
  EXPECT_NE(call("GET", "/bkt/k?tagging&versionId=" + v1).body.find("<Value>1</Value>"), std::string::npos);
  EXPECT_EQ(code(call("GET", "/bkt/k?tagging&versionId=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")), "NoSuchVersion");
  ASSERT_EQ(call("DELETE", "/bkt/k").status, 204u);
  EXPECT_EQ(code(call("GET", "/bkt/k?tagging")), "NoSuchKey");
}

TEST_F(S3TaggingTest, TagsSurviveRestart) {
  put("bkt/k", "data", {{"x-amz-tagging", "a=1"}});
  ASSERT_EQ(call("PUT", "/bkt?tagging", tagging({{"b", "2"}})).status, 204u);
  close();
  open();
  EXPECT_EQ(call("HEAD", "/bkt/k").headers.value_or("x-amz-tagging-count", ""), "1");
  EXPECT_NE(call("GET", "/bkt?tagging").body.find("<Key>b</Key>"), std::string::npos);
}

TEST_F(S3TaggingTest, LifecycleFiltersMatchTags) {
  ASSERT_EQ(call("PUT", "/bkt?lifecycle",
                 "<LifecycleConfiguration><Rule><ID>tmp</ID><Filter><And><Prefix>logs/</Prefix><Tag><Key>class</Key>"
                 "<Value>tmp</Value></Tag></And></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration>"
                 "</Rule></LifecycleConfiguration>")
                .status,
            200u);
  put("bkt/logs/a", "a", {{"x-amz-tagging", "class=tmp&x=y"}});
  put("bkt/logs/b", "b", {{"x-amz-tagging", "class=keep"}});
  put("bkt/logs/c", "c");
  put("bkt/other/d", "d", {{"x-amz-tagging", "class=tmp"}});
  put("bkt/logs/e", "e");
  ASSERT_EQ(call("PUT", "/bkt/logs/e?tagging", tagging({{"class", "tmp"}})).status, 200u);
  EXPECT_TRUE(call("HEAD", "/bkt/logs/a").headers.has("x-amz-expiration"));
  EXPECT_FALSE(call("HEAD", "/bkt/logs/b").headers.has("x-amz-expiration"));
  clock_->advance(std::chrono::hours(24 * 3));
  ASSERT_TRUE(store_->write([](store::database&) { return result<void>{}; }).ok());
  EXPECT_EQ(call("HEAD", "/bkt/logs/a").status, 404u);
  EXPECT_EQ(call("HEAD", "/bkt/logs/e").status, 404u);
  EXPECT_EQ(call("HEAD", "/bkt/logs/b").status, 200u);
  EXPECT_EQ(call("HEAD", "/bkt/logs/c").status, 200u);
  EXPECT_EQ(call("HEAD", "/bkt/other/d").status, 200u);
}

}  // namespace
}  // namespace hayloft::s3::testing
