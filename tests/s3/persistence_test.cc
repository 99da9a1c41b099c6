// Persistence and crash-safety: write, close service and store, reopen, read back; leftover
// blob files from an interrupted write are collected at start-up.
#include <fstream>

#include "emulator/core/hash.h"
#include "s3/store/blob_files.h"
#include "s3/store/schema.h"
#include "tests/s3/fixture.h"

namespace hayloft::s3::testing {
namespace {

class S3PersistenceTest : public service_test {
 protected:
  bool durable() override { return true; }
  void restart() {
    close();
    open();
  }
};

TEST_F(S3PersistenceTest, EverythingSurvivesRestart) {
  ASSERT_EQ(call("PUT", "/keep", "<CreateBucketConfiguration><LocationConstraint>eu-central-1</LocationConstraint>"
                                 "</CreateBucketConfiguration>").status, 200u);
  std::string big(200000, 'B');
  put("keep/small", "small body", {{"Content-Type", "text/plain"}, {"x-amz-meta-k", "v"}});
  put("keep/big", big);
  auto upload = xml_text(call("POST", "/keep/pending?uploads").body, "UploadId");
  auto part_etag = std::string(call("PUT", "/keep/pending?partNumber=1&uploadId=" + upload, "part one").headers.value_or("ETag", ""));
  ASSERT_EQ(call("PUT", "/keep?notification",
                 "<NotificationConfiguration><QueueConfiguration><Id>n</Id><Queue>arn:aws:sqs:eu-central-1:0:q</Queue>"
                 "<Event>s3:ObjectCreated:*</Event></QueueConfiguration></NotificationConfiguration>").status, 200u);
  restart();
  auto r = call("GET", "/keep/small");
  EXPECT_EQ(r.body, "small body");
  EXPECT_EQ(r.headers.value_or("x-amz-meta-k", ""), "v");
  EXPECT_EQ(r.headers.value_or("Content-Type", ""), "text/plain");
  EXPECT_EQ(body_of(call("GET", "/keep/big")), big);
  EXPECT_NE(call("GET", "/keep?location").body.find(">eu-central-1</LocationConstraint>"), std::string::npos);
  EXPECT_EQ(xml_text(call("GET", "/keep?notification").body, "Id"), "n");
  r = call("POST", "/keep/pending?uploadId=" + upload,
           "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + part_etag + "</ETag></Part>"
           "</CompleteMultipartUpload>");
  ASSERT_EQ(r.status, 200u) << r.body;
  restart();
  EXPECT_EQ(call("GET", "/keep/pending").body, "part one");
}

TEST_F(S3PersistenceTest, OrphanBlobFromInterruptedWriteIsCollected) {
  create("bkt");
  std::string old_body(100000, 'o');
  put("bkt/k", old_body);
  ASSERT_EQ(blob_files(), 1u);
  // A crash after the new body's file was renamed into place but before its metadata committed
  // leaves an unreferenced file; the old object stays current.
  hayloft::s3::blob_files files(dir_ / "blobs" / "s3", store_->blobs().tmp_dir(), true);
  ASSERT_TRUE(files.write(std::string(100000, 'n')).ok());
  // ... and a crash mid-write leaves a temp file.
  { std::ofstream(files.make_temp().release()) << "partial"; }
  ASSERT_EQ(blob_files(), 2u);
  restart();
  EXPECT_EQ(blob_files(), 1u);
  EXPECT_EQ(body_of(call("GET", "/bkt/k")), old_body);
  EXPECT_TRUE(std::filesystem::is_empty(store_->blobs().tmp_dir()));
}

TEST_F(S3PersistenceTest, ReplacedBlobRemovedOnlyAfterCommitAndCollectedIfLeft) {
  create("bkt");
  put("bkt/k", std::string(100000, '1'));
  put("bkt/k", std::string(100000, '2'));
  // The old file is still there (grace period) when the service stops...
  EXPECT_EQ(blob_files(), 2u);
  restart();
  // ... and start-up removes it because no row references it any more.
  EXPECT_EQ(blob_files(), 1u);
  EXPECT_EQ(body_of(call("GET", "/bkt/k")), std::string(100000, '2'));
}

TEST_F(S3PersistenceTest, FailedCommitLeavesOldObject) {
  create("bkt");
  put("bkt/k", std::string(100000, 'a'));
  // The conditional write fails inside the transaction: the new file is removed, the old object stays.
  auto r = call("PUT", "/bkt/k", std::string(100000, 'b'), {{"If-None-Match", "*"}});
  EXPECT_EQ(r.status, 412u);
  EXPECT_EQ(blob_files(), 1u);
  EXPECT_EQ(body_of(call("GET", "/bkt/k")), std::string(100000, 'a'));
}

TEST_F(S3PersistenceTest, VersionsAndDeleteMarkersSurviveRestart) {
  create("bkt");
  ASSERT_EQ(call("PUT", "/bkt?versioning", "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>")
                .status,
            200u);
  auto v1 = std::string(call("PUT", "/bkt/k", std::string(100000, '1')).headers.value_or("x-amz-version-id", ""));
  auto v2 = std::string(call("PUT", "/bkt/k", "two").headers.value_or("x-amz-version-id", ""));
  auto marker = std::string(call("DELETE", "/bkt/k").headers.value_or("x-amz-version-id", ""));
  auto listing = call("GET", "/bkt?versions").body;
  restart();
  EXPECT_EQ(xml_text(call("GET", "/bkt?versioning").body, "Status"), "Enabled");
  EXPECT_EQ(call("GET", "/bkt?versions").body, listing);
  EXPECT_EQ(call("GET", "/bkt/k").headers.value_or("x-amz-delete-marker", ""), "true");
  EXPECT_EQ(body_of(call("GET", "/bkt/k?versionId=" + v1)), std::string(100000, '1'));
  EXPECT_EQ(call("GET", "/bkt/k?versionId=" + v2).body, "two");
  // The noncurrent version's file is referenced: start-up garbage collection keeps it.
  EXPECT_EQ(blob_files(), 1u);
  ASSERT_EQ(call("DELETE", "/bkt/k?versionId=" + marker).status, 204u);
  EXPECT_EQ(call("GET", "/bkt/k").body, "two");
}

TEST_F(S3PersistenceTest, DataDirFromBeforeVersioningMigrates) {
  close();
  std::filesystem::remove_all(dir_);
  {
    // A state.db as hayloft wrote it before versioning: schema step 1 only.
    auto s = store::state_store::open({.dir = dir_, .durable = true});
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->migrate({"s3", {schema().steps.at(0)}}).ok());
    auto w = (*s)->write([](store::database& db) {
      return db.exec(
          "INSERT INTO s3_buckets(name, region, created_ms) VALUES ('old', 'eu-central-1', 0);"
          "INSERT INTO s3_objects(bucket, key, size, etag, modified_ms, headers, body) VALUES ('old', CAST('ia' AS BLOB), "
          "3, '\"e\"', 0, 'Content-Type: text/plain' || char(10) || 'x-amz-storage-class: STANDARD_IA' || char(10) || "
          "'x-amz-meta-a: b' || char(10), CAST('abc' AS BLOB));"
          "INSERT INTO s3_objects(bucket, key, size, etag, modified_ms, headers, body) VALUES ('old', CAST('std' AS BLOB), "
          "1, '\"f\"', 0, 'Content-Type: text/plain' || char(10), CAST('s' AS BLOB));");
    });
    ASSERT_TRUE(w.ok()) << w.err().message;
  }
  open();
  auto r = call("GET", "/old/ia");
  EXPECT_EQ(r.body, "abc");
  EXPECT_EQ(r.headers.value_or("x-amz-storage-class", ""), "STANDARD_IA");
  EXPECT_EQ(r.headers.value_or("x-amz-meta-a", ""), "b");
  int classes = 0;
  for (const auto& [name, value] : r.headers)
    if (core::iequals(name, "x-amz-storage-class")) ++classes;
  EXPECT_EQ(classes, 1);
  EXPECT_FALSE(r.headers.has("x-amz-version-id"));
  EXPECT_FALSE(call("GET", "/old/std").headers.has("x-amz-storage-class"));
  auto list = call("GET", "/old?versions").body;
  EXPECT_EQ(xml_count(list, "Version"), 2u);
  EXPECT_EQ(xml_text(list, "VersionId"), "null");
  EXPECT_EQ(xml_text(list, "StorageClass"), "STANDARD_IA");
  ASSERT_EQ(call("PUT", "/old?versioning", "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>")
                .status,
            200u);
  ASSERT_EQ(call("PUT", "/old/ia", "new").status, 200u);
  EXPECT_EQ(call("GET", "/old/ia?versionId=null").body, "abc");
  EXPECT_EQ(call("GET", "/old/ia").body, "new");
  EXPECT_EQ(call("GET", "/old/ia").headers.value_or("x-amz-version-id", "").size(), 32u);
}

}  // namespace
}  // namespace hayloft::s3::testing
