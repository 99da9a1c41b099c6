#include "s3/store/tables.h"

namespace hayloft::s3 {
namespace {

// A blob parameter that is never NULL (an empty string_view may carry a null pointer).
std::string_view blob_arg(std::string_view s) { return s.empty() ? std::string_view("", 0) : s; }

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
  if (with_body && !s.is_null(11)) o.body = std::string(s.blob_view(11));
  return o;
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

result<std::optional<bucket_row>> find_bucket(database& db, std::string_view name) {
  static const std::string sql = "SELECT name, region, created_ms, acl, notification FROM s3_buckets WHERE name = ?1";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  auto& s = **st;
  s.bind(1, name);
  auto row = s.step();
  if (!row.ok()) return row.err();
  if (!*row) return std::optional<bucket_row>{};
  bucket_row b{s.text(0), s.text(1), s.int64(2), s.text(3), s.text(4)};
  s.reset();
  return std::optional<bucket_row>(std::move(b));
}

result<void> insert_bucket(database& db, const bucket_row& b) {
  static const std::string sql =
      "INSERT INTO s3_buckets(name, region, created_ms, acl, notification) VALUES (?1, ?2, ?3, ?4, ?5)";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  return (*st)->bind(1, b.name).bind(2, b.region).bind(3, b.created_ms).bind(4, b.acl).bind(5, b.notification).run();
}

result<std::vector<bucket_row>> list_bucket_rows(database& db) {
  static const std::string sql = "SELECT name, region, created_ms, acl, notification FROM s3_buckets ORDER BY name";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  auto& s = **st;
  std::vector<bucket_row> out;
  for (;;) {
    auto row = s.step();
    if (!row.ok()) return row.err();
    if (!*row) break;
    out.push_back({s.text(0), s.text(1), s.int64(2), s.text(3), s.text(4)});
  }
  return out;
}

result<std::vector<bucket_usage_row>> bucket_usage_rows(database& db) {
  static const std::string sql = "SELECT bucket, COUNT(*), COALESCE(SUM(size), 0) FROM s3_objects GROUP BY bucket";
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
                          "DELETE FROM s3_uploads WHERE bucket = ?1", "DELETE FROM s3_buckets WHERE name = ?1"}) {
    auto st = db.cached(sql);
    if (!st.ok()) return st.err();
    HAYLOFT_TRY((*st)->bind(1, name).run());
  }
  return blobs;
}

result<std::optional<object_row>> find_object(database& db, std::string_view bucket, std::string_view key,
                                              bool with_body) {
  static const std::string sql_body =
      "SELECT key, size, etag, modified_ms, headers, checksum_alg, checksum, checksum_type, parts, acl, blob, body "
      "FROM s3_objects WHERE bucket = ?1 AND key = ?2";
  static const std::string sql_meta =
      "SELECT key, size, etag, modified_ms, headers, checksum_alg, checksum, checksum_type, parts, acl, blob "
      "FROM s3_objects WHERE bucket = ?1 AND key = ?2";
  auto st = db.cached(with_body ? sql_body : sql_meta);
  if (!st.ok()) return st.err();
  auto& s = **st;
  s.bind(1, bucket).bind_blob(2, blob_arg(key));
  auto row = s.step();
  if (!row.ok()) return row.err();
  if (!*row) return std::optional<object_row>{};
  auto o = read_object(s, with_body);
  s.reset();
  return std::optional<object_row>(std::move(o));
}

result<std::optional<std::string>> upsert_object(database& db, std::string_view bucket, const object_row& o) {
  std::optional<std::string> old_blob;
  {
    static const std::string sql = "SELECT blob FROM s3_objects WHERE bucket = ?1 AND key = ?2";
    auto st = db.cached(sql);
    if (!st.ok()) return st.err();
    (*st)->bind(1, bucket).bind_blob(2, blob_arg(o.key));
    auto row = (*st)->step();
    if (!row.ok()) return row.err();
    if (*row && !(*st)->is_null(0)) old_blob = (*st)->text(0);
    (*st)->reset();
  }
  static const std::string sql =
      "INSERT INTO s3_objects(bucket, key, size, etag, modified_ms, headers, checksum_alg, checksum, checksum_type, "
      "parts, acl, blob, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
      "ON CONFLICT(bucket, key) DO UPDATE SET size = excluded.size, etag = excluded.etag, "
      "modified_ms = excluded.modified_ms, headers = excluded.headers, checksum_alg = excluded.checksum_alg, "
      "checksum = excluded.checksum, checksum_type = excluded.checksum_type, parts = excluded.parts, "
      "acl = excluded.acl, blob = excluded.blob, body = excluded.body";
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
      .bind(12, o.blob);
  if (o.blob) s.bind_null(13);
  else s.bind_blob(13, blob_arg(o.body));
  HAYLOFT_TRY(s.run());
  return old_blob;
}

result<removed_object> delete_object_row(database& db, std::string_view bucket, std::string_view key) {
  static const std::string sql = "DELETE FROM s3_objects WHERE bucket = ?1 AND key = ?2 RETURNING blob";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  auto& s = **st;
  s.bind(1, bucket).bind_blob(2, blob_arg(key));
  removed_object out;
  auto row = s.step();
  if (!row.ok()) return row.err();
  if (*row) {
    out.existed = true;
    if (!s.is_null(0)) out.blob = s.text(0);
    // Drain so the statement completes.
    auto more = s.step();
    if (!more.ok()) return more.err();
  }
  s.reset();
  return out;
}

result<bool> set_object_acl(database& db, std::string_view bucket, std::string_view key, std::string_view acl) {
  static const std::string sql = "UPDATE s3_objects SET acl = ?3 WHERE bucket = ?1 AND key = ?2";
  auto st = db.cached(sql);
  if (!st.ok()) return st.err();
  HAYLOFT_TRY((*st)->bind(1, bucket).bind_blob(2, blob_arg(key)).bind(3, acl).run());
  return db.changes() > 0;
}

result<std::vector<listed_object>> list_object_rows(database& db, std::string_view bucket, std::string_view prefix,
                                                    std::string_view after, bool inclusive, int limit) {
  // Four statements: (bounded by the prefix successor or not) x (inclusive start or not).
  static const std::string base =
      "SELECT key, size, etag, modified_ms, checksum_alg, checksum_type FROM s3_objects WHERE bucket = ?1 "
      "AND key >= ?2 ";
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
                   static_cast<int>(s.int64(4)), s.text(5)});
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
  return db.exec("DELETE FROM s3_parts; DELETE FROM s3_uploads; DELETE FROM s3_objects; DELETE FROM s3_buckets;");
}

}  // namespace hayloft::s3
