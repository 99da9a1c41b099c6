#pragma once
// Typed access to the S3 tables. Every function runs on the connection it is given: readers
// lease one from state_store::reader(), writers run inside a state_store job. SQLite errors
// come back as store::errc values; "no such row" is a value (nullopt/false), not an error.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/store/sqlite.h"

namespace hayloft::s3 {

using hayloft::store::database;

struct bucket_row {
  std::string name;
  std::string region;
  std::int64_t created_ms = 0;
  std::string acl = "private";
  std::string notification;  // rendered NotificationConfiguration XML, or empty
};

result<std::optional<bucket_row>> find_bucket(database& db, std::string_view name);
result<void> insert_bucket(database& db, const bucket_row& b);
result<std::vector<bucket_row>> list_bucket_rows(database& db);
result<void> set_bucket_acl(database& db, std::string_view name, std::string_view acl);
result<void> set_bucket_notification(database& db, std::string_view name, std::string_view xml);
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

// An object's metadata row (the body, when inline, is separate so listings never copy it).
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
};

result<std::optional<object_row>> find_object(database& db, std::string_view bucket, std::string_view key,
                                              bool with_body);
// Inserts or replaces (bucket, key). Returns the blob id the replaced row referenced, if any.
result<std::optional<std::string>> upsert_object(database& db, std::string_view bucket, const object_row& o);
struct removed_object {
  bool existed = false;
  std::optional<std::string> blob;
};
result<removed_object> delete_object_row(database& db, std::string_view bucket, std::string_view key);
result<bool> set_object_acl(database& db, std::string_view bucket, std::string_view key, std::string_view acl);

struct listed_object {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;
  std::int64_t modified_ms = 0;
  int checksum_alg = 0;
  std::string checksum_type;
};
// Up to `limit` objects with key >= prefix, key starting with prefix, and key > after (or
// >= after when `inclusive`), in key order.
result<std::vector<listed_object>> list_object_rows(database& db, std::string_view bucket, std::string_view prefix,
                                                    std::string_view after, bool inclusive, int limit);

// Every blob id referenced by objects and parts (for start-up garbage collection).
result<std::vector<std::string>> referenced_blobs(database& db);
// Empties every S3 table.
result<void> clear_all(database& db);

// The smallest byte string greater than every string that starts with `prefix`; empty when
// there is none (prefix of 0xFF bytes).
std::string prefix_successor(std::string_view prefix);

}  // namespace hayloft::s3
