// Service tests: ListObjects v1 and v2.
#include "emulator/core/hash.h"
#include "tests/s3/fixture.h"

namespace hayloft::s3::testing {
namespace {

class S3ListingTest : public service_test {
 protected:
  void SetUp() override {
    service_test::SetUp();
    create("bkt");
    for (auto k : {"a.txt", "dir/one", "dir/sub/two", "dir/three", "dir2/x", "z", "sp ace"}) put("bkt/" + std::string(k), "v");
  }
  std::vector<std::string> keys(const std::string& xml) {
    std::vector<std::string> out;
    for (auto pos = xml.find("<Key>"); pos != std::string::npos; pos = xml.find("<Key>", pos + 1))
      out.push_back(xml.substr(pos + 5, xml.find("</Key>", pos) - pos - 5));
    return out;
  }
  std::vector<std::string> prefixes(const std::string& xml) {
    std::vector<std::string> out;
    for (auto pos = xml.find("<CommonPrefixes><Prefix>"); pos != std::string::npos;
         pos = xml.find("<CommonPrefixes><Prefix>", pos + 1))
      out.push_back(xml.substr(pos + 24, xml.find("</Prefix>", pos + 24) - pos - 24));
    return out;
  }
  using strings = std::vector<std::string>;
};

TEST_F(S3ListingTest, V2PrefixDelimiter) {
  struct {
    std::string query;
    strings keys, prefixes;
  } cases[] = {
      {"", {"a.txt", "dir/one", "dir/sub/two", "dir/three", "dir2/x", "sp ace", "z"}, {}},
      {"&prefix=dir/", {"dir/one", "dir/sub/two", "dir/three"}, {}},
      {"&delimiter=/", {"a.txt", "sp ace", "z"}, {"dir/", "dir2/"}},
      {"&prefix=dir/&delimiter=/", {"dir/one", "dir/three"}, {"dir/sub/"}},
      {"&prefix=dir&delimiter=/", {}, {"dir/", "dir2/"}},
      {"&start-after=dir/three", {"dir2/x", "sp ace", "z"}, {}},
      {"&prefix=nothing", {}, {}},
      {"&delimiter=e", {"a.txt", "dir/sub/two", "dir2/x", "z"}, {"dir/one", "dir/thre", "sp ace"}},
  };
  for (const auto& c : cases) {
    auto r = call("GET", "/bkt?list-type=2" + c.query);
    ASSERT_EQ(r.status, 200u) << r.body;
    auto ks = keys(r.body);
    std::sort(ks.begin(), ks.end());
    auto want = c.keys;
    std::sort(want.begin(), want.end());
    EXPECT_EQ(ks, want) << c.query;
    EXPECT_EQ(prefixes(r.body), c.prefixes) << c.query;
    EXPECT_EQ(xml_text(r.body, "KeyCount"), std::to_string(c.keys.size() + c.prefixes.size())) << c.query;
  }
}

TEST_F(S3ListingTest, V2PaginationVisitsEverythingOnce) {
  for (int max : {1, 2, 3}) {
    for (std::string delim : {"", "/"}) {
      std::vector<std::string> seen;
      std::string token;
      int pages = 0;
      for (;;) {
        std::string q = "/bkt?list-type=2&max-keys=" + std::to_string(max) + (delim.empty() ? "" : "&delimiter=/");
        if (!token.empty()) q += "&continuation-token=" + core::url_encode(token);
        auto r = call("GET", q);
        ASSERT_EQ(r.status, 200u) << r.body;
        for (auto& k : keys(r.body)) seen.push_back(k);
        for (auto& p : prefixes(r.body)) seen.push_back(p);
        ASSERT_LE(keys(r.body).size() + prefixes(r.body).size(), static_cast<std::size_t>(max));
        ++pages;
        ASSERT_LT(pages, 20);
        if (xml_text(r.body, "IsTruncated") != "true") break;
        token = xml_text(r.body, "NextContinuationToken");
      }
      std::vector<std::string> expected =
          delim.empty() ? std::vector<std::string>{"a.txt", "dir/one", "dir/sub/two", "dir/three", "dir2/x", "sp ace", "z"}
                        : std::vector<std::string>{"a.txt", "dir/", "dir2/", "sp ace", "z"};
      std::sort(expected.begin(), expected.end());
      std::sort(seen.begin(), seen.end());
      EXPECT_EQ(seen, expected) << "max-keys=" << max << " delimiter=" << delim;
    }
  }
}

TEST_F(S3ListingTest, V1MarkerAndNextMarker) {
  auto r = call("GET", "/bkt?max-keys=2");
  EXPECT_EQ(keys(r.body), (strings{"a.txt", "dir/one"}));
  EXPECT_EQ(xml_text(r.body, "IsTruncated"), "true");
  EXPECT_EQ(xml_text(r.body, "NextMarker"), "<missing>");  // only with a delimiter
  EXPECT_EQ(xml_count(r.body, "Owner"), 2u);               // v1 always lists owners
  r = call("GET", "/bkt?marker=dir/one&max-keys=2");
  EXPECT_EQ(keys(r.body), (strings{"dir/sub/two", "dir/three"}));
  EXPECT_EQ(xml_text(r.body, "Marker"), "dir/one");
  r = call("GET", "/bkt?delimiter=/&max-keys=2");
  EXPECT_EQ(keys(r.body), (strings{"a.txt"}));
  EXPECT_EQ(prefixes(r.body), (strings{"dir/"}));
  EXPECT_EQ(xml_text(r.body, "NextMarker"), "dir/");
  r = call("GET", "/bkt?delimiter=/&max-keys=2&marker=dir/");
  EXPECT_EQ(prefixes(r.body), (strings{"dir2/"}));
  EXPECT_EQ(keys(r.body), (strings{"sp ace"}));
}

TEST_F(S3ListingTest, EncodingFetchOwnerAndMaxKeysZero) {
  auto r = call("GET", "/bkt?list-type=2&encoding-type=url&prefix=sp%20");
  EXPECT_EQ(keys(r.body), (strings{"sp%20ace"}));
  EXPECT_EQ(xml_text(r.body, "Prefix"), "sp%20");
  EXPECT_EQ(xml_text(r.body, "EncodingType"), "url");
  EXPECT_EQ(xml_count(r.body, "Owner"), 0u);
  r = call("GET", "/bkt?list-type=2&fetch-owner=true&prefix=z");
  EXPECT_EQ(xml_count(r.body, "Owner"), 1u);
  EXPECT_EQ(xml_text(r.body, "ETag"), "\"9e3669d19b675bd57058fd4664205d2a\"");
  EXPECT_EQ(xml_text(r.body, "Size"), "1");
  EXPECT_EQ(xml_text(r.body, "LastModified"), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(xml_text(r.body, "StorageClass"), "STANDARD");
  r = call("GET", "/bkt?list-type=2&max-keys=0");
  EXPECT_EQ(keys(r.body).size(), 0u);
  EXPECT_EQ(xml_text(r.body, "MaxKeys"), "0");
}

TEST_F(S3ListingTest, ObjectVersionsOfUnversionedBucket) {
  auto r = call("GET", "/bkt?versions&prefix=dir/&delimiter=/");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(keys(r.body), (strings{"dir/one", "dir/three"}));
  EXPECT_EQ(prefixes(r.body), (strings{"dir/sub/"}));
  EXPECT_EQ(xml_text(r.body, "VersionId"), "null");
  EXPECT_EQ(xml_text(r.body, "IsLatest"), "true");
  r = call("GET", "/bkt?versions&max-keys=3");
  EXPECT_EQ(keys(r.body), (strings{"a.txt", "dir/one", "dir/sub/two"}));
  EXPECT_EQ(xml_text(r.body, "IsTruncated"), "true");
  EXPECT_EQ(xml_text(r.body, "NextKeyMarker"), "dir/sub/two");
  r = call("GET", "/bkt?versions&key-marker=dir/sub/two&version-id-marker=null");
  EXPECT_EQ(keys(r.body), (strings{"dir/three", "dir2/x", "sp ace", "z"}));
  EXPECT_EQ(xml_text(call("GET", "/nobkt?versions").body, "Code"), "NoSuchBucket");
}

TEST_F(S3ListingTest, ContinuationTokensHayloftDidNotIssueAreIncorrect) {
  auto first = call("GET", "/bkt?list-type=2&max-keys=2");
  auto token = xml_text(first.body, "NextContinuationToken");
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(call("GET", "/bkt?list-type=2&continuation-token=" + core::url_encode(token)).status, 200u);
  create("other");
  for (std::string bad : {core::base64_encode("garbage"), std::string("garbage"), std::string("!!"), std::string(),
                          core::base64_encode("dir/one"), core::base64_encode(std::string(5000, 'k')),
                          std::string(100000, 'A')}) {
    auto r = call("GET", "/bkt?list-type=2&continuation-token=" + core::url_encode(bad));
    EXPECT_EQ(r.status, 400u) << bad;
    EXPECT_EQ(xml_text(r.body, "Code"), "InvalidArgument");
    EXPECT_EQ(xml_text(r.body, "Message"), "The continuation token provided is incorrect");
  }
  // A token is bound to the bucket it was issued for.
  auto r = call("GET", "/other?list-type=2&continuation-token=" + core::url_encode(token));
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidArgument");
}

}  // namespace
}  // namespace hayloft::s3::testing
