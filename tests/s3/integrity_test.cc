// Service tests: Content-MD5, x-amz-checksum-*, x-amz-content-sha256 and aws-chunked bodies.
#include "emulator/core/hash.h"
#include "tests/s3/fixture.h"

namespace hayloft::s3::testing {
namespace {

class S3IntegrityTest : public service_test {
 protected:
  void SetUp() override {
    service_test::SetUp();
    create("bkt");
  }
};

std::string b64_md5(std::string_view s) { return core::base64_encode(core::md5_raw(s)); }
std::string b64_crc32(std::string_view s) { return core::base64_encode(core::be_bytes(core::crc32(s), 4)); }

// aws-chunked encoding of `data` in chunks of `chunk` bytes, with optional signatures/trailer.
std::string chunked(std::string_view data, std::size_t chunk, bool signed_chunks, std::string trailer = {}) {
  std::string out;
  char hex[32];
  auto header = [&](std::size_t n) {
    std::snprintf(hex, sizeof hex, "%zx", n);
    out += hex;
    if (signed_chunks) out += ";chunk-signature=" + std::string(64, 'f');
    out += "\r\n";
  };
  for (std::size_t i = 0; i < data.size(); i += chunk) {
    auto part = data.substr(i, chunk);
    header(part.size());
    out.append(part);
    out += "\r\n";
  }
  header(0);
  if (!trailer.empty()) out += trailer + "\r\n";
  out += "\r\n";
  return out;
}

TEST_F(S3IntegrityTest, ContentMd5) {
  EXPECT_EQ(call("PUT", "/bkt/a", "hello", {{"Content-MD5", b64_md5("hello")}}).status, 200u);
  auto r = call("PUT", "/bkt/a", "hello", {{"Content-MD5", b64_md5("other")}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(xml_text(r.body, "Code"), "BadDigest");
  r = call("PUT", "/bkt/a", "hello", {{"Content-MD5", "not-base64!"}});
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidDigest");
  r = call("PUT", "/bkt/a", "hello", {{"Content-MD5", core::base64_encode("short")}});
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidDigest");
}

TEST_F(S3IntegrityTest, ChecksumHeadersVerifiedStoredAndReturned) {
  struct {
    std::string header, value, algorithm;
  } cases[] = {
      {"x-amz-checksum-crc32", b64_crc32("hello"), "CRC32"},
      {"x-amz-checksum-crc32c", core::base64_encode(core::be_bytes(core::crc32c("hello"), 4)), "CRC32C"},
      {"x-amz-checksum-crc64nvme", core::base64_encode(core::be_bytes(core::crc64nvme("hello"), 8)), "CRC64NVME"},
      {"x-amz-checksum-sha1", core::base64_encode(core::sha1_raw("hello")), "SHA1"},
      {"x-amz-checksum-sha256", core::base64_encode(core::sha256_raw("hello")), "SHA256"},
  };
  for (const auto& c : cases) {
    auto key = "/bkt/" + c.algorithm;
    auto r = call("PUT", key, "hello", {{c.header, c.value}, {"x-amz-sdk-checksum-algorithm", c.algorithm}});
    ASSERT_EQ(r.status, 200u) << c.header << r.body;
    EXPECT_EQ(r.headers.value_or(c.header, ""), c.value);
    for (auto method : {"GET", "HEAD"}) {
      auto g = call(method, key, "", {{"x-amz-checksum-mode", "ENABLED"}});
      EXPECT_EQ(g.headers.value_or(c.header, ""), c.value) << method << " " << c.header;
      EXPECT_EQ(g.headers.value_or("x-amz-checksum-type", ""), "FULL_OBJECT");
    }
    EXPECT_FALSE(call("GET", key).headers.has(c.header));
    // A range is not the whole object: no full-object checksum.
    EXPECT_FALSE(call("GET", key, "", {{"x-amz-checksum-mode", "ENABLED"}, {"Range", "bytes=0-1"}}).headers.has(c.header));
    r = call("PUT", key, "hellO", {{c.header, c.value}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(xml_text(r.body, "Code"), "BadDigest");
    EXPECT_EQ(xml_text(r.body, "Message"), "The " + c.algorithm + " you specified did not match the calculated checksum.");
  }
  auto r = call("PUT", "/bkt/x", "hello", {{"x-amz-checksum-crc32", "abc"}});
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidRequest");
  EXPECT_EQ(xml_text(r.body, "Message"), "Value for x-amz-checksum-crc32 header is invalid.");
}

TEST_F(S3IntegrityTest, SdkAlgorithmWithoutValueIsComputed) {
  auto r = call("PUT", "/bkt/computed", "hello", {{"x-amz-sdk-checksum-algorithm", "CRC32"}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.headers.value_or("x-amz-checksum-crc32", ""), b64_crc32("hello"));
  r = call("PUT", "/bkt/computed", "hello", {{"x-amz-sdk-checksum-algorithm", "MD4"}});
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidRequest");
}

TEST_F(S3IntegrityTest, ContentSha256Mismatch) {
  EXPECT_EQ(call("PUT", "/bkt/s", "hello", {{"x-amz-content-sha256", core::sha256_hex("hello")}}).status, 200u);
  EXPECT_EQ(call("PUT", "/bkt/s", "hello", {{"x-amz-content-sha256", "UNSIGNED-PAYLOAD"}}).status, 200u);
  auto r = call("PUT", "/bkt/s", "hello", {{"x-amz-content-sha256", core::sha256_hex("bye")}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(xml_text(r.body, "Code"), "XAmzContentSHA256Mismatch");
}

TEST_F(S3IntegrityTest, SignedAwsChunked) {
  std::string data(100000, 'x');
  auto r = call("PUT", "/bkt/signed", chunked(data, 65536, true),
                {{"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
                 {"Content-Encoding", "aws-chunked"},
                 {"x-amz-decoded-content-length", std::to_string(data.size())}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.headers.value_or("ETag", ""), "\"" + core::md5_hex(data) + "\"");
  auto g = call("GET", "/bkt/signed");
  EXPECT_EQ(body_of(g), data);
  // aws-chunked is a transfer detail: it is not stored as the object's Content-Encoding.
  EXPECT_FALSE(g.headers.has("Content-Encoding"));
}

TEST_F(S3IntegrityTest, UnsignedTrailerChecksum) {
  for (std::size_t size : {std::size_t{11}, std::size_t{300000}}) {
    std::string data(size, 't');
    auto body = chunked(data, 8192, false, "x-amz-checksum-crc32:" + b64_crc32(data));
    auto r = call("PUT", "/bkt/trailer", body,
                  {{"x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"},
                   {"Content-Encoding", "aws-chunked"},
                   {"x-amz-trailer", "x-amz-checksum-crc32"},
                   {"x-amz-sdk-checksum-algorithm", "CRC32"},
                   {"x-amz-decoded-content-length", std::to_string(size)}});
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.headers.value_or("x-amz-checksum-crc32", ""), b64_crc32(data));
    auto g = call("GET", "/bkt/trailer", "", {{"x-amz-checksum-mode", "ENABLED"}});
    EXPECT_EQ(body_of(g), data);
    EXPECT_EQ(g.headers.value_or("x-amz-checksum-crc32", ""), b64_crc32(data));
    auto bad = chunked(data, 8192, false, "x-amz-checksum-crc32:" + b64_crc32("different"));
    r = call("PUT", "/bkt/trailer", bad,
             {{"x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"},
              {"x-amz-trailer", "x-amz-checksum-crc32"},
              {"x-amz-decoded-content-length", std::to_string(size)}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(xml_text(r.body, "Code"), "BadDigest");
    EXPECT_EQ(xml_text(r.body, "Message"), "The CRC32 you specified did not match the calculated checksum.");
  }
}

TEST_F(S3IntegrityTest, ChunkedErrors) {
  std::string data = "hello";
  auto r = call("PUT", "/bkt/c", chunked(data, 2, true),
                {{"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
                 {"x-amz-decoded-content-length", "6"}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(xml_text(r.body, "Code"), "IncompleteBody");
  r = call("PUT", "/bkt/c", "5\r\nhel", {{"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"}});
  EXPECT_EQ(xml_text(r.body, "Code"), "IncompleteBody");
  r = call("PUT", "/bkt/c", chunked(data, 2, false),
           {{"x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"}, {"x-amz-trailer", "x-amz-checksum-crc32"}});
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidRequest");
  EXPECT_EQ(call("GET", "/bkt/c").status, 404u);
}

TEST_F(S3IntegrityTest, EntityTooLarge) {
  auto r = call("PUT", "/bkt/huge", "x", {{"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
                                          {"x-amz-decoded-content-length", std::to_string(6ull << 30)}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(xml_text(r.body, "Code"), "EntityTooLarge");
}

}  // namespace
}  // namespace hayloft::s3::testing
