#include "s3/store/tables.h"

namespace hayloft::s3 {
namespace {

// A blob parameter that is never NULL (an empty string_view may carry a null pointer).
std::string_view blob_arg(std::string_view s) { return s.empty() ? std::string_view("", 0) : s; }

// The columns read_object expects, in order; the body is last so it can be left out.
#define HAYLOFT_S3_OBJECT_COLUMNS                                                                              \
  "key, size, etag, modified_ms, headers, checksum_alg, checksum, checksum_type, parts, acl, blob, version_id, " \
  "latest, delete_marker, noncurrent_ms, storage_class, lock_mode, lock_until_ms, legal_hold, restore_ready_ms, " \
  "restore_until_ms, part_list, tags"

object_row read_object(const hayloft::store::statement& s, bool with_body) {
  object_row o;
  o.key = std::string(s.blob_view(0));
  o.size = static_cast<std::uint64_t>(s.int64(1));
  o.etag = s.text(2);
  o.modified_ms = s.int64(3);
  o.headers = s.text(4);
  o.checksum_alg = static_cast<int>(s.int64(5));
  o.checksum = s.text(6);
  o.checksum_type = s.text(7);
  o.parts = static_cast<int>(s.int64(8));
  o.acl = s.text(9);
  if (!s.is_null(10)) o.blob = s.text(10);
  o.version_id = s.text(11);
  o.latest = s.int64(12) != 0;
  o.delete_marker = s.int64(13) != 0;
  o.noncurrent_ms = s.int64(14);
  o.storage_class = s.text(15);
  o.lock_mode = s.text(16);
  o.lock_until_ms = s.int64(17);
  o.legal_hold = static_cast<int>(s.int64(18));
  o.restore_ready_ms = s.int64(19);
  o.restore_until_ms = s.int64(20);
  o.part_list = s.text(21);
  o.tags = s.text(22);
  if (with_body && !s.is_null(23)) o.body = std::string(s.blob_view(23));
  return o;
}

result<std::optional<object_row>> read_one(hayloft::store::statement& s, bool with_body) {
  auto row = s.step();
  if (!row.ok()) return row.err();
  if (!*row) return std::optional<object_row>{};
  auto o = read_object(s, with_body);
  s.reset();
  return std::optional<object_row>(std::move(o));
}

// Column names of bucket_doc, in order.
constexpr const char* doc_columns[bucket_doc_count] = {"tagging", "cors", "policy", "ownership",
                                                       "public_access_block", "encryption", "website", "logging",
                                                       "accelerate", "request_payment", "replication"};
#define HAYLOFT_S3_BUCKET_COLUMNS                                                                          \
  "name, region, created_ms, acl, notification, versioning, mfa_delete, object_lock, lifecycle, tagging, cors, " \
  "policy, ownership, public_access_block, encryption, website, logging, accelerate, request_payment, replication"

bucket_row read_bucket_row(const hayloft::store::statement& s, bool with_docs = true) {
  bucket_row b{s.text(0), s.text(1), s.int64(2), s.text(3), s.text(4), s.text(5), s.text(6), s.text(7), s.text(8), {}};
  if (with_docs)
    for (std::size_t i = 0; i < bucket_doc_count; ++i) b.docs[i] = s.text(static_cast<int>(9 + i));
  return b;
}

result<void> set_bucket_column(database& db, const std::string& sql, std::string_view name, std::string_view value) {
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  return (*st)->bind(1, name).bind(2, value).run();
}

}  // namespace

std::string prefix_successor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    auto c = static_cast<unsigned char>(s.back());
    if (c != 0xFF) {
      s.back() = static_cast<char>(c + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

result<std::optional<bucket_row>> find_bucket(database& db, std::string_view name, bool with_docs) {
  static const std::string sql = "SELECT " HAYLOFT_S3_BUCKET_COLUMNS " FROM s3_buckets WHERE name = ?1";
  // Without the documents, but with the default encryption every write applies.
  static const std::string sql_base =
      "SELECT name, region, created_ms, acl, notification, versioning, mfa_delete, object_lock, lifecycle, encryption "
      "FROM s3_buckets WHERE name = ?1";
  auto st = db.cached(with_docs ? sql : sql_base);
  if (!st.ok()) return st.err();
  auto& s = **st;
  s.bind(1, name);
  auto row = s.step();
  if (!row.ok()) return row.err();
  if (!*row) return std::optional<bucket_row>{};
  auto b = read_bucket_row(s, with_docs);
  if (!with_docs) b.doc(bucket_doc::encryption) = s.text(9);
  s.reset();
  return std::optional<bucket_row>(std::move(b));
}

result<void> insert_bucket(database& db, const bucket_row& b) {
  static const std::string sql = "INSERT INTO s3_buckets(" HAYLOFT_S3_BUCKET_COLUMNS
                                 ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
                                 "?18, ?19, ?20)";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  for (std::size_t i = 0; i < bucket_doc_count; ++i) (*st)->bind(static_cast<int>(10 + i), b.docs[i]);
  return (*st)
      ->bind(1, b.name)
      .bind(2, b.region)
      .bind(3, b.created_ms)
      .bind(4, b.acl)
      .bind(5, b.notification)
      .bind(6, b.versioning)
      .bind(7, b.mfa_delete)
      .bind(8, b.object_lock)
      .bind(9, b.lifecycle)
      .run();
}

result<std::vector<bucket_row>> list_bucket_rows(database& db) {
  static const std::string sql = "SELECT " HAYLOFT_S3_BUCKET_COLUMNS " FROM s3_buckets ORDER BY name";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  auto& s = **st;
  std::vector<bucket_row> out;
  for (;;) {
    auto row = s.step();
    if (!row.ok()) return row.err();
    if (!*row) break;
    out.push_back(read_bucket_row(s));
  }
  return out;
}

result<std::vector<bucket_usage_row>> bucket_usage_rows(database& db) {
  static const std::string sql = "SELECT bucket, COUNT(*), COALESCE(SUM(size), 0) FROM s3_objects WHERE latest = 1 AND delete_marker = 0 "
      "GROUP BY bucket";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  auto& s = **st;
  std::vector<bucket_usage_row> out;
  for (;;) {
    auto row = s.step();
    if (!row.ok()) return row.err();
    if (!*row) break;
    out.push_back({s.text(0), s.int64(1), s.int64(2)});
  }
  return out;
}

result<void> set_bucket_acl(database& db, std::string_view name, std::string_view acl) {
  static const std::string sql = "UPDATE s3_buckets SET acl = ?2 WHERE name = ?1";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  return (*st)->bind(1, name).bind(2, acl).run();
}

result<void> set_bucket_notification(database& db, std::string_view name, std::string_view xml) {
  static const std::string sql = "UPDATE s3_buckets SET notification = ?2 WHERE name = ?1";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  return (*st)->bind(1, name).bind(2, xml).run();
}

result<void> set_bucket_versioning(database& db, std::string_view name, std::string_view status,
                                   std::string_view mfa_delete) {
  static const std::string sql = "UPDATE s3_buckets SET versioning = ?2, mfa_delete = ?3 WHERE name = ?1";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  return (*st)->bind(1, name).bind(2, status).bind(3, mfa_delete).run();
}

result<void> set_bucket_object_lock(database& db, std::string_view name, std::string_view xml) {
  static const std::string sql = "UPDATE s3_buckets SET object_lock = ?2 WHERE name = ?1";
  return set_bucket_column(db, sql, name, xml);
}

result<void> set_bucket_lifecycle(database& db, std::string_view name, std::string_view xml) {
  static const std::string sql = "UPDATE s3_buckets SET lifecycle = ?2 WHERE name = ?1";
  return set_bucket_column(db, sql, name, xml);
}

result<void> set_bucket_doc(database& db, std::string_view name, bucket_doc d, std::string_view value) {
  static const auto sqls = [] {
    std::array<std::string, bucket_doc_count> out;
    for (std::size_t i = 0; i < bucket_doc_count; ++i)
      out[i] = std::string("UPDATE s3_buckets SET ") + doc_columns[i] + " = ?2 WHERE name = ?1";
    return out;
  }();
  return set_bucket_column(db, sqls[static_cast<std::size_t>(d)], name, value);
}

result<void> put_bucket_config(database& db, std::string_view bucket, std::string_view kind, std::string_view id,
                               std::string_view document) {
  static const std::string sql =
      "INSERT OR REPLACE INTO s3_bucket_configs(bucket, kind, id, document) VALUES (?1, ?2, ?3, ?4)";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  return (*st)->bind(1, bucket).bind(2, kind).bind(3, id).bind(4, document).run();
}

result<std::optional<std::string>> find_bucket_config(database& db, std::string_view bucket, std::string_view kind,
                                                      std::string_view id) {
  static const std::string sql = "SELECT document FROM s3_bucket_configs WHERE bucket = ?1 AND kind = ?2 AND id = ?3";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  auto& s = **st;
  s.bind(1, bucket).bind(2, kind).bind(3, id);
  auto row = s.step();
  if (!row.ok()) return row.err();
  if (!*row) return std::optional<std::string>{};
  auto doc = s.text(0);
  s.reset();
  return std::optional<std::string>(std::move(doc));
}

result<bool> delete_bucket_config(database& db, std::string_view bucket, std::string_view kind, std::string_view id) {
  static const std::string sql = "DELETE FROM s3_bucket_configs WHERE bucket = ?1 AND kind = ?2 AND id = ?3";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  HAYLOFT_TRY((*st)->bind(1, bucket).bind(2, kind).bind(3, id).run());
  return db.changes() > 0;
}

result<std::vector<std::pair<std::string, std::string>>> list_bucket_configs(database& db, std::string_view bucket,
                                                                             std::string_view kind,
                                                                             std::string_view after, int limit) {
  static const std::string sql =
      "SELECT id, document FROM s3_bucket_configs WHERE bucket = ?1 AND kind = ?2 AND id > ?3 ORDER BY id LIMIT ?4";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  auto& s = **st;
  s.bind(1, bucket).bind(2, kind).bind(3, after).bind(4, limit);
  std::vector<std::pair<std::string, std::string>> out;
  for (;;) {
    auto row = s.step();
    if (!row.ok()) return row.err();
    if (!*row) break;
    out.emplace_back(s.text(0), s.text(1));
  }
  return out;
}

result<bool> bucket_has_objects(database& db, std::string_view name) {
  static const std::string sql = "SELECT 1 FROM s3_objects WHERE bucket = ?1 LIMIT 1";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  (*st)->bind(1, name);
  auto row = (*st)->step();
  if (!row.ok()) return row.err();
  bool any = *row;
  (*st)->reset();
  return any;
}

result<std::vector<std::string>> delete_bucket_row(database& db, std::string_view name) {
  std::vector<std::string> blobs;
  {
    static const std::string sql =
        "SELECT p.blob FROM s3_parts p JOIN s3_uploads u ON u.upload_id = p.upload_id WHERE u.bucket = ?1";
    auto st = db.cached(sql);
    if (!st.ok()) return st.err();
    (*st)->bind(1, name);
    for (;;) {
      auto row = (*st)->step();
      if (!row.ok()) return row.err();
      if (!*row) break;
      blobs.push_back((*st)->text(0));
    }
  }
  for (const char* sql : {"DELETE FROM s3_parts WHERE upload_id IN (SELECT upload_id FROM s3_uploads WHERE bucket = ?1)",
                          "DELETE FROM s3_uploads WHERE bucket = ?1", "DELETE FROM s3_bucket_configs WHERE bucket = ?1",
                          "DELETE FROM s3_buckets WHERE name = ?1"}) {
    auto st = db.cached(sql);
    if (!st.ok()) return st.err();
    HAYLOFT_TRY((*st)->bind(1, name).run());
  }
  return blobs;
}

result<std::optional<object_row>> find_object(database& db, std::string_view bucket, std::string_view key,
                                              bool with_body) {
  static const std::string sql_body =
      "SELECT " HAYLOFT_S3_OBJECT_COLUMNS ", body FROM s3_objects WHERE bucket = ?1 AND key = ?2 AND latest = 1";
  static const std::string sql_meta =
      "SELECT " HAYLOFT_S3_OBJECT_COLUMNS " FROM s3_objects WHERE bucket = ?1 AND key = ?2 AND latest = 1";
  auto st = db.cached(with_body ? sql_body : sql_meta);
  if (!st.ok()) return st.err();
  (*st)->bind(1, bucket).bind_blob(2, blob_arg(key));
  return read_one(**st, with_body);
}

result<std::optional<object_row>> find_object_version(database& db, std::string_view bucket, std::string_view key,
                                                      std::string_view version_id, bool with_body) {
  static const std::string sql_body = "SELECT " HAYLOFT_S3_OBJECT_COLUMNS
                                      ", body FROM s3_objects WHERE bucket = ?1 AND key = ?2 AND version_id = ?3";
  static const std::string sql_meta =
      "SELECT " HAYLOFT_S3_OBJECT_COLUMNS " FROM s3_objects WHERE bucket = ?1 AND key = ?2 AND version_id = ?3";
  auto st = db.cached(with_body ? sql_body : sql_meta);
  if (!st.ok()) return st.err();
  (*st)->bind(1, bucket).bind_blob(2, blob_arg(key)).bind(3, version_id);
  return read_one(**st, with_body);
}

result<std::optional<std::string>> upsert_object(database& db, std::string_view bucket, const object_row& o) {
  std::optional<std::string> old_blob;
  {
    static const std::string sql =
        "DELETE FROM s3_objects WHERE bucket = ?1 AND key = ?2 AND version_id = ?3 RETURNING blob";
    auto st = db.cached(sql);
    if (!st.ok()) return st.err();
    auto& s = **st;
    s.bind(1, bucket).bind_blob(2, blob_arg(o.key)).bind(3, o.version_id);
    for (;;) {
      auto row = s.step();
      if (!row.ok()) return row.err();
      if (!*row) break;
      if (!s.is_null(0)) old_blob = s.text(0);
    }
  }
  {
    static const std::string sql =
        "UPDATE s3_objects SET latest = 0, noncurrent_ms = ?3 WHERE bucket = ?1 AND key = ?2 AND latest = 1";
    auto st = db.cached(sql);
    if (!st.ok()) return st.err();
    HAYLOFT_TRY((*st)->bind(1, bucket).bind_blob(2, blob_arg(o.key)).bind(3, o.modified_ms).run());
  }
  static const std::string sql =
      "INSERT INTO s3_objects(bucket, key, size, etag, modified_ms, headers, checksum_alg, checksum, checksum_type, "
      "parts, acl, blob, body, version_id, latest, delete_marker, noncurrent_ms, storage_class, lock_mode, "
      "lock_until_ms, legal_hold, restore_ready_ms, restore_until_ms, part_list, tags) VALUES (?1, ?2, ?3, ?4, ?5, "
      "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 1, ?15, 0, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  auto& s = **st;
  s.bind(1, bucket)
      .bind_blob(2, blob_arg(o.key))
      .bind(3, static_cast<std::int64_t>(o.size))
      .bind(4, o.etag)
      .bind(5, o.modified_ms)
      .bind(6, o.headers)
      .bind(7, o.checksum_alg)
      .bind(8, o.checksum)
      .bind(9, o.checksum_type)
      .bind(10, o.parts)
      .bind(11, o.acl)
      .bind(12, o.blob)
      .bind(14, o.version_id)
      .bind(15, o.delete_marker ? 1 : 0)
      .bind(16, o.storage_class)
      .bind(17, o.lock_mode)
      .bind(18, o.lock_until_ms)
      .bind(19, o.legal_hold)
      .bind(20, o.restore_ready_ms)
      .bind(21, o.restore_until_ms)
      .bind(22, o.part_list)
      .bind(23, o.tags);
  if (o.blob) s.bind_null(13);
  else s.bind_blob(13, blob_arg(o.body));
  HAYLOFT_TRY(s.run());
  return old_blob;
}

result<removed_object> delete_object_version(database& db, std::string_view bucket, std::string_view key,
                                             std::string_view version_id) {
  static const std::string sql =
      "DELETE FROM s3_objects WHERE bucket = ?1 AND key = ?2 AND version_id = ?3 RETURNING blob, latest, "
      "delete_marker";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  auto& s = **st;
  s.bind(1, bucket).bind_blob(2, blob_arg(key)).bind(3, version_id);
  removed_object out;
  for (;;) {
    auto row = s.step();
    if (!row.ok()) return row.err();
    if (!*row) break;
    out.existed = true;
    if (!s.is_null(0)) out.blob = s.text(0);
    out.was_latest = s.int64(1) != 0;
    out.delete_marker = s.int64(2) != 0;
  }
  s.reset();
  if (out.was_latest) {
    // The newest remaining version (the highest row id) becomes the latest again.
    static const std::string promote =
        "UPDATE s3_objects SET latest = 1, noncurrent_ms = 0 WHERE id = (SELECT id FROM s3_objects "
        "WHERE bucket = ?1 AND key = ?2 ORDER BY id DESC LIMIT 1)";
    auto p = db.cached(promote);
    if (!p.ok()) return p.err();
    HAYLOFT_TRY((*p)->bind(1, bucket).bind_blob(2, blob_arg(key)).run());
  }
  return out;
}

result<bool> update_object_state(database& db, std::string_view bucket, const object_row& o) {
  static const std::string sql =
      "UPDATE s3_objects SET acl = ?4, storage_class = ?5, lock_mode = ?6, lock_until_ms = ?7, legal_hold = ?8, "
      "restore_ready_ms = ?9, restore_until_ms = ?10, tags = ?11 WHERE bucket = ?1 AND key = ?2 AND version_id = ?3";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  HAYLOFT_TRY((*st)
                  ->bind(1, bucket)
                  .bind_blob(2, blob_arg(o.key))
                  .bind(3, o.version_id)
                  .bind(4, o.acl)
                  .bind(5, o.storage_class)
                  .bind(6, o.lock_mode)
                  .bind(7, o.lock_until_ms)
                  .bind(8, o.legal_hold)
                  .bind(9, o.restore_ready_ms)
                  .bind(10, o.restore_until_ms)
                  .bind(11, o.tags)
                  .run());
  return db.changes() > 0;
}

result<bool> set_object_acl(database& db, std::string_view bucket, std::string_view key, std::string_view acl) {
  static const std::string sql = "UPDATE s3_objects SET acl = ?3 WHERE bucket = ?1 AND key = ?2 AND latest = 1";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  HAYLOFT_TRY((*st)->bind(1, bucket).bind_blob(2, blob_arg(key)).bind(3, acl).run());
  return db.changes() > 0;
}

result<std::vector<listed_object>> list_object_rows(database& db, std::string_view bucket, std::string_view prefix,
                                                    std::string_view after, bool inclusive, int limit) {
  // Four statements: (bounded by the prefix successor or not) x (inclusive start or not).
  static const std::string base =
      "SELECT key, size, etag, modified_ms, checksum_alg, checksum_type, storage_class FROM s3_objects "
      "WHERE bucket = ?1 AND latest = 1 AND delete_marker = 0 AND key >= ?2 ";
  static const std::string sqls[4] = {
      base + "AND key > ?3 ORDER BY key LIMIT ?5",
      base + "AND key >= ?3 ORDER BY key LIMIT ?5",
      base + "AND key > ?3 AND key < ?4 ORDER BY key LIMIT ?5",
      base + "AND key >= ?3 AND key < ?4 ORDER BY key LIMIT ?5",
  };
  auto upper = prefix_successor(prefix);
  bool bounded = !prefix.empty() && !upper.empty();
  auto st = db.cached(sqls[(bounded ? 2 : 0) + (inclusive ? 1 : 0)]);
  if (!st.ok()) return st.err();
  auto& s = **st;
  s.bind(1, bucket).bind_blob(2, blob_arg(prefix)).bind_blob(3, blob_arg(after)).bind(5, limit);
  if (bounded) s.bind_blob(4, upper);
  std::vector<listed_object> out;
  for (;;) {
    auto row = s.step();
    if (!row.ok()) return row.err();
    if (!*row) break;
    out.push_back({std::string(s.blob_view(0)), static_cast<std::uint64_t>(s.int64(1)), s.text(2), s.int64(3),
                   static_cast<int>(s.int64(4)), s.text(5), s.text(6)});
  }
  return out;
}

namespace {

result<std::vector<listed_version>> read_versions(hayloft::store::statement& s) {
  std::vector<listed_version> out;
  for (;;) {
    auto row = s.step();
    if (!row.ok()) return row.err();
    if (!*row) break;
    listed_version v;
    v.id = s.int64(0);
    v.key = std::string(s.blob_view(1));
    v.version_id = s.text(2);
    v.latest = s.int64(3) != 0;
    v.delete_marker = s.int64(4) != 0;
    v.size = static_cast<std::uint64_t>(s.int64(5));
    v.etag = s.text(6);
    v.modified_ms = s.int64(7);
    v.checksum_alg = static_cast<int>(s.int64(8));
    v.checksum_type = s.text(9);
    v.storage_class = s.text(10);
    v.tags = s.text(11);
    out.push_back(std::move(v));
  }
  return out;
}

#define HAYLOFT_S3_VERSION_COLUMNS \
  "id, key, version_id, latest, delete_marker, size, etag, modified_ms, checksum_alg, checksum_type, storage_class, tags "

}  // namespace

result<std::vector<listed_version>> list_version_rows(database& db, std::string_view bucket, std::string_view prefix,
                                                      std::string_view after, bool inclusive, int limit) {
  static const std::string base =
      "SELECT " HAYLOFT_S3_VERSION_COLUMNS "FROM s3_objects WHERE bucket = ?1 AND key >= ?2 ";
  static const std::string sqls[4] = {
      base + "AND key > ?3 ORDER BY key, id DESC LIMIT ?5",
      base + "AND key >= ?3 ORDER BY key, id DESC LIMIT ?5",
      base + "AND key > ?3 AND key < ?4 ORDER BY key, id DESC LIMIT ?5",
      base + "AND key >= ?3 AND key < ?4 ORDER BY key, id DESC LIMIT ?5",
  };
  auto upper = prefix_successor(prefix);
  bool bounded = !prefix.empty() && !upper.empty();
  auto st = db.cached(sqls[(bounded ? 2 : 0) + (inclusive ? 1 : 0)]);
  if (!st.ok()) return st.err();
  auto& s = **st;
  s.bind(1, bucket).bind_blob(2, blob_arg(prefix)).bind_blob(3, blob_arg(after)).bind(5, limit);
  if (bounded) s.bind_blob(4, upper);
  return read_versions(s);
}

result<std::vector<listed_version>> list_older_versions(database& db, std::string_view bucket, std::string_view key,
                                                        std::int64_t before_id, int limit) {
  static const std::string sql = "SELECT " HAYLOFT_S3_VERSION_COLUMNS
                                 "FROM s3_objects WHERE bucket = ?1 AND key = ?2 AND id < ?3 ORDER BY id DESC LIMIT ?4";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  (*st)->bind(1, bucket).bind_blob(2, blob_arg(key)).bind(3, before_id).bind(4, limit);
  return read_versions(**st);
}

result<std::optional<std::int64_t>> version_row_id(database& db, std::string_view bucket, std::string_view key,
                                                   std::string_view version_id) {
  static const std::string sql = "SELECT id FROM s3_objects WHERE bucket = ?1 AND key = ?2 AND version_id = ?3";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  auto& s = **st;
  s.bind(1, bucket).bind_blob(2, blob_arg(key)).bind(3, version_id);
  auto row = s.step();
  if (!row.ok()) return row.err();
  if (!*row) return std::optional<std::int64_t>{};
  auto id = s.int64(0);
  s.reset();
  return std::optional<std::int64_t>(id);
}

result<std::vector<pending_restore>> pending_restores(database& db, std::int64_t now_ms) {
  static const std::string sql =
      "SELECT bucket, key, version_id, restore_ready_ms, restore_until_ms FROM s3_objects "
      "WHERE restore_until_ms > 0 AND restore_until_ms > ?1";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  auto& s = **st;
  s.bind(1, now_ms);
  std::vector<pending_restore> out;
  for (;;) {
    auto row = s.step();
    if (!row.ok()) return row.err();
    if (!*row) break;
    out.push_back({s.text(0), std::string(s.blob_view(1)), s.text(2), s.int64(3), s.int64(4)});
  }
  return out;
}

result<std::vector<std::string>> referenced_blobs(database& db) {
  std::vector<std::string> out;
  for (const char* sql : {"SELECT blob FROM s3_objects WHERE blob IS NOT NULL", "SELECT blob FROM s3_parts"}) {
    auto st = db.prepare(sql);
    if (!st.ok()) return st.err();
    for (;;) {
      auto row = st->step();
      if (!row.ok()) return row.err();
      if (!*row) break;
      out.push_back(st->text(0));
    }
  }
  return out;
}

result<void> clear_all(database& db) {
  return db.exec(
      "DELETE FROM s3_parts; DELETE FROM s3_uploads; DELETE FROM s3_objects; DELETE FROM s3_bucket_configs; "
      "DELETE FROM s3_buckets;");
}

}  // namespace hayloft::s3
