// Service tests: Object Lock on a manual clock: the bucket configuration, default retention,
// per-request lock headers, retention and legal-hold operations, and enforcement with and without
// x-amz-bypass-governance-retention.
#include "tests/s3/fixture.h"

namespace hayloft::s3::testing {
namespace {

class S3ObjectLockTest : public service_test {
 protected:
  void SetUp() override {
    service_test::SetUp();
    auto r = call("PUT", "/locked", "", {{"x-amz-bucket-object-lock-enabled", "true"}});
    ASSERT_EQ(r.status, 200u) << r.body;
  }
  std::string put_version(std::string_view bucket_key, std::string body,
                          std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto r = call("PUT", "/" + std::string(bucket_key), std::move(body), std::move(headers));
    EXPECT_EQ(r.status, 200u) << r.body;
    return std::string(r.headers.value_or("x-amz-version-id", ""));
  }
  void advance_days(int days) { clock_->advance(std::chrono::hours(24 * days)); }
  static std::string retention(std::string_view mode, std::string_view until) {
    return "<Retention><Mode>" + std::string(mode) + "</Mode><RetainUntilDate>" +
           std::string(until) + "</RetainUntilDate></Retention>";
  }
};

TEST_F(S3ObjectLockTest, CreateBucketWithLockEnablesVersioningForGood) {
  EXPECT_EQ(xml_text(call("GET", "/locked?versioning").body, "Status"), "Enabled");
  auto r = call("GET", "/locked?object-lock");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(xml_text(r.body, "ObjectLockEnabled"), "Enabled");
  r = call("PUT", "/locked?versioning",
           "<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>");
  EXPECT_EQ(r.status, 409u);
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidBucketState");
  create("plain");
  r = call("GET", "/plain?object-lock");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(xml_text(r.body, "Code"), "ObjectLockConfigurationNotFoundError");
  // Lock can be turned on later, once versioning is Enabled.
  std::string config =
      "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></"
      "ObjectLockConfiguration>";
  r = call("PUT", "/plain?object-lock", config);
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidBucketState");
  ASSERT_EQ(call("PUT", "/plain?versioning",
                 "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>")
                .status,
            200u);
  EXPECT_EQ(call("PUT", "/plain?object-lock", config).status, 200u);
  // Lock headers on a bucket without Object Lock are refused.
  create("nolock");
  r = call("PUT", "/nolock/k", "x",
           {{"x-amz-object-lock-mode", "GOVERNANCE"},
            {"x-amz-object-lock-retain-until-date", "2026-02-01T00:00:00Z"}});
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidRequest");
  EXPECT_EQ(xml_text(call("GET", "/nolock/k?retention").body, "Code"), "InvalidRequest");
}

TEST_F(S3ObjectLockTest, ConfigurationValidation) {
  auto put = [&](std::string rule) {
    return call("PUT", "/locked?object-lock",
                "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled>" + rule +
                    "</ObjectLockConfiguration>");
  };
  EXPECT_EQ(
      xml_text(put("<Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days><Years>1</Years>"
                   "</DefaultRetention></Rule>")
                   .body,
               "Code"),
      "MalformedXML");
  EXPECT_EQ(xml_text(put("<Rule><DefaultRetention><Days>1</Days></DefaultRetention></Rule>").body,
                     "Code"),
            "MalformedXML");
  EXPECT_EQ(xml_text(put("<Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>0</Days></"
                         "DefaultRetention></Rule>")
                         .body,
                     "Code"),
            "InvalidArgument");
  EXPECT_EQ(xml_text(call("PUT", "/locked?object-lock",
                          "<ObjectLockConfiguration><ObjectLockEnabled>Disabled"
                          "</ObjectLockEnabled></ObjectLockConfiguration>")
                         .body,
                     "Code"),
            "MalformedXML");
  auto r = put(
      "<Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Years>1</Years></DefaultRetention></Rule>");
  ASSERT_EQ(r.status, 200u) << r.body;
  r = call("GET", "/locked?object-lock");
  EXPECT_EQ(xml_text(r.body, "Mode"), "COMPLIANCE");
  EXPECT_EQ(xml_text(r.body, "Years"), "1");
}

TEST_F(S3ObjectLockTest, DefaultRetentionProtectsUntilTheClockPassesIt) {
  ASSERT_EQ(call("PUT", "/locked?object-lock",
                 "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</"
                 "ObjectLockEnabled><Rule><DefaultRetention>"
                 "<Mode>GOVERNANCE</Mode><Days>3</Days></DefaultRetention></Rule></"
                 "ObjectLockConfiguration>")
                .status,
            200u);
  auto v = put_version("locked/k", "data");
  auto head = call("HEAD", "/locked/k");
  EXPECT_EQ(head.headers.value_or("x-amz-object-lock-mode", ""), "GOVERNANCE");
  EXPECT_EQ(head.headers.value_or("x-amz-object-lock-retain-until-date", ""),
            "2026-01-04T00:00:00.000Z");
  auto r = call("GET", "/locked/k?retention");
  EXPECT_EQ(xml_text(r.body, "Mode"), "GOVERNANCE");
  // A plain DELETE only adds a marker; removing the version is refused while it is retained.
  EXPECT_EQ(call("DELETE", "/locked/k").status, 204u);
  r = call("DELETE", "/locked/k?versionId=" + v);
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(xml_text(r.body, "Code"), "AccessDenied");
  r = call("POST", "/locked?delete",
           "<Delete><Object><Key>k</Key><VersionId>" + v + "</VersionId></Object></Delete>");
  EXPECT_NE(
      r.body.find("<Error><Key>k</Key><VersionId>" + v + "</VersionId><Code>AccessDenied</Code>"),
      std::string::npos)
      << r.body;
  advance_days(2);
  EXPECT_EQ(call("DELETE", "/locked/k?versionId=" + v).status, 403u);
  advance_days(1);
  EXPECT_EQ(call("DELETE", "/locked/k?versionId=" + v).status, 204u);
}

TEST_F(S3ObjectLockTest, GovernanceYieldsToBypassComplianceNever) {
  auto g = put_version("locked/g", "g",
                       {{"x-amz-object-lock-mode", "GOVERNANCE"},
                        {"x-amz-object-lock-retain-until-date", "2026-03-01T00:00:00Z"}});
  auto c = put_version("locked/c", "c",
                       {{"x-amz-object-lock-mode", "COMPLIANCE"},
                        {"x-amz-object-lock-retain-until-date", "2026-03-01T00:00:00Z"}});
  const std::pair<std::string, std::string> bypass{"x-amz-bypass-governance-retention", "true"};
  EXPECT_EQ(call("DELETE", "/locked/c?versionId=" + c, "", {bypass}).status, 403u);
  // Retention can be lengthened, never shortened without bypass (GOVERNANCE) or at all
  // (COMPLIANCE).
  EXPECT_EQ(call("PUT", "/locked/c?retention&versionId=" + c,
                 retention("COMPLIANCE", "2026-04-01T00:00:00Z"))
                .status,
            200u);
  auto r = call("PUT", "/locked/c?retention&versionId=" + c,
                retention("COMPLIANCE", "2026-02-01T00:00:00Z"), {bypass});
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(call("PUT", "/locked/c?retention&versionId=" + c,
                 retention("GOVERNANCE", "2026-05-01T00:00:00Z"))
                .status,
            403u);
  r = call("PUT", "/locked/g?retention&versionId=" + g,
           retention("GOVERNANCE", "2026-02-01T00:00:00Z"));
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(call("PUT", "/locked/g?retention&versionId=" + g,
                 retention("GOVERNANCE", "2026-02-01T00:00:00Z"), {bypass})
                .status,
            200u);
  EXPECT_EQ(xml_text(call("GET", "/locked/g?retention&versionId=" + g).body, "RetainUntilDate"),
            "2026-02-01T00:00:00.000Z");
  EXPECT_EQ(call("DELETE", "/locked/g?versionId=" + g).status, 403u);
  EXPECT_EQ(call("DELETE", "/locked/g?versionId=" + g, "", {bypass}).status, 204u);
  r = call("PUT", "/locked/c?retention", retention("COMPLIANCE", "2025-01-01T00:00:00Z"));
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidArgument");
  r = call("PUT", "/locked/x", "x", {{"x-amz-object-lock-mode", "GOVERNANCE"}});
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidArgument");
  r = call("PUT", "/locked/x", "x",
           {{"x-amz-object-lock-mode", "SOMETIMES"},
            {"x-amz-object-lock-retain-until-date", "2026-03-01T00:00:00Z"}});
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidArgument");
  // The clock passing the date ends even COMPLIANCE.
  clock_->advance(std::chrono::hours(24 * 95));
  EXPECT_EQ(call("DELETE", "/locked/c?versionId=" + c).status, 204u);
}

TEST_F(S3ObjectLockTest, LegalHoldBlocksDeletionUntilLifted) {
  auto v = put_version("locked/k", "k", {{"x-amz-object-lock-legal-hold", "ON"}});
  EXPECT_EQ(call("HEAD", "/locked/k").headers.value_or("x-amz-object-lock-legal-hold", ""), "ON");
  EXPECT_EQ(xml_text(call("GET", "/locked/k?legal-hold").body, "Status"), "ON");
  EXPECT_EQ(xml_text(call("GET", "/locked/k?retention").body, "Code"),
            "NoSuchObjectLockConfiguration");
  EXPECT_EQ(call("DELETE", "/locked/k?versionId=" + v, "",
                 {{"x-amz-bypass-governance-retention", "true"}})
                .status,
            403u);
  EXPECT_EQ(
      xml_text(
          call("PUT", "/locked/k?legal-hold", "<LegalHold><Status>MAYBE</Status></LegalHold>").body,
          "Code"),
      "MalformedXML");
  ASSERT_EQ(call("PUT", "/locked/k?legal-hold&versionId=" + v,
                 "<LegalHold><Status>OFF</Status></LegalHold>")
                .status,
            200u);
  EXPECT_EQ(xml_text(call("GET", "/locked/k?legal-hold").body, "Status"), "OFF");
  EXPECT_EQ(call("DELETE", "/locked/k?versionId=" + v).status, 204u);
  put_version("locked/w", "w");
  EXPECT_EQ(xml_text(call("GET", "/locked/w?legal-hold").body, "Code"),
            "NoSuchObjectLockConfiguration");
  EXPECT_EQ(
      xml_text(call("GET", "/locked/w?legal-hold&versionId=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").body,
               "Code"),
      "NoSuchVersion");
}

TEST_F(S3ObjectLockTest, MultipartAndCopyTakeLockHeaders) {
  const std::vector<std::pair<std::string, std::string>> lock = {
      {"x-amz-object-lock-mode", "GOVERNANCE"},
      {"x-amz-object-lock-retain-until-date", "2026-02-01T00:00:00Z"}};
  auto upload = xml_text(call("POST", "/locked/mp?uploads", "", lock).body, "UploadId");
  auto etag = std::string(call("PUT", "/locked/mp?partNumber=1&uploadId=" + upload, "part")
                              .headers.value_or("ETag", ""));
  auto r = call("POST", "/locked/mp?uploadId=" + upload,
                "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + etag +
                    "</ETag></Part>"
                    "</CompleteMultipartUpload>");
  ASSERT_EQ(r.status, 200u) << r.body;
  auto head = call("HEAD", "/locked/mp");
  EXPECT_EQ(head.headers.value_or("x-amz-object-lock-mode", ""), "GOVERNANCE");
  // The lock lives in the version's columns, not in its stored headers (no second copy on GET).
  int modes = 0;
  for (const auto& [name, value] : call("GET", "/locked/mp").headers)
    if (core::iequals(name, "x-amz-object-lock-mode")) ++modes;
  EXPECT_EQ(modes, 1);
  auto headers = lock;
  headers.emplace_back("x-amz-copy-source", "/locked/mp");
  r = call("PUT", "/locked/copy", "", headers);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(
      call("HEAD", "/locked/copy").headers.value_or("x-amz-object-lock-retain-until-date", ""),
      "2026-02-01T00:00:00.000Z");
}

TEST_F(S3ObjectLockTest, LifecycleKeepsLockedVersions) {
  ASSERT_EQ(call("PUT", "/locked?lifecycle",
                 "<LifecycleConfiguration><Rule><ID>old</ID><Filter/><Status>Enabled</Status>"
                 "<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration>"
                 "</Rule></LifecycleConfiguration>")
                .status,
            200u);
  auto locked = put_version("locked/k", "locked", {{"x-amz-object-lock-mode", "COMPLIANCE"},
                                                   {"x-amz-object-lock-retain-until-date", "2026-01-10T00:00:00Z"}});
  auto free = put_version("locked/k", "free");
  put_version("locked/k", "current");
  auto settle = [&] { ASSERT_TRUE(store_->write([](store::database&) { return result<void>{}; }).ok()); };
  advance_days(2);
  settle();
  EXPECT_EQ(call("GET", "/locked/k?versionId=" + locked).body, "locked");
  EXPECT_EQ(xml_text(call("GET", "/locked/k?versionId=" + free).body, "Code"), "NoSuchVersion");
  advance_days(9);
  settle();
  EXPECT_EQ(xml_text(call("GET", "/locked/k?versionId=" + locked).body, "Code"), "NoSuchVersion");
  EXPECT_EQ(call("GET", "/locked/k").body, "current");
}

}  // namespace
}  // namespace hayloft::s3::testing
