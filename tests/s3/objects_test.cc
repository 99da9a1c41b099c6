// Service tests: object reads and writes, metadata, ranges, conditional requests, keys.
#include <chrono>

#include "emulator/core/hash.h"
#include "tests/s3/fixture.h"

namespace hayloft::s3::testing {
namespace {

class S3ObjectsTest : public service_test {
 protected:
  void SetUp() override {
    service_test::SetUp();
    create("bkt");
  }
};

TEST_F(S3ObjectsTest, PutGetHeadDelete) {
  auto etag = put("bkt/hello.txt", "hello", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(etag, "\"5d41402abc4b2a76b9719d911017c592\"");
  auto r = call("GET", "/bkt/hello.txt");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(r.headers.value_or("ETag", ""), etag);
  EXPECT_EQ(r.headers.value_or("Content-Type", ""), "text/plain");
  EXPECT_EQ(r.headers.value_or("Last-Modified", ""), "Thu, 01 Jan 2026 00:00:00 GMT");
  EXPECT_EQ(r.headers.value_or("Accept-Ranges", ""), "bytes");
  EXPECT_FALSE(r.headers.value_or("x-amz-request-id", "").empty());
  r = call("HEAD", "/bkt/hello.txt");
  EXPECT_EQ(r.status, 200u);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.head_length, 5u);
  EXPECT_EQ(call("DELETE", "/bkt/hello.txt").status, 204u);
  r = call("GET", "/bkt/hello.txt");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(xml_text(r.body, "Code"), "NoSuchKey");
  EXPECT_EQ(xml_text(r.body, "Key"), "hello.txt");
  r = call("HEAD", "/bkt/hello.txt");
  EXPECT_EQ(r.status, 404u);
  EXPECT_TRUE(r.body.empty());
  // Deleting a missing key succeeds, as in S3.
  EXPECT_EQ(call("DELETE", "/bkt/hello.txt").status, 204u);
  EXPECT_EQ(xml_text(call("GET", "/nobkt/k").body, "Code"), "NoSuchBucket");
  EXPECT_EQ(xml_text(call("PUT", "/nobkt/k", "x").body, "Code"), "NoSuchBucket");
}

TEST_F(S3ObjectsTest, DefaultContentTypeAndEmptyObject) {
  put("bkt/empty", "");
  auto r = call("GET", "/bkt/empty");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.headers.value_or("Content-Type", ""), "binary/octet-stream");
  EXPECT_EQ(r.headers.value_or("ETag", ""), "\"d41d8cd98f00b204e9800998ecf8427e\"");
}

TEST_F(S3ObjectsTest, OverwriteReplacesAndLastModifiedMoves) {
  put("bkt/k", "one");
  clock_->advance(std::chrono::seconds(90));
  put("bkt/k", "two");
  auto r = call("GET", "/bkt/k");
  EXPECT_EQ(r.body, "two");
  EXPECT_EQ(r.headers.value_or("Last-Modified", ""), "Thu, 01 Jan 2026 00:01:30 GMT");
}

TEST_F(S3ObjectsTest, MetadataAndContentHeaders) {
  put("bkt/meta", "body",
      {{"x-amz-meta-Author", "Ada"},
       {"x-amz-meta-empty", ""},
       {"Content-Encoding", "gzip"},
       {"Content-Disposition", "attachment; filename=\"a.txt\""},
       {"Content-Language", "de"},
       {"Cache-Control", "max-age=60"},
       {"Expires", "Thu, 01 Jan 2027 00:00:00 GMT"},
       {"x-amz-storage-class", "STANDARD_IA"}});
  for (auto method : {"GET", "HEAD"}) {
    auto r = call(method, "/bkt/meta");
    EXPECT_EQ(r.headers.value_or("x-amz-meta-author", "<none>"), "Ada");
    EXPECT_EQ(r.headers.value_or("x-amz-meta-empty", "<none>"), "");
    EXPECT_EQ(r.headers.value_or("Content-Encoding", ""), "gzip");
    EXPECT_EQ(r.headers.value_or("Content-Disposition", ""), "attachment; filename=\"a.txt\"");
    EXPECT_EQ(r.headers.value_or("Content-Language", ""), "de");
    EXPECT_EQ(r.headers.value_or("Cache-Control", ""), "max-age=60");
    EXPECT_EQ(r.headers.value_or("Expires", ""), "Thu, 01 Jan 2027 00:00:00 GMT");
    EXPECT_EQ(r.headers.value_or("x-amz-storage-class", ""), "STANDARD_IA");
  }
  auto r = call("GET", "/bkt/meta?response-content-type=text%2Fcsv&response-cache-control=no-cache"
                       "&response-content-disposition=inline");
  EXPECT_EQ(r.headers.value_or("Content-Type", ""), "text/csv");
  EXPECT_EQ(r.headers.value_or("Cache-Control", ""), "no-cache");
  EXPECT_EQ(r.headers.value_or("Content-Disposition", ""), "inline");
  std::size_t cache_controls = 0;
  for (const auto& [k, v] : r.headers)
    if (core::iequals(k, "Cache-Control")) ++cache_controls;
  EXPECT_EQ(cache_controls, 1u);
  EXPECT_EQ(xml_text(call("PUT", "/bkt/m2", "x", {{"x-amz-meta-big", std::string(3000, 'v')}}).body, "Code"),
            "MetadataTooLarge");
  EXPECT_EQ(xml_text(call("PUT", "/bkt/m2", "x", {{"x-amz-storage-class", "COLD"}}).body, "Code"),
            "InvalidStorageClass");
}

TEST_F(S3ObjectsTest, RangedGet) {
  put("bkt/digits", "0123456789");
  struct {
    std::string range;
    unsigned status;
    std::string body, content_range;
  } cases[] = {
      {"bytes=0-3", 206, "0123", "bytes 0-3/10"},
      {"bytes=7-", 206, "789", "bytes 7-9/10"},
      {"bytes=-2", 206, "89", "bytes 8-9/10"},
      {"bytes=5-100", 206, "56789", "bytes 5-9/10"},
      {"bytes=9-2", 200, "0123456789", ""},
      {"bytes=10-", 416, "", "bytes */10"},
      {"bytes=99999999999999999999-", 416, "", "bytes */10"},
      {"bytes=0-99999999999999999999", 206, "0123456789", "bytes 0-9/10"},
      {"bytes=-99999999999999999999", 206, "0123456789", "bytes 0-9/10"},
      {"bytes=0-1,3-4", 200, "0123456789", ""},
      {"bytes=abc", 200, "0123456789", ""},
  };
  for (const auto& c : cases) {
    auto r = call("GET", "/bkt/digits", "", {{"Range", c.range}});
    EXPECT_EQ(r.status, c.status) << c.range;
    if (c.status == 416) {
      EXPECT_EQ(xml_text(r.body, "Code"), "InvalidRange");
    } else {
      EXPECT_EQ(r.body, c.body) << c.range;
    }
    EXPECT_EQ(r.headers.value_or("Content-Range", ""), c.content_range) << c.range;
  }
  auto head = call("HEAD", "/bkt/digits", "", {{"Range", "bytes=2-4"}});
  EXPECT_EQ(head.status, 206u);
  EXPECT_EQ(head.head_length, 3u);
}

TEST_F(S3ObjectsTest, ConditionalReads) {
  auto etag = put("bkt/c", "content");
  struct {
    std::string method, header, value;
    unsigned status;
  } cases[] = {
      {"GET", "If-Match", etag, 200},
      {"GET", "If-Match", "\"nope\"", 412},
      {"HEAD", "If-Match", "\"nope\"", 412},
      {"GET", "If-None-Match", etag, 304},
      {"HEAD", "If-None-Match", etag, 304},
      {"GET", "If-None-Match", "\"other\"", 200},
      {"GET", "If-Modified-Since", "Thu, 01 Jan 2026 00:00:00 GMT", 304},
      {"GET", "If-Modified-Since", "Wed, 31 Dec 2025 23:59:59 GMT", 200},
      {"GET", "If-Unmodified-Since", "Wed, 31 Dec 2025 23:59:59 GMT", 412},
      {"GET", "If-Unmodified-Since", "Thu, 01 Jan 2026 00:00:00 GMT", 200},
  };
  for (const auto& c : cases) {
    auto r = call(c.method, "/bkt/c", "", {{c.header, c.value}});
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.header << ": " << c.value;
    if (c.status == 304) {
      EXPECT_TRUE(r.body.empty());
      EXPECT_EQ(r.headers.value_or("ETag", ""), etag);
    }
    if (c.status == 412 && c.method == "GET") {
      EXPECT_EQ(xml_text(r.body, "Code"), "PreconditionFailed");
    }
    if (c.method == "HEAD") {
      EXPECT_TRUE(r.body.empty());
    }
  }
}

TEST_F(S3ObjectsTest, ConditionalWrites) {
  put("bkt/w", "v1");
  auto r = call("PUT", "/bkt/w", "v2", {{"If-None-Match", "*"}});
  EXPECT_EQ(r.status, 412u);
  EXPECT_EQ(call("GET", "/bkt/w").body, "v1");
  EXPECT_EQ(call("PUT", "/bkt/new", "n", {{"If-None-Match", "*"}}).status, 200u);
  EXPECT_EQ(call("PUT", "/bkt/w", "v3", {{"If-Match", "\"wrong\""}}).status, 412u);
  auto etag = std::string(call("HEAD", "/bkt/w").headers.value_or("ETag", ""));
  EXPECT_EQ(call("PUT", "/bkt/w", "v3", {{"If-Match", etag}}).status, 200u);
  EXPECT_EQ(call("GET", "/bkt/w").body, "v3");
  EXPECT_EQ(call("PUT", "/bkt/absent", "x", {{"If-Match", etag}}).status, 404u);
}

TEST_F(S3ObjectsTest, KeysAreNeverPaths) {
  const std::string keys[] = {"../../etc/passwd", "a/../../b", "a//b", std::string("nul\0byte", 8), "sp ace+plus",
                              "unicode/\xC3\xA9t\xC3\xA9", std::string(1024, 'k')};
  for (const auto& key : keys) {
    auto target = "/bkt/" + core::url_encode(key, true);
    ASSERT_EQ(call("PUT", target, "data:" + key).status, 200u) << key;
  }
  for (const auto& key : keys) {
    auto r = call("GET", "/bkt/" + core::url_encode(key, true));
    EXPECT_EQ(r.body, "data:" + key);
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / "etc"));
  auto r = call("PUT", "/bkt/" + std::string(1025, 'k'), "x");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(xml_text(r.body, "Code"), "KeyTooLongError");
  auto list = call("GET", "/bkt?list-type=2&encoding-type=url");
  EXPECT_NE(list.body.find("<Key>nul%00byte</Key>"), std::string::npos) << list.body;
  EXPECT_NE(list.body.find("<Key>../../etc/passwd</Key>"), std::string::npos);
  // Without encoding-type the NUL is written as S3 writes it, a character reference: never raw.
  list = call("GET", "/bkt?list-type=2");
  EXPECT_NE(list.body.find("<Key>nul&#x0;byte</Key>"), std::string::npos) << list.body;
  EXPECT_EQ(list.body.find('\0'), std::string::npos);
}

