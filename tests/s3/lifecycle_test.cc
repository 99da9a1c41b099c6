// Service tests: lifecycle configuration validation and its passes on the manual clock (expire,
// delete markers, noncurrent versions, aborted uploads, transitions), x-amz-expiration, storage
// classes, RestoreObject completing on the clock, and GetObjectAttributes.
#include <nlohmann/json.hpp>

#include <limits>

#include "s3/api/lifecycle.h"

#include "tests/s3/fixture.h"

namespace hayloft::s3::testing {
namespace {

class S3LifecycleTest : public service_test {
 protected:
  void SetUp() override {
    service_test::SetUp();
    create("bkt");
  }
  // Advances the manual clock; the passes it starts are submitted to the writer, so a no-op write
  // after them returns once they committed.
  void advance_days(int days) {
    clock_->advance(std::chrono::hours(24 * days));
    ASSERT_TRUE(store_->write([](store::database&) { return result<void>{}; }).ok());
  }
  void lifecycle(std::string rules) {
    auto r = call("PUT", "/bkt?lifecycle",
                  "<LifecycleConfiguration>" + rules + "</LifecycleConfiguration>");
    ASSERT_EQ(r.status, 200u) << r.body;
  }
  std::string code_of(std::string rules) {
    return xml_text(call("PUT", "/bkt?lifecycle",
                         "<LifecycleConfiguration>" + rules + "</LifecycleConfiguration>")
                        .body,
                    "Code");
  }
  void versioning() {
    ASSERT_EQ(call("PUT", "/bkt?versioning",
                   "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>")
                  .status,
              200u);
  }
  void notify(std::string_view events) {
    ASSERT_EQ(call("PUT", "/bkt?notification",
                   "<NotificationConfiguration><QueueConfiguration><Id>lc</"
                   "Id><Queue>arn:aws:sqs:us-east-1:0:q</Queue>" +
                       std::string(events) + "</QueueConfiguration></NotificationConfiguration>")
                  .status,
              200u);
    sink_.take();
  }
  std::vector<std::string> event_names() {
    std::vector<std::string> out;
    for (const auto& ev : sink_.take())
      out.push_back(nlohmann::json::parse(ev.body)["Records"][0]["eventName"]);
    return out;
  }
};

// Found by fuzzing s3_config_xml: Days 2999899 overflowed the nanosecond clock.
TEST(S3LifecycleDue, FarDueDatesHoldAtTheClocksLastDay) {
  const auto now = core::from_unix_ms(1765000000000);
  EXPECT_EQ(core::to_unix_ms(due_after_days(now, 1)) % 86400000, 0);
  EXPECT_GT(due_after_days(now, 1), now);
  const auto far = due_after_days(now, 2999899);
  EXPECT_EQ(far, due_after_days(now, std::numeric_limits<int>::max()));
  EXPECT_GT(far, due_after_days(now, 36500));
  EXPECT_LT(far, core::time_point::max());
}

TEST_F(S3LifecycleTest, ConfigurationIsValidatedAsS3Does) {
  EXPECT_EQ(xml_text(call("GET", "/bkt?lifecycle").body, "Code"), "NoSuchLifecycleConfiguration");
  EXPECT_EQ(code_of("<Rule><ID>a</ID><Filter/><Status>On</Status><Expiration><Days>1</Days></"
                    "Expiration></Rule>"),
            "MalformedXML");
  EXPECT_EQ(code_of("<Rule><ID>a</ID><Filter/><Status>Enabled</Status></Rule>"), "InvalidRequest");
  EXPECT_EQ(code_of("<Rule><ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>0</Days></"
                    "Expiration></Rule>"),
            "InvalidArgument");
  EXPECT_EQ(
      code_of("<Rule><ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days><Date>"
              "2026-02-01T00:00:00Z</Date></Expiration></Rule>"),
      "MalformedXML");
  EXPECT_EQ(code_of("<Rule><ID>a</ID><Filter/><Status>Enabled</"
                    "Status><Expiration><Date>2026-02-01T10:00:00Z</Date>"
                    "</Expiration></Rule>"),
            "InvalidArgument");
  EXPECT_EQ(code_of("<Rule><ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></"
                    "Expiration></Rule>"
                    "<Rule><ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>2</Days></"
                    "Expiration></Rule>"),
            "InvalidArgument");
  EXPECT_EQ(code_of("<Rule><ID>a</ID><Filter/><Prefix/><Status>Enabled</"
                    "Status><Expiration><Days>1</Days></Expiration>"
                    "</Rule>"),
            "MalformedXML");
  EXPECT_EQ(code_of("<Rule><ID>a</ID><Filter/><Status>Enabled</Status><Transition><Days>10</Days>"
                    "<StorageClass>STANDARD_IA</StorageClass></Transition></Rule>"),
            "InvalidArgument");
  EXPECT_EQ(code_of("<Rule><ID>a</ID><Filter/><Status>Enabled</Status><Transition><Days>10</Days>"
                    "<StorageClass>STANDARD</StorageClass></Transition></Rule>"),
            "MalformedXML");
  EXPECT_EQ(
      code_of(
          "<Rule><ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>5</Days></Expiration>"
          "<Transition><Days>10</Days><StorageClass>GLACIER</StorageClass></Transition></Rule>"),
      "InvalidArgument");
  EXPECT_EQ(code_of("<Rule><ID>a</ID><Filter><Tag><Key>k</Key><Value>v</Value></Tag></"
                    "Filter><Status>Enabled</Status>"
                    "<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation>"
                    "</AbortIncompleteMultipartUpload></Rule>"),
            "InvalidRequest");
  EXPECT_EQ(
      code_of("<Rule><ID>a</ID><Filter><Prefix>x</Prefix><ObjectSizeGreaterThan>1</"
              "ObjectSizeGreaterThan>"
              "</Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>"),
      "MalformedXML");
  EXPECT_EQ(
      code_of(
          "<Rule><ID>" + std::string(256, 'i') +
          "</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>"),
      "InvalidArgument");
  auto r = call(
      "PUT", "/bkt?lifecycle",
      "<LifecycleConfiguration><Rule><ID>logs</ID><Filter><And><Prefix>logs/</Prefix>"
      "<ObjectSizeGreaterThan>10</ObjectSizeGreaterThan></And></Filter><Status>Enabled</Status>"
      "<Expiration><Days>30</Days></Expiration><Transition><Days>0</Days><StorageClass>GLACIER</"
      "StorageClass>"
      "</Transition></Rule></LifecycleConfiguration>",
      {{"x-amz-transition-default-minimum-object-size", "varies_by_storage_class"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.headers.value_or("x-amz-transition-default-minimum-object-size", ""),
            "varies_by_storage_class");
  r = call("GET", "/bkt?lifecycle");
  EXPECT_EQ(xml_text(r.body, "ID"), "logs");
  EXPECT_EQ(xml_text(r.body, "Prefix"), "logs/");
  EXPECT_EQ(xml_text(r.body, "ObjectSizeGreaterThan"), "10");
  EXPECT_EQ(r.headers.value_or("x-amz-transition-default-minimum-object-size", ""),
            "varies_by_storage_class");
  EXPECT_EQ(call("DELETE", "/bkt?lifecycle").status, 204u);
  EXPECT_EQ(xml_text(call("GET", "/bkt?lifecycle").body, "Code"), "NoSuchLifecycleConfiguration");
}

TEST_F(S3LifecycleTest, ExpirationRunsOnTheClockWithHeaderAndEvents) {
  notify("<Event>s3:LifecycleExpiration:*</Event><Event>s3:LifecycleTransition</Event>");
  lifecycle(
      "<Rule><ID>tmp-30d</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status>"
      "<Expiration><Days>30</Days></Expiration></Rule>");
  put("bkt/tmp/a", "a");
  put("bkt/keep/b", "b");
  clock_->advance(std::chrono::hours(5));
  put("bkt/tmp/later", "c");
  auto head = call("HEAD", "/bkt/tmp/a");
  EXPECT_EQ(head.headers.value_or("x-amz-expiration", ""),
            "expiry-date=\"Sat, 31 Jan 2026 00:00:00 GMT\", rule-id=\"tmp-30d\"");
  EXPECT_FALSE(call("HEAD", "/bkt/keep/b").headers.has("x-amz-expiration"));
  // Created 05:00 on day 0: due at the midnight after 30 days, one day later than tmp/a.
  EXPECT_EQ(call("GET", "/bkt/tmp/later").headers.value_or("x-amz-expiration", ""),
            "expiry-date=\"Sun, 01 Feb 2026 00:00:00 GMT\", rule-id=\"tmp-30d\"");
  advance_days(29);
  EXPECT_EQ(call("GET", "/bkt/tmp/a").status, 200u);
  EXPECT_TRUE(event_names().empty());
  advance_days(1);
  EXPECT_EQ(call("GET", "/bkt/tmp/a").status, 404u);
  EXPECT_EQ(call("GET", "/bkt/tmp/later").status, 200u);
  EXPECT_EQ(call("GET", "/bkt/keep/b").status, 200u);
  EXPECT_EQ(event_names(), std::vector<std::string>{"LifecycleExpiration:Delete"});
  advance_days(1);
  EXPECT_EQ(call("GET", "/bkt/tmp/later").status, 404u);
}

TEST_F(S3LifecycleTest, VersionedExpirationMarkersNoncurrentAndExpiredMarkers) {
  versioning();
  notify("<Event>s3:LifecycleExpiration:*</Event>");
  lifecycle(
      "<Rule><ID>cur</ID><Filter><Prefix>cur/</Prefix></Filter><Status>Enabled</Status>"
      "<Expiration><Days>2</Days></Expiration></Rule>"
      "<Rule><ID>old</ID><Filter><Prefix>hist</Prefix></Filter><Status>Enabled</Status>"
      "<NoncurrentVersionExpiration><NoncurrentDays>3</NoncurrentDays><NewerNoncurrentVersions>1"
      "</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule>"
      "<Rule><ID>markers</ID><Filter><Prefix>cur/</Prefix></Filter><Status>Enabled</Status>"
      "<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>"
      "<NoncurrentVersionExpiration><NoncurrentDays>3</NoncurrentDays></"
      "NoncurrentVersionExpiration></Rule>");
  put("bkt/cur/x", "x");
  for (int i = 0; i < 4; ++i) put("bkt/hist", std::to_string(i));  // 3 noncurrent versions
  advance_days(2);
  // cur/x expired: a delete marker on top of it.
  auto r = call("GET", "/bkt/cur/x");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.headers.value_or("x-amz-delete-marker", ""), "true");
  EXPECT_EQ(event_names(), std::vector<std::string>{"LifecycleExpiration:DeleteMarkerCreated"});
  advance_days(1);
  // hist: noncurrent for 3 days; the newest noncurrent one is kept (NewerNoncurrentVersions 1).
  auto versions = call("GET", "/bkt?versions&prefix=hist").body;
  EXPECT_EQ(xml_count(versions, "Version"), 2u);
  EXPECT_EQ(event_names().size(), 2u);
  advance_days(3);
  // cur/x's data became noncurrent on day 2 and went on day 5; the marker, then alone, on day 6.
  versions = call("GET", "/bkt?versions&prefix=cur/").body;
  EXPECT_EQ(xml_count(versions, "Version"), 0u);
  EXPECT_EQ(xml_count(versions, "DeleteMarker"), 0u);
}

TEST_F(S3LifecycleTest, AbortsIncompleteUploadsAndTransitions) {
  notify("<Event>s3:LifecycleTransition</Event>");
  lifecycle(
      "<Rule><ID>mpu</ID><Filter/><Status>Enabled</Status><AbortIncompleteMultipartUpload>"
      "<DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>"
      "<Rule><ID>cold</ID><Filter><Prefix>arch/</Prefix></Filter><Status>Enabled</Status>"
      "<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>"
      "<Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition></Rule>");
  auto upload = xml_text(call("POST", "/bkt/big?uploads").body, "UploadId");
  ASSERT_EQ(call("PUT", "/bkt/big?partNumber=1&uploadId=" + upload, "part").status, 200u);
  put("bkt/arch/large", std::string(200 * 1024, 'L'));
  put("bkt/arch/small", "s");  // below 128 KiB: S3 does not transition it
  advance_days(6);
  EXPECT_EQ(xml_count(call("GET", "/bkt?uploads").body, "Upload"), 1u);
  advance_days(1);
  EXPECT_EQ(xml_count(call("GET", "/bkt?uploads").body, "Upload"), 0u);
  EXPECT_EQ(xml_text(call("GET", "/bkt/big?uploadId=" + upload).body, "Code"), "NoSuchUpload");
  advance_days(23);
  EXPECT_EQ(call("HEAD", "/bkt/arch/large").headers.value_or("x-amz-storage-class", ""),
            "STANDARD_IA");
  EXPECT_FALSE(call("HEAD", "/bkt/arch/small").headers.has("x-amz-storage-class"));
  EXPECT_EQ(event_names(), std::vector<std::string>{"LifecycleTransition"});
  advance_days(60);
  auto list = call("GET", "/bkt?list-type=2&prefix=arch/").body;
  EXPECT_NE(list.find("<Key>arch/large</Key>"), std::string::npos);
  EXPECT_EQ(xml_text(list, "StorageClass"), "GLACIER");
  // A GLACIER object must be restored before it can be read.
  EXPECT_EQ(xml_text(call("GET", "/bkt/arch/large").body, "Code"), "InvalidObjectState");
  EXPECT_EQ(call("HEAD", "/bkt/arch/large").status, 200u);
}

TEST_F(S3LifecycleTest, StorageClassesAreStoredValidatedAndChangedByCopy) {
  put("bkt/ia", "x", {{"x-amz-storage-class", "STANDARD_IA"}});
  EXPECT_EQ(call("HEAD", "/bkt/ia").headers.value_or("x-amz-storage-class", ""), "STANDARD_IA");
  EXPECT_EQ(xml_text(call("GET", "/bkt?list-type=2").body, "StorageClass"), "STANDARD_IA");
  EXPECT_EQ(xml_text(call("GET", "/bkt?versions").body, "StorageClass"), "STANDARD_IA");
  auto r = call("PUT", "/bkt/bad", "x", {{"x-amz-storage-class", "FROZEN"}});
  EXPECT_EQ(xml_text(r.body, "Code"), "InvalidStorageClass");
  // Copy: the destination's class is the one asked for, else STANDARD; a same-key copy may change
  // it.
  ASSERT_EQ(call("PUT", "/bkt/copy", "", {{"x-amz-copy-source", "/bkt/ia"}}).status, 200u);
  EXPECT_FALSE(call("HEAD", "/bkt/copy").headers.has("x-amz-storage-class"));
  r = call("PUT", "/bkt/ia", "",
           {{"x-amz-copy-source", "/bkt/ia"}, {"x-amz-storage-class", "ONEZONE_IA"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(call("HEAD", "/bkt/ia").headers.value_or("x-amz-storage-class", ""), "ONEZONE_IA");
  auto upload = xml_text(
      call("POST", "/bkt/mp?uploads", "", {{"x-amz-storage-class", "INTELLIGENT_TIERING"}}).body,
      "UploadId");
  auto etag = std::string(
      call("PUT", "/bkt/mp?partNumber=1&uploadId=" + upload, "p").headers.value_or("ETag", ""));
  ASSERT_EQ(call("POST", "/bkt/mp?uploadId=" + upload,
                 "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + etag +
                     "</ETag></Part></CompleteMultipartUpload>")
                .status,
            200u);
  EXPECT_EQ(call("HEAD", "/bkt/mp").headers.value_or("x-amz-storage-class", ""),
            "INTELLIGENT_TIERING");
}

TEST_F(S3LifecycleTest, RestoreCompletesOnTheClock) {
  notify("<Event>s3:ObjectRestore:*</Event>");
  put("bkt/g", "glacier bytes", {{"x-amz-storage-class", "GLACIER"}});
  put("bkt/d", "deep bytes", {{"x-amz-storage-class", "DEEP_ARCHIVE"}});
  put("bkt/s", "standard");
  EXPECT_EQ(xml_text(call("GET", "/bkt/g").body, "Code"), "InvalidObjectState");
  EXPECT_EQ(xml_text(call("PUT", "/bkt/c", "", {{"x-amz-copy-source", "/bkt/g"}}).body, "Code"),
            "InvalidObjectState");
  auto restore = [&](std::string_view key, std::string_view body) {
    return call("POST", "/bkt/" + std::string(key) + "?restore", std::string(body));
  };
  EXPECT_EQ(xml_text(restore("s", "<RestoreRequest><Days>1</Days></RestoreRequest>").body, "Code"),
            "InvalidObjectState");
  EXPECT_EQ(xml_text(restore("g", "<RestoreRequest><Days>0</Days></RestoreRequest>").body, "Code"),
            "InvalidArgument");
  EXPECT_EQ(
      xml_text(restore("d",
                       "<RestoreRequest><Days>1</Days><GlacierJobParameters><Tier>Expedited</Tier>"
                       "</GlacierJobParameters></RestoreRequest>")
                   .body,
               "Code"),
      "InvalidArgument");
  auto r = restore("g",
                   "<RestoreRequest><Days>2</Days><GlacierJobParameters><Tier>Expedited</Tier>"
                   "</GlacierJobParameters></RestoreRequest>");
  EXPECT_EQ(r.status, 202u) << r.body;
  EXPECT_EQ(call("HEAD", "/bkt/g").headers.value_or("x-amz-restore", ""),
            "ongoing-request=\"true\"");
  EXPECT_EQ(xml_text(restore("g", "<RestoreRequest><Days>2</Days></RestoreRequest>").body, "Code"),
            "RestoreAlreadyInProgress");
  EXPECT_EQ(event_names(), std::vector<std::string>{"ObjectRestore:Post"});
  clock_->advance(std::chrono::minutes(4));
  EXPECT_EQ(xml_text(call("GET", "/bkt/g").body, "Code"), "InvalidObjectState");
  clock_->advance(std::chrono::minutes(1));
  r = call("GET", "/bkt/g");
  EXPECT_EQ(r.body, "glacier bytes");
  EXPECT_EQ(r.headers.value_or("x-amz-restore", ""),
            "ongoing-request=\"false\", expiry-date=\"Sun, 04 Jan 2026 00:00:00 GMT\"");
  EXPECT_EQ(event_names(), std::vector<std::string>{"ObjectRestore:Completed"});
  // A restored copy's expiry can be moved; when it passes, the object is archived again.
  EXPECT_EQ(restore("g", "<RestoreRequest><Days>5</Days></RestoreRequest>").status, 200u);
  clock_->advance(std::chrono::hours(24 * 5));
  EXPECT_EQ(call("GET", "/bkt/g").status,
            200u);  // until the midnight after 5 days from the request
  clock_->advance(std::chrono::hours(24));
  EXPECT_EQ(xml_text(call("GET", "/bkt/g").body, "Code"), "InvalidObjectState");
  EXPECT_FALSE(call("HEAD", "/bkt/g").headers.has("x-amz-restore"));
  EXPECT_EQ(event_names(), std::vector<std::string>{"ObjectRestore:Delete"});
  // DEEP_ARCHIVE Standard: 12 hours.
  EXPECT_EQ(restore("d", "<RestoreRequest><Days>1</Days></RestoreRequest>").status, 202u);
  clock_->advance(std::chrono::hours(11));
  EXPECT_EQ(call("GET", "/bkt/d").status, 403u);
  clock_->advance(std::chrono::hours(1));
  EXPECT_EQ(call("GET", "/bkt/d").body, "deep bytes");
}

TEST_F(S3LifecycleTest, GetObjectAttributes) {
  auto r = call("PUT", "/bkt/one", "hello",
                {{"x-amz-checksum-crc32", "NhCmhg=="}, {"x-amz-storage-class", "GLACIER_IR"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  r = call("GET", "/bkt/one?attributes", "",
           {{"x-amz-object-attributes", "ETag,Checksum,ObjectParts,StorageClass,ObjectSize"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(xml_text(r.body, "ETag"), "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(xml_text(r.body, "ChecksumCRC32"), "NhCmhg==");
  EXPECT_EQ(xml_text(r.body, "StorageClass"), "GLACIER_IR");
  EXPECT_EQ(xml_text(r.body, "ObjectSize"), "5");
  EXPECT_EQ(xml_count(r.body, "ObjectParts"), 0u);
  EXPECT_TRUE(r.headers.has("Last-Modified"));
  r = call("GET", "/bkt/one?attributes", "", {{"x-amz-object-attributes", "ObjectSize"}});
  EXPECT_EQ(xml_count(r.body, "ETag"), 0u);
  EXPECT_EQ(xml_text(call("GET", "/bkt/one?attributes").body, "Code"), "InvalidRequest");
  EXPECT_EQ(
      xml_text(call("GET", "/bkt/one?attributes", "", {{"x-amz-object-attributes", "Colour"}}).body,
               "Code"),
      "InvalidArgument");
  EXPECT_EQ(
      xml_text(call("GET", "/bkt/none?attributes", "", {{"x-amz-object-attributes", "ETag"}}).body,
               "Code"),
      "NoSuchKey");
  // Multipart with checksums: parts are listed, paged by x-amz-max-parts /
  // x-amz-part-number-marker.
  auto upload =
      xml_text(call("POST", "/bkt/mp?uploads", "", {{"x-amz-checksum-algorithm", "CRC32"}}).body,
               "UploadId");
  std::string parts;
  for (int n = 1; n <= 3; ++n) {
    auto body = std::string(n == 3 ? 10 : 5 * 1024 * 1024, static_cast<char>('a' + n));
    auto p = call("PUT", "/bkt/mp?partNumber=" + std::to_string(n) + "&uploadId=" + upload, body,
                  {{"x-amz-sdk-checksum-algorithm", "CRC32"}});
    ASSERT_EQ(p.status, 200u) << p.body;
    parts += "<Part><PartNumber>" + std::to_string(n) + "</PartNumber><ETag>" +
             std::string(p.headers.value_or("ETag", "")) + "</ETag></Part>";
  }
  ASSERT_EQ(call("POST", "/bkt/mp?uploadId=" + upload,
                 "<CompleteMultipartUpload>" + parts + "</CompleteMultipartUpload>")
                .status,
            200u);
  r = call("GET", "/bkt/mp?attributes", "",
           {{"x-amz-object-attributes", "ObjectParts"}, {"x-amz-max-parts", "2"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(xml_text(r.body, "PartsCount"), "3");
  EXPECT_EQ(xml_count(r.body, "Part"), 2u);
  EXPECT_EQ(xml_text(r.body, "IsTruncated"), "true");
  EXPECT_EQ(xml_text(r.body, "NextPartNumberMarker"), "2");
  EXPECT_NE(xml_text(r.body, "ChecksumCRC32"), "<missing>");
  r = call("GET", "/bkt/mp?attributes", "",
           {{"x-amz-object-attributes", "ObjectParts"}, {"x-amz-part-number-marker", "2"}});
  EXPECT_EQ(xml_count(r.body, "Part"), 1u);
  EXPECT_EQ(xml_text(r.body, "Size"), "10");
  EXPECT_EQ(xml_text(r.body, "IsTruncated"), "false");
}

}  // namespace
}  // namespace hayloft::s3::testing
