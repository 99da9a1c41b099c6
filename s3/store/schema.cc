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
)sql",
       // Versioning, storage classes, object lock, lifecycle and restore (issue 15). Every object
       // version is a row; the latest version of a key (possibly a delete marker) has latest = 1.
       // Rows that existed before are the only, latest, "null" version of their key. The storage
       // class moves from the stored header block into its own column (it changes on transition).
       R"sql(
ALTER TABLE s3_buckets ADD COLUMN versioning TEXT NOT NULL DEFAULT '';
ALTER TABLE s3_buckets ADD COLUMN mfa_delete TEXT NOT NULL DEFAULT '';
ALTER TABLE s3_buckets ADD COLUMN object_lock TEXT NOT NULL DEFAULT '';
ALTER TABLE s3_buckets ADD COLUMN lifecycle TEXT NOT NULL DEFAULT '';
ALTER TABLE s3_objects ADD COLUMN version_id TEXT NOT NULL DEFAULT 'null';
ALTER TABLE s3_objects ADD COLUMN latest INTEGER NOT NULL DEFAULT 1;
ALTER TABLE s3_objects ADD COLUMN delete_marker INTEGER NOT NULL DEFAULT 0;
ALTER TABLE s3_objects ADD COLUMN noncurrent_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE s3_objects ADD COLUMN storage_class TEXT NOT NULL DEFAULT 'STANDARD';
ALTER TABLE s3_objects ADD COLUMN lock_mode TEXT NOT NULL DEFAULT '';
ALTER TABLE s3_objects ADD COLUMN lock_until_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE s3_objects ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;
ALTER TABLE s3_objects ADD COLUMN restore_ready_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE s3_objects ADD COLUMN restore_until_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE s3_objects ADD COLUMN part_list TEXT NOT NULL DEFAULT '';
UPDATE s3_objects SET storage_class = substr(headers, instr(headers, 'x-amz-storage-class: ') + 21,
    instr(substr(headers, instr(headers, 'x-amz-storage-class: ') + 21), char(10)) - 1)
  WHERE instr(headers, 'x-amz-storage-class: ') > 0;
UPDATE s3_objects SET headers = replace(headers, 'x-amz-storage-class: ' || storage_class || char(10), '')
  WHERE storage_class <> 'STANDARD';
DROP INDEX s3_objects_key;
CREATE UNIQUE INDEX s3_objects_version ON s3_objects(bucket, key, version_id);
CREATE UNIQUE INDEX s3_objects_latest ON s3_objects(bucket, key) WHERE latest = 1;
CREATE INDEX s3_objects_restores ON s3_objects(restore_until_ms) WHERE restore_until_ms > 0;
)sql",
       // Bucket and object configuration (issue 16): object tags, and one column per bucket
       // document (each the canonical rendered document, '' when unset; ownership is the
       // ObjectOwnership value). Buckets made before keep no ownership controls and no public
       // access block, as buckets made on AWS before April 2023 did. Documents a bucket holds
       // several of, by id (inventory, analytics, metrics, intelligent-tiering), have a table.
       R"sql(
ALTER TABLE s3_objects ADD COLUMN tags TEXT NOT NULL DEFAULT '';
ALTER TABLE s3_buckets ADD COLUMN tagging TEXT NOT NULL DEFAULT '';
ALTER TABLE s3_buckets ADD COLUMN cors TEXT NOT NULL DEFAULT '';
ALTER TABLE s3_buckets ADD COLUMN policy TEXT NOT NULL DEFAULT '';
ALTER TABLE s3_buckets ADD COLUMN ownership TEXT NOT NULL DEFAULT '';
ALTER TABLE s3_buckets ADD COLUMN public_access_block TEXT NOT NULL DEFAULT '';
ALTER TABLE s3_buckets ADD COLUMN encryption TEXT NOT NULL DEFAULT '';
ALTER TABLE s3_buckets ADD COLUMN website TEXT NOT NULL DEFAULT '';
ALTER TABLE s3_buckets ADD COLUMN logging TEXT NOT NULL DEFAULT '';
ALTER TABLE s3_buckets ADD COLUMN accelerate TEXT NOT NULL DEFAULT '';
ALTER TABLE s3_buckets ADD COLUMN request_payment TEXT NOT NULL DEFAULT '';
ALTER TABLE s3_buckets ADD COLUMN replication TEXT NOT NULL DEFAULT '';
CREATE TABLE s3_bucket_configs(
  bucket TEXT NOT NULL,
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  document TEXT NOT NULL,
  PRIMARY KEY(bucket, kind, id)
) WITHOUT ROWID;
)sql"}};
  return set;
}

}  // namespace hayloft::s3