TEST_F(S3ObjectsTest, KeysThatAreNotUtf8AreInvalidUri) {
  for (auto target : {"/bkt/a%FFb", "/bkt/%C0%AF", "/bkt/%ED%A0%80", "/bkt/trunc%E2%82"}) {
    for (auto method : {"PUT", "GET", "HEAD", "DELETE"}) {
      auto r = call(method, target, std::string(method) == "PUT" ? "x" : "");
      EXPECT_EQ(r.status, 400u) << method << " " << target;
      if (std::string(method) != "HEAD") {
        EXPECT_EQ(xml_text(r.body, "Code"), "InvalidURI") << target;
      }
    }
  }
  auto r = call("GET", "/bkt?list-type=2&prefix=%FF");
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidURI");
  EXPECT_EQ(xml_text(r.body, "Message"), "Couldn't parse the specified URI.");
  r = call("PUT", "/bkt/dst", "", {{"x-amz-copy-source", "/bkt/a%FF"}});
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidArgument");
  // Nothing was stored, so every listing stays UTF-8.
  EXPECT_EQ(xml_count(call("GET", "/bkt?list-type=2").body, "Contents"), 0u);
}

TEST_F(S3ObjectsTest, ResponseOverridesCannotSplitHeaders) {
  put("bkt/k", "x");
  auto r = call("GET", "/bkt/k?response-content-type=text%2Fplain%0D%0AX-Evil%3A%201");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidArgument");
  r = call("GET", "/bkt/k?response-content-type=text%2Fplain%3B%09charset%3Dutf-8");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.headers.value_or("Content-Type", ""), "text/plain;\tcharset=utf-8");
}

