// Requests signed by botocore 1.43.11 itself, recorded with record_botocore_vectors.py (next to
// this file): botocore's S3SigV4Auth, SigV4Auth (SQS JSON and query protocol), S3SigV4QueryAuth,
// HmacV1Auth and HmacV1QueryAuth on AWSRequest objects with fixed credentials
// (AKIDHAYLOFTTEST / "hayloft/secret+key") and botocore's clock patched to 2026-01-01T12:00:00Z.
// The headers below are pasted from the script's output. Each vector must verify, and a copy
// with one byte altered must not. A second set, recorded with record_boto3_client_requests.py,
// is what whole boto3 clients send (flexible checksums, x-amzn-query-mode, Expect), unedited
// except that User-Agent and amz-sdk-* headers, which are not signed, are left out.
#include <gtest/gtest.h>

#include "emulator/http/auth/verify.h"
#include "tests/emulator/http/auth/test_support.h"

namespace hayloft::http::auth {
namespace {

using testing::at;
using testing::make_request;

const core::time_point recorded_at = at("2026-01-01T12:00:00Z");

static_credentials botocore_credentials() {
  return static_credentials({{"AKIDHAYLOFTTEST", "hayloft/secret+key", ""},
                             {"AKIDHAYLOFTTOKEN", "hayloft/secret+key", "session-token/abc=="}});
}

struct vector_case {
  const char* name;
  core::request req;
  scheme kind;
  const char* service;
};

std::vector<vector_case> vectors() {
  std::vector<vector_case> out;
  out.push_back(
      {"s3 put",
       make_request(
           "PUT", "/test-bucket/reports/q1%20summary%28final%29.txt",
           {{"Content-Type", "text/plain"},
            {"x-amz-meta-author", "Ada   Lovelace"},
            {"Host", "localhost:4566"},
            {"X-Amz-Date", "20260101T120000Z"},
            {"X-Amz-Content-SHA256",
             "61005db5efdaed60d695659d86027aa170bcea20d46a2eec2a350ada1f4596a6"},
            {"Authorization",
             "AWS4-HMAC-SHA256 Credential=AKIDHAYLOFTTEST/20260101/eu-central-1/s3/aws4_request, "
             "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-meta-author, "
             "Signature=179b6082c75281efe83db2d7aebfcd653c0683da5c54cd57056e326292a80cc9"},
            {"Content-Length", "14"}},
           "hello hayloft\n"),
       scheme::sigv4_header, "s3"});
  out.push_back(
      {"s3 list with session token",
       make_request(
           "GET", "/test-bucket?list-type=2&prefix=a%2Fb&max-keys=5",
           {{"Host", "localhost:4566"},
            {"X-Amz-Date", "20260101T120000Z"},
            {"X-Amz-Security-Token", "session-token/abc=="},
            {"X-Amz-Content-SHA256",
             "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
            {"Authorization",
             "AWS4-HMAC-SHA256 Credential=AKIDHAYLOFTTOKEN/20260101/us-east-1/s3/aws4_request, "
             "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, "
             "Signature=50240652ce93af61f8f0934d67ff4312c2222ca6bb5455fd8443171432a880ac"}}),
       scheme::sigv4_header, "s3"});
  out.push_back(
      {"sqs json",
       make_request(
           "POST", "/",
           {{"X-Amz-Target", "AmazonSQS.SendMessage"},
            {"Content-Type", "application/x-amz-json-1.0"},
            {"Host", "localhost:4566"},
            {"X-Amz-Date", "20260101T120000Z"},
            {"Authorization",
             "AWS4-HMAC-SHA256 Credential=AKIDHAYLOFTTEST/20260101/eu-central-1/sqs/aws4_request, "
             "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
             "Signature=1e6c3b739bcf6f40a1745db14635e35c07133fbcfdc9d05cc8ad4d76bdf9df9b"},
            {"Content-Length", "90"}},
           R"({"QueueUrl": "http://localhost:4566/000000000000/test-queue", "MessageBody": "docs/a.txt"})"),
       scheme::sigv4_header, "sqs"});
  out.push_back(
      {"sqs query",
       make_request(
           "POST", "/000000000000/test-queue",
           {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
            {"Host", "localhost:4566"},
            {"X-Amz-Date", "20260101T120000Z"},
            {"Authorization",
             "AWS4-HMAC-SHA256 Credential=AKIDHAYLOFTTEST/20260101/eu-central-1/sqs/aws4_request, "
             "SignedHeaders=content-type;host;x-amz-date, "
             "Signature=15f639f4e6cd05e8eb5614d8b99d6868e3a2fc624013aa9d1824173e0e8242a7"},
            {"Content-Length", "131"}},
           "Action=SendMessage&MessageBody=docs%2Fa+b.txt&QueueUrl=http%3A%2F%2Flocalhost%3A4566%2F"
           "000000000000%2Ftest-queue&Version=2012-11-05"),
       scheme::sigv4_header, "sqs"});
  out.push_back(
      {"s3 presigned get",
       make_request(
           "GET",
           "/test-bucket/docs/report%202026.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
           "AKIDHAYLOFTTEST%2F20260101%2Feu-central-1%2Fs3%2Faws4_request&X-Amz-Date="
           "20260101T120000Z&"
           "X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature="
           "febf4b43174db89ef03cb2e3d5690f212bec0ba8397e22e4c039e19de043ed84",
           {{"Host", "localhost:4566"}}),
       scheme::sigv4_query, "s3"});
  out.push_back(
      {"s3 sigv2 header",
       make_request("GET", "/test-bucket/docs/a.txt?acl",
                    {{"Host", "localhost:4566"},
                     {"x-amz-meta-x", "1"},
                     {"Date", "Thu, 01 Jan 2026 12:00:00 GMT"},
                     {"Authorization", "AWS AKIDHAYLOFTTEST:o94Ej4b8R0g09jlbpC8avBBghBw="}}),
       scheme::sigv2_header, "s3"});
  out.push_back(
      {"s3 sigv2 presigned",
       make_request("GET",
                    "/test-bucket/docs/a%2Bb.txt?AWSAccessKeyId=AKIDHAYLOFTTEST&Signature="
                    "5zvXStij4rFXxqSVVZlT%2BdbU82s%3D&Expires=1767269400",
                    {{"Host", "localhost:4566"}}),
       scheme::sigv2_query, "s3"});
  return out;
}

const core::time_point client_recorded_at = at("2026-11-25T16:23:13Z");

std::vector<vector_case> client_vectors() {
  std::string hello;
  for (int i = 0; i < 100; ++i) hello += "hello\n";
  std::vector<vector_case> out;
  out.push_back(
      {"boto3 put_object",
       make_request("PUT", "/test-bucket/dir/hello%20world%2B%281%29.txt",
                    {{"Host", "127.0.0.1:53965"},
                     {"x-amz-acl", "public-read"},
                     {"Expect", "100-continue"},
                     {"x-amz-checksum-crc32", "lkzS3Q=="},
                     {"x-amz-sdk-checksum-algorithm", "CRC32"},
                     {"X-Amz-Date", "20261125T162312Z"},
                     {"X-Amz-Content-SHA256",
                      "55a67d99d824efff02a01df25056daecafe4c8ab6cdc8e455a93ae930d3e58d3"},
                     {"Authorization",
                      "AWS4-HMAC-SHA256 Credential=AKIDREAL/20261125/eu-central-1/s3/aws4_request, "
                      "SignedHeaders=host;x-amz-acl;x-amz-checksum-crc32;x-amz-content-sha256;"
                      "x-amz-date;x-amz-sdk-checksum-algorithm, "
                      "Signature=315bd85614ece2217f3eb6f69607a3e1f79352f9c2eb8b5a991ffcd623a785b2"},
                     {"Content-Length", "600"}},
                    hello),
       scheme::sigv4_header, "s3"});
  out.push_back(
      {"boto3 delete_objects",
       make_request(
           "POST", "/test-bucket?delete",
           {{"Host", "127.0.0.1:53965"},
            {"x-amz-checksum-crc32", "3qctVQ=="},
            {"x-amz-sdk-checksum-algorithm", "CRC32"},
            {"X-Amz-Date", "20261125T162313Z"},
            {"X-Amz-Content-SHA256",
             "0c4da063014659b4bffda79ec385e1824a2082394b8874ed6f0cfb9c7de95181"},
            {"Authorization",
             "AWS4-HMAC-SHA256 Credential=AKIDREAL/20261125/eu-central-1/s3/aws4_request, "
             "SignedHeaders=host;x-amz-checksum-crc32;x-amz-content-sha256;x-amz-date;"
             "x-amz-sdk-checksum-algorithm, "
             "Signature=549d2c6db1177fbe5220ae8f879883c0be4b89c23f06549c3c092ce111ba2638"},
            {"Content-Length", "125"}},
           R"(<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a</Key></Object>)"
           R"(<Object><Key>b c</Key></Object></Delete>)"),
       scheme::sigv4_header, "s3"});
  out.push_back(
      {"boto3 sqs get_queue_url",
       make_request(
           "POST", "/",
           {{"Host", "127.0.0.1:53965"},
            {"X-Amz-Target", "AmazonSQS.GetQueueUrl"},
            {"Content-Type", "application/x-amz-json-1.0"},
            {"x-amzn-query-mode", "true"},
            {"X-Amz-Date", "20261125T162313Z"},
            {"Authorization",
             "AWS4-HMAC-SHA256 Credential=AKIDREAL/20261125/eu-central-1/sqs/aws4_request, "
             "SignedHeaders=content-type;host;x-amz-date;x-amz-target;x-amzn-query-mode, "
             "Signature=ee01e472ee16d62f34d157bd3edb22d5d68ae68f3aa6ecd0146e0c9ed5923fb9"},
            {"Content-Length", "27"}},
           R"({"QueueName": "test-queue"})"),
       scheme::sigv4_header, "sqs"});
  return out;
}

TEST(AuthBotocore, RecordedClientRequestsVerifyAndRefuseAlteration) {
  auto creds = static_credentials({{"AKIDREAL", "real/secret+key", ""}});
  for (const auto& c : client_vectors()) {
    SCOPED_TRACE(c.name);
    auto v = verify(c.req, creds, client_recorded_at);
    ASSERT_TRUE(v.ok()) << v.error().detail;
    EXPECT_EQ(v.identity().service, c.service);
    EXPECT_EQ(v.identity().region, "eu-central-1");

    auto changed_header = testing::copy_of(c.req);
    auto host = std::string(*changed_header.header("Host"));
    changed_header.headers.set("Host", testing::altered(host, host.size() - 1));
    auto changed_path = testing::copy_of(c.req);
    changed_path.raw_path =
        testing::altered(changed_path.raw_path, changed_path.raw_path.size() - 1);
    for (const auto* r : {&changed_header, &changed_path}) {
      auto bad = verify(*r, creds, client_recorded_at);
      ASSERT_FALSE(bad.ok());
      EXPECT_EQ(bad.error().reason, failure_reason::signature_mismatch);
    }
  }
  // The SQS JSON body is hashed by the verifier, so a changed body is refused too.
  auto sqs = testing::copy_of(client_vectors().back().req);
  sqs.body = R"({"QueueName": "test-queuf"})";
  EXPECT_FALSE(verify(sqs, creds, client_recorded_at).ok());
}

TEST(AuthBotocore, RecordedRequestsVerify) {
  auto creds = botocore_credentials();
  for (const auto& c : vectors()) {
    SCOPED_TRACE(c.name);
    auto v = verify(c.req, creds, recorded_at);
    ASSERT_TRUE(v.ok()) << v.error().detail;
    EXPECT_EQ(v.identity().kind, c.kind);
    EXPECT_EQ(v.identity().service, c.service);
  }
}

// One byte changed anywhere that is signed: the path, the query, a signed header, the body.
TEST(AuthBotocore, OneByteAlteredCopiesAreRejected) {
  auto creds = botocore_credentials();
  for (const auto& c : vectors()) {
    SCOPED_TRACE(c.name);
    std::vector<core::request> copies;
    {
      auto r = testing::copy_of(c.req);
      r.raw_path = testing::altered(r.raw_path, r.raw_path.size() - 1);
      copies.push_back(std::move(r));
    }
    if (!c.req.raw_query.empty() && c.kind != scheme::sigv4_query &&
        c.kind != scheme::sigv2_query) {
      auto r = testing::copy_of(c.req);
      r.raw_query = testing::altered(r.raw_query, r.raw_query.size() - 1);
      copies.push_back(std::move(r));
    }
    if (c.kind == scheme::sigv4_header) {
      auto r = testing::copy_of(c.req);
      auto date = std::string(*r.header("X-Amz-Date"));
      r.headers.set("X-Amz-Date", testing::altered(date, 14));
      copies.push_back(std::move(r));
    }
    if (!c.req.body.empty() && c.service == std::string("sqs")) {
      auto r = testing::copy_of(c.req);
      r.body = testing::altered(r.body, 5);
      copies.push_back(std::move(r));
    }
    for (const auto& r : copies) {
      auto v = verify(r, creds, recorded_at);
      ASSERT_FALSE(v.ok()) << r.raw_path << "?" << r.raw_query;
      EXPECT_EQ(v.error().reason, failure_reason::signature_mismatch);
    }
  }
}

TEST(AuthBotocore, RecordedS3PutSignsItsBodyHash) {
  auto v = verify(vectors().front().req, botocore_credentials(), recorded_at);
  ASSERT_TRUE(v.ok());
  // The hash is taken literally; the S3 service compares it with the stored bytes.
  EXPECT_TRUE(payload_claim_is_digest(v.identity().payload_hash));
  EXPECT_EQ(v.identity().payload_hash, body_sha256_hex(vectors().front().req));
}

TEST(AuthBotocore, RecordedRequestsAreRefusedWhenStale) {
  auto creds = botocore_credentials();
  for (const auto& c : vectors()) {
    SCOPED_TRACE(c.name);
    auto v = verify(c.req, creds, at("2026-01-01T13:00:01Z"));
    ASSERT_FALSE(v.ok());
    EXPECT_TRUE(v.error().reason == failure_reason::time_skewed ||
                v.error().reason == failure_reason::expired);
  }
}

}  // namespace
}  // namespace hayloft::http::auth
