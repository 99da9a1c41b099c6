// Service tests: multipart uploads.
#include "emulator/core/hash.h"
#include "tests/s3/fixture.h"

namespace hayloft::s3::testing {
namespace {

class S3MultipartTest : public service_test {
 protected:
  void SetUp() override {
    service_test::SetUp();
    create("bkt");
  }
  std::string initiate(std::string_view key, std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto r = call("POST", "/bkt/" + std::string(key) + "?uploads", "", std::move(headers));
    EXPECT_EQ(r.status, 200u) << r.body;
    return xml_text(r.body, "UploadId");
  }
  std::string part(std::string_view key, const std::string& id, int n, std::string data,
                   std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto r = call("PUT", "/bkt/" + std::string(key) + "?partNumber=" + std::to_string(n) + "&uploadId=" + id,
                  std::move(data), std::move(headers));
    EXPECT_EQ(r.status, 200u) << r.body;
    return std::string(r.headers.value_or("ETag", ""));
  }
  static std::string complete_body(const std::vector<std::pair<int, std::string>>& parts,
                                   const std::vector<std::string>& checksums = {}) {
    std::string b = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
    for (std::size_t i = 0; i < parts.size(); ++i) {
      b += "<Part><ETag>" + parts[i].second + "</ETag><PartNumber>" + std::to_string(parts[i].first) + "</PartNumber>";
      if (i < checksums.size()) b += "<ChecksumCRC32>" + checksums[i] + "</ChecksumCRC32>";
      b += "</Part>";
    }
    return b + "</CompleteMultipartUpload>";
  }
  static std::string etag_of(const std::vector<std::string>& parts) {
    std::string md5s;
    for (const auto& p : parts) md5s += core::md5_raw(p);
    return "\"" + core::md5_hex(md5s) + "-" + std::to_string(parts.size()) + "\"";
  }
};

TEST_F(S3MultipartTest, RealSizedUploadConcatenatesParts) {
  std::string p1(5 << 20, 'a'), p2(5 << 20, 'b'), p3(1234, 'c');
  for (std::size_t i = 0; i < p1.size(); i += 4096) p1[i] = static_cast<char>(i / 4096);
  auto id = initiate("big.bin", {{"Content-Type", "application/pdf"}, {"x-amz-meta-origin", "test"}});
  auto e1 = part("big.bin", id, 1, p1), e2 = part("big.bin", id, 2, p2), e3 = part("big.bin", id, 3, p3);
  EXPECT_EQ(e1, "\"" + core::md5_hex(p1) + "\"");
  auto r = call("POST", "/bkt/big.bin?uploadId=" + id, complete_body({{1, e1}, {2, e2}, {3, e3}}));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(xml_text(r.body, "ETag"), etag_of({p1, p2, p3}));
  EXPECT_EQ(xml_text(r.body, "Location"), "http://localhost:4566/bkt/big.bin");
  auto g = call("GET", "/bkt/big.bin");
  ASSERT_TRUE(g.file.has_value());
  EXPECT_EQ(g.file->length, p1.size() + p2.size() + p3.size());
  EXPECT_EQ(body_of(g), p1 + p2 + p3);
  EXPECT_EQ(g.headers.value_or("Content-Type", ""), "application/pdf");
  EXPECT_EQ(g.headers.value_or("x-amz-meta-origin", ""), "test");
  EXPECT_EQ(g.headers.value_or("ETag", ""), etag_of({p1, p2, p3}));
  g = call("GET", "/bkt/big.bin", "", {{"Range", "bytes=5242878-5242881"}});
  EXPECT_EQ(body_of(g), "aabb");
  // The upload is gone, its part files are removed after the grace period.
  EXPECT_EQ(xml_text(call("GET", "/bkt/big.bin?uploadId=" + id).body, "Code"), "NoSuchUpload");
  clock_->advance(std::chrono::seconds(60));
  EXPECT_EQ(blob_files(), 1u);
}

class S3SmallPartsTest : public S3MultipartTest {
 protected:
  options service_options() override {
    auto o = S3MultipartTest::service_options();
    o.min_part_size = 8;
    return o;
  }
};

TEST_F(S3SmallPartsTest, CompleteValidation) {
  auto id = initiate("k");
  auto e1 = part("k", id, 1, "0123456789");
  auto e2 = part("k", id, 2, "abc");
  auto e3 = part("k", id, 3, "xyz");
  struct {
    std::string body;
    std::string code;
  } cases[] = {
      {complete_body({{2, e2}, {1, e1}}), "InvalidPartOrder"},
      {complete_body({{1, e1}, {1, e1}}), "InvalidPartOrder"},
      {complete_body({{1, e1}, {4, e2}}), "InvalidPart"},
      {complete_body({{1, "\"00000000000000000000000000000000\""}}), "InvalidPart"},
      {complete_body({{1, e1}, {2, e2}, {3, e3}}), "EntityTooSmall"},
      {"<CompleteMultipartUpload>", "MalformedXML"},
      {"<CompleteMultipartUpload></CompleteMultipartUpload>", "MalformedXML"},
  };
  for (const auto& c : cases) {
    auto r = call("POST", "/bkt/k?uploadId=" + id, c.body);
    EXPECT_EQ(r.status, 400u) << c.body;
    EXPECT_EQ(xml_text(r.body, "Code"), c.code) << c.body;
  }
  // A subset of parts is fine: parts 1 and 3 only.
  auto r = call("POST", "/bkt/k?uploadId=" + id, complete_body({{1, e1}, {3, e3}}));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(call("GET", "/bkt/k").body, "0123456789xyz");
  EXPECT_EQ(xml_text(r.body, "ETag"), etag_of({"0123456789", "xyz"}));
  r = call("POST", "/bkt/k?uploadId=" + id, complete_body({{1, e1}}));
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(xml_text(r.body, "Code"), "NoSuchUpload");
  EXPECT_EQ(xml_text(r.body, "UploadId"), id);
  // Every part file was removed: only the (inline) object remains.
  clock_->advance(std::chrono::seconds(60));
  EXPECT_EQ(blob_files(), 0u);
}

TEST_F(S3SmallPartsTest, PartErrors) {
  auto id = initiate("k");
  auto r = call("PUT", "/bkt/k?partNumber=0&uploadId=" + id, "x");
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidArgument");
  r = call("PUT", "/bkt/k?partNumber=10001&uploadId=" + id, "x");
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidArgument");
  r = call("PUT", "/bkt/k?partNumber=1&uploadId=nope", "x");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(xml_text(r.body, "Code"), "NoSuchUpload");
  r = call("PUT", "/bkt/other?partNumber=1&uploadId=" + id, "x");
  EXPECT_EQ(xml_text(r.body, "Code"), "NoSuchUpload");
  r = call("PUT", "/bkt/k?partNumber=1&uploadId=" + id, "x", {{"Content-MD5", core::base64_encode(core::md5_raw("y"))}});
  EXPECT_EQ(xml_text(r.body, "Code"), "BadDigest");
  r = call("POST", "/nobkt/k?uploads");
  EXPECT_EQ(xml_text(r.body, "Code"), "NoSuchBucket");
}

TEST_F(S3SmallPartsTest, ReuploadedPartReplacesOld) {
  auto id = initiate("k");
  part("k", id, 1, "first version");
  auto e1 = part("k", id, 1, "second version");
  auto r = call("POST", "/bkt/k?uploadId=" + id, complete_body({{1, e1}}));
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(call("GET", "/bkt/k").body, "second version");
}

TEST_F(S3SmallPartsTest, AbortListPartsListUploads) {
  auto a = initiate("dir/a");
  clock_->advance(std::chrono::seconds(1));
  auto b = initiate("dir/b");
  auto c = initiate("other");
  for (int n = 1; n <= 3; ++n) part("dir/a", a, n, "part" + std::to_string(n));
  auto r = call("GET", "/bkt/dir/a?uploadId=" + a + "&max-parts=2");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(xml_count(r.body, "Part"), 2u);
  EXPECT_EQ(xml_text(r.body, "IsTruncated"), "true");
  EXPECT_EQ(xml_text(r.body, "NextPartNumberMarker"), "2");
  r = call("GET", "/bkt/dir/a?uploadId=" + a + "&part-number-marker=2");
  EXPECT_EQ(xml_count(r.body, "Part"), 1u);
  EXPECT_EQ(xml_text(r.body, "PartNumber"), "3");
  EXPECT_EQ(xml_text(r.body, "Size"), "5");
  r = call("GET", "/bkt?uploads");
  EXPECT_EQ(xml_count(r.body, "Upload"), 3u);
  r = call("GET", "/bkt?uploads&prefix=dir/");
  EXPECT_EQ(xml_count(r.body, "Upload"), 2u);
  r = call("GET", "/bkt?uploads&delimiter=/");
  EXPECT_EQ(xml_count(r.body, "Upload"), 1u);
  EXPECT_EQ(xml_text(r.body, "CommonPrefixes"), "<Prefix>dir/</Prefix>");
  r = call("GET", "/bkt?uploads&max-uploads=1");
  EXPECT_EQ(xml_text(r.body, "IsTruncated"), "true");
  EXPECT_EQ(xml_text(r.body, "NextUploadIdMarker"), a);
  r = call("GET", "/bkt?uploads&key-marker=dir/a&upload-id-marker=" + a);
  EXPECT_EQ(xml_count(r.body, "Upload"), 2u);
  EXPECT_EQ(call("DELETE", "/bkt/dir/a?uploadId=" + a).status, 204u);
  EXPECT_EQ(call("DELETE", "/bkt/dir/a?uploadId=" + a).status, 404u);
  EXPECT_EQ(xml_count(call("GET", "/bkt?uploads").body, "Upload"), 2u);
  clock_->advance(std::chrono::seconds(60));
  EXPECT_EQ(blob_files(), 0u);
  (void)b;
  (void)c;
}

TEST_F(S3SmallPartsTest, UploadPartCopy) {
  put("bkt/source", "0123456789ABCDEF");
  auto id = initiate("dest");
  auto r = call("PUT", "/bkt/dest?partNumber=1&uploadId=" + id, "",
                {{"x-amz-copy-source", "/bkt/source"}, {"x-amz-copy-source-range", "bytes=0-9"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  auto e1 = xml_text(r.body, "ETag");
  EXPECT_EQ(e1, "\"" + core::md5_hex("0123456789") + "\"");
  r = call("PUT", "/bkt/dest?partNumber=2&uploadId=" + id, "", {{"x-amz-copy-source", "bkt/source"}});
  auto e2 = xml_text(r.body, "ETag");
  r = call("PUT", "/bkt/dest?partNumber=3&uploadId=" + id, "",
           {{"x-amz-copy-source", "/bkt/source"}, {"x-amz-copy-source-range", "bytes=10-16"}});
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidArgument");
  r = call("POST", "/bkt/dest?uploadId=" + id, complete_body({{1, e1}, {2, e2}}));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(call("GET", "/bkt/dest").body, "01234567890123456789ABCDEF");
}

TEST_F(S3SmallPartsTest, CompositeChecksum) {
  auto id = initiate("ck", {{"x-amz-checksum-algorithm", "CRC32"}});
  std::string d1 = "first part data", d2 = "second";
  auto c1 = core::base64_encode(core::be_bytes(core::crc32(d1), 4));
  auto c2 = core::base64_encode(core::be_bytes(core::crc32(d2), 4));
  auto r = call("PUT", "/bkt/ck?partNumber=1&uploadId=" + id, d1,
                {{"x-amz-checksum-crc32", c1}, {"x-amz-sdk-checksum-algorithm", "CRC32"}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.headers.value_or("x-amz-checksum-crc32", ""), c1);
  auto e1 = std::string(r.headers.value_or("ETag", ""));
  // Without a checksum header the part checksum is computed from the upload's algorithm.
  r = call("PUT", "/bkt/ck?partNumber=2&uploadId=" + id, d2);
  EXPECT_EQ(r.headers.value_or("x-amz-checksum-crc32", ""), c2);
  auto e2 = std::string(r.headers.value_or("ETag", ""));
  r = call("POST", "/bkt/ck?uploadId=" + id, complete_body({{1, e1}, {2, e2}}, {c1, "AAAAAA=="}));
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidPart");
  r = call("POST", "/bkt/ck?uploadId=" + id, complete_body({{1, e1}, {2, e2}}, {c1, c2}));
  ASSERT_EQ(r.status, 200u) << r.body;
  auto composite = composite_checksum(checksum_algorithm::crc32, {c1, c2});
  EXPECT_EQ(xml_text(r.body, "ChecksumCRC32"), composite);
  EXPECT_EQ(xml_text(r.body, "ChecksumType"), "COMPOSITE");
  auto g = call("HEAD", "/bkt/ck", "", {{"x-amz-checksum-mode", "ENABLED"}});
  EXPECT_EQ(g.headers.value_or("x-amz-checksum-crc32", ""), composite);
  EXPECT_EQ(g.headers.value_or("x-amz-checksum-type", ""), "COMPOSITE");
}

TEST_F(S3SmallPartsTest, FullObjectChecksum) {
  auto id = initiate("full", {{"x-amz-checksum-algorithm", "CRC64NVME"}});
  std::string d1 = "0123456789", d2 = "tail";
  auto e1 = part("full", id, 1, d1), e2 = part("full", id, 2, d2);
  auto r = call("POST", "/bkt/full?uploadId=" + id, complete_body({{1, e1}, {2, e2}}));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(xml_text(r.body, "ChecksumCRC64NVME"), core::base64_encode(core::be_bytes(core::crc64nvme(d1 + d2), 8)));
  EXPECT_EQ(xml_text(r.body, "ChecksumType"), "FULL_OBJECT");
}

}  // namespace
}  // namespace hayloft::s3::testing