TEST_F(S3ObjectsTest, DeleteObjectsDocumentsAreBounded) {
  put("bkt/k", "x");
  std::string many = "<Delete>";
  for (int i = 0; i < 1001; ++i) many += "<Object><Key>k</Key></Object>";
  many += "</Delete>";
  auto r = call("POST", "/bkt?delete", many);
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(xml_text(r.body, "Code"), "MalformedXML");
  for (std::string body : {"<!DOCTYPE d [<!ENTITY e \"k\">]><Delete><Object><Key>&e;</Key></Object></Delete>",
                           "<Delete><Object><Key>\xff</Key></Object></Delete>",
                           "<Delete><Object><Key>&#x1;</Key></Object></Delete>"}) {
    r = call("POST", "/bkt?delete", body);
    EXPECT_EQ(xml_text(r.body, "Code"), "MalformedXML") << body;
  }
  EXPECT_EQ(call("GET", "/bkt/k").status, 200u);
}

TEST_F(S3ObjectsTest, LargeBodiesAreFilesStreamedByTheEdge) {
  std::string big(300000, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  auto etag = put("bkt/big", big);
  EXPECT_EQ(etag, "\"" + core::md5_hex(big) + "\"");
  EXPECT_EQ(blob_files(), 1u);
  auto r = call("GET", "/bkt/big");
  ASSERT_TRUE(r.file.has_value());
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.file->length, big.size());
  EXPECT_EQ(body_of(r), big);
  r = call("GET", "/bkt/big", "", {{"Range", "bytes=1000-1999"}});
  EXPECT_EQ(r.status, 206u);
  EXPECT_EQ(body_of(r), big.substr(1000, 1000));
  // Overwriting keeps the old file until the grace period passed (a stream may hold it).
  put("bkt/big", "small now");
  EXPECT_EQ(blob_files(), 1u);
  clock_->advance(std::chrono::seconds(31));
  EXPECT_EQ(blob_files(), 0u);
  EXPECT_EQ(call("GET", "/bkt/big").body, "small now");
}

