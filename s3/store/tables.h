#pragma once
// Typed access to the S3 tables. Every function runs on the connection it is given: readers
// lease one from state_store::reader(), writers run inside a state_store job. SQLite errors
// come back as store::errc values; "no such row" is a value (nullopt/false), not an error.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/store/sqlite.h"

namespace hayloft::s3 {

using hayloft::store::database;

// The bucket documents kept whole (issue 16): each the canonical rendered document, or empty when
// the bucket has none. ownership holds the ObjectOwnership value.
enum class bucket_doc {
  tagging,
  cors,
  policy,
  ownership,
  public_access_block,
  encryption,
  website,
  logging,
  accelerate,
  request_payment,
  replication,
  count_,
};
inline constexpr std::size_t bucket_doc_count = static_cast<std::size_t>(bucket_doc::count_);

struct bucket_row {
  std::string name;
  std::string region;
  std::int64_t created_ms = 0;
  std::string acl = "private";
  std::string notification;  // rendered NotificationConfiguration XML, or empty
  std::string versioning;    // "" (never versioned), "Enabled" or "Suspended"
  std::string mfa_delete;    // "" (never set), "Enabled" or "Disabled"
  std::string object_lock;   // rendered ObjectLockConfiguration XML, or empty (lock not enabled)
  std::string lifecycle;     // "minimum-size mode\n" + LifecycleConfiguration XML, or empty
  std::array<std::string, bucket_doc_count> docs;
  const std::string& doc(bucket_doc d) const { return docs[static_cast<std::size_t>(d)]; }
  std::string& doc(bucket_doc d) { return docs[static_cast<std::size_t>(d)]; }
};

// The bucket's row; its documents (bucket_row::docs) only when asked for, since reading eleven
// more columns costs a PUT about 10,000 instructions and most writes need none of them (the
// default encryption, which every write applies, is always read).
result<std::optional<bucket_row>> find_bucket(database& db, std::string_view name, bool with_docs = false);
result<void> insert_bucket(database& db, const bucket_row& b);
result<std::vector<bucket_row>> list_bucket_rows(database& db);
result<void> set_bucket_acl(database& db, std::string_view name, std::string_view acl);
result<void> set_bucket_notification(database& db, std::string_view name, std::string_view xml);
result<void> set_bucket_versioning(database& db, std::string_view name, std::string_view status,
                                   std::string_view mfa_delete);
result<void> set_bucket_object_lock(database& db, std::string_view name, std::string_view xml);
result<void> set_bucket_lifecycle(database& db, std::string_view name, std::string_view xml);
result<void> set_bucket_doc(database& db, std::string_view name, bucket_doc d, std::string_view value);

// Documents a bucket holds several of, by id: kind "inventory", "analytics", "metrics",
// "intelligent-tiering".
result<void> put_bucket_config(database& db, std::string_view bucket, std::string_view kind, std::string_view id,
                               std::string_view document);
result<std::optional<std::string>> find_bucket_config(database& db, std::string_view bucket, std::string_view kind,
                                                      std::string_view id);
// Removes one; false when there was none.
result<bool> delete_bucket_config(database& db, std::string_view bucket, std::string_view kind, std::string_view id);
// (id, document) with id > after, in id order, at most limit.
result<std::vector<std::pair<std::string, std::string>>> list_bucket_configs(database& db, std::string_view bucket,
                                                                             std::string_view kind,
                                                                             std::string_view after, int limit);
result<bool> bucket_has_objects(database& db, std::string_view name);
// Object count and total bytes of every bucket that holds objects (one grouped read).
struct bucket_usage_row {
  std::string name;
  std::int64_t objects = 0;
  std::int64_t bytes = 0;
};
result<std::vector<bucket_usage_row>> bucket_usage_rows(database& db);
// Deletes the bucket and its in-progress uploads; returns the part blob ids to remove.
result<std::vector<std::string>> delete_bucket_row(database& db, std::string_view name);

// One version of an object (the body, when inline, is separate so listings never copy it). A
// key's versions are rows of one table; the newest (the highest row id) is the latest and may be
// a delete marker. Buckets that were never versioned hold one "null" version per key.
struct object_row {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;  // quoted
  std::int64_t modified_ms = 0;
  std::string headers;  // "name: value\n" lines returned on GET/HEAD (Content-Type, x-amz-meta-*, ...)
  int checksum_alg = 0;  // checksum_algorithm
  std::string checksum;
  std::string checksum_type;
  int parts = 0;  // part count for multipart objects
  std::string acl = "private";
  std::optional<std::string> blob;  // blob id when the body is a file
  std::string body;                 // inline body when blob is empty
  std::string version_id = "null";
  bool latest = true;
  bool delete_marker = false;
  std::int64_t noncurrent_ms = 0;  // when it stopped being the latest version
  std::string storage_class = "STANDARD";
  std::string lock_mode;  // "", "GOVERNANCE" or "COMPLIANCE"
  std::int64_t lock_until_ms = 0;
  int legal_hold = 0;  // 0: never set, 1: ON, 2: OFF
  std::int64_t restore_ready_ms = 0;  // an ongoing restore completes then (0: none ongoing)
  std::int64_t restore_until_ms = 0;  // the restored copy expires then (0: not restored)
  std::string part_list;              // multipart: "number size checksum\n" per part
  std::string tags;                   // stored tag set (s3/api/tagging.h encode_tags), "" for none
};

// The latest version of (bucket, key), delete markers included.
result<std::optional<object_row>> find_object(database& db, std::string_view bucket, std::string_view key,
                                              bool with_body);
result<std::optional<object_row>> find_object_version(database& db, std::string_view bucket, std::string_view key,
                                                      std::string_view version_id, bool with_body);
// Makes `o` the latest version of its key: the key's version with o.version_id (the "null"
// version, when a bucket that is unversioned or suspended writes) is replaced, and the previous
// latest version becomes noncurrent at o.modified_ms. Returns the blob id of the replaced
// version, if it had one.
result<std::optional<std::string>> upsert_object(database& db, std::string_view bucket, const object_row& o);
struct removed_object {
  bool existed = false;
  bool was_latest = false;
  bool delete_marker = false;
  std::optional<std::string> blob;
};
// Removes one version; when it was the latest, the newest remaining version becomes the latest.
result<removed_object> delete_object_version(database& db, std::string_view bucket, std::string_view key,
                                             std::string_view version_id);
// Removes the "null" version (what DELETE does in a bucket that was never versioned).
inline result<removed_object> delete_object_row(database& db, std::string_view bucket, std::string_view key) {
  return delete_object_version(db, bucket, key, "null");
}
// Rewrites a version's mutable state (acl, storage class, lock, legal hold, restore) from `o`;
// false when the version does not exist.
result<bool> update_object_state(database& db, std::string_view bucket, const object_row& o);
result<bool> set_object_acl(database& db, std::string_view bucket, std::string_view key, std::string_view acl);

struct listed_object {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;
  std::int64_t modified_ms = 0;
  int checksum_alg = 0;
  std::string checksum_type;
  std::string storage_class;
};
// Up to `limit` latest versions that are not delete markers, with key >= prefix, key starting
// with prefix, and key > after (or >= after when `inclusive`), in key order.
result<std::vector<listed_object>> list_object_rows(database& db, std::string_view bucket, std::string_view prefix,
                                                    std::string_view after, bool inclusive, int limit);

// A version as ListObjectVersions shows it; `id` orders the versions of a key (newest first).
struct listed_version {
  std::int64_t id = 0;
  std::string key;
  std::string version_id;
  bool latest = false;
  bool delete_marker = false;
  std::uint64_t size = 0;
  std::string etag;
  std::int64_t modified_ms = 0;
  int checksum_alg = 0;
  std::string checksum_type;
  std::string storage_class;
  std::string tags;  // stored tag set
};
// Up to `limit` versions under prefix with key > after (>= when `inclusive`), ordered by key and
// then newest first.
result<std::vector<listed_version>> list_version_rows(database& db, std::string_view bucket, std::string_view prefix,
                                                      std::string_view after, bool inclusive, int limit);
// Up to `limit` versions of `key` older than the version with row id `before_id`, newest first.
result<std::vector<listed_version>> list_older_versions(database& db, std::string_view bucket, std::string_view key,
                                                        std::int64_t before_id, int limit);
// The row id of a version (for version-id-marker), or nullopt.
result<std::optional<std::int64_t>> version_row_id(database& db, std::string_view bucket, std::string_view key,
                                                   std::string_view version_id);

// Versions with a restore in progress or a restored copy that expires after now_ms.
struct pending_restore {
  std::string bucket, key, version_id;
  std::int64_t ready_ms = 0, until_ms = 0;
};
result<std::vector<pending_restore>> pending_restores(database& db, std::int64_t now_ms);

// Every blob id referenced by objects and parts (for start-up garbage collection).
result<std::vector<std::string>> referenced_blobs(database& db);
// Empties every S3 table.
result<void> clear_all(database& db);

// The smallest byte string greater than every string that starts with `prefix`; empty when
// there is none (prefix of 0xFF bytes).
std::string prefix_successor(std::string_view prefix);

}  // namespace hayloft::s3
