// Signature Version 2 examples of the S3 developer guide, "Signing and authenticating REST
// requests" (AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY). The guide now
// names the bucket awsexamplebucket1; its query-string example still carries the signature
// computed for the original bucket "johnsmith", so that one is checked with johnsmith.
#include <gtest/gtest.h>

#include "emulator/http/auth/sigv2.h"
#include "emulator/http/auth/verify.h"
#include "tests/emulator/http/auth/test_support.h"

namespace hayloft::http::auth {
namespace {

using testing::at;
using testing::header_list;
using testing::make_request;

static_credentials doc_credentials() {
  return static_credentials(
      {{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""}});
}

struct v2_case {
  const char* name;
  const char* method;
  const char* target;
  header_list headers;
  const char* now;
};

std::vector<v2_case> guide_examples() {
  return {
      {"object get",
       "GET",
       "/photos/puppy.jpg",
       {{"Host", "awsexamplebucket1.us-west-1.s3.amazonaws.com"},
        {"Date", "Tue, 27 Mar 2007 19:36:42 +0000"},
        {"Authorization", "AWS AKIAIOSFODNN7EXAMPLE:qgk2+6Sv9/oM7G3qLEjTH1a1l1g="}},
       "2007-03-27T19:36:42Z"},
      {"object put",
       "PUT",
       "/photos/puppy.jpg",
       {{"Content-Type", "image/jpeg"},
        {"Content-Length", "94328"},
        {"Host", "awsexamplebucket1.s3.us-west-1.amazonaws.com"},
        {"Date", "Tue, 27 Mar 2007 21:15:45 +0000"},
        {"Authorization", "AWS AKIAIOSFODNN7EXAMPLE:iqRzw+ileNPu1fhspnRs8nOjjIA="}},
       "2007-03-27T21:15:45Z"},
      {"list",
       "GET",
       "/?prefix=photos&max-keys=50&marker=puppy",
       {{"User-Agent", "Mozilla/5.0"},
        {"Host", "awsexamplebucket1.s3.us-west-1.amazonaws.com"},
        {"Date", "Tue, 27 Mar 2007 19:42:41 +0000"},
        {"Authorization", "AWS AKIAIOSFODNN7EXAMPLE:m0WP8eCtspQl5Ahe6L1SozdX9YA="}},
       "2007-03-27T19:42:41Z"},
      {"fetch acl",
       "GET",
       "/?acl",
       {{"Host", "awsexamplebucket1.s3.us-west-1.amazonaws.com"},
        {"Date", "Tue, 27 Mar 2007 19:44:46 +0000"},
        {"Authorization", "AWS AKIAIOSFODNN7EXAMPLE:82ZHiFIjc+WbcwFKGUVEQspPn+0="}},
       "2007-03-27T19:44:46Z"},
      {"delete with x-amz-date",
       "DELETE",
       "/awsexamplebucket1/photos/puppy.jpg",
       {{"User-Agent", "dotnet"},
        {"Host", "s3.us-west-1.amazonaws.com"},
        {"Date", "Tue, 27 Mar 2007 21:20:27 +0000"},
        {"x-amz-date", "Tue, 27 Mar 2007 21:20:26 +0000"},
        {"Authorization", "AWS AKIAIOSFODNN7EXAMPLE:XbyTlbQdu9Xw5o8P4iMwPktxQd8="}},
       "2007-03-27T21:20:26Z"},
      {"upload with metadata to a CNAME bucket",
       "PUT",
       "/db-backup.dat.gz",
       {{"User-Agent", "curl/7.15.5"},
        {"Host", "static.awsexamplebucket1.net:8080"},
        {"Date", "Tue, 27 Mar 2007 21:06:08 +0000"},
        {"x-amz-acl", "public-read"},
        {"content-type", "application/x-download"},
        {"Content-MD5", "4gJE4saaMU4BqNR0kLY+lw=="},
        {"X-Amz-Meta-ReviewedBy", "joe@awsexamplebucket1.net"},
        {"X-Amz-Meta-ReviewedBy", "jane@awsexamplebucket1.net"},
        {"X-Amz-Meta-FileChecksum", "0x02661779"},
        {"X-Amz-Meta-ChecksumAlgorithm", "crc32"},
        {"Content-Disposition", "attachment; filename=database.dat"},
        {"Content-Encoding", "gzip"},
        {"Content-Length", "5913339"},
        {"Authorization", "AWS AKIAIOSFODNN7EXAMPLE:dKZcB+bz2EPXgSdXZp9ozGeOM4I="}},
       "2007-03-27T21:06:08Z"},
      {"list all my buckets",
       "GET",
       "/",
       {{"Host", "s3.us-west-1.amazonaws.com"},
        {"Date", "Wed, 28 Mar 2007 01:29:59 +0000"},
        {"Authorization", "AWS AKIAIOSFODNN7EXAMPLE:qGdzdERIC03wnaRNKh6OqZehG9s="}},
       "2007-03-28T01:29:59Z"},
      {"unicode keys",
       "GET",
       "/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re",
       {{"Host", "s3.us-west-1.amazonaws.com"},
        {"Date", "Wed, 28 Mar 2007 01:49:49 +0000"},
        {"Authorization", "AWS AKIAIOSFODNN7EXAMPLE:DNEZGsoieTZ92F3bUfSPQcbGmlM="}},
       "2007-03-28T01:49:49Z"},
  };
}

TEST(AuthSigV2, GuideExamplesVerify) {
  auto creds = doc_credentials();
  for (const auto& c : guide_examples()) {
    SCOPED_TRACE(c.name);
    auto v = verify(make_request(c.method, c.target, c.headers), creds, at(c.now));
    ASSERT_TRUE(v.ok()) << v.error().detail;
    EXPECT_EQ(v.identity().kind, scheme::sigv2_header);
    EXPECT_EQ(v.identity().service, "s3");
    EXPECT_FALSE(v.identity().signing.has_value());
  }
}

TEST(AuthSigV2, GuideExamplesRejectAlteredSignatureOrRequest) {
  auto creds = doc_credentials();
  for (const auto& c : guide_examples()) {
    SCOPED_TRACE(c.name);
    auto req = make_request(c.method, c.target, c.headers);
    auto sig = std::string(*req.header("Authorization"));
    req.headers.set("Authorization", testing::altered(sig, sig.size() - 3));
    auto v = verify(req, creds, at(c.now));
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().reason, failure_reason::signature_mismatch);

    req = make_request(c.method == std::string("GET") ? "HEAD" : "GET", c.target, c.headers);
    v = verify(req, creds, at(c.now));
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().reason, failure_reason::signature_mismatch);
  }
}