TEST_F(S3ObjectsTest, SpilledBodyFileIsRenamedIntoPlace) {
  auto req = make_request("PUT", "/bkt/spilled");
  auto tmp = store_->blobs().make_temp();
  std::string payload(2 << 20, 'z');
  {
    std::ofstream out(tmp.path(), std::ios::binary);
    out << payload;
  }
  req.body_file = std::move(tmp);
  req.body_size = payload.size();
  req.headers.set("Content-Length", std::to_string(payload.size()));
  auto r = call(std::move(req));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.headers.value_or("ETag", ""), "\"" + core::md5_hex(payload) + "\"");
  auto get = call("GET", "/bkt/spilled");
  EXPECT_EQ(body_of(get), payload);
}

TEST_F(S3ObjectsTest, ObjectAcl) {
  put("bkt/acl", "x", {{"x-amz-acl", "public-read"}});
  auto r = call("GET", "/bkt/acl?acl");
  EXPECT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("AllUsers"), std::string::npos);
  EXPECT_NE(r.body.find("<Permission>FULL_CONTROL</Permission>"), std::string::npos);
  EXPECT_EQ(call("PUT", "/bkt/acl?acl", "", {{"x-amz-acl", "private"}}).status, 200u);
  EXPECT_EQ(call("GET", "/bkt/acl?acl").body.find("AllUsers"), std::string::npos);
  EXPECT_EQ(xml_text(call("PUT", "/bkt/acl?acl", "<NotAcl/>").body, "Code"), "MalformedACLError");
  EXPECT_EQ(xml_text(call("GET", "/bkt/none?acl").body, "Code"), "NoSuchKey");
  EXPECT_EQ(xml_text(call("PUT", "/bkt/x", "x", {{"x-amz-acl", "nope"}}).body, "Code"), "InvalidArgument");
}

