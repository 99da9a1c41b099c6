// Service tests: the bucket settings S3 stores whole (accelerate, request payment, logging,
// default encryption, website, replication): defaults, validation, round trips, deletes.
#include "tests/s3/fixture.h"

namespace hayloft::s3::testing {
namespace {

class S3SettingsTest : public service_test {
 protected:
  void SetUp() override {
    service_test::SetUp();
    create("bkt");
  }
  std::string code(const core::response& r) { return xml_text(r.body, "Code"); }
  std::string put_code(std::string_view param, std::string body) {
    return code(call("PUT", "/bkt?" + std::string(param), std::move(body)));
  }
};

TEST_F(S3SettingsTest, AccelerateAndRequestPayment) {
  auto r = call("GET", "/bkt?accelerate");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(xml_count(r.body, "Status"), 0u);
  ASSERT_EQ(call("PUT", "/bkt?accelerate", "<AccelerateConfiguration><Status>Enabled</Status></AccelerateConfiguration>")
                .status,
            200u);
  EXPECT_EQ(xml_text(call("GET", "/bkt?accelerate").body, "Status"), "Enabled");
  EXPECT_EQ(put_code("accelerate", "<AccelerateConfiguration><Status>On</Status></AccelerateConfiguration>"), "MalformedXML");
  create("dot.ted");
  EXPECT_EQ(code(call("PUT", "/dot.ted?accelerate",
                      "<AccelerateConfiguration><Status>Enabled</Status></AccelerateConfiguration>")),
            "InvalidRequest");
  EXPECT_EQ(xml_text(call("GET", "/bkt?requestPayment").body, "Payer"), "BucketOwner");
  ASSERT_EQ(call("PUT", "/bkt?requestPayment", "<RequestPaymentConfiguration><Payer>Requester</Payer></RequestPaymentConfiguration>")
                .status,
            200u);
  EXPECT_EQ(xml_text(call("GET", "/bkt?requestPayment").body, "Payer"), "Requester");
  EXPECT_EQ(put_code("requestPayment", "<RequestPaymentConfiguration><Payer>Nobody</Payer></RequestPaymentConfiguration>"),
            "MalformedXML");
  EXPECT_EQ(code(call("GET", "/none?requestPayment")), "NoSuchBucket");
}

TEST_F(S3SettingsTest, Logging) {
  EXPECT_EQ(xml_count(call("GET", "/bkt?logging").body, "LoggingEnabled"), 0u);
  const std::string on =
      "<BucketLoggingStatus><LoggingEnabled><TargetBucket>logs</TargetBucket><TargetPrefix>bkt/</TargetPrefix>"
      "</LoggingEnabled></BucketLoggingStatus>";
  auto r = call("PUT", "/bkt?logging", on);
  EXPECT_EQ(code(r), "InvalidTargetBucketForLogging");
  create("logs");
  ASSERT_EQ(call("PUT", "/bkt?logging", on).status, 200u);
  r = call("GET", "/bkt?logging");
  EXPECT_EQ(xml_text(r.body, "TargetBucket"), "logs");
  EXPECT_EQ(xml_text(r.body, "TargetPrefix"), "bkt/");
  ASSERT_EQ(call("PUT", "/bkt?logging", "<BucketLoggingStatus/>").status, 200u);
  EXPECT_EQ(xml_count(call("GET", "/bkt?logging").body, "LoggingEnabled"), 0u);
  EXPECT_EQ(put_code("logging", "<BucketLoggingStatus><LoggingEnabled><TargetPrefix>x</TargetPrefix></LoggingEnabled>"
                                "</BucketLoggingStatus>"),
            "MalformedXML");
}

TEST_F(S3SettingsTest, DefaultEncryption) {
  auto r = call("GET", "/bkt?encryption");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(xml_text(r.body, "SSEAlgorithm"), "AES256");
  const std::string kms =
      "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm>"
      "<KMSMasterKeyID>arn:aws:kms:us-east-1:000000000000:key/k</KMSMasterKeyID></ApplyServerSideEncryptionByDefault>"
      "<BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>";
  ASSERT_EQ(call("PUT", "/bkt?encryption", kms).status, 200u);
  r = call("GET", "/bkt?encryption");
  EXPECT_EQ(xml_text(r.body, "SSEAlgorithm"), "aws:kms");
  EXPECT_EQ(xml_text(r.body, "KMSMasterKeyID"), "arn:aws:kms:us-east-1:000000000000:key/k");
  EXPECT_EQ(xml_text(r.body, "BucketKeyEnabled"), "true");
  EXPECT_EQ(put_code("encryption", "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>"
                                   "<SSEAlgorithm>AES256</SSEAlgorithm><KMSMasterKeyID>k</KMSMasterKeyID>"
                                   "</ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>"),
            "InvalidArgument");
  EXPECT_EQ(put_code("encryption", "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>"
                                   "<SSEAlgorithm>DES</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>"
                                   "</ServerSideEncryptionConfiguration>"),
            "MalformedXML");
  EXPECT_EQ(put_code("encryption", "<ServerSideEncryptionConfiguration/>"), "MalformedXML");
  EXPECT_EQ(call("DELETE", "/bkt?encryption").status, 204u);
  EXPECT_EQ(xml_text(call("GET", "/bkt?encryption").body, "SSEAlgorithm"), "AES256");
}

TEST_F(S3SettingsTest, ObjectsCarryTheirEncryption) {
  auto r = call("PUT", "/bkt/a", "x");
  EXPECT_EQ(r.headers.value_or("x-amz-server-side-encryption", ""), "AES256");
  EXPECT_EQ(call("HEAD", "/bkt/a").headers.value_or("x-amz-server-side-encryption", ""), "AES256");
  ASSERT_EQ(call("PUT", "/bkt?encryption",
                 "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms"
                 "</SSEAlgorithm><KMSMasterKeyID>alias/k</KMSMasterKeyID></ApplyServerSideEncryptionByDefault>"
                 "<BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>")
                .status,
            200u);
  r = call("PUT", "/bkt/b", "x");
  EXPECT_EQ(r.headers.value_or("x-amz-server-side-encryption", ""), "aws:kms");
  EXPECT_EQ(r.headers.value_or("x-amz-server-side-encryption-aws-kms-key-id", ""), "alias/k");
  EXPECT_EQ(r.headers.value_or("x-amz-server-side-encryption-bucket-key-enabled", ""), "true");
  auto get = call("GET", "/bkt/b");
  EXPECT_EQ(get.headers.value_or("x-amz-server-side-encryption-aws-kms-key-id", ""), "alias/k");
  // The request's choice wins; a copy takes the destination's default, not the source's.
  r = call("PUT", "/bkt/c", "x", {{"x-amz-server-side-encryption", "AES256"}});
  EXPECT_EQ(r.headers.value_or("x-amz-server-side-encryption", ""), "AES256");
  EXPECT_FALSE(r.headers.has("x-amz-server-side-encryption-aws-kms-key-id"));
  r = call("PUT", "/bkt/d", "", {{"x-amz-copy-source", "/bkt/c"}});
  EXPECT_EQ(r.headers.value_or("x-amz-server-side-encryption", ""), "aws:kms");
  EXPECT_EQ(xml_text(call("PUT", "/bkt/e", "x", {{"x-amz-server-side-encryption", "DES"}}).body, "Code"),
            "InvalidArgument");
  EXPECT_EQ(xml_text(call("PUT", "/bkt/e", "x", {{"x-amz-server-side-encryption-aws-kms-key-id", "k"}}).body, "Code"),
            "InvalidArgument");
  EXPECT_EQ(xml_text(call("PUT", "/bkt/e", "x", {{"x-amz-server-side-encryption-customer-algorithm", "AES256"}}).body,
                     "Code"),
            "NotImplemented");
  r = call("POST", "/bkt/mp?uploads", "", {{"x-amz-server-side-encryption", "aws:kms:dsse"}});
  EXPECT_EQ(r.headers.value_or("x-amz-server-side-encryption", ""), "aws:kms:dsse");
  auto upload = xml_text(r.body, "UploadId");
  auto etag = std::string(call("PUT", "/bkt/mp?partNumber=1&uploadId=" + upload, "p").headers.value_or("ETag", ""));
  r = call("POST", "/bkt/mp?uploadId=" + upload,
           "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + etag + "</ETag></Part></CompleteMultipartUpload>");
  EXPECT_EQ(r.headers.value_or("x-amz-server-side-encryption", ""), "aws:kms:dsse");
  EXPECT_EQ(call("HEAD", "/bkt/mp").headers.value_or("x-amz-server-side-encryption", ""), "aws:kms:dsse");
}

TEST_F(S3SettingsTest, Website) {
  auto r = call("GET", "/bkt?website");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(code(r), "NoSuchWebsiteConfiguration");
  ASSERT_EQ(call("PUT", "/bkt?website",
                 "<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument><ErrorDocument><Key>"
                 "404.html</Key></ErrorDocument><RoutingRules><RoutingRule><Condition><KeyPrefixEquals>docs/"
                 "</KeyPrefixEquals></Condition><Redirect><ReplaceKeyPrefixWith>documents/</ReplaceKeyPrefixWith>"
                 "</Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>")
                .status,
            200u);
  r = call("GET", "/bkt?website");
  EXPECT_EQ(xml_text(r.body, "Suffix"), "index.html");
  EXPECT_EQ(xml_text(r.body, "ReplaceKeyPrefixWith"), "documents/");
  EXPECT_EQ(put_code("website", "<WebsiteConfiguration><IndexDocument><Suffix>a/b</Suffix></IndexDocument>"
                                "</WebsiteConfiguration>"),
            "InvalidArgument");
  EXPECT_EQ(put_code("website", "<WebsiteConfiguration><RedirectAllRequestsTo><HostName>x</HostName>"
                                "</RedirectAllRequestsTo><IndexDocument><Suffix>i</Suffix></IndexDocument>"
                                "</WebsiteConfiguration>"),
            "InvalidArgument");
  EXPECT_EQ(put_code("website", "<WebsiteConfiguration><RedirectAllRequestsTo><HostName>x</HostName><Protocol>ftp"
                                "</Protocol></RedirectAllRequestsTo></WebsiteConfiguration>"),
            "InvalidArgument");
  ASSERT_EQ(call("PUT", "/bkt?website",
                 "<WebsiteConfiguration><RedirectAllRequestsTo><HostName>example.com</HostName></RedirectAllRequestsTo>"
                 "</WebsiteConfiguration>")
                .status,
            200u);
  EXPECT_EQ(xml_text(call("GET", "/bkt?website").body, "HostName"), "example.com");
  EXPECT_EQ(call("DELETE", "/bkt?website").status, 204u);
  EXPECT_EQ(code(call("GET", "/bkt?website")), "NoSuchWebsiteConfiguration");
}

TEST_F(S3SettingsTest, ReplicationNeedsVersioning) {
  EXPECT_EQ(code(call("GET", "/bkt?replication")), "ReplicationConfigurationNotFoundError");
  const std::string config =
      "<ReplicationConfiguration><Role>arn:aws:iam::000000000000:role/r</Role><Rule><ID>all</ID><Status>Enabled"
      "</Status><Prefix></Prefix><Destination><Bucket>arn:aws:s3:::copy</Bucket></Destination></Rule>"
      "</ReplicationConfiguration>";
  EXPECT_EQ(put_code("replication", config), "InvalidRequest");
  ASSERT_EQ(call("PUT", "/bkt?versioning", "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>")
                .status,
            200u);
  ASSERT_EQ(call("PUT", "/bkt?replication", config).status, 200u);
  EXPECT_EQ(xml_text(call("GET", "/bkt?replication").body, "Role"), "arn:aws:iam::000000000000:role/r");
  EXPECT_EQ(put_code("replication", "<ReplicationConfiguration><Role>r</Role></ReplicationConfiguration>"), "MalformedXML");
  EXPECT_EQ(call("DELETE", "/bkt?replication").status, 204u);
  EXPECT_EQ(code(call("GET", "/bkt?replication")), "ReplicationConfigurationNotFoundError");
}

TEST_F(S3SettingsTest, ConfigurationsByIdPutGetDeleteAndList) {
  auto inventory = [](std::string id, std::string format = "CSV") {
    return "<InventoryConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Id>" + id +
           "</Id><IsEnabled>true</IsEnabled><Destination><S3BucketDestination><Bucket>arn:aws:s3:::inv</Bucket><Format>" +
           format + "</Format></S3BucketDestination></Destination><IncludedObjectVersions>Current"
                    "</IncludedObjectVersions><Schedule><Frequency>Daily</Frequency></Schedule></InventoryConfiguration>";
  };
  EXPECT_EQ(code(call("GET", "/bkt?inventory&id=a")), "NoSuchConfiguration");
  EXPECT_EQ(call("PUT", "/bkt?inventory&id=a", inventory("a")).status, 200u);
  EXPECT_EQ(xml_text(call("GET", "/bkt?inventory&id=a").body, "Format"), "CSV");
  EXPECT_EQ(code(call("PUT", "/bkt?inventory&id=b", inventory("a"))), "InvalidArgument");
  EXPECT_EQ(code(call("PUT", "/bkt?inventory&id=b", inventory("b", "XLS"))), "MalformedXML");
  EXPECT_EQ(code(call("PUT", "/bkt?inventory&id=b", "<AnalyticsConfiguration><Id>b</Id></AnalyticsConfiguration>")),
            "MalformedXML");
  for (int i = 0; i < 105; ++i) {
    char id[8];
    std::snprintf(id, sizeof id, "m%03d", i);
    ASSERT_EQ(call("PUT", std::string("/bkt?metrics&id=") + id,
                   std::string("<MetricsConfiguration><Id>") + id + "</Id><Filter><Prefix>p/</Prefix></Filter>"
                                                                     "</MetricsConfiguration>")
                  .status,
              200u);
  }
  auto page = call("GET", "/bkt?metrics");
  ASSERT_EQ(page.status, 200u);
  EXPECT_EQ(xml_count(page.body, "MetricsConfiguration"), 100u);
  EXPECT_EQ(xml_text(page.body, "IsTruncated"), "true");
  auto token = xml_text(page.body, "NextContinuationToken");
  page = call("GET", "/bkt?metrics&continuation-token=" + core::url_encode(token));
  EXPECT_EQ(xml_count(page.body, "MetricsConfiguration"), 5u) << page.body;
  EXPECT_EQ(xml_text(page.body, "IsTruncated"), "false");
  EXPECT_EQ(code(call("GET", "/bkt?metrics&continuation-token=Z2FyYmFnZQ%3D%3D")), "InvalidArgument");
  EXPECT_EQ(xml_count(call("GET", "/bkt?inventory").body, "Id"), 1u);
  EXPECT_EQ(code(call("PUT", "/bkt?analytics&id=x", "<AnalyticsConfiguration><Id>x</Id></AnalyticsConfiguration>")),
            "MalformedXML");
  EXPECT_EQ(call("PUT", "/bkt?analytics&id=x",
                 "<AnalyticsConfiguration><Id>x</Id><StorageClassAnalysis/></AnalyticsConfiguration>")
                .status,
            200u);
  EXPECT_EQ(code(call("PUT", "/bkt?intelligent-tiering&id=t",
                      "<IntelligentTieringConfiguration><Id>t</Id><Status>Enabled</Status><Tiering><Days>30</Days>"
                      "<AccessTier>ARCHIVE_ACCESS</AccessTier></Tiering></IntelligentTieringConfiguration>")),
            "InvalidArgument");
  EXPECT_EQ(call("PUT", "/bkt?intelligent-tiering&id=t",
                 "<IntelligentTieringConfiguration><Id>t</Id><Status>Enabled</Status><Tiering><Days>180</Days>"
                 "<AccessTier>DEEP_ARCHIVE_ACCESS</AccessTier></Tiering></IntelligentTieringConfiguration>")
                .status,
            200u);
  EXPECT_EQ(call("DELETE", "/bkt?inventory&id=a").status, 204u);
  EXPECT_EQ(code(call("DELETE", "/bkt?inventory&id=a")), "NoSuchConfiguration");
  EXPECT_EQ(code(call("GET", "/none?inventory&id=a")), "NoSuchBucket");
  // Deleting the bucket removes its configurations.
  ASSERT_EQ(call("DELETE", "/bkt").status, 204u);
  create("bkt");
  EXPECT_EQ(xml_count(call("GET", "/bkt?metrics").body, "MetricsConfiguration"), 0u);
}

TEST_F(S3SettingsTest, SettingsSurviveRestart) {
  ASSERT_EQ(call("PUT", "/bkt?requestPayment", "<RequestPaymentConfiguration><Payer>Requester</Payer></RequestPaymentConfiguration>")
                .status,
            200u);
  close();
  open();
  EXPECT_EQ(xml_text(call("GET", "/bkt?requestPayment").body, "Payer"), "Requester");
}

}  // namespace
}  // namespace hayloft::s3::testing
