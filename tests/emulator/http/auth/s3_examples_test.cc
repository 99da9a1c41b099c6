// The worked S3 examples of the AWS documentation (AKIAIOSFODNN7EXAMPLE /
// wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, us-east-1, 20130524T000000Z): header-signed GET
// with Range, PUT, GET ?lifecycle, GET ?max-keys&prefix; the presigned GET; and the
// chunk-signed PUT with its seed and chunk signatures. Sources in emulator/http/auth/README.md.
#include <gtest/gtest.h>

#include "emulator/core/hash.h"
#include "emulator/http/auth/canonical.h"
#include "emulator/http/auth/chunk_signer.h"
#include "emulator/http/auth/sigv4.h"
#include "emulator/http/auth/verify.h"
#include "tests/emulator/http/auth/test_support.h"

namespace hayloft::http::auth {
namespace {

using testing::at;
using testing::header_list;
using testing::make_request;

constexpr const char* empty_hash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* credential =
    "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request";
const core::time_point doc_now = at("2013-05-24T00:00:00Z");

static_credentials doc_credentials() {
  return static_credentials(
      {{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""}});
}

std::string authorization(std::string_view signed_headers, std::string_view signature) {
  return std::string("AWS4-HMAC-SHA256 ") + credential +
         ",SignedHeaders=" + std::string(signed_headers) + ",Signature=" + std::string(signature);
}

core::request get_object(std::string_view signature) {
  return make_request(
      "GET", "/test.txt",
      {{"Host", "examplebucket.s3.amazonaws.com"},
       {"Range", "bytes=0-9"},
       {"x-amz-content-sha256", empty_hash},
       {"x-amz-date", "20130524T000000Z"},
       {"Authorization", authorization("host;range;x-amz-content-sha256;x-amz-date", signature)}});
}

TEST(AuthS3Examples, GetObjectCanonicalRequestAndStringToSign) {
  auto req = get_object("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  auto creq = sigv4::canonical_request(
      "GET", canonical_uri_s3(req.raw_path).front(), canonical_query(req.raw_query).front(),
      sigv4::canonical_headers(req, {"host", "range", "x-amz-content-sha256", "x-amz-date"}),
      "host;range;x-amz-content-sha256;x-amz-date", empty_hash);
  EXPECT_EQ(
      creq,
      "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sigv4::string_to_sign("20130524T000000Z", "20130524/us-east-1/s3/aws4_request", creq),
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
}

TEST(AuthS3Examples, GetObjectWithRangeVerifies) {
  auto v = verify(get_object("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"),
                  doc_credentials(), doc_now);
  ASSERT_TRUE(v.ok()) << v.error().detail;
  EXPECT_EQ(v.identity().service, "s3");
  EXPECT_EQ(v.identity().payload_hash, empty_hash);
  EXPECT_TRUE(payload_claim_is_digest(v.identity().payload_hash));

  v = verify(get_object("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb42"),
             doc_credentials(), doc_now);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().reason, failure_reason::signature_mismatch);
}

TEST(AuthS3Examples, PutObjectWithDollarInKeyVerifies) {
  const std::string body = "Welcome to Amazon S3.";
  ASSERT_EQ(core::sha256_hex(body),
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  header_list headers{
      {"Host", "examplebucket.s3.amazonaws.com"},
      {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
      {"x-amz-date", "20130524T000000Z"},
      {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
      {"x-amz-content-sha256", core::sha256_hex(body)},
      {"Authorization",
       authorization("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
                     "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")}};
  // The key "test$file.text" as a client may send it: '$' raw or percent-encoded.
  for (const char* target : {"/test$file.text", "/test%24file.text"}) {
    SCOPED_TRACE(target);
    auto v = verify(make_request("PUT", target, headers, body), doc_credentials(), doc_now);
    ASSERT_TRUE(v.ok()) << v.error().detail;
    EXPECT_EQ(v.identity().payload_hash,
              "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  }
  EXPECT_EQ(canonical_uri_s3("/test$file.text").front(), "/test%24file.text");
  auto moved = make_request("PUT", "/test$file.txt", headers, body);
  EXPECT_FALSE(verify(moved, doc_credentials(), doc_now).ok());
}

TEST(AuthS3Examples, BucketSubresourceAndListingQueriesVerify) {
  struct {
    const char* target;
    const char* signature;
  } cases[] = {
      {"/?lifecycle", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"},
      {"/?max-keys=2&prefix=J", "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"},
      {"/?prefix=J&max-keys=2",
       "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.target);
    auto req = make_request(
        "GET", c.target,
        {{"Host", "examplebucket.s3.amazonaws.com"},
         {"x-amz-content-sha256", empty_hash},
         {"x-amz-date", "20130524T000000Z"},
         {"Authorization", authorization("host;x-amz-content-sha256;x-amz-date", c.signature)}});
    auto v = verify(req, doc_credentials(), doc_now);
    EXPECT_TRUE(v.ok()) << v.error().detail;
  }
  EXPECT_EQ(canonical_query("lifecycle").front(), "lifecycle=");
}

constexpr const char* presigned_target =
    "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%"
    "2Fus-east-1%2Fs3%2F"
    "aws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-"
    "Signature="
    "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

TEST(AuthS3Examples, PresignedGetVerifiesUntilItExpires) {
  auto req = make_request("GET", presigned_target, {{"Host", "examplebucket.s3.amazonaws.com"}});
  for (const char* when :
       {"2013-05-24T00:00:00Z", "2013-05-24T13:00:00Z", "2013-05-25T00:00:00Z"}) {
    SCOPED_TRACE(when);
    auto v = verify(req, doc_credentials(), at(when));
    ASSERT_TRUE(v.ok()) << v.error().detail;
    EXPECT_EQ(v.identity().kind, scheme::sigv4_query);
    EXPECT_EQ(v.identity().payload_hash, "UNSIGNED-PAYLOAD");
  }
  auto v = verify(req, doc_credentials(), at("2013-05-25T00:00:01Z"));
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().reason, failure_reason::expired);

  v = verify(req, doc_credentials(), at("2013-05-23T23:30:00Z"));
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().reason, failure_reason::not_yet_valid);
  // Within the allowed skew a URL dated slightly ahead is accepted.
  EXPECT_TRUE(verify(req, doc_credentials(), at("2013-05-23T23:50:00Z")).ok());
}

TEST(AuthS3Examples, PresignedGetRejectsTampering) {
  std::string target = presigned_target;
  auto other_key = target;
  other_key.replace(1, 4, "tost");
  auto longer = target;
  longer.replace(longer.find("86400"), 5, "86401");
  for (const auto& t : {other_key, longer, testing::altered(target, target.size() - 1)}) {
    auto v = verify(make_request("GET", t, {{"Host", "examplebucket.s3.amazonaws.com"}}),
                    doc_credentials(), doc_now);
    ASSERT_FALSE(v.ok()) << t;
    EXPECT_EQ(v.error().reason, failure_reason::signature_mismatch);
  }
  auto v = verify(make_request("GET", presigned_target, {{"Host", "otherbucket.s3.amazonaws.com"}}),
                  doc_credentials(), doc_now);
  EXPECT_FALSE(v.ok());
}

// "Signature Calculations for the Authorization Header: Transferring Payload in Multiple Chunks".
core::request chunked_seed_request(std::string_view signature) {
  return make_request(
      "PUT", "/examplebucket/chunkObject.txt",
      {{"Host", "s3.amazonaws.com"},
       {"x-amz-date", "20130524T000000Z"},
       {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
       {"Authorization", authorization("content-encoding;content-length;host;x-amz-content-sha256;"
                                       "x-amz-date;x-amz-decoded-content-"
                                       "length;x-amz-storage-class",
                                       signature)},
       {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
       {"Content-Encoding", "aws-chunked"},
       {"x-amz-decoded-content-length", "66560"},
       {"Content-Length", "66824"}});
}

constexpr const char* seed_signature =
    "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
constexpr const char* chunk1 = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
constexpr const char* chunk2 = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
constexpr const char* chunk3 = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

TEST(AuthS3Examples, ChunkedUploadSeedSignatureVerifies) {
  auto v = verify(chunked_seed_request(seed_signature), doc_credentials(), doc_now);
  ASSERT_TRUE(v.ok()) << v.error().detail;
  EXPECT_EQ(v.identity().payload_hash, streaming_signed_payload);
  EXPECT_FALSE(payload_claim_is_digest(v.identity().payload_hash));
  ASSERT_TRUE(v.identity().signing.has_value());
  EXPECT_EQ(v.identity().signing->signature, seed_signature);
  EXPECT_EQ(v.identity().signing->scope, "20130524/us-east-1/s3/aws4_request");
  EXPECT_EQ(v.identity().signing->amz_date, "20130524T000000Z");
}

TEST(AuthChunkSigner, DocumentedChunkSignaturesChainFromTheSeed) {
  auto v = verify(chunked_seed_request(seed_signature), doc_credentials(), doc_now);
  ASSERT_TRUE(v.ok());
  chunk_signer signer(*v.identity().signing);
  EXPECT_EQ(signer.expected_next(std::string(65536, 'a')), chunk1);
  EXPECT_TRUE(signer.verify_next(std::string(65536, 'a'), chunk1));
  EXPECT_TRUE(signer.verify_next(std::string(1024, 'a'), chunk2));
  EXPECT_TRUE(signer.verify_next("", chunk3));
  EXPECT_EQ(signer.previous_signature(), chunk3);
}

TEST(AuthChunkSigner, RejectsAlteredDataSignaturesAndOrder) {
  auto v = verify(chunked_seed_request(seed_signature), doc_credentials(), doc_now);
  ASSERT_TRUE(v.ok());
  chunk_signer signer(*v.identity().signing);
  auto data = std::string(65536, 'a');
  data[1000] = 'b';
  EXPECT_FALSE(signer.verify_next(data, chunk1));
  EXPECT_FALSE(signer.verify_next(std::string(65536, 'a'), testing::altered(chunk1, 10)));
  EXPECT_FALSE(signer.verify_next(std::string(1024, 'a'), chunk2));  // chunk 2 before chunk 1
  EXPECT_EQ(signer.previous_signature(), seed_signature);            // failures do not advance
  EXPECT_TRUE(signer.verify_next_digest(core::sha256_hex(std::string(65536, 'a')), chunk1));
  EXPECT_FALSE(signer.verify_next("", chunk3));  // chunk 2 skipped
  EXPECT_TRUE(signer.verify_next(std::string(1024, 'a'), chunk2));
}

// "Signature calculations for trailing headers": the documented seed and chain, taken as given.
TEST(AuthChunkSigner, DocumentedTrailerChainVerifies) {
  signing_context seed{
      sigv4::signing_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524", "us-east-1", "s3"),
      "20130524T000000Z", "20130524/us-east-1/s3/aws4_request",
      "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"};
  chunk_signer signer(seed);
  EXPECT_TRUE(signer.verify_next(
      std::string(65536, 'a'), "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2"));
  EXPECT_TRUE(signer.verify_next(
      std::string(1024, 'a'), "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7"));
  EXPECT_TRUE(
      signer.verify_next("", "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992"));
  const std::string trailer_sig =
      "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435";
  EXPECT_FALSE(signer.verify_trailer("x-amz-checksum-crc32c:sOO8/A==\n", trailer_sig));
  EXPECT_TRUE(signer.verify_trailer("x-amz-checksum-crc32c:sOO8/Q==\n", trailer_sig));
}

}  // namespace
}  // namespace hayloft::http::auth