TEST_F(S3ObjectsTest, DeleteObjects) {
  for (auto k : {"a", "b", "c"}) put("bkt/" + std::string(k), k);
  std::string body =
      "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>a</Key></Object><Object><Key>b</Key>"
      "</Object><Object><Key>missing</Key></Object></Delete>";
  auto r = call("POST", "/bkt?delete", body, {{"Content-MD5", core::base64_encode(core::md5_raw(body))}});
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(xml_count(r.body, "Deleted"), 3u);
  EXPECT_EQ(call("GET", "/bkt/a").status, 404u);
  EXPECT_EQ(call("GET", "/bkt/c").status, 200u);
  r = call("POST", "/bkt?delete", "<Delete><Quiet>true</Quiet><Object><Key>c</Key></Object></Delete>");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(xml_count(r.body, "Deleted"), 0u);
  EXPECT_EQ(call("GET", "/bkt/c").status, 404u);
  EXPECT_EQ(xml_text(call("POST", "/bkt?delete", "<Delete><Object>").body, "Code"), "MalformedXML");
  EXPECT_EQ(xml_text(call("POST", "/bkt?delete", std::string(5 << 20, ' ')).body, "Code"), "MaxMessageLengthExceeded");
  EXPECT_EQ(xml_text(call("POST", "/bkt?delete", body, {{"Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg=="}}).body, "Code"),
            "BadDigest");
}

