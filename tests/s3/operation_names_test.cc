// s3::service::operation_of: the names metrics and the request log use, including AWS's name of
// each operation hayloft answers NotImplemented (so the warning says what a script needs).
#include <gtest/gtest.h>

#include "s3/service/service.h"
#include "tests/s3/fixture.h"

namespace hayloft::s3 {
namespace {

TEST(S3OperationNames, NamesEachRequestAsAws) {
  struct row {
    const char* method;
    const char* target;
    std::string_view name;
  };
  const row rows[] = {
      {"GET", "/", "ListBuckets"},
      {"GET", "/b/k", "GetObject"},
      {"HEAD", "/b/k", "HeadObject"},
      {"HEAD", "/b", "HeadBucket"},
      {"GET", "/b?list-type=2", "ListObjectsV2"},
      {"GET", "/b", "ListObjects"},
      {"PUT", "/b/k", "PutObject"},
      {"PUT", "/b?lifecycle", "PutBucketLifecycleConfiguration"},
      {"GET", "/b?lifecycle", "GetBucketLifecycleConfiguration"},
      {"DELETE", "/b?lifecycle", "DeleteBucketLifecycle"},
      {"GET", "/b?cors", "GetBucketCors"},
      {"PUT", "/b?versioning", "PutBucketVersioning"},
      {"PUT", "/b?policy", "PutBucketPolicy"},
      {"GET", "/b/k?tagging", "GetObjectTagging"},
      {"PUT", "/b/k?tagging", "PutObjectTagging"},
      {"PUT", "/b?tagging", "PutBucketTagging"},
      {"POST", "/b/k?restore", "RestoreObject"},
      {"GET", "/b/k?attributes", "GetObjectAttributes"},
      {"GET", "/b/k?retention", "GetObjectRetention"},
      {"PUT", "/b/k?legal-hold", "PutObjectLegalHold"},
      {"PUT", "/b?object-lock", "PutObjectLockConfiguration"},
      {"GET", "/b?versions", "ListObjectVersions"},
      {"GET", "/b?accelerate", "GetBucketAccelerateConfiguration"},
      {"DELETE", "/b?logging", "MethodNotAllowed"},
      {"POST", "/b/k?select&select-type=2", "SelectObjectContent"},
      {"POST", "/b", "PostObject"},
      {"OPTIONS", "/b/k", "OptionsObject"},
      {"GET", "/b?policyStatus", "GetBucketPolicyStatus"},
      {"DELETE", "/b?ownershipControls", "DeleteBucketOwnershipControls"},
      {"PUT", "/b?publicAccessBlock", "PutPublicAccessBlock"},
      {"DELETE", "/b/k?tagging", "DeleteObjectTagging"},
      {"GET", "/b?inventory", "ListBucketInventoryConfigurations"},
      {"GET", "/b?intelligent-tiering&id=x", "GetBucketIntelligentTieringConfiguration"},
      {"DELETE", "/b?metrics&id=x", "DeleteBucketMetricsConfiguration"},
      {"PUT", "/b?website", "PutBucketWebsite"},
      {"GET", "/b?session", "CreateSession"},
      {"PATCH", "/b/k", "MethodNotAllowed"},
  };
  for (const auto& r : rows) {
    auto req = testing::make_request(r.method, r.target);
    EXPECT_EQ(service::operation_of(req), r.name) << r.method << " " << r.target;
  }
}

}  // namespace
}  // namespace hayloft::s3
