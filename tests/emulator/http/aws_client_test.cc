// aws_client's SigV4 signing: AWS's published examples, and round trips through the edge's
// verifier (auth::verify) for the requests the client sends; settings from the environment.
#include "emulator/http/aws_client.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "emulator/core/hash.h"
#include "emulator/http/auth/verify.h"
#include "tests/emulator/http/auth/test_support.h"

namespace hayloft::http {
namespace {
using auth::testing::at;
using auth::testing::make_request;

std::string header(const header_list& h, std::string_view name) {
  for (const auto& [k, v] : h)
    if (core::iequals(k, name)) return v;
  return {};
}

// The example "GET https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08" from the
// AWS General Reference's SigV4 walkthrough.
TEST(AwsSignTest, MatchesTheIamWalkthrough) {
  header_list h = {{"Host", "iam.amazonaws.com"},
                   {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  aws_credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  sign_v4("GET", "/", "Action=ListUsers&Version=2010-05-08", h, core::sha256_hex(""), creds,
          "us-east-1", "iam", at("2015-08-30T12:36:00Z"));
  EXPECT_EQ(header(h, "X-Amz-Date"), "20150830T123600Z");
  EXPECT_EQ(header(h, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
  EXPECT_EQ(header(h, "X-Amz-Content-Sha256"), "");  // only S3 wants it
}

// "Example: GET Object" from the S3 API reference (Authenticating Requests: Using the
// Authorization Header).
TEST(AwsSignTest, MatchesTheS3GetObjectExample) {
  header_list h = {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}};
  aws_credentials creds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
  sign_v4("GET", "/test.txt", "", h, core::sha256_hex(""), creds, "us-east-1", "s3",
          at("2013-05-24T00:00:00Z"));
  EXPECT_EQ(header(h, "x-amz-content-sha256"), core::sha256_hex(""));
  EXPECT_EQ(header(h, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

struct round_trip {
  std::string name;
  std::string service;
  std::string method;
  std::string path;   // raw, encoded
  std::string query;  // raw, encoded
  header_list headers;
  std::string body;
};

class AwsSignRoundTripTest : public ::testing::TestWithParam<round_trip> {};

TEST_P(AwsSignRoundTripTest, VerifiesWithTheEdgesVerifier) {
  const auto& c = GetParam();
  const aws_credentials creds{"AKIDHAYLOFT", "s3cr3t/with+chars",
                              GetParam().name == "token" ? "FQoGZXIvYXdzE" : ""};
  const auto now = at("2024-03-01T10:20:30Z");
  header_list h = c.headers;
  sign_v4(c.method, c.path, c.query, h, core::sha256_hex(c.body), creds, "eu-central-1", c.service,
          now);
  auto req = make_request(c.method, c.path + (c.query.empty() ? "" : "?" + c.query), h, c.body);
  auth::static_credentials provider(
      {{creds.access_key_id, creds.secret_access_key, creds.session_token}});

  auto v = auth::verify(req, provider, now);
  ASSERT_TRUE(v.ok()) << v.error().detail;
  EXPECT_EQ(v.identity().access_key_id, "AKIDHAYLOFT");
  EXPECT_EQ(v.identity().region, "eu-central-1");
  EXPECT_EQ(v.identity().service, c.service);

  // The same signature does not cover another body, a wrong secret, or a stale clock.
  if (c.service == "sqs") {
    auto changed =
        make_request(c.method, c.path + (c.query.empty() ? "" : "?" + c.query), h, c.body + " ");
    EXPECT_FALSE(auth::verify(changed, provider, now).ok());
  }
  auth::static_credentials wrong({{creds.access_key_id, "other", creds.session_token}});
  auto bad = auth::verify(req, wrong, now);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().reason, auth::failure_reason::signature_mismatch);
  EXPECT_EQ(auth::verify(req, provider, now + std::chrono::hours(1)).error().reason,
            auth::failure_reason::time_skewed);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, AwsSignRoundTripTest,
    ::testing::Values(
        round_trip{
            "sqs_json",
            "sqs",
            "POST",
            "/",
            "",
            {{"Host", "localhost:4566"},
             {"Content-Type", "application/x-amz-json-1.0"},
             {"X-Amz-Target", "AmazonSQS.ReceiveMessage"}},
            R"({"QueueUrl":"http://localhost:4566/000000000000/test-queue","MaxNumberOfMessages":10})"},
        round_trip{"token",
                   "sqs",
                   "POST",
                   "/",
                   "",
                   {{"Host", "sqs.eu-central-1.amazonaws.com"},
                    {"Content-Type", "application/x-amz-json-1.0"},
                    {"X-Amz-Target", "AmazonSQS.SendMessage"}},
                   R"({"QueueUrl":"q","MessageBody":"docs/a b.txt"})"},
        round_trip{"put_object",
                   "s3",
                   "PUT",
                   "/test-bucket/docs/a%20b%2Bc%C3%A9.txt",
                   "",
                   {{"Host", "127.0.0.1:4566"}, {"Content-Type", "text/plain"}},
                   "hello world"},
        round_trip{"upload_part",
                   "s3",
                   "PUT",
                   "/test-bucket/big.bin",
                   "partNumber=2&uploadId=abc%2Fdef",
                   {{"Host", "127.0.0.1:4566"}},
                   std::string(1000, 'x')},
        round_trip{"create_multipart",
                   "s3",
                   "POST",
                   "/test-bucket/big.bin",
                   "uploads",
                   {{"Host", "127.0.0.1:4566"}},
                   ""},
        round_trip{"virtual_host",
                   "s3",
                   "GET",
                   "/key%20with%20spaces",
                   "",
                   {{"Host", "test-bucket.s3.eu-central-1.amazonaws.com"}},
                   ""},
        round_trip{"prefix",
                   "s3",
                   "GET",
                   "/proxy/base/test-bucket/k",
                   "",
                   {{"Host", "example.com:8080"}},
                   ""}),
    [](const ::testing::TestParamInfo<round_trip>& i) { return i.param.name; });

TEST(AwsSignTest, SendsTheSessionToken) {
  header_list h = {{"Host", "h"}};
  sign_v4("GET", "/", "", h, core::sha256_hex(""), {"AK", "SK", "TOKEN"}, "us-east-1", "sqs",
          at("2024-01-01T00:00:00Z"));
  EXPECT_EQ(header(h, "X-Amz-Security-Token"), "TOKEN");
  EXPECT_NE(header(h, "Authorization").find("x-amz-security-token"), std::string::npos);
  auth::static_credentials provider({{"AK", "SK", "OTHER"}});
  auto v = auth::verify(make_request("GET", "/", h), provider, at("2024-01-01T00:00:00Z"));
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().reason, auth::failure_reason::invalid_token);
}

class AwsConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* n : names_) {
      if (const char* v = std::getenv(n)) saved_.emplace_back(n, v);
      unsetenv(n);
    }
  }
  void TearDown() override {
    for (const char* n : names_) unsetenv(n);
    for (const auto& [k, v] : saved_) setenv(k.c_str(), v.c_str(), 1);
  }
  static constexpr const char* names_[] = {
      "AWS_ENDPOINT_URL",  "AWS_ENDPOINT",          "AWS_REGION",        "AWS_DEFAULT_REGION",
      "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CA_BUNDLE"};
  std::vector<std::pair<std::string, std::string>> saved_;
};

TEST_F(AwsConfigTest, DefaultsToLocalstackCredentialsAndUsEast1) {
  auto c = aws_config::from_env();
  EXPECT_EQ(c.endpoint, "");
  EXPECT_EQ(c.region, "us-east-1");
  EXPECT_EQ(c.credentials.access_key_id, "test");
  EXPECT_EQ(c.credentials.secret_access_key, "test");
  EXPECT_EQ(c.credentials.session_token, "");
  aws_client aws(c);
  EXPECT_EQ(aws.sqs_endpoint(), "https://sqs.us-east-1.amazonaws.com");
  EXPECT_EQ(aws.s3_endpoint(), "https://s3.us-east-1.amazonaws.com");
}

TEST_F(AwsConfigTest, ReadsTheEnvironmentWithFlagsFirst) {
  setenv("AWS_ENDPOINT", "http://second:1", 1);
  setenv("AWS_DEFAULT_REGION", "eu-west-1", 1);
  setenv("AWS_ACCESS_KEY_ID", "AKID", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "SECRET", 1);
  setenv("AWS_SESSION_TOKEN", "TOKEN", 1);
  auto c = aws_config::from_env();
  EXPECT_EQ(c.endpoint, "http://second:1");
  EXPECT_EQ(c.region, "eu-west-1");
  EXPECT_EQ(c.credentials.access_key_id, "AKID");
  EXPECT_EQ(c.credentials.secret_access_key, "SECRET");
  EXPECT_EQ(c.credentials.session_token, "TOKEN");
  setenv("AWS_ENDPOINT_URL", "http://first:1", 1);
  setenv("AWS_REGION", "eu-central-1", 1);
  c = aws_config::from_env();
  EXPECT_EQ(c.endpoint, "http://first:1");
  EXPECT_EQ(c.region, "eu-central-1");
  c = aws_config::from_env("http://flag:2", "ap-south-1");
  EXPECT_EQ(c.endpoint, "http://flag:2");
  EXPECT_EQ(c.region, "ap-south-1");
  aws_client aws(c);
  EXPECT_EQ(aws.sqs_endpoint(), "http://flag:2");
  EXPECT_EQ(aws.s3_endpoint(), "http://flag:2");
  c.endpoint.clear();
  c.region = "cn-north-1";
  EXPECT_EQ(aws_client(c).sqs_endpoint(), "https://sqs.cn-north-1.amazonaws.com.cn");
}

TEST(AwsClientTest, UnquotesEtags) {
  EXPECT_EQ(unquote_etag("\"abc\""), "abc");
  EXPECT_EQ(unquote_etag("abc"), "abc");
  EXPECT_EQ(unquote_etag("\""), "\"");
}

}  // namespace
}  // namespace hayloft::http
