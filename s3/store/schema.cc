#include "s3/store/schema.h"

namespace hayloft::s3 {

const hayloft::store::migration_set& schema() {
  static const hayloft::store::migration_set set{
      "s3",
      {R"sql(
CREATE TABLE s3_buckets(
  name TEXT PRIMARY KEY,
  region TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  acl TEXT NOT NULL DEFAULT 'private',
  notification TEXT NOT NULL DEFAULT ''
);
CREATE TABLE s3_objects(
  id INTEGER PRIMARY KEY,
  bucket TEXT NOT NULL,
  key BLOB NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  modified_ms INTEGER NOT NULL,
  headers TEXT NOT NULL,
  checksum_alg INTEGER NOT NULL DEFAULT 0,
  checksum TEXT NOT NULL DEFAULT '',
  checksum_type TEXT NOT NULL DEFAULT '',
  parts INTEGER NOT NULL DEFAULT 0,
  acl TEXT NOT NULL DEFAULT 'private',
  blob TEXT,
  body BLOB
);
CREATE UNIQUE INDEX s3_objects_key ON s3_objects(bucket, key);
CREATE TABLE s3_uploads(
  upload_id TEXT PRIMARY KEY,
  bucket TEXT NOT NULL,
  key BLOB NOT NULL,
  initiated_ms INTEGER NOT NULL,
  headers TEXT NOT NULL,
  checksum_alg INTEGER NOT NULL DEFAULT 0,
  checksum_type TEXT NOT NULL DEFAULT '',
  acl TEXT NOT NULL DEFAULT 'private'
);
CREATE INDEX s3_uploads_key ON s3_uploads(bucket, key, initiated_ms);
CREATE TABLE s3_parts(
  upload_id TEXT NOT NULL,
  part_number INTEGER NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  modified_ms INTEGER NOT NULL,
  checksum TEXT NOT NULL DEFAULT '',
  blob TEXT NOT NULL,
  PRIMARY KEY(upload_id, part_number)
) WITHOUT ROWID;
)sql"}};
  return set;
}

}  // namespace hayloft::s3
