// Service tests: bucket versioning, version ids on every write, delete markers, versioned reads,
// copies and deletes, and ListObjectVersions' order and paging.
#include <nlohmann/json.hpp>

#include <cctype>

#include "tests/s3/fixture.h"

namespace hayloft::s3::testing {
namespace {

constexpr std::string_view enabled =
    "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>";
constexpr std::string_view suspended =
    "<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>";

class S3VersioningTest : public service_test {
 protected:
  void SetUp() override {
    service_test::SetUp();
    create("bkt");
  }
  void versioning(std::string_view doc, std::string_view bucket = "bkt") {
    auto r = call("PUT", "/" + std::string(bucket) + "?versioning", std::string(doc));
    ASSERT_EQ(r.status, 200u) << r.body;
  }
  // PUT and return the version id the answer carries.
  std::string put_version(std::string_view bucket_key, std::string body) {
    auto r = call("PUT", "/" + std::string(bucket_key), std::move(body));
    EXPECT_EQ(r.status, 200u) << r.body;
    return std::string(r.headers.value_or("x-amz-version-id", "<none>"));
  }
  // (element, key, version id, latest) of every Version/DeleteMarker in a ListVersionsResult.
  struct listed {
    std::string kind, key, version, latest;
    bool operator==(const listed&) const = default;
  };
  static std::vector<listed> versions_of(std::string_view xml) {
    std::vector<listed> out;
    std::size_t pos = 0;
    for (;;) {
      auto v = xml.find("<Version>", pos), d = xml.find("<DeleteMarker>", pos);
      if (v == std::string_view::npos && d == std::string_view::npos) break;
      bool marker = d < v;
      auto at = marker ? d : v;
      auto end = xml.find(marker ? "</DeleteMarker>" : "</Version>", at);
      auto part = xml.substr(at, end - at);
      out.push_back({marker ? "DeleteMarker" : "Version", xml_text(part, "Key"),
                     xml_text(part, "VersionId"), xml_text(part, "IsLatest")});
      pos = end;
    }
    return out;
  }
};

TEST_F(S3VersioningTest, ConfigurationStates) {
  auto r = call("GET", "/bkt?versioning");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(xml_text(r.body, "Status"), "<missing>");
  versioning(enabled);
  EXPECT_EQ(xml_text(call("GET", "/bkt?versioning").body, "Status"), "Enabled");
  versioning(suspended);
  EXPECT_EQ(xml_text(call("GET", "/bkt?versioning").body, "Status"), "Suspended");
  r = call("PUT", "/bkt?versioning",
           "<VersioningConfiguration><Status>On</Status></VersioningConfiguration>");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(xml_text(r.body, "Code"), "IllegalVersioningConfigurationException");
  r = call("PUT", "/bkt?versioning", "<Versioning><Status>Enabled</Status></Versioning>");
  EXPECT_EQ(xml_text(r.body, "Code"), "MalformedXML");
  // MfaDelete needs the MFA header; with it the setting is kept and returned.
  std::string mfa =
      "<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Enabled</MfaDelete>"
      "</VersioningConfiguration>";
  r = call("PUT", "/bkt?versioning", mfa);
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(xml_text(r.body, "Code"), "AccessDenied");
  r = call("PUT", "/bkt?versioning", mfa,
           {{"x-amz-mfa", "arn:aws:iam::000000000000:mfa/root 123456"}});
  EXPECT_EQ(r.status, 200u) << r.body;
  r = call("GET", "/bkt?versioning");
  EXPECT_EQ(xml_text(r.body, "Status"), "Enabled");
  EXPECT_EQ(xml_text(r.body, "MfaDelete"), "Enabled");
  // With MFA delete on, removing a version needs the MFA header; adding a marker does not.
  auto v = std::string(call("PUT", "/bkt/k", "x").headers.value_or("x-amz-version-id", ""));
  EXPECT_EQ(call("DELETE", "/bkt/k").status, 204u);
  r = call("DELETE", "/bkt/k?versionId=" + v);
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(xml_text(r.body, "Message"), "Mfa Authentication must be used for this request");
  r = call("POST", "/bkt?delete", "<Delete><Object><Key>k</Key><VersionId>" + v + "</VersionId></Object></Delete>");
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(call("DELETE", "/bkt/k?versionId=" + v, "", {{"x-amz-mfa", "serial 123456"}}).status, 204u);
  EXPECT_EQ(xml_text(call("PUT", "/nobkt?versioning", std::string(enabled)).body, "Code"),
            "NoSuchBucket");
}

TEST_F(S3VersioningTest, UnversionedBucketHasOnlyTheNullVersion) {
  auto r = call("PUT", "/bkt/k", "one");
  EXPECT_FALSE(r.headers.has("x-amz-version-id"));
  EXPECT_FALSE(call("GET", "/bkt/k").headers.has("x-amz-version-id"));
  EXPECT_EQ(call("GET", "/bkt/k?versionId=null").body, "one");
  r = call("GET", "/bkt/k?versionId=not-a-version");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidArgument");
  r = call("GET", "/bkt/k?versionId=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(xml_text(r.body, "Code"), "NoSuchVersion");
  EXPECT_EQ(xml_text(r.body, "VersionId"), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  put("bkt/k", "two");
  auto list = call("GET", "/bkt?versions");
  EXPECT_EQ(versions_of(list.body), (std::vector<listed>{{"Version", "k", "null", "true"}}));
  r = call("DELETE", "/bkt/k");
  EXPECT_EQ(r.status, 204u);
  EXPECT_FALSE(r.headers.has("x-amz-delete-marker"));
  EXPECT_EQ(xml_count(call("GET", "/bkt?versions").body, "Version"), 0u);
}

TEST_F(S3VersioningTest, EveryWriteMakesAVersion) {
  versioning(enabled);
  auto v1 = put_version("bkt/k", "first");
  auto v2 = put_version("bkt/k", "second");
  ASSERT_EQ(v1.size(), 32u);
  ASSERT_EQ(v2.size(), 32u);
  EXPECT_NE(v1, v2);
  for (char ch : v1)
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_') << v1;
  auto r = call("GET", "/bkt/k");
  EXPECT_EQ(r.body, "second");
  EXPECT_EQ(r.headers.value_or("x-amz-version-id", ""), v2);
  r = call("GET", "/bkt/k?versionId=" + v1);
  EXPECT_EQ(r.body, "first");
  EXPECT_EQ(r.headers.value_or("x-amz-version-id", ""), v1);
  r = call("HEAD", "/bkt/k?versionId=" + v1);
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.head_length.value_or(0), 5u);
  // Large bodies (files) are versions too.
  auto v3 = put_version("bkt/k", std::string(100000, 'x'));
  EXPECT_EQ(body_of(call("GET", "/bkt/k?versionId=" + v3)), std::string(100000, 'x'));
  EXPECT_EQ(call("GET", "/bkt/k?versionId=" + v2).body, "second");
  // Copy, including from an older version, and multipart completion.
  r = call("PUT", "/bkt/copy", "", {{"x-amz-copy-source", "/bkt/k?versionId=" + v1}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.headers.value_or("x-amz-copy-source-version-id", ""), v1);
  auto copy_version = std::string(r.headers.value_or("x-amz-version-id", ""));
  EXPECT_EQ(copy_version.size(), 32u);
  EXPECT_EQ(call("GET", "/bkt/copy").body, "first");
  // Copying an old version onto its own key restores it as the newest version.
  r = call("PUT", "/bkt/k", "", {{"x-amz-copy-source", "/bkt/k?versionId=" + v1}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(call("GET", "/bkt/k").body, "first");
  auto upload = xml_text(call("POST", "/bkt/mp?uploads").body, "UploadId");
  auto etag = std::string(
      call("PUT", "/bkt/mp?partNumber=1&uploadId=" + upload, "part").headers.value_or("ETag", ""));
  r = call("POST", "/bkt/mp?uploadId=" + upload,
           "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + etag +
               "</ETag></Part>"
               "</CompleteMultipartUpload>");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.headers.value_or("x-amz-version-id", "").size(), 32u);
  EXPECT_EQ(xml_count(call("GET", "/bkt?versions&prefix=k").body, "Version"), 4u);
}

TEST_F(S3VersioningTest, DeleteMarkers) {
  versioning(enabled);
  auto v1 = put_version("bkt/k", "body");
  auto r = call("DELETE", "/bkt/k");
  EXPECT_EQ(r.status, 204u);
  EXPECT_EQ(r.headers.value_or("x-amz-delete-marker", ""), "true");
  auto marker = std::string(r.headers.value_or("x-amz-version-id", ""));
  ASSERT_EQ(marker.size(), 32u);
  r = call("GET", "/bkt/k");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(xml_text(r.body, "Code"), "NoSuchKey");
  EXPECT_EQ(r.headers.value_or("x-amz-delete-marker", ""), "true");
  EXPECT_EQ(r.headers.value_or("x-amz-version-id", ""), marker);
  EXPECT_EQ(call("HEAD", "/bkt/k").status, 404u);
  r = call("GET", "/bkt/k?versionId=" + marker);
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(xml_text(r.body, "Code"), "MethodNotAllowed");
  EXPECT_EQ(xml_text(r.body, "ResourceType"), "DeleteMarker");
  EXPECT_EQ(r.headers.value_or("x-amz-delete-marker", ""), "true");
  EXPECT_TRUE(r.headers.has("Last-Modified"));
  EXPECT_EQ(call("HEAD", "/bkt/k?versionId=" + marker).status, 405u);
  EXPECT_EQ(call("GET", "/bkt/k?versionId=" + v1).body, "body");
  EXPECT_EQ(xml_count(call("GET", "/bkt?list-type=2").body, "Contents"), 0u);
  r = call("PUT", "/bkt/c", "", {{"x-amz-copy-source", "/bkt/k"}});
  EXPECT_EQ(xml_text(r.body, "Code"), "NoSuchKey");
  r = call("PUT", "/bkt/c", "", {{"x-amz-copy-source", "/bkt/k?versionId=" + marker}});
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidRequest");
  // A DELETE of a deleted key adds another marker.
  auto second = std::string(call("DELETE", "/bkt/k").headers.value_or("x-amz-version-id", ""));
  EXPECT_NE(second, marker);
  EXPECT_EQ(versions_of(call("GET", "/bkt?versions").body),
            (std::vector<listed>{{"DeleteMarker", "k", second, "true"},
                                 {"DeleteMarker", "k", marker, "false"},
                                 {"Version", "k", v1, "false"}}));
  // Deleting the markers by id brings the object back.
  r = call("DELETE", "/bkt/k?versionId=" + second);
  EXPECT_EQ(r.status, 204u);
  EXPECT_EQ(r.headers.value_or("x-amz-delete-marker", ""), "true");
  EXPECT_EQ(r.headers.value_or("x-amz-version-id", ""), second);
  ASSERT_EQ(call("DELETE", "/bkt/k?versionId=" + marker).status, 204u);
  r = call("GET", "/bkt/k");
  EXPECT_EQ(r.body, "body");
  EXPECT_EQ(r.headers.value_or("x-amz-version-id", ""), v1);
  // Deleting a version that does not exist is a success, as in S3; a malformed id is not.
  EXPECT_EQ(call("DELETE", "/bkt/k?versionId=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").status, 204u);
  EXPECT_EQ(xml_text(call("DELETE", "/bkt/k?versionId=bad").body, "Code"), "InvalidArgument");
  // Versions keep the bucket from being deleted until every one is gone.
  EXPECT_EQ(call("DELETE", "/bkt/k").status, 204u);
  EXPECT_EQ(xml_text(call("DELETE", "/bkt").body, "Code"), "BucketNotEmpty");
}

TEST_F(S3VersioningTest, SuspendedWritesReplaceOnlyTheNullVersion) {
  put("bkt/k", "pre");  // the null version, from before versioning
  versioning(enabled);
  auto v1 = put_version("bkt/k", "v1");
  versioning(suspended);
  EXPECT_EQ(put_version("bkt/k", "s1"), "null");
  EXPECT_EQ(put_version("bkt/k", "s2"), "null");
  EXPECT_EQ(versions_of(call("GET", "/bkt?versions").body),
            (std::vector<listed>{{"Version", "k", "null", "true"}, {"Version", "k", v1, "false"}}));
  EXPECT_EQ(call("GET", "/bkt/k?versionId=null").body, "s2");
  versioning(enabled);
  auto v2 = put_version("bkt/k", "v2");
  versioning(suspended);
  // The null version moves to the top when it is written again; v1 and v2 stay.
  auto r = call("DELETE", "/bkt/k");
  EXPECT_EQ(r.headers.value_or("x-amz-version-id", ""), "null");
  EXPECT_EQ(r.headers.value_or("x-amz-delete-marker", ""), "true");
  EXPECT_EQ(versions_of(call("GET", "/bkt?versions").body),
            (std::vector<listed>{{"DeleteMarker", "k", "null", "true"},
                                 {"Version", "k", v2, "false"},
                                 {"Version", "k", v1, "false"}}));
  EXPECT_EQ(put_version("bkt/k", "s3"), "null");
  EXPECT_EQ(versions_of(call("GET", "/bkt?versions").body),
            (std::vector<listed>{{"Version", "k", "null", "true"},
                                 {"Version", "k", v2, "false"},
                                 {"Version", "k", v1, "false"}}));
  EXPECT_EQ(call("GET", "/bkt/k").headers.value_or("x-amz-version-id", ""), "null");
  // Removing the latest version makes the newest remaining one the latest.
  ASSERT_EQ(call("DELETE", "/bkt/k?versionId=null").status, 204u);
  EXPECT_EQ(call("GET", "/bkt/k").body, "v2");
}

TEST_F(S3VersioningTest, ListObjectVersionsOrderAndPaging) {
  versioning(enabled);
  // Keys out of order, several versions each, a marker, and keys under "dir/".
  for (std::string key : {"b", "a", "dir/x", "c", "dir/y"}) put_version("bkt/" + key, "1");
  auto a2 = put_version("bkt/a", "2");
  auto a3 = put_version("bkt/a", "3");
  auto c_marker = std::string(call("DELETE", "/bkt/c").headers.value_or("x-amz-version-id", ""));
  auto full = versions_of(call("GET", "/bkt?versions").body);
  ASSERT_EQ(full.size(), 8u);
  EXPECT_EQ(full[0], (listed{"Version", "a", a3, "true"}));
  EXPECT_EQ(full[1], (listed{"Version", "a", a2, "false"}));
  EXPECT_EQ(full[2].key, "a");
  EXPECT_EQ(full[3].key, "b");
  EXPECT_EQ(full[4], (listed{"DeleteMarker", "c", c_marker, "true"}));
  EXPECT_EQ(full[5].key, "c");
  EXPECT_EQ(full[6].key, "dir/x");
  // Page through with every max-keys: the pages add up to the full listing.
  for (int max : {1, 2, 3, 4, 7, 8, 9}) {
    std::vector<listed> paged;
    std::string key_marker, version_marker;
    for (int guard = 0; guard < 20; ++guard) {
      std::string q = "/bkt?versions&max-keys=" + std::to_string(max);
      if (!key_marker.empty()) q += "&key-marker=" + core::url_encode(key_marker, false);
      if (!version_marker.empty()) q += "&version-id-marker=" + version_marker;
      auto r = call("GET", q);
      ASSERT_EQ(r.status, 200u) << r.body;
      auto page = versions_of(r.body);
      EXPECT_LE(page.size(), static_cast<std::size_t>(max));
      paged.insert(paged.end(), page.begin(), page.end());
      if (xml_text(r.body, "IsTruncated") != "true") break;
      key_marker = xml_text(r.body, "NextKeyMarker");
      version_marker = xml_text(r.body, "NextVersionIdMarker");
      EXPECT_EQ(key_marker, page.back().key);
      EXPECT_EQ(version_marker, page.back().version);
    }
    EXPECT_EQ(paged, full) << "max-keys " << max;
  }
  // Delimiter: "dir/" is one entry; paging over it does not repeat it.
  auto r = call("GET", "/bkt?versions&delimiter=/&max-keys=6");
  EXPECT_EQ(versions_of(r.body).size(), 6u);
  EXPECT_EQ(xml_text(r.body, "IsTruncated"), "true");
  r = call("GET", "/bkt?versions&delimiter=/&max-keys=7");
  EXPECT_EQ(xml_count(r.body, "CommonPrefixes"), 1u);
  EXPECT_EQ(xml_text(r.body, "NextKeyMarker"), "<missing>");
  r = call("GET", "/bkt?versions&delimiter=/&key-marker=dir/");
  EXPECT_EQ(xml_count(r.body, "CommonPrefixes"), 0u);
  EXPECT_EQ(versions_of(r.body).size(), 0u);
  r = call("GET", "/bkt?versions&prefix=dir/&delimiter=/");
  EXPECT_EQ(versions_of(r.body).size(), 2u);
  // key-marker alone starts after every version of that key.
  r = call("GET", "/bkt?versions&key-marker=a");
  EXPECT_EQ(versions_of(r.body).front().key, "b");
  // version-id-marker needs a key-marker and a well-formed id.
  r = call("GET", "/bkt?versions&version-id-marker=" + a2);
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidArgument");
  r = call("GET", "/bkt?versions&key-marker=a&version-id-marker=zz");
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidArgument");
  r = call("GET", "/bkt?versions&key-marker=a&version-id-marker=" + a3);
  auto after_a3 = versions_of(r.body);
  ASSERT_FALSE(after_a3.empty());
  EXPECT_EQ(after_a3.front(), (listed{"Version", "a", a2, "false"}));
}

TEST_F(S3VersioningTest, ListObjectVersionsUrlEncoding) {
  versioning(enabled);
  put_version("bkt/a%20b%01", "x");
  auto r = call("GET", "/bkt?versions&encoding-type=url");
  EXPECT_EQ(xml_text(r.body, "Key"), "a%20b%01");
  EXPECT_EQ(xml_text(r.body, "EncodingType"), "url");
  EXPECT_EQ(xml_text(call("GET", "/bkt?versions&encoding-type=xml").body, "Code"),
            "InvalidArgument");
}

TEST_F(S3VersioningTest, DeleteObjectsWithVersions) {
  versioning(enabled);
  auto v1 = put_version("bkt/a", "1");
  auto v2 = put_version("bkt/a", "2");
  auto b1 = put_version("bkt/b", "1");
  auto r = call("POST", "/bkt?delete",
                "<Delete><Object><Key>a</Key><VersionId>" + v1 +
                    "</VersionId></Object><Object><Key>b</Key></Object>"
                    "<Object><Key>a</Key><VersionId>bogus</VersionId></Object></Delete>");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(xml_count(r.body, "Deleted"), 2u);
  EXPECT_NE(r.body.find("<Deleted><Key>a</Key><VersionId>" + v1 + "</VersionId></Deleted>"),
            std::string::npos)
      << r.body;
  auto b_marker = xml_text(r.body, "DeleteMarkerVersionId");
  EXPECT_EQ(b_marker.size(), 32u);
  EXPECT_NE(r.body.find("<Deleted><Key>b</Key><DeleteMarker>true</DeleteMarker>"),
            std::string::npos)
      << r.body;
  EXPECT_NE(
      r.body.find("<Error><Key>a</Key><VersionId>bogus</VersionId><Code>NoSuchVersion</Code>"),
      std::string::npos)
      << r.body;
  EXPECT_EQ(versions_of(call("GET", "/bkt?versions").body),
            (std::vector<listed>{{"Version", "a", v2, "true"},
                                 {"DeleteMarker", "b", b_marker, "true"},
                                 {"Version", "b", b1, "false"}}));
  // Deleting the marker by version through DeleteObjects reports it as one.
  r = call("POST", "/bkt?delete",
           "<Delete><Object><Key>b</Key><VersionId>" + b_marker + "</VersionId></Object></Delete>");
  EXPECT_NE(r.body.find("<DeleteMarker>true</DeleteMarker><DeleteMarkerVersionId>" + b_marker),
            std::string::npos)
      << r.body;
  EXPECT_EQ(call("GET", "/bkt/b").body, "1");
}

TEST_F(S3VersioningTest, ObjectAclByVersion) {
  versioning(enabled);
  auto v1 = put_version("bkt/k", "1");
  put_version("bkt/k", "2");
  ASSERT_EQ(call("PUT", "/bkt/k?acl&versionId=" + v1, "", {{"x-amz-acl", "public-read"}}).status,
            200u);
  EXPECT_NE(call("GET", "/bkt/k?acl&versionId=" + v1).body.find("AllUsers"), std::string::npos);
  EXPECT_EQ(call("GET", "/bkt/k?acl").body.find("AllUsers"), std::string::npos);
  EXPECT_EQ(
      xml_text(call("GET", "/bkt/k?acl&versionId=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").body, "Code"),
      "NoSuchVersion");
}

TEST_F(S3VersioningTest, EventsCarryVersionIdsAndMarkerCreation) {
  ASSERT_EQ(
      call("PUT", "/bkt?notification",
           "<NotificationConfiguration><QueueConfiguration><Id>all</"
           "Id><Queue>arn:aws:sqs:us-east-1:0:q</Queue>"
           "<Event>s3:ObjectCreated:*</Event><Event>s3:ObjectRemoved:*</Event></QueueConfiguration>"
           "</NotificationConfiguration>")
          .status,
      200u);
  sink_.take();
  put("bkt/plain", "x");
  auto plain = nlohmann::json::parse(sink_.take().at(0).body);
  EXPECT_FALSE(plain["Records"][0]["s3"]["object"].contains("versionId"));
  versioning(enabled);
  auto v1 = put_version("bkt/k", "x");
  auto created = nlohmann::json::parse(sink_.take().at(0).body);
  EXPECT_EQ(created["Records"][0]["s3"]["object"]["versionId"], v1);
  auto marker = std::string(call("DELETE", "/bkt/k").headers.value_or("x-amz-version-id", ""));
  auto removed = nlohmann::json::parse(sink_.take().at(0).body);
  EXPECT_EQ(removed["Records"][0]["eventName"], "ObjectRemoved:DeleteMarkerCreated");
  EXPECT_EQ(removed["Records"][0]["s3"]["object"]["versionId"], marker);
  ASSERT_EQ(call("DELETE", "/bkt/k?versionId=" + v1).status, 204u);
  removed = nlohmann::json::parse(sink_.take().at(0).body);
  EXPECT_EQ(removed["Records"][0]["eventName"], "ObjectRemoved:Delete");
  EXPECT_EQ(removed["Records"][0]["s3"]["object"]["versionId"], v1);
  // Only a DELETE that removed or added something is an event.
  ASSERT_EQ(call("DELETE", "/bkt/k?versionId=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").status, 204u);
  EXPECT_TRUE(sink_.take().empty());
}

}  // namespace
}  // namespace hayloft::s3::testing