TEST_F(S3ObjectsTest, CopyObject) {
  put("bkt/src key", "copy me", {{"Content-Type", "text/plain"}, {"x-amz-meta-a", "1"}});
  auto r = call("PUT", "/bkt/dst", "", {{"x-amz-copy-source", "/bkt/src%20key"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(xml_text(r.body, "ETag"), "\"" + core::md5_hex("copy me") + "\"");
  EXPECT_EQ(xml_text(r.body, "LastModified"), "2026-01-01T00:00:00.000Z");
  auto g = call("GET", "/bkt/dst");
  EXPECT_EQ(g.body, "copy me");
  EXPECT_EQ(g.headers.value_or("x-amz-meta-a", ""), "1");
  EXPECT_EQ(g.headers.value_or("Content-Type", ""), "text/plain");
  r = call("PUT", "/bkt/dst2", "",
           {{"x-amz-copy-source", "bkt/src%20key"}, {"x-amz-metadata-directive", "REPLACE"},
            {"Content-Type", "application/json"}, {"x-amz-meta-b", "2"}});
  ASSERT_EQ(r.status, 200u);
  g = call("GET", "/bkt/dst2");
  EXPECT_EQ(g.headers.value_or("x-amz-meta-a", "<none>"), "<none>");
  EXPECT_EQ(g.headers.value_or("x-amz-meta-b", ""), "2");
  EXPECT_EQ(g.headers.value_or("Content-Type", ""), "application/json");
  // Copy onto itself needs a change.
  r = call("PUT", "/bkt/dst", "", {{"x-amz-copy-source", "/bkt/dst"}});
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidRequest");
  r = call("PUT", "/bkt/dst", "", {{"x-amz-copy-source", "/bkt/dst"}, {"x-amz-metadata-directive", "REPLACE"}});
  EXPECT_EQ(r.status, 200u);
  r = call("PUT", "/bkt/x", "", {{"x-amz-copy-source", "/bkt/nothing"}});
  EXPECT_EQ(xml_text(r.body, "Code"), "NoSuchKey");
  EXPECT_EQ(xml_text(r.body, "Key"), "nothing");
  r = call("PUT", "/bkt/x", "", {{"x-amz-copy-source", "/nobucket/k"}});
  EXPECT_EQ(xml_text(r.body, "Code"), "NoSuchBucket");
  // The error names what is missing: the source bucket, not the destination.
  EXPECT_EQ(xml_text(r.body, "BucketName"), "nobucket");
  r = call("PUT", "/nodest/x", "", {{"x-amz-copy-source", "/bkt/dst"}});
  EXPECT_EQ(xml_text(r.body, "BucketName"), "nodest");
  r = call("PUT", "/bkt/x", "", {{"x-amz-copy-source", "/bkt/dst"}, {"x-amz-metadata-directive", "MOVE"}});
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidArgument");
  r = call("PUT", "/bkt/x", "", {{"x-amz-copy-source", "/bkt/dst"}, {"x-amz-copy-source-if-match", "\"no\""}});
  EXPECT_EQ(r.status, 412u);
}

TEST_F(S3ObjectsTest, CopyLargeObject) {
  std::string big(500000, 'q');
  put("bkt/big", big, {{"x-amz-checksum-crc32", core::base64_encode(core::be_bytes(core::crc32(big), 4))}});
  auto r = call("PUT", "/bkt/big-copy", "", {{"x-amz-copy-source", "/bkt/big"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  auto g = call("GET", "/bkt/big-copy", "", {{"x-amz-checksum-mode", "ENABLED"}});
  EXPECT_EQ(body_of(g), big);
  EXPECT_EQ(g.headers.value_or("x-amz-checksum-crc32", ""), core::base64_encode(core::be_bytes(core::crc32(big), 4)));
  r = call("PUT", "/bkt/big-sha", "", {{"x-amz-copy-source", "/bkt/big"}, {"x-amz-checksum-algorithm", "SHA256"}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(xml_text(r.body, "ChecksumSHA256"), core::base64_encode(core::sha256_raw(big)));
}

TEST_F(S3ObjectsTest, MissingContentLength) {
  auto req = make_request("PUT", "/bkt/nolen");
  req.headers.erase("Content-Length");
  auto r = call(std::move(req));
  EXPECT_EQ(r.status, 411u);
  EXPECT_EQ(xml_text(r.body, "Code"), "MissingContentLength");
}

TEST_F(S3ObjectsTest, UnsupportedSubresources) {
  put("bkt/k", "x");
  for (auto target : {"/bkt/k?torrent"}) {
    auto r = call("GET", target);
    EXPECT_EQ(r.status, 501u) << target;
    EXPECT_EQ(xml_text(r.body, "Code"), "NotImplemented");
  }
  EXPECT_EQ(call("POST", "/bkt/k").status, 405u);
}

}  // namespace
}  // namespace hayloft::s3::testing