TEST(AuthSigV2, KnownVirtualHostBucketIsUsed) {
  auto c = guide_examples().front();
  verify_options options;
  options.virtual_host_bucket = "awsexamplebucket1";
  EXPECT_TRUE(
      verify(make_request(c.method, c.target, c.headers), doc_credentials(), at(c.now), options)
          .ok());
  options.virtual_host_bucket = "otherbucket";
  EXPECT_FALSE(
      verify(make_request(c.method, c.target, c.headers), doc_credentials(), at(c.now), options)
          .ok());
}

TEST(AuthSigV2, StringToSignOfTheUploadExample) {
  auto c = guide_examples()[5];
  auto req = make_request(c.method, c.target, c.headers);
  EXPECT_EQ(sigv2::canonical_amz_headers(req),
            "x-amz-acl:public-read\nx-amz-meta-checksumalgorithm:crc32\nx-amz-meta-filechecksum:"
            "0x02661779\n"
            "x-amz-meta-reviewedby:joe@awsexamplebucket1.net,jane@awsexamplebucket1.net\n");
  EXPECT_EQ(sigv2::canonical_resource(req, "/static.awsexamplebucket1.net"),
            "/static.awsexamplebucket1.net/db-backup.dat.gz");
}

TEST(AuthSigV2, SubresourcesAreSortedAndOtherParametersDropped) {
  auto req = make_request("GET", "/b/k?uploadId=a%2Fb&partNumber=2&max-parts=3&versionId", {});
  EXPECT_EQ(sigv2::canonical_resource(req, ""), "/b/k?partNumber=2&uploadId=a/b&versionId");
}

constexpr const char* johnsmith_query =
    "/photos/"
    "puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&"
    "Expires=1175139620";

TEST(AuthSigV2, QueryStringExampleVerifiesUntilExpires) {
  auto req = make_request("GET", johnsmith_query, {{"Host", "johnsmith.s3.amazonaws.com"}});
  auto v = verify(req, doc_credentials(), at("2007-03-29T03:40:20Z"));  // 1175139620
  ASSERT_TRUE(v.ok()) << v.error().detail;
  EXPECT_EQ(v.identity().kind, scheme::sigv2_query);
  v = verify(req, doc_credentials(), at("2007-03-29T03:40:21Z"));
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().reason, failure_reason::expired);
}

TEST(AuthSigV2, QueryStringSignatureWithUnencodedPlusStillVerifies) {
  auto req = make_request("GET",
                          "/photos/"
                          "puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM+"
                          "WFzoENXmpNDUsSn8=&Expires=1175139620",
                          {{"Host", "johnsmith.s3.amazonaws.com"}});
  EXPECT_TRUE(verify(req, doc_credentials(), at("2007-03-28T00:00:00Z")).ok());
}

TEST(AuthSigV2, QueryStringRejectsAlteration) {
  std::string target = johnsmith_query;
  auto later = target;
  later.replace(later.find("1175139620"), 10, "1175139621");
  for (const auto& t : {later, std::string(target).replace(1, 6, "photoz")}) {
    auto v = verify(make_request("GET", t, {{"Host", "johnsmith.s3.amazonaws.com"}}),
                    doc_credentials(), at("2007-03-28T00:00:00Z"));
    ASSERT_FALSE(v.ok()) << t;
    EXPECT_EQ(v.error().reason, failure_reason::signature_mismatch);
  }
}

TEST(AuthSigV2, HeaderDateOutsideSkewIsRejected) {
  auto c = guide_examples().front();
  auto v = verify(make_request(c.method, c.target, c.headers), doc_credentials(),
                  at("2007-03-27T19:52:43Z"));
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().reason, failure_reason::time_skewed);
  EXPECT_TRUE(verify(make_request(c.method, c.target, c.headers), doc_credentials(),
                     at("2007-03-27T19:51:42Z"))
                  .ok());
}

}  // namespace
}  // namespace hayloft::http::auth
